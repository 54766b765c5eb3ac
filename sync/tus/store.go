package tus

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sync"
)

// Store keeps uploads for the server handler.
type Store interface {
	// Create registers a new empty upload.
	Create(ctx context.Context, length int64, meta Metadata) (Info, error)
	// Info returns the upload. Errors: ErrNotFound.
	Info(ctx context.Context, id string) (Info, error)
	// Append writes r at offset, which must equal the stored offset
	// (ErrOffset otherwise), never past the declared length. It keeps every
	// byte received even when r fails midway, so the client resumes from
	// there, and returns the new info. When the last byte arrives it hashes
	// the file; if the declared sha256 differs the upload is discarded and
	// ErrChecksum returned.
	Append(ctx context.Context, id string, offset int64, r io.Reader) (Info, error)
	// Open reads a completed upload.
	Open(ctx context.Context, id string) (io.ReadCloser, Info, error)
}

// FileStore keeps each upload as two files in a directory: id.bin (the
// bytes; its size is the offset, so a crash never loses track of what
// arrived) and id.json (length, metadata, verified hash).
type FileStore struct {
	Dir string

	mu    sync.Mutex
	locks map[string]bool
}

var _ Store = (*FileStore)(nil)

var idPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// NewFileStore creates dir if needed.
func NewFileStore(dir string) (*FileStore, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("thư mục tệp tải lên: %w", err)
	}
	return &FileStore{Dir: dir, locks: map[string]bool{}}, nil
}

func (s *FileStore) path(id, ext string) string { return filepath.Join(s.Dir, id+ext) }

func (s *FileStore) Create(_ context.Context, length int64, meta Metadata) (Info, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return Info{}, err
	}
	info := Info{ID: hex.EncodeToString(b[:]), Length: length, Meta: meta}
	f, err := os.OpenFile(s.path(info.ID, ".bin"), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return Info{}, err
	}
	if err := f.Close(); err != nil {
		return Info{}, err
	}
	if err := s.writeInfo(info); err != nil {
		return Info{}, err
	}
	if length == 0 {
		return s.finish(info)
	}
	return info, nil
}

func (s *FileStore) writeInfo(info Info) error {
	b, err := json.Marshal(info)
	if err != nil {
		return err
	}
	tmp := s.path(info.ID, ".json.tmp")
	if err := os.WriteFile(tmp, b, 0o640); err != nil {
		return err
	}
	return os.Rename(tmp, s.path(info.ID, ".json"))
}

func (s *FileStore) Info(_ context.Context, id string) (Info, error) {
	if !idPattern.MatchString(id) {
		return Info{}, ErrNotFound
	}
	b, err := os.ReadFile(s.path(id, ".json"))
	if errors.Is(err, os.ErrNotExist) {
		return Info{}, ErrNotFound
	}
	if err != nil {
		return Info{}, err
	}
	var info Info
	if err := json.Unmarshal(b, &info); err != nil {
		return Info{}, fmt.Errorf("tus: %s.json: %w", id, err)
	}
	st, err := os.Stat(s.path(id, ".bin"))
	if errors.Is(err, os.ErrNotExist) {
		return Info{}, ErrNotFound
	}
	if err != nil {
		return Info{}, err
	}
	info.Offset = st.Size()
	return info, nil
}

func (s *FileStore) lock(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.locks[id] {
		return false
	}
	s.locks[id] = true
	return true
}

func (s *FileStore) unlock(id string) {
	s.mu.Lock()
	delete(s.locks, id)
	s.mu.Unlock()
}

func (s *FileStore) Append(ctx context.Context, id string, offset int64, r io.Reader) (Info, error) {
	if !s.lock(id) {
		return Info{}, ErrBusy
	}
	defer s.unlock(id)
	info, err := s.Info(ctx, id)
	if err != nil {
		return Info{}, err
	}
	if info.Offset != offset {
		return info, ErrOffset
	}
	if info.Done() {
		return info, nil
	}
	f, err := os.OpenFile(s.path(id, ".bin"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return Info{}, err
	}
	n, copyErr := io.Copy(f, io.LimitReader(r, info.Length-info.Offset))
	syncErr := f.Sync()
	closeErr := f.Close()
	info.Offset += n
	if err := errors.Join(syncErr, closeErr); err != nil {
		return info, err
	}
	if copyErr != nil {
		return info, copyErr
	}
	if info.Offset == info.Length {
		return s.finish(info)
	}
	return info, nil
}

// finish hashes a complete upload and checks the declared hash.
func (s *FileStore) finish(info Info) (Info, error) {
	f, err := os.Open(s.path(info.ID, ".bin"))
	if err != nil {
		return info, err
	}
	h := sha256.New()
	_, err = io.Copy(h, f)
	f.Close()
	if err != nil {
		return info, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if want := info.Meta[MetaSHA256]; want != "" && want != sum {
		os.Remove(s.path(info.ID, ".json"))
		os.Remove(s.path(info.ID, ".bin"))
		return info, fmt.Errorf("%w: khai báo %s, nhận được %s", ErrChecksum, want, sum)
	}
	info.SHA256 = sum
	return info, s.writeInfo(info)
}

func (s *FileStore) Open(ctx context.Context, id string) (io.ReadCloser, Info, error) {
	info, err := s.Info(ctx, id)
	if err != nil {
		return nil, Info{}, err
	}
	if !info.Done() {
		return nil, info, fmt.Errorf("tus: upload %s incomplete (%d/%d bytes)", id, info.Offset, info.Length)
	}
	f, err := os.Open(s.path(id, ".bin"))
	return f, info, err
}
