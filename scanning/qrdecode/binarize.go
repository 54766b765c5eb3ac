package qrdecode

import (
	"github.com/makiuchi-d/gozxing"
)

// A binarizer turns a luminance plane into the black/white matrix the
// gozxing detector reads.
type binarizer func(*plane) (*gozxing.BitMatrix, error)

// hybrid is ZXing's own local-block threshold: the best general choice for
// printed codes on text pages.
func hybrid(p *plane) (*gozxing.BitMatrix, error) {
	return gozxing.NewHybridBinarizer(source{p}).GetBlackMatrix()
}

// global thresholds the whole plane at Otsu's level: right for evenly lit
// pages whose print is too faint or blurred for the block thresholds.
func global(p *plane) (*gozxing.BitMatrix, error) {
	return threshold(p, p.otsu())
}

func threshold(p *plane, t int) (*gozxing.BitMatrix, error) {
	m, err := gozxing.NewBitMatrix(p.w, p.h)
	if err != nil {
		return nil, err
	}
	for y := range p.h {
		row := p.pix[y*p.w : (y+1)*p.w]
		for x, v := range row {
			if int(v) < t {
				m.Set(x, y)
			}
		}
	}
	return m, nil
}

// adaptive compares each pixel with the mean of its (2r+1)² neighbourhood,
// less a margin: it follows uneven light and grey paper (Sauvola-like
// without the deviation term).
func adaptive(r, margin int) binarizer {
	return func(p *plane) (*gozxing.BitMatrix, error) {
		m, err := gozxing.NewBitMatrix(p.w, p.h)
		if err != nil {
			return nil, err
		}
		in := p.integral()
		for y := range p.h {
			y0, y1 := max(y-r, 0), min(y+r+1, p.h)
			row := p.pix[y*p.w : (y+1)*p.w]
			for x, v := range row {
				x0, x1 := max(x-r, 0), min(x+r+1, p.w)
				area := uint32((x1 - x0) * (y1 - y0))
				if (uint32(v)+uint32(margin))*area < in.sum(x0, y0, x1, y1) {
					m.Set(x, y)
				}
			}
		}
		return m, nil
	}
}

// source adapts a plane to gozxing.LuminanceSource without copying.
type source struct{ p *plane }

var _ gozxing.LuminanceSource = source{}

func (s source) GetRow(y int, row []byte) ([]byte, error) {
	if len(row) < s.p.w {
		row = make([]byte, s.p.w)
	}
	copy(row, s.p.pix[y*s.p.w:(y+1)*s.p.w])
	return row, nil
}
func (s source) GetMatrix() []byte       { return s.p.pix }
func (s source) GetWidth() int           { return s.p.w }
func (s source) GetHeight() int          { return s.p.h }
func (s source) IsCropSupported() bool   { return false }
func (s source) IsRotateSupported() bool { return false }
func (s source) Invert() gozxing.LuminanceSource {
	return gozxing.LuminanceSourceInvert(s)
}
func (s source) String() string { return gozxing.LuminanceSourceString(s) }
func (s source) Crop(left, top, width, height int) (gozxing.LuminanceSource, error) {
	return nil, errUnsupported
}
func (s source) RotateCounterClockwise() (gozxing.LuminanceSource, error) {
	return nil, errUnsupported
}
func (s source) RotateCounterClockwise45() (gozxing.LuminanceSource, error) {
	return nil, errUnsupported
}
