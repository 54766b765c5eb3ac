package motcua

import (
	"errors"
	"math"
	"testing"
	"time"
)

// Worked examples from Meeus, "Astronomical Algorithms", 2nd ed.
func TestAstronomy(t *testing.T) {
	t.Run("NewMoonExample49a", func(t *testing.T) {
		// New moon of February 1977 (k = -283): JDE 2443192.65118.
		if got := newMoonJDE(-283); math.Abs(got-2443192.65118) > 0.00001 {
			t.Errorf("newMoonJDE(-283) = %.5f, want 2443192.65118", got)
		}
	})
	t.Run("SunLongitudeExample25a", func(t *testing.T) {
		// 1992 October 13.0 TD: apparent longitude 199.90895°.
		if got := sunLongitude(2448908.5); math.Abs(got-199.90895) > 0.00002 {
			t.Errorf("sunLongitude = %.5f, want 199.90895", got)
		}
	})
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, Location) }

func TestLunarToSolar(t *testing.T) {
	tests := []struct {
		name                  string
		year, month, dayOfMon int
		leap                  bool
		want                  time.Time
	}{
		{"Tet2020", 2020, 1, 1, false, day(2020, 1, 25)},
		{"Tet2021", 2021, 1, 1, false, day(2021, 2, 12)},
		{"Tet2022", 2022, 1, 1, false, day(2022, 2, 1)},
		{"Tet2023", 2023, 1, 1, false, day(2023, 1, 22)},
		{"Tet2024", 2024, 1, 1, false, day(2024, 2, 10)},
		{"Tet2025", 2025, 1, 1, false, day(2025, 1, 29)},
		{"Tet2026", 2026, 1, 1, false, day(2026, 2, 17)},
		{"Tet2027", 2027, 1, 1, false, day(2027, 2, 6)},
		{"Tet2028", 2028, 1, 1, false, day(2028, 1, 26)},
		// The new moon is at 23:07 on 2 February 2030 in UTC+7, 00:07 on
		// 3 February in China's UTC+8: Vietnam's Tết is a day earlier than
		// China's (and Korea's) that year.
		{"Tet2030IsChinaMinusOneDay", 2030, 1, 1, false, day(2030, 2, 2)},
		// 1985: Vietnam's Tết came a whole month before China's (20/2/1985).
		{"Tet1985", 1985, 1, 1, false, day(1985, 1, 21)},
		// 2007: the new moon fell just before midnight UTC+7 (China: 18/2).
		{"Tet2007", 2007, 1, 1, false, day(2007, 2, 17)},
		{"GioTo2024", 2024, 3, 10, false, day(2024, 4, 18)},
		{"GioTo2025", 2025, 3, 10, false, day(2025, 4, 7)},
		{"GioTo2026", 2026, 3, 10, false, day(2026, 4, 26)},
		{"GioTo2027", 2027, 3, 10, false, day(2027, 4, 16)},
		{"LeapMonth2of2023", 2023, 2, 1, true, day(2023, 3, 22)},
		{"Month2of2023", 2023, 2, 1, false, day(2023, 2, 20)},
		{"Month3of2023AfterLeap", 2023, 3, 1, false, day(2023, 4, 20)},
		{"LeapMonth6of2025", 2025, 6, 1, true, day(2025, 7, 25)},
		{"Month7of2025AfterLeap", 2025, 7, 1, false, day(2025, 8, 23)},
		// 2033 has its leap month after month 11 (the "2033 problem").
		{"LeapMonth11of2033", 2033, 11, 1, true, day(2033, 12, 22)},
		{"Month11of2025InDecember", 2025, 11, 1, false, day(2025, 12, 20)},
		{"LastDayOfAtTy", 2025, 12, 29, false, day(2026, 2, 16)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LunarToSolar(tt.year, tt.month, tt.dayOfMon, tt.leap)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) || got.Location() != Location {
				t.Errorf("LunarToSolar(%d, %d, %d, %v) = %v, want %v", tt.year, tt.month, tt.dayOfMon, tt.leap, got, tt.want)
			}
		})
	}
}

func TestLunarToSolarErrors(t *testing.T) {
	tests := []struct {
		name                  string
		year, month, dayOfMon int
		leap                  bool
	}{
		{"ErrNoLeapMonthThatYear", 2024, 2, 1, true},
		{"ErrWrongLeapMonth", 2025, 5, 1, true},
		{"ErrDay30Of29DayMonth", 2025, 12, 30, false}, // tháng Chạp Ất Tỵ has 29 days
		{"ErrDayZero", 2025, 1, 0, false},
		{"ErrMonth13", 2025, 13, 1, false},
		{"ErrYearOutOfRange", 1700, 1, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := LunarToSolar(tt.year, tt.month, tt.dayOfMon, tt.leap); !errors.Is(err, ErrLunarDate) {
				t.Errorf("err = %v, want ErrLunarDate", err)
			}
		})
	}
}

func TestLeapMonths2000To2050(t *testing.T) {
	// year → leap month, per the Vietnamese calendar.
	want := map[int]int{
		2001: 4, 2004: 2, 2006: 7, 2009: 5, 2012: 4, 2014: 9, 2017: 6, 2020: 4,
		2023: 2, 2025: 6, 2028: 5, 2031: 3, 2033: 11, 2036: 6, 2039: 5, 2042: 2,
		2044: 7, 2047: 5, 2050: 3,
	}
	for y := 2000; y <= 2050; y++ {
		got := 0
		for m := 1; m <= 12; m++ {
			if _, err := LunarToSolar(y, m, 1, true); err == nil {
				if got != 0 {
					t.Errorf("%d: two leap months, %d and %d", y, got, m)
				}
				got = m
			}
		}
		if got != want[y] {
			t.Errorf("%d: leap month %d, want %d", y, got, want[y])
		}
	}
}

func TestSolarToLunar(t *testing.T) {
	tests := []struct {
		name               string
		t                  time.Time
		year, month, dayOf int
		leap               bool
	}{
		{"Tet2026", day(2026, 2, 17), 2026, 1, 1, false},
		{"GiaoThua2026", day(2026, 2, 16), 2025, 12, 29, false},
		{"InLeapMonth", day(2025, 8, 1), 2025, 6, 8, true},
		// 17:30 UTC on 16 February is 00:30 on the 17th in Vietnam.
		{"UTCInputIsReadInVietnam", time.Date(2026, 2, 16, 17, 30, 0, 0, time.UTC), 2026, 1, 1, false},
		{"Month11BeforeNewYear", day(2025, 12, 31), 2025, 11, 12, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y, m, d, leap := SolarToLunar(tt.t)
			if y != tt.year || m != tt.month || d != tt.dayOf || leap != tt.leap {
				t.Errorf("SolarToLunar(%v) = %d/%d/%d leap=%v, want %d/%d/%d leap=%v",
					tt.t, d, m, y, leap, tt.dayOf, tt.month, tt.year, tt.leap)
			}
		})
	}
}

// Every day from 2000 to 2050 converts to a lunar date and back, and the
// lunar dates run on without gaps: day n+1 follows day n, or day 1 of the
// next month follows day 29 or 30.
func TestLunarRoundTrip2000To2050(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	py, pm, pd, pleap := SolarToLunar(day(1999, 12, 31))
	for d := day(2000, 1, 1); d.Year() <= 2050; d = d.AddDate(0, 0, 1) {
		y, m, dd, leap := SolarToLunar(d)
		back, err := LunarToSolar(y, m, dd, leap)
		if err != nil || !back.Equal(d) {
			t.Fatalf("%s → %d/%d/%d leap=%v → %v, %v", d.Format(time.DateOnly), dd, m, y, leap, back, err)
		}
		switch {
		case dd == pd+1 && m == pm && y == py && leap == pleap:
		case dd == 1 && (pd == 29 || pd == 30):
			nextMonth := (leap && m == pm && y == py && !pleap) ||
				(!leap && m == pm%12+1 && (y == py || (m == 1 && y == py+1)))
			if !nextMonth {
				t.Fatalf("%s: %d/%d/%d leap=%v does not follow %d/%d/%d leap=%v", d.Format(time.DateOnly), dd, m, y, leap, pd, pm, py, pleap)
			}
		default:
			t.Fatalf("%s: %d/%d/%d leap=%v does not follow %d/%d/%d leap=%v", d.Format(time.DateOnly), dd, m, y, leap, pd, pm, py, pleap)
		}
		py, pm, pd, pleap = y, m, dd, leap
	}
}
