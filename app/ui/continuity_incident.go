package ui

import (
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua/app/continuity"
)

// ContIncidents is the incident register: declare an incident, follow the
// one selected — its runbook as tick boxes, the contacts to call, actions
// and people notified, the timeline — close it with a summary and read the
// reconciliation of the dossiers received meanwhile, then save the reports.
type ContIncidents struct {
	c *Continuity

	// Declaring an incident.
	Scenario *widget.Select
	Severity *widget.Select
	Note     *Entry
	Open     *Button
	OpenMsg  fieldErr

	// The register, newest first; open incidents are marked and red.
	List      *widget.List
	incidents []*continuity.Incident
	// Selected is the incident on the right.
	Selected *continuity.Incident

	// The selected incident.
	Title    *widget.Label
	Info     *widget.Label
	Steps    *StepList
	Contacts *widget.Label
	Action   *Entry
	LogIt    *Button
	Contact  *widget.Select
	Channel  *Entry
	Notify   *Button
	Timeline *widget.Label
	Summary  *Entry
	Close    *Button
	// Recon is the reconciliation: kept at closing, or live while open.
	Recon      *widget.Label
	ReportPDF  *Button
	ReportJSON *Button
	ReconPDF   *Button
	// Msg is the error of the last action on the selected incident (a
	// second close shows ERR_INCIDENT_CLOSED here); Done its outcome.
	Msg      fieldErr
	ErrField map[string]fieldErr
	Done     *widget.Label

	contacts []continuity.Contact
	// The detail's sections: an open incident puts the work first, a
	// closed one its reconciliation and reports.
	head, work, recon, log *fyne.Container
	detail                 *fyne.Container
	empty                  *widget.Label
	content                fyne.CanvasObject
}

func newContIncidents(c *Continuity) *ContIncidents {
	s := &ContIncidents{c: c, ErrField: map[string]fieldErr{}}
	k, u := c.keys, c.user()
	for _, f := range []string{"text", "contact", "summary"} {
		s.ErrField[f] = newFieldErr()
	}
	s.Scenario = widget.NewSelect(scenarioLabels(), nil)
	s.Scenario.SetSelectedIndex(0)
	s.Severity = widget.NewSelect([]string{tr("Mức độ theo kịch bản"), tr("1 · Thấp"), tr("2 · Trung bình"), tr("3 · Cao"), tr("4 · Nghiêm trọng")}, nil)
	s.Severity.SetSelectedIndex(0)
	s.Note = newVNEntry(k, c.typing)
	s.Note.SetPlaceHolder(tr("Đã xảy ra gì, từ lúc nào (không bắt buộc)"))
	s.Note.OnSubmitted = func(string) { s.open() }
	s.Open = newButton(k, tr("Khai báo sự cố"), s.open)
	s.Open.Importance = widget.DangerImportance
	s.OpenMsg = newFieldErr()

	s.List = widget.NewList(func() int { return len(s.incidents) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		inc := s.incidents[i]
		l := o.(*widget.Label)
		l.TextStyle.Bold = inc.Open()
		l.Importance = widget.MediumImportance
		if inc.Open() {
			l.Importance = widget.DangerImportance
		}
		l.SetText(incidentLine(inc))
	})
	s.List.OnSelected = func(i widget.ListItemID) {
		c.main.touch()
		if i < len(s.incidents) {
			s.show(s.incidents[i])
		}
	}

	s.Title = heading("")
	s.Title.Wrapping = fyne.TextWrapWord
	s.Info = wrapLabel("")
	s.Steps = newStepList(c, s.show)
	s.Contacts = wrapLabel("")
	s.Action = newVNEntry(k, c.typing)
	s.Action.SetPlaceHolder(tr("Việc đã làm hoặc điều quan sát được"))
	s.Action.OnSubmitted = func(string) { s.logAction() }
	s.LogIt = newButton(k, tr("Ghi vào nhật ký"), s.logAction)
	s.Contact = widget.NewSelect(nil, nil)
	s.Contact.PlaceHolder = tr("Chọn người, đơn vị đã báo")
	s.Channel = newVNEntry(k, c.typing)
	s.Channel.SetText(tr("điện thoại"))
	s.Notify = newButton(k, tr("Ghi đã báo"), s.notify)
	s.Timeline = wrapLabel("")
	s.Summary = newVNEntry(k, c.typing)
	s.Summary.SetPlaceHolder(tr("Nguyên nhân, đã xử lý thế nào, ảnh hưởng"))
	s.Close = newButton(k, tr("Đóng sự cố"), s.close)
	s.Close.Importance = widget.HighImportance
	if !canLead(u) {
		s.Close.SetText(tr("Đóng sự cố (lãnh đạo)"))
		disableWhy(leaderWhy(), s.Close)
	}
	s.Recon = wrapLabel("")
	s.ReportPDF = newButton(k, tr("Báo cáo sự cố PDF"), func() { s.report("pdf") })
	s.ReportJSON = newButton(k, tr("Báo cáo JSON"), func() { s.report("json") })
	s.ReconPDF = newButton(k, tr("Đối chiếu hồ sơ PDF"), s.reconPDF)
	s.Msg = newFieldErr()
	s.Done = doneLabel()
	s.empty = note(tr("Chọn một sự cố trong danh sách bên trái, hoặc khai báo sự cố mới."))

	declare := container.NewVBox(heading(tr("Khai báo sự cố mới")),
		container.New(&columns{weights: []float32{0.62, 0.38}}, s.Scenario, s.Severity),
		container.NewBorder(nil, nil, nil, s.Open, s.Note), s.OpenMsg,
		widget.NewSeparator(), bold(tr("Sổ theo dõi sự cố (mới nhất trước; đỏ: đang mở)")))
	left := container.NewBorder(declare, nil, nil, nil, s.List)

	closeBox := container.NewVBox(bold(tr("Đóng sự cố")), leaderOnly(u, tr("Chỉ lãnh đạo hoặc quản trị được đóng sự cố: báo cáo đối chiếu gửi cấp trên mang tên người đóng.")),
		container.NewBorder(nil, nil, nil, s.Close, s.Summary), s.ErrField["summary"])
	s.head = container.NewVBox(s.Title, s.Info, s.Msg, s.Done)
	s.work = container.NewVBox(
		widget.NewSeparator(), bold(tr("Kịch bản ứng phó: đánh dấu bước đã làm (ghi giờ và người làm)")), s.Steps.content(),
		widget.NewSeparator(), bold(tr("Liên hệ theo kịch bản")), s.Contacts,
		container.NewBorder(nil, nil, nil, container.NewHBox(container.New(&fixedWidth{w: 140}, s.Channel), s.Notify), s.Contact), s.ErrField["contact"],
		widget.NewSeparator(), bold(tr("Ghi việc đã làm")),
		container.NewBorder(nil, nil, nil, s.LogIt, s.Action), s.ErrField["text"],
		widget.NewSeparator(), closeBox)
	s.recon = container.NewVBox(widget.NewSeparator(), bold(tr("Đối chiếu hồ sơ tiếp nhận trong thời gian sự cố")), s.Recon,
		container.NewHBox(s.ReportPDF, s.ReportJSON, s.ReconPDF))
	s.log = container.NewVBox(widget.NewSeparator(), bold(tr("Nhật ký sự cố")), s.Timeline)
	s.detail = container.NewVBox(s.head, s.work, s.recon, s.log)
	s.detail.Hide()
	right := container.NewVScroll(container.NewPadded(container.NewVBox(s.empty, s.detail)))
	s.content = container.New(&columns{weights: []float32{0.36, 0.64}}, container.NewPadded(left), right)
	return s
}

// incidentLine is one row of the register.
func incidentLine(inc *continuity.Incident) string {
	state := tr("đang mở")
	if !inc.Open() {
		state = tr("đã đóng") + " " + fmtTime(inc.EndedAt)
	}
	return "#" + itoa(int(inc.ID)) + " · " + incidentTitle(inc) + " · " + fmtTime(inc.StartedAt) + " · " + state
}

func (s *ContIncidents) reload() {
	list, err := s.c.cs.List(bgctx(), continuity.IncidentFilter{})
	if err != nil {
		s.OpenMsg.set(errMsg(err))
		return
	}
	s.incidents = list
	s.List.Refresh()
	if s.Selected != nil {
		for i, inc := range list {
			if inc.ID == s.Selected.ID {
				s.List.Select(i) // shows it again, as stored now
				s.show(inc)
				return
			}
		}
	}
}

func (s *ContIncidents) open() {
	s.OpenMsg.set("")
	req := continuity.OpenRequest{Scenario: scenarioAt(s.Scenario.SelectedIndex()), By: s.c.actor(), Note: s.Note.Text}
	if i := s.Severity.SelectedIndex(); i > 0 {
		req.Severity = continuity.Severity(i)
	}
	inc, err := s.c.cs.Open(bgctx(), req)
	if err != nil {
		s.OpenMsg.set(errMsg(err))
		return
	}
	s.Note.SetText("")
	s.Selected = inc
	s.reload()
	s.c.frame.changed()
	s.c.focus(s.Action)
}

// show paints inc on the right.
func (s *ContIncidents) show(inc *continuity.Incident) {
	if s.Selected == nil || inc == nil || s.Selected.ID != inc.ID {
		s.Msg.set("")
		s.Done.Hide()
		for _, e := range s.ErrField {
			e.set("")
		}
	}
	s.Selected = inc
	if inc == nil {
		s.detail.Hide()
		s.empty.Show()
		return
	}
	s.empty.Hide()
	if inc.Open() {
		s.detail.Objects = []fyne.CanvasObject{s.head, s.work, s.recon, s.log}
	} else {
		s.detail.Objects = []fyne.CanvasObject{s.head, s.recon, s.work, s.log}
	}
	s.detail.Show()
	s.detail.Refresh()
	now := s.c.now()
	s.Title.SetText("#" + itoa(int(inc.ID)) + " · " + incidentTitle(inc))
	state := tr("Đang mở") + " · " + tr("đã") + " " + fmtDuration(inc.Duration(now))
	if !inc.Open() {
		state = tr("Đã đóng lúc") + " " + fmtTime(inc.EndedAt) + " " + tr("bởi") + " " + inc.ClosedBy + " · " + tr("kéo dài") + " " + fmtDuration(inc.Duration(now))
	}
	info := []string{
		tr("Tình huống:") + " " + scenarioName(inc.Scenario) + " · " + tr("mức độ:") + " " + severityName(inc.Severity) + " · " + sourceName(inc.Source),
		tr("Bắt đầu:") + " " + fmtTime(inc.StartedAt) + " · " + tr("khai báo:") + " " + inc.DeclaredBy,
		state,
	}
	if inc.Summary != "" {
		info = append(info, tr("Tóm tắt:")+" "+inc.Summary)
	}
	s.Info.SetText(strings.Join(info, "\n"))
	s.Steps.show(inc)

	rb := s.c.cs.Runbooks().For(inc.Scenario)
	s.contacts, _ = s.c.cs.ContactsFor(bgctx(), rb)
	var lines, opts []string
	for _, ct := range s.contacts {
		lines = append(lines, "• "+contactText(ct))
		opts = append(opts, contactName(ct))
	}
	if len(lines) == 0 {
		lines = append(lines, tr("Kịch bản không ghi liên hệ nào."))
	}
	s.Contacts.SetText(strings.Join(lines, "\n"))
	s.Contact.Options = opts
	s.Contact.ClearSelected()
	var tl []string
	names := s.c.main.fullNames()
	for _, e := range inc.Log {
		tl = append(tl, e.At.In(now.Location()).Format("15:04 02/01")+" · "+displayName(names, e.Actor)+" · "+e.Text)
	}
	s.Timeline.SetText(strings.Join(tl, "\n"))

	for _, w := range []fyne.Disableable{s.Action, s.LogIt, s.Contact, s.Channel, s.Notify, s.Summary} {
		if inc.Open() {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	if canLead(s.c.user()) {
		s.Close.Enable() // a closed incident too: the service says why not
	}
	rec := inc.Reconciliation
	live := rec == nil
	if live {
		var err error
		rec, err = s.c.cs.Reconcile(bgctx(), inc.StartedAt, now.Add(1e9))
		if err != nil {
			s.Recon.SetText(errMsg(err))
			return
		}
	}
	s.Recon.SetText(reconText(rec, live))
}

// contactName is what the timeline records for a contact.
func contactName(ct continuity.Contact) string {
	n := ct.Title
	if ct.Name != "" && !strings.HasPrefix(ct.Name, "(") {
		n += " – " + ct.Name
	}
	return n
}

func contactText(ct continuity.Contact) string {
	t := contactName(ct)
	if ct.Organisation != "" {
		t += " · " + ct.Organisation
	}
	if ct.Phone != "" {
		t += " · " + ct.Phone
	} else {
		t += " · " + tr("chưa có số điện thoại (điền ở thẻ Danh bạ, Ctrl+5)")
	}
	if ct.Hours != "" {
		t += " · " + ct.Hours
	}
	return t
}

// reconText is the reconciliation as the officer reads it.
func reconText(rec *continuity.Reconciliation, live bool) string {
	when := tr("Số liệu kết sổ khi đóng sự cố")
	if live {
		when = tr("Số liệu tính đến bây giờ (sự cố chưa đóng)")
	}
	lines := []string{
		when + " · " + fmtTime(rec.From) + " – " + fmtTime(rec.To),
		tr("Hồ sơ tiếp nhận:") + " " + itoa(rec.Received) + " (" + tr("nhập từ biên nhận giấy:") + " " + itoa(rec.Paper) + ")",
		tr("Đã chuyển lên tỉnh:") + " " + itoa(rec.Delivered) + " · " + tr("đang chờ gửi:") + " " + itoa(rec.Pending) +
			" · " + tr("bị tỉnh trả lại:") + " " + itoa(rec.Quarantined),
		tr("Có nguy cơ trễ hạn:") + " " + itoa(rec.AtRisk) + " · " + tr("đã quá hạn:") + " " + itoa(rec.Late),
		tr("Hàng đợi toàn máy:") + " " + num(rec.Backlog.Pending, "tin chờ gửi") + ", " + num(rec.Backlog.Quarantined, "tin bị trả lại"),
	}
	for i, l := range rec.Lines {
		if i == 30 {
			lines = append(lines, "… "+itoa(len(rec.Lines)-30)+" "+tr("hồ sơ khác: xem bản PDF"))
			break
		}
		d := map[string]string{continuity.DeliveryDone: tr("đã chuyển"), continuity.DeliveryPending: tr("chờ gửi"),
			continuity.DeliveryQuarantined: tr("bị trả lại") + ": " + l.Note}[l.Delivery]
		risk := map[string]string{continuity.RiskAtRisk: " · " + tr("nguy cơ trễ hạn"), continuity.RiskLate: " · " + tr("đã quá hạn")}[l.Risk]
		code := l.Code
		if l.Paper {
			code += " (" + tr("giấy") + ")"
		}
		lines = append(lines, "• "+code+" · "+l.Applicant+" · "+tr("hẹn")+" "+fmtTime(l.DueAt)+" · "+d+risk)
	}
	return strings.Join(lines, "\n")
}

// failed shows err next to the field it names, or above.
func (s *ContIncidents) failed(err error) {
	if f, ok := s.ErrField[errField(err)]; ok {
		f.set(errMsg(err))
		return
	}
	s.Msg.set(errMsg(err))
}

func (s *ContIncidents) clearErrs() {
	s.Msg.set("")
	s.Done.Hide()
	for _, e := range s.ErrField {
		e.set("")
	}
}

func (s *ContIncidents) logAction() {
	if s.Selected == nil {
		return
	}
	s.clearErrs()
	inc, err := s.c.cs.Record(bgctx(), s.Selected.ID, continuity.LogEntry{Kind: continuity.LogAction, Actor: s.c.actor(), Text: s.Action.Text})
	if err != nil {
		s.failed(err)
		return
	}
	s.Action.SetText("")
	s.show(inc)
	s.List.Refresh()
}

func (s *ContIncidents) notify() {
	if s.Selected == nil {
		return
	}
	s.clearErrs()
	inc, err := s.c.cs.Record(bgctx(), s.Selected.ID, continuity.LogEntry{Kind: continuity.LogNotify, Actor: s.c.actor(),
		Contact: s.Contact.Selected, Channel: s.Channel.Text})
	if err != nil {
		s.failed(err)
		return
	}
	s.show(inc)
	say(s.Done, tr("Đã ghi:")+" "+inc.Log[len(inc.Log)-1].Text)
}

func (s *ContIncidents) close() {
	if s.Selected == nil {
		return
	}
	s.clearErrs()
	if !canLead(s.c.user()) {
		s.Msg.set(tr("Chỉ lãnh đạo hoặc quản trị được đóng sự cố: báo cáo đối chiếu gửi cấp trên mang tên người đóng."))
		return
	}
	inc, err := s.c.cs.Close(bgctx(), s.Selected.ID, continuity.CloseRequest{By: s.c.acting(), Summary: s.Summary.Text})
	if err != nil {
		s.failed(err)
		return
	}
	s.Summary.SetText("")
	s.Selected = inc
	s.reload()
	s.show(inc)
	say(s.Done, tr("Đã đóng sự cố. Đối chiếu hồ sơ được lưu cùng sự cố; lưu báo cáo PDF gửi cấp trên."))
	s.c.frame.changed()
	s.c.focus(s.ReportPDF)
}

func (s *ContIncidents) report(ext string) {
	if s.Selected == nil {
		return
	}
	s.clearErrs()
	rep, err := s.c.cs.Report(bgctx(), s.Selected.ID)
	if err != nil {
		s.Msg.set(errMsg(err))
		return
	}
	write := rep.WritePDF
	if ext == "json" {
		write = rep.WriteJSON
	}
	s.c.saveAndOpen(continuity.ReportFile(s.Selected.ID, ext), write, s.Msg, s.Done)
}

func (s *ContIncidents) reconPDF() {
	if s.Selected == nil {
		return
	}
	s.clearErrs()
	rep, err := s.c.cs.Report(bgctx(), s.Selected.ID)
	if err != nil {
		s.Msg.set(errMsg(err))
		return
	}
	title := "Sự cố #" + itoa(int(s.Selected.ID)) + ": " + s.Selected.Title
	s.c.saveAndOpen("doi-chieu-su-co-"+itoa(int(s.Selected.ID))+".pdf", func(w io.Writer) error {
		return s.c.cs.ReconciliationPDF(bgctx(), w, title, rep.Reconcile)
	}, s.Msg, s.Done)
}
