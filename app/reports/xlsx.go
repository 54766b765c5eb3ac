package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// WriteXLSX writes the report as a workbook (github.com/xuri/excelize/v2):
// the summary with the indicators, one sheet per breakdown, the deadline
// board when b is not nil, and the charts. Totals and shares are formulas
// over the cells above them, so a leader can check them in the sheet.
func WriteXLSX(w io.Writer, r *Report, b *Board, charts []Chart) error {
	f := excelize.NewFile()
	defer f.Close()
	x := &book{f: f}
	x.styles()
	const sum, boardSheet = "Tổng hợp", "Bảng theo dõi hạn"
	if r != nil {
		f.SetSheetName("Sheet1", sum)
		x.summary(sum, r)
		x.breakdown("Theo thủ tục", []string{"Mã thủ tục", "Tên thủ tục", "Số hồ sơ"}, r.ByProcedure, true)
		x.breakdown("Theo lĩnh vực", []string{"Lĩnh vực", "Số hồ sơ"}, r.ByField, false)
		x.breakdown("Theo ngày", []string{"Ngày / tháng", "Số hồ sơ"}, r.ByDay, false)
		x.officers("Theo cán bộ", r)
	} else {
		f.SetSheetName("Sheet1", boardSheet)
	}
	if b != nil {
		x.board(boardSheet, b)
	}
	if len(charts) > 0 {
		x.charts("Biểu đồ", charts)
	}
	// The formulas carry no cached value: ask the spreadsheet to compute
	// them all when the file is opened.
	on := true
	x.keep(f.SetCalcProps(&excelize.CalcPropsOptions{FullCalcOnLoad: &on}))
	if x.err != nil {
		return fmt.Errorf("xlsx: %w", x.err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

type book struct {
	f                                   *excelize.File
	err                                 error
	title, bold, head, pct, wrap, total int
}

func (x *book) keep(err error) {
	if x.err == nil && err != nil {
		x.err = err
	}
}

func (x *book) style(s *excelize.Style) int {
	id, err := x.f.NewStyle(s)
	x.keep(err)
	return id
}

func (x *book) styles() {
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	x.title = x.style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	x.bold = x.style(&excelize.Style{Font: &excelize.Font{Bold: true}})
	x.head = x.style(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	x.pct = x.style(&excelize.Style{NumFmt: 10, Border: border})
	x.wrap = x.style(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}, Border: border})
	x.total = x.style(&excelize.Style{Font: &excelize.Font{Bold: true}, Border: border})
}

func cell(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

func (x *book) set(sheet string, col, row int, v any) {
	x.keep(x.f.SetCellValue(sheet, cell(col, row), v))
}

func (x *book) formula(sheet string, col, row int, fm string) {
	x.keep(x.f.SetCellFormula(sheet, cell(col, row), fm))
}

func (x *book) styleRange(sheet string, c1, r1, c2, r2, style int) {
	x.keep(x.f.SetCellStyle(sheet, cell(c1, r1), cell(c2, r2), style))
}

func (x *book) sheet(name string) {
	_, err := x.f.NewSheet(name)
	x.keep(err)
}

// header writes the title block every sheet starts with and returns the next row.
func (x *book) header(sheet string, r *Report, title string) int {
	x.set(sheet, 1, 1, r.Agency)
	x.styleRange(sheet, 1, 1, 1, 1, x.bold)
	x.set(sheet, 1, 2, title)
	x.styleRange(sheet, 1, 2, 1, 2, x.title)
	x.set(sheet, 1, 3, r.Label+" ("+r.Period.From.Format("02/01/2006")+" – "+r.Period.LastDay().Format("02/01/2006")+")")
	x.set(sheet, 1, 4, "Số liệu tính đến "+DateTime(r.AsOf)+"; hồ sơ của "+StationsText(r.Stations))
	return 6
}

func (x *book) summary(sh string, r *Report) {
	row := x.header(sh, r, "BÁO CÁO TÌNH HÌNH TIẾP NHẬN VÀ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH")
	x.set(sh, 1, 5, r.Scope)
	x.keep(x.f.SetColWidth(sh, "A", "A", 52))
	x.keep(x.f.SetColWidth(sh, "B", "D", 14))
	x.keep(x.f.SetColWidth(sh, "E", "G", 48))
	for i, h := range []string{"Chỉ tiêu", "Số hồ sơ"} {
		x.set(sh, i+1, row, h)
	}
	x.styleRange(sh, 1, row, 2, row, x.head)
	row++
	at := map[string]int{}
	lines := r.Lines()
	for _, l := range lines {
		at[l.Key] = row
		x.set(sh, 1, row, strings.Repeat("    ", l.Indent)+l.Label)
		row++
	}
	for _, l := range lines {
		rr := at[l.Key]
		if len(l.Sum) > 0 {
			var refs []string
			for _, k := range l.Sum {
				refs = append(refs, cell(2, at[k]))
			}
			x.formula(sh, 2, rr, strings.Join(refs, "+"))
		} else {
			x.set(sh, 2, rr, l.Value)
		}
		st := x.wrap
		if l.Indent == 0 {
			st = x.total
		}
		x.styleRange(sh, 1, rr, 2, rr, st)
	}
	x.set(sh, 1, row, "Mức độ hài lòng")
	x.set(sh, 2, row, r.Satisfaction)
	row += 2

	x.set(sh, 1, row, "CHỈ SỐ CỔNG DỊCH VỤ CÔNG QUỐC GIA (tính từ dữ liệu tại máy)")
	x.styleRange(sh, 1, row, 1, row, x.bold)
	row++
	for i, h := range []string{"Chỉ số", "Tử số", "Mẫu số", "Tỷ lệ", "Công thức", "Mức dữ liệu", "Ghi chú"} {
		x.set(sh, i+1, row, h)
	}
	x.styleRange(sh, 1, row, 7, row, x.head)
	row++
	ref := func(k string) string { return cell(2, at[k]) }
	for _, in := range r.Indicators {
		x.set(sh, 1, row, in.Name)
		switch {
		case in.Available == None:
			x.set(sh, 2, row, "")
			x.set(sh, 3, row, in.Denominator)
			x.set(sh, 4, row, "không có dữ liệu")
		default:
			switch in.ID {
			case "on_time":
				x.formula(sh, 2, row, ref("early")+"+"+ref("on_time"))
				x.formula(sh, 3, row, ref("resolved"))
			case "online":
				if _, ok := at["channel_2"]; ok {
					x.formula(sh, 2, row, ref("channel_2"))
				} else {
					x.set(sh, 2, row, 0)
				}
				x.formula(sh, 3, row, ref("received"))
			default:
				x.set(sh, 2, row, in.Numerator)
				x.formula(sh, 3, row, ref("received"))
			}
			x.formula(sh, 4, row, fmt.Sprintf(`IF(%s=0,"",%s/%s)`, cell(3, row), cell(2, row), cell(3, row)))
		}
		x.set(sh, 5, row, in.Formula)
		x.set(sh, 6, row, Availability(in.Available))
		x.set(sh, 7, row, in.Note)
		x.styleRange(sh, 1, row, 7, row, x.wrap)
		x.styleRange(sh, 4, row, 4, row, x.pct)
		row++
	}
}

func (x *book) breakdown(sh string, heads []string, cs []Count, withKey bool) {
	x.sheet(sh)
	for i, h := range heads {
		x.set(sh, i+1, 1, h)
	}
	n := len(heads)
	x.styleRange(sh, 1, 1, n, 1, x.head)
	x.keep(x.f.SetColWidth(sh, "A", "A", 24))
	if withKey {
		x.keep(x.f.SetColWidth(sh, "B", "B", 70))
	}
	row := 2
	for _, c := range cs {
		col := 1
		if withKey {
			x.set(sh, col, row, c.Key)
			col++
		}
		x.set(sh, col, row, c.Label)
		x.set(sh, n, row, c.N)
		x.styleRange(sh, 1, row, n, row, x.wrap)
		row++
	}
	x.set(sh, 1, row, "Tổng cộng")
	if row > 2 {
		x.formula(sh, n, row, fmt.Sprintf("SUM(%s:%s)", cell(n, 2), cell(n, row-1)))
	} else {
		x.set(sh, n, row, 0)
	}
	x.styleRange(sh, 1, row, n, row, x.total)
}

func (x *book) officers(sh string, r *Report) {
	x.sheet(sh)
	heads := []string{"Cán bộ tiếp nhận", "Tiếp nhận", "Trước hạn", "Đúng hạn", "Quá hạn", "Đã giải quyết", "Đang giải quyết"}
	for i, h := range heads {
		x.set(sh, i+1, 1, h)
	}
	x.styleRange(sh, 1, 1, len(heads), 1, x.head)
	x.keep(x.f.SetColWidth(sh, "A", "A", 24))
	x.keep(x.f.SetColWidth(sh, "B", "G", 14))
	row := 2
	for _, o := range r.Officers {
		x.set(sh, 1, row, o.Officer)
		x.set(sh, 2, row, o.Received)
		x.set(sh, 3, row, o.Resolved.Early)
		x.set(sh, 4, row, o.Resolved.OnTime)
		x.set(sh, 5, row, o.Resolved.Late)
		x.formula(sh, 6, row, fmt.Sprintf("SUM(%s:%s)", cell(3, row), cell(5, row)))
		x.set(sh, 7, row, o.Pending)
		x.styleRange(sh, 1, row, 7, row, x.wrap)
		row++
	}
	x.set(sh, 1, row, "Tổng cộng")
	for c := 2; c <= 7; c++ {
		if row > 2 {
			x.formula(sh, c, row, fmt.Sprintf("SUM(%s:%s)", cell(c, 2), cell(c, row-1)))
		} else {
			x.set(sh, c, row, 0)
		}
	}
	x.styleRange(sh, 1, row, 7, row, x.total)
}

func (x *book) board(sh string, b *Board) {
	if idx, _ := x.f.GetSheetIndex(sh); idx < 0 {
		x.sheet(sh)
	}
	x.set(sh, 1, 1, "BẢNG THEO DÕI HẠN GIẢI QUYẾT")
	x.styleRange(sh, 1, 1, 1, 1, x.title)
	x.set(sh, 1, 2, "Tính đến "+DateTime(b.AsOf)+"; hồ sơ của "+StationsText(b.Stations)+fmt.Sprintf("; %d hồ sơ đang giải quyết", b.Active))
	heads := []string{"Nhóm", "Mã hồ sơ", "Thủ tục", "Người nộp", "Cán bộ", "Hẹn trả", "Ghi chú"}
	for i, h := range heads {
		x.set(sh, i+1, 4, h)
	}
	x.styleRange(sh, 1, 4, 7, 4, x.head)
	x.keep(x.f.SetColWidth(sh, "A", "A", 22))
	x.keep(x.f.SetColWidth(sh, "B", "B", 26))
	x.keep(x.f.SetColWidth(sh, "C", "C", 50))
	x.keep(x.f.SetColWidth(sh, "D", "G", 20))
	row := 5
	for _, g := range BoardGroups(b) {
		for _, it := range g.Items {
			x.set(sh, 1, row, g.Title)
			x.set(sh, 2, row, it.Code)
			x.set(sh, 3, row, it.Procedure)
			x.set(sh, 4, row, it.Applicant)
			x.set(sh, 5, row, it.Officer)
			x.set(sh, 6, row, DateTime(it.DueAt))
			x.set(sh, 7, row, g.Note(it))
			x.styleRange(sh, 1, row, 7, row, x.wrap)
			row++
		}
	}
	if row == 5 {
		x.set(sh, 1, row, "Không có hồ sơ đang giải quyết")
	}
}

func (x *book) charts(sh string, charts []Chart) {
	x.sheet(sh)
	row := 1
	for _, c := range charts {
		x.set(sh, 1, row, c.Title)
		x.styleRange(sh, 1, row, 1, row, x.bold)
		x.keep(x.f.AddPictureFromBytes(sh, cell(1, row+1), &excelize.Picture{Extension: ".png", File: c.PNG,
			Format: &excelize.GraphicOptions{ScaleX: 0.55, ScaleY: 0.55, AltText: c.Title}}))
		row += 22
	}
}
