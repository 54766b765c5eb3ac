package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"motcua"
	"motcua/app"
	"motcua/scanning/pdfrender"
	"motcua/scanning/qrdecode"
	"motcua/scanning/qrsign"
	"motcua/storage"
)

// exitError ends the command with a given exit code after its message
// (qr verify: 3 when a code is not valid).
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// scans opens the service with digitisation wired: the blob store of the
// data directory and the station's signing key (created on first use).
func (c *cli) scans(actor string) (*app.Service, error) {
	svc, err := c.open()
	if err != nil {
		return nil, err
	}
	if svc.Scans != nil {
		return svc, nil
	}
	ctx := context.Background()
	id, err := svc.Identity(ctx)
	if err != nil {
		return nil, err
	}
	blobs, err := storage.OpenBlobs(c.data)
	if err != nil {
		return nil, err
	}
	keys, err := app.LoadKeys(ctx, c.data, c.store, id.Station.String(), actor)
	if err != nil {
		return nil, err
	}
	svc.Scans = &app.Scans{Attachments: c.store, Blobs: blobs, Signer: keys, Citizens: c.store, Limits: scanLimits(ctx, c.store)}
	return svc, nil
}

// attachmentFiles is the sync worker's view of the attachments; nil (no
// files sent) when the blob store cannot be opened.
func (c *cli) attachmentFiles() *storage.AttachmentFiles {
	if c.store == nil {
		return nil
	}
	blobs, err := storage.OpenBlobs(c.data)
	if err != nil {
		fmt.Fprintln(c.errOut, "kho tệp số hóa không mở được, hồ sơ gửi không kèm tệp:", motcua.ErrorMessage(err))
		return nil
	}
	return &storage.AttachmentFiles{Store: c.store, Blobs: blobs}
}

func (c *cli) attachCmd() *cobra.Command {
	cmd := newCmd("attach CODE --component N FILE...",
		"Số hóa một thành phần hồ sơ: ảnh hoặc PDF, ký và lưu / digitise a dossier component: images or a PDF, signed and stored",
		`  motcua attach 000.00.06.H56-261120-0001 --component 1 to-khai.pdf
  motcua attach 000.00.06.H56-261120-0001 --component 2 trang1.jpg trang2.jpg --json`)
	fs := cmd.Flags()
	comp := fs.Int("component", 0, "số thứ tự thành phần hồ sơ, từ 1 / the component's number, from 1")
	asJSON := fs.Bool("json", false, jsonUsage)
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		if len(pos) < 2 {
			return usageErr("file", "Cần mã hồ sơ và ít nhất một tệp: motcua attach MÃ --component N TỆP…",
				"usage: motcua attach CODE --component N FILE...")
		}
		if *comp < 1 {
			return usageErr("component", "Cần --component N (số thứ tự thành phần hồ sơ, từ 1)",
				"--component N is required (the component's number, from 1)")
		}
		u, err := c.signedIn()
		if err != nil {
			return err
		}
		if err := u.Actor().Allow(app.PermIntake); err != nil {
			return err
		}
		svc, err := c.scans(u.Username)
		if err != nil {
			return err
		}
		a, err := svc.Attach(context.Background(), normCode(pos[0]), *comp-1, pos[1:], u.FullName)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(a)
		}
		fmt.Fprintf(c.out, "Đã số hóa thành phần %d «%s» của hồ sơ %s: %s, %d trang, %d byte\nSHA-256: %s\n",
			a.ComponentIndex+1, a.Component, a.Dossier, a.FileName, a.Pages, a.Size, a.SHA256)
		return nil
	}
	return cmd
}

func (c *cli) attachmentsCmd() *cobra.Command {
	cmd := newCmd("attachments CODE", "Các tài liệu đã số hóa của một hồ sơ / a dossier's digitised documents",
		"  motcua attachments 000.00.06.H56-261120-0001")
	asJSON := cmd.Flags().Bool("json", false, jsonUsage)
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		code, err := oneCode("attachments", pos)
		if err != nil {
			return err
		}
		svc, err := c.open()
		if err != nil {
			return err
		}
		if svc.Scans == nil {
			svc.Scans = &app.Scans{Attachments: c.store}
		}
		as, err := svc.Attachments(context.Background(), code)
		if err != nil {
			return err
		}
		if *asJSON {
			if as == nil {
				as = []app.Attachment{}
			}
			return c.printJSON(as)
		}
		if len(as) == 0 {
			fmt.Fprintf(c.out, "Hồ sơ %s chưa có tài liệu số hóa\n", code)
			return nil
		}
		tw := tabwriter.NewWriter(c.out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "TP\tTÊN THÀNH PHẦN\tTỆP\tTRANG\tBYTE\tSHA-256\tLÚC\tNGƯỜI\t")
		for _, a := range as {
			name := a.FileName
			if a.Deleted {
				name += " (đã xóa)"
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t\n", a.ComponentIndex+1, a.Component, name, a.Pages, a.Size,
				a.SHA256, a.AddedAt.Format("02/01/2006 15:04"), a.AddedBy)
		}
		return tw.Flush()
	}
	return cmd
}

func (c *cli) qrCmd() *cobra.Command {
	cmd := newCmd("qr", "Đọc và kiểm tra mã QR trên phiếu (thoát 3: không hợp lệ) / read and verify the QR codes of forms (exit 3: not valid)", "")
	cmd.RunE = needSub
	cmd.AddCommand(c.qrDecodeCmd(), c.qrVerifyCmd())
	return cmd
}

// decodeFile reads every QR of an image or a PDF (rendered in an isolated
// worker, so a hostile PDF cannot take the command down).
func decodeFile(path string) ([]qrdecode.Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, motcua.Invalid(app.ErrFileRead, "file", "Không đọc được tệp «%s»: %v", "cannot read file %q: %v", path, err)
	}
	head := make([]byte, 5)
	n, _ := f.Read(head)
	f.Close()
	var res []qrdecode.Result
	if string(head[:n]) == "%PDF-" {
		res, err = pdfrender.DecodeQRFile(context.Background(), path, 0)
	} else {
		res, err = qrdecode.DecodeFile(path)
	}
	if err != nil {
		return nil, motcua.Invalid("ERR_QR_DECODE", "file", "Không đọc được mã QR trong tệp «%s»: %v",
			"cannot read QR codes from %q: %v", path, err)
	}
	return res, nil
}

func (c *cli) qrDecodeCmd() *cobra.Command {
	cmd := newCmd("decode FILE...", "Đọc mọi mã QR trong ảnh hoặc PDF / read every QR code of images or PDFs",
		"  motcua qr decode bien-nhan.pdf\n  motcua qr decode anh-chup.jpg --json")
	asJSON := cmd.Flags().Bool("json", false, jsonUsage)
	cmd.RunE = func(_ *cobra.Command, files []string) error {
		if len(files) == 0 {
			return usageErr("file", "Dùng: motcua qr decode TỆP… [--json]", "usage: motcua qr decode FILE... [--json]")
		}
		type found struct {
			File string `json:"file"`
			qrdecode.Result
		}
		all := []found{}
		for _, f := range files {
			res, err := decodeFile(f)
			if err != nil {
				return err
			}
			for _, r := range res {
				all = append(all, found{f, r})
			}
		}
		if *asJSON {
			return c.printJSON(all)
		}
		for _, r := range all {
			fmt.Fprintln(c.out, r.Text)
		}
		if len(all) == 0 {
			fmt.Fprintln(c.errOut, "không tìm thấy mã QR / no QR code found")
		}
		return nil
	}
	return cmd
}

type verified struct {
	Text    string          `json:"text"`
	Result  string          `json:"result"`
	Message string          `json:"message"`
	Payload *qrsign.Payload `json:"payload,omitempty"`
}

func (c *cli) qrVerifyCmd() *cobra.Command {
	cmd := newCmd("verify (TEXT | --payload TEXT | --file FILE)",
		"Kiểm tra chữ ký của mã QR (thoát 3 nếu có mã không hợp lệ) / verify QR signatures (exit 3 if one is not valid)",
		`  motcua qr verify bien-nhan.pdf
  motcua qr verify --payload "MC1|…"
  motcua qr verify --file anh-chup.jpg --json`)
	fs := cmd.Flags()
	file := fs.String("file", "", "ảnh hoặc PDF chứa mã QR / an image or PDF holding the codes")
	payload := fs.String("payload", "", "nội dung mã QR đã đọc / the text read from the QR code")
	asJSON := fs.Bool("json", false, jsonUsage)
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		var texts []string
		switch {
		case *file != "" && *payload == "" && len(pos) == 0:
		case *payload != "" && *file == "" && len(pos) == 0:
			texts = []string{*payload}
		case len(pos) == 1 && *file == "" && *payload == "":
			if st, err := os.Stat(pos[0]); err == nil && st.Mode().IsRegular() && !strings.HasPrefix(pos[0], "MC1|") {
				*file = pos[0]
			} else {
				texts = pos
			}
		default:
			return usageErr("qr", "Dùng: motcua qr verify (NỘI_DUNG | --payload NỘI_DUNG | --file TỆP)",
				"usage: motcua qr verify (TEXT | --payload TEXT | --file FILE)")
		}
		if *file != "" {
			res, err := decodeFile(*file)
			if err != nil {
				return err
			}
			if len(res) == 0 {
				return &exitError{3, fmt.Sprintf("không tìm thấy mã QR trong «%s» / no QR code found in %q", *file, *file)}
			}
			for _, r := range res {
				texts = append(texts, r.Text)
			}
		}
		if _, err := c.open(); err != nil {
			return err
		}
		ring, err := app.LoadKeyring(context.Background(), c.store)
		if err != nil {
			return err
		}
		var out []verified
		valid := 0
		for _, t := range texts {
			p, r := qrsign.Verify(t, ring)
			v := verified{Text: strings.TrimSpace(t), Result: r.String(), Message: r.Message()}
			if r != qrsign.NotOurs {
				v.Payload = &p
			}
			if r == qrsign.Valid {
				valid++
			}
			out = append(out, v)
		}
		if *asJSON {
			if err := c.printJSON(out); err != nil {
				return err
			}
		} else {
			for _, v := range out {
				fmt.Fprintf(c.out, "%s: %s\n", v.Result, v.Message)
				if v.Payload != nil && v.Payload.Code != "" {
					fmt.Fprintf(c.out, "  hồ sơ %s, %s, %s, khóa %s\n", v.Payload.Code, v.Payload.DocName(),
						v.Payload.Issued.In(motcua.Location).Format("02/01/2006 15:04"), v.Payload.KeyID)
				}
			}
		}
		if valid != len(out) {
			return &exitError{3, fmt.Sprintf("%d/%d mã QR không hợp lệ / not valid", len(out)-valid, len(out))}
		}
		return nil
	}
	return cmd
}
