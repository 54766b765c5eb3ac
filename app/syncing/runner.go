// Package syncing runs delivery to the province for the counter: it wires
// the local store (outbox, pull-back cursor, settings) to the province
// adapter, the outbox worker, the status pull-back and the connectivity
// monitor of sync/, and shows the whole as app.Syncer — one status with
// pending and quarantined counts, published to subscribers (the status
// bar, the continuity plan), plus the USB bundle channel.
//
// With no province configured the Runner still answers: the state is
// ConnUnconfigured, dossiers queue, the counts and the queue are shown,
// and bundles can be written.
package syncing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"motcua"
	"motcua/app"
	"motcua/sync/netwatch"
	"motcua/sync/outbox"
	"motcua/sync/province"
	"motcua/sync/pullback"
	"motcua/sync/tus"
)

// Store is what the runner needs from the local database besides the
// queue: dossiers (bundle import), settings (configuration, keys,
// identity) and the pull-back's cursor and page application.
type Store interface {
	app.Store
	pullback.Store
}

// Queue is the outbox as the runner uses it (storage.OutboxQueue).
type Queue interface {
	outbox.Store
	List(ctx context.Context, states []outbox.State, limit int) ([]outbox.Message, error)
	Counts(ctx context.Context) (map[outbox.State]int, error)
	// Retry puts a quarantined message back in the queue and returns its
	// dossier code.
	Retry(ctx context.Context, id int64, actor string) (string, error)
}

// Options tune a Runner. Zero values take the defaults.
type Options struct {
	// DataDir keeps uploads.json (attachment upload URLs, so an upload
	// resumes across restarts); "" keeps them in memory.
	DataDir string
	Actor   string       // audit actor of retries, imports and key creation; default "system"
	Clock   motcua.Clock // the program's clock; default the system clock
	Logger  *slog.Logger
	// OnActivity, if set, receives what each delivery and pull step did
	// (`motcua sync --watch` prints it). It runs on the engine's
	// goroutines and must not block.
	OnActivity func(Activity)

	Timeout         time.Duration // per request to the province; default 30 s
	ProbeInterval   time.Duration // connectivity probe while online; default 30 s
	OfflineInterval time.Duration // while not online, to notice recovery soon; default 5 s
	WorkInterval    time.Duration // look for queued messages when idle; default 10 s
	MinBackoff      time.Duration // default 1 s
	MaxBackoff      time.Duration // default 5 min
	// RefreshInterval re-reads the counts, to see what other processes
	// (a CLI intake, a second window) queued; default 5 s.
	RefreshInterval time.Duration
	// PullInterval overrides the configured look-up interval (tests).
	PullInterval time.Duration

	// Files lists each dossier's attachments (storage.AttachmentFiles),
	// which the worker uploads (tus) before the dossier that references
	// them; nil sends dossiers without files.
	Files outbox.Attachments
}

// Delivery is one message the province acknowledged.
type Delivery struct {
	ID      int64  `json:"id"`
	Dossier string `json:"dossier"`
	Note    string `json:"note,omitempty"`
}

// Rejection is one message the province refused as invalid: quarantined
// until an officer retries it.
type Rejection struct {
	ID      int64  `json:"id"`
	Dossier string `json:"dossier"`
	Reason  string `json:"reason"`
}

// Activity is what one engine step did.
type Activity struct {
	At          time.Time
	Delivered   []Delivery
	Quarantined []Rejection
	Retrying    int
	Pulled      []pullback.Outcome
	Err         error
}

// Runner is the sync engine of one station. Start runs it in the
// background (the window); SyncOnce does one pass (the CLI).
type Runner struct {
	st   Store
	q    *recorder
	opts Options
	log  *slog.Logger

	cfg    Config
	cfgErr error // a stored configuration that cannot be used
	id     app.Station

	client *province.Client
	worker *outbox.Worker
	puller *pullback.Puller
	mon    *netwatch.Monitor

	kick chan struct{}

	mu         sync.Mutex
	status     app.SyncStatus
	published  bool
	probed     bool
	probeNote  string
	deliverErr error
	pullErr    error
	lastSync   time.Time
	pause      *Pause // as last read from the settings; nil: not paused
	subs       map[int]func(app.SyncStatus)
	nextSub    int
	cancel     context.CancelFunc
	done       chan struct{}
	stopEvents func()
}

var _ app.Syncer = (*Runner)(nil)

// New reads the configuration and the station identity and builds the
// engine; it contacts nothing. A configuration that cannot be used (no
// identity yet, a broken CA file) leaves the runner unconfigured, with
// the reason in ConfigErr and in the status.
func New(ctx context.Context, st Store, q Queue, opts Options) (*Runner, error) {
	if opts.Actor == "" {
		opts.Actor = "system"
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	opts.Clock = motcua.OrSystem(opts.Clock)
	def := func(p *time.Duration, d time.Duration) {
		if *p <= 0 {
			*p = d
		}
	}
	def(&opts.Timeout, 30*time.Second)
	def(&opts.ProbeInterval, 30*time.Second)
	def(&opts.OfflineInterval, 5*time.Second)
	def(&opts.WorkInterval, 10*time.Second)
	def(&opts.MinBackoff, time.Second)
	def(&opts.MaxBackoff, 5*time.Minute)
	def(&opts.RefreshInterval, 5*time.Second)
	r := &Runner{st: st, q: &recorder{Queue: q}, opts: opts, log: opts.Logger, kick: make(chan struct{}, 1),
		subs: map[int]func(app.SyncStatus){}}
	cfg, err := LoadConfig(ctx, st)
	if err != nil {
		return nil, err
	}
	r.cfg = cfg
	if cfg.Configured() {
		r.cfgErr = r.build(ctx)
	}
	if err := r.refresh(ctx); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Runner) identity(ctx context.Context) (app.Station, error) {
	return (&app.Service{Store: r.st}).Identity(ctx)
}

// build makes the adapter, worker, puller and monitor.
func (r *Runner) build(ctx context.Context) error {
	id, err := r.identity(ctx)
	if err != nil {
		return err
	}
	r.id = id
	if err := r.cfg.Validate(); err != nil {
		return err
	}
	var urls tus.URLStore
	if r.opts.DataDir != "" {
		if urls, err = tus.OpenFileURLStore(filepath.Join(r.opts.DataDir, "uploads.json")); err != nil {
			return err
		}
	}
	r.client, err = province.NewClient(province.Config{BaseURL: r.cfg.URL, Username: r.cfg.User, Password: r.cfg.Password,
		Agency: id.AgencyID, CAPEM: r.cfg.CAPEM, Timeout: r.opts.Timeout, UploadURLs: urls,
		UserAgent: "motcua/" + id.AgencyID + "/" + id.Station.String()})
	if err != nil {
		return err
	}
	r.worker = outbox.New(pausable{r.q, r}, r.client, outbox.Config{
		Files:      r.opts.Files,
		Profile:    province.Profile{AgencyName: id.AgencyName},
		Interval:   r.opts.WorkInterval,
		MinBackoff: r.opts.MinBackoff,
		MaxBackoff: r.opts.MaxBackoff,
		OnStep:     r.onDeliver,
		Logger:     r.log,
	})
	interval := r.cfg.Interval
	if r.opts.PullInterval > 0 {
		interval = r.opts.PullInterval
	}
	r.puller = pullback.New(pausedFeed{r.client, r}, r.st, pullback.Config{Interval: interval, OnStep: r.onPull, Logger: r.log})
	r.mon = netwatch.New(&netwatch.HTTPProber{Client: r.client.HTTPClient(), URL: r.client.HealthURL(), Timeout: r.opts.Timeout},
		netwatch.Config{Interval: r.opts.ProbeInterval, OfflineInterval: r.opts.OfflineInterval})
	return nil
}

// Configured reports whether the runner talks to a province.
func (r *Runner) Configured() bool { return r.cfg.Configured() && r.cfgErr == nil }

// ConfigErr is why a stored configuration cannot be used, or nil.
func (r *Runner) ConfigErr() error { return r.cfgErr }

// Config returns the configuration in use.
func (r *Runner) Config() Config { return r.cfg }

// Start runs the engine until ctx ends or Stop is called.
func (r *Runner) Start(ctx context.Context) {
	r.mu.Lock()
	if r.cancel != nil {
		r.mu.Unlock()
		return
	}
	ctx, r.cancel = context.WithCancel(ctx)
	r.done = make(chan struct{})
	r.mu.Unlock()
	var events <-chan netwatch.Event
	if r.Configured() {
		events, r.stopEvents = r.mon.Subscribe(8)
		r.mon.Start(ctx)
		r.worker.Start(ctx)
		r.puller.Start(ctx)
	}
	go r.loop(ctx, events)
}

// Stop ends the engine and waits for the step in progress (an
// interrupted send is sent again next time; nothing is lost).
func (r *Runner) Stop() {
	r.mu.Lock()
	cancel, done := r.cancel, r.done
	r.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	if r.Configured() {
		r.stopEvents()
		r.puller.Stop()
		r.worker.Stop()
		r.mon.Stop()
	}
	<-done
	// Marked stopped only now: a step finishing above still hands its
	// status to the engine goroutine, so subscribers are never called
	// from two goroutines at once.
	r.mu.Lock()
	r.cancel = nil
	r.mu.Unlock()
}

func (r *Runner) loop(ctx context.Context, events <-chan netwatch.Event) {
	defer close(r.done)
	tick := time.NewTicker(r.opts.RefreshInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-events:
			r.mu.Lock()
			r.probed, r.probeNote = true, e.Detail
			if e.To == netwatch.Online {
				// Failures seen during the outage are stale now; the
				// steps about to run say whether anything still fails.
				r.deliverErr, r.pullErr = nil, nil
			}
			r.mu.Unlock()
			r.log.Info("province connectivity", "from", e.From, "to", e.To, "detail", e.Detail)
			if e.To == netwatch.Online {
				r.worker.Reconnected()
				r.puller.Wake()
			}
		case <-r.kick:
		case <-tick.C:
		}
		if err := r.refresh(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("sync status", "err", err)
		}
	}
}

// poke has the status recomputed: by the engine's goroutine when it
// runs, here and now when it does not (the CLI).
func (r *Runner) poke() {
	r.mu.Lock()
	started := r.cancel != nil
	r.mu.Unlock()
	if !started {
		if err := r.refresh(context.Background()); err != nil {
			r.log.Warn("sync status", "err", err)
		}
		return
	}
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// Notify says a message was queued: it goes out soon (the backoff of a
// failing province still holds) and the counts are refreshed.
func (r *Runner) Notify() {
	if r.Configured() {
		r.worker.Notify()
	}
	r.poke()
}

// SendNow is the officer's "Gửi ngay": forget the backoff, probe, send and
// pull at once. It does not lift a pause: a paused queue stays queued.
func (r *Runner) SendNow() {
	if r.Configured() {
		r.mon.Recheck()
		r.worker.Reconnected()
		r.puller.Wake()
	}
	r.poke()
}

// Status is the latest snapshot.
func (r *Runner) Status() app.SyncStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.status
}

// Subscribe calls fn with every status change until cancel is called. fn
// runs on the engine's goroutine, one call at a time: UI code must hop
// with fyne.Do. Subscribe first, then read Status, to miss nothing.
func (r *Runner) Subscribe(fn func(app.SyncStatus)) (cancel func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.nextSub
	r.nextSub++
	r.subs[n] = fn
	return func() {
		r.mu.Lock()
		delete(r.subs, n)
		r.mu.Unlock()
	}
}

// refresh re-reads the counts, recomputes the status and publishes it if
// it changed. Only the engine goroutine (or a caller that has not started
// it) calls it, so subscribers see changes in order.
func (r *Runner) refresh(ctx context.Context) error {
	// Another process may have paused or resumed: readPause acts on it
	// (and pokes, which lands here again: cheap, nothing changed then).
	if _, err := r.readPause(ctx); err != nil {
		return err
	}
	counts, err := r.q.Counts(ctx)
	if err != nil {
		return err
	}
	r.mu.Lock()
	s := r.compute(counts)
	prev := r.status
	s.Since = prev.Since
	if s.State != prev.State || s.Paused != prev.Paused || s.Since.IsZero() {
		s.Since = r.opts.Clock.Now()
	}
	r.status = s
	if s.Pending > prev.Pending && r.cancel != nil && r.Configured() {
		// Queued by another process (a CLI intake, a second window): no
		// Notify reached this one, the growing count does.
		r.worker.Notify()
	}
	// Before the first probe the state is a guess: keep it to Status().
	publish := (r.probed || !r.Configured() || s.Paused) && (!r.published || s.State != prev.State || s.Paused != prev.Paused || s.Pending != prev.Pending ||
		s.Quarantined != prev.Quarantined || s.LastError != prev.LastError || !s.LastSync.Equal(prev.LastSync))
	var subs []func(app.SyncStatus)
	if publish {
		r.published = true
		for _, fn := range r.subs {
			subs = append(subs, fn)
		}
	}
	r.mu.Unlock()
	for _, fn := range subs {
		fn(s)
	}
	return nil
}

// compute derives the status; r.mu is held.
func (r *Runner) compute(counts map[outbox.State]int) app.SyncStatus {
	s := app.SyncStatus{Pending: counts[outbox.StatePending] + counts[outbox.StateSending],
		Quarantined: counts[outbox.StateQuarantined], LastSync: r.lastSync}
	if s.Pending == 0 {
		r.deliverErr = nil // what was failing is delivered or quarantined now
	}
	if r.pause != nil {
		s.Paused, s.Simulated = true, r.pause.Drill
	}
	switch {
	case !r.cfg.Configured():
		s.State = app.ConnUnconfigured
	case r.cfgErr != nil:
		s.State, s.LastError = app.ConnUnconfigured, describe(r.cfgErr)
	case r.pause != nil:
		// What a real outage looks like to the status bar, with the reason.
		s.State, s.LastError = app.ConnOffline, r.pause.Text()
	case !r.probed:
		s.State, s.LastError = app.ConnOffline, "Đang kiểm tra kết nối tới hệ thống tỉnh…"
	default:
		switch r.mon.State() {
		case netwatch.Online:
			s.State = app.ConnOnline
			if err := errors.Join(r.deliverErr, r.pullErr); err != nil {
				s.State, s.LastError = app.ConnRetrying, describe(err)
			}
		case netwatch.Degraded:
			s.State, s.LastError = app.ConnRetrying, netwatch.Degraded.Name()+": "+r.probeNote
		case netwatch.Captive:
			s.State, s.LastError = app.ConnCaptive, netwatch.Captive.Name()+": "+r.probeNote
		default:
			s.State, s.LastError = app.ConnOffline, netwatch.Offline.Name()+": "+r.probeNote
		}
	}
	return s
}

func describe(err error) string {
	var pe *province.Error
	if errors.As(err, &pe) && pe.Class == province.Auth {
		return "Hệ thống tỉnh từ chối đăng nhập — kiểm tra tài khoản (motcua province set): " + pe.Error()
	}
	if _, ok := motcua.AsError(err); ok {
		return motcua.ErrorMessage(err)
	}
	return err.Error()
}

// onDeliver is the worker's OnStep.
func (r *Runner) onDeliver(sum outbox.Summary) {
	act := r.q.take()
	act.At, act.Retrying, act.Err = sum.At, sum.Retrying, sum.Err
	r.mu.Lock()
	switch {
	case sum.Err != nil:
		r.deliverErr = sum.Err
	case sum.Retrying > 0:
		r.deliverErr = fmt.Errorf("%d thông điệp chưa gửi được, sẽ thử lại", sum.Retrying)
	case sum.Sent > 0 || sum.Quarantined > 0:
		r.deliverErr = nil
	}
	if sum.Err == nil && (sum.Acknowledged > 0 || sum.Quarantined > 0) {
		r.lastSync = sum.At
	}
	r.mu.Unlock()
	switch {
	case sum.Err != nil && province.Classify(sum.Err) == province.Transient:
		r.mon.Recheck() // the link may have gone: find out now, not in 30 s
	case sum.Err == nil && sum.Sent > 0 && r.mon.State() != netwatch.Online:
		r.mon.Recheck() // the province answered: it is back
	}
	r.report(act)
}

// onPull is the puller's OnStep.
func (r *Runner) onPull(sum pullback.Summary) {
	r.mu.Lock()
	r.pullErr = sum.Err
	if sum.Err == nil && r.pause == nil { // a paused pull exchanged nothing
		r.lastSync = r.opts.Clock.Now()
	}
	r.mu.Unlock()
	r.report(Activity{At: r.opts.Clock.Now(), Pulled: sum.Outcomes, Err: sum.Err})
}

func (r *Runner) report(act Activity) {
	if r.opts.OnActivity != nil && (len(act.Delivered) > 0 || len(act.Quarantined) > 0 || len(act.Pulled) > 0 ||
		act.Retrying > 0 || act.Err != nil) {
		r.opts.OnActivity(act)
	}
	r.poke()
}

// Report is what SyncOnce did.
type Report struct {
	State       app.ConnState  `json:"state"`
	Detail      string         `json:"detail,omitempty"`
	Delivered   []Delivery     `json:"delivered"`
	Dossiers    int            `json:"dossiers"`   // dossiers delivered
	Duplicates  int            `json:"duplicates"` // of them, the province had already
	Quarantined []Rejection    `json:"quarantined"`
	Retrying    int            `json:"retrying"` // messages that failed and stay queued
	Blocked     int            `json:"blocked"`  // dossiers held behind a quarantined message
	Pulled      []Pulled       `json:"pulled"`
	Applied     int            `json:"applied"` // pulled changes that changed a local dossier
	Status      app.SyncStatus `json:"status"`  // after the pass
}

// Pulled is one change read from the province's feed.
type Pulled struct {
	Dossier string `json:"dossier"`
	Kind    string `json:"kind"`   // trang_thai, gia_han, ket_qua, bo_sung
	Status  string `json:"status"` // TrangThaiHoSo after the change
	Due     string `json:"due,omitempty"`
	Applied bool   `json:"applied"` // it changed the local dossier
	Note    string `json:"note,omitempty"`
}

// UnreachableError says the province could not be reached; nothing was
// sent and everything stays queued.
type UnreachableError struct {
	State  netwatch.State
	Detail string
}

func (e *UnreachableError) Error() string {
	msg := fmt.Sprintf("không tới được hệ thống một cửa tỉnh (%s): %s; hồ sơ vẫn chờ trong hàng đợi", e.State.Name(), e.Detail)
	if e.State == netwatch.Captive && strings.Contains(e.Detail, "x509") {
		msg += ". Nếu tỉnh dùng chứng chỉ do CA riêng cấp: motcua province set --ca TỆP_PEM"
	}
	return msg
}

// SyncOnce probes the province, delivers everything that can go, and
// pulls the status changes: the CLI's `motcua sync`. It must not be
// called while the runner is started. Errors: ErrUnconfigured; KindConflict
// ErrPaused while delivery is paused (nothing is sent or pulled); an
// *UnreachableError when the probe fails; the delivery's or the pull's
// failure otherwise (the report says what was done before it).
func (r *Runner) SyncOnce(ctx context.Context) (Report, error) {
	rep := Report{Delivered: []Delivery{}, Quarantined: []Rejection{}, Pulled: []Pulled{}}
	if !r.Configured() {
		rep.State = app.ConnUnconfigured
		if r.cfgErr != nil {
			return rep, r.cfgErr
		}
		return rep, ErrUnconfigured
	}
	if p, err := r.readPause(ctx); err != nil {
		return rep, err
	} else if p != nil {
		if err := r.refresh(ctx); err != nil {
			return rep, err
		}
		rep.Status = r.Status()
		rep.State, rep.Detail = rep.Status.State, rep.Status.LastError
		return rep, pausedErr(p)
	}
	e, _ := r.mon.Check(ctx)
	st := r.mon.State()
	r.mu.Lock()
	r.probed, r.probeNote = true, e.Detail
	r.mu.Unlock()
	if st != netwatch.Online {
		if err := r.refresh(ctx); err != nil {
			return rep, err
		}
		rep.Status = r.Status()
		rep.State, rep.Detail = rep.Status.State, e.Detail
		return rep, &UnreachableError{State: st, Detail: e.Detail}
	}
	collect := func(a Activity) {
		rep.Delivered = append(rep.Delivered, a.Delivered...)
		rep.Quarantined = append(rep.Quarantined, a.Quarantined...)
		for _, o := range a.Pulled {
			rep.Pulled = append(rep.Pulled, Pulled{Dossier: o.Change.Code, Kind: o.Change.Kind, Status: o.Change.Status,
				Due: o.Change.Due, Applied: o.Applied, Note: o.Note})
		}
	}
	prev := r.opts.OnActivity
	r.opts.OnActivity = func(a Activity) {
		collect(a)
		if prev != nil {
			prev(a)
		}
	}
	defer func() { r.opts.OnActivity = prev }()
	sum, derr := r.worker.Drain(ctx)
	rep.Dossiers, rep.Duplicates, rep.Retrying, rep.Blocked = sum.Dossiers, sum.Duplicates, sum.Retrying, sum.Blocked
	psum, perr := r.puller.Step(ctx)
	rep.Applied = psum.Applied
	if err := r.refresh(ctx); err != nil {
		return rep, err
	}
	rep.Status = r.Status()
	rep.State, rep.Detail = rep.Status.State, rep.Status.LastError
	if derr != nil {
		derr = fmt.Errorf("gửi hồ sơ: %w", derr)
	}
	if perr != nil {
		perr = fmt.Errorf("nhận cập nhật từ tỉnh: %w", perr)
	}
	return rep, errors.Join(derr, perr)
}

// Items lists the queue for the Sync screen: the given states, all when
// none is given.
func (r *Runner) Items(ctx context.Context, states []string, limit int) ([]app.OutboxItem, error) {
	sts := make([]outbox.State, len(states))
	for i, s := range states {
		sts[i] = outbox.State(s)
	}
	ms, err := r.q.List(ctx, sts, limit)
	if err != nil {
		return nil, err
	}
	out := make([]app.OutboxItem, len(ms))
	for i, m := range ms {
		out[i] = app.OutboxItem{ID: m.ID, DossierCode: m.Dossier, Kind: m.Kind, State: string(m.State),
			Attempts: m.Attempts, LastError: m.LastError, CreatedAt: m.CreatedAt}
	}
	return out, nil
}

// Retry puts a quarantined message back in the queue after correction.
func (r *Runner) Retry(ctx context.Context, id int64) error {
	if _, err := r.q.Retry(ctx, id, r.opts.Actor); err != nil {
		return err
	}
	r.Notify()
	return nil
}

// recorder passes the queue through, remembering which messages the
// worker acknowledged and quarantined, for the activity reports.
type recorder struct {
	Queue
	mu      sync.Mutex
	dossier map[int64]string
	act     Activity
}

func (q *recorder) Pending(ctx context.Context, after int64, limit int) ([]outbox.Message, error) {
	ms, err := q.Queue.Pending(ctx, after, limit)
	q.mu.Lock()
	if q.dossier == nil {
		q.dossier = map[int64]string{}
	}
	for _, m := range ms {
		q.dossier[m.ID] = m.Dossier
	}
	q.mu.Unlock()
	return ms, err
}

func (q *recorder) Mark(ctx context.Context, marks []outbox.Mark) error {
	if err := q.Queue.Mark(ctx, marks); err != nil {
		return err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, m := range marks {
		switch m.State {
		case outbox.StateAcknowledged:
			q.act.Delivered = append(q.act.Delivered, Delivery{ID: m.ID, Dossier: q.dossier[m.ID], Note: m.Note})
			delete(q.dossier, m.ID)
		case outbox.StateQuarantined:
			q.act.Quarantined = append(q.act.Quarantined, Rejection{ID: m.ID, Dossier: q.dossier[m.ID], Reason: m.Note})
			delete(q.dossier, m.ID)
		}
	}
	return nil
}

// take returns what was recorded since the last take.
func (q *recorder) take() Activity {
	q.mu.Lock()
	defer q.mu.Unlock()
	a := q.act
	q.act = Activity{}
	return a
}
