package continuity_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/app/continuity"
)

type purger struct{ codes []string }

func (p *purger) PurgeAttachments(_ context.Context, code string, _ time.Time) (int, error) {
	p.codes = append(p.codes, code)
	return 2, nil
}

func TestPersonalData(t *testing.T) {
	e := newEnv(t)
	d1 := e.intake(t, 1)
	e.intake(t, 2)
	d3, err := e.app.Intake(ctx, appReq("Nguyễn Văn Số1", "038185000001"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{continuity.AccessView, continuity.AccessPrint} {
		if err := e.svc.RecordAccess(ctx, "canbo2", d1.Code, p); err != nil {
			t.Fatal(err)
		}
	}
	log, err := e.svc.AccessLog(ctx, d1.Code, 0)
	if err != nil || len(log) != 3 || log[1].Action != "pdp.view" || log[2].Actor != "canbo2" {
		t.Fatalf("access log %+v %v", log, err)
	}
	ex, err := e.svc.ExportPerson(ctx, "038185000001", app.OperatorActor("canbo1"))
	if err != nil || len(ex.Dossiers) != 2 || ex.Dossiers[0].Code == ex.Dossiers[1].Code || len(ex.Access[d1.Code]) != 3 {
		t.Fatalf("export %+v %v", ex, err)
	}
	_ = d3
	trail, _ := e.store.AuditTrail(ctx, continuity.AuditFilter{ActionPrefix: "pdp.person_export"})
	if len(trail) != 1 || strings.Contains(trail[0].Subject, "038185000001") || trail[0].Subject != "038*******01" {
		t.Fatalf("export logged with the ID number in clear: %+v", trail)
	}

	// Retention: a returned dossier past the period loses its attachments.
	if _, err := e.app.Advance(ctx, d1.Code, canbo1, motcua.StatusProcessing, ""); err != nil {
		t.Fatal(err)
	}
	e.app.Advance(ctx, d1.Code, canbo1, motcua.StatusDone, "")
	if _, err := e.app.Return(ctx, d1.Code, canbo1, ""); err != nil {
		t.Fatal(err)
	}
	rep, err := e.svc.PurgeAttachments(ctx, &purger{}, false, app.OperatorActor("canbo1"))
	if err != nil || len(rep.Items) != 0 || rep.Pending == "" {
		t.Fatalf("no retention configured: %+v %v", rep, err)
	}
	if err := e.svc.SetRetentionYears(ctx, 2, app.OperatorActor("lanhdao")); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(motcua.SystemClock{}.Now().AddDate(3, 0, 0))
	p := &purger{}
	if rep, err = e.svc.PurgeAttachments(ctx, p, false, app.OperatorActor("canbo1")); err != nil || len(rep.Items) != 1 || rep.Files != 2 || len(p.codes) != 1 || p.codes[0] != d1.Code {
		t.Fatalf("purge %+v %v", rep, err)
	}
	if tr, _ := e.store.AuditTrail(ctx, continuity.AuditFilter{ActionPrefix: "pdp.purge"}); len(tr) != 1 || tr[0].Subject != d1.Code {
		t.Fatalf("purge not in the audit log: %+v", tr)
	}
	if _, err := e.store.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestMasking(t *testing.T) {
	for _, c := range [][2]string{
		{continuity.MaskName("Nguyễn Thị Ánh Tuyết"), "Nguyễn T. Á. T."},
		{continuity.MaskName("Lan"), "Lan"},
		{continuity.MaskID("001190123456"), "001*******56"},
		{continuity.MaskPhone("0912345678"), "091*****78"},
		{continuity.MaskAddress("Thôn 2, xã Quảng Phú, Thanh Hóa"), "…, Thanh Hóa"},
		{continuity.MaskID("12"), "**"},
	} {
		if c[0] != c[1] {
			t.Errorf("got %q, want %q", c[0], c[1])
		}
	}
}
