package ui

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"motcua/app"
	"motcua/app/accounts"
)

// SyncScreen shows delivery to the province: the link, the queue with each
// message's state and the province's last answer, "send now", retrying a
// message the province refused once it is corrected, and the USB bundle
// for long outages. Without a sync engine it says so, with the number of
// changes waiting in the local queue.
type SyncScreen struct {
	*env

	Head       *fyne.Container
	headBanner *canvas.Text
	headBg     *canvas.Rectangle
	Detail     *widget.Label
	States     *widget.Select
	Items      *widget.List
	SendNow    *Button
	Retry      *Button
	Pause      *Button // pause or resume delivery (engines that are app.Pauser)
	Export     *Button
	Import     *Button
	Msg        fieldErr
	// Tech holds the raw error (or the admin's command) behind the words.
	Tech        *TechLink
	Done        *widget.Label
	Unavailable *fyne.Container

	items    []app.OutboxItem
	selected int
	status   *app.SyncStatus
	content  fyne.CanvasObject
}

var stateNames = map[string]string{
	"pending": "Chờ gửi", "sending": "Đang gửi", "acked": "Tỉnh đã nhận", "quarantined": "Tỉnh trả về, cần sửa",
}

func newSyncScreen(e *env) *SyncScreen {
	s := &SyncScreen{env: e, selected: -1, Msg: newFieldErr(), Tech: newTechLink(e.main)}
	s.Head, s.headBanner, s.headBg = banner("", colNeutral)
	s.Detail = widget.NewLabel("")
	s.Detail.Wrapping = fyne.TextWrapWord
	opts := []string{tr("Chưa gửi xong"), tr("Tỉnh trả về, cần sửa"), tr("Tất cả")}
	s.States = widget.NewSelect(opts, nil)
	s.States.SetSelectedIndex(0)
	s.Items = widget.NewList(func() int { return len(s.items) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		it := s.items[i]
		t := "#" + itoa(int(it.ID)) + " · " + it.DossierCode + " · " + tr(stateNames[it.State]) + " · " + tr("lần gửi:") + " " + itoa(it.Attempts) + " · " + fmtTime(it.CreatedAt)
		if it.LastError != "" {
			t += " · " + tr("lỗi:") + " " + netWords(it.LastError)
		}
		l := o.(*widget.Label)
		l.Importance = widget.MediumImportance
		if it.State == "quarantined" {
			l.Importance = widget.DangerImportance
		}
		l.SetText(t)
	})
	s.Items.OnSelected = func(i widget.ListItemID) {
		s.selected = i
		s.Retry.Disable()
		if s.items[i].State == "quarantined" && s.user().Can(accounts.PermSync) {
			s.Retry.Enable()
		}
	}
	s.SendNow = newButton(e.keys, tr("Gửi ngay (Ctrl+S)"), s.sendNow)
	s.SendNow.Importance = widget.HighImportance
	s.Retry = newButton(e.keys, tr("Gửi lại tin đã sửa"), s.retry)
	disableWhy(tr("Chọn một tin bị giữ lại (màu đỏ) trong danh sách để gửi lại."), s.Retry)
	s.Pause = newButton(e.keys, tr("Tạm dừng gửi"), s.togglePause)
	if _, ok := e.svc.Sync.(app.Pauser); !ok || !e.user().Can(accounts.PermSync) {
		s.Pause.Hide()
	}
	s.Export = newButton(e.keys, tr("Xuất gói USB…"), s.export)
	s.Import = newButton(e.keys, tr("Nhập gói USB…"), s.importBundle)
	if !e.user().Can(accounts.PermSync) {
		disableWhy(notAllowed(e.user(), accounts.PermSync), s.Export, s.Import)
	}
	s.Done = widget.NewLabel("")
	s.Done.Wrapping = fyne.TextWrapWord
	s.Done.Importance = widget.SuccessImportance
	s.Done.Hide()
	s.States.OnChanged = func(string) { s.reload() }

	if e.svc.Sync == nil {
		title := heading(tr("Chưa cấu hình máy chủ tỉnh"))
		s.Unavailable = container.NewVBox(title, s.Detail,
			note(tr("Hồ sơ vẫn được tiếp nhận, in giấy hẹn và lưu trên máy này. Khi quản trị cấu hình địa chỉ và tài khoản máy chủ của tỉnh, các cập nhật trong hàng đợi sẽ được gửi lần lượt, không mất, không trùng.")))
		s.content = container.NewCenter(container.New(&fixedWidth{w: 760}, s.Unavailable))
		return s
	}
	st := e.svc.Sync.Status()
	s.status = &st
	top := container.NewVBox(s.Head, s.Detail, container.NewHBox(s.Tech),
		container.NewHBox(s.SendNow, s.Retry, s.Pause, spacer(), s.Export, s.Import), s.Msg, s.Done,
		widget.NewSeparator(), container.NewBorder(nil, nil, bold(tr("Hàng đợi gửi lên tỉnh")), container.New(&fixedWidth{w: 240}, s.States)))
	s.content = container.NewBorder(top, nil, nil, nil, s.Items)
	return s
}

// Content is the screen's root object.
func (s *SyncScreen) Content() fyne.CanvasObject { return s.content }

func (s *SyncScreen) shown() {
	s.reload()
	if s.svc.Sync != nil {
		s.focus(s.SendNow)
	}
}

func (s *SyncScreen) bindings() map[string]func() {
	return map[string]func(){sc(ctrl(fyne.KeyS)): s.sendNow}
}

func (s *SyncScreen) setStatus(st app.SyncStatus) {
	s.status = &st
	if s.frame != nil && s.frame.current == ScreenSync {
		s.paint()
	}
}

func (s *SyncScreen) pending() int {
	if oc, ok := app.StoreAs[outboxCounter](s.svc.Store); ok {
		if st, err := oc.OutboxStats(context.Background()); err == nil {
			return st["pending"] + st["sending"] + st["quarantined"]
		}
	}
	return 0
}

func (s *SyncScreen) paint() {
	if s.svc.Sync == nil {
		s.Detail.SetText(thousands(s.pending()) + " " + tr("cập nhật hồ sơ đang chờ gửi trong hàng đợi của máy này."))
		return
	}
	st := s.status
	text, col := connText(st, st.Pending, s.now())
	s.headBanner.Text, s.headBg.FillColor = text, col
	s.headBanner.Refresh()
	s.headBg.Refresh()
	lines := []string{}
	var tech error
	s.SendNow.Enable()
	if st.State == app.ConnUnconfigured {
		disableWhy(tr("Máy này chưa được kết nối với hệ thống của tỉnh nên chưa gửi được. Hồ sơ vẫn được lưu và xếp hàng; nhờ quản trị cấu hình kết nối."), s.SendNow)
		lines = append(lines, tr("Chưa cấu hình máy chủ tỉnh: hồ sơ vẫn được tiếp nhận và xếp hàng. Nhờ quản trị cấu hình kết nối tới tỉnh (lệnh ở «Chi tiết kỹ thuật…»)."))
		tech = errors.New("motcua province set --url URL --user USER --password-file FILE  (README, Sync)")
	}
	s.Pause.SetText(tr("Tạm dừng gửi"))
	if st.Paused {
		s.Pause.SetText(tr("Tiếp tục gửi"))
		if st.Simulated {
			lines = append(lines, tr("Đang diễn tập mô phỏng mất kết nối: kết thúc diễn tập ở màn hình F7 Liên tục. Chỉ bấm «Tiếp tục gửi» khi cuộc diễn tập bị bỏ dở."))
		} else {
			lines = append(lines, tr("Việc gửi lên tỉnh đang tạm dừng; hồ sơ vẫn được tiếp nhận và xếp hàng. Bấm «Tiếp tục gửi» để gửi hết hàng đợi."))
		}
	}
	if st.Quarantined > 0 {
		lines = append(lines, thousands(st.Quarantined)+" "+tr("tin bị tỉnh trả về: mở hồ sơ, sửa, rồi «Gửi lại tin đã sửa»."))
	}
	if !st.LastSync.IsZero() {
		lines = append(lines, tr("Lần gửi thành công gần nhất:")+" "+fmtTime(st.LastSync))
	} else {
		lines = append(lines, tr("Chưa gửi thành công lần nào."))
	}
	if st.LastError != "" {
		lines = append(lines, tr("Lỗi gần nhất:")+" "+netWords(st.LastError))
		if e := netErr(st.LastError); e != nil {
			tech = e
		}
	}
	s.Detail.SetText(strings.Join(lines, "\n"))
	s.Tech.set(tech)
}

func (s *SyncScreen) reload() {
	s.paint()
	if s.svc.Sync == nil {
		return
	}
	var states []string
	switch s.States.SelectedIndex() {
	case 0:
		states = []string{"pending", "sending", "quarantined"}
	case 1:
		states = []string{"quarantined"}
	}
	items, err := s.svc.Sync.Items(context.Background(), states, 500)
	if err != nil {
		s.Msg.set(errMsg(err))
		return
	}
	s.items = items
	s.selected = -1
	s.Retry.Disable()
	s.Items.UnselectAll()
	s.Items.Refresh()
}

func (s *SyncScreen) sendNow() {
	if s.svc.Sync == nil {
		return
	}
	s.Msg.set("")
	s.svc.Sync.SendNow()
	s.Done.SetText(tr("Đã yêu cầu gửi ngay; trạng thái cập nhật ở thanh dưới cùng."))
	s.Done.Show()
}

// togglePause pauses delivery, or resumes it when paused.
func (s *SyncScreen) togglePause() {
	p, ok := s.svc.Sync.(app.Pauser)
	if !ok {
		return
	}
	if err := accounts.Allow(s.user(), accounts.PermSync); err != nil {
		s.Msg.set(errMsg(err))
		return
	}
	s.Msg.set("")
	ctx := context.Background()
	paused := s.status != nil && s.status.Paused
	if paused {
		if err := p.ResumeDelivery(ctx, s.actor()); err != nil {
			s.Msg.set(errMsg(err))
			return
		}
		s.Done.SetText(tr("Đã tiếp tục gửi lên tỉnh; hàng đợi sẽ được gửi hết."))
	} else {
		if err := p.PauseDelivery(ctx, s.actor(), "tạm dừng từ màn hình Đồng bộ"); err != nil {
			s.Msg.set(errMsg(err))
			return
		}
		s.Done.SetText(tr("Đã tạm dừng gửi lên tỉnh; hồ sơ vẫn được tiếp nhận."))
	}
	s.Done.Show()
	// The engine publishes the new status from its own goroutine; show
	// the change now rather than the snapshot it has not replaced yet.
	st := s.svc.Sync.Status()
	if s.status != nil {
		st = *s.status
	}
	st.Paused = !paused
	st.Simulated = false
	s.status = &st
	s.paint()
	// The status bar too: it must not go on saying the link is lost.
	s.frame.Status.setSync(st)
}

func (s *SyncScreen) retry() {
	if s.selected < 0 || s.selected >= len(s.items) {
		return
	}
	if err := accounts.Allow(s.user(), accounts.PermSync); err != nil {
		s.Msg.set(errMsg(err))
		return
	}
	it := s.items[s.selected]
	if err := s.svc.Sync.Retry(context.Background(), it.ID); err != nil {
		s.Msg.set(errMsg(err))
		return
	}
	s.Done.SetText(tr("Tin") + " #" + itoa(int(it.ID)) + " " + tr("đã được đưa lại vào hàng đợi."))
	s.Done.Show()
	s.reload()
}

func (s *SyncScreen) export() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		n, err := s.svc.Sync.ExportBundle(context.Background(), path)
		if err != nil {
			s.Msg.set(errMsg(err))
			return
		}
		s.Done.SetText(tr("Đã xuất") + " " + thousands(n) + " " + tr("tin vào") + " " + path)
		s.Done.Show()
	}, s.win)
	d.SetFileName("motcua-goi-usb-" + s.now().Format("20060102-1504") + ".bin")
	d.Show()
}

func (s *SyncScreen) importBundle() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		n, err := s.svc.Sync.ImportBundle(context.Background(), path)
		if err != nil {
			s.Msg.set(errMsg(err))
			return
		}
		s.Done.SetText(tr("Đã nhập") + " " + thousands(n) + " " + tr("tin từ") + " " + path)
		s.Done.Show()
		s.frame.changed()
	}, s.win)
	d.Show()
}
