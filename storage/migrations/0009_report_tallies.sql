-- 0009: what the reports need, kept at write time (issue 14).
--
-- due_history: the due dates a dossier had, in order: idx 0 from receipt,
-- then one row each time a write changed due_at (an extension, a restart
-- after a supplement), in force after `since`. A report for an earlier
-- period uses the due date in force then. Dossiers stored before this
-- migration get one row: their current due date, from receipt.
CREATE TABLE due_history (
    dossier_code TEXT    NOT NULL REFERENCES dossiers (code),
    idx          INTEGER NOT NULL CHECK (idx >= 0),
    since        INTEGER NOT NULL,
    due_at       INTEGER,
    PRIMARY KEY (dossier_code, idx)
) STRICT, WITHOUT ROWID;

INSERT INTO due_history (dossier_code, idx, since, due_at)
    SELECT code, 0, received_at, due_at FROM dossiers;

-- report_tally: the counts the period statistics add up, per kind and day
-- (reports.Contributions says what each dossier contributes). Every dossier
-- write takes away the dossier's old contributions and adds its new ones in
-- the same transaction. Filled for the dossiers already stored when the
-- database is opened by this build (storage.backfillReports).
CREATE TABLE report_tally (
    kind INTEGER NOT NULL,
    day  INTEGER NOT NULL, -- Vietnam day number since 01/01/1970
    day2 INTEGER NOT NULL,
    k    TEXT    NOT NULL,
    n    INTEGER NOT NULL,
    PRIMARY KEY (kind, day, day2, k)
) STRICT, WITHOUT ROWID;

-- report_ended: when each dossier ended (result, refusal, withdrawal, stop;
-- 9223372036854775807 while it has not), so that the figures of a period
-- still under way read only the dossiers open now.
CREATE TABLE report_ended (
    dossier_id INTEGER PRIMARY KEY REFERENCES dossiers (id),
    ended_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX report_ended_at ON report_ended (ended_at);
