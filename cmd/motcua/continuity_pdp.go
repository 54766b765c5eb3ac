package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"text/tabwriter"

	"motcua"
	"motcua/storage"
)

// pdp: motcua pdp log CODE | export --id-number N [--out FILE] |
// retention [--years N] | purge [--dry-run].
func (c *cli) pdp(args []string) error {
	if len(args) == 0 {
		return usageErr("pdp", "Cần «pdp log|export|retention|purge»", "use 'pdp log|export|retention|purge'")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("pdp "+sub, flag.ContinueOnError)
	idNumber := fs.String("id-number", "", "")
	out := fs.String("out", "", "")
	years := fs.Int("years", -1, "")
	asJSON := fs.Bool("json", false, "")
	apply := fs.Bool("apply", false, "")
	s, pos, err := c.continuityArgs(fs, args)
	if err != nil {
		return err
	}
	ctx := context.Background()
	switch sub {
	case "log":
		if len(pos) != 1 {
			return usageErr("code", "Cần «pdp log MÃ_HỒ_SƠ»", "use 'pdp log CODE'")
		}
		log, err := s.AccessLog(ctx, pos[0], 0)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(log)
		}
		tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
		for _, r := range log {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", motcua.FormatTime(r.At), r.Actor, r.Action, r.Detail)
		}
		return tw.Flush()
	case "export":
		ex, err := s.ExportPerson(ctx, *idNumber, currentUser())
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
			if err := s.SetRetentionYears(ctx, *years, currentUser()); err != nil {
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
		rep, err := s.PurgeAttachments(ctx, storage.BlobPurger{S: c.store, DataDir: c.dataDir()}, !*apply, currentUser())
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(rep)
		}
		var b bytes.Buffer
		for _, it := range rep.Items {
			fmt.Fprintf(&b, "  %s  trạng thái %d, kết thúc %s\n", it.Code, it.Status, motcua.FormatTime(it.ClosedAt))
		}
		fmt.Fprintf(c.out, "%d hồ sơ đã quá thời hạn lưu giữ %d năm; %d tệp đã xoá%s. %s\n%s", len(rep.Items), rep.Years, rep.Files,
			map[bool]string{true: " (chạy thử: thêm --apply để xoá)", false: ""}[rep.DryRun], rep.Pending, b.String())
		return nil
	}
	return usageErr("pdp", "Lệnh con «%s» không tồn tại", "unknown subcommand %q", sub)
}
