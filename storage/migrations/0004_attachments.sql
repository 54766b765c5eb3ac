-- 0004: digitised documents of a dossier (scans stamped with the conversion
-- mark of Decree 137/2024 art. 4). The file itself is in the encrypted,
-- content-addressed blob store (<data dir>/blobs, key in <data dir>/blob.key,
-- never here); a row records its address (hex SHA-256 of the plaintext).
-- Rows are never removed: a withdrawn document is marked deleted so that the
-- province is told to drop it.
CREATE TABLE attachments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    dossier_code    TEXT    NOT NULL REFERENCES dossiers (code),
    component_index INTEGER NOT NULL CHECK (component_index >= 0),
    component_name  TEXT    NOT NULL,
    file_name       TEXT    NOT NULL,
    sha256          TEXT    NOT NULL CHECK (length(sha256) = 64),
    size            INTEGER NOT NULL CHECK (size >= 0),
    pages           INTEGER NOT NULL CHECK (pages >= 0),
    stamped         INTEGER NOT NULL CHECK (stamped IN (0, 1)),
    added_at        INTEGER NOT NULL,
    added_by        TEXT    NOT NULL,
    deleted         INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
) STRICT;

CREATE INDEX attachments_dossier ON attachments (dossier_code, id);
