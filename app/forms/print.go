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

// How a PDF reaches the screen or the printer, per system:
//
//	           open                                    print
//	windows    rundll32 url.dll,FileProtocolHandler F  SumatraPDF -print-to-default -silent F, if on PATH;
//	                                                   else powershell Start-Process F -Verb Print
//	linux      xdg-open F                              lp F (CUPS, default destination)
//	darwin     open F                                  lp F
//
// On Windows "-Verb Print" needs a PDF application that registers the Print
// verb (Adobe Acrobat Reader, Foxit, SumatraPDF); Microsoft Edge does not, so
// a counter PC that prints silently should have SumatraPDF on its PATH.

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

func unsupported(goos string) error {
	return motcua.Invalid(motcua.ErrBadValue, "os", "Chưa hỗ trợ mở, in tệp trên hệ điều hành %s", "opening and printing files is not supported on %s", goos)
}

// Open shows the PDF in the system's default viewer.
func Open(path string) error {
	return launch("open", path, OpenCommand)
}

// Print sends the PDF to the default printer.
func Print(path string) error {
	return launch("print", path, func(goos, p string) ([]string, error) { return PrintCommand(goos, p, exec.LookPath) })
}

func launch(what, path string, build func(goos, path string) ([]string, error)) error {
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
		vi, en := "Không mở được tệp %s bằng trình xem PDF của máy (%s): %v %s", "cannot open %s in the system PDF viewer (%s): %v %s"
		if what == "print" {
			vi, en = "Không in được tệp %s ra máy in mặc định (%s): %v %s", "cannot print %s on the default printer (%s): %v %s"
		}
		return motcua.Errorf(motcua.KindInternal, "ERR_"+strings.ToUpper(what), "file", vi, en,
			abs, argv[0], err, strings.TrimSpace(string(out)))
	}
	return nil
}
