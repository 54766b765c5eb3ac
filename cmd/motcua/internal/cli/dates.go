package cli

import (
	"strings"
	"time"

	"motcua"
)

// dateHelp is what every date flag's usage says it accepts.
const dateHelp = "DD/MM/YYYY, YYYY-MM-DD hoặc/or RFC 3339"

// parseDate is the one parser of every date flag of the command line:
// DD/MM/YYYY (the form printed on Vietnamese papers), YYYY-MM-DD, or an
// RFC 3339 time. A date without a time is midnight, Vietnam time. Wrong
// input names the flag and the accepted forms.
func parseDate(flag, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(motcua.Location), nil
	}
	for _, layout := range []string{"02/01/2006", "2/1/2006", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, motcua.Location); err == nil {
			return t, nil
		}
	}
	return time.Time{}, motcua.Invalid(motcua.ErrBadValue, flag,
		"--%[1]s: «%[2]s» không phải ngày hợp lệ; dùng DD/MM/YYYY, YYYY-MM-DD hoặc RFC 3339 (ví dụ 24/11/2026, 2026-11-24, 2026-11-24T08:30:00+07:00)",
		"--%[1]s: %[2]q is not a valid date; use DD/MM/YYYY, YYYY-MM-DD or RFC 3339 (e.g. 24/11/2026, 2026-11-24, 2026-11-24T08:30:00+07:00)",
		flag, s)
}

// parseDay is parseDate truncated to the day (Vietnam time).
func parseDay(flag, s string) (time.Time, error) {
	t, err := parseDate(flag, s)
	if err != nil {
		return t, err
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, motcua.Location), nil
}

// optDate parses an optional date flag: zero when s is empty.
func optDate(flag, s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	return parseDate(flag, s)
}

// dobText turns a --dob flag into the DD/MM/YYYY the service reads.
func dobText(s string) (string, error) {
	if strings.TrimSpace(s) == "" {
		return "", nil
	}
	t, err := parseDay("dob", s)
	if err != nil {
		return "", err
	}
	return t.Format("02/01/2006"), nil
}
