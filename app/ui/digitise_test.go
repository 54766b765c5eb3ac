package ui_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/ui"
	storepkg "motcua/storage"
)

// scanJPEG is an A5 page "scanned" at 200 dpi: a JPEG with a JFIF density
// (Go's encoder writes none; scanners do).
func scanJPEG(t *testing.T, path string) {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 1169, 1654))
	for i := range img.Pix {
		img.Pix[i] = 250
	}
	for y := 200; y < 1400; y += 60 {
		for x := 150; x < 1000; x++ {
			for k := range 12 {
				img.SetGray(x, y+k, color.Gray{Y: 30})
			}
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 60}); err != nil {
		t.Fatal(err)
	}
	j := b.Bytes()
	const dpi = 200
	app0 := []byte{0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 2, 1, 0, dpi, 0, dpi, 0, 0}
	out := append(append(append([]byte{}, j[:2]...), app0...), j[2:]...)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// withScans wires digitisation as cmd/motcua does: the blob store of the
// data directory and the station key.
func (s *station) withScans() {
	s.t.Helper()
	blobs, err := storepkg.OpenBlobs(s.dir)
	if err != nil {
		s.t.Fatal(err)
	}
	s.svc.Scans = &app.Scans{Attachments: s.st, Blobs: blobs, Signer: s.keys}
}

func openDocs(t *testing.T, s *station, m *ui.Main, code string) *ui.Docs {
	t.Helper()
	if err := m.Frame.OpenDossier(code); err != nil {
		t.Fatal(err)
	}
	docs := m.Frame.Dossiers.Detail.Docs
	if len(docs.AttachButtons) == 0 {
		t.Fatal("no attach button: the dossier has no component")
	}
	for i, b := range docs.AttachButtons {
		if b.Disabled() {
			t.Fatalf("attach button %d is disabled for an officer", i+1)
		}
	}
	return docs
}

func TestDetailAttach(t *testing.T) {
	s := newStation(t, true)
	s.withScans()
	s.user("lan.nt", "Nguyễn Thị Lan", accounts.RoleOfficer, "matkhau-lan")
	d := s.seed(monday.Add(-2*time.Hour), "1.004873", "Trịnh Thị Mới", "038085008888")
	m := s.signIn("lan.nt", "matkhau-lan")
	docs := openDocs(t, s, m, d.Code)
	if len(docs.Rows) != 0 {
		t.Fatalf("a new dossier lists %d documents", len(docs.Rows))
	}

	// A good scan, as the file dialog hands it over.
	good := filepath.Join(t.TempDir(), "to-khai.jpg")
	scanJPEG(t, good)
	docs.Attach(0, []string{good})
	docs.Wait()
	if len(docs.Rows) != 1 {
		t.Fatalf("after attaching, %d documents listed; message %q", len(docs.Rows), docs.Msg.Text)
	}
	a := docs.Rows[0]
	if a.ComponentIndex != 0 || a.Pages != 1 || a.AddedBy != "Nguyễn Thị Lan" || len(a.SHA256) != 64 {
		t.Errorf("document = %+v", a)
	}
	row := docs.List.Objects[0]
	if txt := labelText(row); !strings.Contains(txt, a.FileName) || !strings.Contains(txt, a.SHA256[:12]) ||
		!strings.Contains(txt, "1 trang") || !strings.Contains(txt, "Nguyễn Thị Lan") {
		t.Errorf("row = %q", txt)
	}

	// Text renamed .jpg: refused, the message names the file, nothing added.
	bad := filepath.Join(t.TempDir(), "giay-to-hong.jpg")
	if err := os.WriteFile(bad, []byte("đây không phải là ảnh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	docs.Attach(0, []string{bad})
	docs.Wait()
	if !docs.Msg.Visible() || !strings.Contains(docs.Msg.Text, "giay-to-hong.jpg") {
		t.Errorf("error message %q (shown %v) does not name the file", docs.Msg.Text, docs.Msg.Visible())
	}
	t.Logf("bad file: %s", docs.Msg.Text)
	if len(docs.Rows) != 1 {
		t.Errorf("after a bad file, %d documents listed", len(docs.Rows))
	}
	as, err := s.svc.Attachments(context.Background(), d.Code)
	if err != nil || len(as) != 1 {
		t.Errorf("stored attachments: %d, %v", len(as), err)
	}

	// A file dropped on the window goes to the chosen component.
	if len(docs.DropTo.Options) < 2 {
		t.Fatalf("procedure 1.004873 has %d components; the drop test needs 2", len(docs.DropTo.Options))
	}
	docs.DropTo.SetSelectedIndex(1)
	good2 := filepath.Join(t.TempDir(), "cccd.jpg")
	scanJPEG(t, good2)
	docs.Dropped(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(good2)})
	docs.Wait()
	if len(docs.Rows) != 2 || docs.Rows[1].ComponentIndex != 1 {
		t.Fatalf("after the drop: %+v; message %q", docs.Rows, docs.Msg.Text)
	}
}

// labelText is the text of a label, or of the first label of a container
// (a document's line above its thumbnails).
func labelText(o fyne.CanvasObject) string {
	switch o := o.(type) {
	case *widget.Label:
		return o.Text
	case *fyne.Container:
		for _, c := range o.Objects {
			if t := labelText(c); t != "" {
				return t
			}
		}
	}
	return ""
}

// A leader sees the same section; a dossier screen without digitisation
// says why nothing can be attached and disables the buttons.
func TestDetailAttachUnavailable(t *testing.T) {
	s := newStation(t, true)
	s.user("lan.nt", "Nguyễn Thị Lan", accounts.RoleOfficer, "matkhau-lan")
	d := s.seed(monday.Add(-2*time.Hour), "1.004873", "Trịnh Thị Mới", "038085008888")
	m := s.signIn("lan.nt", "matkhau-lan")
	if err := m.Frame.OpenDossier(d.Code); err != nil {
		t.Fatal(err)
	}
	docs := m.Frame.Dossiers.Detail.Docs
	if !docs.Unavailable.Visible() || !strings.Contains(docs.Unavailable.Text, "chưa sẵn sàng") {
		t.Errorf("unavailable note: %q (shown %v)", docs.Unavailable.Text, docs.Unavailable.Visible())
	}
	for _, b := range docs.AttachButtons {
		if !b.Disabled() {
			t.Error("an attach button is enabled without digitisation")
		}
	}
}
