package ui

import (
	"io"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua"
	"motcua/app/continuity"
)

// ContDrills plans and runs drills: schedule one (scenario, time, whether
// the province's loss is simulated), start it (an incident of source
// "drill" opens and, when simulated, the sync engine stops delivering),
// tick its runbook, finish it (the outage ends, the backlog is waited for,
// every dossier received meanwhile is checked) and print its report.
type ContDrills struct {
	c *Continuity

	Scenario *widget.Select
	At       *Entry
	Simulate *widget.Check
	Schedule *Button
	StartNew *Button
	FormMsg  fieldErr
	AtErr    fieldErr
	// Due reminds of the scheduled drills whose time has come.
	Due *widget.Label

	List     *widget.List
	drills   []*continuity.Drill
	Selected *continuity.Drill

	Title  *widget.Label
	Info   *widget.Label
	Start  *Button
	Finish *Button
	Cancel *Button
	Report *Button
	Notes  *Entry
	Steps  *StepList
	Result *widget.Label
	Msg    fieldErr
	Done   *widget.Label
	// Progress moves while a drill is being finished (up to two minutes
	// waiting for the queue to drain).
	Progress *widget.ProgressBarInfinite

	busy    sync.WaitGroup
	detail  *fyne.Container
	steps   *fyne.Container
	content fyne.CanvasObject
}

func newContDrills(c *Continuity) *ContDrills {
	s := &ContDrills{c: c, FormMsg: newFieldErr(), AtErr: newFieldErr(), Msg: newFieldErr(), Done: doneLabel()}
	k, u := c.keys, c.user()
	s.Scenario = widget.NewSelect(scenarioLabels(), nil)
	s.Scenario.SetSelectedIndex(0)
	s.At = newEntry(k, nil)
	s.At.SetPlaceHolder(tr("NN/TT/NNNN GG:PP"))
	s.At.OnSubmitted = func(string) { s.schedule() }
	s.Simulate = widget.NewCheck(tr("Mô phỏng mất kết nối tới tỉnh (bộ đồng bộ ngừng gửi trong lúc diễn tập)"), nil)
	s.Schedule = newButton(k, tr("Lên lịch diễn tập"), s.schedule)
	s.Schedule.Importance = widget.HighImportance
	s.StartNew = newButton(k, tr("Diễn tập ngay"), s.startNew)
	s.List = widget.NewList(func() int { return len(s.drills) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		d := s.drills[i]
		l := o.(*widget.Label)
		l.TextStyle.Bold = d.Status == continuity.DrillRunning
		l.SetText(drillLine(d))
	})
	s.List.OnSelected = func(i widget.ListItemID) {
		c.main.touch()
		if i < len(s.drills) {
			s.show(s.drills[i])
		}
	}
	s.Title = heading("")
	s.Info = wrapLabel("")
	s.Start = newButton(k, tr("Bắt đầu"), s.start)
	s.Start.Importance = widget.HighImportance
	s.Finish = newButton(k, tr("Kết thúc và kiểm tra"), s.finish)
	s.Finish.Importance = widget.HighImportance
	s.Cancel = newButton(k, tr("Huỷ diễn tập"), s.cancel)
	s.Report = newButton(k, tr("Báo cáo diễn tập PDF"), s.report)
	s.Notes = newVNEntry(k, c.typing)
	s.Notes.SetPlaceHolder(tr("Nhận xét khi kết thúc (không bắt buộc)"))
	s.Steps = newStepList(c, func(*continuity.Incident) { s.List.Refresh() })
	s.Result = wrapLabel("")
	s.Due = wrapLabel("")
	s.Due.Importance = widget.HighImportance
	s.Due.TextStyle.Bold = true
	s.Due.Hide()
	s.Progress = widget.NewProgressBarInfinite()
	s.Progress.Stop()
	s.Progress.Hide()
	if !canLead(u) {
		disableWhy(leaderWhy(), s.Schedule, s.StartNew, s.Start, s.Finish, s.Cancel)
	}
	form := container.NewVBox(s.Due, heading(tr("Lên lịch diễn tập")),
		leaderOnly(u, tr("Chỉ lãnh đạo hoặc quản trị được lên lịch, bắt đầu, kết thúc diễn tập; cán bộ đánh dấu các bước.")),
		container.New(&columns{weights: []float32{0.5, 0.5}}, s.Scenario, container.NewBorder(nil, nil, bold(tr("Thời điểm")), nil, s.At)), s.AtErr,
		s.Simulate, s.FormMsg, container.NewHBox(s.Schedule, s.StartNew),
		widget.NewSeparator(), bold(tr("Các lần diễn tập (mới nhất trước)")))
	left := container.NewBorder(form, nil, nil, nil, s.List)
	s.steps = container.NewVBox(widget.NewSeparator(), bold(tr("Kịch bản: đánh dấu bước đã làm")), s.Steps.content(),
		field(tr("Nhận xét"), s.Notes, newFieldErr()))
	s.detail = container.NewVBox(s.Title, s.Info, s.Msg, s.Done, s.Progress,
		container.NewHBox(s.Start, s.Finish, s.Cancel, s.Report), s.steps,
		widget.NewSeparator(), bold(tr("Kết quả")), s.Result)
	s.detail.Hide()
	right := container.NewVScroll(container.NewPadded(container.NewVBox(
		note(tr("Chọn một lần diễn tập bên trái. Diễn tập mở một sự cố loại «Diễn tập»; khi kết thúc, phần mềm chờ gửi hết hàng đợi và kiểm tra không mất hồ sơ nào.")),
		s.detail)))
	s.content = container.New(&columns{weights: []float32{0.40, 0.60}}, container.NewPadded(left), right)
	return s
}

// parseLocal reads "24/11/2026 14:00" (or "24/11/2026 14:00:00").
func parseLocal(text string) (time.Time, bool) {
	text = strings.Join(strings.Fields(text), " ")
	for _, layout := range []string{"02/01/2006 15:04", "2/1/2006 15:04", "02/01/2006 15:04:05"} {
		if t, err := time.ParseInLocation(layout, text, motcua.Location); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func (s *ContDrills) reload() {
	if s.At.Text == "" {
		s.At.SetText(s.c.now().Add(24*time.Hour).Format("02/01/2006") + " 14:00")
	}
	list, err := s.c.cs.Drills(bgctx(), 100)
	if err != nil {
		s.FormMsg.set(errMsg(err))
		return
	}
	s.drills = list
	s.List.Refresh()
	s.showDue()
	if s.Selected != nil {
		for _, d := range list {
			if d.ID == s.Selected.ID {
				s.show(d)
				return
			}
		}
	}
}

func (s *ContDrills) schedule() {
	s.FormMsg.set("")
	s.AtErr.set("")
	at, ok := parseLocal(s.At.Text)
	if !ok {
		s.AtErr.set(tr("Thời điểm cần dạng NN/TT/NNNN GG:PP, ví dụ 24/11/2026 14:00"))
		return
	}
	d, err := s.c.cs.ScheduleDrill(bgctx(), scenarioAt(s.Scenario.SelectedIndex()), at, s.Simulate.Checked, s.c.acting())
	if err != nil {
		if errField(err) == "at" {
			s.AtErr.set(errMsg(err))
		} else {
			s.FormMsg.set(errMsg(err))
		}
		return
	}
	// The detail now shows the new drill: the last one's outcome goes.
	s.Msg.set("")
	s.Done.Hide()
	s.Selected = d
	s.reload()
}

// startNew starts an unscheduled drill of the chosen scenario at once.
func (s *ContDrills) startNew() {
	s.FormMsg.set("")
	d, err := s.c.cs.StartDrill(bgctx(), continuity.StartRequest{Scenario: scenarioAt(s.Scenario.SelectedIndex()),
		Simulate: s.Simulate.Checked, By: s.c.acting(), Outage: s.c.main.opt.Outage})
	if err != nil {
		s.FormMsg.set(errMsg(err))
		return
	}
	s.Selected = d
	s.reload()
	s.c.frame.changed()
}

func (s *ContDrills) show(d *continuity.Drill) {
	if s.Selected == nil || s.Selected.ID != d.ID {
		s.Msg.set("")
		s.Done.Hide()
	}
	s.Selected = d
	s.detail.Show()
	s.Title.SetText(tr("Diễn tập") + " #" + itoa(int(d.ID)) + " · " + scenarioName(d.Scenario))
	sim := tr("không mô phỏng mất kết nối (chỉ kiểm tra hàng đợi trên máy)")
	if d.Simulate {
		sim = tr("mô phỏng mất kết nối tới tỉnh")
		if s.c.main.opt.Outage == nil {
			sim += " · " + tr("máy này chưa có bộ đồng bộ hỗ trợ mô phỏng: không bắt đầu được")
		}
	}
	lines := []string{drillLine(d), sim}
	if s.c.main.opt.ProvinceCheck == nil {
		lines = append(lines, tr("Chưa kiểm tra được hồ sơ ở hệ thống tỉnh từ máy này: kết quả dựa trên hàng đợi trên máy."))
	}
	s.Info.SetText(strings.Join(lines, "\n"))
	lead := canLead(s.c.user())
	setEnabled(s.Start, lead && d.Status == continuity.DrillScheduled)
	setEnabled(s.Finish, lead && d.Status == continuity.DrillRunning)
	setEnabled(s.Cancel, lead && (d.Status == continuity.DrillScheduled || d.Status == continuity.DrillRunning))
	setEnabled(s.Report, d.Status == continuity.DrillDone)
	if d.Status == continuity.DrillRunning && d.IncidentID != 0 {
		if inc, err := s.c.cs.Get(bgctx(), d.IncidentID); err == nil {
			s.Steps.show(inc)
		}
		s.steps.Show()
	} else {
		s.Steps.show(nil)
		s.steps.Hide()
	}
	s.Result.SetText(drillResultText(d))
}

func setEnabled(w fyne.Disableable, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}

func drillResultText(d *continuity.Drill) string {
	r := d.Result
	if r == nil {
		return tr("Chưa có: diễn tập chưa kết thúc.")
	}
	verdict := tr("ĐẠT")
	if !r.OK {
		verdict = tr("CHƯA ĐẠT")
	}
	lines := []string{
		verdict + " · " + itoa(r.StepsDone) + "/" + num(len(r.Steps), "bước") + " · " + num(r.Received, "hồ sơ trong lúc diễn tập") +
			", " + itoa(r.Delivered) + " " + tr("đã chuyển lên tỉnh") + ", " + itoa(r.Pending) + " " + tr("chờ gửi") + ", " + itoa(len(r.Missing)) + " " + tr("không tìm thấy"),
	}
	if !r.OutageFrom.IsZero() {
		lines = append(lines, tr("Mô phỏng mất kết nối:")+" "+fmtTime(r.OutageFrom)+" – "+fmtTime(r.OutageTo))
	}
	for _, f := range r.Findings {
		lines = append(lines, "• "+f)
	}
	return strings.Join(lines, "\n")
}

func (s *ContDrills) start() {
	s.act(func(id int64) (*continuity.Drill, error) {
		return s.c.cs.StartDrill(bgctx(), continuity.StartRequest{ID: id, By: s.c.acting(), Outage: s.c.main.opt.Outage})
	})
}

// act applies do to the selected drill and shows the drill it returns, or
// the error.
func (s *ContDrills) act(do func(id int64) (*continuity.Drill, error)) {
	if s.Selected == nil {
		return
	}
	s.Msg.set("")
	d, err := do(s.Selected.ID)
	if err != nil {
		s.Msg.set(errMsg(err))
		return
	}
	s.Selected = d
	s.reload()
	s.c.frame.changed()
}

// finish runs in the background: it waits for the backlog to drain (up to
// two minutes) after the simulated outage ends.
func (s *ContDrills) finish() {
	if s.Selected == nil {
		return
	}
	s.Msg.set("")
	id := s.Selected.ID
	req := continuity.FinishRequest{By: s.c.acting(), Outage: s.c.main.opt.Outage, Province: s.c.main.opt.ProvinceCheck, Notes: s.Notes.Text}
	s.Finish.Disable()
	s.Cancel.Disable()
	say(s.Done, tr("Đang kết thúc: chờ gửi hết hàng đợi và kiểm tra hồ sơ…"))
	s.Progress.Show()
	s.Progress.Start()
	s.busy.Add(1)
	go func() {
		defer s.busy.Done()
		d, err := s.c.cs.FinishDrill(bgctx(), id, req)
		onUIWait(func() {
			s.Progress.Stop()
			s.Progress.Hide()
			s.Done.Hide()
			if err != nil {
				s.Msg.set(errMsg(err))
				s.reload()
				return
			}
			s.Notes.SetText("")
			s.Selected = d
			s.reload()
			say(s.Done, tr("Đã kết thúc diễn tập."))
			s.c.frame.changed()
		})
	}()
}

// showDue reads the due drills again: the line over the schedule form.
func (s *ContDrills) showDue() {
	due, err := s.c.cs.DueDrills(bgctx())
	if err != nil || len(due) == 0 {
		s.Due.SetText("")
		s.Due.Hide()
		return
	}
	var lines []string
	for _, d := range due {
		lines = append(lines, tr("Đến hạn:")+" "+tr("diễn tập")+" #"+itoa(int(d.ID))+" · "+scenarioName(d.Scenario)+" · "+dayTime(d.ScheduledFor, s.c.now()))
	}
	if canLead(s.c.user()) {
		lines = append(lines, tr("Chọn trong danh sách bên dưới và bấm «Bắt đầu» (hoặc «Huỷ diễn tập»)."))
	} else {
		lines = append(lines, tr("Báo lãnh đạo hoặc quản trị để bắt đầu diễn tập."))
	}
	s.Due.SetText(strings.Join(lines, "\n"))
	s.Due.Show()
}

// Wait returns when a drill being finished in the background is done.
func (s *ContDrills) Wait() { s.busy.Wait() }

func (s *ContDrills) cancel() {
	s.act(func(id int64) (*continuity.Drill, error) {
		return s.c.cs.CancelDrill(bgctx(), id, s.c.acting(), s.c.main.opt.Outage)
	})
}

func (s *ContDrills) report() {
	if s.Selected == nil {
		return
	}
	id := s.Selected.ID
	s.c.saveAndOpen("bao-cao-dien-tap-"+itoa(int(id))+".pdf", func(w io.Writer) error {
		return s.c.cs.DrillReportPDF(bgctx(), w, id)
	}, s.Msg, s.Done)
}
