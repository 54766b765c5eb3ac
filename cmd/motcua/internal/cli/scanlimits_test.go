package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCLIScanLimits: the minimum resolution and the size limit per file are
// settings; a scan under the limit is refused naming the file and the rule.
func TestCLIScanLimits(t *testing.T) {
	dir := initStation(t)
	code := intakeOne(t, dir)
	if out := mustOK(t, runCLI(t, dir, "scan-limits")); !strings.Contains(out, "tối đa 20 MB/tệp, tối thiểu 200 dpi") {
		t.Fatalf("defaults: %s", out)
	}
	page := filepath.Join(t.TempDir(), "trang.jpg")
	scanJPEG(t, page, 20) // 200 dpi
	mustOK(t, runCLI(t, dir, "scan-limits", "--min-dpi", "300"))
	r := runCLI(t, dir, "attach", code, "--component", "1", page)
	if r.code != 2 || !strings.Contains(r.stderr, "trang.jpg") || !strings.Contains(r.stderr, "300 dpi") {
		t.Fatalf("a 200 dpi scan under a 300 dpi minimum: exit %d %s", r.code, r.stderr)
	}
	mustOK(t, runCLI(t, dir, "scan-limits", "--min-dpi", "200", "--max-mb", "1"))
	mustOK(t, runCLI(t, dir, "attach", code, "--component", "1", page))
	for _, c := range []struct{ flag, val string }{{"--max-mb", "0"}, {"--max-mb", "501"}, {"--min-dpi", "50"}} {
		if r := runCLI(t, dir, "scan-limits", c.flag, c.val); r.code != 2 || !strings.Contains(r.stderr, strings.TrimPrefix(c.flag, "--")+":") {
			t.Errorf("%s %s: exit %d %s", c.flag, c.val, r.code, r.stderr)
		}
	}
}
