package accounts_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"motcua/app"
	"motcua/app/accounts"
)

// TestSessions: a command-line session opens with the password, resolves to
// the account's actor until its expiry, and ends when closed, when the
// account is disabled or its role changes; only the token's hash is stored.
func TestSessions(t *testing.T) {
	ctx := context.Background()
	s, st, c := newService(t)
	admin, err := s.CreateFirstAdmin(ctx, "quantri", "Nguyễn Văn Quản", "quantri-2026")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, admin, accounts.NewUser{Username: "lan.nt", FullName: "Nguyễn Thị Lan", Role: accounts.RoleOfficer, Password: "tamthoi-123"}); err != nil {
		t.Fatal(err)
	}

	t.Run("ErrForbiddenTemporaryPassword", func(t *testing.T) {
		_, err := s.OpenSession(ctx, "lan.nt", "tamthoi-123", time.Hour)
		if code(err) != accounts.ErrForbidden {
			t.Fatalf("a session with a temporary password: %v", err)
		}
	})
	if _, err := s.ChangePasswordAfterReset(ctx, mustGet(t, st, "lan.nt"), "lan-moi-2026"); err != nil {
		t.Fatal(err)
	}
	t.Run("ErrBadCredentials", func(t *testing.T) {
		if _, err := s.OpenSession(ctx, "lan.nt", "sai-mat-khau", time.Hour); code(err) != accounts.ErrBadCredentials {
			t.Fatalf("wrong password: %v", err)
		}
	})
	t.Run("OK", func(t *testing.T) {
		sess, err := s.OpenSession(ctx, "lan.nt", "lan-moi-2026", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(sess.Token, "mcs_") || len(sess.Token) < 40 || !sess.Expires.Equal(c.t.Add(time.Hour)) {
			t.Fatalf("session %+v", sess)
		}
		if v, ok, _ := st.Setting(ctx, "session."+sess.Token); ok || strings.Contains(v, sess.Token) {
			t.Fatal("the token is stored in clear")
		}
		a, err := s.ResolveSession(ctx, sess.Token)
		if err != nil || a != (app.Actor{Username: "lan.nt", Role: app.RoleOfficer}) {
			t.Fatalf("resolve: %+v %v", a, err)
		}
		c.t = c.t.Add(59 * time.Minute)
		if _, err := s.ResolveSession(ctx, sess.Token); err != nil {
			t.Fatalf("before the expiry: %v", err)
		}
		c.t = c.t.Add(time.Minute)
		if _, err := s.ResolveSession(ctx, sess.Token); code(err) != accounts.ErrSessionInvalid {
			t.Fatalf("at the expiry: %v", err)
		}
	})
	t.Run("ErrSessionInvalidClosed", func(t *testing.T) {
		sess, err := s.OpenSession(ctx, "lan.nt", "lan-moi-2026", 0)
		if err != nil {
			t.Fatal(err)
		}
		if !sess.Expires.Equal(c.t.Add(accounts.MaxSession)) {
			t.Fatalf("default length: %v", sess.Expires.Sub(c.t))
		}
		if err := s.CloseSession(ctx, sess.Token); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ResolveSession(ctx, sess.Token); code(err) != accounts.ErrSessionInvalid {
			t.Fatalf("closed session: %v", err)
		}
		if _, err := s.ResolveSession(ctx, sess.Token+"x"); code(err) != accounts.ErrSessionInvalid {
			t.Fatalf("forged token: %v", err)
		}
	})
	t.Run("ErrSessionInvalidRoleChanged", func(t *testing.T) {
		sess, err := s.OpenSession(ctx, "lan.nt", "lan-moi-2026", 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if !sess.Expires.Equal(c.t.Add(accounts.MaxSession)) {
			t.Fatal("a session longer than MaxSession")
		}
		if _, err := s.Update(ctx, admin, "lan.nt", "Nguyễn Thị Lan", accounts.RoleLeader, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ResolveSession(ctx, sess.Token); code(err) != accounts.ErrSessionInvalid {
			t.Fatalf("role changed: %v", err)
		}
		sess, _ = s.OpenSession(ctx, "lan.nt", "lan-moi-2026", time.Hour)
		if _, err := s.Update(ctx, admin, "lan.nt", "Nguyễn Thị Lan", accounts.RoleLeader, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ResolveSession(ctx, sess.Token); code(err) != accounts.ErrSessionInvalid {
			t.Fatalf("disabled account: %v", err)
		}
	})
}

func mustGet(t *testing.T, st interface {
	GetUser(context.Context, string) (*accounts.User, error)
}, name string) *accounts.User {
	t.Helper()
	u, err := st.GetUser(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
