package cli

import (
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startXvfb starts a real X server on a free display and returns its name.
func startXvfb(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("Xvfb"); err != nil {
		t.Fatal("Xvfb is missing: run `make test` (it installs xvfb) or apt-get install xvfb")
	}
	for n := 90; n < 140; n++ {
		if displayBusy(n) {
			continue
		}
		disp := fmt.Sprintf(":%d", n)
		cmd := exec.Command("Xvfb", disp, "-screen", "0", "1366x768x24", "-nolisten", "tcp")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// SIGTERM lets Xvfb remove its lock file and socket.
		t.Cleanup(func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() })
		for i := 0; i < 50; i++ {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
				return disp
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("Xvfb %s did not start", disp)
	}
	t.Fatal("no free X display")
	return ""
}

// displayBusy reports whether a live X server holds display n. A lock file
// left by a server that died is stale: Xvfb replaces it itself.
func displayBusy(n int) bool {
	raw, err := os.ReadFile(fmt.Sprintf("/tmp/.X%d-lock", n))
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil || pid <= 0 {
		return true // unreadable: leave it alone
	}
	return syscall.Kill(pid, 0) == nil
}

// testOut is where screenshots are kept for a person to look at.
func testOut(t *testing.T) string {
	dir := os.Getenv("MOTCUA_TESTOUT")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "..", "testout")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestWindowScreenshot opens the real window under Xvfb with sample data and
// captures it; the picture must be a window, not a blank screen.
func TestWindowScreenshot(t *testing.T) {
	if _, err := exec.LookPath("import"); err != nil {
		t.Fatal("imagemagick's import is missing: run `make test` or apt-get install imagemagick")
	}
	disp := startXvfb(t)
	dir := initStation(t)
	for _, l := range []string{cccdLine, "038085001234||Trần Văn Bình|05091985|Nam|Xóm Đông, xã Quảng Phú|01012022"} {
		mustOK(t, runCLI(t, dir, "intake", "--procedure", "1.004873", "--cccd", l))
	}
	app := exec.Command(os.Args[0], "--data", dir, "gui")
	app.Env = append(os.Environ(), "MOTCUA_AS_MAIN=1", "DISPLAY="+disp, "LANG=vi_VN.UTF-8")
	logf, _ := os.Create(filepath.Join(t.TempDir(), "gui.log"))
	app.Stdout, app.Stderr = logf, logf
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { app.Process.Kill(); app.Wait() }()

	shot := filepath.Join(testOut(t), "window.png")
	var colours int
	deadline := time.Now().Add(45 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(time.Second)
		cmd := exec.Command("import", "-display", disp, "-window", "root", shot)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Logf("import: %v %s", err, out)
			continue
		}
		colours = distinctColours(t, shot)
		if colours > 50 {
			break
		}
	}
	if colours <= 50 {
		log, _ := os.ReadFile(logf.Name())
		t.Fatalf("the screen stayed blank (%d colours); app log:\n%s", colours, log)
	}
	t.Logf("screenshot %s: %d colours", shot, colours)
}

func distinctColours(t *testing.T, path string) int {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return 0
	}
	seen := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	return len(seen)
}
