package ui_test

import (
	"testing"

	"motcua/app/accounts"
)

// TestStatusBarIncident: while the continuity plan has an incident open the
// status bar says so; when it closes the notice goes away.
func TestStatusBarIncident(t *testing.T) {
	s := newStation(t, true)
	s.user("lan.nt", "Nguyễn Thị Lan", accounts.RoleOfficer, "matkhau-2026")
	m := s.signIn("lan.nt", "matkhau-2026")
	bar := m.Frame.Status
	if bar.Incident.Visible() {
		t.Fatalf("no incident, yet the bar shows %q", bar.Incident.Text)
	}
	s.mu.Lock()
	s.incident = "Sự cố: Mất kết nối mạng từ 08:05"
	s.mu.Unlock()
	bar.Refresh()
	if !bar.Incident.Visible() || bar.Incident.Text != "Sự cố: Mất kết nối mạng từ 08:05" {
		t.Fatalf("incident in progress: visible=%v %q", bar.Incident.Visible(), bar.Incident.Text)
	}
	s.mu.Lock()
	s.incident = ""
	s.mu.Unlock()
	bar.Refresh()
	if bar.Incident.Visible() {
		t.Fatal("the notice stayed after the incident closed")
	}
}
