// Command motcua-province is the reference provincial one-stop server: the
// peer for tests, demos and province IT who want to see the protocol the
// counter app speaks. It is a test and demo server, not a provincial
// system.
//
//	motcua-province serve -db province.db -agency 000.00.06.H56 -user xa:matkhau -admin-token T
//	motcua-province user -db province.db NAME PASSWORD
//	motcua-province admin [-url URL] [-token T] COMMAND ...
//
// Exit 0 on success, 2 on invalid input, 1 on other failures.
package main

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"motcua"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"motcua/sync/bundle"
	"motcua/sync/province"
	"motcua/sync/refserver"
)

const usage = `motcua-province — máy chủ một cửa tỉnh tham chiếu (để kiểm thử và trình diễn)

  serve  [-addr 127.0.0.1:8686] -db FILE [-files DIR] -agency ID[,ID…] [-user NAME:PASS]…
         [-admin-token T] [-tls-cert F -tls-key F] [-session-ttl 30m] [-max-upload BYTES]
         [-fault key=value]… [-seed N] [-v]
  user   -db FILE NAME PASSWORD                     tạo hoặc đổi mật khẩu tài khoản
  admin  [-url URL] [-token T] COMMAND              (hoặc MOTCUA_PROVINCE_URL, MOTCUA_PROVINCE_ADMIN_TOKEN)
         stats | list [-agency A] | show CODE
         process CODE | done CODE | result CODE [-doc NAME]…
         extend CODE -due yyyyMMddHHmmss -reason TEXT
         supplement CODE -reason TEXT [-doc NAME]…
         faults [key=value …]   (error_rate drop_rate upload_drop_rate burst_rate burst_len
                                 expire_rate html_rate latency jitter slow_bps; không có đối số: xem)
         expire-sessions
  bundle keygen -out FILE                           tạo khóa nhận gói USB của tỉnh (in khóa công khai)
  bundle import -db FILE -key FILE -trust ĐƠN_VỊ=KHÓA_HEX… [-public-url URL] GÓI
                                                    nhận gói USB của xã: kiểm chữ ký, giải mã, lưu (không trùng)
`

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], stdout, stderr)
	case "user":
		err = user(args[1:], stdout)
	case "admin":
		err = admin(ctx, args[1:], stdout)
	case "bundle":
		err = bundleCmd(ctx, args[1:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	default:
		err = usageError{fmt.Sprintf("lệnh «%s» không tồn tại", args[0])}
	}
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue) || errors.Is(err, flag.ErrHelp):
		fmt.Fprintln(stderr, "motcua-province:", err)
		return 2
	default:
		fmt.Fprintln(stderr, "motcua-province:", err)
		return 1
	}
}

type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usageError{fs.Name() + ": " + err.Error()}
	}
	return nil
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve")
	addr := fs.String("addr", "127.0.0.1:8686", "địa chỉ nghe")
	db := fs.String("db", "", "tệp SQLite")
	files := fs.String("files", "", "thư mục tệp tải lên")
	var agencies, users, faults listFlag
	fs.Var(&agencies, "agency", "mã định danh cơ quan được phục vụ")
	fs.Var(&users, "user", "tài khoản NAME:PASS")
	fs.Var(&faults, "fault", "lỗi giả lập key=value")
	adminToken := fs.String("admin-token", os.Getenv("MOTCUA_PROVINCE_ADMIN_TOKEN"), "mã quản trị")
	cert := fs.String("tls-cert", "", "chứng chỉ TLS (PEM)")
	key := fs.String("tls-key", "", "khóa TLS (PEM)")
	ttl := fs.Duration("session-ttl", 30*time.Minute, "thời hạn phiên")
	maxUpload := fs.Int64("max-upload", 50<<20, "dung lượng tệp tối đa (byte)")
	seed := fs.Uint64("seed", 0, "hạt giống lỗi giả lập")
	verbose := fs.Bool("v", false, "ghi nhật ký chi tiết")
	clockAt := fs.String("clock", "", "đồng hồ máy chủ bắt đầu từ thời điểm RFC 3339 này rồi chạy tiếp (kiểm thử, trình diễn) / start the server's clock at this RFC 3339 time (tests, demos)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *db == "" {
		return usageError{"serve: cần -db FILE"}
	}
	if (*cert == "") != (*key == "") {
		return usageError{"serve: -tls-cert và -tls-key phải đi cùng nhau"}
	}
	f, err := refserver.ParseFaults(refserver.Faults{}, faults)
	if err != nil {
		return usageError{"serve: -fault " + err.Error()}
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	clock := motcua.Clock(motcua.SystemClock{})
	if *clockAt != "" {
		at, err := time.Parse(time.RFC3339, *clockAt)
		if err != nil {
			return usageError{fmt.Sprintf("-clock: cần thời điểm RFC 3339, ví dụ 2026-11-24T09:00:00+07:00 / needs an RFC 3339 time: %v", err)}
		}
		start := motcua.StartStopwatch()
		clock = motcua.ClockFunc(func() time.Time { return at.Add(start.Elapsed()) })
	}
	srv, err := refserver.Open(refserver.Config{DBPath: *db, FilesDir: *files, Agencies: agencies, SessionTTL: *ttl,
		AdminToken: *adminToken, MaxUpload: *maxUpload, Faults: f, Seed: *seed, Logger: log, Now: clock.Now})
	if err != nil {
		return err
	}
	defer srv.Close()
	for _, u := range users {
		name, pass, ok := strings.Cut(u, ":")
		if !ok {
			return usageError{"serve: -user cần dạng NAME:PASS"}
		}
		if err := srv.AddUser(ctx, name, pass); err != nil {
			return err
		}
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	scheme := "http"
	if *cert != "" {
		scheme = "https"
	}
	fmt.Fprintf(stdout, "motcua-province: listening on %s://%s\n", scheme, l.Addr())
	if *adminToken == "" {
		fmt.Fprintln(stdout, "motcua-province: admin endpoints disabled (no -admin-token)")
	}
	return srv.Serve(ctx, l, *cert, *key)
}

func user(args []string, stdout io.Writer) error {
	fs := newFlags("user")
	db := fs.String("db", "", "tệp SQLite")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *db == "" || fs.NArg() != 2 {
		return usageError{"user: cần -db FILE NAME PASSWORD"}
	}
	srv, err := refserver.Open(refserver.Config{DBPath: *db})
	if err != nil {
		return err
	}
	defer srv.Close()
	if err := srv.AddUser(context.Background(), fs.Arg(0), fs.Arg(1)); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "đã lưu tài khoản %s\n", fs.Arg(0))
	return nil
}

func admin(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("admin")
	base := fs.String("url", envOr("MOTCUA_PROVINCE_URL", "http://127.0.0.1:8686"), "địa chỉ máy chủ")
	token := fs.String("token", os.Getenv("MOTCUA_PROVINCE_ADMIN_TOKEN"), "mã quản trị")
	if err := parse(fs, args); err != nil {
		return err
	}
	rest := fs.Args()
	if len(rest) == 0 {
		return usageError{"admin: thiếu lệnh (stats, list, show, process, done, result, extend, supplement, faults, expire-sessions)"}
	}
	c := adminClient{base: strings.TrimRight(*base, "/"), token: *token, out: stdout}
	cmd, rest := rest[0], rest[1:]
	switch cmd {
	case "stats":
		return c.do(ctx, http.MethodGet, "/admin/stats", nil)
	case "list":
		fs := newFlags("list")
		agency := fs.String("agency", "", "")
		if err := parse(fs, rest); err != nil {
			return err
		}
		return c.do(ctx, http.MethodGet, "/admin/dossiers?agency="+*agency, nil)
	case "show":
		if len(rest) != 1 {
			return usageError{"admin show CODE"}
		}
		return c.do(ctx, http.MethodGet, "/admin/dossiers/"+rest[0], nil)
	case "expire-sessions":
		return c.do(ctx, http.MethodPost, "/admin/sessions/expire", nil)
	case "faults":
		if len(rest) == 0 {
			return c.do(ctx, http.MethodGet, "/admin/faults", nil)
		}
		var cur refserver.Faults
		if err := c.get(ctx, "/admin/faults", &cur); err != nil {
			return err
		}
		f, err := refserver.ParseFaults(cur, rest)
		if err != nil {
			return usageError{"faults: " + err.Error()}
		}
		return c.do(ctx, http.MethodPut, "/admin/faults", f)
	case refserver.ActProcess, refserver.ActDone, refserver.ActResult, refserver.ActExtend, refserver.ActSupplement:
		if len(rest) < 1 || strings.HasPrefix(rest[0], "-") {
			return usageError{"admin " + cmd + " CODE [cờ]"}
		}
		code := rest[0]
		fs := newFlags(cmd)
		reason := fs.String("reason", "", "")
		due := fs.String("due", "", "")
		actor := fs.String("actor", "", "")
		var docs listFlag
		fs.Var(&docs, "doc", "")
		if err := parse(fs, rest[1:]); err != nil {
			return err
		}
		a := refserver.Action{Actor: *actor, Reason: *reason, Due: *due, Documents: docs}
		if cmd == refserver.ActResult {
			for i, d := range docs {
				a.Results = append(a.Results, province.GiayToKetQua{TenGiayTo: d, GiayToId: fmt.Sprintf("%s-KQ%d", code, i+1)})
			}
			a.Documents = nil
		}
		return c.do(ctx, http.MethodPost, "/admin/dossiers/"+code+"/"+cmd, a)
	}
	return usageError{fmt.Sprintf("admin: lệnh «%s» không tồn tại", cmd)}
}

func envOr(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

type adminClient struct {
	base, token string
	out         io.Writer
}

func (c adminClient) raw(ctx context.Context, method, path string, body any) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("không kết nối được máy chủ tỉnh %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		if json.Unmarshal(b, &e) == nil && e.Error != "" {
			if resp.StatusCode == http.StatusUnprocessableEntity {
				return nil, usageError{e.Error}
			}
			return nil, errors.New(e.Error)
		}
		return nil, fmt.Errorf("HTTP %d: %s", resp.StatusCode, bytes.TrimSpace(b))
	}
	return b, nil
}

func (c adminClient) get(ctx context.Context, path string, v any) error {
	b, err := c.raw(ctx, http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func (c adminClient) do(ctx context.Context, method, path string, body any) error {
	b, err := c.raw(ctx, method, path, body)
	if err != nil {
		return err
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, b, "", "  ") != nil {
		pretty.Reset()
		pretty.Write(b)
	}
	_, err = c.out.Write(pretty.Bytes())
	return err
}

func bundleCmd(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{"bundle: cần keygen hoặc import"}
	}
	switch args[0] {
	case "keygen":
		fs := newFlags("keygen")
		out := fs.String("out", "", "tệp khóa bí mật")
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		if *out == "" {
			return usageError{"bundle keygen: cần -out FILE"}
		}
		k, err := bundle.NewRecipientKey()
		if err != nil {
			return err
		}
		if err := os.WriteFile(*out, []byte(hex.EncodeToString(k.Bytes())+"\n"), 0o600); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "khóa công khai nhận gói (cấu hình cho các xã): %x\n", k.PublicKey().Bytes())
		return nil
	case "import":
		fs := newFlags("import")
		db := fs.String("db", "", "tệp SQLite")
		keyFile := fs.String("key", "", "tệp khóa bí mật nhận gói")
		publicURL := fs.String("public-url", "", "địa chỉ máy chủ cho liên kết tệp")
		var agencies, trust listFlag
		fs.Var(&agencies, "agency", "mã định danh cơ quan được phục vụ")
		fs.Var(&trust, "trust", "ĐƠN_VỊ=KHÓA_HEX của máy xã")
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		if *db == "" || *keyFile == "" || fs.NArg() != 1 {
			return usageError{"bundle import: cần -db FILE -key FILE -trust ĐƠN_VỊ=KHÓA GÓI"}
		}
		raw, err := os.ReadFile(*keyFile)
		if err != nil {
			return err
		}
		kb, err := hex.DecodeString(strings.TrimSpace(string(raw)))
		if err != nil {
			return usageError{"bundle import: tệp khóa không phải hex"}
		}
		key, err := ecdh.X25519().NewPrivateKey(kb)
		if err != nil {
			return usageError{"bundle import: khóa sai: " + err.Error()}
		}
		tf, err := refserver.ParseSigners(trust)
		if err != nil {
			return usageError{"bundle import: -trust " + err.Error()}
		}
		srv, err := refserver.Open(refserver.Config{DBPath: *db, Agencies: agencies, PublicURL: *publicURL})
		if err != nil {
			return err
		}
		defer srv.Close()
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return err
		}
		defer f.Close()
		b, err := srv.ReadBundle(f, bundle.ReadOptions{Key: key, Trust: tf})
		if err != nil {
			return usageError{err.Error()}
		}
		defer b.Remove()
		rep, err := srv.ImportBundle(ctx, b)
		if err != nil {
			return err
		}
		out, _ := json.MarshalIndent(rep, "", "  ")
		fmt.Fprintln(stdout, string(out))
		return nil
	}
	return usageError{fmt.Sprintf("bundle: lệnh «%s» không tồn tại", args[0])}
}
