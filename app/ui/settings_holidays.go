package ui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
)

// The holiday calendar editor of Settings: the year's days off and swapped
// working days in a list, a form to add, correct or remove one, import and
// export of the table, and a sample due date that shows the effect at once.

// calEditor lets the signed-in user edit the calendar if their role has
// the calendar permission (administrators).
type calEditor struct{ u *accounts.User }

func (c calEditor) EditorName() string     { return c.u.Username }
func (c calEditor) MayEditCalendar() error { return accounts.Allow(c.u, accounts.PermCalendar) }

// dayKindOrder is the order of the kind selector.
var dayKindOrder = []string{motcua.DayOffHoliday, motcua.DayOffSubstitute, motcua.DayOffWorking}

func dayKindLabel(kind string) string {
	switch kind {
	case motcua.DayOffHoliday:
		return tr("Nghỉ lễ, Tết")
	case motcua.DayOffSubstitute:
		return tr("Nghỉ bù, nghỉ hoán đổi")
	case motcua.DayOffWorking:
		return tr("Làm bù (thứ Bảy, Chủ nhật đi làm)")
	}
	return kind
}

func dayKindShort(kind string) string {
	return map[string]string{motcua.DayOffHoliday: tr("nghỉ lễ"), motcua.DayOffSubstitute: tr("nghỉ bù"), motcua.DayOffWorking: tr("làm bù")}[kind]
}

// holidayUI is the calendar editor's part of the Settings struct.
type holidayUI struct {
	Year       *widget.Select
	Days       *widget.List
	days       []motcua.DayOff
	pickedDay  string // date of the day being edited, "" when adding
	DayDate    *Entry
	DayKind    *widget.Select
	DayName    *Entry
	DaySource  *Entry
	DayOK      *widget.Check
	AddDay     *Button
	SaveDay    *Button
	RemoveDay  *Button
	NewDay     *Button
	ImportHol  *Button
	ExportHol  *Button
	DayMsg     fieldErr
	DayDone    *widget.Label
	DaysInfo   *widget.Label
	PreviewAt  *Entry
	PreviewN   *Entry
	Preview    *widget.Label
	dayErrs    map[string]fieldErr
	confirmDel string // the date a first press of Remove asked about
}

// DayErr is the message next to a field of the day form (date, kind, name, source).
func (s *Settings) DayErr(field string) string { return s.dayErrs[field].Text }

// DaysShown is the list's rows as the officer reads them.
func (s *Settings) DaysShown() []string {
	var out []string
	for _, d := range s.days {
		out = append(out, dayRow(d))
	}
	return out
}

func dayRow(d motcua.DayOff) string {
	t, _ := time.Parse("2006-01-02", d.Date)
	name := d.Name
	if lang() == "en" && d.NameEN != "" {
		name = d.NameEN
	}
	return t.Format("02/01/2006") + " · " + weekday(t) + " · " + dayKindShort(d.Kind) + " · " + name
}

func (s *Settings) buildCalendar() fyne.CanvasObject {
	e, u, k := s.env, s.user(), s.env.keys
	s.dayErrs = map[string]fieldErr{}
	for _, f := range []string{"date", "kind", "name", "source"} {
		s.dayErrs[f] = newFieldErr()
	}
	s.Hours = newEntry(k, nil)
	s.SaveHours = newButton(k, tr("Lưu giờ làm việc"), s.saveHours)
	s.CalMsg = newFieldErr()
	s.CalDone = doneLabel()

	year := e.now().Year()
	var years []string
	for y := year - 2; y <= year+3; y++ {
		years = append(years, itoa(y))
	}
	s.Year = widget.NewSelect(years, func(string) { s.paintHolidays() })
	s.Days = widget.NewList(func() int { return len(s.days) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		mark := widget.NewLabel(tr("chưa xác nhận"))
		mark.Importance = widget.WarningImportance
		mark.TextStyle.Italic = true
		return container.NewBorder(nil, nil, nil, mark, l)
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		c := o.(*fyne.Container)
		d := s.days[i]
		c.Objects[0].(*widget.Label).SetText(dayRow(d))
		if d.Confirmed {
			c.Objects[1].Hide()
		} else {
			c.Objects[1].Show()
		}
	})
	s.Days.OnSelected = func(i widget.ListItemID) { s.pickDay(s.days[i]) }
	s.DaysInfo = widget.NewLabel("")
	s.DaysInfo.Importance = widget.LowImportance

	s.DayDate = newEntry(k, nil)
	s.DayDate.SetPlaceHolder("24/11/2026")
	var kinds []string
	for _, kd := range dayKindOrder {
		kinds = append(kinds, dayKindLabel(kd))
	}
	s.DayKind = widget.NewSelect(kinds, nil)
	s.DayKind.SetSelectedIndex(0)
	s.DayName = newVNEntry(k, e.typing)
	s.DayName.SetPlaceHolder(tr("Ví dụ: Nghỉ bù Quốc khánh"))
	s.DaySource = newVNEntry(k, e.typing)
	s.DaySource.SetPlaceHolder(tr("Ví dụ: Công văn 12729/VPCP-KGVX"))
	s.DayOK = widget.NewCheck(tr("Đã có văn bản chính thức (bỏ chọn: ngày dự kiến, chưa xác nhận)"), nil)
	s.DayOK.SetChecked(true)
	s.AddDay = newButton(k, tr("Thêm ngày"), s.addDay)
	s.AddDay.Importance = widget.HighImportance
	s.SaveDay = newButton(k, tr("Lưu sửa đổi"), s.saveDay)
	s.RemoveDay = newButton(k, tr("Xóa ngày"), s.removeDay)
	s.RemoveDay.Importance = widget.DangerImportance
	s.NewDay = newButton(k, tr("Ngày mới (Ctrl+N)"), s.newDay)
	s.ImportHol = newButton(k, tr("Nhập từ tệp…"), s.importHolidays)
	s.ExportHol = newButton(k, tr("Xuất ra tệp…"), s.exportHolidays)
	s.DayMsg = newFieldErr()
	s.DayDone = doneLabel()
	s.SaveDay.Disable()
	s.RemoveDay.Disable()

	s.PreviewAt = newEntry(k, nil)
	s.PreviewAt.SetText(e.now().Format("02/01/2006"))
	s.PreviewN = newEntry(k, nil)
	s.PreviewN.SetText("3")
	s.PreviewAt.OnChanged = func(string) { s.paintPreview() }
	s.PreviewN.OnChanged = func(string) { s.paintPreview() }
	s.Preview = widget.NewLabel("")
	s.Preview.Wrapping = fyne.TextWrapWord

	if !u.Can(accounts.PermCalendar) {
		disableWhy(notAllowed(u, accounts.PermCalendar), s.Hours, s.SaveHours, s.ImportHol, s.DayDate, s.DayKind, s.DayName, s.DaySource,
			s.DayOK, s.AddDay, s.NewDay)
	}

	hours := container.NewVBox(
		adminOnly(u, accounts.PermCalendar),
		field(tr("Giờ làm việc (các buổi, cách nhau bởi dấu phẩy)"), container.NewBorder(nil, nil, nil, s.SaveHours, s.Hours), newFieldErr()),
		s.CalMsg, s.CalDone, widget.NewSeparator(),
		container.NewHBox(bold(tr("Ngày nghỉ, ngày làm bù năm")), s.Year, s.DaysInfo, spacer(), s.ImportHol, s.ExportHol))
	form := container.NewVBox(
		container.New(&columns{weights: []float32{0.4, 0.6}},
			field(tr("Ngày (NN/TT/NNNN)"), s.DayDate, s.dayErrs["date"]),
			field(tr("Loại ngày"), s.DayKind, s.dayErrs["kind"])),
		container.New(&columns{weights: []float32{0.5, 0.5}},
			field(tr("Tên ngày"), s.DayName, s.dayErrs["name"]),
			field(tr("Căn cứ (văn bản, không bắt buộc)"), s.DaySource, s.dayErrs["source"])),
		s.DayOK,
		container.NewHBox(s.AddDay, s.SaveDay, s.RemoveDay, s.NewDay),
		s.DayMsg, s.DayDone,
		widget.NewSeparator(),
		bold(tr("Hạn giải quyết mẫu")),
		container.NewHBox(widget.NewLabel(tr("Nhận ngày")), sized(s.PreviewAt, 120), widget.NewLabel(tr("lúc 09:00, thời hạn")),
			sized(s.PreviewN, 50), widget.NewLabel(tr("ngày làm việc"))),
		s.Preview)
	list := container.NewBorder(nil, note(tr("Ctrl+Enter: lưu · Ctrl+N: ngày mới")), nil, nil, s.Days)
	return container.NewBorder(hours, nil, nil, nil,
		container.New(&columns{weights: []float32{0.48, 0.52}}, list, container.NewVScroll(form)))
}

// sized gives o at least width w.
func sized(o fyne.CanvasObject, w float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(w, o.MinSize().Height), o)
}

func (s *Settings) year() int {
	y, _ := strconv.Atoi(s.Year.Selected)
	return y
}

func (s *Settings) paintHolidays() {
	y := s.year()
	if y == 0 {
		return
	}
	days, err := s.svc.HolidayYear(y)
	if err != nil {
		s.DayMsg.set(errMsg(err))
		days = nil
	}
	s.days = days
	s.Days.UnselectAll()
	s.Days.Refresh()
	off, work, open := 0, 0, 0
	for _, d := range days {
		switch {
		case d.Kind == motcua.DayOffWorking:
			work++
		default:
			off++
		}
		if !d.Confirmed {
			open++
		}
	}
	info := num(off, "ngày nghỉ") + ", " + num(work, "ngày làm bù")
	if open > 0 {
		info += ", " + itoa(open) + " " + tr("chưa xác nhận")
	}
	if len(days) == 0 {
		info = tr("Chưa có ngày nghỉ nào cho năm này.")
	}
	s.DaysInfo.SetText(info)
	s.paintPreview()
}

// paintPreview shows the due date of a sample dossier received on the
// chosen day at 09:00, with the calendar in use.
func (s *Settings) paintPreview() {
	if s.Preview == nil {
		return
	}
	at, err1 := time.ParseInLocation("2/1/2006 15:04", strings.TrimSpace(s.PreviewAt.Text)+" 09:00", motcua.Location)
	n, err2 := strconv.Atoi(strings.TrimSpace(s.PreviewN.Text))
	if err1 != nil || err2 != nil || n < 0 || n > 365 || at.Year() < app.HolidayMinYear || at.Year() > app.HolidayMaxYear {
		s.Preview.SetText(tr("Nhập ngày dạng NN/TT/NNNN và số ngày làm việc (0–365)."))
		return
	}
	due := s.svc.DueFor(motcua.Procedure{ProcessingDays: float64(n)}, motcua.ChannelDirect, at)
	s.Preview.SetText(tr("Hạn trả:") + " " + fmtDue(due))
}

// PreviewText is the sample due date line.
func (s *Settings) PreviewText() string { return s.Preview.Text }

func (s *Settings) pickDay(d motcua.DayOff) {
	s.clearDayMsgs()
	s.pickedDay = d.Date
	t, _ := time.Parse("2006-01-02", d.Date)
	s.DayDate.SetText(t.Format("02/01/2006"))
	for i, kd := range dayKindOrder {
		if kd == d.Kind {
			s.DayKind.SetSelectedIndex(i)
		}
	}
	s.DayName.SetText(d.Name)
	s.DaySource.SetText(d.Source)
	s.DayOK.SetChecked(d.Confirmed)
	if s.user().Can(accounts.PermCalendar) {
		s.SaveDay.Enable()
		s.RemoveDay.Enable()
	}
}

// PickDay selects the year's day on date (YYYY-MM-DD) for editing, as a
// click on the list does.
func (s *Settings) PickDay(date string) bool {
	for i, d := range s.days {
		if d.Date == date {
			s.Days.Select(i)
			return true
		}
	}
	return false
}

// newDay clears the form for a new day and puts the focus on its date.
func (s *Settings) newDay() {
	s.clearDayMsgs()
	s.pickedDay = ""
	s.Days.UnselectAll()
	for _, e := range []*Entry{s.DayDate, s.DayName, s.DaySource} {
		e.SetText("")
	}
	s.DayKind.SetSelectedIndex(0)
	s.DayOK.SetChecked(true)
	s.SaveDay.Disable()
	s.RemoveDay.Disable()
	s.focus(s.DayDate)
}

func (s *Settings) clearDayMsgs() {
	for _, e := range s.dayErrs {
		e.set("")
	}
	s.DayMsg.set("")
	s.DayDone.Hide()
	s.confirmDel = ""
	s.RemoveDay.SetText(tr("Xóa ngày"))
}

func (s *Settings) formDay() motcua.DayOff {
	kind := ""
	if i := s.DayKind.SelectedIndex(); i >= 0 {
		kind = dayKindOrder[i]
	}
	return motcua.DayOff{Date: s.DayDate.Text, Kind: kind, Name: s.DayName.Text, Source: s.DaySource.Text, Confirmed: s.DayOK.Checked}
}

// dayFail shows err next to its field and puts the focus there.
func (s *Settings) dayFail(err error) {
	f := errField(err)
	if e, ok := s.dayErrs[f]; ok {
		e.set(errMsg(err))
		switch f {
		case "date":
			s.focus(s.DayDate)
		case "name":
			s.focus(s.DayName)
		case "source":
			s.focus(s.DaySource)
		}
		return
	}
	s.DayMsg.set(errMsg(err))
}

// saveCurrent is Ctrl+Enter: add the day, or save the one being edited.
func (s *Settings) saveCurrent() {
	if s.pickedDay == "" {
		s.addDay()
	} else {
		s.saveDay()
	}
}

func (s *Settings) addDay() {
	s.clearDayMsgs()
	d, err := s.svc.AddHoliday(context.Background(), calEditor{s.user()}, s.formDay())
	if err != nil {
		s.dayFail(err)
		return
	}
	s.afterDayChange(d, tr("Đã thêm ngày")+" "+shortDate(d.Date)+".")
}

func (s *Settings) saveDay() {
	s.clearDayMsgs()
	if s.pickedDay == "" {
		s.DayMsg.set(tr("Chọn một ngày trong danh sách để sửa"))
		return
	}
	d, err := s.svc.EditHoliday(context.Background(), calEditor{s.user()}, s.pickedDay, s.formDay())
	if err != nil {
		s.dayFail(err)
		return
	}
	s.afterDayChange(d, tr("Đã lưu ngày")+" "+shortDate(d.Date)+".")
}

// removeDay asks once, in place, then removes the day.
func (s *Settings) removeDay() {
	if s.pickedDay == "" {
		s.clearDayMsgs()
		s.DayMsg.set(tr("Chọn một ngày trong danh sách để xóa"))
		return
	}
	if s.confirmDel != s.pickedDay {
		date := s.pickedDay
		s.clearDayMsgs()
		s.confirmDel = date
		s.RemoveDay.SetText(tr("Bấm lần nữa để xóa"))
		s.DayMsg.set(tr("Xóa ngày") + " " + shortDate(date) + "? " + tr("Bấm «Bấm lần nữa để xóa» (hoặc Enter) để xóa; chọn ngày khác để thôi."))
		s.focus(s.RemoveDay)
		return
	}
	date := s.pickedDay
	s.clearDayMsgs()
	if err := s.svc.RemoveHoliday(context.Background(), calEditor{s.user()}, date); err != nil {
		s.dayFail(err)
		return
	}
	s.pickedDay = ""
	s.paintHolidays()
	s.newDay()
	say(s.DayDone, tr("Đã xóa ngày")+" "+shortDate(date)+"; "+tr("hạn trả của hồ sơ mới được tính theo lịch này, hồ sơ đã nhận giữ nguyên hạn."))
}

func (s *Settings) afterDayChange(d motcua.DayOff, msg string) {
	if y := d.Date[:4]; y != s.Year.Selected {
		if !contains(s.Year.Options, y) {
			s.Year.Options = append(s.Year.Options, y)
		}
		s.Year.SetSelected(y) // repaints
	} else {
		s.paintHolidays()
	}
	s.PickDay(d.Date)
	say(s.DayDone, msg+" "+tr("Hạn trả của hồ sơ mới được tính theo lịch này; hồ sơ đã nhận giữ nguyên hạn."))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// shortDate turns YYYY-MM-DD into 24/11/2026.
func shortDate(date string) string {
	t, err := time.Parse("2006-01-02", date)
	if err != nil {
		return date
	}
	return t.Format("02/01/2006")
}

// AddDayData fills the form and adds the day (tests, and the tour).
func (s *Settings) AddDayData(date, kind, name string, confirmed bool) {
	s.newDay()
	s.DayDate.SetText(date)
	for i, kd := range dayKindOrder {
		if kd == kind {
			s.DayKind.SetSelectedIndex(i)
		}
	}
	s.DayName.SetText(name)
	s.DayOK.SetChecked(confirmed)
	s.addDay()
}

func (s *Settings) exportHolidays() {
	s.clearDayMsgs()
	raw, err := s.svc.ExportHolidays(context.Background())
	if err != nil {
		s.DayMsg.set(errMsg(err))
		return
	}
	s.saveFile(raw, "lich-ngay-nghi.json", s.DayMsg, s.DayDone, tr("Đã xuất lịch ngày nghỉ ra tệp:"))
}

func (s *Settings) importHolidays() {
	s.readFile(func(raw []byte, name string) { s.ImportHolidaysData(raw) })
}

// ImportHolidaysData replaces the holiday table with a file's, if valid.
func (s *Settings) ImportHolidaysData(raw []byte) {
	s.clearDayMsgs()
	s.CalMsg.set("")
	s.CalDone.Hide()
	if err := accounts.Allow(s.user(), accounts.PermCalendar); err != nil {
		s.DayMsg.set(errMsg(err))
		return
	}
	if err := s.svc.ImportHolidays(context.Background(), raw, s.acting()); err != nil {
		msg := errMsg(err)
		if e, ok := motcua.AsError(err); ok && e.Err != nil {
			msg += ": " + e.Err.Error()
		}
		s.DayMsg.set(msg)
		return
	}
	s.paintHolidays()
	say(s.DayDone, tr("Đã nhập lịch ngày nghỉ."))
}
