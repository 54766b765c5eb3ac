package corpus

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand/v2"
	"strings"
	"sync"

	qrcode "github.com/skip2/go-qrcode"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"motcua/assets"
	"motcua/scanning/qrsign"
)

const (
	a4W, a4H = 210.0, 297.0 // mm
	quiet    = 4            // quiet-zone modules each side, as printed
)

var serif = sync.OnceValues(func() (*opentype.Font, error) { return opentype.Parse(assets.NotoSerifRegular) })

// placed is a code being laid out: its modules and where they go.
type placed struct {
	code   Code
	bitmap [][]bool // with quiet zone
	quad   [4][2]float64
	bbox   image.Rectangle // of the quad with its quiet zone
}

func (g *Generator) render(s *Sample, r *rand.Rand) (image.Image, error) {
	s.Width = int(math.Round(a4W / 25.4 * float64(s.DPI)))
	s.Height = int(math.Round(a4H / 25.4 * float64(s.DPI)))
	page := image.NewGray(image.Rect(0, 0, s.Width, s.Height))
	for i := range page.Pix {
		page.Pix[i] = 255
	}
	n := 1
	if s.Class == Multi {
		n = 2 + r.IntN(3)
	}
	var codes []*placed
	for k := range n {
		kind := kinds[(s.Index+k)%len(kinds)]
		if s.Class == Small && kind == "mc1-url" {
			kind = "mc1"
		}
		c, err := g.layout(s, kind, len(codes) == 0 && n == 1, codes, r)
		if err != nil {
			return nil, err
		}
		codes = append(codes, c)
	}
	if err := drawText(page, s.DPI, codes, r); err != nil {
		return nil, err
	}
	for _, c := range codes {
		drawQuad(page, c.bitmap, c.quad)
		s.Codes = append(s.Codes, c.code)
	}
	return degrade(page, s.Params, r), nil
}

// layout picks the size, angle, perspective and place of one code.
func (g *Generator) layout(s *Sample, kind string, single bool, others []*placed, r *rand.Rand) (*placed, error) {
	text, err := g.payload(kind, r)
	if err != nil {
		return nil, err
	}
	q, err := qrcode.New(text, qrsign.Level)
	if err != nil {
		return nil, fmt.Errorf("corpus: encode QR: %w", err)
	}
	bm := q.Bitmap() // with the four-module quiet zone
	nm := len(bm)
	lo, hi := s.Params.ModuleRange[0], s.Params.ModuleRange[1]
	m := lo + (hi-lo)*r.Float64()
	side := m * float64(nm)
	var angle float64
	switch s.Class {
	case Rotated, Multi:
		angle = 2 * math.Pi * r.Float64()
	case Skewed:
		angle = (r.Float64()*2 - 1) * 10 * math.Pi / 180
	case Clean:
		angle = (r.Float64()*2 - 1) * 0.5 * math.Pi / 180
	case Scan:
		angle = (r.Float64()*2 - 1) * 5 * math.Pi / 180
	default:
		angle = (r.Float64()*2 - 1) * 3 * math.Pi / 180
	}
	margin := 12 / 25.4 * float64(s.DPI)
	reach := side * 0.75 // half the diagonal, rounded up
	var cx, cy float64
	for try := 0; ; try++ {
		if try > 500 {
			return nil, fmt.Errorf("corpus: page %d: no room for code %d", s.Index, len(others)+1)
		}
		if single && r.IntN(2) == 0 { // upper-left, as on receipts
			cx, cy = margin+reach+r.Float64()*margin, margin+reach+r.Float64()*margin
		} else {
			cx = margin + reach + r.Float64()*(float64(s.Width)-2*margin-2*reach)
			cy = margin + reach + r.Float64()*(float64(s.Height)-2*margin-2*reach)
		}
		free := true
		for _, o := range others {
			ox := float64(o.bbox.Min.X+o.bbox.Max.X) / 2
			oy := float64(o.bbox.Min.Y+o.bbox.Max.Y) / 2
			if math.Hypot(cx-ox, cy-oy) < reach+float64(o.bbox.Dx())*0.75 {
				free = false
			}
		}
		if free {
			break
		}
	}
	sin, cos := math.Sincos(angle)
	unit := [4][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}}
	var quad [4][2]float64
	for i, u := range unit {
		x, y := u[0]*side/2, u[1]*side/2
		jx, jy := 0.0, 0.0
		if p := s.Params.Perspective; p > 0 {
			jx, jy = (r.Float64()*2-1)*p*side, (r.Float64()*2-1)*p*side
		}
		quad[i] = [2]float64{cx + x*cos - y*sin + jx, cy + x*sin + y*cos + jy}
	}
	h := squareToQuad(quad)
	f := float64(quiet) / float64(nm)
	var corners [4][2]float64
	for i, u := range [4][2]float64{{f, f}, {1 - f, f}, {1 - f, 1 - f}, {f, 1 - f}} {
		corners[i][0], corners[i][1] = h.apply(u[0], u[1])
	}
	bbox := image.Rectangle{Min: image.Pt(math.MaxInt, math.MaxInt), Max: image.Pt(math.MinInt, math.MinInt)}
	for _, p := range quad {
		bbox.Min.X, bbox.Min.Y = min(bbox.Min.X, int(p[0])), min(bbox.Min.Y, int(p[1]))
		bbox.Max.X, bbox.Max.Y = max(bbox.Max.X, int(p[0])+1), max(bbox.Max.Y, int(p[1])+1)
	}
	return &placed{
		code:   Code{Kind: kind, Text: text, Corners: corners, ModulePx: m, Version: q.VersionNumber},
		bitmap: bm, quad: quad, bbox: bbox,
	}, nil
}

// drawQuad paints a QR bitmap (quiet zone included) into the quadrilateral
// quad (TL, TR, BR, BL), 4×4 supersampled so edges are grey like a scan's.
func drawQuad(page *image.Gray, bm [][]bool, quad [4][2]float64) {
	inv := squareToQuad(quad).inverse()
	n := float64(len(bm))
	b := page.Bounds()
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range quad {
		x0, y0, x1, y1 = min(x0, p[0]), min(y0, p[1]), max(x1, p[0]), max(y1, p[1])
	}
	const ss = 4
	for y := max(int(y0)-1, b.Min.Y); y < min(int(y1)+2, b.Max.Y); y++ {
		for x := max(int(x0)-1, b.Min.X); x < min(int(x1)+2, b.Max.X); x++ {
			inside, dark := 0, 0
			for sy := range ss {
				for sx := range ss {
					u, v := inv.apply(float64(x)+(float64(sx)+0.5)/ss, float64(y)+(float64(sy)+0.5)/ss)
					if u < 0 || v < 0 || u >= 1 || v >= 1 {
						continue
					}
					inside++
					if bm[int(v*n)][int(u*n)] {
						dark++
					}
				}
			}
			if inside == 0 {
				continue
			}
			i := page.PixOffset(x, y)
			old := float64(page.Pix[i])
			light := float64(inside-dark) * 255
			page.Pix[i] = uint8((old*float64(ss*ss-inside) + light) / (ss * ss))
		}
	}
}

// homography maps (u, v) to (x, y) projectively.
type homography [9]float64

func (h homography) apply(u, v float64) (float64, float64) {
	w := h[6]*u + h[7]*v + h[8]
	return (h[0]*u + h[1]*v + h[2]) / w, (h[3]*u + h[4]*v + h[5]) / w
}

func (h homography) inverse() homography {
	a, b, c, d, e, f, g, hh, i := h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]
	return homography{
		e*i - f*hh, c*hh - b*i, b*f - c*e,
		f*g - d*i, a*i - c*g, c*d - a*f,
		d*hh - e*g, b*g - a*hh, a*e - b*d,
	}
}

// squareToQuad maps the unit square (0,0) (1,0) (1,1) (0,1) onto q.
func squareToQuad(q [4][2]float64) homography {
	x0, y0, x1, y1, x2, y2, x3, y3 := q[0][0], q[0][1], q[1][0], q[1][1], q[2][0], q[2][1], q[3][0], q[3][1]
	dx3, dy3 := x0-x1+x2-x3, y0-y1+y2-y3
	if dx3 == 0 && dy3 == 0 {
		return homography{x1 - x0, x3 - x0, x0, y1 - y0, y3 - y0, y0, 0, 0, 1}
	}
	dx1, dx2, dy1, dy2 := x1-x2, x3-x2, y1-y2, y3-y2
	den := dx1*dy2 - dx2*dy1
	g := (dx3*dy2 - dx2*dy3) / den
	h := (dx1*dy3 - dx3*dy1) / den
	return homography{x1 - x0 + g*x1, x3 - x0 + h*x3, x0, y1 - y0 + g*y1, y3 - y0 + h*y3, y0, g, h, 1}
}

var sentences = strings.Fields(`Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014; Nghị định số 123/2015/NĐ-CP
quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch. Ủy ban nhân dân xã Quảng Phú tiếp nhận
hồ sơ đề nghị đăng ký khai sinh của ông (bà) có tên dưới đây. Thành phần hồ sơ gồm tờ khai theo mẫu, giấy
chứng sinh do cơ sở y tế cấp, bản sao giấy tờ tùy thân của người đi đăng ký. Thời hạn giải quyết là ba ngày
làm việc kể từ ngày nhận đủ hồ sơ hợp lệ. Trường hợp hồ sơ chưa đầy đủ, công chức tiếp nhận hướng dẫn một lần
đầy đủ để người nộp bổ sung, hoàn thiện. Kết quả được trả tại Bộ phận Một cửa hoặc qua dịch vụ bưu chính công
ích theo yêu cầu. Người nộp hồ sơ chịu trách nhiệm về tính chính xác của thông tin đã khai. Số điện thoại
đường dây nóng tiếp nhận phản ánh, kiến nghị: 0237.3852.xxx. Phí, lệ phí: miễn theo quy định hiện hành.`)

// drawText fills the page with lines of Vietnamese text, leaving the codes'
// quiet zones clear as a real document's layout does.
func drawText(page *image.Gray, dpi int, codes []*placed, r *rand.Rand) error {
	f, err := serif()
	if err != nil {
		return fmt.Errorf("corpus: font: %w", err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 11, DPI: float64(dpi), Hinting: font.HintingNone})
	if err != nil {
		return fmt.Errorf("corpus: font face: %w", err)
	}
	defer face.Close()
	d := &font.Drawer{Dst: page, Src: image.NewUniform(color.Gray{0}), Face: face}
	mm := float64(dpi) / 25.4
	left, right := int(25*mm), page.Bounds().Dx()-int(20*mm)
	lineH := int(6 * mm)
	space := d.MeasureString(" ").Ceil()
	met := face.Metrics()
	w := r.IntN(len(sentences))
	for y := int(20 * mm); y < page.Bounds().Dy()-int(20*mm); y += lineH {
		if r.IntN(9) == 0 { // paragraph break
			continue
		}
		x := left
		if r.IntN(6) == 0 {
			x += int(10 * mm)
		}
		for {
			word := sentences[w%len(sentences)]
			adv := d.MeasureString(word).Ceil()
			if x+adv > right {
				break
			}
			w++
			box := image.Rect(x, y-met.Ascent.Ceil(), x+adv, y+met.Descent.Ceil())
			clear := true
			for _, c := range codes {
				if box.Overlaps(c.bbox.Inset(-int(2 * mm))) {
					clear = false
				}
			}
			if clear {
				d.Dot = fixed.P(x, y)
				d.DrawString(word)
			}
			x += adv + space
		}
	}
	return nil
}
