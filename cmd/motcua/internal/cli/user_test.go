package cli

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestUserCommand(t *testing.T) {
	dir := initStation(t)
	mustOK(t, runCLIIn(t, dir, "quantri-2026\n", "user", "add", "admin", "--name", "Quản Trị Viên", "--role", "admin"))
	mustOK(t, runCLIIn(t, dir, "tamthoi-lan\n", "user", "add", "lan.nt", "--name", "Nguyễn Thị Lan"))
	for _, c := range []struct {
		name, stdin string
		args        []string
		field       string
	}{
		{"ErrDuplicate", "tamthoi-lan\n", []string{"user", "add", "lan.nt", "--name", "Khác"}, "username"},
		{"ErrWeakPassword", "ngan\n", []string{"user", "add", "hoa.lt", "--name", "Lê Thị Hoa"}, "password"},
		{"ErrNoPassword", "", []string{"user", "add", "hoa.lt", "--name", "Lê Thị Hoa"}, "password"},
		{"ErrBadRole", "tamthoi-hoa\n", []string{"user", "add", "hoa.lt", "--name", "Lê Thị Hoa", "--role", "boss"}, "role"},
		{"ErrBadUsername", "tamthoi-hoa\n", []string{"user", "add", "Hoa LT", "--name", "Lê Thị Hoa"}, "username"},
		{"ErrUnknownUser", "tamthoi-hoa\n", []string{"user", "passwd", "nobody"}, "username"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runCLIIn(t, dir, c.stdin, c.args...)
			if r.code != 2 && !(c.name == "ErrDuplicate" && r.code != 0) && !(c.name == "ErrUnknownUser" && r.code != 0) {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, c.field+":") {
				t.Fatalf("the message must name the field %s: %s", c.field, r.stderr)
			}
		})
	}
	mustOK(t, runCLIIn(t, dir, "moi-tam-thoi\n", "user", "passwd", "admin"))
	out := mustOK(t, runCLIIn(t, dir, "", "user", "list", "--json"))
	var rows []struct {
		Username   string `json:"username"`
		Role       string `json:"role"`
		MustChange bool   `json:"must_change"`
	}
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err, out)
	}
	// initStation's administrator (canbo1, signed in) added the other two.
	if len(rows) != 3 || rows[0].Username != "admin" || rows[0].Role != "admin" || !rows[0].MustChange || rows[1].Username != testAdmin || rows[2].Role != "officer" {
		t.Fatalf("list: %+v", rows)
	}
	if a := auditActors(t, dir); strings.Join(a["user.create"], ",") != "cài đặt:kythuat,canbo1,canbo1" || strings.Join(a["user.reset"], ",") != "canbo1" {
		t.Fatalf("audit: %v", a)
	}
	text := mustOK(t, runCLIIn(t, dir, "", "user", "list"))
	if !strings.Contains(text, "Nguyễn Thị Lan") || !strings.Contains(text, "chờ đổi mật khẩu") {
		t.Fatalf("list: %s", text)
	}
	audit := mustOK(t, runCLI(t, dir, "audit", "verify"))
	_ = audit
}
