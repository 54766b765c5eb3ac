package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"motcua"
	"motcua/app/reports"
)

// querier is what a transaction offers to the code that runs in it: a
// *sql.Tx (reads) or the write connection inside BEGIN … COMMIT.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// wtx is one write transaction on the store's single write connection.
// Its hot statements are prepared once on that connection and reused by
// every later transaction.
type wtx struct {
	ctx context.Context
	s   *Store
	tx  querier
	now time.Time
	// tracked: the dossiers whose report tallies this transaction changes,
	// with their contributions as they were stored (reports_write.go).
	tracked    map[string]map[reports.TallyKey]int
	trackOrder []string
	fresh      map[string]*motcua.Dossier // of them, inserted by this transaction
}

// hotSQL are the statements of Accept, Insert and Update. Open prepares
// them on the write connection; every transaction reuses them.
var hotSQL = []string{sqlBegin, sqlCommit, sqlSeqTake, sqlExists, dossierInsert, dossierUpdate, sqlHistory, sqlOutbox,
	sqlStored, sqlUnindex, sqlIndex, sqlAuditHead, sqlAuditInsert}

const (
	sqlBegin    = "BEGIN IMMEDIATE"
	sqlCommit   = "COMMIT"
	sqlRollback = "ROLLBACK"
)

// prepare takes the write connection out of the pool for the life of the
// store and readies hotSQL on it.
func (s *Store) prepare(ctx context.Context) error {
	c, err := s.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("write connection: %w", err)
	}
	s.wc = c
	s.stmts = make(map[string]*sql.Stmt, len(hotSQL))
	for _, q := range hotSQL {
		st, err := c.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", q, err)
		}
		s.stmts[q] = st
	}
	return nil
}

// prepared returns q prepared on the write connection, preparing it on
// first use: for statements over tables an older schema lacks, which Open
// cannot prepare before migrating (the write lock, wmu, is held).
func (w *wtx) prepared(q string) (*sql.Stmt, error) {
	if st, ok := w.s.stmts[q]; ok {
		return st, nil
	}
	st, err := w.s.wc.PrepareContext(w.ctx, q)
	if err != nil {
		return nil, err
	}
	w.s.stmts[q] = st
	return st, nil
}

func (w *wtx) exec(q string, args ...any) (sql.Result, error) {
	if st, ok := w.s.stmts[q]; ok {
		return st.ExecContext(w.ctx, args...)
	}
	return w.tx.ExecContext(w.ctx, q, args...)
}

func (w *wtx) queryRow(q string, args ...any) *sql.Row {
	if st, ok := w.s.stmts[q]; ok {
		return st.QueryRowContext(w.ctx, args...)
	}
	return w.tx.QueryRowContext(w.ctx, q, args...)
}

// write runs fn in one IMMEDIATE transaction: all of it is committed, or
// nothing is. Writers of this process take turns on the write connection
// (wmu); writers of other processes wait on SQLite's lock (busy_timeout).
//
// The transaction is driven with BEGIN IMMEDIATE / COMMIT on the
// connection rather than through *sql.Tx, which watches its context with a
// goroutine per transaction and per query, and would not let the prepared
// statements run without a per-use wrapper. What *sql.Tx guaranteed is kept:
// a context cancelled before the commit rolls the transaction back; the
// rollback and the commit themselves cannot be interrupted halfway.
func (s *Store) write(ctx context.Context, fn func(w *wtx) error) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.wc == nil {
		return errors.New("begin: the store is closed")
	}
	if _, err := s.stmts[sqlBegin].ExecContext(ctx); err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	w := &wtx{ctx: ctx, s: s, tx: s.wc, now: s.now()}
	err := fn(w)
	if err == nil && len(w.trackOrder) > 0 {
		err = w.flushReports()
	}
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		s.rollback()
		return err
	}
	if _, err := s.stmts[sqlCommit].ExecContext(context.Background()); err != nil {
		// SQLite rolls back by itself after most failed commits; make
		// sure no transaction stays open on the connection.
		s.rollback()
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// rollback ends the open transaction, if SQLite has not already.
func (s *Store) rollback() {
	_, _ = s.wc.ExecContext(context.Background(), sqlRollback)
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
