package ui

// The test driver runs fyne.Do on the calling goroutine: serialise the
// window's background hops as the real driver does.
func init() { serialHops = true }
