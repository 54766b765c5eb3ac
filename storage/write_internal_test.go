package storage

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

// The write transaction runs BEGIN IMMEDIATE … COMMIT on the held write
// connection: a failing or cancelled transaction leaves nothing behind,
// the next one starts cleanly, and a closed store refuses writes instead
// of waiting for a connection.
func TestWriteRollsBack(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	set := func(w *wtx, v string) error {
		_, err := w.tx.ExecContext(w.ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('k', ?, 0)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, v)
		return err
	}
	value := func() string {
		var v string
		if err := s.r.QueryRow(`SELECT coalesce((SELECT value FROM settings WHERE key = 'k'), '')`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	ctx := context.Background()
	if err := s.write(ctx, func(w *wtx) error { return set(w, "1") }); err != nil {
		t.Fatal(err)
	}

	boom := errors.New("boom")
	if err := s.write(ctx, func(w *wtx) error { set(w, "2"); return boom }); !errors.Is(err, boom) {
		t.Fatalf("write = %v, want boom", err)
	}
	if v := value(); v != "1" {
		t.Fatalf("after a failed write: %q, want 1", v)
	}

	cctx, cancel := context.WithCancel(ctx)
	err = s.write(cctx, func(w *wtx) error {
		if err := set(w, "3"); err != nil {
			return err
		}
		cancel() // cancelled after the last statement, before the commit
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("write = %v, want context.Canceled", err)
	}
	if v := value(); v != "1" {
		t.Fatalf("after a cancelled write: %q, want 1", v)
	}
	if err := s.write(cctx, func(w *wtx) error { return set(w, "4") }); err == nil {
		t.Fatal("a write with a cancelled context committed")
	}

	if err := s.write(ctx, func(w *wtx) error { return set(w, "5") }); err != nil {
		t.Fatalf("the write after them: %v", err)
	}
	if v := value(); v != "5" {
		t.Fatalf("got %q, want 5", v)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.write(ctx, func(w *wtx) error { return set(w, "6") }); err == nil {
		t.Fatal("a closed store wrote")
	}
}
