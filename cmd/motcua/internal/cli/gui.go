package cli

import (
	"context"
	"fmt"
	"motcua/cmd/motcua/internal/cleanlocale"
	"os"
	"path/filepath"
	"runtime"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/field"
	"motcua/app/reports"
	"motcua/app/syncing"
	"motcua/app/ui"
	"motcua/packaging/icons"
	"motcua/scanning/pdfrender"
	"motcua/storage"
)

// gui opens the counter window and blocks until it is closed.
func (c *cli) gui() (err error) {
	if !c.noWindow {
		if err := needDisplay(); err != nil {
			return err
		}
	}
	defer windowPanic(&err)
	if err := c.startupCheck(); err != nil {
		return err
	}
	svc, err := c.open()
	if err != nil {
		return err
	}
	opt, err := c.uiOptions(context.Background(), svc)
	if err != nil {
		return err
	}
	c.wireScans(svc, opt.Keys)
	stopSync := c.startSync(svc)
	defer stopSync()
	stopContinuity, cs, bs := c.startContinuity(svc)
	defer stopContinuity()
	if cs != nil {
		// The window words the status bar's incident line itself, in its
		// language (Options.Incident left nil).
		opt.Continuity = cs
	}
	opt.Backups = bs
	// A drill's simulated outage pauses the real engine; with no province
	// configured there is nothing to pause and drills run as tabletop
	// exercises (the continuity screen says so).
	if r, ok := svc.Sync.(*syncing.Runner); ok && r.Configured() {
		opt.Outage = r.DrillOutage()
		opt.ProvinceCheck = r.ProvinceCheck()
	}
	opt.Inbox = c.startInbox(svc, opt.Keys)
	defer opt.Inbox.Stop()
	if os.Getenv("RESOURCE_NAME") == "" { // GLFW's X11 WM_CLASS instance: docks match the desktop entry's StartupWMClass
		os.Setenv("RESOURCE_NAME", "vn.motcua.counter")
	}
	a := fyneapp.NewWithID("vn.motcua.counter")
	a.SetIcon(fyne.NewStaticResource("motcua.png", icons.PNG)) // the window's icon (no fyne-package metadata in go build)
	w := a.NewWindow("Một Cửa — Bộ phận tiếp nhận và trả kết quả")
	w.Resize(fyne.NewSize(1366, 740))
	m := ui.NewMain(w, svc, opt)
	defer m.Close()
	w.ShowAndRun()
	return nil
}

// uiOptions wires the window's services: the accounts, the station's
// signing key (created at the first start), where the forms are written.
func (c *cli) uiOptions(ctx context.Context, svc *app.Service) (ui.Options, error) {
	station := ""
	if id, err := svc.Identity(ctx); err == nil {
		station = id.Station.String()
	}
	keys, err := app.LoadKeys(ctx, c.data, c.store, station, "system")
	if err != nil {
		return ui.Options{}, err
	}
	opt := ui.Options{
		Accounts:  c.accounts(),
		Keys:      keys,
		PapersDir: filepath.Join(c.data, "papers"),
		Thumbs:    pdfrender.Isolated(),
		// the window's working calendar is used (Calendar nil)
		Reports: reports.New(storage.ReportSource{S: c.store}, nil, svc.Clock), // the window's clock: the reminder and the status bar agree
	}
	// Field mode: slips scanned at intake; pre-dossiers whose time is up
	// are purged at each start (logged in the audit).
	if fst, err := storage.OpenField(c.store, c.data); err == nil {
		opt.Field = &field.Service{App: svc, Store: fst, SlipKey: keys.Priv}
		if _, err := opt.Field.Purge(ctx); err != nil {
			fmt.Fprintln(c.errOut, "không xóa được hồ sơ chuẩn bị quá hạn:", motcua.ErrorMessage(err))
		}
	} else {
		fmt.Fprintln(c.errOut, "chế độ hiện trường không mở được:", motcua.ErrorMessage(err))
	}
	return opt, nil
}

// wireScans gives the window digitisation: the data directory's blob
// store and the window's station key. Wired on a new station too, so that
// the first session after set-up digitises without a restart (the key is
// the one the window signs its forms with). A blob store that cannot be
// opened leaves it off: the window says so where it is used.
func (c *cli) wireScans(svc *app.Service, keys *app.Keys) {
	if svc.Scans != nil {
		return
	}
	blobs, err := storage.OpenBlobs(c.data)
	if err != nil {
		fmt.Fprintln(c.errOut, "chức năng số hóa không mở được:", motcua.ErrorMessage(err))
		return
	}
	ctx := context.Background()
	svc.Scans = &app.Scans{Attachments: c.store, Blobs: blobs, Signer: keys, Citizens: c.store, Limits: scanLimits(ctx, c.store)}
}

// accounts is the account service on the station's store and the
// program's clock.
func (c *cli) accounts() *accounts.Service {
	acc := accounts.New(c.store)
	acc.Clock = c.clock
	return acc
}

// needDisplay says, in one sentence, that a window cannot open on a Linux
// session with no display (SSH, a service): without it GLFW panics.
func needDisplay() error {
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" {
		return nil
	}
	if os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != "" {
		cleanlocale.Fix() // the window's Fyne reads the locale again
		return nil
	}
	return noWindowErr(nil)
}

func noWindowErr(cause error) error {
	return &motcua.Error{Kind: motcua.KindInternal, Code: "ERR_NO_DISPLAY", Field: "display",
		Msg:   "Không mở được cửa sổ: phiên làm việc này không có màn hình (chưa đặt DISPLAY); chạy motcua trên máy có màn hình, hoặc dùng các lệnh (motcua help)",
		MsgEN: "cannot open the window: this session has no display (DISPLAY is not set); run motcua on a desktop, or use the commands (motcua help)",
		Err:   cause}
}

// windowPanic turns the panic of a window that cannot be created (a
// display that does not answer) into that one-sentence error.
func windowPanic(err *error) {
	if r := recover(); r != nil {
		*err = noWindowErr(fmt.Errorf("%v", r))
	}
}
