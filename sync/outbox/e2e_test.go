package outbox_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"motcua"
	"motcua/sync/outbox"
	"motcua/sync/outbox/outboxtest"
	"motcua/sync/province"
	"motcua/sync/province/provincetest"
	"motcua/sync/refserver"
	"motcua/sync/refserver/reftest"
	"motcua/sync/tus"
)

// hostile is the province the chaos tests face.
var hostile = refserver.Faults{
	ErrorRate:      0.20, // the chaos spec: 20% errors
	DropRate:       0.06,
	UploadDropRate: 0.15,
	BurstRate:      0.01,
	BurstLen:       5,
	ExpireRate:     0.02,
	HTMLRate:       0.02,
	Latency:        refserver.Duration(time.Millisecond),
	Jitter:         refserver.Duration(2 * time.Millisecond),
}

// scanFiles gives every fifth dossier a scan whose bytes follow from the
// code, so a helper process can serve the same files.
type scanFiles struct{}

func scanOf(code string) []byte {
	seq, _ := strconv.Atoi(code[len(code)-4:])
	if seq%5 != 0 {
		return nil
	}
	return bytes.Repeat([]byte("Bản scan "+code+" · "), 500+seq*7%900)
}

func (scanFiles) Attachments(_ context.Context, code string) ([]outbox.Attachment, error) {
	data := scanOf(code)
	if data == nil {
		return nil, nil
	}
	sum := sha256.Sum256(data)
	return []outbox.Attachment{{ID: hex.EncodeToString(sum[:]), Name: "scan-" + code + ".pdf", Component: "TP1",
		Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]),
		Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}}, nil
}

// plan is the life of dossier i: the statuses it goes through after
// acceptance, one outbox message each.
func plan(i int) []motcua.Status {
	switch i % 5 {
	case 0:
		return nil
	case 1:
		return []motcua.Status{motcua.StatusProcessing}
	case 2:
		return []motcua.Status{motcua.StatusProcessing, motcua.StatusDone}
	case 3:
		return []motcua.Status{motcua.StatusDone, motcua.StatusReturned}
	}
	return []motcua.Status{motcua.StatusProcessing, motcua.StatusDone, motcua.StatusReturned}
}

// workload enqueues n dossiers' messages in rounds, calling between(r)
// after each round (restart the worker, kill the process, ...), and
// returns the final local dossiers and message counts.
func workload(t *testing.T, q outboxtest.Queue, n int, between func(round int)) (map[string]*motcua.Dossier, map[string]int) {
	t.Helper()
	final := map[string]*motcua.Dossier{}
	msgs := map[string]int{}
	ds := make([]*motcua.Dossier, n)
	for round := 0; round < 4; round++ {
		for i := range n {
			if round == 0 {
				ds[i] = provincetest.Dossier(reftest.Agency, i+1)
			} else {
				p := plan(i)
				if round-1 >= len(p) {
					continue
				}
				advance(t, ds[i], p[round-1])
			}
			enqueue(t, q, ds[i])
			final[ds[i].Code] = ds[i]
			msgs[ds[i].Code]++
		}
		between(round)
	}
	return final, msgs
}

func waitDrained(t *testing.T, q outboxtest.Queue, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		left, err := q.Pending(context.Background(), 0, 1)
		if err == nil && len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			all, _ := q.All(context.Background())
			n := 0
			for _, m := range all {
				if m.State != outbox.StateAcknowledged {
					n++
					if n < 5 {
						t.Logf("left: #%d %s %s %q", m.ID, m.Dossier, m.State, m.LastError)
					}
				}
			}
			t.Fatalf("%d messages still undelivered after %v", n, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// verify checks the province holds each dossier exactly once, in its
// latest local state, with its attachments intact, and that every local
// message is acknowledged.
func verify(t *testing.T, p *reftest.Peer, q outboxtest.Queue, final map[string]*motcua.Dossier, msgs map[string]int) {
	t.Helper()
	ctx := context.Background()
	stored, err := p.Dossiers(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(final) {
		t.Errorf("the province holds %d dossiers; %d were sent", len(stored), len(final))
	}
	seen := map[string]bool{}
	files := 0
	for _, s := range stored {
		d := final[s.Code]
		switch {
		case d == nil:
			t.Errorf("the province holds %s, which was never sent", s.Code)
			continue
		case seen[s.Code]:
			t.Errorf("%s stored twice", s.Code)
		case s.Status != int(d.Status) || s.Version != len(d.History):
			t.Errorf("%s: province has status %d version %d; local %d version %d", s.Code, s.Status, s.Version, d.Status, len(d.History))
		case s.Writes > msgs[s.Code]:
			t.Errorf("%s: %d writes for %d messages: a message was applied twice", s.Code, s.Writes, msgs[s.Code])
		}
		seen[s.Code] = true
		if data := scanOf(s.Code); data != nil {
			files++
			sum := sha256.Sum256(data)
			if len(s.HoSo.TaiLieuNop) != 1 || s.HoSo.TaiLieuNop[0].SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("%s: TaiLieuNop %+v", s.Code, s.HoSo.TaiLieuNop)
				continue
			}
			rc, _, err := p.OpenUpload(ctx, s.HoSo.TaiLieuNop[0].DuongDanTaiTepTin)
			if err != nil {
				t.Errorf("%s: %v", s.Code, err)
				continue
			}
			got, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Equal(got, data) {
				t.Errorf("%s: the province's copy of the scan differs (%d bytes, want %d)", s.Code, len(got), len(data))
			}
		}
	}
	full, _ := p.Dossier(ctx, stored[len(stored)-1].Code)
	if d := final[full.Code]; len(full.Steps) != len(d.History) {
		t.Errorf("%s: %d steps at the province; %d history entries", full.Code, len(full.Steps), len(d.History))
	}
	all, err := q.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range all {
		if m.State != outbox.StateAcknowledged {
			t.Errorf("message %d (%s) is %s: %s", m.ID, m.Dossier, m.State, m.LastError)
		}
	}
	st, _ := p.Stats(ctx)
	t.Logf("%d dossiers (%d with a scan), %d messages; province: %d writes, %d duplicates acknowledged; faults %+v",
		len(final), files, len(all), st.Writes, st.Duplicates, st.Faults)
}

// TestChaos drives 2,000 dossiers (a fifth with a scan) through the worker
// against a hostile reference server — errors, dropped connections before
// and after the work, cut uploads, 503 bursts, forced session expiry — and
// restarts the worker mid-run.
func TestChaos(t *testing.T) {
	n, faults := 2000, hostile
	if testing.Short() {
		// A hundred dossiers make only a few dozen API calls: at the full
		// run's rates a forced expiry or a 503 burst may never come up, so
		// the short run makes the rare faults common enough to be certain.
		n = 100
		faults.ExpireRate, faults.BurstRate, faults.HTMLRate = 0.15, 0.05, 0.05
	}
	p := reftest.Start(t, false, func(c *refserver.Config) { c.Faults = faults })
	q, err := outboxtest.OpenSQLite(filepath.Join(t.TempDir(), "outbox.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	newWorker := func() *outbox.Worker {
		cfg := p.Config()
		cfg.UploadChunk = 8 << 10
		cfg.Timeout = 2 * time.Second
		c, err := province.NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return outbox.New(q, c, outbox.Config{BatchSize: 25, MinBackoff: 2 * time.Millisecond,
			MaxBackoff: 50 * time.Millisecond, Interval: 20 * time.Millisecond, Files: scanFiles{}})
	}
	w := newWorker()
	w.Start(context.Background())
	final, msgs := workload(t, q, n, func(round int) {
		time.Sleep(150 * time.Millisecond)
		w.Stop() // a restart mid-run, sends in flight
		w = newWorker()
		w.Start(context.Background())
		w.Notify()
	})
	began := time.Now()
	waitDrained(t, q, 90*time.Second)
	t.Logf("drained %v after the last message was queued", time.Since(began))
	w.Stop()
	st, _ := p.Stats(context.Background())
	f := st.Faults
	if f.Errors == 0 || f.DropsBefore == 0 || f.DropsAfter == 0 || f.UploadDrops == 0 || f.Burst5xx == 0 || f.Expiries == 0 || f.HTML == 0 {
		t.Errorf("not every fault happened: %+v", f)
	}
	verify(t, p, q, final, msgs)
}

// TestKillRestart runs the worker in a separate process, kills it with
// SIGKILL at random moments while messages keep arriving, and restarts it.
func TestKillRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level test")
	}
	kills := 30
	n := 2000
	p := reftest.Start(t, false, func(c *refserver.Config) { c.Faults = hostile })
	dir := t.TempDir()
	db := filepath.Join(dir, "outbox.db")
	q, err := outboxtest.OpenSQLite(db)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	rng := rand.New(rand.NewPCG(7, 7))
	start := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperWorker$")
		cmd.Env = append(os.Environ(), "MOTCUA_HELPER=1", "MOTCUA_DB="+db, "MOTCUA_URL="+p.URL,
			"MOTCUA_UPLOADS="+filepath.Join(dir, "uploads.json"))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	// Kill and restart the worker process while messages keep arriving.
	killed := 0
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			cmd := start()
			time.Sleep(time.Duration(30+rng.IntN(300)) * time.Millisecond)
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			killed++
			select {
			case <-stop:
				if killed >= kills {
					return
				}
			default:
			}
		}
	}()
	final, msgs := workload(t, q, n, func(int) { time.Sleep(300 * time.Millisecond) })
	close(stop)
	<-done
	cmd := start()
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	waitDrained(t, q, 90*time.Second)
	t.Logf("worker process killed %d times", killed)
	verify(t, p, q, final, msgs)
}

// TestHelperWorker is the worker process of TestKillRestart.
func TestHelperWorker(t *testing.T) {
	if os.Getenv("MOTCUA_HELPER") != "1" {
		t.Skip("helper process")
	}
	q, err := outboxtest.OpenSQLite(os.Getenv("MOTCUA_DB"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	urls, err := tus.OpenFileURLStore(os.Getenv("MOTCUA_UPLOADS"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	c, err := province.NewClient(province.Config{BaseURL: os.Getenv("MOTCUA_URL"), Username: reftest.User,
		Password: reftest.Password, Agency: reftest.Agency, Timeout: 2 * time.Second, UploadChunk: 8 << 10, UploadURLs: urls})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	w := outbox.New(q, c, outbox.Config{BatchSize: 25, MinBackoff: 2 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		Interval: 20 * time.Millisecond, Files: scanFiles{}})
	w.Start(context.Background())
	select {} // until killed
}
