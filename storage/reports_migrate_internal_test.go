package storage

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"motcua"
	"motcua/app/reports"
)

type rowsOnly struct{ reports.Source }

// TestUpgradeFillsReportTallies: a database of version 8 holding dossiers
// (written in SQL as that version stored them) is opened by this build:
// migration 0009 records their due dates and fills the tallies, and the
// statistics read from the tallies equal those read row by row.
func TestUpgradeFillsReportTallies(t *testing.T) {
	ms := migrations()
	if len(ms) < reportsMigration {
		t.Fatalf("%d migrations", len(ms))
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "motcua.db")
	all := migrations
	migrations = func() []migration { return ms[:reportsMigration-1] }
	s, err := Open(path)
	migrations = all
	if err != nil {
		t.Fatal(err)
	}
	at := func(d, h int) int64 { return time.Date(2026, 11, d, h, 0, 0, 0, motcua.Location).UnixMilli() }
	err = s.write(ctx, func(w *wtx) error {
		for i, d := range []struct {
			due    int64
			status int
			steps  [][3]int64 // at, from, to
		}{
			{at(6, 17), 10, [][3]int64{{at(2, 8), 1, 2}, {at(4, 9), 2, 9}, {at(5, 9), 9, 10}}},                    // early, returned
			{at(10, 17), 4, [][3]int64{{at(3, 8), 1, 2}, {at(3, 9), 2, 4}}},                                       // pending, late at the end of November
			{0, 3, [][3]int64{{at(9, 8), 1, 2}, {at(9, 8), 2, 3}}},                                                // refused
			{at(12, 17), 9, [][3]int64{{at(9, 8), 1, 2}, {at(9, 9), 2, 5}, {at(10, 9), 5, 2}, {at(13, 8), 2, 9}}}, // late
		} {
			code := "000.00.06.H56-261102-000" + string(rune('1'+i))
			var due any
			if d.due != 0 {
				due = d.due
			}
			if _, err := w.tx.ExecContext(ctx, `INSERT INTO dossiers (code, procedure_code, procedure_name, procedure_field, channel,
				applicant_name, applicant_id_number, applicant_dob, applicant_gender, applicant_address, applicant_phone, applicant_email,
				applicant_subject, summary, components, fee, received_at, due_at, status, extended, officer, station, returned_at, updated_at)
				VALUES (?, '1.001193', 'Đăng ký khai sinh', 'Hộ tịch', 1, 'A', '001', '', '', '', '', '', 1, '', '[]', 0, ?, ?, ?, 0, 'lan.nt', 1, ?, ?)`,
				code, d.steps[0][0], due, d.status, map[bool]any{true: d.steps[len(d.steps)-1][0], false: nil}[d.status == 10], d.steps[len(d.steps)-1][0]); err != nil {
				return err
			}
			for j, st := range d.steps {
				if _, err := w.tx.ExecContext(ctx, `INSERT INTO history VALUES (?, ?, ?, 'lan.nt', 'x', ?, ?, '', '')`, code, j, st[0], st[1], st[2]); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	up, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	var dues, tallies, ended int
	up.r.QueryRow(`SELECT (SELECT count(*) FROM due_history), (SELECT count(*) FROM report_tally), (SELECT count(*) FROM report_ended)`).Scan(&dues, &tallies, &ended)
	if dues != 4 || tallies == 0 || ended != 4 {
		t.Fatalf("after the upgrade: %d due dates, %d tallies, %d report_ended", dues, tallies, ended)
	}
	clock := motcua.NewFixedClock(time.Date(2026, 12, 15, 9, 0, 0, 0, motcua.Location))
	fast := reports.New(ReportSource{S: up}, nil, clock)
	slow := reports.New(rowsOnly{ReportSource{S: up}}, nil, clock)
	for _, p := range []reports.Period{reports.Month(2026, time.November), reports.Year(2026), reports.Month(2026, time.December)} {
		a, err := fast.Statistics(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		b, err := slow.Statistics(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Fatalf("%s: tallies\n%s\nrow by row\n%s", p.Label(), ja, jb)
		}
		if p.Kind == "month" && p.From.Month() == time.November &&
			(a.Received != 4 || a.Resolved.Early != 1 || a.Resolved.Late != 1 || a.Refused != 1 || a.PendingLate != 1 || a.Returned != 1) {
			t.Fatalf("November after the upgrade: %s", ja)
		}
	}
}
