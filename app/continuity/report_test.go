package continuity_test

import (
	"bytes"
	"encoding/json"
	"motcua/app"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/app/continuity"
	"motcua/storage"
)

// testout is where the tests leave documents for a person to look at.
func testout(tb testing.TB, name string, b []byte) string {
	tb.Helper()
	dir := filepath.Join("..", "..", "testout", "continuity")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// pdfText extracts the text of a PDF with pdftotext, or skips.
func pdfText(tb testing.TB, b []byte) string {
	tb.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		tb.Log("pdftotext not installed: text of the PDF not checked")
		return ""
	}
	p := filepath.Join(tb.TempDir(), "x.pdf")
	os.WriteFile(p, b, 0o644)
	out, err := exec.Command("pdftotext", "-layout", p, "-").Output()
	if err != nil {
		tb.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func mustContain(tb testing.TB, text string, wants ...string) {
	tb.Helper()
	if text == "" {
		return
	}
	flat := strings.Join(strings.Fields(text), " ")
	for _, w := range wants {
		if !strings.Contains(flat, w) {
			tb.Errorf("text lacks %q", w)
		}
	}
}

func TestIncidentReport(t *testing.T) {
	e := newEnv(t)
	inc, err := e.svc.Open(ctx, continuity.OpenRequest{Scenario: continuity.ScenarioNetwork, By: "canbo1",
		Note: "Modem mất tín hiệu, đèn Internet đỏ"})
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for i := range 3 {
		e.clock.Advance(7 * time.Minute)
		codes = append(codes, e.intake(t, i).Code)
	}
	for _, st := range []string{"confirm", "continue", "inform", "telecom"} {
		e.clock.Advance(4 * time.Minute)
		if _, err := e.svc.TickStep(ctx, inc.ID, st, "canbo1", true); err != nil {
			t.Fatal(err)
		}
	}
	e.svc.Record(ctx, inc.ID, continuity.LogEntry{Kind: continuity.LogNotify, Actor: "canbo1", Contact: "Tổng đài báo hỏng VNPT", Channel: "điện thoại", Text: "Phiếu báo hỏng số 4521, hẹn sửa trước 11:00"})
	e.svc.Record(ctx, inc.ID, continuity.LogEntry{Kind: continuity.LogNotify, Actor: "canbo1", Contact: "Ông Lê Văn Hùng, Phó Chủ tịch UBND xã", Channel: "Zalo"})
	e.svc.Record(ctx, inc.ID, continuity.LogEntry{Kind: continuity.LogAction, Actor: "canbo2", Text: "Bật 4G dự phòng cho máy tiếp nhận"})
	// Deliver the first, reject the second, leave the third pending.
	ms, _ := e.store.OutboxUndelivered(ctx, 0, 10)
	e.store.OutboxMarkMany(ctx, []storage.OutboxMarkOp{{ID: ms[0].ID, State: storage.StateAcked},
		{ID: ms[1].ID, State: storage.StateQuarantined, LastError: "03: NgayHenTra không hợp lệ"}})
	e.clock.Advance(2 * time.Hour)
	if _, err := e.svc.Close(ctx, inc.ID, continuity.CloseRequest{By: app.Actor{Username: "lanhdao", Role: app.RoleLeader},
		Summary: "Đứt cáp quang do thi công đường; nhà mạng nối lại lúc 10:55. Tiếp nhận không gián đoạn; 1 hồ sơ bị tỉnh trả lại đã được sửa."}); err != nil {
		t.Fatal(err)
	}
	r, err := e.svc.Report(ctx, inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	var js bytes.Buffer
	if err := r.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var back continuity.IncidentReport
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	rec := back.Reconcile
	if back.Format != continuity.ReportFormat || rec.Received != 3 || rec.Delivered != 1 || rec.Quarantined != 1 || rec.Pending != 1 || back.Live {
		t.Fatalf("report %+v / %+v", back.Incident, rec)
	}
	if back.Steps[0].DoneAt.IsZero() || back.Steps[0].AfterMinutes != 25 || back.Steps[0].Late != true {
		t.Errorf("step 1 %+v (target 10 min, ticked 25 min after the start)", back.Steps[0])
	}
	if strings.Contains(js.String(), "Nguyễn Văn Số0") || strings.Contains(js.String(), "038185000000") {
		t.Error("the report leaks an applicant's name or ID number")
	}
	testout(t, "incident-report.json", js.Bytes())
	var pdf bytes.Buffer
	if err := r.WritePDF(&pdf); err != nil {
		t.Fatal(err)
	}
	testout(t, "incident-report.pdf", pdf.Bytes())
	mustContain(t, pdfText(t, pdf.Bytes()), "BÁO CÁO SỰ CỐ", "Mất kết nối mạng", codes[0], "NgayHenTra",
		"Tổng đài báo hỏng VNPT", "Phiếu báo hỏng số 4521", "quá mục tiêu", "Đứt cáp quang", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")

	pdf.Reset()
	if err := e.svc.ReconciliationPDF(ctx, &pdf, "Sự cố #1: Mất kết nối mạng", rec); err != nil {
		t.Fatal(err)
	}
	testout(t, "reconciliation.pdf", pdf.Bytes())
	mustContain(t, pdfText(t, pdf.Bytes()), "BÁO CÁO ĐỐI CHIẾU HỒ SƠ", codes[2], "Đang chờ gửi")
}
