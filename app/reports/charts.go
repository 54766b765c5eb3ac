package reports

import (
	"bytes"
	"fmt"
	"image/color"
	"sync"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"motcua/assets"
)

// Chart is one chart of a report, rendered as PNG.
type Chart struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	PNG   []byte `json:"-"`
}

// The charts are drawn by gonum.org/v1/plot: maintained (gonum project,
// BSD-3), pure Go (no cgo, cross-builds for Windows), renders to PNG and
// takes our own TrueType font, so the Vietnamese labels use the Noto Serif
// the forms embed. go-chart is unmaintained since 2021; go-analyze/charts
// is younger and pulls a second font stack.
var fontOnce sync.Once

const typeface = "Noto"

func setupFonts() {
	fontOnce.Do(func() {
		reg, err1 := opentype.Parse(assets.NotoSerifRegular)
		bold, err2 := opentype.Parse(assets.NotoSerifBold)
		if err1 != nil || err2 != nil {
			return // the embedded fonts parse; if not, gonum's Liberation stays (no Vietnamese marks lost: it covers Latin Extended)
		}
		font.DefaultCache.Add(font.Collection{
			{Font: font.Font{Typeface: typeface, Variant: "Serif"}, Face: reg},
			{Font: font.Font{Typeface: typeface, Variant: "Serif", Weight: xfont.WeightBold}, Face: bold},
		})
		plot.DefaultFont = font.Font{Typeface: typeface, Variant: "Serif"}
	})
}

var (
	green  = color.RGBA{0x2e, 0x7d, 0x32, 0xff}
	blue   = color.RGBA{0x15, 0x65, 0xc0, 0xff}
	amber  = color.RGBA{0xf9, 0xa8, 0x25, 0xff}
	red    = color.RGBA{0xc6, 0x28, 0x28, 0xff}
	grey   = color.RGBA{0x75, 0x75, 0x75, 0xff}
	purple = color.RGBA{0x6a, 0x1b, 0x9a, 0xff}
)

// bar is one bar of a chart.
type bar struct {
	label string
	value float64
	color color.Color
}

// Chart sizes: 16 × 9 cm at 150 dpi.
const (
	chartW = 16 * vg.Centimeter
	chartH = 9 * vg.Centimeter
	dpi    = 150
)

func barChart(title, ylabel string, bars []bar, percent bool) ([]byte, error) {
	setupFonts()
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Weight = xfont.WeightBold
	p.Title.TextStyle.Font.Size = 13
	p.Y.Label.Text = ylabel
	p.Y.Min = 0
	names := make([]string, len(bars))
	top := 0.0
	for i, b := range bars {
		names[i] = b.label
		top = max(top, b.value)
	}
	if percent {
		p.Y.Max = 110
	} else {
		p.Y.Max = max(1, top*1.18)
		p.Y.Tick.Marker = intTicks{}
	}
	w := vg.Length(float64(chartW) * 0.6 / float64(max(len(bars), 1)))
	w = min(w, 2*vg.Centimeter)
	p.Add(plotter.NewGrid()) // first: the bars are drawn over it
	lab := plotter.XYLabels{}
	for i, b := range bars {
		bc, err := plotter.NewBarChart(plotter.Values{b.value}, w)
		if err != nil {
			return nil, err
		}
		bc.XMin = float64(i)
		bc.Color = b.color
		bc.LineStyle.Width = 0
		p.Add(bc)
		txt := fmt.Sprintf("%.0f", b.value)
		if percent {
			txt = Percent(b.value)
		}
		lab.XYs = append(lab.XYs, plotter.XY{X: float64(i), Y: b.value})
		lab.Labels = append(lab.Labels, txt)
	}
	if len(bars) > 0 {
		l, err := plotter.NewLabels(lab)
		if err != nil {
			return nil, err
		}
		for i := range l.TextStyle {
			l.TextStyle[i].XAlign = draw.XCenter
			l.TextStyle[i].YAlign = draw.YBottom
			l.TextStyle[i].Font.Size = 10
		}
		l.Offset = vg.Point{Y: 2}
		p.Add(l)
	}
	if len(bars) == 0 {
		p.Title.Text += " – không có dữ liệu"
		p.HideX()
	} else {
		p.NominalX(names...)
	}
	p.X.Min, p.X.Max = -0.6, float64(len(bars))-0.4
	p.X.Tick.Label.Font.Size = 9
	if len(bars) > 8 {
		p.X.Tick.Label.Rotation = 0.8
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YCenter
	}
	c := vgimg.NewWith(vgimg.UseWH(chartW, chartH), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(color.White))
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// intTicks marks whole numbers only (counts of dossiers).
type intTicks struct{}

func (intTicks) Ticks(min, max float64) []plot.Tick {
	step := 1.0
	for _, s := range []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6} {
		step = s
		if (max-min)/s <= 8 {
			break
		}
	}
	var ts []plot.Tick
	for v := 0.0; v <= max; v += step {
		ts = append(ts, plot.Tick{Value: v, Label: fmt.Sprintf("%.0f", v)})
	}
	return ts
}

var channelColors = map[string]color.Color{"1": blue, "2": green, "3": amber}

// Charts draws the charts of a report: received by channel, the outcome of
// the handled dossiers, the dossiers received per day (or month) and the
// indicators that have a value. The window, the PDF and the XLSX show these
// same images.
func Charts(r *Report) ([]Chart, error) {
	var out []Chart
	add := func(id, title, ylabel string, bars []bar, percent bool) error {
		png, err := barChart(title, ylabel, bars, percent)
		if err != nil {
			return fmt.Errorf("chart %s: %w", id, err)
		}
		out = append(out, Chart{ID: id, Title: title, PNG: png})
		return nil
	}
	var ch []bar
	for _, c := range r.ByChannel {
		ch = append(ch, bar{c.Label, float64(c.N), cmpColor(channelColors[c.Key])})
	}
	if err := add("channel", "Hồ sơ tiếp nhận theo kênh", "Số hồ sơ", ch, false); err != nil {
		return nil, err
	}
	oc := []bar{
		{"Trước hạn", float64(r.Resolved.Early), green},
		{"Đúng hạn", float64(r.Resolved.OnTime), blue},
		{"Quá hạn", float64(r.Resolved.Late), red},
		{"Đang xử lý\ntrong hạn", float64(r.PendingInTime), amber},
		{"Đang xử lý\nquá hạn", float64(r.PendingLate), purple},
		{"Từ chối", float64(r.Refused), grey},
	}
	if err := add("outcome", "Kết quả giải quyết và hồ sơ đang xử lý", "Số hồ sơ", oc, false); err != nil {
		return nil, err
	}
	var days []bar
	for _, d := range r.ByDay {
		days = append(days, bar{d.Label, float64(d.N), blue})
	}
	unit := "ngày"
	if len(r.ByDay) > 0 && len(r.ByDay[0].Key) == 7 {
		unit = "tháng"
	}
	if err := add("trend", "Hồ sơ tiếp nhận theo "+unit, "Số hồ sơ", days, false); err != nil {
		return nil, err
	}
	var ind []bar
	for _, i := range r.Indicators {
		if i.Has() {
			ind = append(ind, bar{shortName[i.ID], i.Percent, cmpColor(indicatorColor[i.ID])})
		}
	}
	if err := add("indicators", "Chỉ số Cổng DVCQG (tính từ dữ liệu tại máy)", "%", ind, true); err != nil {
		return nil, err
	}
	return out, nil
}

var shortName = map[string]string{
	"on_time": "Đúng hạn", "online": "Trực tuyến", "digitised": "Số hóa", "reuse": "Tái sử dụng", "population_db": "CSDL dân cư",
}

var indicatorColor = map[string]color.Color{"on_time": green, "online": blue, "digitised": amber}

func cmpColor(c color.Color) color.Color {
	if c == nil {
		return grey
	}
	return c
}
