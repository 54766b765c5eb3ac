package cli

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/storage"
)

// The test station's administrator: the first account, signed in by
// initStation, so the commands of every test act as a real account.
const (
	testAdmin     = "canbo1"
	testAdminName = "Nguyễn Văn Cán"
)

// signInAdmin creates the station's first account (the bootstrap `user add`
// needs no session), replaces its temporary password (`passwd` with the old
// one) and signs it in.
func signInAdmin(t *testing.T, dir string) {
	t.Helper()
	mustOK(t, runCLIIn(t, dir, "tamthoi-"+testAdmin+"\n", "user", "add", testAdmin, "--name", testAdminName, "--role", "admin"))
	signInAs(t, dir, testAdmin)
}

// addUser adds an account as the signed-in administrator.
func addUser(t *testing.T, dir, username, fullName, role string) {
	t.Helper()
	mustOK(t, runCLIIn(t, dir, "tamthoi-"+username+"\n", "user", "add", username, "--name", fullName, "--role", role))
}

// signInAs replaces username's temporary password by its own (matkhau-NAME)
// if still needed, and signs the data folder's command line in as it.
func signInAs(t *testing.T, dir, username string) {
	t.Helper()
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("tamthoi-"+username+"\nmatkhau-"+username+"\n"), 0o600)
	runCLI(t, dir, "passwd", username, "--password-file", pw) // fails harmlessly once already changed
	os.WriteFile(pw, []byte("matkhau-"+username+"\n"), 0o600)
	out := mustOK(t, runCLI(t, dir, "signin", username, "--password-file", pw))
	if !strings.Contains(out, "Đã đăng nhập: "+username) {
		t.Fatalf("signin: %s", out)
	}
}

// TestSignInSession: signin writes a 0600 session file holding a token whose
// hash only is in the database; commands act as that account; signout and
// expiry end it with a message saying to run `motcua signin`.
func TestSignInSession(t *testing.T) {
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, motcua.Location)
	fixClock(t, at)
	dir := initStation(t)
	fi, err := os.Stat(filepath.Join(dir, sessionFileName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("session file mode %v, want 0600", fi.Mode().Perm())
	}
	tok, _ := os.ReadFile(filepath.Join(dir, sessionFileName))
	token := strings.TrimSpace(string(tok))
	if !strings.HasPrefix(token, "mcs_") {
		t.Fatalf("token %q", token)
	}
	for _, f := range []string{"motcua.db", "motcua.db-wal"} {
		b, _ := os.ReadFile(filepath.Join(dir, f))
		if strings.Contains(string(b), token) {
			t.Fatalf("the token is stored in clear in %s", f)
		}
	}

	// A wrong password opens nothing and keeps the session.
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("sai-mat-khau\n"), 0o600)
	if r := runCLI(t, dir, "signin", testAdmin, "--password-file", pw); r.code != 2 || !strings.Contains(r.stderr, "password:") {
		t.Fatalf("wrong password: exit %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, dir, "signin", testAdmin); r.code != 2 || !strings.Contains(r.stderr, "--password-file") {
		t.Fatalf("no terminal, no file: exit %d %s", r.code, r.stderr)
	}

	v := decode[view](t, mustOK(t, runCLI(t, dir, "intake", "--procedure", "2.000815", "--cccd", cccdLine, "--json")))
	if v.History[0].Actor != testAdmin {
		t.Fatalf("history actor %q", v.History[0].Actor)
	}

	// Expired: ten hours later the session is over.
	fixClock(t, at.Add(10*time.Hour+time.Minute))
	r := runCLI(t, dir, "advance", v.Code, "--to", "4")
	if r.code != 2 || !strings.Contains(r.stderr, "session:") || !strings.Contains(r.stderr, "hết hạn") || !strings.Contains(r.stderr, "motcua signin") {
		t.Fatalf("expired session: exit %d %s", r.code, r.stderr)
	}
	fixClock(t, at.Add(time.Hour))
	mustOK(t, runCLI(t, dir, "advance", v.Code, "--to", "4"))

	// Signed out: refused, and the token no longer works from the environment either.
	mustOK(t, runCLI(t, dir, "signout"))
	if _, err := os.Stat(filepath.Join(dir, sessionFileName)); !os.IsNotExist(err) {
		t.Fatalf("session file after signout: %v", err)
	}
	r = runCLI(t, dir, "advance", v.Code, "--to", "9")
	if r.code != 2 || !strings.Contains(r.stderr, "Chưa đăng nhập") || !strings.Contains(r.stderr, "motcua signin") {
		t.Fatalf("signed out: exit %d %s", r.code, r.stderr)
	}
	t.Setenv(envSession, token)
	if r = runCLI(t, dir, "advance", v.Code, "--to", "9"); r.code != 2 || !strings.Contains(r.stderr, "session:") {
		t.Fatalf("closed token: exit %d %s", r.code, r.stderr)
	}
	t.Setenv(envSession, "")

	// The audit names the account and the session's opening and closing.
	actors := auditActors(t, dir)
	for _, want := range []string{"auth.session.open", "auth.session.close"} {
		if len(actors[want]) == 0 || actors[want][0] != testAdmin {
			t.Errorf("audit %s: %v", want, actors[want])
		}
	}
}

// TestCLINeedsSignIn: the attacks of #17 on a station with accounts.
func TestCLINeedsSignIn(t *testing.T) {
	dir := initStation(t)
	addUser(t, dir, "lan.nt", "Nguyễn Thị Lan", "officer")
	code := decode[view](t, mustOK(t, runCLI(t, dir, "intake", "--procedure", "2.000815", "--cccd", cccdLine, "--json"))).Code
	mustOK(t, runCLI(t, dir, "signout"))

	// No session: no account is added, whatever MOTCUA_OFFICER says.
	before := dbDigest(t, dir)
	r := runCLIIn(t, dir, "matkhau-evil\n", "user", "add", "evil", "--name", "Kẻ Xấu", "--role", "admin")
	if r.code != 2 || !strings.Contains(r.stderr, "session:") || !strings.Contains(r.stderr, "motcua signin") {
		t.Fatalf("user add without a session: exit %d %s", r.code, r.stderr)
	}
	if r := runCLIIn(t, dir, "matkhau-moi\n", "user", "passwd", testAdmin); r.code != 2 || !strings.Contains(r.stderr, "session:") {
		t.Fatalf("user passwd without a session: exit %d %s", r.code, r.stderr)
	}
	for _, args := range [][]string{
		{"intake", "--procedure", "2.000815", "--cccd", cccdLine},
		{"refuse", code, "--reason", "Không đủ điều kiện"},
		{"advance", code, "--to", "4"},
		{"return", code},
	} {
		if r := runCLI(t, dir, args...); r.code != 2 || !strings.Contains(r.stderr, "Chưa đăng nhập") {
			t.Fatalf("%s without a session: exit %d %s", args[0], r.code, r.stderr)
		}
	}
	if dbDigest(t, dir) != before {
		t.Fatal("the database changed")
	}

	// An officer may not add accounts.
	signInAs(t, dir, "lan.nt")
	r = runCLIIn(t, dir, "matkhau-evil\n", "user", "add", "evil", "--name", "Kẻ Xấu", "--role", "admin")
	if r.code != 2 || !strings.Contains(r.stderr, "ERR_FORBIDDEN") && !strings.Contains(r.stderr, "không có quyền") {
		t.Fatalf("user add as an officer: exit %d %s", r.code, r.stderr)
	}

	// Refusal at receipt follows the commune's setting: by default the
	// counter officer refuses (NĐ 61/2018 art. 17); set to leader, the
	// officer is refused. The history and the audit name the signed-in
	// account, not a typed name.
	refused := decode[view](t, mustOK(t, runCLI(t, dir, "intake", "--procedure", "2.000815", "--cccd", cccdLine,
		"--refuse", "Không thuộc thẩm quyền của xã", "--json")))
	if refused.StatusCode != int(motcua.StatusRefused) || refused.History[0].Actor != "lan.nt" {
		t.Fatalf("refusal at receipt by the officer: %+v", refused)
	}
	setSetting(t, dir, app.KeyRefuseAtReceiptRole, "leader")
	before = dbDigest(t, dir)
	r = runCLI(t, dir, "intake", "--procedure", "2.000815", "--cccd", cccdLine, "--refuse", "Không đủ điều kiện")
	if r.code != 2 || !strings.Contains(r.stderr, "ERR_FORBIDDEN") && !strings.Contains(r.stderr, "Lãnh đạo") {
		t.Fatalf("refusal at receipt as an officer under a leader-only setting: exit %d %s", r.code, r.stderr)
	}
	r = runCLI(t, dir, "refuse", code, "--reason", "Không đủ điều kiện")
	if r.code != 2 || !strings.Contains(r.stderr, "Lãnh đạo") {
		t.Fatalf("refuse as an officer: exit %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, dir, "refuse", code, "--reason", "x", "--officer", "chu.tich.xa"); r.code != 2 || !strings.Contains(r.stderr, "officer") {
		t.Fatalf("--officer is no longer a way to act as someone else: exit %d %s", r.code, r.stderr)
	}
	if dbDigest(t, dir) != before {
		t.Fatal("a refused command changed the database")
	}
	mustOK(t, runCLI(t, dir, "advance", code, "--to", "4"))
	v := decode[view](t, mustOK(t, runCLI(t, dir, "show", code, "--json")))
	if last := v.History[len(v.History)-1]; last.Actor != "lan.nt" {
		t.Fatalf("history actor %q, want lan.nt", last.Actor)
	}
	actors := auditActors(t, dir)
	if strings.Join(actors["dossier.refuse"], ",") != "lan.nt" || len(actors["dossier.advance"]) != 1 || actors["dossier.advance"][0] != "lan.nt" {
		t.Fatalf("audit: %v", actors)
	}
	for action, as := range actors {
		for _, a := range as {
			if a == "chu.tich.xa" || a == "kythuat" || a == "canbo1" && strings.HasPrefix(action, "dossier.") && action != "dossier.accept" {
				t.Errorf("audit %s by %q", action, a)
			}
		}
	}
}

// setSetting writes a setting as the station's administrator would.
func setSetting(t *testing.T, dir, key, value string) {
	t.Helper()
	st, err := storage.Open(filepath.Join(dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.SetSetting(context.Background(), key, value, app.AuditEntry{At: time.Now(), Actor: testAdmin, Action: "policy.set", Subject: key, Detail: value}); err != nil {
		t.Fatal(err)
	}
}

// auditActors reads the audit log: the actors of each action, in order.
func auditActors(t *testing.T, dir string) map[string][]string {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT action, actor FROM audit ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	m := map[string][]string{}
	for rows.Next() {
		var action, actor string
		if err := rows.Scan(&action, &actor); err != nil {
			t.Fatal(err)
		}
		m[action] = append(m[action], actor)
	}
	return m
}

// TestCLIBootstrap: the installer's commands that need no session.
func TestCLIBootstrap(t *testing.T) {
	dir := t.TempDir()
	mustOK(t, runCLI(t, dir, "init", "--agency-id", "000.00.06.H56", "--agency-name", "UBND xã Quảng Phú", "--station", "1/1"))
	// The first account must be an administrator.
	if r := runCLIIn(t, dir, "tamthoi-lan\n", "user", "add", "lan.nt", "--name", "Nguyễn Thị Lan"); r.code != 2 || !strings.Contains(r.stderr, "role:") {
		t.Fatalf("first account an officer: exit %d %s", r.code, r.stderr)
	}
	mustOK(t, runCLIIn(t, dir, "tamthoi-qt\n", "user", "add", "quantri", "--name", "Quản Trị", "--role", "admin"))
	// The temporary password opens no session; passwd with the old one replaces it.
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("tamthoi-qt\n"), 0o600)
	if r := runCLI(t, dir, "signin", "quantri", "--password-file", pw); r.code != 2 || !strings.Contains(r.stderr, "passwd") && !strings.Contains(r.stderr, "đổi mật khẩu") {
		t.Fatalf("signin with the temporary password: exit %d %s", r.code, r.stderr)
	}
	os.WriteFile(pw, []byte("sai-roi-day\nmatkhau-qt-2026\n"), 0o600)
	if r := runCLI(t, dir, "passwd", "quantri", "--password-file", pw); r.code != 2 || !strings.Contains(r.stderr, "old_password:") {
		t.Fatalf("passwd with a wrong old password: exit %d %s", r.code, r.stderr)
	}
	os.WriteFile(pw, []byte("tamthoi-qt\nmatkhau-qt-2026\n"), 0o600)
	mustOK(t, runCLI(t, dir, "passwd", "quantri", "--password-file", pw))
	os.WriteFile(pw, []byte("matkhau-qt-2026\n"), 0o600)
	mustOK(t, runCLI(t, dir, "signin", "quantri", "--password-file", pw))
	mustOK(t, runCLI(t, dir, "version"))
}
