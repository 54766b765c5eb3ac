//go:build !testclock

package motcua

import "time"

// wallNow is the computer's clock. A release build has no other.
func wallNow() time.Time { return time.Now() }

// TestClockShifted reports whether this build runs on a test date.
const TestClockShifted = false
