-- 0005: the office LAN (sync/office). Dossiers of the other stations of the
-- office are stored like our own, marked replica = 1: their owner station
-- (dossiers.station) delivers them to the province, so no outbox message is
-- queued for them here.
ALTER TABLE dossiers ADD COLUMN replica INTEGER NOT NULL DEFAULT 0 CHECK (replica IN (0, 1));

-- office_pending: dossiers written on this station since their last
-- publication to the station's own stream. rev grows with every write, so the
-- publisher removes a row only if nothing was written after it read it.
CREATE TABLE office_pending (
    dossier_code TEXT    PRIMARY KEY REFERENCES dossiers (code),
    rev          INTEGER NOT NULL
) STRICT;

-- office_cursor: the last message of each origin station's stream applied
-- here, advanced in the transaction that applies it (exactly once).
CREATE TABLE office_cursor (
    origin INTEGER PRIMARY KEY CHECK (origin >= 1),
    seq    INTEGER NOT NULL CHECK (seq >= 0)
) STRICT;

-- office_conflicts: a change that lost to another station's change of the
-- same dossier (the owner's order decides), kept so that the officer is told.
CREATE TABLE office_conflicts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_code  TEXT    NOT NULL REFERENCES dossiers (code),
    detected_at   INTEGER NOT NULL,
    station       INTEGER NOT NULL, -- where the losing change was refused or undone
    lost          TEXT    NOT NULL, -- JSON: the history entries that were not kept
    owner         INTEGER NOT NULL, -- the station whose order decided
    won           TEXT    NOT NULL  -- JSON: the entries kept in their place
) STRICT;
CREATE INDEX office_conflicts_dossier ON office_conflicts (dossier_code, id);
