package motcua

// The working calendar: office hours, public holidays, substitute days off
// and swapped working days, and the due-date arithmetic built on them
// (thời hạn giải quyết counted in working hours or working days).

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Windows PCs at the counter often have no zone database.
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Location is Vietnam's time zone. Every calendar computation happens in it,
// whatever zone the input time carries.
var Location = loadLocation()

func loadLocation() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		// Unreachable with time/tzdata linked in; Vietnam has kept UTC+7
		// without daylight saving since 1975.
		return time.FixedZone("ICT", 7*3600)
	}
	return loc
}

// ClockTime is a wall-clock time of day in minutes since midnight, from
// 00:00 to 24:00 inclusive. It reads and writes as "07:30".
type ClockTime int

// endOfDay is 24:00, the latest a period may end.
const endOfDay ClockTime = 24 * 60

// ParseClockTime parses "7:30", "07:30" or "24:00".
func ParseClockTime(s string) (ClockTime, error) {
	hs, ms, ok := strings.Cut(strings.TrimSpace(s), ":")
	h, m := atoiDigits(hs), atoiDigits(ms)
	if !ok || len(hs) > 2 || len(ms) != 2 || h < 0 || m < 0 || m > 59 || ClockTime(h*60+m) > endOfDay {
		return 0, fmt.Errorf("invalid time of day %q, want HH:MM between 00:00 and 24:00", s)
	}
	return ClockTime(h*60 + m), nil
}

// atoiDigits parses a non-empty string of ASCII digits, or returns -1.
func atoiDigits(s string) int {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return -1
	}
	n, _ := strconv.Atoi(s) // at most a few digits, checked by the caller
	return n
}

// String returns the time as "HH:MM".
func (c ClockTime) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// MarshalText implements encoding.TextMarshaler.
func (c ClockTime) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *ClockTime) UnmarshalText(b []byte) error {
	v, err := ParseClockTime(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

func (c ClockTime) duration() time.Duration { return time.Duration(c) * time.Minute }

// Period is one stretch of office hours, from Start (inclusive) to End
// (exclusive).
type Period struct {
	Start ClockTime `json:"start"`
	End   ClockTime `json:"end"`
}

// OfficeHours are the periods of a working day, in order.
type OfficeHours struct {
	Periods []Period `json:"periods"`
}

// DefaultOfficeHours returns 07:30–11:30 and 13:00–17:00, eight hours. A
// province with other hours (Thanh Hóa uses 07:00–11:30, 13:30–17:00) sets its
// own.
func DefaultOfficeHours() OfficeHours {
	return OfficeHours{Periods: []Period{
		{Start: 7*60 + 30, End: 11*60 + 30},
		{Start: 13 * 60, End: 17 * 60},
	}}
}

// Validate reports the first period that is empty, reversed, outside the day,
// out of order or overlapping its predecessor.
func (h OfficeHours) Validate() error {
	if len(h.Periods) == 0 {
		return errors.New("office hours: Periods: at least one period is required")
	}
	for i, p := range h.Periods {
		switch {
		case p.Start < 0 || p.Start > endOfDay:
			return fmt.Errorf("office hours: Periods[%d].Start: %d minutes is outside the day", i, int(p.Start))
		case p.End < 0 || p.End > endOfDay:
			return fmt.Errorf("office hours: Periods[%d].End: %d minutes is outside the day", i, int(p.End))
		case p.End <= p.Start:
			return fmt.Errorf("office hours: Periods[%d].End: %s is not after Start %s", i, p.End, p.Start)
		case i > 0 && p.Start < h.Periods[i-1].End:
			return fmt.Errorf("office hours: Periods[%d].Start: %s is before the end of Periods[%d] (%s); periods must be in order and must not overlap",
				i, p.Start, i-1, h.Periods[i-1].End)
		}
	}
	return nil
}

// Kinds of DayOff.
const (
	// DayOffHoliday is a public holiday (ngày nghỉ lễ, tết). It may fall on a
	// weekend; the weekday it frees is then a DayOffSubstitute.
	DayOffHoliday = "holiday"
	// DayOffSubstitute is a weekday off in place of a holiday that fell on a
	// weekend (nghỉ bù, Labour Code 2019 art. 111 cl. 3) or swapped with a
	// working Saturday (hoán đổi ngày làm việc).
	DayOffSubstitute = "substitute"
	// DayOffWorking is a Saturday or Sunday worked in exchange for a weekday
	// off (làm bù).
	DayOffWorking = "working"
)

// DayOffSourceRule is the Source of a day computed from the rules rather
// than taken from a government decision.
const DayOffSourceRule = "rule"

// DayOff is one day that differs from the ordinary week (Monday to Friday
// working, Saturday and Sunday off), or a holiday that falls on a weekend.
type DayOff struct {
	Date   string `json:"date"` // YYYY-MM-DD, civil date in Vietnam
	Kind   string `json:"kind"` // DayOffHoliday, DayOffSubstitute or DayOffWorking
	Name   string `json:"name"` // Vietnamese, NFC
	NameEN string `json:"name_en,omitempty"`
	// Source names the law or decision, or DayOffSourceRule.
	Source string `json:"source,omitempty"`
	// Confirmed is false for a day that is expected but not yet decided or
	// whose legal basis was only reported. The calendar counts it all the
	// same; the officer may be told it is provisional.
	Confirmed bool `json:"confirmed"`
}

// HolidayTable is the per-year list of days off, kept as JSON so that a
// province can edit it and import its own. Years it lists replace the
// rule-based SeedYear entirely.
type HolidayTable struct {
	Version string           `json:"version"`
	Updated string           `json:"updated,omitempty"` // YYYY-MM-DD
	Years   map[int][]DayOff `json:"years"`
}

// HolidayTableError is a problem with one entry of a HolidayTable, or with
// the table itself when Index is -1.
type HolidayTableError struct {
	Year  int
	Index int    // position in Years[Year], or -1
	Date  string // the entry's date as written
	Name  string // the entry's name as written
	Field string // "date", "kind", "name", "updated" or "years"
	Msg   string
}

func (e *HolidayTableError) Error() string {
	if e.Index < 0 {
		return fmt.Sprintf("holiday table: %s: %s", e.Field, e.Msg)
	}
	return fmt.Sprintf("holiday table: years[%d][%d] (%s %q): %s: %s", e.Year, e.Index, e.Date, e.Name, e.Field, e.Msg)
}

const dateLayout = "2006-01-02"

// The years and names a holiday table may hold: those of the window's
// editor (app.HolidayMinYear…), so an import is no looser than a hand edit.
const (
	HolidayTableMinYear = 2000
	HolidayTableMaxYear = 2099
	HolidayNameMax      = 200 // characters
)

// LoadHolidayTable reads a HolidayTable from JSON and checks it. Unknown
// fields, bad dates, unknown kinds, entries filed under the wrong year, a
// working Saturday on a weekday, a substitute day on a weekend, and two
// entries of different kinds on one date are errors (*HolidayTableError for
// entry problems), as are years outside 2000–2099 and names with control
// characters or over 200 characters. Repeated identical-kind entries are merged. Names are
// normalised to NFC and each year is sorted by date.
func LoadHolidayTable(r io.Reader) (*HolidayTable, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var t HolidayTable
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("holiday table: %w", err)
	}
	if dec.More() {
		return nil, errors.New("holiday table: unexpected data after the JSON object")
	}
	years, err := checkHolidayTable(&t)
	if err != nil {
		return nil, err
	}
	t.Years = years
	return &t, nil
}

// Merge returns a table holding t's years, with every year that over lists
// replacing t's entirely; Version and Updated come from over unless it is
// nil. Neither input is modified; a nil t or over counts as empty.
func (t *HolidayTable) Merge(over *HolidayTable) *HolidayTable {
	out := &HolidayTable{Years: map[int][]DayOff{}}
	for _, src := range []*HolidayTable{t, over} {
		if src == nil {
			continue
		}
		out.Version, out.Updated = src.Version, src.Updated
		for y, days := range src.Years {
			out.Years[y] = slices.Clone(days)
		}
	}
	return out
}

// checkHolidayTable validates t and returns a normalised copy of its years.
func checkHolidayTable(t *HolidayTable) (map[int][]DayOff, error) {
	if t == nil {
		return nil, nil
	}
	if t.Updated != "" {
		if _, err := time.Parse(dateLayout, t.Updated); err != nil {
			return nil, &HolidayTableError{Index: -1, Field: "updated", Msg: fmt.Sprintf("%q is not a YYYY-MM-DD date", t.Updated)}
		}
	}
	out := make(map[int][]DayOff, len(t.Years))
	for _, y := range slices.Sorted(maps.Keys(t.Years)) {
		if y < HolidayTableMinYear || y > HolidayTableMaxYear {
			return nil, &HolidayTableError{Year: y, Index: -1, Field: "years",
				Msg: fmt.Sprintf("year %d outside %d–%d", y, HolidayTableMinYear, HolidayTableMaxYear)}
		}
		days := make([]DayOff, 0, len(t.Years[y]))
		seen := map[string]int{} // date → index in t.Years[y]
		for i, d := range t.Years[y] {
			bad := func(field, format string, args ...any) error {
				return &HolidayTableError{Year: y, Index: i, Date: d.Date, Name: d.Name, Field: field, Msg: fmt.Sprintf(format, args...)}
			}
			date, err := time.Parse(dateLayout, d.Date)
			switch {
			case err != nil:
				return nil, bad("date", "not a valid YYYY-MM-DD date")
			case date.Year() != y:
				return nil, bad("date", "listed under year %d", y)
			}
			wd := date.Weekday()
			weekend := wd == time.Saturday || wd == time.Sunday
			switch d.Kind {
			case DayOffHoliday:
			case DayOffSubstitute:
				if weekend {
					return nil, bad("kind", "a substitute day off (nghỉ bù) falls on a %s; it must be a weekday", wd)
				}
			case DayOffWorking:
				if !weekend {
					return nil, bad("kind", "a swapped working day (làm bù) falls on a %s; it must be a Saturday or Sunday", wd)
				}
			default:
				return nil, bad("kind", "unknown kind %q, want %q, %q or %q", d.Kind, DayOffHoliday, DayOffSubstitute, DayOffWorking)
			}
			d.Name = norm.NFC.String(strings.TrimSpace(d.Name))
			if d.Name == "" {
				return nil, bad("name", "a Vietnamese name is required")
			}
			d.NameEN = strings.TrimSpace(d.NameEN)
			d.Source = norm.NFC.String(strings.TrimSpace(d.Source))
			for _, f := range []struct {
				field, v string
				max      int
			}{{"name", d.Name, HolidayNameMax}, {"name_en", d.NameEN, HolidayNameMax}, {"source", d.Source, 1000}} {
				switch {
				case !utf8.ValidString(f.v) || strings.ContainsRune(f.v, utf8.RuneError):
					return nil, bad(f.field, "not valid UTF-8 text")
				case strings.IndexFunc(f.v, unicode.IsControl) >= 0:
					return nil, bad(f.field, "control characters (NUL, escape, line breaks…) are not allowed")
				case utf8.RuneCountInString(f.v) > f.max:
					return nil, bad(f.field, "longer than %d characters", f.max)
				}
			}
			if j, dup := seen[d.Date]; dup {
				if first := t.Years[y][j]; first.Kind != d.Kind {
					return nil, bad("kind", "%q conflicts with years[%d][%d] (%q, %q) on the same date", d.Kind, y, j, first.Kind, first.Name)
				}
				continue
			}
			seen[d.Date] = i
			days = append(days, d)
		}
		slices.SortFunc(days, func(a, b DayOff) int { return strings.Compare(a.Date, b.Date) })
		out[y] = days
	}
	return out, nil
}

// Holiday names, Vietnamese (NFC) and English.
var (
	nameNewYear     = [2]string{"Tết Dương lịch", "New Year's Day"}
	nameTet         = [2]string{"Tết Nguyên đán", "Lunar New Year (Tết)"}
	nameHungKings   = [2]string{"Giỗ Tổ Hùng Vương", "Hung Kings' Commemoration Day"}
	nameVictory     = [2]string{"Ngày Chiến thắng", "Reunification Day"}
	nameLabour      = [2]string{"Ngày Quốc tế lao động", "International Labour Day"}
	nameNational    = [2]string{"Quốc khánh", "National Day"}
	nameNationalAdj = [2]string{"Quốc khánh (ngày liền kề)", "National Day (adjacent day)"}
	nameCulture     = [2]string{"Ngày Văn hóa Việt Nam", "Vietnam Culture Day"}
)

// Sources of the rule-based days.
const (
	sourceHolidays   = "BLLĐ 2019 Đ.112 k.1"
	sourceSubstitute = "BLLĐ 2019 Đ.111 k.3"
	sourceCultureDay = "Nghị quyết 28/2026/QH16, từ 01/7/2026 (REPORTED)"
)

// SeedYear computes the days off of a year from the rules, for years that no
// HolidayTable lists:
//
//   - Labour Code 2019 art. 112 cl. 1: 1/1; Tết, five days; Giỗ Tổ Hùng
//     Vương, 10/3 lunar; 30/4; 1/5; 2/9 and, from 2021, one adjacent day;
//     from 2026 Ngày Văn hóa Việt Nam 24/11 (reported, unconfirmed).
//   - Art. 111 cl. 3: a holiday on a Saturday or Sunday gives a substitute
//     day off on the next working day (nghỉ bù).
//
// The fixed-date holidays and their nghỉ bù come out Confirmed=true. The Prime
// Minister fixes the Tết days and the day adjacent to 2/9 each year
// (art. 112 cl. 3), so those come out Confirmed=false with Source
// DayOffSourceRule, following the pattern of the decisions for 2017–2026:
// five weekdays starting one working day before mùng 1 when mùng 1 falls on a
// Sunday, Monday or Tuesday and two working days before otherwise; 1/9 when
// 2/9 is a Tuesday, Wednesday, Friday or Saturday, else 3/9. Swapped working
// Saturdays are never guessed. The result is sorted by date.
func SeedYear(year int) []DayOff {
	var days []DayOff
	add := func(d time.Time, kind string, name [2]string, source string, confirmed bool) {
		days = append(days, DayOff{Date: d.Format(dateLayout), Kind: kind, Name: name[0], NameEN: name[1], Source: source, Confirmed: confirmed})
	}
	date := func(m time.Month, d int) time.Time { return time.Date(year, m, d, 0, 0, 0, 0, time.UTC) }
	weekday := func(d time.Time) bool { return d.Weekday() != time.Saturday && d.Weekday() != time.Sunday }

	add(date(time.January, 1), DayOffHoliday, nameNewYear, sourceHolidays, true)

	if tet, err := LunarToSolar(year, 1, 1, false); err == nil {
		mung1 := date(tet.Month(), tet.Day())
		before := 2
		if wd := mung1.Weekday(); wd == time.Sunday || wd == time.Monday || wd == time.Tuesday {
			before = 1
		}
		d := mung1
		for n := 0; n < before; {
			if d = d.AddDate(0, 0, -1); weekday(d) {
				n++
			}
		}
		for n := 0; n < 5; d = d.AddDate(0, 0, 1) {
			if weekday(d) {
				add(d, DayOffHoliday, nameTet, DayOffSourceRule, false)
				n++
			}
		}
	}
	if gio, err := LunarToSolar(year, 3, 10, false); err == nil {
		add(date(gio.Month(), gio.Day()), DayOffHoliday, nameHungKings, sourceHolidays, true)
	}

	add(date(time.April, 30), DayOffHoliday, nameVictory, sourceHolidays, true)
	add(date(time.May, 1), DayOffHoliday, nameLabour, sourceHolidays, true)
	national := date(time.September, 2)
	add(national, DayOffHoliday, nameNational, sourceHolidays, true)
	if year >= 2021 {
		adj := national.AddDate(0, 0, 1)
		switch national.Weekday() {
		case time.Tuesday, time.Wednesday, time.Friday, time.Saturday:
			adj = national.AddDate(0, 0, -1)
		}
		add(adj, DayOffHoliday, nameNationalAdj, DayOffSourceRule, false)
	}
	if year >= 2026 {
		add(date(time.November, 24), DayOffHoliday, nameCulture, sourceCultureDay, false)
	}

	slices.SortFunc(days, func(a, b DayOff) int { return strings.Compare(a.Date, b.Date) })

	// Nghỉ bù: each weekend holiday frees the next weekday that is not
	// already off.
	off := map[string]bool{}
	for _, d := range days {
		off[d.Date] = true
	}
	for _, h := range slices.Clone(days) {
		d, _ := time.Parse(dateLayout, h.Date)
		if weekday(d) {
			continue
		}
		for !weekday(d) || off[d.Format(dateLayout)] {
			d = d.AddDate(0, 0, 1)
		}
		off[d.Format(dateLayout)] = true
		source := sourceSubstitute
		if !h.Confirmed {
			source = DayOffSourceRule
		}
		add(d, DayOffSubstitute, [2]string{"Nghỉ bù " + h.Name, "Substitute day off for " + h.NameEN}, source, h.Confirmed)
	}
	slices.SortFunc(days, func(a, b DayOff) int { return strings.Compare(a.Date, b.Date) })
	return days
}

// The embedded seed: the holiday decisions known when the app was built.
// Files are read in name order; a later file's years replace earlier ones.
//
//go:embed assets/holidays/*.json
var holidaySeed embed.FS

var embeddedTable = sync.OnceValues(func() (*HolidayTable, error) {
	names, err := fs.Glob(holidaySeed, "assets/holidays/*.json")
	if err != nil {
		return nil, err
	}
	var merged *HolidayTable
	for _, name := range names {
		f, err := holidaySeed.Open(name)
		if err != nil {
			return nil, err
		}
		t, err := LoadHolidayTable(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		merged = merged.Merge(t)
	}
	return merged, nil
})

// EmbeddedHolidayTable returns a copy of the holiday table built into the
// app, the base that a province's own table is merged onto.
func EmbeddedHolidayTable() *HolidayTable {
	t, err := embeddedTable()
	if err != nil {
		panic("motcua: embedded holiday table: " + err.Error()) // caught by the tests
	}
	return t.Merge(nil)
}

var defaultCalendar = sync.OnceValue(func() *Calendar {
	c, err := NewCalendar(DefaultOfficeHours(), EmbeddedHolidayTable())
	if err != nil {
		panic("motcua: default calendar: " + err.Error()) // caught by the tests
	}
	return c
})

// DefaultCalendar returns the calendar with DefaultOfficeHours and the
// embedded holiday table, falling back to SeedYear for other years. It is
// shared and safe for concurrent use.
func DefaultCalendar() *Calendar { return defaultCalendar() }

// Calendar answers which days and hours are working time, and computes due
// dates. It is immutable after NewCalendar and safe for concurrent use.
type Calendar struct {
	hours   OfficeHours
	periods []span
	perDay  time.Duration
	table   map[int][]DayOff
	years   sync.Map // year → *yearDays, built on first use
}

// span is a Period as offsets from midnight.
type span struct{ start, end time.Duration }

// yearDays says, for each day of a year (index YearDay-1), whether the
// office is open.
type yearDays struct{ working [366]bool }

// NewCalendar returns a calendar with the given office hours and holiday
// table. Years the table does not list follow SeedYear; a nil table means
// rules only. The table is validated and copied.
func NewCalendar(hours OfficeHours, table *HolidayTable) (*Calendar, error) {
	if err := hours.Validate(); err != nil {
		return nil, err
	}
	years, err := checkHolidayTable(table)
	if err != nil {
		return nil, err
	}
	c := &Calendar{table: years, hours: OfficeHours{Periods: slices.Clone(hours.Periods)}}
	for _, p := range hours.Periods {
		c.periods = append(c.periods, span{p.Start.duration(), p.End.duration()})
		c.perDay += p.End.duration() - p.Start.duration()
	}
	return c, nil
}

// WorkingHoursPerDay returns the length of a working day, which is also the
// length of one working day in AddWorkingDays.
func (c *Calendar) WorkingHoursPerDay() time.Duration { return c.perDay }

// Hours returns the office hours the calendar was built with.
func (c *Calendar) Hours() OfficeHours { return OfficeHours{Periods: slices.Clone(c.hours.Periods)} }

// EndOfWorkingDay returns the close of office on t's date (the end of the
// last period), for procedures returned the same day.
func (c *Calendar) EndOfWorkingDay(t time.Time) time.Time {
	day, _ := civil(t)
	return at(day, c.periods[len(c.periods)-1].end)
}

// DaysOff returns the year's holidays, substitute days off and swapped
// working days, sorted by date: the table's entries if it lists the year,
// else SeedYear's.
func (c *Calendar) DaysOff(year int) []DayOff {
	if days, ok := c.table[year]; ok {
		return slices.Clone(days)
	}
	return SeedYear(year)
}

// IsWorkingDay reports whether the office is open on t's date in Location.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	day, _ := civil(t)
	return c.isWorking(day)
}

// NextWorkingStart returns t itself if it falls within office hours of a
// working day, else the next moment the office opens: the afternoon start at
// lunchtime, the next working day's first period after hours or on a day off.
// The result is in Location.
func (c *Calendar) NextWorkingStart(t time.Time) time.Time {
	day, pos := civil(t)
	for ; ; day, pos = day.AddDate(0, 0, 1), 0 {
		if !c.isWorking(day) {
			continue
		}
		for _, p := range c.periods {
			if pos < p.start {
				return at(day, p.start)
			}
			if pos < p.end {
				return at(day, pos)
			}
		}
	}
}

// AddWorkingHours returns the moment d of office time after from, counting
// only office hours of working days. A result that lands exactly on the end
// of a period stays there (17:00, not the next morning). d <= 0 returns from.
// The result is in Location.
func (c *Calendar) AddWorkingHours(from time.Time, d time.Duration) time.Time {
	day, pos := civil(from)
	if d <= 0 {
		return at(day, pos)
	}
	for ; ; day, pos = day.AddDate(0, 0, 1), 0 {
		if !c.isWorking(day) {
			continue
		}
		if pos == 0 && d > c.perDay { // a whole working day
			d -= c.perDay
			continue
		}
		for _, p := range c.periods {
			if pos >= p.end {
				continue
			}
			begin := max(pos, p.start)
			if left := p.end - begin; d > left {
				d -= left
				continue
			}
			return at(day, begin+d)
		}
	}
}

// AddWorkingDays returns AddWorkingHours(from, days × WorkingHoursPerDay()):
// one working day is a working day's worth of office hours (8 h by default),
// counted from the moment of receipt, as Thanh Hóa's system does. days <= 0
// returns from.
func (c *Calendar) AddWorkingDays(from time.Time, days int) time.Time {
	return c.AddWorkingHours(from, time.Duration(days)*c.perDay)
}

func (c *Calendar) isWorking(day time.Time) bool {
	return c.year(day.Year()).working[day.YearDay()-1]
}

func (c *Calendar) year(y int) *yearDays {
	if v, ok := c.years.Load(y); ok {
		return v.(*yearDays)
	}
	days, ok := c.table[y]
	if !ok {
		days = SeedYear(y)
	}
	yd := new(yearDays)
	for d := time.Date(y, time.January, 1, 0, 0, 0, 0, time.UTC); d.Year() == y; d = d.AddDate(0, 0, 1) {
		yd.working[d.YearDay()-1] = d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
	}
	for _, e := range days {
		d, _ := time.Parse(dateLayout, e.Date) // validated by checkHolidayTable or made by SeedYear
		yd.working[d.YearDay()-1] = e.Kind == DayOffWorking
	}
	v, _ := c.years.LoadOrStore(y, yd)
	return v.(*yearDays)
}

// civil splits t, seen in Location, into its date (as midnight UTC, for cheap
// day arithmetic) and its wall-clock offset from midnight.
func civil(t time.Time) (day time.Time, pos time.Duration) {
	t = t.In(Location)
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	pos = time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute + time.Duration(ss)*time.Second + time.Duration(t.Nanosecond())
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), pos
}

// at is the inverse of civil: wall-clock offset pos on date day, in Location.
func at(day time.Time, pos time.Duration) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d, 0, 0, 0, int(pos), Location)
}
