package forms

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"motcua"
	"motcua/assets"
)

// Printer is one printer installed on the PC.
type Printer struct {
	Name    string `json:"name"`
	Default bool   `json:"default"` // the system's default printer
}

// Runner runs a program and returns its standard output; a failure's
// error carries the standard error (exec.ExitError.Stderr). Tests replace
// it with recorded outputs.
type Runner func(ctx context.Context, name string, args ...string) ([]byte, error)

// Commands that list the printers (see the table at the top of print.go).
// PowerShell writes to a pipe in the OEM code page, which has no
// Vietnamese letters: the command switches its output to UTF-8 first.
var (
	lpstatDests   = []string{"lpstat", "-e"}
	lpstatDefault = []string{"lpstat", "-d"}
	winPrinters   = []string{"powershell", "-NoProfile", "-NonInteractive", "-Command",
		"[Console]::OutputEncoding = [System.Text.Encoding]::UTF8; " +
			"Get-CimInstance -ClassName Win32_Printer | Select-Object Name, Default | ConvertTo-Json -Compress"}
)

// Printers lists the printers installed on this PC, the system default
// marked, sorted by name.
func Printers(ctx context.Context) ([]Printer, error) {
	return ListPrinters(ctx, runtime.GOOS, runProgram)
}

// runProgram is the real Runner. CUPS translates its messages: they are asked
// for in English, which ParseLpstatDefault reads.
func runProgram(ctx context.Context, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	return cmd.Output()
}

// ListPrinters is Printers on system goos with the given Runner. No
// printer installed is an empty list, not an error. Errors: KindInternal
// ERR_NO_PRINT_SYSTEM when the listing program is missing (no CUPS), and
// ERR_PRINTERS when it fails (scheduler stopped), with its message.
func ListPrinters(ctx context.Context, goos string, run Runner) ([]Printer, error) {
	switch goos {
	case "windows":
		out, err := run(ctx, winPrinters[0], winPrinters[1:]...)
		if err != nil {
			return nil, listErr(winPrinters[0], err)
		}
		return ParseWindowsPrinters(out)
	case "linux", "darwin", "freebsd", "openbsd", "netbsd":
		out, err := run(ctx, lpstatDests[0], lpstatDests[1:]...)
		if err != nil {
			if noDestinations(err) {
				return []Printer{}, nil
			}
			return nil, listErr(lpstatDests[0], err)
		}
		names := ParseLpstatDestinations(string(out))
		def := ""
		if out, err := run(ctx, lpstatDefault[0], lpstatDefault[1:]...); err == nil {
			def = ParseLpstatDefault(string(out))
		} else if !noDestinations(err) {
			return nil, listErr(lpstatDefault[0], err)
		}
		return markDefault(names, def), nil
	}
	return nil, unsupported(goos)
}

// noDestinations: lpstat exits 1 with "No destinations added." on a PC
// with CUPS and no printer.
func noDestinations(err error) bool {
	var ee *exec.ExitError
	return errors.As(err, &ee) && bytes.Contains(bytes.ToLower(ee.Stderr), []byte("no destinations"))
}

func listErr(prog string, err error) error {
	if errors.Is(err, exec.ErrNotFound) {
		e := motcua.Errorf(motcua.KindInternal, "ERR_NO_PRINT_SYSTEM", "printer",
			"Không tìm thấy lệnh %s: máy chưa cài hệ thống in (CUPS), không liệt kê được máy in; phiếu vẫn gửi tới máy in mặc định nếu có",
			"%s not found: no printing system (CUPS) is installed, printers cannot be listed; forms still go to the default printer if any", prog)
		e.Err = err
		return e
	}
	detail := err.Error()
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(bytes.TrimSpace(ee.Stderr)) > 0 {
		detail = string(bytes.TrimSpace(ee.Stderr))
	}
	e := motcua.Errorf(motcua.KindInternal, "ERR_PRINTERS", "printer", "Không lấy được danh sách máy in (%s): %s",
		"cannot list the printers (%s): %s", prog, detail)
	e.Err = err
	return e
}

// ParseLpstatDestinations reads `lpstat -e`: one destination per line
// (CUPS names have no spaces; a "name/instance" line is kept whole).
func ParseLpstatDestinations(out string) []string {
	var names []string
	for _, line := range strings.Split(out, "\n") {
		if name := strings.TrimSpace(line); name != "" && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names
}

// ParseLpstatDefault reads `lpstat -d`: "system default destination: NAME",
// or "" for "no system default destination".
func ParseLpstatDefault(out string) string {
	for _, line := range strings.Split(out, "\n") {
		if _, name, ok := strings.Cut(line, "system default destination:"); ok {
			return strings.TrimSpace(name)
		}
	}
	return ""
}

// ParseWindowsPrinters reads the JSON of Win32_Printer's Name and Default
// (ConvertTo-Json writes one object for one printer, an array for several,
// nothing for none), with or without a byte-order mark.
func ParseWindowsPrinters(out []byte) ([]Printer, error) {
	out = bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(out), []byte("\xef\xbb\xbf")))
	if len(out) == 0 {
		return []Printer{}, nil
	}
	type row struct {
		Name    *string
		Default bool
	}
	var rows []row
	var err error
	if out[0] == '[' {
		err = json.Unmarshal(out, &rows)
	} else {
		var one row
		err = json.Unmarshal(out, &one)
		rows = []row{one}
	}
	if err != nil {
		e := motcua.Errorf(motcua.KindInternal, "ERR_PRINTERS", "printer", "Không đọc được danh sách máy in của Windows",
			"cannot read Windows' list of printers")
		e.Err = err
		return nil, e
	}
	var names []string
	def := ""
	for _, r := range rows {
		if r.Name == nil || strings.TrimSpace(*r.Name) == "" || slices.Contains(names, *r.Name) {
			continue
		}
		names = append(names, *r.Name)
		if r.Default {
			def = *r.Name
		}
	}
	return markDefault(names, def), nil
}

// markDefault builds the list, sorted by name without regard to case.
func markDefault(names []string, def string) []Printer {
	out := make([]Printer, 0, len(names))
	for _, n := range names {
		out = append(out, Printer{Name: n, Default: n == def})
	}
	slices.SortStableFunc(out, func(a, b Printer) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out
}

// TestPage writes a one-page A5 PDF to check a printer: the agency's name,
// the printer, the time, a line with every Vietnamese tone mark, and a
// 10 cm ruler to check that nothing is scaled.
func TestPage(w io.Writer, agency, printer string, now time.Time) error {
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A5"})
	pdf.AddUTF8FontFromBytes(family, "", assets.NotoSerifRegular)
	pdf.AddUTF8FontFromBytes(family, "B", assets.NotoSerifBold)
	pdf.SetCreationDate(now)
	pdf.SetModificationDate(now)
	pdf.SetCreator("Một Cửa", true)
	pdf.SetTitle("Trang in thử", true)
	pdf.SetLang("vi-VN")
	pdf.SetMargins(15, 15, 15)
	pdf.AddPage()
	if printer == "" {
		printer = "máy in mặc định của hệ thống"
	}
	pdf.SetFont(family, "B", 13)
	pdf.MultiCell(0, 7, strings.ToUpper(agency), "", "C", false)
	pdf.Ln(4)
	pdf.SetFont(family, "B", 16)
	pdf.CellFormat(0, 9, "TRANG IN THỬ", "", 1, "C", false, 0, "")
	pdf.Ln(3)
	pdf.SetFont(family, "", 11)
	for _, line := range []string{
		"Máy in: " + printer,
		"In lúc: " + now.In(motcua.Location).Format("15:04 02/01/2006"),
		"Phần mềm Một Cửa — bộ phận tiếp nhận và trả kết quả.",
		"Dấu tiếng Việt: à á ả ã ạ · ă ằ ắ ẳ ẵ ặ · â ầ ấ ẩ ẫ ậ · đ Đ · ê ề ế ể ễ ệ · ô ồ ố ổ ỗ ộ · ơ ờ ớ ở ỡ ợ · ư ừ ứ ử ữ ự · ỳ ý ỷ ỹ ỵ",
	} {
		pdf.MultiCell(0, 6, line, "", "L", false)
		pdf.Ln(1)
	}
	pdf.Ln(4)
	x, y := pdf.GetX(), pdf.GetY()
	pdf.SetLineWidth(0.3)
	pdf.Line(x, y, x+100, y)
	pdf.SetFont(family, "", 7)
	for cm := 0; cm <= 10; cm++ {
		pdf.Line(x+float64(cm)*10, y, x+float64(cm)*10, y+4)
		pdf.Text(x+float64(cm)*10-1, y+7, fmt.Sprint(cm))
	}
	pdf.SetXY(x, y+9)
	pdf.SetFont(family, "", 9)
	pdf.MultiCell(0, 5, "Thước trên dài đúng 10 cm nếu máy in không thu nhỏ trang.", "", "L", false)
	return pdf.Output(w)
}
