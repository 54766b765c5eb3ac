package qrdecode_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/image/bmp"
	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"
	"golang.org/x/image/tiff"
	"golang.org/x/text/unicode/norm"

	"motcua/scanning/corpus"
	"motcua/scanning/qrdecode"
	"motcua/scanning/qrsign"
)

// page renders the first corpus page of class c.
func page(t testing.TB, c corpus.Class) (corpus.Sample, image.Image) {
	t.Helper()
	s, img, err := corpus.New(11).Page(slices.Index(corpus.Classes, c))
	if err != nil {
		t.Fatal(err)
	}
	return s, img
}

func texts(rs []qrdecode.Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Text
	}
	return out
}

// TestFileFormats reads the same scanned page from every file format a
// scanner's scan-to-folder produces, and places the code where it was drawn.
func TestFileFormats(t *testing.T) {
	s, full := page(t, corpus.Clean)
	want := s.Codes[0]
	// The part of the page around the code keeps the slow encoders (GIF's
	// quantiser) quick; the corners move with the crop.
	c := want.Corners
	r := image.Rect(int(c[0][0])-300, int(c[0][1])-300, int(c[2][0])+300, int(c[2][1])+300).Intersect(full.Bounds())
	img := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(img, img.Bounds(), full, r.Min, draw.Src)
	for i := range want.Corners {
		want.Corners[i][0] -= float64(r.Min.X)
		want.Corners[i][1] -= float64(r.Min.Y)
	}
	encoders := map[string]func(*bytes.Buffer) error{
		"png":  func(b *bytes.Buffer) error { return png.Encode(b, img) },
		"jpg":  func(b *bytes.Buffer) error { return jpeg.Encode(b, img, &jpeg.Options{Quality: 50}) },
		"tif":  func(b *bytes.Buffer) error { return tiff.Encode(b, img, &tiff.Options{Compression: tiff.Deflate}) },
		"gif":  func(b *bytes.Buffer) error { return gif.Encode(b, img, nil) },
		"bmp":  func(b *bytes.Buffer) error { return bmp.Encode(b, img) },
		"rgba": func(b *bytes.Buffer) error { return png.Encode(b, toNRGBA(img)) },
	}
	dir := t.TempDir()
	for name, enc := range encoders {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := enc(&b); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "page."+name)
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			rs, err := qrdecode.DecodeFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 1 || rs[0].Text != want.Text {
				t.Fatalf("got %q, want [%q]", texts(rs), want.Text)
			}
			for i, c := range rs[0].Corners {
				d := math.Hypot(float64(c.X)-want.Corners[i][0], float64(c.Y)-want.Corners[i][1])
				if d > 2*want.ModulePx {
					t.Errorf("corner %d at %v, drawn at %.0f: %.1f px off", i, c, want.Corners[i], d)
				}
			}
			if rs[0].Page != 0 || rs[0].Bounds.Empty() {
				t.Errorf("page %d, bounds %v", rs[0].Page, rs[0].Bounds)
			}
		})
	}
}

// toNRGBA gives the page an alpha channel with the paper transparent, as a
// PNG exported from a drawing program can have.
func toNRGBA(img image.Image) *image.NRGBA {
	b := img.Bounds()
	out := image.NewNRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			g := color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y
			out.SetNRGBA(x, y, color.NRGBA{0, 0, 0, 255 - g})
		}
	}
	return out
}

// TestAnyAngle turns a receipt QR through a full circle in 15° steps.
func TestAnyAngle(t *testing.T) {
	s, _ := page(t, corpus.Clean)
	text := s.Codes[0].Text
	b, err := qrsign.PNG(text, 360)
	if err != nil {
		t.Fatal(err)
	}
	qr, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	for deg := 0; deg < 360; deg += 15 {
		canvas := image.NewGray(image.Rect(0, 0, 700, 700))
		draw.Draw(canvas, canvas.Bounds(), image.White, image.Point{}, draw.Src)
		sin, cos := math.Sincos(float64(deg) * math.Pi / 180)
		// Rotate about the QR's centre and put that at the canvas's centre.
		cx, cy := 180.0, 180.0
		m := f64.Aff3{cos, -sin, 350 - cos*cx + sin*cy, sin, cos, 350 - sin*cx - cos*cy}
		draw.BiLinear.Transform(canvas, m, qr, qr.Bounds(), draw.Over, nil)
		rs, err := qrdecode.DecodeImage(canvas)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || rs[0].Text != text {
			t.Errorf("%d°: got %d codes", deg, len(rs))
		}
	}
}

// TestSeveralCodes finds every code of a page that carries several, in
// reading order.
func TestSeveralCodes(t *testing.T) {
	s, img := page(t, corpus.Multi)
	rs, err := qrdecode.DecodeImage(img)
	if err != nil {
		t.Fatal(err)
	}
	got := texts(rs)
	for _, c := range s.Codes {
		if !slices.Contains(got, c.Text) {
			t.Errorf("missing %q", c.Text)
		}
	}
	if len(got) != len(s.Codes) {
		t.Errorf("found %d codes, %d on the page", len(got), len(s.Codes))
	}
	for i := 1; i < len(rs); i++ {
		if a, b := rs[i-1].Bounds, rs[i].Bounds; a.Min.Y > b.Max.Y {
			t.Errorf("result %d (y %d) listed before result %d (y %d)", i-1, a.Min.Y, i, b.Min.Y)
		}
	}
}

// TestVietnameseText: a chip-ID line and an MC1 result name are UTF-8 byte
// segments without an ECI header; they must come back exactly, in NFC.
func TestVietnameseText(t *testing.T) {
	g := corpus.New(11)
	seen := 0
	for i := 0; i < len(corpus.Classes) && seen < 2; i++ {
		s, img, err := g.Page(i)
		if err != nil {
			t.Fatal(err)
		}
		if !s.Class.Easy() || !strings.ContainsFunc(s.Codes[0].Text, func(r rune) bool { return r >= utf8.RuneSelf }) {
			continue // ASCII only
		}
		seen++
		rs, err := qrdecode.DecodeImage(img)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(texts(rs), s.Codes[0].Text) {
			t.Errorf("%s: got %q, want %q", s.Name, texts(rs), s.Codes[0].Text)
		}
		for _, r := range rs {
			if !utf8.ValidString(r.Text) || !norm.NFC.IsNormalString(r.Text) {
				t.Errorf("%s: %q is not NFC UTF-8", s.Name, r.Text)
			}
		}
	}
	if seen == 0 {
		t.Fatal("no page with Vietnamese text among the easy classes")
	}
}

// TestNoCode: a page without a code is an empty result, not an error, and
// the search gives up in reasonable time.
func TestNoCode(t *testing.T) {
	s, img := page(t, corpus.Clean)
	gray := image.NewGray(img.Bounds())
	draw.Draw(gray, gray.Bounds(), img, image.Point{}, draw.Src)
	c := s.Codes[0].Corners
	pad := int(6 * s.Codes[0].ModulePx)
	r := image.Rect(int(min(c[0][0], c[3][0]))-pad, int(min(c[0][1], c[1][1]))-pad, int(max(c[1][0], c[2][0]))+pad, int(max(c[2][1], c[3][1]))+pad)
	draw.Draw(gray, r, image.White, image.Point{}, draw.Src)
	blank := image.NewGray(image.Rect(0, 0, 1654, 2339))
	draw.Draw(blank, blank.Bounds(), image.White, image.Point{}, draw.Src)
	for name, img := range map[string]image.Image{"text page": gray, "blank": blank} {
		t0 := time.Now()
		rs, err := qrdecode.DecodeImage(img)
		if err != nil || len(rs) != 0 {
			t.Errorf("%s: %q, %v", name, texts(rs), err)
		}
		t.Logf("%s: gave up after %s", name, time.Since(t0).Round(time.Millisecond))
	}
}

// TestBadInput: unknown formats and decompression bombs are refused before
// any pixel is decoded.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	notImage := filepath.Join(dir, "note.txt")
	os.WriteFile(notImage, []byte("không phải ảnh"), 0o644)
	if _, err := qrdecode.DecodeFile(notImage); !errors.Is(err, qrdecode.ErrFormat) {
		t.Errorf("text file: %v, want ErrFormat", err)
	}
	bomb := filepath.Join(dir, "bomb.png")
	os.WriteFile(bomb, pngClaiming(100000, 100000), 0o644)
	if _, err := qrdecode.DecodeFile(bomb); !errors.Is(err, qrdecode.ErrTooLarge) {
		t.Errorf("100000² PNG: %v, want ErrTooLarge", err)
	}
	truncated := filepath.Join(dir, "cut.png")
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 300, 300)))
	os.WriteFile(truncated, b.Bytes()[:b.Len()/2], 0o644)
	if _, err := qrdecode.DecodeFile(truncated); err == nil {
		t.Error("truncated PNG: no error")
	}
}

// pngClaiming is a 1×1 PNG whose header claims w×h pixels.
func pngClaiming(w, h uint32) []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 1, 1)))
	p := b.Bytes()
	// Signature (8), length (4), "IHDR" (4), then width and height.
	binary.BigEndian.PutUint32(p[16:], w)
	binary.BigEndian.PutUint32(p[20:], h)
	binary.BigEndian.PutUint32(p[29:], crc32.ChecksumIEEE(p[12:29]))
	return p
}

// FuzzDecode: no input may panic the decoder or take it down.
func FuzzDecode(f *testing.F) {
	qr, _ := qrsign.PNG("MC1|test", 120)
	f.Add(qr)
	f.Add(qr[:len(qr)/2])
	f.Add(pngClaiming(3000, 3000))
	f.Add([]byte("GIF89a"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d := qrdecode.New(qrdecode.Options{MaxPixels: 4_000_000})
		d.Decode(bytes.NewReader(b))
	})
}
