package province_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/sync/province"
	"motcua/sync/province/provincetest"
	"motcua/sync/refserver"
	"motcua/sync/refserver/reftest"
	"motcua/sync/tus"
)

func newClient(tb testing.TB, cfg province.Config) *province.Client {
	tb.Helper()
	c, err := province.NewClient(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestClientContract(t *testing.T) {
	provincetest.Contract(t, func(t *testing.T) provincetest.Harness {
		p := reftest.Start(t, false, func(c *refserver.Config) { c.Now = provincetest.Clock().Now })
		return provincetest.Harness{Adapter: newClient(t, p.Config()), Agency: reftest.Agency, Act: p.Act}
	})
}

func TestClient(t *testing.T) {
	ctx := context.Background()
	one := func(t *testing.T, c *province.Client, seq int) error {
		t.Helper()
		res, err := c.Deliver(ctx, []province.Item{provincetest.Item(provincetest.Dossier(reftest.Agency, seq), "k"+time.Now().String(), true)})
		if err != nil {
			return err
		}
		return res[0].Err
	}
	t.Run("SessionRenewed", func(t *testing.T) {
		p := reftest.Start(t, false, func(c *refserver.Config) { c.SessionTTL = 300 * time.Millisecond })
		c := newClient(t, p.Config())
		if err := one(t, c, 1); err != nil {
			t.Fatal(err)
		}
		time.Sleep(400 * time.Millisecond) // the session expires
		if err := one(t, c, 2); err != nil {
			t.Fatalf("after expiry: %v", err)
		}
		if err := p.ExpireSessions(ctx); err != nil { // the province restarts
			t.Fatal(err)
		}
		if err := one(t, c, 3); err != nil {
			t.Fatalf("after forced expiry: %v", err)
		}
	})
	t.Run("ErrBadCredentials", func(t *testing.T) {
		p := reftest.Start(t, false, nil)
		cfg := p.Config()
		cfg.Password = "sai"
		err := one(t, newClient(t, cfg), 1)
		if province.Classify(err) != province.Auth || !strings.Contains(err.Error(), "Sai tên đăng nhập") {
			t.Fatalf("err = %v; want an auth error with the server's message", err)
		}
	})
	t.Run("TLSWithCustomCA", func(t *testing.T) {
		p := reftest.Start(t, true, nil)
		cfg := p.Config()
		cfg.CAPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.HTTP.Certificate().Raw})
		if err := one(t, newClient(t, cfg), 1); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrTLSUnknownCA", func(t *testing.T) {
		p := reftest.Start(t, true, nil)
		err := one(t, newClient(t, p.Config()), 1)
		if err == nil || province.Classify(err) != province.Transient || !strings.Contains(err.Error(), "certificate") {
			t.Fatalf("err = %v; want a certificate verification failure", err)
		}
	})
	t.Run("ErrBadCAFile", func(t *testing.T) {
		cfg := province.Config{BaseURL: "https://x.invalid", CAPEM: []byte("not a certificate")}
		if _, err := province.NewClient(cfg); err == nil || !strings.Contains(err.Error(), "PEM") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrCaptivePortal", func(t *testing.T) {
		p := reftest.Start(t, false, func(c *refserver.Config) { c.Faults.HTMLRate = 1 })
		err := one(t, newClient(t, p.Config()), 1)
		if province.Classify(err) != province.Transient || !strings.Contains(err.Error(), "HTML") {
			t.Fatalf("err = %v; want a transient error naming HTML", err)
		}
	})
	t.Run("ErrMalformedReply", func(t *testing.T) {
		for name, h := range map[string]http.HandlerFunc{
			"garbage": func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("{not json")) },
			"empty":   func(w http.ResponseWriter, r *http.Request) {},
			"wrong count": func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/auth" {
					w.Write([]byte(`{"session":"s","error_code":"00"}`))
					return
				}
				w.Write([]byte(`{"error_code":"03","ketqua":[{"MaHoSo":"x","error_code":"00"},{"error_code":"00"}]}`))
			},
			"500 text": func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) },
		} {
			t.Run(name, func(t *testing.T) {
				srv := httptest.NewServer(h)
				defer srv.Close()
				c := newClient(t, province.Config{BaseURL: srv.URL, Username: "u", Password: "p", Agency: reftest.Agency})
				err := one(t, c, 1)
				if err == nil || province.Classify(err) != province.Transient {
					t.Fatalf("err = %v; want transient", err)
				}
			})
		}
	})
	t.Run("ErrTimeout", func(t *testing.T) {
		p := reftest.Start(t, false, func(c *refserver.Config) { c.Faults.Latency = refserver.Duration(time.Second) })
		cfg := p.Config()
		cfg.Timeout = 200 * time.Millisecond
		start := time.Now()
		err := one(t, newClient(t, cfg), 1)
		if err == nil || province.Classify(err) != province.Transient || time.Since(start) > 1500*time.Millisecond {
			t.Fatalf("err = %v after %v; want a quick transient error", err, time.Since(start))
		}
	})
	t.Run("ErrAttachmentTooLarge", func(t *testing.T) {
		p := reftest.Start(t, false, func(c *refserver.Config) { c.MaxUpload = 1000 })
		data := bytes.Repeat([]byte("x"), 5000)
		sum := sha256.Sum256(data)
		_, err := newClient(t, p.Config()).Upload(ctx, tus.Upload{Name: "phim.mp4", Size: 5000, SHA256: hex.EncodeToString(sum[:]),
			Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }})
		if province.Classify(err) != province.Invalid || !strings.Contains(err.Error(), "phim.mp4") || !strings.Contains(err.Error(), "413") {
			t.Fatalf("err = %v; want an invalid error naming the file and the limit", err)
		}
	})
	t.Run("GzipBothWays", func(t *testing.T) {
		var gzIn, gzOut int
		p := reftest.Start(t, false, nil)
		inner := p.HTTP.Config.Handler
		p.HTTP.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Content-Encoding") == "gzip" {
				gzIn++
			}
			if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				gzOut++
			}
			inner.ServeHTTP(w, r)
		})
		c := newClient(t, p.Config())
		var items []province.Item
		for i := range 20 {
			items = append(items, provincetest.Item(provincetest.Dossier(reftest.Agency, i+1), "g"+string(rune('a'+i)), true))
		}
		res, err := c.Deliver(ctx, items)
		if err != nil || res[19].Err != nil {
			t.Fatal(err, res[19].Err)
		}
		if gzIn == 0 || gzOut == 0 {
			t.Fatalf("gzip requests %d, gzip-accepting %d", gzIn, gzOut)
		}
	})
}

func TestMapping(t *testing.T) {
	d := provincetest.Dossier(reftest.Agency, 7)
	d.Fee = 50000
	d.Channel = motcua.ChannelPostal
	d.Components = []motcua.Component{{Name: "Tờ khai", Original: 1, Copy: 2}, {Name: "Giấy chứng sinh", Original: 1, Missing: true}}
	at := d.ReceivedAt
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(d.Move(motcua.StatusSupplement, "supplement", "canbo1", "Thiếu giấy chứng sinh", at.Add(time.Hour)))
	must(d.Move(motcua.StatusReceived, "advance", "canbo1", "", at.Add(2*time.Hour)))
	must(d.Extend(d.DueAt.Add(24*time.Hour), "canbo1", "Chờ xác minh", at.Add(3*time.Hour)))
	must(d.Move(motcua.StatusDone, "advance", "Nguyễn Thị Một Cái Tên Rất Dài Để Kiểm Tra Giới Hạn Năm Mươi Ký Tự", "", at.Add(4*time.Hour)))
	must(d.Move(motcua.StatusReturned, "return", "canbo1", "", at.Add(5*time.Hour)))
	p := province.Profile{AgencyName: "UBND xã Quảng Phú", FieldCode: func(string) string { return "HT" }}
	files := []province.File{{ID: "f1", Name: "to-khai.pdf", Component: "TP1", URL: "https://p/files/1", SHA256: "ab"}}
	h := p.HoSo(d, files)
	want := map[string]string{
		"MaHoSo": d.Code, "MaTTHC": "1.001757", "MaLinhVuc": "HT", "TenLinhVuc": "Hộ tịch", "KenhThucHien": "3",
		"HinhThuc": "1", "LoaiDoiTuong": "1", "MaDoiTuong": "001090123456", "TrangThaiHoSo": "10",
		"NgayTiepNhan": province.FormatDate(at), "NgayHenTra": province.FormatDate(d.DueAt),
		"NgayTra": province.FormatDate(at.Add(5 * time.Hour)), "NgayKetThucXuLy": province.FormatDate(at.Add(4 * time.Hour)),
		"DonViXuLy": "UBND xã Quảng Phú", "HoSoCoThanhPhanSoHoa": "1",
	}
	got := map[string]string{
		"MaHoSo": h.MaHoSo, "MaTTHC": h.MaTTHC, "MaLinhVuc": h.MaLinhVuc, "TenLinhVuc": h.TenLinhVuc, "KenhThucHien": h.KenhThucHien,
		"HinhThuc": h.HinhThuc, "LoaiDoiTuong": h.LoaiDoiTuong, "MaDoiTuong": h.MaDoiTuong, "TrangThaiHoSo": h.TrangThaiHoSo,
		"NgayTiepNhan": h.NgayTiepNhan, "NgayHenTra": h.NgayHenTra, "NgayTra": h.NgayTra, "NgayKetThucXuLy": h.NgayKetThucXuLy,
		"DonViXuLy": h.DonViXuLy, "HoSoCoThanhPhanSoHoa": h.HoSoCoThanhPhanSoHoa,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q; want %q", k, got[k], v)
		}
	}
	if len(h.NgayTiepNhan) != 14 {
		t.Errorf("NgayTiepNhan %q is not yyyyMMddHHmmss", h.NgayTiepNhan)
	}
	if len(h.DanhSachLePhi) != 1 || h.DanhSachLePhi[0].Gia != "50000" {
		t.Errorf("fees = %+v", h.DanhSachLePhi)
	}
	if len(h.DanhSachTepDinhKemKhac) != 3 {
		t.Errorf("paper documents = %+v; want 3 rows (1 original + 2 copies, 1 original)", h.DanhSachTepDinhKemKhac)
	}
	if len(h.DanhSachHoSoBoSung) != 1 || h.DanhSachHoSoBoSung[0].TrangThaiBoSung != "2" ||
		h.DanhSachHoSoBoSung[0].NoiDungBoSung != "Thiếu giấy chứng sinh" || len(h.DanhSachHoSoBoSung[0].DanhSachGiayToBoSung) != 1 {
		t.Errorf("supplements = %+v", h.DanhSachHoSoBoSung)
	}
	if len(h.TaiLieuNop) != 1 || h.TaiLieuNop[0].DuongDanTaiTepTin != "https://p/files/1" || h.TaiLieuNop[0].IsDeleted != "0" {
		t.Errorf("TaiLieuNop = %+v", h.TaiLieuNop)
	}
	if h.PhienBan != len(d.History) {
		t.Errorf("PhienBan = %d; want %d", h.PhienBan, len(d.History))
	}
	steps := p.Steps(d)
	if len(steps) != len(d.History) {
		t.Fatalf("%d steps for %d history entries", len(steps), len(d.History))
	}
	for _, s := range steps {
		if n := len([]rune(s.NguoiXuLy)); n > province.MaxStepNameRunes {
			t.Errorf("NguoiXuLy has %d characters", n)
		}
	}
	if steps[3].TrangThai != "2" || !strings.Contains(steps[3].NoiDungXuLy, "hẹn lại") {
		t.Errorf("extension step = %+v", steps[3])
	}
	// The mapping is deterministic: re-sent steps are identical.
	if again := p.Steps(d); again[2] != steps[2] {
		t.Error("steps differ between two mappings")
	}
}

func TestParseDate(t *testing.T) {
	for _, s := range []string{"2026112408300", "20261324083000", "2026-11-24", "", "20261124083060"} {
		if _, err := province.ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) accepted", s)
		}
	}
	tm, err := province.ParseDate("20261124083000")
	if err != nil || province.FormatDate(tm) != "20261124083000" || tm.Hour() != 8 {
		t.Fatalf("%v %v", tm, err)
	}
	if province.FormatDate(time.Date(2026, 11, 24, 1, 0, 0, 0, time.UTC)) != "20261124080000" {
		t.Fatal("FormatDate must render Vietnam time")
	}
}

// TestNoRedirect: a 307 from /auth (which would replay the password in
// the body) or from the API is not followed — the other port never hears
// from the client — and the error says why.
func TestNoRedirect(t *testing.T) {
	var elsewhere int
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere++
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"error_code":"0","session":"stolen"}`)
	}))
	defer other.Close()
	for _, code := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect, http.StatusFound} {
		redir := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, other.URL+r.URL.Path, code)
		}))
		c := newClient(t, province.Config{BaseURL: redir.URL, Username: "xa-quangphu", Password: "mat-khau-cua-xa", Agency: reftest.Agency})
		_, err := c.Deliver(context.Background(), []province.Item{provincetest.Item(provincetest.Dossier(reftest.Agency, 1), "k1", true)})
		redir.Close()
		if err == nil || !strings.Contains(err.Error(), "chuyển hướng") {
			t.Fatalf("HTTP %d: err = %v", code, err)
		}
		if elsewhere != 0 {
			t.Fatalf("HTTP %d: the redirect target got %d requests (the password followed the redirect)", code, elsewhere)
		}
	}
}
