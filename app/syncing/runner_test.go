package syncing_test

import (
	"context"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/app/syncing"
	"motcua/storage"
	"motcua/sync/province/provincetest"
	"motcua/sync/refserver"
	"motcua/sync/refserver/reftest"
)

var ctx = context.Background()

const agency = reftest.Agency

// station opens a station database initialised as station st of agency.
func station(t *testing.T, st motcua.Station) *storage.Store {
	t.Helper()
	s, err := storage.Open(filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := app.New(s, nil, nil).Init(ctx, app.Station{AgencyID: agency, AgencyName: "UBND xã Quảng Phú", Station: st}, "test"); err != nil {
		t.Fatal(err)
	}
	return s
}

func configure(t *testing.T, s *storage.Store, url string) {
	t.Helper()
	u, p := reftest.User, reftest.Password
	if _, err := syncing.SaveConfig(ctx, s, syncing.Change{URL: &url, User: &u, Password: &p}, app.OperatorActor("test")); err != nil {
		t.Fatal(err)
	}
}

// freeAddr is a loopback address nothing listens on (yet).
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// peer is the reference provincial server on a fixed address, which can
// be started after the station and stopped before it.
type peer struct {
	*refserver.Server
	listen string
	stop   func()
}

func (p *peer) addr() string { return p.listen }

func startPeer(t *testing.T, dir, addr string) *peer {
	t.Helper()
	srv, err := refserver.Open(refserver.Config{DBPath: filepath.Join(dir, "province.db"), Agencies: []string{agency},
		PublicURL: "http://" + addr, AdminToken: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.AddUser(ctx, reftest.User, reftest.Password); err != nil {
		t.Fatal(err)
	}
	var l net.Listener
	for range 50 { // the port was free a moment ago; a closing socket may linger
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
	p := &peer{Server: srv, listen: addr}
	stopped := false
	p.stop = func() {
		if !stopped {
			stopped = true
			hs.Close()
			srv.Close()
		}
	}
	t.Cleanup(p.stop)
	return p
}

// watch collects published statuses.
type watch chan app.SyncStatus

func (w watch) until(t *testing.T, what string, ok func(app.SyncStatus) bool) app.SyncStatus {
	t.Helper()
	deadline := time.After(15 * time.Second)
	var last app.SyncStatus
	for {
		select {
		case s := <-w:
			last = s
			t.Logf("status %s pending %d quarantined %d %q", s.State, s.Pending, s.Quarantined, s.LastError)
			if ok(s) {
				return s
			}
		case <-deadline:
			t.Fatalf("no status %s; last %+v", what, last)
		}
	}
}

func fast() syncing.Options {
	return syncing.Options{Actor: "canbo1", Timeout: 2 * time.Second, ProbeInterval: 150 * time.Millisecond,
		OfflineInterval: 50 * time.Millisecond, WorkInterval: time.Hour, MinBackoff: 10 * time.Millisecond,
		MaxBackoff: 100 * time.Millisecond, RefreshInterval: 50 * time.Millisecond, PullInterval: time.Hour}
}

// TestRunner follows the engine through an outage: dossiers queue while
// the province is down (offline), go as it comes up (online), a new
// intake leaves at once, a rejected dossier is quarantined without
// holding others, and a province decision comes back.
func TestRunner(t *testing.T) {
	s := station(t, motcua.Station{K: 1, N: 1})
	addr := freeAddr(t)
	configure(t, s, "http://"+addr)
	for i := range 3 {
		if err := s.Insert(ctx, provincetest.Dossier(agency, i+1), app.AuditEntry{Actor: "canbo1"}); err != nil {
			t.Fatal(err)
		}
	}
	r, err := syncing.New(ctx, s, s.Queue(), fast())
	if err != nil {
		t.Fatal(err)
	}
	if st := r.Status(); st.State != app.ConnOffline || st.Pending != 3 {
		t.Fatalf("before the first probe: %+v", st)
	}
	w := make(watch, 1000)
	cancel := r.Subscribe(func(s app.SyncStatus) { w <- s })
	defer cancel()
	r.Start(ctx)
	defer r.Stop()

	off := w.until(t, "offline with 3 pending", func(s app.SyncStatus) bool { return s.State == app.ConnOffline && s.Pending == 3 })
	if !strings.Contains(off.LastError, "Mất kết nối") {
		t.Errorf("offline LastError %q", off.LastError)
	}
	p := startPeer(t, t.TempDir(), addr)
	on := w.until(t, "online and drained", func(s app.SyncStatus) bool { return s.State == app.ConnOnline && s.Pending == 0 })
	if on.LastSync.IsZero() || on.Since.Before(off.Since) {
		t.Errorf("online status %+v", on)
	}
	if ds, _ := p.Dossiers(ctx, "", 0); len(ds) != 3 {
		t.Fatalf("province holds %d dossiers", len(ds))
	}

	// Through Watch, an intake wakes the worker (its idle look-up is an hour away).
	st := r.Watch(s)
	d4 := provincetest.Dossier(agency, 4)
	if err := st.Insert(ctx, d4, app.AuditEntry{Actor: "canbo1"}); err != nil {
		t.Fatal(err)
	}
	// A dossier of another commune (a paper back-entry typed here by
	// mistake): the province refuses it; it is quarantined, others go on.
	foreign := provincetest.Dossier("000.00.07.H56", 1)
	if err := st.Insert(ctx, foreign, app.AuditEntry{Actor: "canbo1"}); err != nil {
		t.Fatal(err)
	}
	d5 := provincetest.Dossier(agency, 5)
	if err := st.Insert(ctx, d5, app.AuditEntry{Actor: "canbo1"}); err != nil {
		t.Fatal(err)
	}
	w.until(t, "one quarantined, the rest delivered", func(s app.SyncStatus) bool { return s.Quarantined == 1 && s.Pending == 0 })
	if ds, _ := p.Dossiers(ctx, "", 0); len(ds) != 5 {
		t.Fatalf("province holds %d dossiers, want 5", len(ds))
	}
	items, err := r.Items(ctx, []string{"quarantined"}, 10)
	if err != nil || len(items) != 1 || items[0].DossierCode != foreign.Code || !strings.Contains(items[0].LastError, "MaHoSo") {
		t.Fatalf("quarantined items %+v, %v", items, err)
	}
	if err := r.Retry(ctx, items[0].ID); err != nil {
		t.Fatal(err)
	}
	if again, _ := r.Items(ctx, []string{"quarantined"}, 10); len(again) != 0 {
		// It may already be back: the province refuses it again.
		w.until(t, "quarantined again", func(s app.SyncStatus) bool { return s.Quarantined == 1 })
	}

	// The province finishes dossier 1; SendNow pulls it back.
	d1 := provincetest.Dossier(agency, 1)
	if _, err := p.Act(ctx, d1.Code, refserver.Action{Kind: refserver.ActDone}); err != nil {
		t.Fatal(err)
	}
	r.SendNow()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, err := s.Get(ctx, d1.Code)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == motcua.StatusDone {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("status after pull-back: %d", got.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// The province goes away again.
	p.stop()
	w.until(t, "offline again", func(s app.SyncStatus) bool { return s.State == app.ConnOffline })
}

func TestRunnerUnconfigured(t *testing.T) {
	s := station(t, motcua.Station{K: 1, N: 1})
	r, err := syncing.New(ctx, s, s.Queue(), fast())
	if err != nil {
		t.Fatal(err)
	}
	w := make(watch, 100)
	defer r.Subscribe(func(s app.SyncStatus) { w <- s })()
	r.Start(ctx)
	defer r.Stop()
	if err := r.Watch(s).Insert(ctx, provincetest.Dossier(agency, 1), app.AuditEntry{Actor: "canbo1"}); err != nil {
		t.Fatal(err)
	}
	w.until(t, "unconfigured with one queued", func(s app.SyncStatus) bool { return s.State == app.ConnUnconfigured && s.Pending == 1 })
	r.SendNow() // nothing to send to: no effect, no panic
	if _, err := r.SyncOnce(ctx); err != syncing.ErrUnconfigured {
		t.Fatalf("SyncOnce unconfigured: %v", err)
	}
	if _, err := r.ExportBundle(ctx, filepath.Join(t.TempDir(), "x.mcb")); err != syncing.ErrNoBundleKey {
		t.Fatalf("ExportBundle without the province's key: %v", err)
	}
}

func TestSaveConfig(t *testing.T) {
	s := station(t, motcua.Station{K: 1, N: 1})
	str := func(v string) *string { return &v }
	cases := []struct {
		name  string
		ch    syncing.Change
		field string
	}{
		{"ErrURL", syncing.Change{URL: str("ftp://x"), User: str("u"), Password: str("p")}, "url"},
		{"ErrURLCredentials", syncing.Change{URL: str("https://u:p@x"), User: str("u"), Password: str("p")}, "url"},
		{"ErrNoUser", syncing.Change{URL: str("https://x")}, "user"},
		{"ErrNoPassword", syncing.Change{URL: str("https://x"), User: str("u")}, "password"},
		{"ErrCA", syncing.Change{CAPEM: &[]byte{'x'}}, "ca"},
		{"ErrBundleKey", syncing.Change{BundleKey: str("abcd")}, "bundle_key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := syncing.SaveConfig(ctx, s, c.ch, app.OperatorActor("test"))
			if e, ok := motcua.AsError(err); !ok || e.Field != c.field {
				t.Fatalf("err %v, want field %s", err, c.field)
			}
		})
	}
	t.Run("OK", func(t *testing.T) {
		if err := s.ApplyPage(ctx, "17", nil, nil); err != nil {
			t.Fatal(err)
		}
		cfg, err := syncing.SaveConfig(ctx, s, syncing.Change{URL: str("https://motcua.thanhhoa.gov.vn/lienthong/"), User: str("xa"), Password: str("bí mật\n")}, app.OperatorActor("test"))
		if err != nil || cfg.URL != "https://motcua.thanhhoa.gov.vn/lienthong" || cfg.Password != "bí mật" || cfg.Interval != syncing.DefaultInterval {
			t.Fatalf("%+v, %v", cfg, err)
		}
		if c, _ := s.Cursor(ctx); c != "" {
			t.Fatalf("a new province keeps the old cursor %q", c)
		}
		// The password never reaches the audit log.
		n, err := s.VerifyAudit(ctx)
		if err != nil || n == 0 {
			t.Fatal(n, err)
		}
		got, _ := syncing.LoadConfig(ctx, s)
		if got.URL != cfg.URL || got.User != "xa" || got.Password != "bí mật" {
			t.Fatalf("reloaded %+v", got)
		}
	})
}
