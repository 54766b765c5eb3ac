package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"motcua"
	"motcua/app/continuity"
	"motcua/app/syncing"
)

// drillIn is where `drill run` reads the officer's answers; tests replace it.
var drillIn io.Reader = os.Stdin

// drillCmd: motcua drill schedule|run|start|step|finish|cancel|list|report.
func (c *cli) drillCmd() *cobra.Command {
	fs := pflag.NewFlagSet("drill", pflag.ContinueOnError)
	at := fs.String("at", "", "thời điểm diễn tập, "+dateHelp+" / when the drill is held")
	pdfPath := fs.String("pdf", "", "tệp PDF báo cáo (mặc định bao-cao-dien-tap-N.pdf) / report PDF file (default bao-cao-dien-tap-N.pdf)")
	notes := fs.String("notes", "", "nhận xét ghi vào báo cáo / remarks for the report")
	undo := fs.Bool("undo", false, "bỏ đánh dấu bước / un-mark the step")
	asJSON := fs.Bool("json", false, jsonUsage)
	simulate := fs.Bool("simulate", false, "mô phỏng mất kết nối: tạm dừng gửi lên tỉnh tới khi kết thúc / simulated outage: delivery paused until finish")
	drain := fs.Duration("drain-timeout", 2*time.Minute, "chờ gửi hết hàng đợi tối đa (ví dụ 2m) / how long to wait for the queue to drain (e.g. 2m)")
	by := refusedBy(fs)
	run := func(sub string, pos []string) error {
		s, err := c.continuity()
		if err != nil {
			return err
		}
		return c.drill(sub, pos, s, *at, *pdfPath, *notes, *undo, *asJSON, *simulate, *drain, *by)
	}
	return group("drill", "Diễn tập ứng phó sự cố / incident drills", "", fs, run,
		subSpec{"schedule SCENARIO --at DATE", "Lên lịch một cuộc diễn tập / schedule a drill",
			"  motcua drill schedule network --at 15/12/2026 --simulate", "at simulate"},
		subSpec{"start (SCENARIO | ID)", "Bắt đầu diễn tập (theo tình huống hoặc số đã lên lịch) / start a drill (by scenario or scheduled number)",
			"  motcua drill start network --simulate\n  motcua drill start 3", "simulate drain-timeout"},
		subSpec{"run (SCENARIO | ID)", "Bắt đầu, đi qua từng bước (Enter), rồi kết thúc / start, walk the steps (Enter each), finish",
			"  motcua drill run network --simulate --pdf dien-tap.pdf", "simulate drain-timeout pdf notes by"},
		subSpec{"step ID STEP", "Đánh dấu một bước đã làm / mark a step done", "  motcua drill step 3 notify", "undo by"},
		subSpec{"finish ID", "Kết thúc diễn tập, đối chiếu và in báo cáo / finish the drill, reconcile and print the report",
			"  motcua drill finish 3 --notes \"Đạt yêu cầu\"", "drain-timeout pdf notes"},
		subSpec{"cancel ID", "Huỷ diễn tập / cancel a drill", "  motcua drill cancel 3", ""},
		subSpec{"list", "Liệt kê các cuộc diễn tập / list the drills", "  motcua drill list --json", "json"},
		subSpec{"report ID", "In lại báo cáo diễn tập / print a drill's report again", "  motcua drill report 3 --pdf bao-cao.pdf", "pdf"},
	)
}

func (c *cli) drill(sub string, pos []string, s *continuity.Service, atv, pdfPathv, notesv string, undov, asJSONv, simulatev bool, drainv time.Duration, byv string) error {
	at, pdfPath, notes, undo, asJSON, simulate, drain, by := &atv, &pdfPathv, &notesv, &undov, &asJSONv, &simulatev, &drainv, &byv
	ctx := context.Background()
	if sub == "run" || sub == "step" { // the steps ticked are the signed-in account's
		who, err := c.actorNotBy(byv)
		if err != nil {
			return err
		}
		*by = who.Username
	}
	switch sub {
	case "schedule":
		if len(pos) != 1 || *at == "" {
			return usageErr("drill", "Cần «drill schedule TÌNH_HUỐNG --at THỜI_ĐIỂM»", "use 'drill schedule SCENARIO --at TIME'")
		}
		sc, err := continuity.ParseScenario(pos[0])
		if err != nil {
			return err
		}
		t, err := parseDate("at", *at)
		if err != nil {
			return err
		}
		who, err := c.actor()
		if err != nil {
			return err
		}
		d, err := s.ScheduleDrill(ctx, sc, t, *simulate, who)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.out, d.Line())
		return nil
	case "start", "run":
		if *drain <= 0 {
			return usageErr("drain-timeout", "Thời gian chờ gửi hết hàng đợi phải dương (ví dụ 2m)", "the drain timeout must be positive (e.g. 2m)")
		}
		d, err := c.drillStart(ctx, s, pos, *simulate, *by)
		if err != nil {
			return err
		}
		fmt.Fprintln(c.out, d.Line())
		if d.Simulate {
			fmt.Fprintln(c.out, "Mô phỏng mất kết nối: việc gửi lên hệ thống tỉnh tạm dừng (cả cửa sổ ứng dụng trên máy này); vẫn tiếp nhận hồ sơ bình thường.")
		}
		if sub == "start" {
			fmt.Fprintf(c.out, "Đánh dấu bước: motcua drill step %d BƯỚC; kết thúc: motcua drill finish %d\n", d.ID, d.ID)
			return nil
		}
		if err := c.drillInteractive(ctx, s, d, *by); err != nil {
			return err
		}
		return c.drillFinish(ctx, s, d.ID, *by, *notes, *pdfPath, *drain)
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
		if *drain <= 0 {
			return usageErr("drain-timeout", "Thời gian chờ gửi hết hàng đợi phải dương (ví dụ 2m)", "the drain timeout must be positive (e.g. 2m)")
		}
		d, err := drillByArg(ctx, s, pos[0])
		if err != nil {
			return err
		}
		return c.drillFinish(ctx, s, d.ID, *by, *notes, *pdfPath, *drain)
	case "cancel":
		if len(pos) != 1 {
			return usageErr("drill", "Cần «drill cancel SỐ_DIỄN_TẬP»", "use 'drill cancel DRILL'")
		}
		d, err := drillByArg(ctx, s, pos[0])
		if err != nil {
			return err
		}
		var outage continuity.Outage
		if d.Simulate && d.Status == continuity.DrillRunning {
			r, err := c.runner(syncing.Options{})
			if err != nil {
				return err
			}
			outage = r.DrillOutage() // the pause ends with the drill
		}
		who, err := c.actor()
		if err != nil {
			return err
		}
		if d, err = s.CancelDrill(ctx, d.ID, who, outage); err != nil {
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
		fmt.Fprintln(tw, "SỐ\tTRẠNG THÁI\tTÌNH HUỐNG\tDIỄN TẬP")
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
// A simulated outage (--simulate, or scheduled with it) pauses delivery in
// the station's database (syncing.DrillOutage), which the window's engine
// honours too; with no province configured there is nothing to pause, and
// the drill runs as a tabletop exercise — the officer is told so.
func (c *cli) drillStart(ctx context.Context, s *continuity.Service, pos []string, simulate bool, by string) (*continuity.Drill, error) {
	if len(pos) != 1 {
		return nil, usageErr("drill", "Cần một tình huống (ví dụ network) hoặc số diễn tập đã lên lịch", "give a scenario (e.g. network) or a scheduled drill's number")
	}
	who, err := c.actor()
	if err != nil {
		return nil, err
	}
	req := continuity.StartRequest{By: who, Simulate: simulate}
	if id, err := strconv.ParseInt(strings.TrimPrefix(pos[0], "#"), 10, 64); err == nil {
		req.ID = id
		d, err := s.Store.Drill(ctx, id)
		if err != nil {
			return nil, err
		}
		simulate = simulate || d.Simulate
	} else {
		if req.Scenario, err = continuity.ParseScenario(pos[0]); err != nil {
			return nil, err
		}
	}
	if simulate {
		r, err := c.runner(syncing.Options{})
		if err != nil {
			return nil, err
		}
		if r.Configured() {
			req.Outage = r.DrillOutage()
			if p := r.Paused(); p != nil {
				fmt.Fprintf(c.errOut, "Lưu ý: việc gửi lên tỉnh đang tạm dừng (%s); diễn tập tiếp quản lần tạm dừng này, và việc gửi tiếp tục khi diễn tập kết thúc.\n", p.Text())
			}
		} else {
			why := "chưa cấu hình hệ thống một cửa tỉnh"
			if err := r.ConfigErr(); err != nil {
				why = "cấu hình hệ thống tỉnh không dùng được (" + motcua.ErrorMessage(err) + ")"
			}
			fmt.Fprintf(c.errOut, "Lưu ý: %s nên không mô phỏng mất kết nối được; diễn tập theo kịch bản, báo cáo chỉ kiểm tra hàng đợi trên máy.\n"+
				"  (no province configured: no outage to simulate; a tabletop drill that checks the local queue only)\n", why)
			req.Simulate, req.Tabletop = false, true
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

// drillFinish ends a drill. For a simulated outage it runs the sync engine
// here while the service ends the outage and waits (up to drain) for the
// dossiers of the drill to reach the province, then asks the province
// (TraCuuHoSo) for each: the report then says whether anything was lost.
func (c *cli) drillFinish(ctx context.Context, s *continuity.Service, id int64, by, notes, pdfPath string, drain time.Duration) error {
	d, err := s.Store.Drill(ctx, id)
	if err != nil {
		return err
	}
	who, err := c.actor()
	if err != nil {
		return err
	}
	req := continuity.FinishRequest{By: who, Notes: notes, DrainTimeout: drain, Poll: 100 * time.Millisecond}
	if d.Simulate && d.Status == continuity.DrillRunning {
		r, err := c.runner(syncing.Options{Logger: slog.New(slog.NewTextHandler(c.errOut, &slog.HandlerOptions{Level: slog.LevelError}))})
		if err != nil {
			return err
		}
		req.Outage = r.DrillOutage()
		if r.Configured() {
			req.Province = r.ProvinceCheck()
			fmt.Fprintf(c.out, "Kết thúc mô phỏng mất kết nối; đang gửi hàng đợi lên %s (chờ tối đa %s)…\n", r.Config().URL, drain)
			r.Start(ctx)
			defer r.Stop()
		} else {
			// The province was cleared during the drill: nothing can drain.
			fmt.Fprintln(c.errOut, "Lưu ý: chưa cấu hình hệ thống một cửa tỉnh nên không gửi được hàng đợi; báo cáo ghi các hồ sơ còn chờ.\n"+
				"  (no province configured: the queue cannot drain; the report lists what is still pending)")
			req.DrainTimeout = time.Millisecond
		}
	}
	d, err = s.FinishDrill(ctx, id, req)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.out, "\n"+d.Line())
	if res := d.Result; res.DeliveryChecked {
		lost := "không mất hồ sơ nào"
		if len(res.Missing) > 0 {
			lost = fmt.Sprintf("KHÔNG TÌM THẤY %d hồ sơ", len(res.Missing))
		}
		drained := "gửi hết hàng đợi sau " + continuity.DrainText(res.DrainSeconds)
		if res.DrainedAt.IsZero() {
			drained = fmt.Sprintf("sau %s vẫn còn %d hồ sơ chờ gửi", drain, res.Pending)
		}
		where := "theo hàng đợi trên máy"
		if req.Province != nil {
			where = "đã tra cứu từng hồ sơ tại tỉnh"
		}
		fmt.Fprintf(c.out, "  %d hồ sơ tiếp nhận trong lúc diễn tập, %d đã lên tỉnh (%s); %s; %s.\n",
			res.Received, res.Delivered, where, drained, lost)
	}
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
