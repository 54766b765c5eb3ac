package forms

import (
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"

	"motcua/assets"
)

// covered tells which runes every embedded face can draw. fpdf draws a box
// for a missing glyph and panics on a rune outside the BMP (an emoji typed
// into a name), so text is checked before it reaches the PDF.
var covered = sync.OnceValue(func() []bool {
	ok := make([]bool, 0x10000)
	for i := range ok {
		ok[i] = true
	}
	var buf sfnt.Buffer
	for _, face := range [][]byte{assets.NotoSerifRegular, assets.NotoSerifBold, assets.NotoSerifItalic} {
		f, err := sfnt.Parse(face)
		if err != nil {
			panic("forms: embedded font: " + err.Error()) // checked by every test
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

// printable is s in NFC with every rune the fonts cannot draw replaced by
// "?"; spaces and line breaks are kept.
func printable(s string) string {
	s = norm.NFC.String(s)
	ok := covered()
	bad := func(r rune) bool { return r != '\n' && (r >= rune(len(ok)) || !ok[r]) }
	if strings.IndexFunc(s, bad) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if bad(r) {
			return '?'
		}
		return r
	}, s)
}

// run is a piece of text in one style ("", "B" or "I").
type run struct {
	style string
	text  string
}

// line is one laid-out line: its runs, its width without trailing spaces,
// and whether it ends a paragraph (such a line is never justified).
type line struct {
	runs  []run
	width float64
	last  bool
}

// shortDots stands for an empty number: "Số: ……/TNHS".
const shortDots = "……"

var shortVars = map[string]bool{"number": true, "book": true, "entry": true, "place": true}

// runs parses a template: "**" toggles bold over the base style, and the
// {variables} are filled in afterwards, so data can never add markup. An
// empty variable prints as empty.
func (r *renderer) runs(tmpl, style, empty string) []run {
	return r.runsWith(tmpl, style, empty, nil)
}

// runsWith is runs with extra variables (a table row) taking precedence.
func (r *renderer) runsWith(tmpl, style, empty string, extra map[string]string) []run {
	var out []run
	for i, part := range strings.Split(tmpl, "**") {
		st := style
		if i%2 == 1 {
			st = "B"
		}
		if text := r.subst(part, extra, empty); text != "" {
			out = append(out, run{st, text})
		}
	}
	return out
}

// subst fills the {variables} of s from extra, then the form's variables.
func (r *renderer) subst(s string, extra map[string]string, empty string) string {
	return placeholderRE.ReplaceAllStringFunc(s, func(m string) string {
		name := m[1 : len(m)-1]
		v, ok := extra[name]
		if !ok {
			v = r.vars[name]
		}
		if v != "" {
			return v
		}
		if empty == dots && shortVars[name] {
			return shortDots
		}
		return empty
	})
}

// tokens splits s into words, each with the spaces that follow it.
func tokens(s string) []string {
	var out []string
	for s != "" {
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			return append(out, s)
		}
		j := i
		for j < len(s) && s[j] == ' ' {
			j++
		}
		out = append(out, s[:j])
		s = s[j:]
	}
	return out
}

// wrap lays runs out in lines no wider than width; "\n" breaks a line.
func (r *renderer) wrap(runs []run, size, width float64) []line {
	var lines []line
	var cur line
	curW := 0.0 // including trailing spaces
	add := func(style, s string) {
		if n := len(cur.runs); n > 0 && cur.runs[n-1].style == style {
			cur.runs[n-1].text += s
		} else {
			cur.runs = append(cur.runs, run{style, s})
		}
		curW += r.strW(style, size, s)
	}
	flush := func(last bool) {
		if n := len(cur.runs); n > 0 {
			cur.runs[n-1].text = strings.TrimRight(cur.runs[n-1].text, " ")
		}
		cur.width = 0
		for _, rn := range cur.runs {
			cur.width += r.strW(rn.style, size, rn.text)
		}
		cur.last = last
		lines = append(lines, cur)
		cur, curW = line{}, 0
	}
	for _, rn := range runs {
		for pi, para := range strings.Split(printable(rn.text), "\n") {
			if pi > 0 {
				flush(true)
			}
			for _, tok := range tokens(para) {
				word := strings.TrimRight(tok, " ")
				if curW > 0 && curW+r.strW(rn.style, size, word) > width {
					flush(false)
				}
				if curW == 0 {
					tok = strings.TrimLeft(tok, " ")
					word = strings.TrimRight(tok, " ")
				}
				// A word longer than the line is cut where it must be.
				for curW == 0 && word != "" && r.strW(rn.style, size, word) > width {
					cut := fitPrefix(word, func(s string) bool { return r.strW(rn.style, size, s) <= width })
					add(rn.style, word[:cut])
					flush(false)
					tok, word = tok[cut:], word[cut:]
				}
				if tok != "" {
					add(rn.style, tok)
				}
			}
		}
	}
	flush(true)
	return lines
}

// fitPrefix is the byte length of the longest prefix of s (at least one
// rune) that fits, preferring to end after a hyphen, so that a dossier code
// in a narrow column wraps at its parts: "000.00.06.H56-" "261124-0007".
func fitPrefix(s string, fits func(string) bool) int {
	_, best := utf8.DecodeRuneInString(s)
	hyphen := 0
	for i := range s {
		if i > 0 && fits(s[:i]) {
			best = i
			if s[i-1] == '-' {
				hyphen = i
			}
		}
	}
	if hyphen > 0 {
		return hyphen
	}
	return best
}

// drawLines draws lines from y down, without page breaks, and returns the
// y below them.
func (r *renderer) drawLines(lines []line, x, y, w, size float64, align string) float64 {
	for _, l := range lines {
		r.drawLine(l, x, y, w, size, align)
		y += r.lh(size)
	}
	return y
}

// drawLine draws one line with its top at y.
func (r *renderer) drawLine(l line, x, y, w, size float64, align string) {
	base := y + size*ptMM*1.02
	switch align {
	case "C":
		x += (w - l.width) / 2
	case "R":
		x += w - l.width
	}
	extra := 0.0
	if align == "J" && !l.last {
		if n := spaces(l); n > 0 {
			extra = (w - l.width) / float64(n)
		}
	}
	for _, rn := range l.runs {
		r.font(rn.style, size)
		if extra == 0 {
			r.pdf.Text(x, base, rn.text)
			x += r.pdf.GetStringWidth(rn.text)
			continue
		}
		for _, tok := range tokens(rn.text) {
			r.pdf.Text(x, base, tok)
			x += r.pdf.GetStringWidth(tok) + extra*float64(strings.Count(tok, " "))
		}
	}
}

func spaces(l line) int {
	n := 0
	for _, rn := range l.runs {
		n += strings.Count(rn.text, " ")
	}
	return n
}

// paragraph draws runs wrapped in w at a fixed y (no page break) and
// returns the y below.
func (r *renderer) paragraph(runs []run, x, y, w, size float64, align string) float64 {
	return r.drawLines(r.wrap(runs, size, w), x, y, w, size, align)
}

func (r *renderer) centered(runs []run, x, y, w, size float64) float64 {
	return r.paragraph(runs, x, y, w, size, "C")
}

// flow draws runs in the page flow at r.y, breaking pages between lines.
func (r *renderer) flow(runs []run, x, w, size float64, align string) {
	lh := r.lh(size)
	for _, l := range r.wrap(runs, size, w) {
		r.need(lh)
		r.drawLine(l, x, r.y, w, size, align)
		r.y += lh
	}
}

// PlaceName is the place of a form's date line ("Quảng Phú, ngày …"): the
// agency's name without its "UBND xã" prefix.
func PlaceName(agency string) string {
	for _, p := range []string{"Ủy ban nhân dân", "UBND", "xã", "phường", "thị trấn", "đặc khu"} {
		a := strings.TrimSpace(agency)
		if len(a) >= len(p) && strings.EqualFold(a[:len(p)], p) {
			agency = a[len(p):]
		}
	}
	return strings.TrimSpace(agency)
}
