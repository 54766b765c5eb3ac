package motcua

import (
	"fmt"
	"time"
)

// Status is the TrangThaiHoSo code used by the national portal and the
// provincial one-stop systems (DOMAIN.md §3.3).
type Status int

const (
	StatusNew        Status = 1  // Mới đăng ký
	StatusReceived   Status = 2  // Được tiếp nhận
	StatusRefused    Status = 3  // Không được tiếp nhận
	StatusProcessing Status = 4  // Đang xử lý
	StatusSupplement Status = 5  // Yêu cầu bổ sung giấy tờ
	StatusFinancial  Status = 6  // Yêu cầu thực hiện nghĩa vụ tài chính
	StatusWithdrawn  Status = 7  // Công dân yêu cầu rút hồ sơ
	StatusStopped    Status = 8  // Dừng xử lý
	StatusDone       Status = 9  // Đã xử lý xong (kết quả chờ trả)
	StatusReturned   Status = 10 // Đã trả kết quả
)

var statusNames = map[Status][2]string{
	StatusNew:        {"Mới đăng ký", "New"},
	StatusReceived:   {"Được tiếp nhận", "Received"},
	StatusRefused:    {"Không được tiếp nhận", "Refused"},
	StatusProcessing: {"Đang xử lý", "Processing"},
	StatusSupplement: {"Yêu cầu bổ sung giấy tờ", "Supplement requested"},
	StatusFinancial:  {"Yêu cầu thực hiện nghĩa vụ tài chính", "Payment requested"},
	StatusWithdrawn:  {"Công dân yêu cầu rút hồ sơ", "Withdrawn"},
	StatusStopped:    {"Dừng xử lý", "Stopped"},
	StatusDone:       {"Đã xử lý xong", "Result ready"},
	StatusReturned:   {"Đã trả kết quả", "Returned"},
}

// Statuses lists every status in code order.
func Statuses() []Status {
	return []Status{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
}

// Valid reports whether s is one of the ten codes.
func (s Status) Valid() bool { _, ok := statusNames[s]; return ok }

// Name is the Vietnamese name of the status.
func (s Status) Name() string {
	if n, ok := statusNames[s]; ok {
		return n[0]
	}
	return fmt.Sprintf("Trạng thái %d", int(s))
}

// NameEN is the English name of the status.
func (s Status) NameEN() string {
	if n, ok := statusNames[s]; ok {
		return n[1]
	}
	return fmt.Sprintf("Status %d", int(s))
}

func (s Status) String() string { return fmt.Sprintf("%d (%s)", int(s), s.Name()) }

// Final reports whether no transition leaves s: refused, withdrawn, stopped
// and returned dossiers are closed.
func (s Status) Final() bool {
	return len(transitions[s]) == 0
}

// Active reports whether the dossier is still being handled by the agency:
// it has a due date that can be missed and may be extended.
func (s Status) Active() bool {
	switch s {
	case StatusReceived, StatusProcessing, StatusSupplement, StatusFinancial:
		return true
	}
	return false
}

// transitions are the legal moves of the status machine.
//
//	1 New        → 2 accepted at the counter, 3 refused, 5 incomplete (Mẫu 02)
//	2 Received   → 4 handed to the processing unit, 5 incomplete found within 3
//	               working days (NĐ 61 art. 19 cl. 4), 9 done on the spot,
//	               7 withdrawn, 3 refused after appraisal, 8 stopped
//	4 Processing → 5, 6 financial obligation, 9 done, 3 refused, 7, 8
//	5 Supplement → 2 completed (the time limit restarts), 7, 8
//	6 Financial  → 4 paid, 7, 8
//	9 Done       → 10 returned to the citizen
//
// 3, 7, 8 and 10 are final.
var transitions = map[Status][]Status{
	StatusNew:        {StatusReceived, StatusRefused, StatusSupplement},
	StatusReceived:   {StatusProcessing, StatusSupplement, StatusDone, StatusWithdrawn, StatusRefused, StatusStopped},
	StatusProcessing: {StatusSupplement, StatusFinancial, StatusDone, StatusRefused, StatusWithdrawn, StatusStopped},
	StatusSupplement: {StatusReceived, StatusWithdrawn, StatusStopped},
	StatusFinancial:  {StatusProcessing, StatusWithdrawn, StatusStopped},
	StatusDone:       {StatusReturned},
}

// NextStatuses lists the statuses s may move to.
func (s Status) NextStatuses() []Status {
	return append([]Status(nil), transitions[s]...)
}

// CanMove reports whether from → to is a legal transition.
func CanMove(from, to Status) bool {
	for _, t := range transitions[from] {
		if t == to {
			return true
		}
	}
	return false
}

// NeedsReason reports whether moving to s must carry a reason: refusal,
// supplement request and stop (NĐ 61 art. 17, 19).
func NeedsReason(to Status) bool {
	return to == StatusRefused || to == StatusSupplement || to == StatusStopped
}

// CheckTransition validates a move and returns a coded error explaining why
// it is not allowed.
func CheckTransition(from, to Status, reason string) error {
	if !to.Valid() {
		return Invalid(ErrBadValue, "status", "Mã trạng thái %d không tồn tại (hợp lệ: 1–10)", "status code %d does not exist (valid: 1–10)", int(to))
	}
	if from.Final() {
		return Invalid(ErrFinalState, "status", "Hồ sơ đã ở trạng thái kết thúc «%s», không thể chuyển sang «%s»",
			"the dossier is closed (%s) and cannot move to %s", from.Name(), to.Name())
	}
	if !CanMove(from, to) {
		return Invalid(ErrIllegalTransition, "status", "Không được chuyển hồ sơ từ «%s» sang «%s»",
			"a dossier cannot move from %s to %s", from.Name(), to.Name())
	}
	if NeedsReason(to) && trimmed(reason) == "" {
		return Invalid(ErrReasonRequired, "reason", "Phải ghi rõ lý do khi chuyển hồ sơ sang «%s»",
			"a reason is required to move a dossier to %s", to.Name())
	}
	return nil
}

// HistoryEntry records one change of a dossier: who, when, from, to, why.
type HistoryEntry struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"` // accept, refuse, supplement, advance, extend, return, sync, ...
	From   Status    `json:"from"`
	To     Status    `json:"to"`
	Reason string    `json:"reason,omitempty"`
	Note   string    `json:"note,omitempty"`
}
