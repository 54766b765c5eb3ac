-- 0001: the first schema of the counter's database.
--
-- Conventions:
--   * every table is STRICT;
--   * instants are INTEGER unix milliseconds (UTC); the application shows
--     them in Vietnam time. NULL means "not set" (no due date, not returned);
--   * text is NFC; search keys are folded in Go (no diacritics, lower case,
--     đ → d) before they reach dossier_fts.

-- dossiers: one row per dossier. id is an explicit INTEGER PRIMARY KEY so
-- that VACUUM never renumbers it: it is also the rowid of dossier_fts.
CREATE TABLE dossiers (
    id                  INTEGER PRIMARY KEY,
    code                TEXT    NOT NULL UNIQUE,
    procedure_code      TEXT    NOT NULL,
    procedure_name      TEXT    NOT NULL,
    procedure_field     TEXT    NOT NULL,
    channel             INTEGER NOT NULL,
    applicant_name      TEXT    NOT NULL,
    applicant_id_number TEXT    NOT NULL,
    applicant_dob       TEXT    NOT NULL,
    applicant_gender    TEXT    NOT NULL,
    applicant_address   TEXT    NOT NULL,
    applicant_phone     TEXT    NOT NULL,
    applicant_email     TEXT    NOT NULL,
    applicant_subject   INTEGER NOT NULL,
    summary             TEXT    NOT NULL,
    components          TEXT    NOT NULL CHECK (json_valid(components)),
    fee                 INTEGER NOT NULL,
    received_at         INTEGER NOT NULL,
    due_at              INTEGER,
    status              INTEGER NOT NULL CHECK (status BETWEEN 1 AND 10),
    extended            INTEGER NOT NULL CHECK (extended IN (0, 1)),
    officer             TEXT    NOT NULL,
    station             INTEGER NOT NULL,
    returned_at         INTEGER,
    updated_at          INTEGER NOT NULL
) STRICT;

-- The list views: newest first, optionally by status; the late list by due date.
CREATE INDEX dossiers_received ON dossiers (received_at);
CREATE INDEX dossiers_status_received ON dossiers (status, received_at);
CREATE INDEX dossiers_status_due ON dossiers (status, due_at);

-- history: the steps of a dossier, idx 0, 1, 2, … in order. Clustered on
-- (dossier_code, idx) so a dossier's history is one contiguous range.
CREATE TABLE history (
    dossier_code TEXT    NOT NULL REFERENCES dossiers (code),
    idx          INTEGER NOT NULL CHECK (idx >= 0),
    at           INTEGER NOT NULL,
    actor        TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    from_status  INTEGER NOT NULL,
    to_status    INTEGER NOT NULL,
    reason       TEXT    NOT NULL,
    note         TEXT    NOT NULL,
    PRIMARY KEY (dossier_code, idx)
) STRICT, WITHOUT ROWID;

-- code_seq: the daily sequence of each station partition. next_index is the
-- next 0-based index i; the sequence number is Station{K, N}.Seq(i).
CREATE TABLE code_seq (
    agency     TEXT    NOT NULL,
    day        TEXT    NOT NULL, -- yyMMdd, Vietnam date
    station_k  INTEGER NOT NULL,
    station_n  INTEGER NOT NULL,
    next_index INTEGER NOT NULL CHECK (next_index >= 0),
    PRIMARY KEY (agency, day, station_k, station_n)
) STRICT, WITHOUT ROWID;

-- outbox: messages for the sync engine, written in the same transaction as
-- the dossier. AUTOINCREMENT so an id is never reused, even after pruning.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_code    TEXT    NOT NULL REFERENCES dossiers (code),
    kind            TEXT    NOT NULL,
    payload         TEXT    NOT NULL CHECK (json_valid(payload)),
    idempotency_key TEXT    NOT NULL UNIQUE,
    created_at      INTEGER NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'sending', 'acked', 'quarantined')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    acked_at        INTEGER,
    next_attempt_at INTEGER NOT NULL
) STRICT;

CREATE INDEX outbox_state ON outbox (state, id);
CREATE INDEX outbox_dossier ON outbox (dossier_code, id);

-- audit: append-only, hash-chained. hash = SHA-256 over the canonical
-- encoding of (seq, at, actor, action, subject, detail, prev_hash).
-- AUTOINCREMENT keeps the highest seq ever written in sqlite_sequence, which
-- is how a deleted tail is noticed.
CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    at        INTEGER NOT NULL,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    subject   TEXT    NOT NULL,
    detail    TEXT    NOT NULL,
    prev_hash BLOB    NOT NULL,
    hash      BLOB    NOT NULL
) STRICT;

CREATE TABLE settings (
    key        TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- dossier_fts: contentless full-text index over folded search keys; rowid is
-- dossiers.id. contentless_delete lets a dossier's row be replaced on update.
CREATE VIRTUAL TABLE dossier_fts USING fts5 (
    code, name, id_number, phone, procedure,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 0'
);
