package ui

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua/app/continuity"
)

// ContContacts is the contact list of the plan: whom to call in an
// incident (the province's IT support, the one-stop system's support, the
// telecom and power companies, the commune's leaders…). Each contact has a
// role the runbooks name, so the scenarios it is for follow from the
// runbooks in use. Leaders and administrators edit the list; officers read
// it (the fields are shown but cannot be changed).
type ContContacts struct {
	c *Continuity

	List     *keyList
	contacts []continuity.Contact
	// Index is the contact in the form: -1 for a new one. The first
	// contact shows when the tab opens.
	Index int

	FormTitle *widget.Label
	Role      *widget.Select
	Label     *Entry // what the contact is (Contact.Title)
	Name      *Entry
	Org       *Entry
	Phone     *Entry
	Email     *Entry
	Hours     *Entry
	Note      *Entry
	Scenarios *widget.Label
	ErrField  map[string]fieldErr // role, name, phone, email
	Msg       fieldErr
	Done      *widget.Label

	Add    *Button
	Save   *Button
	Remove *Button
	// removing is set by a first press of Remove: the second press removes.
	removing bool

	roles   []string // role keys in the order of the Role options
	content fyne.CanvasObject
}

func newContContacts(c *Continuity) *ContContacts {
	s := &ContContacts{c: c, ErrField: map[string]fieldErr{}, Msg: newFieldErr(), Done: doneLabel()}
	k, u := c.keys, c.user()
	for _, f := range []string{"role", "name", "phone", "email"} {
		s.ErrField[f] = newFieldErr()
	}
	s.List = newKeyList(k, func() int { return len(s.contacts) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		ct := s.contacts[i]
		t := contactName(ct) + " · "
		if ct.Phone != "" {
			t += ct.Phone
		} else {
			t += tr("chưa có số")
		}
		if ct.Organisation != "" {
			t += " · " + ct.Organisation
		}
		o.(*widget.Label).SetText(t)
	})
	s.List.OnSelected = func(i widget.ListItemID) {
		c.main.touch()
		if i < len(s.contacts) {
			s.edit(i)
		}
	}
	s.FormTitle = heading("")
	s.Role = widget.NewSelect(nil, func(string) { s.roleChanged() })
	s.Label = newVNEntry(k, c.typing)
	s.Label.SetPlaceHolder(tr("Để trống: theo vai trò"))
	s.Name = newVNEntry(k, c.typing)
	s.Name.SetPlaceHolder(tr("Họ tên người hoặc bộ phận, ví dụ Tổng đài báo hỏng"))
	s.Org = newVNEntry(k, c.typing)
	s.Org.SetPlaceHolder(tr("Ví dụ Điện lực khu vực, Trung tâm CNTT tỉnh"))
	s.Phone = newEntry(k, nil)
	s.Phone.SetPlaceHolder(tr("0912 345 678, +84…, máy bàn 02…, tổng đài 1900…"))
	s.Email = newEntry(k, nil)
	s.Email.SetPlaceHolder(tr("không bắt buộc"))
	s.Hours = newVNEntry(k, c.typing)
	s.Hours.SetPlaceHolder(tr("Ví dụ Giờ hành chính, 24/7"))
	s.Note = newVNEntry(k, c.typing)
	s.Note.SetPlaceHolder(tr("Zalo, số dự phòng, điều cần nói khi gọi…"))
	for _, e := range []*Entry{s.Label, s.Name, s.Org, s.Phone, s.Email, s.Hours, s.Note} {
		e.OnSubmitted = func(string) { s.save() }
	}
	s.Scenarios = wrapLabel("")
	s.Add = newButton(k, tr("Thêm liên hệ"), s.add)
	s.Save = newButton(k, tr("Lưu liên hệ (Ctrl+Enter)"), s.save)
	s.Save.Importance = widget.HighImportance
	s.Remove = newButton(k, tr("Xoá liên hệ"), s.remove)
	s.Remove.Importance = widget.DangerImportance
	if !canLead(u) {
		disableWhy(leaderWhy(), s.Role, s.Label, s.Name, s.Org, s.Phone, s.Email, s.Hours, s.Note, s.Add, s.Save, s.Remove)
	}
	left := container.NewBorder(container.NewVBox(heading(tr("Danh bạ liên hệ khi có sự cố")),
		note(tr("Người, đơn vị cần gọi theo từng kịch bản. Danh bạ cũng in trong bản kế hoạch giấy (motcua plan pdf).")),
		leaderOnly(u, tr("Chỉ lãnh đạo hoặc quản trị được sửa danh bạ; cán bộ xem.")),
		container.NewHBox(s.Add), widget.NewSeparator()), nil, nil, nil, s.List)
	two := func(a, b fyne.CanvasObject) fyne.CanvasObject {
		return container.New(&columns{weights: []float32{0.5, 0.5}}, a, b)
	}
	form := container.NewVBox(s.FormTitle,
		two(field(tr("Vai trò"), s.Role, s.ErrField["role"]), field(tr("Tên gọi trong danh bạ"), s.Label, newFieldErr())),
		s.Scenarios,
		two(field(tr("Họ tên / bộ phận"), s.Name, s.ErrField["name"]), field(tr("Cơ quan, đơn vị"), s.Org, newFieldErr())),
		two(field(tr("Điện thoại"), s.Phone, s.ErrField["phone"]), field(tr("Email"), s.Email, s.ErrField["email"])),
		two(field(tr("Giờ liên lạc được"), s.Hours, newFieldErr()), field(tr("Ghi chú (Zalo…)"), s.Note, newFieldErr())),
		s.Msg, s.Done, container.NewHBox(s.Save, s.Remove))
	right := container.NewVScroll(container.NewPadded(form))
	s.content = container.New(&columns{weights: []float32{0.42, 0.58}}, container.NewPadded(left), right)
	return s
}

func (s *ContContacts) reload() {
	rs := s.c.cs.Runbooks()
	keys := make([]string, 0, len(rs.Roles))
	for key := range rs.Roles {
		keys = append(keys, key)
	}
	slices.SortFunc(keys, func(a, b string) int { return strings.Compare(rs.RoleName(a), rs.RoleName(b)) })
	s.roles = keys
	opts := make([]string, len(keys))
	for i, key := range keys {
		opts[i] = rs.RoleName(key)
	}
	s.Role.Options = opts
	list, err := s.c.cs.Contacts(bgctx())
	if err != nil {
		s.Msg.set(errMsg(err))
		return
	}
	s.contacts = list
	s.List.Refresh()
	if s.Index >= len(list) {
		s.Index = len(list) - 1
	}
	if s.Index >= 0 {
		s.List.Select(s.Index)
		s.edit(s.Index)
	} else {
		s.List.UnselectAll()
		s.edit(-1)
	}
}

// edit fills the form with contact i, or empties it for a new one (-1).
func (s *ContContacts) edit(i int) {
	if i != s.Index {
		s.Msg.set("")
		s.Done.Hide()
	}
	s.clearErrors()
	s.removing = false
	s.Remove.SetText(tr("Xoá liên hệ"))
	s.Index = i
	var ct continuity.Contact
	if i >= 0 && i < len(s.contacts) {
		ct = s.contacts[i]
		s.FormTitle.SetText(tr("Liên hệ") + " " + itoa(i+1) + "/" + itoa(len(s.contacts)))
	} else {
		s.Index = -1
		s.FormTitle.SetText(tr("Thêm liên hệ mới"))
	}
	if j := slices.Index(s.roles, ct.Role); j >= 0 {
		s.Role.SetSelectedIndex(j)
	} else {
		s.Role.ClearSelected()
	}
	s.Label.SetText(ct.Title)
	s.Name.SetText(ct.Name)
	s.Org.SetText(ct.Organisation)
	s.Phone.SetText(ct.Phone)
	s.Email.SetText(ct.Email)
	s.Hours.SetText(ct.Hours)
	s.Note.SetText(ct.Note)
	s.roleChanged()
	setEnabled(s.Remove, canLead(s.c.user()) && s.Index >= 0)
}

// roleChanged says which scenarios the chosen role is called in.
func (s *ContContacts) roleChanged() {
	i := s.Role.SelectedIndex()
	if i < 0 || i >= len(s.roles) {
		s.Scenarios.SetText(tr("Chọn vai trò: kịch bản nào gọi liên hệ này là theo vai trò."))
		return
	}
	var names []string
	for _, sc := range s.c.cs.Runbooks().ScenariosFor(s.roles[i]) {
		names = append(names, scenarioName(sc))
	}
	if len(names) == 0 {
		s.Scenarios.SetText(tr("Dùng trong kịch bản: chưa kịch bản nào gọi vai trò này."))
		return
	}
	s.Scenarios.SetText(tr("Dùng trong kịch bản:") + " " + strings.Join(names, ", "))
}

func (s *ContContacts) clearErrors() {
	for _, e := range s.ErrField {
		e.set("")
	}
}

// add empties the form for a new contact.
func (s *ContContacts) add() {
	s.List.UnselectAll()
	s.edit(-1)
	s.c.focus(s.Name)
}

func (s *ContContacts) form() continuity.Contact {
	ct := continuity.Contact{Title: s.Label.Text, Name: s.Name.Text, Organisation: s.Org.Text,
		Phone: s.Phone.Text, Email: s.Email.Text, Hours: s.Hours.Text, Note: s.Note.Text}
	if i := s.Role.SelectedIndex(); i >= 0 && i < len(s.roles) {
		ct.Role = s.roles[i]
	}
	// A title left from another role follows the new role.
	if s.Index >= 0 && s.Index < len(s.contacts) && ct.Role != s.contacts[s.Index].Role && ct.Title == s.contacts[s.Index].Title {
		ct.Title = ""
	}
	return ct
}

// fail shows err next to its field, or under the form.
func (s *ContContacts) fail(err error) {
	if e, ok := s.ErrField[errField(err)]; ok {
		e.set(errMsg(err))
		switch errField(err) {
		case "name":
			s.c.focus(s.Name)
		case "phone":
			s.c.focus(s.Phone)
		case "email":
			s.c.focus(s.Email)
		}
		return
	}
	s.Msg.set(errMsg(err))
}

// save checks the form (errors next to their field) and stores the list.
func (s *ContContacts) save() {
	if !canLead(s.c.user()) {
		return
	}
	s.clearErrors()
	s.Msg.set("")
	s.Done.Hide()
	s.removing = false
	ct := s.form()
	if ct.Role == "" {
		s.ErrField["role"].set(tr("Chọn vai trò của liên hệ"))
		return
	}
	if err := s.c.cs.ValidateContact(&ct); err != nil {
		s.fail(err)
		return
	}
	list := slices.Clone(s.contacts)
	i := s.Index
	if i >= 0 && i < len(list) {
		list[i] = ct
	} else {
		list = append(list, ct)
		i = len(list) - 1
	}
	if err := s.c.cs.SetContacts(bgctx(), list, s.c.acting()); err != nil {
		s.fail(err)
		return
	}
	s.Index = i
	s.reload()
	say(s.Done, tr("Đã lưu liên hệ")+" «"+contactName(ct)+"»")
}

// remove takes the contact out of the list on a second press.
func (s *ContContacts) remove() {
	if !canLead(s.c.user()) || s.Index < 0 || s.Index >= len(s.contacts) {
		return
	}
	ct := s.contacts[s.Index]
	if !s.removing {
		s.removing = true
		s.Remove.SetText(tr("Bấm lần nữa để xoá"))
		s.Msg.set(tr("Xoá") + " «" + contactName(ct) + "» " + tr("khỏi danh bạ? Bấm nút xoá lần nữa để xác nhận; chọn liên hệ khác để thôi."))
		return
	}
	list := slices.Delete(slices.Clone(s.contacts), s.Index, s.Index+1)
	if err := s.c.cs.SetContacts(bgctx(), list, s.c.acting()); err != nil {
		s.Msg.set(errMsg(err))
		return
	}
	s.reload()
	s.Msg.set("")
	say(s.Done, tr("Đã xoá liên hệ")+" «"+contactName(ct)+"»")
}

// keyList is a widget.List that, focused, moves with the arrows and
// selects with Space, and passes every other key (F2…F7, Esc) on to the
// window, so the screen keys keep working from the list.
type keyList struct {
	widget.List
	keys *Keys
}

func newKeyList(keys *Keys, length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *keyList {
	l := &keyList{keys: keys}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

func (l *keyList) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyUp, fyne.KeyDown, fyne.KeySpace:
		l.List.TypedKey(ev)
	default:
		l.keys.Key(ev)
	}
}
