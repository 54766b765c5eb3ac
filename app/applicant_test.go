package app_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app"
)

var today = time.Date(2026, 11, 23, 9, 0, 0, 0, motcua.Location)

// problems are the coded errors of a joined validation error, by field.
func problems(t *testing.T, err error) map[string]string {
	t.Helper()
	out := map[string]string{}
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		if e, ok := motcua.AsError(err); ok {
			out[e.Field] = e.Msg
		}
	}
	walk(err)
	return out
}

func TestValidateApplicant(t *testing.T) {
	t.Run("AllProblemsAtOnce", func(t *testing.T) {
		a := motcua.Applicant{IDNumber: "12ab", Phone: "123"}
		got := problems(t, app.ValidateApplicant(&a, "31/02/1990", today))
		for _, f := range []string{"name", "id_number", "dob", "phone"} {
			if got[f] == "" {
				t.Errorf("no problem reported for %q: %v", f, got)
			}
		}
		if motcua.ErrorKind(app.ValidateApplicant(&motcua.Applicant{}, "", today)) != motcua.KindInvalid {
			t.Error("a joined error must stay KindInvalid (exit code 2 in the CLI)")
		}
	})
	t.Run("ErrDayDoesNotExist", func(t *testing.T) {
		a := motcua.Applicant{Name: "Nguyễn Văn A", IDNumber: "001090123456"}
		msg := problems(t, app.ValidateApplicant(&a, "31/02/1990", today))["dob"]
		if !strings.Contains(msg, "không có") || !strings.Contains(msg, "28 ngày") || strings.Contains(msg, "NN/TT/NNNN") {
			t.Errorf("31/02/1990: %q, want the day does not exist (February 1990 has 28 days)", msg)
		}
		msg = problems(t, app.ValidateApplicant(&a, "05/13/1990", today))["dob"]
		if !strings.Contains(msg, "tháng 13") {
			t.Errorf("05/13/1990: %q, want month 13 does not exist", msg)
		}
		msg = problems(t, app.ValidateApplicant(&a, "1990-02-05", today))["dob"]
		if !strings.Contains(msg, "NN/TT/NNNN") {
			t.Errorf("1990-02-05: %q, want the form DD/MM/YYYY", msg)
		}
	})
	t.Run("ErrFutureEchoedAsTyped", func(t *testing.T) {
		a := motcua.Applicant{Name: "Nguyễn Văn A", IDNumber: "B1234567"}
		msg := problems(t, app.ValidateApplicant(&a, "05/09/2030", today))["dob"]
		if !strings.Contains(msg, "«05/09/2030»") || !strings.Contains(msg, "tương lai") {
			t.Errorf("future date: %q, want it echoed as typed, 05/09/2030", msg)
		}
	})
	t.Run("ErrTypedIDAgainstDOBAndGender", func(t *testing.T) {
		// 038085…: digit 4 = 0 (male, 1900s), digits 5–6 = 85.
		a := motcua.Applicant{Name: "Trần Thị B", IDNumber: "038085001234", Gender: "Nữ"}
		got := problems(t, app.ValidateApplicant(&a, "05/09/1990", today))
		if !strings.Contains(got["id_number"], "giới tính") {
			t.Errorf("male number typed for a woman: %v", got)
		}
		a = motcua.Applicant{Name: "Trần Văn B", IDNumber: "038085001234", Gender: "Nam"}
		got = problems(t, app.ValidateApplicant(&a, "05/09/1990", today))
		if !strings.Contains(got["id_number"], "năm sinh 1990") {
			t.Errorf("1985 number typed with a 1990 date of birth: %v", got)
		}
	})
	t.Run("OK", func(t *testing.T) {
		a := motcua.Applicant{Name: "Trần Văn B", IDNumber: "038085001234", Gender: "nam", Phone: "0912 345 678"}
		if err := app.ValidateApplicant(&a, "05/09/1985", today); err != nil {
			t.Fatal(err)
		}
		if a.DOB != "1985-09-05" || a.Gender != "Nam" {
			t.Errorf("normalised to %+v", a)
		}
		var e *motcua.Error
		if errors.As(app.ValidateApplicant(&motcua.Applicant{Name: "X", IDNumber: "B1234567"}, "", today), &e) {
			t.Errorf("no DOB, passport: want no error, got %v", e)
		}
	})
}
