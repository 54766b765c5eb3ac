package cli

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"motcua/app"
	"motcua/scanning/pdfdoc"
)

// Settings keys of the digitisation checks (Decree 137/2024 conversion;
// TT 02/2019/TT-BNV's 200 dpi is the default minimum).
const (
	keyScanMaxMB  = "scan_max_file_mb"
	keyScanMinDPI = "scan_min_dpi"
)

// scanLimits reads the configured limits over pdfdoc's defaults.
func scanLimits(ctx context.Context, st app.SettingsStore) pdfdoc.Limits {
	lim := pdfdoc.DefaultLimits()
	if v, ok, err := st.Setting(ctx, keyScanMaxMB); err == nil && ok {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			lim.MaxFileSize = int64(n) << 20
		}
	}
	if v, ok, err := st.Setting(ctx, keyScanMinDPI); err == nil && ok {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			lim.MinDPI = n
		}
	}
	return lim
}

// scanLimitsCmd: motcua scan-limits [--max-mb N] [--min-dpi N] shows or sets
// the size limit per file and the minimum scan resolution.
func (c *cli) scanLimitsCmd() *cobra.Command {
	cmd := newCmd("scan-limits", "Xem hoặc đặt giới hạn tệp số hóa (mặc định 20 MB, 200 dpi) / show or set the digitisation limits (default 20 MB, 200 dpi)",
		"  motcua scan-limits\n  motcua scan-limits --max-mb 30 --min-dpi 300")
	fs := cmd.Flags()
	maxMB := fs.Int("max-mb", 0, "dung lượng tối đa mỗi tệp, 1–500 MB / largest file, 1–500 MB")
	minDPI := fs.Int("min-dpi", 0, "độ phân giải tối thiểu, 100–600 dpi / lowest resolution, 100–600 dpi")
	cmd.Args = noArgs
	cmd.RunE = func(*cobra.Command, []string) error {
		set := map[string]bool{}
		fs.Visit(func(f *pflag.Flag) { set[f.Name] = true })
		if set["max-mb"] && (*maxMB < 1 || *maxMB > 500) {
			return usageErr("max-mb", "Giới hạn %d MB ngoài khoảng 1–500 MB", "limit %d MB outside 1–500 MB", *maxMB)
		}
		if set["min-dpi"] && (*minDPI < 100 || *minDPI > 600) {
			return usageErr("min-dpi", "Độ phân giải tối thiểu %d dpi ngoài khoảng 100–600 dpi", "minimum %d dpi outside 100–600 dpi", *minDPI)
		}
		svc, err := c.open()
		if err != nil {
			return err
		}
		ctx := context.Background()
		var who app.Actor
		if set["max-mb"] || set["min-dpi"] {
			if who, err = c.actor(); err != nil {
				return err
			}
		}
		if set["max-mb"] {
			if err := svc.SetStationSetting(ctx, who, keyScanMaxMB, strconv.Itoa(*maxMB), "scan.limits",
				fmt.Sprintf("tối đa %d MB/tệp", *maxMB)); err != nil {
				return err
			}
		}
		if set["min-dpi"] {
			if err := svc.SetStationSetting(ctx, who, keyScanMinDPI, strconv.Itoa(*minDPI), "scan.limits",
				fmt.Sprintf("tối thiểu %d dpi", *minDPI)); err != nil {
				return err
			}
		}
		lim := scanLimits(ctx, svc.Store)
		fmt.Fprintf(c.out, "Tệp số hóa: tối đa %d MB/tệp, tối thiểu %d dpi, tối đa %d trang\n", lim.MaxFileSize>>20, lim.MinDPI, lim.MaxPages)
		return nil
	}
	return cmd
}
