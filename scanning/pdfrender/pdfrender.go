// Package pdfrender renders PDF pages with MuPDF (github.com/gen2brain/go-fitz,
// cgo): thumbnails for the preview of digitised documents and page images
// for reading QR codes from PDFs.
//
// MuPDF is C. A hostile or broken PDF can make C code crash the process or
// loop, which in the counter application would lose the officer's work, so
// the Renderer can run MuPDF in a child process — the application's own
// executable started again with a marker argument — under a time limit and
// (on Linux) an address-space limit; a crash or a hang of the child becomes
// an error for the one file. The child must be wired: the main function
// calls ServeWorker first thing.
//
// This is the only package that imports go-fitz, so everything else under
// scanning/ builds with CGO_ENABLED=0.
package pdfrender

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"image"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/gen2brain/go-fitz"

	"motcua/scanning/qrdecode"
)

// Errors.
var (
	ErrDamaged   = errors.New("pdfrender: the document cannot be opened or drawn")
	ErrEncrypted = errors.New("pdfrender: the document needs a password")
	ErrTooLarge  = errors.New("pdfrender: the page is too large to draw")
	ErrCrashed   = errors.New("pdfrender: the PDF renderer crashed on this document")
	ErrTimeout   = errors.New("pdfrender: the PDF renderer took too long on this document")
)

// Renderer draws PDF pages. The zero value renders in this process with
// the default limits; see Isolated for untrusted files.
type Renderer struct {
	// Isolate runs MuPDF in a child process (see the package comment).
	Isolate bool
	// Timeout bounds one call in a child process; 0 means 60 s.
	Timeout time.Duration
	// MaxPixels refuses to draw a page larger than this; 0 means 50
	// million (A4 at 600 dpi is 35 million).
	MaxPixels int
	// MemoryLimit caps the child's address space on Linux, in bytes; 0
	// means 3 GiB.
	MemoryLimit uint64
	// Command is the child's program and arguments; empty means this
	// executable with the worker marker. Tests point it elsewhere.
	Command []string
}

// Isolated is the renderer for files from outside: scans, uploads.
func Isolated() *Renderer { return &Renderer{Isolate: true} }

func (r *Renderer) maxPixels() int {
	if r == nil || r.MaxPixels <= 0 {
		return 50_000_000
	}
	return r.MaxPixels
}

// Page is one rendered page.
type Page struct {
	Number int         // 1-based
	Image  *image.RGBA // nil from Thumbnails' failures never happens: errors abort
}

// request and response travel between parent and child (gob).
type request struct {
	Op        string // "pages", "render", "qr"
	PDF       []byte
	DPI       float64 // render at this resolution…
	Width     int     // …or scale each page to this width in pixels
	Page      int     // 1-based: only this page; 0: every page
	MaxPixels int
}

type response struct {
	Err     string // one of the error kinds, by name
	Detail  string
	Pages   int
	Images  []rawImage
	Results []qrdecode.Result
}

type rawImage struct {
	W, H int
	Pix  []byte // RGBA
}

// Pages counts the pages of pdf.
func (r *Renderer) Pages(ctx context.Context, pdf []byte) (int, error) {
	resp, err := r.do(ctx, request{Op: "pages", PDF: pdf})
	if err != nil {
		return 0, err
	}
	return resp.Pages, nil
}

// Render draws every page of pdf at dpi.
func (r *Renderer) Render(ctx context.Context, pdf []byte, dpi float64) ([]*image.RGBA, error) {
	resp, err := r.do(ctx, request{Op: "render", PDF: pdf, DPI: dpi})
	if err != nil {
		return nil, err
	}
	return images(resp), nil
}

// Thumbnails draws every page of pdf scaled to width pixels, for preview.
func (r *Renderer) Thumbnails(ctx context.Context, pdf []byte, width int) ([]*image.RGBA, error) {
	if width <= 0 {
		return nil, fmt.Errorf("pdfrender: thumbnail width %d", width)
	}
	resp, err := r.do(ctx, request{Op: "render", PDF: pdf, Width: width})
	if err != nil {
		return nil, err
	}
	return images(resp), nil
}

// RenderPage draws page (1-based) of pdf scaled to width pixels: the
// larger preview of one page, without drawing the others.
func (r *Renderer) RenderPage(ctx context.Context, pdf []byte, page, width int) (*image.RGBA, error) {
	if width <= 0 || page <= 0 {
		return nil, fmt.Errorf("pdfrender: page %d at width %d", page, width)
	}
	resp, err := r.do(ctx, request{Op: "render", PDF: pdf, Width: width, Page: page})
	if err != nil {
		return nil, err
	}
	if len(resp.Images) != 1 {
		return nil, fmt.Errorf("%w: page %d not drawn", ErrDamaged, page)
	}
	return images(resp)[0], nil
}

// DecodeQR renders every page of pdf at dpi (0 means 300, where a QR
// printed on a form has modules of 3 pixels or more) and reads the QR codes
// on it; Result.Page tells the page.
func (r *Renderer) DecodeQR(ctx context.Context, pdf []byte, dpi float64) ([]qrdecode.Result, error) {
	if dpi <= 0 {
		dpi = 300
	}
	resp, err := r.do(ctx, request{Op: "qr", PDF: pdf, DPI: dpi})
	if err != nil {
		return nil, err
	}
	return resp.Results, nil
}

// DecodeQRFile is DecodeQR for a file, isolated.
func DecodeQRFile(ctx context.Context, path string, dpi float64) ([]qrdecode.Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Isolated().DecodeQR(ctx, b, dpi)
}

func images(resp *response) []*image.RGBA {
	out := make([]*image.RGBA, len(resp.Images))
	for i, ri := range resp.Images {
		out[i] = &image.RGBA{Pix: ri.Pix, Stride: 4 * ri.W, Rect: image.Rect(0, 0, ri.W, ri.H)}
	}
	return out
}

var errByName = map[string]error{
	"damaged": ErrDamaged, "encrypted": ErrEncrypted, "toolarge": ErrTooLarge,
}

func nameOf(err error) string {
	for n, e := range errByName {
		if errors.Is(err, e) {
			return n
		}
	}
	return "damaged"
}

func (r *Renderer) do(ctx context.Context, req request) (*response, error) {
	if r == nil {
		r = &Renderer{}
	}
	req.MaxPixels = r.maxPixels()
	if !r.Isolate {
		resp := serve(req)
		return resp, unwrap(resp)
	}
	return r.child(ctx, req)
}

func unwrap(resp *response) error {
	if resp.Err == "" {
		return nil
	}
	return &renderError{kind: errByName[resp.Err], detail: resp.Detail}
}

// renderError carries the child's message and its kind across the pipe.
type renderError struct {
	kind   error
	detail string
}

func (e *renderError) Error() string { return e.detail }
func (e *renderError) Unwrap() error { return e.kind }

// workerArg marks the child's command line.
const workerArg = "__motcua-pdfrender-worker"

func (r *Renderer) child(ctx context.Context, req request) (*response, error) {
	timeout := r.Timeout
	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	argv := r.Command
	if len(argv) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("pdfrender: find own executable: %w", err)
		}
		argv = []string{exe, workerArg}
	}
	limit := r.MemoryLimit
	if limit == 0 {
		limit = 3 << 30
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), fmt.Sprintf("MOTCUA_PDFRENDER_MEMORY=%d", limit))
	var in bytes.Buffer
	if err := gob.NewEncoder(&in).Encode(req); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	stderr := &tail{max: 4096}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = &in, &out, stderr
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	if ctx.Err() == context.DeadlineExceeded {
		return nil, fmt.Errorf("%w (%s)", ErrTimeout, timeout)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var resp response
	if derr := gob.NewDecoder(&out).Decode(&resp); derr != nil || err != nil {
		return nil, fmt.Errorf("%w: %s %s", ErrCrashed, exitReason(err, derr), strings.TrimSpace(stderr.String()))
	}
	return &resp, unwrap(&resp)
}

func exitReason(err, derr error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return "killed by " + ws.Signal().String()
		}
		return ee.Error()
	}
	if err != nil {
		return err.Error()
	}
	return "no answer: " + derr.Error()
}

// tail keeps the last max bytes written: the child's last words.
type tail struct {
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tail) String() string { return string(t.b) }

// ServeWorker turns this process into a render worker when it was started
// as one (by an isolated Renderer): it answers the one request on stdin
// and exits. Otherwise it returns at once. Call it first thing in main, and
// in TestMain of packages whose tests render isolated.
func ServeWorker() {
	if len(os.Args) < 2 || os.Args[1] != workerArg {
		return
	}
	limitMemory()
	var req request
	if err := gob.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, "pdfrender worker: bad request:", err)
		os.Exit(3)
	}
	if err := gob.NewEncoder(os.Stdout).Encode(serve(req)); err != nil {
		fmt.Fprintln(os.Stderr, "pdfrender worker: write answer:", err)
		os.Exit(3)
	}
	os.Exit(0)
}

// serve does the work, in whichever process it runs.
func serve(req request) *response {
	resp := &response{}
	fail := func(err error) *response {
		resp.Err, resp.Detail = nameOf(err), err.Error()
		return resp
	}
	doc, err := open(req.PDF)
	if err != nil {
		return fail(err)
	}
	defer doc.Close()
	resp.Pages = doc.NumPage()
	if resp.Pages < 1 {
		return fail(fmt.Errorf("%w: no pages", ErrDamaged))
	}
	if req.Op == "pages" {
		return resp
	}
	if req.Page > resp.Pages {
		return fail(fmt.Errorf("%w: no page %d of %d", ErrDamaged, req.Page, resp.Pages))
	}
	for i := range resp.Pages {
		if req.Page > 0 && i != req.Page-1 {
			continue
		}
		img, err := page(doc, i, req)
		if err != nil {
			return fail(fmt.Errorf("page %d: %w", i+1, err))
		}
		switch req.Op {
		case "render":
			resp.Images = append(resp.Images, rawImage{W: img.Rect.Dx(), H: img.Rect.Dy(), Pix: img.Pix})
		case "qr":
			rs, err := qrdecode.DecodeImage(img)
			if err != nil {
				return fail(fmt.Errorf("page %d: %w: %v", i+1, ErrDamaged, err))
			}
			for _, r := range rs {
				r.Page = i + 1
				resp.Results = append(resp.Results, r)
			}
		}
	}
	return resp
}

func open(pdf []byte) (*fitz.Document, error) {
	if len(pdf) == 0 {
		return nil, fmt.Errorf("%w: empty file", ErrDamaged)
	}
	doc, err := fitz.NewFromMemory(pdf)
	switch {
	case errors.Is(err, fitz.ErrNeedsPassword):
		if doc != nil {
			doc.Close()
		}
		return nil, ErrEncrypted
	case err != nil:
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	return doc, nil
}

// page draws page i at the requested resolution, after checking that the
// pixmap stays within the limit (a page can claim to be kilometres wide).
func page(doc *fitz.Document, i int, req request) (*image.RGBA, error) {
	b, err := doc.Bound(i)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	w, h := float64(b.Dx()), float64(b.Dy()) // points, truncated by go-fitz
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf("%w: empty page", ErrDamaged)
	}
	dpi := req.DPI
	if req.Width > 0 {
		// The true width is in [w, w+1); MuPDF rounds the pixmap's edges
		// outwards: aim a hair under the width for the widest case.
		dpi = (float64(req.Width) - 0.01) * 72 / (w + 1)
	}
	if px := w * dpi / 72 * h * dpi / 72; px > float64(req.MaxPixels) {
		return nil, fmt.Errorf("%w: %.0f×%.0f pt at %.0f dpi", ErrTooLarge, w, h, dpi)
	}
	img, err := doc.ImageDPI(i, dpi)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	return img, nil
}
