package refserver_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/sync/province"
	"motcua/sync/province/provincetest"
	"motcua/sync/refserver"
	"motcua/sync/refserver/reftest"
)

type rawClient struct {
	t       *testing.T
	url     string
	session string
}

func login(t *testing.T, p *reftest.Peer) *rawClient {
	t.Helper()
	c := &rawClient{t: t, url: p.URL}
	var a province.AuthResponse
	c.post("/auth", province.AuthRequest{Username: reftest.User, Password: reftest.Password}, &a)
	if a.ErrorCode != "00" || a.Session == "" || len(a.ExpiresAt) != 14 {
		t.Fatalf("login: %+v", a)
	}
	c.session = a.Session
	return c
}

func (c *rawClient) post(path string, in, out any) int {
	c.t.Helper()
	b, _ := json.Marshal(in)
	resp, err := http.Post(c.url+path, "application/json", bytes.NewReader(b))
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		c.t.Fatalf("%s: %v", path, err)
	}
	return resp.StatusCode
}

func (c *rawClient) sync(update bool, hs ...province.HoSo) province.Response {
	c.t.Helper()
	upd := province.False
	if update {
		upd = province.True
	}
	var out province.Response
	c.post("/api", province.Envelope{Session: c.session, Agency: reftest.Agency, Service: province.ServiceSync,
		IsUpdating: upd, Data: hs}, &out)
	return out
}

func hoso(seq int, key string) province.HoSo {
	h := provincetest.Item(provincetest.Dossier(reftest.Agency, seq), key, true).HoSo
	h.MaGoiTin = key
	return h
}

func TestValidation(t *testing.T) {
	p := reftest.Start(t, false, nil)
	c := login(t, p)
	for _, tc := range []struct {
		name  string
		edit  func(h *province.HoSo)
		code  string
		field string
	}{
		{"BadDate", func(h *province.HoSo) { h.NgayTiepNhan = "2026-11-24 08:30" }, "03", "NgayTiepNhan"},
		{"MissingDue", func(h *province.HoSo) { h.NgayHenTra = "" }, "03", "NgayHenTra"},
		{"DueBeforeReceipt", func(h *province.HoSo) { h.NgayHenTra = "20200101000000" }, "03", "NgayHenTra"},
		{"UnknownStatus", func(h *province.HoSo) { h.TrangThaiHoSo = "11" }, "03", "TrangThaiHoSo"},
		{"UnknownChannel", func(h *province.HoSo) { h.KenhThucHien = "4" }, "03", "KenhThucHien"},
		{"UnknownSubject", func(h *province.HoSo) { h.LoaiDoiTuong = "9" }, "03", "LoaiDoiTuong"},
		{"MissingProcedure", func(h *province.HoSo) { h.MaTTHC = "" }, "03", "MaTTHC"},
		{"BadCode", func(h *province.HoSo) { h.MaHoSo = "H56-1" }, "03", "MaHoSo"},
		{"OtherProvince", func(h *province.HoSo) { h.MaHoSo = "000.00.01.H29-261124-0001" }, "07", "MaHoSo"},
		{"ReturnedWithoutDate", func(h *province.HoSo) { h.TrangThaiHoSo = "10" }, "03", "NgayTra"},
		{"ForeignFileURL", func(h *province.HoSo) {
			h.TaiLieuNop = []province.TaiLieuNop{{TenTepDinhKem: "a.pdf", IsDeleted: "0", DuongDanTaiTepTin: "ftp://x/y"}}
		}, "03", "DuongDanTaiTepTin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := hoso(1, "")
			tc.edit(&h)
			res := c.sync(false, h)
			if res.ErrorCode != tc.code || len(res.Results) != 1 || res.Results[0].ErrorCode != tc.code ||
				!strings.Contains(res.Results[0].Message, tc.field) {
				t.Fatalf("%+v; want %s naming %s", res, tc.code, tc.field)
			}
		})
	}
	st, _ := p.Stats(context.Background())
	if st.Dossiers != 0 {
		t.Fatalf("%d invalid dossiers stored", st.Dossiers)
	}
}

func TestIdempotentReceipt(t *testing.T) {
	p := reftest.Start(t, false, nil)
	c := login(t, p)
	h := hoso(1, "station1#1")
	for i := range 3 {
		res := c.sync(false, h)
		if res.ErrorCode != "00" || res.Results[0].Duplicate != (i > 0) {
			t.Fatalf("send %d: %+v", i, res)
		}
	}
	// Another message creating the same dossier: "đã tồn tại".
	h2 := hoso(1, "station1#99")
	if res := c.sync(false, h2); res.Results[0].ErrorCode != "05" || !strings.Contains(res.Results[0].Message, "đã tồn tại") {
		t.Fatalf("second create: %+v", res)
	}
	st, _ := p.Stats(context.Background())
	if st.Dossiers != 1 || st.Writes != 1 || st.Duplicates != 2 || st.Receipts != 1 {
		t.Fatalf("stats %+v", st)
	}
}

func TestSessionErrors(t *testing.T) {
	p := reftest.Start(t, false, func(c *refserver.Config) { c.SessionTTL = 50 * time.Millisecond })
	c := login(t, p)
	time.Sleep(80 * time.Millisecond)
	var out province.Response
	if code := c.post("/api", province.Envelope{Session: c.session, Agency: reftest.Agency, Service: province.ServiceLookup, Code: "x"}, &out); code != 401 || out.ErrorCode != "02" {
		t.Fatalf("expired session: HTTP %d %+v", code, out)
	}
	if code := c.post("/api", province.Envelope{Session: "forged", Agency: reftest.Agency, Service: province.ServiceLookup}, &out); code != 401 || out.ErrorCode != "02" {
		t.Fatalf("forged session: HTTP %d %+v", code, out)
	}
	var a province.AuthResponse
	if code := c.post("/auth", province.AuthRequest{Username: reftest.User, Password: "wrong"}, &a); code != 401 || a.ErrorCode != "01" {
		t.Fatalf("wrong password: HTTP %d %+v", code, a)
	}
	c = login(t, p)
	if c.post("/api", province.Envelope{Session: c.session, Agency: "000.00.01.H29", Service: province.ServiceLookup}, &out); out.ErrorCode != "07" {
		t.Fatalf("foreign agency: %+v", out)
	}
	if c.post("/api", province.Envelope{Session: c.session, Agency: reftest.Agency, Service: "XoaHoSo"}, &out); out.ErrorCode != "98" {
		t.Fatalf("unknown service: %+v", out)
	}
}

func TestGzipResponse(t *testing.T) {
	p := reftest.Start(t, false, nil)
	req, _ := http.NewRequest("GET", p.URL+"/health?nonce=1", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(zr)
	if !strings.Contains(string(b), `"nonce":"1"`) {
		t.Fatalf("body %s", b)
	}
}

func TestAdmin(t *testing.T) {
	// The province's clock is the dossiers' day, so the extension dates
	// below (2030, 2031) are in its future on any day the suite runs.
	clock := motcua.NewFixedClock(provincetest.Day.Add(time.Hour))
	p := reftest.Start(t, false, func(c *refserver.Config) { c.Now = clock.Now })
	c := login(t, p)
	c.sync(false, hoso(1, "k1"))
	code := hoso(1, "").MaHoSo
	do := func(method, path, token string, body any) (int, map[string]any) {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, p.URL+path, bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	if s, _ := do("GET", "/admin/stats", "wrong", nil); s != 401 {
		t.Fatalf("wrong admin token: %d", s)
	}
	if s, out := do("POST", "/admin/dossiers/"+code+"/supplement", "admin-token", map[string]string{}); s != 422 || !strings.Contains(out["error"].(string), "lý do") {
		t.Fatalf("supplement without reason: %d %v", s, out)
	}
	if s, out := do("POST", "/admin/dossiers/"+code+"/process", "admin-token", nil); s != 200 || out["TrangThaiHoSo"] != "4" {
		t.Fatalf("process: %d %v", s, out)
	}
	if s, out := do("POST", "/admin/dossiers/"+code+"/extend", "admin-token", map[string]string{"reason": "x", "due": "20200101000000"}); s != 422 || !strings.Contains(out["error"].(string), "phải sau") {
		t.Fatalf("extend to the past: %d %v", s, out)
	}
	if s, out := do("POST", "/admin/dossiers/"+code+"/extend", "admin-token", map[string]string{"reason": "xác minh", "due": "20301231170000"}); s != 200 || out["NgayHenTra"] != "20301231170000" {
		t.Fatalf("extend: %d %v", s, out)
	}
	if s, out := do("POST", "/admin/dossiers/"+code+"/extend", "admin-token", map[string]string{"reason": "lần hai", "due": "20311231170000"}); s != 422 || !strings.Contains(out["error"].(string), "một lần") {
		t.Fatalf("second extension: %d %v", s, out)
	}
	if s, _ := do("PUT", "/admin/faults", "admin-token", map[string]any{"error_rate": 2}); s != 422 {
		t.Fatalf("bad fault rate accepted: %d", s)
	}
	if s, out := do("PUT", "/admin/faults", "admin-token", map[string]any{"latency": "5ms", "drop_rate": 0.5}); s != 200 || out["latency"] != "5ms" {
		t.Fatalf("faults: %d %v", s, out)
	}
	if s, out := do("GET", "/admin/dossiers/"+code, "admin-token", nil); s != 200 || out["status"] != 4.0 || out["writes"] != 1.0 || len(out["steps"].([]any)) != 2 {
		t.Fatalf("show: %d %v", s, out)
	}
}

func TestParseFaults(t *testing.T) {
	f, err := refserver.ParseFaults(refserver.Faults{ErrorRate: 0.1}, []string{"drop_rate=0.2", "latency=150ms", "burst_len=5"})
	if err != nil || f.ErrorRate != 0.1 || f.DropRate != 0.2 || time.Duration(f.Latency) != 150*time.Millisecond || f.BurstLen != 5 {
		t.Fatalf("%+v %v", f, err)
	}
	for _, bad := range []string{"drop_rate", "nope=1", "drop_rate=abc", "error_rate=1.5", "latency=soon"} {
		if _, err := refserver.ParseFaults(refserver.Faults{}, []string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestFaults(t *testing.T) {
	p := reftest.Start(t, false, nil)
	get := func() (int, time.Duration, error) {
		start := time.Now()
		req, _ := http.NewRequest("GET", p.URL+"/health?nonce=x", nil)
		req.Header.Set("Accept-Encoding", "identity")
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			return 0, time.Since(start), err
		}
		io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, time.Since(start), nil
	}
	t.Run("SlowResponses", func(t *testing.T) {
		p.SetFaults(refserver.Faults{SlowBPS: 200})
		if code, d, err := get(); err != nil || code != 200 || d < 300*time.Millisecond {
			t.Fatalf("HTTP %d in %v (%v); want a trickled answer", code, d, err)
		}
	})
	t.Run("Drops", func(t *testing.T) {
		p.SetFaults(refserver.Faults{DropRate: 1})
		for range 4 {
			if _, _, err := get(); err == nil {
				t.Fatal("answered despite drop_rate=1")
			}
		}
		if st, _ := p.Stats(context.Background()); st.Faults.DropsBefore+st.Faults.DropsAfter < 4 {
			t.Fatalf("faults %+v", st.Faults)
		}
	})
	t.Run("Burst", func(t *testing.T) {
		p.SetFaults(refserver.Faults{BurstRate: 1, BurstLen: 3})
		for i := range 3 {
			if code, _, _ := get(); code != 503 {
				t.Fatalf("request %d: HTTP %d; want 503", i, code)
			}
		}
		p.SetFaults(refserver.Faults{})
		if code, _, _ := get(); code != 200 {
			t.Fatalf("after the burst: HTTP %d", code)
		}
	})
	t.Run("Latency", func(t *testing.T) {
		p.SetFaults(refserver.Faults{Latency: refserver.Duration(150 * time.Millisecond)})
		if _, d, _ := get(); d < 150*time.Millisecond {
			t.Fatalf("answered in %v", d)
		}
		p.SetFaults(refserver.Faults{})
	})
}
