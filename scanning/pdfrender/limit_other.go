//go:build !linux

package pdfrender

// limitMemory is a no-op outside Linux: the time limit still applies, and
// a Windows job object would be the equivalent (not done yet).
func limitMemory() {}
