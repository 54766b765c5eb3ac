package forms_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app/forms"
)

// Recorded outputs (CUPS 2.4 on Debian 12 with LC_ALL=C; PowerShell 5.1 on
// Windows 10).
const (
	lpstatE = "HP_LaserJet_P1102\nCanon_LBP2900_Phòng_một_cửa\nBrother-HL-L2321D\nPDF\n"
	lpstatD = "system default destination: Canon_LBP2900_Phòng_một_cửa\n"
	lpstatN = "no system default destination\n"
	winMany = "\xef\xbb\xbf[{\"Name\":\"Microsoft Print to PDF\",\"Default\":false},{\"Name\":\"Canon LBP2900 \\\"Quầy 1\\\"\",\"Default\":true}," +
		"{\"Name\":\"\\\\\\\\may-chu\\\\HP LaserJet (Tầng 2)\",\"Default\":false},{\"Name\":null,\"Default\":false}]\r\n"
	winOne = "{\"Name\":\"Máy in Quầy 1\",\"Default\":true}\r\n"
)

func TestParsePrinters(t *testing.T) {
	if got := forms.ParseLpstatDestinations(lpstatE); !reflect.DeepEqual(got, []string{"HP_LaserJet_P1102", "Canon_LBP2900_Phòng_một_cửa", "Brother-HL-L2321D", "PDF"}) {
		t.Errorf("lpstat -e: %q", got)
	}
	if got := forms.ParseLpstatDestinations(""); len(got) != 0 {
		t.Errorf("no printer: %q", got)
	}
	if got := forms.ParseLpstatDefault(lpstatD); got != "Canon_LBP2900_Phòng_một_cửa" {
		t.Errorf("lpstat -d: %q", got)
	}
	if got := forms.ParseLpstatDefault(lpstatN); got != "" {
		t.Errorf("no default: %q", got)
	}
	got, err := forms.ParseWindowsPrinters([]byte(winMany))
	want := []forms.Printer{{Name: `\\may-chu\HP LaserJet (Tầng 2)`}, {Name: `Canon LBP2900 "Quầy 1"`, Default: true}, {Name: "Microsoft Print to PDF"}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("windows, several: %+v, %v", got, err)
	}
	if got, err := forms.ParseWindowsPrinters([]byte(winOne)); err != nil || !reflect.DeepEqual(got, []forms.Printer{{Name: "Máy in Quầy 1", Default: true}}) {
		t.Errorf("windows, one: %+v, %v", got, err)
	}
	if got, err := forms.ParseWindowsPrinters([]byte("\r\n")); err != nil || got == nil || len(got) != 0 {
		t.Errorf("windows, none: %+v, %v", got, err)
	}
	if _, err := forms.ParseWindowsPrinters([]byte("Get-CimInstance : Access denied")); err == nil {
		t.Error("windows: an error text was read as a list")
	}
}

// fakeRunner answers each command line from a table; a missing entry is
// "program not found".
func fakeRunner(answers map[string]func() ([]byte, error)) forms.Runner {
	return func(_ context.Context, name string, args ...string) ([]byte, error) {
		key := name
		if name != "powershell" {
			key = strings.Join(append([]string{name}, args...), " ")
		}
		if f, ok := answers[key]; ok {
			return f()
		}
		return nil, &exec.Error{Name: name, Err: exec.ErrNotFound}
	}
}

func ok(s string) func() ([]byte, error) { return func() ([]byte, error) { return []byte(s), nil } }

// exitErr is what exec gives for a program that failed with this stderr.
func exitErr(stderr string) func() ([]byte, error) {
	return func() ([]byte, error) {
		err := exec.Command("sh", "-c", "exit 1").Run()
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			panic(fmt.Sprint("no exit error: ", err))
		}
		ee.Stderr = []byte(stderr)
		return nil, ee
	}
}

func TestListPrinters(t *testing.T) {
	ctx := context.Background()
	cups := fakeRunner(map[string]func() ([]byte, error){"lpstat -e": ok(lpstatE), "lpstat -d": ok(lpstatD)})
	got, err := forms.ListPrinters(ctx, "linux", cups)
	if err != nil || len(got) != 4 || got[0].Name != "Brother-HL-L2321D" || !got[1].Default || got[1].Name != "Canon_LBP2900_Phòng_một_cửa" {
		t.Fatalf("CUPS: %+v, %v", got, err)
	}
	t.Run("NoDefault", func(t *testing.T) {
		got, err := forms.ListPrinters(ctx, "darwin", fakeRunner(map[string]func() ([]byte, error){"lpstat -e": ok(lpstatE), "lpstat -d": ok(lpstatN)}))
		if err != nil || len(got) != 4 || got[0].Default || got[1].Default {
			t.Fatalf("%+v, %v", got, err)
		}
	})
	t.Run("NoneInstalled", func(t *testing.T) {
		none := exitErr("lpstat: No destinations added.\n")
		got, err := forms.ListPrinters(ctx, "linux", fakeRunner(map[string]func() ([]byte, error){"lpstat -e": none, "lpstat -d": none}))
		if err != nil || got == nil || len(got) != 0 {
			t.Fatalf("%+v, %v", got, err)
		}
	})
	t.Run("ErrNoLpstat", func(t *testing.T) {
		_, err := forms.ListPrinters(ctx, "linux", fakeRunner(nil))
		if e, ok := motcua.AsError(err); !ok || e.Code != "ERR_NO_PRINT_SYSTEM" || e.Field != "printer" || !strings.Contains(e.Msg, "lpstat") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("ErrScheduler", func(t *testing.T) {
		_, err := forms.ListPrinters(ctx, "linux", fakeRunner(map[string]func() ([]byte, error){"lpstat -e": exitErr("lpstat: Scheduler is not running.\n")}))
		if e, ok := motcua.AsError(err); !ok || e.Code != "ERR_PRINTERS" || !strings.Contains(e.Msg, "Scheduler is not running") {
			t.Fatalf("%v", err)
		}
	})
	t.Run("Windows", func(t *testing.T) {
		got, err := forms.ListPrinters(ctx, "windows", fakeRunner(map[string]func() ([]byte, error){"powershell": ok(winMany)}))
		if err != nil || len(got) != 3 || !got[1].Default {
			t.Fatalf("%+v, %v", got, err)
		}
	})
	if _, err := forms.ListPrinters(ctx, "plan9", cups); err == nil {
		t.Error("plan9 accepted")
	}
}

func TestPrintToCommand(t *testing.T) {
	none := func(string) (string, error) { return "", errors.New("not found") }
	sumatra := func(name string) (string, error) {
		if name == "SumatraPDF.exe" {
			return `C:\Program Files\SumatraPDF\SumatraPDF.exe`, nil
		}
		return "", errors.New("not found")
	}
	const odd = `Canon LBP2900 "Quầy 1" O'Neil`
	cases := []struct {
		name, goos, path, printer string
		look                      func(string) (string, error)
		want                      []string
	}{
		{"LinuxDefault", "linux", "/home/quay1/Giấy tiếp nhận.pdf", "", none, []string{"lp", "/home/quay1/Giấy tiếp nhận.pdf"}},
		{"Linux", "linux", "/home/quay1/Giấy tiếp nhận.pdf", "Canon_LBP2900_Phòng_một_cửa", none,
			[]string{"lp", "-d", "Canon_LBP2900_Phòng_một_cửa", "/home/quay1/Giấy tiếp nhận.pdf"}},
		{"LinuxDashName", "linux", "/tmp/a.pdf", "-x", none, []string{"lp", "-d", "-x", "/tmp/a.pdf"}},
		{"Darwin", "darwin", "/Users/lan/phiếu 01.pdf", "HP LaserJet", none, []string{"lp", "-d", "HP LaserJet", "/Users/lan/phiếu 01.pdf"}},
		{"WindowsSumatra", "windows", `C:\Hồ sơ\phiếu 01.pdf`, odd, sumatra,
			[]string{`C:\Program Files\SumatraPDF\SumatraPDF.exe`, "-print-to", odd, "-silent", `C:\Hồ sơ\phiếu 01.pdf`}},
		{"WindowsPowerShell", "windows", `C:\Users\Lan\O'Neil phiếu.pdf`, odd, none, []string{"powershell", "-NoProfile", "-NonInteractive", "-Command",
			`Start-Process -FilePath 'C:\Users\Lan\O''Neil phiếu.pdf' -Verb PrintTo -ArgumentList '"Canon LBP2900 \"Quầy 1\" O''Neil"'`}},
		{"WindowsDefault", "windows", `C:\phieu.pdf`, "", sumatra, []string{`C:\Program Files\SumatraPDF\SumatraPDF.exe`, "-print-to-default", "-silent", `C:\phieu.pdf`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := forms.PrintToCommand(c.goos, c.path, c.printer, c.look)
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got %q, %v\nwant %q", got, err, c.want)
			}
		})
	}
	if _, err := forms.PrintToCommand("js", "x.pdf", "P", none); err == nil {
		t.Error("js accepted")
	}
}

func TestTestPage(t *testing.T) {
	var buf bytes.Buffer
	if err := forms.TestPage(&buf, "UBND xã Quảng Phú", `Canon "Quầy 1"`, time.Date(2026, 11, 23, 9, 0, 0, 0, motcua.Location)); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) || buf.Len() < 1000 {
		t.Fatalf("not a PDF: %d bytes", buf.Len())
	}
	path := filepath.Join(t.TempDir(), "in-thu.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if text := pdfText(t, path); !strings.Contains(text, "UBND XÃ QUẢNG PHÚ") || !strings.Contains(text, `Canon "Quầy 1"`) || !strings.Contains(text, "ỷ") {
		t.Fatalf("test page text: %q", text)
	}
}
