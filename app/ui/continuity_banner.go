package ui

import (
	"context"
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"motcua"
	"motcua/app/continuity"
)

// IncidentBanner is the coloured strip at the top of the frame while an
// incident is open: which, since when, and where the plan is (F7). Red for
// a high or critical incident, orange otherwise, blue for a drill. With no
// incident open it reminds, in blue, of a drill whose time has come.
type IncidentBanner struct {
	cs      *continuity.Service
	now     func() time.Time
	bg      *canvas.Rectangle
	text    *canvas.Text
	content *fyne.Container
	// Text is what the strip says ("" while hidden).
	Text string
	// DrillDue is set while the strip is a reminder of a due drill.
	DrillDue bool
}

func newIncidentBanner(cs *continuity.Service, now func() time.Time) *IncidentBanner {
	b := &IncidentBanner{cs: cs, now: now, bg: canvas.NewRectangle(colLate), text: canvas.NewText("", color.White)}
	b.text.TextStyle.Bold = true
	b.text.TextSize = theme.TextSize() * 1.05
	// The strip never widens the window: a long line is cut at its edge.
	b.content = container.New(&stripLayout{}, b.bg, b.text)
	b.content.Hide()
	return b
}

// Content is the strip.
func (b *IncidentBanner) Content() fyne.CanvasObject { return b.content }

// Visible reports whether the strip shows.
func (b *IncidentBanner) Visible() bool { return b.content.Visible() }

// Refresh reads the open incidents, and the drills that are due, again.
func (b *IncidentBanner) Refresh() {
	if b.cs == nil {
		return
	}
	b.DrillDue = false
	open, err := b.cs.OpenIncidents(context.Background())
	if err == nil && len(open) == 0 {
		if due, _ := b.cs.DueDrills(context.Background()); len(due) > 0 {
			b.DrillDue = true
			b.show(dueDrillLine(due, b.now()), colInfo)
			return
		}
	}
	if err != nil || len(open) == 0 {
		b.Text = ""
		b.content.Hide()
		return
	}
	inc := open[0]
	col := color.Color(colToday)
	switch {
	case inc.Source == continuity.SourceDrill:
		col = colInfo
	case inc.Severity >= continuity.SeverityHigh:
		col = colLate
	}
	label := tr("SỰ CỐ ĐANG MỞ")
	if inc.Source == continuity.SourceDrill {
		label = tr("ĐANG DIỄN TẬP")
	}
	t := fmt.Sprintf("%s #%d: %s · %s %s", label, inc.ID, incidentTitle(inc), tr("từ"), inc.StartedAt.In(motcua.Location).Format("15:04 02/01"))
	if len(open) > 1 {
		t += fmt.Sprintf(" (+%d %s)", len(open)-1, tr("sự cố khác"))
	}
	t += " · " + tr("F7 để xem kế hoạch")
	b.show(t, col)
}

func (b *IncidentBanner) show(t string, col color.Color) {
	b.Text = t
	b.text.Text = t
	b.text.TextSize = theme.TextSize() * 1.05
	b.bg.FillColor = col
	b.content.Show()
	b.bg.Refresh()
	b.text.Refresh()
	b.content.Refresh()
}

// stripLayout fills the background and centres the text vertically; its
// minimum width is nothing, so a long message never pushes the window wider.
type stripLayout struct{}

func (stripLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return fyne.NewSize(0, objs[1].MinSize().Height+10)
}

func (stripLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(size)
	m := objs[1].MinSize()
	objs[1].Move(fyne.NewPos(theme.Padding()*2, (size.Height-m.Height)/2))
	objs[1].Resize(fyne.NewSize(size.Width-theme.Padding()*4, m.Height))
}

// openIncidentLine is the status bar's notice of the incident in progress,
// read from the continuity service.
func openIncidentLine(cs *continuity.Service) func() string {
	return func() string {
		open, err := cs.OpenIncidents(context.Background())
		if err != nil || len(open) == 0 {
			return ""
		}
		line := tr("Sự cố:") + " " + scenarioName(open[0].Scenario) + " " + tr("từ") + " " + open[0].StartedAt.In(motcua.Location).Format("15:04 02/01")
		if len(open) > 1 {
			line += fmt.Sprintf(" (+%d)", len(open)-1)
		}
		return line
	}
}

// dueDrillLine is the reminder of the drills whose time has come: the
// oldest, when, how many more.
func dueDrillLine(due []*continuity.Drill, now time.Time) string {
	d := due[0]
	for _, x := range due[1:] {
		if x.ScheduledFor.Before(d.ScheduledFor) {
			d = x
		}
	}
	t := tr("Đến hạn diễn tập:") + " " + scenarioName(d.Scenario) + " · " + dayTime(d.ScheduledFor, now)
	if len(due) > 1 {
		t += fmt.Sprintf(" (+%d)", len(due)-1)
	}
	return t + " · " + tr("F7 để bắt đầu")
}

// dayTime is "09:00 hôm nay", "14:00 hôm qua" or "14:00 20/11".
func dayTime(t, now time.Time) string {
	t = t.In(motcua.Location)
	switch days := int(dayStart(now).Sub(dayStart(t)).Hours() / 24); days {
	case 0:
		return t.Format("15:04") + " " + tr("hôm nay")
	case 1:
		return t.Format("15:04") + " " + tr("hôm qua")
	default:
		return t.Format("15:04 02/01")
	}
}
