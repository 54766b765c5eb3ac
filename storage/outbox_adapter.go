package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"motcua"
	"motcua/app"
	"motcua/sync/outbox"
	"motcua/sync/pullback"
)

var (
	_ outbox.Store   = OutboxQueue{}
	_ pullback.Store = (*Store)(nil)
)

// OutboxQueue is the outbox table as the sync engine uses it: the
// sync/outbox.Store the worker drains and the USB bundle exports, plus the
// listing, counting and retry that the Sync screen and the CLI need.
type OutboxQueue struct{ s *Store }

// Queue returns the store's outbox for the sync engine.
func (s *Store) Queue() OutboxQueue { return OutboxQueue{s} }

func toMessage(m OutboxMessage) outbox.Message {
	return outbox.Message{ID: m.ID, Dossier: m.DossierCode, Kind: m.Kind, Payload: m.Payload, Key: m.IdempotencyKey,
		State: outbox.State(m.State), Attempts: m.Attempts, LastError: m.LastError, CreatedAt: m.CreatedAt}
}

func toMessages(ms []OutboxMessage) []outbox.Message {
	out := make([]outbox.Message, len(ms))
	for i, m := range ms {
		out[i] = toMessage(m)
	}
	return out
}

// Pending implements outbox.Store: the messages after id after that are not
// acknowledged (quarantined ones included), in id order.
func (q OutboxQueue) Pending(ctx context.Context, after int64, limit int) ([]outbox.Message, error) {
	ms, err := q.s.OutboxUndelivered(ctx, after, limit)
	if err != nil {
		return nil, err
	}
	return toMessages(ms), nil
}

// Mark implements outbox.Store: all marks in one transaction. A mark on a
// message that is already acknowledged is ignored rather than refused:
// another process (the window and a `motcua sync` at the same time) may
// have delivered it meanwhile, and its acknowledgement stands.
func (q OutboxQueue) Mark(ctx context.Context, marks []outbox.Mark) error {
	err := q.s.write(ctx, func(w *wtx) error {
		for _, m := range marks {
			var cur string
			err := w.queryRow(`SELECT state FROM outbox WHERE id = ?`, m.ID).Scan(&cur)
			if err == nil && cur == StateAcked {
				continue
			}
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if err := w.outboxSet(m.ID, string(m.State), m.Note, time.Time{}); err != nil {
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

// List returns up to limit messages in the given states (all states when
// none is given): in delivery order, or newest first when acknowledged
// messages are asked for (their history is long; the recent end matters).
func (q OutboxQueue) List(ctx context.Context, states []outbox.State, limit int) ([]outbox.Message, error) {
	if limit <= 0 {
		limit = DefaultLimit
	}
	if len(states) == 0 {
		states = []outbox.State{StatePending, StateSending, StateQuarantined, StateAcked}
	}
	marks := make([]string, len(states))
	args := make([]any, 0, len(states)+1)
	order := "id"
	for i, st := range states {
		switch st {
		case StatePending, StateSending, StateQuarantined:
		case StateAcked:
			order = "id DESC"
		default:
			return nil, motcua.Invalid(ErrBadState, "state", "Trạng thái gửi «%s» không tồn tại (pending, sending, acked, quarantined)",
				"outbox state %q does not exist (pending, sending, acked, quarantined)", st)
		}
		marks[i] = "?"
		args = append(args, string(st))
	}
	args = append(args, limit)
	ms, err := q.s.outboxQuery(ctx, `WHERE state IN (`+strings.Join(marks, ", ")+`) ORDER BY `+order+` LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("outbox list: %w", err)
	}
	return toMessages(ms), nil
}

// Counts returns how many messages are pending, sending and quarantined.
// Acknowledged ones are not counted: they are most of the table, and the
// status bar only needs what is still to do.
func (q OutboxQueue) Counts(ctx context.Context) (map[outbox.State]int, error) {
	out := map[outbox.State]int{StatePending: 0, StateSending: 0, StateQuarantined: 0}
	rows, err := q.s.r.QueryContext(ctx, `SELECT state, count(*) FROM outbox
		WHERE state IN ('pending', 'sending', 'quarantined') GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("outbox counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("outbox counts: %w", err)
		}
		out[outbox.State(st)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("outbox counts: %w", err)
	}
	return out, nil
}

// ErrNotQuarantined is returned by Retry for a message that is not
// quarantined: only those wait for an officer.
const ErrNotQuarantined = "ERR_NOT_QUARANTINED"

// Retry puts a quarantined message back in the queue, on an officer's
// word, keeping the province's reason in its note and in the audit log.
// It returns the message's dossier code.
//
// Errors: KindNotFound motcua.ErrNotFound; KindConflict ErrNotQuarantined.
func (q OutboxQueue) Retry(ctx context.Context, id int64, actor string) (string, error) {
	var code string
	err := q.s.write(ctx, func(w *wtx) error {
		var state, reason string
		err := w.queryRow(`SELECT dossier_code, state, last_error FROM outbox WHERE id = ?`, id).Scan(&code, &state, &reason)
		if errors.Is(err, sql.ErrNoRows) {
			return motcua.Errorf(motcua.KindNotFound, motcua.ErrNotFound, "id", "Không có thông điệp gửi số %d", "outbox message %d not found", id)
		}
		if err != nil {
			return err
		}
		if state != StateQuarantined {
			return motcua.Errorf(motcua.KindConflict, ErrNotQuarantined, "id",
				"Thông điệp %d (hồ sơ %s) đang «%s», không bị cách ly; chỉ gửi lại được thông điệp bị cách ly",
				"outbox message %d (dossier %s) is %s, not quarantined; only quarantined messages can be retried", id, code, state)
		}
		note := "Cán bộ cho gửi lại"
		if reason != "" {
			note += "; lần trước tỉnh trả lời: " + reason
		}
		if err := w.outboxSet(id, StatePending, note, w.now); err != nil {
			return err
		}
		return w.audit(app.AuditEntry{Actor: actor, Action: "outbox.retry", Subject: code,
			Detail: fmt.Sprintf("thông điệp %d; lý do cách ly: %s", id, reason)})
	})
	if err != nil {
		return "", fmt.Errorf("outbox retry: %w", err)
	}
	return code, nil
}

// ResetCursor forgets the province's change-feed cursor, so the next pull
// reads the feed from the start: for a new provincial system, whose
// cursors mean nothing to the old one. Applying a change twice changes
// nothing, so reading from the start is safe.
func (s *Store) ResetCursor(ctx context.Context) error {
	err := s.write(ctx, func(w *wtx) error {
		_, err := w.exec(`DELETE FROM settings WHERE key = ?`, pullCursorKey)
		return err
	})
	if err != nil {
		return fmt.Errorf("reset pull cursor: %w", err)
	}
	return nil
}
