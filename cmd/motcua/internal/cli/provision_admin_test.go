package cli

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua/app/accounts"
	"motcua/storage"
)

// A profile carrying the first administrator: `provision create` draws a
// one-time set-up code per PC into the secret admin-codes.csv, `provision
// apply` creates the administrator (must change the password), applying it
// again keeps the password chosen since; a profile without one leaves the
// PC without accounts, as before.
func TestProvisionAdmin(t *testing.T) {
	keyDir, outDir := t.TempDir(), t.TempDir()
	mustOK(t, runCLI(t, t.TempDir(), "provision", "keygen", "--out", keyDir))
	communes := filepath.Join(keyDir, "communes.csv")
	if err := os.WriteFile(communes, []byte("agency_id,agency_name,stations,admin_username,admin_name\n"+
		"000.00.06.H56,UBND xã Quảng Phú,2,quantri.qp,Nguyễn Văn Quản\n"+
		"000.00.07.H56,UBND phường Đông Sơn,1,,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := mustOK(t, runCLI(t, t.TempDir(), "provision", "create", "--communes", communes,
		"--key", filepath.Join(keyDir, "province.key"), "--out", outDir))
	codesPath := filepath.Join(outDir, "admin-codes.csv")
	if !strings.Contains(out, codesPath) || !strings.Contains(out, "BÍ MẬT") {
		t.Errorf("create does not point at the secret list: %s", out)
	}
	fi, err := os.Stat(codesPath)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("admin-codes.csv mode %v, want 0600", fi.Mode().Perm())
	}
	f, err := os.Open(codesPath)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	code := map[string]string{} // profile file → set-up code
	for _, r := range rows[1:] {
		code[r[0]] = r[6]
	}
	may1 := "000.00.06.H56-may1.mcprofile"
	if len(rows) != 3 || code[may1] == "" || code[may1] == code["000.00.06.H56-may2.mcprofile"] {
		t.Fatalf("admin-codes.csv: %v", rows)
	}
	for name := range code {
		data, _ := os.ReadFile(filepath.Join(outDir, name))
		if strings.Contains(string(data), code[name]) {
			t.Errorf("%s carries its set-up code", name)
		}
	}

	// show says who the administrator is.
	if out := mustOK(t, runCLI(t, t.TempDir(), "provision", "show", filepath.Join(outDir, may1))); !strings.Contains(out, "quantri.qp (Nguyễn Văn Quản)") {
		t.Errorf("show: %s", out)
	}

	dir := t.TempDir()
	out = mustOK(t, runCLI(t, dir, "provision", "apply", filepath.Join(outDir, may1)))
	if !strings.Contains(out, "đã tạo quản trị quantri.qp") {
		t.Errorf("apply: %s", out)
	}
	type row struct {
		Username   string `json:"username"`
		FullName   string `json:"full_name"`
		Role       string `json:"role"`
		MustChange bool   `json:"must_change"`
	}
	users := decode[[]row](t, mustOK(t, runCLI(t, dir, "user", "list", "--json")))
	if len(users) != 1 || users[0] != (row{"quantri.qp", "Nguyễn Văn Quản", "admin", true}) {
		t.Fatalf("users after apply: %+v", users)
	}

	// The person at the PC signs in with the code and picks a password.
	ctx := context.Background()
	st, err := storage.Open(filepath.Join(dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	acc := accounts.New(st)
	u, err := acc.SignIn(ctx, "quantri.qp", code[may1])
	if err != nil || !u.MustChange {
		st.Close()
		t.Fatalf("sign in with the set-up code: %+v %v", u, err)
	}
	if _, err := acc.ChangePasswordAfterReset(ctx, u, "Mật khẩu riêng của xã"); err != nil {
		st.Close()
		t.Fatal(err)
	}
	st.Close()

	// A renewed profile applied again creates nothing and resets nothing.
	out = mustOK(t, runCLI(t, dir, "provision", "apply", filepath.Join(outDir, may1)))
	if !strings.Contains(out, "máy đã có tài khoản nên không tạo quản trị quantri.qp") {
		t.Errorf("apply again: %s", out)
	}
	st, err = storage.Open(filepath.Join(dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.New(st).SignIn(ctx, "quantri.qp", "Mật khẩu riêng của xã"); err != nil {
		t.Errorf("the administrator's own password was replaced by the profile: %v", err)
	}
	st.Close()

	// Without an administrator in the profile: no account, the window's
	// first run creates it as before.
	other := t.TempDir()
	mustOK(t, runCLI(t, other, "provision", "apply", filepath.Join(outDir, "000.00.07.H56-may1.mcprofile")))
	if users := decode[[]row](t, mustOK(t, runCLI(t, other, "user", "list", "--json"))); len(users) != 0 {
		t.Errorf("a profile without an administrator created %+v", users)
	}
}

// A password the province chose: `provision admin-hash` gives the hash for
// the CSV, the profile carries it, and the administrator signs in with the
// password and must replace it. No set-up codes are drawn.
func TestProvisionAdminHash(t *testing.T) {
	t.Setenv("MOTCUA_PASSWORD", "short")
	refused(t, runCLI(t, t.TempDir(), "provision", "admin-hash"), "ít nhất 8")
	t.Setenv("MOTCUA_PASSWORD", "Mật khẩu của tỉnh 2026")
	hash := strings.TrimSpace(mustOK(t, runCLI(t, t.TempDir(), "provision", "admin-hash")))
	if ok, _, err := accounts.Check(hash, "Mật khẩu của tỉnh 2026", accounts.DefaultParams); !ok || err != nil {
		t.Fatalf("admin-hash printed %q (%v)", hash, err)
	}
	keyDir, outDir := t.TempDir(), t.TempDir()
	mustOK(t, runCLI(t, t.TempDir(), "provision", "keygen", "--out", keyDir))
	communes := filepath.Join(keyDir, "communes.csv")
	if err := os.WriteFile(communes, []byte("agency_id;agency_name;stations;quan_tri;bam_mat_khau_quan_tri\n"+
		"000.00.06.H56;UBND xã Quảng Phú;1;quantri.qp;"+hash+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustOK(t, runCLI(t, t.TempDir(), "provision", "create", "--communes", communes,
		"--key", filepath.Join(keyDir, "province.key"), "--out", outDir))
	if _, err := os.Stat(filepath.Join(outDir, "admin-codes.csv")); !os.IsNotExist(err) {
		t.Errorf("admin-codes.csv written for a province password: %v", err)
	}
	dir := t.TempDir()
	mustOK(t, runCLI(t, dir, "provision", "apply", filepath.Join(outDir, "000.00.06.H56-may1.mcprofile")))
	st, err := storage.Open(filepath.Join(dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := accounts.New(st).SignIn(context.Background(), "quantri.qp", "Mật khẩu của tỉnh 2026")
	if err != nil || !u.MustChange || u.FullName != "Quản trị UBND xã Quảng Phú" {
		t.Fatalf("sign in with the province's password: %+v %v", u, err)
	}
}
