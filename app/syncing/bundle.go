package syncing

import (
	"context"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"motcua"
	"motcua/app"
	"motcua/storage/keyfile"
	"motcua/sync/bundle"
)

// Settings keys of this station's USB-bundle keys. The private halves are
// secrets of the station, like the province password, and sealed the same
// way (keyfile.SealValue: DPAPI for the machine on Windows; a legacy plain
// value is sealed when next read). On a PC that cannot open them (a
// database restored from another PC) they are an ERR_KEY_SEALED error,
// not silently replaced: new keys must be handed out again.
const (
	KeySignKey = "station.bundle_sign_key" // Ed25519 seed (hex): signs the bundles this station writes
	KeyBoxKey  = "station.bundle_box_key"  // X25519 private key (hex): opens bundles written for this station
	KeyTrust   = "station.bundle_trust"    // JSON {"K/N": Ed25519 public key hex}: stations whose bundles it accepts
)

// Keys are this station's public bundle keys: Sign for the province's
// (or another station's) trust list, Box for a station that writes a
// bundle to be imported here.
type Keys struct {
	Sign string `json:"sign"`
	Box  string `json:"box"`
}

// StationKeys returns this station's public bundle keys, making them the
// first time they are asked for.
func StationKeys(ctx context.Context, st app.SettingsStore, actor string) (Keys, error) {
	sign, err := signKey(ctx, st, actor)
	if err != nil {
		return Keys{}, err
	}
	box, err := boxKey(ctx, st, actor)
	if err != nil {
		return Keys{}, err
	}
	return Keys{Sign: hex.EncodeToString(sign.Public().(ed25519.PublicKey)), Box: hex.EncodeToString(box.PublicKey().Bytes())}, nil
}

// RenewKeys replaces this station's bundle keys with new ones: on a
// replacement PC, whose restored database holds keys sealed for the old
// machine, or after a key was exposed. The new public keys must be handed
// out again (the province's trust list, the stations that write bundles
// for this one); bundles already written for the old box key no longer
// open here. A station setting (app.PermStation), audited under by.
func RenewKeys(ctx context.Context, st app.SettingsStore, by app.Actor) (Keys, error) {
	if err := by.Allow(app.PermStation); err != nil {
		return Keys{}, err
	}
	actor := by.Username
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return Keys{}, err
	}
	sign := ed25519.NewKeyFromSeed(seed)
	box, err := bundle.NewRecipientKey()
	if err != nil {
		return Keys{}, err
	}
	k := Keys{Sign: hex.EncodeToString(sign.Public().(ed25519.PublicKey)), Box: hex.EncodeToString(box.PublicKey().Bytes())}
	if err := putSecret(ctx, st, KeySignKey, hex.EncodeToString(seed), app.AuditEntry{Actor: actor, Action: "bundle.renew",
		Subject: "sign", Detail: "khóa ký gói USB mới, công khai " + k.Sign}); err != nil {
		return Keys{}, err
	}
	if err := putSecret(ctx, st, KeyBoxKey, hex.EncodeToString(box.Bytes()), app.AuditEntry{Actor: actor, Action: "bundle.renew",
		Subject: "box", Detail: "khóa nhận gói USB mới, công khai " + k.Box}); err != nil {
		return Keys{}, err
	}
	return k, nil
}

// StoredKeys returns the public keys if they exist, without making them.
func StoredKeys(ctx context.Context, st app.SettingsStore) (Keys, bool, error) {
	s, ok1, err := secretSetting(ctx, st, KeySignKey, "")
	if err != nil {
		return Keys{}, false, err
	}
	b, ok2, err := secretSetting(ctx, st, KeyBoxKey, "")
	if err != nil || !ok1 || !ok2 {
		return Keys{}, false, err
	}
	seed, err1 := hex.DecodeString(s)
	priv, err2 := hex.DecodeString(b)
	box, err3 := ecdh.X25519().NewPrivateKey(priv)
	if err := errors.Join(err1, err2, err3); err != nil || len(seed) != ed25519.SeedSize {
		return Keys{}, false, fmt.Errorf("khóa gói USB của máy đã lưu bị hỏng: %v", err)
	}
	return Keys{Sign: hex.EncodeToString(ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)),
		Box: hex.EncodeToString(box.PublicKey().Bytes())}, true, nil
}

// secretSetting reads a sealed settings value; with an actor, a legacy
// plain value is written back sealed.
func secretSetting(ctx context.Context, st app.SettingsStore, key, actor string) (string, bool, error) {
	raw, ok, err := st.Setting(ctx, key)
	if err != nil || !ok {
		return "", ok, err
	}
	v, reseal, err := keyfile.UnsealValue(key, raw)
	if err != nil {
		return "", true, err
	}
	if reseal && actor != "" {
		sealed, err := keyfile.SealValue(v)
		if err == nil {
			err = st.SetSetting(ctx, key, sealed, app.AuditEntry{Actor: actor, Action: "bundle.seal",
				Subject: key, Detail: "bảo vệ khóa cho máy này (" + keyfile.Scheme() + ")"})
		}
		if err != nil {
			return "", true, err
		}
	}
	return v, true, nil
}

func putSecret(ctx context.Context, st app.SettingsStore, key, v string, a app.AuditEntry) error {
	sealed, err := keyfile.SealValue(v)
	if err != nil {
		return err
	}
	return st.SetSetting(ctx, key, sealed, a)
}

func signKey(ctx context.Context, st app.SettingsStore, actor string) (ed25519.PrivateKey, error) {
	v, ok, err := secretSetting(ctx, st, KeySignKey, actor)
	if err != nil {
		return nil, err
	}
	if ok {
		seed, err := hex.DecodeString(v)
		if err != nil || len(seed) != ed25519.SeedSize {
			return nil, errors.New("khóa ký gói USB của máy đã lưu bị hỏng")
		}
		return ed25519.NewKeyFromSeed(seed), nil
	}
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return nil, err
	}
	k := ed25519.NewKeyFromSeed(seed)
	a := app.AuditEntry{Actor: actor, Action: "bundle.keygen", Subject: "sign",
		Detail: "khóa ký gói USB, công khai " + hex.EncodeToString(k.Public().(ed25519.PublicKey))}
	if err := putSecret(ctx, st, KeySignKey, hex.EncodeToString(seed), a); err != nil {
		return nil, err
	}
	return k, nil
}

func boxKey(ctx context.Context, st app.SettingsStore, actor string) (*ecdh.PrivateKey, error) {
	v, ok, err := secretSetting(ctx, st, KeyBoxKey, actor)
	if err != nil {
		return nil, err
	}
	if ok {
		b, err := hex.DecodeString(v)
		if err != nil {
			return nil, errors.New("khóa nhận gói USB của máy đã lưu bị hỏng")
		}
		return ecdh.X25519().NewPrivateKey(b)
	}
	k, err := bundle.NewRecipientKey()
	if err != nil {
		return nil, err
	}
	a := app.AuditEntry{Actor: actor, Action: "bundle.keygen", Subject: "box",
		Detail: "khóa nhận gói USB, công khai " + hex.EncodeToString(k.PublicKey().Bytes())}
	if err := putSecret(ctx, st, KeyBoxKey, hex.EncodeToString(k.Bytes()), a); err != nil {
		return nil, err
	}
	return k, nil
}

// Trusted returns the stations whose bundles this station accepts, by
// "K/N", with their signing keys.
func Trusted(ctx context.Context, st app.SettingsStore) (map[string]string, error) {
	v, ok, err := st.Setting(ctx, KeyTrust)
	if err != nil || !ok {
		return map[string]string{}, err
	}
	m := map[string]string{}
	if err := json.Unmarshal([]byte(v), &m); err != nil {
		return nil, fmt.Errorf("danh sách máy tin cậy đã lưu bị hỏng: %w", err)
	}
	return m, nil
}

// Trust records the signing key of another station of this commune
// (what its `motcua bundle keys` prints), so bundles it writes for this
// station are accepted. A station setting (app.PermStation), audited
// under by. Errors: app.ErrForbidden; KindInvalid on station or key.
func Trust(ctx context.Context, st app.SettingsStore, station, key string, by app.Actor) error {
	if err := by.Allow(app.PermStation); err != nil {
		return err
	}
	actor := by.Username
	s, err := motcua.ParseStation(station)
	if err != nil {
		return err
	}
	key = strings.ToLower(strings.TrimSpace(key))
	if b, err := hex.DecodeString(key); err != nil || len(b) != ed25519.PublicKeySize {
		return motcua.Invalid(motcua.ErrBadValue, "key", "Khóa ký của máy phải là 64 chữ số hex (lệnh «motcua bundle keys» trên máy đó in ra)",
			"the station's signing key must be 64 hex digits (as 'motcua bundle keys' prints on that station)")
	}
	m, err := Trusted(ctx, st)
	if err != nil {
		return err
	}
	m[s.String()] = key
	raw, _ := json.Marshal(m)
	return st.SetSetting(ctx, KeyTrust, string(raw), app.AuditEntry{Actor: actor, Action: "bundle.trust",
		Subject: s.String(), Detail: "khóa ký " + key})
}

// ErrNoBundleKey: the province has not handed out its bundle key yet.
var ErrNoBundleKey = motcua.Invalid("ERR_NO_BUNDLE_KEY", "bundle_key",
	"Chưa có khóa nhận gói USB của tỉnh: xin tỉnh khóa công khai rồi chạy «motcua province set --bundle-key HEX»",
	"the province's bundle key is not configured: ask the province for it and run 'motcua province set --bundle-key HEX'")

// ExportBundle writes every undelivered, unquarantined message to one
// signed bundle encrypted for the province, and returns how many it holds.
// The messages stay queued: whichever way reaches the province first, the
// other is acknowledged as a re-send.
func (r *Runner) ExportBundle(ctx context.Context, path string) (int, error) {
	return r.ExportBundleTo(ctx, path, "")
}

// ExportBundleTo is ExportBundle for another recipient: recipient is the
// public box key (hex) of a station of this commune that has a network
// link; "" means the province.
func (r *Runner) ExportBundleTo(ctx context.Context, path, recipient string) (int, error) {
	id, err := r.identity(ctx)
	if err != nil {
		return 0, err
	}
	if recipient == "" {
		cfg, err := LoadConfig(ctx, r.st)
		if err != nil {
			return 0, err
		}
		if cfg.BundleKey == "" {
			return 0, ErrNoBundleKey
		}
		recipient = cfg.BundleKey
	}
	to, err := parseX25519Public(recipient)
	if err != nil {
		return 0, motcua.Invalid(motcua.ErrBadValue, "to", "Khóa người nhận gói phải là 64 chữ số hex", "the recipient key must be 64 hex digits")
	}
	sign, err := signKey(ctx, r.st, r.opts.Actor)
	if err != nil {
		return 0, err
	}
	// Written beside the target and renamed when complete, so a stick
	// pulled out early never holds a bundle that looks whole.
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".motcua-bundle-*")
	if err != nil {
		return 0, motcua.Invalid(motcua.ErrBadValue, "file", "Không ghi được vào «%s»: %v", "cannot write to %q: %v", dir, err)
	}
	defer os.Remove(tmp.Name())
	h, err := bundle.Export(ctx, tmp, r.q, nil, bundle.Options{Agency: id.AgencyID, Station: id.Station.String(),
		Sign: sign, Recipient: to})
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
		return 0, fmt.Errorf("ghi gói USB «%s»: %w", path, err)
	}
	r.st.Audit(ctx, app.AuditEntry{Actor: r.opts.Actor, Action: "bundle.export", Subject: filepath.Base(path),
		Detail: fmt.Sprintf("%d thông điệp, người nhận %s", h.Messages, recipient)})
	return h.Messages, nil
}

// ImportBundle reads a bundle another station of this commune wrote for
// this one (`motcua bundle export FILE --to KEY`), checks it whole —
// signature of a trusted station, this commune's agency, nothing altered
// or cut — and queues its dossiers here for delivery: new ones are
// stored, older local copies brought up to the bundle's state. It returns
// how many dossiers were queued. Importing twice queues nothing twice, and
// the province acknowledges a dossier that reached it both ways as a
// re-send (the messages keep their idempotency keys).
func (r *Runner) ImportBundle(ctx context.Context, path string) (int, error) {
	id, err := r.identity(ctx)
	if err != nil {
		return 0, err
	}
	box, err := boxKey(ctx, r.st, r.opts.Actor)
	if err != nil {
		return 0, err
	}
	trusted, err := Trusted(ctx, r.st)
	if err != nil {
		return 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, motcua.Invalid(motcua.ErrBadValue, "file", "Không mở được gói «%s»: %v", "cannot open bundle %q: %v", path, err)
	}
	defer f.Close()
	b, err := bundle.Read(f, bundle.ReadOptions{Key: box, Agency: id.AgencyID,
		Trust: func(h bundle.Header) (ed25519.PublicKey, error) {
			k, ok := trusted[h.Station]
			if !ok {
				return nil, fmt.Errorf("máy %s chưa được đăng ký tin cậy trên máy này (motcua bundle trust --station %s --key …)", h.Station, h.Station)
			}
			kb, _ := hex.DecodeString(k)
			return ed25519.PublicKey(kb), nil
		}})
	if err != nil {
		var be *bundle.Error
		if errors.As(err, &be) {
			return 0, &motcua.Error{Kind: motcua.KindInvalid, Code: "ERR_BAD_BUNDLE", Field: "file", Msg: be.Error(),
				MsgEN: "the bundle was refused; nothing was imported"}
		}
		return 0, err
	}
	defer b.Remove()
	if len(b.Files) > 0 {
		// This build keeps no scans (no blob store yet): refuse rather
		// than queue dossiers without their files.
		return 0, motcua.Invalid("ERR_BUNDLE_FILES", "file", "Gói có %d tệp đính kèm nhưng máy này chưa lưu được tệp quét; không nhập gì",
			"the bundle holds %d attachments but this build cannot store scans; nothing imported", len(b.Files))
	}
	newest := map[string]*motcua.Dossier{}
	for _, it := range b.Items {
		var d motcua.Dossier
		if err := json.Unmarshal(it.Message.Payload, &d); err != nil || d.Code != it.Message.Dossier {
			return 0, motcua.Invalid("ERR_BAD_BUNDLE", "file", "Gói tin %d không phải hồ sơ %s; không nhập gì",
				"message %d is not dossier %s; nothing imported", it.Message.ID, it.Message.Dossier)
		}
		if cur := newest[d.Code]; cur == nil || len(d.History) > len(cur.History) {
			newest[d.Code] = &d
		}
	}
	codes := make([]string, 0, len(newest))
	for c := range newest {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	a := app.AuditEntry{Actor: r.opts.Actor, Action: "bundle.import",
		Detail: fmt.Sprintf("gói %s của máy %s, tạo lúc %s", b.Header.ID, b.Header.Station, motcua.FormatTime(b.Header.Created))}
	queued := 0
	var skipped []string
	for _, code := range codes {
		d := newest[code]
		a.Subject = code
		local, err := r.st.Get(ctx, code)
		switch {
		case err != nil && isNotFound(err):
			err = r.st.Insert(ctx, d, a)
		case err != nil:
		case len(local.History) >= len(d.History):
			continue // this station has it, or a newer state
		case !samePrefix(local.History, d.History):
			skipped = append(skipped, code)
			continue
		default:
			err = r.st.Update(ctx, d, local.Status, len(local.History), a)
		}
		if err != nil {
			return queued, fmt.Errorf("nhập hồ sơ %s từ gói: %w", code, err)
		}
		queued++
	}
	r.Notify()
	if len(skipped) > 0 {
		return queued, motcua.Errorf(motcua.KindConflict, "ERR_BUNDLE_CONFLICT", "file",
			"Đã nhập %d hồ sơ; %d hồ sơ đã được sửa trên máy này theo cách khác nên không ghi đè: %s",
			"imported %d dossiers; %d were changed differently on this station and were not overwritten: %s",
			queued, len(skipped), strings.Join(skipped, ", "))
	}
	return queued, nil
}

func isNotFound(err error) bool {
	e, ok := motcua.AsError(err)
	return ok && e.Kind == motcua.KindNotFound
}

// samePrefix reports whether the local history is the start of the
// bundle's: the bundle only adds to what this station holds.
func samePrefix(local, theirs []motcua.HistoryEntry) bool {
	if len(local) > len(theirs) {
		return false
	}
	for i, h := range local {
		t := theirs[i]
		if !h.At.Equal(t.At) || h.Action != t.Action || h.From != t.From || h.To != t.To || h.Actor != t.Actor {
			return false
		}
	}
	return true
}
