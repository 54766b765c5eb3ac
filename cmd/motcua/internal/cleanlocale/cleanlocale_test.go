package cleanlocale

import (
	"os"
	"testing"
)

func TestFixAndRestore(t *testing.T) {
	t.Setenv("LC_ALL", "C.UTF-8")
	t.Setenv("LC_MESSAGES", "vi_VN.UTF-8")
	t.Setenv("LANG", "POSIX.utf8@euro")
	saved = map[string]string{}
	Fix()
	if a, m, l := os.Getenv("LC_ALL"), os.Getenv("LC_MESSAGES"), os.Getenv("LANG"); a != "C" || m != "vi_VN.UTF-8" || l != "POSIX" {
		t.Fatalf("after Fix: LC_ALL=%q LC_MESSAGES=%q LANG=%q", a, m, l)
	}
	Fix() // twice: Restore still knows the user's values
	Restore()
	if a, l := os.Getenv("LC_ALL"), os.Getenv("LANG"); a != "C.UTF-8" || l != "POSIX.utf8@euro" {
		t.Fatalf("after Restore: LC_ALL=%q LANG=%q", a, l)
	}
}
