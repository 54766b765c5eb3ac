package storage

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"motcua"
	"motcua/app/reports"
)

// ReportSource reads what the reports need (reports.TallySource): the
// tallies kept at write time for the period statistics, and the dossiers
// one by one (each joined with its history range, summarised) for the
// board, the dossiers still open, and the reference computation.
type ReportSource struct{ S *Store }

var _ reports.TallySource = ReportSource{}

const reportCols = `d.code, d.procedure_code, d.procedure_name, d.procedure_field, d.channel, d.applicant_name,
	d.received_at, d.due_at, d.status, d.extended, d.officer, d.station, d.returned_at,
	MIN(CASE WHEN h.to_status = 9 THEN h.at END),
	MIN(CASE WHEN h.to_status = 10 THEN h.at END),
	MIN(CASE WHEN h.to_status IN (3, 7, 8) THEN h.at END),
	TOTAL(h.to_status = 5 AND h.from_status != 5),
	MAX(CASE WHEN h.to_status = 5 THEN h.at END)`

// updatedSlack absorbs clocks of other stations slightly ahead of ours in
// the updated_at prefilter.
const updatedSlack = 24 * time.Hour

// notEnded is report_ended.ended_at of a dossier that has not ended.
const notEnded = math.MaxInt64

// PeriodRows returns every dossier received before to that is still active
// or has a history step at or after from: a dossier that ended before from
// has none (its last step ended it), so nothing the period needs is left
// out. The row was last written at or after its last step (updated_at is
// the time of the write), so older closed dossiers are passed over before
// their history is read. It is the reference the tallies are checked
// against (and the path of periods that are not whole days).
func (r ReportSource) PeriodRows(ctx context.Context, from, to time.Time) ([]reports.Row, error) {
	return r.rows(ctx, `d.received_at < ? AND (d.status IN (2, 4, 5, 6) OR d.updated_at >= ?)`,
		[]any{ms(to), ms(from.Add(-updatedSlack))}, `HAVING d.status IN (2, 4, 5, 6) OR MAX(h.at) >= ?`, ms(from))
}

// ActiveRows returns the dossiers in an active status (2, 4, 5, 6), through
// the (status, due_at) index.
func (r ReportSource) ActiveRows(ctx context.Context) ([]reports.Row, error) {
	return r.rows(ctx, `d.status IN (2, 4, 5, 6)`, nil, "")
}

// OpenRows returns the dossiers received by t that had not ended by t,
// through the report_ended index (those ending after t included).
func (r ReportSource) OpenRows(ctx context.Context, t time.Time) ([]reports.Row, error) {
	return r.rows(ctx, `d.id IN (SELECT dossier_id FROM report_ended WHERE ended_at >= ?) AND d.received_at <= ?`,
		[]any{ms(t), ms(t)}, "")
}

// Tallies returns the period's tallies (reports.TallySource).
func (r ReportSource) Tallies(ctx context.Context, fromDay, toDay int) ([]reports.Tally, error) {
	var out []reports.Tally
	err := r.S.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT kind, day, day2, k, n FROM report_tally
			WHERE kind IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 20, 21, 22) AND day >= ?1 AND day < ?2
			UNION ALL SELECT kind, day, day2, k, n FROM report_tally WHERE kind IN (30, 31) AND day < ?2`, fromDay, toDay)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var t reports.Tally
			if err := rows.Scan(&t.Kind, &t.Day, &t.Day2, &t.K, &t.N); err != nil {
				return err
			}
			out = append(out, t)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("report tallies: %w", err)
	}
	return out, nil
}

func (r ReportSource) rows(ctx context.Context, where string, wargs []any, having string, hargs ...any) ([]reports.Row, error) {
	var out []reports.Row
	err := r.S.read(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = reportRows(ctx, tx, where, wargs, having, hargs...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("report rows: %w", err)
	}
	return out, nil
}

// reportRows reads the dossiers d matching where (and having, over the
// dossier's history h), each with its history summary, moves, due dates
// and digitised documents.
func reportRows(ctx context.Context, q querier, where string, wargs []any, having string, hargs ...any) ([]reports.Row, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossiers d WHERE `+where, wargs...).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}
	out := make([]reports.Row, 0, n)
	rows, err := q.QueryContext(ctx, `SELECT `+reportCols+` FROM dossiers d JOIN history h ON h.dossier_code = d.code
		WHERE `+where+` GROUP BY d.id `+having, append(append([]any{}, wargs...), hargs...)...)
	if err != nil {
		return nil, err
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
			return nil, err
		}
		x.Channel, x.Status, x.Station, x.Extended = motcua.Channel(ch), motcua.Status(status), int(station), extended
		x.ReceivedAt, x.DueAt, x.ReturnedAt = fromMS(received), fromNullMS(due), fromNullMS(returned)
		x.DoneAt, x.FirstReturnAt, x.ClosedAt = fromNullMS(done), fromNullMS(ret1), fromNullMS(closed)
		x.Supplements, x.SupplementSince = int(supps), fromNullMS(suppSince)
		x.Steps = []reports.Step{}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	idx := make(map[string]int, len(out))
	for i := range out {
		idx[out[i].Code] = i
	}
	// The dossiers' other rows, each in one pass over its table's primary
	// key or index, restricted to the same dossiers.
	sub := `dossier_code IN (SELECT d.code FROM dossiers d WHERE ` + where + `)`
	row := func(code string) *reports.Row {
		if i, ok := idx[code]; ok {
			return &out[i]
		}
		return nil
	}
	if err := eachRow(ctx, q, `SELECT dossier_code, COUNT(*), COUNT(*) FILTER (WHERE reused_from != 0)
		FROM attachments WHERE deleted = 0 AND `+sub+` GROUP BY dossier_code`, wargs, func(rows *sql.Rows) error {
		var code string
		var n, reused int
		if err := rows.Scan(&code, &n, &reused); err != nil {
			return err
		}
		if x := row(code); x != nil {
			x.Attachments, x.Reused = n, reused
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := eachRow(ctx, q, `SELECT dossier_code, at, to_status FROM history WHERE `+sub+` ORDER BY dossier_code, idx`, wargs,
		func(rows *sql.Rows) error {
			var code string
			var at, to int64
			if err := rows.Scan(&code, &at, &to); err != nil {
				return err
			}
			if x := row(code); x != nil {
				x.Steps = append(x.Steps, reports.Step{At: fromMS(at), To: motcua.Status(to)})
			}
			return nil
		}); err != nil {
		return nil, err
	}
	if err := eachRow(ctx, q, `SELECT dossier_code, since, due_at FROM due_history WHERE `+sub+` ORDER BY dossier_code, idx`, wargs,
		func(rows *sql.Rows) error {
			var code string
			var since int64
			var due sql.NullInt64
			if err := rows.Scan(&code, &since, &due); err != nil {
				return err
			}
			if x := row(code); x != nil {
				x.Dues = append(x.Dues, reports.DueChange{Since: fromMS(since), Due: fromNullMS(due)})
			}
			return nil
		}); err != nil {
		return nil, err
	}
	return out, nil
}

func eachRow(ctx context.Context, q querier, query string, args []any, scan func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
