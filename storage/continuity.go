package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"motcua"
	"motcua/app"
	"motcua/app/continuity"
)

var _ continuity.Store = (*Store)(nil)

// CreateIncident stores inc with its first timeline entries and sets inc.ID,
// in one transaction with the audit entry (whose subject becomes
// "incident#ID").
//
// Errors: KindConflict motcua.ErrDuplicate when inc is automatic and an
// automatic incident is already open.
func (s *Store) CreateIncident(ctx context.Context, inc *continuity.Incident, a app.AuditEntry) error {
	err := s.write(ctx, func(w *wtx) error {
		if inc.Source == continuity.SourceAuto {
			var id int64
			err := w.tx.QueryRowContext(ctx, `SELECT id FROM incidents WHERE source = 'auto' AND ended_at IS NULL`).Scan(&id)
			if err == nil {
				return motcua.Errorf(motcua.KindConflict, motcua.ErrDuplicate, "incident",
					"Đã có sự cố tự động #%d đang mở", "automatic incident #%d is already open", id)
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		res, err := w.tx.ExecContext(ctx, `INSERT INTO incidents (scenario, severity, title, source, started_at, declared_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, string(inc.Scenario), int(inc.Severity), nfc(inc.Title), string(inc.Source),
			ms(inc.StartedAt), nfc(inc.DeclaredBy), ms(w.now))
		if err != nil {
			return fmt.Errorf("insert incident: %w", err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if err := w.incidentLog(id, 0, inc.Log); err != nil {
			return err
		}
		a.Subject = fmt.Sprintf("incident#%d", id)
		if err := w.audit(a); err != nil {
			return err
		}
		inc.ID = id
		return nil
	})
	if err != nil {
		return fmt.Errorf("create incident: %w", err)
	}
	inc.StartedAt = instant(inc.StartedAt)
	for i := range inc.Log {
		inc.Log[i].At = instant(inc.Log[i].At)
	}
	return nil
}

func (w *wtx) incidentLog(id int64, from int, entries []continuity.LogEntry) error {
	for i, e := range entries {
		if _, err := w.tx.ExecContext(w.ctx, `INSERT INTO incident_log (incident_id, idx, at, actor, kind, text, step_id, contact, channel)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, from+i, ms(e.At), nfc(e.Actor), string(e.Kind), nfc(e.Text),
			e.StepID, nfc(e.Contact), nfc(e.Channel)); err != nil {
			return fmt.Errorf("insert incident log: %w", err)
		}
	}
	return nil
}

// openIncident checks that incident id exists and is open, returning the
// next index of its timeline.
func (w *wtx) openIncident(id int64) (int, error) {
	var ended sql.NullInt64
	var closedBy string
	var next int
	err := w.tx.QueryRowContext(w.ctx, `SELECT ended_at, closed_by,
		(SELECT coalesce(max(idx) + 1, 0) FROM incident_log WHERE incident_id = i.id) FROM incidents i WHERE id = ?`, id).
		Scan(&ended, &closedBy, &next)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, incidentNotFound(id)
	}
	if err != nil {
		return 0, err
	}
	if ended.Valid {
		return 0, continuity.ClosedError(id, fromMS(ended.Int64), closedBy)
	}
	return next, nil
}

func incidentNotFound(id int64) error {
	return motcua.Errorf(motcua.KindNotFound, motcua.ErrNotFound, "incident", "Không có sự cố #%d", "no incident #%d", id)
}

// AppendIncidentLog adds entries to an open incident's timeline, with the
// audit entry, in one transaction.
//
// Errors: KindNotFound; KindConflict continuity.ErrIncidentClosed.
func (s *Store) AppendIncidentLog(ctx context.Context, id int64, entries []continuity.LogEntry, a app.AuditEntry) error {
	err := s.write(ctx, func(w *wtx) error {
		next, err := w.openIncident(id)
		if err != nil {
			return err
		}
		if err := w.incidentLog(id, next, entries); err != nil {
			return err
		}
		return w.audit(withDefaults(a, "incident.log", fmt.Sprintf("incident#%d", id)))
	})
	if err != nil {
		return fmt.Errorf("incident #%d: %w", id, err)
	}
	return nil
}

// CloseIncident ends an open incident in one transaction: end, closer,
// summary, reconciliation, last timeline entries and the audit entry.
//
// Errors: KindNotFound; KindConflict continuity.ErrIncidentClosed when it
// is already closed (nothing is changed).
func (s *Store) CloseIncident(ctx context.Context, id int64, c continuity.Closing, a app.AuditEntry) error {
	var rec any
	if c.Reconciliation != nil {
		b, err := json.Marshal(c.Reconciliation)
		if err != nil {
			return fmt.Errorf("encode reconciliation: %w", err)
		}
		rec = string(b)
	}
	err := s.write(ctx, func(w *wtx) error {
		next, err := w.openIncident(id)
		if err != nil {
			return err
		}
		if _, err := w.tx.ExecContext(ctx, `UPDATE incidents SET ended_at = ?, closed_by = ?, summary = ?, reconciliation = ? WHERE id = ?`,
			ms(c.EndedAt), nfc(c.ClosedBy), nfc(c.Summary), rec, id); err != nil {
			return fmt.Errorf("close incident: %w", err)
		}
		if err := w.incidentLog(id, next, c.Log); err != nil {
			return err
		}
		return w.audit(withDefaults(a, "incident.close", fmt.Sprintf("incident#%d", id)))
	})
	if err != nil {
		return fmt.Errorf("incident #%d: %w", id, err)
	}
	return nil
}

const incidentCols = `id, scenario, severity, title, source, started_at, ended_at, declared_by, closed_by, summary, reconciliation`

func scanIncident(sc interface{ Scan(...any) error }) (*continuity.Incident, error) {
	var (
		inc            continuity.Incident
		scenario, src  string
		severity       int
		started        int64
		ended          sql.NullInt64
		reconciliation sql.NullString
	)
	if err := sc.Scan(&inc.ID, &scenario, &severity, &inc.Title, &src, &started, &ended, &inc.DeclaredBy,
		&inc.ClosedBy, &inc.Summary, &reconciliation); err != nil {
		return nil, err
	}
	inc.Scenario, inc.Severity, inc.Source = continuity.Scenario(scenario), continuity.Severity(severity), continuity.Source(src)
	inc.StartedAt, inc.EndedAt = fromMS(started), fromNullMS(ended)
	if reconciliation.Valid {
		inc.Reconciliation = new(continuity.Reconciliation)
		if err := json.Unmarshal([]byte(reconciliation.String), inc.Reconciliation); err != nil {
			return nil, fmt.Errorf("incident #%d: decode reconciliation: %w", inc.ID, err)
		}
	}
	inc.Log = []continuity.LogEntry{}
	return &inc, nil
}

func loadIncidentLog(ctx context.Context, tx *sql.Tx, inc *continuity.Incident) error {
	rows, err := tx.QueryContext(ctx, `SELECT at, actor, kind, text, step_id, contact, channel FROM incident_log
		WHERE incident_id = ? ORDER BY idx`, inc.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var e continuity.LogEntry
		var at int64
		var kind string
		if err := rows.Scan(&at, &e.Actor, &kind, &e.Text, &e.StepID, &e.Contact, &e.Channel); err != nil {
			return err
		}
		e.At, e.Kind = fromMS(at), continuity.LogKind(kind)
		inc.Log = append(inc.Log, e)
	}
	return rows.Err()
}

// Incident returns one incident with its timeline. Errors: KindNotFound.
func (s *Store) Incident(ctx context.Context, id int64) (*continuity.Incident, error) {
	var inc *continuity.Incident
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		inc, err = scanIncident(tx.QueryRowContext(ctx, `SELECT `+incidentCols+` FROM incidents WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return incidentNotFound(id)
		}
		if err != nil {
			return err
		}
		return loadIncidentLog(ctx, tx, inc)
	})
	if err != nil {
		return nil, fmt.Errorf("incident #%d: %w", id, err)
	}
	return inc, nil
}

// Incidents lists incidents, newest first, with their timelines.
func (s *Store) Incidents(ctx context.Context, f continuity.IncidentFilter) ([]*continuity.Incident, error) {
	var where []string
	var args []any
	if f.OpenOnly {
		where = append(where, "ended_at IS NULL")
	}
	if f.Source != "" {
		where = append(where, "source = ?")
		args = append(args, string(f.Source))
	}
	if !f.From.IsZero() {
		where = append(where, "started_at >= ?")
		args = append(args, ms(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, "started_at < ?")
		args = append(args, ms(f.To))
	}
	q := `SELECT ` + incidentCols + ` FROM incidents`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 200
	}
	q += " ORDER BY started_at DESC, id DESC LIMIT ?"
	args = append(args, limit)
	var out []*continuity.Incident
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			inc, err := scanIncident(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, inc)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, inc := range out {
			if err := loadIncidentLog(ctx, tx, inc); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list incidents: %w", err)
	}
	return out, nil
}

// ReceivedBetween lists the dossiers received in [from, to) with the state
// of their outbox messages, oldest first.
func (s *Store) ReceivedBetween(ctx context.Context, from, to time.Time) ([]continuity.DossierDelivery, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT d.code, d.received_at, d.due_at, d.status, d.procedure_name, d.applicant_name, d.station,
			EXISTS (SELECT 1 FROM paper_codes p WHERE p.dossier_code = d.code),
			count(o.id), coalesce(sum(o.state = 'acked'), 0), coalesce(sum(o.state IN ('pending', 'sending')), 0),
			coalesce(sum(o.state = 'quarantined'), 0), max(o.acked_at),
			coalesce((SELECT last_error FROM outbox q WHERE q.dossier_code = d.code AND q.state = 'quarantined' ORDER BY q.id DESC LIMIT 1), '')
		FROM dossiers d LEFT JOIN outbox o ON o.dossier_code = d.code
		WHERE d.received_at >= ? AND d.received_at < ?
		GROUP BY d.id ORDER BY d.received_at, d.id`, ms(from), ms(to))
	if err != nil {
		return nil, fmt.Errorf("dossiers received between: %w", err)
	}
	defer rows.Close()
	var out []continuity.DossierDelivery
	for rows.Next() {
		var (
			d        continuity.DossierDelivery
			received int64
			due      sql.NullInt64
			acked    sql.NullInt64
			status   int
		)
		if err := rows.Scan(&d.Code, &received, &due, &status, &d.Procedure, &d.Applicant, &d.Station, &d.Paper,
			&d.Messages, &d.Acked, &d.Pending, &d.Quarantined, &acked, &d.LastError); err != nil {
			return nil, fmt.Errorf("dossiers received between: %w", err)
		}
		d.ReceivedAt, d.DueAt, d.Status, d.LastAckedAt = fromMS(received), fromNullMS(due), motcua.Status(status), fromNullMS(acked)
		out = append(out, d)
	}
	return out, rows.Err()
}
