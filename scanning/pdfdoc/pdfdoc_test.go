package pdfdoc_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"golang.org/x/image/tiff"

	"motcua"
	"motcua/assets"
	"motcua/scanning/corpus"
	"motcua/scanning/pdfdoc"
	"motcua/scanning/qrdecode"
	"motcua/scanning/qrsign"
	"motcua/storage/blob"
)

// pdfInfo is the page count and the size of each page, in points, as
// poppler reads the file.
func pdfInfo(t *testing.T, path string) (pages int, sizes [][2]float64) {
	t.Helper()
	out := run(t, tool(t, "pdfinfo", "poppler-utils"), "-f", "1", "-l", "999", path)
	n := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindStringSubmatch(out)
	if n == nil {
		t.Fatalf("pdfinfo: no page count in\n%s", out)
	}
	pages, _ = strconv.Atoi(n[1])
	for _, m := range regexp.MustCompile(`(?m)^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts`).FindAllStringSubmatch(out, -1) {
		w, _ := strconv.ParseFloat(m[1], 64)
		h, _ := strconv.ParseFloat(m[2], 64)
		sizes = append(sizes, [2]float64{w, h})
	}
	return pages, sizes
}

func write(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func near(a, b float64) bool { return a-b < 1.5 && b-a < 1.5 }

// A4 in points.
const a4W, a4H = 595.28, 841.89

// TestMergeThreeJPEGs: three scanned pages make a three-page PDF at their
// paper size, with the JPEG data embedded as scanned (no recompression).
func TestMergeThreeJPEGs(t *testing.T) {
	var files []*pdfdoc.File
	for i := range 3 {
		f, err := pdfdoc.Check(fmt.Sprintf("trang-%d.jpg", i+1), scanJPEG(t, i, 200), pdfdoc.DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		if f.DPI != 200 {
			t.Errorf("%s: dpi %v, want 200 from JFIF", f.Name, f.DPI)
		}
		files = append(files, f)
	}
	pdf, err := pdfdoc.Assemble(files)
	if err != nil {
		t.Fatal(err)
	}
	pages, sizes := pdfInfo(t, write(t, "merged.pdf", pdf))
	if pages != 3 || len(sizes) != 3 {
		t.Fatalf("%d pages (%v), want 3", pages, sizes)
	}
	for i, s := range sizes {
		if !near(s[0], a4W) || !near(s[1], a4H) {
			t.Errorf("page %d is %.1f×%.1f pt, want A4", i+1, s[0], s[1])
		}
	}
	for _, f := range files {
		if !bytes.Contains(pdf, f.Data[len(f.Data)/2:len(f.Data)/2+4096]) {
			t.Errorf("%s: JPEG data not embedded as is", f.Name)
		}
	}
}

// TestStampedPDF digitises three scanned pages and checks the result the
// way a reader will: poppler finds the mark's Vietnamese text (NFC) on every
// page, our decoder and zbarimg both read the QR on every page rendered at
// 200 dpi, and it verifies as Valid against the commune's keyring; the hash
// is the SHA-256 of the file, which the blob store keeps encrypted and gives
// back intact.
func TestStampedPDF(t *testing.T) {
	st := newStation(t)
	m := st.mark(t)
	var in []pdfdoc.Input
	for i := range 3 {
		in = append(in, pdfdoc.Input{Name: fmt.Sprintf("trang-%d.jpg", i+1), Data: scanJPEG(t, i, 200)})
	}
	doc, err := pdfdoc.Digitise(in, m, pdfdoc.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	if doc.SHA256 != sha256.Sum256(doc.PDF) || doc.Pages != 3 {
		t.Fatalf("hash or page count wrong: %d pages", doc.Pages)
	}
	path := write(t, "stamped.pdf", doc.PDF)
	if pages, _ := pdfInfo(t, path); pages != 3 {
		t.Fatalf("%d pages, want 3", pages)
	}
	pdftotext, pdftoppm, zbar := tool(t, "pdftotext", "poppler-utils"), tool(t, "pdftoppm", "poppler-utils"), tool(t, "zbarimg", "zbar-tools")
	for p := 1; p <= 3; p++ {
		text := run(t, pdftotext, "-enc", "UTF-8", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p), path, "-")
		for _, want := range []string{pdfdoc.MarkText, "Cơ quan chuyển đổi: " + m.Agency, "Người chuyển đổi: " + m.Officer,
			"09 giờ 15 phút, ngày 24/11/2026", fmt.Sprintf("Trang %d/3", p)} {
			if !strings.Contains(text, want) { // want is NFC: so must the extracted text be
				t.Errorf("page %d: %q not in the extracted text:\n%s", p, want, text)
			}
		}
		// Page 1 whole; of the others the lower right quarter, where the
		// mark is (poppler takes seconds to draw a full-page scan).
		base := filepath.Join(t.TempDir(), "page")
		args := []string{"-r", "200", "-gray", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p), "-singlefile", "-png"}
		if p > 1 {
			args = append(args, "-x", "827", "-y", "1170", "-W", "827", "-H", "1170")
		}
		run(t, pdftoppm, append(args, path, base)...)
		rs, err := qrdecode.DecodeFile(base + ".png")
		if err != nil {
			t.Fatal(err)
		}
		valid := 0
		for _, r := range rs {
			if _, res := qrsign.Verify(r.Text, st.ring); res == qrsign.Valid && r.Text == m.QR {
				valid++
			}
		}
		if valid != 1 {
			t.Errorf("page %d: our decoder read %d codes, %d of them the valid mark", p, len(rs), valid)
		}
		// zbarimg as any reader runs it: text mode, which the mark's ASCII
		// payload survives.
		out, _ := exec.Command(zbar, "-q", "--raw", base+".png").Output()
		if strings.TrimSuffix(string(out), "\n") != m.QR {
			t.Errorf("page %d: zbarimg read %q, want the mark's QR", p, out)
		}
	}
	// Stored encrypted, addressed by the hash, given back intact.
	store, err := blob.Open(t.TempDir(), blob.NewKey(), blob.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := store.PutBytes(doc.PDF)
	if err != nil {
		t.Fatal(err)
	}
	if a != doc.SHA256 {
		t.Errorf("blob address %s, document hash %x", a, doc.SHA256)
	}
	if back, err := store.Get(a); err != nil || !bytes.Equal(back, doc.PDF) {
		t.Errorf("blob round trip: %v", err)
	}
}

// textPDF is a PDF as another system issues it: text, A5, n pages.
func textPDF(t *testing.T, n int) []byte {
	t.Helper()
	pdf := fpdf.New("P", "mm", "A5", "")
	pdf.AddUTF8FontFromBytes("serif", "", assets.NotoSerifRegular)
	for i := range n {
		pdf.AddPage()
		pdf.SetFont("serif", "", 12)
		pdf.Text(20, 30, fmt.Sprintf("Giấy xác nhận tình trạng hôn nhân – trang %d", i+1))
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestKeepsPDFs: a PDF is kept page for page (text stays text, sizes stay),
// merged in order with scanned images, and stamped.
func TestKeepsPDFs(t *testing.T) {
	st := newStation(t)
	var pngScan bytes.Buffer
	png.Encode(&pngScan, corpus.New(3).Document(7, 300))
	in := []pdfdoc.Input{
		{Name: "to-khai.jpg", Data: scanJPEG(t, 5, 200)},
		{Name: "xac-nhan.pdf", Data: textPDF(t, 2)},
		{Name: "cccd.png", Data: pngScan.Bytes()},
	}
	doc, err := pdfdoc.Digitise(in, st.mark(t), pdfdoc.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	path := write(t, "mixed.pdf", doc.PDF)
	pages, sizes := pdfInfo(t, path)
	if pages != 4 {
		t.Fatalf("%d pages, want 1 + 2 + 1", pages)
	}
	a5 := [2]float64{419.53, 595.28}
	for i, want := range [][2]float64{{a4W, a4H}, a5, a5, {a4W, a4H}} {
		if !near(sizes[i][0], want[0]) || !near(sizes[i][1], want[1]) {
			t.Errorf("page %d is %.1f×%.1f pt, want %.1f×%.1f", i+1, sizes[i][0], sizes[i][1], want[0], want[1])
		}
	}
	text := run(t, tool(t, "pdftotext", "poppler-utils"), "-enc", "UTF-8", "-f", "3", "-l", "3", path, "-")
	if !strings.Contains(text, "Giấy xác nhận tình trạng hôn nhân – trang 2") || !strings.Contains(text, pdfdoc.MarkText) {
		t.Errorf("page 3 lost its own text or has no mark:\n%s", text)
	}
}

// TestCheck: every kind of bad file gets its own clear, coded refusal.
func TestCheck(t *testing.T) {
	lim := pdfdoc.DefaultLimits()
	low := scanJPEG(t, 1, 200)
	low = bytes.Replace(low, []byte{'J', 'F', 'I', 'F', 0, 1, 2, 1, 0, 200, 0, 200}, []byte{'J', 'F', 'I', 'F', 0, 1, 2, 1, 0, 150, 0, 150}, 1)
	small := encodeJPEG(t, corpus.New(3).Document(1, 100))
	var tif bytes.Buffer
	tiff.Encode(&tif, corpus.New(3).Document(2, 200), &tiff.Options{Compression: tiff.Deflate})
	var enc bytes.Buffer
	if err := api.Encrypt(bytes.NewReader(textPDF(t, 1)), &enc, encryptConf()); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		data []byte
		lim  func(*pdfdoc.Limits)
		code string
	}{
		{"OK jpeg", scanJPEG(t, 1, 200), nil, ""},
		{"OK tiff", tif.Bytes(), nil, ""},
		{"OK pdf", textPDF(t, 1), nil, ""},
		{"ErrFileType docx", []byte("PK\x03\x04 word/document.xml"), nil, pdfdoc.ErrFileType},
		{"ErrFileType png not allowed", pngOf(t), func(l *pdfdoc.Limits) { l.Allowed = []pdfdoc.Kind{pdfdoc.PDF} }, pdfdoc.ErrFileType},
		{"ErrFileTooLarge", scanJPEG(t, 1, 200), func(l *pdfdoc.Limits) { l.MaxFileSize = 100 << 10 }, pdfdoc.ErrFileTooLarge},
		{"ErrLowResolution from JFIF", low, nil, pdfdoc.ErrLowResolution},
		{"ErrLowResolution from size", small, nil, pdfdoc.ErrLowResolution},
		{"ErrPDFEncrypted", enc.Bytes(), nil, pdfdoc.ErrPDFEncrypted},
		{"ErrFileCorrupt pdf", []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage"), nil, pdfdoc.ErrFileCorrupt},
		{"ErrFileCorrupt jpeg", scanJPEG(t, 1, 200)[:200], nil, pdfdoc.ErrFileCorrupt},
		{"ErrMultiPageTIFF", twoPageTIFF(t, tif.Bytes()), nil, pdfdoc.ErrMultiPageTIFF},
		{"ErrTooManyPages", textPDF(t, 3), func(l *pdfdoc.Limits) { l.MaxPages = 2 }, pdfdoc.ErrTooManyPages},
	} {
		t.Run(c.name, func(t *testing.T) {
			l := lim
			if c.lim != nil {
				c.lim(&l)
			}
			_, err := pdfdoc.Check("tệp "+c.name, c.data, l)
			if c.code == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			e, ok := motcua.AsError(err)
			if !ok || e.Code != c.code || e.Kind != motcua.KindInvalid {
				t.Fatalf("got %v, want %s", err, c.code)
			}
			if !strings.Contains(e.Msg, "tệp "+c.name) {
				t.Errorf("message %q does not name the file", e.Msg)
			}
		})
	}
}

func encryptConf() *model.Configuration {
	c := model.NewAESConfiguration("mật khẩu", "chủ sở hữu", 256)
	return c
}

func pngOf(t *testing.T) []byte {
	var b bytes.Buffer
	png.Encode(&b, image.NewGray(image.Rect(0, 0, 10, 10)))
	return b.Bytes()
}

// twoPageTIFF appends a second directory to a one-page TIFF (little
// endian, as x/image/tiff writes), pointing at the same pixels.
func twoPageTIFF(t *testing.T, one []byte) []byte {
	t.Helper()
	b := slices.Clone(one)
	ifd := int(binary.LittleEndian.Uint32(b[4:]))
	n := int(binary.LittleEndian.Uint16(b[ifd:]))
	end := ifd + 2 + 12*n
	second := len(b)
	b = append(b, b[ifd:end]...)
	b = append(b, 0, 0, 0, 0) // last directory
	binary.LittleEndian.PutUint32(b[end:], uint32(second))
	return b
}

// TestPayloadIsASCII: the component's name goes into the QR without
// diacritics, short; the mark's text keeps it whole.
func TestPayloadIsASCII(t *testing.T) {
	m := pdfdoc.Mark{Component: "Bản sao Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở (có chứng thực)", Dossier: "X", At: convertedAt}
	p := m.Payload("1.0", "0", "MotCua")
	if p.Doc != "Ban sao Giay chung nhan quyen su dung..." {
		t.Errorf("Doc = %q", p.Doc)
	}
}

// TestMarkRequired: a mark without its officer, agency, time or QR is
// refused before anything is drawn.
func TestMarkRequired(t *testing.T) {
	st := newStation(t)
	for field, blank := range map[string]func(*pdfdoc.Mark){
		"officer": func(m *pdfdoc.Mark) { m.Officer = " " },
		"agency":  func(m *pdfdoc.Mark) { m.Agency = "" },
		"at":      func(m *pdfdoc.Mark) { m.At = time.Time{} },
		"qr":      func(m *pdfdoc.Mark) { m.QR = "" },
	} {
		m := st.mark(t)
		blank(&m)
		_, _, err := pdfdoc.Stamp(textPDF(t, 1), m)
		if e, ok := motcua.AsError(err); !ok || e.Field != field || e.Code != motcua.ErrRequired {
			t.Errorf("%s missing: %v", field, err)
		}
	}
}

var review = flag.Bool("review", false, "write review images of a stamped page to testdata/")

// TestReviewImages writes, with -review, what a person should look at: an
// A4 scan and an A5 PDF page as stamped, and the mark enlarged.
func TestReviewImages(t *testing.T) {
	if !*review {
		t.Skip("run with -review to refresh testdata/*.png")
	}
	st := newStation(t)
	doc, err := pdfdoc.Digitise([]pdfdoc.Input{{Name: "a4.jpg", Data: scanJPEG(t, 0, 200)}, {Name: "a5.pdf", Data: textPDF(t, 1)}},
		st.mark(t), pdfdoc.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	path := write(t, "review.pdf", doc.PDF)
	ppm := tool(t, "pdftoppm", "poppler-utils")
	os.MkdirAll("testdata", 0o755)
	run(t, ppm, "-r", "50", "-gray", "-f", "1", "-l", "1", "-singlefile", "-png", path, "testdata/stamped-a4")
	run(t, ppm, "-r", "50", "-f", "2", "-l", "2", "-singlefile", "-png", path, "testdata/stamped-a5")
	run(t, ppm, "-r", "200", "-f", "1", "-l", "1", "-x", "860", "-y", "2060", "-W", "800", "-H", "280", "-singlefile", "-png", path, "testdata/mark")
}
