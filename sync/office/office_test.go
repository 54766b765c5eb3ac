package office_test

import (
	"testing"
	"time"

	"motcua"
	"motcua/app"
)

// outboxFor counts the outbox messages a station queued for code.
func outboxFor(tb testing.TB, s *station, code string) int {
	tb.Helper()
	msgs, err := s.store.OutboxPending(ctx, 10000)
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for _, m := range msgs {
		if m.DossierCode == code {
			n++
		}
	}
	return n
}

func TestReplicate(t *testing.T) {
	sts := startOffice(t, 2)
	s1, s2 := sts[1], sts[2]
	d := s1.accept(t, "Nguyễn Thị Ánh Tuyết")

	eventually(t, 10*time.Second, "dossier at station 2", func() bool {
		_, err := s2.store.Get(ctx, d.Code)
		return err == nil
	})
	if ok, why := sameState(t, 1, s1.store, s2.store); !ok {
		t.Fatal(why)
	}
	if replica, err := s2.store.OfficeReplica(ctx, d.Code); err != nil || !replica {
		t.Fatalf("station 2: replica = %v, %v; want a replica", replica, err)
	}
	if n := outboxFor(t, s2, d.Code); n != 0 {
		t.Fatalf("station 2 queued %d outbox messages for station 1's dossier", n)
	}
	if n := outboxFor(t, s1, d.Code); n != 1 {
		t.Fatalf("station 1 (owner) has %d outbox messages, want 1", n)
	}

	// A change at the replica's counter travels to the owner, which takes
	// it, delivers it and publishes it back as decided.
	officer := app.Actor{Username: "canbo.binh", Role: app.RoleOfficer}
	if _, err := s2.svc.Advance(ctx, d.Code, officer, motcua.StatusProcessing, ""); err != nil {
		t.Fatalf("station 2: Advance: %v", err)
	}
	if n := outboxFor(t, s2, d.Code); n != 0 {
		t.Fatalf("station 2 queued %d outbox messages for a change of a replica", n)
	}
	eventually(t, 10*time.Second, "station 2's change at station 1", func() bool {
		got, err := s1.store.Get(ctx, d.Code)
		return err == nil && got.Status == motcua.StatusProcessing
	})
	if n := outboxFor(t, s1, d.Code); n != 2 {
		t.Fatalf("station 1 has %d outbox messages after the peer's change, want 2", n)
	}
	if ok, why := sameState(t, 1, s1.store, s2.store); !ok {
		t.Fatal(why)
	}

	// Station 2 is off while station 1 works; it catches up when it
	// returns (store and forward).
	s2.stop()
	var codes []string
	for i := range 5 {
		codes = append(codes, s1.accept(t, "Trần Văn Bình "+string(rune('A'+i))).Code)
	}
	s2.start(t)
	eventually(t, 15*time.Second, "station 2 catches up", func() bool {
		ok, _ := sameState(t, 6, s1.store, s2.store)
		return ok
	})
	st := s2.off.Status()
	if len(st.Peers) != 1 || !st.Peers[0].Connected {
		t.Fatalf("station 2 status: %+v", st)
	}
}
