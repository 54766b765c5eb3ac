package continuity_test

import (
	"motcua/app"
	"testing"
	"time"

	"motcua"
	"motcua/app/continuity"
)

func TestIncidentLifecycle(t *testing.T) {
	e := newEnv(t)
	var events []continuity.EventKind
	cancel := e.svc.Subscribe(func(ev continuity.Event) { events = append(events, ev.Kind) })
	defer cancel()

	inc, err := e.svc.Open(ctx, continuity.OpenRequest{Scenario: continuity.ScenarioPower, By: "canbo1",
		StartedAt: t0.Add(-15 * time.Minute), Note: "Mất điện toàn trụ sở"})
	if err != nil {
		t.Fatal(err)
	}
	if inc.ID == 0 || inc.Severity != continuity.SeverityHigh || !inc.StartedAt.Equal(t0.Add(-15*time.Minute)) {
		t.Fatalf("opened %+v", inc)
	}
	e.clock.Advance(5 * time.Minute)
	d := e.intake(t, 1)
	if _, err := e.svc.TickStep(ctx, inc.ID, "paper", "canbo1", true); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(5 * time.Minute)
	if _, err := e.svc.Record(ctx, inc.ID, continuity.LogEntry{Kind: continuity.LogNotify, Actor: "canbo1",
		Contact: "Điện lực khu vực", Channel: "điện thoại"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Record(ctx, inc.ID, continuity.LogEntry{Kind: continuity.LogAction, Actor: "canbo1", Text: "Chuyển sang biên nhận giấy"}); err != nil {
		t.Fatal(err)
	}

	t.Run("ErrUnknownStep", func(t *testing.T) {
		_, err := e.svc.TickStep(ctx, inc.ID, "no-such-step", "canbo1", true)
		wantCode(t, err, continuity.ErrUnknownStep)
	})
	t.Run("ErrSummaryRequired", func(t *testing.T) {
		_, err := e.svc.Close(ctx, inc.ID, continuity.CloseRequest{By: app.Actor{Username: "canbo1", Role: app.RoleLeader}})
		wantCode(t, err, motcua.ErrRequired)
	})

	e.clock.Advance(time.Hour)
	closed, err := e.svc.Close(ctx, inc.ID, continuity.CloseRequest{By: app.Actor{Username: "lanhdao", Role: app.RoleLeader}, Summary: "Có điện lại lúc 09:10; đã nhập lại biên nhận giấy."})
	if err != nil {
		t.Fatal(err)
	}
	if closed.Open() || closed.ClosedBy != "lanhdao" || closed.Reconciliation == nil {
		t.Fatalf("closed %+v", closed)
	}
	r := closed.Reconciliation
	if r.Received != 1 || r.Pending != 1 || r.Delivered != 0 || r.Lines[0].Code != d.Code {
		t.Fatalf("reconciliation %+v", r)
	}
	if r.Lines[0].Applicant != "Nguyễn V. S." {
		t.Errorf("applicant not masked: %q", r.Lines[0].Applicant)
	}
	if steps := closed.Steps(); steps["paper"].By != "canbo1" {
		t.Errorf("steps %+v", steps)
	}
	if n := closed.Notified(); len(n) != 1 || n[0].Contact != "Điện lực khu vực" {
		t.Errorf("notified %+v", n)
	}

	t.Run("ErrIncidentClosed", func(t *testing.T) {
		before, _ := e.svc.Get(ctx, inc.ID)
		_, err := e.svc.Close(ctx, inc.ID, continuity.CloseRequest{By: app.Actor{Username: "canbo2", Role: app.RoleLeader}, Summary: "lần hai"})
		wantCode(t, err, continuity.ErrIncidentClosed)
		_, err = e.svc.Record(ctx, inc.ID, continuity.LogEntry{Kind: continuity.LogNote, Text: "muộn"})
		wantCode(t, err, continuity.ErrIncidentClosed)
		after, _ := e.svc.Get(ctx, inc.ID)
		if len(after.Log) != len(before.Log) || after.ClosedBy != "lanhdao" || after.Summary != before.Summary {
			t.Fatalf("closed incident changed: %+v", after)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := e.svc.Get(ctx, 999)
		wantCode(t, err, motcua.ErrNotFound)
	})
	t.Run("ErrBadScenario", func(t *testing.T) {
		_, err := e.svc.Open(ctx, continuity.OpenRequest{Scenario: "flood"})
		wantCode(t, err, continuity.ErrBadScenario)
	})

	if want := []continuity.EventKind{"incident.opened", "incident.updated", "incident.updated", "incident.updated", "incident.closed"}; len(events) != len(want) {
		t.Errorf("events %v, want %v", events, want)
	}
	if _, err := e.store.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	list, err := e.svc.List(ctx, continuity.IncidentFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("list %v %v", list, err)
	}
}
