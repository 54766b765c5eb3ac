package continuity_test

import (
	"bytes"
	"motcua/app"
	"testing"
	"time"

	"motcua/app/continuity"
)

// A drill against the real delivery engine: the engine is put into a
// simulated outage, dossiers are accepted meanwhile, the officer ticks the
// runbook's steps; at the end the backlog drains and every dossier is
// confirmed at the province.
func TestDrillSimulatedOutage(t *testing.T) {
	e := newEnv(t)
	g := newEngine(t, e)
	d, err := e.svc.ScheduleDrill(ctx, continuity.ScenarioNetwork, t0.Add(time.Hour), true, app.Actor{Username: "lanhdao", Role: app.RoleLeader})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Hour)
	if due, _ := e.svc.DueDrills(ctx); len(due) != 1 || due[0].ID != d.ID {
		t.Fatalf("due drills %+v", due)
	}
	d, err = e.svc.StartDrill(ctx, continuity.StartRequest{ID: d.ID, By: app.Actor{Username: "lanhdao", Role: app.RoleLeader}, Outage: g})
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	rb := e.svc.Runbooks().For(continuity.ScenarioNetwork)
	for i, st := range rb.Steps {
		for j := range 3 {
			e.clock.Advance(90 * time.Second)
			codes = append(codes, e.intake(t, 10*i+j).Code)
			g.worker.Notify()
		}
		if _, err := e.svc.TickStep(ctx, d.IncidentID, st.ID, "canbo1", true); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(50 * time.Millisecond) // the worker tries, and fails, meanwhile
	if st, _ := e.store.OutboxStats(ctx); st["acked"] != 0 || g.province.Calls("deliver") == 0 {
		t.Fatalf("the outage let messages through, or the worker never tried: %v, %d calls", st, g.province.Calls("deliver"))
	}
	d, err = e.svc.FinishDrill(ctx, d.ID, continuity.FinishRequest{By: app.Actor{Username: "lanhdao", Role: app.RoleLeader}, Outage: g, Province: g, Expected: codes,
		DrainTimeout: 20 * time.Second, Poll: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	r := d.Result
	if !r.OK || r.Received != len(codes) || r.Delivered != len(codes) || len(r.Missing) != 0 || r.StepsDone != len(rb.Steps) || r.DrainedAt.IsZero() {
		t.Fatalf("drill result %+v", r)
	}
	if got := len(g.province.Codes()); got != len(codes) {
		t.Fatalf("province holds %d dossiers, want %d", got, len(codes))
	}
	inc, _ := e.svc.Get(ctx, d.IncidentID)
	if inc.Open() || inc.Source != continuity.SourceDrill {
		t.Fatalf("drill incident %+v", inc)
	}
	var pdf bytes.Buffer
	if err := e.svc.DrillReportPDF(ctx, &pdf, d.ID); err != nil {
		t.Fatal(err)
	}
	testout(t, "drill-report.pdf", pdf.Bytes())
	mustContain(t, pdfText(t, pdf.Bytes()), "BÁO CÁO DIỄN TẬP", "ĐẠT", "Mô phỏng mất kết nối", codes[0])

	t.Run("ErrDrillState", func(t *testing.T) {
		_, err := e.svc.FinishDrill(ctx, d.ID, continuity.FinishRequest{By: app.Actor{Username: "lanhdao", Role: app.RoleLeader}})
		wantCode(t, err, continuity.ErrDrillState)
	})
}

// A tabletop drill with no engine checks the local queue only, and a skipped
// step makes it fail.
func TestDrillTabletop(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.StartDrill(ctx, continuity.StartRequest{Scenario: continuity.ScenarioPower, Simulate: true, By: app.Actor{Username: "canbo1", Role: app.RoleLeader}})
	wantCode(t, err, continuity.ErrDrillState)
	d, err := e.svc.StartDrill(ctx, continuity.StartRequest{Scenario: continuity.ScenarioPower, By: app.Actor{Username: "canbo1", Role: app.RoleLeader}})
	if err != nil {
		t.Fatal(err)
	}
	code := e.intake(t, 1).Code
	rb := e.svc.Runbooks().For(continuity.ScenarioPower)
	for _, st := range rb.Steps[:len(rb.Steps)-1] {
		e.clock.Advance(3 * time.Minute)
		e.svc.TickStep(ctx, d.IncidentID, st.ID, "canbo1", true)
	}
	d, err = e.svc.FinishDrill(ctx, d.ID, continuity.FinishRequest{By: app.Actor{Username: "canbo1", Role: app.RoleLeader}, Expected: []string{code, "000.00.06.H56-261124-0777"}})
	if err != nil {
		t.Fatal(err)
	}
	r := d.Result
	if r.OK || r.DeliveryChecked || r.Received != 1 || r.Pending != 1 || len(r.Missing) != 1 || r.StepsDone != len(rb.Steps)-1 {
		t.Fatalf("result %+v", r)
	}
	if list, _ := e.svc.Drills(ctx, 10); len(list) != 1 || list[0].Line() == "" {
		t.Fatalf("drills %+v", list)
	}
}
