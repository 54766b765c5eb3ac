package continuity

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"motcua"
	"motcua/app"
	"motcua/assets"
)

// Settings keys of the continuity plan.
const (
	KeyRunbooks = "continuity.runbooks" // imported runbooks (JSON array), over the embedded ones
	KeyContacts = "continuity.contacts" // the contact list (JSON array)
	KeyPlan     = "continuity.plan"     // the plan's structure (JSON), over the embedded one
)

// Step is one step of a runbook.
type Step struct {
	ID            string `json:"id"`
	Title         string `json:"title"`
	Detail        string `json:"detail,omitempty"`
	Role          string `json:"role"`                     // key of RunbookSet.Roles
	TargetMinutes int    `json:"target_minutes,omitempty"` // done within this long after the incident opens; 0 = no target
}

// Runbook is the response to one scenario: ordered steps, each with the
// role responsible. Runbooks are data (assets/runbooks/*.json) that the
// province can replace.
type Runbook struct {
	Scenario  Scenario `json:"scenario"`
	Title     string   `json:"title"`
	Version   string   `json:"version"`
	Source    string   `json:"source"`    // who wrote it / what it follows
	Confirmed bool     `json:"confirmed"` // reviewed against the province's own plan
	Summary   string   `json:"summary"`
	Severity  Severity `json:"severity"` // default severity when declared
	Contacts  []string `json:"contacts"` // roles of the contact list to call
	Steps     []Step   `json:"steps"`
}

// Step finds a step by id.
func (r *Runbook) Step(id string) (Step, bool) {
	id = strings.TrimSpace(id)
	for _, s := range r.Steps {
		if s.ID == id {
			return s, true
		}
	}
	return Step{}, false
}

// StepIDs lists the step ids in order.
func (r *Runbook) StepIDs() []string {
	ids := make([]string, len(r.Steps))
	for i, s := range r.Steps {
		ids[i] = s.ID
	}
	return ids
}

// RunbookSet is the runbooks in use with the roles they name.
type RunbookSet struct {
	Roles    map[string]string     `json:"roles"` // role key → Vietnamese title
	Runbooks map[Scenario]*Runbook `json:"runbooks"`
}

// For returns the runbook of sc (every scenario has one: the set is
// validated complete).
func (rs *RunbookSet) For(sc Scenario) *Runbook {
	if rb, ok := rs.Runbooks[sc]; ok {
		return rb
	}
	return &Runbook{Scenario: sc, Title: sc.Name(), Severity: SeverityMedium}
}

// RoleName is the title of a role, or the key when unknown.
func (rs *RunbookSet) RoleName(role string) string {
	if n, ok := rs.Roles[role]; ok {
		return n
	}
	return role
}

var stepIDRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// validate checks one runbook against the roles; it names the first problem.
func (rs *RunbookSet) validate(rb *Runbook) error {
	bad := func(vi, en string, args ...any) error {
		return motcua.Invalid(ErrBadRunbook, "runbook", "Kịch bản «%s»: "+vi, "runbook %q: "+en, append([]any{rb.Scenario}, args...)...)
	}
	if !rb.Scenario.Valid() {
		_, err := ParseScenario(string(rb.Scenario))
		return err
	}
	rb.Title = motcua.Clean(rb.Title)
	if rb.Title == "" {
		return bad("thiếu tiêu đề", "no title")
	}
	if rb.Severity == 0 {
		rb.Severity = SeverityMedium
	}
	if !rb.Severity.Valid() {
		return bad("mức độ %d không hợp lệ (1–4)", "severity %d is invalid (1–4)", int(rb.Severity))
	}
	if len(rb.Steps) == 0 {
		return bad("chưa có bước nào", "has no steps")
	}
	seen := map[string]bool{}
	for i := range rb.Steps {
		st := &rb.Steps[i]
		st.Title, st.Detail = motcua.Clean(st.Title), strings.TrimSpace(st.Detail)
		switch {
		case !stepIDRE.MatchString(st.ID):
			return bad("bước %d có mã «%s» không hợp lệ (chữ thường, số, - _; tối đa 32 ký tự)",
				"step %d has an invalid id %q (lower case, digits, - _; up to 32)", i+1, st.ID)
		case seen[st.ID]:
			return bad("mã bước «%s» bị trùng", "step id %q is repeated", st.ID)
		case st.Title == "":
			return bad("bước «%s» chưa có nội dung", "step %q has no title", st.ID)
		case rs.Roles[st.Role] == "":
			return bad("bước «%s» giao cho vai trò «%s» không có trong danh sách vai trò (%s)",
				"step %q names role %q, which is not in the roles (%s)", st.ID, st.Role, strings.Join(sortedKeys(rs.Roles), ", "))
		case st.TargetMinutes < 0:
			return bad("bước «%s» có thời hạn âm", "step %q has a negative target", st.ID)
		}
		seen[st.ID] = true
	}
	for _, c := range rb.Contacts {
		if rs.Roles[c] == "" {
			return bad("liên hệ «%s» không có trong danh sách vai trò", "contact role %q is not in the roles", c)
		}
	}
	return nil
}

type rolesFile struct {
	Roles map[string]string `json:"roles"`
}

// DefaultRunbooks is the embedded set (assets/runbooks).
func DefaultRunbooks() (*RunbookSet, error) {
	var rf rolesFile
	if err := decodeStrict(mustRead(assets.Runbooks, "runbooks/roles.json"), &rf); err != nil {
		return nil, fmt.Errorf("assets/runbooks/roles.json: %w", err)
	}
	rs := &RunbookSet{Roles: rf.Roles, Runbooks: map[Scenario]*Runbook{}}
	entries, err := fs.ReadDir(assets.Runbooks, "runbooks")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, "scenario-") || path.Ext(name) != ".json" {
			continue
		}
		var rb Runbook
		if err := decodeStrict(mustRead(assets.Runbooks, "runbooks/"+name), &rb); err != nil {
			return nil, fmt.Errorf("assets/runbooks/%s: %w", name, err)
		}
		if err := rs.validate(&rb); err != nil {
			return nil, fmt.Errorf("assets/runbooks/%s: %w", name, err)
		}
		rs.Runbooks[rb.Scenario] = &rb
	}
	for _, sc := range Scenarios() {
		if rs.Runbooks[sc] == nil {
			return nil, fmt.Errorf("assets/runbooks: no runbook for scenario %s", sc)
		}
	}
	return rs, nil
}

func mustRead(fsys fs.FS, name string) []byte {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		panic(err) // embedded: a build mistake
	}
	return b
}

func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// ImportFile is the shape of a province's runbook file: roles to add or
// rename, and runbooks that replace the default of their scenario.
type ImportFile struct {
	Roles    map[string]string `json:"roles,omitempty"`
	Runbooks []Runbook         `json:"runbooks"`
}

// LoadRunbooks returns the embedded runbooks with the province's imported
// ones (settings) applied over them.
func LoadRunbooks(ctx context.Context, st app.SettingsStore) (*RunbookSet, error) {
	rs, err := DefaultRunbooks()
	if err != nil {
		return nil, err
	}
	raw, ok, err := st.Setting(ctx, KeyRunbooks)
	if err != nil || !ok {
		return rs, err
	}
	merged, err := rs.merge([]byte(raw))
	if err != nil {
		return nil, fmt.Errorf("kịch bản đã nhập: %w", err)
	}
	return merged, nil
}

// merge applies an import file over rs, returning a new set.
func (rs *RunbookSet) merge(raw []byte) (*RunbookSet, error) {
	var f ImportFile
	if err := decodeStrict(raw, &f); err != nil {
		return nil, motcua.Invalid(ErrBadRunbook, "runbook", "Tệp kịch bản không đúng định dạng JSON: %v", "the runbook file is not valid JSON: %v", err)
	}
	if len(f.Runbooks) == 0 {
		return nil, motcua.Invalid(ErrBadRunbook, "runbook", "Tệp kịch bản không có kịch bản nào", "the runbook file holds no runbook")
	}
	out := &RunbookSet{Roles: map[string]string{}, Runbooks: map[Scenario]*Runbook{}}
	for k, v := range rs.Roles {
		out.Roles[k] = v
	}
	for k, v := range f.Roles {
		if v = motcua.Clean(v); v == "" || !stepIDRE.MatchString(k) {
			return nil, motcua.Invalid(ErrBadRunbook, "runbook", "Vai trò «%s» không hợp lệ", "role %q is invalid", k)
		}
		out.Roles[k] = v
	}
	for k, v := range rs.Runbooks {
		out.Runbooks[k] = v
	}
	seen := map[Scenario]bool{}
	for i := range f.Runbooks {
		rb := f.Runbooks[i]
		if seen[rb.Scenario] {
			return nil, motcua.Invalid(ErrBadRunbook, "runbook", "Tình huống «%s» có hai kịch bản trong tệp", "scenario %q appears twice", rb.Scenario)
		}
		seen[rb.Scenario] = true
		if err := out.validate(&rb); err != nil {
			return nil, err
		}
		out.Runbooks[rb.Scenario] = &rb
	}
	return out, nil
}

// ImportRunbooks validates a province's runbook file and, only when it is
// valid, stores it and puts it in use. It returns the scenarios replaced.
func (s *Service) ImportRunbooks(ctx context.Context, raw []byte, by app.Actor) ([]Scenario, error) {
	if err := allow(by, app.PermContinuity); err != nil {
		return nil, err
	}
	def, err := DefaultRunbooks()
	if err != nil {
		return nil, err
	}
	merged, err := def.merge(raw)
	if err != nil {
		return nil, err
	}
	var f ImportFile
	_ = json.Unmarshal(raw, &f)
	var replaced []Scenario
	for _, rb := range f.Runbooks {
		replaced = append(replaced, rb.Scenario)
	}
	slices.Sort(replaced)
	norm, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	a := app.AuditEntry{At: s.now(), Actor: actor(by.Username), Action: "runbook.import",
		Detail: fmt.Sprintf("%d kịch bản", len(replaced))}
	if err := s.Store.SetSetting(ctx, KeyRunbooks, string(norm), a); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.runbooks = merged
	s.mu.Unlock()
	return replaced, nil
}

// Contacts returns the contact list: the commune's edited list, or the
// embedded template.
func (s *Service) Contacts(ctx context.Context) ([]Contact, error) {
	raw, ok, err := s.Store.Setting(ctx, KeyContacts)
	if err != nil {
		return nil, err
	}
	b := []byte(raw)
	if !ok {
		b = mustRead(assets.Runbooks, "runbooks/contacts.json")
	}
	var f struct {
		Contacts []Contact `json:"contacts"`
	}
	if err := decodeStrict(b, &f); err != nil {
		return nil, fmt.Errorf("danh bạ liên hệ: %w", err)
	}
	return f.Contacts, nil
}

// SetContacts validates and stores the contact list (the window's editor
// and `motcua contacts import` call it).
//
// Errors: the first bad entry's error from ValidateContact, its message
// prefixed with the entry's number ("Liên hệ 3: …"), Field and Code kept.
func (s *Service) SetContacts(ctx context.Context, cs []Contact, by app.Actor) error {
	if err := allow(by, app.PermContinuity); err != nil {
		return err
	}
	for i := range cs {
		if err := s.ValidateContact(&cs[i]); err != nil {
			if e, ok := motcua.AsError(err); ok {
				return &motcua.Error{Kind: e.Kind, Code: e.Code, Field: e.Field,
					Msg: fmt.Sprintf("Liên hệ %d: %s", i+1, e.Msg), MsgEN: fmt.Sprintf("contact %d: %s", i+1, e.MsgEN)}
			}
			return err
		}
	}
	b, err := json.Marshal(struct {
		Contacts []Contact `json:"contacts"`
	}{cs})
	if err != nil {
		return err
	}
	a := app.AuditEntry{At: s.now(), Actor: actor(by.Username), Action: "contacts.set", Detail: fmt.Sprintf("%d liên hệ", len(cs))}
	return s.Store.SetSetting(ctx, KeyContacts, string(b), a)
}

var (
	// Vietnamese numbers as people write them, separators removed: a mobile
	// (10 digits from 0), a landline (11 digits from 02), the same with +84
	// instead of the 0, or a 1800/1900 hotline (8 or 10 digits).
	contactPhoneRE = regexp.MustCompile(`^(0[0-9]{9}|02[0-9]{9}|\+84[1-9][0-9]{8,9}|1[89]00[0-9]{4}([0-9]{2})?)$`)
	contactEmailRE = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// ValidateContact normalises one contact (spaces, the phone's separators,
// the title from its role when empty) and checks it against the roles of
// the runbooks in use. The phone may be empty: the template's numbers are
// filled in by the commune.
//
// Errors (KindInvalid, Field the input to highlight): ErrBadRunbook
// "role" when the role is not one the runbooks know; motcua.ErrRequired
// "name" when neither a name nor an organisation is given;
// motcua.ErrBadValue "phone" or "email" when malformed.
func (s *Service) ValidateContact(c *Contact) error {
	roles := s.Runbooks().Roles
	c.Role, c.Title, c.Name, c.Organisation = strings.TrimSpace(c.Role), motcua.Clean(c.Title), motcua.Clean(c.Name), motcua.Clean(c.Organisation)
	c.Phone = strings.NewReplacer(" ", "", ".", "", "-", "", "(", "", ")", "").Replace(motcua.Clean(c.Phone))
	c.Email, c.Hours, c.Note = motcua.Clean(c.Email), motcua.Clean(c.Hours), motcua.Clean(c.Note)
	if roles[c.Role] == "" {
		return motcua.Invalid(ErrBadRunbook, "role", "Vai trò «%s» không có (các vai trò: %s)",
			"unknown role %q (roles: %s)", c.Role, strings.Join(sortedKeys(roles), ", "))
	}
	if c.Name == "" && c.Organisation == "" {
		return motcua.Invalid(motcua.ErrRequired, "name", "Chưa có tên người hoặc đơn vị", "no name or organisation")
	}
	if c.Phone != "" && !contactPhoneRE.MatchString(c.Phone) {
		return motcua.Invalid(motcua.ErrBadValue, "phone",
			"Số điện thoại «%s» không hợp lệ: cần 10 chữ số bắt đầu bằng 0 (máy bàn 11 số 02…), +84…, hoặc tổng đài 1800/1900…",
			"phone %q is invalid: 10 digits starting with 0 (landline 11 digits 02…), +84…, or a 1800/1900 hotline", c.Phone)
	}
	if c.Email != "" && !contactEmailRE.MatchString(c.Email) {
		return motcua.Invalid(motcua.ErrBadValue, "email", "Địa chỉ email «%s» không hợp lệ", "email %q is invalid", c.Email)
	}
	if c.Title == "" {
		c.Title = roles[c.Role]
	}
	return nil
}

// ScenariosFor lists, in display order, the scenarios whose runbook says
// to call the given role: which incidents a contact is for.
func (rs *RunbookSet) ScenariosFor(role string) []Scenario {
	var out []Scenario
	for _, sc := range Scenarios() {
		if slices.Contains(rs.For(sc).Contacts, role) {
			out = append(out, sc)
		}
	}
	return out
}

// ContactsFor returns the contacts a runbook says to call, in its order.
func (s *Service) ContactsFor(ctx context.Context, rb *Runbook) ([]Contact, error) {
	all, err := s.Contacts(ctx)
	if err != nil {
		return nil, err
	}
	var out []Contact
	for _, role := range rb.Contacts {
		for _, c := range all {
			if c.Role == role {
				out = append(out, c)
			}
		}
	}
	return out, nil
}
