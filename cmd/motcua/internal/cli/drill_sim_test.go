package cli

import (
	"context"
	"motcua"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"motcua/app"
	"motcua/app/continuity"
	"motcua/app/syncing"
	"motcua/storage"
	"motcua/sync/refserver"
	"motcua/sync/refserver/reftest"
)

// configuredStation initialises a station whose province is the reference
// server on addr (not necessarily started yet).
func configuredStation(t *testing.T, addr string) string {
	t.Helper()
	dir := t.TempDir()
	pw := filepath.Join(t.TempDir(), "matkhau.txt")
	if err := os.WriteFile(pw, []byte(reftest.Password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustOK(t, runCLI(t, dir, "init", "--agency-id", "000.00.06.H56", "--agency-name", "UBND xã Quảng Phú", "--station", "1/2",
		"--province-url", "http://"+addr, "--province-user", reftest.User, "--province-password-file", pw))
	signInAdmin(t, dir)
	return dir
}

// window is what the counter window runs on the station's file, in this
// process: the sync engine, and the watcher that opens automatic incidents.
type window struct {
	store   *storage.Store
	runner  *syncing.Runner
	svc     *continuity.Service
	watcher *continuity.Watcher
	status  chan app.SyncStatus
}

func openWindow(t *testing.T, dir string) *window {
	t.Helper()
	ctx := context.Background()
	st, err := storage.Open(filepath.Join(dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	a, err := buildService(ctx, st, motcua.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := continuity.New(ctx, a, st)
	if err != nil {
		t.Fatal(err)
	}
	r, err := syncing.New(ctx, st, st.Queue(), syncing.Options{Actor: "canbo1", Timeout: 2 * time.Second,
		ProbeInterval: 100 * time.Millisecond, OfflineInterval: 50 * time.Millisecond, MinBackoff: 10 * time.Millisecond,
		MaxBackoff: 100 * time.Millisecond, RefreshInterval: 50 * time.Millisecond, PullInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	w := &window{store: st, runner: r, svc: svc, status: make(chan app.SyncStatus, 1000)}
	t.Cleanup(r.Subscribe(func(s app.SyncStatus) { w.status <- s }))
	w.watcher = svc.NewWatcher(continuity.WatchConfig{Threshold: 50 * time.Millisecond, Poll: 10 * time.Millisecond,
		OnError: func(err error) { t.Error(err) }})
	t.Cleanup(w.watcher.Attach(r.Subscribe))
	w.watcher.Start(ctx)
	t.Cleanup(w.watcher.Stop)
	r.Start(ctx)
	t.Cleanup(r.Stop)
	return w
}

func (w *window) until(t *testing.T, what string, ok func(app.SyncStatus) bool) app.SyncStatus {
	t.Helper()
	deadline := time.After(15 * time.Second)
	var last app.SyncStatus
	for {
		select {
		case s := <-w.status:
			last = s
			if ok(s) {
				return s
			}
		case <-deadline:
			t.Fatalf("no status %s; last %+v", what, last)
		}
	}
}

func intakeCLI(t *testing.T, dir string, i int) string {
	t.Helper()
	return decode[view](t, mustOK(t, runCLI(t, dir, "intake", "--procedure", "2.000815", "--name", "Nguyễn Văn Số "+strconv.Itoa(i),
		"--id-number", "0380850012"+strconv.Itoa(10+i), "--json"))).Code
}

func provinceStats(t *testing.T, p *refserver.Server) refserver.Stats {
	t.Helper()
	st, err := p.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestDrillSimulatedOutageCLI runs a drill with a simulated outage the way
// a commune would, with the real pieces: the CLI in child processes, the
// counter window's engine and incident watcher in this process on the same
// SQLite file, the reference provincial server on 127.0.0.1. The pause the
// CLI sets holds the window's engine too: 10 dossiers accepted during the
// drill stay at the station whatever asks to send, the status says offline
// (simulated) and no automatic incident opens. `drill finish` ends the
// outage, drains the queue and asks the province for each dossier: all 10
// arrived, each once, and the report says nothing was lost.
func TestDrillSimulatedOutageCLI(t *testing.T) {
	addr := freeAddr(t)
	p := startProvince(t, addr)
	dir := configuredStation(t, addr)
	w := openWindow(t, dir)
	w.until(t, "online", func(s app.SyncStatus) bool { return s.State == app.ConnOnline })

	out := mustOK(t, runCLI(t, dir, "drill", "start", "network", "--simulate"))
	if !strings.Contains(out, "Mô phỏng mất kết nối") || !strings.Contains(out, "drill finish 1") {
		t.Fatalf("drill start: %s", out)
	}
	off := w.until(t, "offline, simulated (set by the CLI)", func(s app.SyncStatus) bool { return s.State == app.ConnOffline && s.Simulated })
	if !off.Paused || !strings.Contains(off.LastError, syncing.DrillReason) {
		t.Fatalf("window status during the drill: %+v", off)
	}
	var codes []string
	for i := range 10 {
		codes = append(codes, intakeCLI(t, dir, i))
	}
	w.runner.SendNow()
	r := runCLI(t, dir, "sync")
	wantExit(t, r, 2, "tạm dừng")
	if !strings.Contains(r.stdout, "10 chờ gửi") {
		t.Fatalf("sync during the drill: %s", r.stdout)
	}
	wantExit(t, runCLI(t, dir, "sync", "pause"), 2, "đang tạm dừng")
	if out := mustOK(t, runCLI(t, dir, "outbox")); !strings.Contains(out, syncing.DrillReason) {
		t.Fatalf("outbox does not show the pause: %s", out)
	}
	w.until(t, "10 pending", func(s app.SyncStatus) bool { return s.Pending == 10 })
	time.Sleep(300 * time.Millisecond) // well past the watcher's threshold; many worker and probe rounds
	if st := provinceStats(t, p); st.Dossiers != 0 || st.Receipts != 0 {
		t.Fatalf("the province received during the simulated outage: %+v", st)
	}
	if st := w.runner.Status(); st.State != app.ConnOffline || !st.Simulated {
		t.Fatalf("window status %+v", st)
	}
	ctx := context.Background()
	if auto, _ := w.svc.List(ctx, continuity.IncidentFilter{Source: continuity.SourceAuto}); len(auto) != 0 || w.watcher.Current() != 0 {
		t.Fatalf("the simulated outage opened an automatic incident: %+v", auto)
	}
	for _, st := range w.svc.Runbooks().For(continuity.ScenarioNetwork).Steps {
		mustOK(t, runCLI(t, dir, "drill", "step", "1", st.ID))
	}
	// The window is closed before the end of the drill: the CLI's own
	// engine drains the queue (and the province sees each message once).
	w.watcher.Stop()
	w.runner.Stop()

	pdf := filepath.Join(t.TempDir(), "dien-tap.pdf")
	out = mustOK(t, runCLI(t, dir, "drill", "finish", "1", "--drain-timeout", "30s", "--pdf", pdf))
	for _, want := range []string{"10 hồ sơ tiếp nhận trong lúc diễn tập, 10 đã lên tỉnh (đã tra cứu từng hồ sơ tại tỉnh)",
		"gửi hết hàng đợi sau", "không mất hồ sơ nào", "kết quả: đạt"} {
		if !strings.Contains(out, want) {
			t.Fatalf("drill finish: no %q in\n%s", want, out)
		}
	}
	t.Logf("drill finish:\n%s", out)
	if fi, err := os.Stat(pdf); err != nil || fi.Size() == 0 {
		t.Fatalf("drill report: %v", err)
	}
	if st := provinceStats(t, p); st.Dossiers != 10 || st.Writes != 10 || st.Duplicates != 0 {
		t.Fatalf("province after the drill (each dossier exactly once): %+v", st)
	}
	for _, c := range codes {
		if d, _ := p.Dossier(ctx, c); d == nil {
			t.Fatalf("the province lacks %s", c)
		}
	}
	drills := decode[[]continuity.Drill](t, mustOK(t, runCLI(t, dir, "drill", "list", "--json")))
	if len(drills) != 1 || drills[0].Result == nil {
		t.Fatalf("drills %+v", drills)
	}
	res := drills[0].Result
	if !res.OK || !res.DeliveryChecked || res.Received != 10 || res.Delivered != 10 || len(res.Missing) != 0 || res.DrainSeconds <= 0 {
		t.Fatalf("drill result %+v", res)
	}
	if p, _ := syncing.LoadPause(ctx, w.store); p != nil {
		t.Fatalf("the pause outlived the drill: %+v", p)
	}
	wantExit(t, runCLI(t, dir, "sync", "resume"), 2, "không bị tạm dừng")

	t.Run("ErrFinishedAgain", func(t *testing.T) {
		wantExit(t, runCLI(t, dir, "drill", "finish", "1"), 2, "drill: ")
	})
	t.Run("ErrUnknownDrill", func(t *testing.T) {
		wantExit(t, runCLI(t, dir, "drill", "finish", "99"), 4, "drill: Không có diễn tập #99")
	})
	t.Run("ErrNotADrillNumber", func(t *testing.T) {
		wantExit(t, runCLI(t, dir, "drill", "finish", "mot"), 2, "drill: ")
	})
	t.Run("ErrNotStarted", func(t *testing.T) {
		mustOK(t, runCLI(t, dir, "drill", "schedule", "network", "--simulate", "--at", motcua.SystemClock{}.Now().Add(48*time.Hour).Format(time.RFC3339)))
		r := runCLI(t, dir, "drill", "finish", "2")
		wantExit(t, r, 2, "drill: ")
		if !strings.Contains(r.stderr, "scheduled") {
			t.Fatalf("finish of a scheduled drill: %s", r.stderr)
		}
		if p, _ := syncing.LoadPause(ctx, w.store); p != nil {
			t.Fatalf("a refused finish paused delivery: %+v", p)
		}
	})
	t.Run("ErrDrainTimeout", func(t *testing.T) {
		wantExit(t, runCLI(t, dir, "drill", "finish", "2", "--drain-timeout", "0s"), 2, "drain-timeout: ")
	})
	t.Run("CancelEndsThePause", func(t *testing.T) {
		mustOK(t, runCLI(t, dir, "drill", "start", "2"))
		if p, _ := syncing.LoadPause(ctx, w.store); p == nil || !p.Drill {
			t.Fatalf("a drill scheduled with --simulate did not pause: %+v", p)
		}
		mustOK(t, runCLI(t, dir, "drill", "cancel", "2"))
		if p, _ := syncing.LoadPause(ctx, w.store); p != nil {
			t.Fatalf("the pause outlived the cancelled drill: %+v", p)
		}
	})
}

// TestSyncPauseCLI: `sync pause` in one process holds the window's engine
// in another; pausing twice and resuming twice are refused with a clear
// message and change nothing; `sync resume` lets the window send.
func TestSyncPauseCLI(t *testing.T) {
	addr := freeAddr(t)
	p := startProvince(t, addr)
	dir := configuredStation(t, addr)
	w := openWindow(t, dir)
	w.until(t, "online", func(s app.SyncStatus) bool { return s.State == app.ConnOnline })

	out := mustOK(t, runCLI(t, dir, "sync", "pause", "--reason", "thay modem"))
	if !strings.Contains(out, "Đã tạm dừng") || !strings.Contains(out, "thay modem") {
		t.Fatalf("sync pause: %s", out)
	}
	st := w.until(t, "paused", func(s app.SyncStatus) bool { return s.Paused })
	if st.State != app.ConnOffline || st.Simulated || !strings.Contains(st.LastError, "thay modem") {
		t.Fatalf("window status %+v", st)
	}
	ctx := context.Background()
	before, _ := syncing.LoadPause(ctx, w.store)
	r := runCLI(t, dir, "sync", "pause", "--reason", "lần hai")
	wantExit(t, r, 2, "sync: Việc gửi lên tỉnh đang tạm dừng")
	if after, _ := syncing.LoadPause(ctx, w.store); after == nil || *after != *before {
		t.Fatalf("a second pause changed the first: %+v → %+v", before, after)
	}
	for i := range 3 {
		intakeCLI(t, dir, i) // intake goes on
	}
	w.runner.SendNow()
	w.until(t, "3 pending", func(s app.SyncStatus) bool { return s.Pending == 3 })
	if out := mustOK(t, runCLI(t, dir, "outbox")); !strings.Contains(out, "Tạm dừng gửi") || !strings.Contains(out, "pending") {
		t.Fatalf("outbox: %s", out)
	}
	time.Sleep(200 * time.Millisecond)
	if st := provinceStats(t, p); st.Dossiers != 0 {
		t.Fatalf("delivered while paused: %+v", st)
	}

	out = mustOK(t, runCLI(t, dir, "sync", "resume"))
	if !strings.Contains(out, "Đã tiếp tục") {
		t.Fatalf("sync resume: %s", out)
	}
	w.until(t, "online, drained", func(s app.SyncStatus) bool { return s.State == app.ConnOnline && !s.Paused && s.Pending == 0 })
	if st := provinceStats(t, p); st.Dossiers != 3 {
		t.Fatalf("province after resume: %+v", st)
	}
	wantExit(t, runCLI(t, dir, "sync", "resume"), 2, "sync: Việc gửi lên tỉnh không bị tạm dừng")
	wantExit(t, runCLI(t, dir, "sync", "pause", "extra"), 2, "sync: ")
}

// Without a province there is no delivery to pause: `drill run --simulate`
// says so plainly and runs the tabletop drill.
func TestDrillSimulateUnconfigured(t *testing.T) {
	dir := initStation(t)
	pdf := filepath.Join(t.TempDir(), "dien-tap.pdf")
	r := runIn(t, dir, strings.Repeat("\n", 12), "drill", "run", "network", "--simulate", "--pdf", pdf)
	if r.code != 0 || !strings.Contains(r.stderr, "chưa cấu hình hệ thống một cửa tỉnh nên không mô phỏng") {
		t.Fatalf("drill run --simulate unconfigured: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	drills := decode[[]continuity.Drill](t, mustOK(t, runCLI(t, dir, "drill", "list", "--json")))
	if len(drills) != 1 || drills[0].Simulate || drills[0].Result == nil || drills[0].Result.DeliveryChecked {
		t.Fatalf("drill %+v", drills)
	}
	if st, err := storage.Open(filepath.Join(dir, "motcua.db")); err != nil {
		t.Fatal(err)
	} else {
		defer st.Close()
		if p, _ := syncing.LoadPause(context.Background(), st); p != nil {
			t.Fatalf("a tabletop drill paused delivery: %+v", p)
		}
	}
}
