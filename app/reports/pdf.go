package reports

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"motcua"
	"motcua/assets"
)

const pdfFamily = "NotoSerif"

// WritePDF prints the report on A4 (codeberg.org/go-pdf/fpdf with the
// embedded Noto Serif, like the counter forms): the summary, the
// indicators with their formulas, the breakdowns, the charts, and the
// deadline board when b is not nil.
func WritePDF(w io.Writer, r *Report, b *Board, charts []Chart) error {
	if r == nil && b == nil {
		return motcua.Invalid(motcua.ErrRequired, "report", "Chưa có báo cáo để in", "there is no report to print")
	}
	title, agency, asOf := "", "", time.Time{}
	if r != nil {
		title, agency, asOf = "Báo cáo "+r.Label, r.Agency, r.AsOf
	} else {
		title, agency, asOf = "Bảng theo dõi hạn giải quyết", b.Agency, b.AsOf
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(title, true)
	pdf.SetAuthor(agency, true)
	pdf.SetCreator("Một Cửa", true)
	pdf.SetCreationDate(asOf)
	pdf.SetModificationDate(asOf)
	pdf.AddUTF8FontFromBytes(pdfFamily, "", assets.NotoSerifRegular)
	pdf.AddUTF8FontFromBytes(pdfFamily, "B", assets.NotoSerifBold)
	pdf.AddUTF8FontFromBytes(pdfFamily, "I", assets.NotoSerifItalic)
	pdf.SetMargins(18, 15, 15)
	pdf.SetAutoPageBreak(true, 15)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont(pdfFamily, "I", 8)
		pdf.CellFormat(0, 5, fmt.Sprintf("%s – số liệu tính đến %s – trang %d/{nb}", title, DateTime(asOf), pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	p := &pdfw{pdf: pdf}
	if r != nil {
		p.summaryPages(r)
		p.chartPages(charts)
	}
	if b != nil {
		p.boardPages(b, r == nil)
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("pdf: %w", err)
	}
	return nil
}

type pdfw struct {
	pdf *fpdf.Fpdf
}

func (p *pdfw) width() float64 {
	w, _ := p.pdf.GetPageSize()
	l, _, r, _ := p.pdf.GetMargins()
	return w - l - r
}

func (p *pdfw) text(style string, size float64, s, align string) {
	p.pdf.SetFont(pdfFamily, style, size)
	p.pdf.MultiCell(0, size*0.5, s, "", align, false)
}

func (p *pdfw) heading(s string) {
	p.pdf.Ln(3)
	p.text("B", 11.5, s, "L")
	p.pdf.Ln(1)
}

// row draws one table row, wrapping each cell, breaking the page first
// when the row does not fit (and repeating head there).
func (p *pdfw) row(widths []float64, cells []string, aligns string, style string, size float64, fill bool, head func()) {
	pdf := p.pdf
	pdf.SetFont(pdfFamily, style, size)
	lh := size * 0.48
	n := 1
	lines := make([][]string, len(cells))
	for i, c := range cells {
		lines[i] = pdf.SplitText(c, widths[i]-2)
		if len(lines[i]) == 0 {
			lines[i] = []string{""}
		}
		n = max(n, len(lines[i]))
	}
	h := float64(n)*lh + 1.6
	_, ph := pdf.GetPageSize()
	if pdf.GetY()+h > ph-18 {
		pdf.AddPage()
		if head != nil {
			head()
			pdf.SetFont(pdfFamily, style, size)
		}
	}
	x0, y := pdf.GetX(), pdf.GetY()
	x := x0
	for i := range cells {
		if fill {
			pdf.SetFillColor(221, 235, 247)
			pdf.Rect(x, y, widths[i], h, "FD")
		} else {
			pdf.Rect(x, y, widths[i], h, "D")
		}
		al := "L"
		if i < len(aligns) {
			al = aligns[i : i+1]
		}
		for k, ln := range lines[i] {
			pdf.SetXY(x+1, y+0.8+float64(k)*lh)
			pdf.CellFormat(widths[i]-2, lh, ln, "", 0, al, false, 0, "")
		}
		x += widths[i]
	}
	pdf.SetXY(x0, y+h)
}

func (p *pdfw) table(widths []float64, head []string, aligns string, rows [][]string, bold map[int]bool) {
	hd := func() { p.row(widths, head, strings.Repeat("C", len(head)), "B", 9.5, true, nil) }
	hd()
	for i, r := range rows {
		st := ""
		if bold[i] {
			st = "B"
		}
		p.row(widths, r, aligns, st, 9.5, false, hd)
	}
}

func (p *pdfw) summaryPages(r *Report) {
	pdf := p.pdf
	pdf.AddPage()
	w := p.width()
	l, t, _, _ := pdf.GetMargins()
	pdf.SetFont(pdfFamily, "B", 10)
	pdf.SetXY(l, t)
	pdf.MultiCell(w*0.42, 5, strings.ToUpper(firstNonEmpty(r.Agency, "Bộ phận Một cửa")), "", "C", false)
	yl := pdf.GetY()
	pdf.SetXY(l+w*0.42, t)
	pdf.MultiCell(w*0.58, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "", "C", false)
	pdf.SetX(l + w*0.42)
	pdf.MultiCell(w*0.58, 5, "Độc lập – Tự do – Hạnh phúc", "", "C", false)
	pdf.SetFont(pdfFamily, "I", 10)
	pdf.SetX(l + w*0.42)
	pdf.MultiCell(w*0.58, 6, fmt.Sprintf("ngày %02d tháng %02d năm %d", r.AsOf.Day(), int(r.AsOf.Month()), r.AsOf.Year()), "", "C", false)
	pdf.SetY(max(yl, pdf.GetY()) + 4)

	p.text("B", 13, "BÁO CÁO\nTÌNH HÌNH TIẾP NHẬN VÀ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", "C")
	p.text("", 11, r.Label+" (từ ngày "+r.Period.From.Format("02/01/2006")+" đến ngày "+r.Period.LastDay().Format("02/01/2006")+")", "C")
	pdf.Ln(1)
	p.text("I", 9, "Số liệu tính đến "+DateTime(r.AsOf)+" (hồ sơ đang giải quyết tính đến "+DateTime(r.Evaluated)+
		"); hồ sơ của "+StationsText(r.Stations)+". "+strings.SplitN(r.Scope, " / ", 2)[0]+".", "L")
	if r.Empty() {
		pdf.Ln(2)
		p.text("B", 10.5, "Trong kỳ không có hồ sơ nào: các số liệu dưới đây đều bằng 0.", "L")
	}

	p.heading("I. SỐ LIỆU TỔNG HỢP")
	var rows [][]string
	bold := map[int]bool{}
	for i, ln := range r.Lines() {
		rows = append(rows, []string{strings.Repeat("    ", ln.Indent) + ln.Label, strconv.Itoa(ln.Value)})
		bold[i] = ln.Indent == 0
	}
	rows = append(rows, []string{"Mức độ hài lòng", "không có dữ liệu"})
	p.table([]float64{w * 0.75, w * 0.25}, []string{"Chỉ tiêu", "Số hồ sơ"}, "LR", rows, bold)

	p.heading("II. CHỈ SỐ CỔNG DỊCH VỤ CÔNG QUỐC GIA (tính từ dữ liệu tại máy)")
	p.text("I", 8.5, "Theo bộ chỉ số đánh giá chất lượng phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg) và cách Cổng DVCQG "+
		"chấm dữ liệu đồng bộ. Chỉ số nào máy này không có đủ dữ liệu được ghi rõ, không ước tính.", "L")
	pdf.Ln(1)
	rows = nil
	for _, in := range r.Indicators {
		desc := in.Name + "\nCông thức: " + in.Formula
		if in.Note != "" {
			desc += "\nGhi chú: " + strings.SplitN(in.Note, " / ", 2)[0]
		}
		rows = append(rows, []string{desc, IndicatorValue(in), Availability(in.Available)})
	}
	p.table([]float64{w * 0.62, w * 0.2, w * 0.18}, []string{"Chỉ số", "Giá trị", "Mức dữ liệu"}, "LRC", rows, nil)

	p.heading("III. HỒ SƠ TIẾP NHẬN THEO LĨNH VỰC")
	rows = nil
	for _, c := range r.ByField {
		rows = append(rows, []string{c.Label, strconv.Itoa(c.N)})
	}
	rows = append(rows, []string{"Tổng cộng", strconv.Itoa(r.Received)})
	p.table([]float64{w * 0.75, w * 0.25}, []string{"Lĩnh vực", "Số hồ sơ"}, "LR", rows, map[int]bool{len(rows) - 1: true})

	p.heading("IV. HỒ SƠ TIẾP NHẬN THEO THỦ TỤC")
	rows = nil
	for _, c := range r.ByProcedure {
		rows = append(rows, []string{c.Key, c.Label, strconv.Itoa(c.N)})
	}
	rows = append(rows, []string{"", "Tổng cộng", strconv.Itoa(r.Received)})
	p.table([]float64{w * 0.16, w * 0.66, w * 0.18}, []string{"Mã", "Thủ tục", "Số hồ sơ"}, "LLR", rows, map[int]bool{len(rows) - 1: true})

	p.heading("V. THEO CÁN BỘ TIẾP NHẬN")
	rows = nil
	for _, o := range r.Officers {
		rows = append(rows, []string{o.Officer, strconv.Itoa(o.Received), strconv.Itoa(o.Resolved.Early), strconv.Itoa(o.Resolved.OnTime),
			strconv.Itoa(o.Resolved.Late), strconv.Itoa(o.Pending)})
	}
	c := w / 8
	p.table([]float64{3 * c, c, c, c, c, c}, []string{"Cán bộ", "Tiếp nhận", "Trước hạn", "Đúng hạn", "Quá hạn", "Đang giải quyết"}, "LRRRRR", rows, nil)
}

func (p *pdfw) chartPages(charts []Chart) {
	pdf := p.pdf
	w := p.width()
	h := w * 9 / 16
	for i, c := range charts {
		if i%2 == 0 {
			pdf.AddPage()
			if i == 0 {
				p.text("B", 11.5, "VI. BIỂU ĐỒ", "L")
				pdf.Ln(2)
			}
		}
		name := "chart-" + c.ID
		pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(c.PNG))
		l, _, _, _ := pdf.GetMargins()
		y := pdf.GetY()
		pdf.ImageOptions(name, l, y, w, h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		pdf.SetY(y + h + 8)
	}
}

func (p *pdfw) boardPages(b *Board, alone bool) {
	pdf := p.pdf
	pdf.AddPage()
	w := p.width()
	if alone {
		p.text("B", 10, strings.ToUpper(firstNonEmpty(b.Agency, "Bộ phận Một cửa")), "L")
		pdf.Ln(3)
	}
	p.text("B", 12, "BẢNG THEO DÕI HẠN GIẢI QUYẾT", "C")
	p.text("I", 9, "Tính đến "+DateTime(b.AsOf)+"; hồ sơ của "+StationsText(b.Stations)+fmt.Sprintf("; %d hồ sơ đang giải quyết.", b.Active), "C")
	widths := []float64{w * 0.31, w * 0.31, w * 0.17, w * 0.21}
	for _, g := range BoardGroups(b) {
		p.heading(fmt.Sprintf("%s: %d hồ sơ", g.Title, len(g.Items)))
		if len(g.Items) == 0 {
			continue
		}
		var rows [][]string
		for _, it := range g.Items {
			rows = append(rows, []string{it.Code, it.Procedure + "\n" + it.Applicant, DateTime(it.DueAt), g.Note(it)})
		}
		p.table(widths, []string{"Mã hồ sơ", "Thủ tục, người nộp", "Hẹn trả", "Ghi chú"}, "LLCL", rows, nil)
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
