package keyfile

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestDPAPIRoundTrip runs on Windows only: the real DPAPI seal. On Linux
// TestDPAPIUnderWine cross-compiles this test binary and runs it here under
// Wine.
func TestDPAPIRoundTrip(t *testing.T) {
	if runtime.GOOS != "windows" {
		t.Skip("DPAPI is Windows only (TestDPAPIUnderWine runs this under Wine)")
	}
	if !Protected() || Scheme() != "dpapi-machine" {
		t.Fatalf("scheme %q on Windows", Scheme())
	}
	key := []byte("AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ\n")
	sealed, err := Seal(key)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(sealed), "MOTCUA-SEALED v1 dpapi-machine\n") {
		t.Fatalf("header: %q", sealed[:40])
	}
	if bytes.Equal(sealed, key) || bytes.Contains(sealed, bytes.TrimSpace(key)) {
		t.Fatal("the sealed blob holds the plain key")
	}
	blob, _ := machine.Seal(key)
	if bytes.Contains(blob, bytes.TrimSpace(key)) {
		t.Fatal("the DPAPI blob holds the plain key")
	}
	got, err := Unseal(sealed)
	if err != nil || !bytes.Equal(got, key) {
		t.Fatalf("round trip: %q, %v", got, err)
	}
	blob[len(blob)-1] ^= 1
	if _, err := machine.Unseal(blob); err == nil {
		t.Fatal("a changed DPAPI blob opened")
	}

	// Not t.TempDir: Wine 8's file system refuses the unlinkat of Go's
	// RemoveAll ("Invalid function"), while a plain os.Remove works.
	dir, err := os.MkdirTemp("", "keyfile")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "blob.key")
	t.Cleanup(func() { os.Remove(p); os.Remove(dir) })
	os.WriteFile(p, key, 0o600)
	if got, err := ReadKeyFile(p); err != nil || !bytes.Equal(got, key) {
		t.Fatalf("legacy read: %q, %v", got, err)
	}
	onDisk, _ := os.ReadFile(p)
	if !strings.HasPrefix(string(onDisk), "MOTCUA-SEALED v1 dpapi-machine\n") {
		t.Fatalf("legacy file not migrated: %q", onDisk)
	}
	if got, err := ReadKeyFile(p); err != nil || !bytes.Equal(got, key) {
		t.Fatalf("read sealed: %q, %v", got, err)
	}
	v, err := SealValue("mật khẩu tỉnh")
	if err != nil || !strings.HasPrefix(v, ValuePrefix) {
		t.Fatalf("seal value: %q, %v", v, err)
	}
	if pv, _, err := UnsealValue("province.password", v); err != nil || pv != "mật khẩu tỉnh" {
		t.Fatalf("unseal value: %q, %v", pv, err)
	}
	t.Logf("DPAPI seal OK: %d plain bytes -> %d sealed bytes", len(key), len(blob))
}

// TestDPAPIUnderWine proves the Windows path on Linux: the package's test
// binary, cross-compiled for windows/amd64, runs TestDPAPIRoundTrip under
// Wine in a throwaway prefix (with the ProcessPrng shim Go needs on Wine 8,
// as packaging/smoke/windows.sh does). Skipped without wine64 and mingw,
// and with -short (a fresh prefix takes some 20–60 s).
func TestDPAPIUnderWine(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("on Windows TestDPAPIRoundTrip runs directly")
	}
	if testing.Short() {
		t.Skip("-short: no Wine")
	}
	wine := os.Getenv("WINE")
	if wine == "" {
		wine = "/usr/lib/wine/wine64"
	}
	if _, err := os.Stat(wine); err != nil {
		if wine, err = exec.LookPath("wine64"); err != nil {
			t.Skip("wine64 not installed (apt-get install wine64)")
		}
	}
	cc, err := exec.LookPath("x86_64-w64-mingw32-gcc")
	if err != nil {
		t.Skip("mingw not installed (apt-get install gcc-mingw-w64-x86-64): needed for the ProcessPrng shim")
	}
	root, _ := filepath.Abs("../..")
	work := t.TempDir()
	exe := filepath.Join(work, "keyfile.test.exe")
	build := exec.Command("go", "test", "-c", "-o", exe, ".")
	build.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("cross-compile: %v\n%s", err, out)
	}
	prefix := filepath.Join(work, "prefix")
	env := append(os.Environ(), "WINEPREFIX="+prefix, "WINEARCH=win64", "WINEDEBUG=-all",
		"WINEDLLOVERRIDES=bcryptprimitives=n;mscoree,mshtml=", "DISPLAY=")
	run := func(timeout time.Duration, name string, args ...string) ([]byte, error) {
		cmd := exec.Command(name, args...)
		cmd.Env = env
		cmd.Dir = work
		done := make(chan struct{})
		var out []byte
		var err error
		go func() { out, err = cmd.CombinedOutput(); close(done) }()
		select {
		case <-done:
			return out, err
		case <-time.After(timeout):
			cmd.Process.Kill()
			<-done
			return out, errTimedOut
		}
	}
	wineserver := filepath.Join(filepath.Dir(wine), "wineserver")
	defer func() {
		k := exec.Command(wineserver, "-k")
		k.Env = env
		k.Run()
	}()
	if out, err := run(3*time.Minute, wine, "wineboot", "-i"); err != nil {
		t.Fatalf("wineboot: %v\n%s", err, out)
	}
	shim := filepath.Join(prefix, "drive_c", "windows", "system32", "bcryptprimitives.dll")
	if out, err := exec.Command(cc, "-shared", "-Os", "-s", "-o", shim,
		filepath.Join(root, "packaging/smoke/prngshim.c"), filepath.Join(root, "packaging/smoke/prngshim.def"), "-ladvapi32").CombinedOutput(); err != nil {
		t.Fatalf("ProcessPrng shim: %v\n%s", err, out)
	}
	out, err := run(3*time.Minute, wine, exe, "-test.run", "^TestDPAPIRoundTrip$", "-test.v", "-test.count=1")
	t.Logf("under Wine:\n%s", out)
	if err != nil {
		t.Fatalf("test binary under Wine: %v", err)
	}
	if !strings.Contains(string(out), "--- PASS: TestDPAPIRoundTrip") {
		t.Fatal("TestDPAPIRoundTrip did not pass under Wine (skipped?)")
	}
}

var errTimedOut = errTimeout{}

type errTimeout struct{}

func (errTimeout) Error() string { return "timed out" }
