// Package pullback brings the province's decisions back to the counter:
// it reads the change feed by cursor and updates local dossiers — status
// (processing, done, supplement requested), due date (extension), result
// ready — with a history entry for each, so due/late state and the receipt
// desk stay right. Each page and its cursor are applied in one
// transaction by the store; applying a change twice changes nothing.
package pullback

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"motcua"
	"motcua/sync/province"
)

// Store is what the pull-back needs from the local database.
type Store interface {
	// Cursor returns the cursor saved by the last ApplyPage ("" at first).
	Cursor(ctx context.Context) (string, error)
	// ApplyPage, in one transaction: for each code in order, load the
	// dossier (nil if there is none locally) and call fn; when fn reports a
	// change, save the dossier — status, due date, extended flag and the
	// history entries fn appended. Then save cursor. If anything fails,
	// nothing is saved. Saving need not queue an outbox message: the
	// province already knows (if it does, the province ignores it).
	ApplyPage(ctx context.Context, cursor string, codes []string,
		fn func(code string, d *motcua.Dossier) (changed bool, err error)) error
}

// Actor is the history actor when the province names none.
const Actor = "Hệ thống một cửa tỉnh"

// Outcome is what one change did locally.
type Outcome struct {
	Change  province.Change
	Applied bool   // the dossier changed
	Note    string // why it was not applied, or what was done
}

// Apply applies one upstream change to d and reports whether d changed.
// It is idempotent. A change the local state machine cannot follow (the
// dossier was returned meanwhile, say) is not an error: it is reported in
// the note and skipped, so one odd change never blocks the feed.
func Apply(d *motcua.Dossier, c province.Change, now time.Time) (bool, string, error) {
	at := now
	if t, err := province.ParseDate(c.At); err == nil {
		at = t
	}
	actor := c.Actor
	if actor == "" {
		actor = Actor
	}
	reason := motcua.Clean(c.Reason)
	switch c.Kind {
	case province.ChangeExtension:
		due, err := province.ParseDate(c.Due)
		if err != nil {
			return false, "", fmt.Errorf("thay đổi %d của hồ sơ %s: NgayHenTra: %w", c.Seq, c.Code, err)
		}
		if due.Equal(d.DueAt) {
			return false, "đã có ngày hẹn này", nil
		}
		if reason == "" {
			reason = "Cơ quan giải quyết gia hạn"
		}
		if err := d.Extend(due, actor, reason, at); err != nil {
			// The province decides the date; keep its decision even when
			// the local rule (one extension, active dossier) would refuse,
			// and say so in the history.
			d.History = append(d.History, motcua.HistoryEntry{At: at, Actor: actor, Action: "sync", From: d.Status, To: d.Status,
				Reason: reason, Note: "Tỉnh hẹn lại: " + motcua.FormatTime(d.DueAt) + " → " + motcua.FormatTime(due)})
			d.DueAt, d.Extended = due, true
		}
		return true, "", nil
	case province.ChangeStatus, province.ChangeResult, province.ChangeSupplement:
	default:
		return false, "loại thay đổi «" + c.Kind + "» không xử lý", nil
	}
	n, err := strconv.Atoi(c.Status)
	to := motcua.Status(n)
	if err != nil || !to.Valid() {
		return false, "", fmt.Errorf("thay đổi %d của hồ sơ %s: TrangThaiHoSo «%s» không thuộc danh mục", c.Seq, c.Code, c.Status)
	}
	if c.Kind == province.ChangeSupplement && reason == "" {
		reason = "Cơ quan giải quyết yêu cầu bổ sung hồ sơ"
		if len(c.Documents) > 0 {
			reason += ": " + strings.Join(c.Documents, ", ")
		}
	}
	note := ""
	if c.Kind == province.ChangeResult {
		var names []string
		for _, r := range c.Results {
			names = append(names, r.TenGiayTo)
		}
		note = "Có kết quả: " + strings.Join(names, "; ")
	}
	changed := false
	if d.Status != to {
		path := []motcua.Status{to}
		if !motcua.CanMove(d.Status, to) {
			// e.g. received → payment requested goes through processing
			if motcua.CanMove(d.Status, motcua.StatusProcessing) && motcua.CanMove(motcua.StatusProcessing, to) {
				path = []motcua.Status{motcua.StatusProcessing, to}
			} else {
				return false, fmt.Sprintf("bỏ qua: hồ sơ đang «%s», không chuyển được sang «%s»", d.Status.Name(), to.Name()), nil
			}
		}
		for _, st := range path {
			if err := d.Move(st, "sync", actor, reason, at); err != nil {
				return false, "bỏ qua: " + motcua.ErrorMessage(err), nil
			}
		}
		changed = true
	}
	if note != "" && !hasNote(d, note) {
		if changed {
			d.History[len(d.History)-1].Note = note
		} else {
			d.History = append(d.History, motcua.HistoryEntry{At: at, Actor: actor, Action: "sync", From: d.Status, To: d.Status, Note: note})
			changed = true
		}
	}
	if !changed {
		return false, "đã ở trạng thái này", nil
	}
	return true, "", nil
}

func hasNote(d *motcua.Dossier, note string) bool {
	for _, h := range d.History {
		if h.Note == note {
			return true
		}
	}
	return false
}

// Summary is one Step's outcome.
type Summary struct {
	Pages    int
	Changes  int
	Applied  int
	Outcomes []Outcome
	Cursor   string
	Err      error
}

// Config tunes a Puller.
type Config struct {
	Limit    int           // changes per page; default 200
	Interval time.Duration // default 5 min
	OnStep   func(Summary) // the UI subscribes through it; must not block
	Logger   *slog.Logger
	Now      func() time.Time
}

// Puller reads the change feed into the store.
type Puller struct {
	adapter province.Adapter
	store   Store
	cfg     Config

	step   sync.Mutex
	wake   chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
}

// New builds a puller.
func New(a province.Adapter, s Store, cfg Config) *Puller {
	if cfg.Limit <= 0 {
		cfg.Limit = 200
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 5 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = motcua.SystemClock{}.Now
	}
	return &Puller{adapter: a, store: s, cfg: cfg, wake: make(chan struct{}, 1)}
}

// Step reads pages until the feed is exhausted.
func (p *Puller) Step(ctx context.Context) (Summary, error) {
	p.step.Lock()
	defer p.step.Unlock()
	sum, err := p.step1(ctx)
	sum.Err = err
	if p.cfg.OnStep != nil {
		p.cfg.OnStep(sum)
	}
	return sum, err
}

func (p *Puller) step1(ctx context.Context) (Summary, error) {
	var sum Summary
	cursor, err := p.store.Cursor(ctx)
	if err != nil {
		return sum, fmt.Errorf("đọc vị trí đồng bộ ngược: %w", err)
	}
	sum.Cursor = cursor
	for {
		page, err := p.adapter.Changes(ctx, cursor, p.cfg.Limit)
		if err != nil {
			return sum, err
		}
		sum.Pages++
		if len(page.Changes) == 0 && page.Cursor == cursor {
			return sum, nil
		}
		codes := make([]string, len(page.Changes))
		for i, c := range page.Changes {
			codes[i] = c.Code
		}
		var outcomes []Outcome
		i := 0
		now := p.cfg.Now()
		err = p.store.ApplyPage(ctx, page.Cursor, codes, func(code string, d *motcua.Dossier) (bool, error) {
			c := page.Changes[i]
			i++
			if code != c.Code {
				return false, fmt.Errorf("kho dữ liệu gọi hồ sơ %s, chờ %s", code, c.Code)
			}
			if d == nil {
				outcomes = append(outcomes, Outcome{Change: c, Note: "không có hồ sơ này trên máy"})
				return false, nil
			}
			changed, note, err := Apply(d, c, now)
			if err != nil {
				// A malformed change: record and skip it rather than stop
				// the feed for every other dossier.
				outcomes = append(outcomes, Outcome{Change: c, Note: err.Error()})
				return false, nil
			}
			outcomes = append(outcomes, Outcome{Change: c, Applied: changed, Note: note})
			return changed, nil
		})
		if err != nil {
			return sum, fmt.Errorf("áp dụng thay đổi từ tỉnh: %w", err)
		}
		for _, o := range outcomes {
			if o.Applied {
				sum.Applied++
			} else {
				p.cfg.Logger.Info("upstream change not applied", "dossier", o.Change.Code, "seq", o.Change.Seq, "note", o.Note)
			}
		}
		sum.Changes += len(page.Changes)
		sum.Outcomes = append(sum.Outcomes, outcomes...)
		cursor, sum.Cursor = page.Cursor, page.Cursor
		if !page.More {
			return sum, nil
		}
	}
}

// Wake asks for a pull now (connectivity returned, the officer asked).
func (p *Puller) Wake() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Start pulls every Interval and on Wake until ctx ends or Stop.
func (p *Puller) Start(ctx context.Context) {
	ctx, p.cancel = context.WithCancel(ctx)
	p.done = make(chan struct{})
	go func() {
		defer close(p.done)
		timer := time.NewTimer(0)
		defer timer.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			case <-p.wake:
			}
			if _, err := p.Step(ctx); err != nil && ctx.Err() == nil {
				p.cfg.Logger.Warn("pull-back failed", "err", err)
			}
			timer.Reset(p.cfg.Interval)
		}
	}()
}

// Stop ends the loop.
func (p *Puller) Stop() {
	if p.cancel != nil {
		p.cancel()
		<-p.done
		p.cancel = nil
	}
}
