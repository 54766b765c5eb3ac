package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"motcua"
)

// Line is one figure of the summary table, shared by the window, the PDF
// and the XLSX (where Sum names the lines whose total it is, so the
// spreadsheet holds a formula rather than a pasted number).
type Line struct {
	Key    string   `json:"key"`
	Label  string   `json:"label"`
	Value  int      `json:"value"`
	Indent int      `json:"indent,omitempty"`
	Sum    []string `json:"sum,omitempty"`
}

// Lines is the summary table of the report, in the order of the usual
// periodic report (số nhận, đã giải quyết, đang giải quyết).
func (r *Report) Lines() []Line {
	ls := []Line{
		{Key: "to_handle", Label: "Tổng số hồ sơ phải giải quyết", Value: r.ToHandle, Sum: []string{"received", "carried"}},
		{Key: "received", Label: "Tiếp nhận mới trong kỳ", Value: r.Received, Indent: 1},
	}
	var chKeys []string
	for _, c := range r.ByChannel {
		k := "channel_" + c.Key
		chKeys = append(chKeys, k)
		ls = append(ls, Line{Key: k, Label: "Tiếp nhận " + strings.ToLower(c.Label), Value: c.N, Indent: 2})
	}
	ls[1].Sum = chKeys // received = the sum of its channels
	ls = append(ls,
		Line{Key: "carried", Label: "Từ kỳ trước chuyển sang", Value: r.CarriedOver, Indent: 1},
		Line{Key: "resolved", Label: "Đã giải quyết trong kỳ", Value: r.Resolved.Total(), Sum: []string{"early", "on_time", "late"}},
		Line{Key: "early", Label: "Trước hạn", Value: r.Resolved.Early, Indent: 1},
		Line{Key: "on_time", Label: "Đúng hạn", Value: r.Resolved.OnTime, Indent: 1},
		Line{Key: "late", Label: "Quá hạn", Value: r.Resolved.Late, Indent: 1},
		Line{Key: "late_supplement", Label: "trong đó quá hạn vì yêu cầu bổ sung quá một lần", Value: r.LateBySupplement, Indent: 2},
		Line{Key: "pending", Label: "Đang giải quyết cuối kỳ", Value: r.Pending(), Sum: []string{"pending_in_time", "pending_late"}},
		Line{Key: "pending_in_time", Label: "Còn trong hạn (kể cả chờ bổ sung)", Value: r.PendingInTime, Indent: 1},
		Line{Key: "pending_late", Label: "Đã quá hạn", Value: r.PendingLate, Indent: 1},
		Line{Key: "supplement_dossiers", Label: "Hồ sơ có yêu cầu bổ sung", Value: r.SupplementDossiers},
		Line{Key: "supplement_requests", Label: "Số lần yêu cầu bổ sung", Value: r.SupplementRequests, Indent: 1},
		Line{Key: "supplement_multi", Label: "Hồ sơ yêu cầu bổ sung quá một lần (tính quá hạn)", Value: r.SupplementMulti, Indent: 1},
		Line{Key: "refused", Label: "Từ chối tiếp nhận / giải quyết", Value: r.Refused},
		Line{Key: "withdrawn", Label: "Công dân rút hồ sơ", Value: r.Withdrawn},
		Line{Key: "stopped", Label: "Dừng xử lý", Value: r.Stopped},
		Line{Key: "returned", Label: "Đã trả kết quả trong kỳ", Value: r.Returned},
		Line{Key: "extended", Label: "Hồ sơ gia hạn (xin lỗi, hẹn lại)", Value: r.Extended},
	)
	return ls
}

// StationsText names the stations a report or board covers.
func StationsText(st []int) string {
	if len(st) == 0 {
		return "không có hồ sơ"
	}
	parts := make([]string, len(st))
	for i, s := range st {
		parts[i] = "máy " + strconv.Itoa(s)
	}
	return strings.Join(parts, ", ")
}

// DateTime is t as dd/mm/yyyy hh:mm in Vietnam time.
func DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(motcua.Location).Format("02/01/2006 15:04")
}

// Percent is v with one decimal and the Vietnamese decimal comma.
func Percent(v float64) string {
	return strings.Replace(fmt.Sprintf("%.1f", v), ".", ",", 1) + "%"
}

// IndicatorValue is the indicator's value in words: the share, or why
// there is none.
func IndicatorValue(i Indicator) string {
	switch {
	case i.Available == None:
		return "Không có dữ liệu"
	case i.Denominator == 0:
		return "Không có hồ sơ"
	}
	return fmt.Sprintf("%s (%d/%d)", Percent(i.Percent), i.Numerator, i.Denominator)
}

// Availability is the indicator's data level in Vietnamese.
func Availability(a string) string {
	switch a {
	case Full:
		return "Đủ dữ liệu"
	case Partial:
		return "Một phần"
	}
	return "Không có dữ liệu"
}

// Lateness is how late a board item is, in words.
func Lateness(it BoardItem) string {
	if it.LateWorkingDays > 0 {
		return fmt.Sprintf("trễ %d ngày làm việc", it.LateWorkingDays)
	}
	h := int(it.LateBy.Hours())
	if h > 0 {
		return fmt.Sprintf("trễ %d giờ", h)
	}
	return fmt.Sprintf("trễ %d phút", int(it.LateBy.Minutes()))
}

// BoardGroup is one section of the deadline board, as shown and exported.
type BoardGroup struct {
	ID    string
	Title string
	Items []BoardItem
}

// Note is what the group says of one of its dossiers.
func (g BoardGroup) Note(it BoardItem) string {
	switch g.ID {
	case "late":
		return Lateness(it)
	case "supplement":
		return "chờ bổ sung từ " + DateTime(it.Since)
	case "extended":
		return "đã gia hạn; " + it.Status.Name()
	}
	return it.Status.Name()
}

// BoardGroups lists the board's sections in order: late first.
func BoardGroups(b *Board) []BoardGroup {
	return []BoardGroup{
		{"late", "Quá hạn", b.Late},
		{"due_today", "Đến hạn hôm nay", b.DueToday},
		{"due_soon", fmt.Sprintf("Đến hạn trong %d ngày làm việc tới", SoonDays), b.DueSoon},
		{"supplement", "Chờ công dân bổ sung", b.Supplement},
		{"extended", "Đã gia hạn", b.Extended},
	}
}

// WriteBoardText writes the board as plain text, one line per dossier
// (the daily summary for a terminal or a plain-text mail).
func WriteBoardText(w io.Writer, b *Board) error {
	var sb strings.Builder
	fmt.Fprintf(&sb, "BẢNG THEO DÕI HẠN GIẢI QUYẾT – tính đến %s – hồ sơ của %s – %d hồ sơ đang giải quyết\n",
		DateTime(b.AsOf), StationsText(b.Stations), b.Active)
	for _, g := range BoardGroups(b) {
		fmt.Fprintf(&sb, "\n%s: %d\n", g.Title, len(g.Items))
		for _, it := range g.Items {
			fmt.Fprintf(&sb, "  %s  hẹn %s  %s  %s  (%s)\n", it.Code, DateTime(it.DueAt), g.Note(it), it.Procedure, it.Officer)
		}
	}
	_, err := io.WriteString(w, sb.String())
	return err
}
