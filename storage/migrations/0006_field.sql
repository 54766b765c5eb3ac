-- 0005: field mode. Pre-dossiers prepared by a community digital team on
-- a field station (origin 'local'), or imported from a field bundle at the
-- counter (origin 'imported'). The applicant, checklist, notes and
-- documents are sealed (AES-256-GCM, key in <data dir>/field.key, never
-- here): only the reference, the dates and the form, time and team member
-- of the villager's consent are in clear, for the list, the purge and the
-- record of consent.
CREATE TABLE pre_dossiers (
    ref            TEXT    PRIMARY KEY,
    origin         TEXT    NOT NULL CHECK (origin IN ('local', 'imported')),
    station        TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    consent_method TEXT    NOT NULL CHECK (consent_method IN ('paper', 'recorded')),
    consent_at     INTEGER NOT NULL,
    consent_by     TEXT    NOT NULL,
    exported_at    INTEGER,
    bundle_id      TEXT,
    accepted_at    INTEGER,
    accepted_code  TEXT,
    accepted_by    TEXT,
    sealed         BLOB
) STRICT;

CREATE INDEX pre_dossiers_origin ON pre_dossiers (origin, created_at);

CREATE TABLE pre_dossier_files (
    ref           TEXT    NOT NULL REFERENCES pre_dossiers (ref) ON DELETE CASCADE,
    idx           INTEGER NOT NULL CHECK (idx >= 0),
    attachment_id INTEGER,
    sealed        BLOB    NOT NULL,
    PRIMARY KEY (ref, idx)
) STRICT;

-- Bundles imported at the counter: the same bundle twice is a replay.
CREATE TABLE field_bundles (
    id          TEXT    PRIMARY KEY,
    station     TEXT    NOT NULL,
    signer      TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    imported_at INTEGER NOT NULL,
    items       INTEGER NOT NULL
) STRICT;
