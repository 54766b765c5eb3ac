package ui_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/ui"
	"motcua/scanning/pdfdoc"
	"motcua/scanning/pdfrender"
	storepkg "motcua/storage"
)

// TestMain lets the test binary serve as the isolated PDF renderer's
// child process, as the motcua executable does.
func TestMain(m *testing.M) {
	pdfrender.ServeWorker()
	os.Exit(m.Run())
}

// signInWith opens the window with the real isolated renderer (and what
// mod adds) and signs in as the counter officer.
func (s *station) signInWith(mod func(*ui.Options)) *ui.Main {
	s.t.Helper()
	return s.signInAs("lan.nt", "matkhau-lan", mod)
}

func (s *station) signInAs(name, pass string, mod func(*ui.Options)) *ui.Main {
	s.t.Helper()
	opt := ui.Options{
		Accounts: s.acc, Keys: s.keys, PapersDir: filepath.Join(s.dir, "papers"),
		Open:   func(string) error { return nil },
		Print:  func(string) error { return nil },
		Thumbs: pdfrender.Isolated(),
	}
	if mod != nil {
		mod(&opt)
	}
	s.m = ui.NewMain(s.win, s.svc, opt)
	s.t.Cleanup(s.m.Close)
	m := s.m
	m.SignIn.Username.SetText(name)
	test.Type(m.SignIn.Password, pass)
	enter(m.SignIn.Password)
	if m.Frame == nil {
		s.t.Fatalf("sign-in failed: %q", m.SignIn.Err.Text)
	}
	return m
}

func scanStation(t *testing.T) *station {
	s := newStation(t, true)
	s.withScans()
	s.user("lan.nt", "Nguyễn Thị Lan", accounts.RoleOfficer, "matkhau-lan")
	return s
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// An attached document shows its first page through the isolated
// renderer; Enter opens it larger; reopening the dossier does not render
// again. A document whose stored file is damaged shows the placeholder and
// the window goes on working.
func TestDetailThumbnails(t *testing.T) {
	s := scanStation(t)
	d := s.seed(monday.Add(-2*time.Hour), "1.004873", "Trịnh Thị Mới", "038085008888")
	m := s.signInWith(nil)
	docs := openDocs(t, s, m, d.Code)
	good := filepath.Join(t.TempDir(), "to-khai.jpg")
	scanJPEG(t, good)
	docs.Attach(0, []string{good})
	docs.Wait()
	if len(docs.Thumbs) != 1 {
		t.Fatalf("%d thumbnail strips for %d documents; message %q", len(docs.Thumbs), len(docs.Rows), docs.Msg.Text)
	}
	th := docs.Thumbs[0]
	th.Wait()
	if th.Failed || len(th.Pages) != 1 {
		t.Fatalf("thumbnails: failed %v, %d pages, note %q", th.Failed, len(th.Pages), th.Note.Text)
	}
	if sz := th.Pages[0].MinSize(); sz.Width < 90 || sz.Width > 100 {
		t.Errorf("thumbnail %v, want about 96 px wide", sz)
	}

	// Enter on the thumbnail opens the page larger; Esc closes it.
	s.win.Canvas().Focus(th.Pages[0])
	key(s.win, fyne.KeyReturn)
	p := ui.LastPreview()
	if p == nil || !p.Shown() {
		t.Fatal("Enter on a thumbnail opened no preview")
	}
	p.Wait()
	if p.Img.Image == nil || p.Img.Image.Bounds().Dx() < 400 {
		t.Fatalf("preview image %v, note %q", p.Img.Image, p.Note.Text)
	}
	if !strings.Contains(p.Head.Text, "Trang 1/1") {
		t.Errorf("preview title %q", p.Head.Text)
	}
	key(s.win, fyne.KeyRight) // no page 2: stays
	if p.Page != 1 {
		t.Errorf("page %d after → on a one-page document", p.Page)
	}
	key(s.win, fyne.KeyEscape)
	if p.Shown() {
		t.Error("Esc did not close the preview")
	}

	// Reopening renders nothing new: the first pages are cached by hash.
	n := m.Thumbs().Renders()
	key(s.win, fyne.KeyEscape)
	docs = openDocs(t, s, m, d.Code)
	docs.Thumbs[0].Wait()
	if got := m.Thumbs().Renders(); got != n || len(docs.Thumbs[0].Pages) != 1 {
		t.Errorf("reopening rendered again: %d → %d renders", n, got)
	}

	// A damaged stored file: the placeholder, and the window keeps working.
	blobs, err := storepkg.OpenBlobs(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	garbage := []byte("%PDF-1.7\n1 0 obj <</Type /Catalog>> hỏng hết rồi\n")
	addr, err := blobs.PutBytes(garbage)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.st.AddAttachment(context.Background(), &app.Attachment{Dossier: d.Code, ComponentIndex: 1, Component: d.Components[1].Name,
		FileName: "hong.pdf", SHA256: addr.String(), Size: int64(len(garbage)), Pages: 1, AddedBy: "test"},
		app.AuditEntry{At: monday, Actor: "test", Action: "dossier.attach", Subject: d.Code}); err != nil {
		t.Fatal(err)
	}
	key(s.win, fyne.KeyEscape)
	docs = openDocs(t, s, m, d.Code)
	if len(docs.Thumbs) != 2 {
		t.Fatalf("%d strips, want 2", len(docs.Thumbs))
	}
	bad := docs.Thumbs[1]
	bad.Wait()
	if !bad.Failed || !strings.Contains(bad.Note.Text, "Không xem trước được") {
		t.Errorf("damaged document: failed %v, note %q", bad.Failed, bad.Note.Text)
	}
	docs.Thumbs[0].Wait()
	if docs.Thumbs[0].Failed {
		t.Error("the good document lost its preview")
	}
	key(s.win, fyne.KeyF2)
	if m.Frame.Current() != ui.ScreenIntake {
		t.Error("the window stopped answering after a damaged document")
	}
}

// Without a renderer the window says so instead of drawing PDF pages.
func TestThumbnailsNoRenderer(t *testing.T) {
	s := scanStation(t)
	d := s.seed(monday.Add(-2*time.Hour), "1.004873", "Trịnh Thị Mới", "038085008888")
	m := s.signInWith(func(o *ui.Options) { o.Thumbs = nil })
	docs := openDocs(t, s, m, d.Code)
	good := filepath.Join(t.TempDir(), "to-khai.jpg")
	scanJPEG(t, good)
	docs.Attach(0, []string{good})
	docs.Wait()
	th := docs.Thumbs[0]
	th.Wait()
	if !th.Failed || !strings.Contains(th.Note.Text, "không có bộ xem trước") {
		t.Errorf("no renderer: note %q", th.Note.Text)
	}
}

// startInbox gives the window a scan inbox on a new folder.
func startInbox(t *testing.T, s *station) (*ui.ScanInbox, string) {
	t.Helper()
	dir := t.TempDir()
	inb := ui.NewScanInbox(s.svc)
	inb.StableFor, inb.Poll = 30*time.Millisecond, 30*time.Millisecond
	if err := inb.Start(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(inb.Stop)
	return inb, dir
}

// A scan written into the inbox folder appears in the dossier's list with
// its first page; Enter attaches it to the chosen component, and it leaves
// the inbox for processed/.
func TestInboxAttach(t *testing.T) {
	s := scanStation(t)
	d := s.seed(monday.Add(-2*time.Hour), "1.004873", "Trịnh Thị Mới", "038085008888")
	inb, dir := startInbox(t, s)
	m := s.signInWith(func(o *ui.Options) { o.Inbox = inb })
	docs := openDocs(t, s, m, d.Code)
	scanJPEG(t, filepath.Join(dir, "scan0001.jpg"))
	if err := os.WriteFile(filepath.Join(dir, "bien-ban.docx"), []byte("PK\x03\x04 không phải bản quét"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "two scans listed", func() bool {
		var n int
		fyne.DoAndWait(func() { n = len(docs.Inbox.Rows) })
		return n == 2
	})
	var good, bad *ui.InboxRow
	for _, r := range docs.Inbox.Rows {
		if r.Item.Name == "scan0001.jpg" {
			good = r
		} else {
			bad = r
		}
	}
	if good == nil || bad == nil || good.Item.Err != "" {
		t.Fatalf("rows: %+v", docs.Inbox.Rows)
	}
	if !strings.Contains(bad.Item.Err, "bien-ban.docx") {
		t.Errorf("the refused file's message does not name it: %q", bad.Item.Err)
	}
	t.Logf("refused: %s", bad.Item.Err)
	good.Thumb.Wait()
	if good.Thumb.Failed || len(good.Thumb.Pages) != 1 {
		t.Errorf("inbox thumbnail: %q", good.Thumb.Note.Text)
	}

	docs.DropTo.SetSelectedIndex(1)
	s.win.Canvas().Focus(bad)
	key(s.win, fyne.KeyUp)
	key(s.win, fyne.KeyDown)
	it, ok := docs.Inbox.Selected()
	if !ok {
		t.Fatal("no scan chosen by the arrows")
	}
	if it.Name != "scan0001.jpg" { // the arrows went the other way round
		key(s.win, fyne.KeyUp)
	}
	if it, _ := docs.Inbox.Selected(); it.Name != "scan0001.jpg" {
		t.Fatalf("chosen %q", it.Name)
	}
	key(s.win, fyne.KeyReturn)
	docs.Wait()
	if len(docs.Rows) != 1 || docs.Rows[0].ComponentIndex != 1 {
		t.Fatalf("documents %+v; message %q", docs.Rows, docs.Msg.Text)
	}
	if _, err := os.Stat(filepath.Join(dir, "scan0001.jpg")); err == nil {
		t.Error("the attached scan is still in the inbox")
	}
	if _, err := os.Stat(filepath.Join(dir, "processed", "scan0001.jpg")); err != nil {
		t.Errorf("not in processed/: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "bien-ban.docx"+".loi.txt")); err != nil {
		t.Errorf("the refused file has no error note: %v", err)
	}
	waitUntil(t, "the attached scan to leave the list", func() bool {
		var n int
		fyne.DoAndWait(func() { n = len(docs.Inbox.Rows) })
		return n == 1
	})
	as, err := s.svc.Attachments(context.Background(), d.Code)
	if err != nil || len(as) != 1 {
		t.Errorf("stored: %d, %v", len(as), err)
	}
}

// At intake, scans collected from the file dialog and the inbox are
// attached to the new dossier right after acceptance; the panel is empty
// for the next citizen. A file breaking a rule is refused at once, with
// its name and the rule.
func TestIntakeAttachments(t *testing.T) {
	s := scanStation(t)
	inb, dir := startInbox(t, s)
	m := s.signInWith(func(o *ui.Options) { o.Inbox = inb })
	in := m.Frame.Intake
	s.win.Canvas().Focus(in.Scan)
	scan(s.win, cccdLine)
	typeKeys(in.ProcQuery, "1.004873")
	enter(in.ProcQuery)
	if len(in.Components()) < 2 {
		t.Fatalf("checklist of %d", len(in.Components()))
	}
	docs := in.Docs

	// Refused at once: not a scan; too large.
	txt := filepath.Join(t.TempDir(), "ghi-chu.txt")
	os.WriteFile(txt, []byte("chỉ là chữ"), 0o644)
	if docs.Add(0, txt, false) || !strings.Contains(docs.Msg.Text, "ghi-chu.txt") {
		t.Errorf("text file: collected or message %q", docs.Msg.Text)
	}
	t.Logf("not a scan: %s", docs.Msg.Text)
	big := filepath.Join(t.TempDir(), "qua-lon.jpg")
	scanJPEG(t, big)
	lim := s.svc.Scans.Limits
	s.svc.Scans.Limits = pdfdoc.DefaultLimits()
	s.svc.Scans.Limits.MaxFileSize = 10_000
	if docs.Add(0, big, false) || !strings.Contains(docs.Msg.Text, "qua-lon.jpg") || !strings.Contains(docs.Msg.Text, "10 kB") {
		t.Errorf("oversized file: message %q", docs.Msg.Text)
	}
	t.Logf("too large: %s", docs.Msg.Text)
	s.svc.Scans.Limits = lim

	// Collected: one file from the dialog for document 1, one from the inbox for document 2.
	f1 := filepath.Join(t.TempDir(), "don.jpg")
	scanJPEG(t, f1)
	if !docs.Add(0, f1, false) {
		t.Fatalf("good file refused: %q", docs.Msg.Text)
	}
	scanJPEG(t, filepath.Join(dir, "scan0002.jpg"))
	waitUntil(t, "the inbox scan", func() bool {
		var n int
		fyne.DoAndWait(func() { n = len(docs.Inbox.Rows) })
		return n == 1
	})
	docs.To.SetSelectedIndex(1)
	docs.Inbox.Select(0)
	key(s.win, fyne.KeyReturn)
	if len(docs.Files) != 2 || len(docs.Inbox.Rows) != 0 {
		t.Fatalf("collected %d, inbox shows %d; message %q", len(docs.Files), len(docs.Inbox.Rows), docs.Msg.Text)
	}
	docs.Thumbs[0].Wait()
	if len(docs.Thumbs[0].Pages) != 1 {
		t.Errorf("collected file thumbnail: %q", docs.Thumbs[0].Note.Text)
	}

	ctrl(s.win, fyne.KeyK)
	ctrl(s.win, fyne.KeyReturn)
	if in.Last == nil {
		t.Fatalf("not accepted: %q %q", in.ErrorText("components"), in.General.Text)
	}
	docs.Wait()
	if !strings.Contains(in.LastAttach.Text, "Đã đính kèm 2 tài liệu") {
		t.Errorf("card: %q", in.LastAttach.Text)
	}
	as, err := s.svc.Attachments(context.Background(), in.Last.Code)
	if err != nil || len(as) != 2 || as[0].ComponentIndex != 0 || as[1].ComponentIndex != 1 {
		t.Fatalf("attachments of %s: %+v, %v", in.Last.Code, as, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "processed", "scan0002.jpg")); err != nil {
		t.Errorf("inbox scan not filed away: %v", err)
	}
	if len(docs.Files) != 0 || len(docs.To.Options) != 0 {
		t.Errorf("panel not cleared: %d files, %d options", len(docs.Files), len(docs.To.Options))
	}
}

// An attachment that fails after acceptance leaves the dossier recorded
// and says which file and why.
func TestIntakeAttachFailureKeepsDossier(t *testing.T) {
	s := scanStation(t)
	m := s.signInWith(nil)
	in := m.Frame.Intake
	s.win.Canvas().Focus(in.Scan)
	scan(s.win, cccdLine)
	typeKeys(in.ProcQuery, "1.004873")
	enter(in.ProcQuery)
	f := filepath.Join(t.TempDir(), "don.jpg")
	scanJPEG(t, f)
	if !in.Docs.Add(0, f, false) {
		t.Fatal(in.Docs.Msg.Text)
	}
	os.Remove(f) // gone between collecting and accepting
	ctrl(s.win, fyne.KeyK)
	ctrl(s.win, fyne.KeyReturn)
	if in.Last == nil {
		t.Fatal("not accepted")
	}
	in.Docs.Wait()
	if !strings.Contains(in.LastAttach.Text, "don.jpg") || !strings.Contains(in.LastAttach.Text, in.Last.Code) {
		t.Errorf("card: %q", in.LastAttach.Text)
	}
	t.Logf("failure: %s", in.LastAttach.Text)
	if _, err := s.svc.Store.Get(context.Background(), in.Last.Code); err != nil {
		t.Errorf("the dossier was lost: %v", err)
	}
}

// The settings section stores the folder and watches it at once; a folder
// that does not exist is refused.
func TestScanInboxSettings(t *testing.T) {
	s := newStation(t, true)
	s.withScans()
	s.user("admin", "", accounts.RoleAdmin, "")
	inb := ui.NewScanInbox(s.svc)
	t.Cleanup(inb.Stop)
	m := s.signInAs("admin", "quantri-2026", func(o *ui.Options) { o.Inbox = inb })
	x := m.Frame.Settings.ScanInbox()
	if x == nil {
		t.Fatal("no scan-inbox section")
	}
	x.Dir.SetText(filepath.Join(t.TempDir(), "khong-co"))
	x.Save.OnTapped()
	if !strings.Contains(x.Msg.Text, "khong-co") {
		t.Errorf("missing folder: %q", x.Msg.Text)
	}
	dir := t.TempDir()
	x.Dir.SetText(dir)
	x.Save.OnTapped()
	if x.Msg.Visible() {
		t.Fatalf("error %q", x.Msg.Text)
	}
	if got, _ := s.svc.ScanInboxDir(context.Background()); got != dir {
		t.Errorf("stored %q", got)
	}
	if inb.Dir() != dir || !strings.Contains(x.State.Text, dir) {
		t.Errorf("watching %q; state %q", inb.Dir(), x.State.Text)
	}
}
