package reports

import (
	"fmt"
	"strings"
	"time"

	"motcua"
)

// Period is a range of whole days in Vietnam time: From is the first day's
// midnight, To the midnight after the last day (exclusive).
type Period struct {
	Kind string    `json:"kind"` // month, quarter, half, year, custom
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// ErrBadPeriod is the code of an unusable period.
const ErrBadPeriod = "ERR_BAD_PERIOD"

func midnight(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, motcua.Location)
}

// Month is the calendar month m of year y.
func Month(y int, m time.Month) Period {
	f := midnight(y, m, 1)
	return Period{Kind: "month", From: f, To: f.AddDate(0, 1, 0)}
}

// Quarter is quarter q (1–4) of year y.
func Quarter(y, q int) Period {
	f := midnight(y, time.Month(3*(q-1)+1), 1)
	return Period{Kind: "quarter", From: f, To: f.AddDate(0, 3, 0)}
}

// Half is the first (h = 1) or second (h = 2) six months of year y.
func Half(y, h int) Period {
	f := midnight(y, time.Month(6*(h-1)+1), 1)
	return Period{Kind: "half", From: f, To: f.AddDate(0, 6, 0)}
}

// Year is the calendar year y.
func Year(y int) Period {
	f := midnight(y, 1, 1)
	return Period{Kind: "year", From: f, To: f.AddDate(1, 0, 0)}
}

// Days is the custom period from the first to the last day, both included.
// An inverted range is refused.
func Days(first, last time.Time) (Period, error) {
	f := dayOf(first)
	l := dayOf(last)
	if l.Before(f) {
		return Period{}, motcua.Invalid(ErrBadPeriod, "to", "Ngày cuối kỳ (%s) trước ngày đầu kỳ (%s)",
			"the last day (%s) is before the first day (%s)", l.Format("02/01/2006"), f.Format("02/01/2006"))
	}
	return Period{Kind: "custom", From: f, To: l.AddDate(0, 0, 1)}, nil
}

// ParseDay reads a day as YYYY-MM-DD or DD/MM/YYYY.
func ParseDay(field, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, motcua.Invalid(motcua.ErrRequired, field, "Chưa nhập ngày", "the date is missing")
	}
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006"} {
		if t, err := time.ParseInLocation(layout, s, motcua.Location); err == nil {
			return t, nil
		}
	}
	return time.Time{}, motcua.Invalid(motcua.ErrBadValue, field, "«%s» không phải ngày hợp lệ (ví dụ 2026-11-30 hoặc 30/11/2026)",
		"%q is not a date (e.g. 2026-11-30 or 30/11/2026)", s)
}

// ParsePeriod reads a custom period from two days, both included.
func ParsePeriod(from, to string) (Period, error) {
	f, err := ParseDay("from", from)
	if err != nil {
		return Period{}, err
	}
	t, err := ParseDay("to", to)
	if err != nil {
		return Period{}, err
	}
	return Days(f, t)
}

// LastDay is the last day included in the period.
func (p Period) LastDay() time.Time { return p.To.AddDate(0, 0, -1) }

// Label is the period in words, in Vietnamese.
func (p Period) Label() string {
	f, l := p.From, p.LastDay()
	switch p.Kind {
	case "month":
		return fmt.Sprintf("Tháng %d/%d", int(f.Month()), f.Year())
	case "quarter":
		return fmt.Sprintf("Quý %s năm %d", roman[(int(f.Month())-1)/3], f.Year())
	case "half":
		if f.Month() == 1 {
			return fmt.Sprintf("6 tháng đầu năm %d", f.Year())
		}
		return fmt.Sprintf("6 tháng cuối năm %d", f.Year())
	case "year":
		return fmt.Sprintf("Năm %d", f.Year())
	}
	return fmt.Sprintf("Từ ngày %s đến ngày %s", f.Format("02/01/2006"), l.Format("02/01/2006"))
}

var roman = []string{"I", "II", "III", "IV"}

func (p Period) validate() error {
	if p.From.IsZero() || p.To.IsZero() {
		return motcua.Invalid(ErrBadPeriod, "from", "Chưa chọn kỳ báo cáo", "no period is given")
	}
	if !p.To.After(p.From) {
		return motcua.Invalid(ErrBadPeriod, "to", "Kỳ báo cáo rỗng hoặc đảo ngược (%s – %s)",
			"the period is empty or inverted (%s – %s)", p.From.Format("02/01/2006"), p.To.Format("02/01/2006"))
	}
	return nil
}
