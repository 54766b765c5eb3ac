package syncing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"motcua"
	"motcua/app"
	"motcua/app/continuity"
	"motcua/sync/outbox"
	"motcua/sync/province"
)

// KeyPause is the settings key of the delivery pause. It lives in the
// station's database, not in a Runner, because the window's engine and the
// command line are different processes on the same file: a pause set by
// `motcua sync pause` or `motcua drill start` holds for the window too.
const KeyPause = "sync.pause"

// Pause says delivery to the province and pull-back are paused on purpose.
// While it holds, no message leaves and no change is read, whatever asks
// (the engine's loop, SendNow, SyncOnce); intake goes on and queues.
type Pause struct {
	Since  time.Time `json:"since"`
	By     string    `json:"by"`
	Reason string    `json:"reason,omitempty"`
	// Drill: the pause is a drill's simulated outage (DrillOutage).
	Drill   bool  `json:"drill,omitempty"`
	DrillID int64 `json:"drill_id,omitempty"`
}

// DrillReason is what the status says during a drill's simulated outage.
const DrillReason = "Diễn tập: đang mô phỏng mất kết nối tới hệ thống tỉnh"

// Text is the status line of the pause, in Vietnamese.
func (p *Pause) Text() string {
	if p.Drill {
		s := DrillReason
		if p.DrillID != 0 {
			s += fmt.Sprintf(" (diễn tập #%d)", p.DrillID)
		}
		return s + "; hồ sơ vẫn được tiếp nhận và xếp hàng chờ gửi"
	}
	s := fmt.Sprintf("Tạm dừng gửi lên hệ thống tỉnh từ %s (%s)", p.Since.In(motcua.Location).Format("15:04 02/01/2006"), p.By)
	if p.Reason != "" {
		s += ": " + p.Reason
	}
	return s + "; hồ sơ vẫn được tiếp nhận và xếp hàng. Gửi tiếp: motcua sync resume"
}

// Error codes of the pause.
const (
	ErrPaused    = "ERR_SYNC_PAUSED"     // delivery is paused
	ErrNotPaused = "ERR_SYNC_NOT_PAUSED" // resume asked, nothing is paused
)

func pausedErr(p *Pause) error {
	return motcua.Errorf(motcua.KindConflict, ErrPaused, "sync", "Việc gửi lên tỉnh đang tạm dừng — %[1]s",
		"delivery to the province is paused (since %[2]s, by %[3]s)", p.Text(), motcua.FormatTime(p.Since), p.By)
}

// LoadPause returns the pause in force, or nil.
func LoadPause(ctx context.Context, st app.SettingsStore) (*Pause, error) {
	v, _, err := st.Setting(ctx, KeyPause)
	if err != nil || v == "" {
		return nil, err
	}
	var p Pause
	if err := json.Unmarshal([]byte(v), &p); err != nil {
		// A value this build cannot read still means "paused": failing
		// open would send during a drill.
		return &Pause{By: "?", Reason: "thiết lập sync.pause không đọc được: " + err.Error()}, nil
	}
	return &p, nil
}

// SetPause pauses delivery; p.Since defaults to now. The change is
// audited.
//
// Errors: KindConflict ErrPaused (field "sync") when delivery is paused
// already — nothing is changed.
func SetPause(ctx context.Context, st app.SettingsStore, p Pause) error {
	cur, err := LoadPause(ctx, st)
	if err != nil {
		return err
	}
	if cur != nil {
		return pausedErr(cur)
	}
	return putPause(ctx, st, p)
}

// PauseAs is an officer's pause of delivery (the command line's `sync
// pause`): the sync permission (app.PermSync: leader or administrator),
// audited under by. Errors: app.ErrForbidden, then as SetPause.
func PauseAs(ctx context.Context, st app.SettingsStore, by app.Actor, reason string, since time.Time) error {
	if err := by.Allow(app.PermSync); err != nil {
		return err
	}
	return SetPause(ctx, st, Pause{By: by.Username, Reason: reason, Since: since})
}

// ResumeAs is an officer's resume (`sync resume`): app.PermSync, audited
// under by. Errors: app.ErrForbidden, then as ClearPause.
func ResumeAs(ctx context.Context, st app.SettingsStore, by app.Actor) (*Pause, error) {
	if err := by.Allow(app.PermSync); err != nil {
		return nil, err
	}
	return ClearPause(ctx, st, by.Username)
}

func putPause(ctx context.Context, st app.SettingsStore, p Pause) error {
	if p.Since.IsZero() {
		return errors.New("sync pause: the time it starts is not given")
	}
	p.Since = p.Since.In(motcua.Location)
	p.Reason = motcua.Clean(p.Reason)
	if p.By == "" {
		p.By = "system"
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return st.SetSetting(ctx, KeyPause, string(b), app.AuditEntry{Actor: p.By, Action: "sync.pause",
		Detail: p.Text()})
}

// ClearPause resumes delivery and returns the pause it ended. A running
// engine notices within its refresh interval and sends the backlog.
//
// Errors: KindConflict ErrNotPaused (field "sync") when nothing is paused —
// nothing is changed.
func ClearPause(ctx context.Context, st app.SettingsStore, by string) (*Pause, error) {
	cur, err := LoadPause(ctx, st)
	if err != nil {
		return nil, err
	}
	if cur == nil {
		return nil, motcua.Errorf(motcua.KindConflict, ErrNotPaused, "sync", "Việc gửi lên tỉnh không bị tạm dừng; không có gì để tiếp tục",
			"delivery to the province is not paused; nothing to resume")
	}
	if by == "" {
		by = "system"
	}
	if err := st.SetSetting(ctx, KeyPause, "", app.AuditEntry{Actor: by, Action: "sync.resume",
		Detail: "Tiếp tục gửi lên tỉnh; tạm dừng từ " + motcua.FormatTime(cur.Since)}); err != nil {
		return nil, err
	}
	return cur, nil
}

// Pause pauses this runner's delivery (SetPause) and updates its status at
// once. Errors as SetPause.
func (r *Runner) Pause(ctx context.Context, p Pause) error {
	if p.By == "" {
		p.By = r.opts.Actor
	}
	if p.Since.IsZero() {
		p.Since = r.opts.Clock.Now()
	}
	if err := SetPause(ctx, r.st, p); err != nil {
		return err
	}
	_, err := r.readPause(ctx)
	return err
}

// Resume ends the pause (ClearPause) and has the backlog sent at once.
// Errors as ClearPause.
func (r *Runner) Resume(ctx context.Context) (*Pause, error) {
	p, err := ClearPause(ctx, r.st, r.opts.Actor)
	if err != nil {
		return nil, err
	}
	_, err = r.readPause(ctx)
	return p, err
}

// PauseDelivery is app.Pauser: a pause by an officer from the window.
func (r *Runner) PauseDelivery(ctx context.Context, by, reason string) error {
	return r.Pause(ctx, Pause{By: by, Reason: reason})
}

// ResumeDelivery is app.Pauser: ends the pause in force (a drill's too,
// when the command that started it is gone) under the officer's name.
func (r *Runner) ResumeDelivery(ctx context.Context, by string) error {
	if _, err := ClearPause(ctx, r.st, by); err != nil {
		return err
	}
	_, err := r.readPause(ctx)
	return err
}

var _ app.Pauser = (*Runner)(nil)

// Paused returns the pause in force as last read, or nil.
func (r *Runner) Paused() *Pause {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pause == nil {
		return nil
	}
	p := *r.pause
	return &p
}

// readPause re-reads the pause from the settings (one indexed read: cheap
// enough before every delivery and pull step) and acts on a change made
// here or by another process: a new pause is published as offline; an
// ended one has the worker forget its backoff and the puller and the probe
// run at once, so the backlog drains.
func (r *Runner) readPause(ctx context.Context) (*Pause, error) {
	p, err := LoadPause(ctx, r.st)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	was := r.pause != nil
	r.pause = p
	r.mu.Unlock()
	now := p != nil
	if was == now {
		return p, nil
	}
	if now {
		r.log.Info("sync paused", "by", p.By, "drill", p.Drill, "reason", p.Reason)
	} else {
		r.log.Info("sync resumed")
		if r.Configured() {
			r.worker.Reconnected()
			r.puller.Wake()
			r.mon.Recheck()
		}
	}
	r.poke()
	return p, nil
}

// pausable is the queue as the worker sees it: empty while delivery is
// paused, so neither the engine's loop nor SendNow nor SyncOnce sends.
// (Bundles read the queue directly: a USB bundle is still possible.)
type pausable struct {
	*recorder
	r *Runner
}

func (q pausable) Pending(ctx context.Context, after int64, limit int) ([]outbox.Message, error) {
	p, err := q.r.readPause(ctx)
	if err != nil {
		return nil, err
	}
	if p != nil {
		return nil, nil
	}
	return q.recorder.Pending(ctx, after, limit)
}

// pausedFeed is the province as the puller sees it: no changes while
// paused.
type pausedFeed struct {
	province.Adapter
	r *Runner
}

func (a pausedFeed) Changes(ctx context.Context, cursor string, limit int) (province.Page, error) {
	p, err := a.r.readPause(ctx)
	if err != nil {
		return province.Page{}, err
	}
	if p != nil {
		return province.Page{Cursor: cursor}, nil
	}
	return a.Adapter.Changes(ctx, cursor, limit)
}

// DrillOutage is the simulated outage of a drill (continuity.Outage):
// Begin pauses delivery — the status says offline, Simulated — and End
// resumes it and wakes the engine so the backlog drains. Both are
// idempotent: Begin takes over a pause already in force, End of nothing
// paused is not an error (an officer may have resumed by hand).
func (r *Runner) DrillOutage() continuity.Outage { return drillOutage{r} }

type drillOutage struct{ r *Runner }

func (o drillOutage) Begin(ctx context.Context) error {
	if err := putPause(ctx, o.r.st, Pause{By: o.r.opts.Actor, Reason: "diễn tập", Drill: true, Since: o.r.opts.Clock.Now()}); err != nil {
		return err
	}
	_, err := o.r.readPause(ctx)
	return err
}

func (o drillOutage) End(ctx context.Context) error {
	if _, err := ClearPause(ctx, o.r.st, o.r.opts.Actor); err != nil && motcua.ErrorKind(err) != motcua.KindConflict {
		return err
	}
	_, err := o.r.readPause(ctx)
	return err
}

// ProvinceCheck confirms arrival at the province (continuity.ProvinceCheck)
// by looking each dossier up (TraCuuHoSo) through this runner's client. It
// is not held by a pause: a drill checks after its outage ends.
func (r *Runner) ProvinceCheck() continuity.ProvinceCheck { return provinceCheck{r} }

type provinceCheck struct{ r *Runner }

// Missing returns the codes the province does not hold. Errors:
// ErrUnconfigured; the first look-up failure other than "not found".
func (c provinceCheck) Missing(ctx context.Context, codes []string) ([]string, error) {
	if !c.r.Configured() {
		if c.r.cfgErr != nil {
			return nil, c.r.cfgErr
		}
		return nil, ErrUnconfigured
	}
	missing := []string{}
	for _, code := range codes {
		_, err := c.r.client.Lookup(ctx, code)
		if err == nil {
			continue
		}
		if province.Classify(err) == province.NotFound {
			missing = append(missing, code)
			continue
		}
		return missing, fmt.Errorf("tra cứu hồ sơ %s tại tỉnh: %w", code, err)
	}
	return missing, nil
}
