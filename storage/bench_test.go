package storage_test

import (
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/storage"
)

// Realistic Vietnamese names: the common family names with rough weights
// (Nguyễn alone is about 38 % of the population), middle and given names.
var (
	families = []struct {
		name   string
		weight int
	}{
		{"Nguyễn", 38}, {"Trần", 11}, {"Lê", 9}, {"Phạm", 7}, {"Hoàng", 5}, {"Huỳnh", 4}, {"Phan", 4},
		{"Vũ", 4}, {"Võ", 3}, {"Đặng", 2}, {"Bùi", 2}, {"Đỗ", 2}, {"Hồ", 2}, {"Ngô", 2}, {"Dương", 1},
		{"Lý", 1}, {"Đinh", 1}, {"Trương", 1}, {"Lương", 1},
	}
	middles    = []string{"Văn", "Thị", "Hữu", "Ngọc", "Minh", "Thanh", "Đức", "Quang", "Thu", "Xuân", "Kim", "Hồng", "Công", "Bảo", "Gia"}
	givens     = []string{"Anh", "Tuyết", "Hùng", "Dũng", "Lan", "Hương", "Đức", "Tùng", "Tú", "Hoa", "Mai", "Nam", "Long", "Hải", "Hà", "Linh", "Trang", "Thảo", "Phương", "Quân", "Sơn", "Tâm", "Thủy", "Yến", "Vy", "Khánh", "Huy", "Bình", "Chi", "Nga", "Hiền", "Thắng", "Cường", "Nhung", "Oanh", "Đạt", "Phúc", "Lộc", "Tiến", "Hạnh"}
	procedures = []motcua.ProcedureRef{
		{Code: "1.001193", Name: "Đăng ký khai sinh", Field: "Hộ tịch"},
		{Code: "1.000894", Name: "Đăng ký kết hôn", Field: "Hộ tịch"},
		{Code: "1.000656", Name: "Đăng ký khai tử", Field: "Hộ tịch"},
		{Code: "1.004873", Name: "Cấp bản sao trích lục hộ tịch", Field: "Hộ tịch"},
		{Code: "2.000815", Name: "Chứng thực bản sao từ bản chính", Field: "Chứng thực"},
		{Code: "2.000884", Name: "Chứng thực chữ ký trong các giấy tờ, văn bản", Field: "Chứng thực"},
		{Code: "1.003583", Name: "Xác nhận tình trạng hôn nhân", Field: "Hộ tịch"},
		{Code: "1.001758", Name: "Đăng ký thường trú", Field: "Cư trú"},
		{Code: "1.005428", Name: "Trợ cấp xã hội hằng tháng", Field: "Bảo trợ xã hội"},
		{Code: "1.004227", Name: "Hỗ trợ chi phí mai táng", Field: "Bảo trợ xã hội"},
	}
	familyTotal = func() (n int) {
		for _, f := range families {
			n += f.weight
		}
		return n
	}()
)

func genName(rng *rand.Rand) string {
	w := rng.IntN(familyTotal)
	family := families[0].name
	for _, f := range families {
		if w < f.weight {
			family = f.name
			break
		}
		w -= f.weight
	}
	name := family + " " + middles[rng.IntN(len(middles))]
	if rng.IntN(4) == 0 { // four-word names are common
		name += " " + middles[rng.IntN(len(middles))]
	}
	return name + " " + givens[rng.IntN(len(givens))]
}

// genDossier is the i-th of n dossiers of a synthetic counter receiving
// perDay dossiers a day from 1 Jan 2019; its code is set. Dossiers older than
// a month are closed, as in a real commune; recent ones are in progress.
func genDossier(rng *rand.Rand, i, n, perDay int) *motcua.Dossier {
	start := time.Date(2019, 1, 1, 7, 30, 0, 0, motcua.Location)
	at := start.AddDate(0, 0, i/perDay).Add(time.Duration(i%perDay) * 30 * time.Second)
	d := newDossier(at)
	d.Procedure = procedures[rng.IntN(len(procedures))]
	d.Applicant.Name = genName(rng)
	d.Applicant.IDNumber = fmt.Sprintf("0%02d%d%02d%06d", rng.IntN(96)+1, rng.IntN(4), rng.IntN(100), rng.IntN(1000000))
	d.Applicant.Phone = fmt.Sprintf("09%08d", rng.IntN(100000000))
	d.Applicant.Address = fmt.Sprintf("Thôn %d, xã Yên Sở", rng.IntN(12)+1)
	c, _ := motcua.NewDossierCode(agency, at, i%perDay+1)
	d.Code = c.String()

	const (
		recv, proc, done, ret = motcua.StatusReceived, motcua.StatusProcessing, motcua.StatusDone, motcua.StatusReturned
	)
	var path []motcua.Status // after New → Received
	r := rng.IntN(100)
	if (n-i)/perDay > 30 {
		switch {
		case r < 90:
			path = []motcua.Status{proc, done, ret}
		case r < 94:
			path = []motcua.Status{motcua.StatusRefused}
		case r < 97:
			path = []motcua.Status{motcua.StatusWithdrawn}
		default:
			path = []motcua.Status{proc, done}
		}
	} else {
		switch {
		case r < 30:
		case r < 70:
			path = []motcua.Status{proc}
		case r < 80:
			path = []motcua.Status{motcua.StatusSupplement}
		case r < 90:
			path = []motcua.Status{proc, done}
		default:
			path = []motcua.Status{proc, done, ret}
		}
	}
	for k, to := range path {
		t := at.Add(time.Duration(k+1) * 20 * time.Hour)
		if err := d.Move(to, "advance", "canbo.lan", "Theo quy trình", t); err != nil {
			panic(err)
		}
	}
	return d
}

// fileBytes is the size of the database after a checkpoint folded the WAL in.
func fileBytes(tb testing.TB, path string) int64 {
	tb.Helper()
	db := rawDB(tb, path)
	if _, err := db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		tb.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	return fi.Size()
}

// acceptRounds is how many alternating rounds BenchmarkAccept runs: the
// intake and its bare peer take turns, so disk and CPU noise from other
// processes hits both, and the medians are reported.
const acceptRounds = 9

// BenchmarkAccept is the counter's write path: one dossier per IMMEDIATE
// transaction with synchronous=FULL (an fsync per receipt), measured in
// acceptRounds rounds that alternate with its floor, a bare INSERT+commit of
// one small row per transaction into a second file on the same disk opened
// with the same pragmas (WAL, synchronous=FULL, busy_timeout, foreign_keys,
// IMMEDIATE). Both first run until their WAL file has reached its working
// size (steady state); then b.N intakes and b.N bare inserts run, split over
// the rounds, the order within a round alternating too. Reported: ns/op, the
// median intake time; intake/s and bare/s, the median rates; ratio, the
// median of the rounds' intake/bare rate ratios (the acceptance target is
// ≥ 0.5); bytes/dossier after a checkpoint.
func BenchmarkAccept(b *testing.B) {
	s := MustOpen(b)
	rng := rand.New(rand.NewPCG(1, 2))
	n := 0
	accept := func() {
		g := genDossier(rng, n, n+1, 9000)
		d := newDossier(g.ReceivedAt)
		d.Applicant, d.Procedure = g.Applicant, g.Procedure
		if err := s.Accept(ctx, d, agency, motcua.Station{K: 1, N: 1}, auditOf("bench")); err != nil {
			b.Fatal(err)
		}
		n++
	}
	bare := newBarePeer(b, filepath.Join(filepath.Dir(s.Path()), "bare.db"))
	// Warm both up to their steady state: statements prepared, pages
	// cached, and the WAL file grown to its working size and reused after a
	// checkpoint (appending to a growing file costs more per fsync).
	if b.N >= acceptRounds { // not for the testing package's one-op probe
		warmUp(b, s.Path(), accept)
		warmUp(b, filepath.Join(filepath.Dir(s.Path()), "bare.db"), bare)
	}
	rounds := min(acceptRounds, max(b.N, 1))
	per := max(b.N/rounds, 1)
	var intake, peer, ratio []float64 // seconds per op; rate ratio
	timed := func(f func()) float64 {
		t0 := time.Now()
		for range per {
			f()
		}
		return time.Since(t0).Seconds() / float64(per)
	}
	b.ResetTimer()
	b.StopTimer()
	for r := range rounds {
		var ti, tb float64
		if r%2 == 0 {
			b.StartTimer()
			ti = timed(accept)
			b.StopTimer()
			tb = timed(bare)
		} else {
			tb = timed(bare)
			b.StartTimer()
			ti = timed(accept)
			b.StopTimer()
		}
		intake, peer, ratio = append(intake, ti), append(peer, tb), append(ratio, tb/ti)
	}
	mi, mb, mr := median(intake), median(peer), median(ratio)
	if rounds == acceptRounds { // not the testing package's one-op probe
		var each strings.Builder
		for i := range intake {
			fmt.Fprintf(&each, " %.0f/%.0f", 1/intake[i], 1/peer[i])
		}
		b.Logf("median of %d alternating rounds of %d: intake %.0f/s, bare INSERT+commit %.0f/s, ratio %.2f (rounds %.2f–%.2f; intake/bare per round:%s)",
			rounds, per, 1/mi, 1/mb, mr, slices.Min(ratio), slices.Max(ratio), each.String())
	}
	b.ReportMetric(mi*1e9, "ns/op")
	b.ReportMetric(1/mi, "intake/s")
	b.ReportMetric(1/mb, "bare/s")
	b.ReportMetric(mr, "ratio")
	b.ReportMetric(float64(fileBytes(b, s.Path()))/float64(n), "bytes/dossier")
}

// warmUp runs op until the WAL of the database at path has kept its size
// for 200 operations in a row (it has reached its working size and is
// being rewritten from its start after each checkpoint), at most 20,000 times.
func warmUp(tb testing.TB, path string, op func()) {
	var size int64
	for i, same := 0, 0; i < 20000 && same < 200; i++ {
		op()
		fi, err := os.Stat(path + "-wal")
		if err != nil {
			tb.Fatal(err)
		}
		if fi.Size() == size {
			same++
		} else {
			size, same = fi.Size(), 0
		}
	}
}

func median(v []float64) float64 {
	v = slices.Clone(v)
	slices.Sort(v)
	if len(v)%2 == 1 {
		return v[len(v)/2]
	}
	return (v[len(v)/2-1] + v[len(v)/2]) / 2
}

// newBarePeer opens path as the floor under Accept and returns one bare
// INSERT+commit: a small row per IMMEDIATE transaction, with exactly the
// store's pragmas (WAL, synchronous=FULL: an fsync per commit, the same
// wal_autocheckpoint).
func newBarePeer(tb testing.TB, path string) func() {
	db, err := sql.Open("sqlite", path+"?"+storage.Pragmas+"&_txlock=immediate")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL) STRICT`); err != nil {
		tb.Fatal(err)
	}
	ins, err := db.Prepare(`INSERT INTO t (v) VALUES (?)`)
	if err != nil {
		tb.Fatal(err)
	}
	return func() {
		tx, err := db.Begin()
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := tx.Stmt(ins).Exec("000.00.06.H56-261124-0001"); err != nil {
			tb.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkAcceptLarge is BenchmarkAccept on the generated database of
// BenchmarkSearch (-bench-n dossiers).
func BenchmarkAcceptLarge(b *testing.B) {
	s := benchStore(b)
	rng := rand.New(rand.NewPCG(3, 4))
	base := time.Now().AddDate(1, 0, 0)
	for b.Loop() {
		g := genDossier(rng, 0, 1, 9000)
		// Station 2/2 issues 4,999 codes a day: move on before that.
		d := newDossier(base.AddDate(0, 0, bench.accepted/4000))
		d.Applicant, d.Procedure = g.Applicant, g.Procedure
		if err := s.Accept(ctx, d, agency, motcua.Station{K: 2, N: 2}, auditOf("bench")); err != nil {
			b.Fatal(err)
		}
		bench.accepted++
	}
}

var bench struct {
	once sync.Once
	dir  string
	s    *storage.Store
	n    int
	size int64 // bytes after generation
	err  error
	// accepted counts BenchmarkAcceptLarge's dossiers over every -count.
	accepted int
	// sample holds generated dossiers to build queries that hit.
	sample []*motcua.Dossier
}

func cleanupBench() {
	if bench.s != nil {
		bench.s.Close()
	}
	if bench.dir != "" {
		os.RemoveAll(bench.dir)
	}
}

// benchN is the size of the generated database: `make bench` passes
// -args -bench-n=1000000.
var benchN = flag.Int("bench-n", envInt("MOTCUA_BENCH_N", 100000),
	"dossiers generated for the search and list benchmarks (default $MOTCUA_BENCH_N, else 100000)")

func envInt(key string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(key)); err == nil && n > 0 {
		return n
	}
	return def
}

// benchStore is a store of -bench-n generated dossiers, built once per
// process in transactions of 20,000.
func benchStore(b *testing.B) *storage.Store {
	b.Helper()
	bench.once.Do(func() {
		bench.n = *benchN
		if bench.dir, bench.err = os.MkdirTemp("", "motcua-bench-"); bench.err != nil {
			return
		}
		path := filepath.Join(bench.dir, "motcua.db")
		if bench.s, bench.err = storage.Open(path); bench.err != nil {
			return
		}
		start := time.Now()
		rng := rand.New(rand.NewPCG(7, 11))
		const batch = 20000
		for i := 0; i < bench.n; i += batch {
			ds := make([]*motcua.Dossier, 0, batch)
			for j := i; j < min(i+batch, bench.n); j++ {
				ds = append(ds, genDossier(rng, j, bench.n, 400))
			}
			if bench.err = storage.BulkInsert(ctx, bench.s, ds); bench.err != nil {
				return
			}
			bench.sample = append(bench.sample, ds[rng.IntN(len(ds))])
		}
		bench.size = fileBytes(b, path)
		fmt.Fprintf(os.Stderr, "benchmark database: %d dossiers in %v, %d MB, %.0f bytes/dossier\n",
			bench.n, time.Since(start).Round(time.Second), bench.size>>20, float64(bench.size)/float64(bench.n))
	})
	if bench.err != nil {
		b.Fatal(bench.err)
	}
	return bench.s
}

// searchQueries is what officers type: full names without diacritics,
// names as they are, a given name alone, prefixes while typing, phone and
// ID numbers, code tails and a full code.
func searchQueries() [][2]string { // {as typed for Search, as typed for LIKE}
	d := bench.sample[len(bench.sample)/2]
	e := bench.sample[len(bench.sample)-1]
	code := d.Code
	return [][2]string{
		{"nguyen thi lan", "Nguyễn Thị Lan"},
		{"Trần Văn Hùng", "Trần Văn Hùng"},
		{"le minh duc", "Lê Minh Đức"},
		{"huong", "Hương"},
		{"pham thanh tu", "Phạm Thanh Tú"},
		{"ngu", "Nguy"},
		{strings.ToLower(e.Applicant.Name), e.Applicant.Name},
		{e.Applicant.Phone[:6], e.Applicant.Phone[:6]},
		{d.Applicant.IDNumber, d.Applicant.IDNumber},
		{code[len(code)-11:], code[len(code)-11:]},
		{code, code},
		{"khai sinh", "khai sinh"},
	}
}

// latencies records one duration per query.
type latencies []time.Duration

// report adds the median, the 99th percentile and the maximum, in ms.
func (l latencies) report(b *testing.B, prefix string) {
	if len(l) == 0 {
		return
	}
	slices.Sort(l)
	pct := func(p float64) float64 {
		return float64(l[min(len(l)-1, int(p*float64(len(l))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), prefix+"-p50-ms")
	b.ReportMetric(pct(0.99), prefix+"-p99-ms")
	b.ReportMetric(pct(1), prefix+"-max-ms")
}

// likeRounds is how many times the LIKE scan runs the query mix, whatever
// -benchtime says: at 1,000,000 dossiers one scan can take seconds.
const likeRounds = 2

// BenchmarkSearch is one query of the mix per op against the FTS5 index,
// reporting the FTS percentiles next to those of the same mix run as a
// LIKE '%…%' scan of the same table.
func BenchmarkSearch(b *testing.B) {
	s := benchStore(b)
	queries := searchQueries()
	db := rawDB(b, s.Path())
	var like latencies
	for range likeRounds {
		for _, q := range queries {
			t0 := time.Now()
			rows, err := db.QueryContext(ctx, `SELECT code, applicant_name FROM dossiers
				WHERE applicant_name LIKE ?1 OR applicant_phone LIKE ?1 OR applicant_id_number LIKE ?1
				OR code LIKE ?1 OR procedure_name LIKE ?1 ORDER BY id DESC LIMIT 20`, "%"+q[1]+"%")
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
			}
			rows.Close()
			like = append(like, time.Since(t0))
		}
	}
	var fts latencies
	hits := 0
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		ds, err := s.Search(ctx, queries[i%len(queries)][0], 20)
		if err != nil {
			b.Fatal(err)
		}
		fts = append(fts, time.Since(t0))
		hits += len(ds)
	}
	if hits == 0 {
		b.Fatal("no query found anything")
	}
	fts.report(b, "fts")
	like.report(b, "like")
	b.ReportMetric(float64(bench.n), "dossiers")
	b.ReportMetric(float64(bench.size)/float64(bench.n), "bytes/dossier")
}

// BenchmarkList pages the list views over the generated database; each
// also reports the median time of Count for its filter.
func BenchmarkList(b *testing.B) {
	s := benchStore(b)
	y, m, _ := bench.sample[len(bench.sample)/2].ReceivedAt.Date()
	month := time.Date(y, m, 1, 0, 0, 0, 0, motcua.Location)
	cases := []struct {
		name string
		f    app.ListFilter
	}{
		{"Newest", app.ListFilter{}},
		{"Page50", app.ListFilter{Offset: 5000}},
		{"Processing", app.ListFilter{Statuses: []motcua.Status{motcua.StatusProcessing}}},
		{"Closed", app.ListFilter{Statuses: []motcua.Status{motcua.StatusDone, motcua.StatusReturned}}},
		{"Month", app.ListFilter{ReceivedFrom: month, ReceivedTo: month.AddDate(0, 1, 0)}},
		{"Late", app.ListFilter{ActiveOnly: true, DueBefore: time.Now()}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.List(ctx, c.f); err != nil {
					b.Fatal(err)
				}
			}
			var counts latencies
			for range 5 {
				t0 := time.Now()
				if _, err := s.Count(ctx, c.f); err != nil {
					b.Fatal(err)
				}
				counts = append(counts, time.Since(t0))
			}
			slices.Sort(counts)
			b.ReportMetric(float64(counts[2].Microseconds())/1000, "count-ms")
		})
	}
}
