//go:build tour

package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestScreenshotTour runs `motcua screenshots` — the real window under Xvfb,
// every screen on sample data — and checks that each picture was taken, is
// not blank, and that no screen needed more than 1366×697 (the tour fails
// then: on a laptop the window would run off the screen).
func TestScreenshotTour(t *testing.T) {
	if testing.Short() {
		t.Skip("the tour takes about 20 s")
	}
	if _, err := exec.LookPath("import"); err != nil {
		t.Fatal("imagemagick's import is missing: run `make test` or apt-get install imagemagick")
	}
	disp := startXvfb(t)
	out := filepath.Join(testOut(t), "screenshots")
	os.RemoveAll(out)
	cmd := exec.Command(os.Args[0], "screenshots", "--out", out)
	cmd.Env = append(os.Environ(), "MOTCUA_AS_MAIN=1", "DISPLAY="+disp, "LANG=vi_VN.UTF-8", "MOTCUA_DATA=", "HOME="+t.TempDir())
	log, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("tour: %v\n%s", err, log)
	}
	shots, _ := filepath.Glob(filepath.Join(out, "*.png"))
	// Every screen of the tour, continuity and digitisation included.
	const atLeast = 39
	if len(shots) < atLeast {
		t.Fatalf("%d pictures, want at least %d:\n%s", len(shots), atLeast, log)
	}
	for _, s := range shots {
		if n := distinctColours(t, s); n < 40 {
			t.Errorf("%s looks blank (%d colours)", filepath.Base(s), n)
		}
	}
	if !strings.Contains(string(log), fmt.Sprintf("%d pictures", len(shots))) {
		t.Fatalf("the tour does not report the %d pictures on disk:\n%s", len(shots), log)
	}
}
