package forms_test

import (
	"errors"
	"reflect"
	"testing"

	"motcua/app/forms"
)

func TestOpenCommand(t *testing.T) {
	cases := map[string][]string{
		"windows": {"rundll32", "url.dll,FileProtocolHandler", `C:\Hồ sơ\phiếu 01.pdf`},
		"linux":   {"xdg-open", `C:\Hồ sơ\phiếu 01.pdf`},
		"darwin":  {"open", `C:\Hồ sơ\phiếu 01.pdf`},
	}
	for goos, want := range cases {
		got, err := forms.OpenCommand(goos, `C:\Hồ sơ\phiếu 01.pdf`)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %q, %v; want %q", goos, got, err, want)
		}
	}
	if _, err := forms.OpenCommand("plan9", "x.pdf"); err == nil {
		t.Error("plan9 accepted")
	}
}

func TestPrintCommand(t *testing.T) {
	none := func(string) (string, error) { return "", errors.New("not found") }
	sumatra := func(name string) (string, error) {
		if name == "SumatraPDF.exe" {
			return `C:\Tools\SumatraPDF.exe`, nil
		}
		return "", errors.New("not found")
	}
	cases := []struct {
		name, goos, path string
		look             func(string) (string, error)
		want             []string
	}{
		{"Linux", "linux", "/home/quay1/Giấy tiếp nhận.pdf", none, []string{"lp", "/home/quay1/Giấy tiếp nhận.pdf"}},
		{"WindowsPowerShell", "windows", `C:\Users\Lan\O'Neil phiếu.pdf`, none, []string{"powershell", "-NoProfile", "-NonInteractive", "-Command",
			`Start-Process -FilePath 'C:\Users\Lan\O''Neil phiếu.pdf' -Verb Print`}},
		{"WindowsSumatra", "windows", `C:\phieu.pdf`, sumatra, []string{`C:\Tools\SumatraPDF.exe`, "-print-to-default", "-silent", `C:\phieu.pdf`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := forms.PrintCommand(c.goos, c.path, c.look)
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
	if _, err := forms.PrintCommand("js", "x.pdf", none); err == nil {
		t.Error("js accepted")
	}
}
