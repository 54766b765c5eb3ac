package corpus

import (
	"image"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
)

// degrade turns a clean page (0 = ink, 255 = paper) into what the scanner
// delivers: print and paper levels, uneven light, optical blur, sensor
// noise and specks, and for colour pages a warm paper tint.
func degrade(page *image.Gray, p Params, r *rand.Rand) image.Image {
	w, h := page.Bounds().Dx(), page.Bounds().Dy()
	buf := make([]float32, w*h)
	scale := float32((p.Paper - p.Ink) / 255)
	dx, dy := math.Sincos(2 * math.Pi * r.Float64())
	diag := math.Hypot(float64(w), float64(h))
	for y := range h {
		row := page.Pix[y*page.Stride : y*page.Stride+w]
		for x, v := range row {
			light := float32(1)
			if p.Light > 0 {
				t := (float64(x)*dx + float64(y)*dy) / diag // -1..1
				light = float32(1 - p.Light*(t+1)/2)
			}
			buf[y*w+x] = (float32(p.Ink) + float32(v)*scale) * light
		}
	}
	if p.Blur > 0 {
		gaussian(buf, w, h, p.Blur)
	}
	if p.Noise > 0 || p.Specks > 0 {
		for i := range buf {
			buf[i] += float32(r.NormFloat64() * p.Noise)
			if p.Specks > 0 && r.Float64() < p.Specks {
				buf[i] = float32(p.Ink + (p.Paper-p.Ink)*float64(r.IntN(2)))
			}
		}
	}
	clamp := func(v float32) uint8 { return uint8(min(255, max(0, v+0.5))) }
	if !p.Colour {
		out := image.NewGray(image.Rect(0, 0, w, h))
		for i, v := range buf {
			out.Pix[i] = clamp(v)
		}
		return out
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	for i, v := range buf {
		o := 4 * i
		out.Pix[o], out.Pix[o+1], out.Pix[o+2], out.Pix[o+3] = clamp(v*1.02), clamp(v*0.985), clamp(v*0.93+6), 255
	}
	return out
}

// gaussian blurs buf (w×h) in place with a separable kernel, rows in
// parallel bands.
func gaussian(buf []float32, w, h int, sigma float64) {
	rad := int(math.Ceil(3 * sigma))
	k := make([]float32, 2*rad+1)
	var sum float32
	for i := range k {
		d := float64(i - rad)
		k[i] = float32(math.Exp(-d * d / (2 * sigma * sigma)))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	tmp := make([]float32, len(buf))
	bands(h, func(y0, y1 int) { // horizontal: buf → tmp
		for y := y0; y < y1; y++ {
			row, out := buf[y*w:(y+1)*w], tmp[y*w:(y+1)*w]
			for x := range w {
				var s float32
				for j, kv := range k {
					xx := min(max(x+j-rad, 0), w-1)
					s += kv * row[xx]
				}
				out[x] = s
			}
		}
	})
	bands(h, func(y0, y1 int) { // vertical: tmp → buf
		for y := y0; y < y1; y++ {
			out := buf[y*w : (y+1)*w]
			for x := range out {
				out[x] = 0
			}
			for j, kv := range k {
				yy := min(max(y+j-rad, 0), h-1)
				src := tmp[yy*w : (yy+1)*w]
				for x := range out {
					out[x] += kv * src[x]
				}
			}
		}
	})
}

func bands(h int, f func(y0, y1 int)) {
	n := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { f(h*i/n, h*(i+1)/n) })
	}
	wg.Wait()
}
