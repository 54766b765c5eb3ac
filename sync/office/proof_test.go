package office_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"motcua"
	"motcua/app"
)

// TestThreeStationsConverge: three stations (in this process, each its own
// embedded server, data folder and port on 127.0.0.1) accept dossiers and
// move some of them forward, while stations are stopped and restarted and
// links between them cut and mended at random; then every station holds the same dossiers with the same content
// hashes (so the same history), each owns its own, and no station queued a
// peer's dossier for the province.
func TestThreeStationsConverge(t *testing.T) {
	perStation := 300
	if testing.Short() {
		perStation = 30
	}
	// Station k reaches station j through links[k][j], which the test cuts.
	ports := freePorts(t, 3)
	creds := officeCreds(t, 3)
	var links [4][4]*link
	for k := 1; k <= 3; k++ {
		for j := 1; j <= 3; j++ {
			if j != k {
				links[k][j] = newLink(t, fmt.Sprintf("127.0.0.1:%d", ports[j-1]))
			}
		}
	}
	sts := make([]*station, 4)
	for k := 1; k <= 3; k++ {
		sts[k] = newStation(t, k, 3, t.TempDir(), fmt.Sprintf("127.0.0.1:%d", ports[k-1]),
			func(j int) string { return links[k][j].addr() }, creds[k])
	}
	var cut []*link
	rng := rand.New(rand.NewPCG(15, 3))
	officer := app.Actor{Username: "canbo", Role: app.RoleOfficer}
	accepted := make([]int, 4)
	var codes []string
	for step := 0; ; step++ {
		done := true
		for k := 1; k <= 3; k++ {
			if accepted[k] < perStation {
				done = false
				codes = append(codes, sts[k].accept(t, fmt.Sprintf("Công dân %d-%d", k, accepted[k])).Code)
				accepted[k]++
			}
		}
		if done {
			break
		}
		// Every third step a counter moves a dossier of the office forward
		// (its own or a peer's it already holds); a stale or illegal move
		// is refused by the service, as for an officer.
		if step%3 == 0 {
			s := sts[1+rng.IntN(3)]
			code := codes[rng.IntN(len(codes))]
			if d, err := s.store.Get(ctx, code); err == nil && d.Status == motcua.StatusReceived {
				_, _ = s.svc.Advance(ctx, code, officer, motcua.StatusProcessing, "")
			}
		}
		// Now and then a station goes off for a while, or comes back.
		if rng.IntN(perStation/10+1) == 0 {
			s := sts[1+rng.IntN(3)]
			if s.off != nil {
				s.stop()
			} else {
				s.start(t)
			}
		}
		// And now and then a cable is cut, or the cut ones are mended.
		if rng.IntN(perStation/10+1) == 0 {
			k := 1 + rng.IntN(3)
			j := 1 + (k+rng.IntN(2))%3
			links[k][j].cut()
			cut = append(cut, links[k][j])
		} else if len(cut) > 0 && rng.IntN(perStation/5+1) == 0 {
			for _, l := range cut {
				l.heal()
			}
			cut = nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	for _, l := range cut {
		l.heal()
	}
	for _, s := range sts[1:] {
		if s.off == nil {
			s.start(t)
		}
	}
	total := 3 * perStation
	eventually(t, 120*time.Second, "every station holds the same dossiers", func() bool {
		ok, why := sameState(t, total, sts[1].store, sts[2].store, sts[3].store)
		if !ok {
			t.Log(why)
		}
		return ok
	})
	for k := 1; k <= 3; k++ {
		n, err := sts[k].store.OfficeOwnedCount(ctx)
		if err != nil || n != perStation {
			t.Fatalf("station %d owns %d dossiers, want %d (%v)", k, n, perStation, err)
		}
		msgs, err := sts[k].store.OutboxPending(ctx, 100000)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if replica, err := sts[k].store.OfficeReplica(ctx, m.DossierCode); err != nil || replica {
				t.Fatalf("station %d queued %s, a peer's dossier, for the province (%v)", k, m.DossierCode, err)
			}
		}
	}
}
