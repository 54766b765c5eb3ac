package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"

	"motcua"
	"motcua/app/continuity"
)

// drillIn is where `drill run` reads the officer's answers; tests replace it.
var drillIn io.Reader = os.Stdin

// drill: motcua drill schedule|run|start|step|finish|cancel|list|report.
func (c *cli) drill(args []string) error {
	if len(args) == 0 {
		return usageErr("drill", "Cần «drill schedule|run|start|step|finish|cancel|list|report»", "use 'drill schedule|run|start|step|finish|cancel|list|report'")
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("drill "+sub, flag.ContinueOnError)
	at := fs.String("at", "", "")
	pdfPath := fs.String("pdf", "", "")
	notes := fs.String("notes", "", "")
	undo := fs.Bool("undo", false, "")
	asJSON := fs.Bool("json", false, "")
	by := fs.String("by", currentUser(), "")
	s, pos, err := c.continuityArgs(fs, args)
	if err != nil {
		return err
	}
	ctx := context.Background()
	switch sub {
	case "schedule":
		if len(pos) != 1 || *at == "" {
			return usageErr("drill", "Cần «drill schedule TÌNH_HUỐNG --at THỜI_ĐIỂM»", "use 'drill schedule SCENARIO --at TIME'")
		}
		sc, err := continuity.ParseScenario(pos[0])
		if err != nil {
			return err
		}
		t, err := motcua.ParseTime("at", *at)
		if err != nil {
			return err
		}
		d, err := s.ScheduleDrill(ctx, sc, t, false, *by)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.out, d.Line())
		return nil
	case "start", "run":
		d, err := c.drillStart(ctx, s, pos, *by)
		if err != nil {
			return err
		}
		if sub == "start" {
			fmt.Fprintf(c.out, "%s\nĐánh dấu bước: motcua drill step %d BƯỚC; kết thúc: motcua drill finish %d\n", d.Line(), d.ID, d.ID)
			return nil
		}
		if err := c.drillInteractive(ctx, s, d, *by); err != nil {
			return err
		}
		return c.drillFinish(ctx, s, d.ID, *by, *notes, *pdfPath)
	case "step":
		if len(pos) != 2 {
			return usageErr("drill", "Cần «drill step SỐ_DIỄN_TẬP BƯỚC»", "use 'drill step DRILL STEP'")
		}
		d, err := drillByArg(ctx, s, pos[0])
		if err != nil {
			return err
		}
		if d.IncidentID == 0 {
			return usageErr("drill", "Diễn tập #%d chưa bắt đầu", "drill #%d has not started", d.ID)
		}
		if _, err := s.TickStep(ctx, d.IncidentID, pos[1], *by, !*undo); err != nil {
			return err
		}
		fmt.Fprintf(c.out, "Diễn tập #%d: đã ghi bước %s\n", d.ID, pos[1])
		return nil
	case "finish":
		if len(pos) != 1 {
			return usageErr("drill", "Cần «drill finish SỐ_DIỄN_TẬP»", "use 'drill finish DRILL'")
		}
		d, err := drillByArg(ctx, s, pos[0])
		if err != nil {
			return err
		}
		return c.drillFinish(ctx, s, d.ID, *by, *notes, *pdfPath)
	case "cancel":
		if len(pos) != 1 {
			return usageErr("drill", "Cần «drill cancel SỐ_DIỄN_TẬP»", "use 'drill cancel DRILL'")
		}
		d, err := drillByArg(ctx, s, pos[0])
		if err != nil {
			return err
		}
		if d, err = s.CancelDrill(ctx, d.ID, *by, nil); err != nil {
			return err
		}
		fmt.Fprintln(c.out, d.Line())
		return nil
	case "list":
		ds, err := s.Drills(ctx, 100)
		if err != nil {
			return err
		}
		if *asJSON {
			if ds == nil {
				ds = []*continuity.Drill{}
			}
			return c.printJSON(ds)
		}
		tw := tabwriter.NewWriter(c.out, 0, 0, 2, ' ', 0)
		for _, d := range ds {
			fmt.Fprintf(tw, "#%d\t%s\t%s\t%s\n", d.ID, d.Status, d.Scenario, d.Line())
		}
		return tw.Flush()
	case "report":
		if len(pos) != 1 {
			return usageErr("drill", "Cần «drill report SỐ_DIỄN_TẬP [--pdf TỆP]»", "use 'drill report DRILL [--pdf FILE]'")
		}
		d, err := drillByArg(ctx, s, pos[0])
		if err != nil {
			return err
		}
		return c.drillPDF(ctx, s, d.ID, *pdfPath)
	}
	return usageErr("drill", "Lệnh con «%s» không tồn tại", "unknown subcommand %q", sub)
}

func drillByArg(ctx context.Context, s *continuity.Service, arg string) (*continuity.Drill, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(arg, "#"), 10, 64)
	if err != nil {
		return nil, usageErr("drill", "«%s» không phải số diễn tập", "%q is not a drill number", arg)
	}
	return s.Store.Drill(ctx, id)
}

// drillStart starts a scheduled drill (by number) or a new one (by scenario).
// The command line has no running sync engine, so it never simulates an
// outage: the window does that (see app/continuity/doc.go).
func (c *cli) drillStart(ctx context.Context, s *continuity.Service, pos []string, by string) (*continuity.Drill, error) {
	if len(pos) != 1 {
		return nil, usageErr("drill", "Cần một tình huống (ví dụ network) hoặc số diễn tập đã lên lịch", "give a scenario (e.g. network) or a scheduled drill's number")
	}
	req := continuity.StartRequest{By: by}
	if id, err := strconv.ParseInt(strings.TrimPrefix(pos[0], "#"), 10, 64); err == nil {
		req.ID = id
	} else {
		if req.Scenario, err = continuity.ParseScenario(pos[0]); err != nil {
			return nil, err
		}
	}
	return s.StartDrill(ctx, req)
}

// drillInteractive walks the officer through the runbook: Enter when a step
// is done, "b" to skip it, "q" to stop early. Times are recorded.
func (c *cli) drillInteractive(ctx context.Context, s *continuity.Service, d *continuity.Drill, by string) error {
	rs := s.Runbooks()
	rb := rs.For(d.Scenario)
	fmt.Fprintf(c.out, "Diễn tập #%d: %s — %d bước. Enter khi làm xong một bước, «b» bỏ qua, «q» dừng.\n", d.ID, rb.Title, len(rb.Steps))
	in := bufio.NewScanner(drillIn)
	for i, st := range rb.Steps {
		fmt.Fprintf(c.out, "\nBước %d/%d [%s] %s — %s\n  %s\n> ", i+1, len(rb.Steps), st.ID, st.Title, rs.RoleName(st.Role), st.Detail)
		if !in.Scan() {
			fmt.Fprintln(c.out, "(hết dữ liệu vào: dừng)")
			return nil
		}
		switch strings.ToLower(strings.TrimSpace(in.Text())) {
		case "q":
			return nil
		case "b":
			continue
		}
		inc, err := s.TickStep(ctx, d.IncidentID, st.ID, by, true)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "  ✓ %s\n", motcua.FormatTime(inc.Steps()[st.ID].At))
	}
	return nil
}

func (c *cli) drillFinish(ctx context.Context, s *continuity.Service, id int64, by, notes, pdfPath string) error {
	d, err := s.FinishDrill(ctx, id, continuity.FinishRequest{By: by, Notes: notes})
	if err != nil {
		return err
	}
	fmt.Fprintln(c.out, "\n"+d.Line())
	for _, f := range d.Result.Findings {
		fmt.Fprintln(c.out, "  –", f)
	}
	return c.drillPDF(ctx, s, id, pdfPath)
}

func (c *cli) drillPDF(ctx context.Context, s *continuity.Service, id int64, p string) error {
	if p == "" {
		p = fmt.Sprintf("bao-cao-dien-tap-%d.pdf", id)
	}
	var b bytes.Buffer
	if err := s.DrillReportPDF(ctx, &b, id); err != nil {
		return err
	}
	if err := writeReport(p, b.Bytes()); err != nil {
		return err
	}
	fmt.Fprintln(c.out, "Báo cáo diễn tập:", p)
	return nil
}
