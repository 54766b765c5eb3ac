package continuity

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"

	"motcua"
	"motcua/assets"
)

// The reports are drawn the way app/forms draws the counter forms: fpdf
// with the embedded Noto Serif faces, so Vietnamese prints the same on
// every PC and copies out of the PDF as text.

const (
	family  = "serif"
	ptMM    = 25.4 / 72
	leading = 1.3
	pad     = 1.2 // table cell padding, mm
)

var covered = sync.OnceValue(func() []bool {
	ok := make([]bool, 0x10000)
	for i := range ok {
		ok[i] = true
	}
	var buf sfnt.Buffer
	for _, face := range [][]byte{assets.NotoSerifRegular, assets.NotoSerifBold, assets.NotoSerifItalic} {
		f, err := sfnt.Parse(face)
		if err != nil {
			panic("continuity: embedded font: " + err.Error())
		}
		for r := range ok {
			if ok[r] {
				g, err := f.GlyphIndex(&buf, rune(r))
				ok[r] = err == nil && g != 0
			}
		}
	}
	return ok
})

// printable is s in NFC with runes the fonts cannot draw replaced by "?"
// (fpdf panics on runes outside the BMP, e.g. an emoji typed into a note).
func printable(s string) string {
	s = norm.NFC.String(s)
	ok := covered()
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\t':
			return ' '
		case r >= rune(len(ok)) || !ok[r]:
			return '?'
		}
		return r
	}, s)
}

// doc is a simple flowing document: headings, paragraphs, key–value
// blocks and tables that break across pages with their header repeated.
type doc struct {
	pdf                      *fpdf.Fpdf
	pw, ph                   float64
	left, right, top, bottom float64
	size                     float64
	footer                   string
}

func newDoc(title, footer string, landscape bool, now time.Time) *doc {
	orient := "P"
	if landscape {
		orient = "L"
	}
	p := fpdf.NewCustom(&fpdf.InitType{OrientationStr: orient, UnitStr: "mm", SizeStr: "A4"})
	p.AddUTF8FontFromBytes(family, "", assets.NotoSerifRegular)
	p.AddUTF8FontFromBytes(family, "B", assets.NotoSerifBold)
	p.AddUTF8FontFromBytes(family, "I", assets.NotoSerifItalic)
	p.SetCompression(true)
	p.SetCellMargin(0)
	p.AliasNbPages("{nb}")
	p.SetCreationDate(now)
	p.SetModificationDate(now)
	p.SetCreator("Một Cửa", true)
	p.SetTitle(printable(title), true)
	p.SetLang("vi-VN")
	d := &doc{pdf: p, size: 10.5, footer: footer, left: 20, right: 15, top: 15, bottom: 15}
	if landscape {
		d.left, d.right, d.top, d.bottom = 12, 12, 12, 13
	}
	d.pw, d.ph = p.GetPageSize()
	p.SetMargins(d.left, d.top, d.right)
	p.SetAutoPageBreak(true, d.bottom)
	p.SetFooterFunc(func() {
		p.SetY(-d.bottom + 4)
		p.SetTextColor(90, 90, 90)
		// The footer shrinks, then is cut, to stay on one line clear of the page number.
		lw := d.width() - 22
		text, size := printable(d.footer), 7.5
		for d.font("I", size); size > 6 && p.GetStringWidth(text) > lw; d.font("I", size) {
			size -= 0.25
		}
		for r := []rune(text); p.GetStringWidth(text) > lw && len(r) > 1; text = string(r) + "…" {
			r = r[:len(r)-2]
		}
		p.CellFormat(lw, 4, text, "", 0, "L", false, 0, "")
		d.font("I", 7.5)
		p.CellFormat(22, 4, fmt.Sprintf("Trang %d/{nb}", p.PageNo()), "", 0, "R", false, 0, "")
		p.SetTextColor(0, 0, 0)
	})
	p.AddPage()
	return d
}

func (d *doc) width() float64          { return d.pw - d.left - d.right }
func (d *doc) lh(size float64) float64 { return size * ptMM * leading }
func (d *doc) font(style string, size float64) {
	d.pdf.SetFont(family, style, size)
}

// need breaks the page when h millimetres do not fit.
func (d *doc) need(h float64) {
	if d.pdf.GetY()+h > d.ph-d.bottom {
		d.pdf.AddPage()
	}
}

// officialHeader draws the agency on the left and the national motto on
// the right, with the place and date under the motto.
func (d *doc) officialHeader(parent, unit, place string, date time.Time) {
	w := d.width()
	lw, rw := w*0.42, w*0.58
	x, y := d.left, d.pdf.GetY()
	size := 10.0
	lh := d.lh(size)
	d.pdf.SetXY(x, y)
	d.font("", size)
	if parent != "" {
		d.pdf.MultiCell(lw, lh, printable(strings.ToUpper(parent)), "", "C", false)
	}
	d.pdf.SetX(x)
	d.font("B", size)
	d.pdf.MultiCell(lw, lh, printable(strings.ToUpper(unit)), "", "C", false)
	ly := d.pdf.GetY()
	d.pdf.SetLineWidth(0.25)
	d.pdf.Line(x+lw/2-12, ly+1, x+lw/2+12, ly+1)
	d.pdf.SetXY(x+lw, y)
	d.font("B", size)
	d.pdf.CellFormat(rw, lh, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "", 2, "C", false, 0, "")
	d.pdf.CellFormat(rw, lh, "Độc lập - Tự do - Hạnh phúc", "", 2, "C", false, 0, "")
	mw := d.pdf.GetStringWidth("Độc lập - Tự do - Hạnh phúc")
	ry := d.pdf.GetY()
	d.pdf.Line(x+lw+rw/2-mw/2, ry+0.3, x+lw+rw/2+mw/2, ry+0.3)
	d.pdf.SetXY(x+lw, ry+1.5)
	d.font("I", size)
	if place == "" {
		place = "……"
	}
	dateLine := fmt.Sprintf("%s, ngày %02d tháng %02d năm %d", place, date.Day(), int(date.Month()), date.Year())
	if date.IsZero() { // a form filled in by hand
		dateLine = place + ", ngày …… tháng …… năm 20……"
	}
	d.pdf.CellFormat(rw, lh, printable(dateLine), "", 2, "C", false, 0, "")
	d.pdf.SetXY(d.left, max(ly, d.pdf.GetY())+5)
}

func (d *doc) title(s string) {
	d.font("B", 14)
	d.pdf.MultiCell(d.width(), d.lh(14), printable(strings.ToUpper(s)), "", "C", false)
}

func (d *doc) subtitle(s string) {
	d.font("I", d.size)
	d.pdf.MultiCell(d.width(), d.lh(d.size), printable(s), "", "C", false)
	d.pdf.Ln(2)
}

func (d *doc) heading(s string) {
	d.need(d.lh(11.5)*2 + 6)
	d.pdf.Ln(2)
	d.font("B", 11.5)
	d.pdf.MultiCell(d.width(), d.lh(11.5), printable(s), "", "L", false)
	d.pdf.Ln(1)
}

func (d *doc) para(s string) { d.styled("", d.size, s) }

func (d *doc) styled(style string, size float64, s string) {
	d.font(style, size)
	d.pdf.MultiCell(d.width(), d.lh(size), printable(s), "", "J", false)
	d.pdf.Ln(1)
}

// kv prints label–value rows, the labels in a narrow bold column.
func (d *doc) kv(rows [][2]string) {
	lw := 52.0
	for _, r := range rows {
		d.font("", d.size)
		lines := d.pdf.SplitText(printable(r[1]), d.width()-lw)
		h := float64(max(len(lines), 1)) * d.lh(d.size)
		d.need(h)
		y := d.pdf.GetY()
		d.font("B", d.size)
		d.pdf.SetXY(d.left, y)
		d.pdf.MultiCell(lw, d.lh(d.size), printable(r[0]), "", "L", false)
		d.font("", d.size)
		d.pdf.SetXY(d.left+lw, y)
		d.pdf.MultiCell(d.width()-lw, d.lh(d.size), printable(r[1]), "", "L", false)
		d.pdf.SetXY(d.left, max(y+h, d.pdf.GetY()))
	}
	d.pdf.Ln(1)
}

// column of a table: its title, its share of the width and alignment.
type column struct {
	title string
	share float64
	align string // "L", "C", "R"
}

// table draws rows under a shaded header that repeats on every page.
func (d *doc) table(cols []column, rows [][]string, size float64) {
	total := 0.0
	for _, c := range cols {
		total += c.share
	}
	widths := make([]float64, len(cols))
	for i, c := range cols {
		widths[i] = d.width() * c.share / total
	}
	lh := d.lh(size)
	height := func(style string, cells []string) float64 {
		d.font(style, size)
		n := 1
		for i, c := range cells {
			if i < len(widths) {
				n = max(n, len(d.pdf.SplitText(printable(c), widths[i]-2*pad)))
			}
		}
		return float64(n)*lh + 2*pad
	}
	draw := func(style string, cells []string, fill bool) {
		h := height(style, cells)
		y := d.pdf.GetY()
		x := d.left
		d.font(style, size)
		d.pdf.SetFillColor(230, 230, 230)
		d.pdf.SetLineWidth(0.2)
		for i, w := range widths {
			d.pdf.Rect(x, y, w, h, map[bool]string{true: "FD", false: "D"}[fill])
			text := ""
			if i < len(cells) {
				text = cells[i]
			}
			align := cols[i].align
			if fill {
				align = "C"
			}
			d.pdf.SetXY(x+pad, y+pad)
			d.pdf.MultiCell(w-2*pad, lh, printable(text), "", align, false)
			x += w
		}
		d.pdf.SetXY(d.left, y+h)
	}
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.title
	}
	d.pdf.SetAutoPageBreak(false, d.bottom)
	defer d.pdf.SetAutoPageBreak(true, d.bottom)
	d.need(height("B", header) + lh + 2*pad)
	draw("B", header, true)
	for _, r := range rows {
		if d.pdf.GetY()+height("", r) > d.ph-d.bottom {
			d.pdf.AddPage()
			draw("B", header, true)
		}
		draw("", r, false)
	}
	d.pdf.Ln(2)
}

// signatures draws signature blocks side by side.
func (d *doc) signatures(titles ...string) {
	d.need(40)
	d.pdf.Ln(4)
	w := d.width() / float64(len(titles))
	y := d.pdf.GetY()
	for i, t := range titles {
		d.pdf.SetXY(d.left+float64(i)*w, y)
		d.font("B", d.size)
		d.pdf.MultiCell(w, d.lh(d.size), printable(strings.ToUpper(t)), "", "C", false)
		d.pdf.SetX(d.left + float64(i)*w)
		d.font("I", d.size-1)
		d.pdf.MultiCell(w, d.lh(d.size-1), "(Ký, ghi rõ họ tên)", "", "C", false)
	}
	d.pdf.SetXY(d.left, y+35)
}

func (d *doc) output(w io.Writer) error {
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("continuity: pdf: %w", err)
	}
	return d.pdf.Output(w)
}

// vnTime is the short Vietnamese rendering of an instant.
func vnTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(motcua.Location).Format("15:04 02/01/2006")
}
