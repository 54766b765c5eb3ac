package ui

import (
	"context"
	fieldmode "motcua/app/field"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/continuity"
)

// Screen names the frame's screens.
type Screen int

const (
	ScreenIntake Screen = iota
	ScreenDossiers
	ScreenReturn
	ScreenSync
	ScreenSettings
	ScreenContinuity
	ScreenReports
	ScreenField // F9, on a field station (field mode)
)

// screen is what the frame needs of each screen.
type screen interface {
	Content() fyne.CanvasObject
	// shown runs when the screen comes to the front: refresh, focus.
	shown()
	// bindings are the screen's own keys.
	bindings() map[string]func()
}

// env is what every screen of the frame shares: the window, the services,
// the signed-in officer and the way to other screens.
type env struct {
	win    fyne.Window
	svc    *app.Service
	acc    *accounts.Service
	keys   *Keys
	typing *Typing
	papers *Papers
	main   *Main
	frame  *Frame
	field  *fieldmode.Service // nil: no field mode
}

func (e *env) user() *accounts.User { return e.frame.user }

// actor is the username every action is recorded under.
func (e *env) actor() string { return e.frame.user.Username }

// acting is the signed-in account as the service's operations take it
// (the service checks the role).
func (e *env) acting() app.Actor { return e.frame.user.Actor() }

func (e *env) now() time.Time { return e.svc.Clock.Now().In(motcua.Location) }

func (e *env) focus(f fyne.Focusable) {
	if f != nil {
		e.win.Canvas().Focus(f)
	}
}

// Frame is the working window: the navigation bar with the F-keys, the
// current screen, and the status bar.
type Frame struct {
	env
	user *accounts.User

	Intake     *Intake
	Dossiers   *Dossiers
	Return     *Return
	Sync       *SyncScreen
	Settings   *Settings
	Continuity *Continuity
	Reports    *Reports
	Field      *FieldScreen // nil without field mode
	Status     *StatusBar
	// Banner is the strip at the top while an incident is open.
	Banner *IncidentBanner

	current Screen
	nav     []*Button
	center  *fyne.Container
	content fyne.CanvasObject
	stop    chan struct{}
	unsub   func()
	unsubCS func()
}

func newFrame(m *Main) *Frame {
	f := &Frame{user: m.User, stop: make(chan struct{})}
	f.env = env{win: m.win, svc: m.svc, acc: m.acc, keys: m.keys, typing: m.typing, papers: m.papers, main: m, frame: f, field: m.opt.Field}
	e := &f.env
	f.Status = newStatusBar(e)
	f.Dossiers = newDossiers(e)
	f.Intake = newIntake(e)
	f.Return = newReturn(e)
	f.Sync = newSyncScreen(e)
	f.Settings = newSettings(e)
	f.Continuity = newContinuity(e)
	f.Reports = newReports(e, m.opt.Reports)
	f.Banner = newIncidentBanner(m.opt.Continuity, f.now)

	items := []struct {
		s     Screen
		label string
		key   fyne.KeyName
	}{
		{ScreenIntake, tr("F2 Tiếp nhận"), fyne.KeyF2},
		{ScreenDossiers, tr("F3 Hồ sơ"), fyne.KeyF3},
		{ScreenReturn, tr("F4 Trả kết quả"), fyne.KeyF4},
		{ScreenSync, tr("F5 Đồng bộ"), fyne.KeyF5},
		{ScreenSettings, tr("F6 Cài đặt"), fyne.KeyF6},
		{ScreenContinuity, tr("F7 Liên tục"), fyne.KeyF7},
		{ScreenReports, tr("F8 Báo cáo"), fyne.KeyF8},
	}
	if m.opt.Field != nil {
		f.Field = newFieldScreen(e)
		items = append(items, struct {
			s     Screen
			label string
			key   fyne.KeyName
		}{ScreenField, tr("F9 Hiện trường"), fyne.KeyF9})
	}
	navBox := container.NewHBox()
	for _, it := range items {
		s := it.s
		b := newButton(m.keys, it.label, func() { f.Go(s) })
		f.nav = append(f.nav, b)
		navBox.Add(b)
		m.keys.Global(keyName(it.key), func() { f.Go(s) })
	}
	m.keys.Global(sc(ctrl(fyne.KeyL)), m.LockNow)
	m.keys.Global(sc(alt(fyne.KeyZ)), f.toggleTyping)
	m.keys.Global(sc(signOutKey), m.SignOut)
	lock := newButton(m.keys, tr("Khóa máy (Ctrl+L)"), m.LockNow)
	lock.Importance = widget.LowImportance
	out := newButton(m.keys, tr("Đăng xuất (Ctrl+Shift+L)"), m.SignOut)
	out.Importance = widget.LowImportance
	// The officer's name takes the room the tabs and buttons leave, and is
	// shortened (…) rather than pushing the window past 1366 px.
	who := widget.NewLabelWithStyle(f.user.FullName+" · "+roleName(f.user.Role), fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	who.Truncation = fyne.TextTruncateEllipsis
	bar := container.NewBorder(nil, nil, navBox, container.NewHBox(lock, out), who)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameHeaderBackground))
	top := container.NewVBox(container.NewStack(bg, container.NewPadded(bar)), f.Banner.Content(), f.Reports.Reminder, widget.NewSeparator())

	f.center = container.NewStack()
	f.content = container.NewBorder(top, container.NewVBox(widget.NewSeparator(), f.Status.Content()), nil, nil, f.center)

	if m.svc.Sync != nil {
		f.unsub = m.svc.Sync.Subscribe(func(st app.SyncStatus) {
			onUI(func() {
				f.Status.setSync(st)
				f.Sync.setStatus(st)
			})
		})
	}
	if cs := m.opt.Continuity; cs != nil {
		// Events come on the goroutine that caused them: hop to the UI.
		f.unsubCS = cs.Subscribe(func(ev continuity.Event) {
			onUI(func() { f.continuityEvent(ev) })
		})
	}
	go func() {
		t := time.NewTicker(30 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-f.stop:
				return
			case <-t.C:
				onUI(f.tick)
			}
		}
	}()
	f.Status.Refresh()
	f.Banner.Refresh()
	return f
}

// tick is the periodic refresh: the status bar, and the banner and the
// drill tab, which follow the clock (a scheduled drill becomes due without
// any event).
func (f *Frame) tick() {
	// A holiday or office-hours change made from the command line reaches
	// the due dates of this window within a tick.
	_, _ = f.svc.RefreshCalendar(context.Background())
	f.Status.Refresh()
	f.Banner.Refresh()
	f.Continuity.tick()
}

// continuityEvent follows the continuity plan: the banner, the status bar
// and the F7 screen when it is on show.
func (f *Frame) continuityEvent(ev continuity.Event) {
	select {
	case <-f.stop:
		return // signed out meanwhile
	default:
	}
	f.Banner.Refresh()
	f.Status.Refresh()
	f.Continuity.changed(ev)
}

func roleName(r accounts.Role) string {
	if lang() == "en" {
		return r.NameEN()
	}
	return r.Name()
}

// Papers makes, shows and prints the forms of this station.
func (f *Frame) Papers() *Papers { return f.papers }

// Content is the frame's root object.
func (f *Frame) Content() fyne.CanvasObject { return f.content }

func (f *Frame) screen(s Screen) screen {
	switch s {
	case ScreenDossiers:
		return f.Dossiers
	case ScreenReturn:
		return f.Return
	case ScreenSync:
		return f.Sync
	case ScreenSettings:
		return f.Settings
	case ScreenContinuity:
		return f.Continuity
	case ScreenReports:
		return f.Reports
	case ScreenField:
		if f.Field != nil {
			return f.Field
		}
	}
	return f.Intake
}

// Current is the screen on show.
func (f *Frame) Current() Screen { return f.current }

// Go shows screen s.
func (f *Frame) Go(s Screen) {
	f.current = s
	for i, b := range f.nav {
		if Screen(i) == s {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
	sc := f.screen(s)
	f.center.Objects = []fyne.CanvasObject{sc.Content()}
	f.center.Refresh()
	f.keys.SetScreen(sc.bindings())
	sc.shown()
}

// refocus gives the focus back to the current screen after the lock.
func (f *Frame) refocus() {
	f.keys.SetScreen(f.screen(f.current).bindings())
	f.screen(f.current).shown()
}

func (f *Frame) toggleTyping() {
	switch f.typing.Mode {
	case TypingOff:
		f.typing.Mode = TypingTelex
	case TypingTelex:
		f.typing.Mode = TypingVNI
	default:
		f.typing.Mode = TypingOff
	}
	p := f.user.Prefs
	p.Typing = string(f.typing.Mode)
	f.user.Prefs = p
	_ = f.acc.SavePrefs(context.Background(), f.user.Username, p)
	f.Status.Refresh()
	f.Settings.syncPrefs()
}

// OpenDossier shows the detail of a dossier on the dossiers screen.
func (f *Frame) OpenDossier(code string) error {
	d, err := f.svc.Store.Get(context.Background(), code)
	if err != nil {
		return err
	}
	f.Go(ScreenDossiers)
	f.Dossiers.openDetail(d)
	return nil
}

func (f *Frame) close() {
	select {
	case <-f.stop:
	default:
		close(f.stop)
	}
	if f.unsub != nil {
		f.unsub()
		f.unsub = nil
	}
	if f.unsubCS != nil {
		f.unsubCS()
		f.unsubCS = nil
	}
}

// changed is called after any write: the status bar and the list follow.
func (f *Frame) changed() {
	f.Status.Refresh()
	f.Banner.Refresh()
	f.Dossiers.invalidate()
}
