package forms_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"motcua"
	"motcua/app/forms"
	"motcua/scanning/qrsign"
)

var writePNG = flag.Bool("png", false, "write a review image of every form to testdata/")

// tool finds an external checker; the checks are part of the proof, so a
// missing tool fails the test rather than skipping it.
func tool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: the form tests need it to check the PDFs; install it with `apt-get install %s`", name, pkg)
	}
	return p
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("%s %v: %v\n%s", name, args, err, ee.Stderr)
		}
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out)
}

// pdfText is the text of a PDF as pdftotext extracts it.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	return run(t, tool(t, "pdftotext", "poppler-utils"), "-enc", "UTF-8", path, "-")
}

// pageSize is the page size pdfinfo reports, e.g. "420.94 x 595.28 pts (A5)".
func pageSize(t *testing.T, path string) (size string, pages int) {
	t.Helper()
	out := run(t, tool(t, "pdfinfo", "poppler-utils"), path)
	m := regexp.MustCompile(`(?m)^Page size:\s+(.+)$`).FindStringSubmatch(out)
	n := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindStringSubmatch(out)
	if m == nil || n == nil {
		t.Fatalf("pdfinfo: no page size or count in\n%s", out)
	}
	fmt.Sscan(n[1], &pages)
	return m[1], pages
}

// symbols renders page 1 at 200 dpi and decodes every QR and barcode on it.
func symbols(t *testing.T, path string) map[string][]string {
	t.Helper()
	png := strings.TrimSuffix(path, ".pdf")
	run(t, tool(t, "pdftoppm", "poppler-utils"), "-r", "200", "-f", "1", "-l", "1", "-singlefile", "-png", path, png)
	zbar := tool(t, "zbarimg", "zbar-tools")
	out, err := exec.Command(zbar, "-q", png+".png").Output()
	if err != nil {
		t.Fatalf("zbarimg found no symbol on page 1 of %s: %v", path, err)
	}
	found := map[string][]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		kind, data, _ := strings.Cut(l, ":")
		found[kind] = append(found[kind], data)
	}
	return found
}

const (
	a5Portrait  = "420.94 x 595.28 pts (A5)"
	a4Landscape = "841.89 x 595.28 pts (A4)"
)

// expect lists text each form must show beyond the common fields.
var expect = map[forms.Kind][]string{
	forms.KindReceipt: {"Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "08 giờ 35 phút, ngày 24/11/2026", "16 giờ 30 phút, ngày 27/11/2026",
		"Giấy chứng sinh do cơ sở y tế cấp", "3 ngày làm việc", "Bản chứng thực", "Số thứ tự: 0357", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Lê Văn Đức"},
	forms.KindSupplement: {"Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "Giấy xác nhận tình trạng hôn nhân của người mẹ",
		"Hồ sơ thiếu giấy tờ theo quy định tại Điều 15 Luật Hộ tịch", "ghi rõ phạm vi ủy quyền", "NGƯỜI HƯỚNG DẪN"},
	forms.KindRefusal: {"Phiếu từ chối tiếp nhận giải quyết hồ sơ", "Thủ tục không thuộc thẩm quyền giải quyết của Ủy ban nhân dân cấp xã"},
	forms.KindApology: {"xin lỗi", "Phải xác minh thông tin nơi cư trú của người mẹ tại xã khác", "16 giờ 30 phút, ngày 26/11/2026",
		"16 giờ 30 phút, ngày 27/11/2026", "CHỦ TỊCH", "Trịnh Văn Thắng", "Nơi nhận:"},
	forms.KindStop:    {"Thông báo dừng giải quyết hồ sơ", "Người yêu cầu đề nghị dừng giải quyết để bổ sung chứng cứ mới"},
	forms.KindControl: {"Phiếu kiểm soát quá trình giải quyết hồ sơ", "Giao: Người nộp hồ sơ", "Nhận: Công chức Tư pháp – Hộ tịch", "Trước hạn", "Đúng hạn", "Quá hạn", "Người giao"},
}

// TestRenderEveryForm prints every form of both profiles for one dossier
// and checks what a reader (pdftotext, pdfinfo, a QR and barcode scanner)
// finds in it.
func TestRenderEveryForm(t *testing.T) {
	st := newStation(t)
	dir := t.TempDir()
	for _, pid := range []string{forms.ProfileTT03of2025, forms.ProfileTT01of2018} {
		p, err := forms.Embedded(pid)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range p.Forms {
			if f.Kind == forms.KindLedger {
				continue
			}
			t.Run(pid+"/"+string(f.ID), func(t *testing.T) {
				d := sampleDossier()
				in := st.input(t, &f, d)
				path := filepath.Join(dir, pid+"-"+string(f.ID)+".pdf")
				var buf bytes.Buffer
				if err := forms.Render(&buf, p, f.ID, in); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}

				text := pdfText(t, path)
				if !norm.NFC.IsNormalString(text) {
					t.Errorf("extracted text is not NFC")
				}
				flat := strings.Join(strings.Fields(text), " ")
				lower := strings.ToLower(flat)
				for _, want := range append([]string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
					"UBND XÃ QUẢNG PHÚ", strings.ToUpper(p.Unit), "Quảng Phú, ngày 26 tháng 11 năm 2026", "Nguyễn Thị Ánh Tuyết",
					"Mã hồ sơ: " + d.Code, "Đăng ký khai sinh kết hợp nhận cha, mẹ, con", f.Title}, expect[f.Kind]...) {
					if !strings.Contains(lower, strings.ToLower(want)) {
						t.Errorf("text lacks %q", want)
					}
				}
				if f.Number != "" && !strings.Contains(flat, strings.TrimSpace(strings.Split(f.Number, "{number}")[1])) {
					t.Errorf("text lacks the number suffix of %q", f.Number)
				}
				if f.Kind == forms.KindSupplement {
					if n := strings.Count(lower, "văn bản ủy quyền có chứng thực"); n != 1 {
						t.Errorf("the missing item is listed %d times, want once", n)
					}
					if strings.Contains(flat, "Giấy chứng sinh do cơ sở y tế cấp") {
						t.Errorf("a received component is listed as missing")
					}
				}
				if t.Failed() {
					t.Logf("extracted text:\n%s", text)
				}

				if size, pages := pageSize(t, path); size != a5Portrait || pages != 1 {
					t.Errorf("page size %q, %d pages; want %q, 1 page", size, pages, a5Portrait)
				}

				found := symbols(t, path)
				if len(found["QR-Code"]) != 1 {
					t.Fatalf("want one QR code on page 1, found %v", found)
				}
				qr := found["QR-Code"][0]
				payload, res := qrsign.Verify(qr, st.ring)
				if res != qrsign.Valid {
					t.Fatalf("QR %q verifies %v, want valid", qr, res)
				}
				if payload.Code != d.Code || payload.Doc != string(f.Kind) || payload.Applicant != d.Applicant.IDNumber ||
					payload.Procedure != d.Procedure.Code || !payload.Issued.Equal(in.Now) {
					t.Errorf("QR payload %+v does not describe this form", payload)
				}
				if f.Kind == forms.KindReceipt && !payload.Due.Equal(d.DueAt) {
					t.Errorf("receipt QR due %v, want %v", payload.Due, d.DueAt)
				}
				tampered := strings.Replace(qr, "|038190012345|", "|038190012346|", 1)
				if _, res := qrsign.Verify(tampered, st.ring); res != qrsign.Tampered {
					t.Errorf("QR with one digit changed verifies %v, want tampered", res)
				}
				if got := found["CODE-128"]; len(got) != 1 || got[0] != d.Code {
					t.Errorf("barcode: found %v, want CODE-128 %s", got, d.Code)
				}

				if *writePNG {
					review(t, path, pid+"-"+string(f.ID))
				}
			})
		}
	}
}

// review keeps a small image of a form under testdata for people to look at.
func review(t *testing.T, pdf, name string) {
	t.Helper()
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, tool(t, "pdftoppm", "poppler-utils"), "-r", "90", "-f", "1", "-l", "1", "-singlefile", "-png", "-gray", pdf, filepath.Join("testdata", name))
}

func TestRenderLedger(t *testing.T) {
	dir := t.TempDir()
	ds := manyDossiers()
	for _, pid := range []string{forms.ProfileTT03of2025, forms.ProfileTT01of2018} {
		t.Run(pid, func(t *testing.T) {
			p, err := forms.Embedded(pid)
			if err != nil {
				t.Fatal(err)
			}
			f, _ := p.ByKind(forms.KindLedger)
			path := filepath.Join(dir, pid+"-ledger.pdf")
			out, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			err = forms.RenderLedger(out, p, ds, forms.LedgerInput{AgencyName: "UBND xã Quảng Phú", Place: "Quảng Phú", Book: "01/2026",
				FirstEntry: 350, From: time.Date(2026, 11, 1, 0, 0, 0, 0, vn), To: time.Date(2026, 11, 30, 0, 0, 0, 0, vn),
				HandlingUnit: "Công chức Tư pháp – Hộ tịch", Now: time.Date(2026, 12, 1, 8, 0, 0, 0, vn)})
			out.Close()
			if err != nil {
				t.Fatal(err)
			}
			size, pages := pageSize(t, path)
			if size != a4Landscape || pages < 2 {
				t.Errorf("page size %q, %d pages; want %q over several pages", size, pages, a4Landscape)
			}
			// -raw keeps the drawing order: cell by cell, row by row.
			text := run(t, tool(t, "pdftotext", "poppler-utils"), "-raw", "-enc", "UTF-8", path, "-")
			flat := strings.Join(strings.Fields(text), " ")
			for _, want := range []string{"SỔ THEO DÕI HỒ SƠ", "Quyển số: 01/2026", "Từ ngày 01/11/2026 đến ngày 30/11/2026",
				"Chuyển hồ sơ đến cơ quan giải quyết", "Đỗ Thị Hương Giang", "Chứng thực bản sao từ bản chính", "Đã trả kết quả", f.Title} {
				if !strings.Contains(strings.ToLower(flat), strings.ToLower(want)) {
					t.Errorf("ledger text lacks %q", want)
				}
			}
			// Codes wrap at their hyphens; joined back, each must be there.
			joined := strings.ReplaceAll(flat, "- ", "-")
			for _, d := range ds {
				if !strings.Contains(joined, d.Code) {
					t.Errorf("ledger lacks dossier %s", d.Code)
				}
			}
			if n := strings.Count(flat, "Tên cá nhân, tổ chức"); n != pages {
				t.Errorf("table header printed %d times on %d pages", n, pages)
			}
			for _, no := range []string{"350", "379"} {
				if !regexp.MustCompile(`(?m)^` + no + `$`).MatchString(text) {
					t.Errorf("entry number %s missing (numbering continues from FirstEntry)", no)
				}
			}
			if *writePNG {
				review(t, path, pid+"-"+string(f.ID))
			}
		})
	}
}

// TestLongDossier: a dossier with many components runs onto a second page,
// which repeats the table header and carries the code in its footer.
func TestLongDossier(t *testing.T) {
	st := newStation(t)
	d := sampleDossier()
	for i := range 14 {
		d.Components = append(d.Components, motcua.Component{Name: fmt.Sprintf("Giấy tờ bổ sung số %d: bản sao trích lục hộ tịch có chứng thực của người thân", i+1), Copy: 1})
	}
	p := forms.Default()
	f, _ := p.ByKind(forms.KindReceipt)
	path := filepath.Join(t.TempDir(), "long.pdf")
	var buf bytes.Buffer
	if err := forms.Render(&buf, p, f.ID, st.input(t, f, d)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, pages := pageSize(t, path); pages != 2 {
		t.Fatalf("%d pages, want 2", pages)
	}
	page2 := run(t, tool(t, "pdftotext", "poppler-utils"), "-f", "2", "-l", "2", path, "-")
	for _, want := range []string{"Tên giấy tờ", "Mã hồ sơ: " + d.Code, "Trang 2/2", "NGƯỜI NỘP HỒ SƠ"} {
		if !strings.Contains(page2, want) {
			t.Errorf("page 2 lacks %q:\n%s", want, page2)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	st := newStation(t)
	p := forms.Default()
	f, _ := p.ByKind(forms.KindReceipt)
	cases := map[string]func(*forms.Input) (forms.FormID, string){
		"qr":   func(in *forms.Input) (forms.FormID, string) { in.QRText = ""; return f.ID, "qr" },
		"code": func(in *forms.Input) (forms.FormID, string) { in.Dossier.Code = ""; return f.ID, "code" },
		"form": func(in *forms.Input) (forms.FormID, string) { return "09", "form" },
		"ledger": func(in *forms.Input) (forms.FormID, string) {
			l, _ := p.ByKind(forms.KindLedger)
			return l.ID, "form"
		},
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			in := st.input(t, f, sampleDossier())
			id, field := mutate(&in)
			err := forms.Render(&bytes.Buffer{}, p, id, in)
			e, ok := motcua.AsError(err)
			if !ok || e.Field != field {
				t.Fatalf("Render error = %v, want a coded error on %s", err, field)
			}
		})
	}
}

func TestEmbeddedProfiles(t *testing.T) {
	want := map[string]struct {
		forms  int
		ledger forms.FormID
	}{forms.ProfileTT03of2025: {7, "07"}, forms.ProfileTT01of2018: {6, "06"}}
	if got := forms.EmbeddedIDs(); len(got) != len(want) {
		t.Fatalf("embedded profiles %v", got)
	}
	for id, w := range want {
		p, err := forms.Embedded(id)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Forms) != w.forms {
			t.Errorf("%s: %d forms, want %d", id, len(p.Forms), w.forms)
		}
		for _, f := range p.Forms {
			wantPaper, wantOrient := "A5", "portrait"
			if f.ID == w.ledger {
				wantPaper, wantOrient = "A4", "landscape"
				if f.Kind != forms.KindLedger {
					t.Errorf("%s: form %s is %s, want the ledger", id, f.ID, f.Kind)
				}
			}
			if f.Paper != wantPaper || f.Orientation != wantOrient {
				t.Errorf("%s form %s: %s %s, want %s %s", id, f.ID, f.Paper, f.Orientation, wantPaper, wantOrient)
			}
		}
	}
	p, _ := forms.Embedded(forms.ProfileTT01of2018)
	if f, _ := p.Form("04"); f.Title != "Phiếu xin lỗi và hẹn lại ngày trả kết quả" {
		t.Errorf("2018 Mẫu 04 is %q", f.Title)
	}
	if _, err := forms.Embedded("tt99-2030"); err == nil {
		t.Error("an unknown profile loaded")
	}
}

// TestBadProfile: a province's broken file is refused with the path of the
// faulty value.
func TestBadProfile(t *testing.T) {
	raw, err := os.ReadFile("../../assets/forms/tt03-2025.json")
	if err != nil {
		t.Fatal(err)
	}
	good := string(raw)
	cases := []struct {
		name, field string
		edit        func(string) string
	}{
		{"UnknownVariable", "forms[01].blocks[1].value", func(s string) string { return strings.Replace(s, "{applicant}", "{applicant_nam}", 1) }},
		{"Paper", "forms[01].paper", func(s string) string { return strings.Replace(s, `"paper": "A5"`, `"paper": "A3"`, 1) }},
		{"Orientation", "forms[01].orientation", func(s string) string { return strings.Replace(s, `"portrait"`, `"sideways"`, 1) }},
		{"MisspeltField", "titel", func(s string) string { return strings.Replace(s, `"title": "Giấy`, `"titel": "Giấy`, 1) }},
		{"WrongType", "forms.blocks.size", func(s string) string { return strings.Replace(s, `"size": 7.5`, `"size": "nhỏ"`, 1) }},
		{"Syntax", "profile", func(s string) string { return strings.Replace(s, `"kind": "TN",`, `"kind": "TN"`, 1) }},
		{"Motto", "motto", func(s string) string {
			return strings.Replace(s, `"Độc lập - Tự do - Hạnh phúc"`, `"Độc lập - Tự do - Hạnh phúc", "x"`, 1)
		}},
		{"DuplicateKind", "forms[02].kind", func(s string) string { return strings.Replace(s, `"kind": "BS"`, `"kind": "TN"`, 1) }},
		{"BlockType", "forms[01].blocks[0].type", func(s string) string { return strings.Replace(s, `"type": "text"`, `"type": "paragraph"`, 1) }},
		{"ColumnWidth", "forms[01].blocks[8].columns[0].width", func(s string) string { return strings.Replace(s, `"width": 7,`, `"width": 0,`, 1) }},
		{"Select", "forms[01].blocks[8].select", func(s string) string { return strings.Replace(s, `"select": "received"`, `"select": "some"`, 1) }},
		{"UnbalancedBold", "forms[01].blocks[9].text", func(s string) string {
			return strings.Replace(s, `"**2. Số lượng hồ sơ:**`, `"**2. Số lượng hồ sơ:`, 1)
		}},
		{"ItemVarOutsideTable", "forms[01].blocks[2].value", func(s string) string { return strings.Replace(s, "{applicant_id}", "{item.name}", 1) }},
		{"Default", "defaults.lookup_url", func(s string) string { return strings.Replace(s, `"lookup": `, `"lookup_url": `, 1) }},
		{"EffectiveFrom", "effective_from", func(s string) string { return strings.Replace(s, `"2025-09-15"`, `"15/9/2025"`, 1) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := c.edit(good)
			if bad == good {
				t.Fatal("the edit did not apply")
			}
			_, err := forms.LoadProfile(strings.NewReader(bad))
			e, ok := motcua.AsError(err)
			if !ok || e.Field != c.field || e.Msg == "" {
				t.Fatalf("LoadProfile error = %v, want a coded error on %s", err, c.field)
			}
		})
	}
	t.Run("SyntaxLine", func(t *testing.T) {
		_, err := forms.LoadProfile(strings.NewReader("{\n  \"id\": \"x\",\n  oops\n}"))
		if err == nil || !strings.Contains(err.Error(), "dòng 3") {
			t.Fatalf("error %v does not give the line", err)
		}
	})
	t.Run("File", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "tinh.json")
		if err := os.WriteFile(path, []byte(cases[0].edit(good)), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := forms.LoadProfileFile(path)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "{applicant_nam}") {
			t.Fatalf("error %v should name the file and the variable", err)
		}
		if _, err := forms.LoadProfileFile(filepath.Join(t.TempDir(), "none.json")); err == nil {
			t.Fatal("a missing file loaded")
		}
	})
	t.Run("ProvinceEdit", func(t *testing.T) {
		edited := strings.Replace(good, `"unit": "Bộ phận Một cửa"`, `"unit": "Trung tâm Phục vụ hành chính công"`, 1)
		p, err := forms.LoadProfile(strings.NewReader(edited))
		if err != nil {
			t.Fatal(err)
		}
		if p.Unit != "Trung tâm Phục vụ hành chính công" {
			t.Fatalf("unit %q", p.Unit)
		}
	})
}

func TestReadmeListsVariables(t *testing.T) {
	raw, err := os.ReadFile("../../assets/forms/README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range forms.Variables() {
		if !strings.Contains(string(raw), "`{"+v+"}`") {
			t.Errorf("assets/forms/README.md does not document {%s}", v)
		}
	}
}

func TestQRPayload(t *testing.T) {
	p := forms.Default()
	d := sampleDossier()
	issued := time.Date(2026, 11, 24, 8, 35, 42, 0, vn)
	for _, f := range p.Forms {
		q := forms.QRPayload(&f, d, "MOTCUA", issued)
		if q.Doc != string(f.Kind) || q.Code != d.Code || q.Issued.Second() != 0 {
			t.Errorf("%s: payload %+v", f.ID, q)
		}
		if hasDue := !q.Due.IsZero(); hasDue != (f.Kind == forms.KindReceipt || f.Kind == forms.KindApology) {
			t.Errorf("%s (%s): due %v", f.ID, f.Kind, q.Due)
		}
	}
}

// TestSparseDossier: a dossier with nothing but its code (a paper back-entry)
// still prints every form, on one page, with dotted lines to fill by hand;
// characters the font lacks do not stop it.
func TestSparseDossier(t *testing.T) {
	st := newStation(t)
	dir := t.TempDir()
	for _, pid := range forms.EmbeddedIDs() {
		p, _ := forms.Embedded(pid)
		for _, f := range p.Forms {
			if f.Kind == forms.KindLedger {
				continue
			}
			d := &motcua.Dossier{Code: "000.00.06.H56-261124-0001", Applicant: motcua.Applicant{Name: "Lò Thị Mỷ 🙂 李"}}
			in := st.input(t, &f, d)
			in = forms.Input{Dossier: d, QRText: in.QRText, Now: in.Now}
			path := filepath.Join(dir, pid+"-"+string(f.ID)+".pdf")
			var buf bytes.Buffer
			if err := forms.Render(&buf, p, f.ID, in); err != nil {
				t.Fatalf("%s/%s: %v", pid, f.ID, err)
			}
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, pages := pageSize(t, path); pages != 1 {
				t.Errorf("%s/%s: %d pages", pid, f.ID, pages)
			}
			if text := pdfText(t, path); !strings.Contains(text, "……") || !strings.Contains(text, "Lò Thị Mỷ") {
				t.Errorf("%s/%s: no dotted lines or no name in\n%s", pid, f.ID, text)
			}
		}
	}
}

func BenchmarkRenderReceipt(b *testing.B) {
	st := newStation(b)
	p := forms.Default()
	f, _ := p.ByKind(forms.KindReceipt)
	in := st.input(b, f, sampleDossier())
	for b.Loop() {
		if err := forms.Render(io.Discard, p, f.ID, in); err != nil {
			b.Fatal(err)
		}
	}
}
