package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIScanInbox: the scan-inbox folder is a setting; a folder that does
// not exist is refused naming it; off turns it off.
func TestCLIScanInbox(t *testing.T) {
	dir := initStation(t)
	if out := mustOK(t, runCLI(t, dir, "scan-inbox")); !strings.Contains(out, "chưa đặt") {
		t.Fatalf("default: %s", out)
	}
	missing := filepath.Join(t.TempDir(), "khong-co")
	if r := runCLI(t, dir, "scan-inbox", "set", missing); r.code != 2 || !strings.Contains(r.stderr, "khong-co") {
		t.Fatalf("missing folder: exit %d %s", r.code, r.stderr)
	}
	inbox := t.TempDir()
	if out := mustOK(t, runCLI(t, dir, "scan-inbox", "set", inbox)); !strings.Contains(out, inbox) ||
		!strings.Contains(out, filepath.Join(inbox, "processed")) {
		t.Fatalf("set: %s", out)
	}
	if out := mustOK(t, runCLI(t, dir, "scan-inbox", "show")); !strings.Contains(out, inbox) {
		t.Fatalf("show: %s", out)
	}
	if out := mustOK(t, runCLI(t, dir, "scan-inbox", "off")); !strings.Contains(out, "chưa đặt") {
		t.Fatalf("off: %s", out)
	}
}
