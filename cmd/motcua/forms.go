package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"motcua"
	"motcua/app"
	"motcua/app/forms"
)

// systemName is the issuing information system named in the QR payload.
const systemName = "Một Cửa"

// formFlags are the options shared by receipt and form.
type formFlags struct {
	out, profile    string
	open, print     bool
	officer, reason string
}

func (f *formFlags) bind(fs *flag.FlagSet) {
	fs.StringVar(&f.out, "o", "", "")
	fs.StringVar(&f.profile, "profile", "", "")
	fs.BoolVar(&f.open, "open", false, "")
	fs.BoolVar(&f.print, "print", false, "")
	fs.StringVar(&f.officer, "officer", "", "")
	fs.StringVar(&f.reason, "reason", "", "")
}

// loadProfile returns the legal profile: a file given on the command line,
// an embedded profile by id, or the current default.
func loadProfile(spec string) (*forms.Profile, error) {
	switch {
	case spec == "":
		return forms.Default(), nil
	case strings.HasSuffix(strings.ToLower(spec), ".json"):
		return forms.LoadProfileFile(spec)
	}
	p, err := forms.Embedded(spec)
	if err != nil {
		return nil, usageErr("profile", "Không có bộ biểu mẫu «%s» (có: %s, hoặc đường dẫn tệp .json)",
			"no form profile %q (known: %s, or a .json file path)", spec, strings.Join(forms.EmbeddedIDs(), ", "))
	}
	return p, nil
}

// receipt prints Mẫu 01 for a dossier.
func (c *cli) receipt(args []string) error {
	var ff formFlags
	fs := flag.NewFlagSet("receipt", flag.ContinueOnError)
	ff.bind(fs)
	code, err := c.oneCode("receipt", args, fs)
	if err != nil {
		return err
	}
	return c.renderForm(code, "", forms.KindReceipt, ff)
}

// form prints form NN of the profile for a dossier.
func (c *cli) form(args []string) error {
	var ff formFlags
	fs := flag.NewFlagSet("form", flag.ContinueOnError)
	ff.bind(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageErr("form", "Cần «form NN MÃ-HỒ-SƠ -o TỆP.pdf», ví dụ form 02 …", "use 'form NN CODE -o FILE.pdf', e.g. form 02 …")
	}
	return c.renderForm(pos[1], forms.FormID(fmt.Sprintf("%02s", strings.TrimSpace(pos[0]))), "", ff)
}

func (c *cli) renderForm(code string, id forms.FormID, kind forms.Kind, ff formFlags) error {
	if ff.out == "" {
		return usageErr("o", "Chưa chỉ tệp PDF để ghi (-o TỆP.pdf)", "no output file (-o FILE.pdf)")
	}
	prof, err := loadProfile(ff.profile)
	if err != nil {
		return err
	}
	var f *forms.Form
	var ok bool
	if kind != "" {
		f, ok = prof.ByKind(kind)
	} else {
		f, ok = prof.Form(id)
	}
	if !ok || f.Kind == forms.KindLedger {
		return usageErr("form", "Bộ biểu mẫu %s không có mẫu số %s cho một hồ sơ (sổ theo dõi: lệnh «ledger»)",
			"profile %s has no single-dossier form %s (the ledger: 'ledger')", prof.ID, string(id))
	}
	officer := ff.officer
	if officer == "" {
		officer = currentUser()
	}
	svc, err := c.scans(officer)
	if err != nil {
		return err
	}
	ctx := context.Background()
	d, err := svc.Store.Get(ctx, code)
	if err != nil {
		return err
	}
	id2, err := svc.Identity(ctx)
	if err != nil {
		return err
	}
	now := svc.Clock.Now()
	qr, err := svc.Scans.Signer.Sign(forms.QRPayload(f, d, systemName, now))
	if err != nil {
		return err
	}
	in := forms.Input{Dossier: d, AgencyName: id2.AgencyName, Officer: officer, Reason: ff.reason, QRText: qr, Now: now}
	if p, ok := svc.Catalog.Find(d.Procedure.Code); ok {
		in.ProcessingDays = p.ProcessingDays
	}
	var buf bytes.Buffer
	if err := forms.Render(&buf, prof, f.ID, in); err != nil {
		return err
	}
	return c.writePDF(ff, buf.Bytes(), fmt.Sprintf("Mẫu %s %s — %s", f.ID, f.Title, d.Code))
}

// writePDF writes the file and opens or prints it when asked.
func (c *cli) writePDF(ff formFlags, pdf []byte, what string) error {
	if err := os.WriteFile(ff.out, pdf, 0o644); err != nil {
		return usageErr("o", "Không ghi được tệp «%s»: %v", "cannot write %q: %v", ff.out, err)
	}
	fmt.Fprintf(c.out, "%s → %s\n", what, ff.out)
	if ff.open {
		if err := forms.Open(ff.out); err != nil {
			return err
		}
	}
	if ff.print {
		// The printer chosen for this station (Settings → Máy in, `printer
		// set`), as the window prints; none chosen: the system default.
		printer := ""
		if svc, err := c.open(); err == nil {
			printer, _ = svc.Printer(context.Background())
		}
		return printTo(ff.out, printer)
	}
	return nil
}

// printTo hands the PDF to the system's printing; tests replace it.
var printTo = forms.PrintTo

// ledger prints the dossier ledger (Sổ theo dõi hồ sơ) for a period.
func (c *cli) ledger(args []string) error {
	var ff formFlags
	fs := flag.NewFlagSet("ledger", flag.ContinueOnError)
	ff.bind(fs)
	from := fs.String("from", "", "")
	to := fs.String("to", "", "")
	book := fs.String("book", "", "")
	first := fs.Int("first", 1, "")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if ff.out == "" {
		return usageErr("o", "Chưa chỉ tệp PDF để ghi (-o TỆP.pdf)", "no output file (-o FILE.pdf)")
	}
	day := func(field, s string) (time.Time, error) {
		t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(s), motcua.Location)
		if err != nil {
			return t, usageErr(field, "Ngày «%s» không hợp lệ: cần YYYY-MM-DD", "date %q is invalid: use YYYY-MM-DD", s)
		}
		return t, nil
	}
	fromT, err := day("from", *from)
	if err != nil {
		return err
	}
	toT, err := day("to", *to)
	if err != nil {
		return err
	}
	if toT.Before(fromT) {
		return usageErr("to", "Ngày kết thúc trước ngày bắt đầu", "the end date is before the start date")
	}
	if *first < 1 {
		return usageErr("first", "Số thứ tự đầu tiên phải từ 1", "the first entry number must be at least 1")
	}
	prof, err := loadProfile(ff.profile)
	if err != nil {
		return err
	}
	svc, err := c.open()
	if err != nil {
		return err
	}
	ctx := context.Background()
	id, err := svc.Identity(ctx)
	if err != nil {
		return err
	}
	// The ledger lists dossiers in the order received.
	var ds []*motcua.Dossier
	end := toT.AddDate(0, 0, 1)
	for off := 0; ; off += 500 {
		page, err := svc.Store.List(ctx, app.ListFilter{ReceivedFrom: fromT, ReceivedTo: end, Offset: off, Limit: 500})
		if err != nil {
			return err
		}
		ds = append(ds, page...)
		if len(page) < 500 {
			break
		}
	}
	for i, j := 0, len(ds)-1; i < j; i, j = i+1, j-1 {
		ds[i], ds[j] = ds[j], ds[i]
	}
	var buf bytes.Buffer
	if err := forms.RenderLedger(&buf, prof, ds, forms.LedgerInput{AgencyName: id.AgencyName, From: fromT, To: toT,
		Book: *book, FirstEntry: *first, Now: svc.Clock.Now()}); err != nil {
		return err
	}
	return c.writePDF(ff, buf.Bytes(), fmt.Sprintf("Sổ theo dõi hồ sơ, %d hồ sơ", len(ds)))
}
