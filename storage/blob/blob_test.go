package blob_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"motcua"
	"motcua/storage/blob"
	"motcua/storage/keyfile"
	"motcua/storage/keyfile/keyfiletest"
)

func mustOpen(tb testing.TB, dir string, key blob.Key) *blob.Store {
	tb.Helper()
	s, err := blob.Open(dir, key, blob.Options{MaxSize: 1 << 20})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// file is where a blob lives: DIR/ab/abcd….
func file(dir string, a blob.Address) string {
	return filepath.Join(dir, a.String()[:2], a.String())
}

var scan = bytes.Repeat([]byte("%PDF-1.7 bản điện tử chuyển đổi từ văn bản giấy\n"), 500)

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir, blob.NewKey())
	a, err := s.Put(bytes.NewReader(scan))
	if err != nil {
		t.Fatal(err)
	}
	if a != sha256.Sum256(scan) {
		t.Fatalf("address %s is not the SHA-256 of the content", a)
	}
	if back, err := blob.ParseAddress(a.String()); err != nil || back != a {
		t.Fatalf("ParseAddress(%s) = %s, %v", a, back, err)
	}
	got, err := s.Get(a)
	if err != nil || !bytes.Equal(got, scan) {
		t.Fatalf("Get: %d bytes, %v", len(got), err)
	}
	if ok, err := s.Has(a); !ok || err != nil {
		t.Errorf("Has = %v, %v", ok, err)
	}
	if err := s.Verify(a); err != nil {
		t.Errorf("Verify: %v", err)
	}
	sealed, _ := os.ReadFile(file(dir, a))
	if bytes.Contains(sealed, []byte("chuyển đổi")) {
		t.Error("plaintext visible in the stored file")
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(file(dir, a)); fi.Mode().Perm() != 0o600 {
			t.Errorf("blob file mode %v, want 0600", fi.Mode().Perm())
		}
	}
	// The same content again is not rewritten (a new nonce would change the file).
	if a2, err := s.PutBytes(scan); err != nil || a2 != a {
		t.Fatalf("second Put: %s, %v", a2, err)
	}
	if again, _ := os.ReadFile(file(dir, a)); !bytes.Equal(again, sealed) {
		t.Error("identical content was sealed and written again")
	}
	if left, _ := os.ReadDir(filepath.Join(dir, "tmp")); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
	if ok, err := s.Has(blob.Sum([]byte("other"))); ok || err != nil {
		t.Errorf("Has(absent) = %v, %v", ok, err)
	}
	if _, err := s.Get(blob.Sum([]byte("other"))); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Get(absent): %v, want ErrNotFound", err)
	}
}

// TestTamper flips one byte in every part of a sealed file: each is caught.
func TestTamper(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir, blob.NewKey())
	a, err := s.PutBytes(scan)
	if err != nil {
		t.Fatal(err)
	}
	orig, _ := os.ReadFile(file(dir, a))
	for name, off := range map[string]int{"magic": 2, "key id": 9, "nonce": 20, "ciphertext": 100, "tag": len(orig) - 1} {
		t.Run(name, func(t *testing.T) {
			b := bytes.Clone(orig)
			b[off] ^= 0x01
			os.WriteFile(file(dir, a), b, 0o600)
			defer os.WriteFile(file(dir, a), orig, 0o600)
			_, err := s.Get(a)
			want := blob.ErrCorrupt
			if name == "key id" {
				want = blob.ErrWrongKey // indistinguishable from a blob of another key
			}
			if !errors.Is(err, want) {
				t.Errorf("Get after flipping a %s byte: %v, want %v", name, err, want)
			}
			if s.Verify(a) == nil {
				t.Error("Verify passed")
			}
		})
	}
	t.Run("truncated", func(t *testing.T) {
		os.WriteFile(file(dir, a), orig[:30], 0o600)
		defer os.WriteFile(file(dir, a), orig, 0o600)
		if _, err := s.Get(a); !errors.Is(err, blob.ErrCorrupt) {
			t.Errorf("%v, want ErrCorrupt", err)
		}
	})
	t.Run("moved to another address", func(t *testing.T) {
		other := blob.Sum([]byte("another document"))
		os.MkdirAll(filepath.Dir(file(dir, other)), 0o700)
		os.WriteFile(file(dir, other), orig, 0o600)
		if _, err := s.Get(other); !errors.Is(err, blob.ErrCorrupt) {
			t.Errorf("%v, want ErrCorrupt", err)
		}
		os.Remove(file(dir, other))
	})
	// Put repairs a damaged copy of content it is given again.
	b := bytes.Clone(orig)
	b[100] ^= 0x80
	os.WriteFile(file(dir, a), b, 0o600)
	if _, err := s.PutBytes(scan); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(a); err != nil {
		t.Errorf("after repair: %v", err)
	}
}

func TestWrongKey(t *testing.T) {
	dir := t.TempDir()
	a, err := mustOpen(t, dir, blob.NewKey()).PutBytes(scan)
	if err != nil {
		t.Fatal(err)
	}
	other := mustOpen(t, dir, blob.NewKey())
	if _, err := other.Get(a); !errors.Is(err, blob.ErrWrongKey) {
		t.Errorf("Get with another key: %v, want ErrWrongKey", err)
	}
}

func TestTooLarge(t *testing.T) {
	s := mustOpen(t, t.TempDir(), blob.NewKey())
	if _, err := s.Put(bytes.NewReader(make([]byte, 1<<20+1))); !errors.Is(err, blob.ErrTooLarge) {
		t.Errorf("%v, want ErrTooLarge", err)
	}
}

func TestVerifyAll(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir, blob.NewKey())
	var addrs []blob.Address
	for _, c := range []string{"một", "hai", "ba"} {
		a, err := s.PutBytes([]byte(c))
		if err != nil {
			t.Fatal(err)
		}
		addrs = append(addrs, a)
	}
	b, _ := os.ReadFile(file(dir, addrs[1]))
	b[len(b)-3] ^= 0xff
	os.WriteFile(file(dir, addrs[1]), b, 0o600)
	os.WriteFile(filepath.Join(dir, "tmp", "put-123"), []byte("half a write"), 0o600) // a crash before rename
	ok, bad, err := s.VerifyAll()
	if err != nil {
		t.Fatal(err)
	}
	if ok != 2 || len(bad) != 1 || bad[0].Address != addrs[1] || !errors.Is(bad[0].Err, blob.ErrCorrupt) {
		t.Errorf("VerifyAll = %d ok, %+v", ok, bad)
	}
}

func TestConcurrentPut(t *testing.T) {
	dir := t.TempDir()
	s := mustOpen(t, dir, blob.NewKey())
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := s.PutBytes(scan); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := s.Verify(blob.Sum(scan)); err != nil {
		t.Error(err)
	}
}

func TestKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "blob.key")
	k, err := blob.CreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := blob.LoadKeyFile(path); err != nil || got != k {
		t.Fatalf("LoadKeyFile: %v", err)
	}
	if _, err := blob.CreateKeyFile(path); err == nil {
		t.Error("an existing key file was overwritten")
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
		}
	}
	os.WriteFile(path, []byte("c2hvcnQ=\n"), 0o600)
	if _, err := blob.LoadKeyFile(path); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("short key: %v", err)
	}
}

// TestKeyFileSealed: with a machine sealer (DPAPI on Windows; a fake here)
// a legacy plain key file is sealed in place and keeps opening the same
// blobs; a sealed key file that does not open is ErrSealed, never a
// reason for a new key.
func TestKeyFileSealed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "blob.key")
	key := blob.NewKey()
	os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(key[:])+"\n"), 0o600)
	s := mustOpen(t, filepath.Join(dir, "blobs"), key)
	a, err := s.PutBytes([]byte("scan"))
	if err != nil {
		t.Fatal(err)
	}

	restore := keyfile.Use(keyfiletest.Sealer{PC: "pc1"})
	got, err := blob.LoadKeyFile(path)
	if err != nil || got != key {
		t.Fatalf("legacy key: %v", err)
	}
	onDisk, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(onDisk), "MOTCUA-SEALED v1 fake-machine\n") || strings.Contains(string(onDisk), base64.StdEncoding.EncodeToString(key[:])) {
		t.Fatalf("key file not sealed: %q", onDisk)
	}
	if got, err = blob.LoadKeyFile(path); err != nil || got != key {
		t.Fatalf("sealed key: %v", err)
	}
	if b, err := mustOpen(t, filepath.Join(dir, "blobs"), got).Get(a); err != nil || string(b) != "scan" {
		t.Fatalf("blob after migration: %q, %v", b, err)
	}
	restore()

	defer keyfile.Use(keyfiletest.Sealer{PC: "pc2"})()
	_, err = blob.LoadKeyFile(path)
	if e, ok := motcua.AsError(err); !ok || e.Code != keyfile.ErrSealed || errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("key sealed on another machine: %v", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, onDisk) {
		t.Fatal("the key file was changed")
	}
}
