package ui_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"motcua"
	"motcua/app/accounts"
	"motcua/app/reports"
	"motcua/app/ui"
	"motcua/storage"
)

// gatedSource holds the period query until released, so the test can see
// the screen while a report is being computed.
type gatedSource struct {
	storage.ReportSource
	mu      sync.Mutex
	gate    chan struct{}
	waiting bool
}

func (g *gatedSource) wait() {
	g.mu.Lock()
	gate := g.gate
	g.waiting = gate != nil
	g.mu.Unlock()
	if gate != nil {
		<-gate
	}
}

func (g *gatedSource) PeriodRows(ctx context.Context, from, to time.Time) ([]reports.Row, error) {
	g.wait()
	return g.ReportSource.PeriodRows(ctx, from, to)
}

// Tallies: the statistics of whole-day periods are read from the tallies.
func (g *gatedSource) Tallies(ctx context.Context, fromDay, toDay int) ([]reports.Tally, error) {
	g.wait()
	return g.ReportSource.Tallies(ctx, fromDay, toDay)
}

func (g *gatedSource) isWaiting() bool { g.mu.Lock(); defer g.mu.Unlock(); return g.waiting }

func (g *gatedSource) release() {
	g.mu.Lock()
	close(g.gate)
	g.gate, g.waiting = nil, false
	g.mu.Unlock()
}

// shot writes the window as a PNG into $MOTCUA_SHOTS, for review.
func shot(t *testing.T, w fyne.Window, name string) {
	dir := os.Getenv("MOTCUA_SHOTS")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, w.Canvas().Capture()); err != nil {
		t.Fatal(err)
	}
}

func texts(objs []fyne.CanvasObject) string {
	var b strings.Builder
	for _, o := range objs {
		if l, ok := o.(*widget.Label); ok {
			b.WriteString(l.Text + "\n")
		}
	}
	return b.String()
}

// F8: the board and the month's statistics are computed in the background
// (the window moves to another screen meanwhile), then shown with the
// indicators and the four charts; the PDF export is written and opened;
// an inverted custom period is refused with its message; the sign-in
// reminder says what is late.
func TestReportsScreen(t *testing.T) {
	s := newStation(t, true)
	s.user("binh.tv", "Trần Văn Bình", accounts.RoleLeader, "matkhau-binh")
	late := s.seed(monday.Add(-7*24*time.Hour-time.Hour), "1.004873", "Nguyễn Văn Trễ", "038085001111")
	s.seed(monday.Add(-3*24*time.Hour-time.Hour), "1.004873", "Lê Thị Xong", "038085002222",
		motcua.StatusProcessing, motcua.StatusDone, motcua.StatusReturned)
	s.seed(monday.Add(-time.Hour), "1.001193", "Phạm Thị Mới", "038085003333")

	src := &gatedSource{ReportSource: storage.ReportSource{S: s.st}}
	rs := reports.New(src, nil, s.clock)
	var opened []string
	var mu sync.Mutex
	m := s.signInAs("binh.tv", "matkhau-binh", func(o *ui.Options) {
		o.Reports = rs
		o.Open = func(p string) error { mu.Lock(); opened = append(opened, p); mu.Unlock(); return nil }
	})
	r := m.Frame.Reports

	// the reminder under the navigation bar, computed at sign-in
	direct := reports.New(storage.ReportSource{S: s.st}, s.svc.Calendar, s.clock)
	b, err := direct.Board(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Late) != 1 || b.Late[0].Code != late.Code {
		t.Fatalf("board late = %+v, want %s", b.Late, late.Code)
	}
	want := fmt.Sprintf("Hôm nay: %d hồ sơ đến hạn, 1 hồ sơ quá hạn, %d hồ sơ đến hạn trong 2 ngày làm việc tới.", len(b.DueToday), len(b.DueSoon))
	waitUntil(t, "the sign-in reminder", func() bool { return r.ReminderText() == want })

	src.mu.Lock()
	src.gate = make(chan struct{})
	src.mu.Unlock()
	key(s.win, fyne.KeyF8)
	if m.Frame.Current() != ui.ScreenReports {
		t.Fatal("F8 did not open the reports screen")
	}
	waitUntil(t, "the period query to start", src.isWaiting)
	if !r.Busy() || !strings.Contains(r.Status.Text, "Đang tính") || !r.Progress.Visible() {
		t.Errorf("while computing: busy %v, status %q", r.Busy(), r.Status.Text)
	}
	// the window is not held: other screens open while the report waits
	key(s.win, fyne.KeyF3)
	if m.Frame.Current() != ui.ScreenDossiers {
		t.Error("F3 did not switch screens while the report was computing")
	}
	key(s.win, fyne.KeyF8)
	src.release()
	waitUntil(t, "the report", func() bool { return !r.Busy() })
	rep, board := r.Result()
	if rep == nil || board == nil {
		t.Fatalf("no result; message %q", r.Msg.Text)
	}
	if rep.Received != 3 || rep.Label != "Tháng 11/2026" || rep.Resolved.Total() != 1 || rep.Pending() != 2 {
		t.Errorf("report: received %d, resolved %d, pending %d, label %q", rep.Received, rep.Resolved.Total(), rep.Pending(), rep.Label)
	}
	sum := texts(r.Summary.Objects)
	if !strings.Contains(sum, "Tiếp nhận mới trong kỳ\n3\n") || !strings.Contains(sum, "Đã giải quyết trong kỳ\n1\n") {
		t.Errorf("summary shows:\n%s", sum)
	}
	if ind := texts(r.Indicators.Objects); !strings.Contains(ind, "Tỷ lệ hồ sơ trực tuyến: 0,0% (0/3) · Một phần") ||
		!strings.Contains(ind, "Tỷ lệ tái sử dụng dữ liệu số hóa: 0,0% (0/3) · Một phần") {
		t.Errorf("indicators show:\n%s", ind)
	}
	if bt := texts(r.Board.Objects); !strings.Contains(bt, "Quá hạn: 1") || !strings.Contains(bt, late.Code) {
		t.Errorf("board shows:\n%s", bt)
	}
	if len(r.Charts.Objects) != 4 {
		t.Errorf("%d charts shown, want 4", len(r.Charts.Objects))
	}
	if !strings.Contains(r.Status.Text, "máy 1") || !strings.Contains(r.Status.Text, "23/11/2026 09:00") {
		t.Errorf("status %q does not say the stations and the time", r.Status.Text)
	}

	shot(t, s.win, "reports-board.png")
	r.Tabs.SelectIndex(1)
	shot(t, s.win, "reports-stats.png")
	r.Tabs.SelectIndex(2)
	shot(t, s.win, "reports-charts.png")
	r.Tabs.SelectIndex(0)

	test.Tap(r.ExportPDF)
	waitUntil(t, "the PDF to be opened", func() bool { mu.Lock(); defer mu.Unlock(); return len(opened) == 1 })
	data, err := os.ReadFile(opened[0])
	if err != nil || !bytes.HasPrefix(data, []byte("%PDF-")) || !strings.HasSuffix(opened[0], "bao-cao-2026-11-01-2026-11-30.pdf") {
		t.Errorf("exported %s: %v", opened[0], err)
	}
	waitUntil(t, "the export buttons back", func() bool { return !r.ExportXLSX.Disabled() })
	test.Tap(r.ExportBoard)
	waitUntil(t, "the board PDF to be opened", func() bool { mu.Lock(); defer mu.Unlock(); return len(opened) == 2 })
	if !strings.HasSuffix(opened[1], "bang-han-2026-11-23-0900.pdf") {
		t.Errorf("board exported as %s", opened[1])
	}
	waitUntil(t, "the export buttons back", func() bool { return !r.ExportXLSX.Disabled() })

	// a custom, inverted period
	r.Period.SetSelectedIndex(7)
	r.From.SetText("30/11/2026")
	r.To.SetText("01/11/2026")
	ctrl(s.win, fyne.KeyR) // refuses a dossier elsewhere: computes nothing here
	if r.Msg.Visible() {
		t.Errorf("Ctrl+R computed the report: message %q", r.Msg.Text)
	}
	ctrl(s.win, fyne.KeyReturn)
	if !r.Msg.Visible() || !strings.Contains(r.Msg.Text, "trước ngày đầu kỳ") {
		t.Errorf("inverted period: message %q", r.Msg.Text)
	}
	if again, _ := r.Result(); again != rep {
		t.Error("a refused period replaced the report on show")
	}

	// a period without dossiers: said so, and nothing to export but the board
	r.From.SetText("01/06/2026")
	r.To.SetText("30/06/2026")
	ctrl(s.win, fyne.KeyReturn)
	waitUntil(t, "the empty report", func() bool { e, _ := r.Result(); return !r.Busy() && e != rep })
	if !strings.Contains(r.Status.Text, "không có hồ sơ nào") || !r.ExportPDF.Disabled() || !r.ExportXLSX.Disabled() || r.ExportBoard.Disabled() {
		t.Errorf("empty period: status %q, exports pdf %v xlsx %v board %v", r.Status.Text,
			!r.ExportPDF.Disabled(), !r.ExportXLSX.Disabled(), !r.ExportBoard.Disabled())
	}
}

// Without a report service the screen says so and the reminder stays hidden.
func TestReportsScreenOff(t *testing.T) {
	s, m := leader(t)
	_ = s
	key(s.win, fyne.KeyF8)
	if m.Frame.Current() != ui.ScreenReports {
		t.Fatal("F8 did not open the reports screen")
	}
	if m.Frame.Reports.ReminderText() != "" {
		t.Error("a reminder without a report service")
	}
}

// TestReminderFollowsStatusBar: the reminder under the navigation bar and
// the status bar count the same dossiers at the same moment — a dossier
// that falls late after sign-in shows in both, never in one only.
func TestReminderFollowsStatusBar(t *testing.T) {
	s := newStation(t, true)
	s.user("binh.tv", "Trần Văn Bình", accounts.RoleLeader, "matkhau-binh")
	s.seed(monday.Add(-7*24*time.Hour-time.Hour), "1.004873", "Nguyễn Văn Trễ", "038085001111")
	rs := reports.New(storage.ReportSource{S: s.st}, nil, s.clock)
	m := s.signInAs("binh.tv", "matkhau-binh", func(o *ui.Options) { o.Reports = rs })
	r := m.Frame.Reports
	waitUntil(t, "the sign-in reminder", func() bool { return strings.Contains(r.ReminderText(), "1 hồ sơ quá hạn") })

	// Two more late dossiers arrive (another counter's back-entries), and the
	// status bar refreshes as it does after any action.
	s.seed(monday.Add(-8*24*time.Hour), "1.004873", "Lê Văn Muộn", "038085002222")
	s.seed(monday.Add(-9*24*time.Hour), "1.004873", "Phạm Thị Chậm", "038085003333")
	m.Frame.Status.Refresh()
	if got := m.Frame.Status.Today.Text; !strings.Contains(got, "3 quá hạn") {
		t.Fatalf("status bar: %q, want 3 late", got)
	}
	waitUntil(t, "the reminder to follow the status bar", func() bool { return strings.Contains(r.ReminderText(), "3 hồ sơ quá hạn") })
}
