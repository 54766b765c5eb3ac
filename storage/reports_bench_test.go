package storage_test

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"motcua"
	"motcua/app/reports"
	"motcua/storage"
)

// BenchmarkReportYear computes the statistics of one year over a year of
// dossiers (MOTCUA_REPORT_BENCH_N, default 20,000; the target is
// 1,000,000 in ≤ 2 s) and, in the same run and alternating with it, the
// bare SQL peer: SELECT COUNT(*) over the year's rows on a plain
// connection. Both figures are reported side by side.
func BenchmarkReportYear(b *testing.B) {
	n := envInt("MOTCUA_REPORT_BENCH_N", 20000)
	path := filepath.Join(b.TempDir(), "motcua.db")
	st, err := storage.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	perDay := max(1, n/365)
	rng := rand.New(rand.NewPCG(3, 5))
	start := time.Now()
	for i := 0; i < n; i += 20000 {
		ds := make([]*motcua.Dossier, 0, 20000)
		for j := i; j < min(i+20000, n); j++ {
			d := genDossier(rng, j, n, perDay)
			d.Channel = motcua.Channel(1 + rng.IntN(3))
			d.DueAt = d.ReceivedAt.Add(time.Duration(24+rng.IntN(96)) * time.Hour)
			ds = append(ds, d)
		}
		if err := storage.BulkInsert(ctx, st, ds); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("report benchmark: %d dossiers (%d a day, 2019) built in %v", n, perDay, time.Since(start).Round(time.Second))

	year := reports.Year(2019)
	svc := reports.New(storage.ReportSource{S: st}, motcua.DefaultCalendar(), motcua.NewFixedClock(time.Date(2020, 3, 1, 9, 0, 0, 0, motcua.Location)))
	db := rawDB(b, path)
	count := func() int {
		var c int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dossiers WHERE received_at >= ? AND received_at < ?`,
			year.From.UnixMilli(), year.To.UnixMilli()).Scan(&c); err != nil && err != sql.ErrNoRows {
			b.Fatal(err)
		}
		return c
	}
	// warm both up once (page cache, prepared paths)
	r, err := svc.Statistics(ctx, year)
	if err != nil {
		b.Fatal(err)
	}
	if c := count(); r.Received != c {
		b.Fatalf("the report counts %d received, the bare count %d", r.Received, c)
	}
	var tReport, tCount time.Duration
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		if _, err := svc.Statistics(ctx, year); err != nil {
			b.Fatal(err)
		}
		tReport += time.Since(t0)
		t0 = time.Now()
		count()
		tCount += time.Since(t0)
	}
	b.StopTimer()
	rep := float64(tReport.Microseconds()) / 1000 / float64(b.N)
	cnt := float64(tCount.Microseconds()) / 1000 / float64(b.N)
	b.ReportMetric(rep, "ms/report")
	b.ReportMetric(cnt, "ms/count")
	b.ReportMetric(0, "ns/op")
	fmt.Fprintf(os.Stderr, "yearly report over %d dossiers: %.1f ms; bare COUNT(*) over the same rows: %.2f ms (same run, alternating, %d rounds)\n",
		n, rep, cnt, b.N)
}
