package cli

import (
	"motcua"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestHolidayCommand(t *testing.T) {
	fixClock(t, time.Date(2026, 11, 19, 9, 30, 0, 0, motcua.Location)) // the --at time below
	dir := initStation(t)
	intake := func() view {
		return decode[view](t, mustOK(t, runCLI(t, dir, "intake", "--procedure", "2.001035", "--cccd", cccdLine,
			"--at", "2026-11-19T09:00:00+07:00", "--json")))
	}
	first := intake()
	if first.DueAt != "2026-11-23T09:00:00+07:00" {
		t.Fatalf("due before: %s", first.DueAt)
	}

	// Friday 20/11 off: the next intake is due after it (and after 24/11).
	out := mustOK(t, runCLI(t, dir, "holiday", "add", "20/11/2026", "--name", "Nghỉ lễ địa phương", "--source", "QĐ 15/QĐ-UBND", "--unconfirmed"))
	if !strings.Contains(out, "2026-11-20") {
		t.Fatalf("add: %q", out)
	}
	if second := intake(); second.DueAt != "2026-11-25T09:00:00+07:00" {
		t.Fatalf("due after adding 20/11: %s", second.DueAt)
	}
	if again := decode[view](t, mustOK(t, runCLI(t, dir, "show", first.Code, "--json"))); again.DueAt != first.DueAt {
		t.Fatalf("a dossier received before the edit changed its due date: %s", again.DueAt)
	}
	list := mustOK(t, runCLI(t, dir, "holiday", "list", "--year", "2026"))
	if !strings.Contains(list, "2026-11-20  T6") || !strings.Contains(list, "chưa xác nhận") {
		t.Fatalf("list:\n%s", list)
	}
	days := decode[[]struct {
		Date      string `json:"date"`
		Kind      string `json:"kind"`
		Confirmed bool   `json:"confirmed"`
		Source    string `json:"source"`
	}](t, mustOK(t, runCLI(t, dir, "holiday", "list", "--year", "2026", "--json")))
	found := false
	for _, d := range days {
		if d.Date == "2026-11-20" {
			found = d.Kind == "holiday" && !d.Confirmed && d.Source == "QĐ 15/QĐ-UBND"
		}
	}
	if !found {
		t.Fatalf("JSON list: %+v", days)
	}
	mustOK(t, runCLI(t, dir, "holiday", "edit", "2026-11-20", "--confirmed=true"))
	if list := mustOK(t, runCLI(t, dir, "holiday", "list", "--year", "2026")); strings.Contains(list, "Nghỉ lễ địa phương  chưa xác nhận") {
		t.Fatalf("edit --confirmed:\n%s", list)
	}

	// Refused inputs: exit 2, the field named, nothing changed.
	export := filepath.Join(t.TempDir(), "lich.json")
	mustOK(t, runCLI(t, dir, "holiday", "export", "-o", export))
	before, _ := os.ReadFile(export)
	for _, c := range []struct {
		name  string
		args  []string
		field string
	}{
		{"ErrBadDate", []string{"holiday", "add", "2026-02-30", "--name", "X"}, "date:"},
		{"ErrDateRange", []string{"holiday", "add", "1999-05-01", "--name", "X"}, "date:"},
		{"ErrDuplicate", []string{"holiday", "add", "24/11/2026", "--name", "X"}, "date:"},
		{"ErrNameRequired", []string{"holiday", "add", "27/11/2026"}, "name:"},
		{"ErrBadKind", []string{"holiday", "add", "27/11/2026", "--name", "X", "--kind", "half"}, "kind:"},
		{"ErrWorkdayNotWeekend", []string{"holiday", "add", "27/11/2026", "--name", "X", "--kind", "workday"}, "kind:"},
		{"ErrSubstituteOnWeekend", []string{"holiday", "add", "28/11/2026", "--name", "X", "--kind", "compensatory"}, "kind:"},
		{"ErrRemoveNotListed", []string{"holiday", "remove", "2026-11-27"}, "date:"},
		{"ErrNoDate", []string{"holiday", "remove"}, "date:"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runCLI(t, dir, c.args...)
			want := 2
			if c.name == "ErrRemoveNotListed" {
				want = 4 // not found
			}
			if r.code != want || !strings.Contains(r.stderr, c.field) {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			now := filepath.Join(t.TempDir(), "now.json")
			mustOK(t, runCLI(t, dir, "holiday", "export", "-o", now))
			if after, _ := os.ReadFile(now); string(after) != string(before) {
				t.Fatal("the table changed")
			}
		})
	}

	mustOK(t, runCLI(t, dir, "holiday", "remove", "2026-11-20"))
	if third := intake(); third.DueAt != first.DueAt {
		t.Fatalf("due after removing 20/11: %s, want %s", third.DueAt, first.DueAt)
	}

	// Export → import on another station → export: identical.
	mustOK(t, runCLI(t, dir, "holiday", "export", "-o", export))
	other := initStation(t)
	mustOK(t, runCLI(t, other, "holiday", "import", export))
	again := filepath.Join(t.TempDir(), "again.json")
	mustOK(t, runCLI(t, other, "holiday", "export", "-o", again))
	a, _ := os.ReadFile(export)
	b, _ := os.ReadFile(again)
	if len(a) == 0 || string(a) != string(b) {
		t.Fatalf("round trip differs (%d vs %d bytes)", len(a), len(b))
	}
}

func TestPrinterCommand(t *testing.T) {
	dir := initStation(t)
	const name = `Canon LBP2900 "Quầy 1" — Tầng 2`
	out := mustOK(t, runCLI(t, dir, "printer", "set", name, "--force"))
	if !strings.Contains(out, name) {
		t.Fatalf("set: %q", out)
	}
	r := runCLI(t, dir, "printer", "list")
	if !strings.Contains(r.stdout, "Đang dùng: "+name) {
		t.Fatalf("list (exit %d): %q %q", r.code, r.stdout, r.stderr)
	}
	mustOK(t, runCLI(t, dir, "printer", "set", "--default"))
	if r := runCLI(t, dir, "printer", "list"); !strings.Contains(r.stdout, "máy in mặc định của hệ thống") {
		t.Fatalf("list after --default: %q", r.stdout)
	}
	for _, args := range [][]string{{"printer", "set"}, {"printer", "set", "A", "--default"}, {"printer", "set", "A\nB", "--force"}, {"printer", "fly"}} {
		if r := runCLI(t, dir, args...); r.code != 2 || !strings.Contains(r.stderr, "printer") {
			t.Fatalf("%q: exit %d %s", args, r.code, r.stderr)
		}
	}
}
