package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"motcua"
)

// Outbox message states.
const (
	StatePending     = "pending"     // waiting to be sent (again)
	StateSending     = "sending"     // an attempt is in flight, or was when the process stopped
	StateAcked       = "acked"       // the province acknowledged it; final
	StateQuarantined = "quarantined" // rejected or failing for good; needs an officer
)

// OutboxMessage is one queued delivery to the province.
type OutboxMessage struct {
	ID             int64
	DossierCode    string
	Kind           string // OutboxKindUpsert
	Payload        []byte // JSON
	IdempotencyKey string // code ":" history length
	CreatedAt      time.Time
	State          string
	Attempts       int // times marked StateSending
	LastError      string
	NextAttemptAt  time.Time
	AckedAt        time.Time // zero unless acked
}

const outboxCols = `id, dossier_code, kind, payload, idempotency_key, created_at, state,
	attempts, last_error, next_attempt_at, acked_at`

func (s *Store) outboxQuery(ctx context.Context, q string, args ...any) ([]OutboxMessage, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+outboxCols+` FROM outbox `+q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OutboxMessage
	for rows.Next() {
		var (
			m               OutboxMessage
			payload         string
			created, nextAt int64
			acked           sql.NullInt64
		)
		if err := rows.Scan(&m.ID, &m.DossierCode, &m.Kind, &payload, &m.IdempotencyKey, &created, &m.State,
			&m.Attempts, &m.LastError, &nextAt, &acked); err != nil {
			return nil, err
		}
		m.Payload, m.CreatedAt, m.NextAttemptAt, m.AckedAt = []byte(payload), fromMS(created), fromMS(nextAt), fromNullMS(acked)
		out = append(out, m)
	}
	return out, rows.Err()
}

// OutboxPending returns up to limit messages to send, oldest first (so a
// dossier's messages keep their order): pending ones whose next attempt is
// due, and ones left in StateSending by an attempt that never finished.
// Resending those is safe: the receiver deduplicates by idempotency key.
func (s *Store) OutboxPending(ctx context.Context, limit int) ([]OutboxMessage, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	out, err := s.outboxQuery(ctx, `WHERE state IN ('pending', 'sending') AND next_attempt_at <= ? ORDER BY id LIMIT ?`, ms(s.now()), limit)
	if err != nil {
		return nil, fmt.Errorf("outbox pending: %w", err)
	}
	return out, nil
}

// OutboxUndelivered returns up to limit messages with id > after that are
// not acknowledged — pending, sending and quarantined — in id order,
// whatever their next attempt time. It is the sync worker's queue: a
// quarantined message must be seen to hold back its dossier's later ones.
func (s *Store) OutboxUndelivered(ctx context.Context, after int64, limit int) ([]OutboxMessage, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	out, err := s.outboxQuery(ctx, `WHERE state IN ('pending', 'sending', 'quarantined') AND id > ? ORDER BY id LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("outbox undelivered: %w", err)
	}
	return out, nil
}

// OutboxMarkOp is one state change of OutboxMarkMany.
type OutboxMarkOp struct {
	ID        int64
	State     string
	LastError string // the province's message or the failure; empty clears it
}

// OutboxMark moves message id to state and sets its last error (empty
// clears it). Marking StateSending counts an attempt; StateAcked stamps
// acked_at and is final.
//
// Errors: KindInvalid ErrBadState for an unknown state; KindNotFound;
// KindConflict ErrBadState when the message was already acknowledged.
func (s *Store) OutboxMark(ctx context.Context, id int64, state, lastErr string) error {
	return s.OutboxMarkMany(ctx, []OutboxMarkOp{{ID: id, State: state, LastError: lastErr}})
}

// OutboxMarkMany applies OutboxMark to every op in one transaction: all of
// them or, on the first error, none.
func (s *Store) OutboxMarkMany(ctx context.Context, ops []OutboxMarkOp) error {
	err := s.write(ctx, func(w *wtx) error {
		for _, op := range ops {
			if err := w.outboxSet(op.ID, op.State, op.LastError, time.Time{}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("outbox mark: %w", err)
	}
	return nil
}

// OutboxRetry puts message id back to StatePending, not to be sent by
// OutboxPending before at (a backoff), with lastErr as its last error. An
// officer retrying a quarantined message passes the zero time.
func (s *Store) OutboxRetry(ctx context.Context, id int64, at time.Time, lastErr string) error {
	if at.IsZero() {
		at = s.now()
	}
	err := s.write(ctx, func(w *wtx) error { return w.outboxSet(id, StatePending, lastErr, at) })
	if err != nil {
		return fmt.Errorf("outbox retry: %w", err)
	}
	return nil
}

func (w *wtx) outboxSet(id int64, state, lastErr string, next time.Time) error {
	switch state {
	case StatePending, StateSending, StateAcked, StateQuarantined:
	default:
		return motcua.Invalid(ErrBadState, "state", "Trạng thái gửi «%s» không tồn tại", "outbox state %q does not exist", state)
	}
	var cur string
	err := w.queryRow(`SELECT state FROM outbox WHERE id = ?`, id).Scan(&cur)
	if errors.Is(err, sql.ErrNoRows) {
		return motcua.Errorf(motcua.KindNotFound, motcua.ErrNotFound, "id", "Không có thông điệp gửi số %d", "outbox message %d not found", id)
	}
	if err != nil {
		return err
	}
	if cur == StateAcked {
		if state == StateAcked {
			return nil
		}
		return motcua.Errorf(motcua.KindConflict, ErrBadState, "state",
			"Thông điệp %d đã được tỉnh xác nhận, không chuyển sang «%s» được",
			"outbox message %d is already acknowledged and cannot move to %s", id, state)
	}
	_, err = w.exec(`UPDATE outbox SET state = ?1, attempts = attempts + (?1 = 'sending'), last_error = ?2,
		acked_at = CASE WHEN ?1 = 'acked' THEN ?3 ELSE acked_at END, next_attempt_at = coalesce(?4, next_attempt_at)
		WHERE id = ?5`, state, nfc(lastErr), ms(w.now), nullMS(next), id)
	return err
}

// OutboxStats counts messages per state; every state is present.
func (s *Store) OutboxStats(ctx context.Context) (map[string]int, error) {
	stats := map[string]int{StatePending: 0, StateSending: 0, StateAcked: 0, StateQuarantined: 0}
	rows, err := s.r.QueryContext(ctx, `SELECT state, count(*) FROM outbox GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("outbox stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("outbox stats: %w", err)
		}
		stats[st] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outbox stats: %w", err)
	}
	return stats, nil
}
