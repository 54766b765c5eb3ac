package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
)

// The command line acts as a signed-in account. `motcua signin USER`
// checks the password (the window's lockout and audit apply) and opens a
// session with an expiry (accounts.OpenSession); its token is kept in the
// data folder's session file, mode 0600 (only a hash of it is in the
// database). Every command that changes dossiers or accounts resolves the
// session into the app.Actor its service call takes, so the history and the
// audit name the real account and the service-layer policy applies to the
// command line exactly as to the window. The only commands that work
// without a session are the installers' bootstrap ones: init, the first
// `user add` on a station with no account, `passwd` for oneself with the
// old password, `provision apply`, and the read-only help and version.

// sessionFileName is the session file in the data folder.
const sessionFileName = "cli-session"

// envSession overrides the session file: a token from `signin --print`
// (a script that runs several commands as one account).
const envSession = "MOTCUA_SESSION"

func (c *cli) sessionPath() string { return filepath.Join(c.dataDir(), sessionFileName) }

// sessionToken is the token of the session this process acts in ("" none).
func (c *cli) sessionToken() (string, error) {
	if t := strings.TrimSpace(os.Getenv(envSession)); t != "" {
		return t, nil
	}
	b, err := os.ReadFile(c.sessionPath())
	if os.IsNotExist(err) {
		return "", nil
	}
	if err != nil {
		e := motcua.Errorf(motcua.KindInternal, "ERR_SESSION_FILE", "session", "Không đọc được tệp phiên đăng nhập %s",
			"cannot read the session file %s", c.sessionPath())
		e.Err = err
		return "", e
	}
	return strings.TrimSpace(string(b)), nil
}

// signedIn is the account of this process's session. Without one, or with
// an expired one, the error says to run `motcua signin`.
func (c *cli) signedIn() (*accounts.User, error) {
	svc, err := c.open()
	if err != nil {
		return nil, err
	}
	// A station not set up says so first: nobody can sign in to it yet.
	if _, err := svc.Identity(context.Background()); err != nil {
		return nil, err
	}
	tok, err := c.sessionToken()
	if err != nil {
		return nil, err
	}
	if tok == "" {
		return nil, motcua.Invalid(accounts.ErrSessionInvalid, "session",
			"Chưa đăng nhập: chạy «motcua signin TÊN_ĐĂNG_NHẬP» rồi làm lại lệnh này",
			"not signed in: run 'motcua signin USERNAME', then this command again")
	}
	ctx := context.Background()
	acc := c.accounts()
	a, err := acc.ResolveSession(ctx, tok)
	if err != nil {
		if e, ok := motcua.AsError(err); ok && e.Code == accounts.ErrSessionInvalid {
			return nil, &motcua.Error{Kind: motcua.KindInvalid, Code: accounts.ErrSessionInvalid, Field: "session",
				Msg:   strings.TrimSuffix(e.Msg, ": đăng nhập lại") + " — chạy «motcua signin» để đăng nhập lại",
				MsgEN: strings.TrimSuffix(e.MsgEN, ": sign in again") + " — run 'motcua signin' to sign in again"}
		}
		return nil, err
	}
	return acc.Store.GetUser(ctx, a.Username)
}

// actor is the signed-in account as the service layer's actor.
func (c *cli) actor() (app.Actor, error) {
	u, err := c.signedIn()
	if err != nil {
		return app.Actor{}, err
	}
	return u.Actor(), nil
}

// installerOrSignedIn is who a bootstrap command acts as: on a station
// with no account yet, the installer (app.OperatorActor — they hold the
// data folder, there is nobody to sign in as); once an account exists,
// the signed-in account, so that re-running `init` (or its --province-url)
// on a station in use is a station setting like any other.
func (c *cli) installerOrSignedIn() (app.Actor, error) {
	if _, err := c.open(); err != nil {
		return app.Actor{}, err
	}
	has, err := c.accounts().HasUsers(context.Background())
	if err != nil {
		return app.Actor{}, err
	}
	if !has {
		return app.OperatorActor("installer"), nil
	}
	u, err := c.signedIn()
	if err != nil {
		return app.Actor{}, err
	}
	return u.Actor(), nil
}

// refusedBy is the --by flag the incident and drill commands used to take
// (free text: who acted). Hidden, and refused when given: they act as the
// signed-in account, and a script still passing --by is told so rather
// than "unknown flag".
func refusedBy(fs *pflag.FlagSet) *string {
	by := fs.String("by", "", "bỏ: lệnh chạy dưới tài khoản đã đăng nhập / gone: the signed-in account acts")
	_ = fs.MarkHidden("by")
	return by
}

// actorNotBy refuses a --by, then is actor.
func (c *cli) actorNotBy(by string) (app.Actor, error) {
	if by != "" {
		return app.Actor{}, usageErr("by", "Không dùng «--by %s» được nữa: lệnh ghi dưới tên tài khoản đã đăng nhập (motcua signin)",
			"--by %s is no longer accepted: the command acts as the signed-in account (motcua signin)", by)
	}
	return c.actor()
}

func (c *cli) signinCmd() *cobra.Command {
	cmd := newCmd("signin [USERNAME]", "Đăng nhập dòng lệnh bằng tài khoản cán bộ / sign the command line in with an officer's account",
		`  motcua signin lan.nt                       # hỏi mật khẩu / asks for the password
  motcua signin lan.nt --password-file pw.txt --hours 4`)
	cmd.Long = "Đăng nhập dòng lệnh: các lệnh thay đổi hồ sơ hoặc tài khoản chạy dưới tên tài khoản này đến khi hết phiên " +
		"(tối đa 10 giờ) hoặc «motcua signout». Mật khẩu hỏi trên màn hình (không hiện), hoặc dòng đầu của --password-file.\n" +
		"(Signs the command line in: commands that change dossiers or accounts act as this account until the session ends, " +
		"at most 10 hours, or 'motcua signout'. The password is asked on the terminal, not echoed, or read from the first line of --password-file.)"
	pwFile := cmd.Flags().String("password-file", "", "tệp chứa mật khẩu ở dòng đầu («-»: đầu vào chuẩn) / file with the password on its first line ('-': stdin)")
	hours := cmd.Flags().Float64("hours", 10, "thời hạn phiên, giờ (tối đa 10) / session length in hours (at most 10)")
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		if len(pos) > 1 {
			return usageErr("username", "Cần nhiều nhất một tên đăng nhập: motcua signin TÊN", "at most one username: motcua signin NAME")
		}
		if *hours <= 0 || *hours > accounts.MaxSession.Hours() {
			return usageErr("hours", "Thời hạn phiên phải lớn hơn 0 và không quá %g giờ", "the session length must be above 0 and at most %g hours",
				accounts.MaxSession.Hours())
		}
		username := ""
		if len(pos) == 1 {
			username = pos[0]
		} else {
			var err error
			if username, err = promptLine("Tên đăng nhập / username: ", "username"); err != nil {
				return err
			}
		}
		pass, err := secretInput(*pwFile, "Mật khẩu / password: ", "password")
		if err != nil {
			return err
		}
		if _, err := c.open(); err != nil {
			return err
		}
		ctx := context.Background()
		acc := c.accounts()
		s, err := acc.OpenSession(ctx, username, pass, time.Duration(*hours*float64(time.Hour)))
		if err != nil {
			return err
		}
		if old, _ := c.sessionToken(); old != "" && os.Getenv(envSession) == "" {
			acc.CloseSession(ctx, old) // the previous session of this file ends
		}
		if err := writeSecretFile(c.sessionPath(), s.Token); err != nil {
			acc.CloseSession(ctx, s.Token)
			return err
		}
		u, err := acc.Store.GetUser(ctx, s.Username)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã đăng nhập: %s (%s, %s); phiên hết hạn lúc %s\n", u.Username, u.FullName, u.Role.Name(),
			s.Expires.In(motcua.Location).Format("15:04 02/01/2006"))
		return nil
	}
	return cmd
}

func (c *cli) signoutCmd() *cobra.Command {
	cmd := newCmd("signout", "Đăng xuất dòng lệnh (kết thúc phiên) / sign the command line out (ends the session)", "  motcua signout")
	cmd.Args = noArgs
	cmd.RunE = func(*cobra.Command, []string) error {
		tok, err := c.sessionToken()
		if err != nil {
			return err
		}
		if tok == "" {
			fmt.Fprintln(c.out, "Chưa đăng nhập: không có phiên nào để kết thúc")
			return nil
		}
		if _, err := c.open(); err != nil {
			return err
		}
		if err := c.accounts().CloseSession(context.Background(), tok); err != nil {
			return err
		}
		if os.Getenv(envSession) == "" {
			if err := os.Remove(c.sessionPath()); err != nil && !os.IsNotExist(err) {
				return err
			}
		}
		fmt.Fprintln(c.out, "Đã đăng xuất")
		return nil
	}
	return cmd
}

// passwdCmd lets an account replace its own password with the old one: no
// session needed (a bootstrap command: the temporary password of a new
// account is replaced this way before the first `signin`).
func (c *cli) passwdCmd() *cobra.Command {
	cmd := newCmd("passwd USERNAME", "Đổi mật khẩu của chính mình (cần mật khẩu cũ) / change your own password (needs the old one)",
		`  motcua passwd lan.nt                         # hỏi mật khẩu cũ và mới / asks for the old and the new password
  motcua passwd lan.nt --password-file pw.txt  # dòng 1: mật khẩu cũ, dòng 2: mật khẩu mới / line 1: old, line 2: new`)
	pwFile := cmd.Flags().String("password-file", "", "tệp: dòng 1 mật khẩu cũ, dòng 2 mật khẩu mới («-»: đầu vào chuẩn) / file: line 1 the old password, line 2 the new one ('-': stdin)")
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		if len(pos) != 1 {
			return usageErr("username", "Cần đúng một tên đăng nhập: motcua passwd TÊN", "exactly one username: motcua passwd NAME")
		}
		var old, nw string
		if *pwFile != "" {
			lines, err := readSecretLines(*pwFile, 2)
			if err != nil {
				return err
			}
			old, nw = lines[0], lines[1]
		} else {
			var err error
			if old, err = secretInput("", "Mật khẩu hiện tại / current password: ", "old_password"); err != nil {
				return err
			}
			if nw, err = secretInput("", "Mật khẩu mới / new password: ", "new_password"); err != nil {
				return err
			}
			again, err := secretInput("", "Nhập lại mật khẩu mới / new password again: ", "new_password")
			if err != nil {
				return err
			}
			if again != nw {
				return usageErr("new_password", "Hai lần nhập mật khẩu mới không giống nhau", "the two new passwords differ")
			}
		}
		if _, err := c.open(); err != nil {
			return err
		}
		u, err := c.accounts().ChangePassword(context.Background(), pos[0], old, nw)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã đổi mật khẩu của %s\n", u.Username)
		return nil
	}
	return cmd
}

// writeSecretFile writes s to path, mode 0600, replacing it atomically.
func writeSecretFile(path, s string) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil { // an older file of another mode
		f.Close()
		return err
	}
	if _, err := f.WriteString(s + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// secretInput reads a secret: the first line of file ("-": stdin) when
// given, else from the terminal without echo. With no terminal and no file
// the error names --password-file.
func secretInput(file, prompt, field string) (string, error) {
	if file != "" {
		lines, err := readSecretLines(file, 1)
		if err != nil {
			return "", err
		}
		return lines[0], nil
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", usageErr(field, "Không có màn hình để hỏi mật khẩu: dùng --password-file TỆP (hoặc «-» cho đầu vào chuẩn)",
			"no terminal to ask for the password: use --password-file FILE (or '-' for standard input)")
	}
	fmt.Fprint(os.Stderr, prompt)
	b, err := term.ReadPassword(fd)
	fmt.Fprintln(os.Stderr)
	if err != nil {
		return "", err
	}
	if len(b) == 0 {
		return "", usageErr(field, "Chưa nhập mật khẩu", "no password given")
	}
	return string(b), nil
}

// promptLine asks for one line on the terminal.
func promptLine(prompt, field string) (string, error) {
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		return "", usageErr(field, "Cần tên đăng nhập: motcua signin TÊN", "a username is needed: motcua signin NAME")
	}
	fmt.Fprint(os.Stderr, prompt)
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	if line = strings.TrimSpace(line); line == "" {
		return "", usageErr(field, "Chưa nhập tên đăng nhập", "no username given")
	}
	return line, nil
}

// readSecretLines reads the first n lines of file ("-": stdin), each
// non-empty, through a size limit.
func readSecretLines(file string, n int) ([]string, error) {
	var r io.Reader
	if file == "-" {
		r = os.Stdin
	} else {
		f, err := os.Open(file)
		if err != nil {
			return nil, usageErr("password-file", "Không mở được tệp mật khẩu %s", "cannot open the password file %s", file)
		}
		defer f.Close()
		r = f
	}
	sc := bufio.NewScanner(io.LimitReader(r, 4096))
	var lines []string
	for len(lines) < n && sc.Scan() {
		lines = append(lines, strings.TrimRight(sc.Text(), "\r"))
	}
	if len(lines) < n || slicesHasEmpty(lines) {
		if n == 1 {
			return nil, usageErr("password-file", "Tệp mật khẩu %s trống: mật khẩu ở dòng đầu", "the password file %s is empty: the password goes on its first line", file)
		}
		return nil, usageErr("password-file", "Tệp %s cần %d dòng: mật khẩu cũ, rồi mật khẩu mới", "the file %s needs %d lines: the old password, then the new one", file, n)
	}
	return lines, nil
}

func slicesHasEmpty(ss []string) bool {
	for _, s := range ss {
		if s == "" {
			return true
		}
	}
	return false
}
