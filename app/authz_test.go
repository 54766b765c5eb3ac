package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app"
)

var (
	officer = app.Actor{Username: "lan.nt", Role: app.RoleOfficer}
	leader  = app.Actor{Username: "chu.tich", Role: app.RoleLeader}
	adminA  = app.Actor{Username: "quantri", Role: app.RoleAdmin}
	nobody  = app.Actor{}
)

func wantForbidden(t *testing.T, err error, role string) {
	t.Helper()
	e, ok := motcua.AsError(err)
	if !ok || e.Code != app.ErrForbidden || e.Kind != motcua.KindInvalid {
		t.Fatalf("err = %v, want %s", err, app.ErrForbidden)
	}
	if !strings.Contains(e.Msg, role) {
		t.Fatalf("the message %q does not name the role %q", e.Msg, role)
	}
}

// TestServiceRefusesByRole: the service itself, not the window, refuses an
// operation the acting account's role does not allow, naming the role
// needed, and changes nothing.
func TestServiceRefusesByRole(t *testing.T) {
	ctx := context.Background()
	svc, st := holidayStation(t)
	at := time.Date(2026, 12, 7, 8, 0, 0, 0, motcua.Location)
	d := intake(t, svc, at)

	unchanged := func(t *testing.T) {
		t.Helper()
		got, err := st.Get(ctx, d.Code)
		if err != nil || got.Status != motcua.StatusReceived || len(got.History) != len(d.History) {
			t.Fatalf("the refused operation changed the dossier: %+v %v", got, err)
		}
	}
	t.Run("ErrForbiddenRefuseOfficer", func(t *testing.T) {
		_, err := svc.Refuse(ctx, d.Code, officer, "Không đủ điều kiện")
		wantForbidden(t, err, "Lãnh đạo")
		unchanged(t)
	})
	t.Run("ErrForbiddenExtendOfficer", func(t *testing.T) {
		_, err := svc.Extend(ctx, d.Code, officer, "Cần xác minh", at.Add(30*24*time.Hour))
		wantForbidden(t, err, "Lãnh đạo")
		unchanged(t)
	})
	t.Run("ErrForbiddenStopOfficer", func(t *testing.T) {
		_, err := svc.Advance(ctx, d.Code, officer, motcua.StatusStopped, "Dừng")
		wantForbidden(t, err, "Lãnh đạo")
		unchanged(t)
	})
	t.Run("ErrForbiddenNobody", func(t *testing.T) {
		_, err := svc.Advance(ctx, d.Code, nobody, motcua.StatusProcessing, "")
		wantForbidden(t, err, "Cán bộ một cửa")
		unchanged(t)
		_, err = svc.Intake(ctx, app.IntakeRequest{ProcedureCode: "1.001022", Applicant: motcua.Applicant{Name: "Trần Văn Bình", IDNumber: "038085001234"}})
		wantForbidden(t, err, "Cán bộ một cửa")
	})
	t.Run("ErrForbiddenUnknownRole", func(t *testing.T) {
		_, err := svc.Advance(ctx, d.Code, app.Actor{Username: "x", Role: "superuser"}, motcua.StatusProcessing, "")
		wantForbidden(t, err, "Cán bộ một cửa")
		unchanged(t)
	})
	t.Run("OK", func(t *testing.T) {
		got, err := svc.Advance(ctx, d.Code, officer, motcua.StatusProcessing, "")
		if err != nil || got.Status != motcua.StatusProcessing {
			t.Fatalf("officer hand-off: %v", err)
		}
		if got, err = svc.Extend(ctx, d.Code, leader, "Cần xác minh thêm", time.Date(2026, 12, 30, 17, 0, 0, 0, motcua.Location)); err != nil || !got.Extended {
			t.Fatalf("leader extension: %v", err)
		}
		if h := got.History[len(got.History)-1]; h.Actor != "chu.tich" {
			t.Fatalf("history records %q", h.Actor)
		}
	})
}

// TestRefuseAtReceiptRole: who refuses a dossier at receipt is a setting;
// by default the counter officer (NĐ 61/2018 art. 17), raised to the
// leader by an administrator, and only by one.
func TestRefuseAtReceiptRole(t *testing.T) {
	ctx := context.Background()
	svc, st := holidayStation(t)
	refuse := func(by app.Actor) (*motcua.Dossier, error) {
		return svc.Intake(ctx, app.IntakeRequest{ProcedureCode: "1.001022", By: by, Decision: app.DecideRefuse, Reason: "Không thuộc thẩm quyền",
			Applicant: motcua.Applicant{Name: "Trần Văn Bình", IDNumber: "038085001234"}})
	}
	if r, err := svc.RefuseAtReceiptRole(ctx); err != nil || r != app.RoleOfficer {
		t.Fatalf("default %q %v", r, err)
	}
	d, err := refuse(officer)
	if err != nil || d.Status != motcua.StatusRefused || d.Officer != "lan.nt" {
		t.Fatalf("officer refusal at receipt by default: %+v %v", d, err)
	}
	wantForbidden(t, svc.SetRefuseAtReceiptRole(ctx, leader, app.RoleLeader), "Quản trị")
	wantForbidden(t, svc.SetRefuseAtReceiptRole(ctx, officer, app.RoleOfficer), "Quản trị")
	if err := svc.SetRefuseAtReceiptRole(ctx, adminA, "chief"); motcua.ErrorKind(err) != motcua.KindInvalid {
		t.Fatalf("bad role accepted: %v", err)
	}
	if err := svc.SetRefuseAtReceiptRole(ctx, adminA, app.RoleLeader); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := st.Setting(ctx, app.KeyRefuseAtReceiptRole); v != "leader" {
		t.Fatalf("stored %q", v)
	}
	n0, _ := st.Count(ctx, app.ListFilter{})
	_, err = refuse(officer)
	wantForbidden(t, err, "Lãnh đạo")
	if n, _ := st.Count(ctx, app.ListFilter{}); n != n0 {
		t.Fatal("the refused refusal stored a dossier")
	}
	// Accepting is still the officer's.
	if _, err := svc.Intake(ctx, app.IntakeRequest{ProcedureCode: "1.001022", By: officer,
		Applicant: motcua.Applicant{Name: "Trần Văn Bình", IDNumber: "038085001234"}}); err != nil {
		t.Fatal(err)
	}
	if d, err := refuse(leader); err != nil || d.Status != motcua.StatusRefused {
		t.Fatalf("leader refusal: %v", err)
	}
	if err := svc.MayRefuseAtReceipt(ctx, adminA); err != nil {
		t.Fatalf("an administrator is above the leader: %v", err)
	}
}

// TestActorEditsCalendar: an account is a CalendarEditor under the same
// policy: the administrator adds a day, the leader is refused by role.
func TestActorEditsCalendar(t *testing.T) {
	svc, _ := holidayStation(t)
	day := motcua.DayOff{Date: "2026-12-28", Kind: motcua.DayOffHoliday, Name: "Nghỉ thử"}
	_, err := svc.AddHoliday(context.Background(), leader, day)
	wantForbidden(t, err, "Quản trị")
	if _, err := svc.AddHoliday(context.Background(), adminA, day); err != nil {
		t.Fatal(err)
	}
}
