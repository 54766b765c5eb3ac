//go:build linux || darwin

package forms_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua"
	"motcua/app/forms"
)

// A PC without printing software: the officer reads what happened and
// what to do, in Vietnamese; the command and the system error stay in the
// cause for support staff.
func TestPrintErrorInWords(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no lp, no xdg-open
	pdf := filepath.Join(t.TempDir(), "giay-hen.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{"print": forms.Print(pdf), "printTo": forms.PrintTo(pdf, "Canon LBP2900"), "open": forms.Open(pdf)} {
		e, ok := motcua.AsError(err)
		if !ok {
			t.Fatalf("%s: not a coded error: %v", name, err)
		}
		if strings.Contains(e.Msg, "exec:") || strings.Contains(e.Msg, "$PATH") || !strings.Contains(e.Msg, "Giấy tờ đã được lưu") {
			t.Errorf("%s: the officer reads %q", name, e.Msg)
		}
		if e.Err == nil || !strings.Contains(e.Err.Error(), "executable file not found") {
			t.Errorf("%s: the technical cause is lost: %v", name, e.Err)
		}
	}
}
