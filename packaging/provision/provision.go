// Package provision is the station profile: the signed file a province
// prepares for each counter PC of each commune (agency, station K/N, the
// province connection, the station's signing key and its commune's keyring,
// catalogue and calendar), so that installers configure dozens of PCs from
// a USB stick without typing and without network.
//
// A profile file is JSON:
//
//	{"format":"motcua-profile/1","key_id":"1A2B-…","payload":"<base64 JSON>","signature":"<base64>"}
//
// The signature is Ed25519 by the province key over "motcua-profile/1\x00"
// followed by the payload bytes exactly as decoded, so no canonical JSON is
// needed. Open refuses, each with its own code and a Vietnamese sentence
// naming the rule: a damaged file, another province key, a bad signature, a
// profile not yet valid (the PC clock is behind), an expired profile and a
// profile for another machine.
package provision

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"motcua"
	"motcua/app/accounts"
	"motcua/scanning/qrsign"
)

// Format names this version of the file; a newer build may read older ones.
const Format = "motcua-profile/1"

// Stable error codes, one per rule.
const (
	ErrCorrupt     = "ERR_PROFILE_CORRUPT"
	ErrFormat      = "ERR_PROFILE_FORMAT"
	ErrKey         = "ERR_PROFILE_KEY"
	ErrSignature   = "ERR_PROFILE_SIGNATURE"
	ErrNotYetValid = "ERR_PROFILE_NOT_YET_VALID"
	ErrExpired     = "ERR_PROFILE_EXPIRED"
	ErrMachine     = "ERR_PROFILE_MACHINE"
	ErrOlder       = "ERR_PROFILE_OLDER"
	ErrContent     = "ERR_PROFILE_CONTENT"
)

// RoleField is Profile.Role of a field station.
const RoleField = "field"

// ClockSkew is how far before its issue time a profile is still accepted:
// PC clocks drift, a few minutes is not a reason to send an installer home.
const ClockSkew = 15 * time.Minute

// Profile is the configuration of one counter PC.
type Profile struct {
	Format     string    `json:"format"`
	Serial     string    `json:"serial"` // random, names this issue in the audit log
	Issuer     string    `json:"issuer"` // e.g. "Sở KH&CN tỉnh Thanh Hóa"
	IssuedAt   time.Time `json:"issued_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	AgencyID   string    `json:"agency_id"`
	AgencyName string    `json:"agency_name"`
	Station    int       `json:"station"`  // K
	Stations   int       `json:"stations"` // N
	// Role is "field" for the field station of a community digital team
	// (app/field: it prepares dossiers, never issues a code); empty means
	// a counter station.
	Role string `json:"role,omitempty"`
	// Machine is the Windows computer name (or Linux host name) the profile
	// is for; empty means any machine.
	Machine  string   `json:"machine,omitempty"`
	Province Province `json:"province"`
	// StationKey is this station's Ed25519 signing key (base64 seed,
	// qrsign.EncodePrivateKey); Keyring holds the public keys of every
	// station of the commune, this one included.
	StationKey string         `json:"station_key"`
	Keyring    qrsign.Keyring `json:"keyring"`
	// Catalog and Holidays are the province's procedure catalogue and holiday
	// table, in the JSON the app imports; empty means the embedded seeds.
	Catalog  json.RawMessage `json:"catalog,omitempty"`
	Holidays json.RawMessage `json:"holidays,omitempty"`
	// Admin is the PC's first administrator, set by the province, so that
	// the window of a provisioned PC never offers a passer-by to create
	// the administrator account. Nil keeps the first-run screen.
	Admin *Admin `json:"admin,omitempty"`
}

// Admin is the first administrator a profile creates: the person at the PC
// signs in with the password (or one-time set-up code) the province handed
// over, and must choose their own at once. Only the argon2id hash travels.
type Admin struct {
	Username     string `json:"username"`
	FullName     string `json:"full_name"`
	PasswordHash string `json:"password_hash"` // argon2id PHC string (accounts.Hash)
}

// Province is how the station reaches the provincial one-stop system.
type Province struct {
	URL      string `json:"url,omitempty"`
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
	CAPEM    string `json:"ca_pem,omitempty"` // the province's CA certificate(s), PEM
}

// StationID is the profile's station as the domain knows it.
func (p *Profile) StationID() motcua.Station {
	return motcua.Station{K: p.Station, N: p.Stations}
}

// envelope is the file on disk.
type envelope struct {
	Format    string `json:"format"`
	KeyID     string `json:"key_id"`
	Payload   string `json:"payload"`
	Signature string `json:"signature"`
}

// Fingerprint names a province public key in a form that can be read out
// over the phone and printed in an official letter: 20 hex digits in
// groups of four.
func Fingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	h := strings.ToUpper(hex.EncodeToString(sum[:10]))
	return h[0:4] + "-" + h[4:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20]
}

func signedBytes(payload []byte) []byte {
	return append([]byte(Format+"\x00"), payload...)
}

// Sign checks p and writes the signed profile file.
func Sign(p *Profile, key ed25519.PrivateKey) ([]byte, error) {
	p.Format = Format
	if p.Serial == "" {
		var b [8]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, err
		}
		p.Serial = hex.EncodeToString(b[:])
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	payload, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	pub := key.Public().(ed25519.PublicKey)
	env := envelope{
		Format:    Format,
		KeyID:     Fingerprint(pub),
		Payload:   base64.StdEncoding.EncodeToString(payload),
		Signature: base64.StdEncoding.EncodeToString(ed25519.Sign(key, signedBytes(payload))),
	}
	out, err := json.MarshalIndent(env, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// Check says what Open must hold the profile to, besides the signature.
type Check struct {
	Now     time.Time // the PC's clock
	Machine string    // this PC's name; empty skips the machine rule (provision show)
}

// Open verifies a profile file with the province's public key and returns
// the profile. Every refusal is a KindInvalid coded error naming its rule.
func Open(data []byte, province ed25519.PublicKey, c Check) (*Profile, error) {
	var env envelope
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&env); err != nil || env.Payload == "" || env.Signature == "" {
		return nil, motcua.Invalid(ErrCorrupt, "profile",
			"Tệp hồ sơ cấu hình bị hỏng hoặc không phải hồ sơ cấu hình Một Cửa (quy tắc: tệp phải nguyên vẹn như tỉnh cấp)",
			"the profile file is damaged or is not a Một Cửa profile (rule: the file must be intact as issued)")
	}
	if env.Format != Format {
		return nil, motcua.Invalid(ErrFormat, "profile.format",
			"Hồ sơ cấu hình dạng «%s», phiên bản này chỉ đọc «%s» (quy tắc: định dạng hồ sơ); hãy cập nhật phần mềm",
			"the profile has format %q, this build reads %q (rule: profile format); update the program", env.Format, Format)
	}
	if want := Fingerprint(province); env.KeyID != want {
		return nil, motcua.Invalid(ErrKey, "profile.key_id",
			"Hồ sơ cấu hình được ký bằng khóa %s, không phải khóa của tỉnh %s (quy tắc: chỉ nhận hồ sơ do tỉnh ký)",
			"the profile is signed with key %s, not the province key %s (rule: only profiles signed by the province)", env.KeyID, want)
	}
	payload, err1 := base64.StdEncoding.DecodeString(env.Payload)
	sig, err2 := base64.StdEncoding.DecodeString(env.Signature)
	if err1 != nil || err2 != nil || !ed25519.Verify(province, signedBytes(payload), sig) {
		return nil, motcua.Invalid(ErrSignature, "profile.signature",
			"Chữ ký của hồ sơ cấu hình không hợp lệ: tệp đã bị sửa hoặc hỏng (quy tắc: chữ ký số của tỉnh)",
			"the profile's signature is invalid: the file was altered or damaged (rule: the province's digital signature)")
	}
	var p Profile
	d := json.NewDecoder(bytes.NewReader(payload))
	d.DisallowUnknownFields()
	if err := d.Decode(&p); err != nil {
		return nil, motcua.Invalid(ErrContent, "profile",
			"Nội dung hồ sơ cấu hình không đọc được: %v", "cannot read the profile's content: %v", err)
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	now := c.Now.In(motcua.Location)
	if now.Add(ClockSkew).Before(p.IssuedAt) {
		return nil, motcua.Invalid(ErrNotYetValid, "profile.issued_at",
			"Hồ sơ cấu hình cấp lúc %s nhưng đồng hồ máy này đang là %s (quy tắc: thời điểm hiệu lực); hãy chỉnh ngày giờ của máy rồi làm lại",
			"the profile was issued at %s but this PC's clock says %s (rule: validity start); set the PC's date and time, then retry",
			motcua.FormatTime(p.IssuedAt), motcua.FormatTime(now))
	}
	if !now.Before(p.ExpiresAt) {
		return nil, motcua.Invalid(ErrExpired, "profile.expires_at",
			"Hồ sơ cấu hình đã hết hạn lúc %s (quy tắc: thời hạn hiệu lực); xin tỉnh cấp hồ sơ mới (đồng hồ máy: %s)",
			"the profile expired at %s (rule: validity end); ask the province for a new one (PC clock: %s)",
			motcua.FormatTime(p.ExpiresAt), motcua.FormatTime(now))
	}
	if c.Machine != "" && p.Machine != "" && !SameMachine(p.Machine, c.Machine) {
		return nil, motcua.Invalid(ErrMachine, "profile.machine",
			"Hồ sơ cấu hình này dành cho máy «%s» (máy %d/%d của %s), không phải máy «%s» (quy tắc: đúng máy)",
			"this profile is for the PC named %q (station %d/%d of %s), not %q (rule: right machine)",
			p.Machine, p.Station, p.Stations, p.AgencyName, c.Machine)
	}
	return &p, nil
}

// SameMachine compares computer names as Windows does: case-insensitive,
// and a DNS suffix ("may1.xa.local") does not count.
func SameMachine(a, b string) bool {
	short := func(s string) string {
		s, _, _ = strings.Cut(strings.TrimSpace(s), ".")
		return strings.ToUpper(s)
	}
	return short(a) == short(b)
}

// Validate checks the fields every profile needs.
func (p *Profile) Validate() error {
	bad := func(field, vi, en string, args ...any) error {
		return motcua.Invalid(ErrContent, "profile."+field, vi, en, args...)
	}
	if err := motcua.ValidateAgencyID(p.AgencyID); err != nil {
		return err
	}
	if strings.TrimSpace(p.AgencyName) == "" {
		return bad("agency_name", "Hồ sơ cấu hình thiếu tên cơ quan", "the profile lacks the agency name")
	}
	if err := p.StationID().Validate(); err != nil {
		return err
	}
	if p.Role != "" && p.Role != RoleField {
		return bad("role", "Loại máy «%s» trong hồ sơ cấu hình không hợp lệ (bỏ trống: máy quầy; «field»: máy hiện trường)",
			"the profile's station role %q is invalid (empty: counter; \"field\": field station)", p.Role)
	}
	if p.IssuedAt.IsZero() || !p.ExpiresAt.After(p.IssuedAt) {
		return bad("expires_at", "Hồ sơ cấu hình phải có ngày cấp và ngày hết hạn sau ngày cấp",
			"the profile needs an issue time and a later expiry")
	}
	priv, err := qrsign.DecodePrivateKey(p.StationKey)
	if err != nil {
		return bad("station_key", "Khóa ký của máy trong hồ sơ cấu hình bị hỏng", "the station signing key in the profile is damaged")
	}
	if _, ok := p.Keyring.Lookup(qrsign.KeyID(priv.Public().(ed25519.PublicKey))); !ok {
		return bad("keyring", "Bộ khóa của xã trong hồ sơ cấu hình không có khóa của chính máy này",
			"the commune keyring in the profile lacks this station's own key")
	}
	if p.Admin != nil {
		if err := accounts.CheckFirstAdmin(p.Admin.Username, p.Admin.FullName, p.Admin.PasswordHash, "profile.admin"); err != nil {
			return err
		}
	}
	if p.Province.URL != "" && !strings.HasPrefix(p.Province.URL, "https://") && !strings.HasPrefix(p.Province.URL, "http://") {
		return bad("province.url", "Địa chỉ hệ thống của tỉnh «%s» phải bắt đầu bằng https://", "the province URL %q must start with https://", p.Province.URL)
	}
	return nil
}

// StationKey derives the signing key of station k of a commune from the
// province key, so that a profile issued again (expired, PC replaced) keeps
// the key and every receipt printed before still verifies. The derivation
// is HMAC-SHA256 keyed by the province seed, domain-separated.
func StationKey(province ed25519.PrivateKey, agencyID string, k int) ed25519.PrivateKey {
	m := hmac.New(sha256.New, province.Seed())
	m.Write([]byte("motcua station key v1\x00" + agencyID + "\x00" + strconv.Itoa(k)))
	return ed25519.NewKeyFromSeed(m.Sum(nil))
}

// CommuneKeys returns the commune's keyring: the public key of each of its
// n stations, labelled.
func CommuneKeys(province ed25519.PrivateKey, agencyID string, n int) (qrsign.Keyring, error) {
	var ring qrsign.Keyring
	for k := 1; k <= n; k++ {
		pub := StationKey(province, agencyID, k).Public().(ed25519.PublicKey)
		if _, err := ring.Add(pub, fmt.Sprintf("%d/%d", k, n), fmt.Sprintf("Máy %d – %s", k, agencyID)); err != nil {
			return ring, err
		}
	}
	return ring, nil
}

// Describe is what `provision show` prints: the profile's content without
// a secret, and which PC it is for — compared with thisMachine (the PC
// show runs on), for information only: show checks a profile at the
// province or on the installer's laptop, and only apply enforces the
// machine.
func Describe(p *Profile, province ed25519.PublicKey, thisMachine string) string {
	var b strings.Builder
	orNone := func(s, none string) string {
		if strings.TrimSpace(s) == "" {
			return none
		}
		return s
	}
	fmt.Fprintf(&b, "Hồ sơ cấu hình %s — chữ ký hợp lệ (khóa tỉnh %s)\n", p.Serial, Fingerprint(province))
	fmt.Fprintf(&b, "Cơ quan:    %s — %s\n", p.AgencyID, p.AgencyName)
	switch {
	case p.Machine == "":
		fmt.Fprintf(&b, "Máy:        %s, dùng được trên mọi máy (hồ sơ không ghi tên máy)\n", p.StationID())
	case thisMachine != "" && SameMachine(p.Machine, thisMachine):
		fmt.Fprintf(&b, "Máy:        %s, dành cho máy tên «%s» — chính là máy này\n", p.StationID(), p.Machine)
	default:
		fmt.Fprintf(&b, "Máy:        %s, dành cho máy tên «%s» — KHÔNG phải máy này («%s»): chỉ áp dụng được trên máy «%s»\n",
			p.StationID(), p.Machine, thisMachine, p.Machine)
	}
	if p.Role == RoleField {
		fmt.Fprintf(&b, "Loại máy:   máy hiện trường của tổ công nghệ số (chuẩn bị hồ sơ, không cấp mã hồ sơ)\n")
	}
	fmt.Fprintf(&b, "Tỉnh:       %s\n", orNone(p.Province.URL, "(không ghi: làm việc ngoại tuyến)"))
	fmt.Fprintf(&b, "Cấp bởi:    %s lúc %s\nHết hạn:    %s\n", orNone(p.Issuer, "(không ghi)"), motcua.FormatTime(p.IssuedAt), motcua.FormatTime(p.ExpiresAt))
	if p.Admin != nil {
		fmt.Fprintf(&b, "Quản trị:   %s (%s), đổi mật khẩu khi đăng nhập lần đầu\n", p.Admin.Username, p.Admin.FullName)
	} else {
		fmt.Fprintf(&b, "Quản trị:   không có — lần mở đầu tiên, cửa sổ sẽ mời người ngồi máy tạo tài khoản quản trị\n")
	}
	fmt.Fprintf(&b, "Khóa các máy: %d; danh mục: %t; ngày nghỉ: %t; CA: %t; tài khoản tỉnh: %t\n",
		len(p.Keyring.Keys), len(p.Catalog) > 0, len(p.Holidays) > 0, p.Province.CAPEM != "", p.Province.Username != "")
	return b.String()
}
