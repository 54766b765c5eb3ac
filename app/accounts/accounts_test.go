package accounts_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app/accounts"
	"motcua/app/continuity"
	"motcua/storage"
)

type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

// cheap hashing keeps the tests fast; DefaultParams are checked on their own.
var cheap = accounts.Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

func newService(t *testing.T) (*accounts.Service, *storage.Store, *clock) {
	t.Helper()
	st, err := storage.Open(filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := accounts.New(st)
	s.Params = cheap
	c := &clock{time.Date(2026, 11, 23, 8, 0, 0, 0, motcua.Location)}
	s.Clock = c
	return s, st, c
}

func code(err error) string {
	if e, ok := motcua.AsError(err); ok {
		return e.Code
	}
	return ""
}

func TestHashFormatAndDefaultCost(t *testing.T) {
	start := time.Now()
	h, err := accounts.Hash("Mật khẩu 2026", accounts.DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("argon2id %+v: %v", accounts.DefaultParams, time.Since(start))
	if !strings.HasPrefix(h, "$argon2id$v=19$m=47104,t=2,p=1$") {
		t.Fatalf("hash %q does not carry its parameters", h)
	}
	// The same password typed with combining marks (NFD) matches.
	ok, stale, err := accounts.Check(h, "Ma\u0302\u0323t kha\u0302\u0309u 2026", accounts.DefaultParams)
	if err != nil || !ok || stale {
		t.Fatalf("NFD password: ok=%v stale=%v err=%v", ok, stale, err)
	}
	if ok, _, _ := accounts.Check(h, "mật khẩu 2026", accounts.DefaultParams); ok {
		t.Fatal("passwords are case-sensitive")
	}
	if _, stale, _ := accounts.Check(h, "x", cheap); !stale {
		t.Fatal("a hash made with other parameters must be reported stale")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "plain"} {
		if _, _, err := accounts.Check(bad, "x", cheap); err == nil {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

func TestFirstAdminThenRoles(t *testing.T) {
	s, st, _ := newService(t)
	ctx := context.Background()
	if has, _ := s.HasUsers(ctx); has {
		t.Fatal("a new database has no users")
	}
	t.Run("ErrWeakPassword", func(t *testing.T) {
		_, err := s.CreateFirstAdmin(ctx, "admin", "Nguyễn Văn Quản", "short")
		if code(err) != accounts.ErrWeakPassword {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrBadUsername", func(t *testing.T) {
		_, err := s.CreateFirstAdmin(ctx, "Quản trị", "Nguyễn Văn Quản", "matkhau-dai")
		if e, _ := motcua.AsError(err); e == nil || e.Field != "username" {
			t.Fatalf("err = %v", err)
		}
	})
	admin, err := s.CreateFirstAdmin(ctx, " Admin ", "Nguyễn Văn Quản", "quantri-2026")
	if err != nil {
		t.Fatal(err)
	}
	if admin.Username != "admin" || admin.Role != accounts.RoleAdmin {
		t.Fatalf("admin = %+v", admin)
	}
	if _, err := s.CreateFirstAdmin(ctx, "admin2", "X Y", "quantri-2026"); motcua.ErrorKind(err) != motcua.KindConflict {
		t.Fatalf("a second first admin: %v", err)
	}
	lan, err := s.Create(ctx, admin, accounts.NewUser{Username: "lan.nt", FullName: "Nguyễn Thị Lan", Role: accounts.RoleOfficer, Password: "tamthoi-123"})
	if err != nil {
		t.Fatal(err)
	}
	if !lan.MustChange {
		t.Fatal("a user created by an administrator must choose their own password")
	}
	if _, err := s.Create(ctx, lan, accounts.NewUser{Username: "x.y", FullName: "X", Role: accounts.RoleAdmin, Password: "12345678a"}); code(err) != accounts.ErrForbidden {
		t.Fatalf("an officer created a user: %v", err)
	}
	if _, err := s.Create(ctx, admin, accounts.NewUser{Username: "lan.nt", FullName: "Khác", Role: accounts.RoleOfficer, Password: "tamthoi-123"}); code(err) != motcua.ErrDuplicate {
		t.Fatalf("duplicate username: %v", err)
	}
	for _, c := range []struct {
		role accounts.Role
		p    accounts.Perm
		can  bool
	}{
		{accounts.RoleOfficer, accounts.PermIntake, true}, {accounts.RoleOfficer, accounts.PermRefuse, false},
		{accounts.RoleOfficer, accounts.PermExtend, false}, {accounts.RoleOfficer, accounts.PermCalendar, false},
		{accounts.RoleLeader, accounts.PermRefuse, true}, {accounts.RoleLeader, accounts.PermExtend, true},
		{accounts.RoleLeader, accounts.PermUsers, false}, {accounts.RoleAdmin, accounts.PermUsers, true},
		{accounts.RoleAdmin, accounts.PermCalendar, true},
	} {
		if c.role.Can(c.p) != c.can {
			t.Errorf("%s can %s = %v", c.role, c.p, !c.can)
		}
	}
	// The last administrator cannot be demoted.
	if _, err := s.Update(ctx, admin, "admin", "Nguyễn Văn Quản", accounts.RoleLeader, false); code(err) != accounts.ErrLastAdmin {
		t.Fatalf("demoted the only admin: %v", err)
	}
	if _, err := s.Update(ctx, admin, "lan.nt", "Nguyễn Thị Lan", accounts.RoleLeader, false); err != nil {
		t.Fatal(err)
	}
	n, err := st.VerifyAudit(ctx)
	if err != nil || n < 3 {
		t.Fatalf("audit: %d entries, %v", n, err)
	}
}

func TestSignInLockoutAndPasswordChange(t *testing.T) {
	s, _, c := newService(t)
	ctx := context.Background()
	admin, err := s.CreateFirstAdmin(ctx, "admin", "Nguyễn Văn Quản", "quantri-2026")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, admin, accounts.NewUser{Username: "lan.nt", FullName: "Nguyễn Thị Lan", Role: accounts.RoleOfficer, Password: "tamthoi-123"}); err != nil {
		t.Fatal(err)
	}
	t.Run("ErrBadCredentials", func(t *testing.T) {
		_, err1 := s.SignIn(ctx, "nobody", "whatever-1")
		_, err2 := s.SignIn(ctx, "lan.nt", "whatever-1")
		if code(err1) != accounts.ErrBadCredentials || code(err2) != accounts.ErrBadCredentials {
			t.Fatalf("unknown user %v, wrong password %v", err1, err2)
		}
		if motcua.ErrorMessage(err1) != motcua.ErrorMessage(err2) {
			t.Fatal("unknown users and wrong passwords must read the same")
		}
	})
	t.Run("ErrLocked", func(t *testing.T) {
		for range 3 {
			s.SignIn(ctx, "lan.nt", "sai-mat-khau")
		}
		_, err := s.SignIn(ctx, "lan.nt", "sai-mat-khau") // the 5th in a row
		if code(err) != accounts.ErrLocked {
			t.Fatalf("5 failures: %v", err)
		}
		if _, err := s.SignIn(ctx, "lan.nt", "tamthoi-123"); code(err) != accounts.ErrLocked {
			t.Fatalf("the right password during the lock: %v", err)
		}
		c.t = c.t.Add(61 * time.Second)
		u, err := s.SignIn(ctx, "LAN.NT ", "tamthoi-123")
		if err != nil {
			t.Fatalf("after the lock: %v", err)
		}
		if u.Failed != 0 || !u.MustChange {
			t.Fatalf("user after sign-in: %+v", u)
		}
	})
	t.Run("ChangePassword", func(t *testing.T) {
		if _, err := s.ChangePassword(ctx, "lan.nt", "wrong-old", "moi-2026-lan"); code(err) != accounts.ErrBadCredentials {
			t.Fatalf("wrong old password: %v", err)
		}
		if _, err := s.ChangePassword(ctx, "lan.nt", "tamthoi-123", "lan.nt"); code(err) != accounts.ErrWeakPassword {
			t.Fatalf("password = username: %v", err)
		}
		u, err := s.ChangePassword(ctx, "lan.nt", "tamthoi-123", "Mùa thu 2026")
		if err != nil || u.MustChange {
			t.Fatalf("change: %v %+v", err, u)
		}
		if _, err := s.SignIn(ctx, "lan.nt", "Mùa thu 2026"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrDisabled", func(t *testing.T) {
		if _, err := s.Update(ctx, admin, "lan.nt", "Nguyễn Thị Lan", accounts.RoleOfficer, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SignIn(ctx, "lan.nt", "Mùa thu 2026"); code(err) != accounts.ErrDisabled {
			t.Fatalf("disabled: %v", err)
		}
		if _, err := s.Update(ctx, admin, "admin", "Nguyễn Văn Quản", accounts.RoleAdmin, true); err == nil {
			t.Fatal("an administrator disabled their own account")
		}
	})
	t.Run("StaleHashUpgraded", func(t *testing.T) {
		old := s.Params
		s.Params = accounts.Params{Memory: 2048, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}
		defer func() { s.Params = old }()
		u, err := s.SignIn(ctx, "admin", "quantri-2026")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(u.PasswordHash, "m=2048,") {
			t.Fatalf("hash not upgraded: %s", u.PasswordHash)
		}
	})
}

func TestPrefsAndRecent(t *testing.T) {
	s, _, _ := newService(t)
	ctx := context.Background()
	if _, err := s.CreateFirstAdmin(ctx, "admin", "Nguyễn Văn Quản", "quantri-2026"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"1", "2", "3", "2", "4", "5", "6", "7", "8", "9"} {
		if _, err := s.UseProcedure(ctx, "admin", c); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SavePrefs(ctx, "admin", accounts.Prefs{Lang: "en", TextScale: 1.2, Typing: "telex", Recent: []string{"9", "8"}}); err != nil {
		t.Fatal(err)
	}
	r, err := s.UseProcedure(ctx, "admin", "2")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(r, ",") != "2,9,8" {
		t.Fatalf("recent = %v", r)
	}
	u, _ := s.Store.GetUser(ctx, "admin")
	if u.Prefs.Lang != "en" || u.Prefs.TextScale != 1.2 || u.Prefs.Typing != "telex" {
		t.Fatalf("prefs = %+v", u.Prefs)
	}
	r, _ = s.UseProcedure(ctx, "admin", "x")
	for _, c := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		r, _ = s.UseProcedure(ctx, "admin", c)
	}
	if len(r) != accounts.MaxRecent || r[0] != "g" {
		t.Fatalf("recent = %v", r)
	}
}

// A station profile's administrator: created from the province's hash,
// must change the password at the first sign-in, never created over
// existing accounts, and a hash that is not argon2id is refused.
func TestProvisionFirstAdmin(t *testing.T) {
	ctx := context.Background()
	s, st, _ := newService(t)
	setup, err := accounts.NewSetupCode()
	if err != nil {
		t.Fatal(err)
	}
	if len(setup) != 14 || strings.Count(setup, "-") != 2 || strings.ContainsAny(setup, "01OIL") {
		t.Fatalf("set-up code %q", setup)
	}
	hash, err := accounts.Hash(setup, cheap)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct{ user, name, hash, field string }{
		{"quantri", "Quản trị", "$2a$10$abcdefghijklmnopqrstuu", "admin.password_hash"}, // bcrypt: not what SignIn checks
		{"quantri", "Quản trị", "", "admin.password_hash"},
		{"Quan Tri", "Quản trị", hash, "admin.username"},
		{"qt", "Quản trị", hash, "admin.username"},
		{"quantri", " ", hash, "admin.full_name"},
	} {
		_, _, err := s.ProvisionFirstAdmin(ctx, "provision:1", bad.user, bad.name, bad.hash)
		if motcua.ErrorKind(err) != motcua.KindInvalid || errField(err) != bad.field {
			t.Errorf("%+v: err %v (field %q), want invalid %s", bad, err, errField(err), bad.field)
		}
	}
	if has, _ := s.HasUsers(ctx); has {
		t.Fatal("a refused administrator was stored")
	}
	u, created, err := s.ProvisionFirstAdmin(ctx, "provision:1", "quantri", "Quản trị xã Quảng Phú", hash)
	if err != nil || !created || !u.MustChange || u.Role != accounts.RoleAdmin {
		t.Fatalf("provision: %+v created=%v err=%v", u, created, err)
	}
	in, err := s.SignIn(ctx, "quantri", setup)
	if err != nil || !in.MustChange {
		t.Fatalf("sign in with the set-up code: %+v %v", in, err)
	}
	if _, err := s.ChangePasswordAfterReset(ctx, in, "Mật khẩu riêng 2026"); err != nil {
		t.Fatal(err)
	}
	// Applied again (a renewed profile): the chosen password stays.
	again, created, err := s.ProvisionFirstAdmin(ctx, "provision:2", "quantri", "Quản trị xã Quảng Phú", hash)
	if err != nil || created || again != nil {
		t.Fatalf("second provision: %+v created=%v err=%v", again, created, err)
	}
	if _, err := s.SignIn(ctx, "quantri", "Mật khẩu riêng 2026"); err != nil {
		t.Fatalf("the administrator's own password was replaced: %v", err)
	}
	if _, err := s.SignIn(ctx, "quantri", setup); code(err) != accounts.ErrBadCredentials {
		t.Fatalf("the set-up code still signs in: %v", err)
	}
	// The audit names the profile.
	entries, err := st.AuditTrail(ctx, continuity.AuditFilter{Actor: "provision:1", ActionPrefix: "user.create"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Subject != "quantri" {
		t.Error("no audit entry for the provisioned administrator")
	}
}

func errField(err error) string {
	if e, ok := motcua.AsError(err); ok {
		return e.Field
	}
	return ""
}
