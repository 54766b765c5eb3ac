package qrdecode

import (
	"image"
	"image/color"
	"math"
)

// plane is an 8-bit luminance image, 0 black to 255 white, rows packed.
type plane struct {
	w, h int
	pix  []byte
}

func newPlane(w, h int) *plane { return &plane{w: w, h: h, pix: make([]byte, w*h)} }

// luminance converts any image to a plane with fast paths for what the
// image decoders return. Transparent pixels count as white paper.
func luminance(img image.Image) *plane {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	switch m := img.(type) {
	case *image.Gray:
		if m.Stride == w && len(m.Pix) >= w*h {
			return &plane{w: w, h: h, pix: m.Pix[:w*h]} // read-only use: no copy
		}
		p := newPlane(w, h)
		for y := range h {
			copy(p.pix[y*w:(y+1)*w], m.Pix[y*m.Stride:])
		}
		return p
	case *image.YCbCr:
		p := newPlane(w, h)
		for y := range h {
			copy(p.pix[y*w:(y+1)*w], m.Y[y*m.YStride:])
		}
		return p
	case *image.RGBA:
		p := newPlane(w, h)
		for y := range h {
			row := m.Pix[y*m.Stride : y*m.Stride+4*w]
			out := p.pix[y*w : (y+1)*w]
			for x := range out {
				r, g, bb, a := uint32(row[4*x]), uint32(row[4*x+1]), uint32(row[4*x+2]), uint32(row[4*x+3])
				// Premultiplied: add the white that shows through.
				out[x] = uint8((19595*r + 38470*g + 7471*bb + 65536*(255-a) + 1<<15) >> 16)
			}
		}
		return p
	case *image.NRGBA:
		p := newPlane(w, h)
		for y := range h {
			row := m.Pix[y*m.Stride : y*m.Stride+4*w]
			out := p.pix[y*w : (y+1)*w]
			for x := range out {
				r, g, bb, a := uint32(row[4*x]), uint32(row[4*x+1]), uint32(row[4*x+2]), uint32(row[4*x+3])
				l := (19595*r + 38470*g + 7471*bb + 1<<15) >> 16
				out[x] = uint8((l*a + 255*(255-a) + 127) / 255)
			}
		}
		return p
	case *image.Paletted:
		lut := make([]byte, 256)
		for i := range lut {
			lut[i] = 255
		}
		for i, c := range m.Palette {
			lut[i] = grayOnWhite(c)
		}
		p := newPlane(w, h)
		for y := range h {
			row := m.Pix[y*m.Stride : y*m.Stride+w]
			out := p.pix[y*w : (y+1)*w]
			for x, v := range row {
				out[x] = lut[v]
			}
		}
		return p
	}
	p := newPlane(w, h)
	for y := range h {
		for x := range w {
			p.pix[y*w+x] = grayOnWhite(img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return p
}

// grayOnWhite is the luminance of c composited over white.
func grayOnWhite(c color.Color) uint8 {
	r, g, b, a := c.RGBA() // premultiplied, 16 bit
	l := (19595*r + 38470*g + 7471*b + 1<<15) >> 16
	return uint8((l + (0xffff - a)) >> 8)
}

// half is the plane scaled down by two, each pixel the mean of four: it
// quarters the work and averages away noise, at the cost of small modules.
func (p *plane) half() *plane {
	w, h := p.w/2, p.h/2
	q := newPlane(w, h)
	for y := range h {
		a := p.pix[2*y*p.w:]
		b := p.pix[(2*y+1)*p.w:]
		out := q.pix[y*w : (y+1)*w]
		for x := range out {
			out[x] = uint8((int(a[2*x]) + int(a[2*x+1]) + int(b[2*x]) + int(b[2*x+1]) + 2) >> 2)
		}
	}
	return q
}

// double is the plane scaled up by two with bilinear interpolation, which
// gives the finder-pattern scan whole pixels to count on 1–2 pixel modules.
func (p *plane) double() *plane {
	w, h := 2*p.w, 2*p.h
	q := newPlane(w, h)
	for y := range h {
		sy := (float64(y)+0.5)/2 - 0.5
		y0 := int(math.Floor(sy))
		fy := sy - float64(y0)
		r0 := p.pix[clampInt(y0, 0, p.h-1)*p.w:]
		r1 := p.pix[clampInt(y0+1, 0, p.h-1)*p.w:]
		out := q.pix[y*w : (y+1)*w]
		wy1 := int(fy * 256)
		wy0 := 256 - wy1
		for x := range out {
			// Even output pixels sit a quarter before a source pixel, odd ones a quarter after.
			sx := x/2 - 1 + x&1
			x0, x1 := clampInt(sx, 0, p.w-1), clampInt(sx+1, 0, p.w-1)
			wx1 := 192
			if x&1 == 1 {
				wx1 = 64
			}
			wx0 := 256 - wx1
			v := wy0*(wx0*int(r0[x0])+wx1*int(r0[x1])) + wy1*(wx0*int(r1[x0])+wx1*int(r1[x1]))
			out[x] = uint8((v + 1<<15) >> 16)
		}
	}
	return q
}

// crop copies the rectangle r of the plane.
func (p *plane) crop(r image.Rectangle) *plane {
	r = r.Intersect(image.Rect(0, 0, p.w, p.h))
	q := newPlane(r.Dx(), r.Dy())
	for y := range q.h {
		copy(q.pix[y*q.w:(y+1)*q.w], p.pix[(r.Min.Y+y)*p.w+r.Min.X:])
	}
	return q
}

// stretch maps the 1st–99th percentile range onto 0–255: faint print on
// grey paper becomes black on white, so block-based thresholds see enough
// dynamic range.
func (p *plane) stretch() *plane {
	var hist [256]int
	step := max(1, len(p.pix)/200000)
	n := 0
	for i := 0; i < len(p.pix); i += step {
		hist[p.pix[i]]++
		n++
	}
	lo, hi := percentile(&hist, n, 0.01), percentile(&hist, n, 0.99)
	if hi-lo < 8 {
		return p
	}
	var lut [256]byte
	for i := range lut {
		lut[i] = uint8(clampInt((i-lo)*255/(hi-lo), 0, 255))
	}
	q := newPlane(p.w, p.h)
	for i, v := range p.pix {
		q.pix[i] = lut[v]
	}
	return q
}

func percentile(hist *[256]int, n int, f float64) int {
	want := int(f * float64(n))
	sum := 0
	for i, c := range hist {
		sum += c
		if sum > want {
			return i
		}
	}
	return 255
}

// smooth is a 3×3 box filter: it takes the edge off sensor noise and specks
// that break the 1:1:3:1:1 runs of the finder patterns.
func (p *plane) smooth() *plane {
	w, h := p.w, p.h
	tmp := make([]uint16, w*h)
	for y := range h {
		row := p.pix[y*w : (y+1)*w]
		out := tmp[y*w : (y+1)*w]
		for x := range row {
			out[x] = uint16(row[max(x-1, 0)]) + uint16(row[x]) + uint16(row[min(x+1, w-1)])
		}
	}
	q := newPlane(w, h)
	for y := range h {
		a, b, c := tmp[max(y-1, 0)*w:], tmp[y*w:], tmp[min(y+1, h-1)*w:]
		out := q.pix[y*w : (y+1)*w]
		for x := range out {
			out[x] = uint8((uint32(a[x]) + uint32(b[x]) + uint32(c[x]) + 4) / 9)
		}
	}
	return q
}

// sharpen is an unsharp mask against a 5×5 box blur: it steepens the edges a
// defocused scan smears over several pixels.
func (p *plane) sharpen(amount float64) *plane {
	blur := p.boxBlur(2)
	k := int(amount * 256)
	q := newPlane(p.w, p.h)
	for i, v := range p.pix {
		d := int(v) - int(blur.pix[i])
		q.pix[i] = uint8(clampInt(int(v)+(d*k)>>8, 0, 255))
	}
	return q
}

// boxBlur averages over a (2r+1)² window using an integral image.
func (p *plane) boxBlur(r int) *plane {
	in := p.integral()
	q := newPlane(p.w, p.h)
	for y := range p.h {
		y0, y1 := max(y-r, 0), min(y+r+1, p.h)
		for x := range p.w {
			x0, x1 := max(x-r, 0), min(x+r+1, p.w)
			q.pix[y*p.w+x] = uint8(in.sum(x0, y0, x1, y1) / uint32((x1-x0)*(y1-y0)))
		}
	}
	return q
}

// integral is a summed-area table with a zero first row and column.
type integral struct {
	w   int // width + 1
	sat []uint32
}

func (p *plane) integral() integral {
	w := p.w + 1
	sat := make([]uint32, w*(p.h+1))
	for y := range p.h {
		var row uint32
		src := p.pix[y*p.w : (y+1)*p.w]
		prev := sat[y*w:]
		cur := sat[(y+1)*w:]
		for x, v := range src {
			row += uint32(v)
			cur[x+1] = prev[x+1] + row
		}
	}
	return integral{w: w, sat: sat}
}

// sum over [x0,x1)×[y0,y1).
func (in integral) sum(x0, y0, x1, y1 int) uint32 {
	return in.sat[y1*in.w+x1] - in.sat[y0*in.w+x1] - in.sat[y1*in.w+x0] + in.sat[y0*in.w+x0]
}

// otsu is the global threshold that best separates the two grey-level
// populations of the histogram.
func (p *plane) otsu() int {
	var hist [256]int
	step := max(1, len(p.pix)/400000)
	n := 0
	for i := 0; i < len(p.pix); i += step {
		hist[p.pix[i]]++
		n++
	}
	var total float64
	for i, c := range hist {
		total += float64(i * c)
	}
	var sumB, wB, best float64
	t := 128
	for i, c := range hist {
		wB += float64(c)
		if wB == 0 {
			continue
		}
		wF := float64(n) - wB
		if wF == 0 {
			break
		}
		sumB += float64(i * c)
		mB, mF := sumB/wB, (total-sumB)/wF
		if v := wB * wF * (mB - mF) * (mB - mF); v > best {
			best, t = v, i
		}
	}
	return t + 1
}

func clampInt(v, lo, hi int) int { return min(max(v, lo), hi) }

// stats samples the plane for triage: the median absolute difference of
// horizontal neighbours (sensor noise: the paper between the lines is flat
// otherwise), the 1st and 99th percentiles of the grey levels, and their
// range.
func (p *plane) stats() (noise, lo, hi, span int) {
	var hist, diff [256]int
	step := max(1, len(p.pix)/100000) | 1 // odd, so samples wander across columns
	n := 0
	for i := 0; i+1 < len(p.pix); i += step {
		a, b := int(p.pix[i]), int(p.pix[i+1])
		hist[a]++
		if a > b {
			a, b = b, a
		}
		diff[b-a]++
		n++
	}
	darkest, lightest := percentile(&hist, n, 0), 255
	for lightest > 0 && hist[lightest] == 0 {
		lightest--
	}
	return percentile(&diff, n, 0.5), percentile(&hist, n, 0.01), percentile(&hist, n, 0.99), lightest - darkest
}
