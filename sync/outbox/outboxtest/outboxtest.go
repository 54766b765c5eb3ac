// Package outboxtest provides outbox stores for tests: MemStore (a map)
// and SQLiteStore (a real SQLite file with the same table shape the storage
// layer keeps, usable from several processes), plus in-memory attachments.
// The worker's test suite runs against both, and against the storage
// layer's own store.
package outboxtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	_ "modernc.org/sqlite"

	"motcua"
	"motcua/sync/outbox"
)

// Queue is a Store tests can fill and inspect.
type Queue interface {
	outbox.Store
	// Enqueue appends a message with d's JSON as payload.
	Enqueue(ctx context.Context, d *motcua.Dossier) (int64, error)
	// All returns every message, acknowledged ones too, in ID order.
	All(ctx context.Context) ([]outbox.Message, error)
	// Retry puts a quarantined message back to pending (outbox retry ID).
	Retry(ctx context.Context, id int64) error
}

// MemStore is an in-memory Queue.
type MemStore struct {
	mu   sync.Mutex
	msgs []outbox.Message
	// Marks counts Mark calls (transactions).
	Marks int
}

var _ Queue = (*MemStore)(nil)

func (s *MemStore) Enqueue(_ context.Context, d *motcua.Dossier) (int64, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := int64(len(s.msgs) + 1)
	s.msgs = append(s.msgs, outbox.Message{ID: id, Dossier: d.Code, Kind: "update", Payload: b,
		State: outbox.StatePending, CreatedAt: motcua.SystemClock{}.Now()})
	return id, nil
}

// EnqueueRaw appends a message with an arbitrary payload.
func (s *MemStore) EnqueueRaw(dossier string, payload []byte) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := int64(len(s.msgs) + 1)
	s.msgs = append(s.msgs, outbox.Message{ID: id, Dossier: dossier, Payload: payload, State: outbox.StatePending})
	return id
}

func (s *MemStore) Pending(_ context.Context, after int64, limit int) ([]outbox.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []outbox.Message
	for _, m := range s.msgs {
		if m.ID > after && m.State != outbox.StateAcknowledged {
			out = append(out, m)
			if len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

func (s *MemStore) Mark(_ context.Context, marks []outbox.Mark) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Marks++
	for _, mk := range marks {
		m := &s.msgs[mk.ID-1]
		m.State, m.LastError = mk.State, mk.Note
		if mk.State == outbox.StateSending {
			m.Attempts++
		}
	}
	return nil
}

func (s *MemStore) All(context.Context) ([]outbox.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]outbox.Message(nil), s.msgs...), nil
}

func (s *MemStore) Retry(_ context.Context, id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id < 1 || int(id) > len(s.msgs) || s.msgs[id-1].State != outbox.StateQuarantined {
		return fmt.Errorf("gói tin %d không ở trạng thái cách ly", id)
	}
	s.msgs[id-1].State = outbox.StatePending
	return nil
}

// SQLiteStore is a Queue on a SQLite file.
type SQLiteStore struct{ DB *sql.DB }

var _ Queue = (*SQLiteStore)(nil)

// OpenSQLite opens (creating) the outbox file at path.
func OpenSQLite(path string) (*SQLiteStore, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(FULL)&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	_, err = db.Exec(`CREATE TABLE IF NOT EXISTS outbox (
		id         INTEGER PRIMARY KEY AUTOINCREMENT,
		dossier    TEXT NOT NULL,
		kind       TEXT NOT NULL,
		payload    BLOB NOT NULL,
		state      TEXT NOT NULL DEFAULT 'pending'
		           CHECK (state IN ('pending', 'sending', 'acked', 'quarantined')),
		attempts   INTEGER NOT NULL DEFAULT 0,
		last_error TEXT NOT NULL DEFAULT '',
		created_at INTEGER NOT NULL
	) STRICT;
	CREATE INDEX IF NOT EXISTS outbox_undelivered ON outbox(id) WHERE state != 'acked';`)
	if err != nil {
		db.Close()
		return nil, err
	}
	return &SQLiteStore{DB: db}, nil
}

func (s *SQLiteStore) Close() error { return s.DB.Close() }

func (s *SQLiteStore) Enqueue(ctx context.Context, d *motcua.Dossier) (int64, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return 0, err
	}
	res, err := s.DB.ExecContext(ctx, `INSERT INTO outbox(dossier, kind, payload, created_at) VALUES (?, 'update', ?, ?)`,
		d.Code, b, motcua.SystemClock{}.Now().UnixMilli())
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func (s *SQLiteStore) query(ctx context.Context, q string, args ...any) ([]outbox.Message, error) {
	rows, err := s.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []outbox.Message
	for rows.Next() {
		var m outbox.Message
		var st string
		var at int64
		if err := rows.Scan(&m.ID, &m.Dossier, &m.Kind, &m.Payload, &st, &m.Attempts, &m.LastError, &at); err != nil {
			return nil, err
		}
		m.State, m.CreatedAt = outbox.State(st), time.UnixMilli(at)
		out = append(out, m)
	}
	return out, rows.Err()
}

const cols = `id, dossier, kind, payload, state, attempts, last_error, created_at`

func (s *SQLiteStore) Pending(ctx context.Context, after int64, limit int) ([]outbox.Message, error) {
	return s.query(ctx, `SELECT `+cols+` FROM outbox WHERE state != 'acked' AND id > ? ORDER BY id LIMIT ?`, after, limit)
}

func (s *SQLiteStore) All(ctx context.Context) ([]outbox.Message, error) {
	return s.query(ctx, `SELECT `+cols+` FROM outbox ORDER BY id`)
}

func (s *SQLiteStore) Mark(ctx context.Context, marks []outbox.Mark) error {
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, m := range marks {
		inc := 0
		if m.State == outbox.StateSending {
			inc = 1
		}
		if _, err := tx.ExecContext(ctx, `UPDATE outbox SET state = ?, last_error = ?, attempts = attempts + ? WHERE id = ?`,
			string(m.State), m.Note, inc, m.ID); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (s *SQLiteStore) Retry(ctx context.Context, id int64) error {
	res, err := s.DB.ExecContext(ctx, `UPDATE outbox SET state = 'pending' WHERE id = ? AND state = 'quarantined'`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("gói tin %d không ở trạng thái cách ly", id)
	}
	return nil
}

// Files is an in-memory Attachments: content per dossier.
type Files struct {
	mu sync.Mutex
	m  map[string][]outbox.Attachment
}

// Add attaches data to dossier and returns the attachment.
func (f *Files) Add(dossier, name string, data []byte) outbox.Attachment {
	sum := sha256.Sum256(data)
	a := outbox.Attachment{ID: hex.EncodeToString(sum[:]), Name: name, Component: "TP1", Size: int64(len(data)),
		SHA256: hex.EncodeToString(sum[:]),
		Open:   func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.m == nil {
		f.m = map[string][]outbox.Attachment{}
	}
	f.m[dossier] = append(f.m[dossier], a)
	return a
}

func (f *Files) Attachments(_ context.Context, dossier string) ([]outbox.Attachment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := append([]outbox.Attachment(nil), f.m[dossier]...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
