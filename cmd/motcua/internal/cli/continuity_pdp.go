package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"motcua"
	"motcua/app"
	"motcua/storage"
)

// pdpCmd: motcua pdp log CODE | export --id-number N [--out FILE] |
// retention [--years N] | purge [--apply].
func (c *cli) pdpCmd() *cobra.Command {
	fs := pflag.NewFlagSet("pdp", pflag.ContinueOnError)
	idNumber := fs.String("id-number", "", "số CCCD của người yêu cầu / the requester's ID card number")
	out := fs.String("out", "", "tệp JSON để ghi (mặc định: in ra) / JSON file to write (default: print)")
	years := fs.Int("years", -1, "đặt thời hạn lưu giữ, năm (0: không xoá) / set the retention, in years (0: never delete)")
	asJSON := fs.Bool("json", false, jsonUsage)
	apply := fs.Bool("apply", false, "xoá thật (không có: chỉ liệt kê) / really delete (without: list only)")
	run := func(sub string, pos []string) error {
		return c.pdp(sub, pos, *idNumber, *out, *years, *asJSON, *apply)
	}
	return group("pdp", "Bảo vệ dữ liệu cá nhân (Nghị định 13/2023) / personal data protection (Decree 13/2023)", "", fs, run,
		subSpec{"log CODE", "Ai đã xem, sửa dữ liệu của một hồ sơ / who read or changed a dossier's data",
			"  motcua pdp log 000.00.06.H56-261120-0001", "json"},
		subSpec{"export --id-number N", "Xuất mọi dữ liệu về một người / export all data about a person",
			"  motcua pdp export --id-number 001190123456 --out du-lieu.json", "id-number out"},
		subSpec{"retention", "Xem hoặc đặt thời hạn lưu giữ tệp đính kèm / show or set how long scans are kept",
			"  motcua pdp retention\n  motcua pdp retention --years 5", "years"},
		subSpec{"purge", "Xoá tệp đính kèm đã quá thời hạn lưu giữ / delete scans past the retention",
			"  motcua pdp purge\n  motcua pdp purge --apply", "apply json"},
	)
}

func (c *cli) pdp(sub string, pos []string, idNumberv, outv string, yearsv int, asJSONv, applyv bool) error {
	idNumber, out, years, asJSON, apply := &idNumberv, &outv, &yearsv, &asJSONv, &applyv
	s, err := c.continuity()
	if err != nil {
		return err
	}
	ctx := context.Background()
	var who app.Actor
	if sub == "export" || sub == "purge" || (sub == "retention" && *years >= 0) {
		if who, err = c.actor(); err != nil {
			return err
		}
	}
	switch sub {
	case "log":
		if len(pos) != 1 {
			return usageErr("code", "Cần «pdp log MÃ_HỒ_SƠ»", "use 'pdp log CODE'")
		}
		log, err := s.AccessLog(ctx, normCode(pos[0]), 0)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(log)
		}
		tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "LÚC\tNGƯỜI\tVIỆC\tCHI TIẾT")
		for _, r := range log {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", motcua.FormatTime(r.At), r.Actor, r.Action, r.Detail)
		}
		return tw.Flush()
	case "export":
		ex, err := s.ExportPerson(ctx, *idNumber, who)
		if err != nil {
			return err
		}
		b, _ := json.MarshalIndent(ex, "", "  ")
		if *out == "" {
			_, err := c.out.Write(append(b, '\n'))
			return err
		}
		if err := writeReport(*out, append(b, '\n')); err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã xuất %d hồ sơ ra %s\n", len(ex.Dossiers), *out)
		return nil
	case "retention":
		if *years >= 0 {
			if err := s.SetRetentionYears(ctx, *years, who); err != nil {
				return err
			}
		}
		y, err := s.RetentionYears(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Thời hạn lưu giữ tệp đính kèm sau khi hồ sơ kết thúc: %d năm (0: không xoá)\n", y)
		return nil
	case "purge":
		// Lists what is past the retention; deletes the scans only with --apply.
		rep, err := s.PurgeAttachments(ctx, storage.BlobPurger{S: c.store, DataDir: c.dataDir()}, !*apply, who)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(rep)
		}
		var b bytes.Buffer
		for _, it := range rep.Items {
			fmt.Fprintf(&b, "  %s  %s, kết thúc %s\n", it.Code, statusName(int(it.Status)), motcua.FormatTime(it.ClosedAt))
		}
		fmt.Fprintf(c.out, "%d hồ sơ đã quá thời hạn lưu giữ %d năm; %d tệp đã xoá%s. %s\n%s", len(rep.Items), rep.Years, rep.Files,
			map[bool]string{true: " (chạy thử: thêm --apply để xoá)", false: ""}[rep.DryRun], rep.Pending, b.String())
		return nil
	}
	return usageErr("pdp", "Lệnh con «%s» không tồn tại", "unknown subcommand %q", sub)
}
