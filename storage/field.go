package storage

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"motcua"
	"motcua/app"
	"motcua/app/field"
	"motcua/storage/blob"
)

var _ field.Store = (*Field)(nil)

// FieldKeyFile is the key that seals pre-dossiers in the data directory;
// like blob.key it never goes into the database or a backup bundle, so a
// copied database file alone reveals no villager's data.
const FieldKeyFile = "field.key"

// Field is the SQLite store of field mode's pre-dossiers. Their personal
// content (applicant, checklist, notes, document list) and each document
// are sealed with AES-256-GCM under the field key; the additional data
// names the reference and the part, so a sealed value moved to another
// row fails to open.
type Field struct {
	s    *Store
	aead cipher.AEAD
}

// OpenField opens the pre-dossier store of a data directory, creating its
// key file (sealed for the machine by storage/keyfile) on first use.
func OpenField(s *Store, dataDir string) (*Field, error) {
	keyPath := filepath.Join(dataDir, FieldKeyFile)
	key, err := blob.LoadKeyFile(keyPath)
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(dataDir, 0o750); err == nil {
			key, err = blob.CreateKeyFile(keyPath)
		}
		if errors.Is(err, fs.ErrExist) {
			key, err = blob.LoadKeyFile(keyPath)
		}
	}
	if err != nil {
		return nil, motcua.Errorf(motcua.KindInternal, "ERR_FIELD_KEY", "data",
			"Không mở được khóa dữ liệu hồ sơ chuẩn bị %s: %v", "cannot open the pre-dossier key %s: %v", keyPath, err)
	}
	return NewField(s, key), nil
}

// NewField is OpenField with a key at hand.
func NewField(s *Store, key blob.Key) *Field {
	block, _ := aes.NewCipher(key[:])
	aead, _ := cipher.NewGCM(block)
	return &Field{s: s, aead: aead}
}

func fieldAD(ref, part string) []byte { return []byte("motcua field v1\x00" + ref + "\x00" + part) }

func (f *Field) seal(ref, part string, plain []byte) []byte {
	nonce := make([]byte, f.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return f.aead.Seal(nonce, nonce, plain, fieldAD(ref, part))
}

func (f *Field) open(ref, part string, sealed []byte) ([]byte, error) {
	n := f.aead.NonceSize()
	if len(sealed) < n {
		return nil, errSealed(ref)
	}
	b, err := f.aead.Open(nil, sealed[:n], sealed[n:], fieldAD(ref, part))
	if err != nil {
		return nil, errSealed(ref)
	}
	return b, nil
}

func errSealed(ref string) error {
	return motcua.Errorf(motcua.KindInternal, "ERR_FIELD_SEALED", "ref",
		"Không giải mã được hồ sơ chuẩn bị %s: khóa dữ liệu không khớp hoặc dữ liệu đã bị sửa",
		"cannot decrypt pre-dossier %s: wrong key or altered data", ref)
}

func docPart(i int) string { return "doc" + strconv.Itoa(i) }

func (f *Field) insert(w *wtx, p *field.PreDossier, origin, bundleID string, docs [][]byte) error {
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	var bid any
	if bundleID != "" {
		bid = bundleID
	}
	_, err = w.exec(`INSERT INTO pre_dossiers (ref, origin, station, created_at, expires_at, consent_method, consent_at,
		consent_by, bundle_id, sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.Ref, origin, p.Station, ms(p.CreatedAt), ms(p.ExpiresAt), p.Consent.Method, ms(p.Consent.At), nfc(p.Consent.By),
		bid, f.seal(p.Ref, "content", body))
	if err != nil {
		return fmt.Errorf("insert pre-dossier %s: %w", p.Ref, err)
	}
	for i, d := range docs {
		if _, err := w.exec(`INSERT INTO pre_dossier_files (ref, idx, sealed) VALUES (?, ?, ?)`,
			p.Ref, i, f.seal(p.Ref, docPart(i), d)); err != nil {
			return fmt.Errorf("insert document %d of %s: %w", i, p.Ref, err)
		}
	}
	return nil
}

func (f *Field) known(w *wtx, ref string) (bool, error) {
	var one int
	err := w.queryRow(`SELECT 1 FROM pre_dossiers WHERE ref = ?`, ref).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// SavePrepared implements field.Store.
func (f *Field) SavePrepared(ctx context.Context, p *field.PreDossier, docs [][]byte, a app.AuditEntry) error {
	if len(docs) != len(p.Documents) {
		return fmt.Errorf("save pre-dossier %s: %d documents, %d contents", p.Ref, len(p.Documents), len(docs))
	}
	return f.s.write(ctx, func(w *wtx) error {
		if ok, err := f.known(w, p.Ref); err != nil || ok {
			if err == nil {
				err = motcua.Errorf(motcua.KindConflict, motcua.ErrDuplicate, "ref", "Đã có hồ sơ chuẩn bị %s",
					"pre-dossier %s exists already", p.Ref)
			}
			return err
		}
		if err := f.insert(w, p, field.OriginLocal, "", docs); err != nil {
			return err
		}
		return w.audit(withDefaults(a, "field.prepare", p.Ref))
	})
}

const preCols = `ref, origin, station, created_at, expires_at, consent_method, consent_at, consent_by,
	exported_at, bundle_id, accepted_at, accepted_code, accepted_by, sealed`

func (f *Field) scan(rows interface{ Scan(...any) error }) (*field.Record, error) {
	var (
		r                           field.Record
		created, expires, consentAt int64
		exported, accepted          sql.NullInt64
		bundleID, code, by          sql.NullString
		sealed                      []byte
	)
	if err := rows.Scan(&r.Ref, &r.Origin, &r.Station, &created, &expires, &r.Consent.Method, &consentAt, &r.Consent.By,
		&exported, &bundleID, &accepted, &code, &by, &sealed); err != nil {
		return nil, err
	}
	if sealed != nil {
		body, err := f.open(r.Ref, "content", sealed)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(body, &r.PreDossier); err != nil {
			return nil, fmt.Errorf("pre-dossier %s: %w", r.Ref, err)
		}
		r.Sealed = true
	}
	r.CreatedAt, r.ExpiresAt, r.Consent.At = fromMS(created), fromMS(expires), fromMS(consentAt)
	r.ExportedAt, r.AcceptedAt = fromNullMS(exported), fromNullMS(accepted)
	r.BundleID, r.AcceptedCode, r.AcceptedBy = bundleID.String, code.String, by.String
	return &r, nil
}

func notFoundRef(ref string) error {
	return motcua.Errorf(motcua.KindNotFound, motcua.ErrNotFound, "ref", "Không có hồ sơ chuẩn bị %s",
		"no pre-dossier %s", ref)
}

// Prepared implements field.Store.
func (f *Field) Prepared(ctx context.Context, ref string) (*field.Record, error) {
	r, err := f.scan(f.s.r.QueryRowContext(ctx, `SELECT `+preCols+` FROM pre_dossiers WHERE ref = ?`, ref))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFoundRef(ref)
	}
	return r, err
}

// PreparedDocument implements field.Store.
func (f *Field) PreparedDocument(ctx context.Context, ref string, idx int) ([]byte, error) {
	var sealed []byte
	err := f.s.r.QueryRowContext(ctx, `SELECT sealed FROM pre_dossier_files WHERE ref = ? AND idx = ?`, ref, idx).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, motcua.Errorf(motcua.KindNotFound, motcua.ErrNotFound, "document",
			"Hồ sơ chuẩn bị %s không còn tài liệu số %d", "pre-dossier %s has no document %d", ref, idx+1)
	}
	if err != nil {
		return nil, err
	}
	return f.open(ref, docPart(idx), sealed)
}

// ListPrepared implements field.Store.
func (f *Field) ListPrepared(ctx context.Context, origin string) ([]field.Record, error) {
	rows, err := f.s.r.QueryContext(ctx, `SELECT `+preCols+` FROM pre_dossiers WHERE origin = ? ORDER BY created_at DESC, ref`, origin)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []field.Record
	for rows.Next() {
		r, err := f.scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// MarkExported implements field.Store.
func (f *Field) MarkExported(ctx context.Context, refs []string, at time.Time, a app.AuditEntry) error {
	return f.s.write(ctx, func(w *wtx) error {
		for _, ref := range refs {
			if _, err := w.exec(`UPDATE pre_dossiers SET exported_at = ? WHERE ref = ?`, ms(at), ref); err != nil {
				return err
			}
		}
		return w.audit(a)
	})
}

// ImportBundle implements field.Store.
func (f *Field) ImportBundle(ctx context.Context, b field.BundleRecord, ps []field.PreDossier, docs [][][]byte, a app.AuditEntry) (int, []string, error) {
	added := 0
	var known []string
	err := f.s.write(ctx, func(w *wtx) error {
		added, known = 0, nil
		var at int64
		err := w.queryRow(`SELECT imported_at FROM field_bundles WHERE id = ?`, b.ID).Scan(&at)
		if err == nil {
			return motcua.Errorf(motcua.KindConflict, field.ErrReplay, "file",
				"Gói %s của máy %s đã được nhập lúc %s: không nhập lại (gói phát lại)",
				"bundle %s of station %s was imported at %s: not imported again (replayed bundle)",
				b.ID, b.Station, motcua.FormatTime(fromMS(at)))
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := w.exec(`INSERT INTO field_bundles (id, station, signer, created_at, imported_at, items) VALUES (?, ?, ?, ?, ?, ?)`,
			b.ID, b.Station, b.Signer, ms(b.Created), ms(b.ImportedAt), b.Items); err != nil {
			return err
		}
		for i := range ps {
			ok, err := f.known(w, ps[i].Ref)
			if err != nil {
				return err
			}
			if ok {
				known = append(known, ps[i].Ref)
				continue
			}
			if err := f.insert(w, &ps[i], field.OriginImported, b.ID, docs[i]); err != nil {
				return err
			}
			added++
		}
		return w.audit(a)
	})
	return added, known, err
}

// AcceptPrepared implements field.Store.
func (f *Field) AcceptPrepared(ctx context.Context, ref string, d *motcua.Dossier, agency string, st motcua.Station, a app.AuditEntry) error {
	if err := motcua.ValidateAgencyID(agency); err != nil {
		return err
	}
	if err := st.Validate(); err != nil {
		return err
	}
	n, err := normalise(d)
	if err != nil {
		return err
	}
	n.Station = st.K
	err = f.s.write(ctx, func(w *wtx) error {
		var (
			origin string
			code   sql.NullString
			at     sql.NullInt64
		)
		err := w.queryRow(`SELECT origin, accepted_code, accepted_at FROM pre_dossiers WHERE ref = ?`, ref).Scan(&origin, &code, &at)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && origin != field.OriginImported) {
			return notFoundRef(ref)
		}
		if err != nil {
			return err
		}
		if code.Valid {
			return motcua.Errorf(motcua.KindConflict, field.ErrAlreadyAccepted, "ref",
				"Hồ sơ chuẩn bị %s đã được tiếp nhận lúc %s, mã hồ sơ %s: không tiếp nhận lần hai",
				"pre-dossier %s was accepted at %s as dossier %s: it cannot be accepted twice",
				ref, motcua.FormatTime(fromNullMS(at)), code.String)
		}
		c, err := w.nextCode(agency, n.ReceivedAt, st)
		if err != nil {
			return err
		}
		n.Code = c
		if _, err := w.exec(`UPDATE pre_dossiers SET accepted_at = ?, accepted_code = ?, accepted_by = ? WHERE ref = ?`,
			ms(n.ReceivedAt), c, n.Officer, ref); err != nil {
			return err
		}
		return w.insert(&n, withDefaults(a, "field.accept", c))
	})
	if err != nil {
		return fmt.Errorf("accept pre-dossier %s: %w", ref, err)
	}
	*d = n
	return nil
}

// CarriedOver implements field.Store.
func (f *Field) CarriedOver(ctx context.Context, ref string, idx int, attachmentID int64) error {
	return f.s.write(ctx, func(w *wtx) error {
		_, err := w.exec(`UPDATE pre_dossier_files SET attachment_id = ? WHERE ref = ? AND idx = ?`, attachmentID, ref, idx)
		return err
	})
}

// CarriedDocuments implements field.Store.
func (f *Field) CarriedDocuments(ctx context.Context, ref string) (map[int]int64, error) {
	rows, err := f.s.r.QueryContext(ctx, `SELECT idx, coalesce(attachment_id, 0) FROM pre_dossier_files WHERE ref = ?`, ref)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]int64{}
	for rows.Next() {
		var i int
		var id int64
		if err := rows.Scan(&i, &id); err != nil {
			return nil, err
		}
		out[i] = id
	}
	return out, rows.Err()
}

// DropContent implements field.Store.
func (f *Field) DropContent(ctx context.Context, ref string, a app.AuditEntry) error {
	return f.s.write(ctx, func(w *wtx) error {
		if _, err := w.exec(`DELETE FROM pre_dossier_files WHERE ref = ?`, ref); err != nil {
			return err
		}
		if _, err := w.exec(`UPDATE pre_dossiers SET sealed = NULL WHERE ref = ? AND accepted_code IS NOT NULL`, ref); err != nil {
			return err
		}
		return w.audit(withDefaults(a, "field.drop", ref))
	})
}

// Purge implements field.Store.
func (f *Field) Purge(ctx context.Context, origin string, createdBefore, expiredBefore time.Time, a app.AuditEntry) ([]string, error) {
	var refs []string
	err := f.s.write(ctx, func(w *wtx) error {
		refs = nil
		rows, err := w.tx.QueryContext(w.ctx, `SELECT ref, created_at, (SELECT count(*) FROM pre_dossier_files x WHERE x.ref = p.ref)
			FROM pre_dossiers p WHERE origin = ? AND accepted_code IS NULL AND (created_at < ? OR expires_at < ?) ORDER BY created_at, ref`,
			origin, ms(createdBefore), ms(expiredBefore))
		if err != nil {
			return err
		}
		type row struct {
			ref     string
			created int64
			docs    int
		}
		var rs []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.ref, &r.created, &r.docs); err != nil {
				rows.Close()
				return err
			}
			rs = append(rs, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range rs {
			if _, err := w.exec(`DELETE FROM pre_dossiers WHERE ref = ?`, r.ref); err != nil {
				return err
			}
			e := a
			e.Subject = r.ref
			e.Detail = strings.TrimSpace(fmt.Sprintf("lập lúc %s; %d tài liệu; %s", motcua.FormatTime(fromMS(r.created)), r.docs, a.Detail))
			if err := w.audit(withDefaults(e, "field.purge", r.ref)); err != nil {
				return err
			}
			refs = append(refs, r.ref)
		}
		return nil
	})
	return refs, err
}
