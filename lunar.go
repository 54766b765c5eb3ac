package motcua

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// The Vietnamese lunisolar calendar (âm lịch), computed from astronomy.
//
// Vietnam publishes no table we can embed for every year, and the Go ports of
// Hồ Ngọc Đức's algorithm are not available to this build, so the calendar is
// computed here from first principles:
//
//   - A lunar month starts on the civil day (in UTC+7, the 105°E meridian) on
//     which the astronomical new moon falls, and lasts until the day before the
//     next new moon: 29 or 30 days.
//   - Month 11 is the month that contains the December solstice (the sun's
//     apparent longitude reaching 270°).
//   - When 13 new moons start between two consecutive months 11, the year has a
//     leap month: the first month after month 11 that contains no major solar
//     term (trung khí, a multiple of 30° of solar longitude) repeats the number
//     of the month before it and is flagged leap (tháng nhuận).
//   - A month "contains" a term when the term's instant falls between 00:00
//     UTC+7 of the month's first day and 00:00 of the next month's first day.
//
// These are the rules of the official Vietnamese calendar and of Hồ Ngọc Đức's
// published algorithm. The astronomy follows Jean Meeus, "Astronomical
// Algorithms" (2nd ed.): chapter 49 for the instants of new moon (accurate to
// seconds) and chapter 25 for the sun's apparent longitude (about 0.01°, i.e.
// about a quarter of an hour in time). Dynamical time is converted to universal
// time with the Espenak–Meeus polynomials for ΔT. A date could only come out
// wrong if a new moon or a major term fell within those error bars of midnight.

// The lunar calendar is defined at UTC+7 whatever the zone database says
// about historic offsets of Asia/Ho_Chi_Minh.
const lunarTZHours = 7.0

// LunarToSolar's supported years. The astronomy holds much further, but ΔT,
// and so the instant of new moon in civil time, is uncertain far from today.
const (
	lunarMinYear = 1800
	lunarMaxYear = 2299
)

// ErrLunarDate reports a lunar date that does not exist.
var ErrLunarDate = errors.New("invalid lunar date")

// LunarToSolar returns the civil date, at 00:00 in Location, of the given
// Vietnamese lunar date. Months 11 and 12 belong to the lunar year that began
// in the same Gregorian year, as in the usual notation (11/2025 is in December
// 2025 or so; 1/2026 is Tết 2026). leap selects the leap month (tháng nhuận);
// asking for the leap twin of a month that has none, day 30 of a 29-day month
// or a year outside 1800–2299 is an error wrapping ErrLunarDate.
func LunarToSolar(year, month, day int, leap bool) (time.Time, error) {
	if year < lunarMinYear || year > lunarMaxYear {
		return time.Time{}, fmt.Errorf("%w: year %d outside %d–%d", ErrLunarDate, year, lunarMinYear, lunarMaxYear)
	}
	if month < 1 || month > 12 {
		return time.Time{}, fmt.Errorf("%w: month %d", ErrLunarDate, month)
	}
	// Months 11 and 12 of `year` lie after the solstice of `year`; months 1–10
	// lie after the solstice of year-1. Index months from that month 11.
	var ka, kb, slot int
	if month >= 11 {
		ka, kb, slot = month11(year), month11(year+1), month-11
	} else {
		ka, kb, slot = month11(year-1), month11(year), month+1
	}
	lp := leapOffset(ka, kb)
	off := slot
	switch {
	case leap:
		if lp == 0 || lp-1 != slot {
			return time.Time{}, fmt.Errorf("%w: month %d of lunar year %d is not a leap month", ErrLunarDate, month, year)
		}
		off = lp
	case lp != 0 && slot >= lp:
		off = slot + 1 // the leap month sits before this one
	}
	start := newMoonDay(ka + off)
	if length := newMoonDay(ka+off+1) - start; day < 1 || day > length {
		return time.Time{}, fmt.Errorf("%w: day %d, lunar month %d/%d has %d days", ErrLunarDate, day, month, year, length)
	}
	return dateOfJDN(start + day - 1), nil
}

// SolarToLunar returns the Vietnamese lunar date of t's civil day in
// Location. year is the lunar year in the same notation as LunarToSolar.
func SolarToLunar(t time.Time) (year, month, day int, leap bool) {
	jdn := jdnOf(t)
	k := lunationContaining(jdn)

	gy := t.In(Location).Year()
	ka, kb, kaYear := month11(gy), 0, gy
	if k >= ka {
		kb = month11(gy + 1)
	} else {
		ka, kb, kaYear = month11(gy-1), ka, gy-1
	}

	off := k - ka
	slot := off
	if lp := leapOffset(ka, kb); lp != 0 && off >= lp {
		slot = off - 1
		leap = off == lp
	}
	if slot < 2 { // months 11 and 12
		year, month = kaYear, slot+11
	} else {
		year, month = kaYear+1, slot-1
	}
	return year, month, jdn - newMoonDay(k) + 1, leap
}

// month11 returns the lunation number (see newMoonJDE) of month 11 of the
// lunar year that contains the December solstice of Gregorian year y.
func month11(y int) int {
	k := lunationContaining(jdnFromDate(y, time.December, 31))
	// The month starting on or before 31 December contains the solstice
	// unless the sun had already passed 270° when it began.
	if termIndex(newMoonDay(k)) >= 9 {
		k--
	}
	return k
}

// leapOffset returns the offset from month 11 (lunation ka) of the leap month
// in the lunar year running to the next month 11 (lunation kb), or 0 when
// there are only 12 months. The leap month is the first one with no major
// term: its first day and the next month's first day see the sun in the same
// 30° sector.
func leapOffset(ka, kb int) int {
	if kb-ka < 13 {
		return 0
	}
	prev := termIndex(newMoonDay(ka + 1))
	for i := 1; i < 13; i++ {
		next := termIndex(newMoonDay(ka + i + 1))
		if next == prev {
			return i
		}
		prev = next
	}
	// Thirteen months always hold at most twelve major terms, so one of
	// them has none; reaching here means the astronomy above is broken.
	panic(fmt.Sprintf("motcua: no month without a major term after lunation %d", ka))
}

// lunationContaining returns the lunation k whose month contains the civil
// day jdn: newMoonDay(k) <= jdn < newMoonDay(k+1).
func lunationContaining(jdn int) int {
	k := int(math.Floor((float64(jdn) - 2451550.1) / synodicMonth))
	for newMoonDay(k) > jdn {
		k--
	}
	for newMoonDay(k+1) <= jdn {
		k++
	}
	return k
}

// newMoonDay returns the Julian day number of the civil day (UTC+7) on which
// new moon k falls.
func newMoonDay(k int) int {
	jdUT := newMoonJDE(k) - deltaT(newMoonJDE(k))/86400
	// A Julian date starts at noon UT; the civil day starts at midnight local.
	return int(math.Floor(jdUT + 0.5 + lunarTZHours/24))
}

// termIndex returns which 30° sector of solar longitude (0 = 0°–30°, from
// the March equinox; 9 = 270°–300°, from the December solstice) the sun is in
// at 00:00 UTC+7 of civil day jdn.
func termIndex(jdn int) int {
	jdUT := float64(jdn) - 0.5 - lunarTZHours/24
	return int(sunLongitude(jdUT+deltaT(jdUT)/86400) / 30)
}

// Mean length of the synodic month, in days.
const synodicMonth = 29.530588861

// newMoonJDE returns the instant, as a Julian Ephemeris Day (dynamical time),
// of new moon number k, counted from the new moon of 6 January 2000
// (Meeus ch. 49: the mean phase plus the periodic terms of the moon's and
// sun's anomalies and the planetary arguments A1–A14).
func newMoonJDE(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85 // Julian centuries from J2000.0
	t2, t3, t4 := t*t, t*t*t, t*t*t*t

	jde := 2451550.09766 + synodicMonth*kf + 0.00015437*t2 - 0.000000150*t3 + 0.00000000073*t4

	// Eccentricity of the earth's orbit, which scales the terms in M.
	e := 1 - 0.002516*t - 0.0000074*t2
	m := rad(2.5534 + 29.10535670*kf - 0.0000014*t2 - 0.00000011*t3)                      // sun's mean anomaly
	mp := rad(201.5643 + 385.81693528*kf + 0.0107582*t2 + 0.00001238*t3 - 0.000000058*t4) // moon's mean anomaly
	f := rad(160.7108 + 390.67050284*kf - 0.0016118*t2 - 0.00000227*t3 + 0.000000011*t4)  // moon's argument of latitude
	om := rad(124.7746 - 1.56375588*kf + 0.0020672*t2 + 0.00000215*t3)                    // longitude of the ascending node

	s := math.Sin
	jde += -0.40720*s(mp) +
		0.17241*e*s(m) +
		0.01608*s(2*mp) +
		0.01039*s(2*f) +
		0.00739*e*s(mp-m) -
		0.00514*e*s(mp+m) +
		0.00208*e*e*s(2*m) -
		0.00111*s(mp-2*f) -
		0.00057*s(mp+2*f) +
		0.00056*e*s(2*mp+m) -
		0.00042*s(3*mp) +
		0.00042*e*s(m+2*f) +
		0.00038*e*s(m-2*f) -
		0.00024*e*s(2*mp-m) -
		0.00017*s(om) -
		0.00007*s(mp+2*m) +
		0.00004*s(2*mp-2*f) +
		0.00004*s(3*m) +
		0.00003*s(mp+m-2*f) +
		0.00003*s(2*mp+2*f) -
		0.00003*s(mp+m+2*f) +
		0.00003*s(mp-m+2*f) -
		0.00002*s(mp-m-2*f) -
		0.00002*s(3*mp+m) +
		0.00002*s(4*mp)

	// Planetary arguments.
	planetary := [14][3]float64{
		{299.77 - 0.009173*t2, 0.107408, 0.000325},
		{251.88, 0.016321, 0.000165},
		{251.83, 26.651886, 0.000164},
		{349.42, 36.412478, 0.000126},
		{84.66, 18.206239, 0.000110},
		{141.74, 53.303771, 0.000062},
		{207.14, 2.453732, 0.000060},
		{154.84, 7.306860, 0.000056},
		{34.52, 27.261239, 0.000047},
		{207.19, 0.121824, 0.000042},
		{291.34, 1.844379, 0.000040},
		{161.72, 24.198154, 0.000037},
		{239.56, 25.513099, 0.000035},
		{331.55, 3.592518, 0.000023},
	}
	for _, a := range planetary {
		jde += a[2] * s(rad(a[0]+a[1]*kf))
	}
	return jde
}

// sunLongitude returns the sun's apparent geocentric longitude in degrees,
// [0, 360), referred to the true equinox of date, at Julian Ephemeris Day jde
// (Meeus ch. 25, low-accuracy method: mean longitude plus the equation of
// the centre, corrected for nutation and aberration).
func sunLongitude(jde float64) float64 {
	t := (jde - 2451545.0) / 36525
	l0 := 280.46646 + 36000.76983*t + 0.0003032*t*t
	m := rad(357.52911 + 35999.05029*t - 0.0001537*t*t)
	c := (1.914602-0.004817*t-0.000014*t*t)*math.Sin(m) +
		(0.019993-0.000101*t)*math.Sin(2*m) +
		0.000289*math.Sin(3*m)
	om := rad(125.04 - 1934.136*t)
	lambda := l0 + c - 0.00569 - 0.00478*math.Sin(om)
	lambda = math.Mod(lambda, 360)
	if lambda < 0 {
		lambda += 360
	}
	return lambda
}

// deltaT returns ΔT = TT − UT in seconds near Julian day jd, from the
// polynomial fits of Espenak and Meeus (NASA Five Millennium Canon of Solar
// Eclipses). Only the years that LunarToSolar supports are fitted closely.
func deltaT(jd float64) float64 {
	y := 2000 + (jd-2451545.0)/365.25
	switch {
	case y < 1700:
		u := (y - 1820) / 100
		return -20 + 32*u*u
	case y < 1800:
		t := y - 1700
		return 8.83 + 0.1603*t - 0.0059285*t*t + 0.00013336*t*t*t - t*t*t*t/1174000
	case y < 1860:
		t := y - 1800
		return 13.72 - 0.332447*t + 0.0068612*t*t + 0.0041116*t*t*t - 0.00037436*t*t*t*t +
			0.0000121272*t*t*t*t*t - 0.0000001699*t*t*t*t*t*t + 0.000000000875*t*t*t*t*t*t*t
	case y < 1900:
		t := y - 1860
		return 7.62 + 0.5737*t - 0.251754*t*t + 0.01680668*t*t*t - 0.0004473624*t*t*t*t + t*t*t*t*t/233174
	case y < 1920:
		t := y - 1900
		return -2.79 + 1.494119*t - 0.0598939*t*t + 0.0061966*t*t*t - 0.000197*t*t*t*t
	case y < 1941:
		t := y - 1920
		return 21.20 + 0.84493*t - 0.076100*t*t + 0.0020936*t*t*t
	case y < 1961:
		t := y - 1950
		return 29.07 + 0.407*t - t*t/233 + t*t*t/2547
	case y < 1986:
		t := y - 1975
		return 45.45 + 1.067*t - t*t/260 - t*t*t/718
	case y < 2005:
		t := y - 2000
		return 63.86 + 0.3345*t - 0.060374*t*t + 0.0017275*t*t*t + 0.000651814*t*t*t*t + 0.00002373599*t*t*t*t*t
	case y < 2050:
		t := y - 2000
		return 62.92 + 0.32217*t + 0.005589*t*t
	case y < 2150:
		u := (y - 1820) / 100
		return -20 + 32*u*u - 0.5628*(2150-y)
	default:
		u := (y - 1820) / 100
		return -20 + 32*u*u
	}
}

func rad(deg float64) float64 { return deg * math.Pi / 180 }

// The Julian day number of 1970-01-01, to move between civil dates and JDNs
// through Unix days.
const unixEpochJDN = 2440588

// jdnFromDate returns the Julian day number of a Gregorian civil date.
func jdnFromDate(y int, m time.Month, d int) int {
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()/86400) + unixEpochJDN
}

// jdnOf returns the Julian day number of t's civil date in Location.
func jdnOf(t time.Time) int {
	y, m, d := t.In(Location).Date()
	return jdnFromDate(y, m, d)
}

// dateOfJDN returns 00:00 in Location of the civil day with Julian day
// number jdn.
func dateOfJDN(jdn int) time.Time {
	return time.Date(1970, time.January, 1+jdn-unixEpochJDN, 0, 0, 0, 0, Location)
}
