package ui_test

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/syncing"
)

// The Sync screen pauses and resumes the real engine: the pause is the
// station's setting (every process honours it), recorded under the
// officer's name; resuming also ends a drill's pause left behind by a
// command that died, so the window is never stuck offline.
func TestSyncPauseResume(t *testing.T) {
	s := newStation(t, true)
	s.user("binh.tv", "Trần Văn Bình", accounts.RoleLeader, "matkhau-binh")
	ctx := context.Background()
	r, err := syncing.New(ctx, s.st, s.st.Queue(), syncing.Options{Actor: "system"})
	if err != nil {
		t.Fatal(err)
	}
	s.svc.Sync = r
	m := s.signIn("binh.tv", "matkhau-binh")
	key(s.win, fyne.KeyF5)
	sy := m.Frame.Sync
	if !sy.Pause.Visible() || sy.Pause.Text != "Tạm dừng gửi" {
		t.Fatalf("pause button: visible=%v %q", sy.Pause.Visible(), sy.Pause.Text)
	}
	test.Tap(sy.Pause)
	p, err := syncing.LoadPause(ctx, s.st)
	if err != nil || p == nil {
		t.Fatalf("not paused: %v %v", p, err)
	}
	if p.By != "binh.tv" {
		t.Fatalf("paused by %q", p.By)
	}
	if !r.Status().Paused || sy.Pause.Text != "Tiếp tục gửi" || !strings.Contains(sy.Detail.Text, "đang tạm dừng") {
		t.Fatalf("after pause: status %+v, button %q, detail %q", r.Status(), sy.Pause.Text, sy.Detail.Text)
	}
	// The status bar: a pause on purpose, not a lost link.
	if c := m.Frame.Status.Conn.Text; !strings.HasPrefix(c, "Tạm dừng đồng bộ") || strings.Contains(c, "Mất kết nối") {
		t.Fatalf("status bar while paused: %q", c)
	}
	test.Tap(sy.Pause)
	if p, _ := syncing.LoadPause(ctx, s.st); p != nil {
		t.Fatalf("still paused: %+v", p)
	}
	if r.Status().Paused || sy.Pause.Text != "Tạm dừng gửi" {
		t.Fatalf("after resume: %+v %q", r.Status(), sy.Pause.Text)
	}

	// A drill's pause left by a crashed `motcua drill start`.
	if err := syncing.SetPause(ctx, s.st, syncing.Pause{By: "system", Drill: true, Since: s.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	r.SendNow() // an engine that has not started refreshes here and now; the screen hears it
	if sy.Pause.Text != "Tiếp tục gửi" || !strings.Contains(sy.Detail.Text, "diễn tập") {
		t.Fatalf("drill pause: %q %q", sy.Pause.Text, sy.Detail.Text)
	}
	test.Tap(sy.Pause)
	if p, _ := syncing.LoadPause(ctx, s.st); p != nil {
		t.Fatalf("drill pause not ended: %+v", p)
	}
	// Resuming what another process already resumed says so and changes
	// nothing: pause here, resume "elsewhere" before the engine notices.
	test.Tap(sy.Pause)
	if _, err := syncing.ClearPause(ctx, s.st, "other"); err != nil {
		t.Fatal(err)
	}
	test.Tap(sy.Pause)
	if !strings.Contains(sy.Msg.Label.Text, "không bị tạm dừng") {
		t.Fatalf("second resume: %q", sy.Msg.Label.Text)
	}
	if p, _ := syncing.LoadPause(ctx, s.st); p != nil {
		t.Fatalf("second resume changed the pause: %+v", p)
	}
}

// offlineEngine is a configured engine that has lost the province and
// updates its snapshot and publishes only from its own goroutine, later
// (here: never).
type offlineEngine struct{ paused bool }

func (e *offlineEngine) Status() app.SyncStatus {
	return app.SyncStatus{State: app.ConnOffline, Pending: 3}
}
func (e *offlineEngine) Subscribe(func(app.SyncStatus)) func() { return func() {} }
func (e *offlineEngine) SendNow()                              {}
func (e *offlineEngine) Items(context.Context, []string, int) ([]app.OutboxItem, error) {
	return nil, nil
}
func (e *offlineEngine) Retry(context.Context, int64) error                { return nil }
func (e *offlineEngine) ExportBundle(context.Context, string) (int, error) { return 0, nil }
func (e *offlineEngine) ImportBundle(context.Context, string) (int, error) { return 0, nil }
func (e *offlineEngine) PauseDelivery(context.Context, string, string) error {
	e.paused = true
	return nil
}
func (e *offlineEngine) ResumeDelivery(context.Context, string) error { e.paused = false; return nil }

// Paused while the link is down: the status bar says so at once, not the
// red "Mất kết nối tỉnh" until the engine next publishes.
func TestPauseWhileOfflineStatusBar(t *testing.T) {
	s := newStation(t, true)
	s.user("binh.tv", "Trần Văn Bình", accounts.RoleLeader, "matkhau-binh")
	s.svc.Sync = &offlineEngine{}
	m := s.signIn("binh.tv", "matkhau-binh")
	if c := m.Frame.Status.Conn.Text; !strings.HasPrefix(c, "Mất kết nối tỉnh") {
		t.Fatalf("before the pause: %q", c)
	}
	key(s.win, fyne.KeyF5)
	test.Tap(m.Frame.Sync.Pause)
	if c := m.Frame.Status.Conn.Text; !strings.HasPrefix(c, "Tạm dừng đồng bộ") {
		t.Fatalf("status bar while paused: %q", c)
	}
	test.Tap(m.Frame.Sync.Pause)
	if c := m.Frame.Status.Conn.Text; !strings.HasPrefix(c, "Mất kết nối tỉnh") {
		t.Fatalf("after resuming: %q", c)
	}
}
