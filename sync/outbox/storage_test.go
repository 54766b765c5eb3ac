//go:build storage

// The worker against the storage layer's real outbox, through a thin adapter
// over its current API. Enabled with -tags storage until storage/ is on
// main (verified on a scratch merge of the store branch: 150 dossiers,
// 225 messages, hostile server, all acknowledged).

package outbox_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/storage"
	"motcua/sync/outbox"
	"motcua/sync/province"
	"motcua/sync/province/provincetest"
	"motcua/sync/refserver"
	"motcua/sync/refserver/reftest"
)

// storageQueue adapts the storage layer's outbox to outbox.Store.
type storageQueue struct{ s *storage.Store }

func (q storageQueue) Pending(ctx context.Context, after int64, limit int) ([]outbox.Message, error) {
	ms, err := q.s.OutboxPending(ctx, limit)
	if err != nil {
		return nil, err
	}
	var out []outbox.Message
	for _, m := range ms {
		if m.ID <= after {
			continue
		}
		out = append(out, outbox.Message{ID: m.ID, Dossier: m.DossierCode, Kind: m.Kind, Payload: m.Payload, Key: m.IdempotencyKey,
			State: outbox.State(m.State), Attempts: m.Attempts, LastError: m.LastError, CreatedAt: m.CreatedAt})
	}
	return out, nil
}

func (q storageQueue) Mark(ctx context.Context, marks []outbox.Mark) error {
	for _, m := range marks {
		if err := q.s.OutboxMark(ctx, m.ID, string(m.State), m.Note); err != nil {
			return err
		}
	}
	return nil
}

func TestRealStorage(t *testing.T) {
	ctx := context.Background()
	s, err := storage.Open(filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p := reftest.Start(t, false, func(c *refserver.Config) { c.Faults = hostile })
	n := 150
	final := map[string]*motcua.Dossier{}
	a := app.AuditEntry{At: motcua.SystemClock{}.Now(), Actor: "canbo1", Action: "test"}
	for i := range n {
		d := provincetest.Dossier(reftest.Agency, i+1)
		if err := s.Insert(ctx, d, a); err != nil {
			t.Fatal(err)
		}
		final[d.Code] = d
	}
	c, _ := province.NewClient(p.Config())
	w := outbox.New(storageQueue{s}, c, outbox.Config{BatchSize: 25, MinBackoff: 2 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		Interval: 20 * time.Millisecond, Files: scanFiles{}})
	w.Start(ctx)
	for i := range n {
		if i%2 == 0 {
			continue
		}
		d, err := s.Get(ctx, provincetest.Dossier(reftest.Agency, i+1).Code)
		if err != nil {
			t.Fatal(err)
		}
		prevS, prevH := d.Status, len(d.History)
		if err := d.Move(motcua.StatusProcessing, "advance", "canbo1", "", d.ReceivedAt.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.Update(ctx, d, prevS, prevH, a); err != nil {
			t.Fatal(err)
		}
		final[d.Code] = d
		w.Notify()
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		st, _ := s.OutboxStats(ctx)
		if st[storage.StatePending]+st[storage.StateSending] == 0 {
			if st[storage.StateQuarantined] != 0 {
				t.Fatalf("stats %v", st)
			}
			t.Logf("outbox %v", st)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not drained: %v", st)
		}
		time.Sleep(20 * time.Millisecond)
	}
	w.Stop()
	stored, _ := p.Dossiers(ctx, "", 0)
	if len(stored) != n {
		t.Fatalf("%d dossiers at the province; want %d", len(stored), n)
	}
	for _, sd := range stored {
		if d := final[sd.Code]; sd.Status != int(d.Status) || sd.Version != len(d.History) {
			t.Errorf("%s: province %d v%d, local %d v%d", sd.Code, sd.Status, sd.Version, d.Status, len(d.History))
		}
	}
}
