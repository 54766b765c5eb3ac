package forms_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app/forms"
)

// TestSlip: the villager's slip is one A5 page whose QR reads back as the
// signed text, with the reference, the originals to bring and the date.
func TestSlip(t *testing.T) {
	qr := "MC1|E545QOZL|CB|000.00.06.H56-CB-7K3QF9XM|1.001193||MotCua|202611230900|202612230900||" + strings.Repeat("A", 86)
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, motcua.Location)
	path := filepath.Join(t.TempDir(), "phieu-hen.pdf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	err = forms.RenderSlip(f, forms.SlipInput{AgencyName: "UBND xã Quảng Phú", Ref: "000.00.06.H56-CB-7K3QF9XM",
		Applicant: "Nguyễn Thị Ánh Tuyết", Procedure: "Thủ tục đăng ký khai sinh", Team: "hoa.tcn",
		Bring:    []string{"Tờ khai đăng ký khai sinh (theo mẫu)", "Giấy chứng sinh"},
		Prepared: at, Expires: at.AddDate(0, 0, 30), QRText: qr})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if size, pages := pageSize(t, path); size != a5Portrait || pages != 1 {
		t.Fatalf("page %s × %d", size, pages)
	}
	text := pdfText(t, path)
	for _, want := range []string{"PHIẾU HẸN NỘP HỒ SƠ ĐÃ CHUẨN BỊ", "000.00.06.H56-CB-7K3QF9XM", "Nguyễn Thị Ánh Tuyết",
		"Giấy chứng sinh", "23/12/2026", "UBND XÃ QUẢNG PHÚ"} {
		if !strings.Contains(text, want) {
			t.Errorf("the slip does not say %q:\n%s", want, text)
		}
	}
	if got := symbols(t, path)["QR-Code"]; len(got) != 1 || got[0] != qr {
		t.Fatalf("QR on the slip: %q", got)
	}
	if err := forms.RenderSlip(&strings.Builder{}, forms.SlipInput{Ref: "x"}); err == nil {
		t.Fatal("a slip without QR or expiry was made")
	}
}
