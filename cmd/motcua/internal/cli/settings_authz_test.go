package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua"
)

// sessionOf signs username in on dir and returns its session token; the
// session file is removed afterwards, so the next signin does not end this
// session and a command run without MOTCUA_SESSION has none.
func sessionOf(t *testing.T, dir, username string) string {
	t.Helper()
	signInAs(t, dir, username)
	path := filepath.Join(dir, sessionFileName)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// TestStationSettingsNeedSignIn: every station-settings command of the
// command line acts as the signed-in account — with no session it is
// refused («Chưa đăng nhập»), an officer is refused by the service's role
// policy with the rule named (the permission and the role it needs), an
// administrator's session works and the audit names the administrator, not
// the operating-system user (MOTCUA_OFFICER) who ran it.
func TestStationSettingsNeedSignIn(t *testing.T) {
	fixClock(t, time.Date(2026, 11, 23, 8, 0, 0, 0, motcua.Location))
	dir := t.TempDir()
	const osUser = "os.nguoidung"
	run := func(session string, args ...string) result {
		t.Helper()
		return child{env: []string{"MOTCUA_OFFICER=" + osUser, "MOTCUA_SESSION=" + session}}.run(t, dir, args...)
	}
	mustOK(t, run("", "init", "--agency-id", "000.00.06.H56", "--agency-name", "UBND xã Quảng Phú", "--station", "1/2"))
	mustOK(t, runCLIIn(t, dir, "tamthoi-qt.xa\n", "user", "add", "qt.xa", "--name", "Lê Quản Trị", "--role", "admin"))
	admin := sessionOf(t, dir, "qt.xa")
	mustOK(t, child{stdin: "tamthoi-cb.lan\n", env: []string{"MOTCUA_SESSION=" + admin}}.run(t, dir,
		"user", "add", "cb.lan", "--name", "Nguyễn Thị Lan", "--role", "officer"))
	officer := sessionOf(t, dir, "cb.lan")

	files := t.TempDir()
	catalog := filepath.Join(files, "danh-muc.json")
	os.WriteFile(catalog, []byte(`{"version":"HN-2026.1","updated":"2026-11-01","procedures":[{"code":"1.000001","name":"Thủ tục thử","field":"Hộ tịch","processing_days":1,"fee":0,"components":[{"name":"Tờ khai","original":1}],"confirmed":false}]}`), 0o600)
	holidays := filepath.Join(files, "ngay-nghi.json")
	mustOK(t, runCLIAt(t, files, dir, "holiday", "export", "-o", holidays))
	inbox := t.TempDir()
	pw := filepath.Join(files, "matkhau.txt")
	os.WriteFile(pw, []byte("bi-mat-tinh\n"), 0o600)
	key := strings.Repeat("ab", 32)

	for _, c := range []struct {
		args   []string
		action string // audited as the administrator
		rule   string // named in the officer's refusal
	}{
		{[]string{"catalog", "import", catalog}, "catalog.import", "nhập danh mục thủ tục"},
		{[]string{"holiday", "add", "31/12/2026", "--name", "Nghỉ cuối năm", "--unconfirmed"}, "calendar.day.add", "sửa lịch làm việc"},
		{[]string{"holiday", "edit", "31/12/2026", "--name", "Nghỉ cuối năm 2026"}, "calendar.day.edit", "sửa lịch làm việc"},
		{[]string{"holiday", "remove", "31/12/2026"}, "calendar.day.remove", "sửa lịch làm việc"},
		{[]string{"holiday", "import", holidays}, "calendar.import", "sửa lịch làm việc"},
		{[]string{"scan-inbox", "set", inbox}, "scan.inbox", "cấu hình cơ quan, máy"},
		{[]string{"scan-limits", "--max-mb", "30"}, "scan.limits", "cấu hình cơ quan, máy"},
		{[]string{"counter-phone", "0237 3852 123"}, "counter.phone", "cấu hình cơ quan, máy"},
		{[]string{"province", "set", "--url", "https://tinh.example/lienthong", "--user", "xaqp", "--password-file", pw}, "province.configure", "cấu hình cơ quan, máy"},
		{[]string{"province", "clear"}, "province.configure", "cấu hình cơ quan, máy"},
		{[]string{"sync", "pause", "--reason", "thay modem"}, "sync.pause", "đồng bộ thủ công"},
		{[]string{"sync", "resume"}, "sync.resume", "đồng bộ thủ công"},
		{[]string{"bundle", "trust", "--station", "2/2", "--key", key}, "bundle.trust", "cấu hình cơ quan, máy"},
		{[]string{"bundle", "keys", "--renew"}, "bundle.renew", "cấu hình cơ quan, máy"},
		{[]string{"pdp", "retention", "--years", "5"}, "pdp.retention", "cấu hình cơ quan, máy"},
		{[]string{"pdp", "export", "--id-number", "038085001234", "--out", filepath.Join(files, "pdp.json")}, "pdp.person_export", "điều hành phương án"},
		{[]string{"pdp", "purge"}, "", "cấu hình cơ quan, máy"},
		{[]string{"init", "--agency-id", "000.00.06.H56", "--agency-name", "UBND xã Quảng Phú (mới)", "--station", "1/2"}, "station.init", "cấu hình cơ quan, máy"},
	} {
		name := strings.Join(c.args[:2], " ")
		before := len(auditActors(t, dir)[c.action])
		if r := run("", c.args...); r.code != 2 || !strings.Contains(r.stderr, "Chưa đăng nhập") {
			t.Errorf("%s without a session: exit %d, %s", name, r.code, r.stderr)
		}
		if r := run(officer, c.args...); r.code != 2 || !strings.Contains(r.stderr, "cb.lan") ||
			!strings.Contains(r.stderr, c.rule) || !strings.Contains(r.stderr, "cần vai trò") {
			t.Errorf("%s as an officer: exit %d, %s", name, r.code, r.stderr)
		}
		if c.action == "" {
			mustOK(t, run(admin, c.args...))
			continue
		}
		if got := len(auditActors(t, dir)[c.action]); got != before {
			t.Errorf("%s: refused, yet %d new %s entries", name, got-before, c.action)
		}
		mustOK(t, run(admin, c.args...))
		a := auditActors(t, dir)[c.action] // one entry per setting changed
		if len(a) <= before || strings.Trim(strings.Repeat("qt.xa ", len(a)-before), " ") != strings.Join(a[before:], " ") {
			t.Errorf("%s: audit %s = %v, want new entries by qt.xa only", name, c.action, a)
		}
	}
	// backup now and printer set are any officer's (as the window's
	// buttons), still only with a session, and audited under the officer.
	usb := t.TempDir()
	mustOK(t, run(admin, "backup", "config", "--dest", usb))
	for _, c := range []struct {
		args   []string
		action string
	}{
		{[]string{"printer", "set", "Canon LBP 2900"}, "print.printer"},
		{[]string{"backup", "now"}, "backup.done"},
	} {
		if r := run("", c.args...); r.code != 2 || !strings.Contains(r.stderr, "Chưa đăng nhập") {
			t.Errorf("%v without a session: exit %d, %s", c.args, r.code, r.stderr)
		}
		mustOK(t, run(officer, c.args...))
		if a := auditActors(t, dir)[c.action]; len(a) != 1 || a[0] != "cb.lan" {
			t.Errorf("%v: audit %s = %v, want cb.lan", c.args, c.action, a)
		}
	}
	for action, actors := range auditActors(t, dir) {
		for _, a := range actors {
			if a == osUser {
				t.Errorf("audit %s under the OS user %s", action, a)
			}
		}
	}
}

// TestIncidentActsAsSignedIn: incident open, action and step, drill step
// take the actor from the session (any officer may: they are at the
// counter when the power goes); without one they are refused, and a --by
// naming someone else is refused rather than recorded.
func TestIncidentActsAsSignedIn(t *testing.T) {
	dir := initStation(t)
	addUser(t, dir, "cb.lan", "Nguyễn Thị Lan", "officer")
	officer := sessionOf(t, dir, "cb.lan")
	run := func(session string, args ...string) result {
		t.Helper()
		return child{env: []string{"MOTCUA_OFFICER=os.nguoidung", "MOTCUA_SESSION=" + session}}.run(t, dir, args...)
	}
	for _, args := range [][]string{
		{"incident", "open", "--scenario", "power"},
		{"incident", "note", "1", "Mất điện"},
		{"incident", "step", "1", "paper"},
		{"drill", "step", "1", "notify"},
	} {
		if r := run("", args...); r.code != 2 || !strings.Contains(r.stderr, "Chưa đăng nhập") {
			t.Errorf("%v without a session: exit %d, %s", args, r.code, r.stderr)
		}
		if r := run(officer, append(args, "--by", "chu.tich.xa")...); r.code != 2 || !strings.Contains(r.stderr, "--by") {
			t.Errorf("%v --by: exit %d, %s", args, r.code, r.stderr)
		}
	}
	mustOK(t, run(officer, "incident", "open", "--scenario", "power", "--note", "Mất điện toàn trụ sở"))
	mustOK(t, run(officer, "incident", "action", "Chuyển sang biên nhận giấy"))
	mustOK(t, run(officer, "incident", "step", "paper"))
	var rep struct {
		Timeline []struct {
			Actor string `json:"actor"`
			Kind  string `json:"kind"`
		} `json:"timeline"`
	}
	if err := json.Unmarshal([]byte(mustOK(t, run(officer, "incident", "show", "1", "--json"))), &rep); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range rep.Timeline {
		if e.Kind == "state" { // recorded by the app itself
			continue
		}
		n++
		if e.Actor != "cb.lan" {
			t.Errorf("incident %s entry by %q, want cb.lan", e.Kind, e.Actor)
		}
	}
	if n < 3 {
		t.Fatalf("timeline: %+v", rep.Timeline)
	}
}
