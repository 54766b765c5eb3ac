package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"motcua"
	"motcua/app/continuity"
)

// continuity opens the store and builds the continuity service.
func (c *cli) continuity() (*continuity.Service, error) {
	svc, err := c.open()
	if err != nil {
		return nil, err
	}
	return continuity.New(context.Background(), svc, c.store)
}

// incidentCmd: motcua incident open|action|note|notify|step|close|list|show|report.
func (c *cli) incidentCmd() *cobra.Command {
	cmd := newCmd("incident", "Sự cố: mở, ghi diễn biến, đóng, báo cáo / incidents: open, log, close, report", "")
	cmd.Long = "Sự cố: mở, ghi diễn biến, đóng, báo cáo / incidents: open, log, close, report.\n" +
		"ID: số sự cố (#3 hoặc 3); bỏ trống khi chỉ có một sự cố đang mở / the incident number; omit it when only one is open.\n" +
		"SCENARIO: " + scenarioHelp
	cmd.RunE = needSub
	cmd.AddCommand(c.incidentOpenCmd(), c.incidentRecordCmd("action"), c.incidentRecordCmd("note"), c.incidentRecordCmd("notify"),
		c.incidentStepCmd(), c.incidentCloseCmd(), c.incidentListCmd(), c.incidentShowCmd(), c.incidentReportCmd())
	return cmd
}

func (c *cli) incidentOpenCmd() *cobra.Command {
	cmd := newCmd("open --scenario SCENARIO", "Mở một sự cố và in các bước của kịch bản / open an incident and print its runbook's steps",
		`  motcua incident open --scenario network --note "Mất mạng từ 8 giờ"
  motcua incident open --scenario power --severity 3 --started 2026-11-24T08:10:00+07:00`)
	fs := cmd.Flags()
	scenario := fs.String("scenario", "", "tình huống: "+scenarioHelp+" / the scenario")
	severity := fs.Int("severity", 0, "mức độ 1–4 (mặc định theo kịch bản) / severity 1–4 (default the runbook's)")
	title := fs.String("title", "", "tiêu đề (mặc định tên tình huống) / title (default the scenario's name)")
	started := fs.String("started", "", "bắt đầu lúc (mặc định bây giờ), "+dateHelp+" / started at (default now)")
	note := fs.String("note", "", "ghi chú đầu tiên / a first note")
	by := refusedBy(fs)
	asJSON := fs.Bool("json", false, jsonUsage)
	cmd.Args = noArgs
	cmd.RunE = func(*cobra.Command, []string) error {
		who, err := c.actorNotBy(*by)
		if err != nil {
			return err
		}
		sc, err := continuity.ParseScenario(*scenario)
		if err != nil {
			return err
		}
		req := continuity.OpenRequest{Scenario: sc, Severity: continuity.Severity(*severity), Title: *title, Note: *note, By: who.Username}
		if req.StartedAt, err = optDate("started", *started); err != nil {
			return err
		}
		s, err := c.continuity()
		if err != nil {
			return err
		}
		inc, err := s.Open(context.Background(), req)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(inc)
		}
		fmt.Fprintf(c.out, "Đã mở sự cố #%d: %s (mức %s), bắt đầu %s\n", inc.ID, inc.Title, inc.Severity.Name(), motcua.FormatTime(inc.StartedAt))
		rb := s.Runbooks().For(sc)
		fmt.Fprintf(c.out, "Kịch bản: motcua runbook show %s — đánh dấu bước đã làm: motcua incident step %d BƯỚC\n", sc, inc.ID)
		for i, st := range rb.Steps {
			fmt.Fprintf(c.out, "  %d. [%s] %s — %s\n", i+1, st.ID, st.Title, s.Runbooks().RoleName(st.Role))
		}
		return nil
	}
	return cmd
}

// incidentID reads the incident number, or takes the only open incident
// when none is given.
// incidentArgs opens the continuity service for a command on one
// incident: the first positional argument (or the one open incident)
// names it.
func (c *cli) incidentArgs(pos []string) (*continuity.Service, int64, []string, error) {
	s, err := c.continuity()
	if err != nil {
		return nil, 0, nil, err
	}
	id, rest, err := c.incidentID(s, pos)
	return s, id, rest, err
}

func (c *cli) incidentID(s *continuity.Service, pos []string) (int64, []string, error) {
	if len(pos) > 0 {
		if id, err := strconv.ParseInt(strings.TrimPrefix(pos[0], "#"), 10, 64); err == nil {
			return id, pos[1:], nil
		}
	}
	open, err := s.OpenIncidents(context.Background())
	if err != nil {
		return 0, nil, err
	}
	switch len(open) {
	case 1:
		return open[0].ID, pos, nil
	case 0:
		return 0, nil, usageErr("incident", "Không có sự cố nào đang mở; cần số sự cố", "no incident is open; give its number")
	}
	var ids []string
	for _, inc := range open {
		ids = append(ids, fmt.Sprintf("#%d", inc.ID))
	}
	return 0, nil, usageErr("incident", "Đang có nhiều sự cố mở (%s); cần ghi số sự cố", "several incidents are open (%s); give its number", strings.Join(ids, ", "))
}

func (c *cli) incidentRecordCmd(kind string) *cobra.Command {
	var cmd *cobra.Command
	switch kind {
	case "action":
		cmd = newCmd("action [ID] TEXT", "Ghi một việc đã làm / log an action taken",
			`  motcua incident action "Chuyển sang 4G dự phòng"`)
	case "note":
		cmd = newCmd("note [ID] TEXT", "Ghi một ghi chú / log a note", `  motcua incident note 3 "Nhà mạng hẹn 10 giờ"`)
	case "notify":
		cmd = newCmd("notify [ID] --contact WHO", "Ghi đã báo cho ai, bằng cách nào / log who was told, and how",
			`  motcua incident notify --contact "Sở TTTT" --channel "điện thoại" --text "Báo mất kết nối"`)
	}
	fs := cmd.Flags()
	text := fs.String("text", "", "nội dung (hoặc ghi sau ID) / the text (or after the ID)")
	var contact, channel *string
	if kind == "notify" {
		contact = fs.String("contact", "", "người/đơn vị được báo / who was told")
		channel = fs.String("channel", "", "báo bằng cách nào (điện thoại, Zalo…) / how (phone, chat…)")
	} else {
		contact, channel = new(string), new(string)
	}
	at := fs.String("at", "", "lúc (mặc định bây giờ), "+dateHelp+" / at (default now)")
	by := refusedBy(fs)
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		who, err := c.actorNotBy(*by)
		if err != nil {
			return err
		}
		s, id, rest, err := c.incidentArgs(pos)
		if err != nil {
			return err
		}
		e := continuity.LogEntry{Kind: continuity.LogKind(kind), Actor: who.Username, Text: strings.TrimSpace(*text + " " + strings.Join(rest, " ")),
			Contact: *contact, Channel: *channel}
		if e.At, err = optDate("at", *at); err != nil {
			return err
		}
		inc, err := s.Record(context.Background(), id, e)
		if err != nil {
			return err
		}
		last := inc.Log[len(inc.Log)-1]
		fmt.Fprintf(c.out, "Sự cố #%d: %s  %s\n", id, motcua.FormatTime(last.At), last.Text)
		return nil
	}
	return cmd
}

func (c *cli) incidentStepCmd() *cobra.Command {
	cmd := newCmd("step [ID] STEP", "Đánh dấu một bước của kịch bản đã làm / mark a runbook step done",
		"  motcua incident step notify\n  motcua incident step 3 notify --undo")
	undo := cmd.Flags().Bool("undo", false, "bỏ đánh dấu / un-mark the step")
	by := refusedBy(cmd.Flags())
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		who, err := c.actorNotBy(*by)
		if err != nil {
			return err
		}
		s, id, rest, err := c.incidentArgs(pos)
		if err != nil {
			return err
		}
		if len(rest) != 1 {
			return usageErr("step", "Cần đúng một mã bước (xem «motcua runbook show TÌNH_HUỐNG»)", "give exactly one step id (see 'motcua runbook show SCENARIO')")
		}
		inc, err := s.TickStep(context.Background(), id, rest[0], who.Username, !*undo)
		if err != nil {
			return err
		}
		done := inc.Steps()
		rb := s.Runbooks().For(inc.Scenario)
		fmt.Fprintf(c.out, "Sự cố #%d — %d/%d bước đã làm\n", id, len(done), len(rb.Steps))
		for i, st := range rb.Steps {
			mark := "[ ]"
			when := ""
			if d, ok := done[st.ID]; ok {
				mark, when = "[x]", "  "+motcua.FormatTime(d.At)+" "+d.By
			}
			fmt.Fprintf(c.out, "  %s %d. %s%s\n", mark, i+1, st.Title, when)
		}
		return nil
	}
	return cmd
}

func (c *cli) incidentCloseCmd() *cobra.Command {
	cmd := newCmd("close [ID] --summary TEXT", "Đóng sự cố và đối chiếu hồ sơ tiếp nhận trong thời gian sự cố / close an incident and reconcile its dossiers",
		`  motcua incident close --summary "Có mạng lại lúc 10:20, đã gửi hết hàng đợi"`)
	fs := cmd.Flags()
	summary := fs.String("summary", "", "tóm tắt sự cố (bắt buộc) / summary (required)")
	ended := fs.String("ended", "", "kết thúc lúc (mặc định bây giờ), "+dateHelp+" / ended at (default now)")
	asJSON := fs.Bool("json", false, jsonUsage)
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		s, id, rest, err := c.incidentArgs(pos)
		if err != nil {
			return err
		}
		who, err := c.actor()
		if err != nil {
			return err
		}
		req := continuity.CloseRequest{By: who, Summary: strings.TrimSpace(*summary + " " + strings.Join(rest, " "))}
		if req.EndedAt, err = optDate("ended", *ended); err != nil {
			return err
		}
		inc, err := s.Close(context.Background(), id, req)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(inc)
		}
		r := inc.Reconciliation
		fmt.Fprintf(c.out, "Đã đóng sự cố #%d sau %s.\nĐối chiếu: %d hồ sơ tiếp nhận trong thời gian sự cố — %d đã chuyển lên tỉnh, %d đang chờ, %d bị trả lại; %d có nguy cơ trễ hạn, %d đã quá hạn.\n",
			inc.ID, continuity.FormatDuration(inc.EndedAt.Sub(inc.StartedAt)), r.Received, r.Delivered, r.Pending, r.Quarantined, r.AtRisk, r.Late)
		fmt.Fprintf(c.out, "Báo cáo: motcua incident report %d --pdf %s --json %s\n", inc.ID, continuity.ReportFile(inc.ID, "pdf"), continuity.ReportFile(inc.ID, "json"))
		return nil
	}
	return cmd
}

func (c *cli) incidentListCmd() *cobra.Command {
	cmd := newCmd("list", "Liệt kê các sự cố / list the incidents", "  motcua incident list --open")
	fs := cmd.Flags()
	open := fs.Bool("open", false, "chỉ sự cố đang mở / only open incidents")
	limit := fs.Int("limit", 200, "số sự cố tối đa / at most this many")
	asJSON := fs.Bool("json", false, jsonUsage)
	cmd.Args = noArgs
	cmd.RunE = func(*cobra.Command, []string) error {
		s, err := c.continuity()
		if err != nil {
			return err
		}
		list, err := s.List(context.Background(), continuity.IncidentFilter{OpenOnly: *open, Limit: *limit})
		if err != nil {
			return err
		}
		if *asJSON {
			if list == nil {
				list = []*continuity.Incident{}
			}
			return c.printJSON(list)
		}
		tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "SỐ\tTÌNH HUỐNG\tMỨC\tBẮT ĐẦU\tKẾT THÚC\tNGUỒN\tTIÊU ĐỀ")
		for _, inc := range list {
			end := motcua.FormatTime(inc.EndedAt)
			if inc.Open() {
				end = "đang mở"
			}
			fmt.Fprintf(tw, "#%d\t%s\t%d %s\t%s\t%s\t%s\t%s\n", inc.ID, inc.Scenario, inc.Severity, inc.Severity.Name(), motcua.FormatTime(inc.StartedAt), end, inc.Source.Name(), inc.Title)
		}
		return tw.Flush()
	}
	return cmd
}

func (c *cli) incidentShowCmd() *cobra.Command {
	cmd := newCmd("show [ID]", "Diễn biến, các bước và đối chiếu của một sự cố / an incident's timeline, steps and reconciliation",
		"  motcua incident show\n  motcua incident show 3 --json")
	asJSON := cmd.Flags().Bool("json", false, jsonUsage)
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		s, id, _, err := c.incidentArgs(pos)
		if err != nil {
			return err
		}
		r, err := s.Report(context.Background(), id)
		if err != nil {
			return err
		}
		if *asJSON {
			return r.WriteJSON(c.out)
		}
		inc := r.Incident
		state := "đã đóng " + motcua.FormatTime(inc.EndedAt) + " bởi " + inc.ClosedBy
		if inc.Open {
			state = "đang mở"
		}
		fmt.Fprintf(c.out, "Sự cố #%d: %s\nTình huống: %s — mức %d %s — %s\nBắt đầu %s; %s; %s\n",
			inc.ID, inc.Title, inc.ScenarioName, inc.Severity, inc.SeverityName, inc.Source.Name(), motcua.FormatTime(inc.StartedAt), state,
			continuity.FormatDuration(durationMinutes(inc.DurationMinutes)))
		fmt.Fprintln(c.out, "Diễn biến:")
		for _, e := range r.Timeline {
			fmt.Fprintf(c.out, "  %s  %-8s %-6s %s\n", motcua.FormatTime(e.At), e.Actor, e.Kind, e.Text)
		}
		fmt.Fprintln(c.out, "Kịch bản:")
		for i, st := range r.Steps {
			mark, when := "[ ]", ""
			if !st.DoneAt.IsZero() {
				mark, when = "[x]", fmt.Sprintf("  sau %d phút, %s", st.AfterMinutes, st.DoneBy)
			}
			fmt.Fprintf(c.out, "  %s %d. [%s] %s%s\n", mark, i+1, st.ID, st.Title, when)
		}
		rec := r.Reconcile
		fmt.Fprintf(c.out, "Đối chiếu: %d hồ sơ — %d đã chuyển, %d chờ, %d bị trả lại, %d nguy cơ trễ hạn, %d quá hạn\n",
			rec.Received, rec.Delivered, rec.Pending, rec.Quarantined, rec.AtRisk, rec.Late)
		if inc.Summary != "" {
			fmt.Fprintln(c.out, "Tóm tắt:", inc.Summary)
		}
		return nil
	}
	return cmd
}

func (c *cli) incidentReportCmd() *cobra.Command {
	cmd := newCmd("report [ID]", "Ghi báo cáo sự cố ra PDF và JSON (mặc định cả hai) / write the incident report as PDF and JSON (default both)",
		"  motcua incident report 3\n  motcua incident report 3 --pdf bao-cao.pdf --reconciliation doi-chieu.pdf")
	fs := cmd.Flags()
	pdfPath := fs.String("pdf", "", "tệp PDF báo cáo / report PDF file")
	jsonPath := fs.String("json", "", "tệp JSON báo cáo / report JSON file")
	recPath := fs.String("reconciliation", "", "tệp PDF danh sách đối chiếu hồ sơ / PDF of the dossier reconciliation")
	cmd.RunE = func(_ *cobra.Command, pos []string) error {
		s, id, _, err := c.incidentArgs(pos)
		if err != nil {
			return err
		}
		ctx := context.Background()
		r, err := s.Report(ctx, id)
		if err != nil {
			return err
		}
		if *pdfPath == "" && *jsonPath == "" && *recPath == "" {
			*pdfPath, *jsonPath = continuity.ReportFile(id, "pdf"), continuity.ReportFile(id, "json")
		}
		var written []string
		if *jsonPath != "" {
			var b bytes.Buffer
			if err := r.WriteJSON(&b); err != nil {
				return err
			}
			if err := writeReport(*jsonPath, b.Bytes()); err != nil {
				return err
			}
			written = append(written, *jsonPath)
		}
		if *pdfPath != "" {
			var b bytes.Buffer
			if err := r.WritePDF(&b); err != nil {
				return err
			}
			if err := writeReport(*pdfPath, b.Bytes()); err != nil {
				return err
			}
			written = append(written, *pdfPath)
		}
		if *recPath != "" {
			var b bytes.Buffer
			title := fmt.Sprintf("Sự cố #%d: %s", id, r.Incident.Title)
			if err := s.ReconciliationPDF(ctx, &b, title, r.Reconcile); err != nil {
				return err
			}
			if err := writeReport(*recPath, b.Bytes()); err != nil {
				return err
			}
			written = append(written, *recPath)
		}
		for _, p := range written {
			fmt.Fprintln(c.out, p)
		}
		return nil
	}
	return cmd
}

// writeReport writes b to p through a temporary file and a rename, so a
// report is never left half-written.
func writeReport(p string, b []byte) error {
	dir := filepath.Dir(p)
	f, err := os.CreateTemp(dir, ".motcua-*")
	if err != nil {
		return usageErr("file", "Không ghi được tệp «%s»: %v", "cannot write %q: %v", p, err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err := os.Rename(f.Name(), p); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}
