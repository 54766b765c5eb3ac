package refserver

import (
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"
)

// schema of the reference server's own database. It is a test and demo
// peer: one file, created on first start.
const schema = `
PRAGMA application_id = 0x4d435056; -- "MCPV"
CREATE TABLE IF NOT EXISTS users (
	username TEXT PRIMARY KEY,
	salt     BLOB NOT NULL,
	hash     BLOB NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS sessions (
	token      TEXT PRIMARY KEY,
	username   TEXT NOT NULL,
	expires_at INTEGER NOT NULL -- unix ms
) STRICT;
CREATE TABLE IF NOT EXISTS dossiers (
	code       TEXT PRIMARY KEY,
	agency     TEXT NOT NULL,
	status     INTEGER NOT NULL,
	due        TEXT NOT NULL,      -- yyyyMMddHHmmss
	version    INTEGER NOT NULL,   -- PhienBan of the last snapshot applied
	upstream   INTEGER NOT NULL DEFAULT 0, -- 1: status last set by the province
	extended   INTEGER NOT NULL DEFAULT 0,
	hoso       TEXT NOT NULL,      -- JSON HoSo as the province now holds it
	writes     INTEGER NOT NULL DEFAULT 1, -- snapshots applied (a re-sent one never counts)
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS dossiers_agency ON dossiers(agency, code);
CREATE TABLE IF NOT EXISTS receipts (
	key  TEXT PRIMARY KEY,  -- MaGoiTin: a re-sent message finds its receipt
	code TEXT NOT NULL,
	at   INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS steps (
	code TEXT NOT NULL,
	hash TEXT NOT NULL,     -- of the step's content: re-sent steps are ignored
	at   TEXT NOT NULL,     -- ThoiDiemXuLy, for ordering
	step TEXT NOT NULL,     -- JSON QuaTrinhXuLy
	PRIMARY KEY (code, hash)
) STRICT;
CREATE TABLE IF NOT EXISTS feed (
	seq    INTEGER PRIMARY KEY AUTOINCREMENT,
	agency TEXT NOT NULL,
	code   TEXT NOT NULL,
	change TEXT NOT NULL    -- JSON Change
) STRICT;
CREATE INDEX IF NOT EXISTS feed_agency ON feed(agency, seq);
CREATE TABLE IF NOT EXISTS bundle_files (
	sha256 TEXT PRIMARY KEY,  -- attachments that came by USB bundle, stored once
	upload TEXT NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS counters (
	name  TEXT PRIMARY KEY,
	value INTEGER NOT NULL
) STRICT;
`

func openDB(path string) (*sql.DB, error) {
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(4)
	if _, err := db.Exec(schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("cơ sở dữ liệu máy chủ tỉnh %s: %w", path, err)
	}
	return db, nil
}

func hashPassword(pass string, salt []byte) ([]byte, error) {
	return pbkdf2.Key(sha256.New, pass, salt, 100_000, 32)
}

// AddUser creates or replaces an account allowed to log in.
func (s *Server) AddUser(ctx context.Context, username, password string) error {
	if username == "" || password == "" {
		return errors.New("tên đăng nhập và mật khẩu không được để trống")
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return err
	}
	h, err := hashPassword(password, salt)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO users(username, salt, hash) VALUES (?, ?, ?)
		ON CONFLICT(username) DO UPDATE SET salt = excluded.salt, hash = excluded.hash`, username, salt, h)
	return err
}

func (s *Server) checkPassword(ctx context.Context, username, password string) (bool, error) {
	var salt, want []byte
	err := s.db.QueryRowContext(ctx, `SELECT salt, hash FROM users WHERE username = ?`, username).Scan(&salt, &want)
	if errors.Is(err, sql.ErrNoRows) {
		// Spend the same time as a real check, so names cannot be probed.
		hashPassword(password, make([]byte, 16))
		return false, nil
	}
	if err != nil {
		return false, err
	}
	got, err := hashPassword(password, salt)
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

func (s *Server) bump(ctx context.Context, tx *sql.Tx, name string, n int) error {
	if n == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO counters(name, value) VALUES (?, ?)
		ON CONFLICT(name) DO UPDATE SET value = value + excluded.value`, name, n)
	return err
}
