package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"motcua/app/continuity"
)

func durationMinutes(m int) time.Duration { return time.Duration(m) * time.Minute }

// scenarioHelp lists the scenario keys.
const scenarioHelp = "network province power hardware malware corruption printer disaster other"

// runbookCmd: motcua runbook list | show KEY [--json] | pdf KEY FILE | import FILE.
func (c *cli) runbookCmd() *cobra.Command {
	fs := pflag.NewFlagSet("runbook", pflag.ContinueOnError)
	asJSON := fs.Bool("json", false, jsonUsage)
	run := func(sub string, pos []string) error { return c.runbook(sub, pos, *asJSON) }
	return group("runbook", "Kịch bản xử lý từng tình huống sự cố / the runbook of each incident scenario", "", fs, run,
		subSpec{"list", "Liệt kê các kịch bản / list the runbooks", "  motcua runbook list", "json"},
		subSpec{"show SCENARIO", "Các bước và người cần gọi của một kịch bản (" + scenarioHelp + ") / a runbook's steps and whom to call",
			"  motcua runbook show network", "json"},
		subSpec{"pdf SCENARIO FILE.pdf", "In kịch bản ra PDF / print a runbook to PDF", "  motcua runbook pdf power mat-dien.pdf", ""},
		subSpec{"import FILE", "Nhập kịch bản của tỉnh (JSON) / import the province's runbooks (JSON)", "  motcua runbook import kich-ban.json", ""},
	)
}

func (c *cli) runbook(sub string, pos []string, asJSONv bool) error {
	asJSON := &asJSONv
	s, err := c.continuity()
	if err != nil {
		return err
	}
	ctx := context.Background()
	rs := s.Runbooks()
	switch sub {
	case "list":
		if *asJSON {
			return c.printJSON(rs)
		}
		tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "TÌNH HUỐNG\tKỊCH BẢN\tSỐ BƯỚC\tPHIÊN BẢN")
		for _, sc := range continuity.Scenarios() {
			rb := rs.For(sc)
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", sc, rb.Title, len(rb.Steps), rb.Version)
		}
		return tw.Flush()
	case "show":
		if len(pos) != 1 {
			return usageErr("scenario", "Cần đúng một tình huống, ví dụ «runbook show network»", "give one scenario, e.g. 'runbook show network'")
		}
		sc, err := continuity.ParseScenario(pos[0])
		if err != nil {
			return err
		}
		rb := rs.For(sc)
		contacts, err := s.ContactsFor(ctx, rb)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(struct {
				*continuity.Runbook
				Call []continuity.Contact `json:"call"`
			}{rb, contacts})
		}
		fmt.Fprintf(c.out, "%s (mức độ mặc định %s; phiên bản %s)\n%s\n\n", rb.Title, rb.Severity.Name(), rb.Version, rb.Summary)
		for i, st := range rb.Steps {
			target := ""
			if st.TargetMinutes > 0 {
				target = fmt.Sprintf(" (trong %d phút)", st.TargetMinutes)
			}
			fmt.Fprintf(c.out, "%d. [%s] %s%s — %s\n   %s\n", i+1, st.ID, st.Title, target, rs.RoleName(st.Role), st.Detail)
		}
		fmt.Fprintln(c.out, "\nLiên hệ:")
		for _, ct := range contacts {
			phone := ct.Phone
			if phone == "" {
				phone = "(chưa có số — motcua contacts import FILE)"
			}
			fmt.Fprintf(c.out, "  %s: %s, %s — %s\n", ct.Title, ct.Name, ct.Organisation, phone)
		}
		return nil
	case "pdf":
		if len(pos) != 2 {
			return usageErr("runbook", "Cần «runbook pdf TÌNH_HUỐNG TỆP.pdf»", "use 'runbook pdf SCENARIO FILE.pdf'")
		}
		sc, err := continuity.ParseScenario(pos[0])
		if err != nil {
			return err
		}
		var b bytes.Buffer
		if err := s.RunbookPDF(ctx, &b, sc); err != nil {
			return err
		}
		if err := writeReport(pos[1], b.Bytes()); err != nil {
			return err
		}
		fmt.Fprintln(c.out, pos[1])
		return nil
	case "import":
		raw, err := readOneFile(pos, "Cần đúng một tệp JSON kịch bản", "give exactly one runbook JSON file")
		if err != nil {
			return err
		}
		who, err := c.actor()
		if err != nil {
			return err
		}
		replaced, err := s.ImportRunbooks(ctx, raw, who)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã nhập %d kịch bản: %v\n", len(replaced), replaced)
		return nil
	}
	return usageErr("runbook", "Lệnh con «%s» không tồn tại", "unknown subcommand %q", sub)
}

// contactsCmd: motcua contacts [list] [--json] | import FILE | export FILE.
func (c *cli) contactsCmd() *cobra.Command {
	fs := pflag.NewFlagSet("contacts", pflag.ContinueOnError)
	asJSON := fs.Bool("json", false, jsonUsage)
	run := func(sub string, pos []string) error { return c.contacts(sub, pos, *asJSON) }
	return group("contacts", "Danh bạ liên hệ khi có sự cố (mặc định: list) / the incident contact list (default: list)", "list", fs, run,
		subSpec{"list", "Liệt kê các liên hệ / list the contacts", "  motcua contacts\n  motcua contacts list --json", "json"},
		subSpec{"import FILE.json", "Thay danh bạ bằng tệp JSON / replace the contacts from a JSON file", "  motcua contacts import danh-ba.json", ""},
		subSpec{"export FILE.json", "Xuất danh bạ ra tệp JSON / export the contacts to a JSON file", "  motcua contacts export danh-ba.json", ""},
	)
}

func (c *cli) contacts(sub string, pos []string, asJSONv bool) error {
	asJSON := &asJSONv
	s, err := c.continuity()
	if err != nil {
		return err
	}
	ctx := context.Background()
	switch sub {
	case "list", "export":
		cs, err := s.Contacts(ctx)
		if err != nil {
			return err
		}
		if sub == "export" {
			if len(pos) != 1 {
				return usageErr("file", "Cần «contacts export TỆP.json»", "use 'contacts export FILE.json'")
			}
			b, _ := json.MarshalIndent(struct {
				Contacts []continuity.Contact `json:"contacts"`
			}{cs}, "", "  ")
			return writeReport(pos[0], append(b, '\n'))
		}
		if *asJSON {
			return c.printJSON(cs)
		}
		tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "VAI TRÒ\tCHỨC DANH\tHỌ TÊN\tĐƠN VỊ\tĐIỆN THOẠI")
		for _, ct := range cs {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", ct.Role, ct.Title, ct.Name, ct.Organisation, ct.Phone)
		}
		return tw.Flush()
	case "import":
		raw, err := readOneFile(pos, "Cần «contacts import TỆP.json»", "use 'contacts import FILE.json'")
		if err != nil {
			return err
		}
		var f struct {
			Contacts []continuity.Contact `json:"contacts"`
		}
		if err := json.Unmarshal(raw, &f); err != nil {
			return usageErr("file", "Tệp danh bạ không đúng JSON: %v", "the contact file is not valid JSON: %v", err)
		}
		who, err := c.actor()
		if err != nil {
			return err
		}
		if err := s.SetContacts(ctx, f.Contacts, who); err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã lưu %d liên hệ\n", len(f.Contacts))
		return nil
	}
	return usageErr("contacts", "Lệnh con «%s» không tồn tại", "unknown subcommand %q", sub)
}

// planCmd: motcua plan [show] [--json] | pdf FILE | import FILE.
func (c *cli) planCmd() *cobra.Command {
	fs := pflag.NewFlagSet("plan", pflag.ContinueOnError)
	asJSON := fs.Bool("json", false, jsonUsage)
	run := func(sub string, pos []string) error { return c.plan(sub, pos, *asJSON) }
	return group("plan", "Phương án bảo đảm hoạt động liên tục (mặc định: show) / the continuity plan (default: show)", "show", fs, run,
		subSpec{"show", "Tóm tắt phương án / the plan in short", "  motcua plan\n  motcua plan show --json", "json"},
		subSpec{"pdf FILE.pdf", "In phương án ra PDF, kèm diễn tập và sao lưu / print the plan to PDF, with drills and backups", "  motcua plan pdf phuong-an.pdf", ""},
		subSpec{"import FILE.json", "Nhập phương án của tỉnh (JSON) / import the province's plan (JSON)", "  motcua plan import phuong-an.json", ""},
	)
}

func (c *cli) plan(sub string, pos []string, asJSONv bool) error {
	asJSON := &asJSONv
	s, err := c.continuity()
	if err != nil {
		return err
	}
	ctx := context.Background()
	switch sub {
	case "show":
		p, err := s.LoadPlan(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(p)
		}
		fmt.Fprintf(c.out, "%s (phiên bản %s)\n", p.Title, p.Version)
		for _, l := range p.LegalBasis {
			fmt.Fprintf(c.out, "  căn cứ: %s [%s]\n", l.Ref, l.Status)
		}
		for i, sec := range p.Sections {
			fmt.Fprintf(c.out, "%d. %s\n", i+1, sec.Title)
		}
		return nil
	case "pdf":
		if len(pos) != 1 {
			return usageErr("file", "Cần «plan pdf TỆP.pdf»", "use 'plan pdf FILE.pdf'")
		}
		var b bytes.Buffer
		if err := s.PlanPDF(ctx, &b, c.planExtras(ctx, s)); err != nil {
			return err
		}
		if err := writeReport(pos[0], b.Bytes()); err != nil {
			return err
		}
		fmt.Fprintln(c.out, pos[0])
		return nil
	case "import":
		raw, err := readOneFile(pos, "Cần «plan import TỆP.json»", "use 'plan import FILE.json'")
		if err != nil {
			return err
		}
		who, err := c.actor()
		if err != nil {
			return err
		}
		p, err := s.ImportPlan(ctx, raw, who)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã nhập phương án «%s» (%d mục)\n", p.Title, len(p.Sections))
		return nil
	}
	return usageErr("plan", "Lệnh con «%s» không tồn tại", "unknown subcommand %q", sub)
}

// planExtras gathers the live parts of the printed plan.
func (c *cli) planExtras(ctx context.Context, s *continuity.Service) continuity.PlanExtras {
	var ex continuity.PlanExtras
	if ds, err := s.Drills(ctx, 20); err == nil {
		for _, d := range ds {
			ex.Drills = append(ex.Drills, d.Line())
		}
	}
	if len(ex.Drills) == 0 {
		ex.Drills = []string{"Chưa có cuộc diễn tập nào được ghi nhận (motcua drill schedule / motcua drill run)."}
	}
	ex.Backup = c.backupPolicyLine(ctx)
	return ex
}

// continuityUsage lists the continuity plan's commands (`motcua continuity`).
const continuityUsage = `motcua — phương án bảo đảm hoạt động liên tục / the continuity plan

  incident open --scenario KEY [--severity 1-4] [--title T] [--started DATE] [--note TEXT] [--json]
  incident action|note [ID] TEXT     incident notify [ID] --contact WHO [--channel HOW] [--text T]
  incident step [ID] STEP [--undo]   incident close [ID] --summary TEXT [--ended DATE]
  incident list [--open] [--json]    incident show [ID] [--json]
  incident report [ID] [--pdf FILE] [--json FILE] [--reconciliation FILE]
      KEY: network province power hardware malware corruption printer disaster other
  runbook list | show KEY [--json] | pdf KEY FILE | import FILE
  contacts list [--json] | import FILE | export FILE
  plan show [--json] | pdf FILE | import FILE
  drill schedule KEY --at DATE [--simulate] | start KEY|ID [--simulate] | step ID STEP
  drill run KEY|ID [--simulate] [--drain-timeout 2m] [--pdf FILE]     (start + the steps, Enter each + finish)
  drill finish ID [--drain-timeout 2m] [--pdf FILE] [--notes T] | cancel ID | list [--json] | report ID [--pdf FILE]
      --simulate: mô phỏng mất kết nối — tạm dừng gửi lên tỉnh tới khi kết thúc, rồi gửi hết và tra cứu tại tỉnh
                  (simulated outage: delivery paused until finish, then drained and checked at the province)
  reserve --count N [--pdf FILE]     (= paper reserve)
  paper list [--json] | pdf BLOCK [FILE]
  paper enter (--code CODE | --seq N) --at DATE --procedure CODE (--cccd LINE | --name N --id-number ID) [--officer O]
  backup config [--dest DIR] [--hour H] [--recipient age1…] [--attachments DIR] [--json]
  backup now [--json] | list [--all] [--json] | verify [ID] [--full] [--identity FILE] | prune
  backup key show | export FILE     backup trust KEY   (trust another station key's signed backups: a replacement PC)
  restore ID [--identity FILE]... | restore --resume      (= backup restore)
  check [--full] [--json]            the startup check: database (read-only), disks, last backup
  pdp log CODE | export --id-number N [--out FILE] | retention [--years N] | purge [--apply]
      DATE: DD/MM/YYYY, YYYY-MM-DD hoặc/or RFC 3339. Chi tiết / details: motcua help COMMAND
`
