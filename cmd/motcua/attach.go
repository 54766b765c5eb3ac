package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

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
	svc.Scans = &app.Scans{Attachments: c.store, Blobs: blobs, Signer: keys, Limits: scanLimits(ctx, c.store)}
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

// attach: motcua attach CODE --component N FILE...
func (c *cli) attach(args []string) error {
	fs := flag.NewFlagSet("attach", flag.ContinueOnError)
	comp := fs.Int("component", 0, "")
	officer := fs.String("officer", currentUser(), "")
	asJSON := fs.Bool("json", false, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return usageErr("file", "Cần mã hồ sơ và ít nhất một tệp: motcua attach MÃ --component N TỆP…",
			"usage: motcua attach CODE --component N FILE...")
	}
	if *comp < 1 {
		return usageErr("component", "Cần --component N (số thứ tự thành phần hồ sơ, từ 1)",
			"--component N is required (the component's number, from 1)")
	}
	svc, err := c.scans(*officer)
	if err != nil {
		return err
	}
	a, err := svc.Attach(context.Background(), pos[0], *comp-1, pos[1:], *officer)
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

// attachments: motcua attachments CODE [--json]
func (c *cli) attachments(args []string) error {
	fs := flag.NewFlagSet("attachments", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	code, err := c.oneCode("attachments", args, fs)
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

// qrCmd: motcua qr decode FILE... [--json] | motcua qr verify (TEXT | --payload TEXT | --file FILE) [--json]
func (c *cli) qrCmd(args []string) error {
	if len(args) == 0 {
		return usageErr("qr", "Dùng: motcua qr decode TỆP… | motcua qr verify (NỘI_DUNG | --file TỆP)",
			"usage: motcua qr decode FILE... | motcua qr verify (TEXT | --file FILE)")
	}
	switch args[0] {
	case "decode":
		return c.qrDecode(args[1:])
	case "verify":
		return c.qrVerify(args[1:])
	}
	return usageErr("qr", "Lệnh «qr %s» không tồn tại", "unknown command 'qr %s'", args[0])
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

func (c *cli) qrDecode(args []string) error {
	fs := flag.NewFlagSet("qr decode", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	files, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
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

type verified struct {
	Text    string          `json:"text"`
	Result  string          `json:"result"`
	Message string          `json:"message"`
	Payload *qrsign.Payload `json:"payload,omitempty"`
}

func (c *cli) qrVerify(args []string) error {
	fs := flag.NewFlagSet("qr verify", flag.ContinueOnError)
	file := fs.String("file", "", "")
	payload := fs.String("payload", "", "")
	asJSON := fs.Bool("json", false, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
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
