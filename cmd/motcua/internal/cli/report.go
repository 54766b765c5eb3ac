package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"motcua/app/reports"
	"motcua/storage"
)

// reportService is the reports use case on the station's store, calendar
// and clock, with the agency printed on the exports.
func (c *cli) reportService(ctx context.Context) (*reports.Service, error) {
	svc, err := c.open()
	if err != nil {
		return nil, err
	}
	rs := reports.New(storage.ReportSource{S: c.store}, svc.Calendar, c.clock)
	if id, err := svc.Identity(ctx); err == nil {
		rs.Agency, rs.AgencyID = id.AgencyName, id.AgencyID
	}
	return rs, nil
}

// reportCmd writes the periodic report (statistics, indicators, the board).
func (c *cli) reportCmd() *cobra.Command {
	cmd := newCmd("report --from DATE --to DATE [-o FILE]",
		"Báo cáo định kỳ: thống kê, chỉ số và bảng hạn (PDF, XLSX, JSON) / the periodic report: statistics, indicators and the deadline board",
		`  motcua report --from 01/11/2026 --to 30/11/2026                 # → bao-cao-20261101-20261130.pdf
  motcua report --from 2026-10-01 --to 2026-12-31 -o quy-4.xlsx
  motcua report --from 01/11/2026 --to 30/11/2026 --format json -o -   # JSON ra màn hình / to stdout`)
	fs := cmd.Flags()
	from := fs.String("from", "", "ngày đầu kỳ, "+dateHelp+" / first day of the period")
	to := fs.String("to", "", "ngày cuối kỳ (tính cả ngày này), "+dateHelp+" / last day of the period (included)")
	format := fs.String("format", "", "pdf, xlsx hoặc json (mặc định theo phần mở rộng của -o, rồi pdf) / pdf, xlsx or json (default: from -o's extension, else pdf)")
	out := fs.StringP("out", "o", "", "tệp kết quả; «-» là màn hình (chỉ json) / output file; '-' is stdout (json only)")
	cmd.Args = noArgs
	cmd.RunE = func(*cobra.Command, []string) error {
		if *from == "" || *to == "" {
			return usageErr("from", "Cần --from NGÀY và --to NGÀY (%s)", "give --from DATE and --to DATE (%s)", dateHelp)
		}
		f, err := parseDay("from", *from)
		if err != nil {
			return err
		}
		t, err := parseDay("to", *to)
		if err != nil {
			return err
		}
		p, err := reports.Days(f, t)
		if err != nil {
			return err
		}
		ctx := context.Background()
		rs, err := c.reportService(ctx)
		if err != nil {
			return err
		}
		r, err := rs.Statistics(ctx, p)
		if err != nil {
			return err
		}
		b, err := rs.Board(ctx)
		if err != nil {
			return err
		}
		if *out == "-" {
			if *format != "" && strings.ToLower(*format) != reports.FormatJSON {
				return usageErr("format", "Chỉ JSON in ra màn hình được; PDF và XLSX cần -o TỆP", "only JSON goes to stdout; PDF and XLSX need -o FILE")
			}
			return reports.Export(c.out, reports.FormatJSON, r, b)
		}
		path := *out
		if path == "" {
			ext := strings.ToLower(*format)
			if ext == "" {
				ext = reports.FormatPDF
			}
			path = "bao-cao-" + f.Format("20060102") + "-" + t.Format("20060102") + "." + ext
		}
		kind, err := reports.FormatOf(*format, path)
		if err != nil {
			return err
		}
		if err := reports.ExportFile(path, kind, r, b); err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã ghi báo cáo %s – %s: %s / report written\n", f.Format("02/01/2006"), t.Format("02/01/2006"), path)
		return nil
	}
	return cmd
}

// boardCmd prints the deadline board: due today, due soon, late, waiting
// for supplement, extended.
func (c *cli) boardCmd() *cobra.Command {
	cmd := newCmd("board [--json]",
		"Bảng theo dõi hạn: đến hạn hôm nay, sắp đến hạn, quá hạn, chờ bổ sung, gia hạn / the deadline board",
		`  motcua board
  motcua board --json`)
	asJSON := cmd.Flags().Bool("json", false, "in JSON / print JSON")
	cmd.Args = noArgs
	cmd.RunE = func(*cobra.Command, []string) error {
		ctx := context.Background()
		rs, err := c.reportService(ctx)
		if err != nil {
			return err
		}
		b, err := rs.Board(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return reports.Export(c.out, reports.FormatJSON, nil, b)
		}
		return reports.WriteBoardText(c.out, b)
	}
	return cmd
}
