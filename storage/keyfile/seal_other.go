//go:build !windows

package keyfile

// platformSealer: no machine-bound store here; keys stay plain (0600).
func platformSealer() Sealer { return plain{} }
