package continuity

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// ReportFormat names the JSON shape of IncidentReport for the district's or
// province's systems; it changes only with a new version suffix.
const ReportFormat = "motcua.incident-report/1"

// IncidentReport is the report of one incident to the district/province,
// as JSON (this struct) and as PDF (IncidentReportPDF).
type IncidentReport struct {
	Format      string          `json:"format"`
	GeneratedAt time.Time       `json:"generated_at"`
	Agency      ReportAgency    `json:"agency"`
	Incident    ReportIncident  `json:"incident"`
	Timeline    []LogEntry      `json:"timeline"`
	Steps       []ReportStep    `json:"runbook_steps"`
	Notified    []LogEntry      `json:"notified"`
	Runbook     ReportRunbook   `json:"runbook"`
	Reconcile   *Reconciliation `json:"reconciliation"`
	// Live is true when the reconciliation was computed now (the incident
	// is open), false when it is the one kept at closing.
	Live bool `json:"reconciliation_live"`
}

// ReportAgency identifies the reporting counter.
type ReportAgency struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Station string `json:"station"`
}

// ReportIncident is the register entry.
type ReportIncident struct {
	ID              int64     `json:"id"`
	Scenario        Scenario  `json:"scenario"`
	ScenarioName    string    `json:"scenario_name"`
	Severity        Severity  `json:"severity"`
	SeverityName    string    `json:"severity_name"`
	Title           string    `json:"title"`
	Source          Source    `json:"source"`
	StartedAt       time.Time `json:"started_at"`
	EndedAt         time.Time `json:"ended_at,omitzero"`
	DurationMinutes int       `json:"duration_minutes"`
	Open            bool      `json:"open"`
	DeclaredBy      string    `json:"declared_by"`
	ClosedBy        string    `json:"closed_by,omitempty"`
	Summary         string    `json:"summary,omitempty"`
}

// ReportRunbook names the runbook followed.
type ReportRunbook struct {
	Title     string `json:"title"`
	Version   string `json:"version"`
	Confirmed bool   `json:"confirmed"`
}

// ReportStep is one runbook step and when it was done.
type ReportStep struct {
	ID            string    `json:"id"`
	Title         string    `json:"title"`
	Role          string    `json:"role"`
	RoleName      string    `json:"role_name"`
	TargetMinutes int       `json:"target_minutes,omitempty"`
	DoneAt        time.Time `json:"done_at,omitzero"`
	DoneBy        string    `json:"done_by,omitempty"`
	// AfterMinutes is the time from the incident's start to the tick.
	AfterMinutes int  `json:"after_minutes,omitempty"`
	Late         bool `json:"late,omitempty"` // done after its target, or not done and the target has passed
}

// Report builds the report of incident id.
func (s *Service) Report(ctx context.Context, id int64) (*IncidentReport, error) {
	inc, err := s.Store.Incident(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	r := &IncidentReport{Format: ReportFormat, GeneratedAt: now, Timeline: inc.Log, Notified: inc.Notified()}
	if r.Notified == nil {
		r.Notified = []LogEntry{}
	}
	if s.App != nil {
		if idn, err := s.App.Identity(ctx); err == nil {
			r.Agency = ReportAgency{ID: idn.AgencyID, Name: idn.AgencyName, Station: idn.Station.String()}
		}
	}
	r.Incident = ReportIncident{ID: inc.ID, Scenario: inc.Scenario, ScenarioName: inc.Scenario.Name(), Severity: inc.Severity,
		SeverityName: inc.Severity.Name(), Title: inc.Title, Source: inc.Source, StartedAt: inc.StartedAt, EndedAt: inc.EndedAt,
		DurationMinutes: int(inc.Duration(now).Round(time.Minute).Minutes()), Open: inc.Open(), DeclaredBy: inc.DeclaredBy,
		ClosedBy: inc.ClosedBy, Summary: inc.Summary}
	rs := s.Runbooks()
	rb := rs.For(inc.Scenario)
	r.Runbook = ReportRunbook{Title: rb.Title, Version: rb.Version, Confirmed: rb.Confirmed}
	done := inc.Steps()
	end := inc.EndedAt
	if end.IsZero() {
		end = now
	}
	for _, st := range rb.Steps {
		rst := ReportStep{ID: st.ID, Title: st.Title, Role: st.Role, RoleName: rs.RoleName(st.Role), TargetMinutes: st.TargetMinutes}
		target := inc.StartedAt.Add(time.Duration(st.TargetMinutes) * time.Minute)
		if d, ok := done[st.ID]; ok {
			rst.DoneAt, rst.DoneBy = d.At, d.By
			rst.AfterMinutes = int(d.At.Sub(inc.StartedAt).Round(time.Minute).Minutes())
			rst.Late = st.TargetMinutes > 0 && d.At.After(target)
		} else {
			rst.Late = st.TargetMinutes > 0 && end.After(target)
		}
		r.Steps = append(r.Steps, rst)
	}
	r.Reconcile = inc.Reconciliation
	if r.Reconcile == nil {
		if r.Reconcile, err = s.Reconcile(ctx, inc.StartedAt, end); err != nil {
			return nil, err
		}
		r.Live = true
	}
	return r, nil
}

// WriteJSON writes the report as indented JSON.
func (r *IncidentReport) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

var kindNames = map[LogKind]string{LogAction: "Việc đã làm", LogNote: "Ghi chú", LogState: "Hệ thống",
	LogStep: "Bước kịch bản", LogUnstep: "Bỏ đánh dấu", LogNotify: "Thông báo"}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// WritePDF draws the incident report: register entry, timeline, runbook
// steps with their times, people notified, reconciliation and summary.
func (r *IncidentReport) WritePDF(w io.Writer) error {
	inc := r.Incident
	d := newDoc(fmt.Sprintf("Báo cáo sự cố #%d", inc.ID),
		fmt.Sprintf("Báo cáo sự cố #%d — %s — lập lúc %s bằng Một Cửa", inc.ID, r.Agency.Name, vnTime(r.GeneratedAt)), false, r.GeneratedAt)
	d.officialHeader(r.Agency.Name, "Bộ phận Một cửa", placeOf(r.Agency.Name), r.GeneratedAt)
	d.title("Báo cáo sự cố")
	d.subtitle(fmt.Sprintf("Sự cố #%d: %s", inc.ID, inc.Title))

	d.heading("I. Thông tin chung")
	end := vnTime(inc.EndedAt)
	if inc.Open {
		end = "Đang diễn ra"
	}
	d.kv([][2]string{
		{"Cơ quan", fmt.Sprintf("%s (mã định danh %s), máy %s", r.Agency.Name, r.Agency.ID, r.Agency.Station)},
		{"Tình huống", inc.ScenarioName},
		{"Mức độ", fmt.Sprintf("%d — %s", inc.Severity, inc.SeverityName)},
		{"Khai báo", fmt.Sprintf("%s; người khai báo: %s", inc.Source.Name(), inc.DeclaredBy)},
		{"Bắt đầu", vnTime(inc.StartedAt)},
		{"Kết thúc", end},
		{"Thời gian", FormatDuration(time.Duration(inc.DurationMinutes) * time.Minute)},
		{"Người đóng sự cố", inc.ClosedBy},
		{"Kịch bản áp dụng", fmt.Sprintf("%s (phiên bản %s%s)", r.Runbook.Title, r.Runbook.Version,
			yesNo(r.Runbook.Confirmed, "", "; kịch bản mẫu chưa đối chiếu với phương án của tỉnh"))},
	})

	d.heading("II. Diễn biến và các việc đã làm")
	var rows [][]string
	for _, e := range r.Timeline {
		text := e.Text
		if e.Kind == LogNotify && e.Channel != "" && !strings.Contains(text, e.Channel) {
			text += " (" + e.Channel + ")"
		}
		rows = append(rows, []string{vnTime(e.At), e.Actor, kindNames[e.Kind], text})
	}
	d.table([]column{{"Thời điểm", 17, "L"}, {"Người", 13, "L"}, {"Loại", 14, "L"}, {"Nội dung", 56, "L"}}, rows, 9)

	d.heading("III. Các bước theo kịch bản ứng phó")
	rows = nil
	for i, st := range r.Steps {
		status := "Chưa làm"
		if !st.DoneAt.IsZero() {
			status = fmt.Sprintf("%s (sau %d phút) — %s", vnTime(st.DoneAt), st.AfterMinutes, st.DoneBy)
		}
		target := ""
		if st.TargetMinutes > 0 {
			target = fmt.Sprintf("%d phút", st.TargetMinutes)
		}
		if st.Late {
			status += " — quá mục tiêu"
		}
		rows = append(rows, []string{fmt.Sprint(i + 1), st.Title, st.RoleName, target, status})
	}
	d.table([]column{{"TT", 5, "C"}, {"Bước", 33, "L"}, {"Vai trò", 25, "L"}, {"Mục tiêu", 10, "C"}, {"Đã làm", 27, "L"}}, rows, 9)

	d.heading("IV. Người, cơ quan đã được thông báo")
	if len(r.Notified) == 0 {
		d.para("Chưa ghi nhận thông báo nào.")
	} else {
		rows = nil
		for _, n := range r.Notified {
			rows = append(rows, []string{vnTime(n.At), n.Contact, n.Channel, n.Actor})
		}
		d.table([]column{{"Thời điểm", 20, "L"}, {"Người/cơ quan", 45, "L"}, {"Hình thức", 18, "L"}, {"Người báo", 17, "L"}}, rows, 9)
	}

	d.heading("V. Đối chiếu hồ sơ tiếp nhận trong thời gian sự cố")
	r.Reconcile.draw(d)

	d.heading("VI. Tóm tắt khi đóng sự cố")
	if inc.Summary == "" {
		d.para("Sự cố chưa đóng.")
	} else {
		d.para(inc.Summary)
	}
	d.signatures("Người lập báo cáo", "Lãnh đạo đơn vị")
	return d.output(w)
}

// draw adds the reconciliation figures and the dossier table to d.
func (rec *Reconciliation) draw(d *doc) {
	when := "tại thời điểm đóng sự cố"
	if !rec.Final {
		when = "tại thời điểm lập báo cáo (sự cố chưa đóng)"
	}
	d.para(fmt.Sprintf("Khoảng thời gian: %s – %s; số liệu %s (%s).", vnTime(rec.From), vnTime(rec.To), when, vnTime(rec.ComputedAt)))
	d.kv([][2]string{
		{"Hồ sơ tiếp nhận", fmt.Sprintf("%d (trong đó %d nhập lại từ biên nhận giấy)", rec.Received, rec.Paper)},
		{"Đã chuyển lên tỉnh", fmt.Sprint(rec.Delivered)},
		{"Đang chờ gửi", fmt.Sprint(rec.Pending)},
		{"Bị tỉnh trả lại", fmt.Sprintf("%d (cần sửa và gửi lại)", rec.Quarantined)},
		{"Có nguy cơ trễ hạn", fmt.Sprintf("%d (hạn trong vòng %s làm việc); đã quá hạn: %d", rec.AtRisk, horizonText(rec.Horizon), rec.Late)},
		{"Hàng đợi toàn máy", fmt.Sprintf("%d tin chờ gửi, %d tin bị trả lại", rec.Backlog.Pending, rec.Backlog.Quarantined)},
	})
	if len(rec.Lines) == 0 {
		d.para("Không có hồ sơ nào được tiếp nhận trong khoảng thời gian này.")
		return
	}
	var rows [][]string
	for _, l := range rec.Lines {
		delivery := map[string]string{DeliveryDone: "Đã chuyển " + vnTime(l.DeliveredAt), DeliveryPending: "Đang chờ gửi",
			DeliveryQuarantined: "Bị trả lại: " + l.Note}[l.Delivery]
		risk := map[string]string{RiskAtRisk: "Nguy cơ trễ hạn", RiskLate: "Đã quá hạn"}[l.Risk]
		code := l.Code
		if l.Paper {
			code += " (giấy)"
		}
		rows = append(rows, []string{code, l.Procedure, l.Applicant, vnTime(l.ReceivedAt), vnTime(l.DueAt), delivery, risk})
	}
	d.table([]column{{"Mã hồ sơ", 24, "L"}, {"Thủ tục", 21, "L"}, {"Người nộp", 11, "L"}, {"Tiếp nhận", 11, "L"},
		{"Hẹn trả", 11, "L"}, {"Chuyển lên tỉnh", 14, "L"}, {"Thời hạn", 8, "L"}}, rows, 8)
}

func horizonText(h string) string {
	d, err := time.ParseDuration(h)
	if err != nil {
		return h
	}
	return FormatDuration(d)
}

// ReconciliationPDF draws the reconciliation report alone (landscape, for
// the counter's follow-up of each dossier).
func (s *Service) ReconciliationPDF(ctx context.Context, w io.Writer, title string, rec *Reconciliation) error {
	name := s.agencyName(ctx)
	d := newDoc(title, fmt.Sprintf("%s — %s — lập lúc %s bằng Một Cửa", title, name, vnTime(rec.ComputedAt)), true, rec.ComputedAt)
	d.officialHeader(name, "Bộ phận Một cửa", placeOf(name), rec.ComputedAt)
	d.title("Báo cáo đối chiếu hồ sơ")
	d.subtitle(title)
	rec.draw(d)
	d.signatures("Người lập", "Lãnh đạo đơn vị")
	return d.output(w)
}

// ReportFile names the report files of an incident.
func ReportFile(id int64, ext string) string {
	return fmt.Sprintf("bao-cao-su-co-%d.%s", id, strings.TrimPrefix(ext, "."))
}

func (s *Service) agencyName(ctx context.Context) string {
	if s.App != nil {
		if idn, err := s.App.Identity(ctx); err == nil {
			return idn.AgencyName
		}
	}
	return ""
}

// placeOf guesses the place for the date line from the agency's name:
// "UBND xã Quảng Phú" → "Quảng Phú".
func placeOf(agency string) string {
	low := strings.ToLower(agency)
	best := -1
	for _, unit := range []string{"xã ", "phường ", "thị trấn ", "đặc khu "} {
		if i := strings.LastIndex(low, unit); i >= 0 && i+len(unit) > best {
			best = i + len(unit)
		}
	}
	if best < 0 || best >= len(agency) {
		return ""
	}
	return strings.TrimSpace(agency[best:])
}
