// Package keyfile keeps the station's secret keys at rest: the blob key of
// the scans, the backup identity, the station's signing key, and secrets
// stored as settings (the province password, the USB-bundle keys).
//
// On Windows a key is sealed with DPAPI for the machine
// (CryptProtectData with CRYPTPROTECT_LOCAL_MACHINE and an entropy
// constant of this program): every Windows account of this PC — each
// officer's — opens it through this program, while a copy of the file on
// another PC, or the disk read from another system, does not open. That
// binding is the point, and also the cost: a replacement PC cannot open the
// old PC's key files, so installers recover through the backup identity
// exported at set-up (README, docs/INSTALL.*.md).
//
// Other systems have no machine-bound key store a program can use without
// a password or a TPM, so there a key file stays plain, readable by its
// owner only (mode 0600) — protection by the file system and nothing else.
// Sealing with a key derived from /etc/machine-id or the like would only
// obfuscate (the derivation is in this program and the id is world-readable),
// so it is not done.
//
// # File format (version 1)
//
//	MOTCUA-SEALED v1 <scheme>\n   the header, one line
//	<body>
//
// scheme "dpapi-machine": the body is the DPAPI blob in base64 (lines of
// 76 characters); scheme "plain": the body is the key file's plain content.
// A file without the header is a legacy plain key file from a build before
// this package: it is read as plain, and where this system can seal, it is
// rewritten sealed on the spot (written to a temporary file, synced,
// checked by opening it again, then renamed over the old one, so an
// interruption leaves the old or the new file, each with the same key).
//
// A file that has the header but does not open — damaged, or sealed on
// another PC — is an error naming the file (ErrSealed). Callers must never
// treat it as a missing key: a new blob key written over it would make every
// scan unreadable.
package keyfile

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"motcua"
)

// Sealer is a way to bind bytes to this machine.
type Sealer interface {
	// Scheme names the sealing in the header: "dpapi-machine", "plain".
	Scheme() string
	Seal(plain []byte) ([]byte, error)
	Unseal(sealed []byte) ([]byte, error)
}

// SchemePlain is the scheme of a key kept plain (no machine-bound store).
const SchemePlain = "plain"

const (
	magic = "MOTCUA-SEALED"
	// version of the header line; a newer build's file is refused by name.
	version = "v1"
	// ValuePrefix marks a sealed settings value: "sealed:" + base64 of a
	// sealed envelope (header included).
	ValuePrefix = "sealed:"
)

// Error codes.
const (
	// ErrSealed: a sealed key does not open on this machine (damaged, or
	// sealed on another PC), or its format is unknown to this build.
	ErrSealed = "ERR_KEY_SEALED"
)

// ErrOtherScheme is wrapped when a file was sealed by a scheme this system
// cannot open (a Windows DPAPI file read on Linux).
var ErrOtherScheme = errors.New("keyfile: sealed by a scheme this system cannot open")

type plain struct{}

func (plain) Scheme() string                  { return SchemePlain }
func (plain) Seal(b []byte) ([]byte, error)   { return bytes.Clone(b), nil }
func (plain) Unseal(b []byte) ([]byte, error) { return bytes.Clone(b), nil }

// machine is the sealer of this system (DPAPI on Windows, plain elsewhere).
var machine = platformSealer()

// Use replaces the machine's sealer and returns a function that puts the
// old one back. It is for tests of the packages that keep keys (a fake
// sealer stands for DPAPI on Linux); the program never calls it.
func Use(s Sealer) (restore func()) {
	old := machine
	machine = s
	return func() { machine = old }
}

// Protected reports whether keys are bound to this machine (Windows) or
// kept plain under file permissions only (other systems).
func Protected() bool { return machine.Scheme() != SchemePlain }

// Scheme is the sealing scheme of this machine.
func Scheme() string { return machine.Scheme() }

func header(scheme string) string { return magic + " " + version + " " + scheme + "\n" }

// Seal returns plain sealed for this machine, with the header.
func Seal(plain []byte) ([]byte, error) {
	s := machine
	if s.Scheme() == SchemePlain {
		return append([]byte(header(SchemePlain)), plain...), nil
	}
	blob, err := s.Seal(plain)
	if err != nil {
		return nil, fmt.Errorf("keyfile: seal (%s): %w", s.Scheme(), err)
	}
	var b strings.Builder
	b.WriteString(header(s.Scheme()))
	enc := base64.StdEncoding.EncodeToString(blob)
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\n")
	return []byte(b.String()), nil
}

// Unseal opens what Seal returned. Bytes without the header are a legacy
// plain key and are returned as they are. Errors wrap ErrOtherScheme, or
// the sealer's failure (damaged, or sealed on another machine).
func Unseal(sealed []byte) ([]byte, error) {
	plain, _, err := unseal(sealed)
	return plain, err
}

// unseal also says whether the bytes should be rewritten sealed: a legacy
// or plain file on a machine that can seal.
func unseal(b []byte) (plain []byte, reseal bool, err error) {
	if !bytes.HasPrefix(b, []byte(magic+" ")) {
		return b, Protected(), nil
	}
	line, body, ok := bytes.Cut(b, []byte("\n"))
	if !ok {
		return nil, false, errors.New("keyfile: header without a body")
	}
	f := strings.Fields(strings.TrimSpace(string(line)))
	if len(f) != 3 || f[1] != version {
		return nil, false, fmt.Errorf("keyfile: unknown header %q (a newer build's file?)", line)
	}
	switch scheme := f[2]; {
	case scheme == SchemePlain:
		return body, Protected(), nil
	case scheme != machine.Scheme():
		return nil, false, fmt.Errorf("%w: %q", ErrOtherScheme, scheme)
	}
	blob, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(body)), ""))
	if err != nil {
		return nil, false, fmt.Errorf("keyfile: body is not base64: %w", err)
	}
	p, err := machine.Unseal(blob)
	if err != nil {
		return nil, false, fmt.Errorf("keyfile: unseal (%s): %w", machine.Scheme(), err)
	}
	return p, false, nil
}

func sealedErr(path string, err error) error {
	e := motcua.Errorf(motcua.KindInternal, ErrSealed, "key",
		"Không mở được tệp khóa %s trên máy này: tệp bị hỏng, hoặc được bảo vệ cho một máy khác (DPAPI). "+
			"KHÔNG xóa tệp và không tạo khóa mới; khôi phục theo hướng dẫn trong docs/INSTALL.vi.md (mục Khóa)",
		"cannot open the key file %s on this machine: it is damaged, or sealed for another machine (DPAPI). "+
			"Do NOT delete it or make a new key; recover as docs/INSTALL.en.md (Keys) says", path)
	e.Err = err
	return e
}

// ReadKeyFile returns the plain content of a key file. A legacy plain file
// (or a "plain" one) on a machine that can seal is rewritten sealed before
// it is returned; if that rewrite fails the key is still returned, and the
// next read tries again. A missing file gives an error wrapping
// fs.ErrNotExist; one that does not open, a coded ErrSealed naming it.
func ReadKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("keyfile: %w", err)
	}
	plain, reseal, err := unseal(b)
	if err != nil {
		return nil, sealedErr(path, err)
	}
	if reseal {
		_ = WriteKeyFile(path, plain)
	}
	return plain, nil
}

// WriteKeyFile seals plain for this machine and writes it to path
// atomically (temporary file, sync, check, rename), replacing what is
// there. Use CreateKeyFile for a new key that must not replace another.
func WriteKeyFile(path string, plain []byte) error {
	sealed, err := sealChecked(plain)
	if err != nil {
		return err
	}
	tmp, err := writeTemp(path, sealed)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := beforeRename(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("keyfile: %w", err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

// CreateKeyFile writes a new key file, sealed, and fails with an error
// wrapping fs.ErrExist if path already exists (another process created it
// first: read that one instead). The file appears whole or not at all.
func CreateKeyFile(path string, plain []byte) error {
	sealed, err := sealChecked(plain)
	if err != nil {
		return err
	}
	tmp, err := writeTemp(path, sealed)
	if err != nil {
		return err
	}
	defer os.Remove(tmp)
	err = os.Link(tmp, path)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		// No hard links on this file system (FAT, some network shares):
		// an exclusive create, not atomic against a power cut but never
		// replacing an existing key.
		err = createExclusive(path, sealed)
	}
	if err != nil {
		return fmt.Errorf("keyfile: %w", err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

// sealChecked seals plain and opens the result again before anything is
// written: a sealer that cannot open its own output must not replace a
// working key file.
func sealChecked(plain []byte) ([]byte, error) {
	sealed, err := Seal(plain)
	if err != nil {
		return nil, err
	}
	back, _, err := unseal(sealed)
	if err != nil || !bytes.Equal(back, plain) {
		return nil, fmt.Errorf("keyfile: sealed key does not open again (%v)", err)
	}
	return sealed, nil
}

// beforeRename is a test hook: an error stands for a crash between the
// synced temporary file and the rename.
var beforeRename = func() error { return nil }

func writeTemp(path string, b []byte) (string, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("keyfile: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return "", fmt.Errorf("keyfile: %w", err)
	}
	err = f.Chmod(0o600)
	if errors.Is(err, errors.ErrUnsupported) {
		err = nil
	}
	if err == nil {
		_, err = f.Write(b)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("keyfile: write %s: %w", path, err)
	}
	return f.Name(), nil
}

func createExclusive(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir makes a rename in dir durable (best effort: Windows cannot open
// a directory for sync).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

// SealValue seals a secret kept as a settings value: "sealed:" + base64 of
// the sealed envelope on a machine that can seal, the value itself where
// it cannot (a "sealed:" label on plain text would mislead).
func SealValue(v string) (string, error) {
	if !Protected() || v == "" {
		return v, nil
	}
	sealed, err := sealChecked([]byte(v))
	if err != nil {
		return "", err
	}
	return ValuePrefix + base64.StdEncoding.EncodeToString(sealed), nil
}

// UnsealValue opens a settings value written by SealValue. A value without
// the prefix is a legacy plain one, returned as is with reseal set when
// this machine can seal (the caller writes it back sealed). Errors: a
// coded ErrSealed naming the setting when a sealed value does not open.
func UnsealValue(name, v string) (plain string, reseal bool, err error) {
	if !strings.HasPrefix(v, ValuePrefix) {
		return v, Protected() && v != "", nil
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(v, ValuePrefix))
	if err == nil {
		var p []byte
		if p, _, err = unseal(b); err == nil {
			return string(p), false, nil
		}
	}
	e := motcua.Errorf(motcua.KindInternal, ErrSealed, name,
		"Không mở được giá trị bí mật «%s» trên máy này: nó được bảo vệ (DPAPI) cho máy đã ghi nó — cơ sở dữ liệu được khôi phục từ máy khác? Nhập lại giá trị này trên máy này",
		"cannot open the secret setting %q on this machine: it is sealed (DPAPI) for the machine that wrote it — a database restored from another PC? Enter it again on this machine", name)
	e.Err = err
	return "", false, e
}
