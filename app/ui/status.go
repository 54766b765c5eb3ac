package ui

import (
	"context"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua"
	"motcua/app"
)

// outboxCounter is what the status bar reads when no sync engine runs:
// the local queue is still there and still growing.
type outboxCounter interface {
	OutboxStats(ctx context.Context) (map[string]int, error)
}

// running are the statuses whose due date is being counted: received,
// processing, financial obligation. A dossier waiting for the citizen's
// supplement is not late — its time limit restarts when it is complete.
var running = []motcua.Status{motcua.StatusReceived, motcua.StatusProcessing, motcua.StatusFinancial}

// StatusBar always shows the commune and station, the officer, the link to
// the province and how many changes wait to be sent, and today's counts.
type StatusBar struct {
	e *env

	Agency, Officer, Conn, Today, Typing *widget.Label
	Incident                             *widget.Label // shown only while an incident is open
	dot                                  *canvas.Circle
	sync                                 *app.SyncStatus
	content                              fyne.CanvasObject
}

func newStatusBar(e *env) *StatusBar {
	s := &StatusBar{e: e}
	s.Agency = widget.NewLabel("")
	s.Officer = widget.NewLabel("")
	s.Conn = widget.NewLabel("")
	s.Conn.TextStyle.Bold = true
	s.Today = widget.NewLabel("")
	s.Typing = widget.NewLabel("")
	s.Incident = widget.NewLabel("")
	s.Incident.Importance = widget.DangerImportance
	s.Incident.TextStyle.Bold = true
	s.Incident.Hide()
	s.Conn.Truncation = fyne.TextTruncateEllipsis
	s.dot = canvas.NewCircle(colNeutral)
	dot := container.New(&dotLayout{}, s.dot)
	sep := func() fyne.CanvasObject { return widget.NewSeparator() }
	// The link's state takes what room is left; on a narrow window it is
	// shortened, never pushed off the screen.
	s.content = container.NewBorder(nil, nil,
		container.NewHBox(s.Agency, sep(), s.Officer, sep(), dot),
		container.NewHBox(s.Incident, sep(), s.Today, sep(), s.Typing),
		s.Conn)
	if e.svc.Sync != nil {
		st := e.svc.Sync.Status()
		s.sync = &st
	}
	return s
}

// Content is the bar's root object.
func (s *StatusBar) Content() fyne.CanvasObject { return s.content }

func (s *StatusBar) setSync(st app.SyncStatus) {
	s.sync = &st
	s.Refresh()
}

// connText says where the link to the province stands, with the number of
// changes waiting; the colour of the dot says it at a glance.
func connText(st *app.SyncStatus, pending int, now time.Time) (string, color.Color) {
	waiting := ""
	if pending > 0 {
		waiting = " · " + thousands(pending) + " " + tr("chờ gửi")
	}
	if st == nil {
		return tr("Ngoại tuyến (chưa cấu hình máy chủ tỉnh)") + waiting, colNeutral
	}
	if st.Simulated {
		return tr("Diễn tập: mô phỏng mất kết nối tỉnh") + since(st, now) + waiting, colToday
	}
	if st.Paused {
		// On purpose (an officer, a command): nothing is wrong with the
		// link, so neither red nor amber.
		return tr("Tạm dừng đồng bộ") + since(st, now) + waiting, colNeutral
	}
	switch st.State {
	case app.ConnOnline:
		if pending == 0 {
			return tr("Trực tuyến · đã gửi hết"), colOK
		}
		return tr("Trực tuyến · đang gửi") + waiting, colOK
	case app.ConnRetrying:
		return tr("Đang thử gửi lại") + since(st, now) + waiting, colToday
	case app.ConnCaptive:
		return tr("Mạng chặn (Wi-Fi cần đăng nhập?)") + waiting, colLate
	case app.ConnOffline:
		return tr("Mất kết nối tỉnh") + since(st, now) + waiting, colLate
	}
	return tr("Ngoại tuyến (chưa cấu hình máy chủ tỉnh)") + waiting, colNeutral
}

// since is " từ 08:32" (or with the date, if not today) for a state that
// began at a known time.
func since(st *app.SyncStatus, now time.Time) string {
	if st.Since.IsZero() {
		return ""
	}
	t := st.Since.In(motcua.Location)
	if dayStart(t).Equal(dayStart(now)) {
		return " " + tr("từ") + " " + t.Format("15:04")
	}
	return " " + tr("từ") + " " + t.Format("15:04 02/01")
}

// Refresh reads the counts again.
func (s *StatusBar) Refresh() {
	ctx := context.Background()
	svc := s.e.svc
	if id, err := svc.Identity(ctx); err == nil {
		s.Agency.SetText(id.AgencyName + " · " + tr("máy") + " " + id.Station.String())
	}
	u := s.e.user()
	s.Officer.SetText(u.FullName)
	pending := 0
	if s.sync != nil {
		pending = s.sync.Pending
	} else if oc, ok := app.StoreAs[outboxCounter](svc.Store); ok {
		if st, err := oc.OutboxStats(ctx); err == nil {
			pending = st["pending"] + st["sending"] + st["quarantined"]
		}
	}
	text, col := connText(s.sync, pending, s.e.now())
	s.Conn.SetText(text)
	s.dot.FillColor = col
	s.dot.Refresh()
	if f := s.e.main.opt.Incident; f != nil {
		if t := f(); t != "" {
			s.Incident.SetText(t)
			s.Incident.Show()
		} else {
			s.Incident.Hide()
		}
	}
	c := todayCounts(ctx, svc, s.e.now())
	// The reminder under the navigation bar counts the same dossiers at the
	// same moment: two lines of one window never disagree about what is due.
	if f := s.e.frame; f != nil && f.Reports != nil {
		f.Reports.Remind()
	}
	s.Today.SetText(tr("Hôm nay:") + " " + itoa(c.received) + " " + tr("nhận") + " · " +
		itoa(c.dueToday) + " " + tr("đến hạn") + " · " + itoa(c.late) + " " + tr("quá hạn"))
	if c.late > 0 {
		s.Today.Importance = widget.DangerImportance
	} else {
		s.Today.Importance = widget.MediumImportance
	}
	s.Today.Refresh()
	switch s.e.typing.Mode {
	case TypingTelex:
		s.Typing.SetText(tr("Gõ: Telex (Alt+Z)"))
	case TypingVNI:
		s.Typing.SetText(tr("Gõ: VNI (Alt+Z)"))
	default:
		s.Typing.SetText(tr("Gõ: bộ gõ máy (Alt+Z)"))
	}
}

type counts struct{ received, dueToday, late int }

func todayCounts(ctx context.Context, svc *app.Service, now time.Time) counts {
	start := dayStart(now)
	var c counts
	// Received means taken in: a refusal or a request to supplement at the
	// counter is no receipt.
	c.received, _ = svc.Store.Count(ctx, app.ListFilter{ReceivedFrom: start, ReceivedTo: start.AddDate(0, 0, 1),
		Statuses: []motcua.Status{motcua.StatusReceived, motcua.StatusProcessing, motcua.StatusFinancial, motcua.StatusDone,
			motcua.StatusReturned, motcua.StatusWithdrawn, motcua.StatusStopped}})
	c.dueToday, _ = svc.Store.Count(ctx, app.ListFilter{Statuses: running, DueFrom: now, DueBefore: start.AddDate(0, 0, 1)})
	c.late, _ = svc.Store.Count(ctx, app.ListFilter{Statuses: running, DueBefore: now})
	return c
}

// dotLayout draws the connectivity dot at text height.
type dotLayout struct{}

func (dotLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(14, 14) }

func (dotLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	d := float32(12)
	objs[0].Resize(fyne.NewSize(d, d))
	objs[0].Move(fyne.NewPos((size.Width-d)/2, (size.Height-d)/2))
}
