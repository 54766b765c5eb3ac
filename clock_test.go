package motcua_test

import (
	"testing"
	"time"

	"motcua"
)

func TestFixedClock(t *testing.T) {
	at := time.Date(2027, 2, 3, 9, 15, 0, 0, motcua.Location)
	c := motcua.NewFixedClock(at)
	if !c.Now().Equal(at) {
		t.Fatalf("Now = %s", c.Now())
	}
	c.Advance(90 * time.Minute)
	if want := at.Add(90 * time.Minute); !c.Now().Equal(want) {
		t.Fatalf("after Advance: %s; want %s", c.Now(), want)
	}
	if motcua.OrSystem(nil) != (motcua.SystemClock{}) || motcua.OrSystem(c) != c {
		t.Fatal("OrSystem")
	}
	if motcua.TestClockShifted {
		return // the shifted run checks the system clock in TestShiftedClock
	}
	if d := time.Since(motcua.SystemClock{}.Now()); d < 0 || d > time.Minute {
		t.Fatalf("a release build's system clock is the computer's: off by %s", d)
	}
}
