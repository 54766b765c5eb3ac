package ui

import (
	"image/color"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"motcua"
)

func itoa(n int) string { return strconv.Itoa(n) }

// thousands writes n with dots between thousands, as Vietnamese does: 100.000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if lang() == "en" {
		return groupDigits(s, ",")
	}
	return groupDigits(s, ".")
}

func groupDigits(s, sep string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func dayStart(t time.Time) time.Time {
	t = t.In(motcua.Location)
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, motcua.Location)
}

// fmtTime renders a time as officers read it: 14:05 24/11/2026.
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(motcua.Location).Format("15:04 02/01/2006")
}

// fieldErr is the red sentence under a field; hidden while empty so that
// it takes no room.
type fieldErr struct {
	*widget.Label
	// alt, if any, is the hint the message takes the place of: hidden
	// while a message shows, so the two never share the room.
	alt *widget.Label
}

func newFieldErr() fieldErr {
	l := widget.NewLabel("")
	l.Importance = widget.DangerImportance
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return fieldErr{Label: l}
}

func (f fieldErr) set(msg string) {
	f.SetText(msg)
	if msg == "" {
		f.Hide()
	} else {
		f.Show()
	}
	if f.alt != nil {
		if msg == "" {
			f.alt.Show()
		} else {
			f.alt.Hide()
		}
	}
}

// note is a grey explanatory line, in italics.
func note(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	l.TextStyle.Italic = true
	return l
}

func bold(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

func heading(s string) *widget.Label {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// field is a label above its input and its error.
func field(label string, w fyne.CanvasObject, e fieldErr) fyne.CanvasObject {
	l := widget.NewLabel(label)
	l.TextStyle.Bold = true
	return container.NewVBox(l, w, e)
}

// inlineField is a label beside its input, its error under both: a
// field that costs one line, not two.
func inlineField(label string, w fyne.CanvasObject, e fieldErr) fyne.CanvasObject {
	l := widget.NewLabel(label)
	l.TextStyle.Bold = true
	return container.NewVBox(container.NewBorder(nil, nil, l, nil, w), e)
}

// Colours of the days-left badges and the connectivity dot; chosen dark
// enough for white text on a cheap, washed-out laptop screen.
var (
	colLate    = color.NRGBA{0xC6, 0x28, 0x28, 0xFF} // red
	colToday   = color.NRGBA{0xD8, 0x5A, 0x00, 0xFF} // orange
	colSoon    = color.NRGBA{0x9E, 0x7A, 0x00, 0xFF} // dark amber
	colOK      = color.NRGBA{0x2E, 0x7D, 0x32, 0xFF} // green
	colNeutral = color.NRGBA{0x60, 0x6B, 0x78, 0xFF} // grey
	colInfo    = color.NRGBA{0x1F, 0x5F, 0xAD, 0xFF} // blue
)

// badge is white text on a coloured rounded rectangle.
type badge struct {
	widget.BaseWidget
	bg   *canvas.Rectangle
	text *canvas.Text
}

func newBadge(s string, c color.Color) *badge {
	b := &badge{bg: canvas.NewRectangle(c), text: canvas.NewText(s, color.White)}
	b.bg.CornerRadius = 4
	b.text.TextStyle.Bold = true
	b.text.Alignment = fyne.TextAlignCenter
	b.ExtendBaseWidget(b)
	return b
}

func (b *badge) set(s string, c color.Color) {
	b.text.Text, b.bg.FillColor = s, c
	b.text.TextSize = theme.TextSize() * 0.92
	b.Refresh()
}

func (b *badge) CreateRenderer() fyne.WidgetRenderer {
	b.text.TextSize = theme.TextSize() * 0.92
	return widget.NewSimpleRenderer(container.New(&badgeLayout{}, b.bg, b.text))
}

type badgeLayout struct{}

func (badgeLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	t := objs[1].MinSize()
	return fyne.NewSize(t.Width+12, t.Height+4)
}

func (badgeLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	h := objs[1].MinSize().Height + 4
	y := (size.Height - h) / 2
	objs[0].Move(fyne.NewPos(0, y))
	objs[0].Resize(fyne.NewSize(size.Width, h))
	objs[1].Move(fyne.NewPos(0, y+2))
	objs[1].Resize(fyne.NewSize(size.Width, h-4))
}

// banner is a full-width coloured message: the verdict of a QR check, an
// offline notice.
func banner(s string, c color.Color) (*fyne.Container, *canvas.Text, *canvas.Rectangle) {
	bg := canvas.NewRectangle(c)
	bg.CornerRadius = 6
	t := canvas.NewText(s, color.White)
	t.TextStyle.Bold = true
	t.TextSize = theme.TextSize() * 1.15
	return container.NewStack(bg, container.NewPadded(t)), t, bg
}

func spacer() fyne.CanvasObject { return layout.NewSpacer() }

// Background work reaches the widgets through onUI and onUIWait. The real
// driver runs those hops one by one on the main goroutine; fyne's test
// driver runs each on its caller's goroutine, where two at once would race
// on the same widgets, so the tests turn serialHops on (export_test.go).
var (
	serialHops bool
	hopMu      sync.Mutex
)

func hop(fn func()) func() {
	if !serialHops {
		return fn
	}
	return func() {
		hopMu.Lock()
		defer hopMu.Unlock()
		fn()
	}
}

// onUI runs fn on the UI goroutine (fyne.Do).
func onUI(fn func()) { fyne.Do(hop(fn)) }

// onUIWait runs fn on the UI goroutine and waits for it (fyne.DoAndWait).
func onUIWait(fn func()) { fyne.DoAndWait(hop(fn)) }
