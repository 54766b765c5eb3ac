package continuity_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motcua/app"
	"motcua/storage"
	"motcua/sync/outbox"
	"motcua/sync/province"
	"motcua/sync/province/provincetest"
)

// queue adapts storage's outbox to the sync worker's outbox.Store.
type queue struct{ s *storage.Store }

func (q queue) Pending(ctx context.Context, after int64, limit int) ([]outbox.Message, error) {
	ms, err := q.s.OutboxUndelivered(ctx, after, limit)
	if err != nil {
		return nil, err
	}
	out := make([]outbox.Message, 0, len(ms))
	for _, m := range ms {
		out = append(out, outbox.Message{ID: m.ID, Dossier: m.DossierCode, Kind: m.Kind, Payload: m.Payload, Key: m.IdempotencyKey,
			State: outbox.State(m.State), Attempts: m.Attempts, LastError: m.LastError, CreatedAt: m.CreatedAt})
	}
	return out, nil
}

func (q queue) Mark(ctx context.Context, marks []outbox.Mark) error {
	ops := make([]storage.OutboxMarkOp, 0, len(marks))
	for _, m := range marks {
		ops = append(ops, storage.OutboxMarkOp{ID: m.ID, State: string(m.State), LastError: m.Note})
	}
	return q.s.OutboxMarkMany(ctx, ops)
}

// engine is the real delivery engine (sync/outbox worker) on the station's
// real SQLite outbox, delivering to an in-memory province whose link the
// test can cut. It publishes app.SyncStatus like app.Syncer does.
type engine struct {
	store    *storage.Store
	province *provincetest.Fake
	worker   *outbox.Worker
	down     atomic.Bool

	mu   sync.Mutex
	subs []func(app.SyncStatus)
	last app.SyncStatus
}

var errLinkDown = errors.New("dial tcp 10.0.0.1:443: connect: no route to host")

func newEngine(tb testing.TB, e *env) *engine {
	tb.Helper()
	g := &engine{store: e.store, province: provincetest.NewFake(agency)}
	g.province.Hook = func(string, []province.Item) error {
		if g.down.Load() {
			return errLinkDown
		}
		return nil
	}
	g.worker = outbox.New(queue{e.store}, g.province, outbox.Config{BatchSize: 25, Interval: 10 * time.Millisecond,
		MinBackoff: 5 * time.Millisecond, MaxBackoff: 40 * time.Millisecond, OnStep: func(outbox.Summary) { g.publish() }})
	g.worker.Start(context.Background())
	tb.Cleanup(g.worker.Stop)
	return g
}

func (g *engine) Subscribe(fn func(app.SyncStatus)) func() {
	g.mu.Lock()
	g.subs = append(g.subs, fn)
	g.mu.Unlock()
	return func() {}
}

// publish sends the current status: offline while the link is cut, online
// otherwise, with the queue's counts.
func (g *engine) publish() {
	st, err := g.store.OutboxStats(context.Background())
	if err != nil {
		return
	}
	s := app.SyncStatus{State: app.ConnOnline, Pending: st["pending"] + st["sending"], Quarantined: st["quarantined"]}
	if g.down.Load() {
		s.State, s.LastError = app.ConnOffline, errLinkDown.Error()
	}
	g.mu.Lock()
	if s.State != g.last.State {
		s.Since = time.Now()
	} else {
		s.Since = g.last.Since
	}
	g.last = s
	subs := append([]func(app.SyncStatus){}, g.subs...)
	g.mu.Unlock()
	for _, fn := range subs {
		fn(s)
	}
}

// cut and restore the link; Begin/End make the engine a drill's Outage.
func (g *engine) Begin(context.Context) error { g.down.Store(true); g.publish(); return nil }
func (g *engine) End(context.Context) error {
	g.down.Store(false)
	g.worker.Reconnected()
	g.publish()
	return nil
}

// Missing implements continuity.ProvinceCheck against the fake province.
func (g *engine) Missing(_ context.Context, codes []string) ([]string, error) {
	have := map[string]bool{}
	for _, c := range g.province.Codes() {
		have[c] = true
	}
	var out []string
	for _, c := range codes {
		if !have[c] {
			out = append(out, c)
		}
	}
	return out, nil
}
