package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"motcua"
	"motcua/app"
)

// Intake is the counter form: scan the chip-ID QR (or type the fields),
// pick the procedure, accept. Then the form clears for the next citizen.
type Intake struct {
	win fyne.Window
	svc *app.Service

	Scan      *widget.Entry
	Name      *widget.Entry
	IDNumber  *widget.Entry
	DOB       *widget.Entry
	Gender    *widget.RadioGroup
	Phone     *widget.Entry
	Address   *widget.Entry
	ProcQuery *widget.Entry
	ProcList  *widget.List
	Accept    *widget.Button
	Result    *widget.Label

	procs    []motcua.Procedure
	selected *motcua.Procedure
	procInfo *widget.Label
	errs     map[string]*canvas.Text
	general  *canvas.Text
	onSaved  func(*motcua.Dossier)
	content  fyne.CanvasObject
}

// NewIntake builds the intake screen; onSaved runs after each accepted dossier.
func NewIntake(win fyne.Window, svc *app.Service, onSaved func(*motcua.Dossier)) *Intake {
	s := &Intake{win: win, svc: svc, onSaved: onSaved, errs: map[string]*canvas.Text{}}
	s.Scan = widget.NewEntry()
	s.Scan.SetPlaceHolder("Quét mã QR căn cước (máy quét gõ một dòng + Enter)")
	s.Scan.OnSubmitted = s.onScan
	s.Name = widget.NewEntry()
	s.IDNumber = widget.NewEntry()
	s.DOB = widget.NewEntry()
	s.DOB.SetPlaceHolder("NN/TT/NNNN")
	s.Gender = widget.NewRadioGroup([]string{"Nam", "Nữ"}, nil)
	s.Gender.Horizontal = true
	s.Phone = widget.NewEntry()
	s.Address = widget.NewEntry()
	s.ProcQuery = widget.NewEntry()
	s.ProcQuery.SetPlaceHolder("Gõ để tìm thủ tục (không cần dấu), ví dụ: khai sinh")
	s.ProcQuery.OnChanged = s.filterProcedures
	s.procInfo = widget.NewLabel("Chưa chọn thủ tục")
	s.procInfo.Wrapping = fyne.TextWrapWord
	s.ProcList = widget.NewList(
		func() int { return len(s.procs) },
		func() fyne.CanvasObject { return widget.NewLabel("thủ tục") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			p := s.procs[i]
			o.(*widget.Label).SetText(p.Name + " — " + p.Field)
		})
	s.ProcList.OnSelected = func(i widget.ListItemID) {
		p := s.procs[i]
		s.selected = &p
		s.procInfo.SetText(procSummary(p))
		setErr(s.errOf("procedure"), "")
	}
	s.Accept = widget.NewButton("Tiếp nhận hồ sơ (Ctrl+Enter)", s.onAccept)
	s.Accept.Importance = widget.HighImportance
	s.Result = widget.NewLabel("")
	s.Result.Wrapping = fyne.TextWrapWord
	s.general = errText()
	s.filterProcedures("")

	field := func(label string, w fyne.CanvasObject, key string) fyne.CanvasObject {
		return container.NewVBox(widget.NewLabelWithStyle(label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), w, s.errOf(key))
	}
	applicant := container.NewVBox(
		field("Quét CCCD", s.Scan, "cccd"),
		field("Họ và tên người nộp *", s.Name, "name"),
		container.NewGridWithColumns(2,
			field("Số định danh / CCCD *", s.IDNumber, "id_number"),
			field("Ngày sinh", s.DOB, "dob")),
		container.NewGridWithColumns(2,
			field("Giới tính", s.Gender, "gender"),
			field("Số điện thoại", s.Phone, "phone")),
		field("Địa chỉ", s.Address, "address"),
	)
	procedure := container.NewBorder(
		container.NewVBox(widget.NewLabelWithStyle("Thủ tục hành chính *", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), s.ProcQuery, s.errOf("procedure")),
		container.NewVBox(s.procInfo), nil, nil, s.ProcList)
	left := container.NewVBox(widget.NewCard("Người nộp hồ sơ", "", applicant), s.general,
		container.NewHBox(layout.NewSpacer(), s.Accept), s.Result)
	split := container.NewHSplit(container.NewVScroll(left), widget.NewCard("Thủ tục", "", procedure))
	split.Offset = 0.55
	s.content = split
	win.Canvas().AddShortcut(&desktopShortcutCtrlEnter, func(fyne.Shortcut) { s.onAccept() })
	return s
}

// Content is the screen's root object.
func (s *Intake) Content() fyne.CanvasObject { return s.content }

func (s *Intake) errOf(key string) *canvas.Text {
	if t, ok := s.errs[key]; ok {
		return t
	}
	t := errText()
	s.errs[key] = t
	return t
}

func procSummary(p motcua.Procedure) string {
	days := "trả trong ngày"
	if p.ProcessingDays > 0 {
		days = trimFloat(p.ProcessingDays) + " ngày làm việc"
	}
	fee := "miễn phí"
	if p.Fee > 0 {
		fee = itoa(int(p.Fee)) + " đồng"
	}
	return p.Code + " · " + p.Name + "\nThời hạn: " + days + " · Lệ phí: " + fee + " · " + itoa(len(p.Components)) + " thành phần hồ sơ"
}

func trimFloat(f float64) string {
	s := strings.TrimRight(strings.TrimRight(strings.Replace(strconvF(f), ".", ",", 1), "0"), ",")
	return s
}

func (s *Intake) filterProcedures(q string) {
	if strings.TrimSpace(q) == "" {
		s.procs = append([]motcua.Procedure(nil), s.svc.Catalog.Procedures...)
	} else {
		s.procs = s.svc.Catalog.Search(q)
	}
	s.ProcList.UnselectAll()
	s.ProcList.Refresh()
	if len(s.procs) == 1 {
		s.ProcList.Select(0)
	}
}

// onScan handles the scanner's line: a chip-ID QR fills the applicant.
func (s *Intake) onScan(line string) {
	setErr(s.errOf("cccd"), "")
	if strings.TrimSpace(line) == "" {
		return
	}
	a, err := app.ApplicantFromCCCD(line)
	if err != nil {
		setErr(s.errOf("cccd"), "Không phải mã QR căn cước hợp lệ: "+motcua.ErrorMessage(err))
		return
	}
	s.Name.SetText(a.Name)
	s.IDNumber.SetText(a.IDNumber)
	if a.DOB != "" {
		s.DOB.SetText(a.DOB[8:10] + "/" + a.DOB[5:7] + "/" + a.DOB[0:4])
	}
	s.Gender.SetSelected(a.Gender)
	s.Address.SetText(a.Address)
	s.Scan.SetText("")
	s.win.Canvas().Focus(s.ProcQuery)
}

func (s *Intake) clearErrors() {
	for _, t := range s.errs {
		setErr(t, "")
	}
	setErr(s.general, "")
}

func (s *Intake) onAccept() {
	s.clearErrors()
	req := app.IntakeRequest{
		Applicant: motcua.Applicant{Name: s.Name.Text, IDNumber: s.IDNumber.Text, Gender: s.Gender.Selected,
			Phone: s.Phone.Text, Address: s.Address.Text},
		DOBText: s.DOB.Text,
		Channel: motcua.ChannelDirect,
		Officer: "officer",
	}
	if s.selected != nil {
		req.ProcedureCode = s.selected.Code
	}
	d, err := s.svc.Intake(context.Background(), req)
	if err != nil {
		s.showError(err)
		return
	}
	s.Result.SetText("Đã tiếp nhận hồ sơ " + d.Code + "\n" + d.Applicant.Name + " — " + d.Procedure.Name +
		"\nHẹn trả kết quả: " + fmtTime(d.DueAt))
	s.reset()
	if s.onSaved != nil {
		s.onSaved(d)
	}
}

// showError puts the message next to the field it names.
func (s *Intake) showError(err error) {
	field := ""
	if e, ok := motcua.AsError(err); ok {
		field = e.Field
		if strings.HasPrefix(field, "cccd") {
			field = "cccd"
		}
		if t, ok := s.errs[field]; ok {
			setErr(t, e.Msg)
			return
		}
	}
	setErr(s.general, motcua.ErrorMessage(err))
}

// reset clears the form for the next citizen.
func (s *Intake) reset() {
	for _, e := range []*widget.Entry{s.Name, s.IDNumber, s.DOB, s.Phone, s.Address, s.ProcQuery} {
		e.SetText("")
	}
	s.Gender.SetSelected("")
	s.selected = nil
	s.procInfo.SetText("Chưa chọn thủ tục")
	s.win.Canvas().Focus(s.Scan)
}
