package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"motcua"
	"motcua/app/continuity"
	"motcua/storage"
)

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }
func (l *stringList) Type() string       { return "FILE" }

func (c *cli) dataDir() string {
	if c.data == "" {
		c.data = DefaultDataDir()
	}
	return c.data
}

func (c *cli) dbPath() string { return filepath.Join(c.dataDir(), "motcua.db") }

// backupper builds the backup engine from the data folder's configuration,
// without opening the database (it may be damaged).
func (c *cli) backupper(identities []string) (*storage.Backupper, error) {
	b, err := storage.NewBackupper(c.dataDir(), Version, c.clock)
	if err != nil {
		return nil, err
	}
	b.DBPath = c.dbPath()
	if err := b.UseKeyFiles(identities); err != nil {
		return nil, err
	}
	return b, nil
}

// backupPolicyLine describes the backup policy and the last backup for the
// printed plan.
func (c *cli) backupPolicyLine(ctx context.Context) string {
	b, err := c.backupper(nil)
	if err != nil {
		return ""
	}
	k := b.Config.Keep
	line := fmt.Sprintf("Cấu hình trên máy này: sao lưu tới %s, giữ %d bản ngày, %d bản tuần, %d bản tháng; khoá công khai của máy %s; %d khoá dự phòng.",
		orDash(b.Config.Dest), k.Daily, k.Weekly, k.Monthly, b.Recipient(), len(b.Config.Recipients))
	if list, err := b.List(ctx); err == nil && len(list) > 0 {
		line += fmt.Sprintf(" Bản gần nhất: %s (%s).", list[0].ID, motcua.FormatTime(list[0].Created))
	}
	return line
}

func orDash(s string) string {
	if s == "" {
		return "(chưa chọn)"
	}
	return s
}

// backupCmd: motcua backup config|now|list|verify|restore|prune|key.
func (c *cli) backupCmd() *cobra.Command {
	fs := pflag.NewFlagSet("backup", pflag.ContinueOnError)
	asJSON := fs.Bool("json", false, jsonUsage)
	full := fs.Bool("full", false, "kiểm tra cả từng tệp đính kèm / check every attachment file too")
	all := fs.Bool("all", false, "cả các bản của cơ quan, máy khác trong cùng nơi sao lưu / backups of other agencies and stations there too")
	var identities, recipients stringList
	fs.Var(&identities, "identity", "tệp khoá bí mật (age) để mở bản sao lưu, lặp lại được / age identity file to open the backup, repeatable")
	fs.Var(&recipients, "recipient", "thêm khoá dự phòng age1… (lặp lại được) / add a spare age1… recipient key (repeatable)")
	dest := fs.String("dest", "", "thư mục sao lưu (ổ USB, ổ mạng) / backup folder (USB or network drive)")
	hour := fs.Int("hour", -2, "giờ sao lưu hằng ngày 0–23 (-1: bất kỳ lúc nào đến hạn) / daily backup hour 0–23 (-1: whenever due)")
	interval := fs.Int("interval-hours", 0, "sao lưu mỗi N giờ / back up every N hours")
	attachments := fs.String("attachments", "", "thư mục sao lưu tệp đính kèm / folder for the attachment files")
	resume := fs.Bool("resume", false, "tiếp tục lần khôi phục bị gián đoạn / resume an interrupted restore")
	run := func(sub string, pos []string) error {
		return c.backup(sub, pos, backupFlags{identities, recipients, *asJSON, *full, *all, *dest, *hour, *interval, *attachments, *resume})
	}
	return group("backup", "Sao lưu mã hoá, kiểm tra, khôi phục / encrypted backups: make, check, restore", "", fs, run,
		subSpec{"config", "Xem hoặc đặt cấu hình sao lưu / show or set the backup configuration",
			"  motcua backup config --dest E:\\SaoLuu --hour 12\n  motcua backup config --recipient age1…", "dest hour interval-hours attachments recipient json"},
		subSpec{"now", "Sao lưu ngay rồi kiểm tra bản vừa tạo / back up now, then check the new backup", "  motcua backup now", "json"},
		subSpec{"list", "Liệt kê các bản sao lưu / list the backups", "  motcua backup list\n  motcua backup list --all --json", "all json"},
		subSpec{"verify [ID]", "Kiểm tra một bản sao lưu (mặc định bản mới nhất) / check a backup (default the latest)",
			"  motcua backup verify\n  motcua backup verify 20261207-1200-H56-1 --full", "full identity json all"},
		subSpec{"restore ID", "Khôi phục một bản sao lưu (= motcua restore) / restore a backup (= motcua restore)",
			"  motcua backup restore 20261207-1200-H56-1", "identity resume json"},
		subSpec{"prune", "Xoá các bản cũ theo chính sách giữ / delete old backups per the keep policy", "  motcua backup prune", "all"},
		subSpec{"key [show | export FILE]", "Khoá của máy để mở bản sao lưu / the station's backup key",
			"  motcua backup key show\n  motcua backup key export E:\\khoa-may-1.txt", ""},
		subSpec{"trust KEY", "Tin cậy bản sao lưu ký bằng khoá công khai của máy cũ (so dấu vân tay với phiếu cài đặt) / trust backups signed by the old station's public key (compare the fingerprint with the set-up sheet)",
			"  motcua backup trust MCowBQYDK2VwAyEA…", ""},
	)
}

type backupFlags struct {
	identities, recipients stringList
	asJSON, full, all      bool
	dest                   string
	hour, interval         int
	attachments            string
	resume                 bool
}

func (c *cli) backup(sub string, pos []string, f backupFlags) error {
	identities, recipients, asJSON, full, all := f.identities, f.recipients, &f.asJSON, &f.full, &f.all
	dest, hour, interval, attachments, resume := &f.dest, &f.hour, &f.interval, &f.attachments, &f.resume
	ctx := context.Background()
	switch sub {
	case "restore":
		return c.restore(ctx, pos, identities, *resume, *asJSON)
	case "key":
		return c.backupKey(pos)
	case "trust":
		if len(pos) != 1 {
			return usageErr("key", "Cần «backup trust KHOÁ» (khoá ký công khai của máy cũ, base64)", "use 'backup trust KEY' (the old station's public signing key, base64)")
		}
		fp, err := storage.TrustSigner(c.dataDir(), pos[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã tin cậy các bản sao lưu ký bằng khoá %s\n", fp)
		return nil
	}
	b, err := c.backupper(identities)
	if err != nil {
		return err
	}
	if *all {
		b.Agency, b.Station = "", ""
	}
	switch sub {
	case "config":
		changed := false
		if *dest != "" {
			b.Config.Dest, changed = *dest, true
		}
		if *hour != -2 {
			b.Config.Hour, changed = *hour, true
		}
		if *interval > 0 {
			b.Config.IntervalHours, changed = *interval, true
		}
		if *attachments != "" {
			b.Config.AttachmentsDir, changed = *attachments, true
		}
		if len(recipients) > 0 {
			b.Config.Recipients, changed = append(b.Config.Recipients, recipients...), true
		}
		if changed {
			if err := storage.SaveBackupConfig(c.dataDir(), b.Config); err != nil {
				return err
			}
		}
		if *asJSON {
			return c.printJSON(b.Config)
		}
		fmt.Fprintf(c.out, "Nơi sao lưu: %s\nGiờ sao lưu hằng ngày: %d (-1: bất kỳ lúc nào đến hạn)\nGiữ: %d ngày, %d tuần, %d tháng\nKhoá công khai của máy: %s\nKhoá dự phòng: %v\nTệp cấu hình: %s\n",
			orDash(b.Config.Dest), b.Config.Hour, b.Config.Keep.Daily, b.Config.Keep.Weekly, b.Config.Keep.Monthly,
			b.Recipient(), b.Config.Recipients, storage.BackupConfigPath(c.dataDir()))
		return nil
	case "now":
		if h := storage.CheckDatabase(ctx, c.dataDir(), c.dbPath(), false, c.now()); !h.OK {
			return damagedErr(h)
		}
		bs := &continuity.BackupService{Engine: b, Config: b.Config, Disk: storage.DiskUsage, DataDir: c.dataDir()}
		if s, err := c.continuity(); err == nil {
			bs.Svc = s
		}
		who, err := c.actor()
		if err != nil {
			return err
		}
		info, rep, err := bs.RunNow(ctx, who)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(struct {
				Backup *continuity.BackupInfo   `json:"backup"`
				Verify *continuity.VerifyReport `json:"verify"`
			}{info, rep})
		}
		fmt.Fprintf(c.out, "Đã sao lưu %s: %d hồ sơ (%s → %s mã hoá), %d tệp đính kèm (%s, %d tệp mới) trong %.1f s; kiểm tra: %s (%.1f s)\n",
			info.ID, info.Dossiers, continuity.HumanBytes(uint64(info.DBBytes)), continuity.HumanBytes(uint64(info.DBStored)),
			info.Files, continuity.HumanBytes(uint64(info.FileBytes)), info.NewFiles, info.Seconds, okText(rep.OK), rep.Seconds)
		return nil
	case "list":
		list, err := b.List(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			if list == nil {
				list = []continuity.BackupInfo{}
			}
			return c.printJSON(list)
		}
		if len(list) == 0 {
			fmt.Fprintf(c.out, "Chưa có bản sao lưu nào tại %s\n", b.Config.Dest)
			return nil
		}
		tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "BẢN SAO LƯU\tLÚC TẠO\tHỒ SƠ\tTỆP\tDUNG LƯỢNG\tKIỂM TRA")
		for _, i := range list {
			v := "chưa kiểm tra"
			if !i.Verified.IsZero() {
				v = okText(i.VerifyOK) + " " + motcua.FormatTime(i.Verified)
			}
			fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%s\t%s\n", i.ID, motcua.FormatTime(i.Created), i.Dossiers, i.Files,
				continuity.HumanBytes(uint64(i.DBStored+i.NewBytes)), v)
		}
		return tw.Flush()
	case "verify":
		id := ""
		if len(pos) > 0 {
			id = pos[0]
		} else {
			list, err := b.List(ctx)
			if err != nil {
				return err
			}
			if len(list) == 0 {
				return motcua.Errorf(motcua.KindNotFound, continuity.ErrBackupNotFound, "backup", "Chưa có bản sao lưu nào", "no backup yet")
			}
			id = list[0].ID
		}
		rep, err := b.Verify(ctx, id, *full)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(rep)
		}
		fmt.Fprintf(c.out, "Bản %s: %s — %d hồ sơ, %d mục nhật ký, %d/%d tệp đính kèm đã kiểm tra, %.1f s\n",
			rep.ID, okText(rep.OK), rep.Dossiers, rep.AuditEntries, rep.FilesChecked, rep.Files, rep.Seconds)
		for _, p := range rep.Problems {
			fmt.Fprintln(c.out, "  –", p)
		}
		if !rep.OK {
			return motcua.Errorf(motcua.KindInternal, continuity.ErrBackupDamaged, "backup", "Bản sao lưu %s không qua được kiểm tra", "backup %s failed its check", rep.ID)
		}
		return nil
	case "prune":
		removed, err := b.Prune(ctx, b.Config.Keep)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã xoá %d bản sao lưu cũ: %v\n", len(removed), removed)
		return nil
	}
	return usageErr("backup", "Lệnh con «%s» không tồn tại", "unknown subcommand %q", sub)
}

func okText(ok bool) string {
	if ok {
		return "đạt"
	}
	return "KHÔNG ĐẠT"
}

func damagedErr(h *continuity.Health) error {
	return &motcua.Error{Kind: motcua.KindInternal, Code: continuity.ErrDatabaseDamaged, Field: "data", Msg: h.Message,
		MsgEN: "the database is not usable: do not receive on this PC; restore with 'motcua backup list' then 'motcua restore ID' (the damaged file is kept aside)",
		Err:   errors.New(strings.Join(h.Problems, "; "))}
}

// backupKey: motcua backup key show | export FILE.
func (c *cli) backupKey(pos []string) error {
	b, err := c.backupper(nil)
	if err != nil {
		return err
	}
	if len(pos) == 0 || pos[0] == "show" {
		fmt.Fprintf(c.out, "Khoá công khai (age): %s\nKhoá bí mật: %s (giữ kín; xuất ra để cất ngoài máy: motcua backup key export TỆP)\n",
			b.Recipient(), storage.IdentityPath(c.dataDir()))
		if pub, fp, err := b.SignerKey(); err == nil {
			fmt.Fprintf(c.out, "Khoá ký bản sao lưu: %s (dấu vân tay %s — ghi vào phiếu cài đặt)\n", pub, fp)
		}
		return nil
	}
	if pos[0] == "export" && len(pos) == 2 {
		raw, err := storage.ExportIdentity(c.dataDir())
		if err != nil {
			return err
		}
		if err := os.WriteFile(pos[1], raw, 0o600); err != nil {
			return usageErr("file", "Không ghi được %s: %v", "cannot write %s: %v", pos[1], err)
		}
		fmt.Fprintf(c.out, "Đã xuất khoá bí mật ra %s — cất ở nơi an toàn, ngoài máy này (cần khi máy hỏng để khôi phục)\n", pos[1])
		return nil
	}
	return usageErr("key", "Cần «backup key show» hoặc «backup key export TỆP»", "use 'backup key show' or 'backup key export FILE'")
}

func (c *cli) restoreCmd() *cobra.Command {
	cmd := newCmd("restore (ID | --resume)", "Khôi phục cơ sở dữ liệu từ một bản sao lưu (= backup restore) / restore the database from a backup",
		"  motcua backup list\n  motcua restore 20261207-1200-H56-1\n  motcua restore --resume")
	fs := cmd.Flags()
	var identities stringList
	fs.Var(&identities, "identity", "tệp khoá bí mật (age) để mở bản sao lưu, lặp lại được / age identity file to open the backup, repeatable")
	resume := fs.Bool("resume", false, "tiếp tục lần khôi phục bị gián đoạn / resume an interrupted restore")
	asJSON := fs.Bool("json", false, jsonUsage)
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		return c.restore(context.Background(), pos, identities, *resume, *asJSON)
	}
	return cmd
}

func (c *cli) restore(ctx context.Context, pos, identities []string, resume, asJSON bool) error {
	b, err := c.backupper(identities)
	if err != nil {
		return err
	}
	var rep *continuity.RestoreReport
	switch {
	case resume:
		var had bool
		if rep, had, err = storage.ResumeRestore(ctx, b); err == nil && !had {
			fmt.Fprintln(c.out, "Không có lần khôi phục nào bị gián đoạn.")
			return nil
		}
	case len(pos) == 1:
		rep, err = storage.Restore(ctx, storage.RestoreOptions{Backupper: b, ID: pos[0]})
	default:
		return usageErr("backup", "Cần đúng một bản sao lưu: motcua restore TÊN_BẢN (xem motcua backup list)", "give one backup: motcua restore ID (see motcua backup list)")
	}
	if err != nil {
		return err
	}
	if asJSON {
		return c.printJSON(rep)
	}
	for _, g := range rep.Guidance {
		fmt.Fprintln(c.out, g)
	}
	for _, l := range rep.Lost {
		fmt.Fprintf(c.out, "  %s  %s  %s  %s  %s\n", l.Code, motcua.FormatTime(l.ReceivedAt), l.Procedure, l.Applicant,
			map[bool]string{true: "đã gửi lên tỉnh", false: "CHƯA gửi lên tỉnh"}[l.Delivered])
	}
	for _, l := range rep.Changed {
		fmt.Fprintf(c.out, "  %s  %s  %s  %s  nội dung khác bản sao lưu\n", l.Code, motcua.FormatTime(l.ReceivedAt), l.Procedure, l.Applicant)
	}
	fmt.Fprintf(c.out, "Báo cáo khôi phục: %s\n", filepath.Join(rep.AsideDir, "restore-report.json"))
	return nil
}

// check is the startup check on the command line: the database (read-only,
// unchanged), an interrupted restore, the disks, the last backup.
func (c *cli) checkCmd() *cobra.Command {
	cmd := newCmd("check", "Kiểm tra khi khởi động: cơ sở dữ liệu (chỉ đọc), ổ đĩa, bản sao lưu gần nhất / the startup check: database (read-only), disks, last backup",
		"  motcua check\n  motcua check --full --json")
	full := cmd.Flags().Bool("full", false, "kiểm tra toàn bộ tệp (chậm hơn) / check the whole file (slower)")
	asJSON := cmd.Flags().Bool("json", false, jsonUsage)
	cmd.Args = noArgs
	cmd.RunE = func(*cobra.Command, []string) error {
		ctx := context.Background()
		h := storage.CheckDatabase(ctx, c.dataDir(), c.dbPath(), *full, c.now())
		disks := []continuity.DiskStatus{continuity.CheckDisk(storage.DiskUsage, c.dataDir(), "dữ liệu")}
		var last *continuity.BackupInfo
		if b, err := c.backupper(nil); err == nil && b.Config.Dest != "" {
			disks = append(disks, continuity.CheckDisk(storage.DiskUsage, b.Config.Dest, "bản sao lưu"))
			if list, err := b.List(ctx); err == nil && len(list) > 0 {
				last = &list[0]
			}
		}
		if *asJSON {
			if err := c.printJSON(struct {
				Health     *continuity.Health      `json:"database"`
				Disks      []continuity.DiskStatus `json:"disks"`
				LastBackup *continuity.BackupInfo  `json:"last_backup"`
			}{h, disks, last}); err != nil {
				return err
			}
		} else {
			fmt.Fprintf(c.out, "Cơ sở dữ liệu %s: %s (%.2f s)\n", h.DBPath, h.Message, h.Seconds)
			for _, p := range h.Problems {
				fmt.Fprintln(c.out, "  –", p)
			}
			for _, d := range disks {
				fmt.Fprintln(c.out, d.Text)
			}
			if last != nil {
				fmt.Fprintf(c.out, "Bản sao lưu gần nhất: %s (%s)\n", last.ID, motcua.FormatTime(last.Created))
			} else {
				fmt.Fprintln(c.out, "Chưa có bản sao lưu (motcua backup config --dest THƯ_MỤC, rồi motcua backup now)")
			}
		}
		if !h.OK {
			return damagedErr(h)
		}
		return nil
	}
	return cmd
}
