package cli

import (
	"context"
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"motcua"
	"motcua/app/forms"
)

// printerCmd: motcua printer list [--json] | printer set NAME|--default
// [--force]. The chosen printer is the station setting the window's
// Settings → Máy in changes; empty is the system's default printer.
func (c *cli) printerCmd() *cobra.Command {
	cmd := newCmd("printer", "Máy in các phiếu / the forms printer", "")
	cmd.RunE = needSub
	ctx := context.Background()
	list := newCmd("list", "Các máy in và máy đang chọn / the printers and the chosen one", "  motcua printer list")
	asJSON := list.Flags().Bool("json", false, jsonUsage)
	list.Args = noArgs
	list.RunE = func(*cobra.Command, []string) error {
		svc, err := c.open()
		if err != nil {
			return err
		}
		chosen, err := svc.Printer(ctx)
		if err != nil {
			return err
		}
		ps, listErr := forms.Printers(ctx)
		if *asJSON {
			if listErr != nil {
				return listErr
			}
			return c.printJSON(struct {
				Chosen   string          `json:"chosen"` // "" = the system default
				Printers []forms.Printer `json:"printers"`
			}{chosen, ps})
		}
		if chosen == "" {
			fmt.Fprintln(c.out, "Đang dùng: máy in mặc định của hệ thống")
		} else {
			fmt.Fprintf(c.out, "Đang dùng: %s\n", chosen)
		}
		if listErr != nil {
			return listErr
		}
		if len(ps) == 0 {
			fmt.Fprintln(c.out, "Không có máy in nào được cài trên máy này")
		}
		for _, p := range ps {
			mark := "  "
			if p.Name == chosen {
				mark = "* "
			}
			if p.Default {
				fmt.Fprintf(c.out, "%s%s (mặc định của hệ thống)\n", mark, p.Name)
			} else {
				fmt.Fprintf(c.out, "%s%s\n", mark, p.Name)
			}
		}
		return nil
	}
	set := newCmd("set (NAME | --default)", "Chọn máy in cho các phiếu / choose the printer of the forms",
		`  motcua printer set "HP LaserJet M211"\n  motcua printer set --default`)
	def := set.Flags().Bool("default", false, "dùng máy in mặc định của hệ thống / use the system's default printer")
	force := set.Flags().Bool("force", false, "chọn cả máy in chưa cài trên máy này / choose a printer not installed yet")
	set.RunE = func(_ *cobra.Command, pos []string) error {
		if *def == (len(pos) == 1) || len(pos) > 1 {
			return usageErr("printer", "Cần đúng một tên máy in hoặc --default", "give exactly one printer name or --default")
		}
		name := ""
		if !*def {
			name = pos[0]
			// A printer not installed is refused when the list can be read;
			// --force keeps it anyway (set up before the printer is).
			if ps, err := forms.Printers(ctx); err == nil && !*force &&
				!slices.ContainsFunc(ps, func(p forms.Printer) bool { return p.Name == name }) {
				var names []string
				for _, p := range ps {
					names = append(names, p.Name)
				}
				return motcua.Errorf(motcua.KindNotFound, motcua.ErrNotFound, "printer",
					"Không có máy in «%s» trên máy này (có: %v); dùng --force để vẫn chọn", "no printer %q on this PC (installed: %v); --force chooses it anyway", name, names)
			}
		}
		svc, err := c.open()
		if err != nil {
			return err
		}
		who, err := c.actor()
		if err != nil {
			return err
		}
		if err := svc.SetPrinter(ctx, name, who); err != nil {
			return err
		}
		if name == "" {
			fmt.Fprintln(c.out, "Các phiếu in ra máy in mặc định của hệ thống")
		} else {
			fmt.Fprintf(c.out, "Các phiếu in ra máy in «%s»\n", name)
		}
		return nil
	}
	cmd.AddCommand(list, set)
	return cmd
}
