-- 0005: digitised results and the citizen's document store (issue 18).
--
-- store_consents: the dossiers whose applicant consented, at intake, that
-- the documents of the dossier are kept in their store (NĐ 45/2020; TT
-- 01/2023). A table of its own rather than a column of dossiers, so the
-- dossier row and its hot statements stay as they were.
CREATE TABLE store_consents (
    dossier_code TEXT    PRIMARY KEY REFERENCES dossiers (code),
    at           INTEGER NOT NULL
) STRICT;

-- An attachment is either a document received (kind 'input') or the result
-- handed back (kind 'result'), with its kind of paper, issue date and
-- validity (valid_until 0 = no limit); reused_from names the store
-- document reused at intake instead of a new scan (0 = scanned here).
ALTER TABLE attachments ADD COLUMN kind TEXT NOT NULL DEFAULT 'input' CHECK (kind IN ('input', 'result'));
ALTER TABLE attachments ADD COLUMN doc_type TEXT NOT NULL DEFAULT '';
ALTER TABLE attachments ADD COLUMN issued_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attachments ADD COLUMN valid_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attachments ADD COLUMN reused_from INTEGER NOT NULL DEFAULT 0 CHECK (reused_from >= 0);

-- citizen_docs: the citizen's store, keyed by the 12-digit personal ID. A
-- row points at the attachment it came from (the file stays in the blob
-- store under its hash); withdrawing consent or the end of the retention
-- deletes the row, never the attachment: the dossier keeps its documents.
CREATE TABLE citizen_docs (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    id_number      TEXT    NOT NULL CHECK (length(id_number) = 12),
    origin         TEXT    NOT NULL CHECK (origin IN ('received', 'issued')),
    doc_type       TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    issued_at      INTEGER NOT NULL,
    valid_until    INTEGER NOT NULL DEFAULT 0,
    source_dossier TEXT    NOT NULL REFERENCES dossiers (code),
    attachment_id  INTEGER NOT NULL REFERENCES attachments (id),
    added_at       INTEGER NOT NULL
) STRICT;

CREATE INDEX citizen_docs_person ON citizen_docs (id_number, id);
CREATE INDEX citizen_docs_added ON citizen_docs (added_at);

-- citizen_withdrawals: when a citizen last withdrew consent. Documents of
-- dossiers received before that moment no longer enter the store; a later
-- intake with consent starts again.
CREATE TABLE citizen_withdrawals (
    id_number TEXT    PRIMARY KEY,
    at        INTEGER NOT NULL
) STRICT;
