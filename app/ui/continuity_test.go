package ui_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/continuity"
	"motcua/app/ui"
	"motcua/storage"
)

// contOptions are what the continuity tests add to the window.
type contOptions struct {
	backups  bool // a backup service with a destination
	outage   continuity.Outage
	province continuity.ProvinceCheck
}

// contStation is a station of station number k/n whose window has the
// continuity plan, with a user of the given role signed in.
func contStation(t *testing.T, st motcua.Station, role accounts.Role, o contOptions) (*station, *ui.Main, *continuity.Service) {
	t.Helper()
	s := newStation(t, false)
	if err := s.svc.Init(context.Background(), app.Station{AgencyID: "000.00.06.H56", AgencyName: "UBND xã Quảng Phú", Station: st}, "test"); err != nil {
		t.Fatal(err)
	}
	cs, err := continuity.New(context.Background(), s.svc, s.st)
	if err != nil {
		t.Fatal(err)
	}
	opt := ui.Options{
		Accounts: s.acc, Keys: s.keys, PapersDir: filepath.Join(s.dir, "papers"),
		Open:       func(p string) error { s.mu.Lock(); s.opened = append(s.opened, p); s.mu.Unlock(); return nil },
		Print:      func(p string) error { s.mu.Lock(); s.printed = append(s.printed, p); s.mu.Unlock(); return nil },
		Continuity: cs, Outage: o.outage, ProvinceCheck: o.province,
	}
	if o.backups {
		dest := t.TempDir()
		if err := storage.SaveBackupConfig(s.dir, continuity.BackupConfig{Dest: dest, Hour: -1}); err != nil {
			t.Fatal(err)
		}
		b, err := storage.NewBackupper(s.dir, "test", nil)
		if err != nil {
			t.Fatal(err)
		}
		opt.Backups = &continuity.BackupService{Svc: cs, Engine: b, Config: b.Config, Disk: storage.DiskUsage, DataDir: s.dir, Clock: s.clock}
	}
	name, pass := "binh.tv", "matkhau-binh"
	if role == accounts.RoleOfficer {
		name, pass = "lan.nt", "matkhau-lan"
	}
	s.user(name, "Người Dùng Thử", role, pass)
	s.m = ui.NewMain(s.win, s.svc, opt)
	t.Cleanup(s.m.Close)
	m := s.m
	m.SignIn.Username.SetText(name)
	test.Type(m.SignIn.Password, pass)
	enter(m.SignIn.Password)
	if m.Frame == nil {
		t.Fatalf("sign-in failed: %q", m.SignIn.Err.Text)
	}
	key(s.win, fyne.KeyF7)
	if m.Frame.Current() != ui.ScreenContinuity {
		t.Fatalf("F7 shows screen %d", m.Frame.Current())
	}
	return s, m, cs
}

// intakeNow receives one dossier at the station's clock.
func (s *station) intakeNow(t *testing.T) *motcua.Dossier {
	t.Helper()
	d, err := s.svc.Intake(context.Background(), app.IntakeRequest{ProcedureCode: "1.001193", CCCD: cccdLine, By: app.Actor{Username: "lan.nt", Role: app.RoleOfficer}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func (s *station) lastOpened(t *testing.T) string {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.opened) == 0 {
		t.Fatal("nothing was opened")
	}
	return s.opened[len(s.opened)-1]
}

// TestContinuityIncident follows an incident from the window: declared,
// the banner at the top, a runbook step ticked (time and officer kept), a
// dossier received meanwhile, closed with a summary, the reconciliation on
// screen, the reports saved; a second close shows the service's error.
func TestContinuityIncident(t *testing.T) {
	s, m, cs := contStation(t, motcua.Station{K: 1, N: 1}, accounts.RoleLeader, contOptions{})
	f := m.Frame
	inc := f.Continuity.Incidents
	if f.Banner.Visible() {
		t.Fatalf("no incident, yet the banner says %q", f.Banner.Text)
	}
	inc.Scenario.SetSelectedIndex(2) // Mất điện
	inc.Severity.SetSelectedIndex(3) // 3 · Cao
	typeKeys(inc.Note, "Mất điện toàn xã từ 8 giờ 55")
	test.Tap(inc.Open)
	if inc.Selected == nil || inc.Selected.Scenario != continuity.ScenarioPower || inc.Selected.Severity != continuity.SeverityHigh {
		t.Fatalf("declared: %+v (%q)", inc.Selected, inc.OpenMsg.Text)
	}
	id := inc.Selected.ID
	t.Run("Banner", func(t *testing.T) {
		if !f.Banner.Visible() || !strings.Contains(f.Banner.Text, "Mất điện") || !strings.Contains(f.Banner.Text, "09:00 23/11") ||
			!strings.Contains(f.Banner.Text, "F7 để xem kế hoạch") {
			t.Fatalf("banner: visible=%v %q", f.Banner.Visible(), f.Banner.Text)
		}
		if !f.Status.Incident.Visible() || !strings.Contains(f.Status.Incident.Text, "Mất điện") {
			t.Fatalf("status bar: %q", f.Status.Incident.Text)
		}
		if inc.List.Length() != 1 {
			t.Fatalf("register: %d rows", inc.List.Length())
		}
	})
	t.Run("TickStep", func(t *testing.T) {
		s.clock.add(4 * time.Minute)
		steps := inc.Steps
		if len(steps.Checks) == 0 {
			t.Fatal("the power runbook shows no step")
		}
		steps.Checks[0].SetChecked(true)
		if steps.Msg.Visible() {
			t.Fatalf("tick: %q", steps.Msg.Text)
		}
		if !inc.Steps.Checks[0].Checked || !strings.Contains(inc.Steps.Done[0].Text, "09:04 23/11/2026") || !strings.Contains(inc.Steps.Done[0].Text, "binh.tv") {
			t.Fatalf("the tick must show its time and officer: %q", inc.Steps.Done[0].Text)
		}
		stored, err := cs.Get(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		first := cs.Runbooks().For(continuity.ScenarioPower).Steps[0].ID
		done, ok := stored.Steps()[first]
		if !ok || done.By != "binh.tv" || !done.At.Equal(monday.Add(4*time.Minute)) {
			t.Fatalf("stored tick: %+v %v", done, ok)
		}
	})
	t.Run("Notify", func(t *testing.T) {
		if len(inc.Contact.Options) == 0 {
			t.Fatal("the runbook's contacts are not offered")
		}
		test.Tap(inc.Notify)
		if !inc.ErrField["contact"].Visible() {
			t.Fatal("notifying nobody must be refused next to the contact")
		}
		inc.Contact.SetSelectedIndex(0)
		test.Tap(inc.Notify)
		if inc.ErrField["contact"].Visible() || !strings.Contains(inc.Timeline.Text, "Đã thông báo cho") {
			t.Fatalf("notify: %q / %q", inc.ErrField["contact"].Text, inc.Timeline.Text)
		}
	})
	s.clock.add(5 * time.Minute)
	d := s.intakeNow(t)
	s.clock.add(20 * time.Minute)
	t.Run("ErrSummaryRequired", func(t *testing.T) {
		test.Tap(inc.Close)
		if !inc.ErrField["summary"].Visible() || !f.Banner.Visible() {
			t.Fatalf("closing without a summary: %q", inc.ErrField["summary"].Text)
		}
	})
	t.Run("Close", func(t *testing.T) {
		typeKeys(inc.Summary, "Có điện lại lúc 09:29; đã dùng biên nhận giấy")
		test.Tap(inc.Close)
		if inc.Msg.Visible() || inc.Selected.Open() {
			t.Fatalf("close: %q", inc.Msg.Text)
		}
		for _, want := range []string{"Số liệu kết sổ khi đóng sự cố", "Hồ sơ tiếp nhận: 1", "Đã chuyển lên tỉnh: 0", "đang chờ gửi: 1", d.Code} {
			if !strings.Contains(inc.Recon.Text, want) {
				t.Errorf("reconciliation lacks %q:\n%s", want, inc.Recon.Text)
			}
		}
		if f.Banner.Visible() || f.Status.Incident.Visible() {
			t.Fatalf("the banner stayed after the close: %q", f.Banner.Text)
		}
	})
	t.Run("ErrIncidentClosed", func(t *testing.T) {
		inc.Summary.Enable()
		inc.Summary.SetText("lần nữa")
		test.Tap(inc.Close)
		if !inc.Msg.Visible() || !strings.Contains(inc.Msg.Text, "đã đóng lúc") || !strings.Contains(inc.Msg.Text, "không thay đổi được nữa") {
			t.Fatalf("second close: %q", inc.Msg.Text)
		}
	})
	t.Run("Reports", func(t *testing.T) {
		test.Tap(inc.ReportPDF)
		pdf := s.lastOpened(t)
		test.Tap(inc.ReportJSON)
		js := s.lastOpened(t)
		test.Tap(inc.ReconPDF)
		rec := s.lastOpened(t)
		for _, p := range []string{pdf, rec} {
			b, err := os.ReadFile(p)
			if err != nil || !bytes.HasPrefix(b, []byte("%PDF")) {
				t.Fatalf("%s: %v", p, err)
			}
		}
		b, err := os.ReadFile(js)
		if err != nil || !strings.Contains(string(b), `"motcua.incident-report/1"`) || !strings.Contains(string(b), d.Code) {
			t.Fatalf("%s: %v %.200s", js, err, b)
		}
	})
}

// TestContinuityBannerFromEvents: an incident opened elsewhere (the
// connectivity watcher) reaches the banner through the service's events.
func TestContinuityBannerFromEvents(t *testing.T) {
	_, m, cs := contStation(t, motcua.Station{K: 1, N: 1}, accounts.RoleOfficer, contOptions{})
	m.Frame.Go(ui.ScreenIntake)
	inc, err := cs.Open(context.Background(), continuity.OpenRequest{Scenario: continuity.ScenarioNetwork, Source: continuity.SourceAuto, By: "system"})
	if err != nil {
		t.Fatal(err)
	}
	if !m.Frame.Banner.Visible() || !strings.Contains(m.Frame.Banner.Text, "Mất kết nối mạng") {
		t.Fatalf("banner after the event: %q", m.Frame.Banner.Text)
	}
	if _, err := cs.Close(context.Background(), inc.ID, continuity.CloseRequest{By: app.Actor{Username: "system", Role: app.RoleLeader}, Summary: "Có mạng lại"}); err != nil {
		t.Fatal(err)
	}
	if m.Frame.Banner.Visible() {
		t.Fatalf("banner after the close event: %q", m.Frame.Banner.Text)
	}
}

// TestContinuityOfficer: an officer declares and ticks, but closing is the
// leader's; the button says so and is off.
func TestContinuityOfficer(t *testing.T) {
	_, m, _ := contStation(t, motcua.Station{K: 1, N: 1}, accounts.RoleOfficer, contOptions{})
	inc := m.Frame.Continuity.Incidents
	test.Tap(inc.Open)
	if inc.Selected == nil {
		t.Fatalf("an officer must be able to declare: %q", inc.OpenMsg.Text)
	}
	inc.Steps.Checks[0].SetChecked(true)
	if !strings.Contains(inc.Steps.Done[0].Text, "lan.nt") {
		t.Fatalf("officer tick: %q %q", inc.Steps.Done[0].Text, inc.Steps.Msg.Text)
	}
	if !inc.Close.Disabled() || !strings.Contains(inc.Close.Text, "lãnh đạo") {
		t.Fatalf("close for an officer: disabled=%v %q", inc.Close.Disabled(), inc.Close.Text)
	}
	p := m.Frame.Continuity.Paper
	if !p.Reserve.Disabled() {
		t.Fatal("an officer must not reserve paper numbers")
	}
}

// TestContinuityPaper: a leader reserves a block and prints it; a paper
// receipt is entered with its real time and gets its due date; wrong codes
// are refused next to the code field.
func TestContinuityPaper(t *testing.T) {
	s, m, cs := contStation(t, motcua.Station{K: 1, N: 2}, accounts.RoleLeader, contOptions{})
	// The store dates a block by the real clock: the paper receipts of this
	// test are written today, a few minutes after midnight.
	now := motcua.SystemClock{}.Now().Truncate(time.Second)
	s.clock.mu.Lock()
	s.clock.t = now
	s.clock.mu.Unlock()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, motcua.Location)
	ymd, dmy := day.Format("060102"), day.Format("02/01/2006")
	code := func(seq string) string { return "000.00.06.H56-" + ymd + "-" + seq }
	ctrl(s.win, fyne.Key3)
	p := m.Frame.Continuity.Paper
	p.Count.SetText("5")
	test.Tap(p.Reserve)
	if p.BlockMsg.Visible() || p.Blocks.Length() != 1 {
		t.Fatalf("reserve: %q, %d blocks", p.BlockMsg.Text, p.Blocks.Length())
	}
	if got := s.lastOpened(t); filepath.Base(got) != "bien-nhan-giay-tap-1.pdf" {
		t.Fatalf("printed %s", got)
	}
	blocks, _ := cs.PaperBlocks(context.Background())
	if len(blocks) != 1 || blocks[0].Seqs[len(blocks[0].Seqs)-1] != 9999 || blocks[0].Seqs[0] != 9991 {
		t.Fatalf("block: %+v", blocks)
	}
	fill := func(code, date, tm string) {
		p.Code.SetText(code)
		p.Date.SetText(date)
		p.Time.SetText(tm)
		p.Name.SetText("Trần Văn Bình")
		p.IDNumber.SetText("038085001234")
		p.Choose("1.001193")
	}
	t.Run("OK", func(t *testing.T) {
		fill(code("9999"), dmy, "00:01")
		ctrl(s.win, fyne.KeyReturn)
		if p.Last == nil || !p.Result.Visible() {
			t.Fatalf("back-entry: %q %q %q", p.General.Text, p.Errs["code"].Text, p.Errs["at"].Text)
		}
		proc, _ := s.svc.Catalog.Find("1.001193")
		want := s.svc.DueFor(proc, motcua.ChannelDirect, day.Add(time.Minute))
		if !p.Last.DueAt.Equal(want) || !strings.Contains(p.Result.Text, p.Last.DueAt.In(motcua.Location).Format("02/01/2006")) {
			t.Fatalf("due %v, want %v; shown %q", p.Last.DueAt, want, p.Result.Text)
		}
		if !strings.Contains(p.Result.Text, code("9999")) {
			t.Fatalf("result: %q", p.Result.Text)
		}
		blocks, _ := cs.PaperBlocks(context.Background())
		if len(blocks[0].Used) != 1 {
			t.Fatalf("used: %v", blocks[0].Used)
		}
	})
	cases := []struct {
		name, code, field, want string
	}{
		{"ErrPaperUsed", code("9999"), "code", "đã được nhập"},
		{"ErrPaperNotOursOtherStation", code("9998"), "code", "máy 2/2"},
		{"ErrPaperNotOursNotReserved", code("0001"), "code", "không phải số dành cho biên nhận giấy"},
		{"ErrPaperDate", "000.00.06.H56-" + day.AddDate(0, 0, -1).Format("060102") + "-9997", "code", "khác ngày tiếp nhận"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fill(c.code, dmy, "00:02")
			test.Tap(p.Enter)
			if e := p.Errs[c.field]; !e.Visible() || !strings.Contains(e.Text, c.want) {
				t.Fatalf("%s: field %q says %q (general %q)", c.code, c.field, e.Text, p.General.Text)
			}
			if p.Result.Visible() {
				t.Fatal("a refused receipt must not show a result")
			}
		})
	}
	t.Run("ErrBadTime", func(t *testing.T) {
		fill(code("9997"), dmy, "0 giờ")
		test.Tap(p.Enter)
		if !p.Errs["at"].Visible() {
			t.Fatal("a bad time must be shown next to the time")
		}
	})
	t.Run("ErrNameRequired", func(t *testing.T) {
		fill(code("9997"), dmy, "00:03")
		p.Name.SetText("")
		test.Tap(p.Enter)
		if !p.Errs["name"].Visible() || p.Errs["code"].Visible() {
			t.Fatalf("name: %q code: %q", p.Errs["name"].Text, p.Errs["code"].Text)
		}
	})
}

// TestContinuityBackup: "back up now" runs in the background and the new
// backup is listed, verified.
func TestContinuityBackup(t *testing.T) {
	s, m, _ := contStation(t, motcua.Station{K: 1, N: 1}, accounts.RoleOfficer, contOptions{backups: true})
	s.intakeNow(t)
	ctrl(s.win, fyne.Key4)
	b := m.Frame.Continuity.Backup
	if b.RunNow.Disabled() || b.List.Length() != 0 {
		t.Fatalf("before: disabled=%v %d backups (%q)", b.RunNow.Disabled(), b.List.Length(), b.Dest.Text)
	}
	ctrl(s.win, fyne.KeyU) // Ctrl+S is the sync screen's "send now"
	b.Wait()
	if b.Msg.Visible() || !b.Done.Visible() || !strings.Contains(b.Done.Text, "1 hồ sơ") {
		t.Fatalf("backup: %q / %q", b.Msg.Text, b.Done.Text)
	}
	if b.List.Length() != 1 || b.RunNow.Disabled() {
		t.Fatalf("after: %d backups, disabled=%v", b.List.Length(), b.RunNow.Disabled())
	}
	if !strings.Contains(b.Disks.Text, "dữ liệu") || !strings.Contains(b.Dest.Text, "Lần sao lưu thành công gần nhất:") || strings.Contains(b.Dest.Text, "gần nhất: —") {
		t.Fatalf("disks %q, dest %q", b.Disks.Text, b.Dest.Text)
	}
	b.List.Select(0)
	if !strings.Contains(b.Restore.Text, "motcua restore ") || strings.Contains(b.Restore.Text, "restore ID") {
		t.Fatalf("restore guidance must name the chosen backup: %q", b.Restore.Text)
	}
}

// TestContinuityUnavailable: without the service the screen says so.
func TestContinuityUnavailable(t *testing.T) {
	s, m := officer(t)
	key(s.win, fyne.KeyF7)
	c := m.Frame.Continuity
	if c.Unavailable == nil || !strings.Contains(c.Unavailable.Text, "chưa sẵn sàng") || c.Tabs != nil {
		t.Fatal("without the continuity service the screen must say it is not available")
	}
}

// fakeOutage stands in for the sync engine: it records Begin and End, and
// when the link "returns" it delivers the queue (marks it acknowledged).
type fakeOutage struct {
	st           *storage.Store
	mu           sync.Mutex
	begins, ends int
}

func (o *fakeOutage) Begin(context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.begins++
	return nil
}

func (o *fakeOutage) End(ctx context.Context) error {
	o.mu.Lock()
	o.ends++
	o.mu.Unlock()
	msgs, err := o.st.OutboxPending(ctx, 100)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		if err := o.st.OutboxMark(ctx, m.ID, "acked", ""); err != nil {
			return err
		}
	}
	return nil
}

type fakeProvince struct{ asked []string }

func (p *fakeProvince) Missing(_ context.Context, codes []string) ([]string, error) {
	p.asked = append(p.asked, codes...)
	return nil, nil
}

// TestContinuityDrill: schedule, start (the outage begins), tick, a
// dossier received meanwhile, finish (the outage ends, the province is
// asked), report.
func TestContinuityDrill(t *testing.T) {
	outage, province := &fakeOutage{}, &fakeProvince{}
	s, m, _ := contStation(t, motcua.Station{K: 1, N: 1}, accounts.RoleLeader, contOptions{outage: outage, province: province})
	outage.st = s.st
	ctrl(s.win, fyne.Key2)
	dr := m.Frame.Continuity.Drills
	dr.Scenario.SetSelectedIndex(0)
	dr.At.SetText("23/11/2026 08:00") // already past
	test.Tap(dr.Schedule)
	if !dr.AtErr.Visible() {
		t.Fatal("a drill in the past must be refused next to the time")
	}
	dr.At.SetText("23/11/2026 14:00")
	dr.Simulate.SetChecked(true)
	test.Tap(dr.Schedule)
	if dr.Selected == nil || dr.Selected.Status != continuity.DrillScheduled || dr.List.Length() != 1 {
		t.Fatalf("schedule: %+v %q %q", dr.Selected, dr.FormMsg.Text, dr.AtErr.Text)
	}
	if !dr.Finish.Disabled() || dr.Start.Disabled() {
		t.Fatal("a scheduled drill starts; it cannot finish yet")
	}
	test.Tap(dr.Start)
	if dr.Msg.Visible() || dr.Selected.Status != continuity.DrillRunning || outage.begins != 1 {
		t.Fatalf("start: %q, %+v, begins %d", dr.Msg.Text, dr.Selected, outage.begins)
	}
	if !m.Frame.Banner.Visible() || !strings.Contains(m.Frame.Banner.Text, "ĐANG DIỄN TẬP") {
		t.Fatalf("banner during the drill: %q", m.Frame.Banner.Text)
	}
	s.clock.add(3 * time.Minute)
	for _, c := range dr.Steps.Checks {
		c.SetChecked(true)
	}
	if dr.Steps.Msg.Visible() || !strings.Contains(dr.Steps.Done[0].Text, "binh.tv") {
		t.Fatalf("drill ticks: %q %q", dr.Steps.Msg.Text, dr.Steps.Done[0].Text)
	}
	d := s.intakeNow(t)
	s.clock.add(10 * time.Minute)
	test.Tap(dr.Finish)
	dr.Wait()
	if dr.Msg.Visible() || dr.Selected.Status != continuity.DrillDone || outage.ends != 1 {
		t.Fatalf("finish: %q, %+v, ends %d", dr.Msg.Text, dr.Selected, outage.ends)
	}
	if len(province.asked) != 1 || province.asked[0] != d.Code {
		t.Fatalf("the province was asked about %v", province.asked)
	}
	if !strings.HasPrefix(dr.Result.Text, "ĐẠT") || !strings.Contains(dr.Result.Text, "1 hồ sơ trong lúc diễn tập") {
		t.Fatalf("result: %q", dr.Result.Text)
	}
	if m.Frame.Banner.Visible() {
		t.Fatalf("the banner stayed after the drill: %q", m.Frame.Banner.Text)
	}
	test.Tap(dr.Report)
	if b, err := os.ReadFile(s.lastOpened(t)); err != nil || !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatalf("drill report: %v", err)
	}
}

// TestContinuityDrillNoOutage: a simulated drill with no engine to pause
// shows the service's refusal.
func TestContinuityDrillNoOutage(t *testing.T) {
	s, m, _ := contStation(t, motcua.Station{K: 1, N: 1}, accounts.RoleLeader, contOptions{})
	ctrl(s.win, fyne.Key2)
	dr := m.Frame.Continuity.Drills
	dr.Simulate.SetChecked(true)
	test.Tap(dr.StartNew)
	if !dr.FormMsg.Visible() || !strings.Contains(dr.FormMsg.Text, "Không có bộ đồng bộ đang chạy") {
		t.Fatalf("simulated drill without an engine: %q", dr.FormMsg.Text)
	}
}
