package ui

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/continuity"
)

// Who may do what in the continuity plan. app/accounts has no permission
// of its own for the plan, so the screen follows the counter's chain of
// command:
//   - any officer declares an incident, records actions and people
//     notified, ticks runbook steps (they are at the counter when the power
//     goes), ticks the steps of a running drill, makes a backup (it never
//     harms) and enters paper receipts (that is intake: PermIntake);
//   - closing an incident (it signs off the reconciliation that goes to the
//     district), scheduling, starting, finishing and cancelling drills, and
//     reserving paper receipt numbers are the leader's or the
//     administrator's decisions: canLead;
//   - restoring a backup replaces the database: it runs with the window
//     closed (motcua restore), done by the administrator or IT support.
func canLead(u *accounts.User) bool {
	return u.Can(app.PermContinuity) // the service's policy (app/authz.go); the service checks it again
}

// leaderOnly is the line that says why a button is disabled.
func leaderOnly(u *accounts.User, what string) fyne.CanvasObject {
	if canLead(u) {
		return container.NewVBox()
	}
	return note(what)
}

// Continuity is the F7 screen: the continuity plan at the counter — the
// incident register with the runbooks, drills, the paper fallback, the
// backups and the contact list, one tab each (Ctrl+1…5). Without the continuity service it says
// honestly that the plan is not available on this PC.
type Continuity struct {
	*env
	cs *continuity.Service

	Tabs      *container.AppTabs
	Incidents *ContIncidents
	Drills    *ContDrills
	Paper     *ContPaper
	Backup    *ContBackup
	Contacts  *ContContacts
	// Unavailable is shown instead of the tabs when the plan is not wired.
	Unavailable *widget.Label

	content fyne.CanvasObject
}

func newContinuity(e *env) *Continuity {
	s := &Continuity{env: e, cs: e.main.opt.Continuity}
	if s.cs == nil {
		s.Unavailable = widget.NewLabel(tr("Kế hoạch ứng phó sự cố chưa sẵn sàng trên máy này (chưa mở được dịch vụ liên tục). Dùng bản in kế hoạch tại quầy; quản trị xem lệnh «motcua continuity» và nhật ký khởi động."))
		s.Unavailable.Wrapping = fyne.TextWrapWord
		s.content = container.NewCenter(container.New(&fixedWidth{w: 760},
			container.NewVBox(heading(tr("Kế hoạch ứng phó sự cố: chưa sẵn sàng")), s.Unavailable)))
		return s
	}
	s.Incidents = newContIncidents(s)
	s.Drills = newContDrills(s)
	s.Paper = newContPaper(s)
	s.Backup = newContBackup(s)
	s.Contacts = newContContacts(s)
	s.Tabs = container.NewAppTabs(
		container.NewTabItem(tr("Sự cố (Ctrl+1)"), s.Incidents.content),
		container.NewTabItem(tr("Diễn tập (Ctrl+2)"), s.Drills.content),
		container.NewTabItem(tr("Biên nhận giấy (Ctrl+3)"), s.Paper.content),
		container.NewTabItem(tr("Sao lưu (Ctrl+4)"), s.Backup.content),
		container.NewTabItem(tr("Danh bạ (Ctrl+5)"), s.Contacts.content),
	)
	s.Tabs.OnSelected = func(*container.TabItem) { s.shownTab() }
	s.content = s.Tabs
	return s
}

// Content is the screen's root object.
func (s *Continuity) Content() fyne.CanvasObject { return s.content }

func (s *Continuity) shown() {
	if s.cs == nil {
		return
	}
	s.shownTab()
}

func (s *Continuity) shownTab() {
	switch s.Tabs.SelectedIndex() {
	case 1:
		s.Drills.reload()
		// The time, not the scenario list: a focused Select would keep
		// the F-keys from the window.
		s.focus(s.Drills.At)
	case 2:
		s.Paper.reload()
		s.focus(s.Paper.Code)
	case 3:
		s.Backup.reload()
		s.focus(s.Backup.RunNow)
	case 4:
		s.Contacts.reload()
		s.focus(s.Contacts.List)
	default:
		s.Incidents.reload()
		s.focus(s.Incidents.Note)
	}
}

func (s *Continuity) bindings() map[string]func() {
	b := map[string]func(){}
	if s.cs == nil {
		return b
	}
	for i, k := range []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5} {
		b[sc(ctrl(k))] = func() { s.Tabs.SelectIndex(i) }
	}
	b[sc(ctrl(fyne.KeyN))] = func() {
		s.Tabs.SelectIndex(0)
		s.focus(s.Incidents.Note)
	}
	// Ctrl+S is "send now" on the sync screen; backing up has its own key.
	b[sc(ctrl(fyne.KeyU))] = func() {
		if s.Tabs.SelectedIndex() == 3 {
			s.Backup.runNow()
		}
	}
	enter := func() {
		switch s.Tabs.SelectedIndex() {
		case 2:
			s.Paper.enter()
		case 4:
			s.Contacts.save()
		}
	}
	b[sc(ctrl(fyne.KeyReturn))], b[sc(ctrl(fyne.KeyEnter))] = enter, enter
	return b
}

// changed follows an event of the continuity plan (already on the UI
// goroutine): the tab on show reads again.
func (s *Continuity) changed(e continuity.Event) {
	if s.cs == nil || s.frame.current != ScreenContinuity {
		return
	}
	switch {
	case s.Tabs.SelectedIndex() == 0 && e.Kind != continuity.EventBackup && e.Kind != continuity.EventDisk:
		s.Incidents.reload()
	case s.Tabs.SelectedIndex() == 1 && (e.Kind == continuity.EventDrill || e.Incident != nil):
		s.Drills.reload()
	case s.Tabs.SelectedIndex() == 3 && e.Kind == continuity.EventBackup && !s.Backup.running:
		// The daily backup finished while the tab is on show. (Not on disk
		// events: reload checks the disks, which publishes them again.)
		s.Backup.reload()
	}
}

// tick is the frame's periodic check (already on the UI goroutine): a
// drill whose time has come shows on the drill tab without a reload.
func (s *Continuity) tick() {
	if s.cs == nil || s.frame.current != ScreenContinuity || s.Tabs.SelectedIndex() != 1 {
		return
	}
	s.Drills.showDue()
}

// writeReport writes a report made by fn under the papers folder
// (papers/su-co/…) and returns its path.
func (s *Continuity) writeReport(name string, fn func(io.Writer) error) (string, error) {
	var buf bytes.Buffer
	if err := fn(&buf); err != nil {
		return "", err
	}
	dir := filepath.Join(s.papers.dir, "su-co")
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", paperWriteErr(dir, err)
	}
	path := filepath.Join(dir, name)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o640); err != nil {
		return "", paperWriteErr(dir, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", paperWriteErr(dir, err)
	}
	return path, nil
}

// saveAndOpen writes a report and opens it; done says where it went.
func (s *Continuity) saveAndOpen(name string, fn func(io.Writer) error, msg fieldErr, done *widget.Label) {
	msg.set("")
	path, err := s.writeReport(name, fn)
	if err != nil {
		msg.set(errMsg(err))
		return
	}
	say(done, tr("Đã lưu")+" "+path)
	if err := s.papers.Open(path); err != nil {
		msg.set(errMsg(err))
	}
}

func bgctx() context.Context { return context.Background() }

// scenarioLabels are the scenario names in display order.
func scenarioLabels() []string {
	var out []string
	for _, sc := range continuity.Scenarios() {
		out = append(out, scenarioName(sc))
	}
	return out
}

func scenarioAt(i int) continuity.Scenario {
	all := continuity.Scenarios()
	if i < 0 || i >= len(all) {
		return ""
	}
	return all[i]
}

// wrapLabel is a label that wraps.
func wrapLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}
