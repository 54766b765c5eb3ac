package pdfdoc

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io"

	"codeberg.org/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	_ "golang.org/x/image/tiff" // TIFF scans are converted to PNG pages

	"motcua"
)

// Assemble makes one PDF of the files in order: each run of images becomes
// pages of their true paper size (from their dpi), each PDF is kept page for
// page as it is. A single PDF comes back unchanged.
func Assemble(files []*File) ([]byte, error) {
	if len(files) == 0 {
		return nil, motcua.Invalid(ErrNothingToMerge, "file", "Chưa có tệp nào để ghép", "no file to merge")
	}
	var parts [][]byte
	var run []*File
	flush := func() error {
		if len(run) == 0 {
			return nil
		}
		b, err := imagesToPDF(run)
		if err != nil {
			return err
		}
		parts, run = append(parts, b), nil
		return nil
	}
	for _, f := range files {
		if f.Kind != PDF {
			run = append(run, f)
			continue
		}
		if err := flush(); err != nil {
			return nil, err
		}
		parts = append(parts, f.Data)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return merge(parts)
}

func merge(parts [][]byte) (out []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, corrupt("PDF", fmt.Errorf("pdfcpu merge: %v", p))
		}
	}()
	rs := make([]io.ReadSeeker, len(parts))
	for i, p := range parts {
		rs[i] = bytes.NewReader(p)
	}
	var b bytes.Buffer
	if err := api.MergeRaw(rs, &b, false, conf()); err != nil {
		return nil, corrupt("PDF", fmt.Errorf("merge: %w", err))
	}
	return b.Bytes(), nil
}

// A4 in inches: the paper assumed for an image that records no resolution.
const a4Long, a4Short = 297 / 25.4, 210 / 25.4

// pageDPI is the resolution an image is laid out at: its own, or the one
// that fits it on A4.
func pageDPI(f *File) float64 {
	if f.DPI > 0 {
		return f.DPI
	}
	long, short := max(f.Width, f.Height), min(f.Width, f.Height)
	return max(float64(long)/a4Long, float64(short)/a4Short)
}

func imagesToPDF(files []*File) ([]byte, error) {
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "pt", Size: fpdf.SizeType{Wd: 595.28, Ht: 841.89}})
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	pdf.SetCompression(true)
	pdf.SetCreator("Một Cửa", true)
	for i, f := range files {
		data, typ, err := embeddable(f)
		if err != nil {
			return nil, corrupt(f.Name, err)
		}
		dpi := pageDPI(f)
		w, h := float64(f.Width)*72/dpi, float64(f.Height)*72/dpi
		orient := "P"
		if w > h {
			orient = "L"
		}
		pdf.AddPageFormat(orient, fpdf.SizeType{Wd: w, Ht: h})
		name := fmt.Sprintf("scan%d", i)
		pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: typ}, bytes.NewReader(data))
		pdf.ImageOptions(name, 0, 0, w, h, false, fpdf.ImageOptions{ImageType: typ}, 0, "")
		if err := pdf.Error(); err != nil {
			return nil, corrupt(f.Name, err)
		}
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, fmt.Errorf("pdfdoc: write PDF: %w", err)
	}
	return b.Bytes(), nil
}

// embeddable returns image data fpdf can embed without decoding: JPEG as
// scanned (grey or YCbCr) and plain 8-bit PNG pass through untouched;
// TIFF, 16-bit, interlaced or transparent PNG and CMYK JPEG are converted
// losslessly to an opaque 8-bit PNG.
func embeddable(f *File) ([]byte, string, error) {
	switch f.Kind {
	case JPEG:
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(f.Data))
		if err != nil {
			return nil, "", err
		}
		if cfg.ColorModel == color.GrayModel || cfg.ColorModel == color.YCbCrModel {
			return f.Data, "jpg", nil
		}
	case PNG:
		if len(f.Data) > 28 {
			depth, ctype, interlace := f.Data[24], f.Data[25], f.Data[28]
			if depth <= 8 && (ctype == 0 || ctype == 2 || ctype == 3) && interlace == 0 && !bytes.Contains(f.Data, []byte("tRNS")) {
				return f.Data, "png", nil
			}
		}
	}
	img, _, err := image.Decode(bytes.NewReader(f.Data))
	if err != nil {
		return nil, "", err
	}
	var flat draw.Image
	switch img.ColorModel() {
	case color.GrayModel, color.Gray16Model:
		flat = image.NewGray(img.Bounds())
	default:
		flat = image.NewRGBA(img.Bounds())
	}
	draw.Draw(flat, flat.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(flat, flat.Bounds(), img, img.Bounds().Min, draw.Over)
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, flat); err != nil {
		return nil, "", err
	}
	return b.Bytes(), "png", nil
}
