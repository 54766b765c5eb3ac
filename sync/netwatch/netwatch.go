// Package netwatch watches the connection to the province. It probes an
// endpoint that must echo a random nonce in a known JSON shape, so it can
// tell "the province answered" from "something answered 200" — a captive
// portal, a proxy's login page, an intercepting firewall — and publishes
// each change of state as an event. The UI, the continuity plan and the
// outbox worker subscribe.
package netwatch

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"motcua"
	"net/http"
	"net/url"
	"sync"
	"time"

	"motcua/sync/province"
)

// State is what the last probes found.
type State int

const (
	Unknown  State = iota // not probed yet
	Online                // the province answered the probe correctly
	Offline               // no answer at all: no link, DNS, refused, timeout
	Captive               // something else answered: captive portal, proxy, interception
	Degraded              // the province answered but is failing (5xx, error code)
)

func (s State) String() string {
	switch s {
	case Online:
		return "online"
	case Offline:
		return "offline"
	case Captive:
		return "captive"
	case Degraded:
		return "degraded"
	}
	return "unknown"
}

// Name is the Vietnamese label for the officer.
func (s State) Name() string {
	switch s {
	case Online:
		return "Đã kết nối hệ thống một cửa tỉnh"
	case Offline:
		return "Mất kết nối mạng tới hệ thống tỉnh"
	case Captive:
		return "Mạng cần đăng nhập (Wi-Fi/proxy) — chưa tới được hệ thống tỉnh"
	case Degraded:
		return "Hệ thống tỉnh đang lỗi"
	}
	return "Chưa kiểm tra kết nối"
}

// Result is one probe's finding.
type Result struct {
	State   State
	Detail  string // why, for the log and the tooltip
	Latency time.Duration
}

// Prober checks the province once.
type Prober interface {
	Probe(ctx context.Context) Result
}

// HTTPProber is the Prober for the reference protocol: GET URL?nonce=N must
// answer 200 with JSON {"service": Service, "nonce": N, "error_code": "00"}.
type HTTPProber struct {
	Client  *http.Client  // the sync client's, so proxy and CA settings match
	URL     string        // e.g. https://province/health
	Service string        // default province.HealthService
	Timeout time.Duration // default 10 s
}

// Probe implements Prober.
func (p *HTTPProber) Probe(ctx context.Context) Result {
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var b [12]byte
	rand.Read(b[:])
	nonce := hex.EncodeToString(b[:])
	u, err := url.Parse(p.URL)
	if err != nil {
		return Result{State: Offline, Detail: "địa chỉ kiểm tra sai: " + err.Error()}
	}
	q := u.Query()
	q.Set("nonce", nonce)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return Result{State: Offline, Detail: err.Error()}
	}
	req.Header.Set("Cache-Control", "no-cache")
	base := p.Client
	if base == nil {
		base = http.DefaultClient
	}
	// A portal redirects to its login page: look at the redirect, do not
	// follow it.
	c := *base
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	start := motcua.StartStopwatch()
	resp, err := c.Do(req)
	lat := start.Elapsed()
	if err != nil {
		return Result{State: classifyTransport(err), Detail: err.Error(), Latency: lat}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	r := Result{Latency: lat}
	ct := resp.Header.Get("Content-Type")
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		r.State, r.Detail = Captive, fmt.Sprintf("HTTP %d chuyển hướng tới %s", resp.StatusCode, resp.Header.Get("Location"))
	case resp.StatusCode == http.StatusProxyAuthRequired:
		r.State, r.Detail = Captive, "proxy đòi đăng nhập (HTTP 407)"
	case resp.StatusCode >= 500:
		r.State, r.Detail = Degraded, fmt.Sprintf("HTTP %d", resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		r.State, r.Detail = Captive, fmt.Sprintf("HTTP %d không phải trả lời của hệ thống tỉnh", resp.StatusCode)
	default:
		var h province.Health
		service := p.Service
		if service == "" {
			service = province.HealthService
		}
		switch err := json.Unmarshal(body, &h); {
		case err != nil:
			r.State, r.Detail = Captive, fmt.Sprintf("HTTP 200 nhưng không phải JSON (%s): trang đăng nhập Wi-Fi hoặc proxy?", orUnknown(ct))
		case h.Nonce != nonce || h.Service != service:
			r.State, r.Detail = Captive, "HTTP 200 nhưng không đúng trả lời kiểm tra (mã ngẫu nhiên không khớp)"
		case h.ErrorCode != province.CodeOK:
			r.State, r.Detail = Degraded, "hệ thống tỉnh báo mã lỗi "+h.ErrorCode
		default:
			r.State = Online
		}
	}
	return r
}

func orUnknown(s string) string {
	if s == "" {
		return "không rõ kiểu"
	}
	return s
}

// classifyTransport: a certificate the client does not trust, on a link
// that otherwise works, is most often an intercepting portal or proxy.
func classifyTransport(err error) State {
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	var ve *tls.CertificateVerificationError
	if errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ci) || errors.As(err, &ve) {
		return Captive
	}
	return Offline
}

// Event is a change of state.
type Event struct {
	From, To State
	At       time.Time
	Detail   string
	Latency  time.Duration
}

// Config tunes a Monitor.
type Config struct {
	Interval        time.Duration // probe period while online; default 30 s
	OfflineInterval time.Duration // while not online, to notice recovery soon; default 5 s
	// Threshold is how many consecutive probes must agree before leaving
	// Online, so one lost packet does not open an incident; default 2.
	// Coming back Online takes one good probe.
	Threshold int
	Now       func() time.Time
}

// Monitor probes periodically and publishes changes.
type Monitor struct {
	prober Prober
	cfg    Config

	mu      sync.Mutex
	state   State
	pending State // a non-online state seen, not yet confirmed
	streak  int
	subs    map[chan Event]struct{}

	check  chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
}

// New builds a monitor; it does not probe until Start or Check.
func New(p Prober, cfg Config) *Monitor {
	if cfg.Interval <= 0 {
		cfg.Interval = 30 * time.Second
	}
	if cfg.OfflineInterval <= 0 {
		cfg.OfflineInterval = 5 * time.Second
	}
	if cfg.Threshold <= 0 {
		cfg.Threshold = 2
	}
	if cfg.Now == nil {
		cfg.Now = motcua.SystemClock{}.Now
	}
	return &Monitor{prober: p, cfg: cfg, subs: map[chan Event]struct{}{}, check: make(chan struct{}, 1)}
}

// State is the current state.
func (m *Monitor) State() State {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.state
}

// Subscribe returns a channel of state changes and a function to stop
// them. A slow subscriber loses older events, never the latest.
func (m *Monitor) Subscribe(buffer int) (<-chan Event, func()) {
	ch := make(chan Event, max(buffer, 1))
	m.mu.Lock()
	m.subs[ch] = struct{}{}
	m.mu.Unlock()
	return ch, func() {
		m.mu.Lock()
		delete(m.subs, ch)
		m.mu.Unlock()
	}
}

func (m *Monitor) publish(e Event) {
	for ch := range m.subs {
		select {
		case ch <- e:
			continue
		default:
		}
		select { // full: drop the oldest, then send
		case <-ch:
		default:
		}
		select {
		case ch <- e:
		default:
		}
	}
}

// Check probes now and applies the result; it returns the event if the
// state changed. Tests call it directly.
func (m *Monitor) Check(ctx context.Context) (Event, bool) {
	r := m.prober.Probe(ctx)
	if ctx.Err() != nil {
		return Event{}, false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	next := r.State
	if m.state == Online && next != Online {
		// Leaving Online needs Threshold agreeing probes.
		if m.pending == next {
			m.streak++
		} else {
			m.pending, m.streak = next, 1
		}
		if m.streak < m.cfg.Threshold {
			return Event{}, false
		}
	}
	m.pending, m.streak = Unknown, 0
	if next == m.state {
		return Event{}, false
	}
	e := Event{From: m.state, To: next, At: m.cfg.Now(), Detail: r.Detail, Latency: r.Latency}
	m.state = next
	m.publish(e)
	return e, true
}

// Recheck asks the running monitor to probe now (e.g. the officer pressed
// "Kiểm tra kết nối", or a send just failed).
func (m *Monitor) Recheck() {
	select {
	case m.check <- struct{}{}:
	default:
	}
}

// Start probes until ctx ends or Stop.
func (m *Monitor) Start(ctx context.Context) {
	ctx, m.cancel = context.WithCancel(ctx)
	m.done = make(chan struct{})
	go func() {
		defer close(m.done)
		timer := time.NewTimer(0)
		defer timer.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			case <-m.check:
			}
			m.Check(ctx)
			wait := m.cfg.Interval
			m.mu.Lock()
			if m.state != Online || m.streak > 0 {
				wait = m.cfg.OfflineInterval
			}
			m.mu.Unlock()
			timer.Reset(wait)
		}
	}()
}

// Stop ends the probing.
func (m *Monitor) Stop() {
	if m.cancel != nil {
		m.cancel()
		<-m.done
		m.cancel = nil
	}
}

// OnOnline calls fn for every change to Online read from events, until
// the channel closes or ctx ends: wire it to the worker's Reconnected.
func OnOnline(ctx context.Context, events <-chan Event, fn func()) {
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-events:
			if !ok {
				return
			}
			if e.To == Online {
				fn()
			}
		}
	}
}
