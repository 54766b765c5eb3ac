package app_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"motcua"
	"motcua/app"
)

// TestReadImportFile: an endless file (/dev/zero) and one over the limit
// are refused with a coded error, without reading them whole.
func TestReadImportFile(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.json")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(app.MaxImportBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	paths := []string{big}
	if runtime.GOOS != "windows" {
		paths = append(paths, "/dev/zero")
	}
	for _, p := range paths {
		_, err := app.ReadImportFile(p)
		if e, ok := motcua.AsError(err); !ok || e.Code != app.ErrTooLarge {
			t.Fatalf("%s: %v", p, err)
		}
	}
	ok := filepath.Join(t.TempDir(), "ok.json")
	os.WriteFile(ok, []byte(`{"a":1}`), 0o600)
	if raw, err := app.ReadImportFile(ok); err != nil || string(raw) != `{"a":1}` {
		t.Fatalf("%q %v", raw, err)
	}
}
