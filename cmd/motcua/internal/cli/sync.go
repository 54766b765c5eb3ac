package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"motcua"
	"motcua/app"
	"motcua/app/syncing"
)

// runner builds the sync engine on the station's database.
func (c *cli) runner(opts syncing.Options) (*syncing.Runner, error) {
	if _, err := c.open(); err != nil {
		return nil, err
	}
	opts.DataDir = c.data
	opts.Clock = c.clock
	if f := c.attachmentFiles(); f != nil && opts.Files == nil {
		opts.Files = f
	}
	if opts.Actor == "" {
		opts.Actor = currentUser()
	}
	return syncing.New(context.Background(), c.store, c.store.Queue(), opts)
}

// startSync runs the sync engine behind the window: svc.Sync reports to
// the status bar and the continuity plan, and every dossier the window
// writes wakes it. Without a province it runs unconfigured (the queue
// and its counts are still shown). The returned function stops it.
func (c *cli) startSync(svc *app.Service) (stop func()) {
	r, err := c.runner(syncing.Options{Logger: slog.New(slog.NewTextHandler(c.errOut, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		fmt.Fprintln(c.errOut, "đồng bộ với tỉnh không chạy:", err)
		return func() {}
	}
	if err := r.ConfigErr(); err != nil {
		fmt.Fprintln(c.errOut, "cấu hình hệ thống tỉnh không dùng được:", motcua.ErrorMessage(err))
	}
	svc.Store = r.Watch(svc.Store)
	svc.Sync = r
	r.Start(context.Background())
	return r.Stop
}

func interrupted() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// provinceCmd: province set | show | clear.
func (c *cli) provinceCmd() *cobra.Command {
	cmd := newCmd("province", "Kết nối tới hệ thống một cửa tỉnh (chưa cấu hình = ngoại tuyến, hồ sơ xếp hàng) / the provincial system connection (none = offline, dossiers queue)", "")
	cmd.RunE = needSub
	show := newCmd("show", "Xem cấu hình (không in mật khẩu) / show the configuration (never the password)", "  motcua province show --json")
	asJSON := show.Flags().Bool("json", false, jsonUsage)
	show.Args = noArgs
	show.RunE = func(*cobra.Command, []string) error { return c.provinceShow(*asJSON) }
	clear := newCmd("clear", "Bỏ cấu hình: làm việc ngoại tuyến / forget the configuration: work offline", "  motcua province clear")
	clear.Args = noArgs
	clear.RunE = func(*cobra.Command, []string) error {
		if _, err := c.open(); err != nil {
			return err
		}
		empty := ""
		who, err := c.actor()
		if err != nil {
			return err
		}
		if _, err := syncing.SaveConfig(context.Background(), c.store, syncing.Change{URL: &empty, User: &empty, Password: &empty},
			who); err != nil {
			return err
		}
		fmt.Fprintln(c.out, "Đã bỏ cấu hình hệ thống tỉnh: máy làm việc ngoại tuyến, hồ sơ tiếp tục được xếp hàng chờ gửi")
		return nil
	}
	cmd.AddCommand(c.provinceSetCmd(), show, clear)
	return cmd
}

func (c *cli) provinceSetCmd() *cobra.Command {
	cmd := newCmd("set", "Đặt địa chỉ, tài khoản, mật khẩu, chứng chỉ của hệ thống tỉnh / set the provincial system's URL, account, password, certificate",
		`  motcua province set --url https://motcua.tinh.gov.vn --user xaqp --password-file pw.txt
  echo "$MATKHAU" | motcua province set --password-file -
  motcua province set --interval 10m --ca ca-tinh.pem`)
	fs := cmd.Flags()
	var ch syncing.Change
	set := map[string]bool{}
	rawURL := fs.String("url", "", "địa chỉ hệ thống tỉnh (https://…) / the provincial system's URL")
	user := fs.String("user", "", "tài khoản của xã / the commune's account")
	pwFile := fs.String("password-file", "", "tệp chứa mật khẩu («-»: đầu vào chuẩn; không bao giờ ghi mật khẩu trên dòng lệnh) / file holding the password ('-': stdin)")
	caFile := fs.String("ca", "", "chứng chỉ CA riêng của tỉnh (PEM) / the province's private CA certificate (PEM)")
	noCA := fs.Bool("no-ca", false, "bỏ chứng chỉ CA riêng / forget the private CA certificate")
	interval := fs.String("interval", "", "chu kỳ tra cứu trạng thái (ví dụ 5m, 1h) / status poll interval (e.g. 5m, 1h)")
	bundleKey := fs.String("bundle-key", "", "khóa nhận gói USB của tỉnh (hex) / the province's USB bundle key (hex)")
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		var err error
		if len(pos) > 0 {
			return usageErr("province", "Tham số thừa «%s»", "unexpected argument %q", pos[0])
		}
		fs.Visit(func(f *pflag.Flag) { set[f.Name] = true })
		delete(set, "data") // the global flag
		if len(set) == 0 {
			return usageErr("url", "Cần ít nhất một trong --url, --user, --password-file, --ca, --no-ca, --interval, --bundle-key",
				"give at least one of --url, --user, --password-file, --ca, --no-ca, --interval, --bundle-key")
		}
		if set["url"] {
			ch.URL = rawURL
		}
		if set["user"] {
			ch.User = user
		}
		if set["password-file"] {
			// From a file (or stdin with "-"), never from the command line,
			// where other users of the PC could read it in the process list.
			var b []byte
			if *pwFile == "-" {
				b, err = io.ReadAll(io.LimitReader(os.Stdin, 4096))
			} else {
				b, err = os.ReadFile(*pwFile)
			}
			if err != nil {
				return usageErr("password", "Không đọc được tệp mật khẩu «%s»: %v", "cannot read the password file %q: %v", *pwFile, err)
			}
			pw := strings.TrimRight(string(b), "\r\n")
			ch.Password = &pw
		}
		switch {
		case set["ca"] && *noCA:
			return usageErr("ca", "Chỉ dùng một trong --ca FILE và --no-ca", "use only one of --ca FILE and --no-ca")
		case set["ca"]:
			b, err := os.ReadFile(*caFile)
			if err != nil {
				return usageErr("ca", "Không đọc được tệp chứng chỉ «%s»: %v", "cannot read the certificate file %q: %v", *caFile, err)
			}
			ch.CAPEM = &b
		case *noCA:
			ch.CAPEM = &[]byte{}
		}
		if set["interval"] {
			d, err := time.ParseDuration(*interval)
			if err != nil {
				return usageErr("interval", "Chu kỳ «%s» không hợp lệ (ví dụ 5m, 1h)", "interval %q is invalid (e.g. 5m, 1h)", *interval)
			}
			ch.Interval = &d
		}
		if set["bundle-key"] {
			ch.BundleKey = bundleKey
		}
		if _, err := c.open(); err != nil {
			return err
		}
		var who app.Actor
		if c.installing != nil {
			who = *c.installing
		} else if who, err = c.actor(); err != nil {
			return err
		}
		cfg, err := syncing.SaveConfig(context.Background(), c.store, ch, who)
		if err != nil {
			return err
		}
		if u, err := url.Parse(cfg.URL); err == nil && u.Scheme == "http" && !isLoopback(u.Hostname()) {
			fmt.Fprintln(c.errOut, "cảnh báo: địa chỉ http:// không mã hóa — mật khẩu và hồ sơ đi qua mạng ở dạng đọc được; hãy dùng https://")
		}
		fmt.Fprintln(c.out, "Đã lưu cấu hình hệ thống một cửa tỉnh (mật khẩu không được in ra).")
		return c.provinceShow(false)
	}
	return cmd
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

type provinceView struct {
	Configured  bool              `json:"configured"`
	URL         string            `json:"url"`
	User        string            `json:"user"`
	PasswordSet bool              `json:"password_set"`
	CA          string            `json:"ca"`
	Interval    string            `json:"interval"`
	BundleKey   string            `json:"bundle_key"`
	StationKeys *syncing.Keys     `json:"station_keys"`
	Trusted     map[string]string `json:"trusted_stations"`
}

func (c *cli) provinceShow(asJSON bool) error {
	if _, err := c.open(); err != nil {
		return err
	}
	ctx := context.Background()
	cfg, err := syncing.LoadConfig(ctx, c.store)
	if err != nil {
		return err
	}
	v := provinceView{Configured: cfg.Configured(), URL: cfg.URL, User: cfg.User, PasswordSet: cfg.Password != "",
		CA: syncing.CASummary(cfg.CAPEM), Interval: cfg.Interval.String(), BundleKey: cfg.BundleKey}
	if k, ok, err := syncing.StoredKeys(ctx, c.store); err != nil {
		return err
	} else if ok {
		v.StationKeys = &k
	}
	if v.Trusted, err = syncing.Trusted(ctx, c.store); err != nil {
		return err
	}
	if asJSON {
		return c.printJSON(v)
	}
	orNone := func(s, none string) string {
		if s == "" {
			return none
		}
		return s
	}
	if !v.Configured {
		fmt.Fprintln(c.out, "Chưa cấu hình hệ thống một cửa tỉnh: máy làm việc ngoại tuyến, hồ sơ được xếp hàng chờ gửi.")
	}
	pw := "(chưa có)"
	if v.PasswordSet {
		pw = "(đã lưu, không hiển thị)"
	}
	tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Địa chỉ hệ thống tỉnh:\t%s\n", orNone(v.URL, "(chưa có)"))
	fmt.Fprintf(tw, "Tài khoản:\t%s\n", orNone(v.User, "(chưa có)"))
	fmt.Fprintf(tw, "Mật khẩu:\t%s\n", pw)
	fmt.Fprintf(tw, "Chứng chỉ CA riêng:\t%s\n", v.CA)
	fmt.Fprintf(tw, "Chu kỳ tra cứu trạng thái:\t%s\n", v.Interval)
	fmt.Fprintf(tw, "Khóa nhận gói USB của tỉnh:\t%s\n", orNone(v.BundleKey, "(chưa có — «province set --bundle-key HEX»)"))
	if v.StationKeys != nil {
		fmt.Fprintf(tw, "Khóa ký gói USB của máy này:\t%s\n", v.StationKeys.Sign)
		fmt.Fprintf(tw, "Khóa nhận gói USB của máy này:\t%s\n", v.StationKeys.Box)
	} else {
		fmt.Fprintf(tw, "Khóa gói USB của máy này:\t(chưa tạo — «motcua bundle keys»)\n")
	}
	for st, k := range v.Trusted {
		fmt.Fprintf(tw, "Nhận gói của máy %s:\t%s\n", st, k)
	}
	return tw.Flush()
}

// syncCmd: sync [--json] | sync --watch | sync pause [--reason T] | sync resume.
func (c *cli) syncCmd() *cobra.Command {
	cmd := newCmd("sync", "Gửi hàng đợi lên tỉnh và nhận thay đổi, một lần (thoát 1 nếu không tới được tỉnh) / one pass: send the queue, pull changes (exit 1 if unreachable)",
		"  motcua sync\n  motcua sync --json\n  motcua sync --watch        # tới khi Ctrl+C / until interrupted")
	watch := cmd.Flags().Bool("watch", false, "chạy liên tục tới khi Ctrl+C / run until interrupted")
	asJSON := cmd.Flags().Bool("json", false, jsonUsage)
	cmd.AddCommand(c.syncPauseCmd(), c.syncResumeCmd())
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		if len(pos) > 0 {
			return needSub(cmd, pos)
		}
		ctx, stop := interrupted()
		defer stop()
		if *watch {
			return c.syncWatch(ctx)
		}
		r, err := c.runner(syncing.Options{})
		if err != nil {
			return err
		}
		rep, err := r.SyncOnce(ctx)
		if !r.Configured() {
			return err
		}
		if *asJSON {
			if perr := c.printJSON(rep); perr != nil {
				return perr
			}
		} else {
			c.printReport(rep, r.Config().URL)
		}
		return err
	}
	return cmd
}

func (c *cli) printReport(rep syncing.Report, url string) {
	if rep.Status.Paused { // the error that follows says why and how to resume
		fmt.Fprintf(c.out, "Hàng đợi: %d chờ gửi, %d bị cách ly.\n", rep.Status.Pending, rep.Status.Quarantined)
		return
	}
	fmt.Fprintf(c.out, "Hệ thống tỉnh %s: %s\n", url, stateName(rep.State))
	byDossier := map[string][]string{}
	var order []string
	for _, d := range rep.Delivered {
		if byDossier[d.Dossier] == nil {
			order = append(order, d.Dossier)
		}
		byDossier[d.Dossier] = append(byDossier[d.Dossier], "#"+strconv.FormatInt(d.ID, 10))
	}
	if len(order) > 0 {
		fmt.Fprintf(c.out, "Đã gửi %d hồ sơ (%d thông điệp; tỉnh đã có từ trước %d):\n", len(order), len(rep.Delivered), rep.Duplicates)
		for _, code := range order {
			fmt.Fprintf(c.out, "  %s  %s\n", code, strings.Join(byDossier[code], " "))
		}
	} else if len(rep.Quarantined) == 0 && rep.Retrying == 0 && rep.Status.Pending == 0 {
		fmt.Fprintln(c.out, "Không có hồ sơ mới để gửi.")
	}
	if len(rep.Quarantined) > 0 {
		fmt.Fprintf(c.out, "Tỉnh từ chối %d thông điệp (đã cách ly; sửa rồi «motcua outbox retry ID»):\n", len(rep.Quarantined))
		for _, q := range rep.Quarantined {
			fmt.Fprintf(c.out, "  #%d %s: %s\n", q.ID, q.Dossier, q.Reason)
		}
	}
	if rep.Retrying > 0 {
		fmt.Fprintf(c.out, "Chưa gửi được %d thông điệp, sẽ gửi lại sau.\n", rep.Retrying)
	}
	if len(rep.Pulled) > 0 {
		fmt.Fprintf(c.out, "Nhận từ tỉnh %d thay đổi, %d cập nhật hồ sơ trên máy:\n", len(rep.Pulled), rep.Applied)
		for _, p := range rep.Pulled {
			line := fmt.Sprintf("  %s  %s → %s", p.Dossier, p.Kind, p.Status)
			if p.Due != "" && p.Kind == "gia_han" {
				line += ", hẹn trả " + p.Due
			}
			if p.Note != "" {
				line += " (" + p.Note + ")"
			}
			fmt.Fprintln(c.out, line)
		}
	}
	fmt.Fprintf(c.out, "Hàng đợi: %d chờ gửi, %d bị cách ly.\n", rep.Status.Pending, rep.Status.Quarantined)
}

func stateName(s app.ConnState) string {
	switch s {
	case app.ConnOnline:
		return "đã kết nối"
	case app.ConnRetrying:
		return "kết nối được nhưng gửi đang lỗi, sẽ thử lại"
	case app.ConnOffline:
		return "mất kết nối"
	case app.ConnCaptive:
		return "mạng cần đăng nhập (Wi-Fi/proxy), chưa tới được tỉnh"
	case app.ConnUnconfigured:
		return "chưa cấu hình"
	}
	return string(s)
}

// syncPause: sync pause [--reason TEXT]. The pause is kept in the station's
// database, so the window's engine honours it too.
func (c *cli) syncPauseCmd() *cobra.Command {
	cmd := newCmd("pause", "Tạm dừng gửi/nhận với tỉnh, cả cửa sổ ứng dụng; vẫn tiếp nhận / pause delivery (the window too); intake goes on",
		`  motcua sync pause --reason "Tỉnh bảo trì hệ thống"`)
	reason := cmd.Flags().String("reason", "", "lý do tạm dừng / why delivery is paused")
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		if len(pos) > 0 {
			return usageErr("sync", "Tham số thừa «%s» (dùng --reason \"…\")", "unexpected argument %q (use --reason \"…\")", pos[0])
		}
		if _, err := c.open(); err != nil {
			return err
		}
		ctx := context.Background()
		who, err := c.actor()
		if err != nil {
			return err
		}
		if err := syncing.PauseAs(ctx, c.store, who, *reason, c.now()); err != nil {
			return err
		}
		p, err := syncing.LoadPause(ctx, c.store)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.out, "Đã tạm dừng gửi hồ sơ lên hệ thống tỉnh (cả cửa sổ ứng dụng trên máy này, trong vài giây).")
		fmt.Fprintln(c.out, p.Text())
		return nil
	}
	return cmd
}

// syncResume: sync resume. A running window sends the backlog within a few
// seconds; `motcua sync` sends it now.
func (c *cli) syncResumeCmd() *cobra.Command {
	cmd := newCmd("resume", "Gửi tiếp hàng đợi / resume delivery", "  motcua sync resume")
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		if len(pos) > 0 {
			return usageErr("sync", "Tham số thừa «%s»", "unexpected argument %q", pos[0])
		}
		if _, err := c.open(); err != nil {
			return err
		}
		who, err := c.actor()
		if err != nil {
			return err
		}
		p, err := syncing.ResumeAs(context.Background(), c.store, who)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã tiếp tục gửi lên hệ thống tỉnh (tạm dừng từ %s, %s). Cửa sổ ứng dụng gửi hàng đợi trong vài giây; gửi ngay: motcua sync\n",
			motcua.FormatTime(p.Since), p.By)
		if p.Drill {
			fmt.Fprintln(c.out, "Lưu ý: đây là mô phỏng mất kết nối của một cuộc diễn tập; diễn tập vẫn chạy cho tới «motcua drill finish SỐ».")
		}
		return nil
	}
	return cmd
}

// printPause says, before a queue listing, that delivery is paused.
func (c *cli) printPause() error {
	p, err := syncing.LoadPause(context.Background(), c.store)
	if err != nil || p == nil {
		return err
	}
	fmt.Fprintln(c.out, p.Text())
	return nil
}

// syncWatch runs the engine until SIGINT/SIGTERM, printing status changes
// and what each step did.
func (c *cli) syncWatch(ctx context.Context) error {
	var mu sync.Mutex // engine goroutines print concurrently
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(c.out, c.now().Format("15:04:05")+" "+format+"\n", args...)
	}
	r, err := c.runner(syncing.Options{OnActivity: func(a syncing.Activity) {
		for _, d := range a.Delivered {
			say("đã gửi #%d %s", d.ID, d.Dossier)
		}
		for _, q := range a.Quarantined {
			say("tỉnh từ chối #%d %s: %s", q.ID, q.Dossier, q.Reason)
		}
		for _, p := range a.Pulled {
			say("từ tỉnh: %s %s → %s %s", p.Change.Code, p.Change.Kind, p.Change.Status, p.Note)
		}
		if a.Err != nil {
			say("lỗi: %v", a.Err)
		}
	}, Logger: slog.New(slog.NewTextHandler(c.errOut, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		return err
	}
	if !r.Configured() {
		if err := r.ConfigErr(); err != nil {
			return err
		}
		return syncing.ErrUnconfigured
	}
	last := ""
	defer r.Subscribe(func(s app.SyncStatus) {
		msg := fmt.Sprintf("%s — %d chờ gửi, %d bị cách ly", stateName(s.State), s.Pending, s.Quarantined)
		if s.LastError != "" {
			msg += " — " + s.LastError
		}
		if msg != last { // a new LastSync alone is not worth a line
			last = msg
			say("%s", msg)
		}
	})()
	say("đồng bộ với %s; Ctrl+C để dừng", r.Config().URL)
	r.Start(ctx)
	<-ctx.Done()
	r.Stop()
	st := r.Status()
	say("đã dừng — %d chờ gửi, %d bị cách ly", st.Pending, st.Quarantined)
	return nil
}

// outboxCmd: outbox [--state S] [--json] | outbox retry ID.
func (c *cli) outboxCmd() *cobra.Command {
	cmd := newCmd("outbox", "Hàng đợi gửi lên tỉnh / the queue to the province",
		"  motcua outbox\n  motcua outbox --state all --json\n  motcua outbox retry 42")
	retry := newCmd("retry ID", "Đưa một thông điệp bị cách ly trở lại hàng đợi / put a quarantined message back in the queue", "  motcua outbox retry 42")
	retry.RunE = func(_ *cobra.Command, pos []string) error {
		if len(pos) != 1 {
			return usageErr("id", "Cần đúng một số thông điệp (cột ID của «motcua outbox»)", "give exactly one message ID (the ID column of 'motcua outbox')")
		}
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil || id <= 0 {
			return usageErr("id", "«%s» không phải số thông điệp", "%q is not a message ID", pos[0])
		}
		r, err := c.runner(syncing.Options{})
		if err != nil {
			return err
		}
		if err := r.Retry(context.Background(), id); err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã đưa thông điệp %d trở lại hàng đợi; nó được gửi ở lần đồng bộ sau (motcua sync).\n", id)
		return nil
	}
	cmd.AddCommand(retry)
	fs := cmd.Flags()
	state := fs.String("state", "pending,sending,quarantined", "trạng thái, cách nhau bằng dấu phẩy: pending, sending, quarantined, acked hoặc all / states, comma-separated, or all")
	limit := fs.Int("limit", 1000, "số thông điệp tối đa / at most this many messages")
	asJSON := fs.Bool("json", false, jsonUsage)
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		if len(pos) > 0 {
			return usageErr("outbox", "Lệnh con «%s» không tồn tại (retry ID)", "unknown subcommand %q (retry ID)", pos[0])
		}
		var states []string
		if *state != "all" {
			for _, s := range strings.Split(*state, ",") {
				switch s = strings.TrimSpace(s); s {
				case "pending", "sending", "acked", "quarantined":
					states = append(states, s)
				default:
					return usageErr("state", "Trạng thái «%s» không tồn tại (pending, sending, acked, quarantined, all)",
						"state %q does not exist (pending, sending, acked, quarantined, all)", s)
				}
			}
		}
		r, err := c.runner(syncing.Options{})
		if err != nil {
			return err
		}
		items, err := r.Items(context.Background(), states, *limit)
		if err != nil {
			return err
		}
		if *asJSON {
			type itemView struct {
				ID        int64  `json:"id"`
				Dossier   string `json:"dossier"`
				Kind      string `json:"kind"`
				State     string `json:"state"`
				Attempts  int    `json:"attempts"`
				LastError string `json:"last_error"`
				CreatedAt string `json:"created_at"`
			}
			vs := make([]itemView, 0, len(items))
			for _, it := range items {
				vs = append(vs, itemView{it.ID, it.DossierCode, it.Kind, it.State, it.Attempts, it.LastError, motcua.FormatTime(it.CreatedAt)})
			}
			return c.printJSON(vs)
		}
		if err := c.printPause(); err != nil {
			return err
		}
		tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tTRẠNG THÁI\tHỒ SƠ\tLẦN GỬI\tLÚC TẠO\tGHI CHÚ")
		for _, it := range items {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%s\t%s\n", it.ID, it.State, it.DossierCode, it.Attempts,
				it.CreatedAt.In(motcua.Location).Format("02/01 15:04"), it.LastError)
		}
		return tw.Flush()
	}
	return cmd
}

// bundleCmd: bundle export FILE [--to KEY] | import FILE | keys | trust.
func (c *cli) bundleCmd() *cobra.Command {
	fs := pflag.NewFlagSet("bundle", pflag.ContinueOnError)
	to := fs.String("to", "", "khóa nhận của máy khác (mặc định: cho tỉnh) / another station's receiving key (default: the province)")
	station := fs.String("station", "", "máy gửi gói, K/N / the sending station, K/N")
	key := fs.String("key", "", "khóa ký của máy gửi gói / the sending station's signing key")
	asJSON := fs.Bool("json", false, jsonUsage)
	renew := fs.Bool("renew", false, "tạo khóa mới (gói cũ ghi cho máy này không mở được nữa) / make new keys (old bundles for this station no longer open)")
	run := func(sub string, pos []string) error { return c.bundle(sub, pos, *to, *station, *key, *asJSON, *renew) }
	return group("bundle", "Gói USB ký và mã hóa, khi không có mạng / signed, encrypted USB bundles, when there is no network", "", fs, run,
		subSpec{"export FILE", "Ghi hàng đợi vào gói USB / write the queue to a USB bundle", "  motcua bundle export E:\\goi-h56-1.mcb", "to"},
		subSpec{"import FILE", "Nhập gói USB của máy khác vào hàng đợi / import another station's bundle into the queue", "  motcua bundle import E:\\goi-h56-2.mcb", ""},
		subSpec{"keys", "Khóa gói USB của máy này / this station's bundle keys", "  motcua bundle keys\n  motcua bundle keys --renew", "renew json"},
		subSpec{"trust --station K/N --key KEY", "Nhận gói do một máy khác ký / accept bundles signed by another station",
			"  motcua bundle trust --station 2/2 --key ed25519:…", "station key"},
	)
}

func (c *cli) bundle(sub string, pos []string, tov, stationv, keyv string, asJSONv, renewv bool) error {
	to, station, key, asJSON, renew := &tov, &stationv, &keyv, &asJSONv, &renewv
	ctx := context.Background()
	file := func() (string, error) {
		if len(pos) != 1 {
			return "", usageErr("file", "Cần đúng một tệp gói USB", "give exactly one bundle file")
		}
		return pos[0], nil
	}
	switch sub {
	case "export":
		path, err := file()
		if err != nil {
			return err
		}
		r, err := c.runner(syncing.Options{})
		if err != nil {
			return err
		}
		n, err := r.ExportBundleTo(ctx, path, *to)
		if err != nil {
			return err
		}
		dest := "hệ thống tỉnh"
		if *to != "" {
			dest = "máy có khóa nhận " + *to
		}
		fmt.Fprintf(c.out, "Đã ghi %d thông điệp vào %s (ký bởi máy này, mã hóa cho %s). Chúng vẫn ở hàng đợi cho tới khi tỉnh xác nhận.\n", n, path, dest)
		return nil
	case "import":
		path, err := file()
		if err != nil {
			return err
		}
		r, err := c.runner(syncing.Options{})
		if err != nil {
			return err
		}
		n, err := r.ImportBundle(ctx, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã nhập %d hồ sơ vào hàng đợi; chúng được gửi lên tỉnh ở lần đồng bộ sau (motcua sync).\n", n)
		return nil
	case "keys":
		if _, err := c.open(); err != nil {
			return err
		}
		var k syncing.Keys
		var err error
		if *renew { // a station setting: the signed-in account, app.PermStation
			var who app.Actor
			if who, err = c.actor(); err != nil {
				return err
			}
			k, err = syncing.RenewKeys(ctx, c.store, who)
		} else { // made on first use, as when a bundle is written
			k, err = syncing.StationKeys(ctx, c.store, "system")
		}
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(k)
		}
		if *renew {
			fmt.Fprintln(c.out, "Đã tạo khóa gói USB mới cho máy này. Gửi khóa ký mới cho tỉnh và các máy nhận gói; gói cũ ghi cho máy này không mở được nữa.")
		}
		fmt.Fprintf(c.out, "Khóa ký (đăng ký với tỉnh và máy nhận gói):  %s\nKhóa nhận (máy khác ghi gói cho máy này): %s\n", k.Sign, k.Box)
		return nil
	case "trust":
		if *station == "" || *key == "" {
			return usageErr("station", "Cần --station K/N và --key KHÓA_KÝ của máy gửi gói", "give --station K/N and --key SIGNING_KEY of the sending station")
		}
		if _, err := c.open(); err != nil {
			return err
		}
		who, err := c.actor()
		if err != nil {
			return err
		}
		if err := syncing.Trust(ctx, c.store, *station, *key, who); err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Máy này nhận gói USB do máy %s ký.\n", *station)
		return nil
	}
	return usageErr("bundle", "Lệnh con «%s» không tồn tại (export, import, keys, trust)", "unknown subcommand %q (export, import, keys, trust)", sub)
}
