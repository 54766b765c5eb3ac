package cli

import (
	"bytes"
	"context"
	"encoding/pem"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/storage"
	"motcua/sync/province"
	"motcua/sync/province/provincetest"
	"motcua/sync/refserver"
	"motcua/sync/refserver/reftest"
)

// freeAddr is a loopback address nothing listens on yet.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startProvince runs the reference provincial server on addr with its own
// SQLite file, serving agency 000.00.06.H56 and the reftest account.
func startProvince(t *testing.T, addr string) *refserver.Server {
	t.Helper()
	srv, err := refserver.Open(refserver.Config{DBPath: filepath.Join(t.TempDir(), "province.db"),
		Agencies: []string{reftest.Agency}, PublicURL: "http://" + addr})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.AddUser(context.Background(), reftest.User, reftest.Password); err != nil {
		t.Fatal(err)
	}
	var l net.Listener
	for range 50 { // the port was free a moment ago
		if l, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv.Handler()}
	go hs.Serve(l)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	return srv
}

type syncReport struct {
	State     string `json:"state"`
	Delivered []struct {
		ID      int64  `json:"id"`
		Dossier string `json:"dossier"`
	} `json:"delivered"`
	Quarantined []struct {
		ID      int64  `json:"id"`
		Dossier string `json:"dossier"`
		Reason  string `json:"reason"`
	} `json:"quarantined"`
	Pulled []struct {
		Dossier string `json:"dossier"`
		Kind    string `json:"kind"`
		Applied bool   `json:"applied"`
	} `json:"pulled"`
	Status struct {
		Pending     int
		Quarantined int
	} `json:"status"`
}

func (r syncReport) delivered() []string {
	var out []string
	for _, d := range r.Delivered {
		if !slices.Contains(out, d.Dossier) {
			out = append(out, d.Dossier)
		}
	}
	slices.Sort(out)
	return out
}

type outboxItem struct {
	ID        int64  `json:"id"`
	Dossier   string `json:"dossier"`
	State     string `json:"state"`
	Attempts  int    `json:"attempts"`
	LastError string `json:"last_error"`
}

// insertBackEntry stores, as the storage layer allows for paper
// back-entries with reserved codes, a dossier whose code belongs to
// another commune: the province will refuse it.
func insertBackEntry(t *testing.T, dir, agency string) string {
	t.Helper()
	st, err := storage.Open(filepath.Join(dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d := provincetest.Dossier(agency, 1)
	d.Station = 1
	if err := st.Insert(context.Background(), d, app.AuditEntry{Actor: "canbo1", Action: "dossier.backentry"}); err != nil {
		t.Fatal(err)
	}
	return d.Code
}

// TestSyncEndToEnd is a commune's day with the real pieces: the CLI in
// child processes on a SQLite station, the reference provincial server on
// 127.0.0.1 with its own SQLite file. Dossiers taken while the province
// is down wait; they reach it exactly once when it is back; its
// decisions come back to the counter; a dossier it refuses is
// quarantined without holding the others, and an officer re-queues it.
func TestSyncEndToEnd(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	addr := freeAddr(t)
	pw := filepath.Join(t.TempDir(), "matkhau.txt")
	os.WriteFile(pw, []byte(reftest.Password+"\n"), 0o600)
	// init configures the province in the same step (as `province set` does).
	out := mustOK(t, runCLI(t, dir, "init", "--agency-id", "000.00.06.H56", "--agency-name", "UBND xã Quảng Phú", "--station", "1/2",
		"--province-url", "http://"+addr, "--province-user", reftest.User, "--province-password-file", pw))
	signInAdmin(t, dir)
	show := mustOK(t, runCLI(t, dir, "province", "show", "--json"))
	if strings.Contains(out+show, reftest.Password) {
		t.Fatal("the password was printed")
	}
	cfg := decode[struct {
		Configured  bool   `json:"configured"`
		User        string `json:"user"`
		PasswordSet bool   `json:"password_set"`
	}](t, show)
	if !cfg.Configured || cfg.User != reftest.User || !cfg.PasswordSet {
		t.Fatalf("province show: %s", show)
	}

	// The province is down: three dossiers are taken and queue.
	var codes []string
	for i, name := range []string{"Nguyễn Thị Ánh Tuyết", "Trần Văn Bình", "Lê Thị Cúc"} {
		v := decode[view](t, mustOK(t, runCLI(t, dir, "intake", "--procedure", "2.000815", "--name", name,
			"--id-number", "03808500123"+strconv.Itoa(i), "--json")))
		codes = append(codes, v.Code)
	}
	slices.Sort(codes)
	r := runCLI(t, dir, "sync")
	if r.code != 1 || !strings.Contains(r.stderr, "không tới được") {
		t.Fatalf("sync while the province is down: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if q := decode[[]outboxItem](t, mustOK(t, runCLI(t, dir, "outbox", "--json"))); len(q) != 3 || q[0].State != "pending" {
		t.Fatalf("queue while down: %+v", q)
	}
	foreign := insertBackEntry(t, dir, "000.00.07.H56")

	// The province is back.
	p := startProvince(t, addr)
	rep := decode[syncReport](t, mustOK(t, runCLI(t, dir, "sync", "--json")))
	if rep.State != "online" || !slices.Equal(rep.delivered(), codes) {
		t.Fatalf("delivered %v, want %v (state %s)", rep.delivered(), codes, rep.State)
	}
	if len(rep.Quarantined) != 1 || rep.Quarantined[0].Dossier != foreign || !strings.Contains(rep.Quarantined[0].Reason, "MaHoSo") {
		t.Fatalf("quarantined %+v", rep.Quarantined)
	}
	// A second pass sends nothing: every dossier is there exactly once.
	if again := decode[syncReport](t, mustOK(t, runCLI(t, dir, "sync", "--json"))); len(again.Delivered)+len(again.Quarantined) != 0 {
		t.Fatalf("second pass sent %+v", again)
	}
	held := func(want ...string) {
		t.Helper()
		ds, err := p.Dossiers(ctx, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range ds {
			got = append(got, d.Code)
			// One write per state the counter sent: the first dossier
			// also sent its return (the province's own decision in
			// between is not echoed back).
			if want := 1 + btoi(d.Code == codes[0] && d.Status == 10); d.Writes != want {
				t.Errorf("%s: %d writes, want %d", d.Code, d.Writes, want)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("the province holds %v, want %v", got, want)
		}
	}
	held(codes...)
	for _, c := range codes {
		h, err := p.Dossier(ctx, c)
		if err != nil || h.HoSo.TrangThaiHoSo != "2" || len(h.Steps) != 1 || h.Writes != 1 {
			t.Fatalf("province copy of %s: %+v, %v", c, h, err)
		}
	}
	q := decode[[]outboxItem](t, mustOK(t, runCLI(t, dir, "outbox", "--state", "quarantined", "--json")))
	if len(q) != 1 || q[0].Dossier != foreign || !strings.Contains(q[0].LastError, "000.00.07.H56") {
		t.Fatalf("outbox --state quarantined: %+v", q)
	}
	if txt := mustOK(t, runCLI(t, dir, "outbox", "--state", "quarantined")); !strings.Contains(txt, foreign) {
		t.Fatalf("outbox table: %s", txt)
	}
	if pend := decode[[]outboxItem](t, mustOK(t, runCLI(t, dir, "outbox", "--state", "pending", "--json"))); len(pend) != 0 {
		t.Fatalf("pending after sync: %+v", pend)
	}

	// The province decides: the first is done, the second extended.
	if _, err := p.Act(ctx, codes[0], refserver.Action{Kind: refserver.ActDone}); err != nil {
		t.Fatal(err)
	}
	due := motcua.SystemClock{}.Now().In(motcua.Location).AddDate(0, 0, 10).Truncate(time.Hour)
	if _, err := p.Act(ctx, codes[1], refserver.Action{Kind: refserver.ActExtend, Reason: "Chờ xác minh thông tin đất đai",
		Due: province.FormatDate(due)}); err != nil {
		t.Fatal(err)
	}
	rep = decode[syncReport](t, mustOK(t, runCLI(t, dir, "sync", "--json")))
	if len(rep.Pulled) != 2 || !rep.Pulled[0].Applied || !rep.Pulled[1].Applied {
		t.Fatalf("pulled %+v", rep.Pulled)
	}
	done := decode[view](t, mustOK(t, runCLI(t, dir, "show", codes[0], "--json")))
	last := done.History[len(done.History)-1]
	if done.StatusCode != 9 || last.Action != "sync" || last.From != 2 || last.To != 9 || last.Actor != "Hệ thống một cửa tỉnh" {
		t.Fatalf("after the province's decision: status %d, history %+v", done.StatusCode, done.History)
	}
	ext := decode[view](t, mustOK(t, runCLI(t, dir, "show", codes[1], "--json")))
	last = ext.History[len(ext.History)-1]
	if !ext.Extended || ext.DueAt != motcua.FormatTime(due) || last.Action != "extend" || last.Reason != "Chờ xác minh thông tin đất đai" {
		t.Fatalf("after the extension: due %s extended %v, history %+v", ext.DueAt, ext.Extended, ext.History)
	}
	// Pulled changes are not echoed back; the counter's next step is.
	mustOK(t, runCLI(t, dir, "return", codes[0]))
	rep = decode[syncReport](t, mustOK(t, runCLI(t, dir, "sync", "--json")))
	if !slices.Equal(rep.delivered(), codes[:1]) {
		t.Fatalf("after return, delivered %v", rep.delivered())
	}
	if h, _ := p.Dossier(ctx, codes[0]); h.Status != 10 {
		t.Fatalf("province status after return: %d", h.Status)
	}

	// The officer re-queues the refused message; the province refuses it
	// again, and the dossiers around it still go.
	if r := runCLI(t, dir, "outbox", "retry", "99999"); r.code != 4 || !strings.Contains(r.stderr, "id:") {
		t.Fatalf("retry of an unknown message: exit %d %s", r.code, r.stderr)
	}
	acked := decode[[]outboxItem](t, mustOK(t, runCLI(t, dir, "outbox", "--state", "acked", "--json")))
	if r := runCLI(t, dir, "outbox", "retry", strconv.FormatInt(acked[0].ID, 10)); r.code != 2 || !strings.Contains(r.stderr, "cách ly") {
		t.Fatalf("retry of a delivered message: exit %d %s", r.code, r.stderr)
	}
	mustOK(t, runCLI(t, dir, "outbox", "retry", strconv.FormatInt(q[0].ID, 10)))
	pend := decode[[]outboxItem](t, mustOK(t, runCLI(t, dir, "outbox", "--state", "pending", "--json")))
	if len(pend) != 1 || pend[0].ID != q[0].ID || !strings.Contains(pend[0].LastError, "gửi lại") {
		t.Fatalf("after retry: %+v", pend)
	}

	// The engine running: `sync --watch` delivers a dossier taken by
	// another process, and stops cleanly on SIGINT.
	var buf lockedBuffer
	watch := exec.Command(os.Args[0], "--data", dir, "sync", "--watch")
	watch.Env = append(os.Environ(), "MOTCUA_AS_MAIN=1", "LANG=en_US.UTF-8")
	watch.Stdout, watch.Stderr = &buf, &buf
	if err := watch.Start(); err != nil {
		t.Fatal(err)
	}
	defer watch.Process.Kill()
	v := decode[view](t, mustOK(t, runCLI(t, dir, "intake", "--procedure", "2.000815", "--cccd", cccdLine, "--json")))
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(buf.String(), "đã gửi") || !strings.Contains(buf.String(), "tỉnh từ chối") {
		if time.Now().After(deadline) {
			t.Fatalf("sync --watch did not deliver %s:\n%s", v.Code, buf.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	watch.Process.Signal(syscall.SIGINT)
	if err := watch.Wait(); err != nil {
		t.Fatalf("sync --watch after SIGINT: %v\n%s", err, buf.String())
	}
	log := buf.String()
	if !strings.Contains(log, v.Code) || !strings.Contains(log, "đã dừng") {
		t.Fatalf("sync --watch output:\n%s", log)
	}
	held(append(codes, v.Code)...)
	if q := decode[[]outboxItem](t, mustOK(t, runCLI(t, dir, "outbox", "--state", "quarantined", "--json"))); len(q) != 1 || q[0].Attempts != 2 {
		t.Fatalf("the refused message after its retry: %+v", q)
	}
	st, _ := p.Stats(ctx)
	if st.Dossiers != 4 || st.Writes != 5 {
		t.Fatalf("province stats %+v", st)
	}
}

// TestSyncUnconfigured: no province means offline mode — intakes queue,
// `sync` says what to do, the queue is visible.
func TestSyncUnconfigured(t *testing.T) {
	dir := initStation(t)
	mustOK(t, runCLI(t, dir, "intake", "--procedure", "2.000815", "--cccd", cccdLine))
	r := runCLI(t, dir, "sync")
	if r.code != 2 || !strings.Contains(r.stderr, "province:") {
		t.Fatalf("sync unconfigured: exit %d %s", r.code, r.stderr)
	}
	for _, h := range [][]string{{"province", "set", "--url"}, {"sync", "--watch"}, {"outbox", "outbox retry"}, {"outbox", "retry", "retry ID"}, {"bundle", "export", "export FILE"}} {
		if help := mustOK(t, runCLI(t, dir, append([]string{"help"}, h[:len(h)-1]...)...)); !strings.Contains(help, h[len(h)-1]) {
			t.Fatalf("help %v does not document %q:\n%s", h[:len(h)-1], h[len(h)-1], help)
		}
	}
	if out := mustOK(t, runCLI(t, dir, "province", "show")); !strings.Contains(out, "Chưa cấu hình") {
		t.Fatalf("province show: %s", out)
	}
	if q := decode[[]outboxItem](t, mustOK(t, runCLI(t, dir, "outbox", "--json"))); len(q) != 1 {
		t.Fatalf("queue: %+v", q)
	}
	for name, args := range map[string][]string{
		"ErrNoUser":      {"province", "set", "--url", "https://motcua.thanhhoa.gov.vn"},
		"ErrBadURL":      {"province", "set", "--url", "motcua.thanhhoa.gov.vn", "--user", "u"},
		"ErrNoFlags":     {"province", "set"},
		"ErrBadState":    {"outbox", "--state", "lost"},
		"ErrNoBundleKey": {"bundle", "export", filepath.Join(dir, "x.mcb")},
	} {
		t.Run(name, func(t *testing.T) {
			if r := runCLI(t, dir, args...); r.code != 2 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
		})
	}
}

// TestBundleCLI: a field laptop hands its queue to the office PC on a
// USB stick; the office PC imports it into its own queue.
func TestBundleCLI(t *testing.T) {
	laptop := initStation(t) // station 1/2
	office := t.TempDir()
	mustOK(t, runCLI(t, office, "init", "--agency-id", "000.00.06.H56", "--agency-name", "UBND xã Quảng Phú", "--station", "2/2"))
	signInAdmin(t, office) // trusting a station's key is an administrator's
	v := decode[view](t, mustOK(t, runCLI(t, laptop, "intake", "--procedure", "2.000815", "--cccd", cccdLine, "--json")))
	lk := decode[struct{ Sign, Box string }](t, mustOK(t, runCLI(t, laptop, "bundle", "keys", "--json")))
	ok := decode[struct{ Sign, Box string }](t, mustOK(t, runCLI(t, office, "bundle", "keys", "--json")))
	stick := filepath.Join(t.TempDir(), "usb.mcb")
	mustOK(t, runCLI(t, laptop, "bundle", "export", stick, "--to", ok.Box))
	if r := runCLI(t, office, "bundle", "import", stick); r.code != 2 || !strings.Contains(r.stderr, "1/2") {
		t.Fatalf("import from an untrusted station: exit %d %s", r.code, r.stderr)
	}
	mustOK(t, runCLI(t, office, "bundle", "trust", "--station", "1/2", "--key", lk.Sign))
	if out := mustOK(t, runCLI(t, office, "bundle", "import", stick)); !strings.Contains(out, "1 hồ sơ") {
		t.Fatalf("import: %s", out)
	}
	q := decode[[]outboxItem](t, mustOK(t, runCLI(t, office, "outbox", "--json")))
	if len(q) != 1 || q[0].Dossier != v.Code {
		t.Fatalf("office queue: %+v", q)
	}
	if got := decode[view](t, mustOK(t, runCLI(t, office, "show", v.Code, "--json"))); got.Applicant.Name != v.Applicant.Name {
		t.Fatalf("imported dossier: %+v", got)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestSyncTLSAndLogin: a province behind a certificate from its own CA is
// reached only with that CA configured (never by skipping verification),
// and a wrong password is reported as such, with everything still queued.
func TestSyncTLSAndLogin(t *testing.T) {
	p := reftest.Start(t, true, nil)
	dir := initStation(t)
	mustOK(t, runCLI(t, dir, "intake", "--procedure", "2.000815", "--cccd", cccdLine))
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("sai-mat-khau"), 0o600)
	mustOK(t, runCLI(t, dir, "province", "set", "--url", p.URL, "--user", reftest.User, "--password-file", pw))
	r := runCLI(t, dir, "sync")
	t.Logf("unknown CA:\n%s%s", r.stdout, r.stderr)
	if r.code != 1 || !strings.Contains(r.stdout, "Wi-Fi/proxy") {
		t.Fatalf("an unknown certificate authority: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.HTTP.Certificate().Raw}), 0o600)
	mustOK(t, runCLI(t, dir, "province", "set", "--ca", ca))
	r = runCLI(t, dir, "sync")
	t.Logf("wrong password:\n%s%s", r.stdout, r.stderr)
	if r.code != 1 || !strings.Contains(r.stderr, "01") {
		t.Fatalf("wrong password: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	os.WriteFile(pw, []byte(reftest.Password), 0o600)
	mustOK(t, runCLI(t, dir, "province", "set", "--password-file", pw))
	if out := mustOK(t, runCLI(t, dir, "sync")); !strings.Contains(out, "Đã gửi 1 hồ sơ") {
		t.Fatalf("sync over TLS: %s", out)
	}
}
