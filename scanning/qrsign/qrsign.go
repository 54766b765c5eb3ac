// Package qrsign builds and checks the signed QR payload printed on receipts,
// counter forms and results (Circular 01/2023/TT-VPCP: the QR in the upper-left
// corner of documents issued by the one-stop system). A payload carries the
// Circular's minimum fields and an Ed25519 signature by the issuing station,
// so any station of the commune can tell, offline, whether a paper it is shown
// was issued by one of its own stations and has not been altered.
//
// # Format (version MC1)
//
// The QR text is one line of UTF-8, eleven fields separated by "|":
//
//	MC1|<kid>|<doc>|<code>|<procedure>|<applicant>|<system>|<issued>|<due>|<validity>|<sig>
//
//	MC1        format tag and version; anything else is not ours
//	kid        key ID: base64url (no padding) of the first 6 bytes of
//	           SHA-256(public key), 8 characters
//	doc        name of the document: a short kind code (TN, BS, TC, XL, DG, KS,
//	           ST, KQ, CB; see DocName) or the name itself, e.g. the title of a result
//	code       dossier code (mã hồ sơ), e.g. 000.00.06.H56-231027-0361
//	procedure  procedure code (mã TTHC), e.g. 1.001612
//	applicant  identifier of the person or organisation (CCCD, tax code, …)
//	system     name of the issuing information system
//	issued     time of issue, yyyyMMddHHmm, Vietnam time (UTC+7)
//	due        appointment (receipts), yyyyMMddHHmm, or empty
//	validity   validity period and scope (results), free text, or empty
//	sig        base64url (no padding) Ed25519 signature, 86 characters, over
//	           every byte of the text before the last "|"
//
// In the fields "%" is written "%25" and "|" is written "%7C"; nothing else is
// escaped, and control characters are refused. Text is NFC. Keeping the fields
// ASCII (kind codes, a short system name) keeps the payload small and safe for
// USB scanners that type what they read.
//
// # URL form
//
// When the province has a lookup page, the text may start with its URL so that
// a phone camera opens it: "<url>#MC1|…|<sig>". The URL comes from a pattern
// such as https://dichvucong.example.gov.vn/tra-cuu?mahs={code}; it is part of
// the signed bytes, so a changed URL fails verification like any other field.
// The fragment is never sent to the web server.
//
// A receipt payload with realistic fields is about 190 bytes: QR version 10 or
// less at error-correction level M. The URL form adds the URL's length.
package qrsign

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"motcua"
)

// Tag starts every payload of this format.
const Tag = "MC1"

const (
	sep        = "|"
	nFields    = 11
	timeLayout = "200601021504"
	kidBytes   = 6
)

// Document kind codes for the doc field. DocName expands them.
const (
	DocReceipt    = "TN" // Giấy tiếp nhận hồ sơ và hẹn trả kết quả
	DocSupplement = "BS" // Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
	DocRefusal    = "TC" // Phiếu từ chối tiếp nhận giải quyết hồ sơ
	DocApology    = "XL" // Văn bản xin lỗi và hẹn lại ngày trả kết quả
	DocStop       = "DG" // Thông báo dừng giải quyết hồ sơ
	DocControl    = "KS" // Phiếu kiểm soát quá trình giải quyết hồ sơ
	DocLedger     = "ST" // Sổ theo dõi hồ sơ
	DocResult     = "KQ" // Kết quả giải quyết thủ tục hành chính
	DocPrepared   = "CB" // Phiếu hẹn hồ sơ chuẩn bị trước (field mode's slip; code = pre-dossier ref)
)

var docNames = map[string]string{
	DocReceipt:    "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
	DocSupplement: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
	DocRefusal:    "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
	DocApology:    "Văn bản xin lỗi và hẹn lại ngày trả kết quả",
	DocStop:       "Thông báo dừng giải quyết hồ sơ",
	DocControl:    "Phiếu kiểm soát quá trình giải quyết hồ sơ",
	DocLedger:     "Sổ theo dõi hồ sơ",
	DocResult:     "Kết quả giải quyết thủ tục hành chính",
	DocPrepared:   "Phiếu hẹn hồ sơ chuẩn bị trước",
}

// DocName is the Vietnamese name of a document kind code; any other value is
// already a name and is returned as is.
func DocName(doc string) string {
	if n, ok := docNames[doc]; ok {
		return n
	}
	return doc
}

// Payload is the content of a signed QR: the Circular 01/2023 minimum fields.
type Payload struct {
	Doc       string    `json:"doc"`                // kind code or document name
	Code      string    `json:"code"`               // mã hồ sơ
	Procedure string    `json:"procedure"`          // mã TTHC
	Applicant string    `json:"applicant"`          // CCCD / tax code / passport
	System    string    `json:"system"`             // issuing information system
	Issued    time.Time `json:"issued"`             // minute precision
	Due       time.Time `json:"due,omitzero"`       // appointment, on receipts
	Validity  string    `json:"validity,omitempty"` // validity and scope, on results

	// Set by Verify, ignored by Sign.
	KeyID string `json:"key_id,omitempty"`
	URL   string `json:"url,omitempty"` // lookup URL of the URL form
}

// DocName is the Vietnamese name of the document.
func (p Payload) DocName() string { return DocName(p.Doc) }

// Result is the outcome of Verify.
type Result int

const (
	NotOurs    Result = iota // not this format at all (a CCCD line, a web link, noise)
	Valid                    // signed by a station of the keyring, unchanged
	Tampered                 // our format, but altered, damaged or badly signed
	UnknownKey               // our format, signed by a key the keyring does not hold
)

func (r Result) String() string {
	switch r {
	case Valid:
		return "valid"
	case Tampered:
		return "tampered"
	case UnknownKey:
		return "unknown key"
	}
	return "not ours"
}

// Message is the sentence shown to the officer.
func (r Result) Message() string {
	switch r {
	case Valid:
		return "Mã QR hợp lệ: do máy của cơ quan cấp và chưa bị sửa đổi"
	case Tampered:
		return "Mã QR đã bị sửa đổi hoặc hư hỏng: chữ ký không khớp, không dùng được giấy tờ này"
	case UnknownKey:
		return "Mã QR được ký bằng khóa không thuộc các máy của cơ quan (máy khác, hoặc khóa chưa được nạp)"
	}
	return "Đây không phải mã QR do hệ thống Một Cửa cấp"
}

// GenerateKey creates a station key pair.
func GenerateKey() (ed25519.PublicKey, ed25519.PrivateKey, error) {
	return ed25519.GenerateKey(rand.Reader)
}

// KeyID is the short identifier of a public key printed in every payload.
func KeyID(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	return base64.RawURLEncoding.EncodeToString(h[:kidBytes])
}

// Sign returns the QR text for p signed with the station's private key.
// Errors: KindInvalid for a missing dossier code, document or time of issue,
// control characters in a field, or a malformed key.
func Sign(p Payload, priv ed25519.PrivateKey) (string, error) {
	return sign("", p, priv)
}

// SignURL is Sign in the URL form: the lookup URL built from pattern (its
// "{code}" replaced by the escaped dossier code), "#", then the payload.
// Errors: as Sign, and KindInvalid for a pattern that is not an http(s) URL
// or that contains "#".
func SignURL(p Payload, priv ed25519.PrivateKey, pattern string) (string, error) {
	u, err := LookupURL(pattern, p.Code)
	if err != nil {
		return "", err
	}
	return sign(u+"#", p, priv)
}

// LookupURL fills a lookup URL pattern with a dossier code.
func LookupURL(pattern, code string) (string, error) {
	s := strings.ReplaceAll(strings.TrimSpace(pattern), "{code}", url.QueryEscape(code))
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(s, "#| \t\r\n") {
		return "", motcua.Invalid(motcua.ErrBadValue, "lookup_url",
			"Mẫu địa chỉ tra cứu «%s» không hợp lệ: cần dạng https://…?mahs={code}, không chứa #, | hay dấu cách",
			"lookup URL pattern %q is invalid: it must look like https://…?mahs={code} without #, | or spaces", pattern)
	}
	return s, nil
}

func sign(prefix string, p Payload, priv ed25519.PrivateKey) (string, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return "", motcua.Invalid(motcua.ErrBadValue, "key", "Khóa ký của máy không hợp lệ", "the station signing key is malformed")
	}
	body, err := encode(p)
	if err != nil {
		return "", err
	}
	msg := prefix + Tag + sep + KeyID(priv.Public().(ed25519.PublicKey)) + sep + body
	sig := ed25519.Sign(priv, []byte(msg))
	return msg + sep + base64.RawURLEncoding.EncodeToString(sig), nil
}

func encode(p Payload) (string, error) {
	if strings.TrimSpace(p.Code) == "" {
		return "", motcua.Invalid(motcua.ErrRequired, "code", "Thiếu mã hồ sơ cho mã QR", "the QR payload needs a dossier code")
	}
	if strings.TrimSpace(p.Doc) == "" {
		return "", motcua.Invalid(motcua.ErrRequired, "doc", "Thiếu tên văn bản cho mã QR", "the QR payload needs a document name")
	}
	if p.Issued.IsZero() {
		return "", motcua.Invalid(motcua.ErrRequired, "issued", "Thiếu thời điểm cấp cho mã QR", "the QR payload needs a time of issue")
	}
	named := [...]struct{ name, v string }{
		{"doc", p.Doc}, {"code", p.Code}, {"procedure", p.Procedure}, {"applicant", p.Applicant},
		{"system", p.System}, {"issued", formatTime(p.Issued)}, {"due", formatTime(p.Due)}, {"validity", p.Validity},
	}
	out := make([]string, len(named))
	for i, f := range named {
		v := norm.NFC.String(strings.TrimSpace(f.v))
		if strings.IndexFunc(v, unicode.IsControl) >= 0 {
			return "", motcua.Invalid(motcua.ErrBadValue, f.name, "Trường «%s» của mã QR chứa ký tự điều khiển",
				"QR field %s contains a control character", f.name)
		}
		out[i] = escaper.Replace(v)
	}
	return strings.Join(out, sep), nil
}

var (
	escaper   = strings.NewReplacer("%", "%25", "|", "%7C")
	unescaper = strings.NewReplacer("%25", "%", "%7C", "|", "%7c", "|")
)

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(motcua.Location).Format(timeLayout)
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if len(s) != len(timeLayout) {
		return time.Time{}, errors.New("bad time")
	}
	return time.ParseInLocation(timeLayout, s, motcua.Location)
}

// Verify checks a scanned QR text against the commune's keyring, offline.
// Surrounding white space (the Enter a USB scanner types) is ignored. The
// payload is returned whenever the text is in this format, also when the
// result is not Valid: then it is what the paper claims, not a fact.
func Verify(text string, ring *Keyring) (Payload, Result) {
	text = strings.TrimSpace(text)
	start := 0
	if !strings.HasPrefix(text, Tag+sep) {
		i := strings.Index(text, "#"+Tag+sep)
		if i <= 0 || !(strings.HasPrefix(text, "https://") || strings.HasPrefix(text, "http://")) {
			return Payload{}, NotOurs
		}
		start = i + 1
	}
	last := strings.LastIndex(text, sep)
	parts := strings.Split(text[start:], sep)
	if len(parts) != nFields {
		return Payload{}, Tampered
	}
	p, err := decode(parts)
	if err != nil {
		return p, Tampered
	}
	if start > 0 {
		p.URL = text[:start-1]
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[nFields-1])
	if err != nil || len(sig) != ed25519.SignatureSize {
		return p, Tampered
	}
	pub, ok := ring.Lookup(p.KeyID)
	if !ok {
		return p, UnknownKey
	}
	if !ed25519.Verify(pub, []byte(text[:last]), sig) {
		return p, Tampered
	}
	return p, Valid
}

func decode(parts []string) (Payload, error) {
	f := make([]string, len(parts))
	for i, s := range parts {
		f[i] = unescaper.Replace(s)
	}
	p := Payload{KeyID: parts[1], Doc: f[2], Code: f[3], Procedure: f[4], Applicant: f[5], System: f[6], Validity: f[9]}
	var err1, err2 error
	p.Issued, err1 = parseTime(parts[7])
	p.Due, err2 = parseTime(parts[8])
	if err := errors.Join(err1, err2); err != nil {
		return p, fmt.Errorf("qrsign: %w", err)
	}
	if p.Code == "" || p.Doc == "" || p.Issued.IsZero() {
		return p, errors.New("qrsign: required field empty")
	}
	return p, nil
}
