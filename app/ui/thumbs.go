package ui

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // scans
	_ "image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/image/draw"
	_ "golang.org/x/image/tiff"
)

// Thumbnailer draws every page of a PDF scaled to width pixels
// (pdfrender.Renderer, isolated in a child process: MuPDF is C and the
// files come from outside).
type Thumbnailer interface {
	Thumbnails(ctx context.Context, pdf []byte, width int) ([]*image.RGBA, error)
}

// PageRenderer draws one page (1-based) larger, for the preview. A
// Thumbnailer that is also a PageRenderer is asked for that one page only.
type PageRenderer interface {
	RenderPage(ctx context.Context, pdf []byte, page, width int) (*image.RGBA, error)
}

const (
	thumbWidth   = 96  // pixels: the first pages of a document
	thumbShown   = 4   // pages shown per document; "+N trang" for the rest
	previewWidth = 420 // the larger preview of one page
	thumbCacheN  = 300 // documents whose first pages are kept
	thumbTimeout = 30 * time.Second
	// maxImagePixels refuses to decode a bigger image for preview (the
	// digitisation rules refuse it anyway).
	maxImagePixels = 100_000_000
)

// thumbSource is a document to preview: a stored attachment (its hash is
// known before decrypting it) or a file on disk.
type thumbSource struct {
	hash string                 // SHA-256 hex of the content, when known
	load func() ([]byte, error) // the content: a PDF or an image
}

func fileSource(path string) thumbSource {
	return thumbSource{load: func() ([]byte, error) { return os.ReadFile(path) }}
}

// thumbResult is what a document's preview is made of.
type thumbResult struct {
	imgs  []image.Image // the first pages, thumbWidth wide
	pages int
	err   error
}

type thumbEntry struct {
	done chan struct{}
	res  thumbResult
}

// Thumbs renders previews in the background, one at a time (the counter
// PCs have two cores), and keeps the first pages of each document by its
// content hash: scrolling or reopening a dossier does not render again.
type Thumbs struct {
	r     Thumbnailer
	mu    sync.Mutex
	cache map[string]*thumbEntry
	order []string
	sem   chan struct{}
}

func newThumbs(r Thumbnailer) *Thumbs {
	return &Thumbs{r: r, cache: map[string]*thumbEntry{}, sem: make(chan struct{}, 1)}
}

// Thumbs is the window's preview renderer and cache.
func (m *Main) Thumbs() *Thumbs { return m.thumbs }

// Renders counts the documents rendered so far (tests: the cache works).
func (t *Thumbs) Renders() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.order)
}

// get calls fn on the UI goroutine with the preview of src: at once when
// it is known, else once rendered in the background.
func (t *Thumbs) get(src thumbSource, fn func(thumbResult)) {
	if src.hash != "" {
		if e := t.lookup(src.hash); e != nil {
			select {
			case <-e.done:
				fn(e.res)
				return
			default:
			}
		}
	}
	go func() {
		res := t.render(src)
		onUI(func() { fn(res) })
	}()
}

func (t *Thumbs) lookup(hash string) *thumbEntry {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cache[hash]
}

// render gives the cached result for src, rendering it if needed; a
// second caller for the same document waits for the first.
func (t *Thumbs) render(src thumbSource) thumbResult {
	var data []byte
	hash := src.hash
	if hash == "" {
		b, err := src.load()
		if err != nil {
			return thumbResult{err: err}
		}
		sum := sha256.Sum256(b)
		hash, data = hex.EncodeToString(sum[:]), b
	}
	t.mu.Lock()
	e, ok := t.cache[hash]
	if !ok {
		e = &thumbEntry{done: make(chan struct{})}
		t.cache[hash] = e
		t.order = append(t.order, hash)
		if len(t.order) > thumbCacheN {
			delete(t.cache, t.order[0])
			t.order = t.order[1:]
		}
	}
	t.mu.Unlock()
	if ok {
		<-e.done
		return e.res
	}
	defer close(e.done)
	if data == nil {
		b, err := src.load()
		if err != nil {
			e.res = thumbResult{err: err}
			return e.res
		}
		data = b
	}
	t.sem <- struct{}{}
	defer func() { <-t.sem }()
	e.res = t.draw(data)
	return e.res
}

// errNoRenderer: this window was given no PDF renderer.
var errNoRenderer = errors.New("no PDF renderer on this PC")

// draw makes the first pages of a PDF or an image.
func (t *Thumbs) draw(data []byte) thumbResult {
	if !isPDF(data) {
		img, err := decodeImage(data)
		if err != nil {
			return thumbResult{err: err}
		}
		return thumbResult{imgs: []image.Image{scaleTo(img, thumbWidth)}, pages: 1}
	}
	if t.r == nil {
		return thumbResult{err: errNoRenderer}
	}
	ctx, cancel := context.WithTimeout(context.Background(), thumbTimeout)
	defer cancel()
	pages, err := t.r.Thumbnails(ctx, data, thumbWidth)
	if err != nil {
		return thumbResult{err: err}
	}
	res := thumbResult{pages: len(pages)}
	for i, p := range pages {
		if i == thumbShown {
			break
		}
		res.imgs = append(res.imgs, p)
	}
	return res
}

// page draws page n (1-based) of a document for the preview.
func (t *Thumbs) page(data []byte, n int) (image.Image, error) {
	if !isPDF(data) {
		img, err := decodeImage(data)
		if err != nil {
			return nil, err
		}
		return scaleTo(img, previewWidth*2), nil
	}
	if t.r == nil {
		return nil, errNoRenderer
	}
	ctx, cancel := context.WithTimeout(context.Background(), thumbTimeout)
	defer cancel()
	t.sem <- struct{}{}
	defer func() { <-t.sem }()
	if pr, ok := t.r.(PageRenderer); ok {
		return pr.RenderPage(ctx, data, n, previewWidth*2)
	}
	pages, err := t.r.Thumbnails(ctx, data, previewWidth*2)
	if err != nil {
		return nil, err
	}
	if n < 1 || n > len(pages) {
		return nil, fmt.Errorf("no page %d of %d", n, len(pages))
	}
	return pages[n-1], nil
}

func isPDF(b []byte) bool {
	return bytes.HasPrefix(bytes.TrimLeft(b[:min(len(b), 1024)], "\x00\t\r\n "), []byte("%PDF"))
}

// decodeImage decodes a scan after checking its size from the header.
func decodeImage(b []byte) (image.Image, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	if cfg.Width*cfg.Height > maxImagePixels || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("image %d×%d too large", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	return img, err
}

// scaleTo shrinks img to w pixels wide (never enlarges).
func scaleTo(img image.Image, w int) image.Image {
	b := img.Bounds()
	if b.Dx() <= w {
		return img
	}
	h := max(1, b.Dy()*w/b.Dx())
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// noPreview is the honest line in place of thumbnails.
func noPreview(err error) string {
	if errors.Is(err, errNoRenderer) {
		return tr("Máy này không có bộ xem trước PDF: không có hình xem trước.")
	}
	return tr("Không xem trước được tài liệu này (tệp hỏng hoặc không đọc được).")
}

// ThumbStrip shows a document's first pages, small; each opens the larger
// preview on a click or Enter. It says so plainly when there is nothing to
// show.
type ThumbStrip struct {
	widget.BaseWidget
	e     *env
	title string
	src   thumbSource
	box   *fyne.Container
	// Pages are the thumbnails shown, once rendered.
	Pages []*ThumbButton
	// Note is the "rendering…" or "no preview" line.
	Note *widget.Label
	// Failed reports that the document could not be previewed.
	Failed bool
	done   chan struct{}
	// compact: a row of a list, one page and a short note.
	compact bool
}

// newThumbStrip starts rendering src in the background.
func newThumbStrip(e *env, title string, src thumbSource, height float32) *ThumbStrip {
	s := &ThumbStrip{e: e, title: title, src: src, done: make(chan struct{}), compact: height < 100}
	s.Note = note(tr("Đang tạo hình xem trước…"))
	if s.compact {
		s.Note.SetText("…")
	}
	s.box = container.NewHBox(s.Note)
	s.ExtendBaseWidget(s)
	th := e.main.thumbs
	th.get(src, func(r thumbResult) { s.fill(r, height) })
	return s
}

func (s *ThumbStrip) fill(r thumbResult, height float32) {
	defer close(s.done)
	if r.err != nil || len(r.imgs) == 0 {
		s.Failed = true
		if s.compact {
			s.Note.SetText(tr("không xem trước được"))
		} else {
			s.Note.SetText(noPreview(r.err))
		}
		s.Note.Importance = widget.WarningImportance
		s.Note.Refresh()
		return
	}
	s.box.Objects = nil
	shown := r.imgs
	if s.compact {
		shown = shown[:1]
	}
	for i, img := range shown {
		b := newThumbButton(s.e.keys, img, height, func() { s.open(i+1, r.pages) })
		s.Pages = append(s.Pages, b)
		s.box.Add(b)
	}
	if more := r.pages - len(shown); more > 0 {
		more := widget.NewLabel("+" + num(more, "trang"))
		more.Importance = widget.LowImportance
		s.box.Add(container.NewCenter(more))
	}
	s.box.Refresh()
}

// Wait blocks until the strip shows its result.
func (s *ThumbStrip) Wait() { <-s.done }

func (s *ThumbStrip) open(page, pages int) {
	showPreview(s.e, s.title, s.src, page, pages)
}

func (s *ThumbStrip) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(s.box)
}

// ThumbButton is one page's thumbnail: a click, Enter or Space opens it
// larger; other keys go to the window.
type ThumbButton struct {
	widget.BaseWidget
	img    *canvas.Image
	border *canvas.Rectangle
	keys   *Keys
	OnOpen func()
}

func newThumbButton(keys *Keys, img image.Image, height float32, open func()) *ThumbButton {
	b := &ThumbButton{keys: keys, OnOpen: open}
	b.img = canvas.NewImageFromImage(img)
	b.img.FillMode = canvas.ImageFillContain
	ib := img.Bounds()
	w := height * float32(ib.Dx()) / float32(max(1, ib.Dy()))
	b.img.SetMinSize(fyne.NewSize(w, height))
	b.border = canvas.NewRectangle(color.Transparent)
	b.border.StrokeWidth = 1
	b.border.StrokeColor = theme.Color(theme.ColorNameSeparator)
	b.ExtendBaseWidget(b)
	return b
}

func (b *ThumbButton) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(b.img, b.border))
}

func (b *ThumbButton) Tapped(*fyne.PointEvent) {
	if b.keys != nil && b.keys.activity != nil {
		b.keys.activity()
	}
	if b.OnOpen != nil {
		b.OnOpen()
	}
}

func (b *ThumbButton) FocusGained() {
	b.border.StrokeWidth = 3
	b.border.StrokeColor = theme.Color(theme.ColorNameFocus)
	b.border.Refresh()
}

func (b *ThumbButton) FocusLost() {
	b.border.StrokeWidth = 1
	b.border.StrokeColor = theme.Color(theme.ColorNameSeparator)
	b.border.Refresh()
}

func (b *ThumbButton) TypedRune(rune) {}

func (b *ThumbButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace:
		b.Tapped(nil)
	default:
		b.keys.Key(ev)
	}
}

func (b *ThumbButton) TypedShortcut(s fyne.Shortcut) { b.keys.Shortcut(s) }

// Preview is the larger view of one page, over the window: ← → (or Page
// Up / Page Down, Home, End) turn the pages, Esc closes.
type Preview struct {
	widget.BaseWidget
	e     *env
	title string
	src   thumbSource
	data  []byte
	pages int
	// Page is the page on show (1-based).
	Page  int
	Img   *canvas.Image
	Head  *widget.Label
	Note  *widget.Label
	Close *Button
	pop   *widget.PopUp
	back  fyne.Focusable
	seq   int
	done  chan struct{}
}

var lastPreview *Preview

// LastPreview is the preview opened last in this process, for tests.
func LastPreview() *Preview { return lastPreview }

func showPreview(e *env, title string, src thumbSource, page, pages int) {
	p := &Preview{e: e, title: title, src: src, pages: pages, Page: page}
	p.Img = canvas.NewImageFromImage(nil)
	p.Img.FillMode = canvas.ImageFillContain
	p.Img.SetMinSize(fyne.NewSize(previewWidth, previewWidth*1.414))
	p.Head = bold("")
	p.Head.Truncation = fyne.TextTruncateEllipsis
	p.Note = note("")
	p.Close = newButton(e.keys, tr("Đóng (Esc)"), p.close)
	p.ExtendBaseWidget(p)
	top := container.NewBorder(nil, nil, nil, p.Close, container.NewVBox(p.Head,
		note(tr("← → hoặc PgUp PgDn: sang trang · Esc: đóng"))))
	body := container.NewBorder(top, p.Note, nil, nil, container.NewStack(p, p.Img))
	p.back = e.win.Canvas().Focused()
	p.pop = widget.NewModalPopUp(body, e.win.Canvas())
	p.pop.Show()
	e.win.Canvas().Focus(p)
	lastPreview = p
	p.show(page)
}

// Wait blocks until the page asked last is on show.
func (p *Preview) Wait() {
	if p.done != nil {
		<-p.done
	}
}

// Shown reports whether the preview is open.
func (p *Preview) Shown() bool { return p.pop != nil && p.pop.Visible() }

func (p *Preview) show(n int) {
	if n < 1 || n > p.pages {
		return
	}
	p.Page = n
	p.seq++
	seq := p.seq
	// The heading names the page whose image is on show: it changes with
	// the image, never before it (the old page under the new number).
	if p.Img.Image == nil {
		p.Head.SetText(p.heading(n))
	}
	p.Note.SetText(tr("Đang vẽ trang") + " " + itoa(n) + "/" + itoa(p.pages) + "…")
	done := make(chan struct{})
	p.done = done
	data := p.data
	go func() {
		defer close(done)
		var img image.Image
		var err error
		if data == nil {
			data, err = p.src.load()
		}
		if err == nil {
			img, err = p.e.main.thumbs.page(data, n)
		}
		onUIWait(func() {
			p.data = data
			if seq != p.seq {
				return // a later page was asked for meanwhile
			}
			p.Head.SetText(p.heading(n))
			if err != nil {
				p.Img.Image = nil
				p.Note.SetText(noPreview(err))
			} else {
				p.Img.Image = img
				p.Note.SetText("")
			}
			p.Img.Refresh()
		})
	}()
}

func (p *Preview) heading(n int) string {
	return tr("Trang") + " " + itoa(n) + "/" + itoa(p.pages) + " · " + p.title
}

func (p *Preview) close() {
	p.pop.Hide()
	p.data = nil
	p.e.focus(p.back)
}

func (p *Preview) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack())
}

// TypedShortcut keeps the window's shortcuts (Ctrl+Enter…) from acting
// on the screen under the preview.
func (p *Preview) TypedShortcut(fyne.Shortcut) {}

func (p *Preview) FocusGained()   {}
func (p *Preview) FocusLost()     {}
func (p *Preview) TypedRune(rune) {}

// TypedKey turns the pages; Esc closes. The window's keys are not passed
// on while the preview covers it.
func (p *Preview) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyRight, fyne.KeyDown, fyne.KeyPageDown, fyne.KeySpace:
		p.show(p.Page + 1)
	case fyne.KeyLeft, fyne.KeyUp, fyne.KeyPageUp, fyne.KeyBackspace:
		p.show(p.Page - 1)
	case fyne.KeyHome:
		p.show(1)
	case fyne.KeyEnd:
		p.show(p.pages)
	case fyne.KeyEscape, fyne.KeyReturn, fyne.KeyEnter:
		p.close()
	}
}

// fileTitle is a file's name for a preview's title.
func fileTitle(path string) string { return strings.TrimSpace(filepath.Base(path)) }
