package forms_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app/forms"
)

// TestFilledFromDossier: what the station knows is printed, not dotted —
// Mẫu 02's "Nội dung cần bổ sung" says which copies a missing paper needs
// when the officer wrote nothing more specific, and the ledger's "Cơ quan
// chủ trì giải quyết" is whom the dossier was handed to.
func TestFilledFromDossier(t *testing.T) {
	st := newStation(t)
	p, err := forms.Embedded(forms.ProfileTT03of2025)
	if err != nil {
		t.Fatal(err)
	}
	d := sampleDossier()
	d.Components = append(d.Components, motcua.Component{Name: "Sổ hộ khẩu gia đình", Original: 1, Certified: 2, Missing: true})
	f, _ := p.ByKind(forms.KindSupplement)
	in := st.input(t, f, d)
	in.ItemReasons = nil
	text := renderText(t, func(w *bytes.Buffer) error { return forms.Render(w, p, f.ID, in) })
	for _, want := range []string{"Nộp 1 bản chính, 2 bản sao có chứng thực", "Nộp bổ sung giấy tờ này"} {
		if !strings.Contains(text, want) {
			t.Errorf("Mẫu 02 lacks %q:\n%s", want, text)
		}
	}
	in.ItemReasons = map[string]string{"Sổ hộ khẩu gia đình": "Bản có xác nhận của Công an xã"}
	if text := renderText(t, func(w *bytes.Buffer) error { return forms.Render(w, p, f.ID, in) }); !strings.Contains(text, "Bản có xác nhận của Công an xã") ||
		strings.Contains(text, "Nộp 1 bản chính, 2 bản sao") {
		t.Errorf("the officer's own words do not replace the default:\n%s", text)
	}

	// The ledger: the hand-off note names the handling unit; a payment of
	// the financial obligation (back to Đang xử lý) does not.
	d = sampleDossier()
	d.History[1].Reason = "Công chức Địa chính – Xây dựng"
	d.History = append(d.History[:4:4], motcua.HistoryEntry{At: d.History[3].At, Action: "advance", From: motcua.StatusFinancial,
		To: motcua.StatusProcessing, Reason: "Đã nộp"}, d.History[4])
	text = renderText(t, func(w *bytes.Buffer) error {
		return forms.RenderLedger(w, p, []*motcua.Dossier{d}, forms.LedgerInput{AgencyName: "UBND xã Quảng Phú", Place: "Quảng Phú",
			Now: time.Date(2026, 12, 1, 8, 0, 0, 0, vn)})
	})
	if !strings.Contains(text, "Công chức Địa chính") || strings.Contains(text, "Đã nộp") {
		t.Errorf("ledger does not name the unit the dossier was handed to:\n%s", text)
	}
}

func renderText(t *testing.T, render func(*bytes.Buffer) error) string {
	t.Helper()
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "form.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(run(t, tool(t, "pdftotext", "poppler-utils"), "-enc", "UTF-8", path, "-")), " ")
}
