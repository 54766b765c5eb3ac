package storage_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"motcua"
	"motcua/storage"
)

func TestOutboxUndelivered(t *testing.T) {
	s := MustOpen(t)
	for i := range 4 {
		mustAccept(t, s, newDossier(day.Add(time.Duration(i)*time.Minute)))
	}
	ms, err := s.OutboxUndelivered(ctx, 0, 10)
	if err != nil || len(ms) != 4 {
		t.Fatalf("OutboxUndelivered = %d messages, %v; want 4", len(ms), err)
	}
	ops := []storage.OutboxMarkOp{
		{ID: ms[0].ID, State: storage.StateAcked, LastError: "Đã tiếp nhận"},
		{ID: ms[1].ID, State: storage.StateQuarantined, LastError: "Thiếu mã thủ tục"},
		{ID: ms[2].ID, State: storage.StateSending},
	}
	if err := s.OutboxMarkMany(ctx, ops); err != nil {
		t.Fatal(err)
	}
	ms, err = s.OutboxUndelivered(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, m := range ms {
		states = append(states, m.State)
	}
	if want := []string{storage.StateQuarantined, storage.StateSending, storage.StatePending}; !slices.Equal(states, want) {
		t.Fatalf("undelivered states %v, want %v (acked left out, quarantined kept)", states, want)
	}
	if ms[0].LastError != "Thiếu mã thủ tục" || ms[1].Attempts != 1 {
		t.Fatalf("quarantined note %q, sending attempts %d", ms[0].LastError, ms[1].Attempts)
	}
	if after, _ := s.OutboxUndelivered(ctx, ms[1].ID, 10); len(after) != 1 || after[0].ID != ms[2].ID {
		t.Fatalf("after %d: %d messages", ms[1].ID, len(after))
	}
	// One bad op and the batch is not applied at all.
	err = s.OutboxMarkMany(ctx, []storage.OutboxMarkOp{{ID: ms[2].ID, State: storage.StateAcked}, {ID: ops[0].ID, State: storage.StatePending}})
	wantCoded(t, err, motcua.KindConflict, storage.ErrBadState)
	if st, _ := s.OutboxStats(ctx); st[storage.StateAcked] != 1 {
		t.Fatalf("a failed batch was partly applied: %v", st)
	}
}

func TestApplyPage(t *testing.T) {
	s := MustOpen(t)
	a := mustAccept(t, s, newDossier(day))
	b := mustAccept(t, s, newDossier(day.Add(time.Minute)))
	if c, err := s.Cursor(ctx); err != nil || c != "" {
		t.Fatalf("Cursor = %q, %v; want empty", c, err)
	}
	unknown := agency + "-261124-0099"
	var seen []string
	err := s.ApplyPage(ctx, "c1", []string{a.Code, unknown, b.Code}, func(code string, d *motcua.Dossier) (bool, error) {
		seen = append(seen, code)
		switch {
		case code == unknown:
			if d != nil {
				t.Errorf("unknown code: got a dossier")
			}
			return false, nil
		case code == a.Code:
			return true, d.Move(motcua.StatusProcessing, "province", "Hệ thống một cửa tỉnh", "", day.Add(time.Hour))
		}
		return false, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(seen, []string{a.Code, unknown, b.Code}) {
		t.Fatalf("fn saw %v", seen)
	}
	got, _ := s.Get(ctx, a.Code)
	if got.Status != motcua.StatusProcessing || len(got.History) != 2 || got.History[1].Actor != "Hệ thống một cửa tỉnh" {
		t.Fatalf("pulled change not saved: %v, %d history entries", got.Status, len(got.History))
	}
	if c, _ := s.Cursor(ctx); c != "c1" {
		t.Fatalf("Cursor = %q, want c1", c)
	}
	assertCounts(t, s, 2, 2, 3) // no outbox message for a pulled change; one audit entry
	if _, err := s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	// The pulled entry does not collide with the next local write's key.
	prev := len(got.History)
	if err := got.Move(motcua.StatusDone, "done", "lan", "", day.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, got, motcua.StatusProcessing, prev, auditOf("lan")); err != nil {
		t.Fatal(err)
	}

	t.Run("AllOrNothing", func(t *testing.T) {
		boom := errors.New("boom")
		err := s.ApplyPage(ctx, "c2", []string{b.Code, a.Code}, func(code string, d *motcua.Dossier) (bool, error) {
			if code == a.Code {
				return false, boom
			}
			return true, d.Move(motcua.StatusProcessing, "province", "tỉnh", "", day.Add(time.Hour))
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want boom", err)
		}
		if got, _ := s.Get(ctx, b.Code); got.Status != motcua.StatusReceived {
			t.Fatal("a failed page saved a dossier")
		}
		if c, _ := s.Cursor(ctx); c != "c1" {
			t.Fatalf("Cursor = %q after a failed page, want c1", c)
		}
	})
}
