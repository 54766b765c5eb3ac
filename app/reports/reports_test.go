package reports_test

import (
	"encoding/json"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"motcua"
	"motcua/app/reports"
	"motcua/storage"
)

// now is Monday 07/12/2026 10:00, the clock of every test here.
var now = vn(12, 7, 10, 0)

func service(tb testing.TB, seeds ...seed) *reports.Service {
	tb.Helper()
	st := openStore(tb, now)
	insert(tb, st, seeds...)
	return reports.New(storage.ReportSource{S: st}, motcua.DefaultCalendar(), motcua.NewFixedClock(now))
}

func counts(cs []reports.Count) map[string]int {
	m := map[string]int{}
	for _, c := range cs {
		m[c.Key] = c.N
	}
	return m
}

func TestStatisticsNovember(t *testing.T) {
	svc := service(t, append(november(), december()...)...)
	r, err := svc.Statistics(ctx, reports.Month(2026, time.November))
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, got, want int) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %d, want %d", name, got, want)
		}
	}
	check("received", r.Received, 10) // 1–7, 11, 12, 13 (7 after hours on 30/11)
	check("carried over", r.CarriedOver, 1)
	check("to handle", r.ToHandle, 11)
	check("early", r.Resolved.Early, 1)
	check("on time", r.Resolved.OnTime, 2) // 2, and 5 after its extension
	check("late", r.Resolved.Late, 3)      // 3, 4 (two supplements), 8
	check("late by supplement", r.LateBySupplement, 1)
	check("pending in time", r.PendingInTime, 2) // 7, 12 (waiting for supplement)
	check("pending late", r.PendingLate, 1)      // 11
	check("supplement dossiers", r.SupplementDossiers, 2)
	check("supplement requests", r.SupplementRequests, 3)
	check("supplement more than once", r.SupplementMulti, 1)
	check("refused", r.Refused, 1)
	check("withdrawn", r.Withdrawn, 1)
	check("stopped", r.Stopped, 0)
	check("returned", r.Returned, 3) // 1, 3 and 10 (done in October)
	check("extended", r.Extended, 1)
	if got, want := counts(r.ByChannel), map[string]int{"1": 6, "2": 3, "3": 1}; !mapsEqual(got, want) {
		t.Errorf("by channel = %v, want %v", got, want)
	}
	if got, want := counts(r.ByProcedure), map[string]int{"1.001193": 5, "1.001612": 5}; !mapsEqual(got, want) {
		t.Errorf("by procedure = %v, want %v", got, want)
	}
	if got, want := counts(r.ByField), map[string]int{"Hộ tịch": 5, "Đăng ký hộ kinh doanh": 5}; !mapsEqual(got, want) {
		t.Errorf("by field = %v, want %v", got, want)
	}
	if d := counts(r.ByDay); d["2026-11-30"] != 1 || len(r.ByDay) != 10 {
		t.Errorf("by day = %v: want 10 days, one dossier on 30/11", r.ByDay)
	}
	if !slices.Equal(r.Stations, []int{1, 2}) {
		t.Errorf("stations = %v, want [1 2]", r.Stations)
	}
	if !r.AsOf.Equal(now) || !r.Evaluated.Equal(vn(12, 1, 0, 0)) {
		t.Errorf("as of %v evaluated %v", r.AsOf, r.Evaluated)
	}
	wantOff := []reports.OfficerLine{
		{Officer: "binh.tv", Received: 5, Resolved: reports.Outcomes{Late: 3}, Pending: 1},
		{Officer: "lan.nt", Received: 5, Resolved: reports.Outcomes{Early: 1, OnTime: 2}, Pending: 2},
	}
	if !slices.Equal(r.Officers, wantOff) {
		t.Errorf("officers = %+v, want %+v", r.Officers, wantOff)
	}
	ind := map[string]reports.Indicator{}
	for _, i := range r.Indicators {
		ind[i.ID] = i
		if i.Formula == "" || i.Name == "" {
			t.Errorf("indicator %s has no name or formula", i.ID)
		}
	}
	for id, want := range map[string]struct {
		num, den int
		pct      float64
		avail    string
	}{
		"on_time":       {3, 6, 50, reports.Full},
		"online":        {3, 10, 30, reports.Partial},
		"digitised":     {2, 10, 20, reports.Partial},
		"reuse":         {0, 10, 0, reports.Partial},
		"population_db": {0, 10, 0, reports.None},
	} {
		got, ok := ind[id]
		if !ok {
			t.Errorf("indicator %s missing", id)
			continue
		}
		if got.Numerator != want.num || got.Denominator != want.den || math.Abs(got.Percent-want.pct) > 1e-9 || got.Available != want.avail {
			t.Errorf("indicator %s = %d/%d %.2f%% %s, want %d/%d %.2f%% %s", id, got.Numerator, got.Denominator, got.Percent, got.Available,
				want.num, want.den, want.pct, want.avail)
		}
		if got.Available != reports.Full && got.Note == "" {
			t.Errorf("indicator %s is %s but says nothing about the missing data", id, got.Available)
		}
	}
	if _, err := json.Marshal(r); err != nil {
		t.Fatal(err)
	}
}

// The year and quarter helpers cover the same dossiers: October's carried
// dossier is received in the quarter, and the October returns count.
func TestStatisticsQuarterAndYear(t *testing.T) {
	svc := service(t, append(november(), december()...)...)
	q, err := svc.Statistics(ctx, reports.Quarter(2026, 4))
	if err != nil {
		t.Fatal(err)
	}
	// received Oct–Dec: all 16; still pending as of now: 7, 11, 12, 14, 15, 16
	if q.Received != 16 || q.CarriedOver != 0 || q.Pending() != 6 || q.Returned != 4 {
		t.Errorf("Q4: received %d carried %d pending %d returned %d, want 16 0 6 4", q.Received, q.CarriedOver, q.Pending(), q.Returned)
	}
	// resolved in Q4: 1 early; 2, 5, 9, 10 on time or early; 3, 4, 8 late
	if q.Resolved.Total() != 8 || q.Resolved.Late != 3 {
		t.Errorf("Q4 resolved %+v, want 8 with 3 late", q.Resolved)
	}
	if !q.Evaluated.Equal(now) {
		t.Errorf("an unfinished period is evaluated now, got %v", q.Evaluated)
	}
	if len(q.ByDay) != 3 || q.ByDay[0].Key != "2026-10" {
		t.Errorf("a quarter is broken down by month: %v", q.ByDay)
	}
	y, err := svc.Statistics(ctx, reports.Year(2026))
	if err != nil {
		t.Fatal(err)
	}
	if y.Received != q.Received || y.Resolved != q.Resolved {
		t.Errorf("year %d %+v differs from Q4 %d %+v although every dossier is in Q4", y.Received, y.Resolved, q.Received, q.Resolved)
	}
	h, err := svc.Statistics(ctx, reports.Half(2026, 1))
	if err != nil {
		t.Fatal(err)
	}
	if !h.Empty() || h.Label != "6 tháng đầu năm 2026" {
		t.Errorf("first half of 2026 has no dossier: empty=%v label %q", h.Empty(), h.Label)
	}
}

func TestBoard(t *testing.T) {
	svc := service(t, append(november(), december()...)...)
	b, err := svc.Board(ctx)
	if err != nil {
		t.Fatal(err)
	}
	codes := func(items []reports.BoardItem) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.Code[len(it.Code)-4:])
		}
		return out
	}
	for name, c := range map[string]struct{ got, want []string }{
		"due today":  {codes(b.DueToday), []string{"0014"}},
		"due soon":   {codes(b.DueSoon), []string{"0015"}},
		"late":       {codes(b.Late), []string{"0011", "0007"}},
		"supplement": {codes(b.Supplement), []string{"0012"}},
		"extended":   {codes(b.Extended), []string{"0016"}},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s = %v, want %v", name, c.got, c.want)
		}
	}
	if b.Active != 6 || !b.AsOf.Equal(now) || !slices.Equal(b.Stations, []int{1}) {
		t.Errorf("active %d as of %v stations %v", b.Active, b.AsOf, b.Stations)
	}
	// 11 was due Thu 26/11 17:00: Fri 27, Mon 30/11, Tue 1 … Fri 4/12, Mon 7/12 = 7 working days
	if len(b.Late) == 2 {
		if b.Late[0].LateWorkingDays != 7 || b.Late[1].LateWorkingDays != 2 {
			t.Errorf("late working days = %d, %d, want 7, 2", b.Late[0].LateWorkingDays, b.Late[1].LateWorkingDays)
		}
		if b.Late[1].LateBy != now.Sub(vn(12, 3, 17, 0)) {
			t.Errorf("late by %v", b.Late[1].LateBy)
		}
	}
	if len(b.Supplement) == 1 && !b.Supplement[0].Since.Equal(vn(11, 26, 9, 0)) {
		t.Errorf("supplement since %v", b.Supplement[0].Since)
	}
}

// A holiday in the next days pushes "due soon" further: with Tue 08/12 a
// day off, Wed 09 and Thu 10 are the two working days, so 16 (Thu 10/12
// 09:00) is due soon too.
func TestBoardSkipsDaysOff(t *testing.T) {
	st := openStore(t, now)
	insert(t, st, december()...)
	table := motcua.EmbeddedHolidayTable().Merge(&motcua.HolidayTable{Years: map[int][]motcua.DayOff{
		2026: append(motcua.EmbeddedHolidayTable().Years[2026], motcua.DayOff{Date: "2026-12-08", Name: "Nghỉ thử", Kind: motcua.DayOffHoliday}),
	}})
	cal, err := motcua.NewCalendar(motcua.DefaultOfficeHours(), table)
	if err != nil {
		t.Fatal(err)
	}
	b, err := reports.New(storage.ReportSource{S: st}, cal, motcua.NewFixedClock(now)).Board(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.DueSoon) != 2 {
		t.Errorf("due soon with 08/12 off = %d, want 2 (15 and 16)", len(b.DueSoon))
	}
}

func TestBadPeriods(t *testing.T) {
	svc := service(t)
	if _, err := reports.ParsePeriod("30/11/2026", "01/11/2026"); motcua.ErrorKind(err) != motcua.KindInvalid {
		t.Errorf("inverted range: %v", err)
	}
	if _, err := reports.ParsePeriod("", "01/11/2026"); motcua.ErrorKind(err) != motcua.KindInvalid {
		t.Errorf("missing first day: %v", err)
	}
	if _, err := reports.ParsePeriod("2026-13-01", "2026-12-01"); motcua.ErrorKind(err) != motcua.KindInvalid {
		t.Errorf("bad date: %v", err)
	}
	if _, err := svc.Statistics(ctx, reports.Period{}); motcua.ErrorKind(err) != motcua.KindInvalid {
		t.Errorf("empty period: %v", err)
	}
	if _, err := svc.Statistics(ctx, reports.Month(2027, time.January)); motcua.ErrorKind(err) != motcua.KindInvalid {
		t.Errorf("future period: %v", err)
	}
	p, err := reports.ParsePeriod("2026-11-01", "30/11/2026")
	if err != nil {
		t.Fatal(err)
	}
	if p.From != reports.Month(2026, 11).From || p.To != reports.Month(2026, 11).To {
		t.Errorf("custom November = %v – %v", p.From, p.To)
	}
	r, err := svc.Statistics(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Empty() {
		t.Errorf("no dossiers, yet the report is not empty: %+v", r)
	}
	for _, i := range r.Indicators {
		if i.Has() {
			t.Errorf("indicator %s has a value over no dossiers", i.ID)
		}
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// The store prefilters closed dossiers by the time of their last write:
// with each dossier written when its last step happened (as in real use),
// the November report is the same as with every row written today.
func TestStatisticsWithRealWriteTimes(t *testing.T) {
	want, err := service(t, append(november(), december()...)...).Statistics(ctx, reports.Month(2026, time.November))
	if err != nil {
		t.Fatal(err)
	}
	clk := motcua.NewFixedClock(now)
	st, err := storage.Open(filepath.Join(t.TempDir(), "motcua.db"), storage.WithClock(clk))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, s := range append(november(), december()...) {
		d := build(s)
		last := d.History[len(d.History)-1].At
		for _, h := range d.History {
			if h.At.After(last) {
				last = h.At
			}
		}
		clk.Set(last)
		insert(t, st, s)
	}
	got, err := reports.New(storage.ReportSource{S: st}, motcua.DefaultCalendar(), motcua.NewFixedClock(now)).Statistics(ctx, reports.Month(2026, time.November))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("with real write times:\n%+v\nwant\n%+v", got, want)
	}
}
