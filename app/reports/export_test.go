package reports_test

import (
	"bytes"
	"encoding/json"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"motcua"
	"motcua/app/reports"
)

// november's report and the board of 07/12, from the seeded file.
func novemberReport(t *testing.T) (*reports.Report, *reports.Board) {
	t.Helper()
	svc := service(t, append(november(), december()...)...)
	svc.Agency, svc.AgencyID = "UBND xã Quảng Phú", agency
	r, err := svc.Statistics(ctx, reports.Month(2026, time.November))
	if err != nil {
		t.Fatal(err)
	}
	b, err := svc.Board(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return r, b
}

// keep writes a copy of an export under testdata when MOTCUA_UPDATE_TESTDATA
// is set, for review (the copies in the repository were made so).
func keep(t *testing.T, name string, data []byte) {
	if os.Getenv("MOTCUA_UPDATE_TESTDATA") == "" {
		return
	}
	if err := os.WriteFile(filepath.Join("testdata", name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCharts(t *testing.T) {
	r, _ := novemberReport(t)
	cs, err := reports.Charts(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 4 {
		t.Fatalf("%d charts, want 4", len(cs))
	}
	for _, c := range cs {
		img, err := png.Decode(bytes.NewReader(c.PNG))
		if err != nil {
			t.Fatalf("chart %s: %v", c.ID, err)
		}
		if b := img.Bounds(); b.Dx() < 800 || b.Dy() < 450 {
			t.Errorf("chart %s is %v, want at least 800×450", c.ID, b)
		}
		keep(t, "chart-"+c.ID+".png", c.PNG)
	}
}

func TestXLSXMatchesJSON(t *testing.T) {
	r, b := novemberReport(t)
	path := filepath.Join(t.TempDir(), "bao-cao.xlsx")
	if err := reports.ExportFile(path, "", r, b); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	keep(t, "bao-cao-2026-11.xlsx", data)
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const sh = "Tổng hợp"
	rows, err := f.GetRows(sh)
	if err != nil {
		t.Fatal(err)
	}
	// find each summary line by its label, check the value or the formula's inputs
	byLabel := map[string]int{} // label → 1-based row
	for i, row := range rows {
		if len(row) > 0 {
			byLabel[row[0]] = i + 1
		}
	}
	val := func(row int) int {
		v, err := f.GetCellValue(sh, "B"+strconv.Itoa(row))
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.Atoi(v)
		return n
	}
	formulas := 0
	for _, l := range r.Lines() {
		label := l.Label
		for range l.Indent {
			label = "    " + label
		}
		row, ok := byLabel[label]
		if !ok {
			t.Errorf("line %q missing from the sheet", l.Label)
			continue
		}
		fm, _ := f.GetCellFormula(sh, "B"+strconv.Itoa(row))
		if len(l.Sum) > 0 {
			if fm == "" {
				t.Errorf("line %q is a total but has no formula", l.Label)
			}
			formulas++
			// the formula gives the report's figure
			if v, err := f.CalcCellValue(sh, "B"+strconv.Itoa(row)); err != nil || v != strconv.Itoa(l.Value) {
				t.Errorf("total %q computes to %q (%v), the report says %d", l.Label, v, err, l.Value)
			}
			continue
		}
		if got := val(row); got != l.Value {
			t.Errorf("line %q = %d in the sheet, %d in the report", l.Label, got, l.Value)
		}
	}
	if formulas < 3 {
		t.Errorf("only %d totals are formulas", formulas)
	}
	// the indicators' shares are formulas over their numerator and denominator
	row, ok := byLabel["Tỷ lệ hồ sơ giải quyết đúng hạn"]
	if !ok {
		t.Fatal("on-time indicator missing")
	}
	if fm, _ := f.GetCellFormula(sh, "D"+strconv.Itoa(row)); fm == "" {
		t.Error("on-time share is not a formula")
	}
	for i, in := range r.Indicators {
		if !in.Has() {
			continue
		}
		c := "D" + strconv.Itoa(row+i)
		v, err := f.CalcCellValue(sh, c, excelize.Options{RawCellValue: true})
		got, perr := strconv.ParseFloat(v, 64)
		if err != nil || perr != nil || math.Abs(got*100-in.Percent) > 1e-9 {
			t.Errorf("indicator %s: %s computes to %q (%v), the report says %.2f%%", in.ID, c, v, err, in.Percent)
		}
	}
	// JSON says the same figures
	var js bytes.Buffer
	if err := reports.Export(&js, reports.FormatJSON, r, b); err != nil {
		t.Fatal(err)
	}
	var back reports.JSON
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Report.Received != r.Received || back.Report.Resolved != r.Resolved || len(back.Board.Late) != 2 {
		t.Errorf("JSON round trip differs: %+v", back.Report.Resolved)
	}
	keep(t, "bao-cao-2026-11.json", js.Bytes())
	for _, s := range []string{"Theo thủ tục", "Theo lĩnh vực", "Theo ngày", "Theo cán bộ", "Bảng theo dõi hạn", "Biểu đồ"} {
		if idx, _ := f.GetSheetIndex(s); idx < 0 {
			t.Errorf("sheet %s missing", s)
		}
	}
	pics, err := f.GetPictures("Biểu đồ", "A2")
	if err != nil || len(pics) != 1 {
		t.Errorf("chart picture at Biểu đồ!A2: %d, %v", len(pics), err)
	}
}

func TestPDF(t *testing.T) {
	r, b := novemberReport(t)
	var buf bytes.Buffer
	if err := reports.Export(&buf, reports.FormatPDF, r, b); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) || buf.Len() < 20000 {
		t.Fatalf("not a PDF with embedded fonts and charts: %d bytes", buf.Len())
	}
	keep(t, "bao-cao-2026-11.pdf", buf.Bytes())
	// the board alone: the leader's daily summary
	buf.Reset()
	if err := reports.Export(&buf, reports.FormatPDF, nil, b); err != nil {
		t.Fatal(err)
	}
	keep(t, "bang-han-2026-12-07.pdf", buf.Bytes())
	buf.Reset()
	if err := reports.Export(&buf, reports.FormatXLSX, nil, b); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.GetCellValue("Bảng theo dõi hạn", "B5"); v != b.Late[0].Code {
		t.Errorf("board sheet B5 = %q, want the most late dossier %s", v, b.Late[0].Code)
	}
	var txt bytes.Buffer
	if err := reports.WriteBoardText(&txt, b); err != nil {
		t.Fatal(err)
	}
	if s := txt.String(); !strings.Contains(s, "Quá hạn: 2\n") || !strings.Contains(s, "trễ 7 ngày làm việc") {
		t.Errorf("board text:\n%s", s)
	}
}

// A period without any dossier is refused with its message, in every
// format: no page of zeros that reads like a report.
func TestEmptyReportRefused(t *testing.T) {
	e, err := service(t).Statistics(ctx, reports.Month(2026, time.June))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{reports.FormatPDF, reports.FormatXLSX, reports.FormatJSON} {
		var buf bytes.Buffer
		err := reports.Export(&buf, f, e, nil)
		if me, ok := motcua.AsError(err); !ok || me.Code != reports.ErrEmptyReport || !strings.Contains(me.Msg, "Tháng 6/2026") {
			t.Errorf("%s of an empty period: %v", f, err)
		}
		if buf.Len() != 0 {
			t.Errorf("%s of an empty period wrote %d bytes", f, buf.Len())
		}
	}
}

func TestExportFileErrors(t *testing.T) {
	r, b := novemberReport(t)
	dir := t.TempDir()
	err := reports.ExportFile(filepath.Join(dir, "no-such-dir", "x.pdf"), "", r, b)
	if e, ok := motcua.AsError(err); !ok || e.Code != reports.ErrWrite {
		t.Errorf("unwritable path: %v", err)
	}
	old := filepath.Join(dir, "old.pdf")
	if err := os.WriteFile(old, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := reports.ExportFile(old, "docx", r, b); motcua.ErrorKind(err) != motcua.KindInvalid {
		t.Errorf("bad format: %v", err)
	}
	if data, _ := os.ReadFile(old); string(data) != "old" {
		t.Error("a failed export changed the existing file")
	}
	if err := reports.ExportFile(filepath.Join(dir, "x.txt"), "", r, b); motcua.ErrorKind(err) != motcua.KindInvalid {
		t.Errorf("unknown extension: %v", err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("failed exports left files: %v", ents)
	}
}
