package syncing

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"net/url"
	"strings"
	"time"

	"motcua"
	"motcua/app"
	"motcua/storage/keyfile"
	"motcua/sync/province"
)

// Settings keys of the province connection. The password is kept in the
// settings table, sealed for this machine on Windows (keyfile.SealValue:
// "sealed:" + base64 of a DPAPI envelope; a legacy plain value is read and
// sealed at the next save), plain elsewhere; it is never printed, logged or
// put in the audit log. A database restored on another PC holds a
// password sealed for the old one: LoadConfig says so (ERR_KEY_SEALED) and
// `province set --password-file` enters it again.
const (
	KeyURL       = "province.url"
	KeyUser      = "province.user"
	KeyPassword  = "province.password"
	KeyCA        = "province.ca_pem"
	KeyInterval  = "province.interval"
	KeyBundleKey = "province.bundle_key" // the province's USB-bundle public key (X25519, hex)
)

// DefaultInterval is how often status changes are looked up at the province.
const DefaultInterval = 5 * time.Minute

// Config is the connection to the provincial system.
type Config struct {
	URL      string
	User     string
	Password string
	CAPEM    []byte        // extra trusted roots; empty: the system's
	Interval time.Duration // status look-up period
	// BundleKey is the province's public key for USB bundles (hex); empty
	// until the province hands it out.
	BundleKey string
}

// Configured reports whether there is a province to talk to.
func (c Config) Configured() bool { return c.URL != "" }

// ErrUnconfigured says no province is configured: the station works
// offline and queues.
var ErrUnconfigured = motcua.Invalid("ERR_PROVINCE_UNCONFIGURED", "province",
	"Chưa cấu hình hệ thống một cửa tỉnh: máy làm việc ngoại tuyến, hồ sơ được xếp hàng chờ gửi. Chạy «motcua province set --url … --user … --password-file …»",
	"no provincial system is configured: the station works offline and queues. Run 'motcua province set --url … --user … --password-file …'")

// LoadConfig reads the configuration from the settings.
func LoadConfig(ctx context.Context, st app.SettingsStore) (Config, error) {
	c, _, err := loadConfig(ctx, st)
	return c, err
}

// loadConfig also says whether the stored password should be written
// again sealed. A password that does not open is the coded error, with
// the rest of the configuration read.
func loadConfig(ctx context.Context, st app.SettingsStore) (Config, bool, error) {
	c, err := loadPlain(ctx, st)
	if err != nil {
		return c, false, err
	}
	pw, reseal, err := keyfile.UnsealValue(KeyPassword, c.Password)
	c.Password = pw
	return c, reseal, err
}

func loadPlain(ctx context.Context, st app.SettingsStore) (Config, error) {
	var c Config
	vals := map[string]*string{KeyURL: &c.URL, KeyUser: &c.User, KeyPassword: &c.Password, KeyBundleKey: &c.BundleKey}
	for k, p := range vals {
		v, _, err := st.Setting(ctx, k)
		if err != nil {
			return c, err
		}
		*p = v
	}
	ca, _, err := st.Setting(ctx, KeyCA)
	if err != nil {
		return c, err
	}
	if ca != "" {
		c.CAPEM = []byte(ca)
	}
	iv, _, err := st.Setting(ctx, KeyInterval)
	if err != nil {
		return c, err
	}
	c.Interval = DefaultInterval
	if iv != "" {
		if c.Interval, err = time.ParseDuration(iv); err != nil {
			return c, fmt.Errorf("chu kỳ tra cứu đã lưu «%s»: %w", iv, err)
		}
	}
	return c, nil
}

// Change is a partial update of the configuration: nil fields stay as
// they are.
type Change struct {
	URL       *string
	User      *string
	Password  *string
	CAPEM     *[]byte // an empty slice removes the custom CA
	Interval  *time.Duration
	BundleKey *string
}

// ConfigStore is where the configuration lives; ResetCursor forgets the
// change-feed position when the province changes.
type ConfigStore interface {
	app.SettingsStore
	ResetCursor(ctx context.Context) error
}

// SaveConfig applies ch to the stored configuration after checking the
// result as a whole, and returns it. Changing the URL resets the
// change-feed cursor (another system's positions mean nothing here).
// Errors: KindInvalid naming the field (url, user, password, ca,
// interval, bundle_key). A station setting (app.PermStation), audited
// under by; app.ErrForbidden otherwise.
func SaveConfig(ctx context.Context, st ConfigStore, ch Change, by app.Actor) (Config, error) {
	if err := by.Allow(app.PermStation); err != nil {
		return Config{}, err
	}
	actor := by.Username
	cur, reseal, err := loadConfig(ctx, st)
	if e, ok := motcua.AsError(err); ok && e.Code == keyfile.ErrSealed && ch.Password != nil {
		err, reseal = nil, true // sealed for another PC: being entered again
	}
	if err != nil {
		return cur, err
	}
	next := cur
	if ch.URL != nil {
		next.URL = strings.TrimRight(strings.TrimSpace(*ch.URL), "/")
	}
	if ch.User != nil {
		next.User = strings.TrimSpace(*ch.User)
	}
	if ch.Password != nil {
		next.Password = strings.TrimRight(*ch.Password, "\r\n")
	}
	if ch.CAPEM != nil {
		next.CAPEM = bytes.TrimSpace(*ch.CAPEM)
	}
	if ch.Interval != nil {
		next.Interval = *ch.Interval
	}
	if ch.BundleKey != nil {
		next.BundleKey = strings.ToLower(strings.TrimSpace(*ch.BundleKey))
	}
	if err := next.Validate(); err != nil {
		return cur, err
	}
	a := app.AuditEntry{Actor: actor, Action: "province.configure", Subject: next.URL}
	put := func(key, old, val, detail string) error {
		if old == val && (key != KeyPassword || !reseal) {
			return nil
		}
		if key == KeyPassword {
			if old == val {
				detail = "bảo vệ mật khẩu cho máy này (" + keyfile.Scheme() + ")"
			}
			var err error
			if val, err = keyfile.SealValue(val); err != nil {
				return err
			}
		}
		a.Detail = detail
		return st.SetSetting(ctx, key, val, a)
	}
	steps := []struct{ key, old, val, detail string }{
		{KeyURL, cur.URL, next.URL, "địa chỉ: " + next.URL},
		{KeyUser, cur.User, next.User, "tài khoản: " + next.User},
		{KeyPassword, cur.Password, next.Password, "đổi mật khẩu"},
		{KeyCA, string(cur.CAPEM), string(next.CAPEM), "chứng chỉ CA: " + caSummary(next.CAPEM)},
		{KeyInterval, cur.Interval.String(), next.Interval.String(), "chu kỳ tra cứu: " + next.Interval.String()},
		{KeyBundleKey, cur.BundleKey, next.BundleKey, "khóa nhận gói USB của tỉnh: " + next.BundleKey},
	}
	for _, s := range steps {
		if err := put(s.key, s.old, s.val, s.detail); err != nil {
			return cur, err
		}
	}
	if next.URL != cur.URL {
		if err := st.ResetCursor(ctx); err != nil {
			return next, err
		}
	}
	return next, nil
}

// Validate checks a configuration. An empty URL is valid: offline mode.
func (c Config) Validate() error {
	if c.URL != "" {
		u, err := url.Parse(c.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return motcua.Invalid(motcua.ErrBadValue, "url", "Địa chỉ «%s» không hợp lệ: cần dạng https://máy-chủ/đường-dẫn",
				"address %q is invalid: use https://host/path", c.URL)
		}
		if u.User != nil {
			return motcua.Invalid(motcua.ErrBadValue, "url", "Không ghi tài khoản trong địa chỉ; dùng --user và --password-file",
				"do not put credentials in the address; use --user and --password-file")
		}
		if c.User == "" {
			return motcua.Invalid(motcua.ErrRequired, "user", "Chưa có tên đăng nhập hệ thống tỉnh (--user)", "the province user name is missing (--user)")
		}
		if c.Password == "" {
			return motcua.Invalid(motcua.ErrRequired, "password", "Chưa có mật khẩu hệ thống tỉnh (--password-file)", "the province password is missing (--password-file)")
		}
	}
	if len(c.CAPEM) > 0 {
		if _, err := province.Transport(c.CAPEM); err != nil {
			return motcua.Invalid(motcua.ErrBadValue, "ca", "Tệp chứng chỉ CA không chứa chứng chỉ PEM hợp lệ",
				"the CA file holds no valid PEM certificate")
		}
	}
	if c.Interval < 30*time.Second || c.Interval > 24*time.Hour {
		return motcua.Invalid(motcua.ErrBadValue, "interval", "Chu kỳ tra cứu %s ngoài khoảng 30s–24h", "look-up interval %s outside 30s–24h", c.Interval)
	}
	if c.BundleKey != "" {
		if _, err := parseX25519Public(c.BundleKey); err != nil {
			return motcua.Invalid(motcua.ErrBadValue, "bundle_key", "Khóa nhận gói USB của tỉnh phải là 64 chữ số hex (lệnh «motcua-province bundle keygen» in ra)",
				"the province's bundle key must be 64 hex digits (as 'motcua-province bundle keygen' prints)")
		}
	}
	return nil
}

func parseX25519Public(h string) (*ecdh.PublicKey, error) {
	b, err := hex.DecodeString(strings.TrimSpace(h))
	if err != nil {
		return nil, err
	}
	return ecdh.X25519().NewPublicKey(b)
}

// CASummary describes the custom CA certificates for `province show`.
func CASummary(pemData []byte) string { return caSummary(pemData) }

func caSummary(pemData []byte) string {
	if len(pemData) == 0 {
		return "không (chỉ chứng chỉ của hệ thống)"
	}
	var names []string
	rest := pemData
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if cert, err := x509.ParseCertificate(b.Bytes); err == nil {
			names = append(names, fmt.Sprintf("%s (hết hạn %s)", cert.Subject.CommonName, cert.NotAfter.In(motcua.Location).Format("02/01/2006")))
		}
	}
	if len(names) == 0 {
		return "có (không đọc được)"
	}
	return strings.Join(names, "; ")
}
