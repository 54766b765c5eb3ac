package syncing_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/app/continuity"
	"motcua/app/syncing"
	"motcua/assets"
	"motcua/storage"
	"motcua/sync/province/provincetest"
)

func wantCode(t *testing.T, err error, code, field string) {
	t.Helper()
	e, ok := motcua.AsError(err)
	if !ok || e.Code != code || e.Field != field {
		t.Fatalf("error %v, want %s on %q", err, code, field)
	}
}

// counter builds the counter's services over s: intake through the
// runner (so an accepted dossier wakes it) and the continuity plan.
func counter(t *testing.T, s *storage.Store, r *syncing.Runner) (*app.Service, *continuity.Service) {
	t.Helper()
	cat, err := motcua.LoadCatalog(bytes.NewReader(assets.CatalogJSON))
	if err != nil {
		t.Fatal(err)
	}
	cal, err := app.LoadCalendar(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	a := app.New(r.Watch(s), cal, cat)
	svc, err := continuity.New(ctx, a, s)
	if err != nil {
		t.Fatal(err)
	}
	return a, svc
}

// TestDrillOutage is a drill against the real engine and the reference
// provincial server on 127.0.0.1: the drill's simulated outage holds every
// dossier accepted meanwhile at the station — whatever asks to send — while
// the status bar and the incident watcher see an offline (simulated) link
// and open no automatic incident; finishing the drill drains the backlog,
// each dossier reaches the province exactly once, and the province is
// asked for each one.
func TestDrillOutage(t *testing.T) {
	s := station(t, motcua.Station{K: 1, N: 1})
	addr := freeAddr(t)
	configure(t, s, "http://"+addr)
	p := startPeer(t, t.TempDir(), addr)
	r, err := syncing.New(ctx, s, s.Queue(), fast())
	if err != nil {
		t.Fatal(err)
	}
	w := make(watch, 1000)
	defer r.Subscribe(func(s app.SyncStatus) { w <- s })()
	a, svc := counter(t, s, r)
	watcher := svc.NewWatcher(continuity.WatchConfig{Threshold: 50 * time.Millisecond, Poll: 10 * time.Millisecond,
		OnError: func(err error) { t.Error(err) }})
	defer watcher.Attach(r.Subscribe)()
	watcher.Start(ctx)
	defer watcher.Stop()
	r.Start(ctx)
	defer r.Stop()
	w.until(t, "online", func(s app.SyncStatus) bool { return s.State == app.ConnOnline })

	d, err := svc.StartDrill(ctx, continuity.StartRequest{Scenario: continuity.ScenarioNetwork, Simulate: true, By: app.Actor{Username: "lanhdao", Role: app.RoleLeader},
		Outage: r.DrillOutage()})
	if err != nil {
		t.Fatal(err)
	}
	off := w.until(t, "offline, simulated", func(s app.SyncStatus) bool { return s.State == app.ConnOffline && s.Simulated })
	if !off.Paused || !strings.Contains(off.LastError, syncing.DrillReason) {
		t.Fatalf("status during the drill %+v", off)
	}
	var codes []string
	for i := range 10 {
		dos, err := a.Intake(ctx, app.IntakeRequest{ProcedureCode: "1.001022", By: app.Actor{Username: "canbo1", Role: app.RoleOfficer},
			Applicant: motcua.Applicant{Name: fmt.Sprintf("Nguyễn Văn Số%d", i), IDNumber: fmt.Sprintf("0381850%05d", i)}})
		if err != nil {
			t.Fatal(err) // intake goes on during the outage
		}
		codes = append(codes, dos.Code)
	}
	r.SendNow()
	// The command line (another Runner on the same file) cannot send either.
	cli, err := syncing.New(ctx, s, s.Queue(), fast())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := cli.SyncOnce(ctx)
	wantCode(t, err, syncing.ErrPaused, "sync")
	if len(rep.Delivered) != 0 || !rep.Status.Simulated || rep.Status.Pending != 10 {
		t.Fatalf("SyncOnce during the drill: %+v", rep)
	}
	w.until(t, "10 pending", func(s app.SyncStatus) bool { return s.Pending == 10 })
	time.Sleep(300 * time.Millisecond) // well past the watcher's threshold, several worker and probe rounds
	if st, _ := p.Stats(ctx); st.Dossiers != 0 || st.Receipts != 0 {
		t.Fatalf("the province received during the simulated outage: %+v", st)
	}
	if st := r.Status(); st.State != app.ConnOffline || !st.Simulated || st.Pending != 10 {
		t.Fatalf("status %+v", st)
	}
	if auto, _ := svc.List(ctx, continuity.IncidentFilter{Source: continuity.SourceAuto}); len(auto) != 0 || watcher.Current() != 0 {
		t.Fatalf("the simulated outage opened an automatic incident: %+v", auto)
	}
	for _, st := range svc.Runbooks().For(continuity.ScenarioNetwork).Steps {
		if _, err := svc.TickStep(ctx, d.IncidentID, st.ID, "canbo1", true); err != nil {
			t.Fatal(err)
		}
	}

	d, err = svc.FinishDrill(ctx, d.ID, continuity.FinishRequest{By: app.Actor{Username: "lanhdao", Role: app.RoleLeader}, Outage: r.DrillOutage(), Province: r.ProvinceCheck(),
		Expected: codes, DrainTimeout: 20 * time.Second, Poll: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	res := d.Result
	if !res.OK || !res.DeliveryChecked || res.Received != 10 || res.Delivered != 10 || res.Pending != 0 || len(res.Missing) != 0 ||
		res.DrainedAt.IsZero() || res.DrainSeconds <= 0 {
		t.Fatalf("drill result %+v", res)
	}
	t.Logf("drained in %.3f s", res.DrainSeconds)
	st, err := p.Stats(ctx)
	if err != nil || st.Dossiers != 10 || st.Writes != 10 || st.Duplicates != 0 {
		t.Fatalf("province after the drill (each dossier exactly once): %+v, %v", st, err)
	}
	w.until(t, "online, drained", func(s app.SyncStatus) bool {
		return s.State == app.ConnOnline && !s.Paused && s.Pending == 0
	})
	if missing, err := r.ProvinceCheck().Missing(ctx, append(codes, "000.00.06.H56-261124-0999")); err != nil ||
		len(missing) != 1 || missing[0] != "000.00.06.H56-261124-0999" {
		t.Fatalf("ProvinceCheck %v, %v", missing, err)
	}
	if all, _ := svc.List(ctx, continuity.IncidentFilter{}); len(all) != 1 || all[0].Source != continuity.SourceDrill || all[0].Open() {
		t.Fatalf("incidents after the drill %+v", all)
	}
	var pdf bytes.Buffer
	if err := svc.DrillReportPDF(ctx, &pdf, d.ID); err != nil || pdf.Len() == 0 {
		t.Fatalf("drill report: %v", err)
	}

	t.Run("ErrDrillState", func(t *testing.T) {
		_, err := svc.FinishDrill(ctx, d.ID, continuity.FinishRequest{By: app.Actor{Username: "lanhdao", Role: app.RoleLeader}, Outage: r.DrillOutage()})
		wantCode(t, err, continuity.ErrDrillState, "drill")
	})
	t.Run("ErrUnknownDrill", func(t *testing.T) {
		_, err := svc.FinishDrill(ctx, 999, continuity.FinishRequest{By: app.Actor{Username: "lanhdao", Role: app.RoleLeader}, Outage: r.DrillOutage()})
		wantCode(t, err, motcua.ErrNotFound, "drill")
	})
}

// A pause written to the settings by another process (here: another
// store on the same file) holds for a running engine within its refresh
// interval, and its end lets the backlog go.
func TestPauseAcrossProcesses(t *testing.T) {
	s := station(t, motcua.Station{K: 1, N: 1})
	addr := freeAddr(t)
	configure(t, s, "http://"+addr)
	p := startPeer(t, t.TempDir(), addr)
	r, err := syncing.New(ctx, s, s.Queue(), fast())
	if err != nil {
		t.Fatal(err)
	}
	w := make(watch, 1000)
	defer r.Subscribe(func(s app.SyncStatus) { w <- s })()
	r.Start(ctx)
	defer r.Stop()
	w.until(t, "online", func(s app.SyncStatus) bool { return s.State == app.ConnOnline })

	other, err := storage.Open(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := syncing.SetPause(ctx, other, syncing.Pause{By: "canbo2", Reason: "thay modem", Since: time.Date(2026, 11, 24, 9, 0, 0, 0, motcua.Location)}); err != nil {
		t.Fatal(err)
	}
	st := w.until(t, "paused", func(s app.SyncStatus) bool { return s.Paused })
	if st.State != app.ConnOffline || st.Simulated || !strings.Contains(st.LastError, "thay modem") {
		t.Fatalf("paused status %+v", st)
	}
	for i := range 3 {
		if err := r.Watch(s).Insert(ctx, provincetest.Dossier(agency, i+1), app.AuditEntry{Actor: "canbo1"}); err != nil {
			t.Fatal(err)
		}
	}
	r.SendNow()
	w.until(t, "3 pending", func(s app.SyncStatus) bool { return s.Pending == 3 })
	time.Sleep(200 * time.Millisecond)
	if n, _ := p.Dossiers(ctx, "", 0); len(n) != 0 {
		t.Fatalf("delivered while paused: %d", len(n))
	}

	t.Run("ErrPausedTwice", func(t *testing.T) {
		err := syncing.SetPause(ctx, other, syncing.Pause{By: "canbo3", Since: time.Date(2026, 11, 24, 9, 5, 0, 0, motcua.Location)})
		wantCode(t, err, syncing.ErrPaused, "sync")
		if cur, _ := syncing.LoadPause(ctx, s); cur == nil || cur.By != "canbo2" || cur.Reason != "thay modem" {
			t.Fatalf("a second pause changed the first: %+v", cur)
		}
	})
	cleared, err := syncing.ClearPause(ctx, other, "canbo2")
	if err != nil || cleared.By != "canbo2" {
		t.Fatalf("ClearPause %+v, %v", cleared, err)
	}
	w.until(t, "online, drained", func(s app.SyncStatus) bool { return s.State == app.ConnOnline && !s.Paused && s.Pending == 0 })
	if n, _ := p.Dossiers(ctx, "", 0); len(n) != 3 {
		t.Fatalf("province holds %d after resume", len(n))
	}
	t.Run("ErrResumedTwice", func(t *testing.T) {
		_, err := syncing.ClearPause(ctx, other, "canbo2")
		wantCode(t, err, syncing.ErrNotPaused, "sync")
	})
}
