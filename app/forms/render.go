// Package forms draws the statutory counter forms (Giấy tiếp nhận, Phiếu yêu
// cầu bổ sung, Phiếu từ chối, …, Sổ theo dõi hồ sơ) as PDF, from templates
// kept as data (a Profile per circular, embedded, replaceable by a province's
// JSON file), with an embedded Noto Serif font so that Vietnamese prints
// correctly everywhere. Every form carries the dossier code as text, as a
// Code 128 barcode and as the signed QR of Circular 01/2023 in the upper-left
// corner. Open and Print hand the file to the system viewer or printer.
package forms

import (
	"errors"
	"fmt"
	"image/color"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/boombuler/barcode/code128"

	"motcua"
	"motcua/assets"
	"motcua/scanning/qrsign"
)

// QRPayload is the Circular 01/2023 payload of form f for dossier d, issued
// at the form's date by the named information system. Sign it with
// qrsign.Sign or qrsign.SignURL and pass the text as Input.QRText. The
// appointment is included on the receipt and on the apology (the new date).
func QRPayload(f *Form, d *motcua.Dossier, system string, issued time.Time) qrsign.Payload {
	p := qrsign.Payload{
		Doc:       string(f.Kind),
		Code:      d.Code,
		Procedure: d.Procedure.Code,
		Applicant: d.Applicant.IDNumber,
		System:    system,
		Issued:    issued.In(motcua.Location).Truncate(time.Minute),
	}
	if f.Kind == KindReceipt || f.Kind == KindApology {
		p.Due = d.DueAt
	}
	return p
}

// Render draws form id of profile p for in.Dossier and writes the PDF to w.
// Errors: KindNotFound for an unknown form; KindInvalid when the dossier,
// its code or the signed QR text is missing, or for the ledger (see
// RenderLedger).
func Render(w io.Writer, p *Profile, id FormID, in Input) error {
	f, ok := p.Form(id)
	if !ok {
		return motcua.Errorf(motcua.KindNotFound, motcua.ErrNotFound, "form", "Bộ biểu mẫu «%s» không có mẫu số %s",
			"profile %s has no form %s", p.ID, id)
	}
	if f.Kind == KindLedger {
		return motcua.Invalid(motcua.ErrBadValue, "form", "Mẫu số %s là sổ theo dõi: in bằng lệnh in sổ (nhiều hồ sơ)",
			"form %s is the ledger: render it with RenderLedger", id)
	}
	if in.Dossier == nil || strings.TrimSpace(in.Dossier.Code) == "" {
		return motcua.Invalid(motcua.ErrRequired, "code", "Hồ sơ chưa có mã: không in được phiếu", "the dossier has no code: the form cannot be printed")
	}
	if strings.TrimSpace(in.QRText) == "" {
		return motcua.Invalid(motcua.ErrRequired, "qr", "Thiếu mã QR đã ký cho phiếu", "the form needs its signed QR text")
	}
	now := in.Now
	if now.IsZero() {
		return errors.New("forms: the form's print time is not given")
	}
	r := newRenderer(p, f, now)
	r.vars = values(p, f.Kind, in, now)
	r.footerRight = "Mã hồ sơ: " + in.Dossier.Code
	r.pdf.SetSubject(in.Dossier.Code, true)
	r.pdf.AddPage()
	if err := r.header(in.QRText); err != nil {
		return err
	}
	r.titleBlock()
	if err := r.codeBlock(in.Dossier.Code); err != nil {
		return err
	}
	for _, b := range f.Blocks {
		r.block(b, in)
	}
	return r.output(w)
}

// Layout constants, in millimetres unless named otherwise.
const (
	family   = "serif"
	ptMM     = 25.4 / 72 // one point in mm
	leading  = 1.3       // line height / font size: room for stacked Vietnamese marks
	cellPad  = 0.9       // table cell padding
	dotsFill = "…"
)

type renderer struct {
	pdf                      *fpdf.Fpdf
	profile                  *Profile
	form                     *Form
	vars                     map[string]string
	pw, ph                   float64
	left, right, top, bottom float64
	y                        float64
	size                     float64 // body font size, points
	footerRight              string
}

func newRenderer(p *Profile, f *Form, now time.Time) *renderer {
	orient := "P"
	if f.Orientation == "landscape" {
		orient = "L"
	}
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: orient, UnitStr: "mm", SizeStr: f.Paper})
	pdf.AddUTF8FontFromBytes(family, "", assets.NotoSerifRegular)
	pdf.AddUTF8FontFromBytes(family, "B", assets.NotoSerifBold)
	pdf.AddUTF8FontFromBytes(family, "I", assets.NotoSerifItalic)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCellMargin(0)
	pdf.SetCompression(true)
	pdf.AliasNbPages("{nb}")
	pdf.SetCreationDate(now)
	pdf.SetModificationDate(now)
	pdf.SetCreator("Một Cửa", true)
	pdf.SetTitle(f.Title, true)
	pdf.SetLang("vi-VN")
	r := &renderer{pdf: pdf, profile: p, form: f}
	r.pw, r.ph = pdf.GetPageSize()
	r.size = f.Size
	switch {
	case f.Paper == "A5":
		r.left, r.right, r.top, r.bottom = 12, 10, 7, 11
		if r.size == 0 {
			r.size = 9
		}
	default:
		r.left, r.right, r.top, r.bottom = 20, 15, 10, 15
		if orient == "L" {
			r.left, r.right, r.top, r.bottom = 12, 10, 10, 14
		}
		if r.size == 0 {
			r.size = 11
		}
	}
	pdf.SetMargins(r.left, r.top, r.right)
	pdf.SetFooterFunc(r.footer)
	return r
}

func (r *renderer) output(w io.Writer) error {
	if err := r.pdf.Error(); err != nil {
		return fmt.Errorf("forms: %s: %w", r.form.ID, err)
	}
	return r.pdf.Output(w)
}

func (r *renderer) width() float64 { return r.pw - r.left - r.right }

func (r *renderer) lh(size float64) float64 { return size * ptMM * leading }

func (r *renderer) font(style string, size float64) { r.pdf.SetFont(family, style, size) }

func (r *renderer) strW(style string, size float64, s string) float64 {
	r.font(style, size)
	return r.pdf.GetStringWidth(printable(s))
}

// need starts a new page when h more millimetres do not fit on this one.
func (r *renderer) need(h float64) bool {
	if r.y+h <= r.ph-r.bottom {
		return false
	}
	r.pdf.AddPage()
	r.y = r.top
	return true
}

// footer prints the legal basis and the page number on every page, and
// from page 2 on the dossier code, which page 1 carries under its title.
func (r *renderer) footer() {
	size := 7.0
	y := r.ph - r.bottom + 3
	r.pdf.SetTextColor(90, 90, 90)
	defer r.pdf.SetTextColor(0, 0, 0)
	right := fmt.Sprintf("Trang %d/{nb}", r.pdf.PageNo())
	if r.footerRight != "" && r.pdf.PageNo() > 1 {
		right = r.footerRight + " · " + right
	}
	rw := r.strW("", size, right)
	lw := r.width() - rw - 4
	r.drawLines(r.wrap(r.runs(r.form.LegalBasis, "I", ""), size, lw), r.left, y, lw, size, "L")
	r.drawLines(r.wrap([]run{{"", right}}, size, rw+1), r.left, y, r.width(), size, "R")
}

// header draws the QR in the upper-left corner, then the agency and the
// national motto side by side, the number and the place and date.
func (r *renderer) header(qrText string) error {
	qrSize := 22.0
	if r.form.Paper == "A4" {
		qrSize = 25
	}
	qx, qy := 7.0, 7.0
	x0 := qx + qrSize + 3
	if qrText == "" {
		qrSize, qy, x0 = 0, r.top, r.left
	} else if err := r.qr(qrText, qx, qy, qrSize); err != nil {
		return err
	}
	total := r.pw - r.right - x0
	lw := total * 0.42
	rw := total - lw
	if r.form.Orientation == "landscape" {
		lw = total * 0.45
		rw = total - lw
	}
	hs := 9.0
	if r.form.Paper == "A4" {
		hs = 10.5
	}
	lh := r.lh(hs)
	// Left: agency (parent) and receiving unit.
	y := qy + 1
	if agency := upper(r.vars["agency"]); agency != "" {
		y = r.centered([]run{{"", agency}}, x0, y, lw, hs)
	}
	unit := upper(r.vars["unit"])
	y = r.centered([]run{{"B", unit}}, x0, y, lw, hs)
	ul := min(r.strW("B", hs, unit), lw) / 3
	r.pdf.SetLineWidth(0.25)
	r.pdf.Line(x0+lw/2-ul/2, y+0.9, x0+lw/2+ul/2, y+0.9)
	leftBottom := y + 2.2
	// Right: national motto, the first line shrunk to fit on one line.
	ms := hs
	for ms > 7 && r.strW("B", ms, r.profile.Motto[0]) > rw {
		ms -= 0.25
	}
	yr := r.centered([]run{{"B", r.profile.Motto[0]}}, x0+lw, qy+1, rw, ms)
	yr = r.centered([]run{{"B", r.profile.Motto[1]}}, x0+lw, yr, rw, hs)
	mw := min(r.strW("B", hs, r.profile.Motto[1]), rw)
	r.pdf.Line(x0+lw+rw/2-mw/2, yr+0.9, x0+lw+rw/2+mw/2, yr+0.9)
	rightBottom := yr + 2.2
	// Number under the agency, place and date under the motto, on one line.
	y = max(leftBottom, rightBottom)
	if r.form.Number != "" {
		r.centered(r.runs(r.form.Number, "", shortDots), x0, y, lw, hs)
	}
	place := r.vars["place"]
	if place == "" {
		place = shortDots
	}
	end := r.centered([]run{{"I", place + ", " + r.vars["date"]}}, x0+lw, y, rw, hs)
	r.y = max(end, qy+qrSize) + lh*0.6
	return nil
}

// titleBlock prints the title centred, its lines balanced so that a long
// title does not leave one word alone on the second line.
func (r *renderer) titleBlock() {
	size := r.size + 2.5
	runs := []run{{"B", upper(r.form.Title)}}
	w := r.width()
	n := len(r.wrap(runs, size, w))
	for lo, hi := w/2, w; n > 1 && hi-lo > 0.5; {
		mid := (lo + hi) / 2
		if len(r.wrap(runs, size, mid)) == n {
			hi, w = mid, mid
		} else {
			lo = mid
		}
	}
	r.flow(runs, r.left+(r.width()-w)/2, w, size, "C")
}

// codeBlock prints the dossier code as text and as a Code 128 barcode.
func (r *renderer) codeBlock(code string) error {
	r.y += 0.8
	r.flow([]run{{"", "Mã hồ sơ: "}, {"B", code}}, r.left, r.width(), r.size+0.5, "C")
	bc, err := code128.Encode(code)
	if err != nil {
		return motcua.Invalid(motcua.ErrBadDossierCode, "code", "Không tạo được mã vạch cho mã hồ sơ «%s»: %v",
			"cannot draw a barcode for dossier code %q: %v", code, err)
	}
	n := bc.Bounds().Dx()
	mw := min(0.33, min(r.width(), 100)/float64(n))
	h := 7.0
	r.need(h + 3)
	x0 := r.left + (r.width()-mw*float64(n))/2
	r.pdf.SetFillColor(0, 0, 0)
	for x := 0; x < n; {
		if !dark(bc.At(x, 0)) {
			x++
			continue
		}
		start := x
		for x < n && dark(bc.At(x, 0)) {
			x++
		}
		r.pdf.Rect(x0+float64(start)*mw, r.y+0.5, float64(x-start)*mw, h, "F")
	}
	r.y += h + 2
	return nil
}

func dark(c color.Color) bool {
	return color.GrayModel.Convert(c).(color.Gray).Y < 128
}

// qr draws the QR code as vector squares, quiet zone excluded (the page
// margin around it is white).
func (r *renderer) qr(text string, x, y, size float64) error {
	bm, err := qrsign.Bitmap(text)
	if err != nil {
		return motcua.Invalid(motcua.ErrBadValue, "qr", "Không tạo được mã QR: %v", "cannot draw the QR code: %v", err)
	}
	m := size / float64(len(bm))
	r.pdf.SetFillColor(0, 0, 0)
	for j, row := range bm {
		for i := 0; i < len(row); {
			if !row[i] {
				i++
				continue
			}
			start := i
			for i < len(row) && row[i] {
				i++
			}
			// A hair of overlap between rows hides seams in some viewers.
			r.pdf.Rect(x+float64(start)*m, y+float64(j)*m, float64(i-start)*m, m+0.02, "F")
		}
	}
	return nil
}

func (r *renderer) block(b Block, in Input) {
	size := r.size
	if b.Size != 0 {
		size = b.Size
	}
	x, w := r.left+b.Indent, r.width()-b.Indent
	align := b.Align
	switch b.Type {
	case "text":
		if align == "" {
			align = "J"
		}
		r.flow(r.runs(b.Text, b.Style, dots), x, w, size, align)
	case "field":
		ls := r.fieldLines(b.Label, b.Value, b.Style, w, size)
		r.need(float64(len(ls)) * r.lh(size))
		r.y = r.drawLines(ls, x, r.y, w, size, "L")
	case "fields":
		r.fields(b, x, w, size)
	case "components":
		var rows []map[string]string
		for i, c := range components(in.Dossier, b.Select) {
			v := map[string]string{
				"item.no": fmt.Sprint(i + 1), "item.name": itemName(c), "item.original": count(c.Original),
				"item.certified": count(c.Certified), "item.copy": count(c.Copy),
				"item.reason": firstNonEmpty(itemReason(in.ItemReasons, c.Name), missingWhat(c)),
			}
			rows = append(rows, v)
		}
		r.table(b.Columns, rows, b.MinRows, b.RowHeight, size-0.5, b.VAlign == "top")
	case "handoffs":
		var rows []map[string]string
		for i, h := range handoffs(in, r.vars["unit"]) {
			rows = append(rows, map[string]string{
				"row.no": fmt.Sprint(i + 1), "row.from": h.From, "row.to": h.To,
				"row.time": clock(h.At), "row.result": h.Result, "row.note": h.Note,
			})
		}
		r.table(b.Columns, rows, b.MinRows, b.RowHeight, size-0.5, b.VAlign == "top")
	case "signatures":
		r.signatures(b, size)
	case "space":
		r.y += b.Height
	}
}

// missingWhat is what a missing component asks for when the officer wrote
// nothing more specific: the copies the procedure requires ("Nộp 1 bản
// chính, 1 bản sao có chứng thực"); "" for a component that is not missing.
func missingWhat(c motcua.Component) string {
	if !c.Missing {
		return ""
	}
	var parts []string
	for _, p := range []struct {
		n    int
		what string
	}{{c.Original, "bản chính"}, {c.Certified, "bản sao có chứng thực"}, {c.Copy, "bản chụp"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	if len(parts) == 0 {
		return "Nộp bổ sung giấy tờ này"
	}
	return "Nộp " + strings.Join(parts, ", ")
}

func itemReason(m map[string]string, name string) string {
	key := strings.ToLower(motcua.Clean(name))
	for k, v := range m {
		if strings.ToLower(motcua.Clean(k)) == key {
			return motcua.Clean(v)
		}
	}
	return ""
}

// fieldLines lays out "Label: value"; an empty value becomes a dotted line
// to the end of the line, for the officer's pen.
func (r *renderer) fieldLines(label, value, style string, w, size float64) []line {
	runs := r.runs(label+": ", "", dots)
	val := r.subst(value, nil, "")
	if val != "" {
		return r.wrap(append(runs, run{style, val}), size, w)
	}
	lines := r.wrap(runs, size, w)
	last := &lines[len(lines)-1]
	room := w - last.width - 1
	if room < 12 {
		lines = append(lines, line{last: true})
		last, room = &lines[len(lines)-1], w
	}
	dw := r.strW("", size, dotsFill)
	n := int(room / dw)
	last.runs = append(last.runs, run{"", strings.Repeat(dotsFill, n)})
	last.width += float64(n) * dw
	return lines
}

func (r *renderer) fields(b Block, x, w, size float64) {
	colW := w / float64(len(b.Items))
	cells := make([][]line, len(b.Items))
	n := 1
	for i, it := range b.Items {
		cells[i] = r.fieldLines(it.Label, it.Value, b.Style, colW-2, size)
		n = max(n, len(cells[i]))
	}
	r.need(float64(n) * r.lh(size))
	end := r.y
	for i := range cells {
		end = max(end, r.drawLines(cells[i], x+float64(i)*colW, r.y, colW-2, size, "L"))
	}
	r.y = end
}

// signatures draws the signers side by side, kept together on one page.
func (r *renderer) signatures(b Block, size float64) {
	room := b.Height
	if room == 0 {
		room = 12
	}
	colW := r.width() / float64(len(b.Signers))
	lh := r.lh(size)
	height := 0.0
	for _, s := range b.Signers {
		h := 2*lh + room + lh
		if len(s.Lines) > 0 {
			h = lh * float64(1+len(s.Lines))
		}
		height = max(height, h)
	}
	r.y += lh * 0.5
	r.need(height)
	top, end := r.y, r.y
	for i, s := range b.Signers {
		x := r.left + float64(i)*colW
		y := top
		if len(s.Lines) > 0 {
			y = r.paragraph(r.runs(s.Title, "B", ""), x, y, colW-2, size-0.5, "L")
			for _, l := range s.Lines {
				y = r.paragraph(r.runs(l, "", dots), x, y, colW-2, size-1.5, "L")
			}
			end = max(end, y)
			continue
		}
		y = r.paragraph(r.runs(s.Title, "B", ""), x, y, colW, size, "C")
		if s.Note != "" {
			y = r.paragraph(r.runs(s.Note, "I", ""), x, y, colW, size-1, "C")
		}
		y += room
		if name := r.subst(s.Name, nil, ""); name != "" {
			y = r.paragraph([]run{{"B", name}}, x, y, colW, size, "C")
		}
		end = max(end, y)
	}
	r.y = end
}

// table draws a bordered table with its header repeated on every page, and
// blank rows up to minRows for hand-filling.
func (r *renderer) table(cols []Column, rows []map[string]string, minRows int, minRowH, size float64, topAlign bool) {
	total := 0.0
	for _, c := range cols {
		total += c.Width
	}
	widths := make([]float64, len(cols))
	for i, c := range cols {
		widths[i] = c.Width / total * r.width()
	}
	lh := r.lh(size)
	if minRowH == 0 {
		minRowH = lh + 2*cellPad
	}
	r.y += 0.8
	r.need(r.tableHeader(cols, widths, size, false) + minRowH)
	r.tableHeader(cols, widths, size, true)
	r.pdf.SetLineWidth(0.2)
	for len(rows) < minRows {
		rows = append(rows, map[string]string{})
	}
	for _, row := range rows {
		cells := make([][]line, len(cols))
		h := minRowH
		for i, c := range cols {
			cells[i] = r.wrap(r.runsWith(c.Value, "", "", row), size, widths[i]-2*cellPad)
			h = max(h, float64(len(cells[i]))*lh+2*cellPad)
		}
		if r.need(h) {
			r.tableHeader(cols, widths, size, true)
		}
		x := r.left
		for i, c := range cols {
			r.pdf.Rect(x, r.y, widths[i], h, "D")
			align := c.Align
			if align == "" {
				align = "L"
			}
			top := r.y + cellPad
			if !topAlign {
				top = r.y + (h-float64(len(cells[i]))*lh)/2
			}
			r.drawLines(cells[i], x+cellPad, top, widths[i]-2*cellPad, size, align)
			x += widths[i]
		}
		r.y += h
	}
	r.y += 1.5
}

// tableHeader measures (and with draw, draws) the header, grouping
// adjacent columns that share a Group under one cell.
func (r *renderer) tableHeader(cols []Column, widths []float64, size float64, draw bool) float64 {
	hs := size - 0.5
	lh := r.lh(hs)
	cellH := func(text string, w float64) float64 {
		return float64(len(r.wrap([]run{{"B", text}}, hs, w-2*cellPad)))*lh + 2*cellPad
	}
	type span struct {
		group      string
		start, end int
		w          float64
	}
	var spans []span
	for i, c := range cols {
		if n := len(spans); n > 0 && c.Group != "" && spans[n-1].group == c.Group {
			spans[n-1].end = i + 1
			spans[n-1].w += widths[i]
			continue
		}
		spans = append(spans, span{c.Group, i, i + 1, widths[i]})
	}
	top, sub, whole := 0.0, 0.0, 0.0
	for _, s := range spans {
		if s.group == "" {
			whole = max(whole, cellH(cols[s.start].Header, s.w))
			continue
		}
		top = max(top, cellH(s.group, s.w))
		for i := s.start; i < s.end; i++ {
			sub = max(sub, cellH(cols[i].Header, widths[i]))
		}
	}
	h := max(whole, top+sub)
	if top > 0 {
		sub = h - top
	}
	if !draw {
		return h
	}
	r.pdf.SetLineWidth(0.2)
	cell := func(text string, x, y, w, ch float64) {
		r.pdf.Rect(x, y, w, ch, "D")
		lines := r.wrap([]run{{"B", text}}, hs, w-2*cellPad)
		th := float64(len(lines)) * lh
		r.drawLines(lines, x+cellPad, y+(ch-th)/2, w-2*cellPad, hs, "C")
	}
	x := r.left
	for _, s := range spans {
		if s.group == "" {
			cell(cols[s.start].Header, x, r.y, s.w, h)
			x += s.w
			continue
		}
		cell(s.group, x, r.y, s.w, top)
		for i := s.start; i < s.end; i++ {
			cell(cols[i].Header, x, r.y+top, widths[i], sub)
			x += widths[i]
		}
	}
	r.y += h
	return h
}

func upper(s string) string { return strings.ToUpper(s) }
