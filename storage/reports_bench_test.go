package storage_test

import (
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app/reports"
	"motcua/storage"
)

// BenchmarkReportYear computes the statistics of one year over a year of
// dossiers (MOTCUA_REPORT_BENCH_N, default 20,000; the target is
// 1,000,000 in ≤ 2 s; make bench runs 1,000,000) and, in the same run and
// alternating with it, the bare SQL peer: SELECT COUNT(*) over the year's
// rows on a plain connection. Both figures are printed with their ratio and
// the load average. The dossiers and their history are generated in SQL
// (not through the service); the report tallies are then filled as opening
// a database of an earlier version fills them.
func BenchmarkReportYear(b *testing.B) {
	n := envInt("MOTCUA_REPORT_BENCH_N", 20000)
	path := filepath.Join(b.TempDir(), "motcua.db")
	st, err := storage.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	start := time.Now()
	db := rawDB(b, path)
	for _, q := range benchReportSQL {
		if _, err := db.ExecContext(ctx, q, n, time.Date(2019, 1, 1, 7, 30, 0, 0, motcua.Location).UnixMilli()); err != nil {
			b.Fatalf("%v\n%s", err, q)
		}
	}
	gen := time.Since(start)
	start = time.Now()
	if err := storage.RebuildReports(ctx, st); err != nil {
		b.Fatal(err)
	}
	b.Logf("report benchmark: %d dossiers of 2019 generated in SQL in %v, tallies filled in %v", n, gen.Round(time.Second), time.Since(start).Round(time.Second))

	year := reports.Year(2019)
	svc := reports.New(storage.ReportSource{S: st}, motcua.DefaultCalendar(), motcua.NewFixedClock(time.Date(2020, 3, 1, 9, 0, 0, 0, motcua.Location)))
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
	load, _ := os.ReadFile("/proc/loadavg")
	la := strings.Fields(string(load))
	fmt.Fprintf(os.Stderr, "yearly report over %d dossiers: %.1f ms; bare COUNT(*) over the same rows: %.2f ms; ratio %.1f (same run, alternating, %d rounds; load average %s)\n",
		n, rep, cnt, rep/max(cnt, 0.001), b.N, strings.Join(la[:min(3, len(la))], " "))
}

// benchReportSQL generates ?1 dossiers received over 2019 from ?2 (07:30 on
// 01/01/2019), one every 365 days / ?1, with their history: 80 % processed,
// done and returned, 5 % refused, 4 % withdrawn, 5 % with two supplement
// requests then done, 6 % still being processed; 10 % extended; every
// seventh digitised. Pseudo-random by the id.
var benchReportSQL = []string{
	`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?1)
	INSERT INTO dossiers (id, code, procedure_code, procedure_name, procedure_field, channel, applicant_name,
		applicant_id_number, applicant_dob, applicant_gender, applicant_address, applicant_phone, applicant_email,
		applicant_subject, summary, components, fee, received_at, due_at, status, extended, officer, station,
		returned_at, updated_at)
	SELECT i, printf('000.00.06.H56-B-%07d', i), printf('1.%06d', (i * 40503) % 20), printf('Thủ tục %d', (i * 40503) % 20),
		printf('Lĩnh vực %d', (i * 40503) % 5), 1 + (i * 2654435761) % 3, 'Nguyễn Văn A', printf('0011%08d', i), '', '', '', '', '',
		1, '', '[]', 0, ?2 + i * (31536000000 / ?1), ?2 + i * (31536000000 / ?1) + (24 + (i * 7) % 96) * 3600000,
		CASE WHEN (i * 7919) % 100 < 80 THEN 10 WHEN (i * 7919) % 100 < 85 THEN 3 WHEN (i * 7919) % 100 < 89 THEN 7
			WHEN (i * 7919) % 100 < 94 THEN 9 ELSE 4 END,
		(i % 10 = 0), printf('cb%d', (i * 31) % 8), 1 + i % 2,
		CASE WHEN (i * 7919) % 100 < 80 THEN ?2 + i * (31536000000 / ?1) + ((i * 13) % 120 + 24) * 3600000 END, 0
	FROM seq`,
	`INSERT INTO history (dossier_code, idx, at, actor, action, from_status, to_status, reason, note)
	SELECT code, 0, received_at, officer, 'accept', 1, 2, '', '' FROM dossiers WHERE ?1 > 0 AND ?2 > 0`,
	// refused (3) and withdrawn (7): one more step
	`INSERT INTO history SELECT code, 1, received_at + 3600000, officer, 'close', 2, status, '', '' FROM dossiers WHERE status IN (3, 7) AND ?1 > 0 AND ?2 > 0`,
	// returned (10), still processing (4): processing from 2 hours on
	`INSERT INTO history SELECT code, 1, received_at + 7200000, officer, 'advance', 2, 4, '', '' FROM dossiers WHERE status IN (10, 4) AND ?1 > 0 AND ?2 > 0`,
	`INSERT INTO history SELECT code, 2, received_at + ((id * 13) % 120) * 3600000, officer, 'advance', 4, 9, '', '' FROM dossiers WHERE status = 10 AND ?1 > 0 AND ?2 > 0`,
	`INSERT INTO history SELECT code, 3, returned_at, officer, 'return', 9, 10, '', '' FROM dossiers WHERE status = 10 AND ?1 > 0 AND ?2 > 0`,
	// two supplement requests, then done (9)
	`INSERT INTO history SELECT code, 1, received_at + 3600000, officer, 'supplement', 2, 5, '', '' FROM dossiers WHERE status = 9 AND ?1 > 0 AND ?2 > 0`,
	`INSERT INTO history SELECT code, 2, received_at + 86400000, officer, 'advance', 5, 2, '', '' FROM dossiers WHERE status = 9 AND ?1 > 0 AND ?2 > 0`,
	`INSERT INTO history SELECT code, 3, received_at + 90000000, officer, 'supplement', 2, 5, '', '' FROM dossiers WHERE status = 9 AND ?1 > 0 AND ?2 > 0`,
	`INSERT INTO history SELECT code, 4, received_at + 172800000, officer, 'advance', 5, 2, '', '' FROM dossiers WHERE status = 9 AND ?1 > 0 AND ?2 > 0`,
	`INSERT INTO history SELECT code, 5, received_at + 180000000, officer, 'advance', 2, 9, '', '' FROM dossiers WHERE status = 9 AND ?1 > 0 AND ?2 > 0`,
	`UPDATE dossiers SET updated_at = (SELECT MAX(at) FROM history WHERE dossier_code = code) WHERE ?1 > 0 AND ?2 > 0`,
	`INSERT INTO due_history (dossier_code, idx, since, due_at) SELECT code, 0, received_at, due_at FROM dossiers WHERE ?1 > 0 AND ?2 > 0`,
	`INSERT INTO attachments (dossier_code, component_index, component_name, file_name, sha256, size, pages, stamped, added_at, added_by, deleted)
	SELECT code, 0, 'Tờ khai', 'scan.pdf', printf('%064d', id), 10, 1, 0, received_at, officer, 0 FROM dossiers WHERE id % 7 = 0 AND ?1 > 0 AND ?2 > 0`,
}
