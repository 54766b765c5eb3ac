package cli

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"motcua"
	"motcua/app"
)

// holidayCmd: the holiday calendar editor of the command line. Its
// changes act as the signed-in account (motcua signin), and the service
// checks the calendar permission (app.PermCalendar) as for the window.
func (c *cli) holidayCmd() *cobra.Command {
	cmd := newCmd("holiday", "Lịch ngày nghỉ lễ, nghỉ bù, làm bù / the holiday calendar", "")
	cmd.Long = "Lịch ngày nghỉ lễ, nghỉ bù, làm bù / the holiday calendar.\n" +
		"DATE: " + dateHelp + ", năm 2000–2099. off = nghỉ lễ, compensatory = nghỉ bù, workday = làm bù (thứ Bảy/Chủ nhật)."
	cmd.RunE = needSub
	ctx := context.Background()
	kindUsage := "loại: off (nghỉ lễ), compensatory (nghỉ bù), workday (làm bù) / kind: off, compensatory or workday"
	sourceUsage := "văn bản quy định (ví dụ Thông báo 6150/TB-LĐTBXH) / the act that sets it"

	list := newCmd("list", "Các ngày của một năm / the days of a year", "  motcua holiday list --year 2027\n  motcua holiday list --json")
	year := list.Flags().Int("year", c.now().Year(), "năm (mặc định năm nay) / year (default this year)")
	listJSON := list.Flags().Bool("json", false, jsonUsage)
	list.Args = noArgs
	list.RunE = func(*cobra.Command, []string) error {
		svc, err := c.open()
		if err != nil {
			return err
		}
		days, err := svc.HolidayYear(*year)
		if err != nil {
			return err
		}
		if *listJSON {
			return c.printJSON(days)
		}
		tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "NGÀY\tTHỨ\tLOẠI\tTÊN\tXÁC NHẬN\tVĂN BẢN")
		for _, d := range days {
			t, _ := time.Parse("2006-01-02", d.Date)
			mark := "đã xác nhận"
			if !d.Confirmed {
				mark = "chưa xác nhận"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.Date, viWeekdays[t.Weekday()], kindWord(d.Kind), d.Name, mark, d.Source)
		}
		return tw.Flush()
	}

	add := newCmd("add DATE --name NAME", "Thêm một ngày / add a day",
		`  motcua holiday add 02/09/2027 --name "Quốc khánh"
  motcua holiday add 2027-09-04 --name "Làm bù" --kind workday --source "Thông báo 123/TB"`)
	name := add.Flags().String("name", "", "tên ngày nghỉ / the day's name")
	kind := add.Flags().String("kind", "off", kindUsage)
	unconfirmed := add.Flags().Bool("unconfirmed", false, "chưa có văn bản chính thức / not yet officially announced")
	source := add.Flags().String("source", "", sourceUsage)
	add.RunE = func(_ *cobra.Command, pos []string) error {
		if len(pos) != 1 {
			return usageErr("date", "Cần đúng một ngày: holiday add DATE --name …", "give exactly one date: holiday add DATE --name …")
		}
		svc, err := c.open()
		if err != nil {
			return err
		}
		ed, err := c.actor()
		if err != nil {
			return err
		}
		d, err := svc.AddHoliday(ctx, ed, motcua.DayOff{Date: pos[0], Kind: *kind, Name: *name, Source: *source, Confirmed: !*unconfirmed})
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã thêm %s (%s): %s\n", d.Date, kindWord(d.Kind), d.Name)
		return nil
	}

	edit := newCmd("edit DATE", "Sửa một ngày (chỉ những gì được ghi) / change a day (only what is given)",
		`  motcua holiday edit 2027-02-15 --date 2027-02-16
  motcua holiday edit 02/09/2027 --confirmed=false`)
	efs := edit.Flags()
	newDate := efs.String("date", "", "ngày mới / the new date")
	eName := efs.String("name", "", "tên mới / the new name")
	eKind := efs.String("kind", "", kindUsage)
	confirmed := efs.Bool("confirmed", true, "đã có văn bản chính thức (--confirmed=false: chưa) / officially announced (--confirmed=false: not yet)")
	eSource := efs.String("source", "", sourceUsage)
	edit.RunE = func(_ *cobra.Command, pos []string) error {
		if len(pos) != 1 {
			return usageErr("date", "Cần đúng một ngày: holiday edit DATE …", "give exactly one date: holiday edit DATE …")
		}
		svc, err := c.open()
		if err != nil {
			return err
		}
		old, err := app.ParseHolidayDate(pos[0])
		if err != nil {
			return err
		}
		days, err := svc.HolidayYear(yearOfDate(old))
		if err != nil {
			return err
		}
		var d *motcua.DayOff
		for i := range days {
			if days[i].Date == old {
				d = &days[i]
			}
		}
		if d == nil {
			return motcua.Errorf(motcua.KindNotFound, motcua.ErrNotFound, "date", "Ngày %s không có trong lịch ngày nghỉ", "%s is not in the holiday calendar", old)
		}
		efs.Visit(func(f *pflag.Flag) {
			switch f.Name {
			case "date":
				d.Date = *newDate
			case "name":
				d.Name = *eName
			case "kind":
				d.Kind = *eKind
			case "confirmed":
				d.Confirmed = *confirmed
			case "source":
				d.Source = *eSource
			}
		})
		ed, err := c.actor()
		if err != nil {
			return err
		}
		got, err := svc.EditHoliday(ctx, ed, old, *d)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã sửa %s (%s): %s\n", got.Date, kindWord(got.Kind), got.Name)
		return nil
	}

	remove := newCmd("remove DATE", "Xoá một ngày / remove a day", "  motcua holiday remove 2027-09-04")
	remove.RunE = func(_ *cobra.Command, pos []string) error {
		if len(pos) != 1 {
			return usageErr("date", "Cần đúng một ngày: holiday remove DATE", "give exactly one date: holiday remove DATE")
		}
		svc, err := c.open()
		if err != nil {
			return err
		}
		ed, err := c.actor()
		if err != nil {
			return err
		}
		if err := svc.RemoveHoliday(ctx, ed, pos[0]); err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã xóa %s khỏi lịch ngày nghỉ\n", pos[0])
		return nil
	}

	export := newCmd("export -o FILE", "Xuất lịch ra tệp JSON («-»: in ra) / export the calendar to JSON ('-': print)",
		"  motcua holiday export -o ngay-nghi.json\n  motcua holiday export -o -")
	out := export.Flags().StringP("output", "o", "", "tệp JSON để ghi («-»: in ra) / JSON file to write ('-': print)")
	export.Args = noArgs
	export.RunE = func(*cobra.Command, []string) error {
		if *out == "" {
			return usageErr("output", "Cần tệp đích: holiday export -o FILE", "give the output file: holiday export -o FILE")
		}
		svc, err := c.open()
		if err != nil {
			return err
		}
		raw, err := svc.ExportHolidays(ctx)
		if err != nil {
			return err
		}
		if *out == "-" {
			_, err = c.out.Write(raw)
			return err
		}
		return writeFileAtomic(*out, raw)
	}

	imp := newCmd("import FILE", "Nhập lịch từ tệp JSON / import the calendar from JSON", "  motcua holiday import ngay-nghi-2027.json")
	imp.RunE = func(_ *cobra.Command, pos []string) error {
		raw, svc, err := c.oneFile(pos, "Cần đúng một tệp JSON lịch ngày nghỉ", "give exactly one holiday table JSON file")
		if err != nil {
			return err
		}
		who, err := c.actor()
		if err != nil {
			return err
		}
		if err := svc.ImportHolidays(ctx, raw, who); err != nil {
			return err
		}
		fmt.Fprintln(c.out, "Đã nhập lịch ngày nghỉ")
		return nil
	}
	cmd.AddCommand(list, add, edit, remove, export, imp)
	return cmd
}

var viWeekdays = [...]string{"CN", "T2", "T3", "T4", "T5", "T6", "T7"}

func kindWord(kind string) string {
	switch kind {
	case motcua.DayOffHoliday:
		return "nghỉ lễ"
	case motcua.DayOffSubstitute:
		return "nghỉ bù"
	case motcua.DayOffWorking:
		return "làm bù"
	}
	return kind
}

func yearOfDate(date string) int {
	t, _ := time.Parse("2006-01-02", date)
	return t.Year()
}

// writeFileAtomic writes a file through a temporary name, so that a
// failure never leaves half a file under the final name.
func writeFileAtomic(path string, raw []byte) error {
	if err := writeFile(path, raw, 0o644); err != nil {
		return usageErr("output", "Không ghi được tệp «%s»: %v", "cannot write %q: %v", path, err)
	}
	return nil
}
