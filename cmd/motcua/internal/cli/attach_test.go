package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"motcua/app"
	"motcua/storage"
	"motcua/storage/blob"
	"motcua/sync/refserver/reftest"
)

// scanJPEG is an A5 page "scanned" at 200 dpi: a JPEG with a JFIF density
// (Go's encoder writes none; scanners do).
func scanJPEG(t *testing.T, path string, shade uint8) {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 1169, 1654))
	for i := range img.Pix {
		img.Pix[i] = 250
	}
	for y := 200; y < 1400; y += 60 { // lines of "text"
		for x := 150; x < 1000; x++ {
			for k := range 12 {
				img.SetGray(x, y+k, color.Gray{Y: shade})
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

// blobPDF reads a stored document back from the station's blob store.
func blobPDF(t *testing.T, dir, sha string) []byte {
	t.Helper()
	bs, err := storage.OpenBlobs(dir)
	if err != nil {
		t.Fatal(err)
	}
	addr, err := blob.ParseAddress(sha)
	if err != nil {
		t.Fatal(err)
	}
	b, err := bs.Get(addr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func intakeOne(t *testing.T, dir string) string {
	t.Helper()
	return decode[view](t, mustOK(t, runCLI(t, dir, "intake", "--procedure", "2.000815", "--name", "Trần Văn Bình",
		"--id-number", "038085001234", "--json"))).Code
}

// TestCLIAttach: two scanned pages become one stamped PDF in the
// encrypted store; its text carries the Decree 137/2024 mark, its QR reads
// back and verifies offline; a bad file changes nothing.
func TestCLIAttach(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is missing: run `make test` (it installs poppler-utils)")
	}
	dir := initStation(t)
	code := intakeOne(t, dir)
	in := t.TempDir()
	p1, p2 := filepath.Join(in, "trang1.jpg"), filepath.Join(in, "trang2.jpg")
	scanJPEG(t, p1, 20)
	scanJPEG(t, p2, 60)

	a := decode[app.Attachment](t, mustOK(t, runCLI(t, dir, "attach", code, "--component", "2", p1, p2, "--json")))
	if a.Pages != 2 || !a.Stamped || a.ComponentIndex != 1 || !strings.HasPrefix(a.Component, "Bản sao cần chứng thực") ||
		a.AddedBy != testAdminName || len(a.SHA256) != 64 {
		t.Fatalf("attach: %+v", a)
	}
	list := decode[[]app.Attachment](t, mustOK(t, runCLI(t, dir, "attachments", code, "--json")))
	if len(list) != 1 || list[0].SHA256 != a.SHA256 || list[0].Size != a.Size {
		t.Fatalf("attachments: %+v", list)
	}
	if out := mustOK(t, runCLI(t, dir, "attachments", code)); !strings.Contains(out, a.SHA256) {
		t.Fatalf("attachments table: %s", out)
	}

	// The key is in its own file, the blob is sealed: the PDF's bytes are
	// nowhere in the data directory in the clear.
	pdf := blobPDF(t, dir, a.SHA256)
	if sum := sha256.Sum256(pdf); hex.EncodeToString(sum[:]) != a.SHA256 || int64(len(pdf)) != a.Size {
		t.Fatal("stored PDF does not hash to its recorded address")
	}
	if st, err := os.Stat(filepath.Join(dir, storage.BlobKeyFile)); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("blob key file: %v %v", st, err)
	}
	out := filepath.Join(t.TempDir(), "hoso.pdf")
	os.WriteFile(out, pdf, 0o644)
	txt, err := exec.Command("pdftotext", "-enc", "UTF-8", out, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ToLower(string(txt))
	if n := strings.Count(text, "bản điện tử chuyển đổi từ văn bản giấy"); n != 2 {
		t.Fatalf("mark found on %d pages, want 2:\n%s", n, txt)
	}
	for _, want := range []string{"ubnd xã quảng phú", strings.ToLower(testAdminName)} {
		if !strings.Contains(text, want) {
			t.Errorf("pdftotext: %q missing", want)
		}
	}

	// The mark's QR reads back from the PDF (rendered in the isolated
	// worker) and verifies offline against the station's keyring.
	var qr string
	for _, l := range strings.Split(mustOK(t, runCLI(t, dir, "qr", "decode", out)), "\n") {
		if strings.HasPrefix(l, "MC1|") && strings.Contains(l, "|"+code+"|") {
			qr = l
		}
	}
	if qr == "" {
		t.Fatal("qr decode: the mark's QR was not found")
	}
	if r := runCLI(t, dir, "qr", "verify", qr); r.code != 0 || !strings.HasPrefix(r.stdout, "valid") {
		t.Fatalf("qr verify: exit %d %s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, dir, "qr", "verify", "--file", out); r.code != 0 {
		t.Fatalf("qr verify --file: exit %d %s%s", r.code, r.stdout, r.stderr)
	}
	bad := strings.Replace(qr, "|"+code+"|", "|"+code[:len(code)-1]+"9|", 1)
	if r := runCLI(t, dir, "qr", "verify", "--payload", bad); r.code != 3 || !strings.HasPrefix(r.stdout, "tampered") {
		t.Fatalf("tampered QR: exit %d %s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, dir, "qr", "verify", "https://example.com/"); r.code != 3 || !strings.HasPrefix(r.stdout, "not ours") {
		t.Fatalf("foreign QR: exit %d %s%s", r.code, r.stdout, r.stderr)
	}

	// A text file named .jpg: refused by content, naming the file; the
	// dossier, its documents and the queue are unchanged.
	fake := filepath.Join(in, "giay-to.jpg")
	os.WriteFile(fake, []byte("đây không phải ảnh\n"), 0o644)
	queue := mustOK(t, runCLI(t, dir, "outbox", "--state", "all", "--json"))
	shown := mustOK(t, runCLI(t, dir, "show", code, "--json"))
	r := runCLI(t, dir, "attach", code, "--component", "1", p1, fake)
	if r.code != 2 || !strings.Contains(r.stderr, "giay-to.jpg") {
		t.Fatalf("bad file: exit %d %s", r.code, r.stderr)
	}
	if got := decode[[]app.Attachment](t, mustOK(t, runCLI(t, dir, "attachments", code, "--json"))); len(got) != 1 {
		t.Fatalf("after a refused file: %+v", got)
	}
	if q := mustOK(t, runCLI(t, dir, "outbox", "--state", "all", "--json")); q != queue {
		t.Fatalf("queue changed:\n%s\n%s", queue, q)
	}
	if s := mustOK(t, runCLI(t, dir, "show", code, "--json")); s != shown {
		t.Fatal("dossier changed")
	}
	mustOK(t, runCLI(t, dir, "audit", "verify"))
	// A component that does not exist.
	if r := runCLI(t, dir, "attach", code, "--component", "9", p1); r.code != 2 || !strings.Contains(r.stderr, "9") {
		t.Fatalf("component 9: exit %d %s", r.code, r.stderr)
	}
}

// TestSyncAttachment: `sync` uploads the scan (tus) before the dossier
// that names it; the province holds the same bytes (SHA-256) — also for a
// dossier it already had without the document.
func TestSyncAttachment(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	addr := freeAddr(t)
	pw := filepath.Join(t.TempDir(), "matkhau.txt")
	os.WriteFile(pw, []byte(reftest.Password+"\n"), 0o600)
	mustOK(t, runCLI(t, dir, "init", "--agency-id", "000.00.06.H56", "--agency-name", "UBND xã Quảng Phú", "--station", "1/2",
		"--province-url", "http://"+addr, "--province-user", reftest.User, "--province-password-file", pw))
	signInAdmin(t, dir)
	p := startProvince(t, addr)
	code := intakeOne(t, dir)
	mustOK(t, runCLI(t, dir, "sync", "--json")) // the province has the dossier, without files

	in := t.TempDir()
	scan := filepath.Join(in, "ban-sao.jpg")
	scanJPEG(t, scan, 30)
	a := decode[app.Attachment](t, mustOK(t, runCLI(t, dir, "attach", code, "--component", "1", scan, "--json")))
	rep := decode[syncReport](t, mustOK(t, runCLI(t, dir, "sync", "--json")))
	if len(rep.Delivered) != 1 || len(rep.Quarantined) != 0 {
		t.Fatalf("sync: %+v", rep)
	}
	d, err := p.Dossier(ctx, code)
	if err != nil || d == nil {
		t.Fatalf("province dossier: %v", err)
	}
	if len(d.HoSo.TaiLieuNop) != 1 {
		t.Fatalf("province files: %+v", d.HoSo.TaiLieuNop)
	}
	f := d.HoSo.TaiLieuNop[0]
	if !strings.EqualFold(f.SHA256, a.SHA256) || f.TenTepDinhKem != a.FileName || f.DuongDanTaiTepTin == "" {
		t.Fatalf("province file %+v, want %+v", f, a)
	}
	rc, _, err := p.OpenUpload(ctx, f.DuongDanTaiTepTin)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(h, rc); err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != a.SHA256 {
		t.Fatalf("province holds %s, station recorded %s", got, a.SHA256)
	}
	// Nothing left to send.
	if again := decode[syncReport](t, mustOK(t, runCLI(t, dir, "sync", "--json"))); len(again.Delivered) != 0 {
		t.Fatalf("second pass sent %+v", again)
	}
}
