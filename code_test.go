package motcua_test

import (
	"testing"
	"time"

	"motcua"
)

func TestAgencyID(t *testing.T) {
	for _, ok := range []string{"000.00.06.H56", "000.17.22.H56", "000.00.00.G10", "123.45.67.A01"} {
		if err := motcua.ValidateAgencyID(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "000.00.06.h56", "00.00.06.H56", "000.00.06.H5", "000-00-06-H56", "000.00.06.H56 ", "000.00.06.556", "xã Quảng Phú"} {
		err := motcua.ValidateAgencyID(bad)
		if e, ok := motcua.AsError(err); !ok || e.Code != motcua.ErrBadAgencyID || e.Field != "agency_id" {
			t.Errorf("%q: want ErrBadAgencyID, got %v", bad, err)
		}
	}
}

func TestDossierCode(t *testing.T) {
	at := time.Date(2023, 10, 27, 23, 30, 0, 0, motcua.Location)
	c, err := motcua.NewDossierCode("000.00.06.H56", at, 361)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.String(); got != "000.00.06.H56-231027-0361" {
		t.Fatalf("code = %s", got)
	}
	// The day is Vietnam's: 23:30 UTC on the 26th is already the 27th in Hà Nội.
	c2, _ := motcua.NewDossierCode("000.00.06.H56", time.Date(2023, 10, 26, 17, 30, 0, 0, time.UTC), 1)
	if got := c2.String(); got != "000.00.06.H56-231027-0001" {
		t.Fatalf("UTC receipt: code = %s", got)
	}
	p, err := motcua.ParseDossierCode(" 000.00.06.H56-231027-0361 ")
	if err != nil || p.String() != c.String() {
		t.Fatalf("parse: %v %v", p, err)
	}
	for _, bad := range []string{"", "000.00.06.H56-231027-361", "000.00.06.H56-231327-0001", "000.00.06.H56-231027-0000", "H56-231027-0001", "000.00.06.H56-231027-00a1"} {
		if _, err := motcua.ParseDossierCode(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if _, err := motcua.NewDossierCode("000.00.06.H56", at, 10000); err == nil {
		t.Error("sequence 10000 accepted")
	}
}

func TestStationPartition(t *testing.T) {
	for _, st := range []motcua.Station{{1, 1}, {1, 2}, {2, 2}, {3, 7}, {7, 7}} {
		seen := map[int]bool{}
		for i := 0; ; i++ {
			n, err := st.Seq(i)
			if err != nil {
				if i != st.Capacity() {
					t.Fatalf("%s: exhausted after %d, capacity %d", st, i, st.Capacity())
				}
				if e, _ := motcua.AsError(err); e == nil || e.Code != motcua.ErrSequenceExhausted {
					t.Fatalf("%s: want ErrSequenceExhausted, got %v", st, err)
				}
				break
			}
			if !st.Owns(n) || seen[n] {
				t.Fatalf("%s: seq %d not owned or repeated", st, n)
			}
			seen[n] = true
		}
	}
	// Two stations of the same commune never share a number.
	a, b := motcua.Station{K: 1, N: 2}, motcua.Station{K: 2, N: 2}
	for n := 1; n <= motcua.MaxSeq; n++ {
		if a.Owns(n) == b.Owns(n) {
			t.Fatalf("number %d owned by both or neither", n)
		}
	}
	for _, bad := range []string{"0/2", "3/2", "1", "a/b", "1/100", ""} {
		if _, err := motcua.ParseStation(bad); err == nil {
			t.Errorf("station %q accepted", bad)
		}
	}
}
