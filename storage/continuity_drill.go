package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"motcua"
	"motcua/app"
	"motcua/app/continuity"
)

// CreateDrill stores d and sets d.ID, with the audit entry.
func (s *Store) CreateDrill(ctx context.Context, d *continuity.Drill, a app.AuditEntry) error {
	err := s.write(ctx, func(w *wtx) error {
		res, err := w.tx.ExecContext(ctx, `INSERT INTO drills (scenario, status, simulate, scheduled_for, created_at) VALUES (?, ?, ?, ?, ?)`,
			string(d.Scenario), string(d.Status), d.Simulate, nullMS(d.ScheduledFor), ms(w.now))
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		a.Subject = fmt.Sprintf("drill#%d", id)
		if err := w.audit(a); err != nil {
			return err
		}
		d.ID = id
		return nil
	})
	if err != nil {
		return fmt.Errorf("create drill: %w", err)
	}
	return nil
}

// SaveDrill updates a stored drill, with the audit entry. Errors: KindNotFound.
func (s *Store) SaveDrill(ctx context.Context, d *continuity.Drill, a app.AuditEntry) error {
	var result any
	if d.Result != nil {
		b, err := json.Marshal(d.Result)
		if err != nil {
			return fmt.Errorf("encode drill result: %w", err)
		}
		result = string(b)
	}
	var incident any
	if d.IncidentID != 0 {
		incident = d.IncidentID
	}
	err := s.write(ctx, func(w *wtx) error {
		res, err := w.tx.ExecContext(ctx, `UPDATE drills SET status = ?, simulate = ?, scheduled_for = ?, incident_id = ?, started_at = ?,
			ended_at = ?, conducted_by = ?, result = ? WHERE id = ?`, string(d.Status), d.Simulate, nullMS(d.ScheduledFor), incident,
			nullMS(d.StartedAt), nullMS(d.EndedAt), nfc(d.ConductedBy), result, d.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return drillNotFound(d.ID)
		}
		return w.audit(withDefaults(a, "drill.save", fmt.Sprintf("drill#%d", d.ID)))
	})
	if err != nil {
		return fmt.Errorf("save drill #%d: %w", d.ID, err)
	}
	return nil
}

func drillNotFound(id int64) error {
	return motcua.Errorf(motcua.KindNotFound, motcua.ErrNotFound, "drill", "Không có diễn tập #%d", "no drill #%d", id)
}

const drillCols = `id, scenario, status, simulate, scheduled_for, incident_id, started_at, ended_at, conducted_by, result`

func scanDrill(sc interface{ Scan(...any) error }) (*continuity.Drill, error) {
	var (
		d                         continuity.Drill
		scenario, status          string
		scheduled, started, ended sql.NullInt64
		incident                  sql.NullInt64
		result                    sql.NullString
	)
	if err := sc.Scan(&d.ID, &scenario, &status, &d.Simulate, &scheduled, &incident, &started, &ended, &d.ConductedBy, &result); err != nil {
		return nil, err
	}
	d.Scenario, d.Status, d.IncidentID = continuity.Scenario(scenario), continuity.DrillStatus(status), incident.Int64
	d.ScheduledFor, d.StartedAt, d.EndedAt = fromNullMS(scheduled), fromNullMS(started), fromNullMS(ended)
	if result.Valid {
		d.Result = new(continuity.DrillResult)
		if err := json.Unmarshal([]byte(result.String), d.Result); err != nil {
			return nil, fmt.Errorf("drill #%d: decode result: %w", d.ID, err)
		}
	}
	return &d, nil
}

// Drill returns one drill. Errors: KindNotFound.
func (s *Store) Drill(ctx context.Context, id int64) (*continuity.Drill, error) {
	d, err := scanDrill(s.r.QueryRowContext(ctx, `SELECT `+drillCols+` FROM drills WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, drillNotFound(id)
	}
	if err != nil {
		return nil, fmt.Errorf("drill #%d: %w", id, err)
	}
	return d, nil
}

// Drills lists drills, newest first.
func (s *Store) Drills(ctx context.Context, limit int) ([]*continuity.Drill, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+drillCols+` FROM drills ORDER BY coalesce(started_at, scheduled_for, created_at) DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list drills: %w", err)
	}
	defer rows.Close()
	var out []*continuity.Drill
	for rows.Next() {
		d, err := scanDrill(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
