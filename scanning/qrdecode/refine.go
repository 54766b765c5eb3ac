package qrdecode

import (
	"math"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// resample is the second chance for a symbol whose grid, as ZXing samples
// it, does not decode. ZXing maps the grid with four points — three finder
// patterns and the bottom-right alignment pattern, looked for where a
// parallelogram would put it — which drifts inside a large symbol seen in
// perspective (and under perspective the "alignment pattern" it finds can
// be a run of data modules); and it guesses the size from the module size
// at the finder patterns, which small blurred modules can put one version
// off. Here the grid of dim modules (ZXing's guess or a neighbour) is
// mapped from the finder centres, every alignment pattern of the version is
// looked for where the mapping puts it, nearest first, and the mapping is
// refitted by least squares to all points found. ok is false when nothing
// could be mapped, or when dim is ZXing's own and no more than ZXing's four
// points were found (the result would be ZXing's grid again).
func resample(m *gozxing.BitMatrix, r *common.DetectorResult, dim int) (*gozxing.BitMatrix, bool) {
	pts := r.GetPoints()
	ver, err := decoder.Version_GetProvisionalVersionForDimension(dim)
	if err != nil || len(pts) < 3 {
		return nil, false
	}
	own := dim == r.GetBits().GetWidth()
	d := float64(dim)
	// The finder centres only, to start with.
	src := []point{{3.5, d - 3.5}, {3.5, 3.5}, {d - 3.5, 3.5}} // BL, TL, TR as ZXing orders them
	dst := []point{rp(pts[0]), rp(pts[1]), rp(pts[2])}
	h, ok := fit(src, dst)
	if !ok {
		return nil, false
	}
	module := (dst[1].dist(dst[2]) + dst[1].dist(dst[0])) / 2 / (d - 7)
	// Alignment patterns, nearest to the known points first.
	cs := ver.GetAlignmentPatternCenters()
	var todo []point
	for _, y := range cs {
		for _, x := range cs {
			c := point{float64(x) + 0.5, float64(y) + 0.5}
			if (x <= 8 && y <= 8) || (x <= 8 && y >= dim-9) || (y <= 8 && x >= dim-9) {
				continue // under a finder pattern
			}
			todo = append(todo, c)
		}
	}
	for len(todo) > 0 {
		best, bestD := 0, math.Inf(1)
		for i, c := range todo {
			for _, s := range src {
				if dd := c.dist(s); dd < bestD {
					best, bestD = i, dd
				}
			}
		}
		c := todo[best]
		todo = append(todo[:best], todo[best+1:]...)
		at := h.apply(c)
		reach := int(2.5 * module)
		x0, y0 := max(int(at.x)-reach, 0), max(int(at.y)-reach, 0)
		x1, y1 := min(int(at.x)+reach, m.GetWidth()-1), min(int(at.y)+reach, m.GetHeight()-1)
		if x1-x0 < int(3*module) || y1-y0 < int(3*module) {
			continue
		}
		ap, err := detector.NewAlignmentPatternFinder(m, x0, y0, x1-x0, y1-y0, module, nil).Find()
		if err != nil || at.dist(point{ap.GetX(), ap.GetY()}) > 2*module {
			continue
		}
		src, dst = append(src, c), append(dst, point{ap.GetX(), ap.GetY()})
		if g, ok := fit(src, dst); ok {
			h = g
		}
	}
	if own && len(src) < 5 {
		return nil, false // too little to improve on ZXing's mapping
	}
	bits, err := gozxing.NewSquareBitMatrix(dim)
	if err != nil {
		return nil, false
	}
	w, ht := m.GetWidth(), m.GetHeight()
	for y := range dim {
		for x := range dim {
			p := h.apply(point{float64(x) + 0.5, float64(y) + 0.5})
			px, py := int(p.x), int(p.y)
			if px < 0 || py < 0 || px >= w || py >= ht {
				return nil, false
			}
			if m.Get(px, py) {
				bits.Set(x, y)
			}
		}
	}
	return bits, true
}

// homog maps module coordinates to image coordinates.
type homog [8]float64 // h11 h12 h13 h21 h22 h23 h31 h32 (h33 = 1)

func (h homog) apply(p point) point {
	w := h[6]*p.x + h[7]*p.y + 1
	return point{(h[0]*p.x + h[1]*p.y + h[2]) / w, (h[3]*p.x + h[4]*p.y + h[5]) / w}
}

// fit is the least-squares mapping taking src to dst, solved on
// normalised coordinates for a well-conditioned system: affine for three
// or four pairs (four points fix a homography exactly, so one bad point
// would bend it all), projective from five.
func fit(src, dst []point) (homog, bool) {
	if len(src) < 3 {
		return homog{}, false
	}
	affine := len(src) < 5
	ns, ts := normaliser(src)
	nd, td := normaliser(dst)
	var ata [8][9]float64 // normal equations, augmented
	for i := range src {
		u, v := ns(src[i]).x, ns(src[i]).y
		x, y := nd(dst[i]).x, nd(dst[i]).y
		rows := [2][9]float64{
			{u, v, 1, 0, 0, 0, -u * x, -v * x, x},
			{0, 0, 0, u, v, 1, -u * y, -v * y, y},
		}
		for _, r := range rows {
			for a := range 8 {
				for b := range 9 {
					ata[a][b] += r[a] * r[b]
				}
			}
		}
	}
	if affine { // h31 = h32 = 0: pin them with identity rows
		for b := range 9 {
			ata[6][b], ata[7][b] = 0, 0
		}
		ata[6][6], ata[7][7] = 1, 1
	}
	var g homog
	if !solve(&ata, &g) {
		return homog{}, false
	}
	// Undo the normalisations: H = Td⁻¹ · G · Ts.
	G := [3][3]float64{{g[0], g[1], g[2]}, {g[3], g[4], g[5]}, {g[6], g[7], 1}}
	H := mul(mul(inv3(td), G), ts)
	if H[2][2] == 0 {
		return homog{}, false
	}
	s := H[2][2]
	return homog{H[0][0] / s, H[0][1] / s, H[0][2] / s, H[1][0] / s, H[1][1] / s, H[1][2] / s, H[2][0] / s, H[2][1] / s}, true
}

// normaliser moves points to their centroid and scales their mean
// distance to √2, returning the map and its matrix.
func normaliser(ps []point) (func(point) point, [3][3]float64) {
	var c point
	for _, p := range ps {
		c = c.add(p)
	}
	c = c.scale(1 / float64(len(ps)))
	var md float64
	for _, p := range ps {
		md += p.dist(c)
	}
	md /= float64(len(ps))
	s := math.Sqrt2 / max(md, 1e-9)
	return func(p point) point { return p.sub(c).scale(s) },
		[3][3]float64{{s, 0, -s * c.x}, {0, s, -s * c.y}, {0, 0, 1}}
}

// solve does Gaussian elimination with partial pivoting on an 8×8 system.
func solve(a *[8][9]float64, x *homog) bool {
	for col := range 8 {
		piv := col
		for r := col + 1; r < 8; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[piv][col]) {
				piv = r
			}
		}
		if math.Abs(a[piv][col]) < 1e-12 {
			return false
		}
		a[col], a[piv] = a[piv], a[col]
		for r := range 8 {
			if r == col {
				continue
			}
			f := a[r][col] / a[col][col]
			for k := col; k < 9; k++ {
				a[r][k] -= f * a[col][k]
			}
		}
	}
	for i := range 8 {
		x[i] = a[i][8] / a[i][i]
	}
	return true
}

func mul(a, b [3][3]float64) (c [3][3]float64) {
	for i := range 3 {
		for j := range 3 {
			for k := range 3 {
				c[i][j] += a[i][k] * b[k][j]
			}
		}
	}
	return c
}

func inv3(m [3][3]float64) [3][3]float64 {
	a, b, c := m[0][0], m[0][1], m[0][2]
	d, e, f := m[1][0], m[1][1], m[1][2]
	g, h, i := m[2][0], m[2][1], m[2][2]
	det := a*(e*i-f*h) - b*(d*i-f*g) + c*(d*h-e*g)
	return [3][3]float64{
		{(e*i - f*h) / det, (c*h - b*i) / det, (b*f - c*e) / det},
		{(f*g - d*i) / det, (a*i - c*g) / det, (c*d - a*f) / det},
		{(d*h - e*g) / det, (b*g - a*h) / det, (a*e - b*d) / det},
	}
}
