// Package ui is the Fyne window of the counter. One struct per screen, each
// taking the services it needs (app.Service, accounts.Service, the station
// keys) and the window; background work reaches widgets only through
// fyne.Do (onUI). It never imports storage/ or sync/.
//
// The window is keyboard-first: F2 intake, F3 dossiers, F4 return, F5 sync,
// F6 settings, F7 continuity plan, F8 reports, Ctrl+L lock; every text field passes
// these keys on (see Keys), and the scan field of intake and return is
// where the focus comes back after each action, ready for the USB scanner.
package ui

import (
	"context"
	fieldmode "motcua/app/field"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/continuity"
	"motcua/app/forms"
	"motcua/app/reports"
)

// Options are what the window needs besides the counter service.
type Options struct {
	Accounts *accounts.Service
	// Keys sign the QR of every form and verify scanned receipts; nil: no
	// form can be printed and receipts cannot be checked (the window says so).
	Keys *app.Keys
	// PapersDir is where the PDF forms are written; default: a "papers"
	// folder in the working directory.
	PapersDir string
	// Open and Print hand a PDF to the system (default forms.Open, forms.Print).
	Open, Print func(path string) error
	// PrintTo sends a PDF to the printer chosen in Settings (default
	// forms.PrintTo; when only Print is given, as in tests, Print).
	PrintTo func(path, printer string) error
	// Printers lists the installed printers for Settings (default forms.Printers).
	Printers func(context.Context) ([]forms.Printer, error)
	// IdleLock locks the window after this long without keyboard or mouse
	// action; 0 means 10 minutes, negative never.
	IdleLock time.Duration
	// Incident returns a one-line summary of the incident in progress (the
	// continuity plan), or "" when there is none; nil: not available.
	Incident func() string
	// Continuity is the continuity plan (incident register, runbooks,
	// drills, paper fallback); nil: the F7 screen says it is not available.
	Continuity *continuity.Service
	// Backups runs "back up now" and lists the backups; nil: not available.
	Backups *continuity.BackupService
	// Outage lets a drill simulate the loss of the province (the sync
	// engine implements it); nil: drills cannot simulate an outage.
	Outage continuity.Outage
	// ProvinceCheck confirms at the province that a drill's dossiers
	// arrived; nil: a drill checks the local queue only.
	ProvinceCheck continuity.ProvinceCheck
	// Thumbs draws the pages of digitised documents for preview
	// (pdfrender, isolated); nil: no PDF preview (the window says so).
	Thumbs Thumbnailer
	// Inbox is the station's scan-inbox folder watcher; nil: no inbox.
	Inbox *ScanInbox
	// Reports computes the deadline board and the period reports (F8,
	// and the reminder at sign-in); nil: the F8 screen says it is off.
	Reports *reports.Service
	// Field is field mode: at the counter, a slip's QR scanned in intake
	// opens the pre-dossier a community team prepared; nil: slips are
	// not recognised.
	Field *fieldmode.Service
}

// Main is the counter window: first-run set-up, sign-in, then the frame
// with its screens; the lock screen after an idle period.
type Main struct {
	win    fyne.Window
	svc    *app.Service
	acc    *accounts.Service
	opt    Options
	keys   *Keys
	typing *Typing
	papers *Papers
	thumbs *Thumbs

	// User is the signed-in officer (nil before sign-in).
	User *accounts.User

	Setup  *Setup
	SignIn *SignIn
	Lock   *LockScreen
	Frame  *Frame

	ask *Ask

	mu         sync.Mutex
	lastActive time.Time
	locked     bool
	stopIdle   chan struct{}
}

// NewMain builds the window's content: set-up on a new station, else the
// sign-in screen.
func NewMain(win fyne.Window, svc *app.Service, opt Options) *Main {
	if opt.Accounts == nil {
		panic("ui: Options.Accounts is required")
	}
	if opt.PapersDir == "" {
		opt.PapersDir = "papers"
	}
	if opt.Open == nil {
		opt.Open = forms.Open
	}
	if opt.PrintTo == nil && opt.Print != nil {
		pr := opt.Print
		opt.PrintTo = func(path, _ string) error { return pr(path) }
	}
	if opt.Print == nil {
		opt.Print = forms.Print
	}
	if opt.PrintTo == nil {
		opt.PrintTo = forms.PrintTo
	}
	if opt.Printers == nil {
		opt.Printers = forms.Printers
	}
	if opt.IdleLock == 0 {
		opt.IdleLock = 10 * time.Minute
	}
	if opt.Incident == nil && opt.Continuity != nil {
		opt.Incident = openIncidentLine(opt.Continuity)
	}
	m := &Main{win: win, svc: svc, acc: opt.Accounts, opt: opt, typing: &Typing{}}
	m.keys = newKeys(m.touch)
	m.keys.explain = func(why string) { m.explain(why) }
	m.keys.install(win.Canvas())
	m.thumbs = newThumbs(opt.Thumbs)
	m.papers = &Papers{svc: svc, keys: opt.Keys, dir: opt.PapersDir, profile: forms.Default(), open: opt.Open, print: opt.Print,
		printTo: opt.PrintTo, printers: opt.Printers}
	fyne.CurrentApp().Settings().SetTheme(newTheme(1))
	m.lastActive = m.now()
	m.start()
	return m
}

func (m *Main) now() time.Time { return m.svc.Clock.Now() }

// touch records keyboard or mouse activity for the idle lock.
func (m *Main) touch() {
	m.mu.Lock()
	m.lastActive = m.now()
	m.mu.Unlock()
}

// start shows the first screen the station's state calls for.
func (m *Main) start() {
	ctx := context.Background()
	_, idErr := m.svc.Identity(ctx)
	has, err := m.acc.HasUsers(ctx)
	if idErr != nil || (err == nil && !has) {
		m.Setup = NewSetup(m.win, m.svc, m.acc, m.keys, m.typing, idErr == nil, m.signedIn)
		m.show(m.Setup.Content(), m.Setup.Focus())
		return
	}
	m.showSignIn("")
}

func (m *Main) show(content fyne.CanvasObject, focus fyne.Focusable) {
	m.win.SetContent(content)
	if focus != nil {
		m.win.Canvas().Focus(focus)
	}
}

func (m *Main) showSignIn(username string) {
	m.keys.suspended = false
	m.keys.SetScreen(nil)
	m.keys.global = map[string]func(){}
	m.SignIn = NewSignIn(m.win, m.svc, m.acc, m.keys, username, m.signedIn)
	m.show(m.SignIn.Content(), m.SignIn.Focus())
}

// signedIn opens the frame for u, or gives the frame back to the same user
// after the lock.
func (m *Main) signedIn(u *accounts.User) {
	m.touch()
	m.applyPrefs(u.Prefs)
	m.mu.Lock()
	m.locked = false
	m.mu.Unlock()
	m.keys.suspended = false
	if m.Frame != nil && m.User != nil && m.User.Username == u.Username {
		m.User = u
		m.Frame.user = u
		m.win.SetContent(m.Frame.Content())
		m.Frame.refocus()
		return
	}
	m.User = u
	if m.Frame != nil {
		m.Frame.close()
	}
	m.Frame = newFrame(m)
	m.win.SetContent(m.Frame.Content())
	m.Frame.Go(ScreenIntake)
	m.watchIdle()
}

// applyPrefs sets the language, text size and typing mode of the user.
func (m *Main) applyPrefs(p accounts.Prefs) {
	SetLanguage(p.Lang)
	scale := p.TextScale
	if scale == 0 {
		scale = 1
	}
	fyne.CurrentApp().Settings().SetTheme(newTheme(scale))
	m.typing.Mode = TypingMode(p.Typing)
}

// SignOut closes the frame and shows the sign-in screen.
func (m *Main) SignOut() {
	m.dismissAsk()
	if m.Frame != nil {
		m.Frame.close()
		m.Frame = nil
	}
	m.User = nil
	m.showSignIn("")
}

// LockNow shows the lock screen over the frame (Ctrl+L); what was typed
// stays.
func (m *Main) LockNow() { m.lock(false) }

// lock shows the lock screen; idle says the window locked itself.
func (m *Main) lock(idle bool) {
	if m.User == nil || m.Frame == nil {
		return
	}
	m.dismissAsk()
	m.mu.Lock()
	m.locked = true
	m.mu.Unlock()
	m.keys.suspended = true
	m.Lock = NewLockScreen(m.win, m.acc, m.keys, m.User, idle, m.signedIn, m.SignOut)
	m.win.SetContent(m.Lock.Content())
	m.win.Canvas().Focus(m.Lock.Password)
}

// Locked reports whether the lock screen is showing.
func (m *Main) Locked() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.locked
}

// CheckIdle locks the window if nothing happened for the idle period.
func (m *Main) CheckIdle() {
	if m.opt.IdleLock < 0 || m.User == nil || m.Locked() {
		return
	}
	m.mu.Lock()
	idle := m.now().Sub(m.lastActive)
	m.mu.Unlock()
	if idle >= m.opt.IdleLock {
		m.lock(true)
	}
}

func (m *Main) watchIdle() {
	if m.stopIdle != nil || m.opt.IdleLock < 0 {
		return
	}
	m.stopIdle = make(chan struct{})
	go func(stop chan struct{}) {
		t := time.NewTicker(15 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				onUI(m.CheckIdle)
			}
		}
	}(m.stopIdle)
}

// Close stops the background work of the window.
func (m *Main) Close() {
	if m.stopIdle != nil {
		close(m.stopIdle)
		m.stopIdle = nil
	}
	if m.Frame != nil {
		m.Frame.close()
	}
}

// fullNames maps the station's usernames to the officers' full names, for
// history lines: an officer reads "Nguyễn Thị Lan", not "lan.nt".
func (m *Main) fullNames() map[string]string {
	us, err := m.acc.List(context.Background())
	if err != nil {
		return nil
	}
	out := make(map[string]string, len(us))
	for _, u := range us {
		if u.FullName != "" {
			out[u.Username] = u.FullName
		}
	}
	return out
}

// displayName is the full name of the account actor, or actor itself (a
// CLI user, "system", an account since removed).
func displayName(names map[string]string, actor string) string {
	if n, ok := names[actor]; ok {
		return n
	}
	return actor
}
