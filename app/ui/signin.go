package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua/app"
	"motcua/app/accounts"
)

// SignIn is the sign-in screen; a user whose password was reset by an
// administrator chooses a new one here before the frame opens.
type SignIn struct {
	win  fyne.Window
	acc  *accounts.Service
	keys *Keys

	Username, Password *Entry
	Submit             *Button
	Err                fieldErr
	// The password change a reset account must go through.
	NewPassword, Confirm *Entry
	Change               *Button
	ChangeErr            fieldErr

	user    *accounts.User
	done    func(*accounts.User)
	stack   *fyne.Container
	signin  fyne.CanvasObject
	change  *widget.Card
	content fyne.CanvasObject
}

// NewSignIn builds the sign-in screen; done runs with the signed-in user.
func NewSignIn(win fyne.Window, svc *app.Service, acc *accounts.Service, keys *Keys, username string, done func(*accounts.User)) *SignIn {
	s := &SignIn{win: win, acc: acc, keys: keys, done: done, Err: newFieldErr(), ChangeErr: newFieldErr()}
	s.Username = newEntry(keys, nil)
	s.Username.SetText(username)
	s.Username.SetPlaceHolder(tr("ví dụ: lan.nt"))
	s.Username.OnSubmitted = func(string) { win.Canvas().Focus(s.Password) }
	s.Password = newPasswordEntry(keys)
	s.Password.OnSubmitted = func(string) { s.onSubmit() }
	s.Submit = newButton(keys, tr("Đăng nhập (Enter)"), s.onSubmit)
	s.Submit.Importance = widget.HighImportance

	s.NewPassword = newPasswordEntry(keys)
	s.NewPassword.OnSubmitted = func(string) { win.Canvas().Focus(s.Confirm) }
	s.Confirm = newPasswordEntry(keys)
	s.Confirm.OnSubmitted = func(string) { s.onChange() }
	s.Change = newButton(keys, tr("Đổi mật khẩu và vào làm việc"), s.onChange)
	s.Change.Importance = widget.HighImportance

	agency := tr("Bộ phận tiếp nhận và trả kết quả")
	if id, err := svc.Identity(context.Background()); err == nil {
		agency = id.AgencyName + " · " + tr("máy") + " " + id.Station.String()
	}
	s.signin = widget.NewCard(tr("Đăng nhập"), agency, container.NewVBox(
		field(tr("Tên đăng nhập"), s.Username, newFieldErr()),
		field(tr("Mật khẩu"), s.Password, s.Err),
		container.NewHBox(spacer(), s.Submit)))
	s.change = widget.NewCard(tr("Đặt mật khẩu mới"), "", container.NewVBox(
		field(tr("Mật khẩu mới"), s.NewPassword, newFieldErr()),
		field(tr("Nhập lại mật khẩu mới"), s.Confirm, s.ChangeErr),
		container.NewHBox(spacer(), s.Change)))
	s.change.Hide()
	title := heading("Một Cửa")
	title.Alignment = fyne.TextAlignCenter
	s.stack = container.NewStack(s.signin, s.change)
	s.content = container.NewCenter(container.New(&fixedWidth{w: 460}, container.NewVBox(title, s.stack)))
	return s
}

// Content is the screen's root object.
func (s *SignIn) Content() fyne.CanvasObject { return s.content }

// ChangeReason is why the account must choose a password (the card's
// subtitle): a new account, or a reset one.
func (s *SignIn) ChangeReason() string { return s.change.Subtitle }

// Focus is where typing starts: the username, or the password when the
// name is already filled.
func (s *SignIn) Focus() fyne.Focusable {
	if s.Username.Text != "" {
		return s.Password
	}
	return s.Username
}

func (s *SignIn) onSubmit() {
	s.Err.set("")
	u, err := s.acc.SignIn(context.Background(), s.Username.Text, s.Password.Text)
	s.Password.SetText("")
	if err != nil {
		s.Err.set(errMsg(err))
		s.win.Canvas().Focus(s.Password)
		return
	}
	if u.MustChange {
		s.user = u
		// A new account and a reset one both choose their own password;
		// each is told why in its own words.
		if u.FirstSignIn {
			s.change.SetSubTitle(tr("Chào mừng! Đây là lần đăng nhập đầu tiên của tài khoản này: chọn mật khẩu riêng của bạn (ít nhất 8 ký tự) thay cho mật khẩu tạm đã được giao (quản trị cấp, hoặc mã tỉnh giao)."))
		} else {
			s.change.SetSubTitle(tr("Quản trị đã đặt lại mật khẩu của bạn: chọn mật khẩu riêng (ít nhất 8 ký tự)."))
		}
		s.signin.Hide()
		s.change.Show()
		s.win.Canvas().Focus(s.NewPassword)
		return
	}
	s.done(u)
}

func (s *SignIn) onChange() {
	s.ChangeErr.set("")
	if s.NewPassword.Text != s.Confirm.Text {
		s.ChangeErr.set(tr("Hai lần nhập mật khẩu không giống nhau"))
		return
	}
	// The user has just proved the old password; the reset one is stored.
	u, err := s.acc.ChangePasswordAfterReset(context.Background(), s.user, s.NewPassword.Text)
	if err != nil {
		s.ChangeErr.set(errMsg(err))
		return
	}
	s.done(u)
}

// LockScreen hides the frame after an idle period or Ctrl+L. The same
// officer unlocks with the password and finds everything as it was;
// another officer may sign in instead.
type LockScreen struct {
	acc      *accounts.Service
	user     *accounts.User
	Password *Entry
	Unlock   *Button
	Switch   *Button
	// Why says why the window is locked: by the officer, or idle.
	Why     *widget.Label
	Err     fieldErr
	content fyne.CanvasObject
}

// NewLockScreen builds the lock screen for user.
func NewLockScreen(win fyne.Window, acc *accounts.Service, keys *Keys, user *accounts.User, idle bool, unlocked func(*accounts.User), other func()) *LockScreen {
	l := &LockScreen{acc: acc, user: user, Err: newFieldErr()}
	l.Password = newPasswordEntry(keys)
	do := func() {
		l.Err.set("")
		u, err := acc.SignIn(context.Background(), user.Username, l.Password.Text)
		l.Password.SetText("")
		if err != nil {
			l.Err.set(errMsg(err))
			return
		}
		unlocked(u)
	}
	l.Password.OnSubmitted = func(string) { do() }
	l.Unlock = newButton(keys, tr("Mở khóa (Enter)"), do)
	l.Unlock.Importance = widget.HighImportance
	l.Switch = newButton(keys, tr("Đăng nhập tài khoản khác"), other)
	why := tr("Bạn đã khóa máy (Ctrl+L). Dữ liệu đang nhập vẫn được giữ nguyên.")
	if idle {
		why = tr("Máy tự khóa khi không dùng một lúc. Dữ liệu đang nhập vẫn được giữ nguyên.")
	}
	l.Why = note(why)
	card := widget.NewCard(tr("Máy đang khóa"), user.FullName+" ("+user.Username+")", container.NewVBox(
		l.Why,
		field(tr("Mật khẩu"), l.Password, l.Err),
		container.NewHBox(l.Switch, spacer(), l.Unlock)))
	l.content = container.NewCenter(container.New(&fixedWidth{w: 460}, card))
	return l
}

// Content is the screen's root object.
func (l *LockScreen) Content() fyne.CanvasObject { return l.content }
