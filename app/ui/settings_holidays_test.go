package ui_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/forms"
	"motcua/app/ui"
)

func adminSettings(t *testing.T) (*station, *ui.Settings) {
	s := newStation(t, true)
	s.user("admin", "", "", "")
	m := s.signIn("admin", "quantri-2026")
	key(s.win, fyne.KeyF6)
	st := m.Frame.Settings
	ctrl(s.win, fyne.Key3)
	if st.Tabs.SelectedIndex() != 2 {
		t.Fatalf("Ctrl+3 opened tab %d", st.Tabs.SelectedIndex())
	}
	return s, st
}

func TestSettingsHolidayEditor(t *testing.T) {
	s, st := adminSettings(t)
	if st.Year.Selected != "2026" || len(st.DaysShown()) == 0 {
		t.Fatalf("year %q, %d days", st.Year.Selected, len(st.DaysShown()))
	}
	if s.win.Canvas().Focused() != st.DayDate {
		t.Fatal("the calendar tab must put the focus on the date field")
	}
	rows := strings.Join(st.DaysShown(), "\n")
	if !strings.Contains(rows, "24/11/2026 · Thứ Ba · nghỉ lễ · Ngày Văn hóa Việt Nam") {
		t.Fatalf("rows:\n%s", rows)
	}
	wed := time.Date(2026, 11, 25, 9, 0, 0, 0, motcua.Location)
	proc := motcua.Procedure{ProcessingDays: 3}
	before := s.svc.DueFor(proc, motcua.ChannelDirect, wed)
	st.PreviewAt.SetText("25/11/2026")
	st.PreviewN.SetText("3")
	if !strings.Contains(st.PreviewText(), "Thứ Hai 30/11/2026") {
		t.Fatalf("preview: %q", st.PreviewText())
	}

	// Bad input: the error sits next to its field, nothing is stored.
	raw0, _, _ := s.st.Setting(t.Context(), app.KeyHolidays)
	for _, c := range []struct {
		name, date, kind, dayName, field, want string
	}{
		{"ErrBadDate", "31/02/2026", motcua.DayOffHoliday, "Nghỉ", "date", "không hợp lệ"},
		{"ErrDateRange", "01/01/2100", motcua.DayOffHoliday, "Nghỉ", "date", "2000–2099"},
		{"ErrDuplicate", "24/11/2026", motcua.DayOffHoliday, "Nghỉ", "date", "đã có trong lịch"},
		{"ErrNameRequired", "27/11/2026", motcua.DayOffHoliday, " ", "name", "Chưa nhập tên"},
		{"ErrWorkdayNotWeekend", "27/11/2026", motcua.DayOffWorking, "Làm bù", "kind", "thứ Bảy hoặc Chủ nhật"},
		{"ErrSubstituteOnWeekend", "28/11/2026", motcua.DayOffSubstitute, "Nghỉ bù", "kind", "thứ Hai – thứ Sáu"},
	} {
		t.Run(c.name, func(t *testing.T) {
			st.AddDayData(c.date, c.kind, c.dayName, true)
			if got := st.DayErr(c.field); !strings.Contains(got, c.want) {
				t.Fatalf("%s: %q (date %q, kind %q, name %q, other %q)", c.field, got, st.DayErr("date"), st.DayErr("kind"), st.DayErr("name"), st.DayMsg.Text)
			}
			if raw, _, _ := s.st.Setting(t.Context(), app.KeyHolidays); raw != raw0 {
				t.Fatal("a refused day was stored")
			}
		})
	}

	// Add with the keyboard: Ctrl+N, type, Ctrl+Enter.
	ctrl(s.win, fyne.KeyN)
	if s.win.Canvas().Focused() != st.DayDate {
		t.Fatal("Ctrl+N must put the focus on the date")
	}
	typeKeys(st.DayDate, "27/11/2026")
	st.DayName.SetText("Nghỉ lễ địa phương")
	st.DaySource.SetText("Quyết định 15/QĐ-UBND")
	st.DayOK.SetChecked(false)
	ctrl(s.win, fyne.KeyReturn)
	if st.DayMsg.Text != "" || !st.DayDone.Visible() {
		t.Fatalf("add: %q %q %q", st.DayMsg.Text, st.DayErr("date"), st.DayErr("name"))
	}
	rows = strings.Join(st.DaysShown(), "\n")
	if !strings.Contains(rows, "27/11/2026 · Thứ Sáu · nghỉ lễ · Nghỉ lễ địa phương") {
		t.Fatalf("rows after add:\n%s", rows)
	}
	after := s.svc.DueFor(proc, motcua.ChannelDirect, wed)
	if !after.Equal(before.AddDate(0, 0, 1)) || !strings.Contains(st.PreviewText(), "Thứ Ba 01/12/2026") {
		t.Fatalf("due %v → %v; preview %q", before, after, st.PreviewText())
	}

	// Edit: the list pick fills the form; confirm it.
	if !st.PickDay("2026-11-27") || st.DayName.Text != "Nghỉ lễ địa phương" || st.DayOK.Checked {
		t.Fatalf("pick: %q %v", st.DayName.Text, st.DayOK.Checked)
	}
	st.DayOK.SetChecked(true)
	test.Tap(st.SaveDay)
	days, _ := s.svc.HolidayYear(2026)
	for _, d := range days {
		if d.Date == "2026-11-27" && (!d.Confirmed || d.Source != "Quyết định 15/QĐ-UBND") {
			t.Fatalf("edited: %+v", d)
		}
	}

	// Remove: asked once, then done.
	st.PickDay("2026-11-27")
	test.Tap(st.RemoveDay)
	if !strings.Contains(st.DayMsg.Text, "27/11/2026") || !s.svc.Calendar.IsWorkingDay(wed) {
		t.Fatalf("first press: %q", st.DayMsg.Text)
	}
	enter(st.RemoveDay)
	if strings.Contains(strings.Join(st.DaysShown(), "\n"), "27/11/2026") {
		t.Fatal("the day is still listed")
	}
	if got := s.svc.DueFor(proc, motcua.ChannelDirect, wed); !got.Equal(before) {
		t.Fatalf("due after remove: %v, want %v", got, before)
	}

	// The audit log names the administrator.
	n, err := s.st.VerifyAudit(t.Context())
	if err != nil || n == 0 {
		t.Fatalf("audit: %d, %v", n, err)
	}

	t.Run("ImportExportRoundTrip", func(t *testing.T) {
		raw, err := s.svc.ExportHolidays(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		st.ImportHolidaysData(raw)
		again, _ := s.svc.ExportHolidays(t.Context())
		if st.DayMsg.Text != "" || string(again) != string(raw) {
			t.Fatalf("round trip: %q", st.DayMsg.Text)
		}
	})
}

func TestSettingsHolidayOfficerRefused(t *testing.T) {
	s, m := officer(t)
	key(s.win, fyne.KeyF6)
	st := m.Frame.Settings
	st.Tabs.SelectIndex(2)
	if !st.AddDay.Disabled() || !st.DayDate.Disabled() || !st.ImportHol.Disabled() {
		t.Fatal("an officer's editor must be read-only")
	}
	if len(st.DaysShown()) == 0 {
		t.Fatal("an officer still sees the year's days")
	}
	raw0, _, _ := s.st.Setting(context.Background(), app.KeyHolidays)
	st.AddDayData("27/11/2026", motcua.DayOffHoliday, "Nghỉ lễ địa phương", true)
	if !strings.Contains(st.DayMsg.Text, "không có quyền") {
		t.Fatalf("officer adding a day: %q", st.DayMsg.Text)
	}
	if raw, _, _ := s.st.Setting(context.Background(), app.KeyHolidays); raw != raw0 || !s.svc.Calendar.IsWorkingDay(time.Date(2026, 11, 27, 9, 0, 0, 0, motcua.Location)) {
		t.Fatal("the officer's day was stored")
	}
}

// printerStation is a station whose window lists fake printers and records
// what was printed where.
func printerStation(t *testing.T, role accounts.Role) (*station, *ui.Settings, *[]string) {
	s := newStation(t, true)
	s.user("lan.nt", "Nguyễn Thị Lan", role, "matkhau-lan")
	var printedTo []string
	lister := func(context.Context) ([]forms.Printer, error) {
		return []forms.Printer{{Name: "Canon LBP2900 \"Quầy 1\""}, {Name: "HP LaserJet (Tầng 2)", Default: true}}, nil
	}
	s.m = ui.NewMain(s.win, s.svc, ui.Options{
		Accounts: s.acc, Keys: s.keys, PapersDir: filepath.Join(s.dir, "papers"),
		Open: func(string) error { return nil },
		Print: func(p string) error {
			s.mu.Lock()
			defer s.mu.Unlock()
			printedTo = append(printedTo, "(mặc định) "+filepath.Base(p))
			return nil
		},
		PrintTo: func(p, printer string) error {
			s.mu.Lock()
			defer s.mu.Unlock()
			printedTo = append(printedTo, printer+" "+filepath.Base(p))
			return nil
		},
		Printers: lister,
	})
	t.Cleanup(s.m.Close)
	s.m.SignIn.Username.SetText("lan.nt")
	test.Type(s.m.SignIn.Password, "matkhau-lan")
	enter(s.m.SignIn.Password)
	if s.m.Frame == nil {
		t.Fatal("sign-in failed")
	}
	key(s.win, fyne.KeyF6)
	st := s.m.Frame.Settings
	ctrl(s.win, fyne.Key6)
	st.WaitPrinters()
	return s, st, &printedTo
}

func TestSettingsPrinter(t *testing.T) {
	s, st, printed := printerStation(t, accounts.RoleOfficer)
	if got := st.PrinterSel.Options; len(got) != 3 || !strings.HasPrefix(got[0], "Mặc định của hệ thống") ||
		got[1] != `Canon LBP2900 "Quầy 1"` || got[2] != "HP LaserJet (Tầng 2) (mặc định)" || st.PrinterSel.SelectedIndex() != 0 {
		t.Fatalf("options %q, selected %d", got, st.PrinterSel.SelectedIndex())
	}

	// In thử prints on the printer shown in the select.
	if !st.ChoosePrinter(`Canon LBP2900 "Quầy 1"`) {
		t.Fatal("printer not listed")
	}
	test.Tap(st.TestPrint)
	if len(*printed) != 1 || !strings.HasPrefix((*printed)[0], `Canon LBP2900 "Quầy 1" in-thu-`) {
		t.Fatalf("test page: %q %q", *printed, st.PrinterMsg.Text)
	}

	// Chosen and kept: the setting is in the database, forms go there.
	test.Tap(st.SavePrinter)
	if v, _ := s.svc.Printer(t.Context()); v != `Canon LBP2900 "Quầy 1"` {
		t.Fatalf("setting: %q (%q)", v, st.PrinterMsg.Text)
	}
	receipt := intakeAndPrint(t, s)
	if last := (*printed)[len(*printed)-1]; last != `Canon LBP2900 "Quầy 1" `+receipt {
		t.Fatalf("receipt printed on %q", last)
	}
	key(s.win, fyne.KeyF6)
	ctrl(s.win, fyne.Key6)

	// A printer that disappeared stays shown, marked, until another is chosen.
	if err := s.svc.SetPrinter(t.Context(), "Máy cũ", app.OperatorActor("test")); err != nil {
		t.Fatal(err)
	}
	st.RefreshPrinters()
	st.WaitPrinters()
	if got := st.PrinterSel.Selected; got != "Máy cũ (không tìm thấy trên máy)" {
		t.Fatalf("missing printer: %q", got)
	}

	// Back to the system default.
	st.ChoosePrinter("")
	test.Tap(st.SavePrinter)
	if v, _ := s.svc.Printer(t.Context()); v != "" {
		t.Fatalf("default: %q", v)
	}
	receipt = intakeAndPrint(t, s)
	if last := (*printed)[len(*printed)-1]; last != "(mặc định) "+receipt {
		t.Fatalf("default printer: %q", last)
	}
}

func TestSettingsPrinterListFails(t *testing.T) {
	s := newStation(t, true)
	s.user("admin", "", "", "")
	s.m = ui.NewMain(s.win, s.svc, ui.Options{Accounts: s.acc, Keys: s.keys, PapersDir: filepath.Join(s.dir, "papers"),
		Printers: func(context.Context) ([]forms.Printer, error) {
			return nil, motcua.Errorf(motcua.KindInternal, "ERR_NO_PRINT_SYSTEM", "printer", "Không tìm thấy lệnh lpstat", "lpstat not found")
		}})
	t.Cleanup(s.m.Close)
	s.m.SignIn.Username.SetText("admin")
	test.Type(s.m.SignIn.Password, "quantri-2026")
	enter(s.m.SignIn.Password)
	key(s.win, fyne.KeyF6)
	st := s.m.Frame.Settings
	st.Tabs.SelectIndex(5)
	st.WaitPrinters()
	if !strings.Contains(st.PrinterMsg.Text, "lpstat") || len(st.PrinterSel.Options) != 1 {
		t.Fatalf("%q %q", st.PrinterMsg.Text, st.PrinterSel.Options)
	}
}

// intakeAndPrint accepts a dossier at the counter, prints its receipt with
// Ctrl+P and returns the receipt's file name.
func intakeAndPrint(t *testing.T, s *station) string {
	t.Helper()
	key(s.win, fyne.KeyF2)
	in := s.m.Frame.Intake
	scan(s.win, cccdLine)
	typeKeys(in.ProcQuery, "2.000815")
	enter(in.ProcQuery)
	ctrl(s.win, fyne.KeyK)
	ctrl(s.win, fyne.KeyReturn)
	if in.Last == nil {
		t.Fatalf("intake: %q", in.General.Text)
	}
	ctrl(s.win, fyne.KeyP)
	in.Wait()
	return filepath.Base(in.LastPaper.Path)
}
