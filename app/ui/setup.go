package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua"
	"motcua/app"
)

// Setup is the first-run screen: the agency identifier, its name and the
// station number of this PC.
type Setup struct {
	win      fyne.Window
	svc      *app.Service
	AgencyID *widget.Entry
	Name     *widget.Entry
	Station  *widget.Entry
	Save     *widget.Button
	Err      *widget.Label
	done     func()
	content  fyne.CanvasObject
}

// NewSetup builds the setup screen; done runs once the station is saved.
func NewSetup(win fyne.Window, svc *app.Service, done func()) *Setup {
	s := &Setup{win: win, svc: svc, done: done}
	s.AgencyID = widget.NewEntry()
	s.AgencyID.SetPlaceHolder("000.00.06.H56")
	s.Name = widget.NewEntry()
	s.Name.SetPlaceHolder("UBND xã …")
	s.Station = widget.NewEntry()
	s.Station.SetText("1/1")
	s.Err = widget.NewLabel("")
	s.Err.Importance = widget.DangerImportance
	s.Err.Wrapping = fyne.TextWrapWord
	s.Save = widget.NewButton("Lưu và bắt đầu", s.onSave)
	s.Save.Importance = widget.HighImportance
	form := widget.NewForm(
		widget.NewFormItem("Mã định danh cơ quan", s.AgencyID),
		widget.NewFormItem("Tên cơ quan", s.Name),
		widget.NewFormItem("Số máy (K/N)", s.Station),
	)
	intro := widget.NewLabel("Máy này chưa được khởi tạo. Nhập mã định danh của xã (theo QCVN 102, do tỉnh cấp), tên cơ quan và số thứ tự của máy trong các máy quầy của xã (ví dụ 1/2: máy 1 trong 2 máy). Chưa cấu hình máy chủ tỉnh: hồ sơ vẫn được tiếp nhận và lưu, sẽ gửi khi có kết nối.")
	intro.Wrapping = fyne.TextWrapWord
	s.content = container.NewCenter(container.NewGridWrap(fyne.NewSize(640, 420),
		widget.NewCard("Khởi tạo máy quầy Một Cửa", "", container.NewVBox(intro, form, s.Err, s.Save))))
	return s
}

// Content is the screen's root object.
func (s *Setup) Content() fyne.CanvasObject { return s.content }

func (s *Setup) onSave() {
	st, err := motcua.ParseStation(s.Station.Text)
	if err == nil {
		err = s.svc.Init(context.Background(), app.Station{AgencyID: s.AgencyID.Text, AgencyName: s.Name.Text, Station: st}, "officer")
	}
	if err != nil {
		s.Err.SetText(motcua.ErrorMessage(err))
		return
	}
	s.done()
}
