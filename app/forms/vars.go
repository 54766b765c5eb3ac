package forms

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"motcua"
)

// Input is what a form is filled with. Only Dossier and QRText are required;
// an empty field prints as a dotted line for the officer to fill by hand.
type Input struct {
	Dossier        *motcua.Dossier
	AgencyName     string            // e.g. "UBND xã Quảng Phú"
	Unit           string            // overrides the profile's receiving unit name
	Place          string            // place of the date line, e.g. "Quảng Phú"
	Officer        string            // full name of the officer issuing the form; default Dossier.Officer
	Reason         string            // 02, 03, 04, 05; default: the reason recorded in the history
	ItemReasons    map[string]string // 02: what is wrong with each missing component, by name
	ProcessingDays float64           // processing time set by law, in working days
	QRText         string            // signed payload for this form (see QRPayload)
	Now            time.Time         // date of the form; zero = now
	Number         string            // document number; empty = dotted
	Book, Entry    string            // ledger book and entry number (Mẫu 01)
	FeeMethod      string            // how fees are paid
	ResultPlace    string            // where the result is handed back; default the unit and agency
	Contact        string            // who to ask: officer, phone, website
	Lookup         string            // where to look the dossier up; default from the profile
	Signer         string            // head of the agency (04, 05)
	SignerTitle    string            // e.g. "CHỦ TỊCH"; default from the profile
	PreviousDue    time.Time         // 04: the appointment before the extension; zero = from history
	HandlingUnit   string            // cơ quan (bộ phận) giải quyết
	CoordUnit      string            // cơ quan phối hợp giải quyết
	Handoffs       []Handoff         // 06: explicit rows; nil = from the dossier history
}

// Handoff is one row of the process control sheet: the dossier passed from
// one unit to another.
type Handoff struct {
	From, To string
	At       time.Time
	Result   string // Trước hạn / Đúng hạn / Quá hạn; empty = computed against the appointment
	Note     string
}

// Variables usable in templates, with what they hold. The README of
// assets/forms lists the same table; a test keeps the two in step.
var variables = []struct{ Name, Doc string }{
	{"agency", "tên cơ quan, ví dụ UBND xã Quảng Phú"},
	{"unit", "tên bộ phận tiếp nhận, ví dụ Bộ phận Một cửa"},
	{"place", "địa danh ghi ở dòng ngày tháng"},
	{"date", "ngày lập phiếu: ngày 05 tháng 01 năm 2026"},
	{"number", "số văn bản"},
	{"code", "mã hồ sơ"},
	{"procedure", "tên thủ tục hành chính"},
	{"procedure_code", "mã thủ tục hành chính"},
	{"field", "lĩnh vực"},
	{"summary", "trích yếu nội dung hồ sơ"},
	{"channel", "kênh nộp: Trực tiếp, Trực tuyến, Qua bưu chính công ích"},
	{"status", "trạng thái hồ sơ"},
	{"applicant", "họ tên người nộp / chủ hồ sơ"},
	{"applicant_id", "số định danh cá nhân, CCCD, hộ chiếu hoặc mã số thuế"},
	{"applicant_dob", "ngày sinh dd/mm/yyyy"},
	{"applicant_gender", "giới tính"},
	{"applicant_address", "địa chỉ"},
	{"applicant_phone", "số điện thoại"},
	{"applicant_email", "email"},
	{"sets", "số bộ hồ sơ: 01"},
	{"processing_time", "thời gian giải quyết theo quy định: 5 ngày làm việc"},
	{"received", "thời điểm nhận: 08 giờ 30 phút, ngày 27/10/2023"},
	{"received_date", "ngày nhận: ngày 27 tháng 10 năm 2023"},
	{"received_short", "ngày nhận: 27/10/2023"},
	{"due", "hẹn trả: 16 giờ 30 phút, ngày 03/11/2023"},
	{"due_date", "ngày hẹn trả: ngày 03 tháng 11 năm 2023"},
	{"due_short", "ngày hẹn trả: 03/11/2023"},
	{"previous_due", "hẹn trả trước khi gia hạn (Mẫu 04)"},
	{"returned", "thời điểm trả kết quả"},
	{"returned_short", "ngày trả kết quả: 10/11/2023"},
	{"transferred_short", "ngày chuyển hồ sơ đến cơ quan giải quyết (lần đầu sang Đang xử lý)"},
	{"result_received_short", "ngày nhận kết quả từ cơ quan giải quyết (lần đầu sang Đã xử lý xong)"},
	{"fee", "phí, lệ phí: 50.000 đồng"},
	{"store_consent", "đồng ý (hay không) lưu giấy tờ vào kho dữ liệu điện tử của công dân, và số giấy tờ dùng lại từ kho"},
	{"fee_method", "hình thức thu phí, lệ phí"},
	{"result_place", "nơi nhận kết quả"},
	{"officer", "họ tên công chức lập phiếu"},
	{"reason", "lý do (bổ sung, từ chối, gia hạn, dừng)"},
	{"contact", "đầu mối hướng dẫn: người, điện thoại, trang web"},
	{"lookup", "nơi tra cứu hồ sơ"},
	{"signer", "họ tên thủ trưởng cơ quan ký"},
	{"signer_title", "chức danh người ký, ví dụ CHỦ TỊCH"},
	{"book", "quyển sổ theo dõi"},
	{"entry", "số thứ tự trong sổ theo dõi"},
	{"handling_unit", "cơ quan (bộ phận) giải quyết hồ sơ"},
	{"coord_unit", "cơ quan phối hợp giải quyết"},
	{"item.no", "bảng thành phần: số thứ tự"},
	{"item.name", "bảng thành phần: tên giấy tờ"},
	{"item.original", "bảng thành phần: số bản chính"},
	{"item.certified", "bảng thành phần: số bản chứng thực"},
	{"item.copy", "bảng thành phần: số bản photo"},
	{"item.reason", "bảng thành phần: nội dung cần bổ sung của giấy tờ thiếu"},
	{"row.no", "bảng giao nhận, sổ theo dõi: số thứ tự"},
	{"row.from", "bảng giao nhận: bên giao"},
	{"row.to", "bảng giao nhận: bên nhận"},
	{"row.time", "bảng giao nhận: 08 giờ 30 phút, ngày 27/10/2023"},
	{"row.result", "bảng giao nhận: Trước hạn / Đúng hạn / Quá hạn"},
	{"row.note", "bảng giao nhận: ghi chú"},
}

var formVars, itemVars, handoffVars, ledgerVars = varSets()

func varSets() (form, item, handoff, ledger map[string]bool) {
	form, item, handoff, ledger = map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, v := range variables {
		switch {
		case strings.HasPrefix(v.Name, "item."):
			item[v.Name] = true
		case strings.HasPrefix(v.Name, "row."):
			handoff[v.Name] = true
		default:
			form[v.Name], item[v.Name], handoff[v.Name], ledger[v.Name] = true, true, true, true
		}
	}
	ledger["row.no"] = true
	return form, item, handoff, ledger
}

// dots is what an empty value prints as in running text.
const dots = "……………"

// values computes the variables of a form for a dossier.
func values(p *Profile, kind Kind, in Input, now time.Time) map[string]string {
	d := in.Dossier
	unit := firstNonEmpty(in.Unit, p.Unit)
	v := map[string]string{}
	for k, s := range p.Defaults {
		v[k] = s
	}
	set := func(k, s string) {
		if s = motcua.Clean(s); s != "" {
			v[k] = s
		}
	}
	set("agency", in.AgencyName)
	set("unit", unit)
	set("place", in.Place)
	set("date", longDate(now))
	set("number", in.Number)
	set("code", d.Code)
	set("procedure", d.Procedure.Name)
	set("procedure_code", d.Procedure.Code)
	set("field", d.Procedure.Field)
	set("summary", firstNonEmpty(d.Summary, d.Procedure.Name))
	if d.Channel.Valid() {
		set("channel", d.Channel.Name())
	}
	set("status", d.Status.Name())
	a := d.Applicant
	set("applicant", a.Name)
	set("applicant_id", a.IDNumber)
	if t, err := time.Parse(time.DateOnly, a.DOB); err == nil {
		set("applicant_dob", t.Format("02/01/2006"))
	}
	set("applicant_gender", a.Gender)
	set("applicant_address", a.Address)
	set("applicant_phone", a.Phone)
	set("applicant_email", a.Email)
	set("sets", "01")
	set("processing_time", workingDays(in.ProcessingDays))
	set("received", clock(d.ReceivedAt))
	set("received_date", longDate(d.ReceivedAt))
	set("received_short", shortDate(d.ReceivedAt))
	set("due", clock(d.DueAt))
	set("due_date", longDate(d.DueAt))
	set("due_short", shortDate(d.DueAt))
	set("previous_due", clock(previousDue(in)))
	set("returned", clock(d.ReturnedAt))
	set("returned_short", shortDate(d.ReturnedAt))
	set("transferred_short", shortDate(firstMove(d, motcua.StatusProcessing)))
	set("result_received_short", shortDate(firstMove(d, motcua.StatusDone)))
	set("fee", money(d.Fee))
	set("store_consent", storeConsent(d))
	set("fee_method", in.FeeMethod)
	set("result_place", in.ResultPlace)
	if v["result_place"] == "" && in.AgencyName != "" {
		set("result_place", unit+" – "+in.AgencyName)
	}
	set("officer", firstNonEmpty(in.Officer, officerName(d.Officer)))
	set("reason", firstNonEmpty(in.Reason, historyReason(d, kind)))
	set("contact", in.Contact)
	set("lookup", in.Lookup)
	set("signer", in.Signer)
	set("signer_title", in.SignerTitle)
	set("book", in.Book)
	set("entry", in.Entry)
	set("handling_unit", firstNonEmpty(handlingUnit(d), in.HandlingUnit))
	set("coord_unit", in.CoordUnit)
	return v
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if strings.TrimSpace(x) != "" {
			return x
		}
	}
	return ""
}

// officerName drops the placeholder actor the services use when no officer
// is logged in.
func officerName(s string) string {
	if s == "system" {
		return ""
	}
	return s
}

// longDate is the administrative date of Decree 30/2020 (Phụ lục I): days
// below 10 and the months January and February take a leading zero.
func longDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(motcua.Location)
	month := strconv.Itoa(int(t.Month()))
	if t.Month() <= 2 {
		month = "0" + month
	}
	return fmt.Sprintf("ngày %02d tháng %s năm %d", t.Day(), month, t.Year())
}

// clock is "hh giờ mm phút, ngày dd/mm/yyyy".
func clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(motcua.Location)
	return fmt.Sprintf("%02d giờ %02d phút, ngày %s", t.Hour(), t.Minute(), t.Format("02/01/2006"))
}

func shortDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(motcua.Location).Format("02/01/2006")
}

func workingDays(days float64) string {
	if days <= 0 {
		return ""
	}
	s := strconv.FormatFloat(days, 'f', -1, 64)
	return strings.Replace(s, ".", ",", 1) + " ngày làm việc"
}

// money formats VND with dots between thousands: 1.250.000 đồng.
func money(vnd int64) string {
	if vnd <= 0 {
		return "Không thu"
	}
	s := strconv.FormatInt(vnd, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	return b.String() + " đồng"
}

// firstMove is when the dossier first entered status to, or zero.
func firstMove(d *motcua.Dossier, to motcua.Status) time.Time {
	for _, h := range d.History {
		if h.To == to && h.From != to {
			return h.At
		}
	}
	return time.Time{}
}

// handlingUnit is whom the dossier was handed to for processing: the note
// the officer wrote on its last hand-off to Đang xử lý ("Chuyển cho bộ phận /
// cán bộ nào"), or "" when none was written. A payment of the financial
// obligation (Chờ nghĩa vụ tài chính → Đang xử lý) hands nothing over.
func handlingUnit(d *motcua.Dossier) string {
	for i := len(d.History) - 1; i >= 0; i-- {
		h := d.History[i]
		if h.To == motcua.StatusProcessing && h.From != motcua.StatusProcessing && h.From != motcua.StatusFinancial {
			return motcua.Clean(h.Reason)
		}
	}
	return ""
}

// historyReason is the reason recorded with the move the form reports.
func historyReason(d *motcua.Dossier, kind Kind) string {
	match := map[Kind]func(motcua.HistoryEntry) bool{
		KindSupplement: func(h motcua.HistoryEntry) bool { return h.To == motcua.StatusSupplement },
		KindRefusal:    func(h motcua.HistoryEntry) bool { return h.To == motcua.StatusRefused },
		KindStop:       func(h motcua.HistoryEntry) bool { return h.To == motcua.StatusStopped },
		KindApology:    func(h motcua.HistoryEntry) bool { return h.Action == "extend" },
	}[kind]
	if match == nil {
		return ""
	}
	for i := len(d.History) - 1; i >= 0; i-- {
		if match(d.History[i]) {
			return d.History[i].Reason
		}
	}
	return ""
}

// previousDue is the appointment before the extension: given, or read from
// the note motcua.Dossier.Extend records ("Hẹn lại: <old> → <new>").
func previousDue(in Input) time.Time {
	if !in.PreviousDue.IsZero() {
		return in.PreviousDue
	}
	for i := len(in.Dossier.History) - 1; i >= 0; i-- {
		h := in.Dossier.History[i]
		if h.Action != "extend" {
			continue
		}
		old, _, ok := strings.Cut(strings.TrimPrefix(h.Note, "Hẹn lại: "), " → ")
		if t, err := motcua.ParseTime("previous_due", old); ok && err == nil {
			return t
		}
		return time.Time{}
	}
	return time.Time{}
}

// handoffs are the rows of the control sheet: given, or one per change of
// the unit holding the dossier in its history. The result is measured
// against the dossier's appointment (per-step deadlines are not recorded):
// after it Quá hạn, on its day Đúng hạn, before Trước hạn.
func handoffs(in Input, unit string) []Handoff {
	d := in.Dossier
	rows := in.Handoffs
	if rows == nil {
		handling := firstNonEmpty(in.HandlingUnit, "Bộ phận chuyên môn")
		holder := func(s motcua.Status) string {
			switch s {
			case motcua.StatusNew, motcua.StatusRefused, motcua.StatusWithdrawn, motcua.StatusStopped, motcua.StatusReturned:
				return "Người nộp hồ sơ"
			case motcua.StatusProcessing:
				return handling
			}
			return unit
		}
		for _, h := range d.History {
			from, to := holder(h.From), holder(h.To)
			if from == to {
				continue
			}
			note := h.To.Name()
			if h.Reason != "" {
				note += ": " + h.Reason
			}
			if a := officerName(h.Actor); a != "" {
				note += " (" + a + ")"
			}
			rows = append(rows, Handoff{From: from, To: to, At: h.At, Note: note})
		}
	}
	out := make([]Handoff, len(rows))
	for i, r := range rows {
		if r.Result == "" && !r.At.IsZero() && !d.DueAt.IsZero() {
			r.Result = timeliness(r.At, d.DueAt)
		}
		out[i] = r
	}
	return out
}

func timeliness(at, due time.Time) string {
	switch {
	case at.After(due):
		return "Quá hạn"
	case shortDate(at) == shortDate(due):
		return "Đúng hạn"
	}
	return "Trước hạn"
}

// storeConsent is the receipt's line on the citizen's document store:
// the consent the officer read out, and what was reused from the store.
func storeConsent(d *motcua.Dossier) string {
	s := "người nộp không đồng ý lưu giấy tờ vào kho dữ liệu điện tử"
	if d.StoreConsent {
		s = "người nộp đồng ý lưu giấy tờ của hồ sơ vào kho dữ liệu điện tử của công dân (có thể rút lại)"
	}
	n := 0
	for _, c := range d.Components {
		if c.FromStore != 0 {
			n++
		}
	}
	if n > 0 {
		s += fmt.Sprintf("; %d giấy tờ dùng lại từ kho, không phải nộp lại", n)
	}
	return s
}

// itemName is a component's name on a form, marked when it was reused
// from the citizen's store instead of scanned again.
func itemName(c motcua.Component) string {
	if c.FromStore != 0 {
		return c.Name + " (dùng lại từ kho dữ liệu)"
	}
	return c.Name
}

// missingItems lists the components to supplement, each once.
func missingItems(d *motcua.Dossier) []motcua.Component {
	seen := map[string]bool{}
	var out []motcua.Component
	for _, c := range d.Components {
		key := strings.ToLower(motcua.Clean(c.Name))
		if !c.Missing || key == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, c)
	}
	return out
}

func components(d *motcua.Dossier, sel string) []motcua.Component {
	switch sel {
	case "missing":
		return missingItems(d)
	case "received":
		var out []motcua.Component
		for _, c := range d.Components {
			if !c.Missing {
				out = append(out, c)
			}
		}
		return out
	}
	return d.Components
}

func count(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf("%02d", n)
}

// Variables lists the names usable as {name} in templates.
func Variables() []string {
	names := make([]string, len(variables))
	for i, v := range variables {
		names[i] = v.Name
	}
	return names
}
