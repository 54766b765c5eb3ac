package ui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/ui"
)

// seed receives a dossier at `at` with the procedure and moves it through
// the given statuses.
func (s *station) seed(at time.Time, proc, name, id string, path ...motcua.Status) *motcua.Dossier {
	s.t.Helper()
	ctx := context.Background()
	d, err := s.svc.Intake(ctx, app.IntakeRequest{ProcedureCode: proc, At: at, By: seedActor,
		Applicant: motcua.Applicant{Name: name, IDNumber: id}})
	if err != nil {
		s.t.Fatal(err)
	}
	for _, to := range path {
		reason := ""
		if motcua.NeedsReason(to) {
			reason = "Theo quy định"
		}
		if to == motcua.StatusSupplement {
			d, err = s.svc.RequestSupplement(ctx, d.Code, seedActor, reason, []string{"Tờ khai"})
		} else {
			d, err = s.svc.Advance(ctx, d.Code, seedActor, to, reason)
		}
		if err != nil {
			s.t.Fatal(err)
		}
	}
	return d
}

// seedWeek is a counter's last fortnight: late, due today, due soon,
// waiting for a supplement, ready to return, returned.
func seedWeek(s *station) map[string]*motcua.Dossier {
	day := func(n int) time.Time { return monday.AddDate(0, 0, n) }
	return map[string]*motcua.Dossier{
		// 3 working days from Thursday 12/11: due Tuesday 17/11: late.
		"late": s.seed(day(-11), "1.004873", "Phạm Văn Muộn", "038085001111", motcua.StatusProcessing),
		// 3 working days from Wednesday 18/11 11:00: Monday 23/11 11:00, today.
		"today": s.seed(day(-5).Add(2*time.Hour), "1.004873", "Lê Thị Hôm Nay", "038085002222"),
		// 3 working days from Thursday 19/11 10:00: Wednesday 25/11 10:00
		// (Tuesday 24/11 is a day off), the next working day.
		"soon": s.seed(day(-4).Add(time.Hour), "1.004873", "Đỗ Văn Sắp", "038085003333", motcua.StatusProcessing),
		// Received this morning: Friday 27/11 08:00.
		"new": s.seed(monday.Add(-time.Hour), "1.004873", "Trịnh Thị Mới", "038085008888"),
		// 20 working days: far away.
		"far":      s.seed(day(-1), "1.001776", "Hoàng Thị Xa", "038085004444"),
		"supp":     s.seed(day(-3), "1.004873", "Vũ Văn Bổ Sung", "038085005555", motcua.StatusSupplement),
		"ready":    s.seed(day(-4), "1.004873", "Bùi Thị Chờ Trả", "038085006666", motcua.StatusProcessing, motcua.StatusDone),
		"returned": s.seed(day(-7), "2.000815", "Ngô Văn Đã Trả", "038085007777", motcua.StatusDone, motcua.StatusReturned),
	}
}

func TestDossierFilters(t *testing.T) {
	s := newStation(t, true)
	s.user("lan.nt", "Nguyễn Thị Lan", accounts.RoleOfficer, "matkhau-lan")
	ds := seedWeek(s)
	m := s.signIn("lan.nt", "matkhau-lan")
	w := s.win
	key(w, fyne.KeyF3)
	l := m.Frame.Dossiers
	codes := func() []string {
		var out []string
		for _, d := range l.Rows() {
			out = append(out, d.Code)
		}
		return out
	}
	want := func(names ...string) []string {
		var out []string
		for _, n := range names {
			out = append(out, ds[n].Code)
		}
		return out
	}
	if l.Total() != 8 {
		t.Fatalf("all: %d", l.Total())
	}
	for _, c := range []struct {
		ctrl  fyne.KeyName
		names []string
	}{
		{fyne.Key2, []string{"new"}},           // received today
		{fyne.Key3, []string{"today"}},         // due today, not yet late
		{fyne.Key4, []string{"soon", "today"}}, // due within 2 working days
		{fyne.Key5, []string{"late"}},          // late
		{fyne.Key6, []string{"supp"}},          // waiting for a supplement
		{fyne.Key7, []string{"ready"}},         // result ready to return
		{fyne.Key8, nil},                       // quarantined: no sync engine
	} {
		ctrl(w, c.ctrl)
		got, exp := strings.Join(codes(), " "), strings.Join(want(c.names...), " ")
		if got != exp {
			t.Errorf("Ctrl+%s: %s, want %s (%s)", c.ctrl, got, exp, l.Info.Text)
		}
	}
	if !strings.Contains(l.Info.Text, "Chưa có bộ đồng bộ") {
		t.Errorf("the sync filter without an engine: %q", l.Info.Text)
	}
	if !strings.Contains(l.Filters[1].Text, "Nhận hôm nay (1)") {
		t.Errorf("\"received today\" must show its count: %q", l.Filters[1].Text)
	}
	if !strings.Contains(l.Filters[4].Text, "(1)") {
		t.Errorf("the late filter must show its count: %q", l.Filters[4].Text)
	}

	// A search within a quick filter.
	ctrl(w, fyne.Key1)
	typeKeys(l.Search, "do van sap")
	if got := codes(); len(got) != 1 || got[0] != ds["soon"].Code {
		t.Fatalf("search: %v", got)
	}
	ctrl(w, fyne.Key5)
	if l.Total() != 0 {
		t.Fatal("a search within the late filter must keep only late dossiers")
	}
	key(w, fyne.KeyEscape)
	if l.Search.Text != "" {
		t.Fatal("Esc clears the search")
	}

	// Days left, colour-coded.
	if text := ui.DaysLeftText(m, ds["late"]); !strings.Contains(text, "trễ") {
		t.Errorf("late: %q", text)
	}
	if text := ui.DaysLeftText(m, ds["today"]); text != "hôm nay" {
		t.Errorf("today: %q", text)
	}
	if text := ui.DaysLeftText(m, ds["soon"]); text != "còn 1 ngày" {
		t.Errorf("soon (Tuesday is a day off): %q", text)
	}
	if text := ui.DaysLeftText(m, ds["new"]); text != "còn 3 ngày" {
		t.Errorf("new: %q", text)
	}
	if text := ui.DaysLeftText(m, ds["far"]); !strings.HasPrefix(text, "còn ") {
		t.Errorf("far: %q", text)
	}
}

func TestDetailActions(t *testing.T) {
	s := newStation(t, true)
	s.user("lan.nt", "Nguyễn Thị Lan", accounts.RoleOfficer, "matkhau-lan")
	s.user("binh.tv", "Trần Văn Bình", accounts.RoleLeader, "matkhau-binh")
	ds := seedWeek(s)
	m := s.signIn("lan.nt", "matkhau-lan")
	w := s.win
	f := m.Frame
	if err := f.OpenDossier(ds["late"].Code); err != nil {
		t.Fatal(err)
	}
	det := f.Dossiers.Detail
	labels := func() map[string]bool {
		out := map[string]bool{}
		for _, b := range det.Actions {
			// Each action shows its shortcut: "Từ chối (Ctrl+R)".
			i := strings.LastIndex(b.Text, " (Ctrl+")
			if i < 0 || !strings.HasSuffix(b.Text, ")") {
				t.Errorf("action %q shows no shortcut", b.Text)
				continue
			}
			out[b.Text[:i]] = !b.Disabled()
		}
		return out
	}
	// Processing: supplement, financial, done, refuse, withdraw, stop, extension.
	got := labels()
	for _, l := range []string{"Đã có kết quả", "Yêu cầu bổ sung", "Công dân rút hồ sơ"} {
		if !got[l] {
			t.Errorf("officer should be able to: %s (%v)", l, got)
		}
	}
	for _, l := range []string{"Từ chối", "Dừng xử lý", "Gia hạn, xin lỗi"} {
		if en, ok := got[l]; !ok || en {
			t.Errorf("%s must be shown disabled for an officer (%v)", l, got)
		}
	}
	if _, ok := got["Chuyển xử lý"]; ok {
		t.Error("a processing dossier cannot be handed off again")
	}
	t.Run("DisabledSaysWhy", func(t *testing.T) {
		for _, b := range det.Actions {
			if strings.HasPrefix(b.Text, "Dừng xử lý") {
				test.Tap(b)
			}
		}
		if det.Panel.Visible() {
			t.Fatal("a disabled action opened its panel")
		}
		confirm(t, m, "dừng xử lý", false)
	})
	t.Run("ErrSupplementReason", func(t *testing.T) {
		for _, b := range det.Actions {
			if strings.HasPrefix(b.Text, "Yêu cầu bổ sung") {
				test.Tap(b)
			}
		}
		if w.Canvas().Focused() != det.Missing {
			t.Fatal("the missing documents field must take the focus")
		}
		typeKeys(det.Missing, "Tờ khai")
		ctrl(w, fyne.KeyReturn)
		if det.D.Status != motcua.StatusProcessing || !strings.Contains(det.PanelErr.Text, "lý do") {
			t.Fatalf("supplement without a reason: %v %q", det.D.Status, det.PanelErr.Text)
		}
		key(w, fyne.KeyEscape)
		if det.Panel.Visible() {
			t.Fatal("Esc closes the action panel")
		}
	})

	// The leader extends it, with an apology.
	m.LockNow()
	test.Tap(m.Lock.Switch)
	m.SignIn.Username.SetText("binh.tv")
	test.Type(m.SignIn.Password, "matkhau-binh")
	enter(m.SignIn.Password)
	f = m.Frame
	if err := f.OpenDossier(ds["late"].Code); err != nil {
		t.Fatal(err)
	}
	det = f.Dossiers.Detail
	for _, b := range det.Actions {
		if strings.HasPrefix(b.Text, "Gia hạn, xin lỗi") {
			test.Tap(b)
		}
	}
	if w.Canvas().Focused() != det.NewDue {
		t.Fatal("the new due date must take the focus")
	}
	t.Run("ErrDayOff", func(t *testing.T) {
		det.NewDue.SetText("29/11/2026") // a Sunday
		det.Reason.SetText("Cần xác minh thêm")
		ctrl(w, fyne.KeyReturn)
		if det.D.Extended || !strings.Contains(det.PanelErr.Text, "ngày nghỉ") {
			t.Fatalf("extension to a Sunday: %q", det.PanelErr.Text)
		}
	})
	t.Run("ErrBadDate", func(t *testing.T) {
		det.NewDue.SetText("31/11/2026")
		ctrl(w, fyne.KeyReturn)
		if det.D.Extended || !strings.Contains(det.PanelErr.Text, "không hợp lệ") {
			t.Fatalf("31 November: %q", det.PanelErr.Text)
		}
	})
	det.NewDue.SetText("01/12/2026")
	ctrl(w, fyne.KeyReturn)
	if !det.D.Extended || det.D.DueAt.Format("02/01/2006 15:04") != "01/12/2026 17:00" {
		t.Fatalf("extension: %v %v %q", det.D.Extended, det.D.DueAt, det.PanelErr.Text)
	}
	if len(s.printed) == 0 || !strings.Contains(s.printed[len(s.printed)-1], "mau04") {
		t.Fatalf("the apology (Mẫu 04) was not printed: %v", s.printed)
	}
	for _, b := range det.Actions {
		if strings.HasPrefix(b.Text, "Gia hạn") {
			t.Fatal("a second extension must not be offered")
		}
	}
	if !strings.Contains(det.Done.Text, "Mẫu 04") {
		t.Fatalf("done: %q", det.Done.Text)
	}
	h := det.D.History[len(det.D.History)-1]
	if h.Actor != "binh.tv" || h.Action != "extend" {
		t.Fatalf("history: %+v", h)
	}
	// Re-print the receipt from the list of papers.
	n := len(s.opened)
	det.ViewPaper(0)
	if len(s.opened) != n+1 || !strings.Contains(s.opened[n], "mau01") {
		t.Fatalf("view paper: %v", s.opened)
	}

	// Stopping is final: asked once, with the consequence; Esc keeps it.
	t.Run("StopAsksFirst", func(t *testing.T) {
		for _, b := range det.Actions {
			if strings.HasPrefix(b.Text, "Dừng xử lý") {
				test.Tap(b)
			}
		}
		typeKeys(det.Reason, "Công dân đề nghị dừng")
		ctrl(w, fyne.KeyReturn)
		confirm(t, m, "không hoàn tác được", false)
		if det.D.Status == motcua.StatusStopped || !det.Panel.Visible() || det.Reason.Text == "" {
			t.Fatal("Esc stopped the dossier, or closed the panel")
		}
		ctrl(w, fyne.KeyReturn)
		confirm(t, m, "dừng xử lý", true)
		if det.D.Status != motcua.StatusStopped {
			t.Fatalf("not stopped after the confirmation: %q", det.PanelErr.Text)
		}
		// The history names the officer, not the account.
		top := det.Timeline.Objects[0].(*widget.Label).Text
		if !strings.Contains(top, "Trần Văn Bình") || strings.Contains(top, "binh.tv") {
			t.Fatalf("history line %q", top)
		}
	})
}

// seedActor makes the sample dossiers: a counter officer.
var seedActor = app.Actor{Username: "seed", Role: app.RoleOfficer}
