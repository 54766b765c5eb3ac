package continuity_test

import (
	"bytes"
	"context"
	"motcua"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/app"
	"motcua/app/continuity"
	"motcua/app/syncing"
	"motcua/sync/refserver"
	"motcua/sync/refserver/reftest"
)

// refProvince is the reference provincial server on a fixed loopback address,
// so it can go away (an outage) and come back with its data.
type refProvince struct {
	t    *testing.T
	dir  string
	addr string
	srv  *refserver.Server
	hs   *http.Server
}

func newProvince(t *testing.T) *refProvince {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	p := &refProvince{t: t, dir: t.TempDir(), addr: addr}
	p.up()
	t.Cleanup(p.down)
	return p
}

func (p *refProvince) up() {
	srv, err := refserver.Open(refserver.Config{DBPath: filepath.Join(p.dir, "province.db"), Agencies: []string{agency},
		PublicURL: "http://" + p.addr, AdminToken: "admin"})
	if err != nil {
		p.t.Fatal(err)
	}
	srv.AddUser(ctx, reftest.User, reftest.Password)
	var l net.Listener
	for range 100 { // the port was ours a moment ago; a closing socket may linger
		if l, err = net.Listen("tcp", p.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		p.t.Fatal(err)
	}
	p.srv, p.hs = srv, &http.Server{Handler: srv.Handler()}
	go p.hs.Serve(l)
}

func (p *refProvince) down() {
	if p.hs != nil {
		p.hs.Close()
		p.srv.Close()
		p.hs, p.srv = nil, nil
	}
}

// Begin and End make the province's disappearance a drill's outage.
func (p *refProvince) Begin(context.Context) error { p.down(); return nil }
func (p *refProvince) End(context.Context) error   { p.up(); return nil }

func (p *refProvince) count(t *testing.T) int {
	t.Helper()
	ds, err := p.srv.Dossiers(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(ds)
}

// runner starts the real delivery engine (app/syncing over sync/outbox,
// sync/netwatch and the resty client) on the station's database.
func runner(t *testing.T, e *env, p *refProvince) *syncing.Runner {
	t.Helper()
	url, u, pw := "http://"+p.addr, reftest.User, reftest.Password
	if _, err := syncing.SaveConfig(ctx, e.store, syncing.Change{URL: &url, User: &u, Password: &pw}, app.OperatorActor("installer")); err != nil {
		t.Fatal(err)
	}
	r, err := syncing.New(ctx, e.store, e.store.Queue(), syncing.Options{Actor: "canbo1", Timeout: time.Second,
		ProbeInterval: 50 * time.Millisecond, OfflineInterval: 30 * time.Millisecond, WorkInterval: 50 * time.Millisecond,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, RefreshInterval: 30 * time.Millisecond, PullInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	e.app.Store = r.Watch(e.app.Store) // an intake wakes the worker, as in the window
	r.Start(ctx)
	t.Cleanup(r.Stop)
	return r
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The end-to-end proof: the connectivity monitor sees the province
// go away → an incident opens by itself after the threshold → 50 dossiers
// are accepted offline → the link comes back → the backlog drains → the
// incident closes with a correct reconciliation report.
func TestEndToEndOutage(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(motcua.SystemClock{}.Now().Truncate(time.Second)) // the engine runs on the real clock
	p := newProvince(t)
	r := runner(t, e, p)
	w := e.svc.NewWatcher(continuity.WatchConfig{Threshold: 10 * time.Minute})
	w.Attach(r.Subscribe)
	check := func() {
		if err := w.Check(ctx); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "online", func() bool { return r.Status().State == app.ConnOnline })
	check()

	p.down()
	waitFor(t, "offline", func() bool { return r.Status().State == app.ConnOffline })
	check()
	if w.Current() != 0 {
		t.Fatal("opened before the threshold")
	}
	e.clock.Advance(10*time.Minute + time.Second)
	check()
	id := w.Current()
	if id == 0 {
		t.Fatal("no incident after the threshold")
	}
	inc, _ := e.svc.Get(ctx, id)
	if inc.Source != continuity.SourceAuto || inc.Scenario != continuity.ScenarioNetwork {
		t.Fatalf("incident %+v", inc)
	}
	codes := map[string]bool{}
	for i := range 50 {
		e.clock.Advance(20 * time.Second)
		codes[e.intake(t, i).Code] = true
	}
	waitFor(t, "50 pending while offline", func() bool { st := r.Status(); return st.Pending == 50 && st.State == app.ConnOffline })
	check()

	p.up()
	waitFor(t, "online and drained", func() bool { st := r.Status(); return st.State == app.ConnOnline && st.Pending == 0 })
	e.clock.Advance(time.Minute)
	check()
	if w.Current() != 0 {
		t.Fatal("incident still open after the backlog drained")
	}
	inc, _ = e.svc.Get(ctx, id)
	rec := inc.Reconciliation
	if inc.Open() || rec == nil || rec.Received != 50 || rec.Delivered != 50 || rec.Pending != 0 || rec.Quarantined != 0 || rec.Backlog.Pending != 0 {
		t.Fatalf("closed incident %+v, reconciliation %+v", inc, rec)
	}
	for _, l := range rec.Lines {
		if !codes[l.Code] || l.Delivery != continuity.DeliveryDone {
			t.Errorf("line %+v", l)
		}
	}
	if n := p.count(t); n != 50 {
		t.Fatalf("the province holds %d dossiers, want 50", n)
	}
	if !strings.Contains(inc.Summary, "làm việc không kết nối") {
		t.Errorf("summary %q", inc.Summary)
	}
	rep, err := e.svc.Report(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	var pdf bytes.Buffer
	if err := rep.WritePDF(&pdf); err != nil {
		t.Fatal(err)
	}
	testout(t, "e2e-incident-report.pdf", pdf.Bytes())
	t.Logf("incident #%d: %s → %s, %d dossiers, summary: %s", id, inc.StartedAt.Format(time.TimeOnly), inc.EndedAt.Format(time.TimeOnly), rec.Received, inc.Summary)
}

// A drill against the real engine: the province goes away for the drill.
func TestDrillRealEngine(t *testing.T) {
	e := newEnv(t)
	e.clock.Set(motcua.SystemClock{}.Now().Truncate(time.Second))
	p := newProvince(t)
	r := runner(t, e, p)
	waitFor(t, "online", func() bool { return r.Status().State == app.ConnOnline })
	d, err := e.svc.StartDrill(ctx, continuity.StartRequest{Scenario: continuity.ScenarioProvince, Simulate: true, By: app.Actor{Username: "lanhdao", Role: app.RoleLeader}, Outage: p})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "offline", func() bool { return r.Status().State == app.ConnOffline })
	var codes []string
	for i := range 10 {
		e.clock.Advance(time.Minute)
		codes = append(codes, e.intake(t, i).Code)
	}
	for _, st := range e.svc.Runbooks().For(continuity.ScenarioProvince).Steps {
		e.svc.TickStep(ctx, d.IncidentID, st.ID, "canbo1", true)
	}
	d, err = e.svc.FinishDrill(ctx, d.ID, continuity.FinishRequest{By: app.Actor{Username: "lanhdao", Role: app.RoleLeader}, Outage: p, Expected: codes, DrainTimeout: 20 * time.Second, Poll: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Result.OK || d.Result.Delivered != 10 || p.count(t) != 10 {
		t.Fatalf("drill %+v", d.Result)
	}
	t.Logf("backlog of 10 drained %.2f s after the outage ended", d.Result.DrainSeconds)
}
