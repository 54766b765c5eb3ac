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

// OutboxPending returns up to limit messages to send, oldest first (so a
// dossier's messages keep their order): pending ones whose next attempt is
// due, and ones left in StateSending by an attempt that never finished.
// Resending those is safe: the receiver deduplicates by idempotency key.
func (s *Store) OutboxPending(ctx context.Context, limit int) ([]OutboxMessage, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, dossier_code, kind, payload, idempotency_key, created_at, state,
		attempts, last_error, next_attempt_at, acked_at FROM outbox
		WHERE state IN ('pending', 'sending') AND next_attempt_at <= ? ORDER BY id LIMIT ?`, ms(s.now()), limit)
	if err != nil {
		return nil, fmt.Errorf("outbox pending: %w", err)
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
			return nil, fmt.Errorf("outbox pending: %w", err)
		}
		m.Payload, m.CreatedAt, m.NextAttemptAt, m.AckedAt = []byte(payload), fromMS(created), fromMS(nextAt), fromNullMS(acked)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outbox pending: %w", err)
	}
	return out, nil
}

// OutboxMark moves message id to state, recording lastErr when it is not
// empty. Marking StateSending counts an attempt; StateAcked stamps acked_at
// and is final.
//
// Errors: KindInvalid ErrBadState for an unknown state; KindNotFound;
// KindConflict ErrBadState when the message was already acknowledged.
func (s *Store) OutboxMark(ctx context.Context, id int64, state, lastErr string) error {
	return s.outboxSet(ctx, id, state, lastErr, time.Time{})
}

// OutboxRetry puts message id back to StatePending, not to be sent before
// at (the worker's backoff), recording lastErr.
func (s *Store) OutboxRetry(ctx context.Context, id int64, at time.Time, lastErr string) error {
	if at.IsZero() {
		at = s.now()
	}
	return s.outboxSet(ctx, id, StatePending, lastErr, at)
}

func (s *Store) outboxSet(ctx context.Context, id int64, state, lastErr string, next time.Time) error {
	switch state {
	case StatePending, StateSending, StateAcked, StateQuarantined:
	default:
		return motcua.Invalid(ErrBadState, "state", "Trạng thái gửi «%s» không tồn tại", "outbox state %q does not exist", state)
	}
	err := s.write(ctx, func(w *wtx) error {
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
		_, err = w.exec(`UPDATE outbox SET state = ?,
			attempts = attempts + (? = 'sending'),
			last_error = CASE WHEN ? = '' THEN last_error ELSE ? END,
			acked_at = CASE WHEN ? = 'acked' THEN ? ELSE acked_at END,
			next_attempt_at = coalesce(?, next_attempt_at)
			WHERE id = ?`, state, state, lastErr, lastErr, state, ms(w.now), nullMS(next), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("outbox mark %d %s: %w", id, state, err)
	}
	return nil
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
