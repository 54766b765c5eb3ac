//go:build testclock

package motcua

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// This file exists only in builds with the `testclock` tag, which only the
// clock-shifted test runs use (make test-dates): a counter PC never runs on
// a fake date, because no release build reads MOTCUA_TEST_CLOCK.
//
// MOTCUA_TEST_CLOCK is an RFC 3339 time; the system clock reads it at the
// real instant MOTCUA_TEST_CLOCK_ANCHOR (Unix nanoseconds; set by the first
// process that sees the variable) and runs on at real speed. Child
// processes inherit both variables, so every process of a test run agrees
// on the time to the nanosecond.

// TestClockShifted reports whether this build runs on a test date.
const TestClockShifted = true

var testOffset time.Duration

func init() {
	v := os.Getenv("MOTCUA_TEST_CLOCK")
	if v == "" {
		return
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		fmt.Fprintf(os.Stderr, "MOTCUA_TEST_CLOCK=%q: %v\n", v, err)
		os.Exit(2)
	}
	anchor := time.Now()
	if a := os.Getenv("MOTCUA_TEST_CLOCK_ANCHOR"); a != "" {
		n, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			fmt.Fprintf(os.Stderr, "MOTCUA_TEST_CLOCK_ANCHOR=%q: %v\n", a, err)
			os.Exit(2)
		}
		anchor = time.Unix(0, n)
	} else {
		os.Setenv("MOTCUA_TEST_CLOCK_ANCHOR", strconv.FormatInt(anchor.UnixNano(), 10))
	}
	testOffset = t.Sub(anchor)
}

func wallNow() time.Time { return time.Now().Add(testOffset) }
