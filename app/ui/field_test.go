package ui_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/field"
	"motcua/app/syncing"
	"motcua/app/ui"
	"motcua/assets"
	"motcua/storage"
)

// fieldTeam is a community team's field station (2/2) of the test
// commune, introduced to counter s as the installer does.
type fieldTeam struct {
	st *storage.Store
	fs *field.Service
}

func newFieldTeam(t *testing.T, s *station) *fieldTeam {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := storage.Open(filepath.Join(dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cat, _ := motcua.LoadCatalog(bytes.NewReader(assets.CatalogJSON))
	cal, err := app.LoadCalendar(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	svc := app.New(st, cal, cat)
	svc.Clock = s.clock
	admin := app.OperatorActor("admin")
	if err := svc.Init(ctx, app.Station{AgencyID: "000.00.06.H56", AgencyName: "UBND xã Quảng Phú", Station: motcua.Station{K: 2, N: 2}}, "test"); err != nil {
		t.Fatal(err)
	}
	if err := svc.SetStationRole(ctx, admin, app.StationField); err != nil {
		t.Fatal(err)
	}
	keys, err := app.LoadKeys(ctx, dir, st, "2/2", "test")
	if err != nil {
		t.Fatal(err)
	}
	fst, err := storage.OpenField(st, dir)
	if err != nil {
		t.Fatal(err)
	}
	f := &fieldTeam{st: st, fs: &field.Service{App: svc, Store: fst, SlipKey: keys.Priv}}
	mine, err := syncing.StationKeys(ctx, st, "test")
	if err != nil {
		t.Fatal(err)
	}
	counter, err := syncing.StationKeys(ctx, s.st, "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := syncing.Trust(ctx, s.st, "2/2", mine.Sign, app.OperatorActor("test")); err != nil {
		t.Fatal(err)
	}
	if err := f.fs.SetCounterKey(ctx, admin, counter.Box); err != nil {
		t.Fatal(err)
	}
	return f
}

// a5 is a blank A5 page at 200 dpi, as a PNG.
func a5(t *testing.T) []byte {
	img := image.NewGray(image.Rect(0, 0, 1170, 1660))
	for i := range img.Pix {
		img.Pix[i] = 240
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// prepareAndHandOver prepares the villager's birth registration in the
// village and imports the team's bundle at the counter; it returns the
// slip's QR.
func (f *fieldTeam) prepareAndHandOver(t *testing.T, s *station, counter *field.Service) string {
	t.Helper()
	ctx := context.Background()
	p, err := f.fs.Prepare(ctx, field.PrepareRequest{
		By: app.Actor{Username: "hoa.tcn", Role: app.RoleOfficer}, CCCD: cccdLine,
		Applicant: motcua.Applicant{Phone: "0912345678"}, ProcedureCode: "1.001193", Ticked: []int{0, 1, 2},
		Documents: []field.DocumentInput{{ComponentIndex: 0, Name: "to-khai.png", Data: a5(t)}},
		Consent:   field.Consent{Method: field.ConsentRecorded, Note: "Ghi âm 09:12, lưu tại tổ"},
	})
	if err != nil {
		t.Fatal(err)
	}
	usb := filepath.Join(t.TempDir(), "ban-giao.mcb")
	if _, err := f.fs.Export(ctx, app.Actor{Username: "hoa.tcn", Role: app.RoleOfficer}, usb, false); err != nil {
		t.Fatal(err)
	}
	if _, err := counter.Import(ctx, app.Actor{Username: "lan.nt", Role: app.RoleOfficer}, usb); err != nil {
		t.Fatal(err)
	}
	return p.SlipQR
}

// counterWithField is a counter station whose window knows field mode.
func counterWithField(t *testing.T) (*station, *ui.Main, *field.Service) {
	s := newStation(t, true)
	s.withScans()
	fst, err := storage.OpenField(s.st, s.dir)
	if err != nil {
		t.Fatal(err)
	}
	fs := &field.Service{App: s.svc, Store: fst, SlipKey: s.keys.Priv}
	s.user("lan.nt", "Nguyễn Thị Lan", accounts.RoleOfficer, "matkhau-lan")
	m := ui.NewMain(s.win, s.svc, ui.Options{Accounts: s.acc, Keys: s.keys, PapersDir: filepath.Join(s.dir, "papers"),
		Open: func(string) error { return nil }, Print: func(string) error { return nil }, IdleLock: -1, Field: fs})
	t.Cleanup(m.Close)
	m.SignIn.Username.SetText("lan.nt")
	test.Type(m.SignIn.Password, "matkhau-lan")
	enter(m.SignIn.Password)
	if m.Frame == nil {
		t.Fatal("sign-in failed")
	}
	return s, m, fs
}

// presses counts what the officer does at the keyboard: a key, a rune, a
// shortcut, a click to move the focus are one each; a scan (the scanner
// types the line) is one.
type presses struct {
	w fyne.Window
	n int
}

func (p *presses) scan(line string)                { p.n++; scan(p.w, line) }
func (p *presses) typ(f fyne.Focusable, s string)  { p.n += len([]rune(s)); typeKeys(f, s) }
func (p *presses) enter(f fyne.Focusable)          { p.n++; enter(f) }
func (p *presses) ctrl(k fyne.KeyName)             { p.n++; ctrl(p.w, k) }
func (p *presses) click(f fyne.Focusable)          { p.n++; p.w.Canvas().Focus(f) }
func (p *presses) runeTo(f fyne.Focusable, r rune) { p.n++; f.TypedRune(r) }

// TestPreparedAtCounter: the counter's key presses to accept a dossier a
// community team prepared (scan the slip, check, Ctrl+Enter) against the
// same dossier done at the counter — with the chip-ID card scanned, the
// procedure code typed and the documents ticked by their number, the
// shortest path the intake offers, and without scanning its document —
// must be at most a quarter.
func TestPreparedAtCounter(t *testing.T) {
	s, m, counter := counterWithField(t)
	team := newFieldTeam(t, s)
	slip := team.prepareAndHandOver(t, s, counter)
	w := s.win
	in := m.Frame.Intake

	prepared := &presses{w: w}
	prepared.scan(slip)
	if in.Prepared() == nil {
		t.Fatalf("the slip did not open its pre-dossier: %q", errText(in, "cccd"))
	}
	if in.Name.Text != "Nguyễn Thị Ánh Tuyết" || in.IDNumber.Text != "001190123456" || in.Phone.Text != "0912345678" {
		t.Fatalf("applicant not filled: %q %q %q", in.Name.Text, in.IDNumber.Text, in.Phone.Text)
	}
	comps := in.Components()
	if len(comps) != 7 || !comps[0].Check.Checked || !comps[2].Check.Checked || comps[3].Check.Checked {
		t.Fatalf("checklist not ticked as in the village (%d rows)", len(comps))
	}
	// Items 4–7 are "if any" in the catalogue: accepting with 1–3 ticked
	// needs nothing more.
	prepared.ctrl(fyne.KeyReturn)
	if in.Last == nil {
		t.Fatalf("not received: %q / %q", errText(in, "components"), in.General.Text)
	}
	fromSlip := in.Last
	atts, err := s.svc.Attachments(context.Background(), fromSlip.Code)
	if err != nil || len(atts) != 1 || !atts[0].Stamped {
		t.Fatalf("the prepared document was not carried over: %+v (%v)", atts, err)
	}
	if !strings.Contains(fromSlip.History[0].Note, "đồng ý xử lý dữ liệu cá nhân") {
		t.Fatalf("consent not recorded: %q", fromSlip.History[0].Note)
	}
	if in.Prepared() != nil {
		t.Fatal("the form still holds the pre-dossier after receiving it")
	}

	typed := &presses{w: w}
	typed.scan(cccdLine)
	typed.typ(in.ProcQuery, "1.001193")
	typed.enter(in.ProcQuery)
	for _, r := range "123" {
		typed.runeTo(w.Canvas().Focused(), r)
	}
	typed.click(in.Phone)
	typed.typ(in.Phone, "0912345678")
	typed.ctrl(fyne.KeyReturn)
	if in.Last == nil || in.Last == fromSlip {
		t.Fatalf("the typed dossier was not received: %q", in.General.Text)
	}
	a, b := fromSlip, in.Last
	if a.Applicant != b.Applicant || a.Procedure != b.Procedure || len(a.Components) != len(b.Components) {
		t.Fatalf("not the same dossier:\n%+v\n%+v", a, b)
	}
	t.Logf("key presses at the counter: prepared %d, at the counter %d", prepared.n, typed.n)
	if prepared.n*4 > typed.n {
		t.Fatalf("prepared dossier took %d presses, typed %d: more than a quarter", prepared.n, typed.n)
	}
}

func TestSlipRefusedAtCounter(t *testing.T) {
	s, m, counter := counterWithField(t)
	team := newFieldTeam(t, s)
	w := s.win
	in := m.Frame.Intake
	t.Run("NotArrived", func(t *testing.T) {
		p, err := team.fs.Prepare(context.Background(), field.PrepareRequest{
			By: app.Actor{Username: "hoa.tcn", Role: app.RoleOfficer}, CCCD: cccdLine, ProcedureCode: "1.001193",
			Consent: field.Consent{Method: field.ConsentPaper}})
		if err != nil {
			t.Fatal(err)
		}
		w.Canvas().Focus(in.Scan)
		scan(w, p.SlipQR)
		if got := errText(in, "cccd"); !strings.Contains(got, "chưa về máy này") || !strings.Contains(got, "nhập tay") {
			t.Fatalf("message %q", got)
		}
		if w.Canvas().Focused() != in.Name || in.Prepared() != nil {
			t.Fatal("the officer is not offered to type the dossier in (focus on the name)")
		}
	})
	t.Run("AlreadyAccepted", func(t *testing.T) {
		slip := team.prepareAndHandOver(t, s, counter)
		w.Canvas().Focus(in.Scan)
		scan(w, slip)
		ctrl(w, fyne.KeyReturn)
		if in.Last == nil {
			t.Fatal("not received")
		}
		code := in.Last.Code
		w.Canvas().Focus(in.Scan)
		scan(w, slip)
		if got := errText(in, "cccd"); !strings.Contains(got, code) || !strings.Contains(got, "đã được tiếp nhận") {
			t.Fatalf("message %q", got)
		}
	})
	t.Run("Tampered", func(t *testing.T) {
		w.Canvas().Focus(in.Scan)
		scan(w, "MC1|AAAAAAAA|CB|000.00.06.H56-CB-ABCDEFGH|1.001193||MotCua|202611230900|202612230900||xx")
		if got := errText(in, "cccd"); !strings.Contains(got, "bị sửa") {
			t.Fatalf("message %q", got)
		}
	})
}

// TestFieldScreen: the field window (F9) prepares a dossier with the
// villager — card scanned, procedure, checklist, photos from a folder,
// consent — shows its slip and lists it with its age, and writes the
// hand-over bundle the counter imports.
func TestFieldScreen(t *testing.T) {
	ctx := context.Background()
	s := newStation(t, true)
	if err := s.svc.SetStationRole(ctx, app.OperatorActor("admin"), app.StationField); err != nil {
		t.Fatal(err)
	}
	fst, err := storage.OpenField(s.st, s.dir)
	if err != nil {
		t.Fatal(err)
	}
	fs := &field.Service{App: s.svc, Store: fst, SlipKey: s.keys.Priv}
	counter, _, counterFS := counterWithField(t)
	ck, _ := syncing.StationKeys(ctx, counter.st, "test")
	if err := fs.SetCounterKey(ctx, app.OperatorActor("admin"), ck.Box); err != nil {
		t.Fatal(err)
	}
	mine, _ := syncing.StationKeys(ctx, s.st, "test")
	if err := syncing.Trust(ctx, counter.st, "1/1", mine.Sign, app.OperatorActor("test")); err != nil {
		t.Fatal(err)
	}
	s.user("hoa.tcn", "Phạm Thị Hoa", accounts.RoleOfficer, "matkhau-hoa")
	m := ui.NewMain(s.win, s.svc, ui.Options{Accounts: s.acc, Keys: s.keys, PapersDir: filepath.Join(s.dir, "papers"),
		Open: func(string) error { return nil }, Print: func(string) error { return nil }, IdleLock: -1, Field: fs})
	t.Cleanup(m.Close)
	m.SignIn.Username.SetText("hoa.tcn")
	test.Type(m.SignIn.Password, "matkhau-hoa")
	enter(m.SignIn.Password)
	w := s.win
	key(w, fyne.KeyF9)
	f := m.Frame.Field
	if f == nil || m.Frame.Current() != ui.ScreenField {
		t.Fatal("F9 does not open the field screen")
	}
	scan(w, cccdLine)
	if !strings.Contains(f.Applicant.Text, "Nguyễn Thị Ánh Tuyết") {
		t.Fatalf("card not read: %q (%q)", f.Applicant.Text, f.Err.Text)
	}
	typeKeys(f.Phone, "0912345678")
	for i, o := range f.Procedure.Options {
		if strings.HasPrefix(o, "1.001193 ") {
			f.Procedure.SetSelectedIndex(i)
		}
	}
	if len(f.Checks) != 7 {
		t.Fatalf("%d checklist items", len(f.Checks))
	}
	photos := t.TempDir()
	os.WriteFile(filepath.Join(photos, "01-to-khai.png"), a5(t), 0o600)
	os.WriteFile(filepath.Join(photos, "02-giay-chung-sinh.png"), a5(t), 0o600)
	f.Folder.SetText(photos)
	ctrl(w, fyne.KeyReturn)
	if f.Last != nil || !strings.Contains(f.Err.Text, "đồng ý") {
		t.Fatalf("prepared without consent: %q", f.Err.Text)
	}
	f.Consent.SetSelected(f.Consent.Options[0])
	ctrl(w, fyne.KeyReturn)
	if f.Last == nil {
		t.Fatalf("not prepared: %q", f.Err.Text)
	}
	if len(f.Last.Documents) != 2 || f.Last.Documents[1].ComponentIndex != 1 || f.SlipQR.Resource == nil ||
		!strings.Contains(f.SlipRef.Text, f.Last.Ref) {
		t.Fatalf("slip: %+v %q", f.Last.Documents, f.SlipRef.Text)
	}
	if !strings.Contains(f.List.Text, f.Last.Ref) || !strings.Contains(f.List.Text, "0 ngày") {
		t.Fatalf("list: %q", f.List.Text)
	}
	s.clock.add(3 * 24 * time.Hour)
	usb := filepath.Join(t.TempDir(), "ban-giao.mcb")
	f.USB.SetText(usb)
	test.Tap(f.Export)
	if !strings.Contains(f.ExportOK.Text, "1 hồ sơ") || !strings.Contains(f.List.Text, "3 ngày") || !strings.Contains(f.List.Text, "đã bàn giao") {
		t.Fatalf("export: %q\n%q", f.ExportOK.Text, f.List.Text)
	}
	if _, err := counterFS.Import(ctx, app.Actor{Username: "lan.nt", Role: app.RoleOfficer}, usb); err != nil {
		t.Fatal(err)
	}
}
