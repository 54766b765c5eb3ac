package storage_test

import (
	"encoding/binary"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"motcua"
)

// BenchmarkAcceptPages counts what one intake writes to the WAL: after
// pagesWarm intakes (the FTS index and the B-trees past their first pages)
// and a TRUNCATE checkpoint, b.N intakes run and the WAL's frames of the
// current checkpoint generation are read back and attributed to the table
// or index owning each page (dbstat). Reported: pages/intake (WAL frames per
// commit, what the fsync of a commit writes) and the per-B-tree breakdown in
// the log. -benchtime 300x is plenty.
func BenchmarkAcceptPages(b *testing.B) {
	const pagesWarm = 3000
	s := MustOpen(b)
	rng := rand.New(rand.NewPCG(1, 2))
	n := 0
	accept := func() {
		g := genDossier(rng, n, n+1, 9000)
		d := newDossier(g.ReceivedAt)
		d.Applicant, d.Procedure = g.Applicant, g.Procedure
		if err := s.Accept(ctx, d, agency, motcua.Station{K: 1, N: 1}, auditOf("bench")); err != nil {
			b.Fatal(err)
		}
		n++
	}
	for range pagesWarm {
		accept()
	}
	db := rawDB(b, s.Path())
	var frames, commits, pgsz int
	byPage := map[uint32]int{}
	// Chunks of pagesChunk intakes, each starting on an empty WAL, stay
	// under wal_autocheckpoint whatever b.N is.
	const pagesChunk = 150
	b.ResetTimer()
	for done := 0; done < b.N; {
		var busy, logFrames, ckpt int
		if err := db.QueryRow(`PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &ckpt); err != nil || busy != 0 {
			b.Fatalf("checkpoint: busy %d, %v", busy, err)
		}
		k := min(pagesChunk, b.N-done)
		for range k {
			accept()
		}
		done += k
		wal, err := os.ReadFile(s.Path() + "-wal")
		if err != nil {
			b.Fatal(err)
		}
		if len(wal) < 32 {
			b.Fatal("empty WAL")
		}
		pgsz = int(binary.BigEndian.Uint32(wal[8:]))
		salt := wal[16:24]
		c := 0
		for off := 32; off+24+pgsz <= len(wal); off += 24 + pgsz {
			h := wal[off : off+24]
			if string(h[8:16]) != string(salt) {
				break // a frame of an earlier generation
			}
			frames++
			byPage[binary.BigEndian.Uint32(h)]++
			if binary.BigEndian.Uint32(h[4:]) != 0 {
				c++
			}
		}
		if c != k {
			b.Fatalf("%d commits in the WAL, want %d (checkpointed meanwhile?)", c, k)
		}
		commits += c
	}
	b.StopTimer()
	owner := map[uint32]string{1: "(page 1)"}
	rows, err := db.Query(`SELECT name, pageno FROM dbstat`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var name string
		var pg uint32
		if err := rows.Scan(&name, &pg); err != nil {
			b.Fatal(err)
		}
		owner[pg] = name
	}
	rows.Close()
	byName := map[string]int{}
	for pg, c := range byPage {
		name, ok := owner[pg]
		if !ok {
			name = "(free or new)"
		}
		byName[name] += c
	}
	names := slices.SortedFunc(maps.Keys(byName), func(x, y string) int { return byName[y] - byName[x] })
	var sb strings.Builder
	for _, nm := range names {
		fmt.Fprintf(&sb, " %s %.2f;", nm, float64(byName[nm])/float64(commits))
	}
	b.Logf("%d intakes after %d: %.2f WAL pages per intake (%d B pages):%s", commits, pagesWarm,
		float64(frames)/float64(commits), pgsz, sb.String())
	b.ReportMetric(float64(frames)/float64(commits), "pages/intake")
	b.ReportMetric(0, "ns/op")
}
