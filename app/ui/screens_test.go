package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"motcua/app/accounts"
	"motcua/app/ui"
)

func TestSetupFirstRun(t *testing.T) {
	s := newStation(t, false)
	m := s.open()
	if m.Setup == nil {
		t.Fatal("a new station must open on the set-up screen")
	}
	st := m.Setup
	t.Run("ErrBadAgencyID", func(t *testing.T) {
		test.Type(st.AgencyID, "000.00.06.h56")
		test.Type(st.Name, "UBND xã Quảng Phú")
		test.Type(st.Username, "admin")
		test.Type(st.FullName, "Quản Trị Viên")
		test.Type(st.Password, "quantri-2026")
		test.Type(st.Confirm, "quantri-2026")
		test.Tap(st.Save)
		if m.Frame != nil {
			t.Fatal("a lower-case agency id was accepted")
		}
	})
	t.Run("ErrConfirm", func(t *testing.T) {
		st.AgencyID.SetText("000.00.06.H56")
		st.Confirm.SetText("quantri-2027")
		test.Tap(st.Save)
		if m.Frame != nil {
			t.Fatal("two different passwords were accepted")
		}
	})
	t.Run("ErrWeakPassword", func(t *testing.T) {
		st.Password.SetText("ngan")
		st.Confirm.SetText("ngan")
		test.Tap(st.Save)
		if m.Frame != nil {
			t.Fatal("a short password was accepted")
		}
		if _, err := s.svc.Identity(t.Context()); err == nil {
			t.Fatal("a bad password must not leave a half-done set-up")
		}
	})
	st.Password.SetText("quantri-2026")
	st.Confirm.SetText("quantri-2026")
	enter(st.Confirm)
	if m.Frame == nil {
		t.Fatal("set-up did not open the counter")
	}
	if m.User.Role != accounts.RoleAdmin || m.Frame.Current() != ui.ScreenIntake {
		t.Fatalf("after set-up: %+v on screen %d", m.User, m.Frame.Current())
	}
	if s.win.Canvas().Focused() != m.Frame.Intake.Scan {
		t.Fatal("the scan field must be ready after set-up")
	}
}

func TestSignInLockAndSwitch(t *testing.T) {
	s := newStation(t, true)
	s.user("lan.nt", "Nguyễn Thị Lan", accounts.RoleOfficer, "matkhau-lan")
	m := s.open()
	in := m.SignIn
	t.Run("ErrBadCredentials", func(t *testing.T) {
		in.Username.SetText("lan.nt")
		test.Type(in.Password, "sai-mat-khau")
		enter(in.Password)
		if m.Frame != nil || !strings.Contains(in.Err.Text, "Sai tên đăng nhập hoặc mật khẩu") {
			t.Fatalf("wrong password: frame=%v err=%q", m.Frame != nil, in.Err.Text)
		}
		if in.Password.Text != "" {
			t.Fatal("the password field must be cleared after a failure")
		}
	})
	test.Type(in.Password, "matkhau-lan")
	enter(in.Password)
	if m.Frame == nil {
		t.Fatalf("sign-in: %q", in.Err.Text)
	}
	if !strings.Contains(m.Frame.Status.Officer.Text, "Nguyễn Thị Lan") || !strings.Contains(m.Frame.Status.Agency.Text, "UBND xã Quảng Phú") {
		t.Fatalf("status bar: %q %q", m.Frame.Status.Agency.Text, m.Frame.Status.Officer.Text)
	}
	// Something typed, then the officer walks away.
	test.Type(m.Frame.Intake.Name, "Lê Văn")
	s.clock.add(9 * 60e9)
	m.CheckIdle()
	if m.Locked() {
		t.Fatal("locked before the idle period")
	}
	s.clock.add(2 * 60e9)
	m.CheckIdle()
	if !m.Locked() {
		t.Fatal("not locked after 11 idle minutes")
	}
	if !strings.Contains(m.Lock.Why.Text, "tự khóa") {
		t.Fatalf("idle lock: %q", m.Lock.Why.Text)
	}
	t.Run("KeysWhileLocked", func(t *testing.T) {
		key(s.win, fyne.KeyF3)
		ctrl(s.win, fyne.KeyReturn)
		if !m.Locked() || m.Frame.Current() != ui.ScreenIntake || m.Frame.Intake.Last != nil {
			t.Fatal("the frame's keys must not work behind the lock screen")
		}
	})
	t.Run("ErrUnlock", func(t *testing.T) {
		test.Type(m.Lock.Password, "sai")
		enter(m.Lock.Password)
		if !m.Locked() || m.Lock.Err.Text == "" {
			t.Fatal("unlocked with a wrong password")
		}
	})
	test.Type(m.Lock.Password, "matkhau-lan")
	enter(m.Lock.Password)
	if m.Locked() {
		t.Fatalf("unlock: %q", m.Lock.Err.Text)
	}
	if m.Frame.Intake.Name.Text != "Lê Văn" {
		t.Fatalf("what was typed before the lock is lost: %q", m.Frame.Intake.Name.Text)
	}
	// Ctrl+L from a field, then another officer signs in.
	s.user("binh.tv", "Trần Văn Bình", accounts.RoleLeader, "matkhau-binh")
	s.win.Canvas().Focus(m.Frame.Intake.Name)
	ctrl(s.win, fyne.KeyL)
	if !m.Locked() {
		t.Fatal("Ctrl+L did not lock")
	}
	if strings.Contains(m.Lock.Why.Text, "tự khóa") || !strings.Contains(m.Lock.Why.Text, "Bạn đã khóa máy") {
		t.Fatalf("a manual lock is not the idle lock: %q", m.Lock.Why.Text)
	}
	test.Tap(m.Lock.Switch)
	m.SignIn.Username.SetText("binh.tv")
	test.Type(m.SignIn.Password, "matkhau-binh")
	enter(m.SignIn.Password)
	if m.User == nil || m.User.Username != "binh.tv" || m.Frame == nil {
		t.Fatal("switching officer failed")
	}
}

func TestMustChangePassword(t *testing.T) {
	s := newStation(t, true)
	s.user("admin", "", "", "")
	admin, _ := s.st.GetUser(t.Context(), "admin")
	if _, err := s.acc.Create(t.Context(), admin, accounts.NewUser{Username: "hoa.lt", FullName: "Lê Thị Hoa", Role: accounts.RoleOfficer, Password: "tam-thoi-1"}); err != nil {
		t.Fatal(err)
	}
	m := s.open()
	m.SignIn.Username.SetText("hoa.lt")
	test.Type(m.SignIn.Password, "tam-thoi-1")
	enter(m.SignIn.Password)
	if m.Frame != nil {
		t.Fatal("a reset account went straight in")
	}
	if s.win.Canvas().Focused() != m.SignIn.NewPassword {
		t.Fatal("the new password field must take the focus")
	}
	if why := m.SignIn.ChangeReason(); strings.Contains(why, "đặt lại") || !strings.Contains(why, "lần đăng nhập đầu tiên") {
		t.Fatalf("a brand-new account is told %q", why)
	}
	t.Run("ErrSameAsTemporary", func(t *testing.T) {
		test.Type(m.SignIn.NewPassword, "tam-thoi-1")
		test.Type(m.SignIn.Confirm, "tam-thoi-1")
		enter(m.SignIn.Confirm)
		if m.Frame != nil || m.SignIn.ChangeErr.Text == "" {
			t.Fatal("the temporary password was kept")
		}
	})
	m.SignIn.NewPassword.SetText("hoa-rieng-2026")
	m.SignIn.Confirm.SetText("hoa-rieng-2026")
	enter(m.SignIn.Confirm)
	if m.Frame == nil {
		t.Fatalf("change: %q", m.SignIn.ChangeErr.Text)
	}
	// Later the administrator resets it: now that is what she is told.
	if err := s.acc.ResetPassword(t.Context(), admin, "hoa.lt", "tam-thoi-2"); err != nil {
		t.Fatal(err)
	}
	m.SignOut()
	m.SignIn.Username.SetText("hoa.lt")
	test.Type(m.SignIn.Password, "tam-thoi-2")
	enter(m.SignIn.Password)
	if why := m.SignIn.ChangeReason(); !strings.Contains(why, "Quản trị đã đặt lại mật khẩu") {
		t.Fatalf("a reset account is told %q", why)
	}
}

func TestFunctionKeysFromAnyField(t *testing.T) {
	s, m := officer(t)
	f := m.Frame
	s.win.Canvas().Focus(f.Intake.Name)
	key(s.win, fyne.KeyF3)
	if f.Current() != ui.ScreenDossiers || s.win.Canvas().Focused() != f.Dossiers.Search {
		t.Fatalf("F3 from the name field: screen %d", f.Current())
	}
	key(s.win, fyne.KeyF4)
	if f.Current() != ui.ScreenReturn || s.win.Canvas().Focused() != f.Return.Scan {
		t.Fatal("F4 did not open the return screen on its scan field")
	}
	key(s.win, fyne.KeyF5)
	key(s.win, fyne.KeyF6)
	if f.Current() != ui.ScreenSettings {
		t.Fatal("F6 did not open the settings")
	}
	s.win.Canvas().Unfocus()
	key(s.win, fyne.KeyF2)
	if f.Current() != ui.ScreenIntake || s.win.Canvas().Focused() != f.Intake.Scan {
		t.Fatal("F2 with nothing focused did not bring the scan field back")
	}
	// A button has the focus: the keys still work.
	s.win.Canvas().Focus(f.Intake.Accept)
	key(s.win, fyne.KeyF3)
	if f.Current() != ui.ScreenDossiers {
		t.Fatal("F3 from a button")
	}
}

// TestSetupAdminOnly: a station initialised by `motcua init` (the
// installer) asks only for the first administrator.
func TestSetupAdminOnly(t *testing.T) {
	s := newStation(t, true)
	m := s.open()
	if m.Setup == nil || m.Setup.AgencyID.Visible() && m.Setup.Focus() == m.Setup.AgencyID {
		t.Fatal("an initialised station without accounts must ask for the administrator only")
	}
	test.Type(m.Setup.Username, "quantri")
	test.Type(m.Setup.FullName, "Hoàng Văn Quản")
	test.Type(m.Setup.Password, "quantri-2026")
	test.Type(m.Setup.Confirm, "quantri-2026")
	test.Tap(m.Setup.Save)
	if m.Frame == nil || m.User.Username != "quantri" {
		t.Fatalf("admin-only set-up: %q", m.Setup.Err.Text)
	}
	// The next start goes to the sign-in screen.
	m2 := s.open()
	if m2.SignIn == nil || m2.Setup != nil {
		t.Fatal("with an administrator, the window opens on the sign-in screen")
	}
}

// The set-up form shows every problem at once under its field, clears a
// message when its field is corrected, saves on Enter from any field, and
// fits a 1366×697 screen without scrolling.
func TestSetupFormBehaviour(t *testing.T) {
	s := newStation(t, false)
	s.win.Resize(fyne.NewSize(1366, 697))
	m := s.open()
	st := m.Setup
	st.AgencyID.SetText("000.00.06.h56")
	st.Station.SetText("3/2")
	st.Username.SetText("Quản trị")
	st.Password.SetText("ngan")
	st.Confirm.SetText("khac")
	enter(st.AgencyID) // Enter in the first field
	if m.Frame != nil {
		t.Fatal("a form full of errors was accepted")
	}
	for _, f := range []string{"agency_id", "agency_name", "station", "username", "full_name", "password", "confirm"} {
		if st.ErrorText(f) == "" {
			t.Errorf("no message under %s: every problem must show at once", f)
		}
	}
	if s.win.Canvas().Focused() != st.AgencyID {
		t.Errorf("the focus must go to the first field to correct")
	}
	st.AgencyID.SetText("000.00.06.H56")
	if st.ErrorText("agency_id") != "" {
		t.Errorf("the agency id was corrected, its message stays: %q", st.ErrorText("agency_id"))
	}
	if st.ErrorText("station") == "" {
		t.Error("correcting one field cleared another's message")
	}
	// Everything the officer sees fits: the form's natural height within
	// the window, the button in view.
	if h := st.Content().MinSize().Height; h > 697 {
		t.Errorf("the form needs %.0f px, the window has 697", h)
	}
	if need := st.FormHeight(); need > s.win.Canvas().Size().Height {
		t.Errorf("the form needs %.0f px of %.0f: it is cut off at the bottom", need, s.win.Canvas().Size().Height)
	}
	st.Name.SetText("UBND xã Quảng Phú")
	st.Station.SetText("1/1")
	st.Username.SetText("admin")
	st.FullName.SetText("Quản Trị Viên")
	st.Password.SetText("quantri-2026")
	st.Confirm.SetText("quantri-2026")
	enter(st.FullName) // Enter from a field in the middle saves
	if m.Frame == nil {
		t.Fatalf("Enter in a middle field did not save: %q", st.Err.Text)
	}
}
