package keyfile

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua"
	"motcua/storage/keyfile/keyfiletest"
)

type fakeSealer = keyfiletest.Sealer

var secret = []byte("c2VjcmV0LWJsb2Ita2V5LWZvci10ZXN0cw==\n")

func TestSeal(t *testing.T) {
	t.Run("PlainHeader", func(t *testing.T) {
		defer Use(plain{})()
		b, err := Seal(secret)
		if err != nil {
			t.Fatal(err)
		}
		if want := "MOTCUA-SEALED v1 plain\n" + string(secret); string(b) != want {
			t.Fatalf("got %q, want %q", b, want)
		}
		if Protected() {
			t.Fatal("plain sealer reports protection")
		}
		got, err := Unseal(b)
		if err != nil || !bytes.Equal(got, secret) {
			t.Fatalf("unseal: %q, %v", got, err)
		}
	})
	t.Run("SealedHeader", func(t *testing.T) {
		defer Use(fakeSealer{PC: "pc1"})()
		b, err := Seal(secret)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), "MOTCUA-SEALED v1 fake-machine\n") {
			t.Fatalf("header: %q", b)
		}
		if bytes.Contains(b, bytes.TrimSpace(secret)) {
			t.Fatal("sealed file holds the plain key")
		}
		got, err := Unseal(b)
		if err != nil || !bytes.Equal(got, secret) {
			t.Fatalf("unseal: %q, %v", got, err)
		}
	})
	t.Run("Legacy", func(t *testing.T) {
		defer Use(fakeSealer{PC: "pc1"})()
		got, err := Unseal(secret)
		if err != nil || !bytes.Equal(got, secret) {
			t.Fatalf("legacy: %q, %v", got, err)
		}
	})
	t.Run("ErrOtherMachine", func(t *testing.T) {
		restore := Use(fakeSealer{PC: "pc1"})
		b, _ := Seal(secret)
		restore()
		defer Use(fakeSealer{PC: "pc2"})()
		if _, err := Unseal(b); err == nil {
			t.Fatal("opened on another machine")
		}
	})
	t.Run("ErrOtherScheme", func(t *testing.T) {
		restore := Use(fakeSealer{PC: "pc1"})
		b, _ := Seal(secret)
		restore()
		defer Use(plain{})()
		if _, err := Unseal(b); !errors.Is(err, ErrOtherScheme) {
			t.Fatalf("got %v, want ErrOtherScheme", err)
		}
	})
	t.Run("ErrNewerVersion", func(t *testing.T) {
		defer Use(plain{})()
		if _, err := Unseal([]byte("MOTCUA-SEALED v2 plain\nx")); err == nil {
			t.Fatal("a v2 header was accepted")
		}
	})
}

func TestReadKeyFile(t *testing.T) {
	t.Run("MigratesLegacy", func(t *testing.T) {
		defer Use(fakeSealer{PC: "pc1"})()
		p := filepath.Join(t.TempDir(), "blob.key")
		os.WriteFile(p, secret, 0o600)
		got, err := ReadKeyFile(p)
		if err != nil || !bytes.Equal(got, secret) {
			t.Fatalf("read: %q, %v", got, err)
		}
		onDisk, _ := os.ReadFile(p)
		if !strings.HasPrefix(string(onDisk), "MOTCUA-SEALED v1 fake-machine\n") {
			t.Fatalf("not rewritten sealed: %q", onDisk)
		}
		if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
			t.Fatalf("mode %v", fi.Mode())
		}
		if got, err = ReadKeyFile(p); err != nil || !bytes.Equal(got, secret) {
			t.Fatalf("second read: %q, %v", got, err)
		}
		assertNoTemp(t, filepath.Dir(p))
	})
	t.Run("PlainStaysPlain", func(t *testing.T) {
		defer Use(plain{})()
		p := filepath.Join(t.TempDir(), "blob.key")
		os.WriteFile(p, secret, 0o600)
		if got, err := ReadKeyFile(p); err != nil || !bytes.Equal(got, secret) {
			t.Fatalf("read: %q, %v", got, err)
		}
		if onDisk, _ := os.ReadFile(p); !bytes.Equal(onDisk, secret) {
			t.Fatalf("legacy file changed without a sealer: %q", onDisk)
		}
	})
	t.Run("InterruptedMigration", func(t *testing.T) {
		defer Use(fakeSealer{PC: "pc1"})()
		p := filepath.Join(t.TempDir(), "blob.key")
		os.WriteFile(p, secret, 0o600)
		beforeRename = func() error { return errors.New("power cut") }
		got, err := ReadKeyFile(p)
		beforeRename = func() error { return nil }
		if err != nil || !bytes.Equal(got, secret) {
			t.Fatalf("read during a failed migration: %q, %v", got, err)
		}
		if onDisk, _ := os.ReadFile(p); !bytes.Equal(onDisk, secret) {
			t.Fatalf("the key file changed although the rename never happened: %q", onDisk)
		}
		assertNoTemp(t, filepath.Dir(p))
		if _, err := ReadKeyFile(p); err != nil {
			t.Fatal(err)
		}
		if onDisk, _ := os.ReadFile(p); !strings.HasPrefix(string(onDisk), "MOTCUA-SEALED v1 fake-machine") {
			t.Fatalf("next read did not migrate: %q", onDisk)
		}
	})
	t.Run("ErrSealedNamesFile", func(t *testing.T) {
		defer Use(fakeSealer{PC: "pc1"})()
		p := filepath.Join(t.TempDir(), "blob.key")
		if err := WriteKeyFile(p, secret); err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(p)
		b[len(b)-6] ^= 0x01 // one bit of the base64 body
		os.WriteFile(p, b, 0o600)
		_, err := ReadKeyFile(p)
		e, ok := motcua.AsError(err)
		if !ok || e.Code != ErrSealed || !strings.Contains(e.Msg, p) || !strings.Contains(e.MsgEN, p) {
			t.Fatalf("got %#v, want %s naming %s", err, ErrSealed, p)
		}
		if errors.Is(err, fs.ErrNotExist) {
			t.Fatal("a damaged key looks missing: a caller would make a new key over it")
		}
		if after, _ := os.ReadFile(p); !bytes.Equal(after, b) {
			t.Fatal("the damaged file was changed")
		}
	})
	t.Run("ErrSealedOtherMachine", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "blob.key")
		restore := Use(fakeSealer{PC: "pc1"})
		WriteKeyFile(p, secret)
		restore()
		defer Use(fakeSealer{PC: "pc2"})()
		if _, err := ReadKeyFile(p); motcua.ErrorKind(err) != motcua.KindInternal || !strings.Contains(err.Error(), "DPAPI") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("ErrNotExist", func(t *testing.T) {
		if _, err := ReadKeyFile(filepath.Join(t.TempDir(), "none")); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestCreateKeyFile(t *testing.T) {
	defer Use(fakeSealer{PC: "pc1"})()
	p := filepath.Join(t.TempDir(), "keys", "backup-identity.txt")
	if err := CreateKeyFile(p, secret); err != nil {
		t.Fatal(err)
	}
	if err := CreateKeyFile(p, []byte("another key")); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second create: %v, want ErrExist", err)
	}
	if got, err := ReadKeyFile(p); err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("the first key was replaced: %q, %v", got, err)
	}
	assertNoTemp(t, filepath.Dir(p))
}

func TestSealValue(t *testing.T) {
	t.Run("Sealed", func(t *testing.T) {
		defer Use(fakeSealer{PC: "pc1"})()
		v, err := SealValue("mật khẩu")
		if err != nil || !strings.HasPrefix(v, ValuePrefix) || strings.Contains(v, "mật") {
			t.Fatalf("sealed value %q, %v", v, err)
		}
		p, reseal, err := UnsealValue("password", v)
		if err != nil || reseal || p != "mật khẩu" {
			t.Fatalf("unseal: %q %v %v", p, reseal, err)
		}
	})
	t.Run("LegacyReseal", func(t *testing.T) {
		defer Use(fakeSealer{PC: "pc1"})()
		p, reseal, err := UnsealValue("password", "s3cret")
		if err != nil || !reseal || p != "s3cret" {
			t.Fatalf("legacy: %q %v %v", p, reseal, err)
		}
	})
	t.Run("PlainSystem", func(t *testing.T) {
		defer Use(plain{})()
		if v, _ := SealValue("s3cret"); v != "s3cret" {
			t.Fatalf("plain system labelled a value sealed: %q", v)
		}
		if _, reseal, _ := UnsealValue("password", "s3cret"); reseal {
			t.Fatal("reseal without a sealer")
		}
	})
	t.Run("ErrOtherMachine", func(t *testing.T) {
		restore := Use(fakeSealer{PC: "pc1"})
		v, _ := SealValue("s3cret")
		restore()
		defer Use(fakeSealer{PC: "pc2"})()
		_, _, err := UnsealValue("province.password", v)
		if e, ok := motcua.AsError(err); !ok || e.Code != ErrSealed || e.Field != "province.password" {
			t.Fatalf("got %v", err)
		}
	})
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Fatalf("temporary file left: %s", e.Name())
		}
	}
}
