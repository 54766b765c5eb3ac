// Command motcua is the one-stop counter: with no arguments (or `gui`) it
// opens the window; the subcommands are the stable interface for
// installers, support staff and tests. Exit 0 on success, 2 on invalid
// input (the message names the field and the rule), 1 on other failures.
package main

import (
	"fmt"
	"io"
	"motcua"
	"os"

	"motcua/scanning/pdfrender"
)

func main() {
	pdfrender.ServeWorker() // a render worker child process answers and exits here
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Version and Commit are stamped by the linker (see Makefile).
var (
	Version = "0.1.0-dev"
	Commit  = "unknown"
)

// programClock is the program's one clock, handed to every service. Only
// the test binary replaces it (cli_test.go), for the child processes of
// tests that fix a date; a release build has no way to.
var programClock motcua.Clock = motcua.SystemClock{}

func run(args []string, stdout, stderr io.Writer) int {
	dataDir, args := extractData(args)
	cmd := "gui"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	c := &cli{data: dataDir, out: stdout, errOut: stderr, clock: programClock, noWindow: os.Getenv("MOTCUA_NO_WINDOW") == "1"}
	defer c.close()
	var err error
	switch cmd {
	case "gui":
		err = c.gui(args)
	case "init":
		err = c.initCmd(args)
	case "intake":
		err = c.intake(args)
	case "show":
		err = c.show(args)
	case "list":
		err = c.list(args)
	case "search":
		err = c.search(args)
	case "refuse", "supplement", "advance", "extend", "return":
		err = c.transition(cmd, args)
	case "due":
		err = c.due(args)
	case "calendar":
		err = c.calendar(args)
	case "catalog":
		err = c.catalog(args)
	case "audit":
		err = c.audit(args)
	case "user":
		err = c.user(args)
	case "screenshots":
		err = c.screenshots(args)
	case "province":
		err = c.provinceCmd(args)
	case "sync":
		err = c.syncCmd(args)
	case "outbox":
		err = c.outboxCmd(args)
	case "bundle":
		err = c.bundleCmd(args)
	case "attach":
		err = c.attach(args)
	case "attachments":
		err = c.attachments(args)
	case "qr":
		err = c.qrCmd(args)
	case "holiday":
		err = c.holiday(args)
	case "printer":
		err = c.printerCmd(args)
	case "scan-limits":
		err = c.scanLimitsCmd(args)
	case "scan-inbox":
		err = c.scanInboxCmd(args)
	case "receipt":
		err = c.receipt(args)
	case "form":
		err = c.form(args)
	case "ledger":
		err = c.ledger(args)
	case "provision":
		err = c.provision(args)
	case "incident":
		err = c.incident(args)
	case "runbook":
		err = c.runbook(args)
	case "contacts":
		err = c.contacts(args)
	case "plan":
		err = c.plan(args)
	case "drill":
		err = c.drill(args)
	case "paper":
		err = c.paper(args)
	case "reserve":
		err = c.paperReserve(args)
	case "backup":
		err = c.backup(args)
	case "restore":
		err = c.restore(args)
	case "check":
		err = c.check(args)
	case "pdp":
		err = c.pdp(args)
	case "continuity":
		fmt.Fprint(stdout, continuityUsage)
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "motcua %s (%s)\n", Version, Commit)
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
	default:
		err = usageErr("command", "Lệnh «%s» không tồn tại; xem «motcua help»", "unknown command %q; see 'motcua help'", cmd)
	}
	return c.report(err)
}

const usage = `motcua — Một Cửa, bộ phận một cửa cấp xã

Dùng / usage: motcua [--data DIR] COMMAND [flags]
  (không có lệnh) | gui          mở cửa sổ quầy / open the counter window
  init --agency-id ID --agency-name NAME --station K/N
       [--province-url URL --province-user U --province-password-file F [--ca FILE]]
  intake --procedure CODE (--cccd LINE | --name NAME --id-number NUM [--dob DD/MM/YYYY] [--gender G])
         [--phone P] [--address A] [--email E] [--channel 1|2|3] [--at RFC3339] [--json]
  show CODE [--json]     list [--status N] [--json]     search TEXT [--json]
  refuse CODE --reason TEXT
  supplement CODE --reason TEXT --missing "item; item"
  advance CODE --to N [--reason TEXT]
  extend CODE --reason TEXT --due RFC3339
  return CODE [--note TEXT]
  due --from RFC3339 (--days N | --hours N)
  calendar --year YYYY [--json]
  catalog list [--json] | catalog import FILE
  holiday list [--year Y] [--json] | add DATE --name N [--kind off|compensatory|workday] [--unconfirmed] [--source S]
          | edit DATE [--date D] [--name N] [--kind K] [--confirmed=false] | remove DATE | export -o FILE | import FILE
  printer list [--json] | printer set NAME|--default [--force]     máy in các phiếu / the forms printer
  scan-limits [--max-mb N] [--min-dpi N]     giới hạn tệp số hóa / digitisation limits (mặc định 20 MB, 200 dpi)
  scan-inbox [show | set DIR | off]          thư mục máy quét lưu bản quét / the scanner's scan-to-folder inbox
  receipt CODE -o FILE.pdf [--open] [--print] [--profile tt03-2025|tt01-2018|FILE.json]
  form NN CODE -o FILE.pdf [--reason TEXT] [--open] [--print]      (Mẫu 01–07 của bộ biểu mẫu)
  ledger --from YYYY-MM-DD --to YYYY-MM-DD -o FILE.pdf [--book N] [--first N]
  audit verify
  continuity     kế hoạch ứng phó sự cố / continuity plan: incident, runbook, drill, paper, backup, restore, check, pdp
  attach CODE --component N FILE... [--officer NAME] [--json]   attachments CODE [--json]
  qr decode FILE... [--json]   qr verify (TEXT | --payload TEXT | --file FILE) [--json]  (exit 3: not valid)
  provision keygen|create|apply|show     (hồ sơ cấu hình trạm do tỉnh ký / signed station profiles: docs/INSTALL.vi.md)
  user add NAME --name "Họ tên" --role officer|leader|admin   (mật khẩu tạm: dòng đầu của stdin)
  user passwd NAME | user list [--json]
  version

Đồng bộ với hệ thống một cửa tỉnh / sync with the province (README, mục «Sync»):
  province set --url URL --user U --password-file FILE|- [--ca PEM | --no-ca] [--interval 5m] [--bundle-key HEX]
  province show [--json]       province clear        (chưa cấu hình = ngoại tuyến, hồ sơ xếp hàng)
  sync [--json]                gửi + nhận một lần; thoát 1 nếu không tới được tỉnh / one pass; exit 1 if unreachable
  sync --watch                 chạy tới khi Ctrl+C / run until interrupted
  sync pause [--reason TEXT]   tạm dừng gửi/nhận với tỉnh, cả cửa sổ ứng dụng; vẫn tiếp nhận / pause delivery (the window too)
  sync resume                  gửi tiếp hàng đợi / resume delivery
  outbox [--state pending,sending,quarantined,acked|all] [--json]      outbox retry ID
  bundle export FILE [--to KEY] | bundle import FILE | bundle keys [--renew] [--json] | bundle trust --station K/N --key KEY

DIR mặc định / default: $MOTCUA_DATA, else the user's data directory.
Mã thoát / exit codes: 0 ok, 2 invalid input, 1 other failure, 3 QR not valid.
`
