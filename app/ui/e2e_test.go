package ui_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"motcua"
	"motcua/app/ui"
	"motcua/scanning/qrsign"
)

// TestEndToEnd is one citizen's dossier through the window, keyboard only:
// sign in, scan the chip-ID, pick the procedure, accept, print the receipt,
// find the dossier in the list with its due date, hand it off, record the
// result, and return it by scanning the receipt's QR.
func TestEndToEnd(t *testing.T) {
	s, m := officer(t)
	f := m.Frame
	w := s.win
	in := f.Intake
	if w.Canvas().Focused() != in.Scan {
		t.Fatal("after sign-in the scan field must have the focus")
	}

	// The USB scanner types the chip-ID line and Enter.
	scan(w, cccdLine)
	if in.Name.Text != "Nguyễn Thị Ánh Tuyết" || in.IDNumber.Text != "001190123456" || in.DOB.Text != "01/01/1990" || in.Gender.Selected != "Nữ" {
		t.Fatalf("the scan did not fill the applicant: %q %q %q %q", in.Name.Text, in.IDNumber.Text, in.DOB.Text, in.Gender.Selected)
	}
	if w.Canvas().Focused() != in.ProcQuery {
		t.Fatal("after the scan the procedure search must have the focus")
	}

	// Search without diacritics, Enter takes the first match.
	typeKeys(in.ProcQuery, "xac nhan tinh trang hon nhan")
	enter(in.ProcQuery)
	if !strings.Contains(in.ProcInfo.Text, "1.004873") {
		t.Fatalf("procedure: %q", in.ProcInfo.Text)
	}
	// Monday 09:00 + 3 working days; Tuesday 24/11/2026 is a day off in the
	// embedded calendar: Friday 27/11 at 09:00.
	wantDue := time.Date(2026, 11, 27, 9, 0, 0, 0, motcua.Location)
	if !strings.Contains(in.Due.Text, "09:00") || !strings.Contains(in.Due.Text, "27/11/2026") {
		t.Fatalf("due preview: %q", in.Due.Text)
	}

	// All documents received, accept.
	ctrl(w, fyne.KeyK)
	ctrl(w, fyne.KeyReturn)
	if in.Last == nil {
		t.Fatalf("not accepted: %q %q", in.General.Text, in.ProcInfo.Text)
	}
	code := in.Last.Code
	if code != "000.00.06.H56-261123-0001" || !in.Last.DueAt.Equal(wantDue) {
		t.Fatalf("accepted %s due %v", code, in.Last.DueAt)
	}
	if !strings.Contains(in.LastTitle.Text, code) || !strings.Contains(in.LastInfo.Text, "09:00, Thứ Sáu 27/11/2026") {
		t.Fatalf("receipt card: %q / %q", in.LastTitle.Text, in.LastInfo.Text)
	}
	pdf, err := os.ReadFile(in.LastPaper.Path)
	if err != nil || !strings.HasPrefix(string(pdf), "%PDF") {
		t.Fatalf("receipt PDF %s: %v", in.LastPaper.Path, err)
	}
	payload, res := qrsign.Verify(in.LastPaper.QRText, s.keys.Ring)
	if res != qrsign.Valid || payload.Code != code || payload.Doc != qrsign.DocReceipt || !payload.Due.Equal(wantDue) {
		t.Fatalf("receipt QR: %v %+v", res, payload)
	}
	ctrl(w, fyne.KeyP)
	in.Wait()
	if len(s.printed) != 1 || s.printed[0] != in.LastPaper.Path {
		t.Fatalf("Ctrl+P printed %v", s.printed)
	}
	if in.Name.Text != "" || in.IDNumber.Text != "" || in.ProcQuery.Text != "" || w.Canvas().Focused() != in.Scan {
		t.Fatal("the form must be clear, and the scan field ready, for the next citizen")
	}
	if !strings.Contains(f.Status.Today.Text, "1 nhận") {
		t.Fatalf("status bar: %q", f.Status.Today.Text)
	}
	if !strings.Contains(f.Status.Conn.Text, "1 chờ gửi") {
		t.Fatalf("status bar: %q", f.Status.Conn.Text)
	}
	// The procedure is now first among the officer's recent ones.
	if !strings.Contains(in.ProcInfo.Text, "★") && len(m.User.Prefs.Recent) == 0 {
		t.Fatal("the procedure was not remembered")
	}

	// In the list, with its due date, found by a search without diacritics.
	key(w, fyne.KeyF3)
	d := f.Dossiers
	rows := d.Rows()
	if len(rows) != 1 || rows[0].Code != code || !rows[0].DueAt.Equal(wantDue) {
		t.Fatalf("list: %+v", rows)
	}
	typeKeys(d.Search, "nguyen thi anh")
	if d.Total() != 1 {
		t.Fatalf("search found %d", d.Total())
	}
	enter(d.Search)
	if d.Detail.D == nil || d.Detail.D.Code != code {
		t.Fatal("Enter in the search box did not open the dossier")
	}

	// Hand-off, then the result comes back.
	act := func(label string) {
		t.Helper()
		for i, b := range d.Detail.Actions {
			if strings.HasPrefix(b.Text, label) {
				b.OnTapped()
				ctrl(w, fyne.KeyReturn)
				if d.Detail.D.Status == motcua.StatusReceived && label != "" {
					t.Fatalf("%s did nothing: %q", label, d.Detail.PanelErr.Text)
				}
				_ = i
				return
			}
		}
		var have []string
		for _, b := range d.Detail.Actions {
			have = append(have, b.Text)
		}
		t.Fatalf("no action %q among %v", label, have)
	}
	act("Chuyển xử lý")
	if d.Detail.D.Status != motcua.StatusProcessing {
		t.Fatalf("after hand-off: %v", d.Detail.D.Status)
	}
	act("Đã có kết quả")
	if d.Detail.D.Status != motcua.StatusDone {
		t.Fatalf("after result: %v", d.Detail.D.Status)
	}
	key(w, fyne.KeyEscape)
	if d.Detail.Content().Visible() {
		t.Fatal("Esc did not go back to the list")
	}

	// Return: scan the receipt's QR on the return screen.
	key(w, fyne.KeyF4)
	r := f.Return
	scan(w, in.LastPaper.QRText)
	if r.D == nil || r.D.Code != code {
		t.Fatalf("return scan: %q", r.Info.Text)
	}
	// The receiver's chip-ID fills who receives it.
	s.win.Canvas().Focus(r.Scan)
	scan(w, cccdLine)
	if r.ReceiverID.Text != "001190123456" || !r.IDChecked.Checked || r.Proxy.Checked {
		t.Fatalf("receiver: %q checked=%v proxy=%v", r.ReceiverID.Text, r.IDChecked.Checked, r.Proxy.Checked)
	}
	ctrl(w, fyne.Key1)
	ctrl(w, fyne.KeyReturn)
	confirm(t, s.m, "không sửa lại được", true)
	got, err := s.st.Get(t.Context(), code)
	if err != nil || got.Status != motcua.StatusReturned {
		t.Fatalf("after return: %v %v (%q)", got.Status, err, r.Errs["general"].Text)
	}
	last := got.History[len(got.History)-1]
	if last.Actor != "lan.nt" || !strings.Contains(last.Note, "Nguyễn Thị Ánh Tuyết") || !strings.Contains(last.Note, "Hài lòng") {
		t.Fatalf("return recorded as %+v", last)
	}
	for _, h := range got.History {
		if h.Actor != "lan.nt" {
			t.Fatalf("an action is not attributed to the officer: %+v", h)
		}
	}
	if w.Canvas().Focused() != r.Scan {
		t.Fatal("after a return the scan field must be ready for the next one")
	}

	// The same receipt scanned at intake now opens the dossier.
	key(w, fyne.KeyF2)
	scan(w, in.LastPaper.QRText)
	if f.Current() != ui.ScreenDossiers || d.Detail.D.Code != code || d.Detail.D.Status != motcua.StatusReturned {
		t.Fatal("a receipt QR scanned at intake did not open its dossier")
	}
}
