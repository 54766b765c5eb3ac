package tus_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"motcua/sync/tus"
)

func newServer(tb testing.TB, maxSize int64, wrap func(http.Handler) http.Handler) (*httptest.Server, *tus.FileStore) {
	tb.Helper()
	st, err := tus.NewFileStore(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	var h http.Handler = &tus.Handler{Store: st, BasePath: "/files/", MaxSize: maxSize}
	if wrap != nil {
		h = wrap(h)
	}
	mux := http.NewServeMux()
	mux.Handle("/files/", h)
	srv := httptest.NewServer(mux)
	tb.Cleanup(srv.Close)
	return srv, st
}

func file(n int, seed uint64) ([]byte, tus.Upload) {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, 1))
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	sum := sha256.Sum256(b)
	return b, tus.Upload{Name: "scan.pdf", Size: int64(n), SHA256: hex.EncodeToString(sum[:]),
		Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }}
}

func download(t *testing.T, u string) []byte {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
	b, _ := io.ReadAll(resp.Body)
	return b
}

func TestUpload(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		srv, _ := newServer(t, 0, nil)
		b, u := file(300_000, 1)
		c := &tus.Client{HTTP: srv.Client(), Endpoint: srv.URL + "/files/", ChunkSize: 64 << 10}
		loc, err := c.Upload(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(loc, srv.URL+"/files/") {
			t.Fatalf("location %q is not absolute", loc)
		}
		if got := download(t, loc); !bytes.Equal(got, b) {
			t.Fatal("downloaded bytes differ")
		}
		// A second upload of the same file reuses the finished one.
		loc2, err := c.Upload(context.Background(), u)
		if err != nil || loc2 != loc {
			t.Fatalf("re-upload: %q, %v; want %q", loc2, err, loc)
		}
	})
	t.Run("Empty", func(t *testing.T) {
		srv, _ := newServer(t, 0, nil)
		_, u := file(0, 1)
		c := &tus.Client{HTTP: srv.Client(), Endpoint: srv.URL + "/files/"}
		if _, err := c.Upload(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ResumesAfterDrops", func(t *testing.T) {
		// Every other PATCH is cut after a few kilobytes and the connection
		// closed without an answer, as a failing 3G link does.
		var patches atomic.Int64
		srv, _ := newServer(t, 0, func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPatch && patches.Add(1)%2 == 1 {
					r.Body = io.NopCloser(&cutReader{r: r.Body, n: 5000})
					h.ServeHTTP(abortWriter{w}, r)
					return
				}
				h.ServeHTTP(w, r)
			})
		})
		b, u := file(200_000, 2)
		c := &tus.Client{HTTP: srv.Client(), Endpoint: srv.URL + "/files/", ChunkSize: 50_000, Retries: 100}
		loc, err := c.Upload(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		if got := download(t, loc); !bytes.Equal(got, b) {
			t.Fatal("downloaded bytes differ")
		}
		if patches.Load() < 8 {
			t.Fatalf("only %d PATCH requests: the drops did not happen", patches.Load())
		}
	})
	t.Run("ResumesAcrossClients", func(t *testing.T) {
		// The first process dies after one chunk; the next one, with the
		// same URL file, continues from the server's offset.
		var patched atomic.Int64
		srv, _ := newServer(t, 0, func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPatch {
					patched.Add(r.ContentLength)
				}
				h.ServeHTTP(w, r)
			})
		})
		urls := filepath.Join(t.TempDir(), "uploads.json")
		b, u := file(100_000, 3)
		first := u
		first.Open = func(context.Context) (io.ReadCloser, error) {
			return io.NopCloser(io.MultiReader(bytes.NewReader(b[:40_000]), errReader{})), nil
		}
		s1, _ := tus.OpenFileURLStore(urls)
		c1 := &tus.Client{HTTP: srv.Client(), Endpoint: srv.URL + "/files/", ChunkSize: 40_000, URLs: s1, Retries: 1}
		if _, err := c1.Upload(context.Background(), first); err == nil {
			t.Fatal("first upload should fail")
		}
		s2, _ := tus.OpenFileURLStore(urls)
		c2 := &tus.Client{HTTP: srv.Client(), Endpoint: srv.URL + "/files/", ChunkSize: 40_000, URLs: s2}
		loc, err := c2.Upload(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		if got := download(t, loc); !bytes.Equal(got, b) {
			t.Fatal("downloaded bytes differ")
		}
		if p := patched.Load(); p > 140_000 {
			t.Fatalf("%d bytes PATCHed for a 100 kB file: the upload restarted instead of resuming", p)
		}
	})
	t.Run("ErrChecksum", func(t *testing.T) {
		srv, _ := newServer(t, 0, nil)
		_, u := file(10_000, 4)
		u.SHA256 = strings.Repeat("ab", 32) // the record says another file
		c := &tus.Client{HTTP: srv.Client(), Endpoint: srv.URL + "/files/"}
		_, err := c.Upload(context.Background(), u)
		var te *tus.Error
		if !errors.As(err, &te) || te.Status != tus.StatusChecksumBad || !te.Permanent {
			t.Fatalf("err = %v; want a permanent 460", err)
		}
		if !strings.Contains(err.Error(), "bị hỏng") {
			t.Fatalf("message %q should say the local file is corrupt", err)
		}
	})
	t.Run("ErrTooLarge", func(t *testing.T) {
		srv, _ := newServer(t, 1000, nil)
		_, u := file(2000, 5)
		c := &tus.Client{HTTP: srv.Client(), Endpoint: srv.URL + "/files/"}
		_, err := c.Upload(context.Background(), u)
		var te *tus.Error
		if !errors.As(err, &te) || te.Status != http.StatusRequestEntityTooLarge || !te.Permanent {
			t.Fatalf("err = %v; want a permanent 413", err)
		}
	})
}

func TestProtocol(t *testing.T) {
	srv, _ := newServer(t, 1<<20, nil)
	do := func(method, path string, hdr map[string]string, body string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp := do("OPTIONS", "/files/", nil, "")
	if resp.Header.Get("Tus-Version") != "1.0.0" || resp.Header.Get("Tus-Max-Size") != "1048576" ||
		!strings.Contains(resp.Header.Get("Tus-Extension"), "creation") {
		t.Fatalf("OPTIONS headers: %v", resp.Header)
	}
	if r := do("POST", "/files/", map[string]string{"Upload-Length": "5"}, ""); r.StatusCode != http.StatusPreconditionFailed {
		t.Fatalf("POST without Tus-Resumable: %d", r.StatusCode)
	}
	tr := map[string]string{"Tus-Resumable": "1.0.0"}
	if r := do("POST", "/files/", tr, ""); r.StatusCode != http.StatusBadRequest {
		t.Fatalf("POST without Upload-Length: %d", r.StatusCode)
	}
	resp = do("POST", "/files/", map[string]string{"Tus-Resumable": "1.0.0", "Upload-Length": "5",
		"Upload-Metadata": tus.Metadata{"filename": "a.txt"}.Encode()}, "")
	if resp.StatusCode != http.StatusCreated || resp.Header.Get("Tus-Resumable") != "1.0.0" {
		t.Fatalf("POST: %d %v", resp.StatusCode, resp.Header)
	}
	loc := resp.Header.Get("Location")
	patch := func(off int, ct, body string) *http.Response {
		return do("PATCH", loc, map[string]string{"Tus-Resumable": "1.0.0", "Content-Type": ct,
			"Upload-Offset": strconv.Itoa(off)}, body)
	}
	if r := patch(0, "text/plain", "he"); r.StatusCode != http.StatusUnsupportedMediaType {
		t.Fatalf("PATCH with wrong type: %d", r.StatusCode)
	}
	if r := patch(0, tus.ContentType, "he"); r.StatusCode != http.StatusNoContent || r.Header.Get("Upload-Offset") != "2" {
		t.Fatalf("PATCH: %d offset %s", r.StatusCode, r.Header.Get("Upload-Offset"))
	}
	if r := patch(0, tus.ContentType, "he"); r.StatusCode != http.StatusConflict {
		t.Fatalf("PATCH at a stale offset: %d", r.StatusCode)
	}
	if r := patch(2, tus.ContentType, "llo, and more than declared"); r.StatusCode != http.StatusNoContent || r.Header.Get("Upload-Offset") != "5" {
		t.Fatalf("last PATCH: %d offset %s", r.StatusCode, r.Header.Get("Upload-Offset"))
	}
	r := do("HEAD", loc, tr, "")
	sum := sha256.Sum256([]byte("hello"))
	if r.StatusCode != 200 || r.Header.Get("Upload-Offset") != "5" || r.Header.Get("Upload-Length") != "5" ||
		r.Header.Get("Cache-Control") != "no-store" || r.Header.Get(tus.HeaderSHA256) != hex.EncodeToString(sum[:]) {
		t.Fatalf("HEAD: %d %v", r.StatusCode, r.Header)
	}
	if r := do("HEAD", "/files/0123456789abcdef0123456789abcdef", tr, ""); r.StatusCode != http.StatusNotFound {
		t.Fatalf("HEAD unknown: %d", r.StatusCode)
	}
	if r := do("HEAD", "/files/..%2f..%2fetc", tr, ""); r.StatusCode != http.StatusNotFound {
		t.Fatalf("HEAD traversal: %d", r.StatusCode)
	}
}

func FuzzParseMetadata(f *testing.F) {
	f.Add("filename d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==,is_confidential")
	f.Add("a  ,b")
	f.Fuzz(func(t *testing.T, h string) {
		m, err := tus.ParseMetadata(h)
		if err != nil {
			return
		}
		back, err := tus.ParseMetadata(m.Encode())
		if err != nil || len(back) != len(m) {
			t.Fatalf("round trip of %q: %v %v", h, back, err)
		}
		for k, v := range m {
			if back[k] != v {
				t.Fatalf("key %q: %q != %q", k, back[k], v)
			}
		}
	})
}

// cutReader yields n bytes, then fails as a dropped connection does.
type cutReader struct {
	r io.Reader
	n int
}

func (c *cutReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if len(p) > c.n {
		p = p[:c.n]
	}
	n, err := c.r.Read(p)
	c.n -= n
	return n, err
}

// abortWriter closes the connection instead of answering.
type abortWriter struct{ http.ResponseWriter }

func (abortWriter) WriteHeader(int)           { panic(http.ErrAbortHandler) }
func (abortWriter) Write([]byte) (int, error) { panic(http.ErrAbortHandler) }

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk unplugged") }
