package ui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"time"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/forms"
	"motcua/scanning/qrsign"
)

// SystemName is the issuing information system printed in every QR.
const SystemName = "MOTCUA"

// Papers draws the statutory forms of a dossier (app/forms) with the
// station's signed QR, keeps the PDF under the papers directory and hands
// it to the viewer or the printer.
type Papers struct {
	svc     *app.Service
	keys    *app.Keys
	dir     string
	profile *forms.Profile
	open    func(string) error
	print   func(string) error
	// printTo prints on a named printer; printers lists them (Settings).
	printTo  func(path, printer string) error
	printers func(context.Context) ([]forms.Printer, error)
}

// Paper is one form made for a dossier.
type Paper struct {
	Kind   forms.Kind
	Title  string
	Path   string
	QRText string
}

// Make renders form kind for d, signed by this station, and writes it to
// the papers directory, signed by the officer u (the full name printed on
// the form; a numbered paper's first print is audited under u). The
// station fills what it knows: the document number, the ledger book and
// row, the place of the date line and the counter's phone.
func (p *Papers) Make(ctx context.Context, d *motcua.Dossier, kind forms.Kind, u *accounts.User, fill func(*forms.Input)) (Paper, error) {
	if p == nil || p.keys == nil {
		return Paper{}, motcua.Errorf(motcua.KindInternal, "ERR_NO_KEY", "key",
			"Máy chưa có khóa ký: không in được phiếu có mã QR (khởi động lại phần mềm để tạo khóa)",
			"this station has no signing key: forms with a QR cannot be printed (restart the application to create one)")
	}
	if u == nil {
		return Paper{}, motcua.Invalid(app.ErrForbidden, "officer", "Chưa đăng nhập: phiếu cần tên cán bộ ký",
			"nobody is signed in: a form needs the signing officer's name")
	}
	f, ok := p.profile.ByKind(kind)
	if !ok {
		return Paper{}, motcua.Errorf(motcua.KindNotFound, motcua.ErrNotFound, "form", "Bộ biểu mẫu không có phiếu %s",
			"the form profile has no %s form", string(kind))
	}
	now := p.svc.Clock.Now().In(motcua.Location)
	qr, err := p.keys.Sign(forms.QRPayload(f, d, SystemName, now))
	if err != nil {
		return Paper{}, err
	}
	id, _ := p.svc.Identity(ctx)
	facts, err := p.svc.PaperFacts(ctx, u.Actor(), d, f.Series(), p.profile.Unit)
	if err != nil {
		return Paper{}, err
	}
	in := forms.Input{Dossier: d, AgencyName: id.AgencyName, Place: forms.PlaceName(id.AgencyName), Officer: u.FullName, QRText: qr, Now: now,
		Number: facts.Number, Book: facts.Book, Entry: facts.Entry, Contact: facts.Contact}
	if proc, ok := p.svc.Catalog.Find(d.Procedure.Code); ok {
		in.ProcessingDays = proc.ProcessingDays
	}
	if fill != nil {
		fill(&in)
	}
	var buf bytes.Buffer
	if err := forms.Render(&buf, p.profile, f.ID, in); err != nil {
		return Paper{}, err
	}
	dir := filepath.Join(p.dir, now.Format("2006-01"))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return Paper{}, paperWriteErr(dir, err)
	}
	name := strings.NewReplacer(".", "", "/", "-").Replace(d.Code) + "-mau" + string(f.ID) + "-" + strings.ToLower(string(kind)) + ".pdf"
	path := filepath.Join(dir, name)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o640); err != nil {
		return Paper{}, paperWriteErr(dir, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return Paper{}, paperWriteErr(dir, err)
	}
	return Paper{Kind: kind, Title: "Mẫu " + string(f.ID) + " · " + f.Title, Path: path, QRText: qr}, nil
}

func paperWriteErr(dir string, err error) error {
	e := motcua.Errorf(motcua.KindInternal, "ERR_PAPERS_DIR", "papers", "Không ghi được phiếu vào thư mục %s: %v",
		"cannot write the form into %s: %v", dir, err)
	e.Err = err
	return e
}

// Open shows a PDF in the system viewer.
func (p *Papers) Open(path string) error { return p.open(path) }

// Print sends a PDF to the printer chosen in Settings (the station
// setting print.printer), or to the system's default printer.
func (p *Papers) Print(path string) error {
	name, err := p.svc.Printer(context.Background())
	if err != nil {
		return err
	}
	return p.PrintTo(path, name)
}

// PrintTo sends a PDF to the named printer ("" = the system default).
func (p *Papers) PrintTo(path, printer string) error {
	if printer == "" {
		return p.print(path)
	}
	return p.printTo(path, printer)
}

// TestPage writes the printer test page (the agency's name, the printer,
// the time) to the papers directory and prints it on printer.
func (p *Papers) TestPage(ctx context.Context, printer string) (string, error) {
	id, _ := p.svc.Identity(ctx)
	now := p.svc.Clock.Now().In(motcua.Location)
	var buf bytes.Buffer
	if err := forms.TestPage(&buf, id.AgencyName, printer, now); err != nil {
		return "", err
	}
	dir := filepath.Join(p.dir, now.Format("2006-01"))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", paperWriteErr(dir, err)
	}
	path := filepath.Join(dir, "in-thu-"+now.Format("150405")+".pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o640); err != nil {
		return "", paperWriteErr(dir, err)
	}
	return path, p.PrintTo(path, printer)
}

// QRImage is a PNG of the QR text, size pixels square.
func QRImage(text string, size int) ([]byte, error) { return qrsign.PNG(text, size) }

// weekday is the Vietnamese (or English) day name.
func weekday(t time.Time) string {
	if lang() == "en" {
		return t.Weekday().String()
	}
	return [...]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}[t.Weekday()]
}

// fmtDue is an appointment as a citizen reads it: 16:00, Thứ Tư 25/11/2026.
func fmtDue(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	t = t.In(motcua.Location)
	return t.Format("15:04") + ", " + weekday(t) + " " + t.Format("02/01/2006")
}
