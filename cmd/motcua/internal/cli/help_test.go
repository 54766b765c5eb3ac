package cli

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// allCommands walks the command tree: every command and subcommand that a
// user can call (not the hidden ones).
func allCommands(root *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		out = append(out, c)
		for _, s := range c.Commands() {
			if !s.Hidden {
				walk(s)
			}
		}
	}
	walk(root)
	return out
}

// TestEveryCommandHasHelp walks the command tree itself (not a hand list):
// every command has its one-line help in Vietnamese and English, every
// command that does something has examples, every flag has a usage text;
// and the real program answers `COMMAND --help` with exit 0 and a usage
// that names each of its flags.
func TestEveryCommandHasHelp(t *testing.T) {
	cmds := allCommands(Root())
	if len(cmds) < 100 {
		t.Fatalf("only %d commands in the tree", len(cmds))
	}
	dir := t.TempDir()
	for _, cmd := range cmds {
		path := strings.Fields(cmd.CommandPath())[1:]
		name := strings.Join(append([]string{"motcua"}, path...), " ")
		t.Run(name, func(t *testing.T) {
			if !strings.Contains(cmd.Short, " / ") {
				t.Errorf("short help %q is not «Vietnamese / English»", cmd.Short)
			}
			if !cmd.HasSubCommands() && cmd.HasParent() && strings.TrimSpace(cmd.Example) == "" {
				t.Errorf("no example")
			}
			var flags []string
			cmd.LocalFlags().VisitAll(func(f *pflag.Flag) {
				if f.Name == "help" || f.Hidden { // hidden: a refused old flag (--by)
					return
				}
				flags = append(flags, f.Name)
				if strings.TrimSpace(f.Usage) == "" || !strings.Contains(f.Usage, "/") {
					t.Errorf("--%s: usage %q is not «Vietnamese / English»", f.Name, f.Usage)
				}
			})
			r := runCLI(t, dir, append(path, "--help")...)
			if r.code != 0 {
				t.Fatalf("--help: exit %d: %s", r.code, r.stderr)
			}
			about := cmd.Short
			if cmd.Long != "" { // the help shows the long text instead
				about, _, _ = strings.Cut(cmd.Long, "\n")
			}
			if !strings.Contains(r.stdout, "Usage:") || !strings.Contains(r.stdout, about) {
				t.Fatalf("--help does not show the usage and the help:\n%s", r.stdout)
			}
			for _, f := range flags {
				if !strings.Contains(r.stdout, "--"+f) {
					t.Errorf("--help does not name --%s:\n%s", f, r.stdout)
				}
			}
			if len(path) == 1 { // `help COMMAND` is the same page
				h := runCLI(t, dir, "help", path[0])
				if h.code != 0 || h.stdout != r.stdout {
					t.Errorf("help %s: exit %d, differs from --help:\n%s", path[0], h.code, h.stdout)
				}
			}
		})
	}
}

// TestExitCodes: the documented exit codes of the command line.
func TestExitCodes(t *testing.T) {
	dir := initStation(t)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"frobnicate"}, 2, "command:"},
		{[]string{"list", "--no-such-flag"}, 2, "list:"},
		{[]string{"catalog"}, 2, "catalog:"},
		{[]string{"catalog", "frobnicate"}, 2, "catalog:"},
		{[]string{"show", "000.00.06.H56-261124-9999"}, 4, "code:"},
		{[]string{"due", "--days", "1", "--from", "24.11.2026"}, 2, "DD/MM/YYYY, YYYY-MM-DD"},
		{[]string{"qr", "verify", "MC1|khong-hop-le"}, 3, "không hợp lệ"},
		{[]string{"version", "extra"}, 2, "version:"},
	} {
		r := runCLI(t, dir, c.args...)
		if r.code != c.code || !strings.Contains(r.stdout+r.stderr, c.want) {
			t.Errorf("%v: exit %d (want %d), stderr %q (want %q)", c.args, r.code, c.code, r.stderr, c.want)
		}
	}
	for _, args := range [][]string{{"version"}, {"--version"}, {"help"}, {"--help"}, {"help", "receipt"}, {"user", "add", "--help"}} {
		if r := runCLI(t, dir, args...); r.code != 0 || r.stdout == "" {
			t.Errorf("%v: exit %d, stdout %q", args, r.code, r.stdout)
		}
	}
}

// TestCompletionScripts: bash and PowerShell completion come from the tree.
func TestCompletionScripts(t *testing.T) {
	dir := t.TempDir()
	for shell, want := range map[string]string{"bash": "__start_motcua", "powershell": "Register-ArgumentCompleter"} {
		r := runCLI(t, dir, "completion", shell)
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("completion %s: exit %d, no %q in %d bytes", shell, r.code, want, len(r.stdout))
		}
	}
	// The completion of a command name is served by the program itself.
	if r := runCLI(t, dir, "__complete", "rece"); r.code != 0 || !strings.Contains(r.stdout, "receipt") {
		t.Errorf("__complete rece: exit %d: %s", r.code, r.stdout)
	}
}

// TestNoFyneLocaleErrorUnderC: under the C locales of services and SSH
// sessions no command prints Fyne's "Error parsing user locale".
func TestNoFyneLocaleErrorUnderC(t *testing.T) {
	dir := initStation(t)
	for _, env := range [][]string{
		{"LANG=C.UTF-8", "LC_ALL=", "LC_MESSAGES=", "LANGUAGE="},
		{"LANG=C", "LC_ALL=", "LC_MESSAGES=", "LANGUAGE="},
		{"LANG=POSIX", "LC_ALL=", "LC_MESSAGES=", "LANGUAGE="},
		{"LANG=en_US.UTF-8", "LC_ALL=C.UTF-8", "LC_MESSAGES=", "LANGUAGE="},
		{"LANG=", "LC_ALL=", "LC_MESSAGES=POSIX.UTF-8", "LANGUAGE="},
	} {
		for _, args := range [][]string{{"version"}, {"list"}, {"catalog", "list"}, {"help", "intake"}, {"frobnicate"}} {
			r := runEnv(t, dir, env, args...)
			if strings.Contains(r.stderr, "Fyne error") || strings.Contains(r.stderr, "parsing user locale") {
				t.Errorf("%v %v: stderr %q", env, args, r.stderr)
			}
		}
	}
}

// TestWindowWithoutDisplay: a window asked for on a session with no display
// says so in one sentence (Vietnamese, then English), not a panic trace.
func TestWindowWithoutDisplay(t *testing.T) {
	dir := initStation(t)
	for _, args := range [][]string{{}, {"gui"}} {
		r := runEnv(t, dir, []string{"DISPLAY=", "WAYLAND_DISPLAY=", "LANG=C.UTF-8"}, args...)
		if r.code != 1 || !strings.Contains(r.stderr, "không có màn hình") || strings.Contains(r.stderr, "goroutine") ||
			strings.Contains(r.stderr, "panic") || strings.Count(r.stderr, "\n") > 2 {
			t.Errorf("%v: exit %d, stderr:\n%s", args, r.code, r.stderr)
		}
	}
}

// TestReadmeExamples runs the README's command-line examples — the code
// block after the «cli-examples» marker — on a scratch data directory and
// working directory, through bash, each line a step that must succeed.
func TestReadmeExamples(t *testing.T) {
	lines := readmeExamples(t)
	if len(lines) < 15 {
		t.Fatalf("only %d example lines in the README", len(lines))
	}
	fixClock(t, time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("ICT", 7*3600)))
	bin := t.TempDir()
	wrapper := "#!/bin/sh\nMOTCUA_AS_MAIN=1 exec " + shellQuote(os.Args[0]) + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(bin, "motcua"), []byte(wrapper), 0o755); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	script := "set -euo pipefail\n" + strings.Join(lines, "\n") + "\n"
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"MOTCUA_DATA="+t.TempDir(), "MOTCUA_OFFICER=canbo1", "LANG=C.UTF-8", "PS4=+ ")
	cmd.Args = append(cmd.Args[:1], "-x", "-c", script)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("README examples: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "Fyne error") {
		t.Errorf("Fyne's locale error under C.UTF-8:\n%s", out)
	}
	// What the examples say they write is there.
	for _, f := range []string{"so-11-2026.pdf", "motcua.bash"} {
		if fi, err := os.Stat(filepath.Join(work, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if m, _ := filepath.Glob(filepath.Join(work, "bien-nhan-*.pdf")); len(m) != 1 {
		t.Errorf("receipt without -o: %v", m)
	}
	t.Logf("%d example lines ran:\n%s", len(lines), out)
}

// readmeExamples is the ```sh block that follows the line
// "<!-- cli-examples: ... -->" in README.md.
func readmeExamples(t *testing.T) []string {
	f, err := os.Open(filepath.Join("..", "..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	state := 0 // 0 before the marker, 1 before the block, 2 inside
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		switch {
		case state == 0 && strings.HasPrefix(l, "<!-- cli-examples"):
			state = 1
		case state == 1 && strings.HasPrefix(l, "```"):
			state = 2
		case state == 2 && strings.HasPrefix(l, "```"):
			return lines
		case state == 2 && strings.TrimSpace(l) != "":
			lines = append(lines, l)
		}
	}
	t.Fatal("README.md has no «<!-- cli-examples» block")
	return nil
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./-]+$`)

func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// TestTablesHaveHeaders: the tables of the command line start with a
// header row and show status names; --json keeps the codes.
func TestTablesHaveHeaders(t *testing.T) {
	fixClock(t, time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("ICT", 7*3600)))
	dir := initStation(t)
	code := strings.Fields(mustOK(t, runCLI(t, dir, "intake", "--procedure", "2.001035", "--cccd", cccdLine)))[0]
	for _, c := range []struct {
		args   []string
		header []string
		row    string
	}{
		{[]string{"list"}, []string{"MÃ HỒ SƠ", "TRẠNG THÁI", "HẸN TRẢ"}, "Được tiếp nhận"},
		{[]string{"search", "Tuyết"}, []string{"MÃ HỒ SƠ", "TRẠNG THÁI"}, "Được tiếp nhận"},
		{[]string{"show", code}, []string{"LÚC", "VIỆC", "TỪ", "SANG"}, "2 Được tiếp nhận"},
		{[]string{"calendar", "--year", "2026"}, []string{"NGÀY", "LOẠI", "TÊN"}, "nghỉ lễ"},
		{[]string{"holiday", "list", "--year", "2026"}, []string{"NGÀY", "THỨ", "LOẠI"}, "nghỉ lễ"},
		{[]string{"catalog", "list"}, []string{"MÃ", "LĨNH VỰC", "TÊN THỦ TỤC"}, "2.001035"},
		{[]string{"runbook", "list"}, []string{"TÌNH HUỐNG", "KỊCH BẢN"}, "network"},
		{[]string{"outbox"}, []string{"ID", "TRẠNG THÁI", "HỒ SƠ"}, code},
	} {
		out := mustOK(t, runCLI(t, dir, c.args...))
		lines := strings.Split(out, "\n")
		if c.args[0] == "show" { // the history table follows the dossier's fields
			for len(lines) > 0 && !strings.Contains(lines[0], "LÚC") {
				lines = lines[1:]
			}
		}
		for _, h := range c.header {
			if len(lines) == 0 || !strings.Contains(lines[0], h) {
				t.Errorf("%v: no header %q:\n%s", c.args, h, out)
			}
		}
		if !strings.Contains(strings.Join(lines[1:], "\n"), c.row) {
			t.Errorf("%v: no %q under the header:\n%s", c.args, c.row, out)
		}
	}
	if out := mustOK(t, runCLI(t, dir, "list")); regexp.MustCompile(`\s2\s`).MatchString(strings.SplitN(out, "\n", 2)[1]) {
		t.Errorf("list shows the bare status number:\n%s", out)
	}
	if v := decode[[]view](t, mustOK(t, runCLI(t, dir, "list", "--json"))); len(v) != 1 || v[0].StatusCode != 2 {
		t.Errorf("list --json: %+v", v)
	}
}
