package cccd_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"motcua/scanning/cccd"
)

const example = "001090123456|012345678|Nguyễn Văn A|01011990|Nam|Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|15042021"

// today is the fixed "now" of these tests: the parser's "born in the
// future" rule never depends on the day the suite runs.
var today = time.Date(2026, 11, 24, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

var exampleCard = cccd.Card{
	IDNumber:  "001090123456",
	OldID:     "012345678",
	FullName:  "Nguyễn Văn A",
	DOB:       date(1990, 1, 1),
	Gender:    "Nam",
	Address:   "Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh",
	IssueDate: date(2021, 4, 15),
}

// withField returns the example line with field i replaced.
func withField(i int, v string) string {
	f := strings.Split(example, "|")
	f[i] = v
	return strings.Join(f, "|")
}

// parseCases is both the table of TestParse and the seed corpus of FuzzParse.
var parseCases = []struct {
	name      string
	line      string
	want      cccd.Card // for OK cases
	wantField string    // for Err cases
	wantRule  string
}{
	{name: "OK 7 fields", line: example, want: exampleCard},
	{name: "OK 6 fields", line: "001090123456|Nguyễn Văn A|01011990|Nam|Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|15042021",
		want: func() cccd.Card { c := exampleCard; c.OldID = ""; return c }()},
	{name: "OK CRLF", line: example + "\r\n", want: exampleCard},
	{name: "OK BOM and spaces", line: "\uFEFF  " + example + " \n", want: exampleCard},
	{name: "OK decomposed", line: norm.NFD.String(example), want: exampleCard},
	{name: "OK trailing pipe", line: example + "|", want: exampleCard},
	{name: "OK no old ID", line: withField(1, ""),
		want: func() cccd.Card { c := exampleCard; c.OldID = ""; return c }()},
	{name: "OK spaces around fields", line: "001090123456 | 012345678 |  Nguyễn  Văn   A |01011990| Nam |Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|15042021",
		want: exampleCard},
	{name: "OK female 2000s ASCII Nu", line: "079304001234||TRẦN THỊ BÌNH|29022004|Nu|Xã Tân Phú, Tỉnh Đồng Nai|01072024",
		want: cccd.Card{IDNumber: "079304001234", FullName: "TRẦN THỊ BÌNH", DOB: date(2004, 2, 29), Gender: "Nữ",
			Address: "Xã Tân Phú, Tỉnh Đồng Nai", IssueDate: date(2024, 7, 1)}},
	{name: "OK female 1900s", line: "001190123456|012345678|Lê Thị Ánh|05121990|Nữ|Hà Nội|15042021",
		want: cccd.Card{IDNumber: "001190123456", OldID: "012345678", FullName: "Lê Thị Ánh", DOB: date(1990, 12, 5), Gender: "Nữ",
			Address: "Hà Nội", IssueDate: date(2021, 4, 15)}},
	{name: "OK male 2000s upper-case gender", line: "096203000001||Phạm Minh Đức|31122003|NAM|Cà Mau|10102021",
		want: cccd.Card{IDNumber: "096203000001", FullName: "Phạm Minh Đức", DOB: date(2003, 12, 31), Gender: "Nam",
			Address: "Cà Mau", IssueDate: date(2021, 10, 10)}},

	{name: "ErrEmpty", line: " \r\n", wantField: "line", wantRule: "empty"},
	{name: "ErrFieldCount receipt code", line: "000.00.06.H56-231027-0361", wantField: "line", wantRule: "field_count"},
	{name: "ErrFieldCount eight fields", line: example + "|x|y", wantField: "line", wantRule: "field_count"},
	{name: "ErrEncoding", line: "001090123456|\xff|x|01011990|Nam|a|15042021", wantField: "line", wantRule: "encoding"},
	{name: "ErrIDLength", line: withField(0, "00109012345"), wantField: "id_number", wantRule: "length"},
	{name: "ErrIDNotDigits", line: withField(0, "00109012345A"), wantField: "id_number", wantRule: "not_digits"},
	{name: "ErrProvinceCode", line: withField(0, "097090123456"), wantField: "id_number", wantRule: "province_code"},
	{name: "ErrProvinceCodeZero", line: withField(0, "000090123456"), wantField: "id_number", wantRule: "province_code"},
	{name: "ErrOldID", line: withField(1, "12345"), wantField: "old_id", wantRule: "format"},
	{name: "ErrEmptyName", line: withField(2, "   "), wantField: "full_name", wantRule: "empty"},
	{name: "ErrDOBFormat", line: withField(3, "1/1/1990"), wantField: "dob", wantRule: "format"},
	{name: "ErrBadDate", line: withField(3, "31021990"), wantField: "dob", wantRule: "invalid_date"},
	{name: "ErrBadDateMonth13", line: withField(3, "01131990"), wantField: "dob", wantRule: "invalid_date"},
	{name: "ErrDOBFuture", line: "001299123456||Nguyễn Văn B|01012099|Nam|Hà Nội|01012099", wantField: "dob", wantRule: "future"},
	{name: "ErrDOBBefore1900", line: "001899123456||Nguyễn Văn C|01011899|Nam|Hà Nội|15042021", wantField: "dob", wantRule: "before_1900"},
	{name: "ErrGender", line: withField(4, "Khác"), wantField: "gender", wantRule: "invalid"},
	{name: "ErrIssueDateMissing", line: "001090123456|012345678|Nguyễn Văn A|01011990|Nam|Hà Nội", wantField: "issue_date", wantRule: "missing"},
	{name: "ErrIssueBadDate", line: withField(6, "30022021"), wantField: "issue_date", wantRule: "invalid_date"},
	{name: "ErrIssueBeforeDOB", line: withField(6, "01011980"), wantField: "issue_date", wantRule: "before_dob"},
	{name: "ErrIssueFuture", line: withField(6, "01012099"), wantField: "issue_date", wantRule: "future"},
	{name: "ErrCenturyMismatch gender", line: withField(4, "Nữ"), wantField: "id_number", wantRule: "century_gender_mismatch"},
	{name: "ErrCenturyMismatch century", line: withField(0, "001290123456"), wantField: "id_number", wantRule: "century_gender_mismatch"},
	{name: "ErrYearMismatch", line: withField(0, "001091123456"), wantField: "id_number", wantRule: "birth_year_mismatch"},
}

func TestParse(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cccd.ParseAt(tc.line, today)
			if tc.wantRule == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if !sameCard(got, tc.want) {
					t.Fatalf("Parse:\n got %+v\nwant %+v", got, tc.want)
				}
				if !cccd.Looks(tc.line) {
					t.Errorf("Looks = false for a line Parse accepts")
				}
				return
			}
			var pe *cccd.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error = %v (%T), want *ParseError", err, err)
			}
			if pe.Field != tc.wantField || pe.Rule != tc.wantRule {
				t.Fatalf("Parse error field/rule = %s/%s, want %s/%s (%s)", pe.Field, pe.Rule, tc.wantField, tc.wantRule, pe.Msg)
			}
			checkMessages(t, pe)
		})
	}
}

func TestParseErrorMessage(t *testing.T) {
	_, err := cccd.ParseAt(withField(4, "Nữ"), today)
	var pe *cccd.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("Parse error = %v, want *ParseError", err)
	}
	const want = "Số định danh 001090123456: chữ số thứ 4 (mã thế kỷ/giới tính) không khớp với giới tính Nữ và năm sinh 1990"
	if pe.Msg != want {
		t.Errorf("Msg = %q, want %q", pe.Msg, want)
	}
	if strings.Contains(pe.Error(), "001090123456") {
		t.Errorf("Error() = %q leaks the ID number into logs", pe.Error())
	}
	if !strings.HasPrefix(pe.Error(), "cccd: id_number: century_gender_mismatch: ") {
		t.Errorf("Error() = %q, want field and rule prefix", pe.Error())
	}
}

func TestLooks(t *testing.T) {
	for _, tc := range []struct {
		name string
		line string
		want bool
	}{
		{"OK 7 fields", example, true},
		{"OK 6 fields", "001090123456|Nguyễn Văn A|01011990|Nam|Hà Nội|15042021", true},
		{"OK CRLF", example + "\r\n", true},
		{"NotReceiptCode", "000.00.06.H56-231027-0361", false},
		{"NotURL", "https://hcc.thanhhoa.gov.vn/portaldvc/KenhTin/tra-cuu.aspx?mahs=000.00.06.H56-231027-0361", false},
		{"NotPipes", "a|b|c|d|e|f", false},
		{"NotShortID", "12345|012345678|A|01011990|Nam|x|15042021", false},
		{"NotEmpty", "", false},
		{"NotMissingDOB", "001090123456|012345678|A|x|Nam|x|15042021", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := cccd.Looks(tc.line); got != tc.want {
				t.Errorf("Looks(%q) = %v, want %v", tc.line, got, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, tc := range parseCases {
		f.Add(tc.line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		c, err := cccd.ParseAt(line, today)
		if err != nil {
			var pe *cccd.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error = %v (%T), want *ParseError", err, err)
			}
			checkMessages(t, pe)
			return
		}
		if !cccd.Looks(line) {
			t.Fatalf("Looks = false for accepted line %q", line)
		}
		if len(c.IDNumber) != 12 || (c.Gender != "Nam" && c.Gender != "Nữ") || c.FullName == "" ||
			!norm.NFC.IsNormalString(c.FullName) || !norm.NFC.IsNormalString(c.Address) {
			t.Fatalf("accepted card breaks an invariant: %+v", c)
		}
		again, err := cccd.ParseAt(format(c), today)
		if err != nil {
			t.Fatalf("rebuilt line %q of accepted %q: %v", format(c), line, err)
		}
		if !sameCard(again, c) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", again, c)
		}
	})
}

// format rebuilds the canonical 7-field line of a card.
func format(c cccd.Card) string {
	return strings.Join([]string{c.IDNumber, c.OldID, c.FullName, c.DOB.Format("02012006"), c.Gender,
		c.Address, c.IssueDate.Format("02012006")}, "|")
}

func sameCard(a, b cccd.Card) bool {
	return a.IDNumber == b.IDNumber && a.OldID == b.OldID && a.FullName == b.FullName &&
		a.DOB.Equal(b.DOB) && a.Gender == b.Gender && a.Address == b.Address && a.IssueDate.Equal(b.IssueDate)
}

func checkMessages(t *testing.T, pe *cccd.ParseError) {
	t.Helper()
	if pe.Field == "" || pe.Rule == "" || pe.Msg == "" || pe.MsgEN == "" {
		t.Fatalf("incomplete ParseError: %+v", pe)
	}
	if !norm.NFC.IsNormalString(pe.Msg) {
		t.Fatalf("Msg is not NFC: %q", pe.Msg)
	}
}
