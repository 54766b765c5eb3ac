-- 0003: the continuity plan (Decree 137/2024 art. 13 cl. 2): the incident
-- register and its timeline, drills, and the dossier numbers reserved for
-- paper receipts when the PC itself is down. Conventions as in 0001.

-- incidents: one row per incident, drill incidents included (source 'drill').
-- started_at is when the disruption began (for an automatic incident: when
-- the province stopped answering, not when the threshold was passed), so the
-- register shows how long the commune worked offline. ended_at NULL = open.
CREATE TABLE incidents (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    scenario       TEXT    NOT NULL CHECK (scenario IN ('network', 'province', 'power', 'hardware',
                                   'malware', 'corruption', 'printer', 'disaster', 'other')),
    severity       INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 4),
    title          TEXT    NOT NULL,
    source         TEXT    NOT NULL CHECK (source IN ('manual', 'auto', 'drill')),
    started_at     INTEGER NOT NULL,
    ended_at       INTEGER,
    declared_by    TEXT    NOT NULL,
    closed_by      TEXT    NOT NULL DEFAULT '',
    summary        TEXT    NOT NULL DEFAULT '',
    reconciliation TEXT    CHECK (reconciliation IS NULL OR json_valid(reconciliation)),
    created_at     INTEGER NOT NULL,
    CHECK (ended_at IS NULL OR ended_at >= started_at)
) STRICT;

CREATE INDEX incidents_started ON incidents (started_at);

-- At most one open automatic incident per database: two stations sharing a
-- file both notice the same outage; the second adopts the first's incident.
CREATE UNIQUE INDEX incidents_one_open_auto ON incidents (source) WHERE ended_at IS NULL AND source = 'auto';

-- incident_log: the timeline — actions taken, notes, connectivity changes,
-- runbook steps ticked (and unticked), people notified — numbered 0, 1, …
CREATE TABLE incident_log (
    incident_id INTEGER NOT NULL REFERENCES incidents (id),
    idx         INTEGER NOT NULL CHECK (idx >= 0),
    at          INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('action', 'note', 'state', 'step', 'unstep', 'notify')),
    text        TEXT    NOT NULL,
    step_id     TEXT    NOT NULL DEFAULT '',
    contact     TEXT    NOT NULL DEFAULT '',
    channel     TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (incident_id, idx)
) STRICT, WITHOUT ROWID;

-- drills: exercises, scheduled then run; a running drill has its incident
-- (source 'drill') whose timeline holds the step timings.
CREATE TABLE drills (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    scenario      TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('scheduled', 'running', 'done', 'cancelled')),
    simulate      INTEGER NOT NULL CHECK (simulate IN (0, 1)),
    scheduled_for INTEGER,
    incident_id   INTEGER REFERENCES incidents (id),
    started_at    INTEGER,
    ended_at      INTEGER,
    conducted_by  TEXT    NOT NULL DEFAULT '',
    result        TEXT    CHECK (result IS NULL OR json_valid(result)),
    created_at    INTEGER NOT NULL
) STRICT;

-- paper_blocks / paper_codes: sequence numbers reserved for pre-printed paper
-- receipts. A block takes the highest free numbers of the station's
-- partition (K, K+N, …), so online issuance, which climbs from the bottom,
-- meets them only after every other number of the day. The date part of the
-- code is written by hand on the day of use; a reserved number therefore
-- serves one paper receipt on any one day and is never issued online.
CREATE TABLE paper_blocks (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    agency     TEXT    NOT NULL,
    station_k  INTEGER NOT NULL,
    station_n  INTEGER NOT NULL,
    count      INTEGER NOT NULL CHECK (count > 0),
    created_at INTEGER NOT NULL,
    created_by TEXT    NOT NULL
) STRICT;

CREATE TABLE paper_codes (
    agency       TEXT    NOT NULL,
    seq          INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 9999),
    station_k    INTEGER NOT NULL,
    station_n    INTEGER NOT NULL,
    block_id     INTEGER NOT NULL REFERENCES paper_blocks (id),
    -- set by back-entry, in the transaction that inserts the dossier
    dossier_code TEXT    UNIQUE REFERENCES dossiers (code) DEFERRABLE INITIALLY DEFERRED,
    entered_at   INTEGER,
    entered_by   TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (agency, seq)
) STRICT, WITHOUT ROWID;

-- Whatever path inserts a dossier (Accept's sequence, Insert, an import), a
-- reserved number is refused unless back-entry has just claimed it for
-- exactly this code. Code = {agency}-{yyMMdd}-{seq}; the agency has no '-'.
CREATE TRIGGER paper_codes_guard BEFORE INSERT ON dossiers
WHEN EXISTS (SELECT 1 FROM paper_codes p
             WHERE p.agency = substr(NEW.code, 1, instr(NEW.code, '-') - 1)
               AND p.seq = CAST(substr(NEW.code, instr(NEW.code, '-') + 8) AS INTEGER)
               AND (p.dossier_code IS NULL OR p.dossier_code != NEW.code))
BEGIN
    SELECT RAISE(ABORT, 'ERR_PAPER_RESERVED: số thứ tự này dành cho biên nhận giấy (number reserved for paper receipts)');
END;
