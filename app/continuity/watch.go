package continuity

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"motcua"
	"motcua/app"
)

// WatchConfig tunes the automatic incidents.
type WatchConfig struct {
	// Threshold: the province must be unreachable this long before an
	// incident opens by itself. Default 10 minutes.
	Threshold time.Duration
	// Poll is how often Start re-evaluates without a status change (the
	// threshold passes with no event). Default Threshold/10, at least 1 s.
	Poll time.Duration
	// OnError receives failures of the register (disk, database); the
	// watcher retries on the next status or poll. Default: ignored.
	OnError func(error)
}

// Watcher opens an incident when the province has been unreachable longer
// than the threshold — dated from when it became unreachable, so the
// register shows how long the commune worked offline — and closes it when
// the link is back and the backlog has drained. A paused engine
// (SyncStatus.Paused: a drill's simulated outage, an officer's pause) is
// not an outage: it opens nothing. It consumes any feed of
// app.SyncStatus (app.Syncer.Subscribe, or a test's fake).
//
// Observe may be called from any goroutine; Check does the work. Start runs
// Check on every status and on a timer; tests call Observe and Check
// themselves with a fake clock.
type Watcher struct {
	svc *Service
	cfg WatchConfig

	mu      sync.Mutex
	status  app.SyncStatus
	seen    bool
	wake    chan struct{}
	since   time.Time // when the current unreachability began; zero when reachable
	state   app.ConnState
	current atomic.Int64 // the open automatic incident, 0 if none; read without mu (event handlers)
	linkAt  time.Time    // when the link came back during the current incident
	// suppressed: an officer closed our incident while still offline; do
	// not reopen until the link has been back once.
	suppressed bool
	adopted    bool

	cancel context.CancelFunc
	done   chan struct{}
}

// NewWatcher returns a watcher feeding the service's register.
func (s *Service) NewWatcher(cfg WatchConfig) *Watcher {
	if cfg.Threshold <= 0 {
		cfg.Threshold = 10 * time.Minute
	}
	if cfg.Poll <= 0 {
		cfg.Poll = max(cfg.Threshold/10, time.Second)
	}
	return &Watcher{svc: s, cfg: cfg, wake: make(chan struct{}, 1)}
}

// Observe records the latest delivery status. It does no I/O: safe on the
// sync engine's goroutine.
func (w *Watcher) Observe(st app.SyncStatus) {
	w.mu.Lock()
	w.status, w.seen = st, true
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Attach subscribes the watcher to a feed such as app.Syncer.Subscribe and
// returns the cancel function.
func (w *Watcher) Attach(subscribe func(func(app.SyncStatus)) func()) func() {
	return subscribe(w.Observe)
}

// Start runs Check on every observed status and every Poll until ctx ends or
// Stop is called.
func (w *Watcher) Start(ctx context.Context) {
	ctx, w.cancel = context.WithCancel(ctx)
	w.done = make(chan struct{})
	go func() {
		defer close(w.done)
		t := time.NewTicker(w.cfg.Poll)
		defer t.Stop()
		for {
			if err := w.Check(ctx); err != nil && ctx.Err() == nil && w.cfg.OnError != nil {
				w.cfg.OnError(err)
			}
			select {
			case <-ctx.Done():
				return
			case <-w.wake:
			case <-t.C:
			}
		}
	}()
}

// Stop ends Start's loop and waits for it.
func (w *Watcher) Stop() {
	if w.cancel != nil {
		w.cancel()
		<-w.done
	}
}

// Current is the open automatic incident, 0 if none.
func (w *Watcher) Current() int64 {
	return w.current.Load()
}

func unreachable(s app.ConnState) bool {
	return s == app.ConnOffline || s == app.ConnCaptive || s == app.ConnRetrying
}

// scenarioFor: no answer at all or a portal answering is the link; an
// answering province that fails deliveries is the province's system.
func scenarioFor(s app.ConnState) Scenario {
	if s == app.ConnRetrying {
		return ScenarioProvince
	}
	return ScenarioNetwork
}

func stateText(st app.SyncStatus) string {
	var s string
	switch st.State {
	case app.ConnOffline:
		s = "mất kết nối tới hệ thống tỉnh"
	case app.ConnCaptive:
		s = "mạng cần đăng nhập (Wi-Fi/proxy), chưa tới được hệ thống tỉnh"
	case app.ConnRetrying:
		s = "hệ thống tỉnh trả lời nhưng không nhận hồ sơ (đang thử lại)"
	case app.ConnOnline:
		s = "đã kết nối hệ thống tỉnh"
	default:
		s = string(st.State)
	}
	if st.LastError != "" {
		s += " — " + st.LastError
	}
	return s
}

// Check applies the latest status at the clock's time: opens, annotates or
// closes the automatic incident as needed.
func (w *Watcher) Check(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.adopt(ctx); err != nil {
		return err
	}
	if !w.seen {
		return nil
	}
	st := w.status
	now := w.svc.now()
	if w.current.Load() != 0 {
		// An officer may have closed it meanwhile.
		inc, err := w.svc.Store.Incident(ctx, w.current.Load())
		if err != nil {
			return err
		}
		if !inc.Open() {
			w.current.Store(0)
			w.linkAt = time.Time{}
			w.suppressed = unreachable(st.State)
		}
	}
	if st.Paused {
		// Delivery paused on purpose (a drill's simulated outage, which has
		// its own incident, or an officer's pause): not an outage of the
		// link. Nothing opens, and the threshold counts afresh after it.
		if w.current.Load() == 0 {
			w.since = time.Time{}
		}
		w.state = st.State
		return nil
	}
	if unreachable(st.State) {
		return w.down(ctx, st, now)
	}
	w.since, w.state, w.suppressed = time.Time{}, st.State, false
	if w.current.Load() == 0 || st.State != app.ConnOnline {
		return nil
	}
	return w.up(ctx, st, now)
}

// adopt takes over an automatic incident left open by an earlier run (or by
// another station on a shared file), once.
func (w *Watcher) adopt(ctx context.Context) error {
	if w.adopted {
		return nil
	}
	open, err := w.svc.Store.Incidents(ctx, IncidentFilter{OpenOnly: true, Source: SourceAuto, Limit: 1})
	if err != nil {
		return err
	}
	if len(open) > 0 {
		w.current.Store(open[0].ID)
		w.since = open[0].StartedAt
	}
	w.adopted = true
	return nil
}

func (w *Watcher) down(ctx context.Context, st app.SyncStatus, now time.Time) error {
	if w.since.IsZero() {
		w.since = now
		if !st.Since.IsZero() && !st.Since.After(now) {
			w.since = st.Since.In(motcua.Location)
		}
	}
	prev := w.state
	w.state = st.State
	if w.current.Load() != 0 {
		var e []LogEntry
		if !w.linkAt.IsZero() {
			e = append(e, LogEntry{At: now, Actor: "system", Kind: LogState, Text: "Mất kết nối lại: " + stateText(st)})
			w.linkAt = time.Time{}
		} else if prev != st.State && prev != "" {
			e = append(e, LogEntry{At: now, Actor: "system", Kind: LogState, Text: "Trạng thái: " + stateText(st)})
		}
		if len(e) > 0 {
			_, err := w.svc.appendLog(ctx, w.current.Load(), "incident.state", e...)
			return err
		}
		return nil
	}
	if w.suppressed || now.Sub(w.since) < w.cfg.Threshold {
		return nil
	}
	sc := scenarioFor(st.State)
	inc, err := w.svc.Open(ctx, OpenRequest{Scenario: sc, StartedAt: w.since, By: "system", Source: SourceAuto,
		Title: sc.Name() + " (tự động phát hiện)",
		Note: fmt.Sprintf("Từ %s: %s. Tự động mở sau %s không kết nối được; còn %d hồ sơ chờ gửi. Tiếp tục tiếp nhận trên máy.",
			w.since.Format("15:04 02/01/2006"), stateText(st), FormatDuration(now.Sub(w.since)), st.Pending)})
	if err != nil {
		var e *motcua.Error
		if errors.As(err, &e) && e.Code == motcua.ErrDuplicate {
			w.adopted = false // another station opened it: adopt on the next check
			return w.adopt(ctx)
		}
		return err
	}
	w.current.Store(inc.ID)
	return nil
}

func (w *Watcher) up(ctx context.Context, st app.SyncStatus, now time.Time) error {
	if w.linkAt.IsZero() {
		w.linkAt = now
		e := LogEntry{At: now, Actor: "system", Kind: LogState,
			Text: fmt.Sprintf("Kết nối lại với hệ thống tỉnh; còn %d hồ sơ chờ gửi", st.Pending)}
		if _, err := w.svc.appendLog(ctx, w.current.Load(), "incident.state", e); err != nil {
			return err
		}
	}
	if st.Pending > 0 {
		return nil
	}
	inc, err := w.svc.Store.Incident(ctx, w.current.Load())
	if err != nil {
		return err
	}
	offline := w.linkAt.Sub(inc.StartedAt)
	summary := fmt.Sprintf("Tự động đóng: mất kết nối từ %s đến %s (%s làm việc không kết nối); đã gửi hết hàng đợi lúc %s.",
		inc.StartedAt.Format("15:04 02/01/2006"), w.linkAt.Format("15:04 02/01/2006"), FormatDuration(offline), now.Format("15:04"))
	if st.Quarantined > 0 {
		summary += fmt.Sprintf(" Còn %d hồ sơ bị tỉnh trả lại cần sửa và gửi lại.", st.Quarantined)
	}
	if _, err := w.svc.appendLog(ctx, w.current.Load(), "incident.state",
		LogEntry{At: now, Actor: "system", Kind: LogState, Text: "Đã gửi hết hồ sơ chờ lên hệ thống tỉnh"}); err != nil {
		return err
	}
	if _, err := w.svc.Close(ctx, w.current.Load(), CloseRequest{By: SystemActor, Summary: summary, EndedAt: now}); err != nil {
		return err
	}
	w.current.Store(0)
	w.linkAt = time.Time{}
	return nil
}
