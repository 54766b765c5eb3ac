package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/assets"
)

// TestCLIResultAndCitizenStore: the command line's part of issue 18 — an
// intake with --consent, a scan, the result digitised with `result`, the
// return, the store shown and exported for the citizen, a second intake a
// month later with --reuse, then the withdrawal; bad input exits 2.
func TestCLIResultAndCitizenStore(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 0, 0, 0, motcua.Location)
	fixClock(t, t0)
	dir := initStation(t)
	// This province asks a digitised result of the marital-status certificate.
	var cat map[string]any
	if err := json.Unmarshal(assets.CatalogJSON, &cat); err != nil {
		t.Fatal(err)
	}
	for _, p := range cat["procedures"].([]any) {
		if p := p.(map[string]any); p["code"] == "1.004873" {
			p["result"].(map[string]any)["digitise_required"] = true
		}
	}
	catFile := filepath.Join(t.TempDir(), "danh-muc.json")
	b, _ := json.Marshal(cat)
	if err := os.WriteFile(catFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	mustOK(t, runCLI(t, dir, "catalog", "import", catFile))
	const line = "001190123456||Nguyễn Thị Ánh Tuyết|01011990|Nữ|Thôn 2|15042021"
	d1 := decode[view](t, mustOK(t, runCLI(t, dir, "intake", "--procedure", "1.004873", "--cccd", line, "--consent", "--json")))
	scan := filepath.Join(t.TempDir(), "cccd.jpg")
	scanJPEG(t, scan, 30)
	mustOK(t, runCLI(t, dir, "attach", d1.Code, "--component", "4", scan))

	res := filepath.Join(t.TempDir(), "kq.jpg")
	scanJPEG(t, res, 90)
	if r := runCLI(t, dir, "result", d1.Code, res); r.code != 2 || !strings.Contains(r.stderr, "chưa giải quyết xong") {
		t.Fatalf("result before processing: exit %d %s", r.code, r.stderr)
	}
	mustOK(t, runCLI(t, dir, "advance", d1.Code, "--to", "4"))
	mustOK(t, runCLI(t, dir, "advance", d1.Code, "--to", "9"))
	if r := runCLI(t, dir, "return", d1.Code); r.code != 2 || !strings.Contains(r.stderr, "yêu cầu số hóa kết quả") {
		t.Fatalf("return without the digitised result: exit %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, dir, "result", d1.Code, res, "--valid-until", "01/11/2026"); r.code != 2 || !strings.Contains(r.stderr, "phải sau ngày cấp") {
		t.Fatalf("validity before issue: exit %d %s", r.code, r.stderr)
	}
	var a app.Attachment
	if err := json.Unmarshal([]byte(mustOK(t, runCLI(t, dir, "result", d1.Code, res, "--json"))), &a); err != nil {
		t.Fatal(err)
	}
	if a.Kind != app.KindResult || a.ValidUntil.IsZero() {
		t.Fatalf("result %+v", a)
	}
	mustOK(t, runCLI(t, dir, "return", d1.Code))

	if r := runCLI(t, dir, "citizen", "show", "001090123456", "--gender", "Nữ"); r.code != 2 || !strings.Contains(r.stderr, "không khớp") {
		t.Fatalf("a typed ID failing its check: exit %d %s", r.code, r.stderr)
	}
	var docs []app.StoreDoc
	if err := json.Unmarshal([]byte(mustOK(t, runCLI(t, dir, "citizen", "show", "--cccd", line, "--json"))), &docs); err != nil {
		t.Fatal(err)
	}
	if len(docs) != 2 {
		t.Fatalf("store %+v", docs)
	}
	table := mustOK(t, runCLI(t, dir, "citizen", "show", "001190123456", "--gender", "Nữ", "--dob", "01/01/1990"))
	if !strings.Contains(table, "Giấy xác nhận tình trạng hôn nhân") || !strings.Contains(table, "cơ quan cấp") {
		t.Fatalf("store table:\n%s", table)
	}
	out := filepath.Join(t.TempDir(), "usb")
	mustOK(t, runCLI(t, dir, "citizen", "export", "001190123456", "-o", out))
	files, _ := filepath.Glob(filepath.Join(out, "*.pdf"))
	if list, err := os.ReadFile(filepath.Join(out, "danh-sach.json")); err != nil || len(files) != 2 || !strings.Contains(string(list), d1.Code) {
		t.Fatalf("export: %v %v", files, err)
	}

	// A month later: the marriage registration reuses both, no scan.
	fixClock(t, t0.AddDate(0, 1, 0))
	signInAs(t, dir, testAdmin) // yesterday's session has expired
	var reuse []string
	for _, d := range docs {
		n := "3" // Giấy tờ tùy thân của hai bên
		if d.Origin == "issued" {
			n = "2" // Giấy xác nhận tình trạng hôn nhân
		}
		reuse = append(reuse, "--reuse", n+"="+jsonNum(d.ID))
	}
	d2 := decode[view](t, mustOK(t, runCLI(t, dir, append([]string{"intake", "--procedure", "1.000894", "--cccd", line, "--json"}, reuse...)...)))
	var as []app.Attachment
	if err := json.Unmarshal([]byte(mustOK(t, runCLI(t, dir, "attachments", d2.Code, "--json"))), &as); err != nil {
		t.Fatal(err)
	}
	if len(as) != 2 || as[0].ReusedFrom == 0 || as[1].ReusedFrom == 0 {
		t.Fatalf("reused documents %+v", as)
	}
	if r := runCLI(t, dir, "intake", "--procedure", "1.000894", "--cccd", line, "--reuse", "x"); r.code != 2 {
		t.Fatalf("--reuse x: exit %d", r.code)
	}
	mustOK(t, runCLI(t, dir, "citizen", "withdraw", "001190123456"))
	if err := json.Unmarshal([]byte(mustOK(t, runCLI(t, dir, "citizen", "show", "001190123456", "--json"))), &docs); err != nil || len(docs) != 0 {
		t.Fatalf("after withdrawal: %+v %v", docs, err)
	}
	if err := json.Unmarshal([]byte(mustOK(t, runCLI(t, dir, "attachments", d2.Code, "--json"))), &as); err != nil || len(as) != 2 {
		t.Fatalf("the dossier lost its documents: %+v %v", as, err)
	}
}

func jsonNum(n int64) string { b, _ := json.Marshal(n); return string(b) }
