package cli

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"motcua"
	"motcua/app"
	"motcua/app/continuity"
)

// paperCmd: motcua paper reserve|list|pdf|enter; `motcua reserve --count N`
// is the short form of `paper reserve`.
func (c *cli) paperCmd() *cobra.Command {
	cmd := newCmd("paper", "Biên nhận giấy khi máy không dùng được / paper receipts for when the PC is down", "")
	cmd.RunE = needSub
	cmd.AddCommand(c.paperReserveCmd("reserve"), c.paperListCmd(), c.paperPDFCmd(), c.paperEnterCmd())
	return cmd
}

// reserveCmd is `paper reserve` at the top level.
func (c *cli) reserveCmd() *cobra.Command { return c.paperReserveCmd("reserve") }

func (c *cli) paperReserveCmd(name string) *cobra.Command {
	cmd := newCmd(name, "Dành trước một tập số biên nhận giấy và in ra PDF / reserve a block of paper receipt numbers and print it",
		"  motcua paper reserve --count 20\n  motcua reserve --count 50 --pdf tap-bien-nhan.pdf")
	fs := cmd.Flags()
	count := fs.Int("count", 20, "số biên nhận trong tập / receipts in the block")
	pdfPath := fs.String("pdf", "", "tệp PDF để in (mặc định bien-nhan-giay-tap-N.pdf) / PDF file (default bien-nhan-giay-tap-N.pdf)")
	cmd.Args = noArgs
	cmd.RunE = func(*cobra.Command, []string) error {
		s, err := c.continuity()
		if err != nil {
			return err
		}
		ctx := context.Background()
		who, err := c.actor()
		if err != nil {
			return err
		}
		b, err := s.ReservePaper(ctx, *count, who)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã dành %d số cho biên nhận giấy, tập %d, máy %s: %s\n", len(b.Seqs), b.ID, b.Station, seqList(b.Seqs))
		if *pdfPath == "" {
			*pdfPath = fmt.Sprintf("bien-nhan-giay-tap-%d.pdf", b.ID)
		}
		return c.writePaperPDF(ctx, s, b, *pdfPath)
	}
	return cmd
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

func (c *cli) paperListCmd() *cobra.Command {
	cmd := newCmd("list", "Các tập biên nhận giấy đã dành / the reserved paper receipt blocks", "  motcua paper list")
	asJSON := cmd.Flags().Bool("json", false, jsonUsage)
	cmd.Args = noArgs
	cmd.RunE = func(*cobra.Command, []string) error {
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
		fmt.Fprintln(tw, "TẬP\tMÁY\tLÚC DÀNH\tSỐ BIÊN NHẬN\tĐÃ NHẬP\tTỪ … ĐẾN")
		for _, b := range bs {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%s\n", b.ID, b.Station, motcua.FormatTime(b.CreatedAt), len(b.Seqs), len(b.Used), seqList(b.Seqs))
		}
		return tw.Flush()
	}
	return cmd
}

func (c *cli) paperPDFCmd() *cobra.Command {
	cmd := newCmd("pdf BLOCK [FILE.pdf]", "In lại một tập biên nhận giấy / print a paper receipt block again", "  motcua paper pdf 2 tap-2.pdf")
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
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
	return cmd
}

func (c *cli) paperEnterCmd() *cobra.Command {
	cmd := newCmd("enter (--code CODE | --seq N) --at DATE --procedure CODE",
		"Nhập vào máy một hồ sơ đã tiếp nhận bằng biên nhận giấy / enter a dossier received on a paper receipt",
		`  motcua paper enter --seq 7 --at "2026-11-24T09:40:00+07:00" --procedure 2.001035 --name "Lê Văn Bình" --id-number 001190123458`)
	fs := cmd.Flags()
	var r continuity.BackEntry
	fs.StringVar(&r.Code, "code", "", "mã hồ sơ ghi trên biên nhận giấy / the dossier code written on the receipt")
	fs.IntVar(&r.Seq, "seq", 0, "số thứ tự của biên nhận trong tập / the receipt's number in its block")
	at := fs.String("at", "", "thời điểm tiếp nhận ghi trên biên nhận, "+dateHelp+" / the receipt time written on the paper")
	fs.StringVar(&r.ProcedureCode, "procedure", "", "mã thủ tục / procedure code")
	fs.StringVar(&r.CCCD, "cccd", "", "dòng đọc từ mã QR của thẻ CCCD / the line read from the CCCD card's QR code")
	fs.StringVar(&r.Applicant.Name, "name", "", "họ tên người nộp / applicant's full name")
	fs.StringVar(&r.Applicant.IDNumber, "id-number", "", "số CCCD/CMND / ID card number")
	dob := fs.String("dob", "", "ngày sinh, "+dateHelp+" / date of birth")
	fs.StringVar(&r.Applicant.Gender, "gender", "", "giới tính (Nam, Nữ) / gender")
	fs.StringVar(&r.Applicant.Phone, "phone", "", "số điện thoại / phone number")
	fs.StringVar(&r.Applicant.Address, "address", "", "địa chỉ / address")
	fs.StringVar(&r.Applicant.Email, "email", "", "thư điện tử / e-mail")
	fs.StringVar(&r.Summary, "summary", "", "trích yếu hồ sơ / summary of the request")
	fs.StringVar(&r.Officer, "officer", "", "cán bộ đã tiếp nhận trên giấy / officer who received it on paper")
	channel := fs.Int("channel", 1, "kênh nộp: 1 trực tiếp, 2 bưu chính, 3 trực tuyến / channel: 1 in person, 2 post, 3 online")
	components := fs.String("components", "", "thành phần hồ sơ, cách nhau bằng «;» / dossier components, separated by ';'")
	asJSON := fs.Bool("json", false, jsonUsage)
	cmd.Args = noArgs
	cmd.RunE = func(*cobra.Command, []string) error {
		if r.Code == "" && r.Seq == 0 {
			return usageErr("code", "Cần mã hồ sơ ghi trên biên nhận (--code) hoặc số thứ tự (--seq)", "give the code written on the receipt (--code) or its number (--seq)")
		}
		if *at == "" {
			return usageErr("at", "Cần thời điểm tiếp nhận ghi trên biên nhận (--at 2026-11-24T09:40:00+07:00)", "give the receipt time written on the paper (--at …)")
		}
		var err error
		if r.At, err = parseDate("at", *at); err != nil {
			return err
		}
		if r.DOBText, err = dobText(*dob); err != nil {
			return err
		}
		r.Code = normCode(r.Code)
		r.Channel = motcua.Channel(*channel)
		if r.By, err = c.actor(); err != nil {
			return err
		}
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
	return cmd
}
