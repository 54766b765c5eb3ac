package motcua_test

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"motcua"
	"motcua/assets"
)

func mustSeed(tb testing.TB) *motcua.Catalog {
	tb.Helper()
	c, err := motcua.LoadCatalog(bytes.NewReader(assets.CatalogJSON))
	if err != nil {
		tb.Fatalf("LoadCatalog(seed): %v", err)
	}
	return c
}

func TestSeedCatalog(t *testing.T) {
	if !norm.NFC.IsNormal(assets.CatalogJSON) {
		t.Fatal("assets/catalog/procedures.json is not NFC")
	}
	c := mustSeed(t)
	if len(c.Procedures) < 30 {
		t.Fatalf("seed has %d procedures, want at least 30", len(c.Procedures))
	}
	if c.Version == "" || c.Updated == "" {
		t.Errorf("seed version/updated empty: %q %q", c.Version, c.Updated)
	}
	codeShape := regexp.MustCompile(`^[1-9]\.\d{6}$`)
	seen := map[string]bool{}
	for _, p := range c.Procedures {
		if seen[p.Code] {
			t.Errorf("duplicate code %s", p.Code)
		}
		seen[p.Code] = true
		if !codeShape.MatchString(p.Code) {
			t.Errorf("%s: code is not a national TTHC code", p.Code)
		}
		for _, s := range []string{p.Name, p.Field, p.FeeNote, p.Source} {
			if !norm.NFC.IsNormalString(s) {
				t.Errorf("%s: %q is not NFC", p.Code, s)
			}
		}
		if p.Name == "" || p.Field == "" || p.Source == "" {
			t.Errorf("%s: name, field and source are required in the seed", p.Code)
		}
		if !p.Confirmed && !strings.HasPrefix(p.Source, "unverified") {
			t.Errorf("%s: unconfirmed entry must say so: source %q", p.Code, p.Source)
		}
		if p.Fee == 0 && p.FeeNote == "" {
			t.Errorf("%s: free or locally-set fee needs a fee_note", p.Code)
		}
	}
}

func codes(ps []motcua.Procedure) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Code
	}
	return out
}

func TestSearch(t *testing.T) {
	c := mustSeed(t)
	for _, tc := range []struct {
		name      string
		query     string
		first     string   // wanted first result, if set
		contains  []string // wanted somewhere in the results
		excludes  []string
		wantEmpty bool
	}{
		{name: "OK khai sinh", query: "khai sinh", first: "1.001193",
			contains: []string{"1.004884", "1.000689", "3.000722", "2.000635"}, excludes: []string{"1.000894", "2.000815"}},
		{name: "OK ket hon", query: "ket hon", first: "1.000894", contains: []string{"1.004746"}, excludes: []string{"1.001193"}},
		{name: "OK chung thuc", query: "chung thuc", contains: []string{"2.000815", "2.000884", "2.001035", "2.000927", "2.000942"},
			excludes: []string{"1.001193", "1.000894"}},
		{name: "OK diacritics and case", query: "ĐĂNG KÝ KẾT HÔN", first: "1.000894"},
		{name: "OK decomposed query", query: norm.NFD.String("đăng ký khai tử"), first: "1.000656"},
		{name: "OK words in any order", query: "tu khai", first: "1.000656"},
		{name: "OK word prefixes", query: "xac nhan tinh trang hon", first: "1.004873"},
		{name: "OK exact code", query: " 2.000815 ", first: "2.000815"},
		{name: "OK code prefix", query: "2.0008", contains: []string{"2.000815", "2.000884"}, excludes: []string{"1.001193", "2.000913"}},
		{name: "OK field words", query: "bao tro", contains: []string{"1.001776", "1.001731", "1.001699"}},
		{name: "OK no match", query: "giấy phép lái xe", wantEmpty: true},
		{name: "OK punctuation only", query: " - ", wantEmpty: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := codes(c.Search(tc.query))
			if tc.wantEmpty {
				if len(got) != 0 {
					t.Fatalf("Search(%q) = %v, want nothing", tc.query, got)
				}
				return
			}
			if len(got) == 0 {
				t.Fatalf("Search(%q) found nothing", tc.query)
			}
			if tc.first != "" && got[0] != tc.first {
				t.Errorf("Search(%q)[0] = %s, want %s (all: %v)", tc.query, got[0], tc.first, got)
			}
			for _, w := range tc.contains {
				if !slices.Contains(got, w) {
					t.Errorf("Search(%q) = %v, missing %s", tc.query, got, w)
				}
			}
			for _, w := range tc.excludes {
				if slices.Contains(got, w) {
					t.Errorf("Search(%q) = %v, should not contain %s", tc.query, got, w)
				}
			}
		})
	}
	t.Run("OK chung thuc only chung thuc", func(t *testing.T) {
		for _, p := range c.Search("chung thuc") {
			if p.Field != "Chứng thực" && !strings.Contains(motcua.Fold(p.Name), "chung thuc") {
				t.Errorf("Search(chung thuc) returned %s %q", p.Code, p.Name)
			}
		}
	})
	t.Run("OK empty query lists all", func(t *testing.T) {
		if got := c.Search("  "); len(got) != len(c.Procedures) {
			t.Errorf("Search(blank) returned %d of %d", len(got), len(c.Procedures))
		}
	})
}

func TestFind(t *testing.T) {
	c := mustSeed(t)
	p, ok := c.Find(" 1.001193")
	if !ok || p.Name != "Thủ tục đăng ký khai sinh" || p.ProcessingDays != 0 {
		t.Errorf("Find(1.001193) = %+v, %v", p, ok)
	}
	p, ok = c.Find("2.000815")
	if !ok || p.Fee != 2000 || p.Field != "Chứng thực" || len(p.Components) == 0 {
		t.Errorf("Find(2.000815) = %+v, %v", p, ok)
	}
	if _, ok := c.Find("9.999999"); ok {
		t.Error("Find(9.999999) found a procedure")
	}
}

func TestFold(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Nguyễn Thị Ánh Tuyết Đào", "nguyen thi anh tuyet dao"},
		{norm.NFD.String("Nguyễn Thị Ánh Tuyết Đào"), "nguyen thi anh tuyet dao"},
		{"  Hộ   tịch\t\r\n", "ho tich"},
		{"ĐƯỜNG Ỷ LAN, Quận Đống Đa", "duong y lan, quan dong da"},
		{"Ðà Nẵng", "da nang"}, // U+00D0 eth typed for Đ
		{"Chứng thực 2.000815", "chung thuc 2.000815"},
		{"", ""},
	} {
		if got := motcua.Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

const okEntry = `{"code": "1.000001", "name": "A", "field": "F", "processing_days": 1, "fee": 0,
	"components": [{"name": "Tờ khai", "original": 1, "certified": 0, "copy": 0}]}`

func TestLoadCatalogErrors(t *testing.T) {
	wrap := func(entries ...string) string {
		return `{"version": "t", "updated": "2026-01-02", "procedures": [` + strings.Join(entries, ",") + `]}`
	}
	for _, tc := range []struct {
		name string
		json string
		want []string // substrings the error must contain
	}{
		{"ErrDuplicateCode", wrap(okEntry, okEntry), []string{`procedures[1]`, `"1.000001"`, `field "code"`, `rule "unique"`}},
		{"ErrNegativeFee", wrap(strings.Replace(okEntry, `"fee": 0`, `"fee": -5`, 1)), []string{`procedures[0]`, `field "fee"`, `rule "non_negative"`}},
		{"ErrNegativeDays", wrap(strings.Replace(okEntry, `"processing_days": 1`, `"processing_days": -1`, 1)), []string{`field "processing_days"`, `rule "non_negative"`}},
		{"ErrNoComponents", wrap(`{"code": "1.000002", "name": "B", "fee": 0, "components": []}`), []string{`"1.000002"`, `field "components"`, `rule "required"`}},
		{"ErrEmptyCode", wrap(strings.Replace(okEntry, `"1.000001"`, `"  "`, 1)), []string{`field "code"`, `rule "required"`}},
		{"ErrEmptyName", wrap(strings.Replace(okEntry, `"name": "A"`, `"name": ""`, 1)), []string{`field "name"`, `rule "required"`}},
		{"ErrComponentName", wrap(strings.Replace(okEntry, `"Tờ khai"`, `""`, 1)), []string{`field "components[0].name"`, `rule "required"`}},
		{"ErrComponentCount", wrap(strings.Replace(okEntry, `"copy": 0`, `"copy": -1`, 1)), []string{`field "components[0]"`, `rule "non_negative"`}},
		{"ErrNoProcedures", wrap(), []string{`field "procedures"`, `rule "required"`}},
		{"ErrUpdatedDate", strings.Replace(wrap(okEntry), "2026-01-02", "02/01/2026", 1), []string{`field "updated"`, `rule "date"`}},
		{"ErrBadJSON", "{\n\"procedures\": [\n  {\"code\": \"1\",}\n]}", []string{`line 3`, `rule "json"`}},
		{"ErrTrailingData", wrap(okEntry) + " {}", []string{`rule "json"`}},
		{"ErrDaysOverflow", wrap(strings.Replace(okEntry, `"processing_days": 1`, `"processing_days": 1000000`, 1)), []string{`field "processing_days"`, `rule "max"`}},
		{"ErrDaysLarge", wrap(strings.Replace(okEntry, `"processing_days": 1`, `"processing_days": 100000`, 1)), []string{`field "processing_days"`, `rule "max"`}},
		{"ErrFeeLarge", wrap(strings.Replace(okEntry, `"fee": 0`, `"fee": 9000000000000`, 1)), []string{`field "fee"`, `rule "max"`}},
		{"ErrComponentCountLarge", wrap(strings.Replace(okEntry, `"copy": 0`, `"copy": 100`, 1)), []string{`field "components[0]"`, `rule "max"`}},
		{"ErrNULInCode", wrap(strings.Replace(okEntry, `"1.000001"`, `"1.000\u0000001"`, 1)), []string{`field "code"`, `rule "shape"`}},
		{"ErrEscapeInName", wrap(strings.Replace(okEntry, `"name": "A"`, `"name": "\u001b[31mA"`, 1)), []string{`field "name"`, `rule "no_control"`}},
		{"ErrNULInComponent", wrap(strings.Replace(okEntry, `"Tờ khai"`, `"Tờ\u0000khai"`, 1)), []string{`field "components[0].name"`, `rule "no_control"`}},
		{"ErrLongName", wrap(strings.Replace(okEntry, `"name": "A"`, `"name": "`+strings.Repeat("a", 1001)+`"`, 1)), []string{`field "name"`, `rule "max_length"`}},
		{"ErrInvalidUTF8", wrap(strings.Replace(okEntry, `"name": "A"`, "\"name\": \"A\xff\"", 1)), []string{`rule "utf8"`}},
		{"ErrWrongType", wrap(strings.Replace(okEntry, `"fee": 0`, `"fee": "free"`, 1)), []string{`field "procedures.fee"`, `rule "type"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := motcua.LoadCatalog(strings.NewReader(tc.json))
			if err == nil {
				t.Fatal("LoadCatalog succeeded, want an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %s", err, w)
				}
			}
		})
	}
	t.Run("ErrSeveralReportedTogether", func(t *testing.T) {
		bad := strings.Replace(okEntry, `"fee": 0`, `"fee": -5`, 1)
		_, err := motcua.LoadCatalog(strings.NewReader(wrap(bad, bad)))
		if err == nil || !strings.Contains(err.Error(), `rule "unique"`) || strings.Count(err.Error(), `rule "non_negative"`) != 2 {
			t.Errorf("error %v, want every problem reported", err)
		}
	})
}

func TestLoadCatalogNormalises(t *testing.T) {
	in := `{"version": "t", "updated": "", "procedures": [{"code": " 1.000003 ", "name": "` + norm.NFD.String("Đăng ký khai tử") +
		`", "field": "Hộ tịch", "processing_days": 0, "fee": 0, "components": [{"name": " ` + norm.NFD.String("Tờ khai") + ` ", "original": 1}]}]}`
	c, err := motcua.LoadCatalog(strings.NewReader(in))
	if err != nil {
		t.Fatalf("LoadCatalog: %v", err)
	}
	p, ok := c.Find("1.000003")
	if !ok {
		t.Fatal("code was not trimmed")
	}
	if p.Name != "Đăng ký khai tử" || p.Components[0].Name != "Tờ khai" {
		t.Errorf("text not NFC/trimmed: %q %q", p.Name, p.Components[0].Name)
	}
}
