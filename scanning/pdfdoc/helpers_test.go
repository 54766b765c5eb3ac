package pdfdoc_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"image"
	"image/jpeg"
	"os/exec"
	"testing"
	"time"

	"motcua"
	"motcua/scanning/corpus"
	"motcua/scanning/pdfdoc"
	"motcua/scanning/qrsign"
)

// tool finds an external checker; the checks are part of the proof, so a
// missing tool fails the test rather than skipping it.
func tool(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: these tests check the PDFs with it; install it with `apt-get install %s`", name, pkg)
	}
	return p
}

func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("%s %v: %v\n%s", name, args, err, ee.Stderr)
		}
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out)
}

// station is a counter PC's signing key and the commune's keyring.
type station struct {
	priv ed25519.PrivateKey
	ring *qrsign.Keyring
}

func newStation(t testing.TB) station {
	t.Helper()
	pub, priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32)).Public().(ed25519.PublicKey), ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	ring := &qrsign.Keyring{}
	if _, err := ring.Add(pub, "1/2", "Máy 1"); err != nil {
		t.Fatal(err)
	}
	return station{priv: priv, ring: ring}
}

var convertedAt = time.Date(2026, 11, 24, 9, 15, 0, 0, motcua.Location)

// mark is a complete conversion mark, its QR signed by st.
func (st station) mark(t testing.TB) pdfdoc.Mark {
	t.Helper()
	m := pdfdoc.Mark{
		Agency:    "UBND xã Quảng Phú, tỉnh Thanh Hóa",
		Officer:   "Lê Văn Đức",
		At:        convertedAt,
		Dossier:   "000.00.06.H56-261124-0007",
		Component: "Giấy chứng sinh do cơ sở y tế cấp",
	}
	qr, err := qrsign.Sign(m.Payload("1.001193", "038190012345", "MotCua"), st.priv)
	if err != nil {
		t.Fatal(err)
	}
	m.QR = qr
	return m
}

// scanJPEG is page i of a paper document scanned at dpi, as a JPEG that
// records its resolution (JFIF density, as scanners write it).
func scanJPEG(t testing.TB, i, dpi int) []byte {
	t.Helper()
	return withJFIF(t, encodeJPEG(t, corpus.New(3).Document(i, dpi)), dpi)
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withJFIF inserts a JFIF APP0 segment with the given density (Go's
// encoder writes none).
func withJFIF(t testing.TB, j []byte, dpi int) []byte {
	t.Helper()
	app0 := []byte{0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 2, 1, byte(dpi >> 8), byte(dpi), byte(dpi >> 8), byte(dpi), 0, 0}
	return append(append(append([]byte{}, j[:2]...), app0...), j[2:]...)
}
