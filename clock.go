package motcua

import (
	"sync"
	"time"
)

// Clock tells the date and time. The program has one, built in cmd/ and
// handed to every component that needs "now"; production code never reads
// time.Now for a date anywhere else (TestNoDirectWallClock enforces it).
// Tests inject a FixedClock, and hand the same date to every process and
// server they talk to.
type Clock interface{ Now() time.Time }

// SystemClock is the computer's clock, in Vietnam time.
type SystemClock struct{}

// Now returns the current time in Vietnam time. In a build with the
// `testclock` tag (test runs only, never a release) it is shifted to the
// day MOTCUA_TEST_CLOCK names; see clock_testclock.go.
func (SystemClock) Now() time.Time { return wallNow().In(Location) }

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// FixedClock is a clock that stands still until moved: the clock of tests.
type FixedClock struct {
	mu sync.Mutex
	t  time.Time
}

// NewFixedClock returns a clock that reads t until Set or Advance.
func NewFixedClock(t time.Time) *FixedClock { return &FixedClock{t: t} }

// Now returns the clock's time.
func (c *FixedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set moves the clock to t.
func (c *FixedClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d.
func (c *FixedClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// OrSystem returns c, or the system clock when c is nil.
func OrSystem(c Clock) Clock {
	if c == nil {
		return SystemClock{}
	}
	return c
}

// Stopwatch measures elapsed time on the monotonic clock: durations,
// timeouts and benchmarks, never a date.
type Stopwatch struct{ start time.Time }

// StartStopwatch starts a stopwatch.
func StartStopwatch() Stopwatch { return Stopwatch{start: time.Now()} }

// Elapsed is the time since the stopwatch started.
func (s Stopwatch) Elapsed() time.Duration { return time.Since(s.start) }

// FileSystemNow is the computer's real clock, for comparing with the file
// times the operating system writes (a stale temporary, a pooled copy's
// age): never a date an officer sees or a rule decides on.
func FileSystemNow() time.Time { return time.Now() }
