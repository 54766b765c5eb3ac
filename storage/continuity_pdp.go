package storage

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"motcua/app/continuity"
)

// AuditTrail reads audit entries matching f, oldest first unless
// f.NewestFirst.
func (s *Store) AuditTrail(ctx context.Context, f continuity.AuditFilter) ([]continuity.AuditRecord, error) {
	var where []string
	var args []any
	if len(f.Subjects) > 0 {
		where = append(where, "subject IN ("+strings.TrimSuffix(strings.Repeat("?,", len(f.Subjects)), ",")+")")
		for _, sub := range f.Subjects {
			args = append(args, sub)
		}
	}
	if f.SubjectPrefix != "" {
		where = append(where, "substr(subject, 1, ?) = ?")
		args = append(args, len(f.SubjectPrefix), f.SubjectPrefix)
	}
	if f.ActionPrefix != "" {
		where = append(where, "substr(action, 1, ?) = ?")
		args = append(args, len(f.ActionPrefix), f.ActionPrefix)
	}
	if f.Actor != "" {
		where = append(where, "actor = ?")
		args = append(args, f.Actor)
	}
	if !f.From.IsZero() {
		where = append(where, "at >= ?")
		args = append(args, ms(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, "at < ?")
		args = append(args, ms(f.To))
	}
	q := `SELECT seq, at, actor, action, subject, detail FROM audit`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq"
	if f.NewestFirst {
		q += " DESC"
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	q += " LIMIT ?"
	args = append(args, limit)
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("audit trail: %w", err)
	}
	defer rows.Close()
	out := []continuity.AuditRecord{}
	for rows.Next() {
		var r continuity.AuditRecord
		var at int64
		if err := rows.Scan(&r.Seq, &at, &r.Actor, &r.Action, &r.Subject, &r.Detail); err != nil {
			return nil, err
		}
		r.At = fromMS(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

// ClosedBefore lists dossiers in a final status (refused, withdrawn,
// stopped, returned) whose last change is before t, oldest first.
func (s *Store) ClosedBefore(ctx context.Context, t time.Time, limit int) ([]continuity.RetentionItem, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT code, status, updated_at FROM dossiers
		WHERE status IN (3, 7, 8, 10) AND updated_at < ? ORDER BY updated_at LIMIT ?`, ms(t), limit)
	if err != nil {
		return nil, fmt.Errorf("closed dossiers: %w", err)
	}
	defer rows.Close()
	var out []continuity.RetentionItem
	for rows.Next() {
		var it continuity.RetentionItem
		var at int64
		if err := rows.Scan(&it.Code, &it.Status, &at); err != nil {
			return nil, err
		}
		it.ClosedAt = fromMS(at)
		out = append(out, it)
	}
	return out, rows.Err()
}

// BlobPurger deletes the scans of dossiers past their retention period from
// the data folder's blob store. The attachment rows stay (what was attached,
// its hash, when, by whom); the file content goes. A file is deleted only
// when every dossier referencing it is closed and past the cutoff.
type BlobPurger struct {
	S       *Store
	DataDir string
}

var _ continuity.AttachmentPurger = BlobPurger{}

// PurgeAttachments implements continuity.AttachmentPurger.
func (p BlobPurger) PurgeAttachments(ctx context.Context, code string, closedBefore time.Time) (int, error) {
	rows, err := p.S.r.QueryContext(ctx, `SELECT DISTINCT a.sha256 FROM attachments a WHERE a.dossier_code = ?
		AND NOT EXISTS (SELECT 1 FROM attachments b JOIN dossiers d ON d.code = b.dossier_code
			WHERE b.sha256 = a.sha256 AND (d.status NOT IN (3, 7, 8, 10) OR d.updated_at >= ?))`, code, ms(closedBefore))
	if err != nil {
		return 0, fmt.Errorf("purge %s: %w", code, err)
	}
	var sums []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return 0, err
		}
		sums = append(sums, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, sum := range sums {
		if len(sum) != 64 {
			continue
		}
		// The blob store's layout: DIR/ab/abcdef… (storage/blob).
		err := os.Remove(filepath.Join(p.DataDir, BlobDir, sum[:2], sum))
		switch {
		case err == nil:
			n++
		case !errors.Is(err, fs.ErrNotExist):
			return n, fmt.Errorf("purge %s: %w", code, err)
		}
	}
	return n, nil
}
