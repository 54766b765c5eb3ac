// Package keyfiletest has a fake machine sealer: tests on Linux use it
// (keyfile.Use) where Windows would seal with DPAPI.
package keyfiletest

import (
	"bytes"
	"crypto/sha256"
	"errors"
)

// Sealer is bound to the machine named PC, and notices any change, as
// DPAPI's MAC does: a blob sealed on "pc1" does not open on "pc2".
type Sealer struct{ PC string }

// Scheme is the header's scheme.
func (f Sealer) Scheme() string { return "fake-machine" }

// Seal obfuscates p (no secrecy: a test fake) and tags it with the machine.
func (f Sealer) Seal(p []byte) ([]byte, error) {
	out := []byte("FAKE:" + f.PC + ":")
	for _, c := range p {
		out = append(out, c^0x5a)
	}
	sum := sha256.Sum256(out)
	return append(out, sum[:4]...), nil
}

// Unseal opens what Seal returned on the same machine.
func (f Sealer) Unseal(b []byte) ([]byte, error) {
	pre := []byte("FAKE:" + f.PC + ":")
	if len(b) < len(pre)+4 {
		return nil, errors.New("fake: too short")
	}
	body, tag := b[:len(b)-4], b[len(b)-4:]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:4], tag) {
		return nil, errors.New("fake: bad MAC")
	}
	if !bytes.HasPrefix(body, pre) {
		return nil, errors.New("fake: sealed on another machine")
	}
	p := []byte{}
	for _, c := range body[len(pre):] {
		p = append(p, c^0x5a)
	}
	return p, nil
}
