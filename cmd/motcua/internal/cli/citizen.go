package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"motcua"
	"motcua/app"
)

// resultCmd digitises a dossier's result (issue 18).
func (c *cli) resultCmd() *cobra.Command {
	cmd := newCmd("result CODE FILE...",
		"Số hóa kết quả giải quyết hồ sơ, kèm thời hạn hiệu lực / digitise a dossier's result, with its validity",
		`  motcua result 000.00.06.H56-261120-0001 ket-qua.jpg
  motcua result 000.00.06.H56-261120-0001 ket-qua.pdf --valid-months 6
  motcua result 000.00.06.H56-261120-0001 ket-qua.pdf --name "Giấy xác nhận tình trạng hôn nhân" --valid-until 20/05/2027`)
	fs := cmd.Flags()
	name := fs.String("name", "", "tên giấy tờ kết quả (mặc định theo danh mục) / the result's name (default: the catalogue's)")
	issued := fs.String("issued", "", "ngày cấp (mặc định bây giờ), "+dateHelp+" / issue date (default now)")
	until := fs.String("valid-until", "", "hiệu lực đến ngày, "+dateHelp+" / valid until")
	months := fs.Int("valid-months", -1, "hiệu lực số tháng kể từ ngày cấp (0: không thời hạn; mặc định theo danh mục) / valid for N months from issue (0: no limit; default: the catalogue's)")
	asJSON := fs.Bool("json", false, jsonUsage)
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		if len(pos) < 2 {
			return usageErr("file", "Cần mã hồ sơ và ít nhất một tệp: motcua result MÃ TỆP…", "usage: motcua result CODE FILE...")
		}
		u, err := c.signedIn()
		if err != nil {
			return err
		}
		req := app.ResultRequest{Code: normCode(pos[0]), By: u.Actor(), Officer: u.FullName, Files: pos[1:], Name: *name}
		if req.IssuedAt, err = optDate("issued", *issued); err != nil {
			return err
		}
		if req.ValidUntil, err = optDate("valid-until", *until); err != nil {
			return err
		}
		if *months >= 0 {
			req.ValidMonths = months
		}
		svc, err := c.scans(u.FullName)
		if err != nil {
			return err
		}
		a, err := svc.AttachResult(context.Background(), req)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(a)
		}
		valid := "không thời hạn"
		if !a.ValidUntil.IsZero() {
			valid = "đến " + a.ValidUntil.Format("02/01/2006")
		}
		fmt.Fprintf(c.out, "Đã số hóa kết quả «%s» của hồ sơ %s: %s, %d trang; cấp %s, hiệu lực %s\nSHA-256: %s\n",
			a.Component, a.Dossier, a.FileName, a.Pages, a.IssuedAt.Format("02/01/2006"), valid, a.SHA256)
		return nil
	}
	return cmd
}

// citizenCmd is the citizen's document store: show, export, withdraw,
// expire, retention.
func (c *cli) citizenCmd() *cobra.Command {
	fs := pflag.NewFlagSet("citizen", pflag.ContinueOnError)
	dob := fs.String("dob", "", "ngày sinh trên thẻ (đối chiếu số định danh), "+dateHelp+" / date of birth on the card (checks the ID)")
	gender := fs.String("gender", "", "giới tính trên thẻ (Nam, Nữ) / gender on the card")
	cccd := fs.String("cccd", "", "dòng đọc từ mã QR của thẻ CCCD, thay cho số gõ tay / the CCCD QR line, instead of a typed number")
	out := fs.StringP("output", "o", "", "thư mục ghi bản sao (mặc định kho-giay-to-SỐ) / folder for the copy (default kho-giay-to-ID)")
	asJSON := fs.Bool("json", false, jsonUsage)
	months := fs.Int("months", 0, "thời hạn lưu kho, tháng (1–1200) / store retention, months")
	run := func(sub string, pos []string) error {
		ctx := context.Background()
		u, err := c.signedIn()
		if err != nil {
			return err
		}
		svc, err := c.scans(u.FullName)
		if err != nil {
			return err
		}
		by := u.Actor()
		query := func() (app.StoreQuery, error) {
			q := app.StoreQuery{CCCD: *cccd, Gender: *gender}
			if len(pos) == 1 {
				q.IDNumber = pos[0]
			} else if *cccd == "" {
				return q, usageErr("id_number", "Cần số định danh cá nhân (12 chữ số) hoặc --cccd", "the 12-digit personal ID or --cccd is required")
			}
			if *dob != "" {
				t, err := parseDate("dob", *dob)
				if err != nil {
					return q, err
				}
				q.DOB = t
			}
			return q, nil
		}
		switch sub {
		case "retention":
			if *months == 0 {
				m, err := svc.StoreRetentionMonths(ctx)
				if err != nil {
					return err
				}
				fmt.Fprintf(c.out, "Thời hạn lưu kho: %d tháng\n", m)
				return nil
			}
			if err := svc.SetStoreRetention(ctx, by, *months); err != nil {
				return err
			}
			fmt.Fprintf(c.out, "Thời hạn lưu kho: %d tháng\n", *months)
			return nil
		case "expire":
			gone, err := svc.ExpireStore(ctx, by)
			if err != nil {
				return err
			}
			if *asJSON {
				return c.printJSON(nonNil(gone))
			}
			fmt.Fprintf(c.out, "Đã xóa khỏi kho %d giấy tờ hết thời hạn lưu (hồ sơ vẫn giữ tài liệu)\n", len(gone))
			return nil
		}
		q, err := query()
		if err != nil {
			return err
		}
		switch sub {
		case "withdraw":
			gone, err := svc.WithdrawConsent(ctx, by, q)
			if err != nil {
				return err
			}
			if *asJSON {
				return c.printJSON(nonNil(gone))
			}
			fmt.Fprintf(c.out, "Đã rút đồng ý: %d giấy tờ rời kho; các hồ sơ vẫn giữ tài liệu của mình\n", len(gone))
			return nil
		case "show":
			id, docs, err := svc.CitizenDocs(ctx, by, q)
			if err != nil {
				return err
			}
			if *asJSON {
				return c.printJSON(nonNil(docs))
			}
			if len(docs) == 0 {
				fmt.Fprintf(c.out, "Kho của %s không có giấy tờ nào\n", app.MaskID(id))
				return nil
			}
			now := svc.Clock.Now()
			tw := tabwriter.NewWriter(c.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "MÃ\tGIẤY TỜ\tNGUỒN\tNGÀY CẤP\tHIỆU LỰC\tHỒ SƠ\t")
			for _, d := range docs {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t\n", d.ID, d.Name, originName(d.Origin),
					d.IssuedAt.Format("02/01/2006"), validity(d, now), d.SourceDossier)
			}
			return tw.Flush()
		case "export":
			id, docs, err := svc.CitizenDocs(ctx, by, q)
			if err != nil {
				return err
			}
			dir := *out
			if dir == "" {
				dir = "kho-giay-to-" + id
			}
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return err
			}
			for _, d := range docs {
				b, err := svc.AttachmentPDF(ctx, d.SourceDossier, d.AttachmentID)
				if err != nil {
					return err
				}
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%03d-%s", d.ID, d.FileName)), b, 0o640); err != nil {
					return err
				}
			}
			list, _ := json.MarshalIndent(nonNil(docs), "", "  ")
			if err := os.WriteFile(filepath.Join(dir, "danh-sach.json"), append(list, '\n'), 0o640); err != nil {
				return err
			}
			if err := svc.Store.Audit(ctx, app.AuditEntry{At: svc.Clock.Now(), Actor: by.Username, Action: "store.export",
				Subject: app.MaskID(id), Detail: fmt.Sprintf("%d giấy tờ", len(docs))}); err != nil {
				return err
			}
			fmt.Fprintf(c.out, "Đã ghi %d giấy tờ và danh-sach.json vào %s\n", len(docs), dir)
			return nil
		}
		return nil
	}
	return group("citizen", "Kho dữ liệu điện tử của công dân: xem, xuất, rút đồng ý / the citizen's document store", "", fs, run,
		subSpec{"show [ID]", "Giấy tờ trong kho của một công dân (sau khi đối chiếu CCCD) / a citizen's stored documents",
			"  motcua citizen show 001190123456 --gender Nữ --dob 01/01/1990\n  motcua citizen show --cccd \"001190123456||Nguyễn Thị Ánh Tuyết|01011990|Nữ|Thôn 2|15042021\"",
			"dob gender cccd json"},
		subSpec{"export [ID]", "Bản sao danh sách và tệp của kho cho công dân (quyền truy cập dữ liệu cá nhân) / a copy of the list and files for the citizen",
			"  motcua citizen export 001190123456 --gender Nữ -o /media/usb/kho", "dob gender cccd output"},
		subSpec{"withdraw [ID]", "Công dân rút đồng ý: giấy tờ rời kho, hồ sơ vẫn giữ / the citizen withdraws consent: documents leave the store",
			"  motcua citizen withdraw 001190123456 --gender Nữ", "dob gender cccd json"},
		subSpec{"expire", "Xóa khỏi kho các giấy tờ hết thời hạn lưu / remove the documents whose retention ended",
			"  motcua citizen expire", "json"},
		subSpec{"retention", "Xem hoặc đặt thời hạn lưu kho (tháng) / show or set the store retention (months)",
			"  motcua citizen retention\n  motcua citizen retention --months 60", "months"},
	)
}

func nonNil(d []app.StoreDoc) []app.StoreDoc {
	if d == nil {
		return []app.StoreDoc{}
	}
	return d
}

func originName(o string) string {
	if o == "issued" {
		return "cơ quan cấp"
	}
	return "công dân nộp"
}

func validity(d app.StoreDoc, now time.Time) string {
	switch {
	case d.ValidUntil.IsZero():
		return "không thời hạn"
	case !d.Valid(now):
		return "HẾT HIỆU LỰC " + d.ValidUntil.In(motcua.Location).Format("02/01/2006")
	}
	return "đến " + d.ValidUntil.In(motcua.Location).Format("02/01/2006")
}
