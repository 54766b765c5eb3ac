package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"motcua"
	"motcua/app/reports"
)

// Reports is the F8 screen: the deadline board, the statistics of a period
// with the national portal's indicators, the charts, and the PDF / XLSX
// exports. Everything is computed in the background; the window stays
// usable meanwhile and a newer request supersedes an older one.
type Reports struct {
	*env
	svc *reports.Service

	Period     *widget.Select
	From, To   *Entry
	Compute    *Button
	ExportPDF  *Button
	ExportXLSX *Button
	// ExportBoard prints the deadline board alone (the daily summary).
	ExportBoard *Button
	Status      *widget.Label
	Msg         fieldErr
	Progress    *widget.ProgressBarInfinite
	Tabs        *container.AppTabs
	Board       *fyne.Container
	Summary     *fyne.Container
	Indicators  *fyne.Container
	Charts      *fyne.Container
	// Reminder is the line under the navigation bar after sign-in: what is
	// late or due today, with a button to this screen. Hidden when nothing is.
	Reminder     *fyne.Container
	reminderText *widget.Label

	mu      sync.Mutex
	gen     int
	busy    bool
	report  *reports.Report
	board   *reports.Board
	charts  []reports.Chart
	content fyne.CanvasObject
}

// periodChoices are the periods offered, relative to today (see choice).
func periodChoices() []string {
	return []string{tr("Tháng này"), tr("Tháng trước"), tr("Quý này"), tr("Quý trước"), tr("6 tháng này"), tr("Năm nay"),
		tr("Năm trước"), tr("Tùy chọn")}
}

// groupTitle is a board section's title in the window's language.
func groupTitle(g reports.BoardGroup) string {
	switch g.ID {
	case "late":
		return tr("Quá hạn")
	case "due_today":
		return tr("Đến hạn hôm nay")
	case "due_soon":
		return tr("Đến hạn trong 2 ngày làm việc tới")
	case "supplement":
		return tr("Chờ công dân bổ sung")
	case "extended":
		return tr("Đã gia hạn")
	}
	return g.Title
}

func newReports(e *env, svc *reports.Service) *Reports {
	s := &Reports{env: e, svc: svc, Msg: newFieldErr()}
	s.reminderText = widget.NewLabel("")
	s.reminderText.Importance = widget.WarningImportance
	s.reminderText.TextStyle.Bold = true
	s.Reminder = container.NewHBox(s.reminderText, newButton(e.keys, tr("Xem bảng hạn (F8)"), func() { e.frame.Go(ScreenReports) }))
	s.Reminder.Hide()
	if svc == nil {
		s.content = container.NewPadded(note(tr("Chức năng báo cáo chưa được bật trên máy này.")))
		return s
	}
	s.Period = widget.NewSelect(periodChoices(), func(string) { s.periodChanged() })
	s.From, s.To = newEntry(e.keys, e.typing), newEntry(e.keys, e.typing)
	s.From.SetPlaceHolder("01/11/2026")
	s.To.SetPlaceHolder("30/11/2026")
	s.From.OnSubmitted = func(string) { s.Run() }
	s.To.OnSubmitted = func(string) { s.Run() }
	s.Compute = newButton(e.keys, tr("Tính (Ctrl+Enter)"), s.Run)
	s.Compute.Importance = widget.HighImportance
	s.ExportPDF = newButton(e.keys, tr("Xuất PDF"), func() { s.export(reports.FormatPDF) })
	s.ExportXLSX = newButton(e.keys, tr("Xuất Excel (XLSX)"), func() { s.export(reports.FormatXLSX) })
	s.ExportBoard = newButton(e.keys, tr("In bảng hạn (PDF)"), func() { s.exportBoard() })
	s.ExportPDF.Disable()
	s.ExportXLSX.Disable()
	s.ExportBoard.Disable()
	s.Status = widget.NewLabel("")
	s.Status.Wrapping = fyne.TextWrapWord
	s.Progress = widget.NewProgressBarInfinite()
	s.Progress.Stop()
	s.Progress.Hide()
	s.Board = container.NewVBox()
	s.Summary = container.New(layout.NewFormLayout())
	s.Indicators = container.NewVBox()
	s.Charts = container.NewGridWithColumns(2)
	s.Tabs = container.NewAppTabs(
		container.NewTabItem(tr("Bảng theo dõi hạn"), container.NewVScroll(s.Board)),
		container.NewTabItem(tr("Thống kê"), container.NewVScroll(container.NewVBox(s.Summary, widget.NewSeparator(),
			widget.NewLabelWithStyle(tr("Chỉ số Cổng Dịch vụ công quốc gia (tính từ dữ liệu tại máy)"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			s.Indicators))),
		container.NewTabItem(tr("Biểu đồ"), container.NewVScroll(s.Charts)),
	)
	s.Period.SetSelectedIndex(0)
	fromTo := container.NewHBox(widget.NewLabel(tr("Từ ngày")), sized(s.From, 120), widget.NewLabel(tr("đến ngày")), sized(s.To, 120))
	bar := container.NewHBox(widget.NewLabel(tr("Kỳ báo cáo")), s.Period, fromTo, s.Compute, widget.NewSeparator(), s.ExportPDF, s.ExportXLSX, s.ExportBoard)
	top := container.NewVBox(bar, s.Progress, s.Status, s.Msg.Label)
	s.content = container.NewBorder(top, nil, nil, nil, s.Tabs)
	return s
}

// Content is the screen's root object.
func (s *Reports) Content() fyne.CanvasObject { return s.content }

func (s *Reports) shown() {
	if s.svc == nil {
		return
	}
	s.mu.Lock()
	fresh := s.report == nil && !s.busy
	s.mu.Unlock()
	if fresh {
		s.Run()
	}
	s.focus(s.Compute)
}

func (s *Reports) bindings() map[string]func() {
	if s.svc == nil {
		return nil
	}
	// Ctrl+Enter, as "do it" on the intake screen; not Ctrl+R, which
	// refuses a dossier on the other screens.
	return map[string]func(){sc(ctrl(fyne.KeyReturn)): s.Run, sc(ctrl(fyne.KeyEnter)): s.Run}
}

// Busy reports whether a computation is under way.
func (s *Reports) Busy() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.busy
}

// Result is the last report and board computed (nil before the first).
func (s *Reports) Result() (*reports.Report, *reports.Board) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.report, s.board
}

func (s *Reports) periodChanged() {
	if s.From == nil {
		return
	}
	p, ok := s.choice()
	if !ok {
		s.From.Enable()
		s.To.Enable()
		return
	}
	s.From.SetText(p.From.Format("02/01/2006"))
	s.To.SetText(p.LastDay().Format("02/01/2006"))
	s.From.Disable()
	s.To.Disable()
}

// choice is the period the select names; false for "Tùy chọn".
func (s *Reports) choice() (reports.Period, bool) {
	now := s.now()
	y, m := now.Year(), now.Month()
	q := (int(m)-1)/3 + 1
	switch s.Period.SelectedIndex() {
	case 0:
		return reports.Month(y, m), true
	case 1:
		return reports.Month(y, m-1), true // time.Date normalises month 0
	case 2:
		return reports.Quarter(y, q), true
	case 3:
		if q == 1 {
			return reports.Quarter(y-1, 4), true
		}
		return reports.Quarter(y, q-1), true
	case 4:
		return reports.Half(y, (int(m)-1)/6+1), true
	case 5:
		return reports.Year(y), true
	case 6:
		return reports.Year(y - 1), true
	}
	return reports.Period{}, false
}

func (s *Reports) period() (reports.Period, error) {
	if p, ok := s.choice(); ok {
		return p, nil
	}
	return reports.ParsePeriod(s.From.Text, s.To.Text)
}

// service is a copy of the report service with the window's current
// working calendar and agency (read here, on the UI goroutine).
func (s *Reports) service() *reports.Service {
	c := *s.svc
	if s.svc.Calendar == nil {
		c.Calendar = s.env.svc.Calendar
	}
	if id, err := s.env.svc.Identity(context.Background()); err == nil {
		c.Agency, c.AgencyID = id.AgencyName, id.AgencyID
	}
	return &c
}

// Run computes the board and the statistics of the chosen period in the
// background.
func (s *Reports) Run() {
	if s.svc == nil {
		return
	}
	p, err := s.period()
	if err != nil {
		s.Msg.set(errMsg(err))
		return
	}
	s.Msg.set("")
	svc := s.service()
	s.mu.Lock()
	s.gen++
	gen := s.gen
	s.busy = true
	s.mu.Unlock()
	s.Progress.Show()
	s.Progress.Start()
	s.Status.SetText(tr("Đang tính báo cáo… (vẫn làm việc khác được)"))
	sw := motcua.StartStopwatch()
	go func() {
		ctx := context.Background()
		b, berr := svc.Board(ctx)
		r, rerr := svc.Statistics(ctx, p)
		var charts []reports.Chart
		var cerr error
		if rerr == nil {
			charts, cerr = reports.Charts(r)
		}
		took := sw.Elapsed()
		onUI(func() { s.done(gen, r, b, charts, took, firstErr(rerr, berr, cerr)) })
	}()
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func (s *Reports) done(gen int, r *reports.Report, b *reports.Board, charts []reports.Chart, took time.Duration, err error) {
	s.mu.Lock()
	if gen != s.gen {
		s.mu.Unlock()
		return // superseded
	}
	s.mu.Unlock()
	// busy ends last, once the widgets show the result
	defer func() {
		s.mu.Lock()
		if gen == s.gen {
			s.busy = false
			if err == nil {
				s.report, s.board, s.charts = r, b, charts
			}
		}
		s.mu.Unlock()
	}()
	s.Progress.Stop()
	s.Progress.Hide()
	if err != nil {
		s.Status.SetText("")
		s.Msg.set(errMsg(err))
		return
	}
	s.showBoard(b)
	s.showReport(r)
	s.showCharts(charts)
	s.setReminder(b)
	s.enableExports(r)
	st := fmt.Sprintf(tr("%s: số liệu tính đến %s, hồ sơ của %s (tính trong %s)."), r.Label, reports.DateTime(r.AsOf),
		reports.StationsText(r.Stations), took.Round(time.Millisecond))
	if r.Empty() {
		st += " " + tr("Trong kỳ không có hồ sơ nào: không có báo cáo để xuất.")
	}
	s.Status.SetText(st)
}

// maxRows is how many dossiers of one board group the screen lists.
const maxRows = 200

func (s *Reports) showBoard(b *reports.Board) {
	s.Board.Objects = nil
	s.Board.Add(widget.NewLabel(fmt.Sprintf(tr("Tính đến %s: %d hồ sơ đang giải quyết (%s)."), reports.DateTime(b.AsOf), b.Active,
		reports.StationsText(b.Stations))))
	for _, g := range reports.BoardGroups(b) {
		h := widget.NewLabelWithStyle(fmt.Sprintf("%s: %d", groupTitle(g), len(g.Items)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		if g.ID == "late" && len(g.Items) > 0 {
			h.Importance = widget.DangerImportance
		}
		s.Board.Add(h)
		for i, it := range g.Items {
			if i == maxRows {
				s.Board.Add(note(fmt.Sprintf(tr("… và %d hồ sơ khác (xem bản PDF / XLSX)"), len(g.Items)-maxRows)))
				break
			}
			l := widget.NewLabel(fmt.Sprintf("%s · %s · %s · %s %s · %s", it.Code, it.Procedure, it.Applicant, tr("hẹn"),
				reports.DateTime(it.DueAt), g.Note(it)))
			l.Truncation = fyne.TextTruncateEllipsis
			s.Board.Add(l)
		}
	}
	s.Board.Refresh()
}

func (s *Reports) showReport(r *reports.Report) {
	s.Summary.Objects = nil
	for _, l := range r.Lines() {
		name := widget.NewLabel(strings.Repeat("    ", l.Indent) + l.Label)
		v := widget.NewLabel(strconv.Itoa(l.Value))
		if l.Indent == 0 {
			name.TextStyle.Bold = true
			v.TextStyle.Bold = true
		}
		s.Summary.Add(name)
		s.Summary.Add(v)
	}
	s.Summary.Add(widget.NewLabel(tr("Mức độ hài lòng")))
	s.Summary.Add(widget.NewLabel(tr("không có dữ liệu")))
	s.Summary.Refresh()
	s.Indicators.Objects = nil
	for _, in := range r.Indicators {
		head := widget.NewLabelWithStyle(in.Name+": "+reports.IndicatorValue(in)+" · "+reports.Availability(in.Available),
			fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		s.Indicators.Add(head)
		f := note(tr("Công thức: ") + in.Formula)
		s.Indicators.Add(f)
		if in.Note != "" {
			s.Indicators.Add(note(in.Note))
		}
	}
	s.Indicators.Refresh()
}

func (s *Reports) showCharts(cs []reports.Chart) {
	s.Charts.Objects = nil
	for _, c := range cs {
		img := canvas.NewImageFromResource(fyne.NewStaticResource(c.ID+".png", c.PNG))
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(560, 315))
		s.Charts.Add(img)
	}
	s.Charts.Refresh()
}

// Remind computes the board in the background and shows the reminder line
// when something is late or due today (called after sign-in).
func (s *Reports) Remind() {
	if s.svc == nil {
		return
	}
	svc := s.service()
	go func() {
		b, err := svc.Board(context.Background())
		if err != nil {
			return // the reminder is a convenience; the F8 screen shows the error
		}
		onUI(func() { s.setReminder(b) })
	}()
}

func (s *Reports) setReminder(b *reports.Board) {
	if len(b.Late) == 0 && len(b.DueToday) == 0 {
		s.Reminder.Hide()
		return
	}
	s.reminderText.SetText(fmt.Sprintf(tr("Hôm nay: %d hồ sơ đến hạn, %d hồ sơ quá hạn, %d hồ sơ đến hạn trong 2 ngày làm việc tới."),
		len(b.DueToday), len(b.Late), len(b.DueSoon)))
	s.Reminder.Show()
}

// ReminderText is the reminder line ("" when hidden).
func (s *Reports) ReminderText() string {
	if !s.Reminder.Visible() {
		return ""
	}
	return s.reminderText.Text
}

// enableExports allows the exports of r: none for a period without any
// dossier (no empty report), the board always.
func (s *Reports) enableExports(r *reports.Report) {
	s.ExportBoard.Enable()
	if r == nil || r.Empty() {
		s.ExportPDF.Disable()
		s.ExportXLSX.Disable()
		return
	}
	s.ExportPDF.Enable()
	s.ExportXLSX.Enable()
}

// export writes the last result as PDF or XLSX into the papers folder
// (bao-cao/), in the background, then opens it.
func (s *Reports) export(format string) {
	s.mu.Lock()
	r, b := s.report, s.board
	s.mu.Unlock()
	if r == nil {
		s.Msg.set(tr("Chưa có báo cáo: bấm Tính trước."))
		return
	}
	name := fmt.Sprintf("bao-cao-%s-%s.%s", r.Period.From.Format("2006-01-02"), r.Period.LastDay().Format("2006-01-02"), format)
	s.write(name, format, r, b)
}

// exportBoard prints the board alone.
func (s *Reports) exportBoard() {
	s.mu.Lock()
	b := s.board
	s.mu.Unlock()
	if b == nil {
		s.Msg.set(tr("Chưa có báo cáo: bấm Tính trước."))
		return
	}
	s.write("bang-han-"+b.AsOf.Format("2006-01-02-1504")+".pdf", reports.FormatPDF, nil, b)
}

func (s *Reports) write(name, format string, r *reports.Report, b *reports.Board) {
	dir := filepath.Join(s.papers.dir, "bao-cao")
	path := filepath.Join(dir, name)
	s.ExportPDF.Disable()
	s.ExportXLSX.Disable()
	s.ExportBoard.Disable()
	s.Status.SetText(tr("Đang xuất ") + name + "…")
	open := s.papers.open
	go func() {
		err := os.MkdirAll(dir, 0o755)
		if err == nil {
			err = reports.ExportFile(path, format, r, b)
		}
		if err == nil {
			err = open(path)
		}
		onUI(func() {
			s.mu.Lock()
			last := s.report
			s.mu.Unlock()
			s.enableExports(last)
			if err != nil {
				s.Msg.set(errMsg(err))
				return
			}
			s.Msg.set("")
			s.Status.SetText(tr("Đã xuất: ") + path)
		})
	}()
}
