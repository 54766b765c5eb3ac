package continuity

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"motcua"
	"motcua/app"
)

// EventKind says what changed.
type EventKind string

const (
	EventIncidentOpened  EventKind = "incident.opened"
	EventIncidentUpdated EventKind = "incident.updated"
	EventIncidentClosed  EventKind = "incident.closed"
	EventDrill           EventKind = "drill"
	EventBackup          EventKind = "backup"
	EventDisk            EventKind = "disk"
)

// Event is published to subscribers (the window's banner and screens).
type Event struct {
	Kind     EventKind
	Incident *Incident // incident events
	Message  string    // one Vietnamese sentence for a banner or a toast
	Level    Level
}

// Level grades an event for display.
type Level int

const (
	LevelInfo Level = iota
	LevelWarning
	LevelCritical
)

// Service carries out the continuity plan: the incident register, runbooks,
// drills, paper fallback and personal-data duties. Backups live in
// BackupService (they run when the database is closed, too).
type Service struct {
	App   *app.Service // identity, calendar, catalogue, dossiers
	Store Store
	Clock app.Clock
	// RiskHorizon: an active dossier due within this many working hours of
	// the report is "at risk". Default one working day.
	RiskHorizon time.Duration

	mu       sync.Mutex
	runbooks *RunbookSet
	subs     map[int]func(Event)
	nextSub  int
}

// New builds the service and loads the runbooks (the province's imported
// set over the embedded defaults).
func New(ctx context.Context, a *app.Service, st Store) (*Service, error) {
	s := &Service{App: a, Store: st, Clock: a.Clock, subs: map[int]func(Event){}}
	if s.Clock == nil {
		s.Clock = app.SystemClock{}
	}
	rb, err := LoadRunbooks(ctx, st)
	if err != nil {
		return nil, err
	}
	s.runbooks = rb
	return s, nil
}

func (s *Service) now() time.Time { return s.Clock.Now().In(motcua.Location) }

func (s *Service) horizon() time.Duration {
	if s.RiskHorizon > 0 {
		return s.RiskHorizon
	}
	if s.App != nil && s.App.Calendar != nil {
		return s.App.Calendar.WorkingHoursPerDay()
	}
	return 8 * time.Hour
}

// Subscribe calls fn on every event until cancel is called. fn runs on the
// goroutine that caused the event: UI code must hop with fyne.Do.
func (s *Service) Subscribe(fn func(Event)) (cancel func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextSub
	s.nextSub++
	s.subs[id] = fn
	return func() {
		s.mu.Lock()
		delete(s.subs, id)
		s.mu.Unlock()
	}
}

func (s *Service) publish(e Event) {
	s.mu.Lock()
	fns := make([]func(Event), 0, len(s.subs))
	for _, fn := range s.subs {
		fns = append(fns, fn)
	}
	s.mu.Unlock()
	for _, fn := range fns {
		fn(e)
	}
}

// Runbooks returns the runbooks in use.
func (s *Service) Runbooks() *RunbookSet {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.runbooks
}

// OpenRequest declares an incident.
type OpenRequest struct {
	Scenario  Scenario
	Severity  Severity  // 0: the runbook's default for the scenario
	Title     string    // "": the scenario's name
	StartedAt time.Time // zero: now; earlier when declared after the fact
	By        string
	Note      string // first timeline entry, optional
	Source    Source // "": manual
}

// Open declares an incident and returns it.
//
// Errors: KindInvalid ErrBadScenario, ErrBadSeverity, or a start in the
// future; KindConflict motcua.ErrDuplicate for a second automatic incident.
func (s *Service) Open(ctx context.Context, r OpenRequest) (*Incident, error) {
	if !r.Scenario.Valid() {
		if _, err := ParseScenario(string(r.Scenario)); err != nil {
			return nil, err
		}
	}
	rb := s.Runbooks().For(r.Scenario)
	if r.Severity == 0 {
		r.Severity = rb.Severity
	}
	if !r.Severity.Valid() {
		return nil, motcua.Invalid(ErrBadSeverity, "severity", "Mức độ %d không hợp lệ: 1 thấp, 2 trung bình, 3 cao, 4 nghiêm trọng",
			"severity %d is invalid: 1 low, 2 medium, 3 high, 4 critical", int(r.Severity))
	}
	now := s.now()
	start := r.StartedAt
	if start.IsZero() {
		start = now
	}
	start = start.In(motcua.Location).Truncate(time.Second)
	if start.After(now.Add(time.Minute)) {
		return nil, motcua.Invalid(motcua.ErrBadValue, "started_at", "Thời điểm bắt đầu sự cố %s ở tương lai",
			"the incident start %s is in the future", motcua.FormatTime(start))
	}
	if r.Source == "" {
		r.Source = SourceManual
	}
	by := actor(r.By)
	inc := &Incident{Scenario: r.Scenario, Severity: r.Severity, Title: motcua.Clean(r.Title), Source: r.Source,
		StartedAt: start, DeclaredBy: by}
	if inc.Title == "" {
		inc.Title = r.Scenario.Name()
	}
	inc.Log = append(inc.Log, LogEntry{At: now, Actor: by, Kind: LogState,
		Text: fmt.Sprintf("Mở sự cố «%s», mức độ %s (%s)", inc.Title, inc.Severity.Name(), inc.Source.Name())})
	if note := motcua.Clean(r.Note); note != "" {
		inc.Log = append(inc.Log, LogEntry{At: now, Actor: by, Kind: LogNote, Text: note})
	}
	a := app.AuditEntry{At: now, Actor: by, Action: "incident.open",
		Detail: fmt.Sprintf("%s; mức %d; %s; bắt đầu %s", inc.Scenario, inc.Severity, inc.Source, motcua.FormatTime(start))}
	if err := s.Store.CreateIncident(ctx, inc, a); err != nil {
		return nil, err
	}
	s.publish(Event{Kind: EventIncidentOpened, Incident: inc, Level: levelOf(inc.Severity),
		Message: fmt.Sprintf("Đang có sự cố #%d: %s — làm theo kịch bản ứng phó", inc.ID, inc.Title)})
	return inc, nil
}

func levelOf(sv Severity) Level {
	if sv >= SeverityHigh {
		return LevelCritical
	}
	return LevelWarning
}

// SystemActor is the station itself: the watcher that declares and closes
// an incident on its own (network lost, then back). Only code in this
// process acts as it; no flag or window names it.
var SystemActor = app.Actor{Username: "system", Role: app.RoleAdmin}

// allow checks that by may lead the continuity plan (app/authz.go's policy,
// the same for the window and the command line).
func allow(by app.Actor, p app.Perm) error { return by.Allow(p) }

func actor(by string) string {
	if by = motcua.Clean(by); by == "" {
		return "system"
	}
	return by
}

// Get returns an incident with its timeline.
func (s *Service) Get(ctx context.Context, id int64) (*Incident, error) {
	return s.Store.Incident(ctx, id)
}

// List returns the register, newest first.
func (s *Service) List(ctx context.Context, f IncidentFilter) ([]*Incident, error) {
	return s.Store.Incidents(ctx, f)
}

// OpenIncidents returns the incidents still going on (the banner).
func (s *Service) OpenIncidents(ctx context.Context) ([]*Incident, error) {
	return s.Store.Incidents(ctx, IncidentFilter{OpenOnly: true})
}

// Record adds one timeline entry — an action taken, a note, a person
// notified — to an open incident and returns the updated incident.
//
// Errors: KindInvalid when the text (or, for a notification, the contact)
// is empty; KindNotFound; KindConflict ErrIncidentClosed.
func (s *Service) Record(ctx context.Context, id int64, e LogEntry) (*Incident, error) {
	e.Text, e.Contact, e.Channel = motcua.Clean(e.Text), motcua.Clean(e.Contact), motcua.Clean(e.Channel)
	e.Actor = actor(e.Actor)
	if e.At.IsZero() {
		e.At = s.now()
	}
	if e.At.After(s.now().Add(time.Minute)) {
		return nil, motcua.Invalid(motcua.ErrBadValue, "at", "Thời điểm %s ở tương lai", "time %s is in the future", motcua.FormatTime(e.At))
	}
	switch e.Kind {
	case LogAction, LogNote, LogState:
		if e.Text == "" {
			return nil, motcua.Invalid(motcua.ErrRequired, "text", "Chưa ghi nội dung", "the text is missing")
		}
	case LogNotify:
		if e.Contact == "" {
			return nil, motcua.Invalid(motcua.ErrRequired, "contact", "Chưa ghi đã báo cho ai", "who was notified is missing")
		}
		if e.Text == "" {
			e.Text = "Đã thông báo cho " + e.Contact
			if e.Channel != "" {
				e.Text += " (" + e.Channel + ")"
			}
		}
	default:
		return nil, motcua.Invalid(motcua.ErrBadValue, "kind", "Loại ghi chép «%s» không hợp lệ", "invalid entry kind %q", e.Kind)
	}
	return s.appendLog(ctx, id, "incident."+string(e.Kind), e)
}

func (s *Service) appendLog(ctx context.Context, id int64, action string, entries ...LogEntry) (*Incident, error) {
	a := app.AuditEntry{At: s.now(), Actor: entries[0].Actor, Action: action, Subject: fmt.Sprintf("incident#%d", id),
		Detail: entries[0].Text}
	if err := s.Store.AppendIncidentLog(ctx, id, entries, a); err != nil {
		return nil, err
	}
	inc, err := s.Store.Incident(ctx, id)
	if err != nil {
		return nil, err
	}
	s.publish(Event{Kind: EventIncidentUpdated, Incident: inc, Level: levelOf(inc.Severity)})
	return inc, nil
}

// TickStep marks a runbook step of the incident's scenario as done (or,
// with done false, withdraws the tick); the time is recorded.
//
// Errors: KindInvalid ErrUnknownStep; KindNotFound; KindConflict ErrIncidentClosed.
func (s *Service) TickStep(ctx context.Context, id int64, stepID, by string, done bool) (*Incident, error) {
	inc, err := s.Store.Incident(ctx, id)
	if err != nil {
		return nil, err
	}
	if !inc.Open() {
		return nil, closedErr(inc)
	}
	rb := s.Runbooks().For(inc.Scenario)
	step, ok := rb.Step(stepID)
	if !ok {
		return nil, motcua.Invalid(ErrUnknownStep, "step", "Kịch bản «%s» không có bước «%s» (các bước: %s)",
			"runbook %q has no step %q (steps: %s)", rb.Scenario, stepID, strings.Join(rb.StepIDs(), ", "))
	}
	e := LogEntry{At: s.now(), Actor: actor(by), Kind: LogStep, StepID: step.ID, Text: "Đã làm: " + step.Title}
	if !done {
		e.Kind, e.Text = LogUnstep, "Bỏ đánh dấu: "+step.Title
	}
	return s.appendLog(ctx, id, "incident."+string(e.Kind), e)
}

func closedErr(inc *Incident) error { return ClosedError(inc.ID, inc.EndedAt, inc.ClosedBy) }

// ClosedError is the error for a change to a closed incident (stores
// return it too).
func ClosedError(id int64, ended time.Time, by string) error {
	return motcua.Errorf(motcua.KindConflict, ErrIncidentClosed, "incident",
		"Sự cố #%d đã đóng lúc %s (bởi %s); không thay đổi được nữa",
		"incident #%d was closed at %s (by %s); it cannot change any more", id, motcua.FormatTime(ended), by)
}

// CloseRequest ends an incident.
type CloseRequest struct {
	By      app.Actor // PermContinuity (SystemActor for the watcher's own incidents)
	Summary string    // required for a manual close
	EndedAt time.Time // zero: now
}

// Close ends an incident with its closing summary, computing and keeping
// the reconciliation report of the dossiers received during it.
//
// Errors: KindInvalid when the summary is missing or the end is before the
// start; KindNotFound; KindConflict ErrIncidentClosed when already closed
// (nothing changes).
func (s *Service) Close(ctx context.Context, id int64, r CloseRequest) (*Incident, error) {
	if err := allow(r.By, app.PermContinuity); err != nil {
		return nil, err
	}
	inc, err := s.Store.Incident(ctx, id)
	if err != nil {
		return nil, err
	}
	if !inc.Open() {
		return nil, closedErr(inc)
	}
	now := s.now()
	end := r.EndedAt
	if end.IsZero() {
		end = now
	}
	end = end.In(motcua.Location)
	if end.Before(inc.StartedAt) {
		return nil, motcua.Invalid(motcua.ErrBadValue, "ended_at", "Thời điểm kết thúc %s trước thời điểm bắt đầu %s",
			"the end %s is before the start %s", motcua.FormatTime(end), motcua.FormatTime(inc.StartedAt))
	}
	if end.After(now.Add(time.Minute)) {
		return nil, motcua.Invalid(motcua.ErrBadValue, "ended_at", "Thời điểm kết thúc %s ở tương lai", "the end %s is in the future", motcua.FormatTime(end))
	}
	summary := motcua.Clean(r.Summary)
	if summary == "" {
		return nil, motcua.Invalid(motcua.ErrRequired, "summary", "Chưa ghi tóm tắt khi đóng sự cố (nguyên nhân, đã xử lý thế nào, ảnh hưởng)",
			"the closing summary is missing (cause, what was done, impact)")
	}
	// The window includes the closing second (receipt times are whole seconds).
	rec, err := s.Reconcile(ctx, inc.StartedAt, end.Truncate(time.Second).Add(time.Second))
	if err != nil {
		return nil, err
	}
	rec.Final = true
	by := actor(r.By.Username)
	c := Closing{EndedAt: end, ClosedBy: by, Summary: summary, Reconciliation: rec,
		Log: []LogEntry{{At: now, Actor: by, Kind: LogState, Text: fmt.Sprintf(
			"Đóng sự cố; %d hồ sơ tiếp nhận trong thời gian sự cố: %d đã chuyển lên tỉnh, %d đang chờ, %d bị trả lại, %d có nguy cơ trễ hạn",
			rec.Received, rec.Delivered, rec.Pending, rec.Quarantined, rec.AtRisk+rec.Late)}}}
	a := app.AuditEntry{At: now, Actor: by, Action: "incident.close", Subject: fmt.Sprintf("incident#%d", id),
		Detail: fmt.Sprintf("kết thúc %s; %d hồ sơ", motcua.FormatTime(end), rec.Received)}
	if err := s.Store.CloseIncident(ctx, id, c, a); err != nil {
		return nil, err
	}
	inc, err = s.Store.Incident(ctx, id)
	if err != nil {
		return nil, err
	}
	s.publish(Event{Kind: EventIncidentClosed, Incident: inc, Level: LevelInfo,
		Message: fmt.Sprintf("Đã đóng sự cố #%d sau %s", inc.ID, FormatDuration(inc.Duration(now)))})
	return inc, nil
}

// FormatDuration renders d as "2 giờ 05 phút" (or "45 giây" when short).
func FormatDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	if d < time.Minute {
		return fmt.Sprintf("%d giây", int(d.Seconds()))
	}
	m := int(d.Round(time.Minute).Minutes())
	switch {
	case m < 60:
		return fmt.Sprintf("%d phút", m)
	case m < 24*60:
		return fmt.Sprintf("%d giờ %02d phút", m/60, m%60)
	}
	return fmt.Sprintf("%d ngày %d giờ %02d phút", m/(24*60), m%(24*60)/60, m%60)
}
