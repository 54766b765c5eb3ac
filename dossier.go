package motcua

import (
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Channel is the KenhThucHien code: how the dossier was submitted.
type Channel int

const (
	ChannelDirect Channel = 1 // Trực tiếp
	ChannelOnline Channel = 2 // Trực tuyến
	ChannelPostal Channel = 3 // Qua bưu chính công ích
)

// Valid reports whether c is one of the three codes.
func (c Channel) Valid() bool { return c >= ChannelDirect && c <= ChannelPostal }

// Name is the Vietnamese name of the channel.
func (c Channel) Name() string {
	switch c {
	case ChannelDirect:
		return "Trực tiếp"
	case ChannelOnline:
		return "Trực tuyến"
	case ChannelPostal:
		return "Qua bưu chính công ích"
	}
	return "Không rõ"
}

// SubjectType is the LoaiDoiTuong code of the applicant.
type SubjectType int

const (
	SubjectCitizen      SubjectType = 1 // công dân
	SubjectBusiness     SubjectType = 2 // doanh nghiệp
	SubjectAgency       SubjectType = 3 // cơ quan nhà nước
	SubjectOrganisation SubjectType = 4 // tổ chức khác
)

// Applicant is the person (or organisation) who submits the dossier.
type Applicant struct {
	Name        string      `json:"name"`
	IDNumber    string      `json:"id_number"`
	DOB         string      `json:"dob,omitempty"`    // YYYY-MM-DD
	Gender      string      `json:"gender,omitempty"` // "Nam" | "Nữ"
	Address     string      `json:"address,omitempty"`
	Phone       string      `json:"phone,omitempty"`
	Email       string      `json:"email,omitempty"`
	SubjectType SubjectType `json:"subject_type"`
}

// Component is one document of the dossier with the counts received.
type Component struct {
	Name      string `json:"name"`
	Original  int    `json:"original"`          // bản chính
	Certified int    `json:"certified"`         // bản chứng thực
	Copy      int    `json:"copy"`              // bản photo
	Missing   bool   `json:"missing,omitempty"` // listed on a supplement request
	// FromStore is the citizen's store document (its id) reused for this
	// component at intake instead of a new scan; 0 when none.
	FromStore int64 `json:"from_store,omitempty"`
}

// ProcedureRef is the part of a procedure a dossier keeps (a snapshot: the
// catalogue may change later).
type ProcedureRef struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Field string `json:"field"`
}

// Dossier is one administrative dossier (hồ sơ) received at the counter.
type Dossier struct {
	Code       string       `json:"code"`
	Procedure  ProcedureRef `json:"procedure"`
	Channel    Channel      `json:"channel"`
	Applicant  Applicant    `json:"applicant"`
	Summary    string       `json:"summary,omitempty"`
	Components []Component  `json:"components"`
	Fee        int64        `json:"fee"` // VND
	ReceivedAt time.Time    `json:"received_at"`
	DueAt      time.Time    `json:"due_at"`
	Status     Status       `json:"status_code"`
	Officer    string       `json:"officer"`
	Station    int          `json:"station"`
	Extended   bool         `json:"extended"` // the one allowed extension has been used
	ReturnedAt time.Time    `json:"returned_at,omitzero"`
	// StoreConsent: the applicant agreed, at intake, that the documents of
	// this dossier are kept in their store (Kho quản lý dữ liệu điện tử của
	// tổ chức, cá nhân; NĐ 45/2020) for reuse.
	StoreConsent bool           `json:"store_consent,omitempty"`
	History      []HistoryEntry `json:"history"`
}

// Move applies a status transition, checking it is legal, and appends the
// history entry. On error the dossier is unchanged.
func (d *Dossier) Move(to Status, action, actor, reason string, at time.Time) error {
	reason = Clean(reason)
	if err := CheckTransition(d.Status, to, reason); err != nil {
		return err
	}
	d.History = append(d.History, HistoryEntry{At: at, Actor: actor, Action: action, From: d.Status, To: to, Reason: reason})
	d.Status = to
	if to == StatusReturned {
		d.ReturnedAt = at
	}
	return nil
}

// Extend moves the appointment to newDue with an apology (Mẫu 04). The law
// allows it once per dossier, with a reason, while the dossier is active.
func (d *Dossier) Extend(newDue time.Time, actor, reason string, at time.Time) error {
	reason = Clean(reason)
	switch {
	case !d.Status.Active():
		return Invalid(ErrIllegalTransition, "status", "Chỉ gia hạn được hồ sơ đang giải quyết; hồ sơ đang ở trạng thái «%s»",
			"only a dossier in progress can be extended; this one is %s", d.Status.Name())
	case d.Extended:
		return Invalid(ErrExtensionUsed, "due", "Hồ sơ %s đã được gia hạn một lần; pháp luật chỉ cho phép hẹn lại một lần",
			"dossier %s has already been extended once; the law allows only one extension", d.Code)
	case reason == "":
		return Invalid(ErrReasonRequired, "reason", "Phải ghi rõ lý do xin lỗi và gia hạn", "a reason is required for an extension")
	case !newDue.After(d.DueAt):
		return Invalid(ErrBadDueDate, "due", "Ngày hẹn mới (%s) phải sau ngày hẹn hiện tại (%s)",
			"the new due date (%s) must be after the current one (%s)", FormatTime(newDue), FormatTime(d.DueAt))
	}
	d.History = append(d.History, HistoryEntry{At: at, Actor: actor, Action: "extend", From: d.Status, To: d.Status,
		Reason: reason, Note: "Hẹn lại: " + FormatTime(d.DueAt) + " → " + FormatTime(newDue)})
	d.DueAt = newDue
	d.Extended = true
	return nil
}

// Late reports whether an active dossier has passed its due time.
func (d *Dossier) Late(now time.Time) bool {
	return d.Status.Active() && now.After(d.DueAt)
}

// Clean normalises user text: NFC, trimmed, inner runs of white space folded.
func Clean(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

func trimmed(s string) string { return strings.TrimSpace(s) }

// FormatTime renders t as RFC 3339 in Vietnam time (+07:00).
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(vnZone()).Format(time.RFC3339)
}

// ParseTime reads an RFC 3339 time; the result is in Vietnam time.
func ParseTime(field, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, Invalid(ErrBadValue, field, "«%s» không phải thời điểm hợp lệ theo RFC 3339 (ví dụ 2026-11-24T08:30:00+07:00)",
			"%q is not an RFC 3339 time (e.g. 2026-11-24T08:30:00+07:00)", s)
	}
	return t.In(vnZone()), nil
}
