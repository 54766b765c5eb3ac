package continuity_test

import (
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/app/continuity"
)

// TestContinuityRoles: the continuity plan's decisions follow the service
// layer's policy (app/authz.go), whoever calls — window or command line.
// An officer declares an incident and enters a paper receipt; closing the
// incident, drills, reserving paper numbers and editing the plan, the
// runbooks and the contacts need a leader; nobody signed in does nothing.
// Each refusal leaves the stored state as it was.
func TestContinuityRoles(t *testing.T) {
	e := newEnv(t)
	officer := app.Actor{Username: "lan.nt", Role: app.RoleOfficer}
	leader := app.Actor{Username: "chu.tich", Role: app.RoleLeader}
	nobody := app.Actor{}
	inc, err := e.svc.Open(ctx, continuity.OpenRequest{Scenario: continuity.ScenarioPower, By: officer.Username})
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []app.Actor{officer, nobody} {
		name := who.Username
		if name == "" {
			name = "nobody"
		}
		t.Run(name, func(t *testing.T) {
			for what, err := range map[string]error{
				"close": func() error {
					_, err := e.svc.Close(ctx, inc.ID, continuity.CloseRequest{By: who, Summary: "Có điện lại"})
					return err
				}(),
				"schedule": func() error {
					_, err := e.svc.ScheduleDrill(ctx, continuity.ScenarioNetwork, t0.Add(time.Hour), false, who)
					return err
				}(),
				"start": func() error {
					_, err := e.svc.StartDrill(ctx, continuity.StartRequest{Scenario: continuity.ScenarioPower, By: who})
					return err
				}(),
				"finish": func() error {
					_, err := e.svc.FinishDrill(ctx, 1, continuity.FinishRequest{By: who})
					return err
				}(),
				"cancel": func() error {
					_, err := e.svc.CancelDrill(ctx, 1, who, nil)
					return err
				}(),
				"reserve": func() error {
					_, err := e.svc.ReservePaper(ctx, 5, who)
					return err
				}(),
				"contacts": e.svc.SetContacts(ctx, []continuity.Contact{{Role: "power", Name: "Tổng đài", Organisation: "Điện lực"}}, who),
				"plan": func() error {
					_, err := e.svc.ImportPlan(ctx, []byte(`{}`), who)
					return err
				}(),
				"runbooks": func() error {
					_, err := e.svc.ImportRunbooks(ctx, []byte(`{}`), who)
					return err
				}(),
			} {
				wantCode(t, err, app.ErrForbidden)
				want := "Lãnh đạo"
				if who.Username == "" {
					want = "Chưa đăng nhập"
				}
				if !strings.Contains(err.Error(), want) {
					t.Errorf("%s: %v lacks %q", what, err, want)
				}
			}
		})
	}
	if got, _ := e.svc.Get(ctx, inc.ID); !got.Open() {
		t.Fatal("the incident was closed")
	}
	if ds, _ := e.svc.Drills(ctx, 10); len(ds) != 0 {
		t.Fatalf("drills: %d", len(ds))
	}
	if bs, _ := e.svc.PaperBlocks(ctx); len(bs) != 0 {
		t.Fatalf("paper blocks: %d", len(bs))
	}

	// A leader reserves the numbers; an officer enters a receipt (intake);
	// nobody signed in cannot.
	b, err := e.svc.ReservePaper(ctx, 2, leader)
	if err != nil {
		t.Fatal(err)
	}
	entry := continuity.BackEntry{Seq: b.Seqs[0], At: t0.Add(-time.Minute), ProcedureCode: "1.001022",
		Applicant: motcua.Applicant{Name: "Lê Văn Bình", IDNumber: "001190123458"}}
	if _, err := e.svc.BackEnter(ctx, entry); codeOf(err) != app.ErrForbidden {
		t.Fatalf("back-entry by nobody: %v", err)
	}
	entry.By = officer
	d, err := e.svc.BackEnter(ctx, entry)
	if err != nil {
		t.Fatal(err)
	}
	if d.Officer != officer.Username {
		t.Fatalf("officer %q", d.Officer)
	}
	if _, err := e.svc.Close(ctx, inc.ID, continuity.CloseRequest{By: leader, Summary: "Có điện lại lúc 09:10"}); err != nil {
		t.Fatal(err)
	}
}
