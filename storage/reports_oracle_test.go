package storage_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/app/reports"
	"motcua/storage"
)

// oracle hides the tallies: the report service reads the dossiers one by
// one (the reference computation).
type oracle struct{ reports.Source }

func vnAt(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, motcua.Location)
}

// genReportDossiers stores n dossiers received over 2026 with random paths,
// each written as the counter writes it: received first, then one or two
// later updates (an extension or a supplement restart changes the due
// date), documents added (some withdrawn, some reused). The edge
// cases come first.
func genReportDossiers(t *testing.T, st *storage.Store, n int, now time.Time) {
	t.Helper()
	rng := rand.New(rand.NewPCG(14, 2026))
	procs := []motcua.ProcedureRef{
		{Code: "1.001193", Name: "Đăng ký khai sinh", Field: "Hộ tịch"},
		{Code: "1.001193", Name: "Thủ tục đăng ký khai sinh", Field: "Hộ tịch"}, // renamed in the catalogue
		{Code: "1.001612", Name: "Đăng ký hộ kinh doanh", Field: "Đăng ký kinh doanh"},
		{Code: "2.000815", Name: "Chứng thực bản sao", Field: "Chứng thực"},
	}
	officers := []string{"lan.nt", "binh.tv", "hoa.lt"}
	type plan struct {
		received, due time.Time
		path          []motcua.Status
		extendAfter   int // extend after this many steps (-1: never)
		restart       bool
	}
	S := func(s ...motcua.Status) []motcua.Status { return s }
	const (
		recv, proc, supp, done, ret = motcua.StatusReceived, motcua.StatusProcessing, motcua.StatusSupplement, motcua.StatusDone, motcua.StatusReturned
	)
	edge := []plan{
		{received: vnAt(2026, 3, 10, 8, 0), due: vnAt(2026, 3, 13, 17, 0), path: S(proc, done, ret), extendAfter: 1},                                   // extended once
		{received: vnAt(2026, 3, 31, 17, 45), due: vnAt(2026, 4, 3, 17, 0), path: S(proc), extendAfter: -1},                                            // after hours, last day of March
		{received: vnAt(2026, 4, 6, 9, 0), due: vnAt(2026, 4, 20, 17, 0), path: S(supp, recv, supp, recv, proc, done), extendAfter: -1, restart: true}, // two supplements
		{received: vnAt(2026, 5, 4, 9, 0), path: S(motcua.StatusRefused), extendAfter: -1},                                                             // refused
		{received: vnAt(2026, 5, 5, 9, 0), due: vnAt(2026, 5, 8, 17, 0), path: S(proc, motcua.StatusWithdrawn), extendAfter: -1},                       // withdrawn
		{received: vnAt(2026, 5, 6, 9, 0), due: vnAt(2026, 5, 8, 17, 0), path: S(proc, motcua.StatusStopped), extendAfter: -1},
		{received: vnAt(2026, 6, 30, 16, 0), due: vnAt(2026, 7, 2, 17, 0), path: S(proc, done, ret), extendAfter: -1}, // returned in the next half
		{received: vnAt(2026, 11, 2, 9, 0), due: vnAt(2026, 11, 20, 17, 0), path: S(proc), extendAfter: -1},           // late, then extended (below)
	}
	for i := 0; i < n; i++ {
		var p plan
		if i < len(edge) {
			p = edge[i]
		} else {
			day := rng.IntN(365)
			p.received = vnAt(2026, 1, 1, 6+rng.IntN(14), rng.IntN(60)).AddDate(0, 0, day)
			if rng.IntN(20) > 0 {
				p.due = time.Date(p.received.Year(), p.received.Month(), p.received.Day()+1+rng.IntN(10), 17, 0, 0, 0, motcua.Location)
			}
			switch r := rng.IntN(100); {
			case r < 45:
				p.path = S(proc, done, ret)
			case r < 55:
				p.path = S(proc, done)
			case r < 62:
				p.path = S(supp, recv, proc, done, ret)
			case r < 67:
				p.path = S(supp, recv, supp, recv, proc, done)
			case r < 72:
				p.path = S(motcua.StatusRefused)
			case r < 76:
				p.path = S(proc, motcua.StatusWithdrawn)
			case r < 78:
				p.path = S(proc, motcua.StatusStopped)
			case r < 85:
				p.path = S(supp)
			case r < 92:
				p.path = S(proc)
			case r < 95:
				p.path = S(done, proc, done, ret) // reopened after done
			default:
				p.path = nil
			}
			p.extendAfter = -1
			if rng.IntN(6) == 0 && len(p.path) > 0 {
				p.extendAfter = rng.IntN(len(p.path))
			}
			p.restart = rng.IntN(2) == 0
		}
		d := &motcua.Dossier{Procedure: procs[rng.IntN(len(procs))], Channel: motcua.Channel(1 + rng.IntN(3)),
			Applicant:  motcua.Applicant{Name: fmt.Sprintf("Nguyễn Văn %d", i), IDNumber: fmt.Sprintf("001190%06d", i)},
			ReceivedAt: p.received, DueAt: p.due, Status: motcua.StatusNew, Officer: officers[rng.IntN(len(officers))]}
		c, _ := motcua.NewDossierCode(agency, p.received, i+1)
		d.Code = c.String()
		at := p.received
		move := func(to motcua.Status, action string) {
			d.History = append(d.History, motcua.HistoryEntry{At: at, Actor: d.Officer, Action: action, From: d.Status, To: to})
			d.Status = to
			if to == ret && d.ReturnedAt.IsZero() {
				d.ReturnedAt = at
			}
		}
		move(recv, "accept")
		if err := st.Insert(ctx, d, app.AuditEntry{Actor: "gen"}); err != nil {
			t.Fatal(err)
		}
		for k, to := range p.path {
			at = at.Add(time.Duration(1+rng.IntN(60)) * time.Hour)
			if at.After(now) {
				break
			}
			prevS, prevH := d.Status, len(d.History)
			if k == p.extendAfter && !d.Extended && !d.DueAt.IsZero() {
				d.History = append(d.History, motcua.HistoryEntry{At: at, Actor: d.Officer, Action: "extend", From: d.Status, To: d.Status})
				d.DueAt, d.Extended = d.DueAt.AddDate(0, 0, 3+rng.IntN(7)), true
			}
			if p.restart && d.Status == supp && to == recv && !d.DueAt.IsZero() {
				d.DueAt = d.DueAt.Add(at.Sub(d.History[len(d.History)-1].At)) // the time limit restarts
			}
			move(to, "advance")
			if err := st.Update(ctx, d, prevS, prevH, app.AuditEntry{Actor: "gen"}); err != nil {
				t.Fatalf("%s: %v", d.Code, err)
			}
		}
		if i == len(edge)-1 { // extended on 24/11, after it was late, to 27/11
			prevS, prevH := d.Status, len(d.History)
			d.History = append(d.History, motcua.HistoryEntry{At: vnAt(2026, 11, 24, 9, 0), Actor: d.Officer, Action: "extend", From: d.Status, To: d.Status})
			d.DueAt, d.Extended = vnAt(2026, 11, 27, 17, 0), true
			if err := st.Update(ctx, d, prevS, prevH, app.AuditEntry{Actor: "gen"}); err != nil {
				t.Fatal(err)
			}
		}
		for j := 0; j < rng.IntN(3); j++ {
			a := &app.Attachment{Dossier: d.Code, Component: "Tờ khai", FileName: fmt.Sprintf("scan%d.pdf", j),
				SHA256: strings.Repeat(fmt.Sprintf("%x", (i+j)%16), 64), Size: 10, Pages: 1, AddedBy: "gen",
				Deleted: rng.IntN(4) == 0}
			if rng.IntN(3) == 0 {
				a.ReusedFrom = int64(1 + rng.IntN(5))
			}
			if err := st.AddAttachment(ctx, a, app.AuditEntry{Actor: "gen"}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// reportPeriods are the periods compared: every month, quarter and half of
// 2026, the year, the year before (nothing received), and random custom
// ranges, some running past now.
func reportPeriods(rng *rand.Rand) []reports.Period {
	ps := []reports.Period{reports.Year(2026), reports.Year(2025), reports.Half(2026, 1), reports.Half(2026, 2)}
	for q := 1; q <= 4; q++ {
		ps = append(ps, reports.Quarter(2026, q))
	}
	for m := time.January; m <= time.December; m++ {
		ps = append(ps, reports.Month(2026, m))
	}
	for range 40 {
		f := vnAt(2026, 1, 1, 0, 0).AddDate(0, 0, rng.IntN(350))
		p, err := reports.Days(f, f.AddDate(0, 0, rng.IntN(90)))
		if err != nil {
			panic(err)
		}
		ps = append(ps, p)
	}
	return ps
}

func reportJSON(t *testing.T, svc *reports.Service, p reports.Period) string {
	t.Helper()
	r, err := svc.Statistics(ctx, p)
	if err != nil {
		t.Fatalf("%s: %v", p.Label(), err)
	}
	b, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// firstDiff is the first line where a and b differ, with its neighbours.
func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			lo := max(0, i-6)
			return fmt.Sprintf("line %d:\ntallies: %s\noracle:  %s\ncontext:\n%s", i, la[i], lb[i], strings.Join(la[lo:i+1], "\n"))
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(la), len(lb))
}

// TestReportTalliesMatchRowByRow: the statistics read from the tallies
// kept at write time equal, figure by figure, those computed from the
// dossiers one by one, over many periods (historic and under way) of
// generated data with the edge cases; rebuilding the tallies from
// scratch (what the migration does) gives the same tally rows as keeping
// them write by write.
func TestReportTalliesMatchRowByRow(t *testing.T) {
	n := 700
	if testing.Short() {
		n = 250
	}
	now := vnAt(2026, 12, 15, 10, 30)
	st := MustOpen(t)
	genReportDossiers(t, st, n, now)
	cal := motcua.DefaultCalendar()
	clock := motcua.NewFixedClock(now)
	fast := reports.New(storage.ReportSource{S: st}, cal, clock)
	slow := reports.New(oracle{storage.ReportSource{S: st}}, cal, clock)
	rng := rand.New(rand.NewPCG(1, 2))
	ps := reportPeriods(rng)
	check := func(stage string) {
		for _, p := range ps {
			if !p.From.Before(now) {
				continue
			}
			a, b := reportJSON(t, fast, p), reportJSON(t, slow, p)
			if a != b {
				t.Fatalf("%s, %s: the tallies and the dossiers one by one differ at %s", stage, p.Label(), firstDiff(a, b))
			}
		}
	}
	check("kept write by write")
	y := reportJSON(t, slow, reports.Year(2026))
	for _, want := range []string{`"received": ` + fmt.Sprint(n), `"extended": `, `"supplement_multi": `, `"refused": `, `"withdrawn": `, `"returned": `} {
		if !strings.Contains(y, want) {
			t.Fatalf("the year's report lacks %s:\n%s", want, y)
		}
	}
	db := rawDB(t, st.Path())
	dump := func() string {
		rows, err := db.Query(`SELECT kind, day, day2, k, n FROM report_tally ORDER BY kind, day, day2, k`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var kind, day, day2, n int
			var k string
			if err := rows.Scan(&kind, &day, &day2, &k, &n); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%d %d %d %s %d\n", kind, day, day2, k, n)
		}
		return b.String()
	}
	kept := dump()
	if err := storage.RebuildReports(ctx, st); err != nil {
		t.Fatal(err)
	}
	if rebuilt := dump(); rebuilt != kept {
		t.Fatalf("tallies rebuilt from scratch differ from those kept write by write: %s", firstDiff(kept, rebuilt))
	}
	check("rebuilt")
}

// TestPendingUsesDueDateInForce: a dossier due 20/11, still being processed,
// extended on 24/11 to 27/11 (the apology letter of a late dossier). At the
// end of 01–22/11 it was late (the due date then was 20/11), at the end of
// 01–25/11 it was in time (27/11 by then), at the end of November late
// again; the board today shows the new due date. Both the tallies and the
// row-by-row path say so.
func TestPendingUsesDueDateInForce(t *testing.T) {
	st := MustOpen(t)
	now := vnAt(2026, 12, 15, 10, 0)
	received := vnAt(2026, 11, 2, 9, 0)
	d := &motcua.Dossier{Procedure: motcua.ProcedureRef{Code: "1.001193", Name: "Đăng ký khai sinh", Field: "Hộ tịch"}, Channel: 1,
		Applicant: motcua.Applicant{Name: "Trần Thị Mai", IDNumber: "001190000001"}, ReceivedAt: received,
		DueAt: vnAt(2026, 11, 20, 17, 0), Status: motcua.StatusNew, Officer: "lan.nt"}
	c, _ := motcua.NewDossierCode(agency, received, 1)
	d.Code = c.String()
	d.History = []motcua.HistoryEntry{{At: received, Actor: "lan.nt", Action: "accept", From: motcua.StatusNew, To: motcua.StatusReceived},
		{At: received.Add(time.Hour), Actor: "lan.nt", Action: "advance", From: motcua.StatusReceived, To: motcua.StatusProcessing}}
	d.Status = motcua.StatusProcessing
	if err := st.Insert(ctx, d, app.AuditEntry{Actor: "t"}); err != nil {
		t.Fatal(err)
	}
	d.History = append(d.History, motcua.HistoryEntry{At: vnAt(2026, 11, 24, 9, 0), Actor: "lan.nt", Action: "extend", From: d.Status, To: d.Status})
	d.DueAt, d.Extended = vnAt(2026, 11, 27, 17, 0), true
	if err := st.Update(ctx, d, motcua.StatusProcessing, 2, app.AuditEntry{Actor: "t"}); err != nil {
		t.Fatal(err)
	}
	clock := motcua.NewFixedClock(now)
	for _, svc := range []*reports.Service{
		reports.New(storage.ReportSource{S: st}, nil, clock),
		reports.New(oracle{storage.ReportSource{S: st}}, nil, clock),
	} {
		for _, c := range []struct {
			last         time.Time
			inTime, late int
		}{
			{vnAt(2026, 11, 19, 0, 0), 1, 0}, // due 20/11 not passed yet
			{vnAt(2026, 11, 22, 0, 0), 0, 1}, // due 20/11 passed, not extended yet
			{vnAt(2026, 11, 25, 0, 0), 1, 0}, // extended to 27/11
			{vnAt(2026, 11, 30, 0, 0), 0, 1}, // 27/11 passed
		} {
			p, err := reports.Days(vnAt(2026, 11, 1, 0, 0), c.last)
			if err != nil {
				t.Fatal(err)
			}
			r, err := svc.Statistics(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			if r.PendingInTime != c.inTime || r.PendingLate != c.late {
				_, tallies := svc.Source.(reports.TallySource)
				t.Errorf("%s (tallies %v): pending in time %d, late %d; want %d, %d", p.Label(), tallies, r.PendingInTime, r.PendingLate, c.inTime, c.late)
			}
		}
		b, err := svc.Board(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Late) != 1 || !b.Late[0].DueAt.Equal(vnAt(2026, 11, 27, 17, 0)) {
			t.Errorf("board: %+v", b.Late)
		}
	}
	var rows int
	if err := rawDB(t, st.Path()).QueryRow(`SELECT count(*) FROM due_history WHERE dossier_code = ?`, d.Code).Scan(&rows); err != nil || rows != 2 {
		t.Fatalf("due history rows %d, %v; want 2", rows, err)
	}
}
