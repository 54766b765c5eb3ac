package main

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua/sync/bundle"
	"motcua/sync/outbox/outboxtest"
	"motcua/sync/province"
	"motcua/sync/province/provincetest"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeAndAdmin(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	db := filepath.Join(t.TempDir(), "p.db")
	var out syncBuf
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-db", db, "-agency", "000.00.06.H56",
			"-user", "xa:mk", "-admin-token", "T", "-fault", "latency=1ms",
			"-clock", provincetest.Day.Add(time.Hour).Format(time.RFC3339)}, &out, io.Discard)
	}()
	var url string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, after, ok := strings.Cut(out.String(), "listening on "); ok {
			url = strings.TrimSpace(strings.SplitN(after, "\n", 2)[0])
			break
		}
	}
	if url == "" {
		t.Fatalf("server did not start: %q", out.String())
	}
	c, err := province.NewClient(province.Config{BaseURL: url, Username: "xa", Password: "mk", Agency: "000.00.06.H56"})
	if err != nil {
		t.Fatal(err)
	}
	d := provincetest.Dossier("000.00.06.H56", 1)
	if res, err := c.Deliver(ctx, []province.Item{provincetest.Item(d, "k", true)}); err != nil || res[0].Err != nil {
		t.Fatal(err, res)
	}
	admin := func(args ...string) (int, string) {
		var o, e bytes.Buffer
		code := run(ctx, append([]string{"admin", "-url", url, "-token", "T"}, args...), &o, &e)
		return code, o.String() + e.String()
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"stats"}, 0, `"dossiers": 1`},
		{[]string{"process", d.Code}, 0, `"TrangThaiHoSo": "4"`},
		{[]string{"extend", d.Code, "-due", "20261123170000", "-reason", "Cần xác minh"}, 2, "phải sau"},
		{[]string{"extend", d.Code, "-due", "20261201170000", "-reason", "Cần xác minh"}, 0, `"NgayHenTra": "20261201170000"`},
		{[]string{"supplement", d.Code}, 2, "lý do"},
		{[]string{"result", d.Code, "-doc", "Giấy khai sinh"}, 0, `"TenGiayTo": "Giấy khai sinh"`},
		{[]string{"show", d.Code}, 0, `"status": 9`},
		{[]string{"faults", "error_rate=0.2", "drop_rate=0.1"}, 0, `"error_rate": 0.2`},
		{[]string{"faults", "bogus=1"}, 2, "bogus"},
		{[]string{"expire-sessions"}, 0, "hết hạn"},
		{[]string{"frobnicate"}, 2, "không tồn tại"},
	} {
		code, text := admin(c.args...)
		if code != c.code || !strings.Contains(text, c.want) {
			t.Errorf("admin %v: exit %d, %q; want exit %d containing %q", c.args, code, text, c.code, c.want)
		}
	}
	if code, text := func() (int, string) {
		var o, e bytes.Buffer
		return run(ctx, []string{"admin", "-url", url, "-token", "wrong", "stats"}, &o, &e), e.String()
	}(); code != 1 || !strings.Contains(text, "sai mã quản trị") {
		t.Errorf("wrong token: %d %q", code, text)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("serve exited %d", code)
	}
	var o, e bytes.Buffer
	if code := run(context.Background(), []string{"serve"}, &o, &e); code != 2 || !strings.Contains(e.String(), "-db") {
		t.Fatalf("serve without -db: %d %q", code, e.String())
	}
	if code := run(context.Background(), []string{"user", "-db", db, "xa2", "mk2"}, &o, &e); code != 0 {
		t.Fatalf("user: %d %q", code, e.String())
	}
}

func TestBundleImport(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var o, e bytes.Buffer
	keyFile := filepath.Join(dir, "province.key")
	if code := run(ctx, []string{"bundle", "keygen", "-out", keyFile}, &o, &e); code != 0 {
		t.Fatalf("keygen: %d %s", code, e.String())
	}
	pubHex := strings.TrimSpace(o.String()[strings.LastIndex(o.String(), " ")+1:])
	pubBytes, _ := hex.DecodeString(pubHex)
	recipient, err := ecdh.X25519().NewPublicKey(pubBytes)
	if err != nil {
		t.Fatal(err)
	}
	spub, spriv, _ := bundle.NewSigningKey()
	q := &outboxtest.MemStore{}
	for i := range 3 {
		q.Enqueue(ctx, provincetest.Dossier("000.00.06.H56", i+1))
	}
	file := filepath.Join(dir, "xa.bundle")
	var buf bytes.Buffer
	if _, err := bundle.Export(ctx, &buf, q, nil, bundle.Options{Agency: "000.00.06.H56", Station: "1/1", Sign: spriv, Recipient: recipient}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(file, buf.Bytes(), 0o600)
	args := []string{"bundle", "import", "-db", filepath.Join(dir, "p.db"), "-key", keyFile, "-agency", "H56",
		"-trust", "000.00.06.H56=" + hex.EncodeToString(spub), file}
	for i, want := range []string{`"accepted": 3`, `"duplicates": 3`} {
		o.Reset()
		e.Reset()
		if code := run(ctx, args, &o, &e); code != 0 || !strings.Contains(o.String(), want) {
			t.Fatalf("import %d: exit %d %s %s", i+1, code, o.String(), e.String())
		}
	}
	os.WriteFile(file, buf.Bytes()[:buf.Len()/2], 0o600)
	if code := run(ctx, args, &o, &e); code != 2 || !strings.Contains(e.String(), "cắt cụt") {
		t.Fatalf("truncated: exit %d %s", code, e.String())
	}
}

func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "motcua-province test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	kb, _ := x509.MarshalECPrivateKey(key)
	os.WriteFile(filepath.Join(dir, "cert.pem"), certPEM, 0o600)
	os.WriteFile(filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuf
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-db", filepath.Join(dir, "p.db"), "-agency", "000.00.06.H56",
			"-user", "xa:mk", "-tls-cert", filepath.Join(dir, "cert.pem"), "-tls-key", filepath.Join(dir, "key.pem")}, &out, io.Discard)
	}()
	defer func() { cancel(); <-done }()
	var url string
	for deadline := time.Now().Add(5 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, after, ok := strings.Cut(out.String(), "listening on "); ok {
			url = strings.TrimSpace(strings.SplitN(after, "\n", 2)[0])
		}
	}
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("url %q", url)
	}
	item := provincetest.Item(provincetest.Dossier("000.00.06.H56", 1), "k", true)
	for _, ca := range [][]byte{nil, certPEM} {
		c, err := province.NewClient(province.Config{BaseURL: url, Username: "xa", Password: "mk", Agency: "000.00.06.H56", CAPEM: ca})
		if err != nil {
			t.Fatal(err)
		}
		res, err := c.Deliver(ctx, []province.Item{item})
		switch {
		case ca == nil && err == nil:
			t.Fatal("a certificate from an unknown CA was accepted")
		case ca != nil && (err != nil || res[0].Err != nil):
			t.Fatalf("with the CA: %v %v", err, res)
		}
	}
}
