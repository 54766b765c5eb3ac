package cli

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"motcua"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func wantExit(t *testing.T, r result, code int, stderrHas string) {
	t.Helper()
	if r.code != code || !strings.Contains(r.stderr, stderrHas) {
		t.Fatalf("exit %d (want %d), stderr %q (want %q)", r.code, code, r.stderr, stderrHas)
	}
}

func TestCLIIncident(t *testing.T) {
	dir := initStation(t)
	out := mustOK(t, runCLI(t, dir, "incident", "open", "--scenario", "power", "--note", "Mất điện toàn trụ sở"))
	if !strings.Contains(out, "Đã mở sự cố #1") || !strings.Contains(out, "[paper]") {
		t.Fatalf("open: %s", out)
	}
	mustOK(t, runCLI(t, dir, "intake", "--procedure", "1.001193", "--name", "Trần Văn Bình", "--id-number", "038085001234"))
	mustOK(t, runCLI(t, dir, "incident", "step", "paper"))
	mustOK(t, runCLI(t, dir, "incident", "notify", "--contact", "Điện lực", "--channel", "điện thoại"))
	mustOK(t, runCLI(t, dir, "incident", "action", "Chuyển sang biên nhận giấy"))
	wantExit(t, runCLI(t, dir, "incident", "step", "1", "nope"), 2, "không có bước")
	wantExit(t, runCLI(t, dir, "incident", "open", "--scenario", "flood"), 2, "network, province, power")
	wantExit(t, runCLI(t, dir, "incident", "close", "1"), 2, "tóm tắt")
	out = mustOK(t, runCLI(t, dir, "incident", "close", "1", "--summary", "Có điện lại lúc 10:00"))
	if !strings.Contains(out, "1 hồ sơ tiếp nhận trong thời gian sự cố") {
		t.Fatalf("close: %s", out)
	}
	wantExit(t, runCLI(t, dir, "incident", "close", "1", "--summary", "lần hai"), 2, "đã đóng")
	var list []map[string]any
	json.Unmarshal([]byte(mustOK(t, runCLI(t, dir, "incident", "list", "--json"))), &list)
	if len(list) != 1 || list[0]["scenario"] != "power" {
		t.Fatalf("list %v", list)
	}
	pdf, js := filepath.Join(dir, "r.pdf"), filepath.Join(dir, "r.json")
	mustOK(t, runCLI(t, dir, "incident", "report", "1", "--pdf", pdf, "--json", js))
	var rep map[string]any
	raw, _ := os.ReadFile(js)
	if json.Unmarshal(raw, &rep) != nil || rep["format"] != "motcua.incident-report/1" {
		t.Fatalf("report json %s", raw)
	}
	if b, _ := os.ReadFile(pdf); !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatal("report pdf is not a PDF")
	}
}

func TestCLIDrillInteractive(t *testing.T) {
	dir := initStation(t)
	pdf := filepath.Join(dir, "drill.pdf")
	// Enter for each step but the third, skipped.
	r := runIn(t, dir, "\n\nb\n\n\n\n\n\n\n", "drill", "run", "printer", "--pdf", pdf)
	out := mustOK(t, r)
	if !strings.Contains(out, "Diễn tập #1") || !strings.Contains(out, "Chưa làm bước") {
		t.Fatalf("drill run: %s", out)
	}
	if b, _ := os.ReadFile(pdf); !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatal("no drill report")
	}
	wantExit(t, runCLI(t, dir, "drill", "finish", "1"), 2, "trạng thái")
}

func TestCLIPaper(t *testing.T) {
	fixClock(t, time.Date(2026, 11, 24, 8, 0, 0, 0, motcua.Location)) // blocks reserved that morning, before the receipt
	dir := initStation(t)
	pdf := filepath.Join(dir, "bn.pdf")
	out := mustOK(t, runCLI(t, dir, "reserve", "--count", "4", "--pdf", pdf))
	if !strings.Contains(out, "9993 … 9999") {
		t.Fatalf("reserve: %s", out)
	}
	fixClock(t, time.Date(2026, 11, 24, 10, 0, 0, 0, motcua.Location)) // the network is back: the paper receipts are entered
	at := "2026-11-24T09:40:00+07:00"
	enter := []string{"paper", "enter", "--code", "000.00.06.H56-261124-9999", "--at", at, "--procedure", "1.001193",
		"--name", "Lê Thị Hoa", "--id-number", "038190004321", "--json"}
	var d view
	json.Unmarshal([]byte(mustOK(t, runCLI(t, dir, enter...))), &d)
	if d.Code != "000.00.06.H56-261124-9999" || d.ReceivedAt != at || d.DueAt == "" {
		t.Fatalf("entered %+v", d)
	}
	wantExit(t, runCLI(t, dir, enter...), 2, "đã được nhập")
	enter[3] = "000.00.06.H56-261124-9998"
	wantExit(t, runCLI(t, dir, enter...), 2, "máy 2/2")
	enter[3] = "000.00.06.H56-261124-0001"
	wantExit(t, runCLI(t, dir, enter...), 2, "không phải số dành cho biên nhận giấy")
}

func TestCLIBackupRestore(t *testing.T) {
	dir := initStation(t)
	usb := t.TempDir()
	for range 3 {
		mustOK(t, runCLI(t, dir, "intake", "--procedure", "1.001193", "--name", "Trần Văn Bình", "--id-number", "038085001234"))
	}
	wantExit(t, runCLI(t, dir, "backup", "now"), 2, "Chưa chọn nơi sao lưu")
	mustOK(t, runCLI(t, dir, "backup", "config", "--dest", usb))
	out := mustOK(t, runCLI(t, dir, "backup", "now"))
	if !strings.Contains(out, "kiểm tra: đạt") {
		t.Fatalf("backup now: %s", out)
	}
	var list []struct {
		ID       string `json:"id"`
		Dossiers int    `json:"dossiers"`
	}
	json.Unmarshal([]byte(mustOK(t, runCLI(t, dir, "backup", "list", "--json"))), &list)
	if len(list) != 1 || list[0].Dossiers != 3 {
		t.Fatalf("list %+v", list)
	}
	mustOK(t, runCLI(t, dir, "backup", "verify", "--full"))
	mustOK(t, runCLI(t, dir, "intake", "--procedure", "1.001193", "--name", "Lê Văn C", "--id-number", "038085001235"))
	mustOK(t, runCLI(t, dir, "check"))

	// Bytes overwritten in the database: the check fails with guidance,
	// the restore brings back the backup and names what was lost.
	// The pages hit are the audit log's and the incidents', so that what
	// the restore reads from the damaged file (schema, dossiers, history,
	// queue) stays legible and the report can name the lost dossier,
	// wherever a new migration moves the pages.
	db := filepath.Join(dir, "motcua.db")
	f, _ := os.OpenFile(db, os.O_WRONLY, 0)
	for _, pg := range tablePages(t, db, "audit", "incidents") {
		f.WriteAt(bytes.Repeat([]byte{0xA5}, 64), (pg-1)*4096)
	}
	f.Close()
	wantExit(t, runCLI(t, dir, "check"), 1, "motcua restore")
	// The window's startup check refuses the damaged file and says how to restore.
	t.Setenv("MOTCUA_NO_WINDOW", "1")
	wantExit(t, runCLI(t, dir, "gui"), 2, "motcua restore ID")
	out = mustOK(t, runCLI(t, dir, "restore", list[0].ID))
	if !strings.Contains(out, "Đã khôi phục") || !strings.Contains(out, "000.00.06.H56-") {
		t.Fatalf("restore: %s", out)
	}
	mustOK(t, runCLI(t, dir, "check", "--full"))
	if n := len(decode[[]view](t, mustOK(t, runCLI(t, dir, "list", "--json")))); n != 3 {
		t.Fatalf("%d dossiers after restore, want 3", n)
	}
	wantExit(t, runCLI(t, dir, "restore", "khong-co"), 4, "Không có bản sao lưu")
}

// contacts and plan default to their listing subcommand, flags included;
// an unknown subcommand names itself.
func TestCLIContactsAndPlanDefaults(t *testing.T) {
	dir := initStation(t)
	cs := decode[[]struct {
		Role string `json:"role"`
	}](t, mustOK(t, runCLI(t, dir, "contacts", "--json")))
	if len(cs) == 0 || cs[0].Role == "" {
		t.Fatalf("contacts --json: %+v", cs)
	}
	if out := mustOK(t, runCLI(t, dir, "plan")); !strings.Contains(out, "Nghị định 137/2024") {
		t.Fatalf("plan: %s", out)
	}
	if r := runCLI(t, dir, "plan", "bogus"); r.code != 2 || !strings.Contains(r.stderr, "bogus") {
		t.Fatalf("plan bogus: %d %s", r.code, r.stderr)
	}
}

// tablePages is the first page of each named table in the database file
// at path (dbstat), with its WAL checkpointed into the file.
func tablePages(t *testing.T, path string, tables ...string) []int64 {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, name := range tables {
		var n int64
		if err := db.QueryRow(`SELECT min(pageno) FROM dbstat WHERE name = ?`, name).Scan(&n); err != nil {
			t.Fatalf("pages of %s: %v", name, err)
		}
		out = append(out, n)
	}
	return out
}
