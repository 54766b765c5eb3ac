package cli

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua"
	"motcua/app"
	"motcua/app/continuity"
	"motcua/storage"
)

// startupCheck is the check before the window opens the database: a damaged
// file is never opened (nor overwritten); the officer is shown what to do.
func (c *cli) startupCheck() error {
	h := storage.CheckDatabase(context.Background(), c.dataDir(), c.dbPath(), false, c.now())
	if h.OK {
		return nil
	}
	msg := h.Message
	guide := "Hướng dẫn: gọi cán bộ CNTT; khôi phục bằng «motcua backup list» rồi «motcua restore ID» " +
		"(tệp hỏng được giữ lại trong thư mục damaged/, không bị xóa). Chi tiết: «motcua check --full»."
	if !c.noWindow {
		a := fyneapp.NewWithID("vn.motcua.counter")
		w := a.NewWindow("Một Cửa — cơ sở dữ liệu cần khôi phục")
		text := widget.NewLabel(msg + "\n\n" + guide)
		text.Wrapping = fyne.TextWrapWord
		w.SetContent(container.NewPadded(container.NewVBox(
			widget.NewLabelWithStyle("Không mở được cơ sở dữ liệu hồ sơ", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			text, widget.NewButton("Đóng", w.Close))))
		w.Resize(fyne.NewSize(720, 320))
		w.ShowAndRun()
	}
	return &motcua.Error{Kind: motcua.KindConflict, Code: "ERR_DATABASE_DAMAGED", Field: "data",
		Msg: msg + " " + guide, MsgEN: "the database failed the startup check; restore it from a backup (motcua backup list, motcua restore ID)"}
}

// startContinuity runs the continuity plan beside the window: automatic
// incidents from the link to the province, and the scheduled, verified
// backups when a backup destination is configured. bs is the backup
// service the window's "back up now" uses: made whenever the data folder's
// backup key opens (its screen says when no destination is chosen), its
// daily schedule started only with a destination.
func (c *cli) startContinuity(svc *app.Service) (stop func(), cs *continuity.Service, bs *continuity.BackupService) {
	ctx, cancel := context.WithCancel(context.Background())
	var stops []func()
	done := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
		cancel()
	}
	cs, err := continuity.New(ctx, svc, c.store)
	if err != nil {
		fmt.Fprintln(c.errOut, "kế hoạch ứng phó sự cố không chạy:", motcua.ErrorMessage(err))
		return done, nil, nil
	}
	if svc.Sync != nil {
		w := cs.NewWatcher(continuity.WatchConfig{Threshold: 10 * time.Minute})
		detach := w.Attach(svc.Sync.Subscribe)
		w.Observe(svc.Sync.Status())
		w.Start(ctx)
		stops = append(stops, func() { w.Stop(); detach() })
	}
	if b, err := c.backupper(nil); err == nil {
		bs = &continuity.BackupService{Svc: cs, Engine: b, Config: b.Config, Disk: storage.DiskUsage, DataDir: c.dataDir()}
		if b.Config.Dest != "" {
			bs.Start(ctx)
			stops = append(stops, bs.Stop)
		}
	} else {
		fmt.Fprintln(c.errOut, "sao lưu không dùng được từ cửa sổ:", motcua.ErrorMessage(err))
	}
	return done, cs, bs
}
