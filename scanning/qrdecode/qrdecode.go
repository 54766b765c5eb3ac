// Package qrdecode reads QR codes from scanned pages and photographs: PNG,
// JPEG, TIFF, GIF and BMP files and any image.Image. (PDF pages are drawn by
// MuPDF in scanning/pdfrender, whose DecodeQR hands them to this package;
// this one stays pure Go.) It uses the pure-Go ZXing port gozxing for
// detection and decoding and adds what real scans need around it:
// grey-level conversion without copies, a triage of the page (noise,
// contrast), several binarisations (ZXing's hybrid, Otsu, an adaptive
// mean), down- and up-scaling, denoising and sharpening, a regrid from all
// alignment patterns for large symbols in perspective, and a
// detect–mask–detect loop that finds every code on a page.
//
// The cheap path runs first; costlier passes run on crops around finder
// patterns that did not decode, and on the whole page only while nothing
// has been found, so an ordinary scan takes one binarisation and one scan
// of the page. scanning/qrbench measures it against zbarimg.
package qrdecode

import (
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // decoders for DecodeFile
	_ "image/jpeg" //
	_ "image/png"  //
	"io"
	"motcua"
	"os"
	"slices"
	"sort"
	"time"

	_ "golang.org/x/image/bmp"  //
	_ "golang.org/x/image/tiff" //
)

// Result is one QR code found.
type Result struct {
	Text string `json:"text"`
	// Corners of the symbol (quiet zone excluded) in pixels of the image
	// (of the rendered page for PDFs), clockwise from the symbol's own
	// top-left, estimated from its finder patterns.
	Corners [4]image.Point  `json:"corners"`
	Bounds  image.Rectangle `json:"bounds"`
	Page    int             `json:"page,omitempty"` // 1-based page of a PDF; 0 for an image
	Pass    string          `json:"pass"`           // which preprocessing found it
}

// Errors.
var (
	// ErrTooLarge: the image has more pixels than Options.MaxPixels.
	ErrTooLarge = errors.New("qrdecode: image too large")
	// ErrFormat: not an image format this package reads.
	ErrFormat      = errors.New("qrdecode: unsupported image format")
	errUnsupported = errors.New("qrdecode: unsupported")
)

// Options tune a Decoder. The zero value is usable.
type Options struct {
	// MaxPixels refuses images larger than this before decoding them
	// (a decompression bomb cannot exhaust memory). 0 means 80 million,
	// an A3 page at 600 dpi.
	MaxPixels int
	// Budget stops escalating to costlier passes once this much time has
	// gone by on one image; what was found so far is returned. 0 means no
	// limit.
	Budget time.Duration
	// Exhaustive runs every pass even after codes were found, for pages
	// expected to carry codes of very different quality.
	Exhaustive bool
}

// Decoder reads QR codes. It holds no state between calls and is safe for
// concurrent use.
type Decoder struct{ opt Options }

// New returns a Decoder with the given options.
func New(opt Options) *Decoder {
	if opt.MaxPixels <= 0 {
		opt.MaxPixels = 80_000_000
	}
	return &Decoder{opt: opt}
}

var std = New(Options{})

// DecodeImage finds every QR code in img with default options.
func DecodeImage(img image.Image) ([]Result, error) { return std.DecodeImage(img) }

// DecodeFile finds every QR code in an image file with default options.
func DecodeFile(path string) ([]Result, error) { return std.DecodeFile(path) }

// DecodeFile finds every QR code in an image file (PNG, JPEG, TIFF, GIF,
// BMP). It returns an empty slice, not an error, when there is none.
func (d *Decoder) DecodeFile(path string) ([]Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res, err := d.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return res, nil
}

// Decode reads an image from r and finds every QR code in it.
func (d *Decoder) Decode(r io.ReadSeeker) ([]Result, error) {
	cfg, _, err := image.DecodeConfig(r)
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			return nil, ErrFormat
		}
		return nil, fmt.Errorf("qrdecode: read image header: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > d.opt.MaxPixels {
		return nil, fmt.Errorf("%w: %d×%d pixels", ErrTooLarge, cfg.Width, cfg.Height)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(r)
	if err != nil {
		return nil, fmt.Errorf("qrdecode: decode image: %w", err)
	}
	return d.DecodeImage(img)
}

// DecodeImage finds every QR code in img. It returns an empty slice, not
// an error, when there is none.
func (d *Decoder) DecodeImage(img image.Image) (res []Result, err error) {
	b := img.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 || b.Dx()*b.Dy() > d.opt.MaxPixels {
		return nil, fmt.Errorf("%w: %d×%d pixels", ErrTooLarge, b.Dx(), b.Dy())
	}
	// gozxing is a port of Java code that indexes arrays freely; a bad
	// image must cost a failed decode, not the counter application.
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("qrdecode: decoder failure: %v", p)
		}
	}()
	syms := d.run(luminance(img))
	res = make([]Result, 0, len(syms))
	for _, s := range syms {
		r := Result{Text: s.text, Pass: s.pass}
		for i, c := range s.corners {
			r.Corners[i] = image.Pt(b.Min.X+int(c.x+0.5), b.Min.Y+int(c.y+0.5))
			r.Bounds = r.Bounds.Union(image.Rectangle{Min: r.Corners[i], Max: r.Corners[i].Add(image.Pt(1, 1))})
		}
		res = append(res, r)
	}
	// Reading order: top to bottom, then left to right.
	sort.SliceStable(res, func(i, j int) bool {
		if a, b := res[i].Bounds, res[j].Bounds; a.Max.Y < b.Min.Y || b.Max.Y < a.Min.Y {
			return a.Min.Y < b.Min.Y
		}
		return res[i].Bounds.Min.X < res[j].Bounds.Min.X
	})
	return res, nil
}

// found is a symbol in page coordinates with the pass that read it.
type found struct {
	symbol
	pass string
}

// pass is one way of preparing the page for the detector.
type pass struct {
	name    string
	prep    func(*plane) (*plane, float64) // prepared plane and its scale to the page
	bin     binarizer
	upscale bool // quadruples the pixels: not on whole pages over maxUpscaled
}

// maxUpscaled is the largest page the doubling passes run on: A4 at 300 dpi
// (8.7 million pixels) with room to spare; crops always qualify.
const maxUpscaled = 16_000_000

func same(p *plane) (*plane, float64)      { return p, 1 }
func halved(p *plane) (*plane, float64)    { return p.half(), 2 }
func doubled(p *plane) (*plane, float64)   { return p.double(), 0.5 }
func stretched(p *plane) (*plane, float64) { return p.stretch(), 1 }
func smoothed(p *plane) (*plane, float64)  { return p.smooth(), 1 }
func sharpened(p *plane) (*plane, float64) { return p.sharpen(1.5), 1 }

// then applies a, then b.
func then(a, b func(*plane) (*plane, float64)) func(*plane) (*plane, float64) {
	return func(p *plane) (*plane, float64) {
		q, s1 := a(p)
		r, s2 := b(q)
		return r, s1 * s2
	}
}

// passes, in order of cost and of how often each rescues a page the ones
// before it missed (measured on the corpus, scanning/corpus).
var passes = []pass{
	{"hybrid", same, hybrid, false},                             // ordinary scans
	{"stretch-otsu", stretched, global, false},                  // faint print, grey paper
	{"smooth-hybrid", smoothed, hybrid, false},                  // noise, specks
	{"half-hybrid", halved, hybrid, false},                      // defocus, noise
	{"sharpen-hybrid", sharpened, hybrid, false},                // defocus, small modules
	{"half-adaptive", halved, adaptive(10, 5), false},           // heavy noise
	{"adaptive", same, adaptive(12, 6), false},                  // uneven light
	{"sharpen-otsu", then(sharpened, stretched), global, false}, // small modules on grey
	{"double-hybrid", doubled, hybrid, true},                    // 2-pixel modules, strong blur
	{"double-adaptive", doubled, adaptive(20, 6), true},         // 2-pixel modules on grey
}

// Limits of the suspect crops: how many, and how much of the page each may
// cover, so a text page full of finder-like glyphs cannot cost more than a
// few full-page passes.
const (
	maxSuspects     = 6
	maxSuspectShare = 0.25
)

func (d *Decoder) run(p *plane) []found {
	start := motcua.StartStopwatch()
	over := func() bool { return d.opt.Budget > 0 && start.Elapsed() > d.opt.Budget }
	order := triage(p)
	if order == nil {
		return nil
	}
	out, suspects := runPass(p, order[0], nil, image.Point{})
	// Finder patterns that did not decode: try the costlier passes on a
	// crop around each before any costlier pass on the whole page.
	var crops []image.Rectangle
	for _, s := range suspects {
		if len(crops) == maxSuspects {
			break
		}
		if r, ok := cropFor(s, p, out); ok {
			crops = append(crops, r)
		}
	}
	for _, ps := range order[1:] {
		if len(crops) == 0 || over() {
			break
		}
		left := crops[:0]
		for _, r := range crops {
			got, _ := runPass(p.crop(r), ps, out, r.Min)
			out = append(out, got...)
			if len(got) == 0 {
				left = append(left, r)
			}
		}
		crops = left
	}
	for _, ps := range order[1:] {
		if (len(out) > 0 && !d.opt.Exhaustive) || over() {
			break
		}
		if ps.upscale && p.w*p.h > maxUpscaled {
			continue // modules on a page this large are not 2 pixels
		}
		got, _ := runPass(p, ps, out, image.Point{})
		out = append(out, got...)
	}
	return out
}

// cropFor is the region around a suspect with room for its quiet zone and
// for a misjudged size, unless the suspect lies on a code already found or
// the region is too large to be cheap.
func cropFor(s symbol, p *plane, found []found) (image.Rectangle, bool) {
	for _, f := range found {
		if inside(f.corners, s.center()) {
			return image.Rectangle{}, false
		}
	}
	c := s.center()
	half := s.sizePx()*0.75 + 8*s.module
	r := image.Rect(int(c.x-half), int(c.y-half), int(c.x+half)+1, int(c.y+half)+1).Intersect(image.Rect(0, 0, p.w, p.h))
	if r.Dx() < 21 || r.Dy() < 21 || float64(r.Dx()*r.Dy()) > maxSuspectShare*float64(p.w*p.h) {
		return image.Rectangle{}, false
	}
	return r, true
}

// runPass prepares p (a crop at offset off of the page, or the page),
// binarises it and scans it, skipping codes already found. Symbols come
// back in page coordinates.
func runPass(p *plane, ps pass, known []found, off image.Point) (out []found, suspects []symbol) {
	q, scale := ps.prep(p)
	m, err := ps.bin(q)
	if err != nil {
		return nil, nil
	}
	o := point{float64(off.X), float64(off.Y)}
	toPass := func(pt point) point { return pt.sub(o).scale(1 / scale) }
	toPage := func(pt point) point { return pt.scale(scale).add(o) }
	ks := make([]symbol, len(known))
	for i, k := range known {
		ks[i] = k.mapped(toPass)
		ks[i].module /= scale
	}
	syms, sus := scan(m, ks)
	for _, s := range syms {
		s = s.mapped(toPage)
		s.module *= scale
		out = append(out, found{s, ps.name})
	}
	for _, s := range sus {
		s = s.mapped(toPage)
		s.module *= scale
		suspects = append(suspects, s)
	}
	return out, suspects
}

// triage orders the passes for this page: a noisy scan starts with the
// denoising passes, a faint one with contrast stretching, anything else
// with ZXing's hybrid binariser. A page with almost no contrast (blank
// paper) gets no pass at all.
func triage(p *plane) []pass {
	noise, lo, hi, span := p.stats()
	first := []string{"hybrid"}
	switch {
	case span < 24:
		return nil
	case noise >= 10:
		first = []string{"smooth-hybrid", "half-adaptive", "half-hybrid"}
	case hi-lo < 140:
		first = []string{"stretch-otsu", "adaptive"}
	}
	order := make([]pass, 0, len(passes))
	for _, name := range first {
		for _, ps := range passes {
			if ps.name == name {
				order = append(order, ps)
			}
		}
	}
	for _, ps := range passes {
		if !slices.Contains(first, ps.name) {
			order = append(order, ps)
		}
	}
	return order
}
