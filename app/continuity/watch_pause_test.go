package continuity_test

import (
	"testing"
	"time"

	"motcua/app"
	"motcua/app/continuity"
)

// A paused engine (a drill's simulated outage) says offline, but it is not
// an outage of the link: however long it lasts, no automatic incident
// opens; a real outage afterwards counts its threshold from its own start.
func TestWatcherIgnoresPause(t *testing.T) {
	e, f := newEnv(t), &feed{}
	w := e.svc.NewWatcher(continuity.WatchConfig{Threshold: 10 * time.Minute})
	w.Attach(f.Subscribe)
	step := func(st app.SyncStatus) {
		t.Helper()
		f.publish(st)
		if err := w.Check(ctx); err != nil {
			t.Fatal(err)
		}
	}
	step(app.SyncStatus{State: app.ConnOnline})
	paused := app.SyncStatus{State: app.ConnOffline, Paused: true, Simulated: true, Since: e.clock.Now(), Pending: 10}
	step(paused)
	e.clock.Advance(time.Hour)
	step(paused)
	if list, _ := e.svc.List(ctx, continuity.IncidentFilter{}); len(list) != 0 || w.Current() != 0 {
		t.Fatalf("a simulated outage opened incidents %+v", list)
	}
	// The drill ends and the link really goes: the threshold starts now.
	start := e.clock.Now()
	step(app.SyncStatus{State: app.ConnOffline, Since: start})
	e.clock.Advance(11 * time.Minute)
	step(app.SyncStatus{State: app.ConnOffline, Since: start})
	list, _ := e.svc.List(ctx, continuity.IncidentFilter{})
	if len(list) != 1 || list[0].Source != continuity.SourceAuto || !list[0].StartedAt.Equal(start) {
		t.Fatalf("after a real outage: %+v", list)
	}
}
