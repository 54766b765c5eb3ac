package continuity_test

import (
	"strings"
	"testing"
	"time"

	"motcua/app"
	"motcua/app/continuity"
)

// feed is a fake app.Syncer status feed.
type feed struct{ subs []func(app.SyncStatus) }

func (f *feed) Subscribe(fn func(app.SyncStatus)) func() {
	f.subs = append(f.subs, fn)
	return func() {}
}

func (f *feed) publish(st app.SyncStatus) {
	for _, fn := range f.subs {
		fn(st)
	}
}

func (e *env) pending(tb testing.TB) int {
	tb.Helper()
	st, err := e.store.OutboxStats(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	return st[storageStatePending] + st["sending"]
}

const storageStatePending = "pending"

func TestWatcher(t *testing.T) {
	step := func(t *testing.T, e *env, w *continuity.Watcher, f *feed, st app.SyncStatus) {
		t.Helper()
		f.publish(st)
		if err := w.Check(ctx); err != nil {
			t.Fatal(err)
		}
	}
	threshold := 10 * time.Minute

	t.Run("ShortOutageNoIncident", func(t *testing.T) {
		e, f := newEnv(t), &feed{}
		w := e.svc.NewWatcher(continuity.WatchConfig{Threshold: threshold})
		w.Attach(f.Subscribe)
		step(t, e, w, f, app.SyncStatus{State: app.ConnOnline})
		step(t, e, w, f, app.SyncStatus{State: app.ConnOffline, Since: e.clock.Now()})
		e.clock.Advance(9 * time.Minute)
		step(t, e, w, f, app.SyncStatus{State: app.ConnOffline})
		step(t, e, w, f, app.SyncStatus{State: app.ConnOnline})
		e.clock.Advance(time.Hour)
		step(t, e, w, f, app.SyncStatus{State: app.ConnOnline})
		if list, _ := e.svc.List(ctx, continuity.IncidentFilter{}); len(list) != 0 {
			t.Fatalf("incidents %+v", list)
		}
	})

	t.Run("OpensAfterThresholdClosesWhenDrained", func(t *testing.T) {
		e, f := newEnv(t), &feed{}
		w := e.svc.NewWatcher(continuity.WatchConfig{Threshold: threshold})
		w.Attach(f.Subscribe)
		step(t, e, w, f, app.SyncStatus{State: app.ConnOnline})
		down := e.clock.Now()
		step(t, e, w, f, app.SyncStatus{State: app.ConnOffline, Since: down, LastError: "dial tcp: no route to host"})
		e.clock.Advance(9*time.Minute + 59*time.Second)
		if err := w.Check(ctx); err != nil || w.Current() != 0 {
			t.Fatalf("opened before the threshold: %d %v", w.Current(), err)
		}
		e.clock.Advance(time.Second)
		if err := w.Check(ctx); err != nil || w.Current() == 0 {
			t.Fatalf("not opened at the threshold: %v", err)
		}
		inc, _ := e.svc.Get(ctx, w.Current())
		if inc.Source != continuity.SourceAuto || inc.Scenario != continuity.ScenarioNetwork || !inc.StartedAt.Equal(down) {
			t.Fatalf("incident %+v", inc)
		}
		var codes []string
		for i := range 5 {
			e.clock.Advance(3 * time.Minute)
			codes = append(codes, e.intake(t, i).Code)
		}
		// The province answers but fails: same incident, a state entry.
		step(t, e, w, f, app.SyncStatus{State: app.ConnRetrying, Pending: e.pending(t)})
		e.clock.Advance(10 * time.Minute)
		step(t, e, w, f, app.SyncStatus{State: app.ConnOnline, Pending: e.pending(t)})
		if w.Current() == 0 {
			t.Fatal("closed before the backlog drained")
		}
		// Flap: down again before the queue drained.
		step(t, e, w, f, app.SyncStatus{State: app.ConnOffline, Pending: e.pending(t)})
		e.clock.Advance(2 * time.Minute)
		step(t, e, w, f, app.SyncStatus{State: app.ConnOnline, Pending: e.pending(t)})
		linkBack := e.clock.Now()
		e.clock.Advance(4 * time.Minute)
		e.ackAll(t)
		step(t, e, w, f, app.SyncStatus{State: app.ConnOnline, Pending: e.pending(t)})
		if w.Current() != 0 {
			t.Fatal("not closed after the backlog drained")
		}
		inc, _ = e.svc.Get(ctx, inc.ID)
		if inc.Open() || !inc.EndedAt.Equal(e.clock.Now()) || inc.ClosedBy != "system" {
			t.Fatalf("closed %+v", inc)
		}
		if want := "(" + continuity.FormatDuration(linkBack.Sub(down)) + " làm việc không kết nối)"; !strings.Contains(inc.Summary, want) {
			t.Errorf("summary %q lacks %q", inc.Summary, want)
		}
		r := inc.Reconciliation
		if r.Received != 5 || r.Delivered != 5 || r.Pending != 0 {
			t.Fatalf("reconciliation %+v", r)
		}
		for i, l := range r.Lines {
			if l.Code != codes[i] || l.Delivery != continuity.DeliveryDone {
				t.Errorf("line %d %+v", i, l)
			}
		}
		var states []string
		for _, l := range inc.Log {
			if l.Kind == continuity.LogState {
				states = append(states, l.Text)
			}
		}
		joined := strings.Join(states, "\n")
		for _, want := range []string{"Trạng thái: hệ thống tỉnh trả lời", "Kết nối lại", "Mất kết nối lại", "Đã gửi hết", "Đóng sự cố; 5 hồ sơ"} {
			if !strings.Contains(joined, want) {
				t.Errorf("timeline lacks %q:\n%s", want, joined)
			}
		}
	})

	t.Run("AdoptsAfterRestart", func(t *testing.T) {
		dir := t.TempDir()
		e, f := newEnvAt(t, dir, stationOne), &feed{}
		w := e.svc.NewWatcher(continuity.WatchConfig{Threshold: threshold})
		w.Attach(f.Subscribe)
		step(t, e, w, f, app.SyncStatus{State: app.ConnOffline, Since: e.clock.Now()})
		e.clock.Advance(threshold)
		step(t, e, w, f, app.SyncStatus{State: app.ConnOffline})
		id := w.Current()
		// A second watcher on the same file (restart, or another station)
		// adopts the open incident rather than opening another.
		e2, f2 := newEnvAt(t, dir, stationOne), &feed{}
		e2.clock.Set(e.clock.Now())
		w2 := e2.svc.NewWatcher(continuity.WatchConfig{Threshold: threshold})
		w2.Attach(f2.Subscribe)
		step(t, e2, w2, f2, app.SyncStatus{State: app.ConnOffline})
		e2.clock.Advance(threshold)
		step(t, e2, w2, f2, app.SyncStatus{State: app.ConnOffline})
		if w2.Current() != id {
			t.Fatalf("adopted %d, want %d", w2.Current(), id)
		}
		step(t, e2, w2, f2, app.SyncStatus{State: app.ConnOnline})
		if list, _ := e.svc.List(ctx, continuity.IncidentFilter{}); len(list) != 1 || list[0].Open() {
			t.Fatalf("incidents %+v", list)
		}
	})

	t.Run("OfficerClosedWhileOffline", func(t *testing.T) {
		e, f := newEnv(t), &feed{}
		w := e.svc.NewWatcher(continuity.WatchConfig{Threshold: threshold})
		w.Attach(f.Subscribe)
		step(t, e, w, f, app.SyncStatus{State: app.ConnOffline, Since: e.clock.Now()})
		e.clock.Advance(threshold)
		step(t, e, w, f, app.SyncStatus{State: app.ConnOffline})
		if _, err := e.svc.Close(ctx, w.Current(), continuity.CloseRequest{By: app.Actor{Username: "canbo1", Role: app.RoleLeader}, Summary: "Nhà mạng báo sửa xong trong ngày"}); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Hour)
		step(t, e, w, f, app.SyncStatus{State: app.ConnOffline})
		if w.Current() != 0 {
			t.Fatal("reopened while the officer had closed it")
		}
		// Back, then a new outage: a new incident.
		step(t, e, w, f, app.SyncStatus{State: app.ConnOnline})
		step(t, e, w, f, app.SyncStatus{State: app.ConnCaptive, Since: e.clock.Now()})
		e.clock.Advance(threshold)
		step(t, e, w, f, app.SyncStatus{State: app.ConnCaptive})
		if list, _ := e.svc.List(ctx, continuity.IncidentFilter{}); len(list) != 2 || !list[0].Open() {
			t.Fatalf("incidents %+v", list)
		}
	})

	t.Run("StartLoop", func(t *testing.T) {
		e, f := newEnv(t), &feed{}
		w := e.svc.NewWatcher(continuity.WatchConfig{Threshold: threshold, Poll: 5 * time.Millisecond})
		w.Attach(f.Subscribe)
		w.Start(ctx)
		defer w.Stop()
		f.publish(app.SyncStatus{State: app.ConnOffline, Since: e.clock.Now()})
		e.clock.Advance(threshold)
		deadline := time.Now().Add(5 * time.Second)
		for w.Current() == 0 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if w.Current() == 0 {
			t.Fatal("the loop did not open the incident")
		}
	})
}
