package ui

// Tick runs the frame's periodic refresh now (the window runs it every 30
// seconds).
func (f *Frame) Tick() { f.tick() }
