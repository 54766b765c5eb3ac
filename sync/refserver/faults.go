package refserver

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"motcua/sync/province"
)

// Faults are the switches that make the server a hostile peer. Rates are
// probabilities per request (0–1). They apply to /auth, /api, /health and
// /files/, never to /admin.
type Faults struct {
	// ErrorRate answers HTTP 500 {"error_code":"99"} without doing anything.
	ErrorRate float64 `json:"error_rate"`
	// DropRate closes the connection without an answer: half of the time
	// before doing anything (after reading part of the request), half
	// after doing the work — the answer is lost but the data is stored,
	// the case idempotent receipt exists for.
	DropRate float64 `json:"drop_rate"`
	// UploadDropRate cuts a tus PATCH after part of its body has been
	// stored, then closes the connection.
	UploadDropRate float64 `json:"upload_drop_rate"`
	// BurstRate starts a burst of BurstLen consecutive 503 answers.
	BurstRate float64 `json:"burst_rate"`
	BurstLen  int     `json:"burst_len"`
	// ExpireRate ends every session before handling an API call, which
	// then answers "02".
	ExpireRate float64 `json:"expire_rate"`
	// Latency is added before handling, plus up to Jitter at random.
	Latency Duration `json:"latency"`
	Jitter  Duration `json:"jitter"`
	// SlowBPS throttles answers to this many bytes per second (0 = off).
	SlowBPS int `json:"slow_bps"`
	// HTMLRate answers 200 with an HTML login page, as a captive portal does.
	HTMLRate float64 `json:"html_rate"`
}

// Duration is a time.Duration that reads and writes as "250ms".
type Duration time.Duration

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n int64
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("thời lượng phải là chuỗi như \"250ms\": %s", b)
		}
		*d = Duration(n)
		return nil
	}
	v, err := time.ParseDuration(s)
	*d = Duration(v)
	return err
}

// Validate checks the rates are probabilities.
func (f Faults) Validate() error {
	for name, r := range map[string]float64{"error_rate": f.ErrorRate, "drop_rate": f.DropRate,
		"upload_drop_rate": f.UploadDropRate, "burst_rate": f.BurstRate, "expire_rate": f.ExpireRate, "html_rate": f.HTMLRate} {
		if r < 0 || r > 1 {
			return fmt.Errorf("%s = %v: phải trong khoảng 0–1", name, r)
		}
	}
	if f.BurstLen < 0 || f.SlowBPS < 0 || f.Latency < 0 || f.Jitter < 0 {
		return fmt.Errorf("burst_len, slow_bps, latency, jitter không được âm")
	}
	return nil
}

// FaultStats count what the switches did.
type FaultStats struct {
	Errors      int64 `json:"errors"`
	DropsBefore int64 `json:"drops_before"`
	DropsAfter  int64 `json:"drops_after"`
	UploadDrops int64 `json:"upload_drops"`
	Burst5xx    int64 `json:"burst_5xx"`
	Expiries    int64 `json:"expiries"`
	HTML        int64 `json:"html"`
}

type faultState struct {
	mu    sync.Mutex
	f     Faults
	rng   *rand.Rand
	burst int

	errors, dropsBefore, dropsAfter, uploadDrops, burst5xx, expiries, html atomic.Int64
}

func newFaultState(f Faults, seed uint64) *faultState {
	if seed == 0 {
		seed = rand.Uint64()
	}
	return &faultState{f: f, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (s *faultState) get() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.f
}

func (s *faultState) set(f Faults) {
	s.mu.Lock()
	s.f = f
	s.burst = 0
	s.mu.Unlock()
}

func (s *faultState) stats() FaultStats {
	return FaultStats{Errors: s.errors.Load(), DropsBefore: s.dropsBefore.Load(), DropsAfter: s.dropsAfter.Load(),
		UploadDrops: s.uploadDrops.Load(), Burst5xx: s.burst5xx.Load(), Expiries: s.expiries.Load(), HTML: s.html.Load()}
}

func (s *faultState) roll(p float64) bool {
	if p <= 0 {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rng.Float64() < p
}

func (s *faultState) expireNow() bool {
	if s.roll(s.get().ExpireRate) {
		s.expiries.Add(1)
		return true
	}
	return false
}

// inBurst reports whether this request falls in a 503 burst.
func (s *faultState) inBurst() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.burst == 0 && s.f.BurstRate > 0 && s.rng.Float64() < s.f.BurstRate {
		s.burst = max(s.f.BurstLen, 1)
	}
	if s.burst > 0 {
		s.burst--
		return true
	}
	return false
}

func (s *faultState) delay() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := time.Duration(s.f.Latency)
	if s.f.Jitter > 0 {
		d += time.Duration(s.rng.Int64N(int64(s.f.Jitter)))
	}
	return d
}

const captivePage = `<!DOCTYPE html><html><head><title>Đăng nhập Wi-Fi</title></head>
<body><form action="/login"><p>Vui lòng đăng nhập để sử dụng Internet</p></form></body></html>`

func (s *faultState) middleware(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := s.get()
		if d := s.delay(); d > 0 {
			select {
			case <-time.After(d):
			case <-r.Context().Done():
				return
			}
		}
		if f.SlowBPS > 0 {
			w = &slowWriter{ResponseWriter: w, bps: f.SlowBPS}
		}
		switch {
		case s.roll(f.HTMLRate):
			s.html.Add(1)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, captivePage)
			return
		case s.inBurst():
			s.burst5xx.Add(1)
			w.Header().Set("Retry-After", "1")
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>")
			return
		case s.roll(f.ErrorRate):
			s.errors.Add(1)
			fail(w, http.StatusInternalServerError, province.CodeInternal, "Lỗi máy chủ (giả lập)")
			return
		}
		if r.Method == http.MethodPatch && strings.HasPrefix(r.URL.Path, "/files/") && s.roll(f.UploadDropRate) {
			// Store part of the chunk, then hang up.
			s.uploadDrops.Add(1)
			n := max(r.ContentLength/2, 1)
			r.Body = io.NopCloser(&cutReader{r: r.Body, n: n})
			h.ServeHTTP(&abortWriter{w: w}, r)
			return
		}
		if s.roll(f.DropRate) {
			if s.roll(0.5) {
				s.dropsBefore.Add(1)
				io.CopyN(io.Discard, r.Body, max(r.ContentLength/2, 0))
				abort(w)
				return
			}
			s.dropsAfter.Add(1)
			h.ServeHTTP(&abortWriter{w: w}, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// abort closes the client connection without an answer: hijack and close
// on HTTP/1, a stream reset on HTTP/2.
func abort(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			panic(http.ErrAbortHandler) // stop the handler; net/http stays quiet
		}
	}
	panic(http.ErrAbortHandler)
}

// abortWriter lets the handler do its work and hangs up when it answers.
type abortWriter struct{ w http.ResponseWriter }

func (a *abortWriter) Header() http.Header       { return a.w.Header() }
func (a *abortWriter) WriteHeader(int)           { abort(unwrapAll(a.w)) }
func (a *abortWriter) Write([]byte) (int, error) { abort(unwrapAll(a.w)); return 0, nil }

func unwrapAll(w http.ResponseWriter) http.ResponseWriter {
	for {
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return w
		}
		w = u.Unwrap()
	}
}

// cutReader yields n bytes and then fails like a dropped connection.
type cutReader struct {
	r io.Reader
	n int64
}

func (c *cutReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if int64(len(p)) > c.n {
		p = p[:c.n]
	}
	n, err := c.r.Read(p)
	c.n -= int64(n)
	return n, err
}

// slowWriter trickles the answer out.
type slowWriter struct {
	http.ResponseWriter
	bps int
}

func (s *slowWriter) Write(b []byte) (int, error) {
	chunk := max(s.bps/10, 1)
	written := 0
	for len(b) > 0 {
		n := min(chunk, len(b))
		m, err := s.ResponseWriter.Write(b[:n])
		written += m
		if err != nil {
			return written, err
		}
		if f, ok := s.ResponseWriter.(http.Flusher); ok {
			f.Flush()
		}
		b = b[n:]
		time.Sleep(time.Duration(n) * time.Second / time.Duration(s.bps))
	}
	return written, nil
}

func (s *slowWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// ParseFaults applies "key=value" settings (keys as in the JSON form, e.g.
// error_rate=0.2 latency=150ms burst_len=5) to f.
func ParseFaults(f Faults, settings []string) (Faults, error) {
	m := map[string]any{}
	b, _ := json.Marshal(f)
	json.Unmarshal(b, &m)
	for _, kv := range settings {
		k, v, ok := strings.Cut(kv, "=")
		if _, known := m[k]; !ok || !known {
			return f, fmt.Errorf("«%s»: cần dạng khóa=giá_trị với khóa là một trong %s", kv, faultKeys(m))
		}
		switch m[k].(type) {
		case string:
			m[k] = v
		default:
			var n float64
			if _, err := fmt.Sscan(v, &n); err != nil {
				return f, fmt.Errorf("«%s»: giá trị phải là số", kv)
			}
			m[k] = n
		}
	}
	b, _ = json.Marshal(m)
	var out Faults
	if err := json.Unmarshal(b, &out); err != nil {
		return f, err
	}
	return out, out.Validate()
}

func faultKeys(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ", ")
}
