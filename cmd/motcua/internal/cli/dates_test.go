package cli

import (
	"strings"
	"testing"
	"time"

	"motcua"
)

// TestParseDate: the one parser of every date flag.
func TestParseDate(t *testing.T) {
	day := time.Date(2026, 11, 24, 0, 0, 0, 0, motcua.Location)
	for in, want := range map[string]time.Time{
		"24/11/2026":                day,
		"4/1/2027":                  time.Date(2027, 1, 4, 0, 0, 0, 0, motcua.Location),
		"2026-11-24":                day,
		" 2026-11-24 ":              day,
		"2026-11-24T08:30:00+07:00": day.Add(8*time.Hour + 30*time.Minute),
		"2026-11-24T01:30:00Z":      day.Add(8*time.Hour + 30*time.Minute),
		"29/02/2028":                time.Date(2028, 2, 29, 0, 0, 0, 0, motcua.Location),
	} {
		got, err := parseDate("at", in)
		if err != nil || !got.Equal(want) || got.Location() != motcua.Location {
			t.Errorf("parseDate(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "24.11.2026", "31/02/2026", "2026-13-01", "11/24/2026", "hôm nay", "2026-11-24 08:30"} {
		_, err := parseDate("from", in)
		e, ok := motcua.AsError(err)
		if !ok || e.Field != "from" || !strings.Contains(e.Msg, "--from") || !strings.Contains(e.Msg, "DD/MM/YYYY, YYYY-MM-DD hoặc RFC 3339") ||
			!strings.Contains(e.MsgEN, "DD/MM/YYYY, YYYY-MM-DD or RFC 3339") {
			t.Errorf("parseDate(%q): %v", in, err)
		}
	}
	if got, err := parseDay("to", "2026-11-24T23:30:00+07:00"); err != nil || !got.Equal(day) {
		t.Errorf("parseDay: %v %v", got, err)
	}
	if s, err := dobText("1990-01-05"); err != nil || s != "05/01/1990" {
		t.Errorf("dobText: %q %v", s, err)
	}
}

// TestDueFromNow: without --from, due counts from the program's clock.
func TestDueFromNow(t *testing.T) {
	dir := initStation(t)
	fixClock(t, time.Date(2026, 11, 25, 10, 0, 0, 0, motcua.Location)) // after the set-up's sign-in, which takes time
	now := mustOK(t, runCLI(t, dir, "due", "--days", "2"))
	from := mustOK(t, runCLI(t, dir, "due", "--days", "2", "--from", "2026-11-25T10:00:00+07:00"))
	if now != from || !strings.HasPrefix(now, "2026-11-27T10:00") {
		t.Fatalf("due from now %q, from the same time %q", now, from)
	}
	if got := mustOK(t, runCLI(t, dir, "due", "--days", "2", "--from", "25/11/2026")); !strings.HasPrefix(got, "2026-11-2") {
		t.Fatalf("due from a date: %q", got)
	}
}
