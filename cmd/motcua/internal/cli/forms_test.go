package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"motcua"
)

func pdftotext(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v (apt-get install poppler-utils)", path, err)
	}
	return string(out)
}

// TestCLIForms: the receipt, a supplement request and the ledger come out
// of the CLI as PDFs with the right text; the receipt's QR reads back from
// the PDF and verifies offline, and a changed byte does not.
func TestCLIForms(t *testing.T) {
	fixClock(t, time.Date(2026, 11, 24, 10, 0, 0, 0, motcua.Location)) // the receipts are of 23/11/2026
	dir := initStation(t)
	out := t.TempDir()
	v := decode[view](t, mustOK(t, runCLI(t, dir, "intake", "--procedure", "1.004873", "--cccd", cccdLine,
		"--at", "2026-11-23T09:15:00+07:00", "--json")))

	receipt := filepath.Join(out, "giay-hen.pdf")
	mustOK(t, runCLI(t, dir, "receipt", v.Code, "-o", receipt))
	text := pdftotext(t, receipt)
	for _, want := range []string{"GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", v.Code, "Nguyễn Thị Ánh Tuyết", "UBND xã Quảng Phú"} {
		if !strings.Contains(strings.ToUpper(text), strings.ToUpper(want)) {
			t.Errorf("receipt text lacks %q:\n%s", want, text)
		}
	}
	var qr string
	for _, l := range strings.Split(mustOK(t, runCLI(t, dir, "qr", "decode", receipt)), "\n") {
		if strings.HasPrefix(l, "MC1|") && strings.Contains(l, "|"+v.Code+"|") {
			qr = l
		}
	}
	if qr == "" {
		t.Fatal("the receipt's QR was not found in the PDF")
	}
	if r := runCLI(t, dir, "qr", "verify", qr); r.code != 0 || !strings.HasPrefix(r.stdout, "valid") {
		t.Fatalf("receipt QR: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	bad := strings.Replace(qr, v.Code, strings.Replace(v.Code, "-0001", "-0003", 1), 1)
	if r := runCLI(t, dir, "qr", "verify", "--payload", bad); r.code != 3 {
		t.Fatalf("a changed code verified: exit %d %s", r.code, r.stdout)
	}

	mustOK(t, runCLI(t, dir, "supplement", v.Code, "--reason", "Thiếu giấy tờ", "--missing", "Tờ khai xác nhận tình trạng hôn nhân; Bản sao CCCD"))
	sup := filepath.Join(out, "bo-sung.pdf")
	mustOK(t, runCLI(t, dir, "form", "02", v.Code, "-o", sup))
	text = pdftotext(t, sup)
	for _, want := range []string{"Bản sao CCCD", "Thiếu giấy tờ"} {
		if !strings.Contains(text, want) {
			t.Errorf("Mẫu 02 lacks %q:\n%s", want, text)
		}
	}

	ledger := filepath.Join(out, "so.pdf")
	mustOK(t, runCLI(t, dir, "ledger", "--from", "2026-11-01", "--to", "2026-11-30", "-o", ledger))
	// The code wraps inside its narrow column; its day and number stay together.
	if text = pdftotext(t, ledger); !strings.Contains(text, "261123-0001") || !strings.Contains(text, "27/11/2026") {
		t.Errorf("ledger lacks the dossier:\n%s", text)
	}

	for _, c := range []struct {
		name  string
		args  []string
		field string
	}{
		{"ErrUnknownForm", []string{"form", "09", v.Code, "-o", filepath.Join(out, "x.pdf")}, "form"},
		{"ErrUnknownProfile", []string{"receipt", v.Code, "-o", filepath.Join(out, "x.pdf"), "--profile", "tt99"}, "profile"},
		{"ErrBadDate", []string{"ledger", "--from", "31/02/2026", "--to", "2026-11-30", "-o", filepath.Join(out, "x.pdf")}, "from"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := runCLI(t, dir, c.args...)
			if r.code != 2 || !strings.Contains(r.stderr, c.field+":") {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
		})
	}
	// A bad date names the flag and the accepted forms.
	if r := runCLI(t, dir, "ledger", "--from", "1.11.2026", "--to", "2026-11-30"); r.code != 2 ||
		!strings.Contains(r.stderr, "--from") || !strings.Contains(r.stderr, "DD/MM/YYYY, YYYY-MM-DD") || !strings.Contains(r.stderr, "RFC 3339") {
		t.Errorf("bad date: exit %d: %s", r.code, r.stderr)
	}
	// A dossier that does not exist: exit 4, the field named.
	if r := runCLI(t, dir, "receipt", "000.00.06.H56-261123-0099", "-o", filepath.Join(out, "x.pdf")); r.code != 4 || !strings.Contains(r.stderr, "code:") {
		t.Errorf("unknown dossier: exit %d: %s", r.code, r.stderr)
	}
	// Without -o the receipt gets its default name in the working directory;
	// the code typed in lower case is the same dossier; the ledger takes
	// DD/MM/YYYY and names its file after the period.
	cwd := t.TempDir()
	mustOK(t, runCLIAt(t, cwd, dir, "receipt", strings.ToLower(v.Code)))
	mustOK(t, runCLIAt(t, cwd, dir, "ledger", "--from", "01/11/2026", "--to", "30/11/2026"))
	for _, name := range []string{"bien-nhan-" + v.Code + ".pdf", "so-theo-doi-20261101-20261130.pdf"} {
		if text := pdftotext(t, filepath.Join(cwd, name)); !strings.Contains(text, "261123-0001") {
			t.Errorf("%s lacks the dossier:\n%s", name, text)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "x.pdf")); err == nil {
		t.Error("a refused command wrote a file")
	}
}

// `receipt --print` goes to the printer chosen for the station (as the
// window prints), and to the system default once the choice is cleared.
// A stand-in `lp` on PATH records what it was asked to print.
func TestCLIPrintChosenPrinter(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the stand-in lp is a shell script")
	}
	dir := initStation(t)
	code := intakeOne(t, dir)
	bin := t.TempDir()
	record := filepath.Join(t.TempDir(), "lp-args")
	script := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > " + record + "\n"
	if err := os.WriteFile(filepath.Join(bin, "lp"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	out := filepath.Join(t.TempDir(), "giay hen.pdf")

	mustOK(t, runCLI(t, dir, "printer", "set", "Canon LBP2900 (Quầy một cửa)", "--force"))
	mustOK(t, runCLI(t, dir, "receipt", code, "-o", out, "--print"))
	got, err := os.ReadFile(record)
	if err != nil {
		t.Fatalf("lp was not run: %v", err)
	}
	if want := "-d\nCanon LBP2900 (Quầy một cửa)\n" + out + "\n"; string(got) != want {
		t.Fatalf("lp arguments:\n%q\nwant\n%q", got, want)
	}

	mustOK(t, runCLI(t, dir, "printer", "set", "--default"))
	mustOK(t, runCLI(t, dir, "receipt", code, "-o", out, "--print"))
	if got, _ := os.ReadFile(record); string(got) != out+"\n" {
		t.Fatalf("default printer: lp arguments %q", got)
	}
}

// TestCLIFormsSigned: a form printed from the command line is signed with
// the officer's full name from the signed-in account (or the --officer
// account), never the OS login name; it refuses to guess without either.
// The date line carries the commune's name, the receipt its ledger row.
func TestCLIFormsSigned(t *testing.T) {
	fixClock(t, time.Date(2026, 11, 24, 10, 0, 0, 0, motcua.Location))
	dir := initStation(t)
	out := t.TempDir()
	first := decode[view](t, mustOK(t, runCLI(t, dir, "intake", "--procedure", "1.004873", "--name", "Trần Văn Bình",
		"--id-number", "038085001234", "--at", "2026-11-23T09:00:00+07:00", "--json")))
	v := decode[view](t, mustOK(t, runCLI(t, dir, "intake", "--procedure", "1.004873", "--cccd", cccdLine,
		"--at", "2026-11-23T09:15:00+07:00", "--json")))
	receipt := filepath.Join(out, "giay-hen.pdf")
	mustOK(t, runCLI(t, dir, "receipt", v.Code, "-o", receipt))
	text := pdftotext(t, receipt)
	// The second dossier of the year is row 2 of the year's book; the
	// first receipt printed this year is number 1 of the TNHS register.
	for _, want := range []string{testAdminName, "Quảng Phú, ngày", "Số thứ tự: 2.", "Quyển số: 01/2026", "Số: 1/TNHS"} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, text)
		}
	}
	// The next receipt printed takes the station's next number (station 1/2
	// numbers 1, 3, 5, … so that counter 2 never prints the same); a reprint
	// keeps its own.
	other := filepath.Join(out, "giay-hen-1.pdf")
	mustOK(t, runCLI(t, dir, "receipt", first.Code, "-o", other))
	if text := pdftotext(t, other); !strings.Contains(text, "Số: 3/TNHS") || !strings.Contains(text, "Số thứ tự: 1.") {
		t.Errorf("the second receipt printed by station 1/2 is not Số 3/TNHS, row 1:\n%s", text)
	}
	mustOK(t, runCLI(t, dir, "receipt", v.Code, "-o", receipt))
	if text := pdftotext(t, receipt); !strings.Contains(text, "Số: 1/TNHS") {
		t.Errorf("a reprint changed the receipt's number:\n%s", text)
	}
	if strings.Contains(text, "kythuat") || strings.Contains(text, testAdmin) {
		t.Errorf("the receipt names a login, not a person:\n%s", text)
	}
	if first.Code == v.Code {
		t.Fatal("two intakes, one code")
	}

	// The counter's phone (an administrator's setting) fills "liên hệ …".
	if r := runCLI(t, dir, "counter-phone", "12-34"); r.code != 2 || !strings.Contains(r.stderr, "phone:") {
		t.Fatalf("a bad phone: exit %d %s", r.code, r.stderr)
	}
	mustOK(t, runCLI(t, dir, "counter-phone", "0237 3852 123"))
	if got := strings.TrimSpace(mustOK(t, runCLI(t, dir, "counter-phone"))); got != "0237 3852 123" {
		t.Fatalf("counter-phone shows %q", got)
	}
	addUser(t, dir, "lan.nt", "Nguyễn Thị Lan", "officer")
	sup := filepath.Join(out, "mau02.pdf")
	mustOK(t, runCLI(t, dir, "form", "02", v.Code, "--officer", "lan.nt", "--reason", "Thiếu tờ khai", "-o", sup))
	text = pdftotext(t, sup)
	if !strings.Contains(text, "Nguyễn Thị Lan") {
		t.Errorf("Mẫu 02 --officer lan.nt is not signed Nguyễn Thị Lan:\n%s", text)
	}
	if !strings.Contains(text, "Số: 1/HDHS") {
		t.Errorf("Mẫu 02 is not numbered in its own register (Số: 1/HDHS):\n%s", text)
	}
	if !strings.Contains(strings.Join(strings.Fields(text), " "), "liên hệ Bộ phận Một cửa, điện thoại 0237 3852 123") {
		t.Errorf("Mẫu 02 lacks the counter's phone:\n%s", text)
	}
	signInAs(t, dir, "lan.nt")
	if r := runCLI(t, dir, "counter-phone", "0912 345 678"); r.code != 2 || !strings.Contains(r.stderr, "Quản trị") {
		t.Fatalf("an officer set the counter's phone: exit %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, dir, "form", "02", v.Code, "--officer", "khong.co", "-o", sup); r.code != 2 || !strings.Contains(r.stderr, "officer:") {
		t.Fatalf("--officer of no account: exit %d %s", r.code, r.stderr)
	}
	mustOK(t, runCLI(t, dir, "signout"))
	r := runCLI(t, dir, "form", "03", v.Code, "-o", filepath.Join(out, "mau03.pdf"))
	if r.code != 2 || !strings.Contains(r.stderr, "officer:") || !strings.Contains(r.stderr, "motcua signin") {
		t.Fatalf("a form without a signer: exit %d %s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(out, "mau03.pdf")); !os.IsNotExist(err) {
		t.Fatalf("a form was written without a signer: %v", err)
	}
}
