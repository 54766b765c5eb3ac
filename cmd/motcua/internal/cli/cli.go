package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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

	"github.com/spf13/cobra"
)

type cli struct {
	noWindow bool // tests: report a damaged database without opening a window
	data     string
	out      io.Writer
	errOut   io.Writer
	store    *storage.Store
	svc      *app.Service
	clock    motcua.Clock // the program's clock (programClock)
	// installing: `init` runs, as this actor (its --province-url step is
	// `province set` done by the same actor, without a session on a new
	// station).
	installing *app.Actor
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
		switch e.Kind {
		case motcua.KindInternal:
			return ExitFailure
		case motcua.KindNotFound:
			return ExitNotFound
		}
		return ExitUsage
	}
	fmt.Fprintln(c.errOut, "lỗi:", err)
	return ExitFailure
}

func usageErr(field, vi, en string, args ...any) error {
	return motcua.Invalid("ERR_USAGE", field, vi, en, args...)
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

func (c *cli) printJSON(v any) error {
	enc := json.NewEncoder(c.out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// Usage texts of the flags several commands share.
const (
	jsonUsage    = "in JSON (giữ mã số trạng thái) / print JSON (keeps the status codes)"
	officerUsage = "tài khoản cán bộ ký phiếu (mặc định tài khoản đã đăng nhập, «motcua signin») / the officer's account that signs the form (default the signed-in one, 'motcua signin')"
)

func (c *cli) initCmd() *cobra.Command {
	cmd := newCmd("init --agency-id ID --agency-name NAME --station K/N",
		"Khởi tạo trạm: cơ quan và số máy / set up the station: agency and station number",
		`  motcua init --agency-id 000.00.06.H56 --agency-name "UBND xã Quảng Phú" --station 1/2
  motcua init --agency-id 000.00.06.H56 --agency-name "UBND xã Quảng Phú" --station 1/1 \
      --province-url https://motcua.tinh.gov.vn --province-user xaqp --province-password-file pw.txt`)
	fs := cmd.Flags()
	id := fs.String("agency-id", "", "mã định danh cơ quan (ví dụ 000.00.06.H56) / agency identifier")
	name := fs.String("agency-name", "", "tên cơ quan, in trên phiếu / agency name, printed on the forms")
	station := fs.String("station", "1/1", "máy thứ K trong N máy của xã / station K of N")
	provURL := fs.String("province-url", "", "địa chỉ hệ thống một cửa tỉnh (như «province set --url») / provincial system URL")
	provUser := fs.String("province-user", "", "tài khoản của xã tại tỉnh / the commune's account at the province")
	provPw := fs.String("province-password-file", "", "tệp chứa mật khẩu tỉnh («-»: đầu vào chuẩn) / file holding the province password ('-': stdin)")
	provCA := fs.String("ca", "", "chứng chỉ CA riêng của tỉnh (PEM) / the province's private CA certificate (PEM)")
	cmd.Args = noArgs
	cmd.RunE = func(*cobra.Command, []string) error {
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
		who := app.OperatorActor("installer")
		if _, err := svc.Identity(context.Background()); err == nil { // set up already: a station setting
			if who, err = c.installerOrSignedIn(); err != nil {
				return err
			}
		}
		c.installing = &who
		if err := svc.InitAs(context.Background(), app.Station{AgencyID: *id, AgencyName: *name, Station: st}, who); err != nil {
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
		set := c.provinceSetCmd()
		pargs := []string{"--url", *provURL, "--user", *provUser, "--password-file", *provPw}
		if *provCA != "" {
			pargs = append(pargs, "--ca", *provCA)
		}
		if err := set.ParseFlags(pargs); err != nil {
			return usageErr("province-url", "Tham số không hợp lệ: %v", "invalid flags: %v", err)
		}
		return set.RunE(set, nil)
	}
	return cmd
}

func (c *cli) intakeCmd() *cobra.Command {
	cmd := newCmd("intake --procedure CODE (--cccd LINE | --name NAME --id-number NUM)",
		"Tiếp nhận một hồ sơ, in mã hồ sơ và ngày hẹn trả / receive a dossier, print its code and due date",
		`  motcua intake --procedure 2.001035 --name "Nguyễn Văn An" --id-number 001190123456 --dob 01/01/1990
  motcua intake --procedure 2.001035 --cccd "$(cat cccd.txt)" --phone "0912 345 678" --json
  motcua intake --procedure 2.001035 --name "Lê Thị Hoa" --id-number 001190123457 --at 20/11/2026   # nhập lại biên nhận giấy / back-entry`)
	fs := cmd.Flags()
	var req app.IntakeRequest
	fs.StringVar(&req.ProcedureCode, "procedure", "", "mã thủ tục trong danh mục («motcua catalog list») / procedure code from the catalogue")
	fs.StringVar(&req.CCCD, "cccd", "", "dòng đọc từ mã QR của thẻ CCCD / the line read from the CCCD card's QR code")
	fs.StringVar(&req.Applicant.Name, "name", "", "họ tên người nộp / applicant's full name")
	fs.StringVar(&req.Applicant.IDNumber, "id-number", "", "số CCCD/CMND (12 hoặc 9 chữ số) / ID card number (12 or 9 digits)")
	dob := fs.String("dob", "", "ngày sinh, "+dateHelp+" / date of birth")
	fs.StringVar(&req.Applicant.Gender, "gender", "", "giới tính (Nam, Nữ) / gender")
	fs.StringVar(&req.Applicant.Phone, "phone", "", "số điện thoại / phone number")
	fs.StringVar(&req.Applicant.Address, "address", "", "địa chỉ / address")
	fs.StringVar(&req.Applicant.Email, "email", "", "thư điện tử / e-mail")
	fs.StringVar(&req.Summary, "summary", "", "trích yếu hồ sơ / summary of the request")
	channel := fs.Int("channel", 1, "kênh nộp: 1 trực tiếp, 2 bưu chính, 3 trực tuyến / channel: 1 in person, 2 post, 3 online")
	at := fs.String("at", "", "thời điểm tiếp nhận (mặc định bây giờ), "+dateHelp+" / received at (default now)")
	refuse := fs.String("refuse", "", "từ chối ngay khi tiếp nhận, với lý do (Mẫu 03; vai trò theo cài đặt của xã) / refuse at receipt, with the reason (form 03; the role the commune's setting names)")
	asJSON := fs.Bool("json", false, jsonUsage)
	fs.BoolVar(&req.StoreConsent, "consent", false,
		"người nộp đồng ý lưu giấy tờ vào kho dữ liệu điện tử (đọc câu hỏi cho người nộp) / the applicant consents to keeping the documents in their store")
	reuse := fs.StringSlice("reuse", nil,
		"dùng lại giấy tờ trong kho cho thành phần: N=MÃ_GIẤY_TỜ (xem «motcua citizen show») / reuse a store document for component N: N=DOC_ID")
	cmd.Args = noArgs
	cmd.RunE = func(_ *cobra.Command, _ []string) error {
		if fs.Changed("refuse") {
			req.Decision, req.Reason = app.DecideRefuse, *refuse
		}
		for _, r := range *reuse {
			n, doc, ok := strings.Cut(r, "=")
			ci, err1 := strconv.Atoi(strings.TrimSpace(n))
			di, err2 := strconv.ParseInt(strings.TrimSpace(doc), 10, 64)
			if !ok || err1 != nil || err2 != nil || ci < 1 || di < 1 {
				return usageErr("reuse", "--reuse «%s» không hợp lệ: cần THÀNH_PHẦN=MÃ_GIẤY_TỜ, ví dụ 4=12", "--reuse %q is invalid: COMPONENT=DOC_ID, e.g. 4=12", r)
			}
			req.Reuse = append(req.Reuse, app.Reuse{Component: ci - 1, Doc: di})
		}
		req.Channel = motcua.Channel(*channel)
		var err error
		if req.At, err = optDate("at", *at); err != nil {
			return err
		}
		if req.DOBText, err = dobText(*dob); err != nil {
			return err
		}
		svc, err := c.open()
		if err != nil {
			return err
		}
		if len(req.Reuse) > 0 && svc.Scans == nil {
			svc.Scans = &app.Scans{Attachments: c.store, Citizens: c.store}
		}
		if req.By, err = c.actor(); err != nil {
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
	return cmd
}

func currentUser() string {
	for _, k := range []string{"MOTCUA_OFFICER", "USER", "USERNAME"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "officer"
}

// normCode is a dossier code as stored: typed in lower case or with
// spaces around, it is the same dossier.
func normCode(code string) string { return strings.ToUpper(strings.TrimSpace(code)) }

// oneCode is the one dossier code a command takes.
func oneCode(name string, pos []string) (string, error) {
	if len(pos) != 1 {
		return "", usageErr("code", "Lệnh «%s» cần đúng một mã hồ sơ", "'%s' takes exactly one dossier code", name)
	}
	return normCode(pos[0]), nil
}

func (c *cli) showCmd() *cobra.Command {
	cmd := newCmd("show CODE", "Xem một hồ sơ và lịch sử xử lý / show a dossier and its history",
		"  motcua show 000.00.06.H56-261120-0001\n  motcua show 000.00.06.h56-261120-0001 --json")
	asJSON := cmd.Flags().Bool("json", false, jsonUsage)
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		code, err := oneCode("show", pos)
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
		if len(v.History) > 0 {
			tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "  LÚC\tVIỆC\tTỪ\tSANG\tNGƯỜI\tLÝ DO / GHI CHÚ")
			for _, h := range v.History {
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", h.At, h.Action, statusName(h.From), statusName(h.To), h.Actor, strings.TrimSpace(h.Reason+" "+h.Note))
			}
			return tw.Flush()
		}
		return nil
	}
	return cmd
}

// statusName is a status's number and name for a table ("" for none).
func statusName(n int) string {
	s := motcua.Status(n)
	if !s.Valid() {
		return "—"
	}
	return fmt.Sprintf("%d %s", n, s.Name())
}

func (c *cli) printList(ds []*motcua.Dossier, asJSON bool) error {
	if asJSON {
		vs := make([]app.DossierView, 0, len(ds))
		for _, d := range ds {
			vs = append(vs, app.View(d))
		}
		return c.printJSON(vs)
	}
	if len(ds) == 0 {
		fmt.Fprintln(c.errOut, "không có hồ sơ nào / no dossier")
		return nil
	}
	tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MÃ HỒ SƠ\tTRẠNG THÁI\tNGƯỜI NỘP\tTHỦ TỤC\tHẸN TRẢ")
	for _, d := range ds {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", d.Code, d.Status.Name(), d.Applicant.Name, d.Procedure.Name, motcua.FormatTime(d.DueAt))
	}
	return tw.Flush()
}

func (c *cli) listCmd() *cobra.Command {
	cmd := newCmd("list", "Liệt kê hồ sơ, mới nhất trước / list dossiers, newest first",
		"  motcua list\n  motcua list --status 4 --limit 20\n  motcua list --json")
	fs := cmd.Flags()
	status := fs.Int("status", 0, "chỉ hồ sơ ở trạng thái N (1–10; 0: mọi trạng thái) / only dossiers in status N (1–10; 0: all)")
	limit := fs.Int("limit", 1000, "số hồ sơ tối đa / at most this many dossiers")
	asJSON := fs.Bool("json", false, jsonUsage)
	cmd.Args = noArgs
	cmd.RunE = func(*cobra.Command, []string) error {
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
	return cmd
}

func (c *cli) searchCmd() *cobra.Command {
	cmd := newCmd("search TEXT", "Tìm hồ sơ theo mã, tên, số giấy tờ / search dossiers by code, name, ID number",
		`  motcua search Nguyễn Thị
  motcua search 001190123456 --json`)
	fs := cmd.Flags()
	asJSON := fs.Bool("json", false, jsonUsage)
	limit := fs.Int("limit", 50, "số hồ sơ tối đa / at most this many dossiers")
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
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
	return cmd
}

// transitionCmd is one of the commands that move a dossier on: refuse,
// supplement, advance, extend, return.
func (c *cli) transitionCmd(name string) *cobra.Command {
	var cmd *cobra.Command
	switch name {
	case "refuse":
		cmd = newCmd("refuse CODE --reason TEXT", "Từ chối tiếp nhận/giải quyết, ghi lý do / refuse a dossier, with the reason",
			`  motcua refuse 000.00.06.H56-261120-0001 --reason "Không thuộc thẩm quyền của xã"`)
	case "supplement":
		cmd = newCmd("supplement CODE --reason TEXT --missing \"ITEM; ITEM\"", "Yêu cầu bổ sung hồ sơ / ask for missing documents",
			`  motcua supplement 000.00.06.H56-261120-0001 --reason "Thiếu giấy tờ" --missing "Bản sao giấy khai sinh; Tờ khai"`)
	case "advance":
		cmd = newCmd("advance CODE --to N", "Chuyển hồ sơ sang trạng thái N / move a dossier to status N",
			"  motcua advance 000.00.06.H56-261120-0001 --to 4\n  motcua advance 000.00.06.H56-261120-0001 --to 10 --reason \"Đã trả kết quả\"")
	case "extend":
		cmd = newCmd("extend CODE --reason TEXT --due DATE", "Gia hạn ngày hẹn trả / extend the due date",
			`  motcua extend 000.00.06.H56-261120-0001 --reason "Chờ xác minh" --due 04/12/2026
  motcua extend 000.00.06.H56-261120-0001 --reason "Chờ xác minh" --due 2026-12-04T16:00:00+07:00`)
	case "return":
		cmd = newCmd("return CODE", "Trả kết quả cho người nộp / hand the result to the applicant",
			`  motcua return 000.00.06.H56-261120-0001 --note "Đã nhận bản chính"`)
	}
	fs := cmd.Flags()
	var reason, missing, due, note *string
	var to *int
	switch name {
	case "refuse", "supplement", "extend":
		reason = fs.String("reason", "", "lý do (bắt buộc) / the reason (required)")
	case "advance":
		reason = fs.String("reason", "", "lý do, ghi vào lịch sử / the reason, kept in the history")
	}
	switch name {
	case "supplement":
		missing = fs.String("missing", "", "giấy tờ còn thiếu, cách nhau bằng «;» / missing documents, separated by ';'")
	case "advance":
		to = fs.Int("to", 0, "trạng thái đích 1–10 (xem README, «Trạng thái») / target status 1–10")
	case "extend":
		due = fs.String("due", "", "ngày hẹn trả mới, "+dateHelp+" (không ghi giờ: 17:00) / the new due date (no time: 17:00)")
	case "return":
		note = fs.String("note", "", "ghi chú khi trả / a note on the hand-over")
	}
	asJSON := fs.Bool("json", false, jsonUsage)
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		code, err := oneCode(name, pos)
		if err != nil {
			return err
		}
		if name == "advance" && *to == 0 {
			return usageErr("to", "Chưa nhập trạng thái đích (--to N, 1–10)", "missing target status (--to N, 1–10)")
		}
		var dueAt time.Time
		if name == "extend" {
			if *due == "" {
				return usageErr("due", "Chưa nhập ngày hẹn mới (--due %s)", "missing new due date (--due %s)", dateHelp)
			}
			if dueAt, err = parseDate("due", *due); err != nil {
				return err
			}
			if t := strings.TrimSpace(*due); !strings.Contains(t, "T") {
				dueAt = dueAt.Add(17 * time.Hour) // a date alone: the end of the working day
			}
		}
		svc, err := c.open()
		if err != nil {
			return err
		}
		by, err := c.actor()
		if err != nil {
			return err
		}
		ctx := context.Background()
		var d *motcua.Dossier
		switch name {
		case "refuse":
			d, err = svc.Refuse(ctx, code, by, *reason)
		case "supplement":
			var items []string
			for _, it := range strings.Split(*missing, ";") {
				if strings.TrimSpace(it) != "" {
					items = append(items, it)
				}
			}
			d, err = svc.RequestSupplement(ctx, code, by, *reason, items)
		case "advance":
			d, err = svc.Advance(ctx, code, by, motcua.Status(*to), *reason)
		case "extend":
			d, err = svc.Extend(ctx, code, by, *reason, dueAt)
		case "return":
			if svc.Scans == nil { // the return looks for a digitised result
				svc.Scans = &app.Scans{Attachments: c.store, Citizens: c.store}
			}
			d, err = svc.Return(ctx, code, by, *note)
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
	return cmd
}

func (c *cli) dueCmd() *cobra.Command {
	cmd := newCmd("due (--days N | --hours N) [--from DATE]",
		"Tính ngày hẹn trả theo ngày làm việc / compute a due date in working time",
		`  motcua due --days 3
  motcua due --from 20/11/2026 --days 2
  motcua due --from 2026-11-20T16:45:00+07:00 --hours 4`)
	fs := cmd.Flags()
	from := fs.String("from", "", "bắt đầu tính (mặc định bây giờ), "+dateHelp+" / start (default now)")
	days := fs.String("days", "", "số ngày làm việc / working days")
	hours := fs.String("hours", "", "số giờ làm việc / working hours")
	cmd.Args = noArgs
	cmd.RunE = func(*cobra.Command, []string) error {
		t := c.now()
		if *from != "" {
			var err error
			if t, err = parseDate("from", *from); err != nil {
				return err
			}
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
	return cmd
}

func (c *cli) calendarCmd() *cobra.Command {
	cmd := newCmd("calendar", "Các ngày nghỉ, nghỉ bù, làm bù của một năm / the days off of a year",
		"  motcua calendar --year 2027\n  motcua calendar --json")
	fs := cmd.Flags()
	year := fs.Int("year", c.now().Year(), "năm (mặc định năm nay) / year (default this year)")
	asJSON := fs.Bool("json", false, jsonUsage)
	cmd.Args = noArgs
	cmd.RunE = func(*cobra.Command, []string) error {
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
		fmt.Fprintln(tw, "NGÀY\tLOẠI\tTÊN")
		for _, d := range days {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", d.Date, kindWord(d.Kind), d.Name)
		}
		return tw.Flush()
	}
	return cmd
}

// readOneFile reads the one file a command takes as its argument; vi and
// en say what file is wanted when pos is not exactly one name.
func readOneFile(pos []string, vi, en string) ([]byte, error) {
	if len(pos) != 1 {
		return nil, usageErr("file", "%[1]s", "%[2]s", vi, en)
	}
	return app.ReadImportFile(pos[0]) // through a size limit: /dev/zero must not exhaust memory
}

// oneFile serves the commands that take exactly one file: it reads the
// file and opens the station's service. vi and en say what file is wanted.
func (c *cli) oneFile(pos []string, vi, en string) ([]byte, *app.Service, error) {
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

func (c *cli) catalogCmd() *cobra.Command {
	cmd := newCmd("catalog", "Danh mục thủ tục hành chính / the procedure catalogue", "")
	cmd.RunE = needSub
	list := newCmd("list", "Liệt kê các thủ tục / list the procedures", "  motcua catalog list\n  motcua catalog list --json")
	asJSON := list.Flags().Bool("json", false, jsonUsage)
	list.Args = noArgs
	list.RunE = func(*cobra.Command, []string) error {
		svc, err := c.open()
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(svc.Catalog.Procedures)
		}
		tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "MÃ\tLĨNH VỰC\tTÊN THỦ TỤC\tTHỜI HẠN")
		for _, p := range svc.Catalog.Procedures {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%g ngày\n", p.Code, p.Field, p.Name, p.ProcessingDays)
		}
		return tw.Flush()
	}
	imp := newCmd("import FILE", "Nhập danh mục từ tệp JSON / import a catalogue JSON file", "  motcua catalog import danh-muc-2027.json")
	imp.RunE = func(_ *cobra.Command, pos []string) error {
		raw, svc, err := c.oneFile(pos, "Cần đúng một tệp JSON danh mục", "give exactly one catalogue JSON file")
		if err != nil {
			return err
		}
		who, err := c.actor()
		if err != nil {
			return err
		}
		cat, err := svc.ImportCatalog(context.Background(), raw, who)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã nhập %d thủ tục (phiên bản %s)\n", len(cat.Procedures), cat.Version)
		return nil
	}
	cmd.AddCommand(list, imp)
	return cmd
}

func (c *cli) auditCmd() *cobra.Command {
	cmd := newCmd("audit", "Nhật ký kiểm tra / the audit log", "")
	cmd.RunE = needSub
	verify := newCmd("verify", "Kiểm tra chuỗi băm của nhật ký / verify the audit log's hash chain", "  motcua audit verify")
	verify.Args = noArgs
	verify.RunE = func(*cobra.Command, []string) error {
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
	cmd.AddCommand(verify)
	return cmd
}
