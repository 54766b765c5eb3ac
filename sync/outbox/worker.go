package outbox

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"motcua"
	"motcua/sync/province"
	"motcua/sync/tus"
)

// Config tunes a Worker. Zero values take the defaults.
type Config struct {
	BatchSize  int           // dossiers per delivery; default 50
	ScanLimit  int           // messages read per page of the queue; default 500
	Interval   time.Duration // look for new messages this often when idle; default 30 s
	MinBackoff time.Duration // first retry after a failure; default 1 s
	MaxBackoff time.Duration // cap; default 5 min
	Profile    province.Profile
	Files      Attachments // nil: dossiers have no attachments
	Uploads    int         // dossiers whose attachments upload at the same time; default 4
	// OnStep, if set, receives every step's summary (the UI subscribes
	// through it). It must not block.
	OnStep func(Summary)
	Logger *slog.Logger
	Now    func() time.Time
}

// Worker delivers the outbox. Start runs it in the background; tests call
// Step directly.
type Worker struct {
	store   Store
	adapter province.Adapter
	cfg     Config
	log     *slog.Logger

	wake      chan struct{}
	reconnect chan struct{}
	cancel    context.CancelFunc
	done      chan struct{}

	step sync.Mutex // one Step at a time
	mu   sync.Mutex // the backoff state below
	// failures counts consecutive failed steps; next is when to try again.
	failures int
	next     time.Time
	// dossier-level backoff for items the province could not take yet.
	held map[string]hold
	rng  *rand.Rand
}

type hold struct {
	failures int
	until    time.Time
}

// New builds a worker.
func New(store Store, adapter province.Adapter, cfg Config) *Worker {
	if cfg.BatchSize <= 0 {
		cfg.BatchSize = 50
	}
	if cfg.ScanLimit <= 0 {
		cfg.ScanLimit = 500
	}
	if cfg.ScanLimit < cfg.BatchSize {
		cfg.ScanLimit = cfg.BatchSize
	}
	if cfg.Uploads <= 0 {
		cfg.Uploads = 4
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 30 * time.Second
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(5*time.Minute, cfg.MinBackoff)
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = motcua.SystemClock{}.Now
	}
	return &Worker{store: store, adapter: adapter, cfg: cfg, log: cfg.Logger,
		wake: make(chan struct{}, 1), reconnect: make(chan struct{}, 1),
		held: map[string]hold{}, rng: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}
}

// Start runs the delivery loop until ctx ends or Stop is called.
func (w *Worker) Start(ctx context.Context) {
	ctx, w.cancel = context.WithCancel(ctx)
	w.done = make(chan struct{})
	go w.run(ctx)
}

// Stop ends the loop and waits for the current step to finish (an
// interrupted send is simply sent again next time).
func (w *Worker) Stop() {
	if w.cancel == nil {
		return
	}
	w.cancel()
	<-w.done
	w.cancel = nil
}

// Notify says a new message is queued: it goes out soon, but a failing
// province is not hammered — the backoff still holds.
func (w *Worker) Notify() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Reconnected says connectivity came back: forget the backoff and try at
// once.
func (w *Worker) Reconnected() {
	w.mu.Lock()
	w.failures, w.next = 0, time.Time{}
	clear(w.held)
	w.mu.Unlock()
	select {
	case w.reconnect <- struct{}{}:
	default:
	}
}

func (w *Worker) run(ctx context.Context) {
	defer close(w.done)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-w.reconnect:
		case <-w.wake:
			if wait := w.wait(); wait > 0 {
				timer.Reset(wait)
				continue
			}
		}
		var wait time.Duration
		if wait = w.wait(); wait <= 0 {
			sum, err := w.Step(ctx)
			switch {
			case ctx.Err() != nil:
				return
			case err != nil:
				w.log.Warn("outbox step failed", "err", err)
				wait = w.wait()
			case sum.Sent > 0 || sum.Quarantined > 0:
				wait = 0 // more may be queued: keep draining
			default:
				wait = w.cfg.Interval
				if h := w.nextHeld(); h > 0 && h < wait {
					wait = h
				}
			}
		}
		timer.Reset(max(wait, 0))
	}
}

// wait is how long the global backoff still holds.
func (w *Worker) wait() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.next.Sub(w.cfg.Now())
}

func (w *Worker) nextHeld() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	var soonest time.Duration
	now := w.cfg.Now()
	for _, h := range w.held {
		if d := h.until.Sub(now); d > 0 && (soonest == 0 || d < soonest) {
			soonest = d
		}
	}
	return soonest
}

// backoff is the capped exponential delay after n consecutive failures,
// with "equal jitter": between half and all of it, so stations that lost
// the link together do not come back in lockstep.
func (w *Worker) backoff(n int) time.Duration {
	d := w.cfg.MinBackoff
	for i := 1; i < n && d < w.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, w.cfg.MaxBackoff)
	return d/2 + time.Duration(w.rng.Int64N(int64(d/2)+1))
}

func (w *Worker) fail() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.failures++
	w.next = w.cfg.Now().Add(w.backoff(w.failures))
	return w.next
}

func (w *Worker) succeed() {
	w.mu.Lock()
	w.failures, w.next = 0, time.Time{}
	w.mu.Unlock()
}

func (w *Worker) holdDossier(code string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	h := w.held[code]
	h.failures++
	h.until = w.cfg.Now().Add(w.backoff(h.failures))
	w.held[code] = h
}

func (w *Worker) release(code string) {
	w.mu.Lock()
	delete(w.held, code)
	w.mu.Unlock()
}

func (w *Worker) isHeld(code string, now time.Time) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	h, ok := w.held[code]
	return ok && now.Before(h.until)
}

// group is the undelivered messages of one dossier, oldest first. Every
// payload is a full snapshot of the dossier, so the newest one carries
// everything the older ones did (their history included): the group is
// delivered as that one snapshot, and the province never sees an older
// state after a newer one.
type group []Message

func (g group) head() Message   { return g[0] }
func (g group) newest() Message { return g[len(g)-1] }

// groups picks up to BatchSize dossiers to deliver, skipping those whose
// oldest message is quarantined (the rest of that dossier waits behind
// it) or that are backing off.
func (w *Worker) groups(ctx context.Context) ([]group, int, error) {
	now := w.cfg.Now()
	idx := map[string]int{} // dossier → position in out, or -1 when skipped
	var out []group
	blocked := 0
	var after int64
	for {
		page, err := w.store.Pending(ctx, after, w.cfg.ScanLimit)
		if err != nil {
			return nil, 0, fmt.Errorf("đọc hàng đợi gửi: %w", err)
		}
		for _, m := range page {
			after = m.ID
			i, seen := idx[m.Dossier]
			switch {
			case seen && i >= 0 && m.State != StateQuarantined:
				out[i] = append(out[i], m)
			case seen:
				// skipped dossier, or a quarantined message after the head
				// (only heads are quarantined; be safe anyway)
				if i >= 0 {
					idx[m.Dossier] = -1 - i
				}
			case m.State == StateQuarantined:
				blocked++
				idx[m.Dossier] = -1 - len(out)
			case w.isHeld(m.Dossier, now) || len(out) == w.cfg.BatchSize:
				idx[m.Dossier] = -1 - len(out)
			default:
				idx[m.Dossier] = len(out)
				out = append(out, group{m})
			}
		}
		if len(page) < w.cfg.ScanLimit || len(out) == w.cfg.BatchSize {
			break
		}
	}
	return out, blocked, nil
}

// Step delivers one batch and records the outcome. Its error is the
// step's failure (the province or the store); the messages stay queued.
func (w *Worker) Step(ctx context.Context) (Summary, error) {
	w.step.Lock()
	defer w.step.Unlock()
	sum, err := w.step1(ctx)
	sum.At = w.cfg.Now()
	if err != nil {
		sum.Err = err
		sum.NextTry = w.fail()
	} else if sum.Sent > 0 {
		w.succeed()
	}
	if w.cfg.OnStep != nil {
		w.cfg.OnStep(sum)
	}
	return sum, err
}

// markGroup gives every message of g state, the head headNote and the
// others note.
func markGroup(marks []Mark, g group, st State, headNote, note string) []Mark {
	for i, m := range g {
		n := note
		if i == 0 {
			n = headNote
		}
		marks = append(marks, Mark{ID: m.ID, State: st, Note: n})
	}
	return marks
}

func (w *Worker) step1(ctx context.Context) (Summary, error) {
	var sum Summary
	groups, blocked, err := w.groups(ctx)
	sum.Blocked = blocked
	if err != nil || len(groups) == 0 {
		return sum, err
	}
	var marks []Mark
	var items []province.Item
	var sent []group
	var uploadErr error
	// quarantine rejects a group: its head is quarantined, the later
	// messages stay pending behind it.
	quarantine := func(g group, reason string) {
		wait := fmt.Sprintf("chờ sau gói tin %d bị cách ly", g.head().ID)
		marks = append(marks, Mark{ID: g.head().ID, State: StateQuarantined, Note: reason})
		marks = markGroup(marks, g[1:], StatePending, wait, wait)
		sum.Quarantined++
		w.log.Warn("message quarantined", "id", g.head().ID, "dossier", g.head().Dossier, "reason", reason)
	}
	prepared := w.prepareAll(ctx, groups)
	for i, g := range groups {
		item, err := prepared[i].item, prepared[i].err
		sum.Uploaded += prepared[i].uploaded
		switch {
		case err == nil:
			items = append(items, item)
			sent = append(sent, g)
		case ctx.Err() != nil:
			return sum, ctx.Err()
		case province.Classify(err) == province.Invalid:
			quarantine(g, motcua.ErrorMessage(err))
		default:
			uploadErr = err
			marks = markGroup(marks, g, StatePending, err.Error(), err.Error())
			sum.Retrying += len(g)
			w.holdDossier(g.head().Dossier)
		}
	}
	if len(items) == 0 {
		if err := w.store.Mark(ctx, marks); err != nil {
			return sum, fmt.Errorf("ghi trạng thái gửi: %w", err)
		}
		if uploadErr != nil && sum.Quarantined == 0 {
			return sum, uploadErr // nothing went: back off as a whole
		}
		return sum, nil
	}
	var sending []Mark
	for _, g := range sent {
		for _, m := range g {
			sending = append(sending, Mark{ID: m.ID, State: StateSending, Note: m.LastError})
		}
		sum.Sent += len(g)
	}
	sum.Dossiers = len(sent)
	if err := w.store.Mark(ctx, sending); err != nil {
		return sum, fmt.Errorf("ghi trạng thái gửi: %w", err)
	}
	results, err := w.adapter.Deliver(ctx, items)
	if err == nil && len(results) != len(items) {
		err = fmt.Errorf("bộ chuyển đổi trả %d kết quả cho %d hồ sơ", len(results), len(items))
	}
	if err != nil {
		// Nothing is known to have arrived: back to pending, all of them.
		for _, g := range sent {
			marks = markGroup(marks, g, StatePending, err.Error(), err.Error())
			sum.Retrying += len(g)
		}
		if merr := w.store.Mark(context.WithoutCancel(ctx), marks); merr != nil {
			return sum, errors.Join(err, merr)
		}
		return sum, err
	}
	for i, r := range results {
		g := sent[i]
		switch {
		case r.Err == nil:
			covered := fmt.Sprintf("gửi gộp trong gói tin %d", g.newest().ID)
			for _, m := range g {
				note := covered
				if m.ID == g.newest().ID {
					note = r.Message
				}
				marks = append(marks, Mark{ID: m.ID, State: StateAcknowledged, Note: note})
			}
			sum.Acknowledged += len(g)
			if r.Duplicate {
				sum.Duplicates++
			}
			w.release(g.head().Dossier)
		case province.Classify(r.Err) == province.Invalid:
			quarantine(g, r.Err.Error())
		default:
			marks = markGroup(marks, g, StatePending, r.Err.Error(), r.Err.Error())
			sum.Retrying += len(g)
			w.holdDossier(g.head().Dossier)
		}
	}
	// The province has the data now; record it even if the caller is
	// leaving, or the next run re-sends (harmless, but wasteful).
	if err := w.store.Mark(context.WithoutCancel(ctx), marks); err != nil {
		return sum, fmt.Errorf("ghi trạng thái gửi: %w", err)
	}
	return sum, nil
}

type preparedItem struct {
	item     province.Item
	uploaded int
	err      error
}

// prepareAll prepares the groups' items, uploading attachments for up to
// Config.Uploads dossiers at a time.
func (w *Worker) prepareAll(ctx context.Context, groups []group) []preparedItem {
	out := make([]preparedItem, len(groups))
	sem := make(chan struct{}, w.cfg.Uploads)
	var wg sync.WaitGroup
	for i, g := range groups {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			item, n, err := w.prepare(ctx, g.newest())
			out[i] = preparedItem{item, n, err}
		}()
	}
	wg.Wait()
	return out
}

// prepare decodes a message and uploads its attachments.
func (w *Worker) prepare(ctx context.Context, m Message) (province.Item, int, error) {
	var d motcua.Dossier
	if err := json.Unmarshal(m.Payload, &d); err != nil {
		return province.Item{}, 0, &province.Error{Op: "đọc gói tin", Class: province.Invalid,
			Message: fmt.Sprintf("nội dung gói tin %d hỏng, không đọc được hồ sơ", m.ID), Err: err}
	}
	if d.Code == "" {
		d.Code = m.Dossier
	}
	if d.Code != m.Dossier {
		return province.Item{}, 0, &province.Error{Op: "đọc gói tin", Class: province.Invalid,
			Message: fmt.Sprintf("gói tin %d ghi hồ sơ %s nhưng nội dung là hồ sơ %s", m.ID, m.Dossier, d.Code)}
	}
	var files []province.File
	uploaded := 0
	if w.cfg.Files != nil {
		atts, err := w.cfg.Files.Attachments(ctx, m.Dossier)
		if err != nil {
			return province.Item{}, 0, fmt.Errorf("đọc tệp đính kèm của hồ sơ %s: %w", m.Dossier, err)
		}
		for _, a := range atts {
			f := province.File{ID: a.ID, Name: a.Name, Component: a.Component, SHA256: a.SHA256, Deleted: a.Deleted,
				Result: a.Result, Reused: a.Reused}
			if !a.Deleted {
				url, err := w.adapter.Upload(ctx, tus.Upload{Name: a.Name, Size: a.Size, SHA256: a.SHA256, Open: a.Open})
				if err != nil {
					return province.Item{}, uploaded, err
				}
				f.URL = url
				uploaded++
			}
			files = append(files, f)
		}
	}
	key := m.Key
	if key == "" {
		key = MessageKey(m)
	}
	return province.Item{
		Key:    key,
		Create: len(d.History) <= 1,
		HoSo:   w.cfg.Profile.HoSo(&d, files),
		Steps:  w.cfg.Profile.Steps(&d),
	}, uploaded, nil
}

// MessageKey is the idempotency key of a message: dossier, ID and a hash
// of the content. The same message re-sent has the same key; a database
// restored from a backup that reuses an ID for other content does not,
// so its change is not mistaken for a re-send.
func MessageKey(m Message) string {
	sum := sha256.Sum256(m.Payload)
	return fmt.Sprintf("%s#%d#%x", m.Dossier, m.ID, sum[:6])
}

// Drain steps until nothing is left to send or a step fails, and returns
// the totals: the CLI's one-pass `sync`.
func (w *Worker) Drain(ctx context.Context) (Summary, error) {
	var total Summary
	for {
		s, err := w.Step(ctx)
		total.Dossiers += s.Dossiers
		total.Sent += s.Sent
		total.Acknowledged += s.Acknowledged
		total.Duplicates += s.Duplicates
		total.Quarantined += s.Quarantined
		total.Retrying += s.Retrying
		total.Uploaded += s.Uploaded
		total.Blocked = s.Blocked
		total.Err, total.NextTry, total.At = s.Err, s.NextTry, s.At
		if err != nil || s.Idle() || (s.Acknowledged == 0 && s.Quarantined == 0) {
			return total, err
		}
	}
}
