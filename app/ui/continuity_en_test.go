package ui_test

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/continuity"
)

// In the English window the continuity plan's names — scenario, severity,
// source, a default incident title, a drill's line — and the status bar's
// incident line are English; the Vietnamese names stay on the papers.
func TestContinuityEnglish(t *testing.T) {
	s, m, cs := contStation(t, motcua.Station{K: 1, N: 1}, accounts.RoleLeader, contOptions{})
	key(s.win, fyne.KeyF6)
	m.Frame.Settings.Lang.SetSelected("English")
	test.Tap(m.Frame.Settings.SavePrefs)
	key(s.win, fyne.KeyF7)
	f := m.Frame
	inc := f.Continuity.Incidents
	if inc.Scenario.Options[2] != "Power cut" {
		t.Fatalf("scenario choices: %q", inc.Scenario.Options)
	}
	inc.Scenario.SetSelectedIndex(2)
	inc.Severity.SetSelectedIndex(3)
	test.Tap(inc.Open)
	if inc.Selected == nil || inc.Selected.Scenario != continuity.ScenarioPower {
		t.Fatalf("declared: %+v (%q)", inc.Selected, inc.OpenMsg.Text)
	}
	// The stored title is the Vietnamese default: the papers keep it.
	if inc.Selected.Title != "Mất điện" {
		t.Fatalf("stored title %q", inc.Selected.Title)
	}
	f.Status.Refresh()
	shown := map[string]string{
		"incident title": inc.Title.Text, "incident info": inc.Info.Text, "banner": f.Banner.Text,
		"status bar": f.Status.Incident.Text,
	}
	for what, text := range shown {
		for _, vi := range []string{"Mất điện", "Cao", "Cán bộ khai báo", "Sự cố:", " từ "} {
			if strings.Contains(text, vi) {
				t.Errorf("%s in Vietnamese (%q): %q", what, vi, text)
			}
		}
	}
	for what, want := range map[string][]string{
		"incident title": {"Power cut"}, "incident info": {"Power cut", "High", "Declared by an officer"},
		"banner": {"Power cut"}, "status bar": {"Incident: Power cut since 09:00 23/11"},
	} {
		for _, w := range want {
			if !strings.Contains(shown[what], w) {
				t.Errorf("%s lacks %q: %q", what, w, shown[what])
			}
		}
	}

	// A drill, scheduled: its line in the list and the detail.
	if _, err := cs.ScheduleDrill(context.Background(), continuity.ScenarioNetwork, monday.Add(5*3600e9), false, app.Actor{Username: "binh.tv", Role: app.RoleLeader}); err != nil {
		t.Fatal(err)
	}
	ctrl(s.win, fyne.Key2)
	dr := f.Continuity.Drills
	if dr.List.Length() != 1 {
		t.Fatalf("drills listed: %d", dr.List.Length())
	}
	dr.List.Select(0)
	if want := "Drill #1 «Network connection lost»: planned for 14:00 23/11/2026"; !strings.Contains(dr.Info.Text, want) {
		t.Fatalf("drill line %q, want %q", dr.Info.Text, want)
	}
	if !strings.Contains(dr.Title.Text, "Network connection lost") {
		t.Fatalf("drill title %q", dr.Title.Text)
	}
}
