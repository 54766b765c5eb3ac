// Package blob is the encrypted, content-addressed store for digitised
// documents (stamped PDFs of dossier components). A blob's address is the
// SHA-256 of its plaintext, so the hash recorded with the dossier names the
// file and proves its content; on disk every blob is sealed with
// AES-256-GCM under the station's key, which lives in its own key file and
// never in the database.
//
// # Why AES-256-GCM from the standard library
//
// It is what the digitisation requirement names, AES is the standard block
// cipher (in Vietnam TCVN 7816:2007), and Go's implementation is
// constant-time with AES-NI and part of its FIPS 140-3 module: no
// dependency to vet or update. filippo.io/age was the alternative; its strengths (streaming of
// unbounded files, public-key recipients, recovery with the age command)
// matter less here, where blobs are bounded scans sealed and opened by the
// same station with one symmetric key, and it would mean ChaCha20-Poly1305
// instead of AES. The cost of one-shot GCM is that a blob is held in memory
// while sealed or opened, hence Options.MaxSize; random 96-bit nonces allow
// some 2³² blobs per key, far beyond a commune's lifetime volume.
//
// # File format (version 1)
//
//	"MCBLOB1\n"  8 bytes, magic and version
//	key ID       8 bytes, first bytes of SHA-256("motcua blob key" ‖ key)
//	nonce       12 bytes, random
//	sealed      AES-256-GCM ciphertext and 16-byte tag of the plaintext,
//	            with additional data magic ‖ key ID ‖ address
//
// Binding the address into the additional data means a file renamed to
// another address, or a header changed, fails to open like any other
// tampering. Files live at DIR/ab/abcdef… (the hex address, fanned out by
// its first byte) and are written to DIR/tmp, synced, then renamed, so a
// power cut leaves either the whole blob or none.
package blob

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"motcua/storage/keyfile"
)

// Address is the SHA-256 of a blob's plaintext.
type Address [sha256.Size]byte

// Sum is the address of b.
func Sum(b []byte) Address { return sha256.Sum256(b) }

// String is the address in lower-case hex, as recorded in the database.
func (a Address) String() string { return hex.EncodeToString(a[:]) }

// ParseAddress reads a hex address.
func ParseAddress(s string) (Address, error) {
	var a Address
	b, err := hex.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != len(a) {
		return a, fmt.Errorf("blob: %q is not a SHA-256 address", s)
	}
	copy(a[:], b)
	return a, nil
}

// Key is a station's 256-bit blob key.
type Key [32]byte

// Errors. Every error from Get, Verify and Put wraps one of these, or an
// I/O error.
var (
	ErrNotFound = errors.New("blob: not found")
	// ErrCorrupt: the file was changed or damaged (authentication failed,
	// or the content does not hash to its address).
	ErrCorrupt = errors.New("blob: damaged or tampered")
	// ErrWrongKey: the blob was sealed with another key than the store's.
	ErrWrongKey = errors.New("blob: sealed with another key")
	// ErrTooLarge: the blob exceeds Options.MaxSize.
	ErrTooLarge = errors.New("blob: too large")
)

const (
	magic      = "MCBLOB1\n"
	keyIDSize  = 8
	nonceSize  = 12
	headerSize = len(magic) + keyIDSize + nonceSize
	tmpDir     = "tmp"
)

// Options tune a Store.
type Options struct {
	// MaxSize is the largest plaintext accepted, in bytes; 0 means 256 MiB.
	MaxSize int64
}

// Store is a directory of sealed blobs. It is safe for concurrent use:
// writes of the same address race harmlessly, each rename installing a
// complete, identical file.
type Store struct {
	dir   string
	aead  cipher.AEAD
	keyID [keyIDSize]byte
	max   int64
}

// Open opens (creating if needed) the store in dir with key.
func Open(dir string, key Key, opt Options) (*Store, error) {
	if err := os.MkdirAll(filepath.Join(dir, tmpDir), 0o700); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	s := &Store{dir: dir, aead: aead, max: opt.MaxSize}
	if s.max <= 0 {
		s.max = 256 << 20
	}
	id := sha256.Sum256(append([]byte("motcua blob key"), key[:]...))
	copy(s.keyID[:], id[:])
	return s, nil
}

func (s *Store) path(a Address) string {
	h := a.String()
	return filepath.Join(s.dir, h[:2], h)
}

// Put stores the content of r and returns its address. Content already
// stored is not written again, unless the stored copy is damaged, which Put
// then repairs. Errors: ErrTooLarge, or I/O.
func (s *Store) Put(r io.Reader) (Address, error) {
	b, err := io.ReadAll(io.LimitReader(r, s.max+1))
	if err != nil {
		return Address{}, fmt.Errorf("blob: read: %w", err)
	}
	return s.PutBytes(b)
}

// PutBytes is Put for content in memory.
func (s *Store) PutBytes(b []byte) (Address, error) {
	if int64(len(b)) > s.max {
		return Address{}, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, s.max)
	}
	a := Sum(b)
	switch err := s.Verify(a); {
	case err == nil:
		return a, nil
	case errors.Is(err, ErrWrongKey):
		// Sealed under an earlier key and still readable with it: leave it.
		return a, nil
	case !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrCorrupt):
		return a, err
	}
	if err := s.write(a, s.seal(a, b)); err != nil {
		return a, err
	}
	return a, nil
}

func (s *Store) seal(a Address, b []byte) []byte {
	out := make([]byte, headerSize, headerSize+len(b)+s.aead.Overhead())
	copy(out, magic)
	copy(out[len(magic):], s.keyID[:])
	nonce := out[len(magic)+keyIDSize : headerSize]
	rand.Read(nonce) // never fails (crypto/rand panics rather than return an error)
	return s.aead.Seal(out, nonce, b, s.ad(a))
}

// ad is the additional authenticated data: the header's fixed part and the
// address the blob is filed under.
func (s *Store) ad(a Address) []byte {
	ad := make([]byte, 0, len(magic)+keyIDSize+len(a))
	ad = append(ad, magic...)
	ad = append(ad, s.keyID[:]...)
	return append(ad, a[:]...)
}

// write installs sealed as the file of a: temporary file, fsync, rename,
// fsync of the directory.
func (s *Store) write(a Address, sealed []byte) error {
	final := s.path(a)
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	f, err := os.CreateTemp(filepath.Join(s.dir, tmpDir), "put-*")
	if err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op once renamed
	if _, err := f.Write(sealed); err != nil {
		f.Close()
		return fmt.Errorf("blob: write %s: %w", a, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("blob: sync %s: %w", a, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("blob: close %s: %w", a, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("blob: install %s: %w", a, err)
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable. Windows has no directory fsync;
// NTFS journals the rename itself.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("blob: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("blob: sync %s: %w", dir, err)
	}
	return nil
}

// Get returns the plaintext of the blob at a, after checking that it is
// authentic and hashes to a. Errors: ErrNotFound, ErrWrongKey, ErrCorrupt,
// ErrTooLarge, or I/O.
func (s *Store) Get(a Address) ([]byte, error) {
	f, err := os.Open(s.path(a))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, a)
	}
	if err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	defer f.Close()
	sealed, err := io.ReadAll(io.LimitReader(f, int64(headerSize)+s.max+int64(s.aead.Overhead())+1))
	if err != nil {
		return nil, fmt.Errorf("blob: read %s: %w", a, err)
	}
	if int64(len(sealed)) > int64(headerSize)+s.max+int64(s.aead.Overhead()) {
		return nil, fmt.Errorf("%w: %s", ErrTooLarge, a)
	}
	return s.open(a, sealed)
}

func (s *Store) open(a Address, sealed []byte) ([]byte, error) {
	if len(sealed) < headerSize+s.aead.Overhead() || string(sealed[:len(magic)]) != magic {
		return nil, fmt.Errorf("%w: %s: not a sealed blob", ErrCorrupt, a)
	}
	if !bytes.Equal(sealed[len(magic):len(magic)+keyIDSize], s.keyID[:]) {
		return nil, fmt.Errorf("%w: %s", ErrWrongKey, a)
	}
	nonce := sealed[len(magic)+keyIDSize : headerSize]
	plain, err := s.aead.Open(nil, nonce, sealed[headerSize:], s.ad(a))
	if err != nil {
		return nil, fmt.Errorf("%w: %s: authentication failed", ErrCorrupt, a)
	}
	if Sum(plain) != a {
		return nil, fmt.Errorf("%w: %s: content hashes to %s", ErrCorrupt, a, Sum(plain))
	}
	return plain, nil
}

// Has reports whether a blob is filed at a (without opening it).
func (s *Store) Has(a Address) (bool, error) {
	_, err := os.Stat(s.path(a))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("blob: %w", err)
	}
	return true, nil
}

// Verify opens the blob at a and checks it; nil means it is intact.
// Errors: as Get.
func (s *Store) Verify(a Address) error {
	_, err := s.Get(a)
	return err
}

// Problem is a blob that failed VerifyAll.
type Problem struct {
	Address Address
	Err     error
}

// VerifyAll checks every blob in the store and returns how many were
// intact and the ones that were not. Files that are not blobs (a stray name
// in the store) are reported as ErrCorrupt with a zero address.
func (s *Store) VerifyAll() (ok int, bad []Problem, err error) {
	err = filepath.WalkDir(s.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == tmpDir {
				return filepath.SkipDir
			}
			return nil
		}
		a, perr := ParseAddress(d.Name())
		if perr != nil || filepath.Base(filepath.Dir(path)) != d.Name()[:2] {
			bad = append(bad, Problem{Err: fmt.Errorf("%w: stray file %s", ErrCorrupt, path)})
			return nil
		}
		if verr := s.Verify(a); verr != nil {
			bad = append(bad, Problem{Address: a, Err: verr})
		} else {
			ok++
		}
		return nil
	})
	return ok, bad, err
}

// NewKey makes a random key.
func NewKey() Key {
	var k Key
	rand.Read(k[:])
	return k
}

// CreateKeyFile writes a new random key to path — sealed for this
// machine by keyfile (DPAPI on Windows; owner-only 0600 elsewhere) — and
// refuses to overwrite an existing file (the error wraps fs.ErrExist):
// replacing a key makes every blob sealed with it unreadable.
func CreateKeyFile(path string) (Key, error) {
	k := NewKey()
	if err := keyfile.CreateKeyFile(path, []byte(base64.StdEncoding.EncodeToString(k[:])+"\n")); err != nil {
		return Key{}, fmt.Errorf("blob: create key file: %w", err)
	}
	return k, nil
}

// LoadKeyFile reads a key written by CreateKeyFile (or a legacy plain key
// file, which it seals on Windows). A missing file wraps fs.ErrNotExist; a
// file that does not open here is keyfile's coded ErrSealed — never a
// reason to make a new key.
func LoadKeyFile(path string) (Key, error) {
	b, err := keyfile.ReadKeyFile(path)
	if err != nil {
		return Key{}, fmt.Errorf("blob: read key file: %w", err)
	}
	return parseKey(b, path)
}

// parseKey reads the plain content of a key file (base64 of 32 bytes).
func parseKey(b []byte, name string) (Key, error) {
	var k Key
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(raw) != len(k) {
		return Key{}, fmt.Errorf("blob: key file %s is damaged: want base64 of %d bytes", name, len(k))
	}
	copy(k[:], raw)
	return k, nil
}
