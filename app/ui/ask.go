package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua/app/accounts"
)

// Ask is a question over the window that is answered before anything
// else happens: the confirmation of a final action (refuse, stop, return),
// saying what it will do, or why an action cannot be taken here. Enter
// presses the focused button (the answer), Esc cancels; the screen's own
// keys are off meanwhile, so a second Ctrl+R or Ctrl+Enter does nothing.
type Ask struct {
	Title, Text *widget.Label
	// OK carries the action out; nil for an explanation (only Close).
	OK, Cancel *Button

	m      *Main
	pop    *widget.PopUp
	before fyne.Focusable
}

// Window is the window the counter runs in.
func (m *Main) Window() fyne.Window { return m.win }

// Asking is the question showing, or nil.
func (m *Main) Asking() *Ask { return m.ask }

// confirmFinal asks once before a final action: the consequence, then the
// action's own button (focused: Enter confirms) and Cancel (Esc).
func (m *Main) confirmFinal(title, consequence, okLabel string, ok func()) *Ask {
	return m.showAsk(title, consequence, okLabel, ok)
}

// explain says why an action is not available (a disabled button pressed,
// or its shortcut); Enter or Esc closes it.
func (m *Main) explain(why string) *Ask {
	return m.showAsk(tr("Không thực hiện được"), why, "", nil)
}

func (m *Main) showAsk(title, text, okLabel string, ok func()) *Ask {
	m.dismissAsk()
	a := &Ask{m: m, before: m.win.Canvas().Focused()}
	a.Title = bold(title)
	a.Text = widget.NewLabel(text)
	a.Text.Wrapping = fyne.TextWrapWord
	cancel := tr("Hủy (Esc)")
	if ok == nil {
		cancel = tr("Đóng (Esc)")
	}
	a.Cancel = newButton(m.keys, cancel, a.close)
	buttons := container.NewHBox(a.Cancel)
	focus := a.Cancel
	if ok != nil {
		a.OK = newButton(m.keys, okLabel+" "+tr("(Enter)"), func() {
			a.close()
			ok()
		})
		a.OK.Importance = widget.DangerImportance
		buttons = container.NewHBox(a.Cancel, spacer(), a.OK)
		focus = a.OK
	}
	body := container.New(&fixedWidth{w: 480}, container.NewVBox(a.Title, a.Text, widget.NewSeparator(), buttons))
	a.pop = widget.NewModalPopUp(container.NewPadded(body), m.win.Canvas())
	m.ask = a
	m.keys.modal = map[string]func(){keyName(fyne.KeyEscape): a.close}
	a.pop.Show()
	m.win.Canvas().Focus(focus)
	return a
}

// close takes the question away and gives the focus back.
func (a *Ask) close() {
	if a.m.ask != a {
		return
	}
	a.m.ask = nil
	a.m.keys.modal = nil
	a.pop.Hide()
	if a.before != nil {
		a.m.win.Canvas().Focus(a.before)
	}
}

// dismissAsk cancels the question showing, if any (the lock screen).
func (m *Main) dismissAsk() {
	if m.ask != nil {
		m.ask.close()
	}
}

// disableWhy disables ws; those that are buttons say why when pressed.
func disableWhy(why string, ws ...fyne.Disableable) {
	for _, w := range ws {
		if b, ok := w.(*Button); ok {
			b.Why = why
		}
		w.Disable()
	}
}

// notAllowed says why u may not do what perm guards, and what to do.
func notAllowed(u *accounts.User, perm accounts.Perm) string {
	return errMsg(accounts.Allow(u, perm)) + ". " + tr("Nhờ cán bộ có quyền này làm, hoặc đề nghị quản trị cấp quyền cho tài khoản của bạn.")
}

// leaderWhy is why a leader's action is disabled for u.
func leaderWhy() string {
	return tr("Chỉ lãnh đạo hoặc quản trị được làm việc này. Nhờ lãnh đạo đăng nhập trên máy này (Ctrl+L, «Đăng nhập tài khoản khác») để thực hiện.")
}

// TechLink is the "technical detail" button beside a message: the officer
// reads one plain sentence; support staff press this for the error as
// the program saw it (command, system error, output).
type TechLink struct {
	*Button
	err error
}

func newTechLink(m *Main) *TechLink {
	t := &TechLink{}
	t.Button = newButton(m.keys, tr("Chi tiết kỹ thuật…"), func() {
		if t.err != nil {
			m.showAsk(tr("Chi tiết kỹ thuật (cho quản trị, hỗ trợ kỹ thuật)"), t.err.Error(), "", nil)
		}
	})
	t.Importance = widget.LowImportance
	t.Hide()
	return t
}

// set shows the button for err when it carries more than its sentence;
// nil hides it.
func (t *TechLink) set(err error) {
	t.err = err
	if err == nil || errMsg(err) == err.Error() {
		t.Hide()
		return
	}
	t.Show()
}
