// Package cccd reads the QR code printed on the Vietnamese chip identity card
// (CCCD / thẻ căn cước) as a USB scanner in keyboard mode types it: one line of
// '|'-separated fields. It checks the line against the rules the 12-digit
// personal identification number encodes, so that a mistyped or foreign scan
// is caught at the counter instead of in the province's database.
//
// Layout (DOMAIN.md §5, confirmed by several independent public parsers):
//
//	<12-digit số định danh>|<old 9-digit CMND or empty>|<full name>|<DOB ddmmyyyy>|<Nam|Nữ>|<permanent address>|<issue date ddmmyyyy>
//
// A variant without the old-ID field (6 fields) is also accepted.
package cccd

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Card is the data read from one chip-ID QR code. Dates are calendar dates
// at 00:00 UTC; Gender is "Nam" or "Nữ". Text fields are NFC-normalised.
type Card struct {
	IDNumber  string // 12-digit số định danh cá nhân
	OldID     string // old 9-digit CMND, or empty
	FullName  string
	DOB       time.Time
	Gender    string // "Nam" | "Nữ"
	Address   string // nơi thường trú
	IssueDate time.Time
}

// ParseError describes one reason a scanned line was rejected.
//
// Field is one of "line", "id_number", "old_id", "full_name", "dob",
// "gender", "issue_date". Rule is a stable machine-readable name.
// Msg is the sentence shown to the officer (Vietnamese, NFC); MsgEN is for
// logs and deliberately omits the full ID number and name (personal data).
type ParseError struct {
	Field string
	Rule  string
	Msg   string
	MsgEN string
}

func (e *ParseError) Error() string {
	return "cccd: " + e.Field + ": " + e.Rule + ": " + e.MsgEN
}

func fail(field, rule, msg, msgEN string) *ParseError {
	return &ParseError{Field: field, Rule: rule, Msg: msg, MsgEN: msgEN}
}

// vnZone is Vietnam's civil time (UTC+7, no DST in modern dates). A fixed
// zone avoids needing the tz database on Windows PCs.
var vnZone = time.FixedZone("ICT", 7*60*60)

// Looks reports whether line is plausibly a chip-ID QR payload (and not, say,
// the receipt QR this app prints): 6 or 7 '|'-separated fields, the first a
// 12-digit number and a ddmmyyyy date of birth where the layout puts it.
// Every line Parse accepts Looks like one; the converse need not hold.
func Looks(line string) bool {
	f, ok := split(line)
	if !ok || !isDigits(f[0], 12) {
		return false
	}
	return isDigits(f[dobIndex(f)], 8)
}

// Parse reads one scanned line. It trims surrounding spaces, CR/LF and a
// byte-order mark, normalises to NFC (keyboard-mode scanners may send
// decomposed text) and validates every field. The error, if any, is a
// *ParseError for the first rule broken, checked in field order. now is
// today for the "born in the future" and expiry rules: the caller's clock.
func ParseAt(line string, now time.Time) (Card, error) {
	return parse(line, now)
}

func parse(line string, now time.Time) (Card, error) {
	if !utf8.ValidString(line) {
		return Card{}, fail("line", "encoding",
			"Dữ liệu quét bị lỗi mã hóa ký tự; hãy đặt máy quét ở chế độ USB-COM hoặc UTF-8",
			"scanned data is not valid UTF-8; set the scanner to USB-COM or UTF-8 mode")
	}
	f, ok := split(line)
	if !ok {
		if len(f) == 0 {
			return Card{}, fail("line", "empty",
				"Chưa nhận được dữ liệu từ máy quét",
				"no data received from the scanner")
		}
		return Card{}, fail("line", "field_count",
			fmt.Sprintf("Dữ liệu quét không phải mã QR căn cước: cần 6 hoặc 7 trường ngăn cách bởi dấu |, nhận được %d trường", len(f)),
			fmt.Sprintf("not a chip-ID QR: want 6 or 7 '|'-separated fields, got %d", len(f)))
	}

	var c Card
	c.IDNumber = f[0]
	if err := checkID(c.IDNumber); err != nil {
		return Card{}, err
	}

	// The 6-field variant has no old-ID field, so its date of birth is the
	// third field. A 6-field line with the date of birth in the fourth is a
	// 7-field line that lost its issue date.
	var name, dob, gender, address, issue string
	if len(f) == 7 {
		c.OldID = f[1]
		name, dob, gender, address, issue = f[2], f[3], f[4], f[5], f[6]
	} else {
		if !isDigits(f[2], 8) && isDigits(f[3], 8) {
			return Card{}, fail("issue_date", "missing",
				"Dữ liệu quét thiếu ngày cấp thẻ",
				"the scanned line has no issue date")
		}
		name, dob, gender, address, issue = f[1], f[2], f[3], f[4], f[5]
	}

	// Old IDs are 9-digit CMND numbers; a 12-digit pre-chip CCCD number is
	// tolerated too, so a real card is never turned away over this field.
	if c.OldID != "" && !isDigits(c.OldID, 9) && !isDigits(c.OldID, 12) {
		return Card{}, fail("old_id", "format",
			fmt.Sprintf("Số CMND cũ %q phải gồm 9 chữ số hoặc để trống", c.OldID),
			"old ID number must be 9 digits or empty")
	}

	c.FullName = strings.Join(strings.Fields(name), " ")
	if c.FullName == "" {
		return Card{}, fail("full_name", "empty",
			"Dữ liệu quét thiếu họ và tên",
			"full name is empty")
	}

	today := now.In(vnZone)
	todayDate := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)

	var err error
	if c.DOB, err = parseDate("dob", "Ngày sinh", "date of birth", dob); err != nil {
		return Card{}, err
	}
	switch {
	case c.DOB.After(todayDate):
		return Card{}, fail("dob", "future",
			fmt.Sprintf("Ngày sinh %s ở tương lai", vnDate(c.DOB)),
			"date of birth is in the future")
	case c.DOB.Year() < 1900:
		return Card{}, fail("dob", "before_1900",
			fmt.Sprintf("Ngày sinh %s trước năm 1900", vnDate(c.DOB)),
			"date of birth is before 1900")
	}

	switch strings.ToLower(gender) {
	case "nam":
		c.Gender = "Nam"
	case "nữ", "nu": // ASCII "Nu": the keyboard layout or IME lost the horn
		c.Gender = "Nữ"
	default:
		return Card{}, fail("gender", "invalid",
			fmt.Sprintf("Giới tính %q không hợp lệ: phải là Nam hoặc Nữ", gender),
			"gender must be Nam or Nữ")
	}

	c.Address = address

	if c.IssueDate, err = parseDate("issue_date", "Ngày cấp", "issue date", issue); err != nil {
		return Card{}, err
	}
	switch {
	case c.IssueDate.After(todayDate):
		return Card{}, fail("issue_date", "future",
			fmt.Sprintf("Ngày cấp %s ở tương lai", vnDate(c.IssueDate)),
			"issue date is in the future")
	case c.IssueDate.Before(c.DOB):
		return Card{}, fail("issue_date", "before_dob",
			fmt.Sprintf("Ngày cấp %s trước ngày sinh %s", vnDate(c.IssueDate), vnDate(c.DOB)),
			"issue date is before the date of birth")
	}

	if err := checkIDAgainst(c); err != nil {
		return Card{}, err
	}
	return c, nil
}

// split cleans the line and cuts it into trimmed fields. Trailing empty
// fields (a stray '|' before Enter) are dropped. ok reports a 6- or
// 7-field line.
func split(line string) (f []string, ok bool) {
	line = norm.NFC.String(strings.TrimFunc(line, isJunk))
	if line == "" {
		return nil, false
	}
	f = strings.Split(line, "|")
	for i := range f {
		f[i] = strings.TrimFunc(f[i], isJunk)
	}
	for len(f) > 0 && f[len(f)-1] == "" {
		f = f[:len(f)-1]
	}
	return f, len(f) == 6 || len(f) == 7
}

// dobIndex is where the date of birth sits in a 6- or 7-field line.
func dobIndex(f []string) int {
	if len(f) == 7 {
		return 3
	}
	return 2
}

// isJunk matches what scanners and editors leave around a line: spaces,
// CR/LF, tabs, control characters and the byte-order mark.
func isJunk(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r) || r == '\uFEFF'
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkID checks what the number says on its own: 12 digits and a
// province-of-birth code.
func checkID(id string) error {
	if n := utf8.RuneCountInString(id); n != 12 {
		return fail("id_number", "length",
			fmt.Sprintf("Số định danh %q phải có đúng 12 chữ số (nhận được %d ký tự)", id, n),
			fmt.Sprintf("ID number must have exactly 12 digits, got %d characters", n))
	}
	if !isDigits(id, 12) {
		return fail("id_number", "not_digits",
			fmt.Sprintf("Số định danh %q chỉ được gồm chữ số", id),
			"ID number must contain digits only")
	}
	// REPORTED (hongquan/vietnam-personal-id, third-party): the first three
	// digits are the province of birth, codes 001..096 (TT 07/2016/TT-BCA).
	// Only the range is checked; the list has gaps and the 2025 province
	// mergers did not renumber existing IDs.
	if p := id[:3]; p < "001" || p > "096" {
		return fail("id_number", "province_code",
			fmt.Sprintf("Số định danh %s: mã tỉnh nơi đăng ký khai sinh %s không hợp lệ (phải từ 001 đến 096)", id, p),
			fmt.Sprintf("province-of-birth code %s is outside 001..096", p))
	}
	return nil
}

// centuryGender maps digit 4 of the ID to the birth century and whether the
// holder is female (0/1 1900s, 2/3 2000s, 4/5 2100s, 6/7 2200s, 8/9 1800s;
// even male, odd female).
var centuryGender = [10]struct {
	century int
	female  bool
}{
	{1900, false}, {1900, true},
	{2000, false}, {2000, true},
	{2100, false}, {2100, true},
	{2200, false}, {2200, true},
	{1800, false}, {1800, true},
}

// CheckTyped checks a 12-digit ID number typed by hand against what else
// was typed: the century/gender digit and the birth-year digits against
// the date of birth (zero: not given) and gender ("" : not given). The
// same rule as a scanned card, so the window and the CLI agree with the
// scanner.
func CheckTyped(id string, dob time.Time, gender string) error {
	if !isDigits(id, 12) {
		return nil
	}
	cg := centuryGender[id[3]-'0']
	if gender != "" && cg.female != (gender == "Nữ") {
		return fail("id_number", "gender_mismatch",
			fmt.Sprintf("Số định danh %s: chữ số thứ 4 (%c) là của người %s, không khớp với giới tính %s đã chọn", id, id[3], genderOf(cg.female), gender),
			fmt.Sprintf("digit 4 (%c) is the code of a %s holder, not %s", id[3], map[bool]string{true: "female", false: "male"}[cg.female], gender))
	}
	if dob.IsZero() {
		return nil
	}
	year := dob.Year()
	if cg.century != year/100*100 {
		return fail("id_number", "century_mismatch",
			fmt.Sprintf("Số định danh %s: chữ số thứ 4 (%c) là của người sinh từ %d đến %d, không khớp với năm sinh %d", id, id[3], cg.century, cg.century+99, year),
			fmt.Sprintf("digit 4 (%c) means born in the %ds, not in %d", id[3], cg.century, year))
	}
	if yy := fmt.Sprintf("%02d", year%100); id[4:6] != yy {
		return fail("id_number", "birth_year_mismatch",
			fmt.Sprintf("Số định danh %s: chữ số thứ 5–6 (%s) không khớp với năm sinh %d", id, id[4:6], year),
			fmt.Sprintf("digits 5-6 (%s) do not match birth year %d", id[4:6], year))
	}
	return nil
}

func genderOf(female bool) string {
	if female {
		return "Nữ"
	}
	return "Nam"
}

// checkIDAgainst checks the number against the date of birth and gender.
func checkIDAgainst(c Card) error {
	id, year := c.IDNumber, c.DOB.Year()
	cg := centuryGender[id[3]-'0']
	if cg.century != year/100*100 || cg.female != (c.Gender == "Nữ") {
		return fail("id_number", "century_gender_mismatch",
			fmt.Sprintf("Số định danh %s: chữ số thứ 4 (mã thế kỷ/giới tính) không khớp với giới tính %s và năm sinh %d", id, c.Gender, year),
			fmt.Sprintf("digit 4 (century/gender code) %c does not match gender %s and birth year %d", id[3], c.Gender, year))
	}
	if yy := fmt.Sprintf("%02d", year%100); id[4:6] != yy {
		return fail("id_number", "birth_year_mismatch",
			fmt.Sprintf("Số định danh %s: chữ số thứ 5–6 (%s) không khớp với năm sinh %d", id, id[4:6], year),
			fmt.Sprintf("digits 5-6 (%s) do not match birth year %d", id[4:6], year))
	}
	return nil
}

// parseDate reads a ddmmyyyy date that must exist on the calendar.
func parseDate(field, vnName, enName, s string) (time.Time, error) {
	if !isDigits(s, 8) {
		return time.Time{}, fail(field, "format",
			fmt.Sprintf("%s %q phải gồm 8 chữ số theo dạng ngày tháng năm (ddmmyyyy)", vnName, s),
			enName+" must be 8 digits, ddmmyyyy")
	}
	d := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[2]-'0')*10 + int(s[3]-'0')
	y := int(s[4]-'0')*1000 + int(s[5]-'0')*100 + int(s[6]-'0')*10 + int(s[7]-'0')
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m || t.Year() != y {
		return time.Time{}, fail(field, "invalid_date",
			fmt.Sprintf("%s %s/%s/%s không phải ngày có thật", vnName, s[0:2], s[2:4], s[4:8]),
			enName+" is not a real calendar date")
	}
	return t, nil
}

func vnDate(t time.Time) string { return t.Format("02/01/2006") }

// CheckNumber checks what a typed 12-digit personal ID says on its own:
// the length, digits only, and the province-of-birth code; CheckTyped then
// checks it against the date of birth and gender.
func CheckNumber(id string) error { return checkID(id) }
