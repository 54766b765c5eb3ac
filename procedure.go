package motcua

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Procedure is one administrative procedure (thủ tục hành chính) the counter
// receives, as listed in the procedure catalogue. The catalogue is dated,
// editable configuration: codes, deadlines and fees change with each
// provincial publication decision.
type Procedure struct {
	Code           string          `json:"code"` // national TTHC code, e.g. "1.001193"
	Name           string          `json:"name"`
	Field          string          `json:"field"` // lĩnh vực, e.g. "Hộ tịch"
	FieldCode      string          `json:"field_code,omitempty"`
	ProcessingDays float64         `json:"processing_days"`       // working days; 0 = returned on the spot (trong ngày)
	OnlineDays     float64         `json:"online_days,omitempty"` // if different for KenhThucHien=2
	Fee            int64           `json:"fee"`                   // VND; 0 = free, or set by the province when FeeNote says so
	FeeNote        string          `json:"fee_note,omitempty"`
	Components     []ComponentSpec `json:"components"`
	// Result describes the document the procedure issues, when the
	// catalogue knows it: its kind for the citizen's store, its validity,
	// and whether it must be digitised before it is handed back.
	Result    *ResultSpec `json:"result,omitempty"`
	Confirmed bool        `json:"confirmed"` // national code / data verified against a public source
	Source    string      `json:"source,omitempty"`
}

// ComponentSpec is one document of a dossier (thành phần hồ sơ) with the
// number of originals, certified copies and plain copies required, as on
// the receipt form (Mẫu 01).
type ComponentSpec struct {
	Name      string `json:"name"`
	Original  int    `json:"original"`
	Certified int    `json:"certified"`
	Copy      int    `json:"copy"`
	Optional  bool   `json:"optional,omitempty"`
	// DocType names the kind of paper (e.g. "giay-to-tuy-than"), so that a
	// document the citizen's store holds under that kind is offered for
	// this component. Empty: matched by name only.
	DocType string `json:"doc_type,omitempty"`
}

// ResultSpec is the result document of a procedure (giấy tờ kết quả).
type ResultSpec struct {
	Name    string `json:"name"`
	DocType string `json:"doc_type,omitempty"`
	// ValidMonths is how long the result is valid from its issue date;
	// 0 means no limit (a birth certificate).
	ValidMonths int `json:"valid_months,omitempty"`
	// DigitiseRequired: the result must be digitised (scanned or taken
	// from the province's electronic result) before it is returned.
	DigitiseRequired bool `json:"digitise_required,omitempty"`
}

// Catalog is a versioned list of procedures.
type Catalog struct {
	Version    string      `json:"version"`
	Updated    string      `json:"updated"` // YYYY-MM-DD
	Procedures []Procedure `json:"procedures"`
}

// Bounds of an imported catalogue: a catalogue comes from a file, and a
// number out of any real range (1,000,000 days overflowed the due-date
// arithmetic into the receipt time) or a control character (a NUL made a
// procedure vanish from the search; escape sequences reach terminals) is a
// mistake or an attack, refused by name.
const (
	MaxProcessingDays = 365         // working days
	MaxFee            = 100_000_000 // VND
	MaxCopies         = 99          // of one document
	MaxCatalogText    = 1000        // characters of a name, note or source
	MaxValidMonths    = 1200        // validity of a result document: 100 years
)

var procedureCodeRE = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z._-]{0,31}$`)

// checkCatalogText refuses invalid UTF-8, control characters and text
// longer than max characters.
func checkCatalogText(bad func(rule, format string, args ...any), s string, max int) {
	switch {
	case !utf8.ValidString(s):
		bad("utf8", "not valid UTF-8 text")
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		bad("no_control", "control characters (NUL, escape, line breaks…) are not allowed")
	case utf8.RuneCountInString(s) > max:
		bad("max_length", "longer than %d characters", max)
	}
}

// LoadCatalog reads a catalogue in JSON, trims and NFC-normalises its text
// and validates it: every procedure has a code and a name, codes are unique,
// processing days and fees are not negative, and there is at least one
// component, each with a name and non-negative counts. All problems are
// reported together; each names the entry (index and code), the field and
// the rule broken.
func LoadCatalog(r io.Reader) (*Catalog, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("catalog: read: %w", err)
	}
	if !utf8.Valid(data) {
		// encoding/json would turn the bad bytes into U+FFFD silently.
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		return nil, fmt.Errorf("catalog: line %d: rule \"utf8\": the file is not valid UTF-8 text", 1+bytes.Count(data[:off], []byte("\n")))
	}
	var c Catalog
	if err := json.Unmarshal(data, &c); err != nil {
		// Point at the place in the file an installer has to fix.
		lineCol := func(off int64) (line, col int) {
			before := data[:min(max(off, 0), int64(len(data)))]
			line = 1 + bytes.Count(before, []byte("\n"))
			return line, 1 + utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:])
		}
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			line, col := lineCol(syn.Offset)
			return nil, fmt.Errorf("catalog: line %d, column %d: rule \"json\": %w", line, col, err)
		case errors.As(err, &typ):
			line, col := lineCol(typ.Offset)
			return nil, fmt.Errorf("catalog: line %d, column %d: field %q: rule \"type\": %w", line, col, typ.Field, err)
		}
		return nil, fmt.Errorf("catalog: rule \"json\": %w", err)
	}

	var errs []error
	bad := func(i int, code, field, rule, format string, args ...any) {
		errs = append(errs, fmt.Errorf("catalog: procedures[%d] (code %q): field %q: rule %q: %s",
			i, code, field, rule, fmt.Sprintf(format, args...)))
	}
	clean := func(s string) string { return norm.NFC.String(strings.TrimSpace(s)) }

	c.Version, c.Updated = clean(c.Version), clean(c.Updated)
	if c.Updated != "" {
		if _, err := time.Parse(time.DateOnly, c.Updated); err != nil {
			errs = append(errs, fmt.Errorf("catalog: field \"updated\": rule \"date\": %q is not YYYY-MM-DD", c.Updated))
		}
	}
	if len(c.Procedures) == 0 {
		errs = append(errs, errors.New("catalog: field \"procedures\": rule \"required\": the catalogue lists no procedure"))
	}

	seen := make(map[string]int, len(c.Procedures))
	for i := range c.Procedures {
		p := &c.Procedures[i]
		for _, s := range []*string{&p.Code, &p.Name, &p.Field, &p.FieldCode, &p.FeeNote, &p.Source} {
			*s = clean(*s)
		}
		if p.Code == "" {
			bad(i, p.Code, "code", "required", "code is empty")
		} else if j, dup := seen[p.Code]; dup {
			bad(i, p.Code, "code", "unique", "code already used by procedures[%d]", j)
		} else {
			seen[p.Code] = i
		}
		if p.Name == "" {
			bad(i, p.Code, "name", "required", "name is empty")
		}
		if p.Code != "" && !procedureCodeRE.MatchString(p.Code) {
			bad(i, p.Code, "code", "shape", "code must be 1–32 letters, digits, '.', '-' or '_' (e.g. 1.001193)")
		}
		for _, f := range []struct {
			name, v string
			max     int
		}{{"name", p.Name, MaxCatalogText}, {"field", p.Field, MaxCatalogText}, {"field_code", p.FieldCode, 64},
			{"fee_note", p.FeeNote, MaxCatalogText}, {"source", p.Source, MaxCatalogText}} {
			checkCatalogText(func(rule, format string, args ...any) { bad(i, p.Code, f.name, rule, format, args...) }, f.v, f.max)
		}
		for _, d := range []struct {
			name string
			v    float64
		}{{"processing_days", p.ProcessingDays}, {"online_days", p.OnlineDays}} {
			switch {
			case d.v < 0:
				bad(i, p.Code, d.name, "non_negative", "%s %v < 0", d.name, d.v)
			case d.v > MaxProcessingDays || d.v != d.v:
				bad(i, p.Code, d.name, "max", "%s %v > %d working days", d.name, d.v, MaxProcessingDays)
			}
		}
		if p.Fee < 0 {
			bad(i, p.Code, "fee", "non_negative", "fee %d < 0", p.Fee)
		} else if p.Fee > MaxFee {
			bad(i, p.Code, "fee", "max", "fee %d > %d VND", p.Fee, MaxFee)
		}
		if len(p.Components) == 0 {
			bad(i, p.Code, "components", "required", "no dossier component listed")
		}
		for k := range p.Components {
			cs := &p.Components[k]
			cs.Name = clean(cs.Name)
			field := fmt.Sprintf("components[%d]", k)
			if cs.Name == "" {
				bad(i, p.Code, field+".name", "required", "component name is empty")
			}
			checkCatalogText(func(rule, format string, args ...any) { bad(i, p.Code, field+".name", rule, format, args...) }, cs.Name, MaxCatalogText)
			if cs.Original < 0 || cs.Certified < 0 || cs.Copy < 0 {
				bad(i, p.Code, field, "non_negative", "negative document count")
			} else if cs.Original > MaxCopies || cs.Certified > MaxCopies || cs.Copy > MaxCopies {
				bad(i, p.Code, field, "max", "document count above %d", MaxCopies)
			}
			cs.DocType = clean(cs.DocType)
			checkCatalogText(func(rule, format string, args ...any) { bad(i, p.Code, field+".doc_type", rule, format, args...) }, cs.DocType, 64)
		}
		if r := p.Result; r != nil {
			r.Name, r.DocType = clean(r.Name), clean(r.DocType)
			if r.Name == "" {
				bad(i, p.Code, "result.name", "required", "result name is empty")
			}
			checkCatalogText(func(rule, format string, args ...any) { bad(i, p.Code, "result.name", rule, format, args...) }, r.Name, MaxCatalogText)
			checkCatalogText(func(rule, format string, args ...any) { bad(i, p.Code, "result.doc_type", rule, format, args...) }, r.DocType, 64)
			if r.ValidMonths < 0 || r.ValidMonths > MaxValidMonths {
				bad(i, p.Code, "result.valid_months", "range", "valid_months %d outside 0–%d", r.ValidMonths, MaxValidMonths)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &c, nil
}

// Find returns the procedure with the given national code.
func (c *Catalog) Find(code string) (Procedure, bool) {
	if c == nil { // a service built without a catalogue knows no procedure
		return Procedure{}, false
	}
	code = strings.TrimSpace(code)
	for _, p := range c.Procedures {
		if p.Code == code {
			return p, true
		}
	}
	return Procedure{}, false
}

// Search finds procedures for what an officer types: a code or its prefix
// ("1.0011"), or words of the name or field in any order, each word matched
// as a prefix, ignoring case and diacritics ("ket hon", "chung thuc",
// "khai sinh"). Best matches come first: exact code, code prefix, the words
// as a phrase in the name, then the words anywhere in name or field; within
// a rank, more query words matched as whole words first, then catalogue
// order (the seed lists the procedures most used at the counter first).
// An empty query returns the whole catalogue.
func (c *Catalog) Search(query string) []Procedure {
	q := Fold(query)
	if q == "" {
		return append([]Procedure(nil), c.Procedures...)
	}
	words := func(s string) []string {
		return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	}
	qWords := words(q)
	phrase := " " + strings.Join(qWords, " ")

	// prefixed reports whether every query word starts some word of ws;
	// whole counts the query words that are whole words of ws.
	prefixed := func(ws []string) (ok bool, whole int) {
		for _, q := range qWords {
			if slices.Contains(ws, q) {
				whole++
			} else if !slices.ContainsFunc(ws, func(w string) bool { return strings.HasPrefix(w, q) }) {
				return false, 0
			}
		}
		return true, whole
	}

	type hit struct{ rank, whole, index int }
	var hits []hit
	for i, p := range c.Procedures {
		code := Fold(p.Code)
		nameWords := words(Fold(p.Name))
		all := append(nameWords[:len(nameWords):len(nameWords)], words(Fold(p.Field))...)
		ok, whole := prefixed(all)
		ok = ok && len(qWords) > 0
		rank := -1
		switch {
		case code == q:
			rank = 0
		case strings.HasPrefix(code, q):
			rank = 1
		case ok && strings.Contains(" "+strings.Join(nameWords, " "), phrase):
			rank = 2
		case ok:
			rank = 3
		}
		if rank >= 0 {
			hits = append(hits, hit{rank, whole, i})
		}
	}
	sort.SliceStable(hits, func(a, b int) bool {
		if hits[a].rank != hits[b].rank {
			return hits[a].rank < hits[b].rank
		}
		return hits[a].whole > hits[b].whole
	})
	out := make([]Procedure, len(hits))
	for k, h := range hits {
		out[k] = c.Procedures[h.index]
	}
	return out
}

// Fold reduces Vietnamese text to the form used for search: diacritics
// removed, lower case, đ/Đ written d, runs of white space collapsed to one
// space and the ends trimmed. Fold("Nguyễn Thị Ánh Tuyết Đào") is
// "nguyen thi anh tuyet dao". Storage full-text search and the UI use it too,
// so both sides of a comparison fold the same way.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r):
			pendingSpace = b.Len() > 0
			continue
		case r == 'đ' || r == 'Đ' || r == 'ð' || r == 'Ð': // ð/Ð: the Icelandic eth often typed for đ/Đ
			r = 'd'
		}
		if pendingSpace {
			b.WriteByte(' ')
			pendingSpace = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return norm.NFC.String(b.String())
}
