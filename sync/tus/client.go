package tus

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Upload is one file to send. Open is called again for every resume, so a
// content-addressed, encrypted blob can be streamed rather than held in
// memory; if the reader is an io.Seeker the client seeks, otherwise it
// skips the bytes the server already has.
type Upload struct {
	Name   string
	Size   int64
	SHA256 string // hex; declared to the server, which checks it
	Open   func(ctx context.Context) (io.ReadCloser, error)
}

// Fingerprint identifies the file for the URL store.
func (u Upload) Fingerprint() string { return u.SHA256 + ":" + strconv.FormatInt(u.Size, 10) }

// URLStore remembers the upload URL of each file so that an upload resumes
// after the process restarts (tus-js-client calls this urlStorage).
type URLStore interface {
	Get(fingerprint string) (string, bool)
	Put(fingerprint, url string) error
	Delete(fingerprint string) error
}

// Client uploads files to a tus server.
type Client struct {
	HTTP     *http.Client
	Endpoint string // creation URL, e.g. https://host/files/
	// Header adds per-request headers (authorisation). It may be nil.
	Header    func(ctx context.Context, h http.Header) error
	ChunkSize int64         // bytes per PATCH; default 1 MiB
	Timeout   time.Duration // per request; default 60 s
	URLs      URLStore      // default: in memory
	// Retries is how many times one Upload call resumes after a failed
	// PATCH before giving up (the caller's backoff takes over); default 3.
	Retries int
	// RetryDelay is the first pause between resumes; default 50 ms.
	RetryDelay time.Duration

	init sync.Once
}

func (c *Client) retryDelay() time.Duration {
	if c.RetryDelay > 0 {
		return c.RetryDelay
	}
	return 50 * time.Millisecond
}

func (c *Client) chunk() int64 {
	if c.ChunkSize > 0 {
		return c.ChunkSize
	}
	return 1 << 20
}

func (c *Client) urls() URLStore {
	c.init.Do(func() {
		if c.URLs == nil {
			c.URLs = NewMemoryURLStore()
		}
	})
	return c.URLs
}

// Upload sends u, resuming an upload started earlier for the same file,
// and returns its URL once the server confirms it holds every byte with
// the declared SHA-256.
func (c *Client) Upload(ctx context.Context, u Upload) (string, error) {
	fp := u.Fingerprint()
	loc, ok := c.urls().Get(fp)
	var off int64
	if ok {
		info, err := c.head(ctx, loc)
		var te *Error
		switch {
		case errors.As(err, &te) && (te.Status == http.StatusNotFound || te.Status == http.StatusGone):
			ok = false // the server forgot it: start again
		case err != nil:
			return "", err
		case info.Length != u.Size:
			ok = false
		case info.Done():
			return c.confirm(loc, info, u)
		default:
			off = info.Offset
		}
	}
	if !ok {
		var err error
		if loc, err = c.create(ctx, u); err != nil {
			return "", err
		}
		if err := c.urls().Put(fp, loc); err != nil {
			return "", fmt.Errorf("ghi địa chỉ tải lên: %w", err)
		}
	}
	retries := c.Retries
	if retries <= 0 {
		retries = 3
	}
	for attempt := 0; ; attempt++ {
		info, err := c.send(ctx, loc, off, u)
		if err == nil {
			return c.confirm(loc, info, u)
		}
		var te *Error
		if errors.As(err, &te) && te.Status == StatusChecksumBad {
			c.urls().Delete(fp)
			return "", c.checksumError(ctx, u, te)
		}
		if errors.As(err, &te) && te.Permanent || attempt >= retries || ctx.Err() != nil {
			return "", err
		}
		// Ask where the server got to and go on from there — at once the
		// first time, since a cut connection is the usual cause; after a
		// pause when the server is still busy with the cut request (423)
		// or the failures repeat.
		if attempt > 0 || errors.As(err, &te) && te.Status == http.StatusLocked {
			select {
			case <-ctx.Done():
				return "", ctx.Err()
			case <-time.After(min(c.retryDelay()<<attempt, 2*time.Second)):
			}
		}
		info, herr := c.head(ctx, loc)
		if herr != nil {
			if errors.As(herr, &te) && (te.Status == http.StatusNotFound || te.Status == http.StatusGone) {
				c.urls().Delete(fp)
			}
			return "", herr
		}
		if info.Done() {
			return c.confirm(loc, info, u)
		}
		off = info.Offset
	}
}

func (c *Client) confirm(loc string, info Info, u Upload) (string, error) {
	if u.SHA256 != "" && !strings.EqualFold(info.SHA256, u.SHA256) {
		c.urls().Delete(u.Fingerprint())
		return "", &Error{Op: "head", Msg: fmt.Sprintf("máy chủ giữ tệp có SHA-256 %s, khác %s", info.SHA256, u.SHA256)}
	}
	return loc, nil
}

// checksumError tells a corrupt local file (permanent) from a transfer
// that went wrong (worth another try).
func (c *Client) checksumError(ctx context.Context, u Upload, te *Error) error {
	rc, err := u.Open(ctx)
	if err != nil {
		return te
	}
	defer rc.Close()
	h := sha256.New()
	if _, err := io.Copy(h, rc); err != nil {
		return te
	}
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, u.SHA256) {
		return &Error{Op: "patch", Status: te.Status, Permanent: true,
			Msg: fmt.Sprintf("tệp «%s» trên máy đã bị hỏng: SHA-256 là %s, hồ sơ ghi %s", u.Name, got, u.SHA256)}
	}
	return te
}

func (c *Client) timeout() time.Duration {
	if c.Timeout > 0 {
		return c.Timeout
	}
	return 60 * time.Second
}

func (c *Client) do(ctx context.Context, op, method, u string, body io.Reader, hdr func(http.Header)) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout())
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		cancel()
		return nil, &Error{Op: op, Permanent: true, Err: err}
	}
	req.Header.Set(HeaderResumable, Version)
	if hdr != nil {
		hdr(req.Header)
	}
	if c.Header != nil {
		if err := c.Header(ctx, req.Header); err != nil {
			cancel()
			return nil, err
		}
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		cancel()
		return nil, &Error{Op: op, Err: err}
	}
	resp.Body = cancelOnClose{resp.Body, cancel}
	return resp, nil
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c cancelOnClose) Close() error { err := c.ReadCloser.Close(); c.cancel(); return err }

func statusError(op string, resp *http.Response) error {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	msg := strings.TrimSpace(string(b))
	if strings.Contains(resp.Header.Get("Content-Type"), "html") {
		msg = "máy chủ trả về trang HTML (cổng đăng nhập Wi-Fi hoặc proxy?)"
	}
	return &Error{Op: op, Status: resp.StatusCode, Msg: msg,
		Permanent: resp.StatusCode == http.StatusRequestEntityTooLarge || resp.StatusCode == http.StatusBadRequest ||
			resp.StatusCode == http.StatusUnsupportedMediaType || resp.StatusCode == http.StatusForbidden}
}

func (c *Client) create(ctx context.Context, u Upload) (string, error) {
	meta := Metadata{MetaFilename: u.Name}
	if u.SHA256 != "" {
		meta[MetaSHA256] = strings.ToLower(u.SHA256)
	}
	resp, err := c.do(ctx, "create", http.MethodPost, c.Endpoint, nil, func(h http.Header) {
		h.Set(HeaderLength, strconv.FormatInt(u.Size, 10))
		h.Set(HeaderMetadata, meta.Encode())
	})
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return "", statusError("create", resp)
	}
	base, err := url.Parse(c.Endpoint)
	if err != nil {
		return "", &Error{Op: "create", Permanent: true, Err: err}
	}
	loc, err := base.Parse(resp.Header.Get("Location"))
	if err != nil || resp.Header.Get("Location") == "" {
		return "", &Error{Op: "create", Msg: "máy chủ không trả về Location"}
	}
	return loc.String(), nil
}

func (c *Client) head(ctx context.Context, loc string) (Info, error) {
	resp, err := c.do(ctx, "head", http.MethodHead, loc, nil, nil)
	if err != nil {
		return Info{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Info{}, statusError("head", resp)
	}
	return readInfo("head", resp.Header)
}

func readInfo(op string, h http.Header) (Info, error) {
	off, err1 := strconv.ParseInt(h.Get(HeaderOffset), 10, 64)
	length, err2 := strconv.ParseInt(h.Get(HeaderLength), 10, 64)
	if err1 != nil || (err2 != nil && h.Get(HeaderLength) != "") {
		return Info{}, &Error{Op: op, Msg: "máy chủ trả Upload-Offset/Upload-Length sai dạng"}
	}
	if h.Get(HeaderLength) == "" {
		length = -1
	}
	return Info{Offset: off, Length: length, SHA256: h.Get(HeaderSHA256)}, nil
}

// send PATCHes from off to the end, one chunk per request.
func (c *Client) send(ctx context.Context, loc string, off int64, u Upload) (Info, error) {
	rc, err := u.Open(ctx)
	if err != nil {
		return Info{}, &Error{Op: "patch", Permanent: true, Msg: "không mở được tệp trên máy", Err: err}
	}
	defer rc.Close()
	if err := skip(rc, off); err != nil {
		return Info{}, &Error{Op: "patch", Permanent: true, Msg: "không đọc được tệp trên máy", Err: err}
	}
	for {
		n := min(c.chunk(), u.Size-off)
		resp, err := c.do(ctx, "patch", http.MethodPatch, loc, io.LimitReader(rc, n), func(h http.Header) {
			h.Set("Content-Type", ContentType)
			h.Set(HeaderOffset, strconv.FormatInt(off, 10))
		})
		if err != nil {
			return Info{}, err
		}
		if resp.StatusCode != http.StatusNoContent {
			err := statusError("patch", resp)
			resp.Body.Close()
			return Info{}, err
		}
		info, err := readInfo("patch", resp.Header)
		resp.Body.Close()
		if err != nil {
			return Info{}, err
		}
		if info.Offset != off+n {
			return Info{}, &Error{Op: "patch", Msg: fmt.Sprintf("máy chủ nhận đến byte %d, chờ %d", info.Offset, off+n)}
		}
		off = info.Offset
		if off >= u.Size {
			if info.Length < 0 {
				info.Length = u.Size
			}
			return info, nil
		}
	}
}

func skip(r io.Reader, n int64) error {
	if n == 0 {
		return nil
	}
	if s, ok := r.(io.Seeker); ok {
		_, err := s.Seek(n, io.SeekStart)
		return err
	}
	_, err := io.CopyN(io.Discard, r, n)
	return err
}

// MemoryURLStore keeps upload URLs for the life of the process.
type MemoryURLStore struct {
	mu sync.Mutex
	m  map[string]string
}

func NewMemoryURLStore() *MemoryURLStore { return &MemoryURLStore{m: map[string]string{}} }

func (s *MemoryURLStore) Get(fp string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.m[fp]
	return u, ok
}

func (s *MemoryURLStore) Put(fp, u string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[fp] = u
	return nil
}

func (s *MemoryURLStore) Delete(fp string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, fp)
	return nil
}

// FileURLStore keeps upload URLs in a JSON file, rewritten atomically, so a
// restarted process resumes the uploads the last one started.
type FileURLStore struct {
	Path string

	mu sync.Mutex
	m  map[string]string
}

// OpenFileURLStore loads path, which may not exist yet.
func OpenFileURLStore(path string) (*FileURLStore, error) {
	s := &FileURLStore{Path: path, m: map[string]string{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &s.m); err != nil {
		// A torn file only costs re-uploads: start empty.
		s.m = map[string]string{}
	}
	return s, nil
}

func (s *FileURLStore) Get(fp string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.m[fp]
	return u, ok
}

func (s *FileURLStore) Put(fp, u string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[fp] = u
	return s.save()
}

func (s *FileURLStore) Delete(fp string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, fp)
	return s.save()
}

func (s *FileURLStore) save() error {
	b, err := json.Marshal(s.m)
	if err != nil {
		return err
	}
	tmp := s.Path + ".tmp"
	if err := os.MkdirAll(filepath.Dir(s.Path), 0o750); err != nil {
		return err
	}
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, s.Path)
}
