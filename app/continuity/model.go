package continuity

import (
	"slices"
	"strings"
	"time"

	"motcua"
)

// Scenario is the kind of incident; its key is stable (CLI, JSON, database).
type Scenario string

const (
	ScenarioNetwork    Scenario = "network"    // mất kết nối mạng
	ScenarioProvince   Scenario = "province"   // hệ thống một cửa tỉnh ngừng hoạt động
	ScenarioPower      Scenario = "power"      // mất điện
	ScenarioHardware   Scenario = "hardware"   // hỏng máy tính, ổ đĩa
	ScenarioMalware    Scenario = "malware"    // mã độc, xâm nhập
	ScenarioCorruption Scenario = "corruption" // cơ sở dữ liệu bị hỏng
	ScenarioPrinter    Scenario = "printer"    // hỏng máy in
	ScenarioDisaster   Scenario = "disaster"   // thiên tai
	ScenarioOther      Scenario = "other"
)

var scenarioNames = map[Scenario]string{
	ScenarioNetwork:    "Mất kết nối mạng",
	ScenarioProvince:   "Hệ thống một cửa điện tử của tỉnh ngừng hoạt động",
	ScenarioPower:      "Mất điện",
	ScenarioHardware:   "Hỏng máy tính hoặc ổ đĩa",
	ScenarioMalware:    "Mã độc hoặc xâm nhập trái phép",
	ScenarioCorruption: "Cơ sở dữ liệu bị hỏng",
	ScenarioPrinter:    "Hỏng máy in",
	ScenarioDisaster:   "Thiên tai (bão, lũ, sạt lở…)",
	ScenarioOther:      "Sự cố khác",
}

// Scenarios lists every scenario in display order.
func Scenarios() []Scenario {
	return []Scenario{ScenarioNetwork, ScenarioProvince, ScenarioPower, ScenarioHardware, ScenarioMalware,
		ScenarioCorruption, ScenarioPrinter, ScenarioDisaster, ScenarioOther}
}

// Name is the Vietnamese name.
func (s Scenario) Name() string {
	if n, ok := scenarioNames[s]; ok {
		return n
	}
	return string(s)
}

// Valid reports whether s is one of the keys.
func (s Scenario) Valid() bool { _, ok := scenarioNames[s]; return ok }

// ParseScenario reads a scenario key.
func ParseScenario(s string) (Scenario, error) {
	sc := Scenario(strings.ToLower(strings.TrimSpace(s)))
	if !sc.Valid() {
		keys := make([]string, 0, len(scenarioNames))
		for _, k := range Scenarios() {
			keys = append(keys, string(k))
		}
		return "", motcua.Invalid(ErrBadScenario, "scenario", "Tình huống «%s» không có; chọn một trong: %s",
			"unknown scenario %q; one of: %s", s, strings.Join(keys, ", "))
	}
	return sc, nil
}

// Severity grades an incident, 1 (low) to 4 (critical).
type Severity int

const (
	SeverityLow      Severity = 1 // một phần công việc bị ảnh hưởng, có cách làm thay
	SeverityMedium   Severity = 2 // tiếp nhận vẫn làm được nhưng chậm hoặc phải làm thủ công
	SeverityHigh     Severity = 3 // ngừng tiếp nhận trên máy; chuyển sang biên nhận giấy
	SeverityCritical Severity = 4 // mất hoặc có nguy cơ mất dữ liệu, lộ dữ liệu cá nhân
)

// Name is the Vietnamese label.
func (s Severity) Name() string {
	switch s {
	case SeverityLow:
		return "Thấp"
	case SeverityMedium:
		return "Trung bình"
	case SeverityHigh:
		return "Cao"
	case SeverityCritical:
		return "Nghiêm trọng"
	}
	return "Không rõ"
}

// Valid reports 1 ≤ s ≤ 4.
func (s Severity) Valid() bool { return s >= SeverityLow && s <= SeverityCritical }

// Source says who opened an incident.
type Source string

const (
	SourceManual Source = "manual" // declared by an officer
	SourceAuto   Source = "auto"   // opened by the connectivity watcher
	SourceDrill  Source = "drill"  // an exercise
)

// Name is the Vietnamese label.
func (s Source) Name() string {
	switch s {
	case SourceAuto:
		return "Tự động (theo dõi kết nối)"
	case SourceDrill:
		return "Diễn tập"
	}
	return "Cán bộ khai báo"
}

// LogKind is the kind of a timeline entry.
type LogKind string

const (
	LogAction LogKind = "action" // something done to respond or recover
	LogNote   LogKind = "note"   // an observation
	LogState  LogKind = "state"  // recorded by the app: connectivity, backlog, drill
	LogStep   LogKind = "step"   // a runbook step ticked as done
	LogUnstep LogKind = "unstep" // a tick withdrawn (ticked by mistake)
	LogNotify LogKind = "notify" // a person or body notified
)

// LogEntry is one line of an incident's timeline.
type LogEntry struct {
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Kind    LogKind   `json:"kind"`
	Text    string    `json:"text"`
	StepID  string    `json:"step_id,omitempty"`
	Contact string    `json:"contact,omitempty"` // notify: who
	Channel string    `json:"channel,omitempty"` // notify: phone, Zalo, email, in person…
}

// Incident is one entry of the incident register.
type Incident struct {
	ID         int64      `json:"id"`
	Scenario   Scenario   `json:"scenario"`
	Severity   Severity   `json:"severity"`
	Title      string     `json:"title"`
	Source     Source     `json:"source"`
	StartedAt  time.Time  `json:"started_at"`
	EndedAt    time.Time  `json:"ended_at,omitzero"`
	DeclaredBy string     `json:"declared_by"`
	ClosedBy   string     `json:"closed_by,omitempty"`
	Summary    string     `json:"summary,omitempty"`
	Log        []LogEntry `json:"log"`
	// Reconciliation is the report computed when the incident closed.
	Reconciliation *Reconciliation `json:"reconciliation,omitempty"`
}

// Open reports whether the incident is still going on.
func (i *Incident) Open() bool { return i.EndedAt.IsZero() }

// Duration is how long the incident lasted, or has lasted by now.
func (i *Incident) Duration(now time.Time) time.Duration {
	end := i.EndedAt
	if end.IsZero() {
		end = now
	}
	return end.Sub(i.StartedAt)
}

// StepDone is the state of one runbook step in an incident.
type StepDone struct {
	StepID string
	At     time.Time
	By     string
}

// Steps folds the timeline into the steps currently ticked, by step id.
func (i *Incident) Steps() map[string]StepDone {
	done := map[string]StepDone{}
	for _, e := range i.Log {
		switch e.Kind {
		case LogStep:
			done[e.StepID] = StepDone{StepID: e.StepID, At: e.At, By: e.Actor}
		case LogUnstep:
			delete(done, e.StepID)
		}
	}
	return done
}

// Notified returns the notification entries of the timeline.
func (i *Incident) Notified() []LogEntry {
	var out []LogEntry
	for _, e := range i.Log {
		if e.Kind == LogNotify {
			out = append(out, e)
		}
	}
	return out
}

// IncidentFilter selects incidents for the register. Zero values mean any.
type IncidentFilter struct {
	OpenOnly bool
	Source   Source    // "" any
	From     time.Time // started at or after
	To       time.Time // started before
	Limit    int       // 0: 200
}

// Contact is someone to call during an incident. The list is data the
// commune edits (settings), seeded from assets/runbooks/contacts.json.
type Contact struct {
	Role         string `json:"role"`         // stable key used by runbooks, e.g. "it_support"
	Title        string `json:"title"`        // what the contact is, in Vietnamese
	Name         string `json:"name"`         // person or desk
	Organisation string `json:"organisation"` // body
	Phone        string `json:"phone,omitempty"`
	Email        string `json:"email,omitempty"`
	Hours        string `json:"hours,omitempty"` // when reachable
	Note         string `json:"note,omitempty"`
}

// sortedKeys returns the keys of m in order; small helper for stable output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
