package bundle_test

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua"
	"motcua/sync/bundle"
	"motcua/sync/outbox"
	"motcua/sync/outbox/outboxtest"
	"motcua/sync/province"
	"motcua/sync/province/provincetest"
	"motcua/sync/refserver"
	"motcua/sync/refserver/reftest"
)

type keys struct {
	prov    *ecdh.PrivateKey
	pub     ed25519.PublicKey
	station ed25519.PrivateKey
}

func newKeys(t *testing.T) keys {
	t.Helper()
	prov, err := bundle.NewRecipientKey()
	if err != nil {
		t.Fatal(err)
	}
	pub, priv, err := bundle.NewSigningKey()
	if err != nil {
		t.Fatal(err)
	}
	return keys{prov, pub, priv}
}

func (k keys) trust(bundle.Header) (ed25519.PublicKey, error) { return k.pub, nil }

func (k keys) opts() bundle.Options {
	return bundle.Options{Agency: reftest.Agency, Station: "1/2", Sign: k.station, Recipient: k.prov.PublicKey()}
}

// fixture is a commune outbox: three dossiers, one with two messages and a
// scan, and one quarantined message that must stay home.
func fixture(t *testing.T) (*outboxtest.MemStore, *outboxtest.Files, map[string]*motcua.Dossier) {
	t.Helper()
	ctx := context.Background()
	q := &outboxtest.MemStore{}
	files := &outboxtest.Files{}
	ds := map[string]*motcua.Dossier{}
	for i := range 3 {
		d := provincetest.Dossier(reftest.Agency, i+1)
		ds[d.Code] = d
		q.Enqueue(ctx, d)
	}
	d1 := provincetest.Dossier(reftest.Agency, 1)
	d1.Move(motcua.StatusProcessing, "advance", "canbo1", "", d1.ReceivedAt.Add(1e9))
	ds[d1.Code] = d1
	q.Enqueue(ctx, d1)
	files.Add(d1.Code, "to-khai.pdf", bytes.Repeat([]byte("trang "), 40000))
	bad := provincetest.Dossier(reftest.Agency, 9)
	id, _ := q.Enqueue(ctx, bad)
	q.Mark(ctx, []outbox.Mark{{ID: id, State: outbox.StateQuarantined, Note: "sai"}})
	return q, files, ds
}

func export(t *testing.T, k keys) []byte {
	t.Helper()
	q, files, _ := fixture(t)
	var buf bytes.Buffer
	h, err := bundle.Export(context.Background(), &buf, q, files, k.opts())
	if err != nil {
		t.Fatal(err)
	}
	if h.Messages != 4 || h.Files != 1 {
		t.Fatalf("exported %+v; want 4 messages (not the quarantined one) and 1 file", h)
	}
	return buf.Bytes()
}

func read(t *testing.T, data []byte, k keys) (*bundle.Bundle, error) {
	t.Helper()
	b, err := bundle.Read(bytes.NewReader(data), bundle.ReadOptions{Key: k.prov, Trust: k.trust, TempDir: t.TempDir()})
	if b != nil {
		t.Cleanup(func() { b.Remove() })
	}
	return b, err
}

func TestRoundTrip(t *testing.T) {
	k := newKeys(t)
	data := export(t, k)
	if bytes.Contains(data, []byte("Nguyễn Văn An")) || bytes.Contains(data, []byte("trang trang")) {
		t.Fatal("personal data or file content in clear text")
	}
	b, err := read(t, data, k)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Items) != 4 || len(b.Files) != 1 || b.Header.Agency != reftest.Agency {
		t.Fatalf("read %d items, %d files, %+v", len(b.Items), len(b.Files), b.Header)
	}
	for sha, f := range b.Files {
		got, _ := os.ReadFile(f.Path)
		sum := sha256.Sum256(got)
		if hex.EncodeToString(sum[:]) != sha || filepath.Dir(f.Path) != b.Dir {
			t.Fatalf("staged file %s wrong", f.Path)
		}
	}
}

func TestBadBundles(t *testing.T) {
	k := newKeys(t)
	data := export(t, k)
	expectErr := func(t *testing.T, data []byte, k keys, want string) {
		t.Helper()
		b, err := read(t, data, k)
		var be *bundle.Error
		if err == nil || !errors.As(err, &be) || !strings.Contains(err.Error(), want) || b != nil {
			t.Fatalf("err = %v; want a bundle error containing %q", err, want)
		}
	}
	t.Run("ErrTampered", func(t *testing.T) {
		for _, at := range []int{len(data) / 2, len(data) - 100, 200, len(data) - 1} {
			bad := bytes.Clone(data)
			bad[at] ^= 0x01
			b, err := read(t, bad, k)
			if err == nil || b != nil {
				t.Fatalf("byte %d flipped: accepted", at)
			}
		}
		bad := bytes.Clone(data)
		bad[len(data)/2] ^= 0x40
		expectErr(t, bad, k, "bị sửa")
	})
	t.Run("ErrTruncated", func(t *testing.T) {
		for _, n := range []int{0, 10, 100, len(data) / 2, len(data) - 64, len(data) - 1} {
			if b, err := read(t, data[:n], k); err == nil || b != nil {
				t.Fatalf("cut at %d: accepted", n)
			}
		}
		expectErr(t, data[:len(data)/2], k, "cắt cụt")
	})
	t.Run("ErrExtraBytes", func(t *testing.T) {
		expectErr(t, append(bytes.Clone(data), 0), k, "")
	})
	t.Run("ErrWrongRecipient", func(t *testing.T) {
		other := newKeys(t)
		other.pub = k.pub
		expectErr(t, data, other, "không gửi cho khóa này")
	})
	t.Run("ErrOtherCommune", func(t *testing.T) {
		_, err := bundle.Read(bytes.NewReader(data), bundle.ReadOptions{Key: k.prov, Trust: k.trust, Agency: "000.00.07.H56"})
		if err == nil || !strings.Contains(err.Error(), "000.00.07.H56") {
			t.Fatalf("err = %v", err)
		}
		impostor := newKeys(t)
		impostor.prov = k.prov
		expectErr(t, data, impostor, "khóa không phải")
	})
	t.Run("ErrNotABundle", func(t *testing.T) {
		expectErr(t, []byte("PK\x03\x04 a zip file, not a bundle"), k, "không phải gói")
	})
	t.Run("ErrPathTraversal", func(t *testing.T) {
		for _, name := range []string{"../../etc/passwd", `..\..\boot.ini`, "/etc/shadow", "..", "a/b.pdf"} {
			var buf bytes.Buffer
			o := k.opts()
			o.Messages, o.Files = 0, 1
			w, err := bundle.NewWriter(&buf, o)
			if err != nil {
				t.Fatal(err)
			}
			content := []byte("root:x:0:0")
			sum := sha256.Sum256(content)
			if err := w.File(name, hex.EncodeToString(sum[:]), int64(len(content)), bytes.NewReader(content)); err != nil {
				t.Fatal(err)
			}
			w.Close()
			dir := t.TempDir()
			_, err = bundle.Read(bytes.NewReader(buf.Bytes()), bundle.ReadOptions{Key: k.prov, Trust: k.trust, TempDir: dir})
			if err == nil || !strings.Contains(err.Error(), "không hợp lệ") {
				t.Fatalf("%q: err = %v", name, err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Fatalf("%q: staging left %d entries", name, len(entries))
			}
		}
	})
}

func TestImportOnReferenceServer(t *testing.T) {
	ctx := context.Background()
	k := newKeys(t)
	data := export(t, k)
	p := reftest.Start(t, false, nil)
	trust, err := refserver.ParseSigners([]string{reftest.Agency + "=" + hex.EncodeToString(k.pub)})
	if err != nil {
		t.Fatal(err)
	}
	load := func() *bundle.Bundle {
		b, err := p.ReadBundle(bytes.NewReader(data), bundle.ReadOptions{Key: k.prov, Trust: trust, TempDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Remove() })
		return b
	}
	rep, err := p.ImportBundle(ctx, load())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted != 4 || rep.Files != 1 || len(rep.Rejected) != 0 {
		t.Fatalf("first import %+v", rep)
	}
	st, _ := p.Stats(ctx)
	if st.Dossiers != 3 {
		t.Fatalf("%d dossiers stored; want 3", st.Dossiers)
	}
	// Importing again stores nothing twice.
	rep, err = p.ImportBundle(ctx, load())
	if err != nil || rep.Duplicates != 4 || rep.Accepted != 0 {
		t.Fatalf("second import %+v %v", rep, err)
	}
	st2, _ := p.Stats(ctx)
	if st2.Writes != st.Writes {
		t.Fatalf("writes %d → %d on re-import", st.Writes, st2.Writes)
	}
	code := provincetest.Dossier(reftest.Agency, 1).Code
	d, _ := p.Dossier(ctx, code)
	if d.Status != int(motcua.StatusProcessing) || len(d.HoSo.TaiLieuNop) != 1 || len(d.Steps) != 2 {
		t.Fatalf("imported dossier: status %d, files %v, %d steps", d.Status, d.HoSo.TaiLieuNop, len(d.Steps))
	}
	rc, info, err := p.OpenUpload(ctx, d.HoSo.TaiLieuNop[0].DuongDanTaiTepTin)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if info.SHA256 != d.HoSo.TaiLieuNop[0].SHA256 || len(got) != 240000 {
		t.Fatalf("imported file: %d bytes, hash %s", len(got), info.SHA256)
	}
	// When the network comes back, the commune's worker re-sends the same
	// messages: acknowledged, nothing stored twice.
	q, files, _ := fixture(t)
	c, _ := province.NewClient(p.Config())
	w := outbox.New(q, c, outbox.Config{Files: files})
	s, err := w.Step(ctx)
	if err != nil || s.Acknowledged != 4 || s.Duplicates != 3 {
		t.Fatalf("network after USB: %+v %v", s, err)
	}
	st3, _ := p.Stats(ctx)
	if st3.Dossiers != 3 || st3.Writes != st.Writes {
		t.Fatalf("after the network re-send: %d dossiers, %d writes (was %d)", st3.Dossiers, st3.Writes, st.Writes)
	}
	// A bundle from a commune this province does not serve is refused.
	other := reftest.Start(t, false, func(c *refserver.Config) { c.Agencies = []string{"H29"} })
	if _, err := other.ReadBundle(bytes.NewReader(data), bundle.ReadOptions{Key: k.prov, Trust: trust}); err == nil ||
		!strings.Contains(err.Error(), "không thuộc") {
		t.Fatalf("foreign province: %v", err)
	}
}

func FuzzRead(f *testing.F) {
	prov, _ := bundle.NewRecipientKey()
	pub, priv, _ := bundle.NewSigningKey()
	var buf bytes.Buffer
	w, _ := bundle.NewWriter(&buf, bundle.Options{Agency: "A", Station: "1/1", Sign: priv, Recipient: prov.PublicKey(), Files: 1})
	w.File("a.pdf", hex.EncodeToString(sha256.New().Sum(nil)), 0, bytes.NewReader(nil))
	w.Close()
	f.Add(buf.Bytes())
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := bundle.Read(bytes.NewReader(data), bundle.ReadOptions{Key: prov, TempDir: dir,
			Trust: func(bundle.Header) (ed25519.PublicKey, error) { return pub, nil }})
		if err == nil {
			b.Remove()
			if !bytes.Equal(data, buf.Bytes()) {
				t.Fatal("accepted a bundle that differs from the signed one")
			}
		}
	})
}
