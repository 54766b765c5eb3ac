package qrdecode

import (
	"errors"
	"math"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	multidet "github.com/makiuchi-d/gozxing/multi/qrcode/detector"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// maxPerMatrix bounds the detect-mask-detect loop on one matrix.
const maxPerMatrix = 16

var hints = map[gozxing.DecodeHintType]any{
	gozxing.DecodeHintType_TRY_HARDER: true,
}

// symbol is a decoded code in the coordinates of the matrix it was read
// from: corners TL, TR, BR, BL of the symbol as printed (quiet zone
// excluded), estimated from the finder patterns.
type symbol struct {
	text    string
	corners [4]point
	module  float64
}

type point struct{ x, y float64 }

func (p point) add(q point) point     { return point{p.x + q.x, p.y + q.y} }
func (p point) sub(q point) point     { return point{p.x - q.x, p.y - q.y} }
func (p point) scale(f float64) point { return point{p.x * f, p.y * f} }
func (p point) dist(q point) float64  { return math.Hypot(p.x-q.x, p.y-q.y) }
func (p point) cross(q point) float64 { return p.x*q.y - p.y*q.x }
func rp(r gozxing.ResultPoint) point  { return point{r.GetX(), r.GetY()} }
func (s symbol) center() point        { return s.corners[0].add(s.corners[2]).scale(0.5) }
func (s symbol) near(o symbol) bool   { return s.center().dist(o.center()) < 4*max(s.module, o.module) }
func (s symbol) same(o symbol) bool   { return s.text == o.text && s.near(o) }
func (s symbol) sizePx() float64      { return s.corners[0].dist(s.corners[1]) }
func (s symbol) mapped(f func(point) point) symbol {
	for i := range s.corners {
		s.corners[i] = f(s.corners[i])
	}
	return s
}

// scan finds every code it can in m: first every triple of finder
// patterns that looks like a square symbol (ZXing's multi-code finder),
// then the single-code detector, which tolerates more perspective,
// repeatedly, each time with what was found so far painted white. It also
// returns the suspects: finder triples that did not decode, where a costlier
// pass on a small crop may succeed. m is modified.
func scan(m *gozxing.BitMatrix, known []symbol) (out, suspects []symbol) {
	dec := decoder.NewDecoder()
	isKnown := func(s symbol) bool {
		for _, o := range append(known, out...) {
			if o.same(s) {
				return true
			}
		}
		return false
	}
	for _, k := range known {
		mask(m, k)
	}
	det := detector.NewDetector(m)
	infos, _ := multidet.NewMultiFinderPatternFinder(m, nil).FindMulti(hints)
	for _, info := range infos {
		r, err := det.ProcessFinderPatternInfo(info)
		if err == nil {
			var s symbol
			if s, err = read(dec, r, m); err == nil {
				if !isKnown(s) {
					out = append(out, s)
				}
				continue
			}
		}
		suspects = append(suspects, suspect(info))
	}
	for range maxPerMatrix {
		for _, s := range out {
			mask(m, s)
		}
		r, err := detector.NewDetector(m).Detect(hints)
		if err != nil {
			break
		}
		s, err := read(dec, r, m)
		if err != nil || isKnown(s) {
			break
		}
		out = append(out, s)
	}
	return out, suspects
}

// suspect places a symbol where three finder patterns say one should be.
func suspect(info *detector.FinderPatternInfo) symbol {
	tl, tr, bl := rp(info.GetTopLeft()), rp(info.GetTopRight()), rp(info.GetBottomLeft())
	module := (info.GetTopLeft().GetEstimatedModuleSize() + info.GetTopRight().GetEstimatedModuleSize() +
		info.GetBottomLeft().GetEstimatedModuleSize()) / 3
	module = max(module, 1)
	ex, ey := tr.sub(tl), bl.sub(tl)
	fx := ex.scale(3.5 * module / max(ex.dist(point{}), 1))
	fy := ey.scale(3.5 * module / max(ey.dist(point{}), 1))
	br := tr.add(bl).sub(tl)
	return symbol{
		corners: [4]point{tl.sub(fx).sub(fy), tr.add(fx).sub(fy), br.add(fx).add(fy), bl.sub(fx).add(fy)},
		module:  module,
	}
}

var errNoText = errors.New("qrdecode: empty symbol")

// read decodes the sampled grid of a detection, or failing that a grid
// resampled with every alignment pattern (see resample), and places the
// symbol.
func read(dec *decoder.Decoder, r *common.DetectorResult, m *gozxing.BitMatrix) (symbol, error) {
	n := r.GetBits().GetWidth()
	d, err := dec.Decode(r.GetBits(), hints)
	if err != nil {
		for _, dim := range []int{n, n - 4, n + 4} {
			if bits, ok := resample(m, r, dim); ok {
				if dd, err2 := dec.Decode(bits, hints); err2 == nil {
					d, err, n = dd, nil, dim
					break
				}
			}
		}
		if err != nil {
			return symbol{}, err
		}
	}
	pts := r.GetPoints()
	if md, ok := d.GetOther().(*decoder.QRCodeDecoderMetaData); ok {
		md.ApplyMirroredCorrection(pts)
	}
	if len(pts) < 3 || d.GetText() == "" {
		return symbol{}, errNoText
	}
	bl, tl, tr := rp(pts[0]), rp(pts[1]), rp(pts[2])
	dim := float64(n)
	// Finder centres sit 3.5 modules inside the symbol's corners.
	ex, ey := tr.sub(tl), bl.sub(tl)
	mx := ex.scale(3.5 / (dim - 7))
	my := ey.scale(3.5 / (dim - 7))
	module := (ex.dist(point{}) + ey.dist(point{})) / 2 / (dim - 7)
	br := tr.add(bl).sub(tl)
	return symbol{
		text: d.GetText(),
		corners: [4]point{
			tl.sub(mx).sub(my), tr.add(mx).sub(my), br.add(mx).add(my), bl.sub(mx).add(my),
		},
		module: module,
	}, nil
}

// mask paints the symbol and half its quiet zone white, so the next
// detection looks elsewhere.
func mask(m *gozxing.BitMatrix, s symbol) {
	c := s.center()
	grow := 1 + 2*s.module/max(s.sizePx(), 1)
	var q [4]point
	for i, p := range s.corners {
		q[i] = c.add(p.sub(c).scale(grow))
	}
	x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range q {
		x0, y0, x1, y1 = min(x0, p.x), min(y0, p.y), max(x1, p.x), max(y1, p.y)
	}
	w, h := m.GetWidth(), m.GetHeight()
	for y := max(int(y0), 0); y <= min(int(y1), h-1); y++ {
		for x := max(int(x0), 0); x <= min(int(x1), w-1); x++ {
			if inside(q, point{float64(x), float64(y)}) {
				m.Unset(x, y)
			}
		}
	}
}

// inside reports whether p lies in the convex quadrilateral q (either
// winding).
func inside(q [4]point, p point) bool {
	var pos, neg bool
	for i := range q {
		c := q[(i+1)%4].sub(q[i]).cross(p.sub(q[i]))
		pos = pos || c > 0
		neg = neg || c < 0
	}
	return !(pos && neg)
}
