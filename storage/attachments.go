package storage

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"motcua"
	"motcua/app"
	"motcua/storage/blob"
	"motcua/sync/outbox"
)

var (
	_ app.AttachmentStore = (*Store)(nil)
	_ outbox.Attachments  = AttachmentFiles{}
)

// OutboxKindAttach is the outbox message written with a new attachment: the
// payload is the dossier as JSON, as for OutboxKindUpsert; the worker sends
// it with the dossier's attachment list, uploading the files first.
const OutboxKindAttach = "dossier.attach"

// BlobDir and BlobKeyFile are where the data directory keeps the encrypted
// scans and their key (never in the database).
const (
	BlobDir     = "blobs"
	BlobKeyFile = "blob.key"
)

// OpenBlobs opens the blob store of a data directory, creating its key file
// (owner-readable only) on first use.
func OpenBlobs(dataDir string) (*blob.Store, error) {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, dataErr(dataDir, "không tạo được", "cannot be created", err)
	}
	keyPath := filepath.Join(dataDir, BlobKeyFile)
	key, err := blob.LoadKeyFile(keyPath)
	if errors.Is(err, fs.ErrNotExist) {
		key, err = blob.CreateKeyFile(keyPath)
		if errors.Is(err, fs.ErrExist) { // another process created it meanwhile
			key, err = blob.LoadKeyFile(keyPath)
		}
	}
	if err != nil {
		return nil, motcua.Errorf(motcua.KindInternal, "ERR_BLOB_KEY", "data",
			"Không mở được khóa kho tệp số hóa %s: %v", "cannot open the blob key %s: %v", keyPath, err)
	}
	return blob.Open(filepath.Join(dataDir, BlobDir), key, blob.Options{})
}

const attachmentCols = `id, dossier_code, component_index, component_name, file_name, sha256, size, pages,
	stamped, added_at, added_by, deleted, kind, doc_type, issued_at, valid_until, reused_from`

// AddAttachment records a digitised document of a dossier, with the audit
// entry and an outbox message that re-sends the dossier (the worker then
// uploads the files before it), in one transaction. On success a.ID and
// a.AddedAt are set as stored. Errors: KindNotFound motcua.ErrNotFound.
func (s *Store) AddAttachment(ctx context.Context, a *app.Attachment, audit app.AuditEntry) error {
	code := strings.TrimSpace(nfc(a.Dossier))
	if _, err := blob.ParseAddress(a.SHA256); err != nil {
		return motcua.Invalid("ERR_BLOB_ADDRESS", "sha256", "Mã băm tệp «%s» không hợp lệ", "invalid file hash %q", a.SHA256)
	}
	var id int64
	var at = a.AddedAt
	err := s.write(ctx, func(w *wtx) error {
		ds, err := queryDossiers(w.ctx, w.tx, `SELECT `+dossierCols+` FROM dossiers d WHERE d.code = ?`, code)
		if err != nil {
			return err
		}
		if len(ds) == 0 {
			return notFound(code)
		}
		d := ds[0]
		if at.IsZero() {
			at = w.now
		}
		at = instant(at)
		kind := a.Kind
		if kind == "" {
			kind = app.KindInput
		}
		if err := w.track(d.Code); err != nil {
			return err
		}
		res, err := w.exec(`INSERT INTO attachments (dossier_code, component_index, component_name, file_name, sha256,
			size, pages, stamped, added_at, added_by, deleted, kind, doc_type, issued_at, valid_until, reused_from)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.Code, a.ComponentIndex, nfc(a.Component), nfc(a.FileName), strings.ToLower(a.SHA256),
			a.Size, a.Pages, a.Stamped, ms(at), nfc(a.AddedBy), a.Deleted, kind, nfc(a.DocType), msOpt(a.IssuedAt),
			msOpt(a.ValidUntil), a.ReusedFrom)
		if err != nil {
			return fmt.Errorf("insert attachment: %w", err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		stored := *a
		stored.AddedAt, stored.Kind = at, kind
		if err := w.keep(d, &stored, id); err != nil {
			return err
		}
		payload, err := json.Marshal(d)
		if err != nil {
			return fmt.Errorf("encode outbox payload: %w", err)
		}
		// The key names the attachment: the dossier's history does not grow.
		key := d.Code + ":" + strconv.Itoa(len(d.History)) + ":att" + strconv.FormatInt(id, 10)
		if _, err := w.exec(sqlOutbox, d.Code, OutboxKindAttach, string(payload), key, ms(w.now), ms(w.now)); err != nil {
			return fmt.Errorf("queue outbox message %s: %w", key, err)
		}
		return w.audit(withDefaults(audit, "dossier.attach", d.Code))
	})
	if err != nil {
		return fmt.Errorf("add attachment to %s: %w", code, err)
	}
	a.ID, a.Dossier, a.AddedAt, a.SHA256 = id, code, at, strings.ToLower(a.SHA256)
	if a.Kind == "" {
		a.Kind = app.KindInput
	}
	return nil
}

// ListAttachments returns a dossier's attachments in the order added,
// deleted ones included. An unknown dossier has none.
func (s *Store) ListAttachments(ctx context.Context, code string) ([]app.Attachment, error) {
	code = strings.TrimSpace(nfc(code))
	var out []app.Attachment
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE dossier_code = ? ORDER BY id`, code)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a app.Attachment
			var at, issued, valid int64
			if err := rows.Scan(&a.ID, &a.Dossier, &a.ComponentIndex, &a.Component, &a.FileName, &a.SHA256, &a.Size,
				&a.Pages, &a.Stamped, &at, &a.AddedBy, &a.Deleted, &a.Kind, &a.DocType, &issued, &valid, &a.ReusedFrom); err != nil {
				return err
			}
			a.AddedAt, a.IssuedAt, a.ValidUntil = fromMS(at), optMS(issued), optMS(valid)
			out = append(out, a)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list attachments of %s: %w", code, err)
	}
	return out, nil
}

// AttachmentFiles is the sync worker's view of the attachments: the rows of
// the attachments table, each opened from the blob store (decrypted and
// checked against its hash) when the worker uploads it.
type AttachmentFiles struct {
	Store *Store
	Blobs *blob.Store
}

// Attachments implements outbox.Attachments. The province's file ID is the
// content hash, so the same document attached twice is sent once.
func (f AttachmentFiles) Attachments(ctx context.Context, dossier string) ([]outbox.Attachment, error) {
	as, err := f.Store.ListAttachments(ctx, dossier)
	if err != nil {
		return nil, err
	}
	var out []outbox.Attachment
	seen := map[string]int{} // kind:sha256 → index in out
	for _, a := range as {
		addr, err := blob.ParseAddress(a.SHA256)
		if err != nil {
			return nil, err
		}
		oa := outbox.Attachment{ID: a.SHA256, Name: a.FileName, Component: a.Component, Size: a.Size,
			SHA256: a.SHA256, Deleted: a.Deleted, Result: a.Kind == app.KindResult, Reused: a.ReusedFrom != 0,
			Open: func(context.Context) (io.ReadCloser, error) {
				b, err := f.Blobs.Get(addr)
				if err != nil {
					return nil, err
				}
				return io.NopCloser(bytes.NewReader(b)), nil
			}}
		// A result and a received document are different rows for the
		// province even with the same content.
		k := a.Kind + ":" + a.SHA256
		if i, ok := seen[k]; ok {
			if out[i].Deleted && !a.Deleted {
				out[i] = oa
			}
			continue
		}
		seen[k] = len(out)
		out = append(out, oa)
	}
	return out, nil
}
