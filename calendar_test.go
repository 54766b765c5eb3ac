package motcua_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"motcua"
)

// at returns a wall-clock time in Vietnam.
func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, motcua.Location)
}

func TestLocation(t *testing.T) {
	if name := motcua.Location.String(); name != "Asia/Ho_Chi_Minh" {
		t.Errorf("Location = %q, want Asia/Ho_Chi_Minh from the embedded zone data", name)
	}
	if _, off := at(2026, 7, 1, 12, 0).Zone(); off != 7*3600 {
		t.Errorf("offset = %d s, want UTC+7", off)
	}
}

func TestParseClockTime(t *testing.T) {
	tests := []struct {
		in   string
		want motcua.ClockTime
		ok   bool
	}{
		{"07:30", 7*60 + 30, true},
		{"7:30", 7*60 + 30, true},
		{"00:00", 0, true},
		{"24:00", 24 * 60, true},
		{" 13:00 ", 13 * 60, true},
		{"24:01", 0, false},
		{"12:60", 0, false},
		{"7:3", 0, false},
		{"0730", 0, false},
		{"-1:00", 0, false},
		{"+7:30", 0, false},
		{"7:+3", 0, false},
		{"123:00", 0, false},
		{"ab:cd", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		name := "OK"
		if !tt.ok {
			name = "ErrInvalid"
		}
		t.Run(name+"/"+tt.in, func(t *testing.T) {
			got, err := motcua.ParseClockTime(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Fatalf("ParseClockTime(%q) = %v, %v", tt.in, got, err)
			}
			if back, err := motcua.ParseClockTime(got.String()); tt.ok && (err != nil || back != got) {
				t.Errorf("String() = %q does not parse back", got.String())
			}
		})
	}
}

func TestOfficeHoursValidate(t *testing.T) {
	p := func(s, e string) motcua.Period {
		a, _ := motcua.ParseClockTime(s)
		b, _ := motcua.ParseClockTime(e)
		return motcua.Period{Start: a, End: b}
	}
	tests := []struct {
		name    string
		periods []motcua.Period
		field   string // "" = valid
	}{
		{"OK", motcua.DefaultOfficeHours().Periods, ""},
		{"OKThanhHoa", []motcua.Period{p("07:00", "11:30"), p("13:30", "17:00")}, ""},
		{"OKAdjacentPeriods", []motcua.Period{p("07:00", "12:00"), p("12:00", "16:00")}, ""},
		{"ErrNoPeriods", nil, "Periods"},
		{"ErrEndBeforeStart", []motcua.Period{p("11:30", "07:30")}, "Periods[0].End"},
		{"ErrEmptyPeriod", []motcua.Period{p("07:30", "07:30")}, "Periods[0].End"},
		{"ErrOverlap", []motcua.Period{p("07:30", "11:30"), p("11:00", "17:00")}, "Periods[1].Start"},
		{"ErrOutOfOrder", []motcua.Period{p("13:00", "17:00"), p("07:30", "11:30")}, "Periods[1].Start"},
		{"ErrOutsideDay", []motcua.Period{{Start: 7 * 60, End: 25 * 60}}, "Periods[0].End"},
		{"ErrNegativeStart", []motcua.Period{{Start: -30, End: 60}}, "Periods[0].Start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := motcua.OfficeHours{Periods: tt.periods}.Validate()
			switch {
			case tt.field == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.field != "" && (err == nil || !strings.Contains(err.Error(), tt.field+":")):
				t.Fatalf("error %v does not name %s", err, tt.field)
			}
		})
	}
}

func TestDefaultOfficeHours(t *testing.T) {
	c := motcua.DefaultCalendar()
	if got := c.WorkingHoursPerDay(); got != 8*time.Hour {
		t.Errorf("WorkingHoursPerDay = %v, want 8h", got)
	}
	if got := fmt.Sprint(motcua.DefaultOfficeHours().Periods); got != "[{07:30 11:30} {13:00 17:00}]" {
		t.Errorf("DefaultOfficeHours = %s", got)
	}
}

// tableJSON wraps entries of one year in a table document.
func tableJSON(year int, entries ...string) string {
	return fmt.Sprintf(`{"version":"test","years":{"%d":[%s]}}`, year, strings.Join(entries, ","))
}

var invalidTables = []struct {
	name  string
	json  string
	field string // HolidayTableError.Field, "" for a JSON-level error
}{
	{"ErrBadDate", tableJSON(2026, `{"date":"2026-02-30","kind":"holiday","name":"Tết"}`), "date"},
	{"ErrDateNotPadded", tableJSON(2026, `{"date":"2026-2-17","kind":"holiday","name":"Tết"}`), "date"},
	{"ErrWrongYear", tableJSON(2026, `{"date":"2025-09-02","kind":"holiday","name":"Quốc khánh"}`), "date"},
	{"ErrUnknownKind", tableJSON(2026, `{"date":"2026-09-02","kind":"holliday","name":"Quốc khánh"}`), "kind"},
	{"ErrConflictingDuplicate", tableJSON(2026,
		`{"date":"2026-01-02","kind":"substitute","name":"Nghỉ hoán đổi"}`,
		`{"date":"2026-01-02","kind":"holiday","name":"Tết Dương lịch"}`), "kind"},
	{"ErrWorkingOnWeekday", tableJSON(2026, `{"date":"2026-01-07","kind":"working","name":"Làm bù"}`), "kind"},
	{"ErrSubstituteOnWeekend", tableJSON(2026, `{"date":"2026-01-10","kind":"substitute","name":"Nghỉ bù"}`), "kind"},
	{"ErrMissingName", tableJSON(2026, `{"date":"2026-09-02","kind":"holiday","name":"  "}`), "name"},
	{"ErrYearOutOfRange", tableJSON(1500), "years"},
	{"ErrBadUpdated", `{"version":"x","updated":"24/11/2026","years":{}}`, "updated"},
	{"ErrUnknownField", `{"version":"x","years":{"2026":[{"date":"2026-09-02","kind":"holiday","name":"Quốc khánh","confirm":true}]}}`, ""},
	{"ErrNotJSON", `version: x`, ""},
	{"ErrTrailingData", `{"version":"x","years":{}} {}`, ""},
	{"ErrYear1800", tableJSON(1800), "years"},
	{"ErrYear2100", tableJSON(2100), "years"},
	{"ErrNULInName", tableJSON(2026, `{"date":"2026-09-02","kind":"holiday","name":"Quốc\u0000khánh"}`), "name"},
	{"ErrEscapeInName", tableJSON(2026, `{"date":"2026-09-02","kind":"holiday","name":"\u001b[31mQuốc khánh"}`), "name"},
	{"ErrLongName", tableJSON(2026, `{"date":"2026-09-02","kind":"holiday","name":"`+strings.Repeat("a", 201)+`"}`), "name"},
	{"ErrInvalidUTF8Source", tableJSON(2026, "{\"date\":\"2026-09-02\",\"kind\":\"holiday\",\"name\":\"Quốc khánh\",\"source\":\"NĐ\xff\"}"), "source"},
}

func TestLoadHolidayTableErrors(t *testing.T) {
	for _, tt := range invalidTables {
		t.Run(tt.name, func(t *testing.T) {
			_, err := motcua.LoadHolidayTable(strings.NewReader(tt.json))
			if err == nil {
				t.Fatal("no error")
			}
			var te *motcua.HolidayTableError
			switch {
			case tt.field == "" && errors.As(err, &te):
				t.Fatalf("got entry error %v, want a JSON error", err)
			case tt.field != "" && (!errors.As(err, &te) || te.Field != tt.field):
				t.Fatalf("error %v, want a HolidayTableError on field %q", err, tt.field)
			}
			if te != nil && te.Index >= 0 && !strings.Contains(err.Error(), te.Date) {
				t.Errorf("error %q does not name the entry's date", err)
			}
		})
	}
	t.Run("ErrNamesBothConflictingEntries", func(t *testing.T) {
		_, err := motcua.LoadHolidayTable(strings.NewReader(invalidTables[4].json))
		if msg := fmt.Sprint(err); !strings.Contains(msg, "years[2026][1]") || !strings.Contains(msg, "years[2026][0]") {
			t.Errorf("error %q should point at both entries", msg)
		}
	})
}

func TestLoadHolidayTable(t *testing.T) {
	nfd := norm.NFD.String("Quốc khánh")
	in := tableJSON(2026,
		`{"date":"2026-09-02","kind":"holiday","name":"`+nfd+`","confirmed":true}`,
		`{"date":"2026-01-01","kind":"holiday","name":"Tết Dương lịch"}`,
		`{"date":"2026-09-02","kind":"holiday","name":"Quốc khánh"}`)
	tbl, err := motcua.LoadHolidayTable(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	days := tbl.Years[2026]
	t.Run("SortedAndDuplicateMerged", func(t *testing.T) {
		if len(days) != 2 || days[0].Date != "2026-01-01" || days[1].Date != "2026-09-02" {
			t.Fatalf("got %+v", days)
		}
	})
	t.Run("NamesNormalisedToNFC", func(t *testing.T) {
		if days[1].Name != "Quốc khánh" || !norm.NFC.IsNormalString(days[1].Name) {
			t.Errorf("name %q is not NFC", days[1].Name)
		}
	})
}

func FuzzLoadHolidayTable(f *testing.F) {
	for _, tt := range invalidTables {
		f.Add(tt.json)
	}
	seed, err := os.ReadFile("assets/holidays/vn-2024-2027.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(seed))
	f.Fuzz(func(t *testing.T, in string) {
		tbl, err := motcua.LoadHolidayTable(strings.NewReader(in))
		if err != nil {
			return
		}
		// Whatever loads must build a calendar.
		if _, err := motcua.NewCalendar(motcua.DefaultOfficeHours(), tbl); err != nil {
			t.Fatalf("loaded table rejected by NewCalendar: %v", err)
		}
	})
}

// loadSeed reads the embedded seed from its source file.
func loadSeed(t *testing.T) *motcua.HolidayTable {
	t.Helper()
	f, err := os.Open("assets/holidays/vn-2024-2027.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tbl, err := motcua.LoadHolidayTable(f)
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// The seed is the government's decisions where known; SeedYear is the law
// and the customary pattern. They must agree where the seed relies on the
// rules, the seed must keep every statutory holiday, and the decisions must
// grant exactly the statutory number of weekdays off.
func TestSeedTableConsistentWithRules(t *testing.T) {
	tbl := loadSeed(t)
	for year := 2024; year <= 2027; year++ {
		t.Run(fmt.Sprint(year), func(t *testing.T) {
			seed, ok := tbl.Years[year]
			if !ok {
				t.Fatalf("seed has no %d", year)
			}
			rules := motcua.SeedYear(year)
			byDate := func(days []motcua.DayOff) map[string]motcua.DayOff {
				m := map[string]motcua.DayOff{}
				for _, d := range days {
					m[d.Date] = d
				}
				return m
			}
			seedBy, rulesBy := byDate(seed), byDate(rules)

			for _, r := range rules {
				if !r.Confirmed {
					continue
				}
				if s, ok := seedBy[r.Date]; !ok || s.Kind != r.Kind || s.Name != r.Name {
					t.Errorf("statutory %s %s (%s) is missing or different in the seed: %+v", r.Date, r.Name, r.Kind, s)
				}
			}
			for _, s := range seed {
				r, inRules := rulesBy[s.Date]
				switch {
				case s.Source == motcua.DayOffSourceRule && (!inRules || r.Kind != s.Kind || r.Name != s.Name || s.Confirmed):
					t.Errorf("seed %s %q is marked %q but SeedYear gives %+v", s.Date, s.Name, s.Source, r)
				case s.Source == "":
					t.Errorf("seed %s %q has no source", s.Date, s.Name)
				case !norm.NFC.IsNormalString(s.Name) || !norm.NFC.IsNormalString(s.Source):
					t.Errorf("seed %s: name or source not NFC", s.Date)
				}
			}
			if got, want := weekdaysOff(seed), weekdaysOff(rules); got != want {
				t.Errorf("seed grants %d weekdays off net of make-up days, the rules %d", got, want)
			}
		})
	}
}

// weekdaysOff counts weekdays off minus weekend days worked.
func weekdaysOff(days []motcua.DayOff) int {
	n := 0
	for _, d := range days {
		wd := must(time.Parse(time.DateOnly, d.Date)).Weekday()
		weekend := wd == time.Saturday || wd == time.Sunday
		switch {
		case d.Kind == motcua.DayOffWorking:
			n--
		case !weekend:
			n++
		}
	}
	return n
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestEmbeddedHolidayTableIsTheSeedFile(t *testing.T) {
	got, want := motcua.EmbeddedHolidayTable(), loadSeed(t)
	for y, days := range want.Years {
		if !slices.Equal(got.Years[y], days) {
			t.Errorf("%d differs from the seed file", y)
		}
	}
	if len(got.Years) != len(want.Years) {
		t.Errorf("embedded table has %d years, seed file %d", len(got.Years), len(want.Years))
	}
}

func TestSeedYear(t *testing.T) {
	find := func(year int, date string) (motcua.DayOff, bool) {
		for _, d := range motcua.SeedYear(year) {
			if d.Date == date {
				return d, true
			}
		}
		return motcua.DayOff{}, false
	}
	tests := []struct {
		name      string
		year      int
		date      string
		kind      string
		confirmed bool
	}{
		{"GioToSunday2026", 2026, "2026-04-26", motcua.DayOffHoliday, true},
		{"GioToNghiBuMonday2026", 2026, "2026-04-27", motcua.DayOffSubstitute, true},
		{"LabourDaySaturday2027NghiBuMonday", 2027, "2027-05-03", motcua.DayOffSubstitute, true},
		// 2/9/2023 was a Saturday: 1/9 adjacent, nghỉ bù Monday 4/9.
		{"NationalDayAdjacentFriday2023", 2023, "2023-09-01", motcua.DayOffHoliday, false},
		{"NationalDayNghiBuMonday2023", 2023, "2023-09-04", motcua.DayOffSubstitute, true},
		// 30/4 and 1/5/2022 fell on a weekend: Monday and Tuesday off.
		{"NghiBu2May2022", 2022, "2022-05-02", motcua.DayOffSubstitute, true},
		{"NghiBu3May2022", 2022, "2022-05-03", motcua.DayOffSubstitute, true},
		{"CultureDay2026Reported", 2026, "2026-11-24", motcua.DayOffHoliday, false},
		{"CultureDaySaturday2029NghiBu", 2029, "2029-11-26", motcua.DayOffSubstitute, false},
		{"NewYearSunday2034NghiBu", 2034, "2034-01-02", motcua.DayOffSubstitute, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := find(tt.year, tt.date)
			if !ok || d.Kind != tt.kind || d.Confirmed != tt.confirmed {
				t.Errorf("SeedYear(%d)[%s] = %+v (found %v), want kind %s confirmed=%v", tt.year, tt.date, d, ok, tt.kind, tt.confirmed)
			}
		})
	}
	t.Run("NoCultureDayBefore2026", func(t *testing.T) {
		if _, ok := find(2025, "2025-11-24"); ok {
			t.Error("24/11/2025 is not a holiday")
		}
	})
	t.Run("NoAdjacentNationalDayBefore2021", func(t *testing.T) {
		for _, d := range motcua.SeedYear(2020) {
			if strings.HasPrefix(d.Date, "2020-09-") && d.Date != "2020-09-02" {
				t.Errorf("unexpected %+v", d)
			}
		}
	})
	t.Run("SortedUnique", func(t *testing.T) {
		for y := 2000; y <= 2060; y++ {
			days := motcua.SeedYear(y)
			for i := 1; i < len(days); i++ {
				if days[i-1].Date >= days[i].Date {
					t.Fatalf("%d: %s then %s", y, days[i-1].Date, days[i].Date)
				}
			}
		}
	})
}

// The Tết rule reproduces the decided five weekdays of 2017–2026.
func TestSeedYearTetRuleMatchesDecisions(t *testing.T) {
	decided := map[int]string{ // first of the five Tết weekdays off
		2017: "2017-01-26", 2018: "2018-02-14", 2019: "2019-02-04", 2020: "2020-01-23",
		2021: "2021-02-10", 2022: "2022-01-31", 2023: "2023-01-20", 2024: "2024-02-08",
		2025: "2025-01-27", 2026: "2026-02-16",
	}
	for year, first := range decided {
		t.Run(fmt.Sprint(year), func(t *testing.T) {
			var tet []string
			for _, d := range motcua.SeedYear(year) {
				if d.Name == "Tết Nguyên đán" {
					tet = append(tet, d.Date)
				}
			}
			if len(tet) != 5 || tet[0] != first {
				t.Errorf("Tết days %v, want five weekdays from %s", tet, first)
			}
		})
	}
}

func TestIsWorkingDay(t *testing.T) {
	c := motcua.DefaultCalendar()
	tests := []struct {
		name string
		t    time.Time
		want bool
	}{
		{"OrdinaryTuesday", at(2026, 3, 3, 9, 0), true},
		{"OrdinarySaturdayOff", at(2026, 3, 7, 9, 0), false},
		{"Tet2026FirstWeekendOff", at(2026, 2, 14, 9, 0), false},
		{"Tet2026MungMotOff", at(2026, 2, 17, 9, 0), false},
		{"Tet2026LastDayOff", at(2026, 2, 22, 9, 0), false},
		{"AfterTet2026Working", at(2026, 2, 23, 9, 0), true},
		{"NewYearSwapFriday2026Off", at(2026, 1, 2, 9, 0), false},
		{"LamBuSaturday2026Working", at(2026, 1, 10, 9, 0), true},
		{"GioTo2026SundayOff", at(2026, 4, 26, 9, 0), false},
		{"GioToNghiBu2026MondayOff", at(2026, 4, 27, 9, 0), false},
		{"BetweenHolidays2026Working", at(2026, 4, 28, 9, 0), true},
		{"Victory2026Off", at(2026, 4, 30, 9, 0), false},
		{"Labour2026Off", at(2026, 5, 1, 9, 0), false},
		{"CultureDay2026Off", at(2026, 11, 24, 9, 0), false},
		{"LamBuSaturday2025Working", at(2025, 4, 26, 9, 0), true},
		{"FallbackYear2031NewYearOff", at(2031, 1, 1, 9, 0), false},
		// 17:30 UTC on 22 February is 00:30 on Monday the 23rd in Vietnam.
		{"UTCInputReadInVietnam", time.Date(2026, 2, 22, 17, 30, 0, 0, time.UTC), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.IsWorkingDay(tt.t); got != tt.want {
				t.Errorf("IsWorkingDay(%v) = %v", tt.t, got)
			}
		})
	}
}

func TestNextWorkingStart(t *testing.T) {
	c := motcua.DefaultCalendar()
	tests := []struct {
		name string
		from time.Time
		want time.Time
	}{
		{"InMorningStaysPut", at(2026, 3, 3, 9, 15), at(2026, 3, 3, 9, 15)},
		{"AtOpeningStaysPut", at(2026, 3, 3, 7, 30), at(2026, 3, 3, 7, 30)},
		{"BeforeOpeningWaits", at(2026, 3, 3, 6, 0), at(2026, 3, 3, 7, 30)},
		{"LunchtimeStartsAt1300", at(2026, 3, 3, 12, 0), at(2026, 3, 3, 13, 0)},
		{"MorningEndStartsAt1300", at(2026, 3, 3, 11, 30), at(2026, 3, 3, 13, 0)},
		{"AfterHoursStartsNextMorning", at(2026, 3, 3, 18, 0), at(2026, 3, 4, 7, 30)},
		{"ClosingTimeStartsNextMorning", at(2026, 3, 3, 17, 0), at(2026, 3, 4, 7, 30)},
		{"FridayEveningStartsMonday", at(2026, 3, 6, 18, 0), at(2026, 3, 9, 7, 30)},
		{"WeekendStartsMonday", at(2026, 3, 7, 10, 0), at(2026, 3, 9, 7, 30)},
		{"TetStartsAfterTet", at(2026, 2, 16, 10, 0), at(2026, 2, 23, 7, 30)},
		{"LamBuSaturdayStaysPut", at(2026, 1, 10, 8, 0), at(2026, 1, 10, 8, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.NextWorkingStart(tt.from)
			if !got.Equal(tt.want) || got.Location() != motcua.Location {
				t.Errorf("NextWorkingStart(%v) = %v, want %v", tt.from, got, tt.want)
			}
		})
	}
}

func TestAddWorkingTime(t *testing.T) {
	c := motcua.DefaultCalendar()
	tests := []struct {
		name  string
		from  time.Time
		days  int           // working days, or
		hours time.Duration // working hours when days == 0
		want  time.Time
	}{
		// Fri 13/2/2026 10:00: 5.5 h that day, Tết 14–22/2 off, 2.5 h on Monday.
		{"Tet2026ReceiptFridayDueMonday23", at(2026, 2, 13, 10, 0), 1, 0, at(2026, 2, 23, 10, 0)},
		// Fri 24/4 08:00: 7.5 h, then Sat–Mon (Giỗ Tổ Sunday, nghỉ bù Monday)
		// off, 8 h Tuesday, 0.5 h Wednesday.
		{"GioTo2026NghiBuMondaySkipped", at(2026, 4, 24, 8, 0), 2, 0, at(2026, 4, 29, 8, 0)},
		{"Victory2026LongWeekendSkipped", at(2026, 4, 29, 8, 0), 3, 0, at(2026, 5, 6, 8, 0)},
		{"AfterHoursReceiptDueNextEvening", at(2026, 3, 3, 18, 0), 1, 0, at(2026, 3, 4, 17, 0)},
		{"LunchtimeReceiptStartsAt1300", at(2026, 3, 3, 12, 0), 0, 2 * time.Hour, at(2026, 3, 3, 15, 0)},
		{"WeekendReceiptDueMondayEvening", at(2026, 3, 7, 9, 0), 1, 0, at(2026, 3, 9, 17, 0)},
		{"LamBuSaturdayCounts", at(2026, 1, 9, 13, 0), 1, 0, at(2026, 1, 10, 11, 30)},
		{"HoursAcrossLunch", at(2026, 3, 2, 9, 0), 0, 5 * time.Hour, at(2026, 3, 2, 15, 30)},
		{"DueAtMorningEndStaysAt1130", at(2026, 3, 2, 7, 30), 0, 4 * time.Hour, at(2026, 3, 2, 11, 30)},
		{"DueAtClosingStaysAt1700", at(2026, 3, 2, 7, 30), 1, 0, at(2026, 3, 2, 17, 0)},
		{"CultureDay2026Skipped", at(2026, 11, 23, 7, 30), 2, 0, at(2026, 11, 25, 17, 0)},
		{"FifteenDays", at(2026, 3, 2, 9, 0), 15, 0, at(2026, 3, 23, 9, 0)},
		{"SubMinutePrecisionKept", at(2026, 3, 2, 9, 0).Add(30 * time.Second), 0, time.Hour, at(2026, 3, 2, 10, 0).Add(30 * time.Second)},
		{"ZeroReturnsFrom", at(2026, 3, 7, 9, 0), 0, 0, at(2026, 3, 7, 9, 0)},
		// 03:00 UTC is 10:00 in Vietnam.
		{"UTCInputReadInVietnam", time.Date(2026, 3, 2, 3, 0, 0, 0, time.UTC), 0, time.Hour, at(2026, 3, 2, 11, 0)},
		{"FallbackYear2031NewYearSkipped", at(2030, 12, 31, 13, 0), 1, 0, at(2031, 1, 2, 11, 30)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got time.Time
			if tt.days != 0 {
				got = c.AddWorkingDays(tt.from, tt.days)
			} else {
				got = c.AddWorkingHours(tt.from, tt.hours)
			}
			if !got.Equal(tt.want) || got.Location() != motcua.Location {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// Adding a then b working hours is adding a+b, and never goes backwards.
func TestAddWorkingHoursIsAdditive(t *testing.T) {
	c := motcua.DefaultCalendar()
	r := rand.New(rand.NewPCG(1, 2))
	base := at(2024, 1, 1, 0, 0)
	for range 5000 {
		from := base.Add(time.Duration(r.Int64N(int64(5 * 365 * 24 * time.Hour))))
		a := time.Duration(r.Int64N(int64(100 * time.Hour)))
		b := time.Duration(r.Int64N(int64(100 * time.Hour)))
		mid := c.AddWorkingHours(from, a)
		if got, want := c.AddWorkingHours(mid, b), c.AddWorkingHours(from, a+b); !got.Equal(want) {
			t.Fatalf("from %v: +%v+%v = %v, +%v = %v", from, a, b, got, a+b, want)
		}
		if mid.Before(from) {
			t.Fatalf("from %v +%v went back to %v", from, a, mid)
		}
	}
}

func TestDaysOff(t *testing.T) {
	c := motcua.DefaultCalendar()
	t.Run("SeedYearFromTable", func(t *testing.T) {
		days := c.DaysOff(2026)
		if !slices.IsSortedFunc(days, func(a, b motcua.DayOff) int { return strings.Compare(a.Date, b.Date) }) {
			t.Error("not sorted")
		}
		i := slices.IndexFunc(days, func(d motcua.DayOff) bool { return d.Date == "2026-11-24" })
		if i < 0 || days[i].Confirmed || days[i].Name != "Ngày Văn hóa Việt Nam" {
			t.Errorf("24/11/2026 should be listed as unconfirmed Ngày Văn hóa Việt Nam, got %v", days)
		}
	})
	t.Run("OtherYearFromRules", func(t *testing.T) {
		if got, want := c.DaysOff(2031), motcua.SeedYear(2031); !slices.Equal(got, want) {
			t.Errorf("DaysOff(2031) = %v, want SeedYear", got)
		}
	})
	t.Run("ReturnsACopy", func(t *testing.T) {
		c.DaysOff(2026)[0].Name = "changed"
		if c.DaysOff(2026)[0].Name == "changed" {
			t.Error("DaysOff exposes the calendar's table")
		}
	})
}

func TestNewCalendar(t *testing.T) {
	t.Run("ErrInvalidHours", func(t *testing.T) {
		_, err := motcua.NewCalendar(motcua.OfficeHours{}, nil)
		if err == nil {
			t.Fatal("no error")
		}
	})
	t.Run("ErrInvalidTable", func(t *testing.T) {
		tbl := &motcua.HolidayTable{Years: map[int][]motcua.DayOff{2026: {{Date: "2026-13-01", Kind: "holiday", Name: "x"}}}}
		var te *motcua.HolidayTableError
		if _, err := motcua.NewCalendar(motcua.DefaultOfficeHours(), tbl); !errors.As(err, &te) || te.Field != "date" {
			t.Fatalf("err = %v, want a HolidayTableError on the date", err)
		}
	})
	t.Run("ProvinceTableOverridesYear", func(t *testing.T) {
		// A province decides 2/10/2026 is also off and merges its table
		// onto the embedded one.
		own, err := motcua.LoadHolidayTable(strings.NewReader(tableJSON(2026,
			`{"date":"2026-10-02","kind":"holiday","name":"Ngày nghỉ của tỉnh"}`)))
		if err != nil {
			t.Fatal(err)
		}
		c, err := motcua.NewCalendar(motcua.DefaultOfficeHours(), motcua.EmbeddedHolidayTable().Merge(own))
		if err != nil {
			t.Fatal(err)
		}
		if c.IsWorkingDay(at(2026, 10, 2, 9, 0)) {
			t.Error("the province's day off is a working day")
		}
		if !c.IsWorkingDay(at(2026, 2, 17, 9, 0)) {
			t.Error("2026 should come wholly from the province's table")
		}
		if c.IsWorkingDay(at(2025, 1, 29, 9, 0)) {
			t.Error("2025 should still come from the embedded table")
		}
	})
	t.Run("ThanhHoaHours", func(t *testing.T) {
		hours := motcua.OfficeHours{Periods: []motcua.Period{{Start: 7 * 60, End: 11*60 + 30}, {Start: 13*60 + 30, End: 17 * 60}}}
		c, err := motcua.NewCalendar(hours, nil)
		if err != nil {
			t.Fatal(err)
		}
		// 13:30–17:00, then 07:00–11:30 the next day.
		if got := c.AddWorkingDays(at(2026, 3, 3, 12, 0), 1); !got.Equal(at(2026, 3, 4, 11, 30)) {
			t.Errorf("lunchtime receipt + 1 day = %v, want next day 11:30", got)
		}
	})
}

// Run with -race: calendars are shared between goroutines.
func TestCalendarConcurrentUse(t *testing.T) {
	c, err := motcua.NewCalendar(motcua.DefaultOfficeHours(), motcua.EmbeddedHolidayTable())
	if err != nil {
		t.Fatal(err)
	}
	want := c.AddWorkingDays(at(2040, 12, 20, 9, 0), 30)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for y := 2024 + g; y < 2045; y++ {
				c.IsWorkingDay(at(y, 6, 1, 9, 0))
			}
			if got := c.AddWorkingDays(at(2040, 12, 20, 9, 0), 30); !got.Equal(want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
	wg.Wait()
}

func BenchmarkAddWorkingDays(b *testing.B) {
	c := motcua.DefaultCalendar()
	from := at(2026, 2, 10, 14, 20)
	for b.Loop() {
		c.AddWorkingDays(from, 15)
	}
}
