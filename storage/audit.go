package storage

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"io"
	"strconv"

	"motcua"
	"motcua/app"
)

// genesis is the prev_hash of the first audit entry.
var genesis = make([]byte, sha256.Size)

// auditHash is SHA-256 over the length-prefixed fields of an entry and the
// hash of the entry before it, so no field can bleed into its neighbour.
func auditHash(seq, at int64, actor, action, subject, detail string, prev []byte) []byte {
	h := sha256.New()
	for _, f := range []string{strconv.FormatInt(seq, 10), strconv.FormatInt(at, 10), actor, action, subject, detail, string(prev)} {
		io.WriteString(h, strconv.Itoa(len(f)))
		io.WriteString(h, ":")
		io.WriteString(h, f)
		io.WriteString(h, ",")
	}
	return h.Sum(nil)
}

// Audit appends an entry to the audit log in its own transaction.
func (s *Store) Audit(ctx context.Context, a app.AuditEntry) error {
	if err := s.write(ctx, func(w *wtx) error { return w.audit(a) }); err != nil {
		return fmt.Errorf("audit %s: %w", a.Action, err)
	}
	return nil
}

const (
	sqlAuditTop = `SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'audit'), 0)`
	// sqlAuditHead reads, in one statement, the highest seq ever written and
	// the hash of the last entry (NULL when there is none).
	sqlAuditHead = `SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'audit'), 0),
		(SELECT hash FROM audit ORDER BY seq DESC LIMIT 1)`
	sqlAuditInsert = `INSERT INTO audit (seq, at, actor, action, subject, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
)

// audit appends a to the chain inside the current transaction. The next seq
// comes from sqlite_sequence, not from the last row, so a deleted tail
// leaves a gap that VerifyAudit reports instead of being silently refilled.
func (w *wtx) audit(a app.AuditEntry) error {
	at := a.At
	if at.IsZero() {
		at = w.now
	}
	actor := nfc(a.Actor)
	if actor == "" {
		actor = "system"
	}
	action, subject, detail := nfc(a.Action), nfc(a.Subject), nfc(a.Detail)
	var (
		last int64
		head sql.Null[[]byte]
	)
	if err := w.queryRow(sqlAuditHead).Scan(&last, &head); err != nil {
		return fmt.Errorf("read audit head: %w", err)
	}
	prev := genesis
	if head.Valid {
		prev = head.V
	}
	seq, atMS := last+1, ms(at)
	hash := auditHash(seq, atMS, actor, action, subject, detail, prev)
	if _, err := w.exec(sqlAuditInsert,
		seq, atMS, actor, action, subject, detail, prev, hash); err != nil {
		return fmt.Errorf("append audit entry: %w", err)
	}
	return nil
}

// AuditBreak tells where the audit chain stops verifying. It is the cause
// (errors.As) of the coded error VerifyAudit returns.
type AuditBreak struct {
	Seq    int64  // the first entry that is missing, modified or out of place
	Reason string // "missing", "modified", "unlinked"
}

func (b *AuditBreak) Error() string {
	return fmt.Sprintf("audit entry %d %s", b.Seq, b.Reason)
}

var auditReasonsVI = map[string]string{
	"missing":  "đã bị xoá",
	"modified": "đã bị sửa",
	"unlinked": "không nối với bản ghi trước (bị chèn hoặc đổi thứ tự)",
}

// VerifyAudit walks the audit chain from the first entry and returns how
// many entries verified.
//
// Errors: KindInternal ErrAuditBroken wrapping an *AuditBreak with the seq
// of the first entry that was deleted, modified or reordered.
func (s *Store) VerifyAudit(ctx context.Context) (int, error) {
	n := 0
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit ORDER BY seq`)
		if err != nil {
			return err
		}
		defer rows.Close()
		want, prev := int64(1), genesis
		for rows.Next() {
			var (
				seq, at                        int64
				actor, action, subject, detail string
				prevHash, hash                 []byte
			)
			if err := rows.Scan(&seq, &at, &actor, &action, &subject, &detail, &prevHash, &hash); err != nil {
				return err
			}
			switch {
			case seq != want:
				return auditBroken(want, "missing")
			case !bytes.Equal(prevHash, prev):
				return auditBroken(seq, "unlinked")
			case !bytes.Equal(hash, auditHash(seq, at, actor, action, subject, detail, prevHash)):
				return auditBroken(seq, "modified")
			}
			prev, want = hash, want+1
			n++
		}
		if err := rows.Err(); err != nil {
			return err
		}
		var top int64
		if err := tx.QueryRowContext(ctx, sqlAuditTop).Scan(&top); err != nil {
			return err
		}
		if top >= want {
			return auditBroken(want, "missing")
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("verify audit: %w", err)
	}
	return n, nil
}

func auditBroken(seq int64, reason string) error {
	return &motcua.Error{Kind: motcua.KindInternal, Code: ErrAuditBroken, Field: "audit",
		Msg:   fmt.Sprintf("Nhật ký kiểm toán không còn nguyên vẹn: bản ghi số %d %s", seq, auditReasonsVI[reason]),
		MsgEN: fmt.Sprintf("the audit log has been tampered with: entry %d is %s", seq, reason),
		Err:   &AuditBreak{Seq: seq, Reason: reason}}
}
