package ui

import (
	"context"
	"encoding/json"
	"io"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
)

// Settings gathers what an officer may change for themselves (language,
// text size, typing, password) and what an administrator configures
// (agency and station, office hours and the holiday calendar, the procedure
// catalogue, users), and the station's printer and scanner. Sections the
// user may not change are shown read-only. One tab per part, Ctrl+1…7, so
// that each fits a 1366×768 screen:
//
//	0 Giao diện  1 Trạm & cơ quan  2 Giờ làm việc & ngày lễ  3 Danh mục
//	4 Người dùng  5 Máy in  6 Máy quét
type Settings struct {
	*env

	Tabs *container.AppTabs

	// Display and typing (every user).
	Lang       *widget.RadioGroup
	TextSize   *widget.RadioGroup
	Typing     *widget.RadioGroup
	AutoPrint  *widget.Check
	SavePrefs  *Button
	OldPass    *Entry
	NewPass    *Entry
	NewPass2   *Entry
	ChangePass *Button
	PrefsMsg   fieldErr
	PassMsg    fieldErr
	PassDone   *widget.Label

	// Agency and station.
	AgencyName  *Entry
	SaveAgency  *Button
	StationInfo *widget.Label
	ExportRing  *Button
	ImportRing  *Button
	StationMsg  fieldErr
	StationDone *widget.Label

	// Office hours and the holiday calendar (settings_holidays.go).
	Hours     *Entry
	SaveHours *Button
	CalMsg    fieldErr
	CalDone   *widget.Label
	holidayUI

	// The printer (settings_printer.go).
	printerUI

	// The scanner: the scan-to-folder inbox (settings_scan.go).
	scanBox *fyne.Container
	scan    *ScanSettings

	// Catalogue.
	CatalogInfo *widget.Label
	ImportCat   *Button
	CatMsg      fieldErr
	// CatTech holds the file's problems as the checker wrote them (line,
	// field, rule), for whoever prepares the file.
	CatTech *TechLink
	CatDone *widget.Label

	// Users.
	Users     *widget.List
	users     []*accounts.User
	picked    *accounts.User
	NewUser   *Entry
	NewName   *Entry
	NewRole   *widget.Select
	NewTemp   *Entry
	AddUser   *Button
	EditName  *Entry
	EditRole  *widget.Select
	EditOff   *widget.Check
	SaveUser  *Button
	ResetTemp *Entry
	ResetPass *Button
	UserMsg   fieldErr
	UserDone  *widget.Label
	userErrs  map[string]fieldErr

	content fyne.CanvasObject
}

var textSizes = []struct {
	label string
	scale float32
}{{"Nhỏ", 0.9}, {"Vừa", 1}, {"Lớn", 1.15}, {"Rất lớn", 1.3}}

func doneLabel() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.SuccessImportance
	l.Hide()
	return l
}

func say(l *widget.Label, msg string) {
	l.SetText(msg)
	l.Show()
}

func roleLabels() []string {
	var out []string
	for _, r := range accounts.Roles() {
		out = append(out, roleName(r))
	}
	return out
}

func roleAt(i int) accounts.Role {
	rs := accounts.Roles()
	if i < 0 || i >= len(rs) {
		return ""
	}
	return rs[i]
}

func newSettings(e *env) *Settings {
	s := &Settings{env: e, userErrs: map[string]fieldErr{}}
	u := e.user()
	k := e.keys

	// Display and typing.
	s.Lang = widget.NewRadioGroup([]string{"Tiếng Việt", "English"}, nil)
	s.Lang.Horizontal = true
	var sizes []string
	for _, t := range textSizes {
		sizes = append(sizes, tr(t.label))
	}
	s.TextSize = widget.NewRadioGroup(sizes, nil)
	s.TextSize.Horizontal = true
	s.Typing = widget.NewRadioGroup([]string{tr("Bộ gõ của máy (Unikey, EVKey)"), "Telex", "VNI"}, nil)
	s.Typing.Horizontal = true
	s.AutoPrint = widget.NewCheck(tr("In ngay phiếu của mỗi quyết định (giấy tiếp nhận, phiếu bổ sung, từ chối) ra máy in đã chọn ở mục Máy in"), nil)
	s.SavePrefs = newButton(k, tr("Lưu hiển thị"), s.savePrefs)
	s.SavePrefs.Importance = widget.HighImportance
	s.PrefsMsg = newFieldErr()
	s.OldPass, s.NewPass, s.NewPass2 = newPasswordEntry(k), newPasswordEntry(k), newPasswordEntry(k)
	s.ChangePass = newButton(k, tr("Đổi mật khẩu"), s.changePassword)
	s.PassMsg = newFieldErr()
	s.PassDone = doneLabel()
	s.syncPrefs()
	display := container.NewVBox(
		field(tr("Ngôn ngữ"), s.Lang, newFieldErr()),
		field(tr("Cỡ chữ"), s.TextSize, newFieldErr()),
		field(tr("Gõ tiếng Việt (Alt+Z để đổi nhanh)"), s.Typing, newFieldErr()),
		note(tr("Máy đã có Unikey hoặc EVKey: chọn «Bộ gõ của máy». Máy không có bộ gõ: chọn Telex hoặc VNI, phần mềm tự ghép dấu trong các ô họ tên, địa chỉ, lý do.")),
		field(tr("In"), s.AutoPrint, newFieldErr()),
		s.PrefsMsg, container.NewHBox(s.SavePrefs),
		widget.NewSeparator(), heading(tr("Đổi mật khẩu của bạn")),
		container.NewGridWithColumns(3,
			field(tr("Mật khẩu hiện tại"), s.OldPass, newFieldErr()),
			field(tr("Mật khẩu mới"), s.NewPass, newFieldErr()),
			field(tr("Nhập lại mật khẩu mới"), s.NewPass2, newFieldErr())),
		s.PassMsg, s.PassDone, container.NewHBox(s.ChangePass))

	// Agency and station.
	s.AgencyName = newVNEntry(k, e.typing)
	s.SaveAgency = newButton(k, tr("Lưu tên cơ quan"), s.saveAgency)
	s.StationInfo = widget.NewLabel("")
	s.StationInfo.Wrapping = fyne.TextWrapWord
	s.ExportRing = newButton(k, tr("Xuất khóa công khai các máy…"), s.exportKeyring)
	s.ImportRing = newButton(k, tr("Nạp khóa của máy khác…"), s.importKeyring)
	s.StationMsg = newFieldErr()
	s.StationDone = doneLabel()
	if !u.Can(accounts.PermStation) {
		disableWhy(notAllowed(u, accounts.PermStation), s.AgencyName, s.SaveAgency, s.ImportRing)
	}
	station := container.NewVBox(
		adminOnly(u, accounts.PermStation),
		field(tr("Tên cơ quan"), s.AgencyName, newFieldErr()), container.NewHBox(s.SaveAgency),
		s.StationInfo,
		note(tr("Mỗi máy quầy ký mã QR bằng khóa riêng. Để máy này kiểm tra được giấy tờ do máy khác của xã cấp, nạp tệp khóa công khai của máy đó.")),
		container.NewHBox(s.ExportRing, s.ImportRing), s.StationMsg, s.StationDone)

	// Office hours and the holiday calendar, the printer, the scanner.
	calendar := s.buildCalendar()
	printer := s.buildPrinter()
	s.scanBox = container.NewVBox(s.scanInboxContent())

	// Catalogue.
	s.CatalogInfo = widget.NewLabel("")
	s.CatalogInfo.Wrapping = fyne.TextWrapWord
	s.ImportCat = newButton(k, tr("Nhập danh mục thủ tục từ tệp JSON…"), s.importCatalog)
	s.CatMsg = newFieldErr()
	s.CatTech = newTechLink(s.main)
	s.CatDone = doneLabel()
	if !u.Can(accounts.PermCatalog) {
		disableWhy(notAllowed(u, accounts.PermCatalog), s.ImportCat)
	}
	catalog := container.NewVBox(adminOnly(u, accounts.PermCatalog), s.CatalogInfo, container.NewHBox(s.ImportCat), s.CatMsg, container.NewHBox(s.CatTech), s.CatDone,
		note(tr("Tệp được kiểm tra trước: nếu có lỗi, danh mục đang dùng được giữ nguyên và lỗi được chỉ rõ.")))

	// Users.
	for _, f := range []string{"username", "full_name", "role", "password", "edit"} {
		s.userErrs[f] = newFieldErr()
	}
	s.Users = widget.NewList(func() int { return len(s.users) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		x := s.users[i]
		t := x.Username + " · " + x.FullName + " · " + roleName(x.Role)
		if x.Disabled {
			t += " · " + tr("đã khóa")
		}
		o.(*widget.Label).SetText(t)
	})
	s.Users.OnSelected = func(i widget.ListItemID) { s.pick(s.users[i]) }
	s.NewUser = newEntry(k, nil)
	s.NewUser.SetPlaceHolder("lan.nt")
	s.NewName = newVNEntry(k, e.typing)
	s.NewRole = widget.NewSelect(roleLabels(), nil)
	s.NewRole.SetSelectedIndex(0)
	s.NewTemp = newPasswordEntry(k)
	s.AddUser = newButton(k, tr("Thêm người dùng"), s.addUser)
	s.AddUser.Importance = widget.HighImportance
	s.EditName = newVNEntry(k, e.typing)
	s.EditRole = widget.NewSelect(roleLabels(), nil)
	s.EditOff = widget.NewCheck(tr("Khóa tài khoản"), nil)
	s.SaveUser = newButton(k, tr("Lưu"), s.saveUser)
	s.ResetTemp = newPasswordEntry(k)
	s.ResetPass = newButton(k, tr("Đặt lại mật khẩu"), s.resetPassword)
	s.UserMsg = newFieldErr()
	s.UserDone = doneLabel()
	var users fyne.CanvasObject
	if u.Can(accounts.PermUsers) {
		add := container.NewVBox(heading(tr("Thêm người dùng")),
			container.NewGridWithColumns(2,
				field(tr("Tên đăng nhập"), s.NewUser, s.userErrs["username"]),
				field(tr("Họ và tên"), s.NewName, s.userErrs["full_name"])),
			container.NewGridWithColumns(2,
				field(tr("Vai trò"), s.NewRole, s.userErrs["role"]),
				field(tr("Mật khẩu tạm"), s.NewTemp, s.userErrs["password"])),
			note(tr("Người dùng đổi mật khẩu tạm khi đăng nhập lần đầu.")),
			container.NewHBox(s.AddUser))
		edit := container.NewVBox(heading(tr("Người dùng đã chọn")),
			container.NewGridWithColumns(2, field(tr("Họ và tên"), s.EditName, newFieldErr()), field(tr("Vai trò"), s.EditRole, newFieldErr())),
			s.EditOff, s.userErrs["edit"], container.NewHBox(s.SaveUser),
			field(tr("Mật khẩu tạm mới"), container.NewBorder(nil, nil, nil, s.ResetPass, s.ResetTemp), newFieldErr()))
		right := container.NewVScroll(container.NewVBox(add, widget.NewSeparator(), edit, s.UserMsg, s.UserDone))
		users = container.New(&columns{weights: []float32{0.42, 0.58}},
			container.NewBorder(heading(tr("Người dùng")), nil, nil, nil, s.Users), right)
	} else {
		users = container.NewVBox(heading(tr("Người dùng")), note(tr("Chỉ quản trị hệ thống được thêm, khóa người dùng hoặc đặt lại mật khẩu.")))
	}

	s.Tabs = container.NewAppTabs(
		container.NewTabItem(tr("Giao diện"), container.NewVScroll(container.NewPadded(display))),
		container.NewTabItem(tr("Trạm & cơ quan"), container.NewVScroll(container.NewPadded(station))),
		container.NewTabItem(tr("Giờ làm việc & ngày lễ"), container.NewPadded(calendar)),
		container.NewTabItem(tr("Danh mục thủ tục"), container.NewVScroll(container.NewPadded(catalog))),
		container.NewTabItem(tr("Người dùng"), container.NewPadded(users)),
		container.NewTabItem(tr("Máy in"), container.NewVScroll(container.NewPadded(printer))),
		container.NewTabItem(tr("Máy quét"), container.NewVScroll(container.NewPadded(s.scanBox))),
	)
	s.Tabs.SetTabLocation(container.TabLocationLeading)
	s.Tabs.OnSelected = func(*container.TabItem) { s.tabShown() }
	s.content = s.Tabs
	return s
}

// adminOnly is a line saying that only an administrator changes a section,
// shown to those who may not (nothing otherwise).
func adminOnly(u *accounts.User, p accounts.Perm) fyne.CanvasObject {
	if u.Can(p) {
		return container.NewVBox()
	}
	return note(tr("Chỉ quản trị hệ thống được thay đổi mục này."))
}

// Content is the screen's root object.
func (s *Settings) Content() fyne.CanvasObject { return s.content }

func (s *Settings) shown() {
	s.syncPrefs()
	ctx := context.Background()
	if id, err := s.svc.Identity(ctx); err == nil {
		s.AgencyName.SetText(id.AgencyName)
		info := tr("Mã định danh:") + " " + id.AgencyID + "\n" + tr("Máy số:") + " " + id.Station.String()
		if k := s.papers.keys; k != nil {
			info += "\n" + tr("Khóa ký của máy:") + " " + k.ID + " · " + tr("khóa trong danh sách:") + " " + itoa(len(k.Ring.Keys))
		} else {
			info += "\n" + tr("Máy chưa có khóa ký: không in được phiếu có mã QR.")
		}
		info += "\n" + tr("Thư mục phiếu đã in:") + " " + s.papers.dir
		s.StationInfo.SetText(info)
	}
	var ps []string
	for _, p := range s.svc.Calendar.Hours().Periods {
		ps = append(ps, p.Start.String()+"-"+p.End.String())
	}
	s.Hours.SetText(strings.Join(ps, ", "))
	if s.Year.Selected == "" {
		s.Year.SetSelected(itoa(s.now().Year()))
	} else {
		s.paintHolidays()
	}
	c := s.svc.Catalog
	s.CatalogInfo.SetText(tr("Danh mục đang dùng:") + " " + c.Version + " · " + tr("cập nhật") + " " + c.Updated + " · " +
		num(len(c.Procedures), "thủ tục"))
	s.reloadUsers()
	s.tabShown()
}

// Indexes of the tabs.
const (
	tabDisplay = iota
	tabStation
	tabCalendar
	tabCatalog
	tabUsers
	tabPrinter
	tabScanner
)

// tabShown puts the focus where the tab's work starts, and lists the
// printers the first time their tab opens.
func (s *Settings) tabShown() {
	switch s.Tabs.SelectedIndex() {
	case tabDisplay:
		s.focus(s.OldPass)
	case tabCalendar:
		if s.user().Can(accounts.PermCalendar) {
			s.focus(s.DayDate)
		}
	case tabPrinter:
		if s.printersDone == nil {
			s.RefreshPrinters()
		}
	}
}

func (s *Settings) bindings() map[string]func() {
	b := map[string]func(){}
	for i, k := range []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3, fyne.Key4, fyne.Key5, fyne.Key6, fyne.Key7} {
		i := i
		b[sc(ctrl(k))] = func() { s.Tabs.SelectIndex(i) }
	}
	onCalendar := func(fn func()) func() {
		return func() {
			if s.Tabs.SelectedIndex() == tabCalendar && s.user().Can(accounts.PermCalendar) {
				fn()
			}
		}
	}
	b[sc(ctrl(fyne.KeyReturn))] = onCalendar(s.saveCurrent)
	b[sc(ctrl(fyne.KeyEnter))] = onCalendar(s.saveCurrent)
	b[sc(ctrl(fyne.KeyN))] = onCalendar(s.newDay)
	return b
}

// syncPrefs shows the user's current preferences.
func (s *Settings) syncPrefs() {
	p := s.user().Prefs
	if p.Lang == "en" {
		s.Lang.SetSelected("English")
	} else {
		s.Lang.SetSelected("Tiếng Việt")
	}
	scale := p.TextScale
	if scale == 0 {
		scale = 1
	}
	for _, t := range textSizes {
		if t.scale == scale {
			s.TextSize.SetSelected(tr(t.label))
		}
	}
	s.AutoPrint.SetChecked(p.AutoPrint)
	switch TypingMode(p.Typing) {
	case TypingTelex:
		s.Typing.SetSelected("Telex")
	case TypingVNI:
		s.Typing.SetSelected("VNI")
	default:
		s.Typing.SetSelected(s.Typing.Options[0])
	}
}

func (s *Settings) savePrefs() {
	p := s.user().Prefs
	p.Lang = "vi"
	if s.Lang.Selected == "English" {
		p.Lang = "en"
	}
	for _, t := range textSizes {
		if tr(t.label) == s.TextSize.Selected {
			p.TextScale = t.scale
		}
	}
	p.AutoPrint = s.AutoPrint.Checked
	switch s.Typing.Selected {
	case "Telex":
		p.Typing = string(TypingTelex)
	case "VNI":
		p.Typing = string(TypingVNI)
	default:
		p.Typing = ""
	}
	if err := s.acc.SavePrefs(context.Background(), s.actor(), p); err != nil {
		s.PrefsMsg.set(errMsg(err))
		return
	}
	relabel := p.Lang != s.user().Prefs.Lang
	s.user().Prefs = p
	s.main.applyPrefs(p)
	if relabel {
		// Every label is built in the language of the moment: build the
		// frame again, on this screen.
		m := s.main
		m.Frame.close()
		m.Frame = newFrame(m)
		m.win.SetContent(m.Frame.Content())
		m.Frame.Go(ScreenSettings)
		return
	}
	s.frame.Status.Refresh()
}

func (s *Settings) changePassword() {
	s.PassMsg.set("")
	s.PassDone.Hide()
	if s.NewPass.Text != s.NewPass2.Text {
		s.PassMsg.set(tr("Hai lần nhập mật khẩu không giống nhau"))
		return
	}
	u, err := s.acc.ChangePassword(context.Background(), s.actor(), s.OldPass.Text, s.NewPass.Text)
	for _, e := range []*Entry{s.OldPass, s.NewPass, s.NewPass2} {
		e.SetText("")
	}
	if err != nil {
		s.PassMsg.set(errMsg(err))
		return
	}
	s.frame.user.PasswordHash = u.PasswordHash
	say(s.PassDone, tr("Đã đổi mật khẩu."))
}

func (s *Settings) saveAgency() {
	s.StationMsg.set("")
	if err := accounts.Allow(s.user(), accounts.PermStation); err != nil {
		s.StationMsg.set(errMsg(err))
		return
	}
	ctx := context.Background()
	id, err := s.svc.Identity(ctx)
	if err == nil {
		id.AgencyName = s.AgencyName.Text
		err = s.svc.Init(ctx, id, s.actor())
	}
	if err != nil {
		s.StationMsg.set(errMsg(err))
		return
	}
	say(s.StationDone, tr("Đã lưu tên cơ quan."))
	s.frame.Status.Refresh()
}

// readFile opens the file picker and reads the chosen file.
func (s *Settings) readFile(fn func(raw []byte, name string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		raw, err := io.ReadAll(io.LimitReader(r, 32<<20))
		if err != nil {
			return
		}
		fn(raw, r.URI().Name())
	}, s.win)
	d.Show()
}

func (s *Settings) exportKeyring() {
	k := s.papers.keys
	if k == nil {
		s.StationMsg.set(tr("Máy chưa có khóa ký: không in được phiếu có mã QR."))
		return
	}
	raw, err := k.ExportKeyring()
	if err != nil {
		s.StationMsg.set(errMsg(err))
		return
	}
	s.saveFile(raw, "khoa-cac-may.json", s.StationMsg, s.StationDone, tr("Đã lưu tệp khóa:"))
}

// saveFile asks where to save raw (suggesting name) and writes it; the
// outcome goes to msg or, with the path, to done.
func (s *Settings) saveFile(raw []byte, name string, msg fieldErr, done *widget.Label, doneText string) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		defer w.Close()
		if _, err := w.Write(raw); err != nil {
			msg.set(errMsg(err))
			return
		}
		say(done, doneText+" "+w.URI().Path())
	}, s.win)
	d.SetFileName(name)
	d.Show()
}

func (s *Settings) importKeyring() {
	s.readFile(func(raw []byte, name string) { s.ImportKeyringData(raw) })
}

// ImportKeyringData adds the keys of another station's keyring file.
func (s *Settings) ImportKeyringData(raw []byte) {
	s.StationMsg.set("")
	if err := accounts.Allow(s.user(), accounts.PermStation); err != nil {
		s.StationMsg.set(errMsg(err))
		return
	}
	k := s.papers.keys
	if k == nil {
		s.StationMsg.set(tr("Máy chưa có khóa ký: không in được phiếu có mã QR."))
		return
	}
	n, err := k.ImportKeyring(context.Background(), s.svc.Store, raw, s.actor())
	if err != nil {
		s.StationMsg.set(errMsg(err))
		return
	}
	say(s.StationDone, tr("Đã nạp")+" "+itoa(n)+" "+tr("khóa mới."))
	s.shown()
}

// parseHours reads "07:30-11:30, 13:00-17:00".
func parseHours(text string) (motcua.OfficeHours, error) {
	var h motcua.OfficeHours
	for _, part := range strings.Split(text, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		a, b, ok := strings.Cut(strings.NewReplacer("–", "-", "—", "-").Replace(part), "-")
		st, err1 := motcua.ParseClockTime(a)
		en, err2 := motcua.ParseClockTime(b)
		if !ok || err1 != nil || err2 != nil {
			return h, motcua.Invalid(motcua.ErrBadValue, "hours", "Buổi «%s» không hợp lệ: cần dạng 07:30-11:30", "period %q is invalid: use 07:30-11:30", part)
		}
		h.Periods = append(h.Periods, motcua.Period{Start: st, End: en})
	}
	if err := h.Validate(); err != nil {
		return h, motcua.Invalid(motcua.ErrBadValue, "hours", "Giờ làm việc không hợp lệ: các buổi phải theo thứ tự, không chồng lên nhau (%v)",
			"invalid office hours: periods must be in order and must not overlap (%v)", err)
	}
	return h, nil
}

func (s *Settings) saveHours() {
	s.CalMsg.set("")
	s.CalDone.Hide()
	if err := accounts.Allow(s.user(), accounts.PermCalendar); err != nil {
		s.CalMsg.set(errMsg(err))
		return
	}
	h, err := parseHours(s.Hours.Text)
	if err != nil {
		s.CalMsg.set(errMsg(err))
		return
	}
	raw, _ := json.Marshal(h)
	ctx := context.Background()
	a := app.AuditEntry{At: s.now(), Actor: s.actor(), Action: "calendar.hours", Subject: s.Hours.Text}
	if err := s.svc.Store.SetSetting(ctx, app.KeyHours, string(raw), a); err != nil {
		s.CalMsg.set(errMsg(err))
		return
	}
	cal, err := app.LoadCalendar(ctx, s.svc.Store)
	if err != nil {
		s.CalMsg.set(errMsg(err))
		return
	}
	s.svc.Calendar = cal
	say(s.CalDone, tr("Đã lưu giờ làm việc; hạn trả của hồ sơ mới được tính theo giờ này."))
	s.paintPreview()
}

func (s *Settings) importCatalog() {
	s.readFile(func(raw []byte, name string) { s.ImportCatalogData(raw) })
}

// ImportCatalogData replaces the catalogue with a file's, if valid.
func (s *Settings) ImportCatalogData(raw []byte) {
	s.CatMsg.set("")
	s.CatDone.Hide()
	if err := accounts.Allow(s.user(), accounts.PermCatalog); err != nil {
		s.CatMsg.set(errMsg(err))
		return
	}
	cat, err := s.svc.ImportCatalog(context.Background(), raw, s.acting())
	s.CatTech.set(nil)
	if err != nil {
		// The officer reads what happened and what to do; the checker's
		// own words (line, field, rule) are one press away.
		msg := errMsg(err)
		if e, ok := motcua.AsError(err); ok && e.Err != nil {
			n := len(strings.Split(strings.TrimSpace(e.Err.Error()), "\n"))
			msg += ". " + num(n, "chỗ sai trong tệp") + ". " + tr("Gửi tệp lại cho nơi soạn danh mục (Sở/Văn phòng UBND tỉnh) kèm «Chi tiết kỹ thuật…».")
			s.CatTech.set(e.Err)
		}
		s.CatMsg.set(msg)
		return
	}
	say(s.CatDone, tr("Đã nhập danh mục")+" "+cat.Version+": "+itoa(len(cat.Procedures))+" "+tr("thủ tục."))
	s.shown()
	s.frame.Intake.filterProcedures("")
}

func (s *Settings) reloadUsers() {
	if !s.user().Can(accounts.PermUsers) {
		return
	}
	us, err := s.acc.List(context.Background())
	if err != nil {
		s.UserMsg.set(errMsg(err))
		return
	}
	s.users = us
	s.Users.Refresh()
}

func (s *Settings) pick(u *accounts.User) {
	s.picked = u
	s.EditName.SetText(u.FullName)
	for i, r := range accounts.Roles() {
		if r == u.Role {
			s.EditRole.SetSelectedIndex(i)
		}
	}
	s.EditOff.SetChecked(u.Disabled)
	s.userErrs["edit"].set("")
}

// UserErr is the message next to a field of the users section.
func (s *Settings) UserErr(field string) string { return s.userErrs[field].Text }

func (s *Settings) userFail(err error) {
	if e, ok := s.userErrs[errField(err)]; ok {
		e.set(errMsg(err))
		return
	}
	s.UserMsg.set(errMsg(err))
}

func (s *Settings) clearUserMsgs() {
	for _, e := range s.userErrs {
		e.set("")
	}
	s.UserMsg.set("")
	s.UserDone.Hide()
}

func (s *Settings) addUser() {
	s.clearUserMsgs()
	u, err := s.acc.Create(context.Background(), s.user(), accounts.NewUser{Username: s.NewUser.Text, FullName: s.NewName.Text,
		Role: roleAt(s.NewRole.SelectedIndex()), Password: s.NewTemp.Text})
	if err != nil {
		s.userFail(err)
		return
	}
	for _, e := range []*Entry{s.NewUser, s.NewName, s.NewTemp} {
		e.SetText("")
	}
	say(s.UserDone, tr("Đã thêm")+" "+u.Username+" ("+roleName(u.Role)+"). "+tr("Người dùng đổi mật khẩu tạm khi đăng nhập lần đầu."))
	s.reloadUsers()
}

func (s *Settings) saveUser() {
	s.clearUserMsgs()
	if s.picked == nil {
		s.userErrs["edit"].set(tr("Chọn một người dùng trong danh sách"))
		return
	}
	u, err := s.acc.Update(context.Background(), s.user(), s.picked.Username, s.EditName.Text, roleAt(s.EditRole.SelectedIndex()), s.EditOff.Checked)
	if err != nil {
		s.userErrs["edit"].set(errMsg(err))
		return
	}
	say(s.UserDone, tr("Đã lưu")+" "+u.Username+".")
	s.reloadUsers()
}

func (s *Settings) resetPassword() {
	s.clearUserMsgs()
	if s.picked == nil {
		s.userErrs["edit"].set(tr("Chọn một người dùng trong danh sách"))
		return
	}
	err := s.acc.ResetPassword(context.Background(), s.user(), s.picked.Username, s.ResetTemp.Text)
	s.ResetTemp.SetText("")
	if err != nil {
		s.userErrs["edit"].set(errMsg(err))
		return
	}
	say(s.UserDone, tr("Đã đặt lại mật khẩu của")+" "+s.picked.Username+"; "+tr("người dùng phải đổi khi đăng nhập."))
}
