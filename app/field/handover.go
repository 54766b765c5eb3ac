package field

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"motcua"
	"motcua/app"
	"motcua/app/syncing"
	"motcua/sync/bundle"
	"motcua/sync/outbox"
)

// KindPreDossier is the kind of a field bundle's items: the payload is a
// PreDossier as JSON, its Files the SHA-256 of its documents.
const KindPreDossier = "field.predossier"

// SetCounterKey records, on a field station, the public box key (hex) of
// the counter its bundles are for. Errors: ErrForbidden; KindInvalid.
func (s *Service) SetCounterKey(ctx context.Context, by app.Actor, key string) error {
	if err := by.Allow(app.PermStation); err != nil {
		return err
	}
	key = strings.ToLower(strings.TrimSpace(key))
	if _, err := syncing.ParseBoxKey(key); err != nil {
		return motcua.Invalid(motcua.ErrBadValue, "counter_key",
			"Khóa nhận gói của máy quầy phải là 64 chữ số hex (dòng «box» mà lệnh «motcua bundle keys» in ra trên máy quầy)",
			"the counter's box key must be 64 hex digits (the 'box' line 'motcua bundle keys' prints on the counter)")
	}
	return s.App.Store.SetSetting(ctx, KeyCounterKey, key,
		app.AuditEntry{At: s.now(), Actor: by.Username, Action: "field.counter_key", Detail: key})
}

// ExportResult says what a bundle holds.
type ExportResult struct {
	Path      string
	BundleID  string
	Refs      []string
	Documents int
}

// Export writes the pre-dossiers of this field station not yet handed
// over (all of them with all) to one bundle at path, signed with the
// station's bundle key and encrypted for the counter (KeyCounterKey). The
// file is written beside path and renamed when whole and synced, so a
// stick pulled out during the export holds no bundle that looks complete;
// the pre-dossiers are marked handed over only then, and stay on the
// laptop until purged. Errors: ErrForbidden (PermSync); ErrNotField;
// ErrNoCounterKey; ErrNothingToExport; KindInvalid for an unwritable path.
func (s *Service) Export(ctx context.Context, by app.Actor, path string, all bool) (*ExportResult, error) {
	if err := by.Allow(app.PermIntake); err != nil {
		return nil, err
	}
	if err := s.RequireField(ctx); err != nil {
		return nil, err
	}
	id, err := s.App.Identity(ctx)
	if err != nil {
		return nil, err
	}
	raw, _, err := s.App.Store.Setting(ctx, KeyCounterKey)
	if err != nil {
		return nil, err
	}
	to, err := syncing.ParseBoxKey(raw)
	if raw == "" || err != nil {
		return nil, motcua.Invalid(ErrNoCounterKey, "counter_key",
			"Chưa có khóa nhận gói của máy quầy xã: chạy «motcua field counter-key HEX» (HEX là dòng «box» của «motcua bundle keys» trên máy quầy)",
			"the counter's box key is not set: run 'motcua field counter-key HEX' (the 'box' line of 'motcua bundle keys' on the counter)")
	}
	sign, err := syncing.SignKey(ctx, s.App.Store, by.Username)
	if err != nil {
		return nil, err
	}
	recs, err := s.Store.ListPrepared(ctx, OriginLocal)
	if err != nil {
		return nil, err
	}
	var items []bundle.Item
	type file struct {
		ref  string
		idx  int
		doc  Document
		data []byte
	}
	files := map[string]file{}
	var order []string
	res := &ExportResult{Path: path}
	for i := len(recs) - 1; i >= 0; i-- { // oldest first
		r := recs[i]
		if !r.Sealed || (!all && !r.ExportedAt.IsZero()) {
			continue
		}
		payload, err := json.Marshal(r.PreDossier)
		if err != nil {
			return nil, err
		}
		it := bundle.Item{Message: outbox.Message{ID: int64(len(items) + 1), Dossier: r.Ref, Kind: KindPreDossier,
			Payload: payload, CreatedAt: r.CreatedAt}}
		for j, d := range r.Documents {
			it.Files = append(it.Files, d.SHA256)
			if _, ok := files[d.SHA256]; !ok {
				files[d.SHA256] = file{ref: r.Ref, idx: j, doc: d}
				order = append(order, d.SHA256)
			}
		}
		items = append(items, it)
		res.Refs = append(res.Refs, r.Ref)
	}
	if len(items) == 0 {
		return nil, motcua.Invalid(ErrNothingToExport, "file", "Không có hồ sơ chuẩn bị nào chưa bàn giao", "no pre-dossier left to hand over")
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".motcua-field-*")
	if err != nil {
		return nil, motcua.Invalid(motcua.ErrBadValue, "file", "Không ghi được vào «%s»: %v (USB đã rút hoặc đầy?)",
			"cannot write to %q: %v (USB stick removed or full?)", dir, err)
	}
	defer os.Remove(tmp.Name())
	now := s.now()
	bw, err := bundle.NewWriter(tmp, bundle.Options{Agency: id.AgencyID, Station: id.Station.String(), Sign: sign,
		Recipient: to, Messages: len(items), Files: len(files), Now: now})
	if err == nil {
		for _, it := range items {
			if err = bw.Item(it); err != nil {
				break
			}
		}
	}
	for _, sha := range order {
		if err != nil {
			break
		}
		f := files[sha]
		var data []byte
		if data, err = s.Store.PreparedDocument(ctx, f.ref, f.idx); err == nil {
			err = bw.File(f.doc.Name, sha, f.doc.Size, bytes.NewReader(data))
		}
	}
	if err == nil {
		err = bw.Close()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return nil, motcua.Errorf(motcua.KindInvalid, motcua.ErrBadValue, "file",
			"Không ghi xong gói «%s»: %v. Hồ sơ trên máy vẫn còn nguyên; cắm lại USB rồi xuất lại",
			"the bundle %q was not written completely: %v. The pre-dossiers on this laptop are intact; plug the stick in again and export again",
			path, err)
	}
	res.Documents = len(files)
	a := app.AuditEntry{At: now, Actor: by.Username, Action: "field.export", Subject: filepath.Base(path),
		Detail: fmt.Sprintf("%d hồ sơ chuẩn bị, %d tài liệu, gửi máy quầy %s", len(items), len(files), raw)}
	if err := s.Store.MarkExported(ctx, res.Refs, now, a); err != nil {
		return nil, err
	}
	return res, nil
}

// Revocation is a field station whose bundles the counter refuses.
type Revocation struct {
	Station string `json:"station"`       // "K/N"
	Key     string `json:"key,omitempty"` // its bundle signing key (hex); empty: by station only
	At      string `json:"at"`
	By      string `json:"by"`
	Reason  string `json:"reason,omitempty"`
}

// Revoked returns the counter's revocation list.
func (s *Service) Revoked(ctx context.Context) ([]Revocation, error) {
	v, ok, err := s.App.Store.Setting(ctx, KeyRevoked)
	if err != nil || !ok || v == "" {
		return nil, err
	}
	var out []Revocation
	if err := json.Unmarshal([]byte(v), &out); err != nil {
		return nil, fmt.Errorf("danh sách máy hiện trường bị thu hồi đã lưu bị hỏng: %w", err)
	}
	return out, nil
}

// Revoke refuses, from now on, the bundles of a field station (a lost or
// stolen laptop), by its station number and, if known, its signing key.
// An administrator's setting, audited. Errors: ErrForbidden; KindInvalid.
func (s *Service) Revoke(ctx context.Context, by app.Actor, station, key, reason string) error {
	if err := by.Allow(app.PermStation); err != nil {
		return err
	}
	st, err := motcua.ParseStation(station)
	if err != nil {
		return err
	}
	key = strings.ToLower(strings.TrimSpace(key))
	if key != "" {
		if b, err := hex.DecodeString(key); err != nil || len(b) != ed25519.PublicKeySize {
			return motcua.Invalid(motcua.ErrBadValue, "key", "Khóa ký của máy phải là 64 chữ số hex", "the station's signing key must be 64 hex digits")
		}
	}
	if err := app.CheckText("reason", reason, app.MaxReason); err != nil {
		return err
	}
	list, err := s.Revoked(ctx)
	if err != nil {
		return err
	}
	list = append(list, Revocation{Station: st.String(), Key: key, At: motcua.FormatTime(s.now()), By: by.Username, Reason: motcua.Clean(reason)})
	b, _ := json.Marshal(list)
	return s.App.Store.SetSetting(ctx, KeyRevoked, string(b),
		app.AuditEntry{At: s.now(), Actor: by.Username, Action: "field.revoke", Subject: st.String(), Detail: strings.TrimSpace(key + " " + reason)})
}

func revokedBy(list []Revocation, station, signer string) *Revocation {
	for i, r := range list {
		if r.Station == station || (r.Key != "" && r.Key == signer) {
			return &list[i]
		}
	}
	return nil
}

// ImportResult says what an import did.
type ImportResult struct {
	BundleID string
	Station  string
	Added    int
	Known    []string // already here (an earlier bundle): left as they were
}

// Import reads a field bundle at the counter and stores its pre-dossiers,
// all or none. It is refused whole, nothing stored, when the file is
// altered, cut off, not for this counter's key, of another commune,
// signed by a station not trusted here (`bundle trust`) or revoked
// (Revoke), when it was imported before, or when any pre-dossier in it is
// malformed. Errors: ErrForbidden (PermIntake); ErrFieldStation;
// ErrBundle, ErrRevoked, ErrReplay.
func (s *Service) Import(ctx context.Context, by app.Actor, path string) (*ImportResult, error) {
	if err := by.Allow(app.PermIntake); err != nil {
		return nil, err
	}
	if err := s.App.RequireCounter(ctx); err != nil {
		return nil, err
	}
	id, err := s.App.Identity(ctx)
	if err != nil {
		return nil, err
	}
	box, err := syncing.BoxKey(ctx, s.App.Store, by.Username)
	if err != nil {
		return nil, err
	}
	trusted, err := syncing.Trusted(ctx, s.App.Store)
	if err != nil {
		return nil, err
	}
	revoked, err := s.Revoked(ctx)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, motcua.Invalid(ErrBundle, "file", "Không mở được gói «%s»: %v", "cannot open bundle %q: %v", path, err)
	}
	defer f.Close()
	var rev *Revocation
	b, err := bundle.Read(f, bundle.ReadOptions{Key: box, Agency: id.AgencyID,
		Trust: func(h bundle.Header) (ed25519.PublicKey, error) {
			if rev = revokedBy(revoked, h.Station, h.Signer); rev != nil {
				return nil, errors.New("máy đã bị thu hồi")
			}
			k, ok := trusted[h.Station]
			if !ok {
				return nil, fmt.Errorf("máy %s chưa được đăng ký tin cậy trên máy này (motcua bundle trust --station %s --key …)", h.Station, h.Station)
			}
			kb, _ := hex.DecodeString(k)
			return ed25519.PublicKey(kb), nil
		}})
	if rev != nil {
		return nil, motcua.Invalid(ErrRevoked, "file",
			"Gói của máy hiện trường %s bị từ chối: máy này đã bị thu hồi lúc %s (%s). Không nhập gì",
			"the bundle of field station %s is refused: the station was revoked at %s (%s). Nothing imported",
			rev.Station, rev.At, rev.Reason)
	}
	if err != nil {
		var be *bundle.Error
		if errors.As(err, &be) {
			return nil, &motcua.Error{Kind: motcua.KindInvalid, Code: ErrBundle, Field: "file",
				Msg: be.Error() + ". Không nhập gì", MsgEN: "the bundle was refused; nothing was imported", Err: err}
		}
		return nil, err
	}
	defer b.Remove()
	badItem := func(i int, why string) error {
		return motcua.Invalid(ErrBundle, "file", "Gói %s: hồ sơ chuẩn bị thứ %d không hợp lệ (%s). Không nhập gì",
			"bundle %s: pre-dossier %d is invalid (%s). Nothing imported", b.Header.ID, i+1, why)
	}
	ps := make([]PreDossier, len(b.Items))
	docs := make([][][]byte, len(b.Items))
	for i, it := range b.Items {
		p := &ps[i]
		if it.Message.Kind != KindPreDossier {
			return nil, badItem(i, "không phải hồ sơ chuẩn bị: "+it.Message.Kind)
		}
		if err := json.Unmarshal(it.Message.Payload, p); err != nil {
			return nil, badItem(i, err.Error())
		}
		ag, ok := RefAgency(p.Ref)
		switch {
		case !ok || p.Ref != it.Message.Dossier:
			return nil, badItem(i, "mã tham chiếu «"+p.Ref+"»")
		case ag != id.AgencyID || p.Agency != id.AgencyID:
			return nil, badItem(i, "của đơn vị "+p.Agency)
		case p.Station != b.Header.Station:
			return nil, badItem(i, "của máy "+p.Station+", gói của máy "+b.Header.Station)
		case len(p.SlipKey) != ed25519.PublicKeySize:
			return nil, badItem(i, "thiếu khóa ký phiếu hẹn")
		case p.CreatedAt.IsZero() || !p.ExpiresAt.After(p.CreatedAt):
			return nil, badItem(i, "ngày lập hoặc hạn không hợp lệ")
		}
		if err := checkConsent(p.Consent); err != nil {
			return nil, badItem(i, "không có bản ghi đồng ý hợp lệ")
		}
		if len(it.Files) != len(p.Documents) {
			return nil, badItem(i, "số tài liệu không khớp")
		}
		for j, d := range p.Documents {
			bf, ok := b.Files[d.SHA256]
			if !ok || it.Files[j] != d.SHA256 {
				return nil, badItem(i, "thiếu tài liệu «"+d.Name+"»")
			}
			data, err := os.ReadFile(bf.Path)
			if err != nil {
				return nil, err
			}
			if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != d.SHA256 {
				return nil, badItem(i, "tài liệu «"+d.Name+"» không khớp")
			}
			docs[i] = append(docs[i], data)
		}
	}
	now := s.now()
	rec := BundleRecord{ID: b.Header.ID, Station: b.Header.Station, Signer: b.Header.Signer, Created: b.Header.Created,
		ImportedAt: now, Items: len(ps)}
	a := app.AuditEntry{At: now, Actor: by.Username, Action: "field.import", Subject: b.Header.ID,
		Detail: fmt.Sprintf("gói của máy hiện trường %s, lập lúc %s: %d hồ sơ chuẩn bị, %d tài liệu", b.Header.Station,
			motcua.FormatTime(b.Header.Created), len(ps), len(b.Files))}
	added, known, err := s.Store.ImportBundle(ctx, rec, ps, docs, a)
	if err != nil {
		return nil, err
	}
	return &ImportResult{BundleID: b.Header.ID, Station: b.Header.Station, Added: added, Known: known}, nil
}
