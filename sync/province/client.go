package province

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

	"motcua/sync/tus"
)

// Config configures Client.
type Config struct {
	// BaseURL of the provincial system, e.g. https://motcua.tinh.gov.vn/lienthong.
	// The paths below are appended to it.
	BaseURL    string
	AuthPath   string // default "/auth"
	APIPath    string // default "/api"
	FilesPath  string // tus creation endpoint; default "/files/"
	HealthPath string // default "/health"

	Username string
	Password string
	Agency   string // madonvi: the commune's agency identifier

	// CAPEM adds trusted root certificates (PEM) to the system pool:
	// provincial servers often use a certificate from a national or
	// in-house CA. Verification is never switched off.
	CAPEM []byte

	Timeout       time.Duration // per request; default 30 s
	UploadTimeout time.Duration // per upload chunk; default 120 s
	UploadChunk   int64         // bytes per PATCH; default 1 MiB
	// GzipMin compresses request bodies of at least this many bytes
	// (default 1024; negative disables). Responses are always accepted
	// gzipped.
	GzipMin int
	// ProgressChunk is how many steps go in one CapNhatTienDoHoSoMC call
	// (Thanh Hóa sends 10); default 100.
	ProgressChunk int
	UploadURLs    tus.URLStore // remembers upload URLs across restarts; default in memory
	UserAgent     string
}

// Client is the Adapter for provincial systems that speak the national
// dossier-sync envelope. It logs in lazily, renews the session when the
// server says it expired, and retries the call once with the new one.
type Client struct {
	cfg  Config
	http *http.Client
	r    *resty.Client
	tus  *tus.Client

	mu      sync.Mutex
	session string
	gen     int // bumped at every login, so concurrent callers log in once
}

var _ Adapter = (*Client)(nil)

// NewClient builds a client; it does not contact the server.
func NewClient(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		return nil, &Error{Op: "cấu hình", Class: Invalid, Message: "chưa có địa chỉ hệ thống một cửa tỉnh (--province-url)"}
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&cfg.AuthPath, "/auth")
	def(&cfg.APIPath, "/api")
	def(&cfg.FilesPath, "/files/")
	def(&cfg.HealthPath, "/health")
	def(&cfg.UserAgent, "motcua-sync/1")
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.UploadTimeout <= 0 {
		cfg.UploadTimeout = 120 * time.Second
	}
	if cfg.GzipMin == 0 {
		cfg.GzipMin = 1024
	}
	if cfg.ProgressChunk <= 0 {
		cfg.ProgressChunk = 100
	}
	tr, err := Transport(cfg.CAPEM)
	if err != nil {
		return nil, err
	}
	hc := &http.Client{Transport: tr, CheckRedirect: noRedirect}
	c := &Client{cfg: cfg, http: hc}
	c.r = resty.NewWithClient(hc).
		SetBaseURL(cfg.BaseURL).
		SetTimeout(cfg.Timeout).
		SetHeader("User-Agent", cfg.UserAgent).
		SetHeader("Accept", "application/json").
		SetHeader("Accept-Encoding", "gzip")
	c.tus = &tus.Client{
		// Its own http.Client: resty sets the whole-request timeout on
		// the one it wraps, and an upload chunk needs longer.
		HTTP:      &http.Client{Transport: tr, CheckRedirect: noRedirect},
		Endpoint:  cfg.BaseURL + cfg.FilesPath,
		ChunkSize: cfg.UploadChunk,
		Timeout:   cfg.UploadTimeout,
		URLs:      cfg.UploadURLs,
		Header: func(ctx context.Context, h http.Header) error {
			s, _, err := c.login(ctx, -1)
			if err != nil {
				return err
			}
			h.Set("Authorization", "Bearer "+s)
			h.Set("User-Agent", cfg.UserAgent)
			return nil
		},
	}
	return c, nil
}

// RedirectError is a redirect the client refused to follow.
type RedirectError struct{ To string }

func (e *RedirectError) Error() string {
	return "hệ thống tỉnh trả lời chuyển hướng tới " + e.To + ": không đi theo (mật khẩu và phiên làm việc chỉ gửi tới địa chỉ đã cấu hình)"
}

// noRedirect refuses every redirect. The province's API has no reason to
// redirect, and following one would send the password (the /auth body,
// which a 307 or 308 replays) or the session header to wherever it points:
// another port, another host. An address that moved is configured again
// (province set --url).
func noRedirect(req *http.Request, _ []*http.Request) error {
	return &RedirectError{To: req.URL.Redacted()}
}

// Transport is an HTTP transport that verifies the server certificate
// against the system roots plus caPEM.
func Transport(caPEM []byte) (*http.Transport, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	tr.MaxIdleConnsPerHost = 8
	tr.ResponseHeaderTimeout = 0 // the per-request timeout covers it
	tr.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	if len(bytes.TrimSpace(caPEM)) > 0 {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(caPEM) {
			return nil, &Error{Op: "cấu hình", Class: Invalid, Message: "tệp chứng chỉ CA không chứa chứng chỉ PEM hợp lệ"}
		}
		tr.TLSClientConfig.RootCAs = pool
	}
	return tr, nil
}

// HTTPClient is the client's HTTP client (shared with the connectivity
// probe, so both see the same proxy and certificates).
func (c *Client) HTTPClient() *http.Client { return c.http }

// HealthURL is the probe endpoint.
func (c *Client) HealthURL() string { return c.cfg.BaseURL + c.cfg.HealthPath }

// login returns a session, logging in if there is none or if the one the
// caller saw (gen) was rejected.
func (c *Client) login(ctx context.Context, staleGen int) (string, int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session != "" && c.gen != staleGen {
		return c.session, c.gen, nil
	}
	var out AuthResponse
	resp, err := c.r.R().SetContext(ctx).
		SetBody(AuthRequest{Username: c.cfg.Username, Password: c.cfg.Password}).
		Post(c.cfg.AuthPath)
	if err != nil {
		return "", 0, &Error{Op: "đăng nhập", Class: Transient, Err: err}
	}
	if resp.StatusCode() >= 300 && resp.StatusCode() < 400 {
		return "", 0, &Error{Op: "đăng nhập", Class: Transient, Status: resp.StatusCode(), Err: &RedirectError{To: resp.Header().Get("Location")}}
	}
	if err := decode("đăng nhập", resp, &out); err != nil {
		var pe *Error
		if errors.As(err, &pe) && pe.Code == "" && resp.StatusCode() == http.StatusUnauthorized {
			pe.Class = Auth
		}
		return "", 0, err
	}
	if out.ErrorCode != CodeOK || out.Session == "" {
		cl := classOf(out.ErrorCode)
		if out.ErrorCode == CodeBadLogin || out.ErrorCode == CodeSession {
			cl = Auth
		}
		return "", 0, &Error{Op: "đăng nhập", Class: cl, Code: out.ErrorCode,
			Message: orDefault(out.Message, "máy chủ không cấp phiên làm việc")}
	}
	c.session = out.Session
	c.gen++
	return c.session, c.gen, nil
}

// call posts one envelope, logging in first and once more if the session
// was refused.
func (c *Client) call(ctx context.Context, env Envelope, out *Response) error {
	env.Agency = c.cfg.Agency
	_, gen, err := c.login(ctx, -1)
	if err != nil {
		return err
	}
	for attempt := 0; ; attempt++ {
		c.mu.Lock()
		env.Session = c.session
		c.mu.Unlock()
		err := c.post(ctx, env, out)
		var pe *Error
		if attempt == 0 && errors.As(err, &pe) && (pe.Code == CodeSession || pe.Status == http.StatusUnauthorized) {
			if _, gen, err = c.login(ctx, gen); err != nil {
				return err
			}
			continue
		}
		return err
	}
}

func (c *Client) post(ctx context.Context, env Envelope, out *Response) error {
	body, err := json.Marshal(env)
	if err != nil {
		return &Error{Op: env.Service, Class: Invalid, Err: err}
	}
	req := c.r.R().SetContext(ctx).SetHeader("Content-Type", "application/json")
	if c.cfg.GzipMin >= 0 && len(body) >= c.cfg.GzipMin {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		zw.Write(body)
		zw.Close()
		body = buf.Bytes()
		req.SetHeader("Content-Encoding", "gzip")
	}
	resp, err := req.SetBody(body).Post(c.cfg.APIPath)
	if err != nil {
		return &Error{Op: env.Service, Class: Transient, Err: err}
	}
	*out = Response{}
	if err := decode(env.Service, resp, out); err != nil {
		return err
	}
	if out.ErrorCode != CodeOK {
		// DongBoHoSoMC reports per item; the caller reads Results.
		if env.Service == ServiceSync && len(out.Results) > 0 {
			return nil
		}
		return &Error{Op: env.Service, Class: classOf(out.ErrorCode), Code: out.ErrorCode, Status: resp.StatusCode(),
			Message: orDefault(out.Message, "máy chủ báo lỗi không kèm lời giải thích")}
	}
	return nil
}

// decode reads a JSON reply, turning HTML pages (captive portals, proxy
// error pages) and garbage into a clear transient error.
func decode(op string, resp *resty.Response, out any) error {
	body := resp.Body()
	ct := resp.Header().Get("Content-Type")
	trimmed := bytes.TrimSpace(body)
	if strings.Contains(ct, "html") || bytes.HasPrefix(trimmed, []byte("<")) {
		return &Error{Op: op, Class: Transient, Status: resp.StatusCode(),
			Message: "nhận được trang HTML thay vì dữ liệu JSON (mạng Wi-Fi cần đăng nhập, proxy, hoặc sai địa chỉ máy chủ)"}
	}
	if err := json.Unmarshal(trimmed, out); err != nil {
		msg := "trả lời không phải JSON hợp lệ"
		if resp.StatusCode() >= 400 {
			msg = fmt.Sprintf("máy chủ trả lỗi HTTP %d", resp.StatusCode())
		}
		return &Error{Op: op, Class: Transient, Status: resp.StatusCode(), Message: msg, Err: err}
	}
	if resp.StatusCode() >= 500 {
		// A JSON error body from a failing server: its code, if any, says
		// more, but the failure is the server's.
		return &Error{Op: op, Class: Transient, Status: resp.StatusCode(), Message: fmt.Sprintf("máy chủ lỗi HTTP %d", resp.StatusCode())}
	}
	return nil
}

// Deliver implements Adapter.
func (c *Client) Deliver(ctx context.Context, items []Item) ([]Result, error) {
	results := make([]Result, len(items))
	for i, it := range items {
		results[i] = Result{Code: it.HoSo.MaHoSo, Key: it.Key}
	}
	var creates, updates []int
	for i, it := range items {
		if it.Create {
			creates = append(creates, i)
		} else {
			updates = append(updates, i)
		}
	}
	// A create the province already holds under another message (a
	// restored database, say) is sent again as an update.
	var retry []int
	if len(creates) > 0 {
		if err := c.sync(ctx, items, creates, true, results); err != nil {
			return nil, err
		}
		for _, i := range creates {
			var pe *Error
			if errors.As(results[i].Err, &pe) && pe.Code == CodeExists {
				results[i].Err = nil
				retry = append(retry, i)
			}
		}
	}
	if upd := append(updates, retry...); len(upd) > 0 {
		if err := c.sync(ctx, items, upd, false, results); err != nil {
			if len(creates) == 0 {
				return nil, err
			}
			for _, i := range upd {
				results[i].Err = err
			}
		}
	}
	// Steps only for the dossiers the province now holds.
	var steps []QuaTrinhXuLy
	var owners []int
	for i, it := range items {
		if results[i].Err == nil {
			steps = append(steps, it.Steps...)
			for range it.Steps {
				owners = append(owners, i)
			}
		}
	}
	for lo := 0; lo < len(steps); lo += c.cfg.ProgressChunk {
		hi := min(lo+c.cfg.ProgressChunk, len(steps))
		var out Response
		err := c.call(ctx, Envelope{Service: ServiceProgress, Data: steps[lo:hi]}, &out)
		if err != nil {
			for _, i := range owners[lo:hi] {
				if results[i].Err == nil {
					results[i].Err = err
				}
			}
		}
	}
	return results, nil
}

func (c *Client) sync(ctx context.Context, items []Item, idx []int, create bool, results []Result) error {
	data := make([]HoSo, len(idx))
	for j, i := range idx {
		data[j] = items[i].HoSo
		data[j].MaGoiTin = items[i].Key
	}
	upd := True
	if create {
		upd = False
	}
	var out Response
	if err := c.call(ctx, Envelope{Service: ServiceSync, IsUpdating: upd, Data: data}, &out); err != nil {
		return err
	}
	if len(out.Results) != len(idx) {
		if out.ErrorCode == CodeOK && len(out.Results) == 0 {
			return nil // a server that only answers "00" for the batch
		}
		return &Error{Op: ServiceSync, Class: Transient,
			Message: fmt.Sprintf("máy chủ trả %d kết quả cho %d hồ sơ", len(out.Results), len(idx))}
	}
	for j, i := range idx {
		r := out.Results[j]
		if r.Code != "" && r.Code != items[i].HoSo.MaHoSo {
			return &Error{Op: ServiceSync, Class: Transient,
				Message: fmt.Sprintf("kết quả thứ %d là của hồ sơ %s, chờ %s", j+1, r.Code, items[i].HoSo.MaHoSo)}
		}
		results[i].Duplicate = r.Duplicate
		results[i].Message = r.Message
		if r.ErrorCode != CodeOK {
			results[i].Err = &Error{Op: ServiceSync, Class: classOf(r.ErrorCode), Code: r.ErrorCode,
				Message: orDefault(r.Message, "hồ sơ bị từ chối")}
		}
	}
	return nil
}

// Upload implements Adapter.
func (c *Client) Upload(ctx context.Context, u tus.Upload) (string, error) {
	loc, err := c.tus.Upload(ctx, u)
	var te *tus.Error
	if errors.As(err, &te) && te.Status == http.StatusUnauthorized {
		// The session expired: log in again and resume.
		c.mu.Lock()
		gen := c.gen
		c.mu.Unlock()
		if _, _, lerr := c.login(ctx, gen); lerr != nil {
			return "", lerr
		}
		loc, err = c.tus.Upload(ctx, u)
	}
	if err != nil {
		cl := Transient
		if errors.As(err, &te) && te.Permanent {
			cl = Invalid
		}
		var pe *Error
		if errors.As(err, &pe) {
			return "", err
		}
		return "", &Error{Op: "tải tệp «" + u.Name + "»", Class: cl, Err: err}
	}
	return loc, nil
}

// Lookup implements Adapter.
func (c *Client) Lookup(ctx context.Context, code string) (*HoSo, error) {
	var out Response
	if err := c.call(ctx, Envelope{Service: ServiceLookup, Code: code}, &out); err != nil {
		return nil, err
	}
	if out.Dossier == nil {
		return nil, &Error{Op: ServiceLookup, Class: NotFound, Code: CodeNotFound, Message: "không có hồ sơ " + code}
	}
	return out.Dossier, nil
}

// Changes implements Adapter.
func (c *Client) Changes(ctx context.Context, cursor string, limit int) (Page, error) {
	var out Response
	if err := c.call(ctx, Envelope{Service: ServiceChanges, Cursor: cursor, Limit: limit}, &out); err != nil {
		return Page{}, err
	}
	if out.Cursor == "" {
		out.Cursor = cursor
	}
	return Page{Changes: out.Changes, Cursor: out.Cursor, More: out.More}, nil
}

func orDefault(s, d string) string {
	if strings.TrimSpace(s) == "" {
		return d
	}
	return s
}
