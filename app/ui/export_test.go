package ui

// The test driver runs fyne.Do on the calling goroutine: serialise the
// window's background hops as the real driver does.
func init() { serialHops = true }

// Num is num for the tests of the English plurals.
func Num(n int, vi string) string { return num(n, vi) }
