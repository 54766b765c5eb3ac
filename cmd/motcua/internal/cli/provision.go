package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"motcua/storage/keyfile"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/syncing"
	"motcua/packaging/provision"
	"motcua/scanning/qrsign"
)

const provisionUsage = `motcua provision — hồ sơ cấu hình máy / station profiles

  provision keygen --out DIR
      tạo cặp khóa ký của tỉnh: DIR/province.key (BÍ MẬT), DIR/province.pub
  provision create --communes FILE.csv --key province.key --out DIR
                   [--province-url URL] [--ca CA.pem] [--catalog FILE.json]
                   [--holidays FILE.json] [--valid-days 90] [--issuer TEXT]
      một hồ sơ đã ký cho mỗi máy của mỗi xã, profiles.csv (danh sách, không
      có bí mật) và province.pub vào DIR; khi CSV có cột admin_username mà
      không có admin_password_hash: admin-codes.csv (BÍ MẬT) với mã cài đặt
      dùng một lần của quản trị đầu tiên mỗi máy
  provision apply FILE [--province-key province.pub]
      kiểm tra chữ ký, hạn, đúng máy, rồi cấu hình máy này
  provision admin-hash  < mật khẩu (dòng đầu của đầu vào chuẩn)
      in mã băm argon2id của mật khẩu quản trị, cho cột admin_password_hash
  provision show FILE [--province-key province.pub]
      kiểm tra chữ ký và in nội dung (không in bí mật), kể cả hồ sơ dành cho
      máy khác: cho biết hồ sơ dành cho máy nào

Khóa công khai của tỉnh: --province-key, hoặc khóa đã ghi nhận khi áp dụng
lần trước, hoặc province.pub nằm cạnh tệp hồ sơ.
`

// Where apply puts the station's secrets, under the data directory: files,
// not the database, so that backups of the database carry no signing key.
const ()

// Settings written by apply.
const (
	keyProvinceURL = "province_url"
	keyProvinceKey = "province_key" // PKIX PEM of the province key, pinned at the first apply
	keyProvision   = "provision"    // JSON summary of the applied profile
)

// appliedProfile is what the "provision" setting records.
type appliedProfile struct {
	Serial    string    `json:"serial"`
	Issuer    string    `json:"issuer"`
	IssuedAt  time.Time `json:"issued_at"`
	ExpiresAt time.Time `json:"expires_at"`
	Machine   string    `json:"machine,omitempty"`
	KeyID     string    `json:"province_key_id"`
	AppliedAt time.Time `json:"applied_at"`
}

func (c *cli) provisionCmd() *cobra.Command {
	cmd := newCmd("provision", "Hồ sơ cấu hình trạm do tỉnh ký (docs/INSTALL.vi.md) / station profiles signed by the province", "")
	cmd.Long = provisionUsage
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		if len(pos) == 0 || pos[0] == "help" {
			return cmd.Help()
		}
		return needSub(cmd, pos)
	}
	cmd.AddCommand(c.provisionKeygenCmd(), c.provisionCreateCmd(), c.profileCmd("apply"), c.profileCmd("show"), c.provisionAdminHashCmd())
	return cmd
}

func readInput(field, path string) ([]byte, error) {
	if path == "" {
		return nil, usageErr(field, "Chưa chỉ tệp (--%s)", "no file given (--%s)", field)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErr(field, "Không đọc được tệp «%s»: %v", "cannot read %q: %v", path, err)
	}
	return b, nil
}

// writeFile replaces path atomically: a crash leaves the old file or the
// new one, never half of one.
func writeFile(path string, data []byte, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), perm); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func (c *cli) provisionKeygenCmd() *cobra.Command {
	cmd := newCmd("keygen --out DIR", "Tạo cặp khóa ký của tỉnh / make the province's signing key pair", "  motcua provision keygen --out khoa-tinh")
	out := cmd.Flags().String("out", "", "thư mục ghi province.key (BÍ MẬT) và province.pub / folder for province.key (SECRET) and province.pub")
	cmd.Args = noArgs
	cmd.RunE = func(*cobra.Command, []string) error {
		if *out == "" {
			return usageErr("out", "Chưa chỉ thư mục (--out DIR)", "no directory given (--out DIR)")
		}
		keyPath := filepath.Join(*out, "province.key")
		if _, err := os.Stat(keyPath); err == nil {
			return usageErr("out", "«%s» đã có; không ghi đè khóa của tỉnh", "%q exists; the province key is never overwritten", keyPath)
		}
		pub, priv, err := provision.GenerateKey()
		if err != nil {
			return err
		}
		privPEM, err := provision.EncodePrivateKey(priv)
		if err != nil {
			return err
		}
		pubPEM, err := provision.EncodePublicKey(pub)
		if err != nil {
			return err
		}
		if err := writeFile(keyPath, privPEM, 0o600); err != nil {
			return err
		}
		if err := writeFile(filepath.Join(*out, "province.pub"), pubPEM, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Khóa ký của tỉnh: %s (giữ bí mật, sao lưu ngoại tuyến)\nKhóa công khai:   %s\nDấu vân tay:      %s\n",
			keyPath, filepath.Join(*out, "province.pub"), provision.Fingerprint(pub))
		return nil
	}
	return cmd
}

func (c *cli) provisionCreateCmd() *cobra.Command {
	cmd := newCmd("create --communes FILE.csv --key province.key --out DIR",
		"Một hồ sơ đã ký cho mỗi máy của mỗi xã / one signed profile per station of each commune",
		"  motcua provision create --communes xa.csv --key khoa-tinh/province.key --out ho-so --province-url https://motcua.tinh.gov.vn")
	fs := cmd.Flags()
	communes := fs.String("communes", "", "danh sách xã và máy (CSV) / the communes and their stations (CSV)")
	keyFile := fs.String("key", "", "khóa ký của tỉnh (province.key) / the province's signing key")
	out := fs.String("out", "", "thư mục ghi các hồ sơ / folder for the profiles")
	url := fs.String("province-url", "", "địa chỉ hệ thống tỉnh / the provincial system's URL")
	caFile := fs.String("ca", "", "chứng chỉ CA riêng của tỉnh (PEM) / the province's private CA certificate (PEM)")
	catFile := fs.String("catalog", "", "danh mục thủ tục kèm theo (JSON) / procedure catalogue to include (JSON)")
	holFile := fs.String("holidays", "", "lịch ngày nghỉ kèm theo (JSON) / holiday table to include (JSON)")
	days := fs.Int("valid-days", 90, "số ngày hiệu lực, 1–3650 / days of validity, 1–3650")
	issuer := fs.String("issuer", "", "người/đơn vị cấp, ghi trong hồ sơ / issuer, written in the profile")
	cmd.Args = noArgs
	cmd.RunE = func(*cobra.Command, []string) error {
		if *out == "" {
			return usageErr("out", "Chưa chỉ thư mục (--out DIR)", "no directory given (--out DIR)")
		}
		if *days < 1 || *days > 3650 {
			return usageErr("valid-days", "Số ngày hiệu lực %d phải từ 1 đến 3650", "validity %d days must be 1 to 3650", *days)
		}
		keyPEM, err := readInput("key", *keyFile)
		if err != nil {
			return err
		}
		key, err := provision.ParsePrivateKey(keyPEM)
		if err != nil {
			return err
		}
		csvData, err := readInput("communes", *communes)
		if err != nil {
			return err
		}
		list, err := provision.ReadCommunes(bytes.NewReader(csvData))
		if err != nil {
			return err
		}
		o := provision.Options{Key: key, Issuer: motcua.Clean(*issuer), IssuedAt: c.now(),
			Valid: time.Duration(*days) * 24 * time.Hour, ProvinceURL: *url}
		if *caFile != "" {
			ca, err := readInput("ca", *caFile)
			if err != nil {
				return err
			}
			if !bytes.Contains(ca, []byte("-----BEGIN CERTIFICATE-----")) {
				return usageErr("ca", "«%s» không phải chứng thư PEM (BEGIN CERTIFICATE)", "%q is not a PEM certificate", *caFile)
			}
			o.CAPEM = string(ca)
		}
		if *catFile != "" {
			if o.Catalog, err = readInput("catalog", *catFile); err != nil {
				return err
			}
		}
		if *holFile != "" {
			if o.Holidays, err = readInput("holidays", *holFile); err != nil {
				return err
			}
		}
		issued, err := provision.Create(list, o)
		if err != nil {
			return err
		}
		for _, is := range issued {
			if err := writeFile(filepath.Join(*out, is.Name), is.Data, 0o600); err != nil {
				return err
			}
		}
		if err := writeFile(filepath.Join(*out, "profiles.csv"), provision.Manifest(issued), 0o644); err != nil {
			return err
		}
		pubPEM, err := provision.EncodePublicKey(key.Public().(ed25519.PublicKey))
		if err != nil {
			return err
		}
		if codes := provision.AdminCodes(issued); codes != nil {
			if err := writeFile(filepath.Join(*out, "admin-codes.csv"), codes, 0o600); err != nil {
				return err
			}
			fmt.Fprintf(c.out, "Mã cài đặt của quản trị: %s (BÍ MẬT: in vào thư niêm phong gửi xã, rồi xóa tệp; không chép lên USB cài đặt)\n",
				filepath.Join(*out, "admin-codes.csv"))
		}
		if err := writeFile(filepath.Join(*out, "province.pub"), pubPEM, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã tạo %d hồ sơ cấu hình cho %d xã trong %s (hết hạn %s; khóa tỉnh %s)\n",
			len(issued), len(list), *out, motcua.FormatTime(issued[0].Profile.ExpiresAt), provision.Fingerprint(key.Public().(ed25519.PublicKey)))
		return nil
	}
	return cmd
}

// provinceKey finds the key to check a profile with: the one given, the
// one pinned by an earlier apply, or province.pub beside the profile. A key
// given that differs from the pinned one is refused: a station changes
// province key only by reinstalling.
func (c *cli) provinceKey(profilePath, given string, pinned string) (ed25519.PublicKey, error) {
	var pinnedKey ed25519.PublicKey
	if pinned != "" {
		k, err := provision.ParsePublicKey([]byte(pinned))
		if err != nil {
			return nil, err
		}
		pinnedKey = k
	}
	path := given
	if path == "" && pinnedKey != nil {
		return pinnedKey, nil
	}
	if path == "" {
		path = filepath.Join(filepath.Dir(profilePath), "province.pub")
		if _, err := os.Stat(path); err != nil {
			return nil, usageErr("province-key",
				"Không có khóa công khai của tỉnh để kiểm tra chữ ký: dùng --province-key province.pub hoặc để province.pub cạnh tệp hồ sơ",
				"no province public key to check the signature: use --province-key province.pub or put province.pub beside the profile")
		}
	}
	raw, err := readInput("province-key", path)
	if err != nil {
		return nil, err
	}
	k, err := provision.ParsePublicKey(raw)
	if err != nil {
		return nil, err
	}
	if pinnedKey != nil && !pinnedKey.Equal(k) {
		return nil, motcua.Invalid(provision.ErrKey, "province-key",
			"Máy này đã nhận khóa của tỉnh %s, khóa đưa vào là %s (quy tắc: không đổi khóa tỉnh trên máy đã cấu hình)",
			"this station already trusts province key %s; the key given is %s (rule: a configured station keeps its province key)",
			provision.Fingerprint(pinnedKey), provision.Fingerprint(k))
	}
	return k, nil
}

// hostname is the computer name profiles are matched against (the full
// DNS host name on Windows, not the 15-character NetBIOS one).
func hostname() string {
	h, _ := os.Hostname()
	return h
}

// openProfile reads and verifies a profile against the station's pinned
// key (if any) and machine (this PC's name for apply, "" for show).
func (c *cli) openProfile(svc *app.Service, path, keyFile, machine string) (*provision.Profile, ed25519.PublicKey, error) {
	data, err := readInput("file", path)
	if err != nil {
		return nil, nil, err
	}
	pinned, _, err := svc.Store.Setting(context.Background(), keyProvinceKey)
	if err != nil {
		return nil, nil, err
	}
	key, err := c.provinceKey(path, keyFile, pinned)
	if err != nil {
		return nil, nil, err
	}
	p, err := provision.Open(data, key, provision.Check{Now: c.now(), Machine: machine})
	if err != nil {
		return nil, nil, err
	}
	return p, key, nil
}

// profileCmd is `provision apply` or `provision show`: one profile file and
// the province's public key.
func (c *cli) profileCmd(name string) *cobra.Command {
	cmd := newCmd(name+" FILE", "Kiểm tra chữ ký, hạn, đúng máy, rồi cấu hình máy này / check signature, expiry and station, then set this station up",
		"  motcua provision apply H56-1.mcprofile\n  motcua provision apply H56-1.mcprofile --province-key province.pub")
	if name == "show" {
		cmd.Short = "Kiểm tra và in nội dung (không in bí mật) / check and print the profile (no secrets)"
		cmd.Example = "  motcua provision show H56-1.mcprofile"
	}
	key := cmd.Flags().String("province-key", "", "khóa công khai của tỉnh (mặc định: khóa đã ghi nhận, hoặc province.pub cạnh tệp) / the province's public key (default: the pinned one, or province.pub beside the file)")
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		if len(pos) != 1 {
			return usageErr("file", "Cần đúng một tệp hồ sơ cấu hình", "give exactly one profile file")
		}
		if name == "show" {
			return c.provisionShow(pos[0], *key)
		}
		return c.provisionApply(pos[0], *key)
	}
	return cmd
}

func (c *cli) provisionShow(path, keyFile string) error {
	svc, err := c.open()
	if err != nil {
		return err
	}
	// Any profile that verifies is shown, with the PC it is for: only
	// apply enforces the machine.
	p, key, err := c.openProfile(svc, path, keyFile, "")
	if err != nil {
		return err
	}
	fmt.Fprint(c.out, provision.Describe(p, key, hostname()))
	return nil
}

// provisionAdminHash prints the argon2id hash of the password on the first
// line of standard input (or MOTCUA_PASSWORD), for the communes CSV's
// admin_password_hash column.
func (c *cli) provisionAdminHashCmd() *cobra.Command {
	cmd := newCmd("admin-hash", "In mã băm argon2id của mật khẩu quản trị (dòng đầu của đầu vào chuẩn) cho cột admin_password_hash / print the argon2id hash of the administrator's password (first line of stdin) for the admin_password_hash column",
		"  echo 'Mat-khau-tinh-giao-2026' | motcua provision admin-hash")
	cmd.Args = noArgs
	cmd.RunE = func(*cobra.Command, []string) error { return c.provisionAdminHash() }
	return cmd
}

func (c *cli) provisionAdminHash() error {
	pass, err := readPassword(c)
	if err != nil {
		return err
	}
	if err := accounts.CheckPassword("", pass, "password"); err != nil {
		return err
	}
	h, err := accounts.Hash(pass, accounts.DefaultParams)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.out, h)
	return nil
}

func (c *cli) provisionApply(path, keyFile string) error {
	svc, err := c.open()
	if err != nil {
		return err
	}
	ctx := context.Background()
	p, key, err := c.openProfile(svc, path, keyFile, hostname())
	if err != nil {
		return err
	}
	// An older profile never replaces a newer one (a stale USB stick).
	if raw, ok, err := svc.Store.Setting(ctx, keyProvision); err != nil {
		return err
	} else if ok {
		var prev appliedProfile
		if json.Unmarshal([]byte(raw), &prev) == nil && p.IssuedAt.Before(prev.IssuedAt) {
			return motcua.Invalid(provision.ErrOlder, "profile.issued_at",
				"Hồ sơ cấu hình này cấp lúc %s, cũ hơn hồ sơ đã áp dụng (cấp lúc %s) (quy tắc: không dùng lại hồ sơ cũ)",
				"this profile was issued at %s, before the one applied (issued at %s) (rule: never go back to an older profile)",
				motcua.FormatTime(p.IssuedAt), motcua.FormatTime(prev.IssuedAt))
		}
	}
	// Everything is checked before the first write.
	priv, err := qrsign.DecodePrivateKey(p.StationKey)
	if err != nil {
		return err
	}
	if p.Catalog != nil {
		if _, err := motcua.LoadCatalog(bytes.NewReader(p.Catalog)); err != nil {
			return err
		}
	}
	if p.Holidays != nil {
		if _, err := motcua.LoadHolidayTable(bytes.NewReader(p.Holidays)); err != nil {
			return err
		}
	}
	actor := "provision:" + p.Serial
	// Init refuses another agency or station on a PC that holds dossiers.
	// The province connection is checked before anything is written. A
	// profile with an address but no account sets nothing: the installer
	// adds the account later with `motcua province set`.
	connect := p.Province.URL != "" && p.Province.Username != ""
	if connect {
		probe := syncing.Config{URL: p.Province.URL, User: p.Province.Username, Password: p.Province.Password,
			CAPEM: []byte(p.Province.CAPEM), Interval: 5 * time.Minute}
		if err := probe.Validate(); err != nil {
			return err
		}
	}
	if err := svc.Init(ctx, app.Station{AgencyID: p.AgencyID, AgencyName: p.AgencyName, Station: p.StationID()}, actor); err != nil {
		return err
	}
	role := app.StationCounter
	if p.Role == provision.RoleField {
		role = app.StationField
	}
	if err := svc.SetStationRole(ctx, app.OperatorActor(actor), role); err != nil {
		return err
	}
	// The province's first administrator, right after the identity (the
	// first write): the window of this PC then opens on the sign-in screen,
	// never on "create the administrator".
	adminNote := ""
	if p.Admin != nil {
		_, created, err := c.accounts().ProvisionFirstAdmin(ctx, actor, p.Admin.Username, p.Admin.FullName, p.Admin.PasswordHash)
		if err != nil {
			return err
		}
		adminNote = "; máy đã có tài khoản nên không tạo quản trị " + p.Admin.Username + " (mật khẩu đã đặt giữ nguyên)"
		if created {
			adminNote = "; đã tạo quản trị " + p.Admin.Username + " (đăng nhập bằng mã/mật khẩu tỉnh giao, đổi ngay)"
		}
	}
	if p.Catalog != nil {
		if _, err := svc.ImportCatalog(ctx, p.Catalog, app.OperatorActor(actor)); err != nil {
			return err
		}
	}
	if p.Holidays != nil {
		if err := svc.ImportHolidays(ctx, p.Holidays, app.OperatorActor(actor)); err != nil {
			return err
		}
	}

	// The station key goes where the app signs with it (app.LoadKeys), the
	// commune keyring into the settings where receipts are verified.
	ring, err := json.MarshalIndent(p.Keyring, "", "  ")
	if err != nil {
		return err
	}
	// Sealed for this machine (DPAPI on Windows), as app.LoadKeys writes it.
	if err := keyfile.WriteKeyFile(filepath.Join(c.data, app.KeyFileName), []byte(qrsign.EncodePrivateKey(priv)+"\n")); err != nil {
		return fmt.Errorf("ghi %s: %w", app.KeyFileName, err)
	}
	ra := app.AuditEntry{Actor: actor, Action: "keyring.provision", Subject: p.AgencyID,
		Detail: fmt.Sprintf("%d khóa trạm", len(p.Keyring.Keys))}
	if err := svc.Store.SetSetting(ctx, app.KeyKeyring, string(ring), ra); err != nil {
		return err
	}

	// The province connection goes where the sync engine reads it (the same
	// place `motcua province set` writes), so a provisioned station syncs.
	if connect {
		ch := syncing.Change{URL: &p.Province.URL, User: &p.Province.Username, Password: &p.Province.Password}
		if p.Province.CAPEM != "" {
			ca := []byte(p.Province.CAPEM)
			ch.CAPEM = &ca
		}
		if _, err := syncing.SaveConfig(ctx, c.store, ch, app.OperatorActor(actor)); err != nil {
			return err
		}
	}

	pubPEM, err := provision.EncodePublicKey(key)
	if err != nil {
		return err
	}
	summary, err := json.Marshal(appliedProfile{Serial: p.Serial, Issuer: p.Issuer, IssuedAt: p.IssuedAt, ExpiresAt: p.ExpiresAt,
		Machine: p.Machine, KeyID: provision.Fingerprint(key), AppliedAt: c.now()})
	if err != nil {
		return err
	}
	a := app.AuditEntry{Actor: actor, Action: "station.provision", Subject: p.AgencyID,
		Detail: fmt.Sprintf("hồ sơ %s, máy %s, tên máy %s, khóa tỉnh %s", p.Serial, p.StationID(), hostname(), provision.Fingerprint(key))}
	for _, kv := range [][2]string{{keyProvinceKey, string(pubPEM)}, {keyProvinceURL, p.Province.URL}, {keyProvision, string(summary)}} {
		if err := svc.Store.SetSetting(ctx, kv[0], kv[1], a); err != nil {
			return err
		}
	}
	province := p.Province.URL
	switch {
	case province == "":
		province = "chưa cấu hình (làm việc ngoại tuyến)"
	case !connect:
		province += " (hồ sơ không có tài khoản: đặt bằng «motcua province set»; tới lúc đó làm việc ngoại tuyến)"
	}
	fmt.Fprintf(c.out, "Đã áp dụng hồ sơ cấu hình %s: %s — %s, máy %s; tỉnh: %s; khóa tỉnh %s%s; dữ liệu: %s\n",
		p.Serial, p.AgencyID, p.AgencyName, p.StationID(), province, provision.Fingerprint(key), adminNote, c.data)
	return nil
}
