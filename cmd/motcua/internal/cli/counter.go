package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// counterPhoneCmd: motcua counter-phone [PHONE | --clear]. Shows the
// counter's phone, or sets it (an administrator's setting: needs signin).
func (c *cli) counterPhoneCmd() *cobra.Command {
	cmd := newCmd("counter-phone [PHONE]", "Số điện thoại của Bộ phận Một cửa, in trên phiếu («liên hệ …») / the counter's phone, printed on the forms",
		"  motcua counter-phone\n  motcua counter-phone \"0237 3852 123\"\n  motcua counter-phone --clear")
	clear := cmd.Flags().Bool("clear", false, "xóa số điện thoại / clear the phone number")
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		if len(pos) > 1 {
			return usageErr("phone", "Cần nhiều nhất một số điện thoại (đặt trong dấu ngoặc kép nếu có dấu cách)", "at most one phone number (quote it if it has spaces)")
		}
		svc, err := c.open()
		if err != nil {
			return err
		}
		ctx := context.Background()
		if len(pos) == 0 && !*clear {
			p, err := svc.CounterPhone(ctx)
			if err != nil {
				return err
			}
			if p == "" {
				p = "(chưa đặt / not set)"
			}
			fmt.Fprintln(c.out, p)
			return nil
		}
		who, err := c.actor()
		if err != nil {
			return err
		}
		phone := ""
		if len(pos) == 1 {
			phone = pos[0]
		}
		if err := svc.SetCounterPhone(ctx, who, phone); err != nil {
			return err
		}
		if phone == "" {
			fmt.Fprintln(c.out, "Đã xóa số điện thoại của Bộ phận Một cửa")
		} else {
			fmt.Fprintf(c.out, "Số điện thoại của Bộ phận Một cửa: %s\n", phone)
		}
		return nil
	}
	return cmd
}
