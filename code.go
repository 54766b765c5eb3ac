package motcua

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// agencyIDPattern is the QCVN 102:2016/BTTTT shape of an agency identifier
// (mã định danh): V1V2V3.Z1Z2.Y1Y2.MX1X2, e.g. 000.00.06.H56 — three digits,
// two, two, then a letter (H = province, G = ministry, …) and two digits.
var agencyIDPattern = regexp.MustCompile(`^[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}$`)

// ValidateAgencyID checks the shape of an agency identifier.
func ValidateAgencyID(id string) error {
	if strings.TrimSpace(id) == "" {
		return Invalid(ErrBadAgencyID, "agency_id", "Chưa nhập mã định danh cơ quan (dạng 000.00.06.H56)",
			"the agency identifier is missing (shape 000.00.06.H56)")
	}
	if !agencyIDPattern.MatchString(id) {
		return Invalid(ErrBadAgencyID, "agency_id", "Mã định danh cơ quan «%s» sai cấu trúc QCVN 102: cần dạng 000.00.06.H56 (3 số . 2 số . 2 số . chữ cái + 2 số)",
			"agency identifier %q does not have the QCVN 102 shape 000.00.06.H56 (3 digits . 2 digits . 2 digits . letter + 2 digits)", id)
	}
	return nil
}

// SeqDigits is the width of the daily sequence (XXXX under TT 01/2018
// art. 19). TT 03/2025 may change it: UNCONFIRMED, see README.
const SeqDigits = 4

// MaxSeq is the largest sequence number a code can carry.
const MaxSeq = 9999

// Station identifies one counter PC of the agency: number K of N. Stations
// partition the daily sequence so that PCs working offline never issue the
// same code: station K issues K, K+N, K+2N, …
type Station struct {
	K, N int
}

// ParseStation reads "K/N".
func ParseStation(s string) (Station, error) {
	k, n, ok := strings.Cut(strings.TrimSpace(s), "/")
	ki, err1 := strconv.Atoi(k)
	ni, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil {
		return Station{}, Invalid(ErrBadStation, "station", "Số máy «%s» sai dạng: cần K/N, ví dụ 1/2 (máy 1 trong 2 máy)",
			"station %q must be K/N, e.g. 1/2 (station 1 of 2)", s)
	}
	st := Station{K: ki, N: ni}
	return st, st.Validate()
}

// Validate checks 1 ≤ K ≤ N ≤ 99.
func (s Station) Validate() error {
	if s.N < 1 || s.N > 99 || s.K < 1 || s.K > s.N {
		return Invalid(ErrBadStation, "station", "Số máy %d/%d không hợp lệ: cần 1 ≤ K ≤ N ≤ 99",
			"station %d/%d is invalid: need 1 ≤ K ≤ N ≤ 99", s.K, s.N)
	}
	return nil
}

func (s Station) String() string { return fmt.Sprintf("%d/%d", s.K, s.N) }

// Seq returns the i-th (0-based) sequence number of this station's
// partition, or an error when the day's range is exhausted.
func (s Station) Seq(i int) (int, error) {
	n := s.K + i*s.N
	if i < 0 || n > MaxSeq {
		return 0, Errorf(KindConflict, ErrSequenceExhausted, "code",
			"Máy %s đã dùng hết số thứ tự trong ngày (tối đa %d hồ sơ/ngày/máy)",
			"station %s has used every sequence number for the day (at most %d dossiers per day per station)",
			s, s.Capacity())
	}
	return n, nil
}

// Owns reports whether sequence number seq belongs to this station.
func (s Station) Owns(seq int) bool {
	return seq >= 1 && seq <= MaxSeq && (seq-s.K)%s.N == 0 && seq >= s.K
}

// Capacity is the number of codes a station can issue per day.
func (s Station) Capacity() int { return (MaxSeq-s.K)/s.N + 1 }

// DossierCode is {agency identifier}-{yyMMdd}-{NNNN}.
type DossierCode struct {
	Agency string
	Day    time.Time // the receipt date, midnight in Vietnam time
	Seq    int
}

// DayKey formats t's Vietnam-time date as yyMMdd.
func DayKey(t time.Time) string { return t.In(vnZone()).Format("060102") }

func (c DossierCode) String() string {
	return fmt.Sprintf("%s-%s-%0*d", c.Agency, DayKey(c.Day), SeqDigits, c.Seq)
}

// NewDossierCode builds a code for a receipt at t.
func NewDossierCode(agency string, t time.Time, seq int) (DossierCode, error) {
	if err := ValidateAgencyID(agency); err != nil {
		return DossierCode{}, err
	}
	if seq < 1 || seq > MaxSeq {
		return DossierCode{}, Invalid(ErrBadDossierCode, "code", "Số thứ tự %d ngoài khoảng 1–%d", "sequence %d outside 1–%d", seq, MaxSeq)
	}
	y, m, d := t.In(vnZone()).Date()
	return DossierCode{Agency: agency, Day: time.Date(y, m, d, 0, 0, 0, 0, vnZone()), Seq: seq}, nil
}

// ParseDossierCode reads and validates a code such as 000.00.06.H56-231027-0361.
func ParseDossierCode(s string) (DossierCode, error) {
	s = strings.TrimSpace(s)
	bad := func() (DossierCode, error) {
		return DossierCode{}, Invalid(ErrBadDossierCode, "code", "Mã hồ sơ «%s» sai cấu trúc: cần {mã định danh}-{yyMMdd}-{NNNN}, ví dụ 000.00.06.H56-231027-0361",
			"dossier code %q must be {agency}-{yyMMdd}-{NNNN}, e.g. 000.00.06.H56-231027-0361", s)
	}
	parts := strings.Split(s, "-")
	if len(parts) != 3 || len(parts[1]) != 6 || len(parts[2]) != SeqDigits {
		return bad()
	}
	if ValidateAgencyID(parts[0]) != nil {
		return bad()
	}
	day, err := time.ParseInLocation("060102", parts[1], vnZone())
	if err != nil {
		return bad()
	}
	seq, err := strconv.Atoi(parts[2])
	if err != nil || seq < 1 {
		return bad()
	}
	return DossierCode{Agency: parts[0], Day: day, Seq: seq}, nil
}
