package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"motcua/app/continuity"
)

func durationMinutes(m int) time.Duration { return time.Duration(m) * time.Minute }

// runbook: motcua runbook list | show KEY [--json] | pdf KEY FILE | import FILE.
func (c *cli) runbook(args []string) error {
	if len(args) == 0 {
		return usageErr("runbook", "Cần «runbook list|show KEY|pdf KEY FILE|import FILE»", "use 'runbook list|show KEY|pdf KEY FILE|import FILE'")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("runbook "+sub, flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	s, pos, err := c.continuityArgs(fs, args)
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
		for _, sc := range continuity.Scenarios() {
			rb := rs.For(sc)
			fmt.Fprintf(tw, "%s\t%s\t%d bước\tphiên bản %s\n", sc, rb.Title, len(rb.Steps), rb.Version)
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
		replaced, err := s.ImportRunbooks(ctx, raw, currentUser())
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã nhập %d kịch bản: %v\n", len(replaced), replaced)
		return nil
	}
	return usageErr("runbook", "Lệnh con «%s» không tồn tại", "unknown subcommand %q", sub)
}

// continuitySub parses "CMD SUB [--json] ARGS…" of a continuity command
// whose subcommand defaults to def, and opens the continuity service.
func (c *cli) continuitySub(cmd, def string, args []string) (sub string, s *continuity.Service, pos []string, asJSON *bool, err error) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") { // "contacts --json" is "contacts list --json"
		args = append([]string{def}, args...)
	}
	sub, args = args[0], args[1:]
	fs := flag.NewFlagSet(cmd+" "+sub, flag.ContinueOnError)
	asJSON = fs.Bool("json", false, "")
	s, pos, err = c.continuityArgs(fs, args)
	return sub, s, pos, asJSON, err
}

// contacts: motcua contacts list [--json] | import FILE | export FILE.
func (c *cli) contacts(args []string) error {
	sub, s, pos, asJSON, err := c.continuitySub("contacts", "list", args)
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
		if err := s.SetContacts(ctx, f.Contacts, currentUser()); err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Đã lưu %d liên hệ\n", len(f.Contacts))
		return nil
	}
	return usageErr("contacts", "Lệnh con «%s» không tồn tại", "unknown subcommand %q", sub)
}

// plan: motcua plan pdf FILE | show [--json] | import FILE.
func (c *cli) plan(args []string) error {
	sub, s, pos, asJSON, err := c.continuitySub("plan", "show", args)
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
		p, err := s.ImportPlan(ctx, raw, currentUser())
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

  incident open --scenario KEY [--severity 1-4] [--title T] [--started RFC3339] [--note TEXT] [--json]
  incident action|note [ID] TEXT     incident notify [ID] --contact WHO [--channel HOW] [--text T]
  incident step [ID] STEP [--undo]   incident close [ID] --summary TEXT [--ended RFC3339]
  incident list [--open] [--json]    incident show [ID] [--json]
  incident report [ID] [--pdf FILE] [--json FILE] [--reconciliation FILE]
      KEY: network province power hardware malware corruption printer disaster other
  runbook list | show KEY [--json] | pdf KEY FILE | import FILE
  contacts list [--json] | import FILE | export FILE
  plan show [--json] | pdf FILE | import FILE
  drill schedule KEY --at RFC3339 [--simulate] | start KEY|ID [--simulate] | step ID STEP
  drill run KEY|ID [--simulate] [--drain-timeout 2m] [--pdf FILE]     (start + the steps, Enter each + finish)
  drill finish ID [--drain-timeout 2m] [--pdf FILE] [--notes T] | cancel ID | list [--json] | report ID [--pdf FILE]
      --simulate: mô phỏng mất kết nối — tạm dừng gửi lên tỉnh tới khi kết thúc, rồi gửi hết và tra cứu tại tỉnh
                  (simulated outage: delivery paused until finish, then drained and checked at the province)
  reserve --count N [--pdf FILE]     (= paper reserve)
  paper list [--json] | pdf BLOCK [FILE]
  paper enter (--code CODE | --seq N) --at RFC3339 --procedure CODE (--cccd LINE | --name N --id-number ID) [--officer O]
  backup config [--dest DIR] [--hour H] [--recipient age1…] [--attachments DIR] [--json]
  backup now [--json] | list [--all] [--json] | verify [ID] [--full] [--identity FILE] | prune
  backup key show | export FILE     backup trust KEY   (trust another station key's signed backups: a replacement PC)
  restore ID [--identity FILE]... | restore --resume      (= backup restore)
  check [--full] [--json]            the startup check: database (read-only), disks, last backup
  pdp log CODE | export --id-number N [--out FILE] | retention [--years N] | purge
`
