package storage

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"motcua"

	"motcua/app/reports"
)

// The reports' tallies are kept in the transaction that writes a dossier:
// a write path calls track (or trackNew) before it changes the dossier's
// row, history or documents; write then records a changed due date and
// replaces the dossier's old contributions to the tallies by its new ones
// before it commits.

// track remembers the dossier's contributions as stored, once per
// transaction.
func (w *wtx) track(code string) error {
	if _, ok := w.tracked[code]; ok {
		delete(w.fresh, code) // inserted and changed again: read it back
		return nil
	}
	rows, err := reportRows(w.ctx, preparedQ{w}, `d.code = ?`, []any{code}, "")
	if err != nil {
		return fmt.Errorf("report tallies of %s: %w", code, err)
	}
	old := map[reports.TallyKey]int{}
	if len(rows) == 1 {
		old = reports.Contributions(&rows[0])
	}
	w.trackOld(code, old)
	return nil
}

// trackNew is track for a dossier not stored yet, d as it will be stored
// (normalised): its report row is then built from d, not read back.
func (w *wtx) trackNew(d *motcua.Dossier) {
	if _, ok := w.tracked[d.Code]; !ok {
		w.trackOld(d.Code, map[reports.TallyKey]int{})
		if w.fresh == nil {
			w.fresh = map[string]*motcua.Dossier{}
		}
		w.fresh[d.Code] = d
	}
}

func (w *wtx) trackOld(code string, old map[reports.TallyKey]int) {
	if w.tracked == nil {
		w.tracked = map[string]map[reports.TallyKey]int{}
	}
	w.tracked[code] = old
	w.trackOrder = append(w.trackOrder, code)
}

// freshRow is the report row of a dossier this transaction inserted, as
// reportRows would read it: the summary of its history, its only due date
// (from receipt) and the documents stored with it.
func (w *wtx) freshRow(d *motcua.Dossier) (reports.Row, error) {
	x := reports.Row{Code: d.Code, ProcedureCode: d.Procedure.Code, ProcedureName: d.Procedure.Name, Field: d.Procedure.Field,
		Channel: d.Channel, ApplicantName: d.Applicant.Name, ReceivedAt: d.ReceivedAt, DueAt: d.DueAt, Status: d.Status,
		Extended: d.Extended, Officer: d.Officer, Station: d.Station, ReturnedAt: d.ReturnedAt,
		Steps: make([]reports.Step, 0, len(d.History)), Dues: []reports.DueChange{{Since: d.ReceivedAt, Due: d.DueAt}}}
	first := func(t *time.Time, at time.Time) {
		if t.IsZero() || at.Before(*t) {
			*t = at
		}
	}
	for _, h := range d.History {
		x.Steps = append(x.Steps, reports.Step{At: h.At, To: h.To})
		switch h.To {
		case motcua.StatusDone:
			first(&x.DoneAt, h.At)
		case motcua.StatusReturned:
			first(&x.FirstReturnAt, h.At)
		case motcua.StatusRefused, motcua.StatusWithdrawn, motcua.StatusStopped:
			first(&x.ClosedAt, h.At)
		case motcua.StatusSupplement:
			if h.From != motcua.StatusSupplement {
				x.Supplements++
			}
			if h.At.After(x.SupplementSince) {
				x.SupplementSince = h.At
			}
		}
	}
	err := preparedQ{w}.QueryRowContext(w.ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE reused_from != 0)
		FROM attachments WHERE dossier_code = ? AND deleted = 0`, d.Code).Scan(&x.Attachments, &x.Reused)
	return x, err
}

// flushReports brings the tallies of the tracked dossiers up to date.
func (w *wtx) flushReports() error {
	for _, code := range w.trackOrder {
		var rows []reports.Row
		if d, ok := w.fresh[code]; ok {
			if _, err := (preparedQ{w}).ExecContext(w.ctx, `INSERT INTO due_history (dossier_code, idx, since, due_at) VALUES (?, 0, ?, ?)`,
				code, ms(d.ReceivedAt), nullMS(d.DueAt)); err != nil {
				return fmt.Errorf("due history of %s: %w", code, err)
			}
			x, err := w.freshRow(d)
			if err != nil {
				return fmt.Errorf("report tallies of %s: %w", code, err)
			}
			rows = []reports.Row{x}
		} else {
			if err := w.recordDue(code); err != nil {
				return fmt.Errorf("due history of %s: %w", code, err)
			}
			var err error
			if rows, err = reportRows(w.ctx, preparedQ{w}, `d.code = ?`, []any{code}, ""); err != nil {
				return fmt.Errorf("report tallies of %s: %w", code, err)
			}
			if len(rows) != 1 {
				continue
			}
		}
		old, nu := w.tracked[code], reports.Contributions(&rows[0])
		diff := map[reports.TallyKey]int{}
		for k, n := range nu {
			if d := n - old[k]; d != 0 {
				diff[k] = d
			}
		}
		for k, n := range old {
			if _, ok := nu[k]; !ok {
				diff[k] = -n
			}
		}
		if err := w.addTallies(diff); err != nil {
			return err
		}
		ended := int64(notEnded)
		if e := rows[0].EndedAt(); !e.IsZero() {
			ended = ms(e)
		}
		if _, err := (preparedQ{w}).ExecContext(w.ctx, `INSERT INTO report_ended (dossier_id, ended_at) SELECT id, ? FROM dossiers WHERE code = ?
			ON CONFLICT (dossier_id) DO UPDATE SET ended_at = excluded.ended_at`, ended, code); err != nil {
			return fmt.Errorf("report_ended of %s: %w", code, err)
		}
	}
	w.tracked, w.trackOrder, w.fresh = nil, nil, nil
	return nil
}

// addTallies adds the changes to the tallies in one statement and drops
// the tallies that reach zero.
func (w *wtx) addTallies(diff map[reports.TallyKey]int) error {
	if len(diff) == 0 {
		return nil
	}
	keys := make([]reports.TallyKey, 0, len(diff))
	for k := range diff {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b reports.TallyKey) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Day, b.Day), cmp.Compare(a.Day2, b.Day2), cmp.Compare(a.K, b.K))
	})
	args := make([]any, 0, 5*len(keys))
	for _, k := range keys {
		args = append(args, k.Kind, k.Day, k.Day2, k.K, diff[k])
	}
	q := preparedQ{w}
	rows, err := q.QueryContext(w.ctx, `INSERT INTO report_tally (kind, day, day2, k, n) VALUES `+
		strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?),", len(keys)), ",")+
		` ON CONFLICT (kind, day, day2, k) DO UPDATE SET n = n + excluded.n RETURNING kind, day, day2, k, n`, args...)
	if err != nil {
		return fmt.Errorf("report tallies: %w", err)
	}
	var zero []reports.TallyKey
	for rows.Next() {
		var k reports.TallyKey
		var n int
		if err := rows.Scan(&k.Kind, &k.Day, &k.Day2, &k.K, &n); err != nil {
			rows.Close()
			return err
		}
		if n == 0 {
			zero = append(zero, k)
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report tallies: %w", err)
	}
	for _, k := range zero {
		if _, err := q.ExecContext(w.ctx, sqlTallyDrop, k.Kind, k.Day, k.Day2, k.K); err != nil {
			return fmt.Errorf("report tally %v: %w", k, err)
		}
	}
	return nil
}

const sqlTallyDrop = `DELETE FROM report_tally WHERE kind = ? AND day = ? AND day2 = ? AND k = ? AND n = 0`

// recordDue appends to the due history when the dossier's due date is not
// the last one recorded: from receipt for a new dossier, else from its
// latest history step (the one that changed it).
func (w *wtx) recordDue(code string) error {
	var received, last int64
	var due sql.NullInt64
	q := preparedQ{w}
	if err := q.QueryRowContext(w.ctx, `SELECT received_at, due_at, (SELECT MAX(at) FROM history WHERE dossier_code = d.code)
		FROM dossiers d WHERE code = ?`, code).Scan(&received, &due, &last); err != nil {
		return err
	}
	var idx, since int64
	var prev sql.NullInt64
	err := q.QueryRowContext(w.ctx, `SELECT idx, since, due_at FROM due_history WHERE dossier_code = ? ORDER BY idx DESC LIMIT 1`, code).
		Scan(&idx, &since, &prev)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		idx, since = -1, received
	case err != nil:
		return err
	case prev == due:
		return nil
	default:
		since = max(since, last)
	}
	_, err = q.ExecContext(w.ctx, `INSERT INTO due_history (dossier_code, idx, since, due_at) VALUES (?, ?, ?, ?)`, code, idx+1, since, due)
	return err
}

// reportsMigration is the migration that adds the report tables: opening a
// database of an earlier version fills them for the dossiers it holds.
const reportsMigration = 9

// rebuildReports refills the report tallies and report_ended from every
// stored dossier (the due history is kept), in chunks of ids so that a
// large file is not read into memory at once.
func rebuildReports(ctx context.Context, q querier) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM report_tally; DELETE FROM report_ended`); err != nil {
		return err
	}
	var lo, hi sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT MIN(id), MAX(id) FROM dossiers`).Scan(&lo, &hi); err != nil || !lo.Valid {
		return err
	}
	const chunk = 20000
	tally := map[reports.TallyKey]int{}
	for from := lo.Int64; from <= hi.Int64; from += chunk {
		rows, err := reportRows(ctx, q, `d.id >= ? AND d.id < ?`, []any{from, from + chunk}, "")
		if err != nil {
			return err
		}
		var ended strings.Builder
		var args []any
		for i := range rows {
			for k, n := range reports.Contributions(&rows[i]) {
				tally[k] += n
			}
			e := int64(notEnded)
			if t := rows[i].EndedAt(); !t.IsZero() {
				e = ms(t)
			}
			if len(args) > 0 {
				ended.WriteString(",")
			}
			ended.WriteString("(?, ?)")
			args = append(args, rows[i].Code, e)
			if len(args) >= 2000 || i == len(rows)-1 {
				if _, err := q.ExecContext(ctx, `INSERT INTO report_ended (dossier_id, ended_at)
					SELECT d.id, v.column2 FROM (VALUES `+ended.String()+`) v JOIN dossiers d ON d.code = v.column1`, args...); err != nil {
					return err
				}
				ended.Reset()
				args = args[:0]
			}
		}
	}
	var vals strings.Builder
	var args []any
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		_, err := q.ExecContext(ctx, `INSERT INTO report_tally (kind, day, day2, k, n) VALUES `+vals.String(), args...)
		vals.Reset()
		args = args[:0]
		return err
	}
	for k, n := range tally {
		if n == 0 {
			continue
		}
		if len(args) > 0 {
			vals.WriteString(",")
		}
		vals.WriteString("(?, ?, ?, ?, ?)")
		args = append(args, k.Kind, k.Day, k.Day2, k.K, n)
		if len(args) >= 2500 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// preparedQ runs the queries of a write transaction as statements prepared
// once on the write connection: the report queries of every write are the
// same few strings.
type preparedQ struct{ w *wtx }

func (p preparedQ) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := p.w.prepared(q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (p preparedQ) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	st, err := p.w.prepared(q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (p preparedQ) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := p.w.prepared(q)
	if err != nil {
		// a failed prepare shows as the row's error
		return p.w.tx.QueryRowContext(ctx, q, args...)
	}
	return st.QueryRowContext(ctx, args...)
}
