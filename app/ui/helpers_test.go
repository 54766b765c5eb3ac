package ui_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/ui"
	"motcua/assets"
	"motcua/storage"
)

// clock is a settable clock shared by the services and the window.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// cheap hashing keeps the tests fast; the cost is tested in app/accounts.
var cheap = accounts.Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

// station is one counter PC for a test: the store, the services, the
// window, and what was opened and printed.
type station struct {
	t       *testing.T
	dir     string
	st      *storage.Store
	svc     *app.Service
	acc     *accounts.Service
	keys    *app.Keys
	clock   *clock
	app     fyne.App
	win     fyne.Window
	m       *ui.Main
	mu      sync.Mutex
	opened  []string
	printed []string
	// incident is what the continuity plan reports in progress ("" none).
	incident string
}

// Monday 23/11/2026 09:00: a working day.
var monday = time.Date(2026, 11, 23, 9, 0, 0, 0, motcua.Location)

func newStation(t *testing.T, initialised bool) *station {
	t.Helper()
	s := &station{t: t, dir: t.TempDir(), clock: &clock{t: monday}}
	var err error
	s.st, err = storage.Open(filepath.Join(s.dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.st.Close() })
	cat, err := motcua.LoadCatalog(bytes.NewReader(assets.CatalogJSON))
	if err != nil {
		t.Fatal(err)
	}
	cal, err := app.LoadCalendar(context.Background(), s.st)
	if err != nil {
		t.Fatal(err)
	}
	s.svc = app.New(s.st, cal, cat)
	s.svc.Clock = s.clock
	s.acc = accounts.New(s.st)
	s.acc.Params = cheap
	s.acc.Clock = s.clock
	if initialised {
		if err := s.svc.Init(context.Background(), app.Station{AgencyID: "000.00.06.H56", AgencyName: "UBND xã Quảng Phú",
			Station: motcua.Station{K: 1, N: 1}}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	s.keys, err = app.LoadKeys(context.Background(), s.dir, s.st, "1/1", "test")
	if err != nil {
		t.Fatal(err)
	}
	s.app = test.NewApp()
	t.Cleanup(func() { ui.SetLanguage("vi") })
	s.win = s.app.NewWindow("Một Cửa")
	s.win.Resize(fyne.NewSize(1366, 740))
	return s
}

// open builds the window.
func (s *station) open() *ui.Main {
	s.m = ui.NewMain(s.win, s.svc, ui.Options{
		Accounts: s.acc, Keys: s.keys, PapersDir: filepath.Join(s.dir, "papers"),
		Open:     func(p string) error { s.mu.Lock(); s.opened = append(s.opened, p); s.mu.Unlock(); return nil },
		Print:    func(p string) error { s.mu.Lock(); s.printed = append(s.printed, p); s.mu.Unlock(); return nil },
		Incident: func() string { s.mu.Lock(); defer s.mu.Unlock(); return s.incident },
	})
	s.t.Cleanup(s.m.Close)
	return s.m
}

// user creates an account directly in the store (the set-up screen and
// the users screen have their own tests).
func (s *station) user(name, full string, role accounts.Role, pass string) {
	s.t.Helper()
	ctx := context.Background()
	has, _ := s.acc.HasUsers(ctx)
	if !has {
		if _, err := s.acc.CreateFirstAdmin(ctx, "admin", "Quản Trị Viên", "quantri-2026"); err != nil {
			s.t.Fatal(err)
		}
	}
	if name == "admin" {
		return
	}
	admin, _ := s.st.GetUser(ctx, "admin")
	if _, err := s.acc.Create(ctx, admin, accounts.NewUser{Username: name, FullName: full, Role: role, Password: pass}); err != nil {
		s.t.Fatal(err)
	}
	u, _ := s.st.GetUser(ctx, name)
	u.MustChange = false
	if err := s.st.UpdateUser(ctx, u, app.AuditEntry{}); err != nil {
		s.t.Fatal(err)
	}
}

// signIn opens the window and signs in through the sign-in screen.
func (s *station) signIn(name, pass string) *ui.Main {
	s.t.Helper()
	m := s.open()
	if m.SignIn == nil {
		s.t.Fatal("the window did not open on the sign-in screen")
	}
	m.SignIn.Username.SetText(name)
	test.Type(m.SignIn.Password, pass)
	enter(m.SignIn.Password)
	if m.Frame == nil {
		s.t.Fatalf("sign-in failed: %q", m.SignIn.Err.Text)
	}
	return m
}

// officer is a station with a signed-in counter officer.
func officer(t *testing.T) (*station, *ui.Main) {
	s := newStation(t, true)
	s.user("lan.nt", "Nguyễn Thị Lan", accounts.RoleOfficer, "matkhau-lan")
	return s, s.signIn("lan.nt", "matkhau-lan")
}

func leader(t *testing.T) (*station, *ui.Main) {
	s := newStation(t, true)
	s.user("binh.tv", "Trần Văn Bình", accounts.RoleLeader, "matkhau-binh")
	return s, s.signIn("binh.tv", "matkhau-binh")
}

// Keyboard, as the GLFW driver delivers it: keys to the focused widget,
// or to the canvas when nothing is focused.

func key(w fyne.Window, k fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: k}
	if f := w.Canvas().Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	if h := w.Canvas().OnTypedKey(); h != nil {
		h(ev)
	}
}

func shortcut(w fyne.Window, mod fyne.KeyModifier, k fyne.KeyName) {
	s := &desktop.CustomShortcut{KeyName: k, Modifier: mod}
	if f, ok := w.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(s)
		return
	}
	w.Canvas().(fyne.Shortcutable).TypedShortcut(s)
}

func ctrl(w fyne.Window, k fyne.KeyName) { shortcut(w, fyne.KeyModifierControl, k) }

func enter(f fyne.Focusable) { f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }

// typeKeys types like a keyboard: runes, and "\b" as Backspace.
func typeKeys(f fyne.Focusable, s string) {
	for _, r := range s {
		if r == '\b' {
			f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
			continue
		}
		f.TypedRune(r)
	}
}

// scan types a scanner line and Enter into the focused field.
func scan(w fyne.Window, line string) {
	f := w.Canvas().Focused()
	typeKeys(f, line)
	enter(f)
}

const cccdLine = "001190123456|012345678|Nguyễn Thị Ánh Tuyết|01011990|Nữ|Thôn 2, xã Quảng Phú|15042021"

// confirm answers the question showing (a final action's confirmation)
// as the officer does: it must be up, with its consequence; Enter on the
// focused button confirms, Esc cancels.
func confirm(t *testing.T, m *ui.Main, want string, yes bool) {
	t.Helper()
	a := m.Asking()
	if a == nil {
		t.Fatalf("no confirmation asked (want %q)", want)
	}
	if !strings.Contains(a.Title.Text+" "+a.Text.Text, want) {
		t.Fatalf("confirmation %q / %q, want %q", a.Title.Text, a.Text.Text, want)
	}
	if yes {
		if a.OK == nil || m.Asking() == nil {
			t.Fatal("the question has no button to confirm")
		}
		key(m.Window(), fyne.KeyReturn)
	} else {
		key(m.Window(), fyne.KeyEscape)
	}
	if m.Asking() != nil {
		t.Fatal("the question is still up after it was answered")
	}
}
