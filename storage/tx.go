package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// wtx is one write transaction. Its statements are prepared once on the
// single write connection and reused by every later transaction.
type wtx struct {
	ctx context.Context
	s   *Store
	tx  *sql.Tx
	now time.Time
}

// hotSQL are the statements of Accept, Insert and Update. Open prepares
// them on the write connection; every transaction reuses them.
var hotSQL = []string{sqlSeqTake, sqlExists, dossierInsert, dossierUpdate, sqlHistory, sqlOutbox,
	sqlStored, sqlUnindex, sqlIndex, sqlAuditHead, sqlAuditInsert}

// prepare readies hotSQL. It runs before any transaction: the write pool
// has one connection, which a transaction holds until it ends.
func (s *Store) prepare(ctx context.Context) error {
	s.stmts = make(map[string]*sql.Stmt, len(hotSQL))
	for _, q := range hotSQL {
		st, err := s.w.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", q, err)
		}
		s.stmts[q] = st
	}
	return nil
}

func (w *wtx) exec(q string, args ...any) (sql.Result, error) {
	if st, ok := w.s.stmts[q]; ok {
		return w.tx.StmtContext(w.ctx, st).ExecContext(w.ctx, args...)
	}
	return w.tx.ExecContext(w.ctx, q, args...)
}

func (w *wtx) queryRow(q string, args ...any) *sql.Row {
	if st, ok := w.s.stmts[q]; ok {
		return w.tx.StmtContext(w.ctx, st).QueryRowContext(w.ctx, args...)
	}
	return w.tx.QueryRowContext(w.ctx, q, args...)
}

// write runs fn in one IMMEDIATE transaction: all of it is committed, or
// nothing is.
func (s *Store) write(ctx context.Context, fn func(w *wtx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	w := &wtx{ctx: ctx, s: s, tx: tx, now: s.now()}
	if err := fn(w); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// read runs fn in one read transaction, so that it sees one snapshot.
func (s *Store) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback()
	return fn(tx)
}

func ms(t time.Time) int64 { return t.UnixMilli() }

// nullMS maps the zero time to NULL.
func nullMS(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}
