package forms

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"time"

	"motcua"
	"motcua/assets"
	"motcua/scanning/qrsign"
)

// FormID is the number of a form within its profile: "01", "02", …
type FormID string

// Kind says what a form is for, whatever its number in a given circular
// (the apology is Mẫu 04 in both, the ledger Mẫu 06 in 2018 and 07 in 2025).
// The values are the document codes of the signed QR payload.
type Kind string

const (
	KindReceipt    Kind = qrsign.DocReceipt    // Giấy tiếp nhận hồ sơ và hẹn trả kết quả
	KindSupplement Kind = qrsign.DocSupplement // Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
	KindRefusal    Kind = qrsign.DocRefusal    // Phiếu từ chối tiếp nhận giải quyết hồ sơ
	KindApology    Kind = qrsign.DocApology    // xin lỗi và hẹn lại / đề nghị gia hạn
	KindStop       Kind = qrsign.DocStop       // Thông báo dừng giải quyết hồ sơ
	KindControl    Kind = qrsign.DocControl    // Phiếu kiểm soát quá trình giải quyết hồ sơ
	KindLedger     Kind = qrsign.DocLedger     // Sổ theo dõi hồ sơ
)

var kinds = []Kind{KindReceipt, KindSupplement, KindRefusal, KindApology, KindStop, KindControl, KindLedger}

// Profile is one legal profile: the set of counter forms of a circular, as
// data. The embedded defaults are tt03-2025 (current) and tt01-2018; a
// province may replace either with its own JSON file, without a rebuild.
// The format is described in assets/forms/README.md.
type Profile struct {
	ID            string            `json:"id"`
	Name          string            `json:"name"`
	EffectiveFrom string            `json:"effective_from"` // YYYY-MM-DD
	Note          string            `json:"note,omitempty"` // provenance; not printed
	Unit          string            `json:"unit"`           // e.g. "Bộ phận Một cửa"; printed upper-case in the header
	Motto         []string          `json:"motto"`          // the two lines of the national motto
	Defaults      map[string]string `json:"defaults,omitempty"`
	Forms         []Form            `json:"forms"`
}

// Form is the template of one form.
type Form struct {
	ID          FormID   `json:"id"`
	Kind        Kind     `json:"kind"`
	Title       string   `json:"title"`
	Number      string   `json:"number,omitempty"` // e.g. "Số: {number}/TNHS"; empty: no number line
	Paper       string   `json:"paper"`            // A5 | A4
	Orientation string   `json:"orientation"`      // portrait | landscape
	LegalBasis  string   `json:"legal_basis"`      // printed in the footer
	Size        float64  `json:"size,omitempty"`   // body font size in points; 0 = 9 (A5) or 11 (A4)
	Blocks      []Block  `json:"blocks,omitempty"`
	Columns     []Column `json:"columns,omitempty"` // the ledger's table
}

// Block is one piece of a form's body, drawn top to bottom.
//
//	text        Text, with {variables} and **bold** spans
//	field       Label: Value, dotted for hand-filling when the value is empty
//	fields      Items side by side on one line
//	components  the dossier's components table (Select: received | missing | all)
//	handoffs    the hand-off table of the process control sheet
//	signatures  Signers side by side
//	space       Height mm of vertical space
type Block struct {
	Type      string   `json:"type"`
	Text      string   `json:"text,omitempty"`
	Label     string   `json:"label,omitempty"`
	Value     string   `json:"value,omitempty"`
	Items     []Item   `json:"items,omitempty"`
	Style     string   `json:"style,omitempty"` // "", "B" or "I"
	Size      float64  `json:"size,omitempty"`  // points; 0 = the form's body size
	Align     string   `json:"align,omitempty"` // L, C, R or J
	Indent    float64  `json:"indent,omitempty"`
	Select    string   `json:"select,omitempty"`
	Columns   []Column `json:"columns,omitempty"`
	MinRows   int      `json:"min_rows,omitempty"`   // tables: blank rows up to this count, for hand-filling
	RowHeight float64  `json:"row_height,omitempty"` // tables: minimum row height, mm
	VAlign    string   `json:"valign,omitempty"`     // tables: "top" or "" (middle)
	Signers   []Signer `json:"signers,omitempty"`
	Height    float64  `json:"height,omitempty"` // space; signatures: room to sign, mm
}

// Item is one label/value pair of a fields block.
type Item struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Column is one column of a table. Width is a weight: the widths are scaled
// to fill the line. Adjacent columns with the same Group share a header cell
// above their own.
type Column struct {
	Header string  `json:"header"`
	Group  string  `json:"group,omitempty"`
	Width  float64 `json:"width"`
	Value  string  `json:"value"`
	Align  string  `json:"align,omitempty"`
}

// Signer is one column of a signatures block: a title, a note such as
// "(Ký và ghi rõ họ tên)", room to sign and the name; or, with Lines, a
// "Nơi nhận" list in place of a signature.
type Signer struct {
	Title string   `json:"title"`
	Note  string   `json:"note,omitempty"`
	Name  string   `json:"name,omitempty"`
	Lines []string `json:"lines,omitempty"`
}

// Form returns the form with the given number.
func (p *Profile) Form(id FormID) (*Form, bool) {
	for i := range p.Forms {
		if p.Forms[i].ID == id {
			return &p.Forms[i], true
		}
	}
	return nil, false
}

// ByKind returns the form for a purpose, e.g. the receipt.
func (p *Profile) ByKind(k Kind) (*Form, bool) {
	for i := range p.Forms {
		if p.Forms[i].Kind == k {
			return &p.Forms[i], true
		}
	}
	return nil, false
}

// Embedded profile IDs.
const (
	ProfileTT03of2025 = "tt03-2025" // current: Circular 03/2025/TT-VPCP, Mẫu 01–07
	ProfileTT01of2018 = "tt01-2018" // older: Circular 01/2018/TT-VPCP, Mẫu 01–06
)

// Default is the current profile, embedded in the binary.
func Default() *Profile {
	p, err := Embedded(ProfileTT03of2025)
	if err != nil {
		panic(err) // the embedded file is checked by the tests
	}
	return p
}

// Embedded loads one of the profiles built into the binary.
func Embedded(id string) (*Profile, error) {
	f, err := assets.Forms.Open("forms/" + id + ".json")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, motcua.Invalid(motcua.ErrNotFound, "profile", "Không có bộ biểu mẫu «%s» (có: %s)",
			"there is no form profile %q (available: %s)", id, strings.Join(EmbeddedIDs(), ", "))
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return LoadProfile(f)
}

// EmbeddedIDs lists the built-in profiles.
func EmbeddedIDs() []string {
	names, _ := fs.Glob(assets.Forms, "forms/*.json")
	ids := make([]string, 0, len(names))
	for _, n := range names {
		ids = append(ids, strings.TrimSuffix(strings.TrimPrefix(n, "forms/"), ".json"))
	}
	return ids
}

// LoadProfileFile reads a province's profile from a JSON file.
func LoadProfileFile(path string) (*Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, motcua.Invalid(motcua.ErrNotFound, "profile", "Không mở được tệp biểu mẫu %s: %v", "cannot open the form profile %s: %v", path, err)
	}
	defer f.Close()
	p, err := LoadProfile(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// LoadProfile reads and checks a profile. A mistake is reported as a coded
// error whose Field is the path of the faulty value, e.g.
// "forms[01].blocks[3].text", with a Vietnamese sentence saying what is wrong.
func LoadProfile(r io.Reader) (*Profile, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, jsonError(raw, err)
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	return &p, nil
}

func jsonError(raw []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := lineCol(raw, syn.Offset)
		return motcua.Invalid(motcua.ErrBadValue, "profile", "Tệp biểu mẫu sai cú pháp JSON ở dòng %d, cột %d: %v",
			"the form profile is not valid JSON at line %d, column %d: %v", line, col, err)
	case errors.As(err, &typ):
		return motcua.Invalid(motcua.ErrBadValue, typ.Field, "Giá trị của «%s» phải là %s", "%s must be a %s", typ.Field, typ.Type.String())
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return motcua.Invalid(motcua.ErrBadValue, name, "Tệp biểu mẫu có trường lạ «%s» (viết sai tên?)",
			"the form profile has an unknown field %q (misspelt?)", name)
	}
	return motcua.Invalid(motcua.ErrBadValue, "profile", "Không đọc được tệp biểu mẫu: %v", "cannot read the form profile: %v", err)
}

func lineCol(raw []byte, off int64) (int, int) {
	off = min(off, int64(len(raw)))
	before := raw[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	return line, int(off) - bytes.LastIndexByte(before, '\n')
}

// placeholderRE finds {variables}.
var placeholderRE = regexp.MustCompile(`\{([^{}\s]+)\}`)

func bad(field, vi, en string, args ...any) error {
	return motcua.Invalid(motcua.ErrBadValue, field, vi, en, args...)
}

func (p *Profile) check() error {
	if strings.TrimSpace(p.ID) == "" {
		return bad("id", "Bộ biểu mẫu thiếu mã (id)", "the profile has no id")
	}
	if strings.TrimSpace(p.Name) == "" {
		return bad("name", "Bộ biểu mẫu thiếu tên (name)", "the profile has no name")
	}
	if _, err := time.Parse(time.DateOnly, p.EffectiveFrom); err != nil {
		return bad("effective_from", "Ngày hiệu lực «%s» phải có dạng YYYY-MM-DD", "effective_from %q must be YYYY-MM-DD", p.EffectiveFrom)
	}
	if strings.TrimSpace(p.Unit) == "" {
		return bad("unit", "Thiếu tên bộ phận tiếp nhận (unit), ví dụ «Bộ phận Một cửa»", "the receiving unit name (unit) is missing")
	}
	if len(p.Motto) != 2 {
		return bad("motto", "Quốc hiệu, tiêu ngữ (motto) phải có đúng 2 dòng", "motto must have exactly 2 lines")
	}
	for k := range p.Defaults {
		if !formVars[k] {
			return bad("defaults."+k, "Không có trường «%s» để đặt giá trị mặc định", "there is no variable %q to give a default", k)
		}
	}
	if len(p.Forms) == 0 {
		return bad("forms", "Bộ biểu mẫu không có mẫu nào", "the profile has no forms")
	}
	seenID, seenKind := map[FormID]bool{}, map[Kind]bool{}
	for i := range p.Forms {
		f := &p.Forms[i]
		path := fmt.Sprintf("forms[%d]", i)
		if f.ID != "" {
			path = fmt.Sprintf("forms[%s]", f.ID)
		}
		if err := f.check(path); err != nil {
			return err
		}
		if seenID[f.ID] {
			return bad(path+".id", "Mẫu số %s có hai lần", "form %s appears twice", f.ID)
		}
		if seenKind[f.Kind] {
			return bad(path+".kind", "Hai mẫu cùng loại «%s»", "two forms of kind %q", f.Kind)
		}
		seenID[f.ID], seenKind[f.Kind] = true, true
	}
	return nil
}

func (f *Form) check(path string) error {
	if f.ID == "" {
		return bad(path+".id", "Mẫu thiếu số (id), ví dụ \"01\"", "the form has no id, e.g. \"01\"")
	}
	if !slices.Contains(kinds, f.Kind) {
		return bad(path+".kind", "Loại mẫu «%s» không hợp lệ (TN, BS, TC, XL, DG, KS, ST)", "form kind %q is not one of TN, BS, TC, XL, DG, KS, ST", f.Kind)
	}
	if strings.TrimSpace(f.Title) == "" {
		return bad(path+".title", "Mẫu thiếu tiêu đề", "the form has no title")
	}
	if f.Paper != "A4" && f.Paper != "A5" {
		return bad(path+".paper", "Khổ giấy «%s» không hợp lệ: A4 hoặc A5", "paper %q must be A4 or A5", f.Paper)
	}
	if f.Orientation != "portrait" && f.Orientation != "landscape" {
		return bad(path+".orientation", "Hướng giấy «%s» không hợp lệ: portrait (dọc) hoặc landscape (ngang)",
			"orientation %q must be portrait or landscape", f.Orientation)
	}
	if f.Size != 0 && (f.Size < 7 || f.Size > 14) {
		return bad(path+".size", "Cỡ chữ %.1f ngoài khoảng 7–14", "font size %.1f is outside 7–14", f.Size)
	}
	if err := checkText(path+".number", f.Number, formVars); err != nil {
		return err
	}
	if err := checkText(path+".legal_basis", f.LegalBasis, formVars); err != nil {
		return err
	}
	if f.Kind == KindLedger {
		if len(f.Columns) == 0 {
			return bad(path+".columns", "Sổ theo dõi phải có các cột (columns)", "the ledger needs columns")
		}
		if len(f.Blocks) > 0 {
			return bad(path+".blocks", "Sổ theo dõi chỉ có cột (columns), không có khối nội dung (blocks)", "the ledger has columns, not blocks")
		}
		return checkColumns(path+".columns", f.Columns, ledgerVars)
	}
	if len(f.Columns) > 0 {
		return bad(path+".columns", "Chỉ sổ theo dõi (kind ST) có cột ở cấp mẫu; bảng của mẫu khác đặt trong blocks",
			"only the ledger (kind ST) has form-level columns; other tables go in blocks")
	}
	if len(f.Blocks) == 0 {
		return bad(path+".blocks", "Mẫu không có nội dung (blocks)", "the form has no blocks")
	}
	for j := range f.Blocks {
		if err := f.Blocks[j].check(fmt.Sprintf("%s.blocks[%d]", path, j)); err != nil {
			return err
		}
	}
	return nil
}

func (b *Block) check(path string) error {
	if !slices.Contains([]string{"", "B", "I"}, b.Style) {
		return bad(path+".style", "Kiểu chữ «%s» không hợp lệ: \"\", \"B\" (đậm) hoặc \"I\" (nghiêng)", "style %q must be \"\", \"B\" or \"I\"", b.Style)
	}
	if !slices.Contains([]string{"", "L", "C", "R", "J"}, b.Align) {
		return bad(path+".align", "Căn lề «%s» không hợp lệ: L, C, R hoặc J", "align %q must be L, C, R or J", b.Align)
	}
	if b.VAlign != "" && b.VAlign != "top" {
		return bad(path+".valign", "valign «%s» không hợp lệ: \"top\" hoặc bỏ trống (giữa ô)", "valign %q must be \"top\" or empty (middle)", b.VAlign)
	}
	if b.Size != 0 && (b.Size < 6 || b.Size > 16) {
		return bad(path+".size", "Cỡ chữ %.1f ngoài khoảng 6–16", "font size %.1f is outside 6–16", b.Size)
	}
	if b.Indent < 0 || b.Indent > 60 || b.Height < 0 || b.Height > 100 || b.RowHeight < 0 || b.RowHeight > 60 || b.MinRows < 0 || b.MinRows > 30 {
		return bad(path, "Khoảng cách (indent, height, row_height, min_rows) ngoài giới hạn", "indent, height, row_height or min_rows is out of range")
	}
	switch b.Type {
	case "text":
		if b.Text == "" {
			return bad(path+".text", "Khối văn bản trống", "the text block is empty")
		}
		return checkText(path+".text", b.Text, formVars)
	case "field":
		if b.Label == "" {
			return bad(path+".label", "Dòng thông tin thiếu nhãn (label)", "the field has no label")
		}
		return checkText(path+".value", b.Value, formVars)
	case "fields":
		if len(b.Items) < 1 || len(b.Items) > 4 {
			return bad(path+".items", "Một dòng có từ 1 đến 4 mục (items)", "a fields line has 1 to 4 items")
		}
		for k, it := range b.Items {
			if it.Label == "" {
				return bad(fmt.Sprintf("%s.items[%d].label", path, k), "Mục thiếu nhãn (label)", "the item has no label")
			}
			if err := checkText(fmt.Sprintf("%s.items[%d].value", path, k), it.Value, formVars); err != nil {
				return err
			}
		}
	case "components":
		if !slices.Contains([]string{"received", "missing", "all"}, b.Select) {
			return bad(path+".select", "select «%s» không hợp lệ: received, missing hoặc all", "select %q must be received, missing or all", b.Select)
		}
		return checkColumns(path+".columns", b.Columns, itemVars)
	case "handoffs":
		return checkColumns(path+".columns", b.Columns, handoffVars)
	case "signatures":
		if len(b.Signers) < 1 || len(b.Signers) > 3 {
			return bad(path+".signers", "Phần ký có từ 1 đến 3 người ký (signers)", "a signatures block has 1 to 3 signers")
		}
		for k, s := range b.Signers {
			sp := fmt.Sprintf("%s.signers[%d]", path, k)
			for _, f := range [][2]string{{"title", s.Title}, {"note", s.Note}, {"name", s.Name}} {
				if err := checkText(sp+"."+f[0], f[1], formVars); err != nil {
					return err
				}
			}
			for m, l := range s.Lines {
				if err := checkText(fmt.Sprintf("%s.lines[%d]", sp, m), l, formVars); err != nil {
					return err
				}
			}
		}
	case "space":
		if b.Height <= 0 {
			return bad(path+".height", "Khoảng trống cần chiều cao (height, mm) lớn hơn 0", "a space needs a height (mm) above 0")
		}
	default:
		return bad(path+".type", "Loại khối «%s» không hợp lệ: text, field, fields, components, handoffs, signatures, space",
			"block type %q must be text, field, fields, components, handoffs, signatures or space", b.Type)
	}
	return nil
}

func checkColumns(path string, cols []Column, vars map[string]bool) error {
	if len(cols) == 0 {
		return bad(path, "Bảng không có cột (columns)", "the table has no columns")
	}
	for k, c := range cols {
		cp := fmt.Sprintf("%s[%d]", path, k)
		if strings.TrimSpace(c.Header) == "" {
			return bad(cp+".header", "Cột thiếu tiêu đề (header)", "the column has no header")
		}
		if c.Width <= 0 {
			return bad(cp+".width", "Độ rộng cột phải lớn hơn 0", "the column width must be above 0")
		}
		if !slices.Contains([]string{"", "L", "C", "R"}, c.Align) {
			return bad(cp+".align", "Căn lề «%s» không hợp lệ: L, C hoặc R", "align %q must be L, C or R", c.Align)
		}
		if err := checkText(cp+".value", c.Value, vars); err != nil {
			return err
		}
	}
	return nil
}

func checkText(path, s string, vars map[string]bool) error {
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		if !vars[m[1]] {
			return bad(path, "Không có trường «{%s}» (xem danh sách trường trong assets/forms/README.md)",
				"there is no variable {%s} (see the list in assets/forms/README.md)", m[1])
		}
	}
	if strings.Count(s, "**")%2 != 0 {
		return bad(path, "Dấu ** (chữ đậm) không đóng: «%s»", "unbalanced ** (bold) in %q", s)
	}
	return nil
}

// Series is the register of the form's document number: what follows
// "{number}/" in its number line ("Số: {number}/TNHS" → "TNHS"), or "" when
// the form is not numbered.
func (f *Form) Series() string {
	_, after, ok := strings.Cut(f.Number, "{number}/")
	if !ok {
		return ""
	}
	end := strings.IndexFunc(after, func(r rune) bool { return r == ' ' || r == ',' || r == '{' })
	if end >= 0 {
		after = after[:end]
	}
	return strings.TrimSpace(after)
}
