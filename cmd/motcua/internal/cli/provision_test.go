package cli

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"motcua/storage/keyfile"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/packaging/provision"
	"motcua/scanning/qrsign"
	"motcua/storage"
)

// provinceBatch makes a province key and the profiles of two communes:
// Quảng Phú with two PCs for any machine, Đông Sơn with one PC named
// KHAC-MAY-XYZ (never this test machine).
func provinceBatch(t *testing.T) (keyDir, outDir string) {
	t.Helper()
	keyDir, outDir = t.TempDir(), t.TempDir()
	mustOK(t, runCLI(t, t.TempDir(), "provision", "keygen", "--out", keyDir))
	csv := filepath.Join(keyDir, "communes.csv")
	if err := os.WriteFile(csv, []byte("agency_id;agency_name;stations;machines;username;password\n"+
		"000.00.06.H56;UBND xã Quảng Phú;2;;quangphu;mk-quangphu\n"+
		"000.00.07.H56;UBND phường Đông Sơn;1;KHAC-MAY-XYZ;;\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	holidays, _ := filepath.Glob("../../../../assets/holidays/*.json")
	out := mustOK(t, runCLI(t, t.TempDir(), "provision", "create", "--communes", csv, "--key", filepath.Join(keyDir, "province.key"),
		"--out", outDir, "--province-url", "https://motcua.tinh.example/api", "--issuer", "Sở KH&CN", "--holidays", holidays[0]))
	if !strings.Contains(out, "3 hồ sơ cấu hình cho 2 xã") {
		t.Fatalf("create: %s", out)
	}
	return keyDir, outDir
}

func refused(t *testing.T, r result, words ...string) {
	t.Helper()
	if r.code != 2 {
		t.Fatalf("exit %d, want 2 (refused): %s%s", r.code, r.stdout, r.stderr)
	}
	for _, w := range words {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("message %q lacks %q", r.stderr, w)
		}
	}
}

// signed writes a profile like one of the batch, changed by edit and signed
// with the province key — for the cases create never makes.
func signed(t *testing.T, keyDir, profile string, edit func(p *provision.Profile)) string {
	t.Helper()
	keyPEM, err := os.ReadFile(filepath.Join(keyDir, "province.key"))
	if err != nil {
		t.Fatal(err)
	}
	key, err := provision.ParsePrivateKey(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(profile)
	if err != nil {
		t.Fatal(err)
	}
	p, err := provision.Open(data, key.Public().(ed25519.PublicKey), provision.Check{Now: motcua.SystemClock{}.Now()})
	if err != nil {
		t.Fatal(err)
	}
	p.Serial = ""
	edit(p)
	out, err := provision.Sign(p, key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(filepath.Dir(profile), "edited-"+filepath.Base(profile))
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestProvisionApply(t *testing.T) {
	keyDir, outDir := provinceBatch(t)
	may1 := filepath.Join(outDir, "000.00.06.H56-may1.mcprofile")
	may2 := filepath.Join(outDir, "000.00.06.H56-may2.mcprofile")

	t.Run("OK", func(t *testing.T) {
		dir := t.TempDir()
		out := mustOK(t, runCLI(t, dir, "provision", "apply", may1))
		if !strings.Contains(out, "000.00.06.H56 — UBND xã Quảng Phú, máy 1/2") {
			t.Errorf("apply: %s", out)
		}
		signInAdmin(t, dir)
		// The station issues its own partition of codes at once. The
		// profiles were issued now, so the back-entry is an hour ago on the
		// clock every process of this run shares.
		at := motcua.SystemClock{}.Now().Add(-time.Hour).In(motcua.Location)
		v := decode[view](t, mustOK(t, runCLI(t, dir, "intake", "--procedure", "2.000815", "--name", "Lê Văn An",
			"--id-number", "038085001111", "--at", at.Format(time.RFC3339), "--json")))
		if v.Code != "000.00.06.H56-"+at.Format("060102")+"-0001" {
			t.Errorf("first code %s", v.Code)
		}
		seed, err := keyfile.ReadKeyFile(filepath.Join(dir, app.KeyFileName)) // sealed as the app writes it
		if err != nil {
			t.Fatal(err)
		}
		priv, err := qrsign.DecodePrivateKey(string(seed))
		if err != nil {
			t.Fatal(err)
		}
		st, err := storage.Open(filepath.Join(dir, "motcua.db"))
		if err != nil {
			t.Fatal(err)
		}
		rawRing, _, err := st.Setting(context.Background(), app.KeyKeyring)
		st.Close()
		if err != nil {
			t.Fatal(err)
		}
		ring, err := qrsign.LoadKeyring(strings.NewReader(rawRing))
		if err != nil {
			t.Fatal(err)
		}
		if len(ring.Keys) != 2 {
			t.Errorf("keyring holds %d keys, want the commune's 2", len(ring.Keys))
		}
		if _, ok := ring.Lookup(qrsign.KeyID(priv.Public().(ed25519.PublicKey))); !ok {
			t.Error("the station's key is not in the keyring")
		}
		// The province connection is where the sync engine reads it; the password is never shown.
		var conf map[string]any
		raw := mustOK(t, runCLI(t, dir, "province", "show", "--json"))
		if err := json.Unmarshal([]byte(raw), &conf); err != nil || conf["url"] != "https://motcua.tinh.example/api" || strings.Contains(raw, "mk-quangphu") {
			t.Errorf("province show after apply: %s %v", raw, err)
		}
		// Applying the same profile again changes nothing and succeeds.
		mustOK(t, runCLI(t, dir, "provision", "apply", may1))
		if out := mustOK(t, runCLI(t, dir, "audit", "verify")); !strings.Contains(out, "hợp lệ") {
			t.Errorf("audit: %s", out)
		}
		if out := mustOK(t, runCLI(t, dir, "calendar", "--year", "2026")); !strings.Contains(out, "2026-") {
			t.Errorf("calendar after apply: %s", out)
		}

		t.Run("ErrOtherStation", func(t *testing.T) {
			// Station 2's profile on station 1, which already holds dossiers.
			refused(t, runCLI(t, dir, "provision", "apply", may2), "không được đổi cơ quan hoặc số máy")
		})
		t.Run("ErrOlder", func(t *testing.T) {
			old := signed(t, keyDir, may1, func(p *provision.Profile) { p.IssuedAt = p.IssuedAt.Add(-time.Hour) })
			refused(t, runCLI(t, dir, "provision", "apply", old), "cũ hơn", "quy tắc")
		})
		t.Run("ErrPinnedKey", func(t *testing.T) {
			other := t.TempDir()
			mustOK(t, runCLI(t, t.TempDir(), "provision", "keygen", "--out", other))
			refused(t, runCLI(t, dir, "provision", "apply", may1, "--province-key", filepath.Join(other, "province.pub")),
				"không đổi khóa tỉnh")
		})
	})

	t.Run("ErrOtherMachine", func(t *testing.T) {
		refused(t, runCLI(t, t.TempDir(), "provision", "apply", filepath.Join(outDir, "KHAC-MAY-XYZ.mcprofile")),
			"KHAC-MAY-XYZ", "đúng máy")
	})
	t.Run("ErrExpired", func(t *testing.T) {
		p := signed(t, keyDir, may1, func(p *provision.Profile) {
			p.IssuedAt = motcua.SystemClock{}.Now().Add(-48 * time.Hour).Truncate(time.Second)
			p.ExpiresAt = p.IssuedAt.Add(24 * time.Hour)
		})
		refused(t, runCLI(t, t.TempDir(), "provision", "apply", p), "hết hạn", "quy tắc: thời hạn hiệu lực")
	})
	t.Run("ErrClockBehind", func(t *testing.T) {
		p := signed(t, keyDir, may1, func(p *provision.Profile) {
			p.IssuedAt = motcua.SystemClock{}.Now().Add(72 * time.Hour).Truncate(time.Second)
			p.ExpiresAt = p.IssuedAt.Add(24 * time.Hour)
		})
		refused(t, runCLI(t, t.TempDir(), "provision", "apply", p), "chỉnh ngày giờ")
	})
	t.Run("ErrTampered", func(t *testing.T) {
		data, _ := os.ReadFile(may1)
		var env map[string]string
		if err := json.Unmarshal(data, &env); err != nil {
			t.Fatal(err)
		}
		payload, _ := base64.StdEncoding.DecodeString(env["payload"])
		payload = bytes.Replace(payload, []byte(`"station":1`), []byte(`"station":2`), 1)
		env["payload"] = base64.StdEncoding.EncodeToString(payload)
		data, _ = json.Marshal(env)
		p := filepath.Join(outDir, "tampered.mcprofile")
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		refused(t, runCLI(t, dir, "provision", "apply", p), "Chữ ký", "quy tắc: chữ ký số của tỉnh")
		// Refused means unconfigured: intake still asks for init.
		r := runCLI(t, dir, "intake", "--procedure", "2.000815", "--name", "A", "--id-number", "038085001111")
		refused(t, r, "chưa được khởi tạo")
	})
	t.Run("ErrCorrupt", func(t *testing.T) {
		p := filepath.Join(outDir, "corrupt.mcprofile")
		data, _ := os.ReadFile(may1)
		if err := os.WriteFile(p, data[:len(data)/3], 0o600); err != nil {
			t.Fatal(err)
		}
		refused(t, runCLI(t, t.TempDir(), "provision", "apply", p), "bị hỏng")
	})
	t.Run("ErrNoProvinceKey", func(t *testing.T) {
		lone := filepath.Join(t.TempDir(), "may1.mcprofile")
		data, _ := os.ReadFile(may1)
		if err := os.WriteFile(lone, data, 0o600); err != nil {
			t.Fatal(err)
		}
		refused(t, runCLI(t, t.TempDir(), "provision", "apply", lone), "province.pub")
	})
	t.Run("ErrWrongProvinceKey", func(t *testing.T) {
		other := t.TempDir()
		mustOK(t, runCLI(t, t.TempDir(), "provision", "keygen", "--out", other))
		refused(t, runCLI(t, t.TempDir(), "provision", "apply", may1, "--province-key", filepath.Join(other, "province.pub")),
			"chỉ nhận hồ sơ do tỉnh ký")
	})
	t.Run("OKShow", func(t *testing.T) {
		out := mustOK(t, runCLI(t, t.TempDir(), "provision", "show", may2))
		if !strings.Contains(out, "chữ ký hợp lệ") || !strings.Contains(out, "2/2") || strings.Contains(out, "mk-quangphu") {
			t.Errorf("show: %s", out)
		}
	})
	t.Run("OKShowOtherMachine", func(t *testing.T) {
		// Checked before travelling: a profile for another PC is shown,
		// with the PC it is for; only apply refuses it (ErrOtherMachine).
		out := mustOK(t, runCLI(t, t.TempDir(), "provision", "show", filepath.Join(outDir, "KHAC-MAY-XYZ.mcprofile")))
		if !strings.Contains(out, "chữ ký hợp lệ") || !strings.Contains(out, "dành cho máy tên «KHAC-MAY-XYZ» — KHÔNG phải máy này") ||
			!strings.Contains(out, "000.00.07.H56 — UBND phường Đông Sơn") {
			t.Errorf("show: %s", out)
		}
	})
}

func TestProvisionKeygenNoOverwrite(t *testing.T) {
	dir := t.TempDir()
	mustOK(t, runCLI(t, t.TempDir(), "provision", "keygen", "--out", dir))
	before, _ := os.ReadFile(filepath.Join(dir, "province.key"))
	refused(t, runCLI(t, t.TempDir(), "provision", "keygen", "--out", dir), "không ghi đè")
	after, _ := os.ReadFile(filepath.Join(dir, "province.key"))
	if !bytes.Equal(before, after) {
		t.Fatal("the province key was overwritten")
	}
	if _, err := provision.ParsePrivateKey(after); err != nil {
		t.Fatal(err)
	}
	_ = motcua.Location
}
