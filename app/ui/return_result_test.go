package ui_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
)

// TestReturnDigitisedResult: the return screen says whether the result is
// digitised; a procedure that requires it cannot be returned before, the
// screen offers the scan, and once scanned it says so (issue 18).
func TestReturnDigitisedResult(t *testing.T) {
	s := newStation(t, true)
	s.withScans()
	s.user("lan.nt", "Nguyễn Thị Lan", accounts.RoleOfficer, "matkhau-lan")
	// 1.000894 (marriage registration) requires a digitised result.
	d := s.seed(monday.Add(-2*time.Hour), "1.000894", "Bùi Thị Kết Hôn", "038185006666", motcua.StatusProcessing, motcua.StatusDone)
	plain := s.seed(monday.Add(-3*time.Hour), "2.000815", "Ngô Văn Chứng Thực", "038085007777", motcua.StatusDone)
	m := s.signIn("lan.nt", "matkhau-lan")
	key(s.win, fyne.KeyF4)
	r := m.Frame.Return

	r.Load(plain.Code)
	if !r.Result.Visible() || !strings.Contains(r.Result.Text, "chưa số hóa") || strings.Contains(r.Result.Text, "yêu cầu") {
		t.Fatalf("a result not required: %q (shown %v)", r.Result.Text, r.Result.Visible())
	}

	r.Load(d.Code)
	if !r.Result.Visible() || !strings.Contains(r.Result.Text, "yêu cầu số hóa kết quả trước khi trả") || !r.ScanResult.Visible() {
		t.Fatalf("required result: %q (scan offered %v)", r.Result.Text, r.ScanResult.Visible())
	}
	if _, err := s.svc.Return(context.Background(), d.Code, app.Actor{Username: "lan.nt", Role: app.RoleOfficer}, ""); err == nil {
		t.Fatal("an undigitised required result was returned")
	}
	relayout(s.win)
	shot(t, s.win, "return-result-missing.png")

	scanPath := filepath.Join(t.TempDir(), "giay-chung-nhan-ket-hon.jpg")
	scanJPEG(t, scanPath)
	r.AttachResult([]string{scanPath})
	if !strings.Contains(r.Result.Text, "Kết quả đã số hóa") || !strings.Contains(r.Result.Text, "Giấy chứng nhận kết hôn") ||
		r.ScanResult.Visible() {
		t.Fatalf("after the scan: %q (scan offered %v)", r.Result.Text, r.ScanResult.Visible())
	}
	relayout(s.win)
	shot(t, s.win, "return-result-digitised.png")
	t.Logf("return screen: %s", r.Result.Text)
	if _, err := s.svc.Return(context.Background(), d.Code, app.Actor{Username: "lan.nt", Role: app.RoleOfficer}, ""); err != nil {
		t.Fatalf("return after digitising: %v", err)
	}
}

// relayout lays the window out again, as a real window does on its next
// frame, before it is captured.
func relayout(w fyne.Window) {
	c := w.Canvas()
	c.Content().Resize(c.Size())
	c.Content().Refresh()
}
