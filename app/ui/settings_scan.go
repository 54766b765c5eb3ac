package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"motcua/app/accounts"
)

// ScanSettings is the "Máy quét" section of the settings: the folder the
// office scanner's "scan to folder" writes into, which the window watches.
type ScanSettings struct {
	s *Settings
	// Dir is the folder; empty turns the inbox off.
	Dir    *Entry
	Browse *Button
	Save   *Button
	// State says what is watched now.
	State *widget.Label
	Msg   fieldErr
	Done  *widget.Label
}

// ScanInbox is the scan-inbox section of this settings screen.
func (s *Settings) ScanInbox() *ScanSettings { return s.scan }

// scanInboxContent builds the section.
func (s *Settings) scanInboxContent() fyne.CanvasObject {
	k := s.keys
	x := &ScanSettings{s: s}
	x.Dir = newEntry(k, nil)
	x.Dir.SetPlaceHolder(tr("ví dụ: D:\\MayQuet"))
	x.Dir.OnSubmitted = func(string) { x.save() }
	x.Browse = newButton(k, tr("Chọn thư mục…"), x.browse)
	x.Save = newButton(k, tr("Lưu thư mục"), x.save)
	x.Save.Importance = widget.HighImportance
	x.State = widget.NewLabel("")
	x.State.Wrapping = fyne.TextWrapWord
	x.Msg = newFieldErr()
	x.Done = doneLabel()
	if !s.user().Can(accounts.PermStation) {
		disableWhy(notAllowed(s.user(), accounts.PermStation), x.Dir, x.Browse, x.Save)
	}
	if dir, err := s.svc.ScanInboxDir(context.Background()); err == nil {
		x.Dir.SetText(dir)
	}
	x.showState()

	s.scan = x

	return container.NewVBox(
		heading(tr("Hộp thư máy quét")),
		adminOnly(s.user(), accounts.PermStation),
		note(tr("Đặt máy quét của văn phòng lưu bản quét («quét vào thư mục») vào một thư mục. Một Cửa theo dõi thư mục đó: bản quét mới hiện ở màn hình Tiếp nhận và trong hồ sơ đang mở, kèm hình trang đầu. Bản quét đã đính kèm được chuyển sang thư mục con «processed»; tệp không hợp lệ ở lại, có ghi chú lỗi bên cạnh.")),
		field(tr("Thư mục hộp thư (để trống: tắt)"), container.NewBorder(nil, nil, nil, x.Browse, x.Dir), x.Msg),
		container.NewHBox(x.Save), x.Done, x.State)
}

func (x *ScanSettings) showState() {
	inb := x.s.main.opt.Inbox
	switch {
	case inb == nil:
		x.State.SetText(tr("Cửa sổ này chạy không có hộp thư máy quét."))
	case inb.Dir() != "":
		x.State.SetText(tr("Đang theo dõi:") + " " + inb.Dir())
	case inb.Err() != nil:
		x.State.SetText(tr("Không theo dõi được thư mục:") + " " + inb.Err().Error())
	default:
		x.State.SetText(tr("Chưa đặt thư mục: không có hộp thư máy quét."))
	}
}

func (x *ScanSettings) browse() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			x.Msg.set(errMsg(err))
			return
		}
		if u != nil {
			x.Dir.SetText(u.Path())
		}
	}, x.s.win)
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// save records the folder and watches it at once.
func (x *ScanSettings) save() {
	x.Msg.set("")
	x.Done.Hide()
	if err := accounts.Allow(x.s.user(), accounts.PermStation); err != nil {
		x.Msg.set(errMsg(err))
		return
	}
	if err := x.s.svc.SetScanInboxDir(context.Background(), x.Dir.Text, x.s.acting()); err != nil {
		x.Msg.set(errMsg(err))
		return
	}
	dir, _ := x.s.svc.ScanInboxDir(context.Background())
	x.Dir.SetText(dir)
	if inb := x.s.main.opt.Inbox; inb != nil {
		if err := inb.Start(dir); err != nil {
			x.Msg.set(tr("Đã lưu, nhưng không theo dõi được thư mục:") + " " + err.Error())
		}
	}
	x.Done.SetText(tr("Đã lưu thư mục hộp thư máy quét."))
	x.Done.Show()
	x.showState()
}
