package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app"
)

// TestIntakeInputLimits: each free-text field has a length and character
// rule stated in the error, the receipt time a lower bound, the ID number
// is masked in the message, and nothing is stored.
func TestIntakeInputLimits(t *testing.T) {
	ctx := context.Background()
	svc, st := holidayStation(t)
	base := func() app.IntakeRequest {
		return app.IntakeRequest{ProcedureCode: "1.001022", By: officer,
			Applicant: motcua.Applicant{Name: "Trần Văn Bình", IDNumber: "038085001234", Address: "Thôn 2"}}
	}
	for _, tc := range []struct {
		name, field, rule string
		edit              func(r *app.IntakeRequest)
	}{
		{"ErrEscapeInName", "name", "điều khiển", func(r *app.IntakeRequest) { r.Applicant.Name = "\x1b[31mTrần Văn Bình" }},
		{"ErrNULInName", "name", "điều khiển", func(r *app.IntakeRequest) { r.Applicant.Name = "Trần\x00Bình" }},
		{"ErrInvalidUTF8Name", "name", "UTF-8", func(r *app.IntakeRequest) { r.Applicant.Name = "Tr\xffn Văn Bình" }},
		{"ErrLongAddress", "address", "300", func(r *app.IntakeRequest) { r.Applicant.Address = strings.Repeat("Thôn 2 ", 20000) }},
		{"ErrLongReason", "reason", "2000", func(r *app.IntakeRequest) {
			r.Decision, r.Reason = app.DecideRefuse, strings.Repeat("lý do ", 20000)
		}},
		{"ErrEscapeInMissing", "missing", "điều khiển", func(r *app.IntakeRequest) {
			r.Decision, r.Reason, r.Missing = app.DecideSupplement, "Thiếu", []string{"Tờ khai\x1b[2J"}
		}},
		{"ErrAt1970", "at", "quá khứ", func(r *app.IntakeRequest) { r.At = time.Date(1970, 1, 1, 8, 0, 0, 0, motcua.Location) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := base()
			tc.edit(&r)
			n0, _ := st.Count(ctx, app.ListFilter{})
			_, err := svc.Intake(ctx, r)
			e, ok := motcua.AsError(err)
			if !ok || e.Kind != motcua.KindInvalid || e.Field != tc.field || !strings.Contains(e.Msg, tc.rule) {
				t.Fatalf("err = %v (field %q), want field %q and %q in the message", err, e.Field, tc.field, tc.rule)
			}
			if n, _ := st.Count(ctx, app.ListFilter{}); n != n0 {
				t.Fatal("a refused intake stored a dossier")
			}
		})
	}
	t.Run("ErrIDNumberMasked", func(t *testing.T) {
		r := base()
		r.Applicant.IDNumber = "0380850012345"
		_, err := svc.Intake(ctx, r)
		if e, ok := motcua.AsError(err); !ok || e.Field != "id_number" || strings.Contains(e.Msg, "0380850012345") || strings.Contains(e.MsgEN, "0380850012345") {
			t.Fatalf("the full ID number is in the error: %v", err)
		}
	})
	t.Run("ErrReasonOnChange", func(t *testing.T) {
		d, err := svc.Intake(ctx, base())
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.Advance(ctx, d.Code, officer, motcua.StatusProcessing, "ghi chú\x1b]0;pwned\x07")
		if e, ok := motcua.AsError(err); !ok || e.Field != "reason" {
			t.Fatalf("escape in a reason: %v", err)
		}
		if _, err := svc.Return(ctx, d.Code, officer, strings.Repeat("x", app.MaxReason+1)); motcua.ErrorKind(err) != motcua.KindInvalid {
			t.Fatalf("long return note: %v", err)
		}
	})
}
