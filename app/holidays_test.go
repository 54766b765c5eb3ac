package app_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/assets"
	"motcua/storage"
)

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// holidayStation is a station on a real SQLite file, initialised, with its
// clock on Monday 7/12/2026 (receipts are back-entries).
func holidayStation(t *testing.T) (*app.Service, *storage.Store) {
	t.Helper()
	st, err := storage.Open(filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	cal, err := app.LoadCalendar(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := motcua.LoadCatalog(bytes.NewReader(assets.CatalogJSON))
	if err != nil {
		t.Fatal(err)
	}
	svc := app.New(st, cal, cat)
	svc.Clock = fixedClock(time.Date(2026, 12, 7, 9, 0, 0, 0, motcua.Location))
	if err := svc.Init(ctx, app.Station{AgencyID: "000.00.06.H56", AgencyName: "UBND xã Quảng Phú", Station: motcua.Station{K: 1, N: 1}}, "test"); err != nil {
		t.Fatal(err)
	}
	return svc, st
}

// refuser is an editor without the calendar permission.
type refuser struct{}

func (refuser) EditorName() string { return "lan.nt" }
func (refuser) MayEditCalendar() error {
	return motcua.Errorf(motcua.KindInvalid, "ERR_FORBIDDEN", "permission", "Tài khoản lan.nt không được sửa lịch", "lan.nt may not edit the calendar")
}

var admin = app.Operator("admin")

// intake receives a 3-working-day procedure (1.001022) at the given time.
func intake(t *testing.T, svc *app.Service, at time.Time) *motcua.Dossier {
	t.Helper()
	d, err := svc.Intake(context.Background(), app.IntakeRequest{ProcedureCode: "1.001022", At: at, By: app.Actor{Username: "lan.nt", Role: app.RoleOfficer},
		Applicant: motcua.Applicant{Name: "Trần Văn Bình", IDNumber: "038085001234"}})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestHolidayEditMovesDueDates(t *testing.T) {
	svc, st := holidayStation(t)
	ctx := context.Background()
	wed := time.Date(2026, 11, 25, 9, 0, 0, 0, motcua.Location)
	before := intake(t, svc, wed)
	want := time.Date(2026, 11, 30, 9, 0, 0, 0, motcua.Location) // Thu, Fri, Mon
	if !before.DueAt.Equal(want) {
		t.Fatalf("due before the edit: %v, want %v", before.DueAt, want)
	}

	// Friday 27/11 becomes a day off: a dossier received now is due a day later.
	d, err := svc.AddHoliday(ctx, admin, motcua.DayOff{Date: "27/11/2026", Kind: "off", Name: "Nghỉ  lễ địa phương", Source: "QĐ 12/QĐ-UBND", Confirmed: true})
	if err != nil {
		t.Fatal(err)
	}
	if d.Date != "2026-11-27" || d.Kind != motcua.DayOffHoliday || d.Name != "Nghỉ lễ địa phương" {
		t.Fatalf("normalised: %+v", d)
	}
	after := intake(t, svc, wed)
	if want := time.Date(2026, 12, 1, 9, 0, 0, 0, motcua.Location); !after.DueAt.Equal(want) {
		t.Fatalf("due after adding 27/11: %v, want %v", after.DueAt, want)
	}
	// The dossier received before keeps its appointment.
	if got, err := st.Get(ctx, before.Code); err != nil || !got.DueAt.Equal(before.DueAt) {
		t.Fatalf("an earlier dossier's due date changed: %v, %v", got.DueAt, err)
	}
	// A restarted service (the command line, the window) reads the same.
	cal, err := app.LoadCalendar(ctx, st)
	if err != nil || cal.IsWorkingDay(time.Date(2026, 11, 27, 10, 0, 0, 0, motcua.Location)) {
		t.Fatalf("stored calendar: 27/11 working, %v", err)
	}

	t.Run("Edit", func(t *testing.T) {
		_, err := svc.EditHoliday(ctx, admin, "2026-11-27", motcua.DayOff{Date: "2026-11-27", Kind: "holiday", Name: "Nghỉ lễ địa phương", Confirmed: false})
		if err != nil {
			t.Fatal(err)
		}
		days, _ := svc.HolidayYear(2026)
		for _, x := range days {
			if x.Date == "2026-11-27" && (x.Confirmed || x.Source != "") {
				t.Fatalf("edited: %+v", x)
			}
		}
	})

	if err := svc.RemoveHoliday(ctx, admin, "2026-11-27"); err != nil {
		t.Fatal(err)
	}
	if again := intake(t, svc, wed); !again.DueAt.Equal(want) {
		t.Fatalf("due after removing 27/11: %v, want %v", again.DueAt, want)
	}

	t.Run("RemoveSeedDay", func(t *testing.T) {
		// 24/11/2026 (Ngày Văn hóa, unconfirmed) comes from the embedded seed.
		mon := time.Date(2026, 11, 23, 9, 0, 0, 0, motcua.Location)
		if d := intake(t, svc, mon); !d.DueAt.Equal(time.Date(2026, 11, 27, 9, 0, 0, 0, motcua.Location)) {
			t.Fatalf("with 24/11 off: %v", d.DueAt)
		}
		if err := svc.RemoveHoliday(ctx, admin, "24/11/2026"); err != nil {
			t.Fatal(err)
		}
		if d := intake(t, svc, mon); !d.DueAt.Equal(time.Date(2026, 11, 26, 9, 0, 0, 0, motcua.Location)) {
			t.Fatalf("without 24/11: %v", d.DueAt)
		}
	})

	t.Run("Workday", func(t *testing.T) {
		// Saturday 28/11 worked: a dossier received Friday afternoon is due earlier.
		fri := time.Date(2026, 11, 27, 9, 0, 0, 0, motcua.Location)
		base := svc.DueFor(motcua.Procedure{ProcessingDays: 1}, motcua.ChannelDirect, fri)
		if _, err := svc.AddHoliday(ctx, admin, motcua.DayOff{Date: "2026-11-28", Kind: "workday", Name: "Làm bù cho thứ Hai 30/11", Confirmed: true}); err != nil {
			t.Fatal(err)
		}
		got := svc.DueFor(motcua.Procedure{ProcessingDays: 1}, motcua.ChannelDirect, fri)
		if !got.Equal(time.Date(2026, 11, 28, 9, 0, 0, 0, motcua.Location)) || !got.Before(base) {
			t.Fatalf("làm bù Saturday: %v (was %v)", got, base)
		}
	})
}

func TestHolidayEditRefused(t *testing.T) {
	svc, st := holidayStation(t)
	ctx := context.Background()
	raw0, _, _ := st.Setting(ctx, app.KeyHolidays)
	n0, err := st.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cal0 := svc.Calendar
	day := motcua.DayOff{Date: "2026-11-27", Kind: "off", Name: "Nghỉ lễ địa phương"}
	good := func(f func(*motcua.DayOff)) motcua.DayOff { d := day; f(&d); return d }

	for _, c := range []struct {
		name, code, field string
		do                func() error
	}{
		{"ErrForbiddenAdd", "ERR_FORBIDDEN", "permission", func() error { _, err := svc.AddHoliday(ctx, refuser{}, day); return err }},
		{"ErrForbiddenEdit", "ERR_FORBIDDEN", "permission", func() error { _, err := svc.EditHoliday(ctx, refuser{}, "2026-11-24", day); return err }},
		{"ErrForbiddenRemove", "ERR_FORBIDDEN", "permission", func() error { return svc.RemoveHoliday(ctx, refuser{}, "2026-11-24") }},
		{"ErrBadDate", app.ErrBadDate, "date", func() error {
			_, err := svc.AddHoliday(ctx, admin, good(func(d *motcua.DayOff) { d.Date = "31/02/2026" }))
			return err
		}},
		{"ErrBadDateText", app.ErrBadDate, "date", func() error {
			_, err := svc.AddHoliday(ctx, admin, good(func(d *motcua.DayOff) { d.Date = "mai" }))
			return err
		}},
		{"ErrDateRangeLow", app.ErrDateRange, "date", func() error {
			_, err := svc.AddHoliday(ctx, admin, good(func(d *motcua.DayOff) { d.Date = "1999-12-31" }))
			return err
		}},
		{"ErrDateRangeHigh", app.ErrDateRange, "date", func() error {
			_, err := svc.AddHoliday(ctx, admin, good(func(d *motcua.DayOff) { d.Date = "01/01/2100" }))
			return err
		}},
		{"ErrDuplicate", motcua.ErrDuplicate, "date", func() error {
			_, err := svc.AddHoliday(ctx, admin, good(func(d *motcua.DayOff) { d.Date = "2026-11-24" }))
			return err
		}},
		{"ErrNameRequired", motcua.ErrRequired, "name", func() error {
			_, err := svc.AddHoliday(ctx, admin, good(func(d *motcua.DayOff) { d.Name = "  " }))
			return err
		}},
		{"ErrBadKind", app.ErrBadKind, "kind", func() error {
			_, err := svc.AddHoliday(ctx, admin, good(func(d *motcua.DayOff) { d.Kind = "half" }))
			return err
		}},
		{"ErrWorkdayNotWeekend", app.ErrWorkdayWeekday, "kind", func() error {
			_, err := svc.AddHoliday(ctx, admin, good(func(d *motcua.DayOff) { d.Kind = "workday" }))
			return err
		}},
		{"ErrSubstituteOnWeekend", app.ErrSubstituteWkend, "kind", func() error {
			_, err := svc.AddHoliday(ctx, admin, good(func(d *motcua.DayOff) { d.Date, d.Kind = "2026-11-28", "compensatory" }))
			return err
		}},
		{"ErrEditNotListed", motcua.ErrNotFound, "date", func() error { _, err := svc.EditHoliday(ctx, admin, "2026-11-27", day); return err }},
		{"ErrEditOntoAnother", motcua.ErrDuplicate, "date", func() error {
			_, err := svc.EditHoliday(ctx, admin, "2026-11-24", good(func(d *motcua.DayOff) { d.Date = "2026-09-02" }))
			return err
		}},
		{"ErrEditOntoAnotherYear", motcua.ErrDuplicate, "date", func() error {
			_, err := svc.EditHoliday(ctx, admin, "2026-11-24", good(func(d *motcua.DayOff) { d.Date = "2027-01-01" }))
			return err
		}},
		{"ErrRemoveNotListed", motcua.ErrNotFound, "date", func() error { return svc.RemoveHoliday(ctx, admin, "2026-11-27") }},
		{"ErrRemoveBadDate", app.ErrBadDate, "date", func() error { return svc.RemoveHoliday(ctx, admin, "27-11-2026") }},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.do()
			e, ok := motcua.AsError(err)
			if !ok || e.Code != c.code || e.Field != c.field || e.Msg == "" || e.MsgEN == "" {
				t.Fatalf("got %v (%+v), want %s on %s", err, e, c.code, c.field)
			}
			raw, _, _ := st.Setting(ctx, app.KeyHolidays)
			n, _ := st.VerifyAudit(ctx)
			if raw != raw0 || n != n0 || svc.Calendar != cal0 {
				t.Fatalf("something changed: stored %d→%d bytes, audit %d→%d", len(raw0), len(raw), n0, n)
			}
		})
	}
}

func TestHolidayExportImportRoundTrip(t *testing.T) {
	svc, _ := holidayStation(t)
	ctx := context.Background()
	if _, err := svc.AddHoliday(ctx, admin, motcua.DayOff{Date: "2028-03-06", Kind: "compensatory", Name: "Nghỉ hoán đổi \"thử\" 2028", Source: "rule"}); err != nil {
		t.Fatal(err)
	}
	if err := svc.RemoveHoliday(ctx, admin, "2026-11-24"); err != nil {
		t.Fatal(err)
	}
	first, err := svc.ExportHolidays(ctx)
	if err != nil {
		t.Fatal(err)
	}
	table, err := motcua.LoadHolidayTable(bytes.NewReader(first))
	if err != nil {
		t.Fatalf("the export is not a valid table: %v", err)
	}
	if _, ok := table.Years[2028]; !ok || len(table.Years[2024]) == 0 {
		t.Fatalf("export lacks the edited year or the seed: %v", table.Years)
	}

	other, _ := holidayStation(t)
	if err := other.ImportHolidays(ctx, first, app.OperatorActor("admin")); err != nil {
		t.Fatal(err)
	}
	second, err := other.ExportHolidays(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Fatalf("round trip differs:\n%s\n---\n%s", first, second)
	}
	for _, y := range []int{2026, 2028} {
		a, _ := svc.HolidayYear(y)
		b, _ := other.HolidayYear(y)
		if len(a) != len(b) {
			t.Fatalf("%d: %d days vs %d", y, len(a), len(b))
		}
	}
}

// A holiday added by another process on the same database (the command
// line while the window is open) reaches this service's due dates at its
// next RefreshCalendar, and only then; with nothing changed it does not
// reload.
func TestRefreshCalendarSeesOtherProcess(t *testing.T) {
	window, st := holidayStation(t)
	ctx := context.Background()
	if _, err := window.RefreshCalendar(ctx); err != nil { // the first call records what it loaded
		t.Fatal(err)
	}
	if again, err := window.RefreshCalendar(ctx); err != nil || again {
		t.Fatalf("nothing changed, yet reloaded=%v (%v)", again, err)
	}
	cli := app.New(st, window.Calendar, window.Catalog)
	cli.Clock = window.Clock
	if _, err := cli.AddHoliday(ctx, admin, motcua.DayOff{Date: "27/11/2026", Kind: "off", Name: "Nghỉ lễ địa phương", Confirmed: true}); err != nil {
		t.Fatal(err)
	}
	wed := time.Date(2026, 11, 25, 9, 0, 0, 0, motcua.Location)
	if d := intake(t, window, wed); !d.DueAt.Equal(time.Date(2026, 11, 30, 9, 0, 0, 0, motcua.Location)) {
		t.Fatalf("before the refresh the window still uses its calendar: due %v", d.DueAt)
	}
	if reloaded, err := window.RefreshCalendar(ctx); err != nil || !reloaded {
		t.Fatalf("the other process's holiday not seen: reloaded=%v (%v)", reloaded, err)
	}
	if d := intake(t, window, wed); !d.DueAt.Equal(time.Date(2026, 12, 1, 9, 0, 0, 0, motcua.Location)) {
		t.Fatalf("after the refresh: due %v, want 01/12 09:00 (27/11 off)", d.DueAt)
	}
}
