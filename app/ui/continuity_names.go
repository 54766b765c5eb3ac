package ui

import (
	"fmt"
	"time"

	"motcua/app/continuity"
)

// The continuity plan names its scenarios, severities and sources in
// Vietnamese (they are printed on the plan and the reports); the window
// shows them in its own language through these, and TableStrings lists
// them so that the English test covers every one.

func scenarioName(s continuity.Scenario) string { return tr(s.Name()) }

func severityName(s continuity.Severity) string { return tr(s.Name()) }

func sourceName(s continuity.Source) string { return tr(s.Name()) }

var severities = []continuity.Severity{continuity.SeverityLow, continuity.SeverityMedium, continuity.SeverityHigh,
	continuity.SeverityCritical, 0}

var sources = []continuity.Source{continuity.SourceManual, continuity.SourceAuto, continuity.SourceDrill}

// continuityNames are the domain names the window translates at run time.
func continuityNames() []string {
	var out []string
	for _, s := range continuity.Scenarios() {
		out = append(out, s.Name())
	}
	for _, s := range severities {
		out = append(out, s.Name())
	}
	for _, s := range sources {
		out = append(out, s.Name())
	}
	return out
}

// fmtDuration is continuity.FormatDuration in the window's language.
func fmtDuration(d time.Duration) string {
	if lang() != "en" {
		return continuity.FormatDuration(d)
	}
	if d < 0 {
		d = -d
	}
	if d < time.Minute {
		return fmt.Sprintf("%d s", int(d.Seconds()))
	}
	m := int(d.Round(time.Minute).Minutes())
	switch {
	case m < 60:
		return fmt.Sprintf("%d min", m)
	case m < 24*60:
		return fmt.Sprintf("%d h %02d min", m/60, m%60)
	}
	return fmt.Sprintf("%d d %d h %02d min", m/(24*60), m%(24*60)/60, m%60)
}

// drillLine is continuity.Drill.Line in the window's language.
func drillLine(d *continuity.Drill) string {
	head := tr("Diễn tập") + " #" + itoa(int(d.ID)) + " «" + scenarioName(d.Scenario) + "»: "
	switch d.Status {
	case continuity.DrillScheduled:
		return head + tr("dự kiến") + " " + fmtTime(d.ScheduledFor)
	case continuity.DrillRunning:
		return head + tr("đang diễn ra từ") + " " + fmtTime(d.StartedAt)
	case continuity.DrillCancelled:
		return head + tr("đã huỷ")
	}
	res := tr("đạt")
	if d.Result != nil && !d.Result.OK {
		res = tr("chưa đạt")
	}
	steps := ""
	if d.Result != nil {
		steps = ", " + itoa(d.Result.StepsDone) + "/" + num(len(d.Result.Steps), "bước") + ", " + num(d.Result.Received, "hồ sơ trong lúc diễn tập")
	}
	return head + fmtTime(d.StartedAt) + " – " + fmtTime(d.EndedAt) + " (" + fmtDuration(d.EndedAt.Sub(d.StartedAt)) + ")" + steps +
		", " + tr("kết quả:") + " " + res
}

// incidentTitle is the incident's title; one left to its default, the
// scenario's name, is shown in the window's language.
func incidentTitle(inc *continuity.Incident) string {
	if inc.Title == inc.Scenario.Name() {
		return scenarioName(inc.Scenario)
	}
	return inc.Title
}
