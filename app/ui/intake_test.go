package ui_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/forms"
	"motcua/app/ui"
	"motcua/scanning/qrsign"
)

func errText(in *ui.Intake, field string) string { return in.ErrorText(field) }

func TestIntakeErrors(t *testing.T) {
	s, m := officer(t)
	w := s.win
	in := m.Frame.Intake

	t.Run("ScanNotRecognised", func(t *testing.T) {
		scan(w, "WIFI:S:quan-ca-phe;T:WPA;P:12345678;;")
		if !strings.Contains(in.ScanErr.Text, "Không nhận ra mã vừa quét") {
			t.Fatalf("unknown scan: %q", in.ScanErr.Text)
		}
	})
	t.Run("ScanBadCCCD", func(t *testing.T) {
		// Digit 4 is 0: a man born in the 1900s, but the card says Nữ.
		scan(w, "001090123456|012345678|Nguyễn Thị Ánh Tuyết|01011990|Nữ|Thôn 2|15042021")
		if in.Name.Text != "" || !strings.Contains(in.ScanErr.Text, "Mã QR căn cước không hợp lệ") {
			t.Fatalf("inconsistent chip-ID: name %q, err %q", in.Name.Text, in.ScanErr.Text)
		}
	})
	t.Run("ScanTamperedReceipt", func(t *testing.T) {
		p := qrsign.Payload{Doc: qrsign.DocReceipt, Code: "000.00.06.H56-261120-0007", Procedure: "1.001193", Applicant: "001190123456",
			System: "MOTCUA", Issued: monday}
		text, err := s.keys.Sign(p)
		if err != nil {
			t.Fatal(err)
		}
		w.Canvas().Focus(in.Scan)
		scan(w, strings.Replace(text, "261120-0007", "261120-0008", 1))
		if !strings.Contains(in.ScanErr.Text, "đã bị sửa đổi") {
			t.Fatalf("tampered receipt: %q", in.ScanErr.Text)
		}
		w.Canvas().Focus(in.Scan)
		scan(w, text)
		if !strings.Contains(in.ScanErr.Text, "Không tìm thấy hồ sơ") {
			t.Fatalf("valid receipt of a dossier not on this PC: %q", in.ScanErr.Text)
		}
	})
	t.Run("ScanIntoNameField", func(t *testing.T) {
		in.Name.SetText("")
		w.Canvas().Focus(in.Name)
		typeKeys(in.Name, "Lê ")
		scan(w, cccdLine)
		if in.Name.Text != "Nguyễn Thị Ánh Tuyết" || in.IDNumber.Text != "001190123456" {
			t.Fatalf("a scan into the name field: %q %q", in.Name.Text, in.IDNumber.Text)
		}
	})
	t.Run("ErrNoProcedure", func(t *testing.T) {
		ctrl(w, fyne.KeyReturn)
		if in.Last != nil {
			t.Fatal("accepted without a procedure")
		}
		if !strings.Contains(errText(in, "procedure"), "Chưa chọn thủ tục") {
			t.Fatal("no message next to the procedure")
		}
	})
	t.Run("ErrNoMatch", func(t *testing.T) {
		typeKeys(in.ProcQuery, "xyzxyz")
		if in.ProcList.Length() != 0 || !strings.Contains(errText(in, "procedure"), "Không có thủ tục nào khớp") {
			t.Fatal("a search that matches nothing must say so")
		}
		in.ProcQuery.SetText("")
	})
	// Arrow keys move through the procedures from the search field.
	typeKeys(in.ProcQuery, "khai sinh")
	key(w, fyne.KeyDown)
	key(w, fyne.KeyDown)
	first := in.ProcList.Length()
	if first < 2 {
		t.Fatalf("khai sinh: %d procedures", first)
	}
	in.ProcQuery.SetText("")
	typeKeys(in.ProcQuery, "1.001193")
	enter(in.ProcQuery)
	if !strings.Contains(in.ProcInfo.Text, "1.001193") {
		t.Fatalf("by code: %q", in.ProcInfo.Text)
	}
	t.Run("ErrMissingDocuments", func(t *testing.T) {
		ctrl(w, fyne.KeyReturn)
		if in.Last != nil || !strings.Contains(errText(in, "components"), "Còn thiếu") {
			t.Fatalf("accepted with documents missing: %q", errText(in, "components"))
		}
	})
	t.Run("ErrBadCount", func(t *testing.T) {
		ctrl(w, fyne.KeyK)
		in.ProcQuery.SetText("")
		comps := in.Components()
		comps[0].Orig.SetText("hai")
		ctrl(w, fyne.KeyReturn)
		if in.Last != nil || !strings.Contains(errText(in, "components"), "Số bản phải là số") {
			t.Fatalf("a count that is not a number: %q", errText(in, "components"))
		}
		comps[0].Orig.SetText("1")
	})
	t.Run("ErrBadID", func(t *testing.T) {
		in.IDNumber.SetText("12345")
		ctrl(w, fyne.KeyReturn)
		if in.Last != nil || !strings.Contains(errText(in, "id_number"), "không hợp lệ") {
			t.Fatalf("bad ID: %q / %q", errText(in, "id_number"), in.General.Text)
		}
		if w.Canvas().Focused() != in.IDNumber {
			t.Fatal("the focus must go to the field in error")
		}
		in.IDNumber.SetText("001190123456")
	})
	t.Run("ErrSupplementWithoutReason", func(t *testing.T) {
		comps := in.Components()
		comps[1].Check.SetChecked(false)
		ctrl(w, fyne.KeyB)
		if in.Last != nil || !strings.Contains(errText(in, "reason"), "Phải ghi rõ lý do") {
			t.Fatalf("supplement without a reason: %q", errText(in, "reason"))
		}
	})
	t.Run("RefuseAtReceiptLeaderSetting", func(t *testing.T) {
		// By default the receiving officer refuses at receipt (NĐ 61/2018
		// art. 17); a commune that gives it to the leader is obeyed by the
		// service, whatever the button shows.
		if in.Refuse.Disabled() {
			t.Fatal("the officer's refuse button is disabled under the default rule")
		}
		ctx := context.Background()
		quantri := app.Actor{Username: "quantri", Role: app.RoleAdmin}
		if err := s.svc.SetRefuseAtReceiptRole(ctx, quantri, app.RoleLeader); err != nil {
			t.Fatal(err)
		}
		defer s.svc.SetRefuseAtReceiptRole(ctx, quantri, app.RoleOfficer)
		ctrl(w, fyne.KeyR)
		if in.Last != nil || !strings.Contains(errText(in, "reason"), "Lãnh đạo") {
			t.Fatalf("an officer refused a dossier the setting gives to the leader: %q", errText(in, "reason"))
		}
	})
	// Supplement: the unticked document and an extra one, with a reason.
	typeKeys(in.Reason, "Thiếu giấy tờ theo quy định")
	typeKeys(in.Extra, "Giấy xác nhận cư trú")
	ctrl(w, fyne.KeyB)
	if in.Last == nil || in.Last.Status != motcua.StatusSupplement {
		t.Fatalf("supplement: %q %q", in.General.Text, errText(in, "missing"))
	}
	var missing []string
	for _, c := range in.Last.Components {
		if c.Missing {
			missing = append(missing, c.Name)
		}
	}
	if len(missing) != 2 || missing[1] != "Giấy xác nhận cư trú" {
		t.Fatalf("missing items: %v", missing)
	}
	if in.LastPaper.Kind != forms.KindSupplement || !strings.Contains(in.LastTitle.Text, "yêu cầu bổ sung") {
		t.Fatalf("paper: %+v %q", in.LastPaper, in.LastTitle.Text)
	}
	// A request to supplement is no receipt: today's count stays at 0.
	if got := m.Frame.Status.Today.Text; !strings.Contains(got, "Hôm nay: 0 nhận") {
		t.Fatalf("status bar after a supplement request: %q", got)
	}
}

func TestEnglishPlurals(t *testing.T) {
	ui.SetLanguage("en")
	t.Cleanup(func() { ui.SetLanguage("vi") })
	for n, want := range map[int]string{1: "1 scan waiting (Ctrl+E)", 2: "2 scans waiting (Ctrl+E)"} {
		if got := ui.Num(n, "bản quét đang chờ (Ctrl+E)"); got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
	if got := ui.Num(1, "tệp không nhận: xem lý do trong hộp thư (Ctrl+E)."); !strings.HasPrefix(got, "1 file refused") {
		t.Errorf("1 refused file: %q", got)
	}
	ui.SetLanguage("vi")
	if got := ui.Num(1, "tệp"); got != "1 tệp" {
		t.Errorf("Vietnamese: %q", got)
	}
}

func TestLeaderRefusesAtIntake(t *testing.T) {
	s, m := leader(t)
	w := s.win
	in := m.Frame.Intake
	scan(w, cccdLine)
	typeKeys(in.ProcQuery, "dang ky ket hon")
	enter(in.ProcQuery)
	ctrl(w, fyne.KeyR)
	if in.Last != nil || !strings.Contains(errText(in, "reason"), "lý do") {
		t.Fatal("refused without a reason")
	}
	test.Type(in.Reason, "Không thuộc thẩm quyền của UBND xã")
	// Final at once: asked first, with the consequence; Esc keeps the form.
	ctrl(w, fyne.KeyR)
	confirm(t, m, "không hoàn tác được", false)
	if in.Last != nil || in.Reason.Text == "" {
		t.Fatal("Esc refused the dossier, or lost the form")
	}
	ctrl(w, fyne.KeyR)
	ctrl(w, fyne.KeyR) // a second Ctrl+R while asked does nothing
	if in.Last != nil {
		t.Fatal("refused without the officer confirming")
	}
	confirm(t, m, "Mẫu 03", true)
	if in.Last == nil || in.Last.Status != motcua.StatusRefused || in.LastPaper.Kind != forms.KindRefusal {
		t.Fatalf("refusal: %q %q", in.General.Text, errText(in, "reason"))
	}
	if in.Last.History[0].Actor != "binh.tv" {
		t.Fatalf("refusal recorded as %q", in.Last.History[0].Actor)
	}
}

// The officer sees every problem of the form at once, each under its
// field, and each message goes as soon as its field is corrected.
func TestIntakeAllErrorsAtOnce(t *testing.T) {
	s, m := officer(t)
	w := s.win
	in := m.Frame.Intake
	typeKeys(in.ProcQuery, "1.001193")
	enter(in.ProcQuery)
	in.Name.SetText("Trần Văn Bình")
	in.IDNumber.SetText("038085001234") // a man born in 1985
	in.DOB.SetText("31/02/1990")
	in.Phone.SetText("12345")
	ctrl(w, fyne.KeyReturn)
	if in.Last != nil {
		t.Fatal("accepted a form with errors")
	}
	for f, want := range map[string]string{
		"dob":        "không có",
		"phone":      "Số điện thoại",
		"components": "Còn thiếu",
	} {
		if got := errText(in, f); !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q (every problem at once)", f, got, want)
		}
	}
	if strings.Contains(errText(in, "dob"), "NN/TT/NNNN") || !strings.Contains(errText(in, "dob"), "28 ngày") {
		t.Errorf("31/02/1990 is in the right form; the day does not exist: %q", errText(in, "dob"))
	}
	if w.Canvas().Focused() != in.DOB {
		t.Errorf("the focus must go to the first field to correct, the date of birth; got %T", w.Canvas().Focused())
	}

	t.Run("CorrectedFieldClears", func(t *testing.T) {
		in.Phone.SetText("0912345678")
		if errText(in, "phone") != "" {
			t.Errorf("the phone was corrected, its message stays: %q", errText(in, "phone"))
		}
		ctrl(w, fyne.KeyK)
		if errText(in, "components") != "" {
			t.Errorf("all boxes ticked, \"Còn thiếu\" stays: %q", errText(in, "components"))
		}
	})
	t.Run("TypedIDCheckedAgainstDOB", func(t *testing.T) {
		in.DOB.SetText("05/09/1990")
		ctrl(w, fyne.KeyReturn)
		if in.Last != nil || !strings.Contains(errText(in, "id_number"), "năm sinh 1990") {
			t.Fatalf("a 1985 number with a 1990 birth date: %q", errText(in, "id_number"))
		}
		in.Gender.SetSelected("Nữ")
		in.DOB.SetText("05/09/1985")
		ctrl(w, fyne.KeyReturn)
		if in.Last != nil || !strings.Contains(errText(in, "id_number"), "giới tính") {
			t.Fatalf("a man's number for a woman: %q", errText(in, "id_number"))
		}
	})
	t.Run("FutureDOBAsTyped", func(t *testing.T) {
		in.DOB.SetText("05/09/2030")
		ctrl(w, fyne.KeyReturn)
		if got := errText(in, "dob"); !strings.Contains(got, "«05/09/2030»") {
			t.Fatalf("future date echoed as %q, want the officer's 05/09/2030", got)
		}
	})
	t.Run("OK", func(t *testing.T) {
		in.Gender.SetSelected("Nam")
		in.DOB.SetText("05/09/1985")
		ctrl(w, fyne.KeyReturn)
		if in.Last == nil {
			t.Fatalf("not accepted: %q %q %q", errText(in, "id_number"), errText(in, "dob"), in.General.Text)
		}
	})
}

// The checklist runs from the keyboard: Down/Up one row at a time, a
// digit ticks document N, Space ticks the row in focus.
func TestChecklistKeys(t *testing.T) {
	s, m := officer(t)
	w := s.win
	in := m.Frame.Intake
	scan(w, cccdLine)
	typeKeys(in.ProcQuery, "1.001193")
	enter(in.ProcQuery)
	comps := in.Components()
	if len(comps) < 3 {
		t.Fatalf("1.001193 has %d documents; the test needs 3", len(comps))
	}
	if w.Canvas().Focused() != comps[0].Check {
		t.Fatal("Enter on the procedure must go to the first document")
	}
	key(w, fyne.KeyDown)
	if w.Canvas().Focused() != comps[1].Check {
		t.Fatal("Down must go to the next document (one key, not five Tabs)")
	}
	key(w, fyne.KeyUp)
	if w.Canvas().Focused() != comps[0].Check {
		t.Fatal("Up must go back to the previous document")
	}
	w.Canvas().Focused().TypedRune('3')
	if !comps[2].Check.Checked || w.Canvas().Focused() != comps[2].Check {
		t.Fatal("3 must tick the third document and go there")
	}
	key(w, fyne.KeyUp)
	w.Canvas().Focused().TypedRune(' ')
	if !comps[1].Check.Checked {
		t.Fatal("Space must tick the document in focus")
	}
	// Ctrl+Enter from a row of the checklist decides.
	for _, c := range comps {
		c.Check.SetChecked(true)
	}
	ctrl(w, fyne.KeyReturn)
	if in.Last == nil {
		t.Fatalf("Ctrl+Enter from the checklist: %q", errText(in, "components"))
	}
}

// A PC without printing software: the officer reads a sentence saying
// what happened and what to do; the technical text is one press away; the
// message goes with the next citizen's scan.
func TestPrintFailureInWords(t *testing.T) {
	s := newStation(t, true)
	s.user("lan.nt", "Nguyễn Thị Lan", accounts.RoleOfficer, "matkhau-lan")
	t.Setenv("PATH", t.TempDir()) // no lp
	m := ui.NewMain(s.win, s.svc, ui.Options{Accounts: s.acc, Keys: s.keys, PapersDir: filepath.Join(s.dir, "papers"),
		Open: func(string) error { return nil }, Print: forms.Print, IdleLock: -1})
	t.Cleanup(m.Close)
	m.SignIn.Username.SetText("lan.nt")
	test.Type(m.SignIn.Password, "matkhau-lan")
	enter(m.SignIn.Password)
	w := s.win
	in := m.Frame.Intake
	scan(w, cccdLine)
	typeKeys(in.ProcQuery, "1.001193")
	enter(in.ProcQuery)
	ctrl(w, fyne.KeyK)
	ctrl(w, fyne.KeyReturn)
	if in.Last == nil {
		t.Fatalf("not accepted: %q", errText(in, "components"))
	}
	ctrl(w, fyne.KeyP)
	in.Wait()
	msg := in.General.Text
	if msg == "" || strings.Contains(msg, "exec:") || strings.Contains(msg, "$PATH") || !strings.Contains(msg, "chưa cài chương trình in") {
		t.Fatalf("the officer reads %q", msg)
	}
	if !in.Tech.Visible() {
		t.Fatal("no way to the technical detail")
	}
	test.Tap(in.Tech)
	confirm(t, m, "executable file not found", false)
	w.Canvas().Focus(in.Scan)
	scan(w, cccdLine)
	if in.General.Text != "" {
		t.Fatalf("the print failure outlives the next scan: %q", in.General.Text)
	}
}

// A slow printer (lp can take seconds, 30 at its time-out) does not
// freeze the window: the decision returns to the officer at once, the
// form is clear for the next citizen, the card says when the job went.
func TestSlowPrinterDoesNotFreeze(t *testing.T) {
	const printerDelay = 1500 * time.Millisecond
	s := newStation(t, true)
	s.user("lan.nt", "Nguyễn Thị Lan", accounts.RoleOfficer, "matkhau-lan")
	release := make(chan struct{})
	m := ui.NewMain(s.win, s.svc, ui.Options{Accounts: s.acc, Keys: s.keys, PapersDir: filepath.Join(s.dir, "papers"),
		Open: func(string) error { return nil }, IdleLock: -1,
		Print: func(string) error {
			select {
			case <-release:
			case <-time.After(printerDelay):
			}
			return nil
		}})
	t.Cleanup(m.Close)
	m.SignIn.Username.SetText("lan.nt")
	test.Type(m.SignIn.Password, "matkhau-lan")
	enter(m.SignIn.Password)
	m.User.Prefs.AutoPrint = true
	w := s.win
	in := m.Frame.Intake
	scan(w, cccdLine)
	typeKeys(in.ProcQuery, "2.000815")
	enter(in.ProcQuery)
	ctrl(w, fyne.KeyK)
	sw := motcua.StartStopwatch()
	ctrl(w, fyne.KeyReturn) // on the UI goroutine: this is the frame stall
	stall := sw.Elapsed()
	t.Logf("UI goroutine busy %v for the decision with a %v printer", stall, printerDelay)
	if in.Last == nil {
		t.Fatalf("not accepted: %q", errText(in, "components"))
	}
	if stall >= printerDelay {
		t.Fatalf("the window froze %v: the print job ran on the UI goroutine", stall)
	}
	if !strings.Contains(in.LastInfo.Text, "đang gửi in") || in.Name.Text != "" || w.Canvas().Focused() != in.Scan {
		t.Fatalf("while printing: card %q, form name %q", in.LastInfo.Text, in.Name.Text)
	}
	close(release)
	in.Wait()
	if !strings.Contains(in.LastInfo.Text, "đã gửi in") {
		t.Fatalf("after the job: %q", in.LastInfo.Text)
	}
}

// At 1366×697, with the last citizen's card showing and a scan error, the
// applicant's column still shows every field down to the address; the
// scan's message takes the hint's place.
func TestApplicantColumnFits(t *testing.T) {
	s, m := officer(t)
	w := s.win
	w.Resize(fyne.NewSize(1366, 697))
	in := m.Frame.Intake
	scan(w, cccdLine)
	typeKeys(in.ProcQuery, "2.000815")
	enter(in.ProcQuery)
	ctrl(w, fyne.KeyK)
	ctrl(w, fyne.KeyReturn)
	if in.Last == nil {
		t.Fatal("not accepted")
	}
	w.Canvas().Focus(in.Scan)
	scan(w, "WIFI:S:quan-ca-phe;T:WPA;P:12345678;;")
	w.Canvas().Focus(in.Phone) // the focus elsewhere
	if !in.ScanErr.Visible() || in.ScanInfo.Visible() {
		t.Fatalf("scan error visible %v, hint visible %v: the message takes the hint's place", in.ScanErr.Visible(), in.ScanInfo.Visible())
	}
	if over := in.ApplicantOverflow(); over > 0 {
		t.Fatalf("the applicant's column is %.0f px too tall: the address is cut", over)
	}
	w.Canvas().Focus(in.Scan)
	scan(w, cccdLine)
	if in.ScanErr.Visible() || !in.ScanInfo.Visible() {
		t.Fatal("after a good scan the hint comes back")
	}
}
