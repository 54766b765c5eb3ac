package motcua_test

import (
	"testing"
	"time"

	"motcua"
)

// legal is the full list of allowed moves; every other pair must be refused.
var legal = map[[2]motcua.Status]bool{
	{1, 2}: true, {1, 3}: true, {1, 5}: true,
	{2, 4}: true, {2, 5}: true, {2, 9}: true, {2, 7}: true, {2, 3}: true, {2, 8}: true,
	{4, 5}: true, {4, 6}: true, {4, 9}: true, {4, 3}: true, {4, 7}: true, {4, 8}: true,
	{5, 2}: true, {5, 7}: true, {5, 8}: true,
	{6, 4}: true, {6, 7}: true, {6, 8}: true,
	{9, 10}: true,
}

func TestTransitionsExhaustive(t *testing.T) {
	for _, from := range motcua.Statuses() {
		for _, to := range append(motcua.Statuses(), 0, 11) {
			err := motcua.CheckTransition(from, to, "lý do")
			want := legal[[2]motcua.Status{from, to}]
			if want && err != nil {
				t.Errorf("%d→%d: legal move refused: %v", from, to, err)
			}
			if !want {
				e, ok := motcua.AsError(err)
				if !ok {
					t.Errorf("%d→%d: illegal move accepted (err=%v)", from, to, err)
					continue
				}
				if e.Kind != motcua.KindInvalid || e.Msg == "" || e.MsgEN == "" {
					t.Errorf("%d→%d: want a coded invalid error with messages, got %+v", from, to, e)
				}
				if from.Final() && to.Valid() && e.Code != motcua.ErrFinalState {
					t.Errorf("%d→%d: from a final state want %s, got %s", from, to, motcua.ErrFinalState, e.Code)
				}
			}
		}
	}
}

func TestFinalStates(t *testing.T) {
	for _, s := range motcua.Statuses() {
		want := s == 3 || s == 7 || s == 8 || s == 10
		if s.Final() != want {
			t.Errorf("status %d Final()=%v, want %v", s, s.Final(), want)
		}
	}
}

func TestReasonRequired(t *testing.T) {
	for _, c := range []struct {
		name     string
		from, to motcua.Status
	}{
		{"Refuse", 1, 3}, {"SupplementAtIntake", 1, 5}, {"SupplementLater", 2, 5}, {"Stop", 4, 8}, {"RefuseAfterAppraisal", 4, 3},
	} {
		t.Run("ErrReasonRequired/"+c.name, func(t *testing.T) {
			for _, reason := range []string{"", "   ", "\t\n"} {
				err := motcua.CheckTransition(c.from, c.to, reason)
				if e, ok := motcua.AsError(err); !ok || e.Code != motcua.ErrReasonRequired || e.Field != "reason" {
					t.Fatalf("reason %q: want ErrReasonRequired on field reason, got %v", reason, err)
				}
			}
			if err := motcua.CheckTransition(c.from, c.to, "Thiếu tờ khai"); err != nil {
				t.Fatalf("with a reason: %v", err)
			}
		})
	}
}

func newDossier() *motcua.Dossier {
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, motcua.Location)
	return &motcua.Dossier{Code: "000.00.06.H56-261123-0001", Status: motcua.StatusReceived, ReceivedAt: at, DueAt: at.Add(48 * time.Hour)}
}

func TestMoveKeepsDossierOnError(t *testing.T) {
	d := newDossier()
	err := d.Move(motcua.StatusRefused, "refuse", "cb1", "", d.ReceivedAt)
	if err == nil || d.Status != motcua.StatusReceived || len(d.History) != 0 {
		t.Fatalf("refusal without reason must fail and change nothing: err=%v status=%d history=%d", err, d.Status, len(d.History))
	}
	if err := d.Move(motcua.StatusRefused, "refuse", "cb1", "  Không  thuộc thẩm quyền ", d.ReceivedAt); err != nil {
		t.Fatal(err)
	}
	h := d.History[0]
	if h.From != 2 || h.To != 3 || h.Reason != "Không thuộc thẩm quyền" || h.Actor != "cb1" {
		t.Fatalf("history = %+v", h)
	}
}

func TestExtend(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		d := newDossier()
		old := d.DueAt
		if err := d.Extend(old.Add(24*time.Hour), "cb1", "Chờ xác minh", old); err != nil {
			t.Fatal(err)
		}
		if !d.Extended || !d.DueAt.Equal(old.Add(24*time.Hour)) || len(d.History) != 1 || d.History[0].Action != "extend" {
			t.Fatalf("extend not recorded: %+v", d)
		}
	})
	cases := []struct {
		name string
		code string
		prep func(d *motcua.Dossier)
		due  func(d *motcua.Dossier) time.Time
		why  string
	}{
		{"ErrExtensionUsed", motcua.ErrExtensionUsed, func(d *motcua.Dossier) { d.Extended = true }, func(d *motcua.Dossier) time.Time { return d.DueAt.Add(time.Hour) }, "x"},
		{"ErrReasonRequired", motcua.ErrReasonRequired, func(d *motcua.Dossier) {}, func(d *motcua.Dossier) time.Time { return d.DueAt.Add(time.Hour) }, " "},
		{"ErrBadDueDate", motcua.ErrBadDueDate, func(d *motcua.Dossier) {}, func(d *motcua.Dossier) time.Time { return d.DueAt.Add(-time.Hour) }, "x"},
		{"ErrNotActive", motcua.ErrIllegalTransition, func(d *motcua.Dossier) { d.Status = motcua.StatusReturned }, func(d *motcua.Dossier) time.Time { return d.DueAt.Add(time.Hour) }, "x"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := newDossier()
			c.prep(d)
			before := *d
			err := d.Extend(c.due(d), "cb1", c.why, d.ReceivedAt)
			if e, ok := motcua.AsError(err); !ok || e.Code != c.code {
				t.Fatalf("want %s, got %v", c.code, err)
			}
			if !d.DueAt.Equal(before.DueAt) || d.Extended != before.Extended || len(d.History) != 0 {
				t.Fatal("a refused extension changed the dossier")
			}
		})
	}
}
