package storage_test

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"motcua"
)

// TestPaperNumber: each series is numbered per year in the station's
// partition (station 2 of 3 takes 2, 5, 8, …); a reprint keeps its number;
// a new year starts again; two stations of one office sharing the file never
// print the same number; an unknown dossier gets none.
func TestPaperNumber(t *testing.T) {
	path := filepath.Join(t.TempDir(), "motcua.db")
	s := MustOpenPath(t, path)
	day := time.Date(2026, 12, 7, 9, 0, 0, 0, motcua.Location)
	var codes []string
	for i := range 4 {
		codes = append(codes, mustAccept(t, s, newDossier(day.Add(time.Duration(i)*time.Minute))).Code)
	}
	st2 := motcua.Station{K: 2, N: 3}
	number := func(code, series string, year int, st motcua.Station) int {
		t.Helper()
		n, err := s.PaperNumber(ctx, code, series, year, st, auditOf("lan.nt"))
		if err != nil {
			t.Fatalf("PaperNumber(%s, %s): %v", code, series, err)
		}
		return n
	}
	for i, want := range []int{2, 5, 8} {
		if got := number(codes[i], "TNHS", 2026, st2); got != want {
			t.Errorf("receipt %d of station 2/3 is number %d, want %d", i+1, got, want)
		}
	}
	if got := number(codes[0], "TNHS", 2026, st2); got != 2 {
		t.Errorf("a reprint of the first receipt is number %d, want 2", got)
	}
	if got := number(codes[0], "HDHS", 2026, st2); got != 2 {
		t.Errorf("the first supplement request is number %d, want 2 (its own register)", got)
	}
	if got := number(codes[3], "TNHS", 2027, st2); got != 2 {
		t.Errorf("the first receipt of 2027 is number %d, want 2 (a new year starts again)", got)
	}
	db := rawDB(t, path)
	if n := queryInt(t, db, `SELECT count(*) FROM audit WHERE action = 'paper.number' AND actor = 'lan.nt'`); n != 5 {
		t.Errorf("%d numbers audited, want 5 (a reprint is not a new number)", n)
	}
	if _, err := s.PaperNumber(ctx, "000.00.06.H56-261207-9999", "TNHS", 2026, st2, auditOf("lan.nt")); err == nil {
		t.Error("a dossier that is not stored got a number")
	}
	if _, err := s.PaperNumber(ctx, codes[0], "", 2026, st2, auditOf("lan.nt")); err == nil {
		t.Error("a paper without a series got a number")
	}

	// Two stations numbering at once: every number distinct, each in its
	// own partition.
	var more []string
	for i := range 40 {
		more = append(more, mustAccept(t, s, newDossier(day.Add(time.Hour+time.Duration(i)*time.Second))).Code)
	}
	got := make([]int, len(more))
	var wg sync.WaitGroup
	for k := 1; k <= 2; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := k - 1; i < len(more); i += 2 {
				n, err := s.PaperNumber(ctx, more[i], "TCHS", 2026, motcua.Station{K: k, N: 2}, auditOf("x"))
				if err != nil {
					t.Error(err)
					return
				}
				got[i] = n
			}
		}()
	}
	wg.Wait()
	seen := map[int]bool{}
	for i, n := range got {
		if seen[n] {
			t.Fatalf("number %d printed twice", n)
		}
		seen[n] = true
		if want := i%2 + 1; (n-want)%2 != 0 {
			t.Errorf("station %d/2 printed %d, outside its partition", want, n)
		}
	}
}
