package ui

import (
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app"
)

// A paused engine (a drill's simulated outage, or `sync pause`) must not
// read as a plain network loss: the officer would start the network
// runbook for nothing.
func TestConnTextPaused(t *testing.T) {
	SetLanguage("vi")
	now := time.Date(2026, 11, 24, 9, 30, 0, 0, motcua.Location)
	since := now.Add(-12 * time.Minute)
	cases := []struct {
		st   app.SyncStatus
		want string
		col  any
	}{
		{app.SyncStatus{State: app.ConnOffline, Since: since, Paused: true, Simulated: true}, "Diễn tập: mô phỏng mất kết nối tỉnh từ 09:18 · 3 chờ gửi", colToday},
		{app.SyncStatus{State: app.ConnOffline, Since: since, Paused: true}, "Tạm dừng đồng bộ từ 09:18 · 3 chờ gửi", colNeutral},
		{app.SyncStatus{State: app.ConnOffline, Since: since}, "Mất kết nối tỉnh từ 09:18 · 3 chờ gửi", colLate},
	}
	for _, c := range cases {
		text, col := connText(&c.st, 3, now)
		if text != c.want {
			t.Errorf("connText(%+v) = %q, want %q", c.st, text, c.want)
		}
		if col != c.col {
			t.Errorf("connText(%+v) colour = %v, want %v", c.st, col, c.col)
		}
	}
	SetLanguage("en")
	defer SetLanguage("vi")
	if text, _ := connText(&app.SyncStatus{Paused: true, Simulated: true}, 0, now); !strings.HasPrefix(text, "Drill:") {
		t.Errorf("English: %q", text)
	}
	if text, _ := connText(&app.SyncStatus{Paused: true}, 0, now); text != "Sync paused" {
		t.Errorf("English pause: %q", text)
	}
}
