package office_test

import (
	"testing"
	"time"

	"motcua"
	"motcua/app"
)

// returned lists who recorded the return of code at a store.
func returns(tb testing.TB, s *station, code string) []string {
	tb.Helper()
	d, err := s.store.Get(ctx, code)
	if err != nil {
		tb.Fatal(err)
	}
	var who []string
	for _, h := range d.History {
		if h.To == motcua.StatusReturned {
			who = append(who, h.Actor)
		}
	}
	return who
}

// TestConcurrentReturn: the result of one dossier is handed over at two
// counters from the same state (neither has heard of the other). Exactly
// one return stands at every station, and the loser is told who did what.
func TestConcurrentReturn(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b int // the two counters returning; station 1 owns the dossier
	}{{"OwnerAndPeer", 1, 2}, {"TwoPeers", 2, 3}} {
		t.Run(tc.name, func(t *testing.T) {
			sts := startOffice(t, 3)
			d := sts[1].accept(t, "Lê Thị Hoa")
			leader := app.Actor{Username: "lanhdao", Role: app.RoleLeader}
			if _, err := sts[1].svc.Advance(ctx, d.Code, leader, motcua.StatusDone, ""); err != nil {
				t.Fatal(err)
			}
			sts[1].off.Notify()
			eventually(t, 10*time.Second, "result ready everywhere", func() bool {
				for _, s := range sts[1:] {
					got, err := s.store.Get(ctx, d.Code)
					if err != nil || got.Status != motcua.StatusDone {
						return false
					}
				}
				return true
			})
			// Both counters are cut off, and each hands the result over.
			sa, sb := sts[tc.a], sts[tc.b]
			sa.stop()
			sb.stop()
			for _, s := range []*station{sa, sb} {
				officer := app.Actor{Username: "canbo.tram" + string(rune('0'+s.k)), Role: app.RoleOfficer}
				if _, err := s.svc.Return(ctx, d.Code, officer, ""); err != nil {
					t.Fatalf("station %d: Return: %v", s.k, err)
				}
			}
			sa.start(t)
			sb.start(t)
			eventually(t, 20*time.Second, "one state everywhere", func() bool {
				ok, _ := sameState(t, 1, sts[1].store, sts[2].store, sts[3].store)
				return ok
			})
			who := returns(t, sts[1], d.Code)
			if len(who) != 1 {
				t.Fatalf("returns recorded: %v, want exactly one", who)
			}
			loser := sa
			if who[0] == "canbo.tram"+string(rune('0'+sa.k)) {
				loser = sb
			}
			// The loser's station says plainly whose return stood.
			eventually(t, 10*time.Second, "conflict reported at the losing station", func() bool {
				cs, err := loser.store.OfficeConflicts(ctx, d.Code)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range cs {
					if c.Owner == 1 && len(c.Won) == 1 && c.Won[0].Actor == who[0] && len(c.Lost) == 1 &&
						c.Lost[0].Actor == "canbo.tram"+string(rune('0'+loser.k)) {
						return true
					}
				}
				return false
			})
			// The owner refused the loser's change, and recorded it.
			eventually(t, 10*time.Second, "conflict recorded by the owner", func() bool {
				cs, err := sts[1].store.OfficeConflicts(ctx, d.Code)
				return err == nil && len(cs) == 1 && cs[0].Station == loser.k && cs[0].Lost[0].Action == "return"
			})
			// The province hears of one return only: the owner queued one.
			n := 0
			msgs, _ := sts[1].store.OutboxPending(ctx, 1000)
			for _, m := range msgs {
				if m.DossierCode == d.Code {
					n++
				}
			}
			if n != 3 { // accept, done, the winning return
				t.Fatalf("owner's outbox for %s: %d messages, want 3", d.Code, n)
			}
		})
	}
}
