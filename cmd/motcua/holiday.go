package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"motcua"
	"motcua/app"
)

const holidayUsage = `holiday list [--year YYYY] [--json]
holiday add DATE --name "Tên" [--kind off|compensatory|workday] [--unconfirmed] [--source "Văn bản"]
holiday edit DATE [--date NEW] [--name "Tên"] [--kind K] [--confirmed=true|false] [--source "Văn bản"]
holiday remove DATE
holiday export -o FILE       holiday import FILE
  DATE: YYYY-MM-DD hoặc NN/TT/NNNN, năm 2000–2099. off = nghỉ lễ, compensatory = nghỉ bù, workday = làm bù (thứ Bảy/Chủ nhật)`

// holiday: the holiday calendar editor of the command line. It acts for
// whoever runs it on the PC (app.Operator), as `catalog import` does; the
// window asks for the administrator's role.
func (c *cli) holiday(args []string) error {
	if len(args) == 0 {
		return usageErr("holiday", "Cần một lệnh con:\n%s", "a subcommand is needed:\n%s", holidayUsage)
	}
	sub, args := args[0], args[1:]
	ctx := context.Background()
	ed := app.Operator(currentUser())
	switch sub {
	case "list":
		fs := flag.NewFlagSet("holiday list", flag.ContinueOnError)
		year := fs.Int("year", c.now().Year(), "")
		asJSON := fs.Bool("json", false, "")
		if _, err := parseFlags(fs, args); err != nil {
			return err
		}
		svc, err := c.open()
		if err != nil {
			return err
		}
		days, err := svc.HolidayYear(*year)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(days)
		}
		tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
		for _, d := range days {
			t, _ := time.Parse("2006-01-02", d.Date)
			mark := ""
			if !d.Confirmed {
				mark = "chưa xác nhận"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.Date, viWeekdays[t.Weekday()], kindWord(d.Kind), d.Name, mark, d.Source)
		}
		return tw.Flush()
	case "add":
		fs := flag.NewFlagSet("holiday add", flag.ContinueOnError)
		name := fs.String("name", "", "")
		kind := fs.String("kind", "off", "")
		unconfirmed := fs.Bool("unconfirmed", false, "")
		source := fs.String("source", "", "")
		pos, err := parseFlags(fs, args)
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return usageErr("date", "Cần đúng một ngày: holiday add DATE --name …", "give exactly one date: holiday add DATE --name …")
		}
		svc, err := c.open()
		if err != nil {
			return err
		}
		d, err := svc.AddHoliday(ctx, ed, motcua.DayOff{Date: pos[0], Kind: *kind, Name: *name, Source: *source, Confirmed: !*unconfirmed})
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã thêm %s (%s): %s\n", d.Date, kindWord(d.Kind), d.Name)
		return nil
	case "edit":
		fs := flag.NewFlagSet("holiday edit", flag.ContinueOnError)
		date := fs.String("date", "", "")
		name := fs.String("name", "", "")
		kind := fs.String("kind", "", "")
		confirmed := fs.Bool("confirmed", true, "")
		source := fs.String("source", "", "")
		pos, err := parseFlags(fs, args)
		if err != nil {
			return err
		}
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
		fs.Visit(func(f *flag.Flag) {
			switch f.Name {
			case "date":
				d.Date = *date
			case "name":
				d.Name = *name
			case "kind":
				d.Kind = *kind
			case "confirmed":
				d.Confirmed = *confirmed
			case "source":
				d.Source = *source
			}
		})
		got, err := svc.EditHoliday(ctx, ed, old, *d)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã sửa %s (%s): %s\n", got.Date, kindWord(got.Kind), got.Name)
		return nil
	case "remove":
		pos, err := parseFlags(flag.NewFlagSet("holiday remove", flag.ContinueOnError), args)
		if err != nil {
			return err
		}
		if len(pos) != 1 {
			return usageErr("date", "Cần đúng một ngày: holiday remove DATE", "give exactly one date: holiday remove DATE")
		}
		svc, err := c.open()
		if err != nil {
			return err
		}
		if err := svc.RemoveHoliday(ctx, ed, pos[0]); err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã xóa %s khỏi lịch ngày nghỉ\n", pos[0])
		return nil
	case "export":
		fs := flag.NewFlagSet("holiday export", flag.ContinueOnError)
		out := fs.String("o", "", "")
		if _, err := parseFlags(fs, args); err != nil {
			return err
		}
		if *out == "" {
			return usageErr("o", "Cần tệp đích: holiday export -o FILE", "give the output file: holiday export -o FILE")
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
	case "import":
		raw, svc, err := c.oneFile("holiday import", args, "Cần đúng một tệp JSON lịch ngày nghỉ", "give exactly one holiday table JSON file")
		if err != nil {
			return err
		}
		if err := svc.ImportHolidays(ctx, raw, currentUser()); err != nil {
			return err
		}
		fmt.Fprintln(c.out, "Đã nhập lịch ngày nghỉ")
		return nil
	}
	return usageErr("holiday", "Lệnh con «%s» không có; dùng:\n%s", "unknown subcommand %q; use:\n%s", sub, holidayUsage)
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
		return usageErr("o", "Không ghi được tệp «%s»: %v", "cannot write %q: %v", path, err)
	}
	return nil
}
