package ui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
)

// Setup is the first-run screen: the agency identifier, its name and the
// station number of this PC, then the first administrator's account. A
// station already initialised (by `motcua init`) only asks for the account.
type Setup struct {
	win  fyne.Window
	svc  *app.Service
	acc  *accounts.Service
	keys *Keys

	AgencyID, Name, Station *Entry
	Username, FullName      *Entry
	Password, Confirm       *Entry
	Save                    *Button
	Err                     *widget.Label
	errs                    map[string]fieldErr
	stationDone             bool
	done                    func(*accounts.User)
	content                 fyne.CanvasObject
	card, bottom            fyne.CanvasObject
	first                   fyne.Focusable
}

// NewSetup builds the set-up screen; done runs with the new administrator,
// signed in.
func NewSetup(win fyne.Window, svc *app.Service, acc *accounts.Service, keys *Keys, typing *Typing, stationDone bool, done func(*accounts.User)) *Setup {
	s := &Setup{win: win, svc: svc, acc: acc, keys: keys, stationDone: stationDone, done: done, errs: map[string]fieldErr{}}
	for _, k := range []string{"agency_id", "agency_name", "station", "username", "full_name", "password", "confirm"} {
		s.errs[k] = newFieldErr()
	}
	s.AgencyID = newEntry(keys, nil)
	s.AgencyID.SetPlaceHolder("000.00.06.H56")
	s.Name = newVNEntry(keys, typing)
	s.Name.SetPlaceHolder(tr("UBND xã …"))
	s.Station = newEntry(keys, nil)
	s.Station.SetText("1/1")
	s.Username = newEntry(keys, nil)
	s.Username.SetPlaceHolder("admin")
	s.FullName = newVNEntry(keys, typing)
	s.Password = newPasswordEntry(keys)
	s.Confirm = newPasswordEntry(keys)
	// Enter saves from any field, as the button says; a field's message
	// goes as soon as it is changed.
	for k, e := range map[string]*Entry{"agency_id": s.AgencyID, "agency_name": s.Name, "station": s.Station,
		"username": s.Username, "full_name": s.FullName, "password": s.Password, "confirm": s.Confirm} {
		k := k
		e.OnSubmitted = func(string) { s.onSave() }
		prev := e.OnChanged
		e.OnChanged = func(t string) {
			s.errs[k].set("")
			if k == "password" {
				s.errs["confirm"].set("")
			}
			if prev != nil {
				prev(t)
			}
		}
	}
	s.Err = widget.NewLabel("")
	s.Err.Importance = widget.DangerImportance
	s.Err.Wrapping = fyne.TextWrapWord
	s.Save = newButton(keys, tr("Lưu và bắt đầu (Enter)"), s.onSave)
	s.Save.Importance = widget.HighImportance

	account := container.NewVBox(
		note(tr("Tài khoản quản trị đầu tiên: dùng để thêm cán bộ, sửa lịch làm việc và cấu hình máy. Mật khẩu ít nhất 8 ký tự.")),
		container.NewGridWithColumns(2,
			field(tr("Tên đăng nhập"), s.Username, s.errs["username"]),
			field(tr("Họ và tên"), s.FullName, s.errs["full_name"])),
		container.NewGridWithColumns(2,
			field(tr("Mật khẩu"), s.Password, s.errs["password"]),
			field(tr("Nhập lại mật khẩu"), s.Confirm, s.errs["confirm"])),
	)
	var body *fyne.Container
	if stationDone {
		id, _ := svc.Identity(context.Background())
		body = container.NewVBox(
			heading(tr("Tạo tài khoản quản trị")),
			note(tr("Máy đã được khởi tạo cho")+" "+id.AgencyName+" ("+id.AgencyID+", "+tr("máy")+" "+id.Station.String()+")."),
			account)
		s.first = s.Username
	} else {
		intro := note(tr("Máy này chưa được khởi tạo. Nhập mã định danh của xã (theo QCVN 102, do tỉnh cấp), tên cơ quan và số thứ tự của máy trong các máy quầy của xã (ví dụ 1/2: máy 1 trong 2 máy). Chưa cấu hình máy chủ tỉnh thì hồ sơ vẫn được tiếp nhận, lưu trên máy và gửi khi có kết nối."))
		body = container.NewVBox(
			heading(tr("1. Cơ quan và máy quầy")), intro,
			// One row for the three: the form fits a 1366×697 screen
			// with every message showing.
			container.New(&columns{weights: []float32{0.3, 0.2, 0.5}},
				field(tr("Mã định danh cơ quan"), s.AgencyID, s.errs["agency_id"]),
				field(tr("Số máy (K/N)"), s.Station, s.errs["station"]),
				field(tr("Tên cơ quan"), s.Name, s.errs["agency_name"])),
			widget.NewSeparator(),
			heading(tr("2. Tài khoản quản trị")),
			account)
		s.first = s.AgencyID
	}
	// The form scrolls on a small screen; the message and the button stay.
	card := widget.NewCard(tr("Khởi tạo máy quầy Một Cửa"), "", body)
	s.card = card
	bottom := container.NewCenter(container.New(&fixedWidth{w: setupWidth},
		container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, nil, s.Save, s.Err))))
	s.bottom = bottom
	s.content = container.NewBorder(nil, bottom, nil, nil,
		container.NewVScroll(container.NewCenter(container.New(&fixedWidth{w: setupWidth}, card))))
	return s
}

// Content is the screen's root object.
func (s *Setup) Content() fyne.CanvasObject { return s.content }

// ErrorText is the message under a field ("agency_id", "password", …).
func (s *Setup) ErrorText(field string) string { return s.errs[field].Text }

// FormHeight is the height the whole form needs, messages included, with
// the bar of the button under it.
func (s *Setup) FormHeight() float32 { return s.card.MinSize().Height + s.bottom.MinSize().Height }

// Focus is the field the screen starts in.
func (s *Setup) Focus() fyne.Focusable { return s.first }

func (s *Setup) clear() {
	for _, e := range s.errs {
		e.set("")
	}
	s.Err.SetText("")
}

// fail shows every problem of err under its field (the rest below the
// form) and gives the focus to the first field to correct.
func (s *Setup) fail(err error) {
	order := []string{"agency_id", "station", "agency_name", "username", "full_name", "password", "confirm"}
	entries := []*Entry{s.AgencyID, s.Station, s.Name, s.Username, s.FullName, s.Password, s.Confirm}
	for _, e := range allErrors(err) {
		f := errField(e)
		if f == "new_password" {
			f = "password"
		}
		if l, ok := s.errs[f]; ok {
			if l.Text != "" {
				l.set(l.Text + "\n" + errMsg(e))
			} else {
				l.set(errMsg(e))
			}
			continue
		}
		if s.Err.Text != "" {
			s.Err.SetText(s.Err.Text + "\n" + errMsg(e))
		} else {
			s.Err.SetText(errMsg(e))
		}
	}
	for i, f := range order {
		if s.errs[f].Text != "" && (!s.stationDone || i >= 3) {
			s.win.Canvas().Focus(entries[i])
			return
		}
	}
}

// check reports every problem of the form at once, before anything is
// written: a half-done set-up would leave the station without its
// administrator.
func (s *Setup) check() (app.Station, error) {
	var errs []error
	var st motcua.Station
	id := app.Station{AgencyID: s.AgencyID.Text, AgencyName: motcua.Clean(s.Name.Text)}
	if !s.stationDone {
		if err := motcua.ValidateAgencyID(id.AgencyID); err != nil {
			errs = append(errs, err)
		}
		if id.AgencyName == "" {
			errs = append(errs, motcua.Invalid(motcua.ErrRequired, "agency_name", "Chưa nhập tên cơ quan (ví dụ: UBND xã Quảng Phú)", "the agency name is missing"))
		}
		var err error
		if st, err = motcua.ParseStation(s.Station.Text); err != nil {
			errs = append(errs, err)
		}
		id.Station = st
	}
	nu := accounts.NewUser{Username: s.Username.Text, FullName: s.FullName.Text, Role: accounts.RoleAdmin, Password: s.Password.Text}
	errs = append(errs, accounts.ValidateNewUser(&nu))
	if s.Password.Text != s.Confirm.Text {
		errs = append(errs, motcua.Invalid(motcua.ErrBadValue, "confirm", "Hai lần nhập mật khẩu không giống nhau", "the two passwords differ"))
	}
	return id, errors.Join(errs...)
}

func (s *Setup) onSave() {
	s.clear()
	ctx := context.Background()
	id, err := s.check()
	if err != nil {
		s.fail(err)
		return
	}
	if !s.stationDone {
		if err := s.svc.Init(ctx, id, accounts.NormUsername(s.Username.Text)); err != nil {
			s.fail(err)
			return
		}
		s.stationDone = true
	}
	u, err := s.acc.CreateFirstAdmin(ctx, s.Username.Text, s.FullName.Text, s.Password.Text)
	if err != nil {
		s.fail(err)
		return
	}
	s.done(u)
}

// setupWidth is the set-up form's width: wide enough that its notes and
// messages take few lines on a 1366-pixel screen.
const setupWidth = 1000

// fixedWidth lays its one child out at width w (or less, on a small window).
type fixedWidth struct{ w float32 }

func (f *fixedWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	m := objs[0].MinSize()
	return fyne.NewSize(max(f.w, m.Width), m.Height)
}

func (f *fixedWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Resize(size)
		o.Move(fyne.NewPos(0, 0))
	}
}
