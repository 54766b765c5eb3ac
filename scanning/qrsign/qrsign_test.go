package qrsign_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"image/png"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/scanning/qrsign"
)

var (
	issued = time.Date(2023, 10, 27, 8, 30, 0, 0, motcua.Location)
	due    = time.Date(2023, 11, 3, 16, 30, 0, 0, motcua.Location)
)

func receipt() qrsign.Payload {
	return qrsign.Payload{
		Doc:       qrsign.DocReceipt,
		Code:      "000.00.06.H56-231027-0361",
		Procedure: "1.001612",
		Applicant: "038090012345",
		System:    "MOTCUA",
		Issued:    issued,
		Due:       due,
	}
}

// worstReceipt has the longest values a commune receipt realistically holds.
func worstReceipt() qrsign.Payload {
	p := receipt()
	p.Code = "000.17.22.H56-251231-9999"
	p.Procedure = "2.002189.000.00.00.H56"
	p.Applicant = "0301234567-001" // branch tax code
	p.System = "MOTCUA-H56"
	return p
}

func mustKey(t testing.TB) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := qrsign.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

func ring(t testing.TB, pubs ...ed25519.PublicKey) *qrsign.Keyring {
	t.Helper()
	k := &qrsign.Keyring{}
	for i, p := range pubs {
		if _, err := k.Add(p, "1/2", "máy "+string(rune('1'+i))); err != nil {
			t.Fatal(err)
		}
	}
	return k
}

func TestRoundTrip(t *testing.T) {
	pub, priv := mustKey(t)
	k := ring(t, pub)
	result := receipt()
	result.Doc = "Trích lục khai sinh"
	result.Due = time.Time{}
	result.Validity = "Không thời hạn | toàn quốc, 100%"
	for name, p := range map[string]qrsign.Payload{"Receipt": receipt(), "Result": result} {
		t.Run(name, func(t *testing.T) {
			text, err := qrsign.Sign(p, priv)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(text, "MC1|"+qrsign.KeyID(pub)+"|") {
				t.Fatalf("text %q does not start with the tag and key ID", text)
			}
			got, res := qrsign.Verify(text+"\r\n", k)
			if res != qrsign.Valid {
				t.Fatalf("Verify = %v, want valid; text %q", res, text)
			}
			p.KeyID = qrsign.KeyID(pub)
			if !got.Issued.Equal(p.Issued) || !got.Due.Equal(p.Due) {
				t.Fatalf("times: got %v/%v, want %v/%v", got.Issued, got.Due, p.Issued, p.Due)
			}
			got.Issued, got.Due, p.Issued, p.Due = time.Time{}, time.Time{}, time.Time{}, time.Time{}
			if got != p {
				t.Fatalf("payload:\n got %+v\nwant %+v", got, p)
			}
		})
	}
}

func TestDocName(t *testing.T) {
	if got := receipt().DocName(); got != "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" {
		t.Fatalf("DocName = %q", got)
	}
	if got := qrsign.DocName("Trích lục khai sinh"); got != "Trích lục khai sinh" {
		t.Fatalf("DocName of a free name = %q", got)
	}
}

func TestURLForm(t *testing.T) {
	pub, priv := mustKey(t)
	k := ring(t, pub)
	text, err := qrsign.SignURL(receipt(), priv, "https://dichvucong.example.gov.vn/tra-cuu?mahs={code}")
	if err != nil {
		t.Fatal(err)
	}
	wantURL := "https://dichvucong.example.gov.vn/tra-cuu?mahs=000.00.06.H56-231027-0361"
	if !strings.HasPrefix(text, wantURL+"#MC1|") {
		t.Fatalf("text %q does not start with the lookup URL", text)
	}
	p, res := qrsign.Verify(text, k)
	if res != qrsign.Valid || p.URL != wantURL || p.Code != receipt().Code {
		t.Fatalf("Verify = %v, %+v", res, p)
	}
	t.Run("TamperedURL", func(t *testing.T) {
		bad := strings.Replace(text, "example.gov.vn", "example.com.vn", 1)
		if _, res := qrsign.Verify(bad, k); res != qrsign.Tampered {
			t.Fatalf("Verify = %v, want tampered", res)
		}
	})
	t.Run("Version", func(t *testing.T) {
		v, err := qrsign.Version(text)
		if err != nil || v > 13 {
			t.Fatalf("URL form needs version %d (err %v), want ≤ 13", v, err)
		}
		t.Logf("URL form: %d bytes, version %d-M", len(text), v)
	})
	for _, bad := range []string{"", "ftp://x/{code}", "https://x/a#b?m={code}", "dichvucong.gov.vn?mahs={code}", "https:///{code}"} {
		if _, err := qrsign.SignURL(receipt(), priv, bad); err == nil {
			t.Errorf("SignURL(%q) accepted a bad pattern", bad)
		}
	}
}

// TestTamperEachField changes every signed field in turn: each change must
// be caught, whatever field it hits.
func TestTamperEachField(t *testing.T) {
	pub, priv := mustKey(t)
	k := ring(t, pub)
	base := receipt()
	base.Validity = "5 năm"
	text, err := qrsign.Sign(base, priv)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(text, "|")
	change := map[int]string{
		2:  "KQ",
		3:  "000.00.06.H56-231027-0362",
		4:  "1.001613",
		5:  "038090012346",
		6:  "MOTCUA2",
		7:  "202310270831",
		8:  "202311100830",
		9:  "10 năm",
		10: strings.Repeat("A", 86),
	}
	names := []string{"tag", "kid", "doc", "code", "procedure", "applicant", "system", "issued", "due", "validity", "sig"}
	for i, v := range change {
		t.Run(names[i], func(t *testing.T) {
			p := append([]string(nil), parts...)
			p[i] = v
			if _, res := qrsign.Verify(strings.Join(p, "|"), k); res != qrsign.Tampered {
				t.Fatalf("Verify = %v, want tampered", res)
			}
		})
	}
	t.Run("EveryByte", func(t *testing.T) {
		for i := range len(text) {
			b := []byte(text)
			b[i] ^= 0x01
			if _, res := qrsign.Verify(string(b), k); res == qrsign.Valid {
				t.Fatalf("byte %d (%q) flipped and still valid", i, text[i])
			}
		}
	})
	t.Run("Truncated", func(t *testing.T) {
		if _, res := qrsign.Verify(text[:len(text)-10], k); res != qrsign.Tampered {
			t.Fatalf("Verify = %v, want tampered", res)
		}
	})
}

func TestUnknownKey(t *testing.T) {
	pub, _ := mustKey(t)
	_, other := mustKey(t)
	text, err := qrsign.Sign(receipt(), other)
	if err != nil {
		t.Fatal(err)
	}
	p, res := qrsign.Verify(text, ring(t, pub))
	if res != qrsign.UnknownKey {
		t.Fatalf("Verify = %v, want unknown key", res)
	}
	if p.Code != receipt().Code {
		t.Fatalf("the claimed code should still be reported, got %+v", p)
	}
	if _, res := qrsign.Verify(text, nil); res != qrsign.UnknownKey {
		t.Fatalf("Verify with no keyring = %v, want unknown key", res)
	}
}

var notOurs = []string{
	"",
	"hello",
	"001090123456|012345678|Nguyễn Văn A|01011990|Nam|Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|15042021",
	"038090012345||TRẦN THỊ B|12031990|Nữ|Xã Quảng Phú, Thanh Hóa|01072021",
	"https://hcc.thanhhoa.gov.vn/portaldvc/KenhTin/tra-cuu.aspx?mahs=000.00.06.H56-231027-0361",
	"https://example.com/#MC2|x",
	"MC2|AAAAAAAA|TN|x|y|z|s|202310270830||||sig",
	"mc1|AAAAAAAA|TN",
	"WIFI:S:quay1;T:WPA;P:secret;;",
	"ftp://x#MC1|a|b",
}

func TestNotOurs(t *testing.T) {
	pub, _ := mustKey(t)
	k := ring(t, pub)
	for _, s := range notOurs {
		if _, res := qrsign.Verify(s, k); res != qrsign.NotOurs {
			t.Errorf("Verify(%q) = %v, want not ours", s, res)
		}
	}
}

func TestSignRejects(t *testing.T) {
	_, priv := mustKey(t)
	cases := map[string]func(*qrsign.Payload){
		"code":     func(p *qrsign.Payload) { p.Code = " " },
		"doc":      func(p *qrsign.Payload) { p.Doc = "" },
		"issued":   func(p *qrsign.Payload) { p.Issued = time.Time{} },
		"validity": func(p *qrsign.Payload) { p.Validity = "a\nb" },
	}
	for field, mutate := range cases {
		t.Run(field, func(t *testing.T) {
			p := receipt()
			mutate(&p)
			_, err := qrsign.Sign(p, priv)
			var e *motcua.Error
			if !errors.As(err, &e) || e.Field != field {
				t.Fatalf("Sign error = %v, want a coded error on %s", err, field)
			}
		})
	}
	if _, err := qrsign.Sign(receipt(), priv[:10]); err == nil {
		t.Fatal("Sign accepted a short key")
	}
}

func TestFitsVersion10M(t *testing.T) {
	_, priv := mustKey(t)
	result := worstReceipt()
	result.Doc = qrsign.DocResult
	result.Due = time.Time{}
	result.Validity = "05 nam"
	for name, p := range map[string]qrsign.Payload{"Receipt": receipt(), "WorstReceipt": worstReceipt(), "Result": result} {
		text, err := qrsign.Sign(p, priv)
		if err != nil {
			t.Fatal(err)
		}
		v, err := qrsign.Version(text)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %d bytes, version %d-M", name, len(text), v)
		if v > 10 {
			t.Errorf("%s needs QR version %d at level M, want ≤ 10", name, v)
		}
	}
}

func TestPNG(t *testing.T) {
	_, priv := mustKey(t)
	text, err := qrsign.Sign(receipt(), priv)
	if err != nil {
		t.Fatal(err)
	}
	b, err := qrsign.PNG(text, 300)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil || img.Bounds().Dx() != 300 {
		t.Fatalf("PNG: %v, bounds %v", err, img.Bounds())
	}
	bm, err := qrsign.Bitmap(text)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := qrsign.Version(text)
	if want := 17 + 4*v; len(bm) != want || len(bm[0]) != want {
		t.Fatalf("bitmap %d×%d, want %d×%d without quiet zone", len(bm), len(bm[0]), want, want)
	}
}

func TestKeyring(t *testing.T) {
	pub1, priv1 := mustKey(t)
	pub2, _ := mustKey(t)
	k := ring(t, pub1, pub2)
	if id, _ := k.Add(pub1, "1/2", "quầy 1"); id != qrsign.KeyID(pub1) || len(k.Keys) != 2 {
		t.Fatalf("re-adding a key should update it, got %d keys", len(k.Keys))
	}
	raw, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	back, err := qrsign.LoadKeyring(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	text, _ := qrsign.Sign(receipt(), priv1)
	if _, res := qrsign.Verify(text, back); res != qrsign.Valid {
		t.Fatalf("keyring after JSON round trip: %v", res)
	}

	t.Run("PrivateKey", func(t *testing.T) {
		got, err := qrsign.DecodePrivateKey(qrsign.EncodePrivateKey(priv1))
		if err != nil || !got.Equal(priv1) {
			t.Fatalf("private key round trip: %v", err)
		}
		if _, err := qrsign.DecodePrivateKey("not base64"); err == nil {
			t.Fatal("DecodePrivateKey accepted garbage")
		}
	})

	bad := map[string]string{
		"keys[1].id":         strings.Replace(string(raw), qrsign.KeyID(pub2), "XXXXXXXX", 1),
		"keys[0].public_key": `{"keys":[{"id":"x","public_key":"AAAA"}]}`,
		"keyring":            `{"keys":[],"extra":1}`,
	}
	for field, s := range bad {
		_, err := qrsign.LoadKeyring(strings.NewReader(s))
		var e *motcua.Error
		if !errors.As(err, &e) || e.Field != field {
			t.Errorf("LoadKeyring error = %v, want one on %s", err, field)
		}
	}
}

func FuzzVerify(f *testing.F) {
	pub, priv, _ := qrsign.GenerateKey()
	k := &qrsign.Keyring{}
	_, _ = k.Add(pub, "1/1", "")
	good, _ := qrsign.Sign(receipt(), priv)
	withURL, _ := qrsign.SignURL(receipt(), priv, "https://x.gov.vn/?mahs={code}")
	for _, s := range append(notOurs, good, withURL, good[:40], "MC1|||||||||||", "MC1|%7|%|||||||") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, res := qrsign.Verify(s, k)
		if res == qrsign.Valid && (p.Code == "" || p.Issued.IsZero()) {
			t.Fatalf("valid payload without code or time: %+v", p)
		}
	})
}

// TestDocumentedExample keeps app/forms/QR_FORMAT.md honest: Ed25519 is
// deterministic, so the all-zero seed must give the documented text.
func TestDocumentedExample(t *testing.T) {
	priv := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	p := receipt()
	p.Code, p.Procedure, p.Applicant = "000.00.06.H56-231027-0361", "1.001612", "038090012345"
	got, err := qrsign.Sign(p, priv)
	if err != nil {
		t.Fatal(err)
	}
	const want = "MC1|E545QOZL|TN|000.00.06.H56-231027-0361|1.001612|038090012345|MOTCUA|202310270830|202311031630||ouHiwu6XsAOb_XmR7wk_9gENSDM0mH3TMD9qQFvneDL9PwtSp0p6CDaEjnZinP0uixZzbcHN6J7Dihg8bpKICQ"
	if got != want {
		t.Fatalf("documented example changed:\n got %s\nwant %s", got, want)
	}
	if k := qrsign.KeyID(priv.Public().(ed25519.PublicKey)); k != "E545QOZL" {
		t.Fatalf("key ID %s", k)
	}
}
