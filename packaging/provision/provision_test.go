package provision_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app/accounts"
	"motcua/packaging/provision"
	"motcua/scanning/qrsign"
)

var issued = time.Date(2026, 11, 20, 9, 0, 0, 0, motcua.Location)

// testKey is fixed so that failures are reproducible.
func testKey(t testing.TB, seed byte) ed25519.PrivateKey {
	t.Helper()
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
}

const communesCSV = "\xEF\xBB\xBFagency_id,agency_name,stations,machines,username,password\n" +
	"000.00.06.H56,UBND xã Quảng Phú,2,QP-MC1 QP-MC2,quangphu,s3cret\n" +
	"000.00.07.H56,\"UBND phường Đông Sơn, TP Thanh Hóa\",1,,,\n"

func batch(t *testing.T, key ed25519.PrivateKey) []provision.Issued {
	t.Helper()
	cs, err := provision.ReadCommunes(strings.NewReader(communesCSV))
	if err != nil {
		t.Fatal(err)
	}
	out, err := provision.Create(cs, provision.Options{Key: key, Issuer: "Sở KH&CN tỉnh Thanh Hóa", IssuedAt: issued,
		Valid: 90 * 24 * time.Hour, ProvinceURL: "https://motcua.thanhhoa.example/api", CAPEM: "-----BEGIN CERTIFICATE-----\n"})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCreate(t *testing.T) {
	key := testKey(t, 1)
	out := batch(t, key)
	if len(out) != 3 {
		t.Fatalf("got %d profiles, want 3 (2 + 1 stations)", len(out))
	}
	if out[0].Name != "QP-MC1.mcprofile" || out[1].Name != "QP-MC2.mcprofile" || out[2].Name != "000.00.07.H56-may1.mcprofile" {
		t.Errorf("names %q %q %q", out[0].Name, out[1].Name, out[2].Name)
	}
	p1, p2 := out[0].Profile, out[1].Profile
	if p1.Machine != "QP-MC1" || p2.Machine != "QP-MC2" || out[2].Profile.Machine != "" {
		t.Errorf("machines %q %q %q", p1.Machine, p2.Machine, out[2].Profile.Machine)
	}
	if p1.StationKey == p2.StationKey {
		t.Error("two stations share a signing key")
	}
	if len(p1.Keyring.Keys) != 2 || len(out[2].Profile.Keyring.Keys) != 1 {
		t.Errorf("keyrings hold %d and %d keys", len(p1.Keyring.Keys), len(out[2].Profile.Keyring.Keys))
	}
	if p1.Province.Username != "quangphu" || out[2].Profile.Province.Username != "" {
		t.Error("credentials not taken from the CSV")
	}
	if out[2].Profile.AgencyName != "UBND phường Đông Sơn, TP Thanh Hóa" {
		t.Errorf("quoted name: %q", out[2].Profile.AgencyName)
	}
	// Issued again, a station keeps its key: old receipts still verify.
	again := batch(t, key)
	if again[0].Profile.StationKey != p1.StationKey {
		t.Error("station key changed between two issues")
	}
	if again[0].Profile.Serial == p1.Serial {
		t.Error("two issues share a serial")
	}
	m := string(provision.Manifest(out))
	if strings.Contains(m, "s3cret") || strings.Contains(m, p1.StationKey) {
		t.Error("the manifest leaks a secret")
	}
	if !strings.Contains(m, "QP-MC2.mcprofile,000.00.06.H56,UBND xã Quảng Phú,2/2,QP-MC2") {
		t.Errorf("manifest:\n%s", m)
	}
}

func TestOpen(t *testing.T) {
	key := testKey(t, 1)
	pub := key.Public().(ed25519.PublicKey)
	out := batch(t, key)
	good := out[0].Data
	ok := provision.Check{Now: issued.Add(time.Hour), Machine: "qp-mc1.quangphu.local"}

	t.Run("OK", func(t *testing.T) {
		p, err := provision.Open(good, pub, ok)
		if err != nil {
			t.Fatal(err)
		}
		if p.AgencyID != "000.00.06.H56" || p.StationID() != (motcua.Station{K: 1, N: 2}) {
			t.Errorf("got %s %s", p.AgencyID, p.StationID())
		}
		priv, err := qrsign.DecodePrivateKey(p.StationKey)
		if err != nil {
			t.Fatal(err)
		}
		if _, found := p.Keyring.Lookup(qrsign.KeyID(priv.Public().(ed25519.PublicKey))); !found {
			t.Error("own key not in the keyring")
		}
	})
	t.Run("OKAnyMachine", func(t *testing.T) {
		if _, err := provision.Open(out[2].Data, pub, provision.Check{Now: ok.Now, Machine: "WHATEVER"}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("OKClockSlightlyBehind", func(t *testing.T) {
		if _, err := provision.Open(good, pub, provision.Check{Now: issued.Add(-10 * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	})

	// tamper re-signs nothing: it edits the payload as an attacker or a
	// broken USB stick would.
	tamper := func(edit func(p map[string]any)) []byte {
		var env map[string]string
		if err := json.Unmarshal(good, &env); err != nil {
			t.Fatal(err)
		}
		raw, _ := base64.StdEncoding.DecodeString(env["payload"])
		var p map[string]any
		if err := json.Unmarshal(raw, &p); err != nil {
			t.Fatal(err)
		}
		edit(p)
		raw, _ = json.Marshal(p)
		env["payload"] = base64.StdEncoding.EncodeToString(raw)
		b, _ := json.Marshal(env)
		return b
	}
	flipped := bytes.Clone(good)
	flipped[bytes.LastIndex(flipped, []byte(`"signature": "`))+20] ^= 1

	for _, tc := range []struct {
		name  string
		data  []byte
		key   ed25519.PublicKey
		check provision.Check
		code  string
		words string // part of the Vietnamese message naming the rule
	}{
		{"ErrCorrupt", []byte("PK\x03\x04 not json"), pub, ok, provision.ErrCorrupt, "bị hỏng"},
		{"ErrCorruptTruncated", good[:len(good)/2], pub, ok, provision.ErrCorrupt, "bị hỏng"},
		{"ErrFormat", bytes.Replace(good, []byte(`"format": "motcua-profile/1"`), []byte(`"format": "motcua-profile/9"`), 1), pub, ok, provision.ErrFormat, "định dạng"},
		{"ErrKey", good, testKey(t, 2).Public().(ed25519.PublicKey), ok, provision.ErrKey, "chỉ nhận hồ sơ do tỉnh ký"},
		{"ErrSignatureFlipped", flipped, pub, ok, provision.ErrSignature, "chữ ký số"},
		{"ErrSignatureStationChanged", tamper(func(p map[string]any) { p["station"] = 2.0 }), pub, ok, provision.ErrSignature, "đã bị sửa"},
		{"ErrSignatureExpiryExtended", tamper(func(p map[string]any) { p["expires_at"] = "2036-01-01T00:00:00+07:00" }), pub, ok, provision.ErrSignature, "đã bị sửa"},
		{"ErrExpired", good, pub, provision.Check{Now: issued.Add(91 * 24 * time.Hour)}, provision.ErrExpired, "hết hạn"},
		{"ErrNotYetValid", good, pub, provision.Check{Now: time.Date(2010, 1, 1, 0, 0, 0, 0, motcua.Location)}, provision.ErrNotYetValid, "đồng hồ máy"},
		{"ErrMachine", good, pub, provision.Check{Now: ok.Now, Machine: "QP-MC2"}, provision.ErrMachine, "đúng máy"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := provision.Open(tc.data, tc.key, tc.check)
			e, isCoded := motcua.AsError(err)
			if !isCoded {
				t.Fatalf("got %v, want coded error %s", err, tc.code)
			}
			if e.Code != tc.code || e.Kind != motcua.KindInvalid {
				t.Fatalf("got %s/%s (%s), want %s", e.Kind, e.Code, e.Msg, tc.code)
			}
			if !strings.Contains(e.Msg, tc.words) || !strings.Contains(e.Msg, "quy tắc") {
				t.Errorf("message %q does not name the rule (%q)", e.Msg, tc.words)
			}
		})
	}
}

func TestReadCommunesErrors(t *testing.T) {
	for _, tc := range []struct{ name, csv, field string }{
		{"ErrNoRows", "agency_id,agency_name,stations\n", "csv"},
		{"ErrUnknownColumn", "agency_id,agency_name,stations,colour\n000.00.06.H56,X,1,red\n", "csv:1:colour"},
		{"ErrMissingColumn", "agency_id,agency_name\n000.00.06.H56,X\n", "csv:1:stations"},
		{"ErrBadAgency", "agency_id,agency_name,stations\nH56,X,1\n", "csv:2:agency_id"},
		{"ErrDuplicate", "agency_id,agency_name,stations\n000.00.06.H56,X,1\n000.00.06.H56,Y,1\n", "csv:3:agency_id"},
		{"ErrStations", "agency_id,agency_name,stations\n000.00.06.H56,X,0\n", "csv:2:stations"},
		{"ErrFieldStations", "agency_id,agency_name,stations,field_stations\n000.00.06.H56,X,2,2\n", "csv:2:field_stations"},
		{"ErrMachines", "agency_id,agency_name,stations,machines\n000.00.06.H56,X,2,ONLYONE\n", "csv:2:machines"},
		{"ErrMachineName", "agency_id,agency_name,stations,machines\n000.00.06.H56,X,1,MÁY-QUẢNG-PHÚ\n", "csv:2:machines"},
		{"ErrMachineTooLong", "agency_id,agency_name,stations,machines\n000.00.06.H56,X,1,QUANGPHU-MOTCUA-01\n", "csv:2:machines"},
		{"ErrMachineTwice", "agency_id,agency_name,stations,machines\n000.00.06.H56,X,1,PC1\n000.00.07.H56,Y,1,pc1\n", "csv:3:machines"},
		{"ErrHalfCredentials", "agency_id,agency_name,stations,username\n000.00.06.H56,X,1,user\n", "csv:2:password"},
		{"ErrAdminHashWithoutUser", "agency_id,agency_name,stations,admin_password_hash\n000.00.06.H56,X,1,$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$a2V5\n", "csv:2:admin_username"},
		{"ErrAdminUsername", "agency_id,agency_name,stations,admin_username\n000.00.06.H56,X,1,Quản Trị\n", "csv:2:admin_username"},
		{"ErrAdminHash", "agency_id,agency_name,stations,admin_username,admin_password_hash\n000.00.06.H56,X,1,quantri,MatKhau123\n", "csv:2:admin_password_hash"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := provision.ReadCommunes(strings.NewReader(tc.csv))
			e, ok := motcua.AsError(err)
			if !ok || e.Field != tc.field {
				t.Fatalf("got %v, want an error on %s", err, tc.field)
			}
		})
	}
	t.Run("OKSemicolonsVietnameseHeaders", func(t *testing.T) {
		cs, err := provision.ReadCommunes(strings.NewReader("ma_dinh_danh;ten_co_quan;so_may;ten_may\n000.00.06.H56;UBND xã A;2;A1|A2\n\n"))
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].Stations != 2 || cs[0].Machines[1] != "A2" {
			t.Errorf("got %+v", cs)
		}
	})
}

func TestKeys(t *testing.T) {
	pub, priv, err := provision.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	privPEM, _ := provision.EncodePrivateKey(priv)
	pubPEM, _ := provision.EncodePublicKey(pub)
	if !strings.Contains(string(pubPEM), provision.Fingerprint(pub)) {
		t.Error("the public key file does not show its fingerprint")
	}
	priv2, err := provision.ParsePrivateKey(privPEM)
	if err != nil || !priv2.Equal(priv) {
		t.Fatalf("private key round trip: %v", err)
	}
	pub2, err := provision.ParsePublicKey(pubPEM)
	if err != nil || !pub2.Equal(pub) {
		t.Fatalf("public key round trip: %v", err)
	}
	pub3, err := provision.ParsePublicKey([]byte(base64.StdEncoding.EncodeToString(pub) + "\n"))
	if err != nil || !pub3.Equal(pub) {
		t.Fatalf("bare base64 public key: %v", err)
	}
	if _, err := provision.ParsePublicKey(privPEM); err == nil {
		t.Error("a private key was read as a public key")
	}
	if _, err := provision.ParsePrivateKey(pubPEM); err == nil {
		t.Error("a public key was read as a private key")
	}
}

// FuzzOpen: whatever the bytes, Open accepts only the profile the province
// signed, field for field.
func FuzzOpen(f *testing.F) {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, ed25519.SeedSize))
	cs, _ := provision.ReadCommunes(strings.NewReader(communesCSV))
	out, _ := provision.Create(cs, provision.Options{Key: key, IssuedAt: issued, Valid: time.Hour})
	signed := out[0].Profile
	signed.Serial = "fuzz"
	data, err := provision.Sign(signed, key)
	if err != nil {
		f.Fatal(err)
	}
	want, _ := json.Marshal(signed)
	f.Add(data)
	f.Add([]byte(`{"format":"motcua-profile/1","payload":"e30=","signature":"AA=="}`))
	pub := key.Public().(ed25519.PublicKey)
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := provision.Open(data, pub, provision.Check{Now: issued})
		if err != nil {
			return
		}
		if got, _ := json.Marshal(p); !bytes.Equal(got, want) {
			t.Fatalf("accepted a profile the province never signed:\n%s", got)
		}
	})
}

// The first administrator travels in the profile as an argon2id hash: the
// province's own (one hash for the commune) or, without one, a one-time
// set-up code drawn per PC whose only copy is AdminCodes' secret list.
func TestCreateAdmin(t *testing.T) {
	key := testKey(t, 1)
	pub := key.Public().(ed25519.PublicKey)
	provinceHash, err := accounts.Hash("Mật khẩu của tỉnh 2026", accounts.Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16})
	if err != nil {
		t.Fatal(err)
	}
	csv := "agency_id;agency_name;stations;quan_tri;ten_quan_tri;bam_mat_khau_quan_tri\n" +
		"000.00.06.H56;UBND xã Quảng Phú;2;quantri.qp;;\n" +
		"000.00.07.H56;UBND phường Đông Sơn;1;admin.ds;Lê Thị Hoa;" + provinceHash + "\n" +
		"000.00.08.H56;UBND xã Không Quản Trị;1;;;\n"
	cs, err := provision.ReadCommunes(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	out, err := provision.Create(cs, provision.Options{Key: key, IssuedAt: issued, Valid: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 4 {
		t.Fatalf("%d profiles", len(out))
	}
	codes := map[string]bool{}
	for _, is := range out[:2] {
		p, err := provision.Open(is.Data, pub, provision.Check{Now: issued})
		if err != nil {
			t.Fatal(err)
		}
		if p.Admin == nil || p.Admin.Username != "quantri.qp" || p.Admin.FullName != "Quản trị UBND xã Quảng Phú" {
			t.Fatalf("admin of %s: %+v", is.Name, p.Admin)
		}
		if len(is.AdminCode) != 14 || codes[is.AdminCode] {
			t.Fatalf("set-up code %q of %s (codes so far %v)", is.AdminCode, is.Name, codes)
		}
		codes[is.AdminCode] = true
		if ok, _, err := accounts.Check(p.Admin.PasswordHash, is.AdminCode, accounts.DefaultParams); !ok || err != nil {
			t.Errorf("%s: the profile's hash does not check the set-up code: %v", is.Name, err)
		}
		if bytes.Contains(is.Data, []byte(is.AdminCode)) {
			t.Errorf("%s carries its set-up code in clear", is.Name)
		}
	}
	ds, err := provision.Open(out[2].Data, pub, provision.Check{Now: issued})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Admin == nil || ds.Admin.PasswordHash != provinceHash || ds.Admin.FullName != "Lê Thị Hoa" || out[2].AdminCode != "" {
		t.Errorf("the province's hash: %+v, code %q", ds.Admin, out[2].AdminCode)
	}
	if out[3].Profile.Admin != nil || out[3].AdminCode != "" {
		t.Errorf("a commune without an administrator got one: %+v", out[3].Profile.Admin)
	}
	list := string(provision.AdminCodes(out))
	for c := range codes {
		if !strings.Contains(list, c) {
			t.Errorf("the secret list lacks code %s", c)
		}
		if strings.Contains(string(provision.Manifest(out)), c) {
			t.Error("the manifest leaks a set-up code")
		}
	}
	if strings.Count(list, "\n") != 3 || !strings.Contains(list, "000.00.06.H56-may2.mcprofile,000.00.06.H56,UBND xã Quảng Phú,2/2,,quantri.qp,") {
		t.Errorf("admin codes list:\n%s", list)
	}
	if provision.AdminCodes(out[2:]) != nil {
		t.Error("a list of codes for a batch that drew none")
	}
	// A profile whose administrator cannot sign in is never signed.
	p := *out[0].Profile
	p.Admin = &provision.Admin{Username: "quantri.qp", FullName: "Quản trị", PasswordHash: "plain-password"}
	p.Serial = ""
	if _, err := provision.Sign(&p, key); motcua.ErrorKind(err) != motcua.KindInvalid {
		t.Errorf("signed a profile with a bad administrator hash: %v", err)
	}
}

// TestFieldStationProfile: the CSV's field_stations makes the last
// stations of a commune field stations; the role survives signing.
func TestFieldStationProfile(t *testing.T) {
	key := testKey(t, 7)
	cs, err := provision.ReadCommunes(strings.NewReader("agency_id,agency_name,stations,field_stations\n000.00.06.H56,UBND xã Quảng Phú,3,1\n"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := provision.Create(cs, provision.Options{Key: key, IssuedAt: issued, Valid: 24 * time.Hour})
	if err != nil || len(out) != 3 {
		t.Fatalf("%d profiles (%v)", len(out), err)
	}
	for i, want := range []string{"", "", provision.RoleField} {
		p, err := provision.Open(out[i].Data, key.Public().(ed25519.PublicKey), provision.Check{Now: issued})
		if err != nil || p.Role != want {
			t.Fatalf("station %d: role %q (%v), want %q", i+1, p.Role, err, want)
		}
	}
	p, _ := provision.Open(out[2].Data, key.Public().(ed25519.PublicKey), provision.Check{Now: issued})
	if d := provision.Describe(p, key.Public().(ed25519.PublicKey), ""); !strings.Contains(d, "máy hiện trường") {
		t.Fatalf("describe:\n%s", d)
	}
}
