package cli

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// bundleKeys runs `bundle keys` and returns the sign and box keys.
func bundleKeys(t *testing.T, dir string) (sign, box string) {
	t.Helper()
	out := mustOK(t, runCLI(t, dir, "bundle", "keys"))
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("bundle keys: %q", out)
	}
	f0, f1 := strings.Fields(lines[0]), strings.Fields(lines[1])
	return f0[len(f0)-1], f1[len(f1)-1]
}

// TestFieldCommands: a field station and its counter set up, prepare,
// hand over and import from the command line.
func TestFieldCommands(t *testing.T) {
	fixClock(t, time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("ICT", 7*3600)))
	counter, laptop := t.TempDir(), t.TempDir()
	mustOK(t, runCLI(t, counter, "init", "--agency-id", "000.00.06.H56", "--agency-name", "UBND xã Quảng Phú", "--station", "1/3"))
	mustOK(t, runCLI(t, laptop, "init", "--agency-id", "000.00.06.H56", "--agency-name", "UBND xã Quảng Phú", "--station", "3/3"))
	signInAdmin(t, counter)
	signInAdmin(t, laptop)
	mustOK(t, runCLI(t, laptop, "field", "role", "field"))
	sign, _ := bundleKeys(t, laptop)
	_, box := bundleKeys(t, counter)
	mustOK(t, runCLI(t, counter, "bundle", "trust", "--station", "3/3", "--key", sign))
	mustOK(t, runCLI(t, laptop, "field", "counter-key", box))

	img := image.NewGray(image.Rect(0, 0, 1170, 1660))
	var b bytes.Buffer
	png.Encode(&b, img)
	doc := filepath.Join(t.TempDir(), "to-khai.png")
	os.WriteFile(doc, b.Bytes(), 0o600)

	if r := runCLI(t, laptop, "intake", "--procedure", "1.001193", "--cccd", cccdLine); r.code == 0 || !strings.Contains(r.stderr, "ERR_FIELD_STATION") && !strings.Contains(r.stderr, "không cấp mã hồ sơ") {
		t.Fatalf("intake on a field station: exit %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, laptop, "field", "prepare", "--procedure", "1.001193", "--cccd", cccdLine, "--tick", "1,2"); r.code == 0 ||
		!strings.Contains(r.stderr, "đồng ý") {
		t.Fatalf("prepare without consent: exit %d %s", r.code, r.stderr)
	}
	out := mustOK(t, runCLI(t, laptop, "field", "prepare", "--procedure", "1.001193", "--cccd", cccdLine, "--tick", "1,2",
		"--doc", "1:"+doc, "--consent", "paper"))
	ref := strings.Fields(out)[0]
	if !strings.HasPrefix(ref, "000.00.06.H56-CB-") || !strings.Contains(out, "MC1|") {
		t.Fatalf("prepare printed %q", out)
	}
	if list := mustOK(t, runCLI(t, laptop, "field", "list")); !strings.Contains(list, ref) || !strings.Contains(list, "chưa bàn giao") ||
		!strings.HasPrefix(list, "MÃ THAM CHIẾU") {
		t.Fatalf("list:\n%s", list)
	}
	slip := filepath.Join(t.TempDir(), "phieu-hen.pdf")
	mustOK(t, runCLI(t, laptop, "field", "slip", ref, "-o", slip))
	if b, err := os.ReadFile(slip); err != nil || !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Fatalf("slip PDF: %v", err)
	}
	usb := filepath.Join(t.TempDir(), "ban-giao.mcb")
	mustOK(t, runCLI(t, laptop, "field", "export", usb))
	if r := runCLI(t, counter, "field", "prepare", "--procedure", "1.001193", "--cccd", cccdLine, "--consent", "paper"); r.code == 0 {
		t.Fatal("a counter prepared a pre-dossier")
	}
	if got := mustOK(t, runCLI(t, counter, "field", "import", usb)); !strings.Contains(got, "1 hồ sơ chuẩn bị mới") {
		t.Fatalf("import: %q", got)
	}
	if r := runCLI(t, counter, "field", "import", usb); r.code == 0 || !strings.Contains(r.stderr, "đã được nhập") {
		t.Fatalf("replay: exit %d %s", r.code, r.stderr)
	}
	if list := mustOK(t, runCLI(t, counter, "field", "list")); !strings.Contains(list, ref) || !strings.Contains(list, "chờ người dân đến") {
		t.Fatalf("counter list:\n%s", list)
	}
}
