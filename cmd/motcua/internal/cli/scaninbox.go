package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"motcua/app"
	"motcua/app/ui"
	"motcua/scanning/pdfrender"
	"motcua/scanning/qrdecode"
	"motcua/scanning/qrsign"
)

// scanInboxCmd: motcua scan-inbox [show | set DIR | off] — the folder the
// office scanner's "scan to folder" writes into, which the window watches.
func (c *cli) scanInboxCmd() *cobra.Command {
	fs := pflag.NewFlagSet("scan-inbox", pflag.ContinueOnError)
	return group("scan-inbox", "Thư mục máy quét lưu bản quét (mặc định: show) / the scanner's scan-to-folder inbox (default: show)", "show", fs,
		c.scanInbox,
		subSpec{"show", "Thư mục đang đặt / the folder set", "  motcua scan-inbox", ""},
		subSpec{"set DIR", "Đặt thư mục máy quét ghi vào / set the folder the scanner writes to", `  motcua scan-inbox set D:\\MayQuet`, ""},
		subSpec{"off", "Thôi theo dõi thư mục / stop watching a folder", "  motcua scan-inbox off", ""},
	)
}

func (c *cli) scanInbox(sub string, args []string) error {
	svc, err := c.open()
	if err != nil {
		return err
	}
	ctx := context.Background()
	switch sub {
	case "show":
	case "set":
		if len(args) != 1 {
			return usageErr("dir", "Dùng: motcua scan-inbox set THƯ_MỤC", "usage: motcua scan-inbox set DIR")
		}
		dir, err := filepath.Abs(args[0])
		if err != nil {
			return usageErr("dir", "Đường dẫn «%s» không hợp lệ", "bad path %q", args[0])
		}
		who, err := c.actor()
		if err != nil {
			return err
		}
		if err := svc.SetScanInboxDir(ctx, dir, who); err != nil {
			return err
		}
	case "off":
		who, err := c.actor()
		if err != nil {
			return err
		}
		if err := svc.SetScanInboxDir(ctx, "", who); err != nil {
			return err
		}
	}
	dir, err := svc.ScanInboxDir(ctx)
	if err != nil {
		return err
	}
	if dir == "" {
		fmt.Fprintln(c.out, "Hộp thư máy quét: chưa đặt (scan inbox: not set)")
		return nil
	}
	fmt.Fprintf(c.out, "Hộp thư máy quét (scan inbox): %s\nBản quét đã đính kèm chuyển sang (attached scans go to): %s\n",
		dir, filepath.Join(dir, "processed"))
	return nil
}

// startInbox watches the station's scan-inbox folder for the window; a
// folder that cannot be watched is said on stderr and in Settings, and the
// window opens anyway.
func (c *cli) startInbox(svc *app.Service, keys *app.Keys) *ui.ScanInbox {
	inb := ui.NewScanInbox(svc)
	inb.FindDossier = receiptDossier(keys)
	if dir, err := svc.ScanInboxDir(context.Background()); err == nil && dir != "" {
		if err := inb.Start(dir); err != nil {
			fmt.Fprintln(c.errOut, "hộp thư máy quét không theo dõi được:", err)
		}
	}
	return inb
}

// receiptDossier reads the QR codes on a scan and returns the dossier code
// of the first one signed by a key of this commune: a scanned receipt
// (or a page digitised here) says which dossier the scan belongs to.
func receiptDossier(keys *app.Keys) func(ctx context.Context, path string) string {
	if keys == nil {
		return nil
	}
	return func(ctx context.Context, path string) string {
		ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		var rs []qrdecode.Result
		var err error
		if strings.EqualFold(filepath.Ext(path), ".pdf") {
			rs, err = pdfrender.DecodeQRFile(ctx, path, 200)
		} else {
			rs, err = qrdecode.DecodeFile(path)
		}
		if err != nil {
			return ""
		}
		for _, r := range rs {
			if p, res := qrsign.Verify(r.Text, keys.Ring); res == qrsign.Valid {
				return p.Code
			}
		}
		return ""
	}
}
