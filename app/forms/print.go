package forms

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"motcua"
)

// How a PDF reaches the screen or a printer, per system (F is the file, P
// the printer chosen in Settings, kept as the station setting print.printer):
//
//	           open                                    print to the default printer
//	windows    rundll32 url.dll,FileProtocolHandler F  SumatraPDF -print-to-default -silent F, if on PATH;
//	                                                   else powershell Start-Process F -Verb Print
//	linux      xdg-open F                              lp F (CUPS, default destination)
//	darwin     open F                                  lp F
//
//	           print to printer P                                  list the printers (Printers)
//	windows    SumatraPDF -print-to P -silent F, if on PATH;       powershell Get-CimInstance Win32_Printer |
//	           else powershell Start-Process F -Verb PrintTo         Select-Object Name, Default | ConvertTo-Json
//	                -ArgumentList '"P"'                             (output switched to UTF-8 first)
//	linux      lp -d P F                                           lpstat -e (names), lpstat -d (default),
//	darwin     lp -d P F                                             run with LC_ALL=C
//
// Programs get their arguments one by one (exec.Command): a printer name
// with spaces, quotes or Vietnamese letters reaches lp and SumatraPDF as
// typed. Only the PowerShell fallback builds a command text, where the file
// is quoted '…' (a ' doubled) and the printer "…" inside it (a " as \").
//
// On Windows "-Verb Print" and "-Verb PrintTo" need a PDF application that
// registers those verbs (Adobe Acrobat Reader, Foxit, SumatraPDF); Microsoft
// Edge does not, so a counter PC that prints silently should have SumatraPDF
// on its PATH.

// OpenCommand is the command line Open runs on system goos.
func OpenCommand(goos, path string) ([]string, error) {
	switch goos {
	case "windows":
		return []string{"rundll32", "url.dll,FileProtocolHandler", path}, nil
	case "darwin":
		return []string{"open", path}, nil
	case "linux", "freebsd", "openbsd", "netbsd":
		return []string{"xdg-open", path}, nil
	}
	return nil, unsupported(goos)
}

// PrintCommand is the command line Print runs on system goos; lookPath
// finds programs (exec.LookPath).
func PrintCommand(goos, path string, lookPath func(string) (string, error)) ([]string, error) {
	switch goos {
	case "windows":
		if sumatra, err := lookPath("SumatraPDF.exe"); err == nil {
			return []string{sumatra, "-print-to-default", "-silent", path}, nil
		}
		quoted := "'" + strings.ReplaceAll(path, "'", "''") + "'"
		return []string{"powershell", "-NoProfile", "-NonInteractive", "-Command",
			"Start-Process -FilePath " + quoted + " -Verb Print"}, nil
	case "darwin", "linux", "freebsd", "openbsd", "netbsd":
		return []string{"lp", path}, nil
	}
	return nil, unsupported(goos)
}

// PrintToCommand is the command line PrintTo runs on system goos: the
// default printer's (PrintCommand) when printer is "".
func PrintToCommand(goos, path, printer string, lookPath func(string) (string, error)) ([]string, error) {
	if printer == "" {
		return PrintCommand(goos, path, lookPath)
	}
	switch goos {
	case "windows":
		if sumatra, err := lookPath("SumatraPDF.exe"); err == nil {
			return []string{sumatra, "-print-to", printer, "-silent", path}, nil
		}
		quoted := "'" + strings.ReplaceAll(path, "'", "''") + "'"
		arg := "'\"" + strings.ReplaceAll(strings.ReplaceAll(printer, `"`, `\"`), "'", "''") + "\"'"
		return []string{"powershell", "-NoProfile", "-NonInteractive", "-Command",
			"Start-Process -FilePath " + quoted + " -Verb PrintTo -ArgumentList " + arg}, nil
	case "darwin", "linux", "freebsd", "openbsd", "netbsd":
		return []string{"lp", "-d", printer, path}, nil
	}
	return nil, unsupported(goos)
}

func unsupported(goos string) error {
	return motcua.Invalid(motcua.ErrBadValue, "os", "Chưa hỗ trợ mở, in tệp trên hệ điều hành %s", "opening and printing files is not supported on %s", goos)
}

// Open shows the PDF in the system's default viewer.
func Open(path string) error {
	return launch("open", path, "", OpenCommand)
}

// Print sends the PDF to the default printer.
func Print(path string) error {
	return launch("print", path, "", func(goos, p string) ([]string, error) { return PrintCommand(goos, p, exec.LookPath) })
}

// PrintTo sends the PDF to the named printer, or to the default printer
// when printer is "".
func PrintTo(path, printer string) error {
	return launch("print", path, printer, func(goos, p string) ([]string, error) {
		return PrintToCommand(goos, p, printer, exec.LookPath)
	})
}

func launch(what, path, printer string, build func(goos, path string) ([]string, error)) error {
	abs, err := filepath.Abs(path) // absolute: never mistaken for an option
	if err != nil {
		return err
	}
	argv, err := build(runtime.GOOS, abs)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		return launchErr(what, printer, argv[0], err, out)
	}
	return nil
}

// launchErr is what the officer reads when the viewer or the printer
// failed: what happened and what to do, in one sentence; the command, its
// error and its output stay in the wrapped cause for support staff
// (motcua.Error.Err, shown on demand).
func launchErr(what, printer, cmd string, err error, out []byte) error {
	cause := fmt.Errorf("%s: %w %s", cmd, err, strings.TrimSpace(string(out)))
	missing := errors.Is(err, exec.ErrNotFound)
	var e *motcua.Error
	switch {
	case what != "print" && missing:
		e = motcua.Errorf(motcua.KindInternal, "ERR_OPEN", "file",
			"Máy này chưa có chương trình xem PDF nên chưa mở được giấy tờ. Giấy tờ đã được lưu; nhờ quản trị cài trình xem PDF.",
			"this PC has no PDF viewer, so the form cannot be shown. It is saved; ask an administrator to install a PDF viewer.")
	case what != "print":
		e = motcua.Errorf(motcua.KindInternal, "ERR_OPEN", "file",
			"Trình xem PDF không mở được giấy tờ. Giấy tờ đã được lưu; thử lại (Ctrl+O), hoặc nhờ quản trị kiểm tra trình xem PDF.",
			"the PDF viewer could not show the form. It is saved; try again (Ctrl+O), or ask an administrator to check the PDF viewer.")
	case missing:
		e = motcua.Errorf(motcua.KindInternal, "ERR_PRINT", "file",
			"Máy này chưa cài chương trình in nên chưa in được. Giấy tờ đã được lưu; nhờ quản trị cài máy in, rồi in lại (Ctrl+P).",
			"this PC has no printing software, so nothing was printed. The form is saved; ask an administrator to set up the printer, then print again (Ctrl+P).")
	case printer != "":
		e = motcua.Errorf(motcua.KindInternal, "ERR_PRINT", "file",
			"Máy in «%s» không nhận lệnh in. Giấy tờ đã được lưu; kiểm tra máy in đã bật, còn giấy, đã nối cáp, rồi in lại (Ctrl+P) — hoặc chọn máy in khác ở Cài đặt › Máy in.",
			"printer %q did not take the job. The form is saved; check the printer is on, has paper and is connected, then print again (Ctrl+P), or choose another printer in Settings › Printer.", printer)
	default:
		e = motcua.Errorf(motcua.KindInternal, "ERR_PRINT", "file",
			"Máy in mặc định không nhận lệnh in. Giấy tờ đã được lưu; kiểm tra máy in đã bật, còn giấy, đã nối cáp, rồi in lại (Ctrl+P) — hoặc chọn máy in ở Cài đặt › Máy in.",
			"the default printer did not take the job. The form is saved; check the printer is on, has paper and is connected, then print again (Ctrl+P), or choose a printer in Settings › Printer.")
	}
	e.Err = cause
	return e
}
