package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"motcua"
	"motcua/app/accounts"
)

// user manages the counter's accounts from the command line:
//
//	motcua user add USERNAME --name "Nguyễn Thị Lan" --role officer|leader|admin
//	motcua user passwd USERNAME
//	motcua user list [--json]
//
// The password is read from the first line of standard input (or
// MOTCUA_PASSWORD), never from a flag that other users could see in the
// process list. It is temporary: the user chooses their own at the first
// sign-in.
func (c *cli) userCmd() *cobra.Command {
	fs := pflag.NewFlagSet("user", pflag.ContinueOnError)
	name := fs.String("name", "", "họ tên đầy đủ / full name")
	role := fs.String("role", "officer", "vai trò: officer (cán bộ), leader (lãnh đạo), admin (quản trị) / role: officer, leader or admin")
	asJSON := fs.Bool("json", false, jsonUsage)
	run := func(sub string, pos []string) error { return c.user(sub, pos, *name, *role, *asJSON) }
	cmd := group("user", "Tài khoản cán bộ (mật khẩu tạm: dòng đầu của đầu vào chuẩn) / officer accounts (temporary password: first line of stdin)", "", fs, run,
		subSpec{"add USERNAME --name NAME --role ROLE", "Tạo tài khoản với mật khẩu tạm / create an account with a temporary password",
			`  echo "MatKhauTam#2026" | motcua user add lan --name "Nguyễn Thị Lan" --role officer`, "name role"},
		subSpec{"passwd USERNAME", "Quản trị đặt mật khẩu tạm mới (đổi mật khẩu của mình: «motcua passwd») / an administrator sets a new temporary password (your own: 'motcua passwd')", `  echo "MatKhauMoi#2026" | motcua user passwd lan`, ""},
		subSpec{"list", "Liệt kê tài khoản / list the accounts", "  motcua user list\n  motcua user list --json", "json"},
	)
	cmd.Long = "Tài khoản cán bộ / officer accounts.\nMật khẩu đọc từ dòng đầu của đầu vào chuẩn (hoặc MOTCUA_PASSWORD), không bao giờ từ tham số; " +
		"người dùng đổi mật khẩu khi đăng nhập lần đầu.\n(The password is read from the first line of standard input, or MOTCUA_PASSWORD, never from a flag; " +
		"the user chooses their own at the first sign-in.)\n" +
		"add và passwd cần quản trị đã đăng nhập («motcua signin»), trừ tài khoản đầu tiên của trạm (phải là quản trị). " +
		"(add and passwd need a signed-in administrator, except the station's first account, which must be an administrator.)"
	return cmd
}

func (c *cli) user(sub string, pos []string, namev, rolev string, asJSONv bool) error {
	name, role, asJSON := &namev, &rolev, &asJSONv
	if _, err := c.open(); err != nil {
		return err
	}
	acc := c.accounts()
	ctx := context.Background()
	switch sub {
	case "add":
		if len(pos) != 1 {
			return usageErr("username", "Cần đúng một tên đăng nhập: motcua user add TÊN --name … --role …",
				"exactly one username: motcua user add NAME --name … --role …")
		}
		nu := accounts.NewUser{Username: pos[0], FullName: *name, Role: accounts.Role(*role)}
		has, err := acc.HasUsers(ctx)
		if err != nil {
			return err
		}
		var by *accounts.User
		if has {
			// Accounts exist: only a signed-in administrator adds one.
			if by, err = c.signedIn(); err != nil {
				return err
			}
			if err := accounts.Allow(by, accounts.PermUsers); err != nil {
				return err
			}
		} else if nu.Role != accounts.RoleAdmin {
			// Bootstrap: the first account of a station, added by its
			// installer without a session, is its administrator.
			return usageErr("role", "Trạm chưa có tài khoản nào: tài khoản đầu tiên phải là quản trị (--role admin)",
				"the station has no account yet: the first one must be an administrator (--role admin)")
		}
		pass, err := readPassword(c)
		if err != nil {
			return err
		}
		nu.Password = pass
		var u *accounts.User
		if by != nil {
			u, err = acc.Create(ctx, by, nu)
		} else {
			u, err = acc.Provision(ctx, "cài đặt:"+currentUser(), nu)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã tạo tài khoản %s (%s, %s); mật khẩu tạm, đổi khi đăng nhập lần đầu («motcua passwd %s»)\n",
			u.Username, u.FullName, u.Role.Name(), u.Username)
		return nil
	case "passwd":
		if len(pos) != 1 {
			return usageErr("username", "Cần đúng một tên đăng nhập: motcua user passwd TÊN", "exactly one username: motcua user passwd NAME")
		}
		by, err := c.signedIn()
		if err != nil {
			return err
		}
		if err := accounts.Allow(by, accounts.PermUsers); err != nil {
			return err
		}
		pass, err := readPassword(c)
		if err != nil {
			return err
		}
		if err := acc.ResetPassword(ctx, by, pos[0], pass); err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã đặt mật khẩu tạm cho %s; người dùng đổi khi đăng nhập\n", accounts.NormUsername(pos[0]))
		return nil
	}
	// list
	us, err := acc.List(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		type row struct {
			Username   string `json:"username"`
			FullName   string `json:"full_name"`
			Role       string `json:"role"`
			Disabled   bool   `json:"disabled"`
			MustChange bool   `json:"must_change"`
			LastLogin  string `json:"last_login,omitempty"`
		}
		out := []row{}
		for _, u := range us {
			out = append(out, row{u.Username, u.FullName, string(u.Role), u.Disabled, u.MustChange, motcua.FormatTime(u.LastLogin)})
		}
		return c.printJSON(out)
	}
	tw := tabwriter.NewWriter(c.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TÊN ĐĂNG NHẬP\tHỌ TÊN\tVAI TRÒ\tTRẠNG THÁI\tĐĂNG NHẬP GẦN NHẤT")
	for _, u := range us {
		state := "hoạt động"
		switch {
		case u.Disabled:
			state = "đã khóa"
		case u.MustChange:
			state = "chờ đổi mật khẩu"
		}
		last := "—"
		if !u.LastLogin.IsZero() {
			last = u.LastLogin.Format("02/01/2006 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Username, u.FullName, u.Role.Name(), state, last)
	}
	return tw.Flush()
}

// readPassword takes MOTCUA_PASSWORD or the first line of standard input.
func readPassword(*cli) (string, error) {
	if p := os.Getenv("MOTCUA_PASSWORD"); p != "" {
		return p, nil
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", usageErr("password", "Chưa có mật khẩu: đưa vào dòng đầu của đầu vào chuẩn (hoặc biến MOTCUA_PASSWORD)",
			"no password: give it on the first line of standard input (or in MOTCUA_PASSWORD)")
	}
	return line, nil
}
