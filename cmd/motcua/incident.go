package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

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

// incident: motcua incident open|action|note|notify|step|close|list|show|report.
func (c *cli) incident(args []string) error {
	if len(args) == 0 {
		return usageErr("incident", "Cần «incident open|action|note|notify|step|close|list|show|report»",
			"use 'incident open|action|note|notify|step|close|list|show|report'")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "open":
		return c.incidentOpen(args)
	case "action", "note", "notify":
		return c.incidentRecord(sub, args)
	case "step":
		return c.incidentStep(args)
	case "close":
		return c.incidentClose(args)
	case "list":
		return c.incidentList(args)
	case "show":
		return c.incidentShow(args)
	case "report":
		return c.incidentReport(args)
	}
	return usageErr("incident", "Lệnh con «%s» không tồn tại", "unknown subcommand %q", sub)
}

func (c *cli) incidentOpen(args []string) error {
	fs := flag.NewFlagSet("incident open", flag.ContinueOnError)
	scenario := fs.String("scenario", "", "")
	severity := fs.Int("severity", 0, "")
	title := fs.String("title", "", "")
	started := fs.String("started", "", "")
	note := fs.String("note", "", "")
	by := fs.String("by", currentUser(), "")
	asJSON := fs.Bool("json", false, "")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	sc, err := continuity.ParseScenario(*scenario)
	if err != nil {
		return err
	}
	req := continuity.OpenRequest{Scenario: sc, Severity: continuity.Severity(*severity), Title: *title, Note: *note, By: *by}
	if *started != "" {
		if req.StartedAt, err = motcua.ParseTime("started", *started); err != nil {
			return err
		}
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

// incidentID reads the incident number, or takes the only open incident
// when none is given.
// continuityArgs parses a continuity subcommand's flags and opens the
// continuity service; it returns the positional arguments.
func (c *cli) continuityArgs(fs *flag.FlagSet, args []string) (*continuity.Service, []string, error) {
	pos, err := parseFlags(fs, args)
	if err != nil {
		return nil, nil, err
	}
	s, err := c.continuity()
	return s, pos, err
}

// incidentArgs is continuityArgs for commands on one incident: the first
// positional argument (or the one open incident) names it.
func (c *cli) incidentArgs(fs *flag.FlagSet, args []string) (*continuity.Service, int64, []string, error) {
	s, pos, err := c.continuityArgs(fs, args)
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

func (c *cli) incidentRecord(kind string, args []string) error {
	fs := flag.NewFlagSet("incident "+kind, flag.ContinueOnError)
	text := fs.String("text", "", "")
	contact := fs.String("contact", "", "")
	channel := fs.String("channel", "", "")
	at := fs.String("at", "", "")
	by := fs.String("by", currentUser(), "")
	s, id, rest, err := c.incidentArgs(fs, args)
	if err != nil {
		return err
	}
	e := continuity.LogEntry{Kind: continuity.LogKind(kind), Actor: *by, Text: strings.TrimSpace(*text + " " + strings.Join(rest, " ")),
		Contact: *contact, Channel: *channel}
	if *at != "" {
		if e.At, err = motcua.ParseTime("at", *at); err != nil {
			return err
		}
	}
	inc, err := s.Record(context.Background(), id, e)
	if err != nil {
		return err
	}
	last := inc.Log[len(inc.Log)-1]
	fmt.Fprintf(c.out, "Sự cố #%d: %s  %s\n", id, motcua.FormatTime(last.At), last.Text)
	return nil
}

func (c *cli) incidentStep(args []string) error {
	fs := flag.NewFlagSet("incident step", flag.ContinueOnError)
	undo := fs.Bool("undo", false, "")
	by := fs.String("by", currentUser(), "")
	s, id, rest, err := c.incidentArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageErr("step", "Cần đúng một mã bước (xem «motcua runbook show TÌNH_HUỐNG»)", "give exactly one step id (see 'motcua runbook show SCENARIO')")
	}
	inc, err := s.TickStep(context.Background(), id, rest[0], *by, !*undo)
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

func (c *cli) incidentClose(args []string) error {
	fs := flag.NewFlagSet("incident close", flag.ContinueOnError)
	summary := fs.String("summary", "", "")
	ended := fs.String("ended", "", "")
	by := fs.String("by", currentUser(), "")
	asJSON := fs.Bool("json", false, "")
	s, id, rest, err := c.incidentArgs(fs, args)
	if err != nil {
		return err
	}
	req := continuity.CloseRequest{By: *by, Summary: strings.TrimSpace(*summary + " " + strings.Join(rest, " "))}
	if *ended != "" {
		if req.EndedAt, err = motcua.ParseTime("ended", *ended); err != nil {
			return err
		}
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

func (c *cli) incidentList(args []string) error {
	fs := flag.NewFlagSet("incident list", flag.ContinueOnError)
	open := fs.Bool("open", false, "")
	limit := fs.Int("limit", 200, "")
	asJSON := fs.Bool("json", false, "")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
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
	for _, inc := range list {
		end := motcua.FormatTime(inc.EndedAt)
		if inc.Open() {
			end = "đang mở"
		}
		fmt.Fprintf(tw, "#%d\t%s\t%d\t%s\t%s\t%s\t%s\n", inc.ID, inc.Scenario, inc.Severity, motcua.FormatTime(inc.StartedAt), end, inc.Source, inc.Title)
	}
	return tw.Flush()
}

func (c *cli) incidentShow(args []string) error {
	fs := flag.NewFlagSet("incident show", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "")
	s, id, _, err := c.incidentArgs(fs, args)
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

func (c *cli) incidentReport(args []string) error {
	fs := flag.NewFlagSet("incident report", flag.ContinueOnError)
	pdfPath := fs.String("pdf", "", "")
	jsonPath := fs.String("json", "", "")
	recPath := fs.String("reconciliation", "", "")
	s, id, _, err := c.incidentArgs(fs, args)
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
