package storage

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"motcua"
)

// The audit chain proves that no entry was changed or removed from the
// middle; on its own it cannot prove that the newest entries were not cut
// off (delete the tail, lower sqlite_sequence, and what is left verifies).
// So the chain is anchored outside the table it protects: every backup's
// manifest, signed by the station key, records the sequence number and hash
// of the newest entry (manifestDB.AuditHead). `audit verify` checks the
// live chain against the newest backup that verifies: that entry must still
// be there, with that hash.

// AuditAnchor is a point of the audit chain recorded outside the database.
type AuditAnchor struct {
	Seq    int64     `json:"seq"`
	Hash   string    `json:"hash"` // hex
	At     time.Time `json:"at"`
	Source string    `json:"source"` // the backup it comes from
}

// AuditAnchor returns the anchor of the newest of this station's backups
// whose manifest verifies (signature, trusted key); nil when there is none
// (no destination, no backup, or only backups made before anchors).
func (b *Backupper) AuditAnchor(ctx context.Context) (*AuditAnchor, error) {
	list, err := b.List(ctx)
	if err != nil {
		return nil, err
	}
	for _, info := range list {
		m, err := b.openManifest(info)
		if err != nil {
			continue // a forged or damaged backup anchors nothing
		}
		if m.DB.AuditSeq == 0 || m.DB.AuditHead == "" {
			return nil, nil
		}
		return &AuditAnchor{Seq: m.DB.AuditSeq, Hash: m.DB.AuditHead, At: m.Info.Created, Source: info.ID}, nil
	}
	return nil, nil
}

// CheckAuditAnchor reports a cut audit log: entry a.Seq must exist and
// carry hash a.Hash. Errors: KindInternal ErrAuditBroken wrapping an
// *AuditBreak with reason "cut" (the entry is gone) or "modified".
func (s *Store) CheckAuditAnchor(ctx context.Context, a AuditAnchor) error {
	want, err := hex.DecodeString(a.Hash)
	if err != nil {
		return fmt.Errorf("audit anchor: %w", err)
	}
	var got []byte
	err = s.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT hash FROM audit WHERE seq = ?`, a.Seq).Scan(&got)
	})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return anchorBroken(a, "cut")
	case err != nil:
		return fmt.Errorf("audit anchor: %w", err)
	case !bytes.Equal(got, want):
		return anchorBroken(a, "modified")
	}
	return nil
}

func anchorBroken(a AuditAnchor, reason string) error {
	vi := "đã bị xoá (nhật ký bị cắt bớt phần cuối, hoặc dữ liệu đã được khôi phục từ một bản cũ hơn)"
	en := "is gone (the log's tail was cut, or the data was restored from an older backup)"
	if reason == "modified" {
		vi, en = "đã bị sửa", "was modified"
	}
	return &motcua.Error{Kind: motcua.KindInternal, Code: ErrAuditBroken, Field: "audit",
		Msg: fmt.Sprintf("Nhật ký kiểm toán không còn nguyên vẹn: bản ghi số %d, có trong bản sao lưu %s (%s), %s",
			a.Seq, a.Source, motcua.FormatTime(a.At), vi),
		MsgEN: fmt.Sprintf("the audit log has been tampered with: entry %d, recorded in backup %s (%s), %s",
			a.Seq, a.Source, motcua.FormatTime(a.At), en),
		Err: &AuditBreak{Seq: a.Seq, Reason: reason}}
}
