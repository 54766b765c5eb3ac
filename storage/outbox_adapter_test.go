package storage_test

import (
	"testing"
	"time"

	"motcua"
	"motcua/storage"
	"motcua/sync/outbox"
)

func TestOutboxQueue(t *testing.T) {
	s := MustOpen(t)
	q := s.Queue()
	a := mustAccept(t, s, newDossier(day))
	b := mustAccept(t, s, newDossier(day.Add(time.Minute)))
	prev := len(a.History)
	if err := a.Move(motcua.StatusProcessing, "advance", "canbo.lan", "", day.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, a, motcua.StatusReceived, prev, auditOf("canbo.lan")); err != nil {
		t.Fatal(err)
	}
	msgs, err := q.Pending(ctx, 0, 10)
	if err != nil || len(msgs) != 3 {
		t.Fatalf("Pending: %d messages, %v", len(msgs), err)
	}
	if msgs[0].Dossier != a.Code || msgs[1].Dossier != b.Code || msgs[2].Dossier != a.Code || msgs[0].Key != a.Code+":1" {
		t.Fatalf("Pending order/keys: %+v", msgs)
	}
	if after, _ := q.Pending(ctx, msgs[0].ID, 10); len(after) != 2 {
		t.Fatalf("Pending after %d: %d", msgs[0].ID, len(after))
	}

	// One transaction: the first message acknowledged, the second quarantined.
	err = q.Mark(ctx, []outbox.Mark{{ID: msgs[0].ID, State: outbox.StateSending}, {ID: msgs[0].ID, State: outbox.StateAcknowledged, Note: "ok"},
		{ID: msgs[1].ID, State: outbox.StateQuarantined, Note: "MaHoSo: sai"}})
	if err != nil {
		t.Fatal(err)
	}
	// A late mark from another process on a delivered message is ignored.
	if err := q.Mark(ctx, []outbox.Mark{{ID: msgs[0].ID, State: outbox.StatePending, Note: "timeout"}}); err != nil {
		t.Fatalf("late mark on an acknowledged message: %v", err)
	}
	counts, err := q.Counts(ctx)
	if err != nil || counts[outbox.StatePending] != 1 || counts[outbox.StateQuarantined] != 1 || counts[outbox.StateSending] != 0 {
		t.Fatalf("Counts = %v, %v", counts, err)
	}
	acked, _ := q.List(ctx, []outbox.State{outbox.StateAcknowledged}, 10)
	if len(acked) != 1 || acked[0].LastError != "ok" || acked[0].Attempts != 1 {
		t.Fatalf("acked: %+v", acked)
	}
	all, _ := q.List(ctx, nil, 10)
	if len(all) != 3 || all[0].ID != msgs[2].ID {
		t.Fatalf("all, newest first: %+v", all)
	}
	if _, err := q.List(ctx, []outbox.State{"lost"}, 10); err == nil {
		t.Fatal("List accepted an unknown state")
	}

	t.Run("Retry", func(t *testing.T) {
		code, err := q.Retry(ctx, msgs[1].ID, "canbo.lan")
		if err != nil || code != b.Code {
			t.Fatalf("Retry = %q, %v", code, err)
		}
		got, _ := q.List(ctx, []outbox.State{outbox.StatePending}, 10)
		if len(got) != 2 || got[0].ID != msgs[1].ID || got[0].LastError != "Cán bộ cho gửi lại; lần trước tỉnh trả lời: MaHoSo: sai" {
			t.Fatalf("after retry: %+v", got)
		}
	})
	t.Run("ErrNotQuarantined", func(t *testing.T) {
		_, err := q.Retry(ctx, msgs[0].ID, "canbo.lan")
		wantCoded(t, err, motcua.KindConflict, storage.ErrNotQuarantined)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := q.Retry(ctx, 999, "canbo.lan")
		wantCoded(t, err, motcua.KindNotFound, motcua.ErrNotFound)
	})
	if n, err := s.VerifyAudit(ctx); err != nil || n == 0 {
		t.Fatalf("audit after retry: %d, %v", n, err)
	}
}

func TestResetCursor(t *testing.T) {
	s := MustOpen(t)
	if err := s.ApplyPage(ctx, "42", nil, nil); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Cursor(ctx); c != "42" {
		t.Fatalf("cursor %q", c)
	}
	if err := s.ResetCursor(ctx); err != nil {
		t.Fatal(err)
	}
	if c, err := s.Cursor(ctx); c != "" || err != nil {
		t.Fatalf("cursor after reset %q, %v", c, err)
	}
}
