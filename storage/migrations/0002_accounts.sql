-- 0002: the counter's user accounts (app/accounts).
--
-- password_hash is an argon2id PHC string that carries its own parameters
-- ($argon2id$v=19$m=…,t=…,p=…$salt$key). locked_until, last_login: unix
-- milliseconds, NULL when not set. prefs: the user's display preferences
-- and recent procedures, JSON.
CREATE TABLE users (
    username      TEXT    PRIMARY KEY,
    full_name     TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('officer', 'leader', 'admin')),
    password_hash TEXT    NOT NULL,
    must_change   INTEGER NOT NULL CHECK (must_change IN (0, 1)),
    disabled      INTEGER NOT NULL CHECK (disabled IN (0, 1)),
    failed        INTEGER NOT NULL DEFAULT 0 CHECK (failed >= 0),
    locked_until  INTEGER,
    last_login    INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    prefs         TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(prefs))
) STRICT, WITHOUT ROWID;
