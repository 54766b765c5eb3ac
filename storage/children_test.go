package storage_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/storage"
)

// Child processes: the test binary re-executed with childEnv set. They
// read their parameters from the environment.
const (
	envDB      = "MOTCUA_TEST_DB"
	envStation = "MOTCUA_TEST_STATION"
	envCount   = "MOTCUA_TEST_COUNT"
	envDay     = "MOTCUA_TEST_DAY"
)

func runChild(mode string) error {
	s, err := storage.Open(os.Getenv(envDB))
	if err != nil {
		return err
	}
	defer s.Close()
	switch mode {
	case "station":
		return childStation(s)
	case "crash":
		return childCrash(s)
	}
	return fmt.Errorf("unknown child mode %q", mode)
}

// childStation accepts envCount dossiers as station envStation, from 8
// goroutines at once.
func childStation(s *storage.Store) error {
	st, err := motcua.ParseStation(os.Getenv(envStation))
	if err != nil {
		return err
	}
	count, err := strconv.Atoi(os.Getenv(envCount))
	if err != nil {
		return err
	}
	var (
		next atomic.Int64
		wg   sync.WaitGroup
		errs = make(chan error, 8)
	)
	for range 8 {
		wg.Go(func() {
			for i := next.Add(1); i <= int64(count); i = next.Add(1) {
				d := newDossier(day.Add(time.Duration(i) * time.Second))
				if err := s.Accept(ctx, d, agency, st, auditOf("station "+st.String())); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// childCrash writes until it is killed: accepts, and every third dossier
// is also moved to processing by an Update.
func childCrash(s *storage.Store) error {
	offset, _ := strconv.Atoi(os.Getenv(envDay))
	base := day.AddDate(0, 0, offset)
	for i := 0; ; i++ {
		d := newDossier(base.Add(time.Duration(i) * time.Second))
		if err := s.Accept(ctx, d, agency, motcua.Station{K: 1, N: 1}, auditOf("crash")); err != nil {
			return err
		}
		if i%3 == 0 {
			if err := d.Move(motcua.StatusProcessing, "advance", "crash", "", d.ReceivedAt.Add(time.Minute)); err != nil {
				return err
			}
			if err := s.Update(ctx, d, motcua.StatusReceived, 1, auditOf("crash")); err != nil {
				return err
			}
		}
	}
}

func child(mode string, env ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{childEnv + "=" + mode}, env...)...)
	return cmd
}

// TestStationPartition runs two processes, stations 1/2 and 2/2, each
// accepting 1,000 dossiers from 8 goroutines into the same new file.
func TestStationPartition(t *testing.T) {
	if testing.Short() {
		t.Skip("two processes × 1,000 synchronous commits")
	}
	const perStation = 1000
	path := filepath.Join(t.TempDir(), "shared.db")
	stations := []motcua.Station{{K: 1, N: 2}, {K: 2, N: 2}}
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for _, st := range stations {
		cmd := child("station", envDB+"="+path, envStation+"="+st.String(), envCount+"="+strconv.Itoa(perStation))
		out := new(bytes.Buffer)
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("station %s: %v\n%s", stations[i], err, outs[i])
		}
	}

	s := MustOpenPath(t, path)
	var all []*motcua.Dossier
	for off := 0; ; off += storage.MaxLimit {
		ds, err := s.List(ctx, app.ListFilter{Offset: off, Limit: storage.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) == 0 {
			break
		}
		all = append(all, ds...)
	}
	if len(all) != 2*perStation {
		t.Fatalf("%d dossiers, want %d", len(all), 2*perStation)
	}
	seen := map[string]bool{}
	seqs := map[int][]int{}
	for _, d := range all {
		if seen[d.Code] {
			t.Fatalf("code %s issued twice", d.Code)
		}
		seen[d.Code] = true
		c, err := motcua.ParseDossierCode(d.Code)
		if err != nil {
			t.Fatal(err)
		}
		st := stations[d.Station-1]
		if !st.Owns(c.Seq) {
			t.Fatalf("station %s issued %s, outside its partition", st, d.Code)
		}
		seqs[d.Station] = append(seqs[d.Station], c.Seq)
	}
	for k, got := range seqs {
		slices.Sort(got)
		st := stations[k-1]
		for i, seq := range got {
			if want, _ := st.Seq(i); seq != want {
				t.Fatalf("station %s: sequence number %d is %d, want %d (gap or repeat)", st, i, seq, want)
			}
		}
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := s.VerifyAudit(ctx); err != nil || n != 2*perStation {
		t.Fatalf("VerifyAudit = %d, %v", n, err)
	}
}

// TestCrashSafety kills a writing process with SIGKILL at a random moment,
// 20 times, and checks after each kill that every transaction was all or
// nothing.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("20 killed processes")
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0x4d435541))
	path := filepath.Join(t.TempDir(), "crash.db")
	for i := range 20 {
		cmd := child("crash", envDB+"="+path, envDay+"="+strconv.Itoa(i))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(50+rng.IntN(351)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		var exit *exec.ExitError
		if err := cmd.Wait(); !errors.As(err, &exit) || exit.Exited() {
			t.Fatalf("kill %d: the child was not killed but ended: %v\n%s", i, err, &out)
		}
		checkCrashed(t, path)
	}
	db := rawDB(t, path)
	t.Logf("%d dossiers, %d outbox messages after 20 kills",
		queryInt(t, db, `SELECT count(*) FROM dossiers`), queryInt(t, db, `SELECT count(*) FROM outbox`))
	if queryInt(t, db, `SELECT count(*) FROM dossiers`) == 0 {
		t.Fatal("the children wrote nothing")
	}
}

// checkCrashed opens the file a killed child left and checks its invariants.
func checkCrashed(t *testing.T, path string) {
	t.Helper()
	s, err := storage.Open(path)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	n, err := s.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db := rawDB(t, path)
	defer db.Close()
	if writes := queryInt(t, db, `SELECT count(*) FROM outbox`); n != writes {
		t.Fatalf("%d audit entries for %d writes", n, writes)
	}
	checks := map[string]string{
		"history rows ≠ outbox rows": `SELECT count(*) FROM dossiers d
			WHERE (SELECT count(*) FROM history WHERE dossier_code = d.code) != (SELECT count(*) FROM outbox WHERE dossier_code = d.code)`,
		"idempotency keys not code:1…n": `SELECT count(*) FROM outbox o
			WHERE idempotency_key != dossier_code || ':' || (SELECT count(*) FROM outbox p WHERE p.dossier_code = o.dossier_code AND p.id <= o.id)`,
		"status ≠ last history step": `SELECT count(*) FROM dossiers d
			WHERE status != (SELECT to_status FROM history WHERE dossier_code = d.code ORDER BY idx DESC LIMIT 1)`,
		"duplicate codes": `SELECT count(*) - count(DISTINCT code) FROM dossiers`,
		"days with a gap in the sequence": `SELECT count(*) FROM (SELECT substr(code, 15, 6) AS day FROM dossiers
			GROUP BY day HAVING count(*) != max(CAST(substr(code, 22) AS INTEGER)))`,
		"sequence counters behind the codes": `SELECT count(*) FROM code_seq q
			WHERE next_index != (SELECT count(*) FROM dossiers WHERE substr(code, 15, 6) = q.day)`,
	}
	for name, q := range checks {
		if bad := queryInt(t, db, q); bad != 0 {
			t.Fatalf("%s: %d", name, bad)
		}
	}
}
