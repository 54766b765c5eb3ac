package pdfdoc

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
	"golang.org/x/text/unicode/norm"

	"motcua"
	"motcua/assets"
	"motcua/scanning/qrsign"
)

// MarkText is the statement of Decree 137/2024/NĐ-CP art. 4 that a
// converted file carries.
const MarkText = "Bản điện tử chuyển đổi từ văn bản giấy"

// Corner is where the mark goes on each page.
type Corner int

const (
	BottomRight Corner = iota // clear of the text block on most forms; the default
	BottomLeft
	TopRight
	TopLeft
)

// Mark is the conversion mark stamped on every page of a digitised
// document (Decree 137/2024/NĐ-CP art. 4 cl. 1 point a: a mark of its own,
// the time of conversion and the converter's full name; a QR code may be
// added).
type Mark struct {
	Agency    string    // cơ quan, tổ chức thực hiện chuyển đổi
	Officer   string    // họ và tên người thực hiện chuyển đổi
	At        time.Time // thời điểm chuyển đổi
	Dossier   string    // mã hồ sơ
	Component string    // tên thành phần hồ sơ
	// QR is the station-signed text of Payload (qrsign.Sign or SignURL),
	// printed as a QR code in the mark.
	QR     string
	Corner Corner
}

// Payload is the Circular 01/2023 QR payload of the mark, for the station
// to sign: the document is the component, the time of issue the time of
// conversion. The component name goes in without diacritics and shortened
// (the text of the mark prints it in full): as qrsign advises, ASCII fields
// survive USB scanners that type what they read and readers that guess
// the character set (zbar takes Vietnamese UTF-8 for Shift-JIS), and a
// short payload keeps the code readable from a 200 dpi scan of the page.
func (m Mark) Payload(procedure, applicant, system string) qrsign.Payload {
	return qrsign.Payload{
		Doc:       shorten(fold(clean(m.Component)), 40),
		Code:      m.Dossier,
		Procedure: procedure,
		Applicant: applicant,
		System:    system,
		Issued:    m.At.In(motcua.Location).Truncate(time.Minute),
	}
}

func (m Mark) check() error {
	for _, f := range []struct{ name, v, vi string }{
		{"agency", m.Agency, "cơ quan chuyển đổi"}, {"officer", m.Officer, "họ tên người chuyển đổi"},
		{"code", m.Dossier, "mã hồ sơ"}, {"qr", m.QR, "mã QR đã ký"},
	} {
		if strings.TrimSpace(f.v) == "" {
			return &motcua.Error{Kind: motcua.KindInvalid, Code: motcua.ErrRequired, Field: f.name,
				Msg: "Dấu chuyển đổi thiếu " + f.vi, MsgEN: "the conversion mark needs the " + f.name}
		}
	}
	if m.At.IsZero() {
		return motcua.Invalid(motcua.ErrRequired, "at", "Dấu chuyển đổi thiếu thời điểm chuyển đổi", "the conversion mark needs the time of conversion")
	}
	return nil
}

// Stamp puts the conversion mark on every page of pdf and returns the new
// PDF and its page count. The pages themselves are not re-rendered: pdfcpu
// overlays, on each page, the matching page of a stamp PDF drawn by fpdf at
// the same size, so scans and text keep their quality and text stays text.
// Errors: KindInvalid for an incomplete mark; ErrFileCorrupt or
// ErrPDFEncrypted for a PDF pdfcpu cannot process.
func Stamp(pdf []byte, m Mark) ([]byte, int, error) {
	if err := m.check(); err != nil {
		return nil, 0, err
	}
	ctx, err := readPDF(pdf)
	if err != nil {
		if isEncryptionError(err) {
			return nil, 0, encrypted("PDF")
		}
		return nil, 0, corrupt("PDF", err)
	}
	if ctx.Encrypt != nil || ctx.E != nil {
		return nil, 0, encrypted("PDF")
	}
	dims, err := ctx.PageDims()
	if err != nil || len(dims) == 0 {
		return nil, 0, corrupt("PDF", fmt.Errorf("page sizes: %v", err))
	}
	sizes := make([]fpdf.SizeType, len(dims))
	for i, d := range dims {
		sizes[i] = fpdf.SizeType{Wd: d.Width, Ht: d.Height}
	}
	stamp, err := drawStamps(sizes, m)
	if err != nil {
		return nil, 0, err
	}
	out, err := overlay(pdf, stamp)
	if err != nil {
		return nil, 0, corrupt("PDF", err)
	}
	return out, len(dims), nil
}

func overlay(pdf, stamp []byte) (out []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("pdfcpu stamp: %v", p)
		}
	}()
	wm, err := api.PDFMultiWatermarkForReadSeeker(bytes.NewReader(stamp), 1, 1,
		"scalefactor:1 abs, position:c, rotation:0, opacity:1", true, false, types.POINTS)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := api.AddWatermarks(bytes.NewReader(pdf), &b, nil, wm, conf()); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Geometry of the mark, in millimetres at scale 1.
const (
	boxW, boxH = 100.0, 26.0
	edge       = 5.0  // from the page edges
	pad        = 2.0  // inside the box
	qrSide     = 22.0 // the QR code, quiet zone included in the padding
	mmPt       = 72 / 25.4
)

// drawStamps makes a PDF with one transparent page per size, each with
// the mark in its corner.
func drawStamps(sizes []fpdf.SizeType, m Mark) (out []byte, err error) {
	bm, err := qrsign.Bitmap(m.QR)
	if err != nil {
		return nil, motcua.Invalid(motcua.ErrBadValue, "qr", "Không tạo được mã QR cho dấu chuyển đổi: %v", "cannot draw the mark's QR code: %v", err)
	}
	defer func() { // fpdf panics on some malformed input instead of failing
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("pdfdoc: draw mark: %v", p)
		}
	}()
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "pt", Size: sizes[0]})
	pdf.AddUTF8FontFromBytes("serif", "", assets.NotoSerifRegular)
	pdf.AddUTF8FontFromBytes("serif", "B", assets.NotoSerifBold)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	pdf.SetCellMargin(0)
	pdf.SetCompression(true)
	pdf.SetCreator("Một Cửa", true)
	local := m.At.In(motcua.Location)
	when := fmt.Sprintf("%02d giờ %02d phút, ngày %02d/%02d/%d", local.Hour(), local.Minute(), local.Day(), local.Month(), local.Year())
	for i, sz := range sizes {
		orient := "P"
		if sz.Wd > sz.Ht {
			orient = "L"
		}
		pdf.AddPageFormat(orient, sz)
		// Shrink the mark on pages narrower or lower than it needs.
		s := min(1, (sz.Wd/mmPt-2*edge)/boxW, (sz.Ht/mmPt-2*edge)/boxH)
		s = max(s, 0.3)
		lines := []struct {
			style string
			size  float64
			text  string
		}{
			{"B", 8, MarkText},
			{"", 6.6, "Cơ quan chuyển đổi: " + m.Agency},
			{"", 6.6, "Người chuyển đổi: " + m.Officer},
			{"", 6.6, "Thời gian chuyển đổi: " + when},
			{"", 6.6, "Thành phần: " + m.Component},
			{"", 6.6, fmt.Sprintf("Mã hồ sơ: %s · Trang %d/%d", m.Dossier, i+1, len(sizes))},
		}
		if strings.TrimSpace(m.Component) == "" {
			lines = append(lines[:4], lines[5])
		}
		// As wide as the longest line needs, up to boxW: the less of the
		// page the mark covers, the better.
		var textW float64
		for _, l := range lines {
			pdf.SetFont("serif", l.style, l.size*s)
			textW = max(textW, pdf.GetStringWidth(clean(l.text)))
		}
		w := min(boxW*s*mmPt, (2*pad+qrSide+3)*s*mmPt+textW)
		h := boxH * s * mmPt
		x, y := sz.Wd-edge*s*mmPt-w, sz.Ht-edge*s*mmPt-h
		switch m.Corner {
		case BottomLeft:
			x = edge * s * mmPt
		case TopRight:
			y = edge * s * mmPt
		case TopLeft:
			x, y = edge*s*mmPt, edge*s*mmPt
		}
		pdf.SetFillColor(255, 255, 255)
		pdf.SetDrawColor(20, 40, 110)
		pdf.SetLineWidth(0.8 * s)
		pdf.Rect(x, y, w, h, "FD")
		pdf.SetLineWidth(0.3 * s)
		in := 1.2 * s
		pdf.Rect(x+in, y+in, w-2*in, h-2*in, "D")
		// QR on the left, as vector modules.
		q := qrSide * s * mmPt
		qx, qy := x+pad*s*mmPt, y+(h-q)/2
		mod := q / float64(len(bm)+4) // two modules of margin each side inside q: with the padding, a quiet zone of four
		pdf.SetFillColor(0, 0, 0)
		for r, row := range bm {
			for c := 0; c < len(row); {
				if !row[c] {
					c++
					continue
				}
				start := c
				for c < len(row) && row[c] {
					c++
				}
				pdf.Rect(qx+mod*float64(start+2), qy+mod*float64(r+2), mod*float64(c-start), mod+0.05, "F")
			}
		}
		// Text on the right.
		tx := qx + q + 1.5*s*mmPt
		tw := x + w - pad*s*mmPt - tx
		lh := (h - 2*pad*s*mmPt) / float64(len(lines))
		ty := y + pad*s*mmPt
		pdf.SetTextColor(0, 0, 0)
		for _, l := range lines {
			size := fit(pdf, l.style, l.size*s, clean(l.text), tw)
			text := clean(l.text)
			for pdf.GetStringWidth(text) > tw && utf8.RuneCountInString(text) > 4 {
				text = shorten(text, utf8.RuneCountInString(text)-2)
			}
			pdf.SetFont("serif", l.style, size)
			pdf.SetTextColor(0, 0, 0)
			if l.style == "B" {
				pdf.SetTextColor(20, 40, 110)
			}
			pdf.Text(tx, ty+lh*0.72, text)
			ty += lh
		}
		if err := pdf.Error(); err != nil {
			return nil, fmt.Errorf("pdfdoc: draw mark: %w", err)
		}
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, fmt.Errorf("pdfdoc: draw mark: %w", err)
	}
	return b.Bytes(), nil
}

// fit is the largest font size, down to 70 % of size, at which text fits
// in width; the caller shortens what still does not fit.
func fit(pdf *fpdf.Fpdf, style string, size float64, text string, width float64) float64 {
	for s := size; s >= size*0.7; s -= 0.2 {
		pdf.SetFont("serif", style, s)
		if pdf.GetStringWidth(text) <= width {
			return s
		}
	}
	return size * 0.7
}

// clean is s in NFC on one line, without the characters fpdf cannot draw
// (it panics on runes outside the Basic Multilingual Plane, such as emoji).
func clean(s string) string {
	s = norm.NFC.String(strings.TrimSpace(s))
	return strings.Map(func(r rune) rune {
		switch {
		case r > 0xffff:
			return '?'
		case unicode.IsControl(r):
			return ' '
		}
		return r
	}, s)
}

// fold writes Vietnamese without diacritics: "Giấy chứng sinh" becomes
// "Giay chung sinh". Other non-ASCII letters become "?".
func fold(s string) string {
	s = norm.NFD.String(s)
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.Is(unicode.Mn, r):
			return -1
		case r == 'đ':
			return 'd'
		case r == 'Đ':
			return 'D'
		case r >= utf8.RuneSelf:
			return '?'
		}
		return r
	}, s)
}

// shorten cuts s to n runes, ending it with "…" when cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	if ascii := !strings.ContainsFunc(s, func(r rune) bool { return r >= utf8.RuneSelf }); ascii {
		return strings.TrimSpace(string(r[:max(n-3, 1)])) + "..."
	}
	return strings.TrimSpace(string(r[:max(n-1, 1)])) + "…"
}
