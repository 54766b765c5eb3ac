package continuity

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"motcua"
	"motcua/app"
	"motcua/assets"
)

// Plan is the structure of the continuity plan as editable data: its legal
// basis (with the confidence of each reference), objectives and sections.
// Decree 137/2024 art. 13 cl. 2 could not be read (DOMAIN.md §4.1), so each
// section carries a "clause" field to be filled in once the text is
// confirmed; sections marked "generated" are completed from live data
// (runbooks, contacts, backups, drills) when the plan is printed.
type Plan struct {
	Title      string         `json:"title"`
	Version    string         `json:"version"`
	LegalBasis []LegalRef     `json:"legal_basis"`
	Objectives PlanObjectives `json:"objectives"`
	Sections   []PlanSection  `json:"sections"`
}

// LegalRef is one legal reference and how sure we are of its content.
type LegalRef struct {
	Ref    string `json:"ref"`
	Status string `json:"status"` // CONFIRMED | REPORTED | UNCONFIRMED
	Note   string `json:"note"`
}

// PlanObjectives are the recovery targets.
type PlanObjectives struct {
	RTOMinutes int    `json:"rto_minutes"` // counter serving again within
	RPOMinutes int    `json:"rpo_minutes"` // data that may be lost at most
	Note       string `json:"note"`
}

// PlanSection is one part of the plan.
type PlanSection struct {
	ID        string `json:"id"`
	Clause    string `json:"clause"` // the point of the decree it answers, once confirmed
	Title     string `json:"title"`
	Body      string `json:"body"`
	Generated string `json:"generated,omitempty"` // roles | runbooks | contacts | backup | drills
}

// LoadPlan returns the plan: the commune's or province's imported one, or
// the embedded default.
func (s *Service) LoadPlan(ctx context.Context) (*Plan, error) {
	raw, ok, err := s.Store.Setting(ctx, KeyPlan)
	if err != nil {
		return nil, err
	}
	b := []byte(raw)
	if !ok {
		b = mustRead(assets.Runbooks, "runbooks/plan.json")
	}
	return parsePlan(b)
}

func parsePlan(b []byte) (*Plan, error) {
	var p Plan
	if err := decodeStrict(b, &p); err != nil {
		return nil, motcua.Invalid(ErrBadRunbook, "plan", "Tệp phương án không đúng định dạng JSON: %v", "the plan file is not valid JSON: %v", err)
	}
	if motcua.Clean(p.Title) == "" || len(p.Sections) == 0 {
		return nil, motcua.Invalid(ErrBadRunbook, "plan", "Phương án phải có tiêu đề và ít nhất một mục", "the plan needs a title and at least one section")
	}
	known := map[string]bool{"": true, "roles": true, "runbooks": true, "contacts": true, "backup": true, "drills": true}
	for i, sec := range p.Sections {
		if motcua.Clean(sec.Title) == "" || !known[sec.Generated] {
			return nil, motcua.Invalid(ErrBadRunbook, "plan", "Mục %d của phương án thiếu tiêu đề hoặc có «generated» không hợp lệ",
				"plan section %d has no title or an invalid 'generated'", i+1)
		}
	}
	return &p, nil
}

// ImportPlan validates and stores a plan structure.
func (s *Service) ImportPlan(ctx context.Context, raw []byte, by app.Actor) (*Plan, error) {
	if err := allow(by, app.PermContinuity); err != nil {
		return nil, err
	}
	p, err := parsePlan(raw)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	a := app.AuditEntry{At: s.now(), Actor: actor(by.Username), Action: "plan.import", Subject: p.Version}
	if err := s.Store.SetSetting(ctx, KeyPlan, string(b), a); err != nil {
		return nil, err
	}
	return p, nil
}

// PlanExtras is live data the printed plan includes in its generated
// sections; any may be empty.
type PlanExtras struct {
	Backup string   // backup policy and the last backup, in a sentence or two
	Drills []string // one line per drill done or scheduled
}

// PlanPDF prints the whole plan — meant to be kept on paper at the counter,
// since the PC may be the thing that failed: sections, every runbook with
// boxes to tick by hand, the contact list.
func (s *Service) PlanPDF(ctx context.Context, w io.Writer, extras PlanExtras) error {
	p, err := s.LoadPlan(ctx)
	if err != nil {
		return err
	}
	contacts, err := s.Contacts(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	name := s.agencyName(ctx)
	rs := s.Runbooks()
	d := newDoc(p.Title, fmt.Sprintf("%s — %s — phiên bản %s, in lúc %s", p.Title, name, p.Version, vnTime(now)), false, now)
	d.officialHeader(name, "Bộ phận Một cửa", placeOf(name), now)
	d.title(p.Title)
	d.subtitle("Phiên bản " + p.Version)
	d.heading("Căn cứ")
	for _, l := range p.LegalBasis {
		d.para(fmt.Sprintf("– %s [%s]: %s", l.Ref, l.Status, l.Note))
	}
	d.para(fmt.Sprintf("Mục tiêu khôi phục: phục vụ trở lại trong %d phút; dữ liệu có thể mất tối đa %d phút. %s",
		p.Objectives.RTOMinutes, p.Objectives.RPOMinutes, p.Objectives.Note))
	for i, sec := range p.Sections {
		title := fmt.Sprintf("%d. %s", i+1, sec.Title)
		if sec.Clause != "" {
			title += " (" + sec.Clause + ")"
		}
		d.heading(title)
		if sec.Body != "" {
			d.para(sec.Body)
		}
		switch sec.Generated {
		case "roles":
			var rows [][]string
			for _, k := range sortedKeys(rs.Roles) {
				rows = append(rows, []string{k, rs.Roles[k]})
			}
			d.table([]column{{"Mã vai trò", 25, "L"}, {"Vai trò", 75, "L"}}, rows, 9)
		case "contacts":
			drawContacts(d, contacts)
		case "runbooks":
			for _, sc := range Scenarios() {
				drawRunbook(d, rs, rs.For(sc), contacts)
			}
		case "backup":
			if extras.Backup != "" {
				d.styled("I", d.size, extras.Backup)
			}
		case "drills":
			for _, l := range extras.Drills {
				d.para("– " + l)
			}
		}
	}
	d.signatures("Người lập", "Phê duyệt")
	return d.output(w)
}

func drawContacts(d *doc, contacts []Contact) {
	var rows [][]string
	for _, c := range contacts {
		who := strings.TrimSpace(c.Name + ", " + c.Organisation)
		reach := strings.TrimSpace(strings.Join([]string{c.Phone, c.Email, c.Hours}, " "))
		if reach == "" {
			reach = "(chưa có số)"
		}
		rows = append(rows, []string{c.Title, who, reach, c.Note})
	}
	d.table([]column{{"Liên hệ khi", 24, "L"}, {"Người, đơn vị", 30, "L"}, {"Điện thoại, email", 20, "L"}, {"Ghi chú", 26, "L"}}, rows, 9)
}

// drawRunbook prints a runbook as a checklist to tick by hand.
func drawRunbook(d *doc, rs *RunbookSet, rb *Runbook, contacts []Contact) {
	d.need(40)
	d.font("B", 11)
	d.pdf.MultiCell(d.width(), d.lh(11), printable(fmt.Sprintf("Tình huống «%s» — mức độ mặc định: %s", rb.Title, rb.Severity.Name())), "", "L", false)
	d.styled("I", 9.5, rb.Summary)
	var rows [][]string
	for i, st := range rb.Steps {
		target := ""
		if st.TargetMinutes > 0 {
			target = fmt.Sprintf("%d phút", st.TargetMinutes)
		}
		text := st.Title
		if st.Detail != "" {
			text += ": " + st.Detail
		}
		rows = append(rows, []string{"", fmt.Sprint(i + 1), text, rs.RoleName(st.Role), target, ""})
	}
	d.table([]column{{"Xong", 7, "C"}, {"TT", 5, "C"}, {"Việc cần làm", 48, "L"}, {"Vai trò", 20, "L"}, {"Mục tiêu", 9, "C"}, {"Giờ làm xong", 13, "L"}}, rows, 8.5)
	var call []string
	for _, role := range rb.Contacts {
		for _, c := range contacts {
			if c.Role == role {
				call = append(call, fmt.Sprintf("%s (%s)", c.Title, strings.Join(nonEmpty(c.Name, c.Phone), ", ")))
			}
		}
	}
	if len(call) > 0 {
		d.styled("", 9, "Gọi: "+strings.Join(call, "; "))
	}
}

// RunbookPDF prints one scenario's runbook with its contacts.
func (s *Service) RunbookPDF(ctx context.Context, w io.Writer, sc Scenario) error {
	contacts, err := s.Contacts(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	rs := s.Runbooks()
	rb := rs.For(sc)
	name := s.agencyName(ctx)
	d := newDoc(rb.Title, fmt.Sprintf("Kịch bản «%s» — %s — phiên bản %s, in lúc %s", rb.Title, name, rb.Version, vnTime(now)), false, now)
	d.title("Kịch bản ứng phó sự cố")
	d.subtitle(name)
	drawRunbook(d, rs, rb, contacts)
	d.heading("Danh bạ liên hệ")
	drawContacts(d, contacts)
	return d.output(w)
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}
