package ui_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"motcua/app/ui"
)

// inboxRows is the number of scans the intake's inbox lists, read on the
// UI goroutine.
func inboxRows(in *ui.Intake) int {
	var n int
	fyne.DoAndWait(func() { n = len(in.Docs.Inbox.Rows) })
	return n
}

// Once the procedure is taken with Enter the search folds into the
// procedure's line with its appointment; Ctrl+F opens the search again,
// Esc folds it back; the arrow keys keep the results open.
func TestIntakeProcedureCollapses(t *testing.T) {
	s, m := officer(t)
	w := s.win
	in := m.Frame.Intake
	if !in.Searching() {
		t.Fatal("with no procedure chosen the search must be open")
	}
	scan(w, cccdLine)
	typeKeys(in.ProcQuery, "khai sinh")
	key(w, fyne.KeyDown)
	key(w, fyne.KeyDown)
	if !in.Searching() || w.Canvas().Focused() != in.ProcQuery {
		t.Fatal("moving through the results with the arrows closed the search")
	}
	in.ProcQuery.SetText("")
	typeKeys(in.ProcQuery, "xac nhan tinh trang hon nhan")
	enter(in.ProcQuery)
	if in.Searching() {
		t.Fatal("the search stays open after Enter took the procedure")
	}
	if !strings.Contains(in.ProcInfo.Text, "1.004873") || !strings.Contains(in.Due.Text, "27/11/2026") {
		t.Fatalf("the chosen procedure's line: %q / %q", in.ProcInfo.Text, in.Due.Text)
	}
	if !in.Change.Visible() || !strings.Contains(in.Change.Text, "Ctrl+F") {
		t.Fatalf("change button: %q", in.Change.Text)
	}
	if w.Canvas().Focused() != in.Components()[0].Check {
		t.Fatal("after Enter the focus goes to the checklist")
	}

	ctrl(w, fyne.KeyF)
	if !in.Searching() || w.Canvas().Focused() != in.ProcQuery {
		t.Fatal("Ctrl+F must open the procedure search with the focus in it")
	}
	key(w, fyne.KeyEscape)
	if in.Searching() || !strings.Contains(in.ProcInfo.Text, "1.004873") {
		t.Fatal("Esc must fold the search back over the chosen procedure")
	}

	// Changing the procedure: Ctrl+F, search, Enter.
	ctrl(w, fyne.KeyF)
	in.ProcQuery.SetText("")
	typeKeys(in.ProcQuery, "1.001193")
	enter(in.ProcQuery)
	if in.Searching() || !strings.Contains(in.ProcInfo.Text, "1.001193") {
		t.Fatalf("changed procedure: %q (searching %v)", in.ProcInfo.Text, in.Searching())
	}

	// After the decision the form is clear and the search open again.
	ctrl(w, fyne.KeyK)
	ctrl(w, fyne.KeyReturn)
	if in.Last == nil {
		t.Fatalf("not accepted: %q", in.ErrorText("components"))
	}
	if !in.Searching() || in.ProcQuery.Text != "" {
		t.Fatal("the next citizen starts with the procedure search")
	}
}

// Scans are attached inline, per document of the checklist, keyboard only:
// Ctrl+E goes to the newest scan of the inbox, a digit takes it for that
// document; Enter on a row's attach button takes the scan chosen in the
// inbox. Each row says how many scans it has; Bỏ gives a scan back.
func TestIntakeInlineAttach(t *testing.T) {
	s := scanStation(t)
	inb, dir := startInbox(t, s)
	m := s.signInWith(func(o *ui.Options) { o.Inbox = inb })
	w := s.win
	in := m.Frame.Intake
	w.Canvas().Focus(in.Scan)
	scan(w, cccdLine)
	typeKeys(in.ProcQuery, "1.004873")
	enter(in.ProcQuery)
	comps := in.Components()
	if len(comps) < 3 || in.Searching() {
		t.Fatalf("checklist of %d, searching %v", len(comps), in.Searching())
	}
	for i, r := range comps {
		if r.Attach == nil || !strings.Contains(r.Attach.Text, "Thêm") {
			t.Fatalf("row %d: attach button %v", i+1, r.Attach)
		}
	}

	scanJPEG(t, filepath.Join(dir, "scan0001.jpg"))
	waitUntil(t, "the first scan", func() bool { return inboxRows(in) == 1 })
	time.Sleep(20 * time.Millisecond) // the newest scan is written later
	scanJPEG(t, filepath.Join(dir, "scan0002.jpg"))
	waitUntil(t, "the second scan", func() bool { return inboxRows(in) == 2 })

	// Ctrl+E: the focus on the newest scan; 2 takes it for document 2.
	ctrl(w, fyne.KeyE)
	it, ok := in.Docs.Inbox.Selected()
	if !ok || w.Canvas().Focused() != in.Docs.Inbox.Rows[0] {
		t.Fatal("Ctrl+E must put the focus on the inbox's first scan")
	}
	newest := it.Name
	w.Canvas().Focused().TypedRune('2')
	if got := in.Docs.Collected(1); len(got) != 1 || filepath.Base(got[0].Path) != newest {
		t.Fatalf("document 2 has %d scans; message %q", len(got), in.Docs.Msg.Text)
	}
	if !comps[1].Check.Checked || !strings.Contains(comps[1].Attach.Text, "1 tệp") {
		t.Fatalf("row 2: ticked %v, button %q", comps[1].Check.Checked, comps[1].Attach.Text)
	}
	if inboxRows(in) != 1 {
		t.Fatal("the scan taken is still listed in the inbox")
	}

	// The other scan chosen in the inbox, then Enter on document 1's button.
	ctrl(w, fyne.KeyE)
	w.Canvas().Focus(comps[0].Attach)
	key(w, fyne.KeyReturn)
	if got := in.Docs.Collected(0); len(got) != 1 || filepath.Base(got[0].Path) == newest {
		t.Fatalf("document 1 has %d scans; message %q", len(got), in.Docs.Msg.Text)
	}
	if !strings.Contains(comps[0].Attach.Text, "1 tệp") || len(in.Docs.Files) != 2 {
		t.Fatalf("row 1: %q, %d collected", comps[0].Attach.Text, len(in.Docs.Files))
	}

	// A digit beyond the checklist collects nothing and says so.
	scanJPEG(t, filepath.Join(dir, "scan0003.jpg"))
	waitUntil(t, "the third scan", func() bool { return inboxRows(in) == 1 })
	ctrl(w, fyne.KeyE)
	w.Canvas().Focused().TypedRune('9')
	if len(in.Docs.Files) != 2 || in.Docs.Msg.Text == "" {
		t.Fatalf("digit 9 on a checklist of %d: %d collected, message %q", len(comps), len(in.Docs.Files), in.Docs.Msg.Text)
	}

	// Bỏ gives the scan of document 2 back to the inbox.
	in.Docs.Remove(in.Docs.Collected(1)[0])
	if !strings.Contains(comps[1].Attach.Text, "Thêm") || inboxRows(in) != 2 {
		t.Fatalf("after Bỏ: button %q, inbox %d", comps[1].Attach.Text, inboxRows(in))
	}

	ctrl(w, fyne.KeyK)
	ctrl(w, fyne.KeyReturn)
	if in.Last == nil {
		t.Fatalf("not accepted: %q %q", in.ErrorText("components"), in.General.Text)
	}
	in.Docs.Wait()
	as, err := s.svc.Attachments(context.Background(), in.Last.Code)
	if err != nil || len(as) != 1 || as[0].ComponentIndex != 0 {
		t.Fatalf("attachments: %+v, %v (card %q)", as, err, in.LastAttach.Text)
	}
}

// A scan carrying the receipt QR of a dossier already received: Enter on
// it at intake opens that dossier with the scan chosen, ready to attach.
func TestIntakeInboxScanOpensItsDossier(t *testing.T) {
	s := scanStation(t)
	d := s.seed(monday.Add(-2*time.Hour), "1.004873", "Trịnh Thị Mới", "038085008888")
	dir := t.TempDir()
	inb := ui.NewScanInbox(s.svc)
	inb.StableFor, inb.Poll = 30*time.Millisecond, 30*time.Millisecond
	inb.FindDossier = func(_ context.Context, path string) string {
		if filepath.Base(path) == "bo-sung.jpg" {
			return d.Code
		}
		return ""
	}
	if err := inb.Start(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(inb.Stop)
	m := s.signInWith(func(o *ui.Options) { o.Inbox = inb })
	w := s.win
	in := m.Frame.Intake
	scanJPEG(t, filepath.Join(dir, "bo-sung.jpg"))
	waitUntil(t, "the scan", func() bool { return inboxRows(in) == 1 })
	ctrl(w, fyne.KeyE)
	key(w, fyne.KeyReturn)
	det := m.Frame.Dossiers.Detail
	if det.D == nil || det.D.Code != d.Code {
		t.Fatal("Enter on a scan with a dossier's QR must open that dossier")
	}
	it, ok := det.Docs.Inbox.Selected()
	if !ok || it.Name != "bo-sung.jpg" {
		t.Fatalf("the scan is not chosen in the dossier's inbox: %+v", it)
	}
	if len(in.Docs.Files) != 0 {
		t.Fatal("the scan was collected for the intake instead")
	}
}

// The line under the procedure search counts only the scans that can be
// taken; a file the digitisation rules refuse (a .docx) is told apart.
func TestIntakeInboxCountsOnlyValidScans(t *testing.T) {
	s := scanStation(t)
	inb, dir := startInbox(t, s)
	m := s.signInWith(func(o *ui.Options) { o.Inbox = inb })
	in := m.Frame.Intake
	line := func() string {
		var t string
		fyne.DoAndWait(func() {
			t = in.InboxLine.Text
			if in.InboxRefused.Visible() {
				t += " | " + in.InboxRefused.Text
			}
		})
		return t
	}
	if got := line(); !strings.HasSuffix(got, "không có bản quét nào đang chờ (Ctrl+E)") {
		t.Fatalf("empty inbox: %q", got)
	}
	scanJPEG(t, filepath.Join(dir, "scan0001.jpg"))
	scanJPEG(t, filepath.Join(dir, "scan0002.jpg"))
	if err := os.WriteFile(filepath.Join(dir, "bien-ban.docx"), []byte("PK\x03\x04 không phải bản quét"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "three files listed", func() bool { return inboxRows(in) == 3 })
	var waiting, refused int
	var title string
	fyne.DoAndWait(func() {
		waiting, refused, title = in.Docs.Inbox.Waiting, in.Docs.Inbox.Refused, in.Docs.Inbox.Title.Text
	})
	if waiting != 2 || refused != 1 {
		t.Errorf("waiting %d, refused %d; want 2 and 1", waiting, refused)
	}
	if title != "Hộp thư máy quét (2)" {
		t.Errorf("panel title %q: the refused file must not be counted", title)
	}
	if got := line(); !strings.HasSuffix(got, ": 2 bản quét đang chờ (Ctrl+E) | 1 tệp không nhận: xem lý do trong hộp thư (Ctrl+E).") {
		t.Errorf("inbox line: %q", got)
	}

	// Only the refused file left: no scan waiting, the file still said.
	for _, f := range []string{"scan0001.jpg", "scan0002.jpg"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, "the scans to leave the list", func() bool { return inboxRows(in) == 1 })
	if got := line(); !strings.HasSuffix(got, "không có bản quét nào đang chờ (Ctrl+E) | 1 tệp không nhận: xem lý do trong hộp thư (Ctrl+E).") {
		t.Errorf("inbox line with the refused file only: %q", got)
	}
}
