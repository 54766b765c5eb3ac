// Package corpus generates a deterministic set of scanned A4 pages with QR
// codes on them, to test and benchmark QR decoders against each other. Each
// page imitates what a commune office scanner produces: Vietnamese text, one
// or more printed QR codes (our signed MC1 receipts, chip-ID lines, lookup
// links), then the defects of paper and scanner — rotation, perspective,
// blur, noise, low contrast, uneven light, JPEG artefacts, small modules.
//
// The same seed and index always give the same page, byte for byte, so a
// failure can be reproduced by its file name alone.
package corpus

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"golang.org/x/image/tiff"

	"motcua/scanning/qrsign"
)

// Class is one kind of difficulty. Pages cycle through Classes in order, so
// any corpus of at least len(Classes) pages holds every class.
type Class string

const (
	Clean       Class = "clean"       // upright, sharp, 300 dpi, PNG
	Rotated     Class = "rotated"     // any angle
	Skewed      Class = "skewed"      // perspective: the sheet was not flat on the glass
	LowContrast Class = "lowcontrast" // faint print, grey paper, uneven light
	JPEG        Class = "jpeg"        // colour JPEG, strong compression
	TIFF        Class = "tiff"        // TIFF (Deflate), slight rotation
	Multi       Class = "multi"       // two to four codes on the page
	Blurred     Class = "blurred"     // out of focus
	Noisy       Class = "noisy"       // sensor noise and specks
	Small       Class = "small"       // 2–3 pixels per module
	Scan        Class = "scan"        // a bit of everything, colour JPEG
)

// Classes lists every class in the order pages cycle through them.
var Classes = []Class{Clean, Rotated, Skewed, LowContrast, JPEG, TIFF, Multi, Blurred, Noisy, Small, Scan}

// Easy reports whether a decoder fit for the counter must read every page of
// the class: defects that any ordinary office scan shows. The others are
// hard on purpose and measure how far a decoder goes.
func (c Class) Easy() bool {
	switch c {
	case Clean, Rotated, Skewed, LowContrast, JPEG, TIFF, Multi:
		return true
	}
	return false
}

// Code is one QR code placed on a page.
type Code struct {
	Kind     string        `json:"kind"` // mc1, mc1-url, cccd, url
	Text     string        `json:"text"`
	Corners  [4][2]float64 `json:"corners"`   // symbol corners (quiet zone excluded) TL, TR, BR, BL in pixels
	ModulePx float64       `json:"module_px"` // module size in pixels, before perspective
	Version  int           `json:"version"`
}

// Sample describes one generated page.
type Sample struct {
	Index  int    `json:"index"`
	Name   string `json:"name"` // file name, e.g. "007-multi.png"
	Class  Class  `json:"class"`
	DPI    int    `json:"dpi"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	Codes  []Code `json:"codes"`
	Params Params `json:"params"`
	Format string `json:"format"` // png, jpeg, tiff
}

// Params are the defects applied to a page, for the record.
type Params struct {
	Blur        float64    `json:"blur"`         // Gaussian sigma, pixels
	Noise       float64    `json:"noise"`        // Gaussian sigma, grey levels
	Specks      float64    `json:"specks"`       // fraction of pixels flipped to dark or light
	Ink         float64    `json:"ink"`          // grey level of print
	Paper       float64    `json:"paper"`        // grey level of paper
	Light       float64    `json:"light"`        // depth of the illumination gradient, 0..1
	Quality     int        `json:"quality"`      // JPEG quality, 0 when not JPEG
	Colour      bool       `json:"colour"`       // RGB output
	Perspective float64    `json:"perspective"`  // corner displacement, fraction of the symbol size
	ModuleRange [2]float64 `json:"module_range"` // pixels per module drawn from this range
}

// Generator makes pages from a seed. Its signing key is derived from the
// seed too, so the MC1 payloads verify against Keyring.
type Generator struct {
	seed uint64
	priv ed25519.PrivateKey
}

// New returns a generator for seed.
func New(seed uint64) *Generator {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], seed)
	h := sha256.Sum256(append([]byte("motcua qr corpus station key "), b[:]...))
	return &Generator{seed: seed, priv: ed25519.NewKeyFromSeed(h[:])}
}

// Keyring holds the public key that signed the corpus's MC1 payloads.
func (g *Generator) Keyring() *qrsign.Keyring {
	ring := &qrsign.Keyring{}
	if _, err := ring.Add(g.priv.Public().(ed25519.PublicKey), "1/1", "corpus"); err != nil {
		panic(err) // a derived Ed25519 key is always 32 bytes
	}
	return ring
}

// ClassOf is the class of page i.
func ClassOf(i int) Class { return Classes[i%len(Classes)] }

// Page renders page i. The image is *image.Gray or, for colour pages,
// *image.RGBA.
func (g *Generator) Page(i int) (Sample, image.Image, error) {
	r := rand.New(rand.NewPCG(g.seed, uint64(i)))
	s := Sample{Index: i, Class: ClassOf(i)}
	s.Params, s.DPI, s.Format = params(s.Class, r)
	img, err := g.render(&s, r)
	if err != nil {
		return s, nil, err
	}
	ext := map[string]string{"png": ".png", "jpeg": ".jpg", "tiff": ".tif"}[s.Format]
	s.Name = fmt.Sprintf("%03d-%s%s", i, s.Class, ext)
	return s, img, nil
}

// Encode writes img in the sample's file format.
func Encode(w io.Writer, s Sample, img image.Image) error {
	switch s.Format {
	case "jpeg":
		return jpeg.Encode(w, img, &jpeg.Options{Quality: s.Params.Quality})
	case "tiff":
		return tiff.Encode(w, img, &tiff.Options{Compression: tiff.Deflate, Predictor: true})
	default:
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		return enc.Encode(w, img)
	}
}

// Manifest is the name of the file WriteDir writes next to the pages: the
// JSON array of their Samples, the expected texts included.
const Manifest = "manifest.json"

// WriteDir writes pages 0..n-1 into dir, and their descriptions as
// Manifest, and returns the descriptions. Pages are rendered in parallel;
// each has its own random stream, so the files do not depend on the order.
func (g *Generator) WriteDir(dir string, n int) ([]Sample, error) {
	out := make([]Sample, n)
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				s, img, err := g.Page(i)
				if err == nil {
					err = writeFile(filepath.Join(dir, s.Name), s, img)
				}
				out[i], errs[i] = s, err
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	j, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, err
	}
	return out, os.WriteFile(filepath.Join(dir, Manifest), j, 0o644)
}

// ReadManifest reads the descriptions WriteDir left in dir.
func ReadManifest(dir string) ([]Sample, error) {
	b, err := os.ReadFile(filepath.Join(dir, Manifest))
	if err != nil {
		return nil, err
	}
	var out []Sample
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("corpus: %s: %w", Manifest, err)
	}
	return out, nil
}

func writeFile(path string, s Sample, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := Encode(f, s, img); err != nil {
		f.Close()
		return fmt.Errorf("corpus: encode %s: %w", path, err)
	}
	return f.Close()
}

// params draws the defects of a page of class c.
func params(c Class, r *rand.Rand) (p Params, dpi int, format string) {
	dpi = []int{200, 300}[r.IntN(2)]
	format = "png"
	p = Params{
		Blur:        0.35 + 0.25*r.Float64(), // the scanner's optics
		Noise:       1.5 + r.Float64(),
		Ink:         15 + 25*r.Float64(),
		Paper:       238 + 14*r.Float64(),
		ModuleRange: [2]float64{3.2, 6},
	}
	if dpi == 300 {
		p.Blur *= 1.5
	}
	switch c {
	case Clean:
		dpi = 300
	case Rotated:
	case Skewed:
		p.Perspective = 0.04 + 0.06*r.Float64()
	case LowContrast:
		dpi = 300
		p.Ink = 95 + 35*r.Float64()
		p.Paper = 165 + 35*r.Float64()
		p.Light = 0.1 + 0.15*r.Float64()
	case JPEG:
		format = "jpeg"
		p.Quality = 20 + r.IntN(26)
		p.Colour = true
	case TIFF:
		dpi = 300
		format = "tiff"
	case Multi:
		dpi = 300
	case Blurred:
		dpi = 300
		p.Blur = 1.4 + 1.2*r.Float64()
		p.ModuleRange = [2]float64{4.5, 7}
	case Noisy:
		p.Noise = 18 + 14*r.Float64()
		p.Specks = 0.001 + 0.003*r.Float64()
	case Small:
		dpi = 200
		p.ModuleRange = [2]float64{2, 3}
	case Scan:
		format = "jpeg"
		p.Colour = true
		p.Quality = 35 + r.IntN(30)
		p.Perspective = 0.01 + 0.03*r.Float64()
		p.Blur = 0.7 + 0.6*r.Float64()
		p.Noise = 4 + 6*r.Float64()
		p.Ink = 30 + 40*r.Float64()
		p.Paper = 205 + 40*r.Float64()
		p.Light = 0.12 * r.Float64()
		p.ModuleRange = [2]float64{2.8, 5}
	}
	return p, dpi, format
}

// Document renders a scanned page of Vietnamese text without any code:
// page i of a paper document, as the digitisation tests need them.
func (g *Generator) Document(i, dpi int) *image.Gray {
	r := rand.New(rand.NewPCG(g.seed^0x9e3779b97f4a7c15, uint64(i)))
	s := Sample{Index: i, DPI: dpi}
	s.Width = int(a4W/25.4*float64(dpi) + 0.5)
	s.Height = int(a4H/25.4*float64(dpi) + 0.5)
	page := image.NewGray(image.Rect(0, 0, s.Width, s.Height))
	for j := range page.Pix {
		page.Pix[j] = 255
	}
	if err := drawText(page, dpi, nil, r); err != nil {
		panic(err) // the embedded font always parses
	}
	p := Params{Blur: 0.5, Noise: 2, Ink: 25, Paper: 245}
	return degrade(page, p, r).(*image.Gray)
}
