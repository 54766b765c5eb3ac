package ui_test

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"motcua/app/accounts"
)

// TestProvisionedAdminNoOpenSetup: on a PC whose station profile carried
// the first administrator (`provision apply` makes the same call), the
// window opens on the sign-in screen — never on "create the administrator"
// — and the set-up code from the province is a temporary password that
// must be replaced before the frame opens. A PC provisioned without one
// keeps the first-run screen (TestSetupAdminOnly).
func TestProvisionedAdminNoOpenSetup(t *testing.T) {
	s := newStation(t, true)
	ctx := context.Background()
	code, err := accounts.NewSetupCode()
	if err != nil {
		t.Fatal(err)
	}
	hash, err := accounts.Hash(code, cheap)
	if err != nil {
		t.Fatal(err)
	}
	if _, created, err := s.acc.ProvisionFirstAdmin(ctx, "provision:abc", "quantri.qp", "Nguyễn Văn Quản", hash); err != nil || !created {
		t.Fatalf("provision the administrator: created=%v %v", created, err)
	}
	m := s.open()
	if m.Setup != nil || m.SignIn == nil {
		t.Fatal("a provisioned PC offers the set-up screen (create the administrator) instead of the sign-in screen")
	}
	// A passer-by without the code gets nowhere.
	m.SignIn.Username.SetText("quantri.qp")
	test.Type(m.SignIn.Password, "admin123")
	enter(m.SignIn.Password)
	if m.Frame != nil || m.SignIn.Err.Text == "" {
		t.Fatal("signed in without the set-up code")
	}
	test.Type(m.SignIn.Password, code)
	enter(m.SignIn.Password)
	if m.Frame != nil {
		t.Fatal("the set-up code must be replaced before the frame opens")
	}
	test.Type(m.SignIn.NewPassword, "Mật khẩu riêng 2026")
	test.Type(m.SignIn.Confirm, "Mật khẩu riêng 2026")
	test.Tap(m.SignIn.Change)
	if m.Frame == nil || m.User.Username != "quantri.qp" || m.User.MustChange {
		t.Fatalf("after choosing a password: frame=%v user=%+v", m.Frame != nil, m.User)
	}
}
