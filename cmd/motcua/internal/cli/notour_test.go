//go:build !tour

package cli

import (
	"strings"
	"testing"
)

// TestShippedHasNoTour: the shipped build has no screenshot tour (it is in
// the -tags tour build only, `make tour`).
func TestShippedHasNoTour(t *testing.T) {
	r := runCLI(t, t.TempDir(), "screenshots", "--out", t.TempDir())
	if r.code != 2 || !strings.Contains(r.stderr, "screenshots") {
		t.Fatalf("screenshots in the shipped build: exit %d %s", r.code, r.stderr)
	}
}
