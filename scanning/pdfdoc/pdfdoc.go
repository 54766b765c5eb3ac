// Package pdfdoc turns the scans of a dossier component into the one PDF
// the dossier keeps: it checks each file (type by content, size, scan
// resolution, encryption), merges images into pages at their true paper
// size while keeping PDFs as they are, and stamps every page with the
// conversion mark of Decree 137/2024/NĐ-CP art. 4 — "bản điện tử chuyển
// đổi từ văn bản giấy", the converting agency, the officer's full name, the
// time, and the station's signed QR — then hashes the result (SHA-256) for
// the content-addressed, encrypted store (storage/blob).
//
// Pure Go: images become PDF pages with codeberg.org/go-pdf/fpdf (JPEG data
// embedded untouched, so no generation loss; the Noto Serif font of assets
// draws the Vietnamese mark), existing PDFs are read, merged and stamped
// with github.com/pdfcpu/pdfcpu, which overlays a page made by fpdf onto
// each page without re-rendering it. Rendering for preview is in
// scanning/pdfrender (MuPDF, cgo).
package pdfdoc

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	"math"
	"strings"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"motcua"
)

// Kind is a file type accepted as a scan, recognised by content.
type Kind string

const (
	PDF  Kind = "pdf"
	JPEG Kind = "jpeg"
	PNG  Kind = "png"
	TIFF Kind = "tiff"
)

// Stable error codes of the checks (motcua.Error.Code).
const (
	ErrFileType       = "ERR_FILE_TYPE"
	ErrFileTooLarge   = "ERR_FILE_TOO_LARGE"
	ErrLowResolution  = "ERR_LOW_RESOLUTION"
	ErrPDFEncrypted   = "ERR_PDF_ENCRYPTED"
	ErrFileCorrupt    = "ERR_FILE_CORRUPT"
	ErrTooManyPages   = "ERR_TOO_MANY_PAGES"
	ErrMultiPageTIFF  = "ERR_MULTIPAGE_TIFF"
	ErrNothingToMerge = "ERR_NOTHING_TO_MERGE"
)

// Limits are the checks applied to every file. DefaultLimits is the
// counter's configuration unless the province sets others.
type Limits struct {
	MaxFileSize int64  // bytes per file
	MinDPI      int    // scan resolution (TT 02/2019/TT-BNV: 200 dpi)
	MaxPages    int    // pages per file
	MaxPixels   int    // pixels per image: a guard against decompression bombs
	Allowed     []Kind // accepted types
}

// DefaultLimits: 20 MB per file, 200 dpi, 200 pages, 100 megapixels,
// PDF, JPEG, PNG and TIFF.
func DefaultLimits() Limits {
	return Limits{MaxFileSize: 20 << 20, MinDPI: 200, MaxPages: 200, MaxPixels: 100_000_000, Allowed: []Kind{PDF, JPEG, PNG, TIFF}}
}

// File is a checked input file.
type File struct {
	Name   string
	Kind   Kind
	Data   []byte
	Pages  int     // 1 for an image
	Width  int     // pixels (images)
	Height int     // pixels (images)
	DPI    float64 // from the file's metadata; 0 when it says nothing
}

// Check identifies data by its content and applies lim. Every refusal is
// a motcua.Error of KindInvalid with one of the codes above and a sentence
// that names the file.
func Check(name string, data []byte, lim Limits) (*File, error) {
	if lim.MaxFileSize > 0 && int64(len(data)) > lim.MaxFileSize {
		return nil, motcua.Invalid(ErrFileTooLarge, "file", "Tệp «%s» lớn %s, vượt giới hạn %s cho mỗi tệp",
			"file %q is %s, over the limit of %s per file", name, size(int64(len(data))), size(lim.MaxFileSize))
	}
	f := &File{Name: name, Data: data, Kind: sniff(data)}
	allowed := false
	for _, k := range lim.Allowed {
		allowed = allowed || k == f.Kind
	}
	if f.Kind == "" || !allowed {
		return nil, motcua.Invalid(ErrFileType, "file", "Tệp «%s» không phải loại được nhận (%s)",
			"file %q is not an accepted type (%s)", name, kinds(lim.Allowed))
	}
	if f.Kind == PDF {
		return f, checkPDF(f, lim)
	}
	return f, checkImage(f, lim)
}

func sniff(b []byte) Kind {
	switch {
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return PDF
	case bytes.HasPrefix(b, []byte{0xff, 0xd8, 0xff}):
		return JPEG
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case bytes.HasPrefix(b, []byte("II*\x00")) || bytes.HasPrefix(b, []byte("MM\x00*")):
		return TIFF
	}
	return ""
}

func kinds(ks []Kind) string {
	s := ""
	for i, k := range ks {
		if i > 0 {
			s += ", "
		}
		s += map[Kind]string{PDF: "PDF", JPEG: "JPEG", PNG: "PNG", TIFF: "TIFF"}[k]
	}
	return s
}

func size(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d kB", (n+1023)/1024)
}

func corrupt(name string, err error) error {
	e := motcua.Invalid(ErrFileCorrupt, "file", "Tệp «%s» bị hỏng hoặc không đọc được", "file %q is damaged or unreadable", name)
	e.Err = err
	return e
}

// maxPaperMM is the long side of A3 with a margin: no counter document is
// larger, so a resolution that makes an image larger is a placeholder.
const maxPaperMM = 440

func checkImage(f *File, lim Limits) error {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(f.Data))
	if err != nil {
		return corrupt(f.Name, err)
	}
	f.Width, f.Height, f.Pages = cfg.Width, cfg.Height, 1
	if cfg.Width <= 0 || cfg.Height <= 0 || (lim.MaxPixels > 0 && cfg.Width*cfg.Height > lim.MaxPixels) {
		return motcua.Invalid(ErrFileTooLarge, "file", "Ảnh «%s» có %d×%d điểm ảnh, vượt giới hạn",
			"image %q has %d×%d pixels, over the limit", f.Name, cfg.Width, cfg.Height)
	}
	meta, err := readMeta(f.Kind, f.Data)
	if err != nil {
		return corrupt(f.Name, err)
	}
	if meta.pages > 1 {
		return motcua.Invalid(ErrMultiPageTIFF, "file", "Tệp TIFF «%s» có %d trang; chỉ nhận TIFF một trang: hãy quét ra PDF hoặc mỗi trang một tệp",
			"TIFF file %q has %d pages; only single-page TIFF is accepted: scan to PDF or one file per page", f.Name, meta.pages)
	}
	f.DPI = meta.dpi
	if f.DPI > 0 && float64(max(f.Width, f.Height))/f.DPI*25.4 > maxPaperMM {
		// Editors write 72 or 96 dpi when they know nothing; taken at
		// its word, a scan would then be a poster. Treat it as unknown.
		f.DPI = 0
	}
	if lim.MinDPI <= 0 {
		return nil
	}
	dpi := f.DPI
	known := dpi > 0
	if !known {
		// No resolution recorded: the smallest paper the counter takes
		// is A5, so a long side under 210 mm × MinDPI cannot be a scan of
		// a whole page at that resolution.
		dpi = float64(max(f.Width, f.Height)) / (210 / 25.4)
	}
	if math.Round(dpi) < float64(lim.MinDPI) {
		if known {
			return motcua.Invalid(ErrLowResolution, "file", "Ảnh «%s» quét ở %.0f dpi, thấp hơn mức tối thiểu %d dpi: hãy quét lại",
				"image %q was scanned at %.0f dpi, below the minimum of %d dpi: scan it again", f.Name, dpi, lim.MinDPI)
		}
		return motcua.Invalid(ErrLowResolution, "file", "Ảnh «%s» chỉ có %d×%d điểm ảnh, dưới %d dpi cho một trang A5: hãy quét lại",
			"image %q has only %d×%d pixels, under %d dpi for an A5 page: scan it again", f.Name, f.Width, f.Height, lim.MinDPI)
	}
	return nil
}

// pdfcpu reads a configuration directory unless told not to; the app needs
// no user fonts from it and must not write into the user's profile.
var pdfcpuConf = sync.OnceValue(func() *model.Configuration {
	api.DisableConfigDir()
	c := model.NewDefaultConfiguration()
	c.ValidationMode = model.ValidationRelaxed
	return c
})

func conf() *model.Configuration {
	c := *pdfcpuConf()
	return &c
}

// readPDF parses a PDF with pdfcpu, which reports malformed input as an
// error but is a port of much parsing code: a panic is contained here.
func readPDF(b []byte) (ctx *model.Context, err error) {
	defer func() {
		if p := recover(); p != nil {
			ctx, err = nil, fmt.Errorf("pdfcpu: %v", p)
		}
	}()
	ctx, err = api.ReadContext(bytes.NewReader(b), conf())
	if err != nil {
		return nil, err
	}
	if err := ctx.EnsurePageCount(); err != nil {
		return nil, err
	}
	return ctx, nil
}

func checkPDF(f *File, lim Limits) error {
	ctx, err := readPDF(f.Data)
	if err != nil {
		if isEncryptionError(err) {
			return encrypted(f.Name)
		}
		return corrupt(f.Name, err)
	}
	if ctx.Encrypt != nil || ctx.E != nil {
		return encrypted(f.Name)
	}
	f.Pages = ctx.PageCount
	if f.Pages < 1 {
		return corrupt(f.Name, fmt.Errorf("no pages"))
	}
	if lim.MaxPages > 0 && f.Pages > lim.MaxPages {
		return motcua.Invalid(ErrTooManyPages, "file", "Tệp «%s» có %d trang, vượt giới hạn %d trang",
			"file %q has %d pages, over the limit of %d", f.Name, f.Pages, lim.MaxPages)
	}
	return nil
}

func isEncryptionError(err error) bool {
	return errors.Is(err, pdfcpu.ErrWrongPassword) || strings.Contains(strings.ToLower(err.Error()), "encrypt")
}

func encrypted(name string) error {
	return motcua.Invalid(ErrPDFEncrypted, "file", "Tệp PDF «%s» được đặt mật khẩu hoặc mã hóa: hãy gỡ mật khẩu rồi đính kèm lại",
		"PDF %q is password-protected or encrypted: remove the password and attach it again", name)
}

// Document is a digitised component: the stamped PDF and its hash, which
// is also its address in the blob store.
type Document struct {
	PDF    []byte
	SHA256 [32]byte
	Pages  int
}

// Digitise checks files against lim, merges them into one PDF in the order
// given and stamps every page with the conversion mark. Nothing is stored:
// the caller puts Document.PDF into the blob store and records the hash
// with the dossier. Errors: the coded errors of Check, or of Stamp.
func Digitise(files []Input, m Mark, lim Limits) (*Document, error) {
	if len(files) == 0 {
		return nil, motcua.Invalid(ErrNothingToMerge, "file", "Chưa có tệp nào để số hóa", "no file to digitise")
	}
	checked := make([]*File, len(files))
	for i, in := range files {
		f, err := Check(in.Name, in.Data, lim)
		if err != nil {
			return nil, err
		}
		checked[i] = f
	}
	merged, err := Assemble(checked)
	if err != nil {
		return nil, err
	}
	stamped, pages, err := Stamp(merged, m)
	if err != nil {
		return nil, err
	}
	return &Document{PDF: stamped, SHA256: sha256.Sum256(stamped), Pages: pages}, nil
}

// Input is a file as it arrived: its name (for messages) and content.
type Input struct {
	Name string
	Data []byte
}
