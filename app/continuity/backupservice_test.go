package continuity_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/app/continuity"
	"motcua/storage"
)

func TestBackupDue(t *testing.T) {
	bs := &continuity.BackupService{Config: continuity.BackupConfig{Hour: 12}}
	at := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, motcua.Location) }
	cases := []struct {
		name      string
		now, last time.Time
		want      bool
	}{
		{"NeverBackedUp", at(24, 8), time.Time{}, true},
		{"SameDay", at(24, 15), at(24, 12), false},
		{"NextDayBeforeTheHour", at(25, 9), at(24, 12), false},
		{"NextDayAtTheHour", at(25, 12), at(24, 12), true},
		{"OverdueTwoDays", at(26, 8), at(24, 7), true},
	}
	for _, c := range cases {
		if got := bs.Due(c.now, c.last); got != c.want {
			t.Errorf("%s: Due = %v", c.name, got)
		}
	}
}

// The schedule makes a verified backup when due, rotates, and publishes the
// outcome; a missing destination (USB drive not plugged in) is a critical
// event and an audit entry, not a crash.
func TestBackupService(t *testing.T) {
	e := newEnv(t)
	for i := range 5 {
		e.intake(t, i)
	}
	dest := t.TempDir()
	if err := storage.SaveBackupConfig(e.dir, continuity.BackupConfig{Dest: dest, Hour: -1}); err != nil {
		t.Fatal(err)
	}
	b, err := storage.NewBackupper(e.dir, "test", e.clock)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var events []continuity.Event
	e.svc.Subscribe(func(ev continuity.Event) { mu.Lock(); events = append(events, ev); mu.Unlock() })
	bs := &continuity.BackupService{Svc: e.svc, Engine: b, Config: b.Config, Disk: storage.DiskUsage, DataDir: e.dir, Poll: 10 * time.Millisecond, Clock: e.clock}
	bs.Start(ctx)
	deadline := time.Now().Add(10 * time.Second)
	for {
		if last, _ := bs.Last(); !last.IsZero() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no scheduled backup")
		}
		time.Sleep(10 * time.Millisecond)
	}
	bs.Stop()
	list, _ := b.List(ctx)
	if len(list) != 1 || !list[0].VerifyOK {
		t.Fatalf("backups %+v", list)
	}
	b.Config.Dest = t.TempDir() + "/usb-not-plugged"
	bs.Engine, bs.Config = b, b.Config
	if _, _, err := bs.RunNow(ctx, app.OperatorActor("canbo1")); codeOf(err) != continuity.ErrBackupDest {
		t.Fatalf("missing destination: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	var ok, failed bool
	for _, ev := range events {
		ok = ok || ev.Kind == continuity.EventBackup && ev.Level == continuity.LevelInfo
		failed = failed || ev.Kind == continuity.EventBackup && ev.Level == continuity.LevelCritical && strings.Contains(ev.Message, "USB")
	}
	if !ok || !failed {
		t.Fatalf("events %+v", events)
	}
	trail, _ := e.store.AuditTrail(ctx, continuity.AuditFilter{ActionPrefix: "backup."})
	if len(trail) != 2 || trail[0].Action != "backup.done" || trail[1].Action != "backup.failed" {
		t.Fatalf("audit %+v", trail)
	}
}
