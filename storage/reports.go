package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"motcua"
	"motcua/app/reports"
)

// ReportSource reads the dossiers the reports need (reports.Source). One
// query per call: the dossier row joined with its history range (the
// history primary key is (dossier_code, idx)), summarised per dossier.
type ReportSource struct{ S *Store }

var _ reports.Source = ReportSource{}

const reportCols = `d.code, d.procedure_code, d.procedure_name, d.procedure_field, d.channel, d.applicant_name,
	d.received_at, d.due_at, d.status, d.extended, d.officer, d.station, d.returned_at,
	MIN(CASE WHEN h.to_status = 9 THEN h.at END),
	MIN(CASE WHEN h.to_status = 10 THEN h.at END),
	MIN(CASE WHEN h.to_status IN (3, 7, 8) THEN h.at END),
	TOTAL(h.to_status = 5 AND h.from_status != 5),
	MAX(CASE WHEN h.to_status = 5 THEN h.at END)`

const reportPeriodSQL = `SELECT ` + reportCols + ` FROM dossiers d JOIN history h ON h.dossier_code = d.code
	WHERE d.received_at < ? AND (d.status IN (2, 4, 5, 6) OR d.updated_at >= ?)
	GROUP BY d.id
	HAVING d.status IN (2, 4, 5, 6) OR MAX(h.at) >= ?`

// updatedSlack absorbs clocks of other stations slightly ahead of ours in
// the updated_at prefilter.
const updatedSlack = 24 * time.Hour

// PeriodRows returns every dossier received before to that is still active
// or has a history step at or after from: a dossier that ended before from
// has none (its last step ended it), so nothing the period needs is left
// out. The row was last written at or after its last step (updated_at is
// the time of the write), so older closed dossiers are passed over before
// their history is read: a year's report does not read earlier years.
func (r ReportSource) PeriodRows(ctx context.Context, from, to time.Time) ([]reports.Row, error) {
	return r.query(ctx, `SELECT COUNT(*) FROM dossiers WHERE received_at < ?`, []any{ms(to)},
		reportPeriodSQL, ms(to), ms(from.Add(-updatedSlack)), ms(from))
}

// ActiveRows returns the dossiers in an active status (2, 4, 5, 6), through
// the (status, due_at) index.
func (r ReportSource) ActiveRows(ctx context.Context) ([]reports.Row, error) {
	return r.query(ctx, `SELECT COUNT(*) FROM dossiers WHERE status IN (2, 4, 5, 6)`, nil,
		`SELECT `+reportCols+` FROM dossiers d JOIN history h ON h.dossier_code = d.code
		WHERE d.status IN (2, 4, 5, 6)
		GROUP BY d.id`)
}

// query runs q; bound (a COUNT over an index, at least the number of rows
// q returns) sizes the result once instead of growing it row by row.
func (r ReportSource) query(ctx context.Context, bound string, bargs []any, q string, args ...any) ([]reports.Row, error) {
	var out []reports.Row
	err := r.S.read(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, bound, bargs...).Scan(&n); err != nil {
			return err
		}
		out = make([]reports.Row, 0, n)
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var (
				x                         reports.Row
				ch, status, station       int64
				extended                  bool
				received                  int64
				due, returned, done, ret1 sql.NullInt64
				closed, suppSince         sql.NullInt64
				supps                     float64
			)
			if err := rows.Scan(&x.Code, &x.ProcedureCode, &x.ProcedureName, &x.Field, &ch, &x.ApplicantName,
				&received, &due, &status, &extended, &x.Officer, &station, &returned,
				&done, &ret1, &closed, &supps, &suppSince); err != nil {
				return err
			}
			x.Channel, x.Status, x.Station, x.Extended = motcua.Channel(ch), motcua.Status(status), int(station), extended
			x.ReceivedAt, x.DueAt, x.ReturnedAt = fromMS(received), fromNullMS(due), fromNullMS(returned)
			x.DoneAt, x.FirstReturnAt, x.ClosedAt = fromNullMS(done), fromNullMS(ret1), fromNullMS(closed)
			x.Supplements, x.SupplementSince = int(supps), fromNullMS(suppSince)
			out = append(out, x)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		// Digitised documents are few: one grouped pass over their index
		// costs less than a lookup per dossier.
		if len(out) == 0 {
			return nil
		}
		idx := make(map[string]int, len(out))
		for i := range out {
			idx[out[i].Code] = i
		}
		arows, err := tx.QueryContext(ctx, `SELECT dossier_code, COUNT(*), COUNT(*) FILTER (WHERE reused_from != 0)
			FROM attachments WHERE deleted = 0 GROUP BY dossier_code`)
		if err != nil {
			return err
		}
		defer arows.Close()
		for arows.Next() {
			var code string
			var n, reused int
			if err := arows.Scan(&code, &n, &reused); err != nil {
				return err
			}
			if i, ok := idx[code]; ok {
				out[i].Attachments, out[i].Reused = n, reused
			}
		}
		return arows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("report rows: %w", err)
	}
	return out, nil
}
