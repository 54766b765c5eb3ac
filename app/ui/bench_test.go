package ui_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/ui"
	"motcua/assets"
	"motcua/storage"
)

var benchN = flag.Int("ui-bench-n", 100_000, "dossiers in the dossier-list benchmark")

// benchDir keeps the generated database between runs: building 100,000
// dossiers one transaction each (as the counter writes them) takes minutes.
func benchDir(tb testing.TB) string {
	dir := os.Getenv("MOTCUA_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "testout", "bench")
	}
	dir = filepath.Join(dir, "ui-"+strconv.Itoa(*benchN))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// benchToday is the counter's "now" in the benchmark: the last generated day.
var benchToday = time.Date(2026, 11, 23, 9, 30, 0, 0, motcua.Location)

var (
	benchFamilies = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	benchMiddles  = []string{"Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Xuân", "Thu", "Hồng", "Anh"}
	benchGivens   = []string{"An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Ngọc", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vân", "Yến"}
)

// genBench writes n dossiers at about 40 a working day up to benchToday:
// the older ones closed, the last weeks in every state.
func genBench(tb testing.TB, st *storage.Store, svc *app.Service, n int) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	cal := svc.Calendar
	perDay := 40
	days := n/perDay + 2
	day := dayOf(benchToday)
	var work []time.Time // newest first
	for len(work) < days {
		if cal.IsWorkingDay(day) {
			work = append(work, day)
		}
		day = day.AddDate(0, 0, -1)
	}
	// The receipt slots, newest first until there are n, then written
	// oldest first as the counter would have.
	type slot struct {
		at  time.Time
		seq int
		age int // working days ago
	}
	var slots []slot
	for w := 0; len(slots) < n; w++ {
		var day []slot
		for k := range perDay {
			at := work[w].Add(7*time.Hour + 40*time.Minute + time.Duration(k)*11*time.Minute)
			if at.Before(benchToday) {
				day = append(day, slot{at, k + 1, w})
			}
		}
		for k := len(day) - 1; k >= 0 && len(slots) < n; k-- {
			slots = append(slots, day[k])
		}
	}
	procs := svc.Catalog.Procedures
	start := time.Now()
	must := func(err error) {
		if err != nil {
			tb.Fatal(err)
		}
	}
	for i := len(slots) - 1; i >= 0; i-- {
		at, seq, age := slots[i].at, slots[i].seq, slots[i].age
		p := procs[rng.IntN(len(procs))]
		c, err := motcua.NewDossierCode("000.00.06.H56", at, seq)
		if err != nil {
			tb.Fatal(err)
		}
		name := benchFamilies[rng.IntN(len(benchFamilies))] + " " + benchMiddles[rng.IntN(len(benchMiddles))] + " " + benchGivens[rng.IntN(len(benchGivens))]
		d := &motcua.Dossier{Code: c.String(), Procedure: motcua.ProcedureRef{Code: p.Code, Name: p.Name, Field: p.Field},
			Channel: motcua.ChannelDirect, Summary: p.Name, Fee: p.Fee, ReceivedAt: at, Status: motcua.StatusNew,
			Officer: "lan.nt", Station: 1,
			Applicant: motcua.Applicant{Name: name, IDNumber: fmt.Sprintf("0%02d%d%02d%06d", rng.IntN(96)+1, rng.IntN(4), rng.IntN(100), rng.IntN(1000000)),
				Phone: fmt.Sprintf("09%08d", rng.IntN(100000000)), Address: "Thôn " + strconv.Itoa(rng.IntN(12)+1) + ", xã Quảng Phú", SubjectType: 1}}
		for _, cs := range p.Components {
			d.Components = append(d.Components, motcua.Component{Name: cs.Name, Original: cs.Original, Certified: cs.Certified, Copy: cs.Copy})
		}
		d.DueAt = svc.DueFor(p, d.Channel, at)
		must(d.Move(motcua.StatusReceived, "accept", "lan.nt", "", at))
		r := rng.IntN(100)
		var path []motcua.Status
		switch {
		case age > 25:
			switch {
			case r < 90:
				path = []motcua.Status{4, 9, 10}
			case r < 94:
				path = []motcua.Status{3}
			default:
				path = []motcua.Status{7}
			}
		default:
			switch {
			case r < 35:
			case r < 70:
				path = []motcua.Status{4}
			case r < 80:
				path = []motcua.Status{5}
			case r < 90:
				path = []motcua.Status{4, 9}
			default:
				path = []motcua.Status{4, 9, 10}
			}
		}
		for s, to := range path {
			t := at.Add(time.Duration(s+1) * 5 * time.Hour)
			if t.After(benchToday) {
				break
			}
			reason := ""
			if motcua.NeedsReason(to) {
				reason = "Theo quy định"
			}
			must(d.Move(to, "advance", "lan.nt", reason, t))
		}
		must(st.Insert(ctx, d, app.AuditEntry{At: at, Actor: "bench", Action: "dossier.insert"}))
		if done := len(slots) - i; done%10000 == 0 {
			fmt.Printf("generated %d dossiers in %v\n", done, time.Since(start).Round(time.Second))
		}
	}
}

func dayOf(t time.Time) time.Time {
	y, m, d := t.In(motcua.Location).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, motcua.Location)
}

func residentMB() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			kb, _ := strconv.Atoi(strings.Fields(l)[1])
			return float64(kb) / 1024
		}
	}
	return 0
}

// BenchmarkDossierList opens the dossier list of a station holding
// -ui-bench-n dossiers (100,000 by default) and applies its filters and a
// search, as the officer does with F3, Ctrl+1…8 and the search box: each
// operation counts, reads the first page and lays out the visible rows.
// It reports milliseconds per operation and the process's resident memory.
func BenchmarkDossierList(b *testing.B) {
	dir := benchDir(b)
	path := filepath.Join(dir, "motcua.db")
	st, err := storage.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	cat := mustCatalog(b)
	cal, err := app.LoadCalendar(ctx, st)
	if err != nil {
		b.Fatal(err)
	}
	svc := app.New(st, cal, cat)
	svc.Clock = &clock{t: benchToday}
	if n, _ := st.Count(ctx, app.ListFilter{}); n < *benchN {
		if n > 0 {
			b.Fatalf("%s holds %d dossiers, not %d: remove it", path, n, *benchN)
		}
		if err := svc.Init(ctx, app.Station{AgencyID: "000.00.06.H56", AgencyName: "UBND xã Quảng Phú", Station: motcua.Station{K: 1, N: 1}}, "bench"); err != nil {
			b.Fatal(err)
		}
		b.Logf("building %s with %d dossiers (kept for later runs)…", path, *benchN)
		genBench(b, st, svc, *benchN)
	}
	acc := accounts.New(st)
	acc.Params = cheap
	acc.Clock = svc.Clock
	if has, _ := acc.HasUsers(ctx); !has {
		if _, err := acc.CreateFirstAdmin(ctx, "admin", "Quản Trị Viên", "quantri-2026"); err != nil {
			b.Fatal(err)
		}
	}
	keys, err := app.LoadKeys(ctx, dir, st, "1/1", "bench")
	if err != nil {
		b.Fatal(err)
	}
	a := test.NewApp()
	defer a.Quit()
	w := a.NewWindow("bench")
	w.Resize(fyne.NewSize(1366, 697))
	runtime.GC()
	before := residentMB()
	m := ui.NewMain(w, svc, ui.Options{Accounts: acc, Keys: keys, PapersDir: filepath.Join(dir, "papers"), IdleLock: -1})
	defer m.Close()
	m.SignIn.Username.SetText("admin")
	test.Type(m.SignIn.Password, "quantri-2026")
	enter(m.SignIn.Password)
	if m.Frame == nil {
		b.Fatal("sign-in failed")
	}
	f := m.Frame
	d := f.Dossiers
	total, _ := st.Count(ctx, app.ListFilter{})
	// render lays the window out and draws it, so that the list asks for
	// its visible rows, as on screen.
	render := func() { test.RenderObjectToMarkup(w.Content()) }

	for _, c := range []struct {
		name string
		op   func()
	}{
		{"Open", func() { f.Go(ui.ScreenIntake); d.SetFilter(0); f.Go(ui.ScreenDossiers) }},
		{"FilterReceivedToday", func() { d.SetFilter(1) }},
		{"FilterDueToday", func() { d.SetFilter(2) }},
		{"FilterDue2Days", func() { d.SetFilter(3) }},
		{"FilterLate", func() { d.SetFilter(4) }},
		{"FilterSupplement", func() { d.SetFilter(5) }},
		{"FilterReady", func() { d.SetFilter(6) }},
		{"SearchName", func() { d.SetFilter(0); d.Search.SetText("nguyen van an") }},
		{"ScrollToEnd", func() { d.SetFilter(0); d.Search.SetText(""); d.List.ScrollToBottom() }},
	} {
		b.Run(c.name, func(b *testing.B) {
			var rows int
			for b.Loop() {
				c.op()
				render()
				rows = d.Total()
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
			b.ReportMetric(float64(rows), "rows")
		})
		d.Search.SetText("")
	}
	runtime.GC()
	b.ReportMetric(residentMB(), "MB-resident")
	fmt.Printf("dossier list: %d dossiers; resident memory %.0f MB with the window and the list open (%.0f MB before the window)\n",
		total, residentMB(), before)
}

func mustCatalog(tb testing.TB) *motcua.Catalog {
	tb.Helper()
	cat, err := motcua.LoadCatalog(bytes.NewReader(assets.CatalogJSON))
	if err != nil {
		tb.Fatal(err)
	}
	return cat
}
