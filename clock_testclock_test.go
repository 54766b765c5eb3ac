//go:build testclock

package motcua_test

import (
	"os"
	"testing"
	"time"

	"motcua"
)

// TestShiftedClock proves the clock-shifted runs (make test-dates) really
// run on the day they name: the system clock reads MOTCUA_TEST_CLOCK.
func TestShiftedClock(t *testing.T) {
	v := os.Getenv("MOTCUA_TEST_CLOCK")
	if v == "" {
		t.Fatal("a testclock build runs with MOTCUA_TEST_CLOCK set (make test-dates)")
	}
	want, err := time.Parse(time.RFC3339, v)
	if err != nil {
		t.Fatal(err)
	}
	got := motcua.SystemClock{}.Now()
	if d := got.Sub(want); d < 0 || d > 30*time.Minute {
		t.Fatalf("system clock %s; want shortly after %s", got, want)
	}
}
