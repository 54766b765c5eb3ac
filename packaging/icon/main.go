// Command icon draws the application icon — a yellow star over a white
// counter desk on a red rounded square — as PNG files of the sizes the
// desktops ask for and as a Windows .ico, so that no binary image has to live
// in the repository. Usage: go run ./packaging/icon DIR
package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strconv"
)

// PNGSizes are written as motcua-N.png (hicolor theme, AppStream, Fyne).
var PNGSizes = []int{16, 24, 32, 48, 64, 128, 256, 512}

// ICOSizes go into motcua.ico; Windows picks the nearest for each use.
var ICOSizes = []int{16, 20, 24, 32, 40, 48, 64, 256}

var (
	red    = color.NRGBA{0xC6, 0x28, 0x28, 0xFF}
	yellow = color.NRGBA{0xFF, 0xCD, 0x00, 0xFF}
	white  = color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: icon DIR")
		os.Exit(2)
	}
	if err := write(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "icon:", err)
		os.Exit(1)
	}
}

func write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, n := range PNGSizes {
		b, err := encodePNG(Draw(n))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "motcua-"+strconv.Itoa(n)+".png"), b, 0o644); err != nil {
			return err
		}
	}
	ico, err := ICO(ICOSizes)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "motcua.ico"), ico, 0o644)
}

// Draw renders the icon at n×n pixels, 4×4 supersampled.
func Draw(n int) *image.NRGBA {
	const ss = 4
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	star := starPolygon(0.5, 0.42, 0.30, 0.12)
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					u := (float64(x) + (float64(sx)+0.5)/ss) / float64(n)
					v := (float64(y) + (float64(sy)+0.5)/ss) / float64(n)
					c, ok := shade(u, v, star)
					if !ok {
						continue
					}
					r += float64(c.R)
					g += float64(c.G)
					b += float64(c.B)
					a++
				}
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(x, y, color.NRGBA{
				R: uint8(r/a + 0.5), G: uint8(g/a + 0.5), B: uint8(b/a + 0.5),
				A: uint8(a/(ss*ss)*255 + 0.5),
			})
		}
	}
	return img
}

// shade gives the colour at (u, v) in the unit square, or false outside the
// rounded square.
func shade(u, v float64, star [][2]float64) (color.NRGBA, bool) {
	if !inRoundedRect(u, v, 0.02, 0.02, 0.98, 0.98, 0.18) {
		return color.NRGBA{}, false
	}
	if inPolygon(u, v, star) {
		return yellow, true
	}
	// The counter: a desk top and its front panel.
	if inRoundedRect(u, v, 0.14, 0.74, 0.86, 0.80, 0.02) || inRoundedRect(u, v, 0.22, 0.80, 0.78, 0.88, 0.015) {
		return white, true
	}
	return red, true
}

func inRoundedRect(u, v, x0, y0, x1, y1, r float64) bool {
	if u < x0 || u > x1 || v < y0 || v > y1 {
		return false
	}
	cx := math.Max(x0+r, math.Min(u, x1-r))
	cy := math.Max(y0+r, math.Min(v, y1-r))
	return (u-cx)*(u-cx)+(v-cy)*(v-cy) <= r*r
}

// starPolygon is a five-pointed star centred at (cx, cy), point up.
func starPolygon(cx, cy, outer, inner float64) [][2]float64 {
	pts := make([][2]float64, 10)
	for i := range pts {
		rad := outer
		if i%2 == 1 {
			rad = inner
		}
		a := -math.Pi/2 + float64(i)*math.Pi/5
		pts[i] = [2]float64{cx + rad*math.Cos(a), cy + rad*math.Sin(a)}
	}
	return pts
}

func inPolygon(u, v float64, p [][2]float64) bool {
	in := false
	for i, j := 0, len(p)-1; i < len(p); j, i = i, i+1 {
		if (p[i][1] > v) != (p[j][1] > v) &&
			u < (p[j][0]-p[i][0])*(v-p[i][1])/(p[j][1]-p[i][1])+p[i][0] {
			in = !in
		}
	}
	return in
}

func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ICO packs the sizes into one .ico: 32-bit DIBs below 256 px (every Windows
// reads them, and windres copies them as they are), PNG at 256 px.
func ICO(sizes []int) ([]byte, error) {
	images := make([][]byte, len(sizes))
	for i, n := range sizes {
		var err error
		if n >= 256 {
			images[i], err = encodePNG(Draw(n))
		} else {
			images[i] = dib(Draw(n))
		}
		if err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	le := binary.LittleEndian
	_ = binary.Write(&buf, le, [3]uint16{0, 1, uint16(len(sizes))})
	offset := 6 + 16*len(sizes)
	for i, n := range sizes {
		dim := uint8(n)
		if n >= 256 {
			dim = 0
		}
		_ = binary.Write(&buf, le, struct {
			W, H, Colors, Reserved uint8
			Planes, BPP            uint16
			Size, Offset           uint32
		}{dim, dim, 0, 0, 1, 32, uint32(len(images[i])), uint32(offset)})
		offset += len(images[i])
	}
	for _, b := range images {
		buf.Write(b)
	}
	return buf.Bytes(), nil
}

// dib is an icon image in BMP form: header with doubled height, BGRA rows
// bottom-up, then the 1-bit AND mask (all zero: alpha decides).
func dib(img *image.NRGBA) []byte {
	n := img.Rect.Dx()
	maskRow := ((n + 31) / 32) * 4
	var buf bytes.Buffer
	le := binary.LittleEndian
	_ = binary.Write(&buf, le, struct {
		Size                 uint32
		W, H                 int32
		Planes, BPP          uint16
		Compression, ImgSize uint32
		XPPM, YPPM           int32
		Used, Important      uint32
	}{40, int32(n), int32(2 * n), 1, 32, 0, uint32(n*n*4 + maskRow*n), 0, 0, 0, 0})
	for y := n - 1; y >= 0; y-- {
		for x := 0; x < n; x++ {
			c := img.NRGBAAt(x, y)
			buf.Write([]byte{c.B, c.G, c.R, c.A})
		}
	}
	buf.Write(make([]byte, maskRow*n))
	return buf.Bytes()
}
