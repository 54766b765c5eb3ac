package pdfrender_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"

	"motcua"
	"motcua/scanning/corpus"
	"motcua/scanning/pdfdoc"
	"motcua/scanning/pdfrender"
	"motcua/scanning/qrsign"
)

// TestMain lets the test binary serve as the isolated renderer's child.
func TestMain(m *testing.M) {
	pdfrender.ServeWorker()
	os.Exit(m.Run())
}

// stamped is a digitised three-page document and the keyring that
// verifies its mark.
func stamped(t testing.TB) ([]byte, string, *qrsign.Keyring) {
	t.Helper()
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32))
	ring := &qrsign.Keyring{}
	ring.Add(priv.Public().(ed25519.PublicKey), "1/1", "")
	m := pdfdoc.Mark{Agency: "UBND phường Hội An", Officer: "Trần Thị Ánh Nguyệt",
		At: time.Date(2026, 11, 25, 14, 5, 0, 0, motcua.Location), Dossier: "000.00.21.H56-261125-0042", Component: "Trích lục kết hôn"}
	qr, err := qrsign.Sign(m.Payload("1.000894", "048300001234", "MotCua"), priv)
	if err != nil {
		t.Fatal(err)
	}
	m.QR = qr
	var in []pdfdoc.Input
	for i := range 3 {
		var b bytes.Buffer
		jpeg.Encode(&b, corpus.New(4).Document(i, 200), &jpeg.Options{Quality: 75})
		in = append(in, pdfdoc.Input{Name: fmt.Sprintf("%d.jpg", i), Data: b.Bytes()})
	}
	doc, err := pdfdoc.Digitise(in, m, pdfdoc.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	return doc.PDF, qr, ring
}

// TestThumbnails draws a preview of every page, isolated: right size, not
// blank, and PNG-encodable for the window.
func TestThumbnails(t *testing.T) {
	pdf, _, _ := stamped(t)
	thumbs, err := pdfrender.Isolated().Thumbnails(context.Background(), pdf, 200)
	if err != nil {
		t.Fatal(err)
	}
	if len(thumbs) != 3 {
		t.Fatalf("%d thumbnails, want 3", len(thumbs))
	}
	for i, th := range thumbs {
		b := th.Bounds()
		if b.Dx() != 200 || b.Dy() < 280 || b.Dy() > 285 {
			t.Errorf("page %d: %v, want 200 px wide A4", i+1, b)
		}
		// Text lines at this size are grey.
		var ink, paper int
		for j := 0; j < len(th.Pix); j += 4 {
			if y := (int(th.Pix[j]) + int(th.Pix[j+1]) + int(th.Pix[j+2])) / 3; y < 220 {
				ink++
			} else {
				paper++
			}
		}
		if n := b.Dx() * b.Dy(); ink < n/20 || paper < n/2 {
			t.Errorf("page %d looks blank: %d ink, %d paper of %d pixels", i+1, ink, paper, n)
		}
		var out bytes.Buffer
		if err := png.Encode(&out, th); err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(&out); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRenderPage draws one page only, isolated; a page past the end is an
// error, not a crash.
func TestRenderPage(t *testing.T) {
	pdf, _, _ := stamped(t)
	r := pdfrender.Isolated()
	img, err := r.RenderPage(context.Background(), pdf, 2, 400)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 400 || b.Dy() < 560 || b.Dy() > 570 {
		t.Errorf("page 2: %v, want 400 px wide A4", b)
	}
	if _, err := r.RenderPage(context.Background(), pdf, 4, 400); !errors.Is(err, pdfrender.ErrDamaged) {
		t.Errorf("page 4 of 3: %v, want ErrDamaged", err)
	}
}

// TestDecodeQR reads the conversion mark's QR on every page of the PDF.
func TestDecodeQR(t *testing.T) {
	pdf, qr, ring := stamped(t)
	rs, err := pdfrender.Isolated().DecodeQR(context.Background(), pdf, 200)
	if err != nil {
		t.Fatal(err)
	}
	pages := map[int]bool{}
	for _, r := range rs {
		if _, res := qrsign.Verify(r.Text, ring); res == qrsign.Valid && r.Text == qr {
			pages[r.Page] = true
		}
	}
	if len(pages) != 3 || !pages[1] || !pages[2] || !pages[3] {
		t.Errorf("valid mark found on pages %v, want 1–3 (results %+v)", pages, rs)
	}
}

// TestInProcessMatchesIsolated: both ways draw the same pixels.
func TestInProcessMatchesIsolated(t *testing.T) {
	pdf, _, _ := stamped(t)
	a, err := (&pdfrender.Renderer{}).Thumbnails(context.Background(), pdf, 150)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pdfrender.Isolated().Thumbnails(context.Background(), pdf, 150)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) || !bytes.Equal(a[0].Pix, b[0].Pix) {
		t.Error("in-process and isolated renderings differ")
	}
	if n, err := pdfrender.Isolated().Pages(context.Background(), pdf); n != 3 || err != nil {
		t.Errorf("Pages = %d, %v", n, err)
	}
}

// rawPDF assembles a PDF from object bodies (object i+1 is objs[i]) with a
// correct cross-reference table, so MuPDF reads it as written rather than
// repairing it.
func rawPDF(objs ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, x)
	return b.Bytes()
}

func stream(dict string, data []byte) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(data), data)
}

func deflated(b []byte) []byte {
	var z bytes.Buffer
	w, _ := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	w.Write(b)
	w.Close()
	return z.Bytes()
}

// brokenFiles is the corpus of malformed and hostile PDFs.
func brokenFiles(t *testing.T) map[string]struct {
	pdf  []byte
	want error // nil: any error or a clean rendering is fine, but no crash
} {
	t.Helper()
	good, _, _ := stamped(t)
	garbage := make([]byte, 64<<10)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range garbage {
		garbage[i] = byte(r.Uint32())
	}
	var enc bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(good), &enc, model.NewAESConfiguration("mật khẩu", "chủ", 256)); err != nil {
		t.Fatal(err)
	}
	catalog := "<< /Type /Catalog /Pages 2 0 R >>"
	page := func(extra string) string {
		return "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R " + extra + " >>"
	}
	pages := "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
	nested := strings.Repeat("q ", 200000) + strings.Repeat("Q ", 200000)
	type c = struct {
		pdf  []byte
		want error
	}
	return map[string]c{
		"empty":           {nil, pdfrender.ErrDamaged},
		"not a PDF":       {[]byte("Kính gửi: Ủy ban nhân dân xã"), pdfrender.ErrDamaged},
		"header only":     {[]byte("%PDF-1.7\n"), pdfrender.ErrDamaged},
		"truncated":       {good[:len(good)*6/10], nil},
		"random bytes":    {append([]byte("%PDF-1.4\n"), garbage...), pdfrender.ErrDamaged},
		"encrypted":       {enc.Bytes(), pdfrender.ErrEncrypted},
		"page tree cycle": {rawPDF(catalog, "<< /Type /Pages /Kids [2 0 R] /Count 1 >>"), pdfrender.ErrDamaged},
		"kilometre page": {rawPDF(catalog, pages, // a thumbnail scales it down; 100 dpi would be 19 gigapixels
			"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14000000 14000000] /Contents 4 0 R >>", stream("", []byte("0 0 m"))), pdfrender.ErrTooLarge},
		"no contents":  {rawPDF(catalog, pages, page(""), "null"), nil},
		"deep nesting": {rawPDF(catalog, pages, page(""), stream("", []byte(nested))), nil},
		"giant image": {rawPDF(catalog, pages, page("/Resources << /XObject << /Im 5 0 R >> >>"),
			stream("", []byte("q 500 0 0 700 40 60 cm /Im Do Q")),
			stream("/Type /XObject /Subtype /Image /Width 200000 /Height 200000 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode",
				deflated(make([]byte, 1<<20)))), nil},
		"deflate bomb": {rawPDF(catalog, pages, page(""), stream("/Filter /FlateDecode", deflated(make([]byte, 64<<20)))), nil},
	}
}

// TestBrokenFiles: no malformed or hostile PDF takes the process down or
// hangs it; each gets its error, or renders harmlessly.
func TestBrokenFiles(t *testing.T) {
	rend := pdfrender.Isolated()
	rend.Timeout = 20 * time.Second
	for name, c := range brokenFiles(t) {
		t.Run(name, func(t *testing.T) {
			t0 := time.Now()
			_, err := rend.DecodeQR(context.Background(), c.pdf, 100)
			t.Logf("DecodeQR: %v (%s)", err, time.Since(t0).Round(time.Millisecond))
			if c.want != nil && !errors.Is(err, c.want) {
				t.Errorf("DecodeQR: %v, want %v", err, c.want)
			}
			t0 = time.Now()
			_, err = rend.Thumbnails(context.Background(), c.pdf, 120)
			t.Logf("Thumbnails: %v (%s)", err, time.Since(t0).Round(time.Millisecond))
			if c.want != nil && c.want != pdfrender.ErrTooLarge && !errors.Is(err, c.want) {
				t.Errorf("Thumbnails: %v, want %v", err, c.want)
			}
			if errors.Is(err, pdfrender.ErrTimeout) || errors.Is(err, pdfrender.ErrCrashed) {
				t.Errorf("renderer hung or crashed: %v", err)
			}
		})
	}
}

// TestCrashAndHangContained: a child that dies by a signal, or never
// answers, costs an error, not the application.
func TestCrashAndHangContained(t *testing.T) {
	pdf, _, _ := stamped(t)
	crash := &pdfrender.Renderer{Isolate: true, Command: []string{"/bin/sh", "-c", "kill -SEGV $$"}}
	if _, err := crash.Pages(context.Background(), pdf); !errors.Is(err, pdfrender.ErrCrashed) || !strings.Contains(err.Error(), "segmentation") {
		t.Errorf("crashing child: %v, want ErrCrashed by SIGSEGV", err)
	}
	hang := &pdfrender.Renderer{Isolate: true, Timeout: time.Second, Command: []string{"/bin/sh", "-c", "exec sleep 30"}}
	t0 := time.Now()
	if _, err := hang.Pages(context.Background(), pdf); !errors.Is(err, pdfrender.ErrTimeout) {
		t.Errorf("hanging child: %v, want ErrTimeout", err)
	}
	if d := time.Since(t0); d > 5*time.Second {
		t.Errorf("timeout took %s", d)
	}
	mute := &pdfrender.Renderer{Isolate: true, Command: []string{"/bin/sh", "-c", "cat >/dev/null; echo 'usage: motcua COMMAND' >&2; exit 2"}}
	if _, err := mute.Pages(context.Background(), pdf); !errors.Is(err, pdfrender.ErrCrashed) || !strings.Contains(err.Error(), "usage") {
		t.Errorf("child that is not a worker: %v", err)
	}
}
