package ui_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"motcua"
	"motcua/app"
	"motcua/app/ui"
	"motcua/assets"
	"motcua/storage"
)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

func newService(t *testing.T, initialised bool) *app.Service {
	t.Helper()
	st, err := storage.Open(filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cat, err := motcua.LoadCatalog(bytes.NewReader(assets.CatalogJSON))
	if err != nil {
		t.Fatal(err)
	}
	cal, err := app.LoadCalendar(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	svc := app.New(st, cal, cat)
	// Monday 23/11/2026 09:00: a working day (24/11 is the reported new holiday).
	svc.Clock = fixedClock{time.Date(2026, 11, 23, 9, 0, 0, 0, motcua.Location)}
	if initialised {
		if err := svc.Init(context.Background(), app.Station{AgencyID: "000.00.06.H56", AgencyName: "UBND xã Quảng Phú", Station: motcua.Station{K: 1, N: 1}}, "test"); err != nil {
			t.Fatal(err)
		}
	}
	return svc
}

func TestSetupThenIntake(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	w := a.NewWindow("t")
	svc := newService(t, false)
	m := ui.NewMain(w, svc)
	if m.Setup == nil {
		t.Fatal("an uninitialised station must open on the setup screen")
	}
	test.Type(m.Setup.AgencyID, "000.00.06.h56")
	test.Type(m.Setup.Name, "UBND xã Quảng Phú")
	test.Tap(m.Setup.Save)
	if !strings.Contains(m.Setup.Err.Text, "agency_id") {
		t.Fatalf("a lower-case agency id must be refused naming the field, got %q", m.Setup.Err.Text)
	}
	m.Setup.AgencyID.SetText("000.00.06.H56")
	test.Tap(m.Setup.Save)
	if m.Intake == nil {
		t.Fatalf("setup did not open the counter: %q", m.Setup.Err.Text)
	}
}

func TestIntakeScanAcceptAndList(t *testing.T) {
	a := test.NewApp()
	defer a.Quit()
	w := a.NewWindow("t")
	svc := newService(t, true)
	m := ui.NewMain(w, svc)
	in := m.Intake

	// A USB scanner types the chip-ID line and Enter.
	in.Scan.SetText("")
	test.Type(in.Scan, "001090123456|012345678|Nguyễn Thị Ánh Tuyết|01011990|Nữ|Thôn 2, xã Quảng Phú|15042021")
	in.Scan.OnSubmitted(in.Scan.Text)
	// The digit 0 in position 4 means male born in the 1900s: the card is refused, naming the field.
	if in.Name.Text != "" {
		t.Fatal("an inconsistent chip-ID line must not fill the form")
	}
	in.Scan.SetText("")
	test.Type(in.Scan, "001190123456|012345678|Nguyễn Thị Ánh Tuyết|01011990|Nữ|Thôn 2, xã Quảng Phú|15042021")
	in.Scan.OnSubmitted(in.Scan.Text)
	if in.Name.Text != "Nguyễn Thị Ánh Tuyết" || in.IDNumber.Text != "001190123456" || in.DOB.Text != "01/01/1990" || in.Gender.Selected != "Nữ" {
		t.Fatalf("scan did not fill the applicant: %q %q %q %q", in.Name.Text, in.IDNumber.Text, in.DOB.Text, in.Gender.Selected)
	}

	// Accept without a procedure: the message sits by the procedure field.
	test.Tap(in.Accept)
	if in.Result.Text != "" {
		t.Fatal("accepted without a procedure")
	}

	test.Type(in.ProcQuery, "chung thuc ban sao")
	if in.ProcList.Length() == 0 {
		t.Fatal("diacritic-insensitive procedure search found nothing")
	}
	in.ProcList.Select(0)
	test.Tap(in.Accept)
	if !strings.Contains(in.Result.Text, "Đã tiếp nhận hồ sơ 000.00.06.H56-261123-0001") {
		t.Fatalf("result = %q", in.Result.Text)
	}
	if in.Name.Text != "" || in.IDNumber.Text != "" {
		t.Fatal("the form must be clear for the next citizen")
	}
	rows := m.List.Rows()
	if len(rows) != 1 || rows[0].Applicant.Name != "Nguyễn Thị Ánh Tuyết" || rows[0].DueAt.IsZero() {
		t.Fatalf("list after intake: %+v", rows)
	}
	test.Type(m.List.SearchBox, "nguyen thi anh")
	if len(m.List.Rows()) != 1 {
		t.Fatalf("search without diacritics found %d rows", len(m.List.Rows()))
	}
}
