package continuity

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"motcua"
	"motcua/app"
)

// DrillStatus is where a drill is in its life.
type DrillStatus string

const (
	DrillScheduled DrillStatus = "scheduled"
	DrillRunning   DrillStatus = "running"
	DrillDone      DrillStatus = "done"
	DrillCancelled DrillStatus = "cancelled"
)

// Drill is an exercise of one scenario's runbook. A running drill has an
// incident (source "drill") whose timeline holds the step ticks; with
// Simulate, the sync engine is put into a simulated outage meanwhile.
type Drill struct {
	ID           int64        `json:"id"`
	Scenario     Scenario     `json:"scenario"`
	Status       DrillStatus  `json:"status"`
	Simulate     bool         `json:"simulate"`
	ScheduledFor time.Time    `json:"scheduled_for,omitzero"`
	IncidentID   int64        `json:"incident_id,omitempty"`
	StartedAt    time.Time    `json:"started_at,omitzero"`
	EndedAt      time.Time    `json:"ended_at,omitzero"`
	ConductedBy  string       `json:"conducted_by,omitempty"`
	Result       *DrillResult `json:"result,omitempty"`
}

// DrillResult is what a drill measured.
type DrillResult struct {
	Steps     []ReportStep `json:"steps"`
	StepsDone int          `json:"steps_done"`
	// Dossiers received during the drill and what became of them.
	Received    int      `json:"received"`
	Delivered   int      `json:"delivered"`
	Pending     int      `json:"pending"`
	Quarantined int      `json:"quarantined"`
	Missing     []string `json:"missing"` // expected codes not in the database, or not at the province
	// Delivery was checked (an engine ran); else only the local queue was.
	DeliveryChecked bool            `json:"delivery_checked"`
	OutageFrom      time.Time       `json:"outage_from,omitzero"`
	OutageTo        time.Time       `json:"outage_to,omitzero"`
	DrainedAt       time.Time       `json:"drained_at,omitzero"`
	DrainSeconds    float64         `json:"drain_seconds,omitempty"`
	OK              bool            `json:"ok"`
	Findings        []string        `json:"findings"`
	Reconciliation  *Reconciliation `json:"reconciliation,omitempty"`
}

// Line is a one-line description for lists and the printed plan.
func (d *Drill) Line() string {
	sc := d.Scenario.Name()
	switch d.Status {
	case DrillScheduled:
		return fmt.Sprintf("Diễn tập #%d «%s»: dự kiến %s", d.ID, sc, vnTime(d.ScheduledFor))
	case DrillRunning:
		return fmt.Sprintf("Diễn tập #%d «%s»: đang diễn ra từ %s", d.ID, sc, vnTime(d.StartedAt))
	case DrillCancelled:
		return fmt.Sprintf("Diễn tập #%d «%s»: đã huỷ", d.ID, sc)
	}
	res := "đạt"
	if d.Result != nil && !d.Result.OK {
		res = "chưa đạt"
	}
	steps := ""
	if d.Result != nil {
		steps = fmt.Sprintf(", %d/%d bước, %d hồ sơ trong lúc diễn tập", d.Result.StepsDone, len(d.Result.Steps), d.Result.Received)
	}
	return fmt.Sprintf("Diễn tập #%d «%s»: %s – %s (%s)%s, kết quả: %s", d.ID, sc, vnTime(d.StartedAt), vnTime(d.EndedAt),
		FormatDuration(d.EndedAt.Sub(d.StartedAt)), steps, res)
}

// DrillStore keeps drills.
type DrillStore interface {
	// CreateDrill stores d and sets d.ID.
	CreateDrill(ctx context.Context, d *Drill, a app.AuditEntry) error
	// SaveDrill updates status, incident, times, conductor and result of a
	// stored drill. Errors: KindNotFound.
	SaveDrill(ctx context.Context, d *Drill, a app.AuditEntry) error
	// Drill returns one drill. Errors: KindNotFound.
	Drill(ctx context.Context, id int64) (*Drill, error)
	// Drills lists drills, newest first.
	Drills(ctx context.Context, limit int) ([]*Drill, error)
}

// Outage puts the sync engine into a simulated outage for a drill: while
// it lasts nothing reaches the province and the status feed says offline,
// exactly as in a real outage; intake goes on.
type Outage interface {
	Begin(ctx context.Context) error
	End(ctx context.Context) error
}

// ProvinceCheck confirms at the province that dossiers arrived (the
// engine implements it with TraCuuHoSo); it returns the codes the province
// does not hold.
type ProvinceCheck interface {
	Missing(ctx context.Context, codes []string) ([]string, error)
}

// ScheduleDrill records a drill planned for a time.
func (s *Service) ScheduleDrill(ctx context.Context, sc Scenario, at time.Time, simulate bool, by app.Actor) (*Drill, error) {
	if err := allow(by, app.PermContinuity); err != nil {
		return nil, err
	}
	if _, err := ParseScenario(string(sc)); err != nil {
		return nil, err
	}
	if at.Before(s.now()) {
		return nil, motcua.Invalid(motcua.ErrBadValue, "at", "Thời điểm diễn tập %s đã qua", "the drill time %s has passed", motcua.FormatTime(at))
	}
	d := &Drill{Scenario: sc, Status: DrillScheduled, Simulate: simulate, ScheduledFor: at.In(motcua.Location)}
	a := app.AuditEntry{At: s.now(), Actor: actor(by.Username), Action: "drill.schedule", Detail: fmt.Sprintf("%s; %s", sc, motcua.FormatTime(at))}
	if err := s.Store.CreateDrill(ctx, d, a); err != nil {
		return nil, err
	}
	return d, nil
}

// Drills lists drills, newest first.
func (s *Service) Drills(ctx context.Context, limit int) ([]*Drill, error) {
	return s.Store.Drills(ctx, limit)
}

// DueDrills returns scheduled drills whose time has come (the window
// reminds the officer).
func (s *Service) DueDrills(ctx context.Context) ([]*Drill, error) {
	all, err := s.Store.Drills(ctx, 100)
	if err != nil {
		return nil, err
	}
	var out []*Drill
	for _, d := range all {
		if d.Status == DrillScheduled && !d.ScheduledFor.After(s.now()) {
			out = append(out, d)
		}
	}
	return out, nil
}

// StartRequest starts a drill: a scheduled one (ID) or a new one (Scenario).
type StartRequest struct {
	ID       int64
	Scenario Scenario
	Simulate bool // put the engine into a simulated outage (needs Outage)
	// Tabletop runs the drill without a simulated outage even if it was
	// scheduled with one: no province is configured, so there is no
	// delivery to pause (the caller says so to the officer).
	Tabletop bool
	By       app.Actor // PermContinuity
	Outage   Outage
}

// StartDrill opens the drill's incident and, when asked, begins the
// simulated outage.
//
// Errors: KindInvalid ErrBadScenario; KindConflict ErrDrillState when the
// drill is not scheduled.
func (s *Service) StartDrill(ctx context.Context, r StartRequest) (*Drill, error) {
	if err := allow(r.By, app.PermContinuity); err != nil {
		return nil, err
	}
	by := actor(r.By.Username)
	now := s.now()
	var d *Drill
	if r.ID != 0 {
		var err error
		if d, err = s.Store.Drill(ctx, r.ID); err != nil {
			return nil, err
		}
		if d.Status != DrillScheduled {
			return nil, drillState(d, "bắt đầu", "start")
		}
		d.Simulate = d.Simulate || r.Simulate
	} else {
		if _, err := ParseScenario(string(r.Scenario)); err != nil {
			return nil, err
		}
		d = &Drill{Scenario: r.Scenario, Status: DrillScheduled, Simulate: r.Simulate, ScheduledFor: now}
	}
	if r.Tabletop {
		d.Simulate = false
	}
	if d.Simulate && r.Outage == nil {
		return nil, motcua.Invalid(ErrDrillState, "simulate", "Không có bộ đồng bộ đang chạy để mô phỏng mất kết nối; diễn tập không mô phỏng (bỏ --simulate) hoặc chạy trong cửa sổ ứng dụng",
			"no running sync engine to simulate an outage with; run the drill without --simulate or from the window")
	}
	if d.ID == 0 {
		if err := s.Store.CreateDrill(ctx, d, app.AuditEntry{At: now, Actor: by, Action: "drill.create", Detail: string(r.Scenario)}); err != nil {
			return nil, err
		}
	}
	inc, err := s.Open(ctx, OpenRequest{Scenario: d.Scenario, Source: SourceDrill, By: by, StartedAt: now,
		Title: "Diễn tập: " + s.Runbooks().For(d.Scenario).Title,
		Note:  fmt.Sprintf("Bắt đầu diễn tập #%d%s", d.ID, map[bool]string{true: "; mô phỏng mất kết nối tới tỉnh", false: ""}[d.Simulate])})
	if err != nil {
		return nil, err
	}
	d.Status, d.IncidentID, d.StartedAt, d.ConductedBy = DrillRunning, inc.ID, now, by
	if err := s.Store.SaveDrill(ctx, d, app.AuditEntry{At: now, Actor: by, Action: "drill.start", Subject: fmt.Sprintf("drill#%d", d.ID)}); err != nil {
		return nil, err
	}
	if d.Simulate {
		if err := r.Outage.Begin(ctx); err != nil {
			return nil, fmt.Errorf("mô phỏng mất kết nối: %w", err)
		}
		if _, err := s.appendLog(ctx, inc.ID, "drill.outage", LogEntry{At: s.now(), Actor: "system", Kind: LogState,
			Text: "Bắt đầu mô phỏng mất kết nối: bộ đồng bộ ngừng gửi lên tỉnh"}); err != nil {
			return nil, err
		}
	}
	s.publish(Event{Kind: EventDrill, Incident: inc, Level: LevelInfo, Message: fmt.Sprintf("Đang diễn tập #%d: %s", d.ID, d.Scenario.Name())})
	return d, nil
}

func drillState(d *Drill, vi, en string) error {
	return motcua.Errorf(motcua.KindConflict, ErrDrillState, "drill", "Diễn tập #%[1]d đang ở trạng thái «%[2]s», không %[3]s được",
		"drill #%[1]d is %[2]s; cannot %[4]s it", d.ID, d.Status, vi, en)
}

// FinishRequest ends a drill.
type FinishRequest struct {
	By       app.Actor     // PermContinuity
	Outage   Outage        // ends the simulated outage
	Province ProvinceCheck // confirms arrival at the province; nil: local queue only
	// Expected are codes the drill knows were accepted during it (a test,
	// or the window counting its own intakes): each must be found.
	Expected []string
	// DrainTimeout bounds the wait for the backlog after the outage ends;
	// default 2 minutes. Poll is the check period (default 1 s).
	DrainTimeout time.Duration
	Poll         time.Duration
	Notes        string
}

// FinishDrill ends the simulated outage, waits for the backlog to drain,
// checks that every dossier received during the drill is stored (and
// delivered, when an engine ran), closes the drill incident and records the
// result.
func (s *Service) FinishDrill(ctx context.Context, id int64, r FinishRequest) (*Drill, error) {
	if err := allow(r.By, app.PermContinuity); err != nil {
		return nil, err
	}
	d, err := s.Store.Drill(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.Status != DrillRunning {
		return nil, drillState(d, "kết thúc", "finish")
	}
	by := actor(r.By.Username)
	res := &DrillResult{Findings: []string{}, Missing: []string{}}
	if d.Simulate && r.Outage != nil {
		res.OutageFrom = d.StartedAt
		if err := r.Outage.End(ctx); err != nil {
			return nil, fmt.Errorf("kết thúc mô phỏng: %w", err)
		}
		res.OutageTo = s.now()
		if _, err := s.appendLog(ctx, d.IncidentID, "drill.outage", LogEntry{At: res.OutageTo, Actor: "system", Kind: LogState,
			Text: "Kết thúc mô phỏng mất kết nối; chờ gửi hết hàng đợi"}); err != nil {
			return nil, err
		}
	}
	checkDelivery := d.Simulate || r.Province != nil
	res.DeliveryChecked = checkDelivery
	// Receipt times are kept to the second: a dossier taken in the drill's
	// first second is the drill's.
	from := d.StartedAt.Truncate(time.Second)
	var rec *Reconciliation
	timeout, poll := r.DrainTimeout, r.Poll
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	if poll <= 0 {
		poll = time.Second
	}
	waited := motcua.StartStopwatch() // durations are measured on the real clock
	for {
		if rec, err = s.Reconcile(ctx, from, s.now().Add(time.Second)); err != nil {
			return nil, err
		}
		if !checkDelivery || rec.Pending == 0 || waited.Elapsed() > timeout {
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(poll):
		}
	}
	if checkDelivery && rec.Pending == 0 {
		res.DrainedAt = s.now()
		res.DrainSeconds = waited.Elapsed().Seconds()
	}
	rec.Final = true
	res.Reconciliation = rec
	res.Received, res.Delivered, res.Pending, res.Quarantined = rec.Received, rec.Delivered, rec.Pending, rec.Quarantined
	have := map[string]bool{}
	var codes []string
	for _, l := range rec.Lines {
		have[l.Code] = true
		codes = append(codes, l.Code)
	}
	for _, c := range r.Expected {
		if !have[c] {
			res.Missing = append(res.Missing, c)
			res.Findings = append(res.Findings, "Hồ sơ "+c+" tiếp nhận trong lúc diễn tập không có trong cơ sở dữ liệu")
		}
	}
	if r.Province != nil && len(codes) > 0 {
		missing, err := r.Province.Missing(ctx, codes)
		if err != nil {
			res.Findings = append(res.Findings, "Không kiểm tra được với hệ thống tỉnh: "+err.Error())
		}
		for _, c := range missing {
			res.Missing = append(res.Missing, c)
			res.Findings = append(res.Findings, "Hệ thống tỉnh chưa có hồ sơ "+c)
		}
	}
	if checkDelivery && rec.Pending > 0 {
		res.Findings = append(res.Findings, fmt.Sprintf("Sau %s vẫn còn %d hồ sơ chưa gửi được lên tỉnh", FormatDuration(timeout), rec.Pending))
	}
	if rec.Quarantined > 0 {
		res.Findings = append(res.Findings, fmt.Sprintf("%d hồ sơ bị tỉnh trả lại, cần sửa", rec.Quarantined))
	}
	if !checkDelivery {
		res.Findings = append(res.Findings, "Không có bộ đồng bộ chạy cùng: chỉ kiểm tra hồ sơ còn đủ trong hàng đợi trên máy, chưa kiểm tra việc gửi lên tỉnh")
	}
	rep, err := s.Report(ctx, d.IncidentID)
	if err != nil {
		return nil, err
	}
	res.Steps = rep.Steps
	for _, st := range rep.Steps {
		if !st.DoneAt.IsZero() {
			res.StepsDone++
		} else {
			res.Findings = append(res.Findings, "Chưa làm bước: "+st.Title)
		}
		if st.Late && !st.DoneAt.IsZero() {
			res.Findings = append(res.Findings, fmt.Sprintf("Bước «%s» làm sau %d phút, quá mục tiêu %d phút", st.Title, st.AfterMinutes, st.TargetMinutes))
		}
	}
	res.OK = len(res.Missing) == 0 && (!checkDelivery || rec.Pending == 0) && res.StepsDone == len(res.Steps)
	if n := motcua.Clean(r.Notes); n != "" {
		res.Findings = append(res.Findings, "Ghi chú: "+n)
	}
	summary := fmt.Sprintf("Kết thúc diễn tập #%d: %d/%d bước; %d hồ sơ tiếp nhận trong lúc diễn tập, %d đã chuyển lên tỉnh, không mất hồ sơ nào.",
		d.ID, res.StepsDone, len(res.Steps), res.Received, res.Delivered)
	if len(res.Missing) > 0 {
		summary = fmt.Sprintf("Kết thúc diễn tập #%d: PHÁT HIỆN %d hồ sơ không tìm thấy: %s", d.ID, len(res.Missing), strings.Join(res.Missing, ", "))
	}
	if _, err := s.Close(ctx, d.IncidentID, CloseRequest{By: r.By, Summary: summary}); err != nil {
		return nil, err
	}
	d.Status, d.EndedAt, d.Result = DrillDone, s.now(), res
	if err := s.Store.SaveDrill(ctx, d, app.AuditEntry{At: s.now(), Actor: by, Action: "drill.finish", Subject: fmt.Sprintf("drill#%d", d.ID),
		Detail: fmt.Sprintf("ok=%v; %d hồ sơ; %d thiếu", res.OK, res.Received, len(res.Missing))}); err != nil {
		return nil, err
	}
	s.publish(Event{Kind: EventDrill, Level: LevelInfo, Message: d.Line()})
	return d, nil
}

// CancelDrill cancels a scheduled drill, or a running one (ending its
// outage and closing its incident).
func (s *Service) CancelDrill(ctx context.Context, id int64, by app.Actor, outage Outage) (*Drill, error) {
	if err := allow(by, app.PermContinuity); err != nil {
		return nil, err
	}
	d, err := s.Store.Drill(ctx, id)
	if err != nil {
		return nil, err
	}
	switch d.Status {
	case DrillScheduled:
	case DrillRunning:
		if d.Simulate && outage != nil {
			if err := outage.End(ctx); err != nil {
				return nil, err
			}
		}
		if _, err := s.Close(ctx, d.IncidentID, CloseRequest{By: by, Summary: fmt.Sprintf("Huỷ diễn tập #%d", d.ID)}); err != nil {
			return nil, err
		}
	default:
		return nil, drillState(d, "huỷ", "cancel")
	}
	d.Status, d.EndedAt = DrillCancelled, s.now()
	if err := s.Store.SaveDrill(ctx, d, app.AuditEntry{At: s.now(), Actor: actor(by.Username), Action: "drill.cancel", Subject: fmt.Sprintf("drill#%d", d.ID)}); err != nil {
		return nil, err
	}
	return d, nil
}

// DrillReportPDF draws the drill report: what was exercised, how long each
// step took against its target, and whether any dossier was lost.
func (s *Service) DrillReportPDF(ctx context.Context, w io.Writer, id int64) error {
	d, err := s.Store.Drill(ctx, id)
	if err != nil {
		return err
	}
	if d.Status != DrillDone || d.Result == nil {
		return drillState(d, "lập báo cáo", "report on")
	}
	res := d.Result
	now := s.now()
	name := s.agencyName(ctx)
	doc := newDoc(fmt.Sprintf("Báo cáo diễn tập #%d", d.ID), fmt.Sprintf("Báo cáo diễn tập #%d — %s — lập lúc %s bằng Một Cửa", d.ID, name, vnTime(now)), false, now)
	doc.officialHeader(name, "Bộ phận Một cửa", placeOf(name), now)
	doc.title("Báo cáo diễn tập ứng phó sự cố")
	doc.subtitle(fmt.Sprintf("Diễn tập #%d: %s", d.ID, s.Runbooks().For(d.Scenario).Title))
	doc.heading("I. Thông tin chung")
	verdict := "ĐẠT: các bước đã làm đủ, không mất hồ sơ nào"
	if !res.OK {
		verdict = "CHƯA ĐẠT: xem các phát hiện ở mục IV"
	}
	outage := "Không mô phỏng mất kết nối (diễn tập theo kịch bản)"
	if d.Simulate {
		outage = fmt.Sprintf("Mô phỏng mất kết nối tới tỉnh từ %s đến %s; gửi hết hàng đợi sau %s",
			vnTime(res.OutageFrom), vnTime(res.OutageTo), DrainText(res.DrainSeconds))
		if res.DrainedAt.IsZero() {
			outage = fmt.Sprintf("Mô phỏng mất kết nối tới tỉnh từ %s đến %s; hàng đợi CHƯA gửi hết", vnTime(res.OutageFrom), vnTime(res.OutageTo))
		}
	}
	doc.kv([][2]string{
		{"Tình huống", d.Scenario.Name()},
		{"Thời gian", fmt.Sprintf("%s – %s (%s)", vnTime(d.StartedAt), vnTime(d.EndedAt), FormatDuration(d.EndedAt.Sub(d.StartedAt)))},
		{"Người chủ trì", d.ConductedBy},
		{"Mô phỏng", outage},
		{"Sự cố diễn tập", fmt.Sprintf("#%d (trong sổ sự cố, nguồn «Diễn tập»)", d.IncidentID)},
		{"Kết quả", verdict},
	})
	doc.heading("II. Thời gian thực hiện từng bước")
	var rows [][]string
	for i, st := range res.Steps {
		done, after := "Chưa làm", ""
		if !st.DoneAt.IsZero() {
			done, after = vnTime(st.DoneAt)+" — "+st.DoneBy, fmt.Sprintf("%d phút", st.AfterMinutes)
		}
		target := ""
		if st.TargetMinutes > 0 {
			target = fmt.Sprintf("%d phút", st.TargetMinutes)
		}
		verdict := "Đạt"
		switch {
		case st.DoneAt.IsZero():
			verdict = "Chưa làm"
		case st.Late:
			verdict = "Quá mục tiêu"
		}
		rows = append(rows, []string{fmt.Sprint(i + 1), st.Title, st.RoleName, target, after, done, verdict})
	}
	doc.table([]column{{"TT", 5, "C"}, {"Bước", 26, "L"}, {"Vai trò", 20, "L"}, {"Mục tiêu", 9, "C"}, {"Sau", 8, "C"}, {"Làm xong", 20, "L"}, {"Đánh giá", 11, "L"}}, rows, 8.5)
	doc.heading("III. Hồ sơ tiếp nhận trong lúc diễn tập")
	check := "đã kiểm tra việc gửi lên tỉnh"
	if !res.DeliveryChecked {
		check = "chỉ kiểm tra trong hàng đợi trên máy"
	}
	doc.para(fmt.Sprintf("%d hồ sơ; %d đã chuyển lên tỉnh, %d đang chờ, %d bị trả lại; không tìm thấy: %d (%s).",
		res.Received, res.Delivered, res.Pending, res.Quarantined, len(res.Missing), check))
	if res.Reconciliation != nil && len(res.Reconciliation.Lines) > 0 {
		res.Reconciliation.draw(doc)
	}
	doc.heading("IV. Phát hiện và kiến nghị")
	if len(res.Findings) == 0 {
		doc.para("Không có phát hiện nào.")
	}
	for _, f := range res.Findings {
		doc.para("– " + f)
	}
	doc.signatures("Người chủ trì diễn tập", "Lãnh đạo đơn vị")
	return doc.output(w)
}

// DrainText is how long the queue took to drain, in Vietnamese ("3,2 giây").
func DrainText(sec float64) string {
	if sec < 60 {
		return strings.Replace(fmt.Sprintf("%.1f giây", sec), ".", ",", 1) // Vietnamese decimal comma
	}
	return FormatDuration(time.Duration(sec * float64(time.Second)))
}
