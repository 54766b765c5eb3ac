package cli

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"motcua"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"motcua/scanning/pdfrender"
)

// TestMain lets the test binary act as the motcua command, so tests run the
// real CLI in a child process: `MOTCUA_AS_MAIN=1 <test binary> ARGS`.
func TestMain(m *testing.M) {
	pdfrender.ServeWorker()
	if os.Getenv("MOTCUA_AS_MAIN") == "1" {
		if c, err := childClock(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		} else if c != nil {
			programClock = c
		}
		os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// fixClock runs every CLI child process of test t on a clock that reads at
// at the moment of the call and runs on from there: a test that fixes a
// date fixes it for the processes it talks to as well. Only this test
// binary reads the variables (childClock); the shipped program has no way
// to run on another date.
func fixClock(t *testing.T, at time.Time) {
	t.Helper()
	t.Setenv("MOTCUA_TEST_NOW", at.Format(time.RFC3339Nano))
	t.Setenv("MOTCUA_TEST_NOW_ANCHOR", strconv.FormatInt(time.Now().UnixNano(), 10))
}

// childClock is the clock fixClock handed to this child process, or nil.
func childClock() (motcua.Clock, error) {
	v := os.Getenv("MOTCUA_TEST_NOW")
	if v == "" {
		return nil, nil
	}
	at, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return nil, fmt.Errorf("MOTCUA_TEST_NOW: %w", err)
	}
	n, err := strconv.ParseInt(os.Getenv("MOTCUA_TEST_NOW_ANCHOR"), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("MOTCUA_TEST_NOW_ANCHOR: %w", err)
	}
	offset := at.Sub(time.Unix(0, n))
	return motcua.ClockFunc(func() time.Time { return time.Now().Add(offset).In(motcua.Location) }), nil
}

type result struct {
	code           int
	stdout, stderr string
}

// child says how a CLI child process is started: in working directory
// cwd ("": this one), with stdin as its standard input and env after the
// test's environment (so it wins). Every test that runs the command line
// in a child process goes through child.run.
type child struct {
	cwd, stdin string
	env        []string
}

// run runs the CLI (this test binary as main, see TestMain) on data
// directory dir.
func (o child) run(t *testing.T, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"--data", dir}, args...)...)
	cmd.Dir = o.cwd
	cmd.Env = append(append(os.Environ(), "MOTCUA_AS_MAIN=1", "MOTCUA_OFFICER=canbo1", "LANG=en_US.UTF-8"), o.env...)
	cmd.Stdin = strings.NewReader(o.stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errb.String()}
}

// runCLI runs the CLI as a child process on data directory dir.
func runCLI(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return child{}.run(t, dir, args...)
}

// runCLIAt is runCLI in working directory cwd ("": this one).
func runCLIAt(t *testing.T, cwd, dir string, args ...string) result {
	t.Helper()
	return child{cwd: cwd}.run(t, dir, args...)
}

// runIn is runCLI with stdin, in a scratch working directory.
func runIn(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	return child{cwd: t.TempDir(), stdin: stdin}.run(t, dir, args...)
}

// runEnv is runCLI with extra environment.
func runEnv(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	return child{env: env}.run(t, dir, args...)
}

// runCLIIn is runCLI with stdin, run by an operating-system user named
// kythuat (what a bootstrap command records; no command may take it for
// the acting account).
func runCLIIn(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	return child{stdin: stdin, env: []string{"MOTCUA_OFFICER=kythuat"}}.run(t, dir, args...)
}

func mustOK(t *testing.T, r result) string {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	return r.stdout
}

func initStation(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	mustOK(t, runCLI(t, dir, "init", "--agency-id", "000.00.06.H56", "--agency-name", "UBND xã Quảng Phú", "--station", "1/2"))
	signInAdmin(t, dir)
	return dir
}

type view struct {
	Code          string `json:"code"`
	StatusCode    int    `json:"status_code"`
	ProcedureCode string `json:"procedure_code"`
	ProcedureName string `json:"procedure_name"`
	ReceivedAt    string `json:"received_at"`
	DueAt         string `json:"due_at"`
	Extended      bool   `json:"extended"`
	Applicant     struct {
		Name     string `json:"name"`
		IDNumber string `json:"id_number"`
		DOB      string `json:"dob"`
		Gender   string `json:"gender"`
		Address  string `json:"address"`
	} `json:"applicant"`
	History []struct {
		Action string `json:"action"`
		From   int    `json:"from"`
		To     int    `json:"to"`
		Reason string `json:"reason"`
		Actor  string `json:"actor"`
	} `json:"history"`
}

func decode[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad JSON %q: %v", s, err)
	}
	return v
}

const cccdLine = "001190123456|012345678|Nguyễn Thị Ánh Tuyết|01011990|Nữ|Thôn 2, xã Quảng Phú, tỉnh Thanh Hóa|15042021\r\n"

func TestCLIWorkingDay(t *testing.T) {
	fixClock(t, time.Date(2026, 11, 20, 17, 0, 0, 0, motcua.Location)) // the --at times below are back-entries
	dir := initStation(t)
	// Back-entry of a paper receipt: Friday 20/11/2026 at 16:45, certification
	// of a transaction (2 working days): counts 15 min on Friday, then Mon 23 (24/11 is
	// a holiday), finishing Wednesday 25/11 at 16:45.
	v := decode[view](t, mustOK(t, runCLI(t, dir, "intake", "--procedure", "2.001035", "--cccd", cccdLine,
		"--phone", "0912 345 678", "--at", "2026-11-20T16:45:00+07:00", "--json")))
	if v.Code != "000.00.06.H56-261120-0001" || v.StatusCode != 2 || v.ProcedureCode != "2.001035" {
		t.Fatalf("intake: %+v", v)
	}
	if v.Applicant.Name != "Nguyễn Thị Ánh Tuyết" || v.Applicant.IDNumber != "001190123456" || v.Applicant.DOB != "1990-01-01" || v.Applicant.Gender != "Nữ" {
		t.Fatalf("applicant from CCCD: %+v", v.Applicant)
	}
	if v.ReceivedAt != "2026-11-20T16:45:00+07:00" {
		t.Fatalf("received_at %s", v.ReceivedAt)
	}
	due := strings.TrimSpace(mustOK(t, runCLI(t, dir, "due", "--from", "2026-11-20T16:45:00+07:00", "--days", "2")))
	if v.DueAt != due {
		t.Fatalf("due_at %s, calendar says %s", v.DueAt, due)
	}

	// Station 1 of 2 issues odd numbers: the next code of the same day is 0003.
	v2 := decode[view](t, mustOK(t, runCLI(t, dir, "intake", "--procedure", "2.000815", "--name", "Trần Văn Bình",
		"--id-number", "038085001234", "--dob", "05/09/1985", "--gender", "Nam", "--at", "2026-11-20T16:50:00+07:00", "--json")))
	if v2.Code != "000.00.06.H56-261120-0003" {
		t.Fatalf("second code %s", v2.Code)
	}

	// Search folds diacritics.
	found := decode[[]view](t, mustOK(t, runCLI(t, dir, "search", "nguyen thi anh tuyet", "--json")))
	if len(found) != 1 || found[0].Code != v.Code {
		t.Fatalf("search: %+v", found)
	}
	list := decode[[]view](t, mustOK(t, runCLI(t, dir, "list", "--status", "2", "--json")))
	if len(list) != 2 {
		t.Fatalf("list: %d", len(list))
	}

	// The whole life of a dossier.
	mustOK(t, runCLI(t, dir, "advance", v.Code, "--to", "4"))
	mustOK(t, runCLI(t, dir, "extend", v.Code, "--reason", "Chờ xác minh thông tin", "--due", "2026-11-30T17:00:00+07:00"))
	r := runCLI(t, dir, "extend", v.Code, "--reason", "Lần hai", "--due", "2026-12-04T17:00:00+07:00")
	if r.code != 2 || !strings.Contains(r.stderr, "một lần") {
		t.Fatalf("second extension: exit %d %s", r.code, r.stderr)
	}
	mustOK(t, runCLI(t, dir, "advance", v.Code, "--to", "9"))
	mustOK(t, runCLI(t, dir, "return", v.Code))
	final := decode[view](t, mustOK(t, runCLI(t, dir, "show", v.Code, "--json")))
	if final.StatusCode != 10 || !final.Extended || final.DueAt != "2026-11-30T17:00:00+07:00" {
		t.Fatalf("final: %+v", final)
	}
	var actions []string
	for _, h := range final.History {
		actions = append(actions, h.Action)
		if h.Actor != "canbo1" {
			t.Errorf("history actor %q", h.Actor)
		}
	}
	if strings.Join(actions, ",") != "accept,advance,extend,advance,return" {
		t.Fatalf("history: %v", actions)
	}
	r = runCLI(t, dir, "refuse", v.Code, "--reason", "muộn")
	if r.code != 2 || !strings.Contains(r.stderr, "kết thúc") {
		t.Fatalf("transition from a final state: exit %d %s", r.code, r.stderr)
	}

	// Supplement lists each missing item once and needs a reason.
	r = runCLI(t, dir, "supplement", v2.Code, "--missing", "Tờ khai")
	if r.code != 2 || !strings.Contains(r.stderr, "reason") {
		t.Fatalf("supplement without reason: exit %d %s", r.code, r.stderr)
	}
	mustOK(t, runCLI(t, dir, "supplement", v2.Code, "--reason", "Thiếu giấy tờ", "--missing", "Tờ khai; tờ khai; Bản sao CCCD"))

	out := mustOK(t, runCLI(t, dir, "audit", "verify"))
	if !strings.Contains(out, "hợp lệ") {
		t.Fatalf("audit verify: %s", out)
	}
}

// TestCLIBadInput: each bad input exits 2 with a message naming the field,
// and leaves the database byte-for-byte unchanged.
func TestCLIBadInput(t *testing.T) {
	dir := initStation(t)
	good := decode[view](t, mustOK(t, runCLI(t, dir, "intake", "--procedure", "2.000815", "--cccd", cccdLine, "--json")))
	cases := []struct {
		name  string
		args  []string
		field string
	}{
		{"ErrCCCDMalformed", []string{"intake", "--procedure", "2.000815", "--cccd", "001190123456|Nguyễn|01011990"}, "cccd.line"},
		{"ErrCCCDCentury", []string{"intake", "--procedure", "2.000815", "--cccd", strings.Replace(cccdLine, "001190", "001090", 1)}, "cccd.id_number"},
		{"ErrUnknownProcedure", []string{"intake", "--procedure", "9.999999", "--cccd", cccdLine}, "procedure"},
		{"ErrNoName", []string{"intake", "--procedure", "2.000815", "--id-number", "038085001234"}, "name"},
		{"ErrBadIDNumber", []string{"intake", "--procedure", "2.000815", "--name", "Lê Văn C", "--id-number", "12345"}, "id_number"},
		{"ErrBadDOB", []string{"intake", "--procedure", "2.000815", "--name", "Lê Văn C", "--id-number", "038085001234", "--dob", "31/02/1990"}, "dob"},
		{"ErrBadPhone", []string{"intake", "--procedure", "2.000815", "--cccd", cccdLine, "--phone", "12345"}, "phone"},
		{"ErrBadChannel", []string{"intake", "--procedure", "2.000815", "--cccd", cccdLine, "--channel", "4"}, "channel"},
		{"ErrFutureReceipt", []string{"intake", "--procedure", "2.000815", "--cccd", cccdLine, "--at", "2099-01-01T08:00:00+07:00"}, "at"},
		{"ErrBadTime", []string{"intake", "--procedure", "2.000815", "--cccd", cccdLine, "--at", "hôm qua"}, "at"},
		{"ErrRefuseNoReason", []string{"refuse", good.Code}, "reason"},
		{"ErrIllegalTransition", []string{"advance", good.Code, "--to", "10"}, "status"},
		{"ErrBadAgencyID", []string{"init", "--agency-id", "000.00.06.h56", "--agency-name", "X", "--station", "1/1"}, "agency_id"},
		{"ErrBadStation", []string{"init", "--agency-id", "000.00.06.H56", "--agency-name", "X", "--station", "3/2"}, "station"},
		{"ErrChangeAgency", []string{"init", "--agency-id", "000.00.07.H56", "--agency-name", "X", "--station", "1/2"}, "agency_id"},
		{"ErrBadCatalog", []string{"catalog", "import", "/nonexistent.json"}, "file"},
		{"ErrUnknownCommand", []string{"frobnicate"}, "command"},
	}
	// A dossier that does not exist is exit 4 (not found), not 2.
	if r := runCLI(t, dir, "show", "000.00.06.H56-261124-9999"); r.code != 4 || !strings.Contains(r.stderr, "code:") {
		t.Errorf("unknown dossier: exit %d, want 4; stderr %s", r.code, r.stderr)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := dbDigest(t, dir)
			r := runCLI(t, dir, c.args...)
			if r.code != 2 {
				t.Fatalf("exit %d, want 2; stderr %s", r.code, r.stderr)
			}
			if !strings.Contains(r.stderr, c.field+":") {
				t.Fatalf("message does not name field %q: %s", c.field, r.stderr)
			}
			if after := dbDigest(t, dir); after != before {
				t.Fatal("the database changed")
			}
		})
	}
}

// dbDigest hashes the database content after a checkpoint-free read: the
// main file plus the WAL, which together hold every committed byte.
func dbDigest(t *testing.T, dir string) [32]byte {
	t.Helper()
	h := sha256.New()
	for _, f := range []string{"motcua.db", "motcua.db-wal"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		h.Write(b)
	}
	var d [32]byte
	copy(d[:], h.Sum(nil))
	return d
}

func TestCLIDataDirNotWritable(t *testing.T) {
	if os.Geteuid() == 0 {
		// root ignores permissions: use a path under a regular file instead.
		f := filepath.Join(t.TempDir(), "file")
		os.WriteFile(f, []byte("x"), 0o600)
		r := runCLI(t, filepath.Join(f, "sub"), "list")
		if r.code != 2 || !strings.Contains(r.stderr, "data:") {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		return
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o500)
	r := runCLI(t, filepath.Join(dir, "sub"), "list")
	if r.code != 2 || !strings.Contains(r.stderr, "data:") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
}

func TestCLICalendarAndCatalog(t *testing.T) {
	dir := initStation(t) // catalog import is an administrator's, signed in
	days := decode[[]struct {
		Date string `json:"date"`
		Kind string `json:"kind"`
	}](t, mustOK(t, runCLI(t, dir, "calendar", "--year", "2026", "--json")))
	has := map[string]string{}
	for _, d := range days {
		has[d.Date] = d.Kind
	}
	for _, d := range []string{"2026-02-17", "2026-04-27", "2026-11-24", "2026-09-02"} {
		if has[d] == "" {
			t.Errorf("%s missing from the 2026 calendar", d)
		}
	}
	procs := decode[[]struct {
		Code string `json:"code"`
	}](t, mustOK(t, runCLI(t, dir, "catalog", "list", "--json")))
	if len(procs) < 25 {
		t.Fatalf("catalogue has %d procedures", len(procs))
	}
	// Import a one-procedure catalogue; a broken one is refused and the old one kept.
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"version":"x","procedures":[{"code":"","name":"A","components":[]}]}`), 0o600)
	if r := runCLI(t, dir, "catalog", "import", bad); r.code != 2 {
		t.Fatalf("bad catalogue: exit %d %s", r.code, r.stderr)
	}
	good := filepath.Join(dir, "good.json")
	os.WriteFile(good, []byte(`{"version":"HN-2026.1","updated":"2026-11-01","procedures":[{"code":"1.000001","name":"Thủ tục thử","field":"Hộ tịch","processing_days":1,"fee":0,"components":[{"name":"Tờ khai","original":1}],"confirmed":false}]}`), 0o600)
	mustOK(t, runCLI(t, dir, "catalog", "import", good))
	procs = decode[[]struct {
		Code string `json:"code"`
	}](t, mustOK(t, runCLI(t, dir, "catalog", "list", "--json")))
	if len(procs) != 1 || procs[0].Code != "1.000001" {
		t.Fatalf("after import: %+v", procs)
	}
	if v := strings.TrimSpace(mustOK(t, runCLI(t, dir, "version"))); !strings.HasPrefix(v, "motcua ") {
		t.Fatalf("version: %q", v)
	}
}
