package forms

import (
	"context"
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
		vi, en := "Không mở được tệp %[1]s bằng trình xem PDF của máy (%[2]s): %[3]v %[4]s", "cannot open %[1]s in the system PDF viewer (%[2]s): %[3]v %[4]s"
		switch {
		case what == "print" && printer != "":
			vi, en = "Không in được tệp %[1]s ra máy in «%[5]s» (%[2]s): %[3]v %[4]s", "cannot print %[1]s on printer %[5]q (%[2]s): %[3]v %[4]s"
		case what == "print":
			vi, en = "Không in được tệp %[1]s ra máy in mặc định (%[2]s): %[3]v %[4]s", "cannot print %[1]s on the default printer (%[2]s): %[3]v %[4]s"
		}
		return motcua.Errorf(motcua.KindInternal, "ERR_"+strings.ToUpper(what), "file", vi, en,
			abs, argv[0], err, strings.TrimSpace(string(out)), printer)
	}
	return nil
}
