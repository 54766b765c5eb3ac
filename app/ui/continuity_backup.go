package ui

import (
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua/app/continuity"
)

// ContBackup is "back up now", the backups at the destination with their
// verification, the free space of the disks, and how to restore. Restoring
// replaces the database file, which the window holds open: it is done with
// the window closed (motcua restore ID), so the screen gives the exact
// guidance instead of doing it live.
type ContBackup struct {
	c  *Continuity
	bs *continuity.BackupService

	Dest   *widget.Label
	RunNow *Button
	// Verify checks the selected backup again (restored into a temporary
	// place, every attachment decrypted and compared).
	Verify   *Button
	Progress *widget.ProgressBarInfinite
	Msg      fieldErr
	Done     *widget.Label
	Disks    *widget.Label
	List     *widget.List
	backups  []continuity.BackupInfo
	selected string // the backup chosen in the list
	Restore  *widget.Label

	busy    sync.WaitGroup
	running bool
	content fyne.CanvasObject
}

func newContBackup(c *Continuity) *ContBackup {
	s := &ContBackup{c: c, bs: c.main.opt.Backups, Msg: newFieldErr(), Done: doneLabel()}
	s.Dest = wrapLabel("")
	s.RunNow = newButton(c.keys, tr("Sao lưu ngay (Ctrl+U)"), s.runNow)
	s.RunNow.Importance = widget.HighImportance
	s.Verify = newButton(c.keys, tr("Kiểm tra lại bản sao lưu"), s.verify)
	s.Verify.Disable()
	s.Progress = widget.NewProgressBarInfinite()
	s.Progress.Stop()
	s.Progress.Hide()
	s.Disks = wrapLabel("")
	s.List = widget.NewList(func() int { return len(s.backups) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		b := s.backups[i]
		l := o.(*widget.Label)
		l.Importance = widget.MediumImportance
		if !b.Verified.IsZero() && !b.VerifyOK {
			l.Importance = widget.DangerImportance
		}
		l.SetText(backupLine(b))
	})
	s.List.OnSelected = func(i widget.ListItemID) {
		if i < len(s.backups) {
			s.selected = s.backups[i].ID
			s.Restore.SetText(restoreGuide(s.selected))
			setEnabled(s.Verify, !s.running)
		}
	}
	s.Restore = wrapLabel(restoreGuide(""))
	if s.bs == nil {
		s.RunNow.Disable()
	}
	top := container.NewVBox(heading(tr("Sao lưu dữ liệu")), s.Dest,
		container.NewHBox(s.RunNow, s.Verify), s.Progress, s.Msg, s.Done,
		widget.NewSeparator(), bold(tr("Dung lượng ổ đĩa")), s.Disks,
		widget.NewSeparator(), bold(tr("Các bản sao lưu (mới nhất trước)")))
	left := container.NewBorder(top, nil, nil, nil, s.List)
	right := container.NewVScroll(container.NewVBox(heading(tr("Khôi phục từ bản sao lưu")), s.Restore))
	s.content = container.New(&columns{weights: []float32{0.58, 0.42}}, container.NewPadded(left), container.NewPadded(right))
	return s
}

func backupLine(b continuity.BackupInfo) string {
	v := tr("chưa kiểm tra")
	switch {
	case !b.Verified.IsZero() && b.VerifyOK:
		v = tr("đã kiểm tra, đạt") + " " + fmtTime(b.Verified)
	case !b.Verified.IsZero():
		v = tr("KIỂM TRA KHÔNG ĐẠT") + ": " + b.VerifyNote
	}
	return b.ID + " · " + fmtTime(b.Created) + " · " + num(b.Dossiers, "hồ sơ") + " · " + num(b.Files, "tệp") +
		" · " + continuity.HumanBytes(uint64(max(b.DBStored, 0))) + " · " + v
}

// restoreGuide is what restoring a backup takes, step by step.
func restoreGuide(id string) string {
	if id == "" {
		id = "ID"
	}
	return strings.Join([]string{
		tr("Khôi phục thay thế toàn bộ cơ sở dữ liệu của máy này, nên không làm được khi phần mềm đang mở. Quản trị hoặc cán bộ CNTT làm như sau:"),
		"1. " + tr("Đóng cửa sổ Một Cửa trên máy này."),
		"2. " + tr("Mở cửa sổ lệnh và chạy:") + " motcua restore " + id,
		"   " + tr("(bản sao lưu của máy khác cần khóa dự phòng: thêm --identity TỆP-KHÓA)"),
		"3. " + tr("Tệp cơ sở dữ liệu đang dùng không bị xóa: nó được chuyển vào thư mục damaged/ bên cạnh."),
		"4. " + tr("Lệnh in ra các hồ sơ tiếp nhận sau thời điểm sao lưu (bị mất khỏi máy): hồ sơ đã gửi lên tỉnh thì lấy lại từ tỉnh; hồ sơ chưa gửi thì nhập lại từ liên 2 của giấy tiếp nhận hoặc bản quét."),
		"5. " + tr("Nếu bị gián đoạn giữa chừng: chạy «motcua restore --resume». Sau đó mở lại phần mềm; kiểm tra bằng «motcua check»."),
	}, "\n")
}

func (s *ContBackup) reload() {
	if s.bs == nil {
		s.Dest.SetText(tr("Sao lưu chưa sẵn sàng trên máy này. Quản trị chọn nơi sao lưu (ổ thứ hai hoặc USB) bằng lệnh «motcua backup config --dest THƯ-MỤC», rồi mở lại phần mềm."))
		s.Disks.SetText("—")
		return
	}
	dest := s.bs.Config.Dest
	if dest == "" {
		s.Dest.SetText(tr("Chưa chọn nơi sao lưu. Quản trị chạy «motcua backup config --dest THƯ-MỤC» (ổ thứ hai hoặc USB), rồi mở lại phần mềm."))
		setEnabled(s.RunNow, false)
	} else {
		last, lastErr := s.bs.Last()
		t := tr("Nơi sao lưu:") + " " + dest + " · " + tr("tự động mỗi ngày") + "\n" + tr("Lần sao lưu thành công gần nhất:") + " " + fmtTime(last)
		if lastErr != nil {
			t += "\n" + tr("Lần gần nhất lỗi:") + " " + errMsg(lastErr)
		}
		s.Dest.SetText(t)
		setEnabled(s.RunNow, !s.running)
	}
	var disks []string
	s.Disks.Importance = widget.MediumImportance
	for _, d := range s.bs.CheckDisks() {
		disks = append(disks, d.Text)
		if d.Level > continuity.LevelInfo {
			s.Disks.Importance = widget.DangerImportance
		}
	}
	if len(disks) == 0 {
		disks = append(disks, "—")
	}
	s.Disks.SetText(strings.Join(disks, "\n"))
	if dest == "" {
		s.backups = nil
		s.List.Refresh()
		return
	}
	list, err := s.bs.Engine.List(bgctx())
	if err != nil {
		s.Msg.set(errMsg(err))
		return
	}
	s.backups = list
	s.List.UnselectAll()
	s.List.Refresh()
	// The chosen backup stays chosen (its line now says how it was checked).
	for i, b := range list {
		if b.ID == s.selected {
			s.List.Select(i)
			return
		}
	}
	s.selected = ""
	s.Verify.Disable()
	s.Restore.SetText(restoreGuide(""))
}

// runNow backs up in the background: the button waits, a bar moves.
func (s *ContBackup) runNow() {
	if s.bs == nil || s.running || s.bs.Config.Dest == "" {
		return
	}
	by := s.c.acting()
	s.background(s.RunNow, tr("Đang sao lưu…"), tr("Sao lưu ngay (Ctrl+U)"), func() func() {
		info, rep, err := s.bs.RunNow(bgctx(), by)
		return func() {
			if err != nil {
				s.Msg.set(errMsg(err))
				return
			}
			t := tr("Đã sao lưu") + " " + info.ID + ": " + num(info.Dossiers, "hồ sơ") + ", " + num(info.Files, "tệp đính kèm")
			if rep != nil && rep.OK {
				t += " · " + tr("đã khôi phục thử và kiểm tra: đạt")
			}
			say(s.Done, t)
		}
	})
}

// verify checks the chosen backup again in the background: both buttons
// wait, a bar moves, and the result is one plain line.
func (s *ContBackup) verify() {
	id := s.selected
	if s.bs == nil || s.running || id == "" {
		return
	}
	by := s.c.actor()
	s.background(s.Verify, tr("Đang kiểm tra…"), tr("Kiểm tra lại bản sao lưu"), func() func() {
		rep, err := s.bs.Verify(bgctx(), id, true, by)
		return func() {
			switch {
			case err != nil:
				s.Msg.set(tr("Không kiểm tra được bản sao lưu") + " " + id + ": " + errMsg(err))
			case rep.OK:
				say(s.Done, tr("Bản sao lưu")+" "+id+": "+tr("kiểm tra lại ĐẠT")+" · "+itoa(rep.Dossiers)+" "+tr("hồ sơ")+" · "+
					itoa(rep.FilesChecked)+"/"+itoa(rep.Files)+" "+tr("tệp đính kèm đã so khớp")+" · "+fmtTime(rep.Checked))
			default:
				s.Msg.set(tr("Bản sao lưu") + " " + id + " " + tr("KHÔNG ĐẠT khi kiểm tra lại, không dùng để khôi phục được:") + " " +
					strings.Join(rep.Problems, "; ") + ". " + tr("Sao lưu ngay một bản mới và báo cán bộ CNTT."))
			}
		}
	})
}

// background runs work off the UI goroutine while both buttons wait, btn
// says busyText and a bar moves; then, on the UI goroutine, the function
// work returned shows the outcome, btn says idleText again and the list
// is read again.
func (s *ContBackup) background(btn *Button, busyText, idleText string, work func() (show func())) {
	s.Msg.set("")
	s.Done.Hide()
	s.running = true
	s.RunNow.Disable()
	s.Verify.Disable()
	btn.SetText(busyText)
	s.Progress.Show()
	s.Progress.Start()
	s.busy.Add(1)
	go func() {
		defer s.busy.Done()
		show := work()
		onUIWait(func() {
			s.running = false
			s.Progress.Stop()
			s.Progress.Hide()
			btn.SetText(idleText)
			show()
			s.reload()
		})
	}()
}

// Wait returns when a backup or a check started from the screen is done.
func (s *ContBackup) Wait() { s.busy.Wait() }
