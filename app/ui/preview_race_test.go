package ui_test

import (
	"context"
	"image"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"fyne.io/fyne/v2"

	"motcua/app/ui"
)

// gatedPages is a renderer whose page n is an image 500+n pixels wide
// (so a test can tell the pages apart) and whose gated pages wait until
// released.
type gatedPages struct {
	mu    sync.Mutex
	gates map[int]chan struct{}
	asked chan int
}

func (g *gatedPages) Thumbnails(_ context.Context, _ []byte, width int) ([]*image.RGBA, error) {
	out := make([]*image.RGBA, 5)
	for i := range out {
		out[i] = image.NewRGBA(image.Rect(0, 0, width, width*14/10))
	}
	return out, nil
}

func (g *gatedPages) RenderPage(ctx context.Context, _ []byte, page, _ int) (*image.RGBA, error) {
	g.mu.Lock()
	gate := g.gates[page]
	g.mu.Unlock()
	if gate != nil {
		g.asked <- page
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return image.NewRGBA(image.Rect(0, 0, 500+page, 700)), nil
}

func (g *gatedPages) gate(page int) chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	c := make(chan struct{})
	g.gates[page] = c
	return c
}

// Turning the preview's page while the renderer is slow: the heading
// keeps naming the page on show until the new one is drawn (never "Trang
// 3/5" over page 2), the note says which page is being drawn, and a page
// asked for meanwhile wins over the one still rendering.
func TestPreviewPageRace(t *testing.T) {
	s := scanStation(t)
	d := s.seed(monday.Add(-2*3600e9), "1.004873", "Trịnh Thị Mới", "038085008888")
	g := &gatedPages{gates: map[int]chan struct{}{}, asked: make(chan int, 4)}
	m := s.signInWith(func(o *ui.Options) { o.Thumbs = g })
	docs := openDocs(t, s, m, d.Code)
	var files []string
	for i := 0; i < 5; i++ {
		f := filepath.Join(t.TempDir(), "trang.jpg")
		scanJPEG(t, f)
		files = append(files, f)
	}
	docs.Attach(0, files)
	docs.Wait()
	if len(docs.Thumbs) != 1 {
		t.Fatalf("no thumbnails: %q", docs.Msg.Text)
	}
	th := docs.Thumbs[0]
	th.Wait()
	if len(th.Pages) < 2 {
		t.Fatalf("%d thumbnails of a five-page document (%q)", len(th.Pages), th.Note.Text)
	}
	th.Pages[1].Tapped(nil)
	p := ui.LastPreview()
	p.Wait()
	shows := func(page int) bool { return p.Img.Image != nil && p.Img.Image.Bounds().Dx() == 500+page }
	if !shows(2) || !strings.HasPrefix(p.Head.Text, "Trang 2/5") || p.Note.Text != "" {
		t.Fatalf("page 2: head %q, note %q", p.Head.Text, p.Note.Text)
	}

	release3 := g.gate(3)
	key(s.win, fyne.KeyRight)
	<-g.asked // page 3 is being drawn
	if !shows(2) || !strings.HasPrefix(p.Head.Text, "Trang 2/5") {
		t.Fatalf("while page 3 is drawn: head %q over page %d", p.Head.Text, p.Img.Image.Bounds().Dx()-500)
	}
	if p.Note.Text != "Đang vẽ trang 3/5…" || p.Page != 3 {
		t.Fatalf("note %q, page asked %d", p.Note.Text, p.Page)
	}
	// Page 4 asked for before page 3 is ready: page 3 must not land.
	key(s.win, fyne.KeyRight)
	close(release3)
	p.Wait()
	if !shows(4) || !strings.HasPrefix(p.Head.Text, "Trang 4/5") || p.Note.Text != "" {
		t.Fatalf("after → →: head %q, note %q, image of page %d", p.Head.Text, p.Note.Text, p.Img.Image.Bounds().Dx()-500)
	}
}
