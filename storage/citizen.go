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
)

var _ app.CitizenStore = (*Store)(nil)

const citizenDocCols = `c.id, c.id_number, c.origin, c.doc_type, c.name, c.issued_at, c.valid_until, c.source_dossier,
	c.attachment_id, a.sha256, a.file_name, a.size, a.pages, c.added_at`

func scanCitizenDoc(sc interface{ Scan(...any) error }) (app.StoreDoc, error) {
	var d app.StoreDoc
	var issued, valid, added int64
	err := sc.Scan(&d.ID, &d.IDNumber, &d.Origin, &d.DocType, &d.Name, &issued, &valid, &d.SourceDossier,
		&d.AttachmentID, &d.SHA256, &d.FileName, &d.Size, &d.Pages, &added)
	d.IssuedAt, d.ValidUntil, d.AddedAt = fromMS(issued), optMS(valid), fromMS(added)
	return d, err
}

// optMS reads an instant where 0 means "not set".
func optMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return fromMS(v)
}

func msOpt(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return ms(t)
}

func queryCitizenDocs(ctx context.Context, q querier, where string, args ...any) ([]app.StoreDoc, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+citizenDocCols+` FROM citizen_docs c JOIN attachments a ON a.id = c.attachment_id
		WHERE `+where+` ORDER BY c.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []app.StoreDoc
	for rows.Next() {
		d, err := scanCitizenDoc(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// CitizenDocs lists the store of the citizen with personal ID idNumber,
// oldest first (expired ones included: the caller says which are).
func (s *Store) CitizenDocs(ctx context.Context, idNumber string) ([]app.StoreDoc, error) {
	var out []app.StoreDoc
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = queryCitizenDocs(ctx, tx, `c.id_number = ?`, strings.TrimSpace(idNumber))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("citizen store %s: %w", app.MaskID(idNumber), err)
	}
	return out, nil
}

// WithdrawConsent removes every document of the citizen from the store
// and records the withdrawal (later documents of dossiers received before
// now do not enter it), with one audit entry for the withdrawal and one per
// document removed, in one transaction. The dossiers and their attachments
// stay. It returns the documents removed.
func (s *Store) WithdrawConsent(ctx context.Context, idNumber string, a app.AuditEntry) ([]app.StoreDoc, error) {
	idNumber = strings.TrimSpace(idNumber)
	var out []app.StoreDoc
	err := s.write(ctx, func(w *wtx) error {
		at := a.At
		if at.IsZero() {
			at = w.now
		}
		var err error
		if out, err = queryCitizenDocs(w.ctx, w.tx, `c.id_number = ?`, idNumber); err != nil {
			return err
		}
		if _, err := w.exec(`DELETE FROM citizen_docs WHERE id_number = ?`, idNumber); err != nil {
			return err
		}
		if _, err := w.exec(`INSERT INTO citizen_withdrawals (id_number, at) VALUES (?, ?)
			ON CONFLICT (id_number) DO UPDATE SET at = excluded.at`, idNumber, ms(at)); err != nil {
			return err
		}
		if err := w.audit(withDefaults(a, "store.withdraw", app.MaskID(idNumber))); err != nil {
			return err
		}
		for _, d := range out {
			if err := w.audit(app.AuditEntry{At: at, Actor: a.Actor, Action: "store.remove", Subject: d.SourceDossier,
				Detail: fmt.Sprintf("rút đồng ý: %s «%s» (tài liệu %d) rời kho của %s", d.Origin, d.Name, d.ID, app.MaskID(idNumber))}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("withdraw consent of %s: %w", app.MaskID(idNumber), err)
	}
	return out, nil
}

// ExpireCitizenDocs removes the store documents added before cutoff (the
// end of the retention), with one audit entry each, in one transaction,
// and returns them. The dossiers keep their attachments.
func (s *Store) ExpireCitizenDocs(ctx context.Context, cutoff time.Time, a app.AuditEntry) ([]app.StoreDoc, error) {
	var out []app.StoreDoc
	err := s.write(ctx, func(w *wtx) error {
		at := a.At
		if at.IsZero() {
			at = w.now
		}
		var err error
		if out, err = queryCitizenDocs(w.ctx, w.tx, `c.added_at < ?`, ms(cutoff)); err != nil {
			return err
		}
		for _, d := range out {
			if _, err := w.exec(`DELETE FROM citizen_docs WHERE id = ?`, d.ID); err != nil {
				return err
			}
			e := a
			e.At, e.Subject = at, d.SourceDossier
			e.Detail = fmt.Sprintf("hết thời hạn lưu (%s): «%s» (tài liệu %d) rời kho của %s; %s",
				motcua.FormatTime(cutoff), d.Name, d.ID, app.MaskID(d.IDNumber), a.Detail)
			if err := w.audit(withDefaults(e, "store.expire", d.SourceDossier)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("expire citizen store: %w", err)
	}
	return out, nil
}

// keep adds attachment att of dossier d to the applicant's store when the
// applicant consented at intake and has not withdrawn since: a 12-digit
// personal ID, the dossier's consent flag, no withdrawal at or after the
// dossier's receipt. Reused attachments are already in the store.
func (w *wtx) keep(d *motcua.Dossier, att *app.Attachment, id int64) error {
	if !d.StoreConsent || att.ReusedFrom != 0 || len(d.Applicant.IDNumber) != 12 {
		return nil
	}
	var withdrawn int64
	err := w.queryRow(`SELECT at FROM citizen_withdrawals WHERE id_number = ?`, d.Applicant.IDNumber).Scan(&withdrawn)
	if err == nil && withdrawn >= ms(d.ReceivedAt) {
		return nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	origin, name := "received", att.Component
	if att.Kind == app.KindResult {
		origin = "issued"
	}
	issued := att.IssuedAt
	if issued.IsZero() {
		issued = att.AddedAt
	}
	if _, err := w.exec(`INSERT INTO citizen_docs (id_number, origin, doc_type, name, issued_at, valid_until,
		source_dossier, attachment_id, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.Applicant.IDNumber, origin, att.DocType, nfc(name), ms(issued), msOpt(att.ValidUntil), d.Code, id, ms(w.now)); err != nil {
		return fmt.Errorf("keep in citizen store: %w", err)
	}
	return w.audit(app.AuditEntry{At: w.now, Actor: att.AddedBy, Action: "store.keep", Subject: d.Code,
		Detail: fmt.Sprintf("%s «%s» vào kho của %s (đồng ý khi tiếp nhận)", origin, name, app.MaskID(d.Applicant.IDNumber))})
}

// Error codes of a reuse the store refuses at the moment of writing.
const (
	ErrStoreDocGone    = "ERR_STORE_DOC_GONE"
	ErrStoreDocExpired = "ERR_STORE_DOC_EXPIRED"
)

// reuse links every component of a new dossier that names a store
// document (Component.FromStore) to that document's file: an attachment
// row with reused_from set, no new scan. The document must still be in
// the applicant's own store and valid now; otherwise nothing is written.
func (w *wtx) reuse(d *motcua.Dossier) error {
	for i, c := range d.Components {
		if c.FromStore == 0 {
			continue
		}
		docs, err := queryCitizenDocs(w.ctx, w.tx, `c.id = ? AND c.id_number = ?`, c.FromStore, d.Applicant.IDNumber)
		if err != nil {
			return err
		}
		if len(docs) == 0 {
			return motcua.Invalid(ErrStoreDocGone, "reuse",
				"Giấy tờ số %d không còn trong kho của công dân này (đã rút đồng ý hoặc hết thời hạn lưu): hãy quét bản giấy",
				"store document %d is no longer in this citizen's store (consent withdrawn or retention ended): scan the paper", c.FromStore)
		}
		doc := docs[0]
		if !doc.ValidUntil.IsZero() && !w.now.Before(doc.ValidUntil) {
			return motcua.Invalid(ErrStoreDocExpired, "reuse",
				"Giấy tờ «%s» đã hết hiệu lực lúc %s: không dùng lại được, hãy nộp bản mới",
				"document %q expired at %s: it cannot be reused, bring a new one", doc.Name, motcua.FormatTime(doc.ValidUntil))
		}
		res, err := w.exec(`INSERT INTO attachments (dossier_code, component_index, component_name, file_name, sha256,
			size, pages, stamped, added_at, added_by, deleted, kind, doc_type, issued_at, valid_until, reused_from)
			SELECT ?, ?, ?, file_name, sha256, size, pages, stamped, ?, ?, 0, 'input', ?, ?, ?, ? FROM attachments WHERE id = ?`,
			d.Code, i, c.Name, ms(w.now), d.Officer, doc.DocType, ms(doc.IssuedAt), msOpt(doc.ValidUntil), doc.ID, doc.AttachmentID)
		if err != nil {
			return fmt.Errorf("reuse store document %d: %w", doc.ID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("reuse store document %d: its attachment %d is missing", doc.ID, doc.AttachmentID)
		}
		if err := w.audit(app.AuditEntry{At: w.now, Actor: d.Officer, Action: "store.reuse", Subject: d.Code,
			Detail: fmt.Sprintf("thành phần %d «%s»: dùng lại «%s» từ hồ sơ %s (tài liệu %d), không quét lại",
				i+1, c.Name, doc.Name, doc.SourceDossier, doc.ID)}); err != nil {
			return err
		}
	}
	return nil
}
