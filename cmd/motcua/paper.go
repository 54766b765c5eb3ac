package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"motcua"
	"motcua/app"
	"motcua/app/continuity"
)

// paper: motcua paper reserve|list|pdf|enter; `motcua reserve --count N` is
// the short form of `paper reserve`.
func (c *cli) paper(args []string) error {
	if len(args) == 0 {
		return usageErr("paper", "Cần «paper reserve|list|pdf|enter»", "use 'paper reserve|list|pdf|enter'")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "reserve":
		return c.paperReserve(args)
	case "list":
		return c.paperList(args)
	case "pdf":
		return c.paperPDF(args)
	case "enter":
		return c.paperEnter(args)
	}
	return usageErr("paper", "Lệnh con «%s» không tồn tại", "unknown subcommand %q", sub)
}

func (c *cli) paperReserve(args []string) error {
	fs := flag.NewFlagSet("paper reserve", flag.ContinueOnError)
	count := fs.Int("count", 20, "")
	pdfPath := fs.String("pdf", "", "")
	by := fs.String("by", currentUser(), "")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := c.continuity()
	if err != nil {
		return err
	}
	ctx := context.Background()
	b, err := s.ReservePaper(ctx, *count, *by)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.out, "Đã dành %d số cho biên nhận giấy, tập %d, máy %s: %s\n", len(b.Seqs), b.ID, b.Station, seqList(b.Seqs))
	if *pdfPath == "" {
		*pdfPath = fmt.Sprintf("bien-nhan-giay-tap-%d.pdf", b.ID)
	}
	return c.writePaperPDF(ctx, s, b, *pdfPath)
}

func seqList(seqs []int) string {
	if len(seqs) == 0 {
		return ""
	}
	return fmt.Sprintf("%0*d … %0*d", motcua.SeqDigits, seqs[0], motcua.SeqDigits, seqs[len(seqs)-1])
}

func (c *cli) writePaperPDF(ctx context.Context, s *continuity.Service, b *continuity.PaperBlock, p string) error {
	var buf bytes.Buffer
	if err := s.PaperReceiptsPDF(ctx, &buf, b); err != nil {
		return err
	}
	if err := writeReport(p, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintln(c.out, "In tệp:", p)
	return nil
}

func (c *cli) paperList(args []string) error {
	fs := flag.NewFlagSet("paper list", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	s, err := c.continuity()
	if err != nil {
		return err
	}
	bs, err := s.PaperBlocks(context.Background())
	if err != nil {
		return err
	}
	if *asJSON {
		if bs == nil {
			bs = []*continuity.PaperBlock{}
		}
		return c.printJSON(bs)
	}
	tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
	for _, b := range bs {
		fmt.Fprintf(tw, "tập %d\tmáy %s\t%s\t%d số\t%d đã nhập\t%s\n", b.ID, b.Station, motcua.FormatTime(b.CreatedAt), len(b.Seqs), len(b.Used), seqList(b.Seqs))
	}
	return tw.Flush()
}

func (c *cli) paperPDF(args []string) error {
	pos, err := parseFlags(flag.NewFlagSet("paper pdf", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(pos) < 1 || len(pos) > 2 {
		return usageErr("paper", "Cần «paper pdf SỐ_TẬP [TỆP.pdf]»", "use 'paper pdf BLOCK [FILE.pdf]'")
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return usageErr("paper", "«%s» không phải số tập", "%q is not a block number", pos[0])
	}
	s, err := c.continuity()
	if err != nil {
		return err
	}
	ctx := context.Background()
	bs, err := s.PaperBlocks(ctx)
	if err != nil {
		return err
	}
	for _, b := range bs {
		if b.ID == id {
			p := fmt.Sprintf("bien-nhan-giay-tap-%d.pdf", id)
			if len(pos) == 2 {
				p = pos[1]
			}
			return c.writePaperPDF(ctx, s, b, p)
		}
	}
	return motcua.Errorf(motcua.KindNotFound, motcua.ErrNotFound, "paper", "Không có tập biên nhận số %d", "no paper block %d", id)
}

func (c *cli) paperEnter(args []string) error {
	fs := flag.NewFlagSet("paper enter", flag.ContinueOnError)
	var r continuity.BackEntry
	fs.StringVar(&r.Code, "code", "", "")
	fs.IntVar(&r.Seq, "seq", 0, "")
	at := fs.String("at", "", "")
	fs.StringVar(&r.ProcedureCode, "procedure", "", "")
	fs.StringVar(&r.CCCD, "cccd", "", "")
	fs.StringVar(&r.Applicant.Name, "name", "", "")
	fs.StringVar(&r.Applicant.IDNumber, "id-number", "", "")
	fs.StringVar(&r.DOBText, "dob", "", "")
	fs.StringVar(&r.Applicant.Gender, "gender", "", "")
	fs.StringVar(&r.Applicant.Phone, "phone", "", "")
	fs.StringVar(&r.Applicant.Address, "address", "", "")
	fs.StringVar(&r.Applicant.Email, "email", "", "")
	fs.StringVar(&r.Summary, "summary", "", "")
	fs.StringVar(&r.Officer, "officer", "", "")
	channel := fs.Int("channel", 1, "")
	components := fs.String("components", "", "")
	asJSON := fs.Bool("json", false, "")
	by := fs.String("by", currentUser(), "")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if r.Code == "" && r.Seq == 0 {
		return usageErr("code", "Cần mã hồ sơ ghi trên biên nhận (--code) hoặc số thứ tự (--seq)", "give the code written on the receipt (--code) or its number (--seq)")
	}
	if *at == "" {
		return usageErr("at", "Cần thời điểm tiếp nhận ghi trên biên nhận (--at 2026-11-24T09:40:00+07:00)", "give the receipt time written on the paper (--at …)")
	}
	var err error
	if r.At, err = motcua.ParseTime("at", *at); err != nil {
		return err
	}
	r.Channel, r.By = motcua.Channel(*channel), *by
	if *components != "" {
		r.Components = []motcua.Component{}
		for _, it := range strings.Split(*components, ";") {
			if it = strings.TrimSpace(it); it != "" {
				r.Components = append(r.Components, motcua.Component{Name: it, Original: 1})
			}
		}
	}
	s, err := c.continuity()
	if err != nil {
		return err
	}
	d, err := s.BackEnter(context.Background(), r)
	if err != nil {
		return err
	}
	if *asJSON {
		return c.printJSON(app.View(d))
	}
	fmt.Fprintf(c.out, "%s\ttiếp nhận %s\thẹn trả %s\n", d.Code, motcua.FormatTime(d.ReceivedAt), motcua.FormatTime(d.DueAt))
	return nil
}
