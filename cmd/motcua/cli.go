package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"motcua"
	"motcua/app"
	"motcua/assets"
	"motcua/scanning/cccd"
	"motcua/storage"
)

type cli struct {
	noWindow bool // tests: report a damaged database without opening a window
	data     string
	out      io.Writer
	errOut   io.Writer
	store    *storage.Store
	svc      *app.Service
	clock    motcua.Clock // the program's clock (programClock)
}

// now is the program's time, in Vietnam time.
func (c *cli) now() time.Time { return c.clock.Now().In(motcua.Location) }

func (c *cli) close() {
	if c.store != nil {
		c.store.Close()
	}
}

// report prints err and returns the exit code.
func (c *cli) report(err error) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		fmt.Fprintln(c.errOut, ee.msg)
		return ee.code
	}
	if e, ok := motcua.AsError(err); ok {
		msg := e.Msg
		if e.MsgEN != "" {
			msg += "\n  (" + e.MsgEN + ")"
		}
		var pe *cccd.ParseError
		if e.Err != nil && !errors.As(e.Err, &pe) {
			msg += "\n  " + strings.ReplaceAll(e.Err.Error(), "\n", "\n  ")
		}
		if e.Field != "" {
			msg = e.Field + ": " + msg
		}
		fmt.Fprintln(c.errOut, "lỗi:", msg)
		if e.Kind == motcua.KindInternal {
			return 1
		}
		return 2
	}
	fmt.Fprintln(c.errOut, "lỗi:", err)
	return 1
}

func usageErr(field, vi, en string, args ...any) error {
	return motcua.Invalid("ERR_USAGE", field, vi, en, args...)
}

// extractData removes the global --data flag from anywhere in args.
func extractData(args []string) (string, []string) {
	dir := os.Getenv("MOTCUA_DATA")
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--data" || a == "-data":
			if i+1 < len(args) {
				dir = args[i+1]
				i++
			}
		case strings.HasPrefix(a, "--data="):
			dir = strings.TrimPrefix(a, "--data=")
		default:
			rest = append(rest, a)
		}
	}
	return dir, rest
}

// DefaultDataDir is where the database lives when neither --data nor
// MOTCUA_DATA is given: ProgramData on Windows (the counter PC is shared by
// its officers), XDG data home elsewhere.
func DefaultDataDir() string {
	if runtime.GOOS == "windows" {
		if p := os.Getenv("ProgramData"); p != "" {
			return filepath.Join(p, "MotCua")
		}
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "motcua")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "share", "motcua")
	}
	return "motcua-data"
}

// open opens the store and builds the service from the stored (or
// embedded) calendar and catalogue.
func (c *cli) open() (*app.Service, error) {
	if c.svc != nil {
		return c.svc, nil
	}
	if c.data == "" {
		c.data = DefaultDataDir()
	}
	st, err := storage.Open(filepath.Join(c.data, "motcua.db"), storage.WithClock(c.clock))
	if err != nil {
		return nil, err
	}
	c.store = st
	svc, err := buildService(context.Background(), st, c.clock)
	if err != nil {
		return nil, err
	}
	c.svc = svc
	return svc, nil
}

// buildService wires the service with the catalogue and calendar stored in
// the settings, falling back to the embedded seeds.
func buildService(ctx context.Context, st *storage.Store, clock motcua.Clock) (*app.Service, error) {
	catJSON := assets.CatalogJSON
	if v, ok, err := st.Setting(ctx, app.KeyCatalog); err != nil {
		return nil, err
	} else if ok {
		catJSON = []byte(v)
	}
	cat, err := motcua.LoadCatalog(bytes.NewReader(catJSON))
	if err != nil {
		return nil, fmt.Errorf("danh mục thủ tục: %w", err)
	}
	cal, err := app.LoadCalendar(ctx, st)
	if err != nil {
		return nil, err
	}
	svc := app.New(st, cal, cat)
	svc.Clock = clock
	return svc, nil
}

// flags parses a subcommand's flags, allowing positional arguments before,
// between or after them.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageErr(fs.Name(), "Tham số không hợp lệ: %v", "invalid flags: %v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func (c *cli) printJSON(v any) error {
	enc := json.NewEncoder(c.out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func (c *cli) initCmd(args []string) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	id := fs.String("agency-id", "", "")
	name := fs.String("agency-name", "", "")
	station := fs.String("station", "1/1", "")
	provURL := fs.String("province-url", "", "")
	provUser := fs.String("province-user", "", "")
	provPw := fs.String("province-password-file", "", "")
	provCA := fs.String("ca", "", "")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := motcua.ValidateAgencyID(*id); err != nil {
		return err
	}
	st, err := motcua.ParseStation(*station)
	if err != nil {
		return err
	}
	svc, err := c.open()
	if err != nil {
		return err
	}
	if err := svc.Init(context.Background(), app.Station{AgencyID: *id, AgencyName: *name, Station: st}, "installer"); err != nil {
		return err
	}
	fmt.Fprintf(c.out, "Đã khởi tạo %s — %s, máy %s; dữ liệu: %s\n", *id, motcua.Clean(*name), st, c.data)
	if *provURL == "" {
		if *provUser != "" || *provPw != "" || *provCA != "" {
			return usageErr("province-url", "Có thông tin đăng nhập tỉnh nhưng thiếu --province-url", "province credentials given without --province-url")
		}
		return nil
	}
	// The province connection is the same as `motcua province set`.
	pargs := []string{"--url", *provURL, "--user", *provUser, "--password-file", *provPw}
	if *provCA != "" {
		pargs = append(pargs, "--ca", *provCA)
	}
	return c.provinceSet(pargs)
}

func (c *cli) intake(args []string) error {
	fs := flag.NewFlagSet("intake", flag.ContinueOnError)
	var req app.IntakeRequest
	fs.StringVar(&req.ProcedureCode, "procedure", "", "")
	fs.StringVar(&req.CCCD, "cccd", "", "")
	fs.StringVar(&req.Applicant.Name, "name", "", "")
	fs.StringVar(&req.Applicant.IDNumber, "id-number", "", "")
	fs.StringVar(&req.DOBText, "dob", "", "")
	fs.StringVar(&req.Applicant.Gender, "gender", "", "")
	fs.StringVar(&req.Applicant.Phone, "phone", "", "")
	fs.StringVar(&req.Applicant.Address, "address", "", "")
	fs.StringVar(&req.Applicant.Email, "email", "", "")
	fs.StringVar(&req.Summary, "summary", "", "")
	officer := fs.String("officer", "", "")
	channel := fs.Int("channel", 1, "")
	at := fs.String("at", "", "")
	asJSON := fs.Bool("json", false, "")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	req.Channel = motcua.Channel(*channel)
	if *at != "" {
		t, err := motcua.ParseTime("at", *at)
		if err != nil {
			return err
		}
		req.At = t
	}
	if *officer == "" {
		*officer = currentUser()
	}
	req.By = app.OperatorActor(*officer)
	svc, err := c.open()
	if err != nil {
		return err
	}
	d, err := svc.Intake(context.Background(), req)
	if err != nil {
		return err
	}
	if *asJSON {
		return c.printJSON(app.View(d))
	}
	fmt.Fprintf(c.out, "%s\thẹn trả %s\n", d.Code, motcua.FormatTime(d.DueAt))
	return nil
}

func currentUser() string {
	for _, k := range []string{"MOTCUA_OFFICER", "USER", "USERNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "officer"
}

func (c *cli) oneCode(name string, args []string, fs *flag.FlagSet) (string, error) {
	pos, err := parseFlags(fs, args)
	if err != nil {
		return "", err
	}
	if len(pos) != 1 {
		return "", usageErr("code", "Lệnh «%s» cần đúng một mã hồ sơ", "'%s' takes exactly one dossier code", name)
	}
	return pos[0], nil
}

func (c *cli) show(args []string) error {
	fs := flag.NewFlagSet("show", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	code, err := c.oneCode("show", args, fs)
	if err != nil {
		return err
	}
	svc, err := c.open()
	if err != nil {
		return err
	}
	d, err := svc.Store.Get(context.Background(), code)
	if err != nil {
		return err
	}
	if *asJSON {
		return c.printJSON(app.View(d))
	}
	v := app.View(d)
	fmt.Fprintf(c.out, "Mã hồ sơ:     %s\nTrạng thái:   %d — %s\nThủ tục:      %s %s\nNgười nộp:    %s (%s)\nTiếp nhận:    %s\nHẹn trả:      %s\n",
		v.Code, v.StatusCode, v.Status, v.ProcedureCode, v.ProcedureName, v.Applicant.Name, v.Applicant.IDNumber, v.ReceivedAt, v.DueAt)
	for _, h := range v.History {
		fmt.Fprintf(c.out, "  %s  %-10s %d→%d  %s %s %s\n", h.At, h.Action, h.From, h.To, h.Actor, h.Reason, h.Note)
	}
	return nil
}

func (c *cli) printList(ds []*motcua.Dossier, asJSON bool) error {
	if asJSON {
		vs := make([]app.DossierView, 0, len(ds))
		for _, d := range ds {
			vs = append(vs, app.View(d))
		}
		return c.printJSON(vs)
	}
	tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
	for _, d := range ds {
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\n", d.Code, d.Status, d.Applicant.Name, d.Procedure.Name, motcua.FormatTime(d.DueAt))
	}
	return tw.Flush()
}

func (c *cli) list(args []string) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	status := fs.Int("status", 0, "")
	limit := fs.Int("limit", 1000, "")
	asJSON := fs.Bool("json", false, "")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	f := app.ListFilter{Limit: *limit}
	if *status != 0 {
		if !motcua.Status(*status).Valid() {
			return usageErr("status", "Mã trạng thái %d không tồn tại (1–10)", "status %d does not exist (1–10)", *status)
		}
		f.Statuses = []motcua.Status{motcua.Status(*status)}
	}
	svc, err := c.open()
	if err != nil {
		return err
	}
	ds, err := svc.Store.List(context.Background(), f)
	if err != nil {
		return err
	}
	return c.printList(ds, *asJSON)
}

func (c *cli) search(args []string) error {
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	limit := fs.Int("limit", 50, "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	q := strings.Join(pos, " ")
	if strings.TrimSpace(q) == "" {
		return usageErr("text", "Chưa nhập nội dung tìm kiếm", "nothing to search for")
	}
	svc, err := c.open()
	if err != nil {
		return err
	}
	ds, err := svc.Store.Search(context.Background(), q, *limit)
	if err != nil {
		return err
	}
	return c.printList(ds, *asJSON)
}

func (c *cli) transition(cmd string, args []string) error {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	reason := fs.String("reason", "", "")
	missing := fs.String("missing", "", "")
	to := fs.Int("to", 0, "")
	due := fs.String("due", "", "")
	note := fs.String("note", "", "")
	officer := fs.String("officer", currentUser(), "")
	asJSON := fs.Bool("json", false, "")
	code, err := c.oneCode(cmd, args, fs)
	if err != nil {
		return err
	}
	svc, err := c.open()
	if err != nil {
		return err
	}
	ctx := context.Background()
	var d *motcua.Dossier
	switch cmd {
	case "refuse":
		d, err = svc.Refuse(ctx, code, app.OperatorActor(*officer), *reason)
	case "supplement":
		var items []string
		for _, it := range strings.Split(*missing, ";") {
			if strings.TrimSpace(it) != "" {
				items = append(items, it)
			}
		}
		d, err = svc.RequestSupplement(ctx, code, app.OperatorActor(*officer), *reason, items)
	case "advance":
		if *to == 0 {
			return usageErr("to", "Chưa nhập trạng thái đích (--to N, 1–10)", "missing target status (--to N, 1–10)")
		}
		d, err = svc.Advance(ctx, code, app.OperatorActor(*officer), motcua.Status(*to), *reason)
	case "extend":
		if *due == "" {
			return usageErr("due", "Chưa nhập ngày hẹn mới (--due RFC3339)", "missing new due date (--due RFC3339)")
		}
		t, perr := motcua.ParseTime("due", *due)
		if perr != nil {
			return perr
		}
		d, err = svc.Extend(ctx, code, app.OperatorActor(*officer), *reason, t)
	case "return":
		d, err = svc.Return(ctx, code, app.OperatorActor(*officer), *note)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		return c.printJSON(app.View(d))
	}
	fmt.Fprintf(c.out, "%s\t%d — %s\thẹn trả %s\n", d.Code, d.Status, d.Status.Name(), motcua.FormatTime(d.DueAt))
	return nil
}

func (c *cli) due(args []string) error {
	fs := flag.NewFlagSet("due", flag.ContinueOnError)
	from := fs.String("from", "", "")
	days := fs.String("days", "", "")
	hours := fs.String("hours", "", "")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	t, err := motcua.ParseTime("from", *from)
	if err != nil {
		return err
	}
	if (*days == "") == (*hours == "") {
		return usageErr("days", "Cần đúng một trong --days N hoặc --hours N", "give exactly one of --days N or --hours N")
	}
	svc, err := c.open()
	if err != nil {
		return err
	}
	field, val := "days", *days
	if *hours != "" {
		field, val = "hours", *hours
	}
	n, err := strconv.ParseFloat(val, 64)
	if err != nil || n < 0 || n > 3650 {
		return usageErr(field, "«%s» phải là số không âm (tối đa 3650)", "%q must be a non-negative number (at most 3650)", val)
	}
	h := n
	if field == "days" {
		h = n * svc.Calendar.WorkingHoursPerDay().Hours()
	}
	fmt.Fprintln(c.out, motcua.FormatTime(svc.Calendar.AddWorkingHours(t, time.Duration(h*float64(time.Hour)))))
	return nil
}

func (c *cli) calendar(args []string) error {
	fs := flag.NewFlagSet("calendar", flag.ContinueOnError)
	year := fs.Int("year", c.now().Year(), "")
	asJSON := fs.Bool("json", false, "")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *year < 1900 || *year > 2199 {
		return usageErr("year", "Năm %d ngoài khoảng 1900–2199", "year %d outside 1900–2199", *year)
	}
	svc, err := c.open()
	if err != nil {
		return err
	}
	days := svc.Calendar.DaysOff(*year)
	if *asJSON {
		if days == nil {
			days = []motcua.DayOff{}
		}
		return c.printJSON(days)
	}
	tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
	for _, d := range days {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", d.Date, d.Kind, d.Name)
	}
	return tw.Flush()
}

// readOneFile reads the one file a command takes as its argument; vi and
// en say what file is wanted when pos is not exactly one name.
func readOneFile(pos []string, vi, en string) ([]byte, error) {
	if len(pos) != 1 {
		return nil, usageErr("file", "%[1]s", "%[2]s", vi, en)
	}
	return app.ReadImportFile(pos[0]) // through a size limit: /dev/zero must not exhaust memory
}

// oneFile serves the commands that take exactly one file: it parses args
// (no flags), reads the file and opens the station's service. vi and en
// say what file is wanted.
func (c *cli) oneFile(cmd string, args []string, vi, en string) ([]byte, *app.Service, error) {
	pos, err := parseFlags(flag.NewFlagSet(cmd, flag.ContinueOnError), args)
	if err != nil {
		return nil, nil, err
	}
	raw, err := readOneFile(pos, vi, en)
	if err != nil {
		return nil, nil, err
	}
	svc, err := c.open()
	if err != nil {
		return nil, nil, err
	}
	return raw, svc, nil
}

func (c *cli) catalog(args []string) error {
	if len(args) == 0 {
		return usageErr("catalog", "Cần «catalog list» hoặc «catalog import FILE»", "use 'catalog list' or 'catalog import FILE'")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "list":
		fs := flag.NewFlagSet("catalog list", flag.ContinueOnError)
		asJSON := fs.Bool("json", false, "")
		if _, err := parseFlags(fs, args); err != nil {
			return err
		}
		svc, err := c.open()
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(svc.Catalog.Procedures)
		}
		tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
		for _, p := range svc.Catalog.Procedures {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%g ngày\n", p.Code, p.Field, p.Name, p.ProcessingDays)
		}
		return tw.Flush()
	case "import":
		raw, svc, err := c.oneFile("catalog import", args, "Cần đúng một tệp JSON danh mục", "give exactly one catalogue JSON file")
		if err != nil {
			return err
		}
		cat, err := svc.ImportCatalog(context.Background(), raw, currentUser())
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã nhập %d thủ tục (phiên bản %s)\n", len(cat.Procedures), cat.Version)
		return nil
	}
	return usageErr("catalog", "Lệnh con «%s» không tồn tại", "unknown subcommand %q", sub)
}

func (c *cli) audit(args []string) error {
	if len(args) != 1 || args[0] != "verify" {
		return usageErr("audit", "Cần «audit verify»", "use 'audit verify'")
	}
	if _, err := c.open(); err != nil {
		return err
	}
	ctx := context.Background()
	n, err := c.store.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.out, "Nhật ký kiểm tra toàn vẹn: %d mục, chuỗi băm hợp lệ\n", n)
	// A cut tail shows only against an anchor kept outside the database:
	// the newest signed backup's.
	if b, err := c.backupper(nil); err == nil && b.Config.Dest != "" {
		if a, err := b.AuditAnchor(ctx); err == nil && a != nil {
			if err := c.store.CheckAuditAnchor(ctx, *a); err != nil {
				return err
			}
			fmt.Fprintf(c.out, "Khớp với bản sao lưu %s (mục số %d)\n", a.Source, a.Seq)
		} else if err == nil {
			fmt.Fprintln(c.out, "Chưa có bản sao lưu có ký để đối chiếu phần cuối nhật ký")
		} else {
			fmt.Fprintf(c.out, "Không đối chiếu được phần cuối nhật ký với bản sao lưu: %s\n", motcua.ErrorMessage(err))
		}
	}
	return nil
}
