// Package cli is the command line of the one-stop counter: one cobra
// command per subcommand, each with its usage line, its help in
// Vietnamese and English, examples and the usage text of every flag. Help,
// `help COMMAND`, shell completion and the man pages are generated from
// this one tree (Root).
package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"motcua"
	"motcua/cmd/motcua/internal/cleanlocale"
)

// Version and Commit name the build (main passes the linker's stamp).
var (
	Version = "0.1.0-dev"
	Commit  = "unknown"
)

// programClock is the program's one clock, handed to every service. Only
// the test binary replaces it (cli_test.go), for the child processes of
// tests that fix a date; a release build has no way to.
var programClock motcua.Clock = motcua.SystemClock{}

// Exit codes (README, «Mã thoát»).
const (
	ExitOK       = 0
	ExitFailure  = 1 // anything else: disk, database, network
	ExitUsage    = 2 // invalid input: the message names the field and the rule
	ExitInvalid  = 3 // qr verify: a code that is not valid
	ExitNotFound = 4 // the dossier, incident, backup… asked for does not exist
)

// Main runs the command line on args and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	cleanlocale.Restore() // Fyne is initialised: the children of a command get the user's locale
	c := &cli{out: stdout, errOut: stderr, clock: programClock, noWindow: os.Getenv("MOTCUA_NO_WINDOW") == "1"}
	defer c.close()
	root := c.root()
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd(args...)
	if name := unknownCommand(root, args); name != "" {
		return c.report(usageErr("command", "Lệnh «%s» không tồn tại; xem «motcua help»", "unknown command %q; see 'motcua help'", name))
	}
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	return c.report(root.Execute())
}

// Root is the command tree, for the documentation generators and tests.
func Root() *cobra.Command {
	c := &cli{out: io.Discard, errOut: io.Discard, clock: programClock}
	return c.root()
}

const rootLong = `Một Cửa — bộ phận tiếp nhận và trả kết quả cấp xã.
Không có lệnh (hoặc «gui»): mở cửa sổ quầy. Các lệnh dưới đây là giao diện ổn định cho
người cài đặt, cán bộ hỗ trợ và các kịch bản.
(The commune's one-stop counter. With no command, or «gui», the counter window opens;
the commands below are the stable interface for installers, support staff and scripts.)

Ngày giờ / dates: mọi tham số ngày nhận DD/MM/YYYY, YYYY-MM-DD hoặc RFC 3339
(2026-11-20T16:45:00+07:00); giờ Việt Nam khi không ghi múi giờ.

Thư mục dữ liệu / data directory: --data DIR, hoặc biến MOTCUA_DATA, hoặc thư mục dữ liệu
của người dùng (ProgramData\MotCua trên Windows).

Mã thoát / exit codes: 0 ok; 1 lỗi khác / other failure; 2 dữ liệu vào không hợp lệ /
invalid input; 3 mã QR không hợp lệ / QR not valid; 4 không tìm thấy / not found.`

func (c *cli) root() *cobra.Command {
	root := &cobra.Command{
		Use:   "motcua",
		Short: "Một Cửa — bộ phận một cửa cấp xã / the commune's one-stop counter",
		Long:  rootLong,
		Example: `  motcua                                   # mở cửa sổ / open the window
  motcua --data D:\MotCua list --status 4
  motcua help intake`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErr("command", "Lệnh «%s» không tồn tại; xem «motcua help»", "unknown command %q; see 'motcua help'", args[0])
			}
			return nil
		},
		RunE:              func(*cobra.Command, []string) error { return c.gui() },
		SilenceErrors:     true,
		SilenceUsage:      true,
		Version:           Version + " (" + Commit + ")",
		CompletionOptions: cobra.CompletionOptions{HiddenDefaultCmd: false},
	}
	root.SetVersionTemplate("motcua {{.Version}}\n")
	root.PersistentFlags().StringVar(&c.data, "data", os.Getenv("MOTCUA_DATA"),
		"thư mục dữ liệu (mặc định $MOTCUA_DATA, rồi thư mục dữ liệu của người dùng) / data directory (default $MOTCUA_DATA, then the user's data directory)")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageErr(commandName(cmd), "Tham số không hợp lệ: %v (xem «%s --help»)", "invalid flags: %v (see '%s --help')", err, cmd.CommandPath())
	})
	root.AddGroup(
		&cobra.Group{ID: "dossier", Title: "Hồ sơ / dossiers:"},
		&cobra.Group{ID: "print", Title: "Phiếu, sổ và mã QR / forms, ledger and QR codes:"},
		&cobra.Group{ID: "setup", Title: "Cài đặt trạm / station set-up:"},
		&cobra.Group{ID: "sync", Title: "Đồng bộ với tỉnh / sync with the province:"},
		&cobra.Group{ID: "continuity", Title: "Hoạt động liên tục / continuity plan:"},
	)
	add := func(group string, cmds ...*cobra.Command) {
		for _, cmd := range cmds {
			cmd.GroupID = group
			root.AddCommand(cmd)
		}
	}
	add("dossier", c.intakeCmd(), c.showCmd(), c.listCmd(), c.searchCmd(),
		c.transitionCmd("refuse"), c.transitionCmd("supplement"), c.transitionCmd("advance"),
		c.transitionCmd("extend"), c.transitionCmd("return"), c.dueCmd(), c.attachCmd(), c.attachmentsCmd(),
		c.resultCmd(), c.citizenCmd())
	add("print", c.receiptCmd(), c.formCmd(), c.ledgerCmd(), c.reportCmd(), c.boardCmd(), c.qrCmd())
	add("setup", c.guiCmd(), c.initCmd(), c.calendarCmd(), c.catalogCmd(), c.holidayCmd(), c.printerCmd(), c.counterPhoneCmd(),
		c.scanLimitsCmd(), c.scanInboxCmd(), c.signinCmd(), c.signoutCmd(), c.passwdCmd(), c.userCmd(), c.provisionCmd(), c.auditCmd(), c.versionCmd())
	add("sync", c.provinceCmd(), c.syncCmd(), c.outboxCmd(), c.bundleCmd(), c.fieldCmd())
	add("continuity", c.continuityCmd(), c.incidentCmd(), c.runbookCmd(), c.contactsCmd(), c.planCmd(), c.drillCmd(),
		c.paperCmd(), c.reserveCmd(), c.backupCmd(), c.restoreCmd(), c.checkCmd(), c.pdpCmd())
	for _, extra := range extraCommands {
		root.AddCommand(extra(c))
	}
	root.Flags().BoolP("version", "v", false, "in phiên bản / print the version")
	var helpFlags func(*cobra.Command)
	helpFlags = func(cmd *cobra.Command) {
		cmd.Flags().BoolP("help", "h", false, "trợ giúp của lệnh này / help for this command")
		for _, s := range cmd.Commands() {
			helpFlags(s)
		}
	}
	helpFlags(root)
	return root
}

// extraCommands are added by files built with a tag (the screenshot tour).
var extraCommands []func(*cli) *cobra.Command

// commandName is the command's path without the program name, the field
// its usage errors name ("command" for the program itself).
func commandName(cmd *cobra.Command) string {
	if !cmd.HasParent() {
		return "command"
	}
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
}

// unknownCommand is the first word of args when it names no command (the
// root would otherwise first complain about the flags that follow it).
func unknownCommand(root *cobra.Command, args []string) string {
	cmd, rest, err := root.Find(args)
	if err != nil || cmd != root {
		return ""
	}
	for i := 0; i < len(rest); i++ {
		switch a := rest[i]; {
		case a == "--data":
			i++ // its value
		case a == "--" || strings.HasPrefix(a, "-"):
			if a == "--" {
				return ""
			}
		case strings.HasPrefix(a, "__"): // the shell completion's requests (__complete)
			return ""
		default:
			return a
		}
	}
	return ""
}

// newCmd is one command: use is its usage line (name first), short its
// one-line help (Vietnamese / English), example its example lines.
func newCmd(use, short, example string) *cobra.Command {
	return &cobra.Command{Use: use, Short: short, Example: example}
}

// subSpec is one subcommand of a group: its usage line, help, examples and
// the names of the group's flags it takes.
type subSpec struct {
	use, short, example string
	flags               string // space-separated names from the group's flag set
}

// group is a command whose subcommands share one flag set (each takes the
// flags it names) and one body, run(sub, args). With def set, the parent
// alone runs that subcommand and takes its flags ("contacts --json" is
// "contacts list --json").
func group(use, short, def string, fs *pflag.FlagSet, run func(sub string, pos []string) error, subs ...subSpec) *cobra.Command {
	parent := newCmd(use, short, "")
	parent.RunE = needSub
	for _, s := range subs {
		sc := newCmd(s.use, s.short, s.example)
		name := sc.Name()
		for _, fl := range strings.Fields(s.flags) {
			f := fs.Lookup(fl)
			if f == nil {
				panic("cli: " + use + " " + name + ": no flag " + fl)
			}
			sc.Flags().AddFlag(f)
			if name == def {
				parent.Flags().AddFlag(f)
			}
		}
		sc.RunE = func(_ *cobra.Command, pos []string) error { return run(name, pos) }
		parent.AddCommand(sc)
		if name == def {
			parent.RunE = func(cmd *cobra.Command, pos []string) error {
				if len(pos) > 0 {
					return needSub(cmd, pos)
				}
				return run(def, pos)
			}
		}
	}
	return parent
}

// needSub is the body of a command that is only a group of subcommands.
func needSub(cmd *cobra.Command, args []string) error {
	var names []string
	for _, s := range cmd.Commands() {
		if s.IsAvailableCommand() {
			names = append(names, s.Name())
		}
	}
	list := strings.Join(names, ", ")
	if len(args) == 0 {
		return usageErr(cmd.Name(), "Cần một lệnh con: %s (xem «%s --help»)", "a subcommand is needed: %s (see '%s --help')",
			list, cmd.CommandPath())
	}
	return usageErr(cmd.Name(), "Lệnh con «%s» không tồn tại; có: %s", "unknown subcommand %q; there are: %s", args[0], list)
}

func (c *cli) versionCmd() *cobra.Command {
	cmd := newCmd("version", "In phiên bản / print the version", "  motcua version")
	cmd.Args = noArgs
	cmd.RunE = func(*cobra.Command, []string) error {
		fmt.Fprintf(c.out, "motcua %s (%s)\n", Version, Commit)
		return nil
	}
	return cmd
}

func (c *cli) guiCmd() *cobra.Command {
	cmd := newCmd("gui", "Mở cửa sổ quầy (cũng là khi không có lệnh) / open the counter window (also with no command)", "  motcua gui")
	cmd.RunE = func(*cobra.Command, []string) error { return c.gui() }
	return cmd
}

func (c *cli) continuityCmd() *cobra.Command {
	cmd := newCmd("continuity", "Các lệnh của phương án hoạt động liên tục / the continuity plan's commands", "  motcua continuity")
	cmd.Long = continuityUsage
	cmd.RunE = func(*cobra.Command, []string) error {
		fmt.Fprint(c.out, continuityUsage)
		return nil
	}
	return cmd
}

// noArgs is the Args of a command that takes no positional argument.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErr(commandName(cmd), "Tham số thừa «%s» (xem «%s --help»)", "unexpected argument %q (see '%s --help')",
			args[0], cmd.CommandPath())
	}
	return nil
}
