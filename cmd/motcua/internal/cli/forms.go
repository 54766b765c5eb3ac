package cli

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
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

// bind defines the flags; reason only for the forms that print one.
func (f *formFlags) bind(fs *pflag.FlagSet, outDefault string, reason bool) {
	fs.StringVarP(&f.out, "output", "o", "", "tệp PDF để ghi (mặc định "+outDefault+") / PDF file to write (default "+outDefault+")")
	fs.StringVar(&f.profile, "profile", "", "bộ biểu mẫu: "+strings.Join(forms.EmbeddedIDs(), ", ")+" hoặc tệp .json (mặc định bộ hiện hành) / form profile: an id or a .json file (default the current one)")
	fs.BoolVar(&f.open, "open", false, "mở tệp sau khi ghi / open the file once written")
	fs.BoolVar(&f.print, "print", false, "in ra máy in đã chọn («motcua printer set») / print on the chosen printer")
	fs.StringVar(&f.officer, "officer", "", officerUsage)
	if reason {
		fs.StringVar(&f.reason, "reason", "", "lý do in trên phiếu (từ chối, bổ sung, gia hạn…) / the reason printed on the form")
	}
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

// receiptCmd prints Mẫu 01 for a dossier.
func (c *cli) receiptCmd() *cobra.Command {
	cmd := newCmd("receipt CODE", "In giấy tiếp nhận và hẹn trả kết quả (Mẫu 01) ra PDF / print the receipt (form 01) to PDF",
		`  motcua receipt 000.00.06.H56-261120-0001              # → bien-nhan-000.00.06.H56-261120-0001.pdf
  motcua receipt 000.00.06.H56-261120-0001 -o bien-nhan.pdf --print`)
	var ff formFlags
	ff.bind(cmd.Flags(), "bien-nhan-MÃ.pdf", false)
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		code, err := oneCode("receipt", pos)
		if err != nil {
			return err
		}
		if ff.out == "" {
			ff.out = "bien-nhan-" + code + ".pdf"
		}
		return c.renderForm(code, "", forms.KindReceipt, ff)
	}
	return cmd
}

// formCmd prints form NN of the profile for a dossier.
func (c *cli) formCmd() *cobra.Command {
	cmd := newCmd("form NN CODE", "In mẫu số NN (01–07) của bộ biểu mẫu cho một hồ sơ / print form NN (01–07) for a dossier",
		`  motcua form 02 000.00.06.H56-261120-0001 --reason "Thiếu tờ khai"     # → mau-02-000.00.06.H56-261120-0001.pdf
  motcua form 03 000.00.06.H56-261120-0001 -o tu-choi.pdf --reason "Không thuộc thẩm quyền"`)
	var ff formFlags
	ff.bind(cmd.Flags(), "mau-NN-MÃ.pdf", true)
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		if len(pos) != 2 {
			return usageErr("form", "Cần «form NN MÃ-HỒ-SƠ [-o TỆP.pdf]», ví dụ form 02 …", "use 'form NN CODE [-o FILE.pdf]', e.g. form 02 …")
		}
		id := forms.FormID(fmt.Sprintf("%02s", strings.TrimSpace(pos[0])))
		code := normCode(pos[1])
		if ff.out == "" {
			ff.out = "mau-" + string(id) + "-" + code + ".pdf"
		}
		return c.renderForm(code, id, "", ff)
	}
	return cmd
}

func (c *cli) renderForm(code string, id forms.FormID, kind forms.Kind, ff formFlags) error {
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
	signer, err := c.formSigner(ff.officer)
	if err != nil {
		return err
	}
	officer := signer.FullName
	svc, err := c.scans(signer.Username)
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
	in := forms.Input{Dossier: d, AgencyName: id2.AgencyName, Place: forms.PlaceName(id2.AgencyName), Officer: officer,
		Reason: ff.reason, QRText: qr, Now: now}
	facts, err := svc.PaperFacts(ctx, signer.Actor(), d, f.Series(), prof.Unit)
	if err != nil {
		return err
	}
	in.Number, in.Book, in.Entry, in.Contact = facts.Number, facts.Book, facts.Entry, facts.Contact
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
		return usageErr("output", "Không ghi được tệp «%s»: %v", "cannot write %q: %v", ff.out, err)
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

// ledgerCmd prints the dossier ledger (Sổ theo dõi hồ sơ) for a period.
func (c *cli) ledgerCmd() *cobra.Command {
	cmd := newCmd("ledger --from DATE --to DATE", "In sổ theo dõi hồ sơ của một khoảng thời gian ra PDF / print the dossier ledger of a period to PDF",
		`  motcua ledger --from 01/11/2026 --to 30/11/2026            # → so-theo-doi-20261101-20261130.pdf
  motcua ledger --from 2026-11-01 --to 2026-11-30 -o so-11-2026.pdf --book 3 --first 241`)
	var ff formFlags
	fs := cmd.Flags()
	ff.bind(fs, "so-theo-doi-TỪ-ĐẾN.pdf", false)
	from := fs.String("from", "", "ngày đầu (tiếp nhận từ), "+dateHelp+" / first day (received from)")
	to := fs.String("to", "", "ngày cuối (tới hết ngày), "+dateHelp+" / last day (to its end)")
	book := fs.String("book", "", "số quyển sổ in trên trang bìa / book number printed on the cover")
	first := fs.Int("first", 1, "số thứ tự của hồ sơ đầu tiên / number of the first entry")
	cmd.Args = noArgs
	cmd.RunE = func(*cobra.Command, []string) error {
		if *from == "" || *to == "" {
			return usageErr("from", "Cần --from NGÀY và --to NGÀY (%s)", "give --from DATE and --to DATE (%s)", dateHelp)
		}
		fromT, err := parseDay("from", *from)
		if err != nil {
			return err
		}
		toT, err := parseDay("to", *to)
		if err != nil {
			return err
		}
		if ff.out == "" {
			ff.out = "so-theo-doi-" + fromT.Format("20060102") + "-" + toT.Format("20060102") + ".pdf"
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
		if err := forms.RenderLedger(&buf, prof, ds, forms.LedgerInput{AgencyName: id.AgencyName, Place: forms.PlaceName(id.AgencyName), From: fromT, To: toT,
			Book: cmp.Or(*book, ledgerBook(fromT, toT)), FirstEntry: *first, Now: svc.Clock.Now()}); err != nil {
			return err
		}
		return c.writePDF(ff, buf.Bytes(), fmt.Sprintf("Sổ theo dõi hồ sơ, %d hồ sơ", len(ds)))
	}
	return cmd
}

// formSigner is the officer whose full name signs a form: the account named
// by --officer, else the signed-in one. The program never guesses (the OS
// login name is nobody's name on a form).
func (c *cli) formSigner(username string) (*accounts.User, error) {
	if strings.TrimSpace(username) == "" {
		u, err := c.signedIn()
		if err != nil {
			if e, ok := motcua.AsError(err); ok && e.Code == accounts.ErrSessionInvalid {
				return nil, &motcua.Error{Kind: motcua.KindInvalid, Code: accounts.ErrSessionInvalid, Field: "officer",
					Msg:   "Không biết cán bộ ký phiếu: chạy «motcua signin TÊN» trước, hoặc ghi --officer TÊN_ĐĂNG_NHẬP (" + e.Msg + ")",
					MsgEN: "who signs the form is unknown: run 'motcua signin NAME' first, or give --officer USERNAME (" + e.MsgEN + ")"}
			}
			return nil, err
		}
		return u, nil
	}
	if _, err := c.open(); err != nil {
		return nil, err
	}
	u, err := c.accounts().Store.GetUser(context.Background(), accounts.NormUsername(username))
	if err != nil {
		if motcua.ErrorKind(err) == motcua.KindNotFound {
			return nil, usageErr("officer", "Không có tài khoản «%s»: --officer nhận tên đăng nhập của cán bộ («motcua user list»)",
				"no account %q: --officer takes an officer's username ('motcua user list')", username)
		}
		return nil, err
	}
	if u.Disabled {
		return nil, usageErr("officer", "Tài khoản %s đã bị khóa", "the account %s is disabled", u.Username)
	}
	return u, nil
}

// ledgerBook is the default book of a ledger printed for a period within
// one year (the year's book, as receipts name it); "" across years.
func ledgerBook(from, to time.Time) string {
	if from.Year() != to.Year() {
		return ""
	}
	return app.LedgerBook(from.Year())
}
