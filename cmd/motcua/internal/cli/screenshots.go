//go:build tour

package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/driver/desktop"
	"github.com/spf13/cobra"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/continuity"
	"motcua/app/forms"
	"motcua/app/ui"
	"motcua/storage"
)

// screenshots runs the real window on sample data and saves a picture of
// every screen, for a person to look at (make screenshots, under Xvfb):
//
//	motcua screenshots [--out DIR] [--startup-only]
//
// The window is 1366×697: what a maximised window leaves of a 1366×768
// laptop screen once Windows has drawn its taskbar and the title bar. The
// clock is fixed on a working Monday morning so that the pictures are the
// same from one run to the next.
func init() { extraCommands = append(extraCommands, (*cli).screenshotsCmd) }

func (c *cli) screenshotsCmd() *cobra.Command {
	cmd := newCmd("screenshots", "Chụp mọi màn hình của cửa sổ trên dữ liệu mẫu (bản dựng -tags tour) / picture every screen on sample data (-tags tour build)",
		"  xvfb-run -a -s \"-screen 0 1366x768x24\" motcua-tour screenshots --out testout/screenshots")
	out := cmd.Flags().String("out", filepath.Join("testout", "screenshots"), "thư mục ghi ảnh PNG / folder for the PNG pictures")
	startupOnly := cmd.Flags().Bool("startup-only", false, "chỉ đo thời gian mở cửa sổ tới khung hình đầu / only time the window's start to its first frame")
	size := cmd.Flags().String("size", "1366x697", "cỡ cửa sổ RỘNGxCAO (màn hình Xvfb phải đủ lớn) / window size WxH (the Xvfb screen must hold it)")
	cmd.Args = noArgs
	cmd.RunE = func(*cobra.Command, []string) error {
		w, h, err := parseWindowSize(*size)
		if err != nil {
			return err
		}
		winSize = fyne.NewSize(w, h)
		return c.screenshots(*out, *startupOnly)
	}
	return cmd
}

// winSize is the tour's window: 1366×697 unless --size says otherwise (a
// 1920×1080 office monitor). Whatever the size, every screen must still fit
// the laptop's 1366×697.
var winSize = fyne.NewSize(1366, 697)

func parseWindowSize(s string) (float32, float32, error) {
	a, b, ok := strings.Cut(strings.ToLower(s), "x")
	w, errW := strconv.Atoi(a)
	h, errH := strconv.Atoi(b)
	if !ok || errW != nil || errH != nil || w < 800 || h < 600 || w > 7680 || h > 4320 {
		return 0, 0, usageErr("size", "Cỡ cửa sổ «%s» không hợp lệ: cần RỘNGxCAO, ví dụ 1920x1080 (từ 800x600)",
			"window size %q is invalid: give WxH, e.g. 1920x1080 (at least 800x600)", s)
	}
	return float32(w), float32(h), nil
}

func (c *cli) screenshots(outDir string, startupOnlyV bool) error {
	out, startupOnly := &outDir, &startupOnlyV
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if c.data == "" {
		dir, err := os.MkdirTemp("", "motcua-tour-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		c.data = dir
	}
	svc, err := c.open()
	if err != nil {
		return err
	}
	clk := &tourClock{base: time.Date(2026, 11, 23, 9, 12, 0, 0, motcua.Location), start: motcua.StartStopwatch()}
	svc.Clock = clk
	// The delivery engine runs as in the window, with no province configured.
	stopSync := c.startSync(svc)
	defer stopSync()
	opt, err := c.uiOptions(context.Background(), svc)
	if err != nil {
		return err
	}
	opt.Accounts.Clock = clk
	// The continuity plan as the window wires it, with backups to a
	// temporary folder standing for the USB drive.
	cs, err := continuity.New(context.Background(), svc, c.store)
	if err != nil {
		return err
	}
	opt.Continuity = cs // the window words the incident line itself, in its language
	usb, err := os.MkdirTemp("", "motcua-tour-usb-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(usb)
	if err := storage.SaveBackupConfig(c.dataDir(), continuity.BackupConfig{Dest: usb, Hour: -1}); err != nil {
		return err
	}
	bk, err := c.backupper(nil)
	if err != nil {
		return err
	}
	bk.Now = clk.Now // backups dated on the tour's Monday morning
	opt.Backups = &continuity.BackupService{Svc: cs, Engine: bk, Config: bk.Config, Disk: storage.DiskUsage, DataDir: c.dataDir(), Clock: clk}
	opt.Open = func(string) error { return nil }
	opt.Print = func(string) error { return nil }
	opt.PrintTo = func(string, string) error { return nil }
	opt.Printers = tourPrinters
	opt.IdleLock = -1
	opt.Inbox = ui.NewScanInbox(svc)
	opt.Inbox.StableFor, opt.Inbox.Poll = 200*time.Millisecond, 200*time.Millisecond
	defer opt.Inbox.Stop()

	a := fyneapp.NewWithID("vn.motcua.counter.tour")
	w := a.NewWindow("Một Cửa — Bộ phận tiếp nhận và trả kết quả")
	w.Resize(winSize)
	t := &tour{c: c, svc: svc, opt: opt, w: w, a: a, out: *out, clk: clk}
	var tourErr error
	a.Lifecycle().SetOnStarted(func() {
		go func() {
			defer fyne.Do(a.Quit)
			if *startupOnly {
				tourErr = t.startup()
				return
			}
			tourErr = t.run()
		}()
	})
	t.started = motcua.StartStopwatch()
	t.m = ui.NewMain(w, svc, opt)
	defer t.m.Close()
	w.ShowAndRun()
	if tourErr != nil {
		return tourErr
	}
	if !*startupOnly {
		fmt.Fprintf(c.out, "%d pictures in %s\n", t.n, *out)
	}
	return nil
}

// tourClock is a fixed morning that still moves forward.
type tourClock struct {
	mu    sync.Mutex
	base  time.Time
	start motcua.Stopwatch
	skew  time.Duration
}

func (k *tourClock) Now() time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.base.Add(k.start.Elapsed() + k.skew).In(motcua.Location)
}

type tour struct {
	c       *cli
	svc     *app.Service
	opt     ui.Options
	a       fyne.App
	w       fyne.Window
	m       *ui.Main
	out     string
	n       int
	clk     *tourClock
	started motcua.Stopwatch
	readyQR string
}

// do runs fn on the UI goroutine and waits for the window to draw it.
func (t *tour) do(fn func()) {
	fyne.DoAndWait(fn)
	time.Sleep(350 * time.Millisecond)
}

// shot saves the window's content as name.png. A screen that needs more
// than the laptop's 1366×697 would push the window off the screen: that is
// an error.
func (t *tour) shot(name string) error {
	time.Sleep(250 * time.Millisecond)
	var min fyne.Size
	fyne.DoAndWait(func() { min = t.w.Content().MinSize() })
	var tooBig error
	if min.Width > 1366 || min.Height > 697 {
		tooBig = fmt.Errorf("%s: the screen needs %.0f×%.0f, more than 1366×697", name, min.Width, min.Height)
	}
	var img image.Image
	fyne.DoAndWait(func() { img = t.w.Canvas().Capture() })
	path := filepath.Join(t.out, name+".png")
	if img == nil || img.Bounds().Dx() < 100 || blank(img) {
		// Some GL drivers give nothing back: take the screen instead.
		size := t.w.Canvas().Size()
		crop := fmt.Sprintf("%dx%d+0+0", int(size.Width), int(size.Height))
		if out, err := exec.Command("import", "-window", "root", "-crop", crop, path).CombinedOutput(); err != nil {
			return fmt.Errorf("capture %s: %v %s", name, err, out)
		}
	} else {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := png.Encode(f, img); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	}
	t.n++
	fmt.Fprintln(t.c.out, path)
	return tooBig
}

// blank reports whether img is one colour (a GL read-back that failed).
func blank(img image.Image) bool {
	b := img.Bounds()
	first := img.At(b.Min.X, b.Min.Y)
	r0, g0, b0, _ := first.RGBA()
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r != r0 || g != g0 || bl != b0 {
				return false
			}
		}
	}
	return true
}

// startup measures the cold start: process start to the first frame.
func (t *tour) startup() error {
	var img image.Image
	fyne.DoAndWait(func() { img = t.w.Canvas().Capture() })
	since, built := processAge(), t.started.Elapsed()
	fmt.Fprintf(t.c.out, "cold start to first frame: %d ms (window built in %d ms)\n",
		since.Milliseconds(), built.Milliseconds())
	if rss := residentKB(); rss > 0 {
		fmt.Fprintf(t.c.out, "resident memory after start: %.1f MB\n", float64(rss)/1024)
	}
	_ = img
	return nil
}

func key(w fyne.Window, k fyne.KeyName) {
	if f := w.Canvas().Focused(); f != nil {
		f.TypedKey(&fyne.KeyEvent{Name: k})
	} else if h := w.Canvas().OnTypedKey(); h != nil {
		h(&fyne.KeyEvent{Name: k})
	}
}

func ctrlKey(w fyne.Window, k fyne.KeyName) {
	s := &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierControl}
	if f, ok := w.Canvas().Focused().(fyne.Shortcutable); ok {
		f.TypedShortcut(s)
		return
	}
	w.Canvas().(fyne.Shortcutable).TypedShortcut(s)
}

func typeInto(f fyne.Focusable, s string) {
	for _, r := range s {
		f.TypedRune(r)
	}
}

func enterKey(f fyne.Focusable) { f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }

const tourCCCD = "001190123456|012345678|Nguyễn Thị Ánh Tuyết|01011990|Nữ|Thôn 2, xã Quảng Phú, tỉnh Quảng Trị|15042021"

func (t *tour) run() error {
	w := t.w
	m := t.m
	var steps []error
	step := func(name string, fn func()) {
		if fn != nil {
			t.do(fn)
		}
		steps = append(steps, t.shot(name))
	}
	// 1. First run: set-up, with a mistake, then right.
	if m.Setup == nil {
		return errors.New("tour: the data directory must be new")
	}
	step("01-setup-error", func() {
		st := m.Setup
		typeInto(st.AgencyID, "000.00.06.h56")
		typeInto(st.Name, "UBND xã Quảng Phú")
		st.Station.SetText("1/2")
		typeInto(st.Username, "admin")
		typeInto(st.FullName, "Hoàng Văn Quản")
		typeInto(st.Password, "quantri-2026")
		typeInto(st.Confirm, "quantri-2026")
		st.Save.OnTapped()
	})
	t.do(func() {
		m.Setup.AgencyID.SetText("000.00.06.H56")
		m.Setup.Save.OnTapped()
	})
	if m.Frame == nil {
		return errors.New("tour: set-up did not open the counter")
	}
	if err := t.seed(); err != nil {
		return err
	}
	// Digitisation, as the window wires it once the station is set up.
	if _, err := t.c.scans("system"); err != nil {
		return err
	}
	scanFile := filepath.Join(t.c.data, "tour-scan.jpg")
	if err := tourScan(scanFile); err != nil {
		return err
	}
	// The scanner's folder, with two scans waiting and a file it refuses.
	inboxDir := filepath.Join(t.c.data, "may-quet")
	if err := os.MkdirAll(inboxDir, 0o755); err != nil {
		return err
	}
	if err := t.svc.SetScanInboxDir(context.Background(), inboxDir, app.OperatorActor("admin")); err != nil {
		return err
	}
	for _, n := range []string{"SCAN_0001.jpg", "SCAN_0002.jpg"} {
		if err := tourScan(filepath.Join(inboxDir, n)); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(inboxDir, "bien-ban-hop.docx"), []byte("PK\x03\x04"), 0o644); err != nil {
		return err
	}
	if err := t.opt.Inbox.Start(inboxDir); err != nil {
		return err
	}
	time.Sleep(time.Second) // the watcher sees the files settle
	// 2. Sign-in as the counter officer, first with a wrong password.
	step("02-signin-error", func() {
		m.SignOut()
		m.SignIn.Username.SetText("lan.nt")
		typeInto(m.SignIn.Password, "sai-mat-khau")
		enterKey(m.SignIn.Password)
	})
	t.do(func() {
		typeInto(m.SignIn.Password, "matkhau-lan")
		enterKey(m.SignIn.Password)
	})
	if m.Frame == nil {
		return errors.New("tour: the officer could not sign in")
	}
	f := m.Frame
	in := f.Intake
	step("03-intake-ready", nil)
	step("04-intake-scanned", func() {
		typeInto(in.Scan, tourCCCD)
		enterKey(in.Scan)
		typeInto(in.Phone, "0912345678")
		typeInto(in.ProcQuery, "xac nhan tinh trang hon")
		enterKey(in.ProcQuery)
		comps := in.Components()
		for i, r := range comps {
			if i != 0 {
				r.Check.SetChecked(true)
			}
		}
	})
	step("05-intake-error", func() {
		w.Canvas().Focus(in.Scan)
		ctrlKey(w, fyne.KeyReturn)
		in.DOB.SetText("31/02/1990")
	})
	step("06-intake-error-field", func() {
		ctrlKey(w, fyne.KeyK)
		ctrlKey(w, fyne.KeyReturn)
	})
	step("07-intake-accepted", func() {
		in.DOB.SetText("01/01/1990")
		ctrlKey(w, fyne.KeyK)
		ctrlKey(w, fyne.KeyReturn)
	})
	step("08-intake-bad-scan", func() {
		typeInto(in.Scan, "WIFI:S:quan-ca-phe;T:WPA;P:12345678;;")
		enterKey(in.Scan)
	})
	step("08a-intake-attachments", func() {
		in.Scan.SetText("")
		typeInto(in.Scan, tourCCCD)
		enterKey(in.Scan)
		typeInto(in.ProcQuery, "xac nhan tinh trang hon")
		enterKey(in.ProcQuery)
		in.Docs.Add(0, scanFile, false)
		in.Docs.To.SetSelectedIndex(1)
		for i, r := range in.Docs.Inbox.Rows {
			if r.Item.Err == "" {
				in.Docs.Inbox.Select(i)
				break
			}
		}
	})
	waitThumbs(in.Docs.Thumbs)
	for _, r := range in.Docs.Inbox.Rows {
		if r.Thumb != nil {
			r.Thumb.Wait()
		}
	}
	step("08b-intake-inbox-taken", func() {
		if it, ok := in.Docs.Inbox.Selected(); ok {
			for _, r := range in.Docs.Inbox.Rows {
				if r.Item.Path == it.Path {
					enterKey(r)
				}
			}
		}
	})
	t.do(func() {
		ctrlKey(w, fyne.KeyK)
		ctrlKey(w, fyne.KeyReturn)
	})
	in.Docs.Wait()
	step("08c-intake-attached", nil)
	step("09-dossiers", func() {
		in.Scan.SetText("")
		key(w, fyne.KeyF3)
	})
	step("10-dossiers-late", func() { ctrlKey(w, fyne.Key5) })
	step("11-dossiers-search", func() {
		ctrlKey(w, fyne.Key1)
		typeInto(f.Dossiers.Search, "nguyen thi")
	})
	t.do(func() {
		f.Dossiers.Search.SetText("")
		ctrlKey(w, fyne.Key5)
		enterKey(f.Dossiers.Search)
		// One scanned document of five pages, as the file dialog hands it over.
		f.Dossiers.Detail.Docs.Attach(0, []string{scanFile, scanFile, scanFile, scanFile, scanFile})
	})
	f.Dossiers.Detail.Docs.Wait()
	waitThumbs(f.Dossiers.Detail.Docs.Thumbs)
	step("12-detail", nil)
	// The picture is taken once the page is drawn: Wait runs off the UI
	// goroutine (the render lands through it), before the shot.
	waitPreview := func() {
		if p := ui.LastPreview(); p != nil {
			p.Wait()
		}
	}
	t.do(func() {
		if th := f.Dossiers.Detail.Docs.Thumbs; len(th) > 0 && len(th[0].Pages) > 1 {
			th[0].Pages[1].Tapped(nil)
		}
	})
	waitPreview()
	step("12a-detail-preview", nil)
	t.do(func() { key(w, fyne.KeyRight) })
	waitPreview()
	step("12b-detail-preview-page", nil)
	t.do(func() { key(w, fyne.KeyEscape) })
	step("13-detail-action", func() {
		for _, b := range f.Dossiers.Detail.Actions {
			if strings.HasPrefix(b.Text, "Yêu cầu bổ sung") {
				b.OnTapped()
			}
		}
	})
	step("14-return-valid", func() {
		key(w, fyne.KeyEscape)
		key(w, fyne.KeyEscape)
		key(w, fyne.KeyF4)
		typeInto(f.Return.Scan, t.readyQR)
		enterKey(f.Return.Scan)
		typeInto(f.Return.Scan, tourCCCD)
		enterKey(f.Return.Scan)
		ctrlKey(w, fyne.Key1)
	})
	step("15-return-tampered", func() {
		key(w, fyne.KeyEscape)
		typeInto(f.Return.Scan, strings.Replace(t.readyQR, "|TN|", "|KQ|", 1))
		enterKey(f.Return.Scan)
	})
	step("16-sync-not-configured", func() { key(w, fyne.KeyF5) })
	step("17-settings-display", func() { key(w, fyne.KeyF6) })
	step("18-lock", func() { ctrlKey(w, fyne.KeyL) })

	// The administrator: users, calendar, catalogue errors.
	t.do(func() {
		m.SignOut()
		m.SignIn.Username.SetText("admin")
		typeInto(m.SignIn.Password, "quantri-2026")
		enterKey(m.SignIn.Password)
	})
	if m.Frame == nil {
		return errors.New("tour: the administrator could not sign in")
	}
	f = m.Frame
	step("19-settings-users", func() {
		key(w, fyne.KeyF6)
		f.Settings.Tabs.SelectIndex(4)
		if f.Settings.Users.Length() > 1 {
			f.Settings.Users.Select(1)
		}
	})
	step("20-settings-calendar", func() { f.Settings.Tabs.SelectIndex(2) })
	step("21-settings-catalog-error", func() {
		f.Settings.Tabs.SelectIndex(3)
		f.Settings.ImportCatalogData([]byte(`{"version":"2027.1","procedures":[{"code":"1.001193","name":"","components":[]}]}`))
	})
	step("22-settings-station", func() { f.Settings.Tabs.SelectIndex(1) })
	step("22a-settings-holidays", func() {
		f.Settings.Tabs.SelectIndex(2)
		f.Settings.AddDayData("28/11/2026", motcua.DayOffWorking, "Làm bù cho thứ Sáu 04/12/2026", false)
		f.Settings.AddDayData("05/12/2026", motcua.DayOffSubstitute, "Nghỉ bù", true) // a Saturday: refused, next to the field
	})
	t.do(func() { f.Settings.Tabs.SelectIndex(5) }) // lists the printers in the background
	f.Settings.WaitPrinters()
	step("22b-settings-printer", func() {
		f.Settings.ChoosePrinter("Canon LBP2900 (Quầy một cửa)")
		f.Settings.SavePrinter.OnTapped()
	})
	step("22c-settings-scan-inbox", func() { f.Settings.Tabs.SelectIndex(6) })

	// Offline with a delivery engine: the link drops, messages queue, one is refused.
	demo := newTourSync(t)
	t.svc.Sync = demo
	t.do(func() {
		m.SignOut()
		m.SignIn.Username.SetText("binh.tv")
		typeInto(m.SignIn.Password, "matkhau-binh")
		enterKey(m.SignIn.Password)
	})
	f = m.Frame
	step("23-intake-offline", nil)
	step("24-sync-offline", func() { key(w, fyne.KeyF5) })
	step("24a-sync-paused", func() { f.Sync.Pause.OnTapped() })
	t.do(func() { f.Sync.Pause.OnTapped() }) // and resumed, for the screens that follow
	step("25-dossiers-quarantined", func() {
		key(w, fyne.KeyF3)
		ctrlKey(w, fyne.Key8)
	})

	// English.
	step("26-intake-english", func() {
		key(w, fyne.KeyF6)
		f.Settings.Tabs.SelectIndex(0)
		f.Settings.Lang.SetSelected("English")
		f.Settings.SavePrefs.OnTapped()
		m.Frame.Go(ui.ScreenIntake)
	})
	step("27-dossiers-english", func() { key(w, fyne.KeyF3) })
	steps = append(steps, t.continuity())
	return errors.Join(steps...)
}

// continuity is the F7 screen, signed in as the administrator (whose
// window is in Vietnamese): an incident with ticked steps and the banner
// over another screen, the incident closed with its reconciliation, a
// drill, the paper fallback with an error at the code, a backup checked
// again, the contact list with a phone refused next to its field, a due
// drill reminded in the frame and on the drill tab.
func (t *tour) continuity() error {
	w, m := t.w, t.m
	var steps []error
	step := func(name string, fn func()) {
		if fn != nil {
			t.do(fn)
		}
		steps = append(steps, t.shot(name))
	}
	t.do(func() {
		m.SignOut()
		m.SignIn.Username.SetText("admin")
		typeInto(m.SignIn.Password, "quantri-2026")
		enterKey(m.SignIn.Password)
	})
	if m.Frame == nil {
		return errors.New("tour: the administrator could not sign in again")
	}
	f := m.Frame
	c := f.Continuity
	if c.Tabs == nil {
		return errors.New("tour: the continuity screen is not available")
	}
	inc := c.Incidents
	step("28-continuity-incident", func() {
		key(w, fyne.KeyF7)
		inc.Scenario.SetSelectedIndex(2)
		inc.Severity.SetSelectedIndex(3)
		typeInto(inc.Note, "Mất điện toàn thôn 2 và trụ sở xã từ 9 giờ")
		inc.Open.OnTapped()
		inc.Steps.Checks[0].SetChecked(true)
		inc.Steps.Checks[1].SetChecked(true)
		inc.Contact.SetSelectedIndex(0)
		inc.Notify.OnTapped()
		typeInto(inc.Action, "Chuyển sang biên nhận giấy, tập số 1")
		inc.LogIt.OnTapped()
	})
	step("29-continuity-banner", func() { key(w, fyne.KeyF2) })
	step("30-continuity-closed", func() {
		key(w, fyne.KeyF7)
		typeInto(inc.Summary, "Có điện lại lúc 09:40; 2 biên nhận giấy đã nhập lại")
		inc.Close.OnTapped()
	})
	dr := c.Drills
	step("31-continuity-drill", func() {
		ctrlKey(w, fyne.Key2)
		dr.Scenario.SetSelectedIndex(1)
		dr.Schedule.OnTapped()
		dr.Scenario.SetSelectedIndex(0)
		dr.StartNew.OnTapped()
		for i, ch := range dr.Steps.Checks {
			if i < 3 {
				ch.SetChecked(true)
			}
		}
	})
	t.do(func() { dr.Finish.OnTapped() })
	dr.Wait()
	p := c.Paper
	step("32-continuity-paper", func() {
		ctrlKey(w, fyne.Key3)
		p.Reserve.OnTapped()
		day := t.clk.Now()
		p.Code.SetText("000.00.06.H56-" + day.Format("060102") + "-9998")
		p.Date.SetText(day.Format("02/01/2006"))
		p.Time.SetText("08:05")
		typeInto(p.ProcQuery, "khai sinh")
		enterKey(p.ProcQuery)
		typeInto(p.Name, "Phạm Thị Thu Hà")
		typeInto(p.IDNumber, "038190004567")
		p.Enter.OnTapped()
	})
	b := c.Backup
	t.do(func() {
		ctrlKey(w, fyne.Key4)
		b.RunNow.OnTapped()
	})
	b.Wait()
	t.do(func() {
		if b.List.Length() > 0 {
			b.List.Select(0)
			b.Verify.OnTapped()
		}
	})
	b.Wait()
	steps = append(steps, t.shot("33-continuity-backup"))
	ct := c.Contacts
	t.do(func() {
		ctrlKey(w, fyne.Key5)
		ct.List.Select(0)
		ct.Phone.SetText("0237 3852") // two digits short: refused next to the field
	})
	t.do(func() { ct.Save.OnTapped() })
	steps = append(steps, t.shot("34-continuity-contacts"))
	// A drill scheduled two minutes ahead becomes due: the frame's periodic
	// check shows the reminder over the intake screen.
	t.do(func() {
		ctrlKey(w, fyne.Key2)
		dr.Scenario.SetSelectedIndex(2)
		dr.Simulate.SetChecked(false)
		dr.At.SetText(t.clk.Now().Add(2 * time.Minute).Format("02/01/2006 15:04"))
		dr.Schedule.OnTapped()
	})
	t.clk.mu.Lock()
	t.clk.skew += 3 * time.Minute
	t.clk.mu.Unlock()
	step("35-drill-due-banner", func() {
		f.Banner.Refresh()
		key(w, fyne.KeyF2)
	})
	step("36-continuity-drill-due", func() {
		key(w, fyne.KeyF7)
		ctrlKey(w, fyne.Key2)
	})
	return errors.Join(steps...)
}

// waitThumbs waits for the thumbnails to be drawn.
func waitThumbs(ts []*ui.ThumbStrip) {
	for _, th := range ts {
		th.Wait()
	}
}

// seed fills the station with a fortnight of work, and the two officers.
func (t *tour) seed() error {
	ctx := context.Background()
	acc := t.opt.Accounts
	admin := t.m.User
	for _, u := range []accounts.NewUser{
		{Username: "lan.nt", FullName: "Nguyễn Thị Lan", Role: accounts.RoleOfficer, Password: "matkhau-lan"},
		{Username: "binh.tv", FullName: "Trần Văn Bình", Role: accounts.RoleLeader, Password: "matkhau-binh"},
		{Username: "hoa.lt", FullName: "Lê Thị Hoa", Role: accounts.RoleOfficer, Password: "matkhau-hoa"},
	} {
		if _, err := acc.Create(ctx, admin, u); err != nil {
			return err
		}
		x, err := t.c.store.GetUser(ctx, u.Username)
		if err != nil {
			return err
		}
		x.MustChange = false
		if u.Username == "lan.nt" {
			x.Prefs.Recent = []string{"2.000815", "1.001193", "1.004873"}
		}
		if err := t.c.store.UpdateUser(ctx, x, app.AuditEntry{}); err != nil {
			return err
		}
	}
	names := []string{"Phạm Văn Hùng", "Lê Thị Mai", "Đỗ Quang Vinh", "Vũ Thị Ngọc Ánh", "Bùi Xuân Trường", "Hoàng Đức Mạnh",
		"Ngô Thị Thu Hà", "Đặng Văn Tài", "Trịnh Thị Hồng Nhung", "Nguyễn Văn Khoa", "Lý Thị Diệu", "Phan Thanh Sơn",
		"Mai Thị Hương", "Tạ Văn Lộc", "Nguyễn Thị Bích Ngọc", "Hồ Sỹ Dũng", "Cao Thị Yến", "Lương Văn Thắng"}
	procs := []string{"2.000815", "1.001193", "1.004873", "1.000656", "2.000884", "1.001022", "1.001612", "1.001776", "1.000894"}
	base := t.clk.base
	for i := range 54 {
		daysAgo := 13 - i/4
		at := time.Date(base.Year(), base.Month(), base.Day()-daysAgo, 7+i%9, (i*17)%60, 0, 0, motcua.Location)
		if !t.svc.Calendar.IsWorkingDay(at) || at.Hour() < 8 {
			at = t.svc.Calendar.NextWorkingStart(at.Add(time.Hour))
		}
		if !at.Before(base) {
			break
		}
		name := names[i%len(names)]
		id := fmt.Sprintf("0%02d%d%02d%06d", 38+i%3, i%4, 80+i%15, 100000+i*7919)
		d, err := t.svc.Intake(ctx, app.IntakeRequest{ProcedureCode: procs[i%len(procs)], At: at, By: app.Actor{Username: []string{"lan.nt", "hoa.lt"}[i%2], Role: app.RoleOfficer},
			Applicant: motcua.Applicant{Name: name, IDNumber: id, Phone: "09" + strconv.Itoa(10000000 + i*1234567%89999999)[:8],
				Address: "Thôn " + strconv.Itoa(1+i%9) + ", xã Quảng Phú"}})
		if err != nil {
			return fmt.Errorf("seed %d: %w", i, err)
		}
		var path []motcua.Status
		switch i % 7 {
		case 0, 1:
			path = []motcua.Status{motcua.StatusProcessing}
		case 2:
			path = []motcua.Status{motcua.StatusProcessing, motcua.StatusDone}
		case 3:
			if daysAgo > 3 {
				path = []motcua.Status{motcua.StatusProcessing, motcua.StatusDone, motcua.StatusReturned}
			}
		case 4:
			path = []motcua.Status{motcua.StatusSupplement}
		}
		for _, to := range path {
			if to == motcua.StatusSupplement {
				d, err = t.svc.RequestSupplement(ctx, d.Code, sampleOfficer, "Thiếu giấy tờ theo quy định", []string{"Bản sao giấy khai sinh"})
			} else {
				d, err = t.svc.Advance(ctx, d.Code, sampleOfficer, to, "")
			}
			if err != nil {
				return fmt.Errorf("seed %d → %d: %w", i, to, err)
			}
		}
	}
	// The citizen of the return screen: her result is ready.
	a, err := app.ApplicantFromCCCD(tourCCCD, t.clk.Now())
	if err != nil {
		return err
	}
	ready, err := t.svc.Intake(ctx, app.IntakeRequest{ProcedureCode: "1.004873", At: t.svc.Calendar.NextWorkingStart(base.AddDate(0, 0, -6)),
		By: sampleOfficer, Applicant: a})
	if err != nil {
		return err
	}
	for _, to := range []motcua.Status{motcua.StatusProcessing, motcua.StatusDone} {
		if ready, err = t.svc.Advance(ctx, ready.Code, sampleOfficer, to, ""); err != nil {
			return err
		}
	}
	p, err := t.m.Frame.Papers().Make(ctx, ready, "TN", &accounts.User{Username: sampleOfficer.Username, FullName: "Nguyễn Thị Lan", Role: accounts.RoleOfficer}, nil)
	if err != nil {
		return err
	}
	t.readyQR = p.QRText
	return nil
}

// tourSync is a delivery engine that lost the province: the real queue of
// the station, one message refused.
type tourSync struct {
	t      *tour
	items  []app.OutboxItem
	paused bool
}

// PauseDelivery and ResumeDelivery make the tour's engine an app.Pauser,
// so the Sync screen shows its pause button.
func (s *tourSync) PauseDelivery(context.Context, string, string) error { s.paused = true; return nil }
func (s *tourSync) ResumeDelivery(context.Context, string) error        { s.paused = false; return nil }

func newTourSync(t *tour) *tourSync {
	s := &tourSync{t: t}
	msgs, err := t.c.store.OutboxUndelivered(context.Background(), 0, 500)
	if err == nil {
		for i, m := range msgs {
			it := app.OutboxItem{ID: m.ID, DossierCode: m.DossierCode, Kind: m.Kind, State: "pending", Attempts: 4,
				CreatedAt: t.clk.base.Add(-time.Duration(len(msgs)-i) * 3 * time.Minute),
				LastError: "không kết nối được máy chủ tỉnh (hết thời gian chờ)"}
			if i == 3 {
				it.State, it.LastError = "quarantined", "Tỉnh từ chối: MaTTHC 1.001022 không có trong danh mục của tỉnh"
			}
			s.items = append(s.items, it)
		}
	}
	return s
}

func (s *tourSync) Status() app.SyncStatus {
	q := 0
	for _, it := range s.items {
		if it.State == "quarantined" {
			q++
		}
	}
	return app.SyncStatus{State: app.ConnOffline, Pending: len(s.items), Quarantined: q,
		LastError: "dial tcp 10.0.0.5:443: i/o timeout", LastSync: s.t.clk.base.Add(-26 * time.Hour),
		Since: s.t.clk.base.Add(-40 * time.Minute), Paused: s.paused}
}
func (s *tourSync) Subscribe(func(app.SyncStatus)) func() { return func() {} }
func (s *tourSync) SendNow()                              {}
func (s *tourSync) Items(_ context.Context, states []string, limit int) ([]app.OutboxItem, error) {
	var out []app.OutboxItem
	for _, it := range s.items {
		keep := len(states) == 0
		for _, st := range states {
			keep = keep || st == it.State
		}
		if keep && len(out) < limit {
			out = append(out, it)
		}
	}
	return out, nil
}
func (s *tourSync) Retry(context.Context, int64) error                { return nil }
func (s *tourSync) ExportBundle(context.Context, string) (int, error) { return 0, nil }
func (s *tourSync) ImportBundle(context.Context, string) (int, error) { return 0, nil }

var _ app.Syncer = (*tourSync)(nil)

// processAge is how long this process has run, from /proc (Linux); 0
// elsewhere.
func processAge() time.Duration {
	raw, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// Field 22 is the start time in clock ticks after boot; fields after the
	// command name (in parentheses) start at 3.
	s := string(raw)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 20 {
		return 0
	}
	ticks, err := strconv.ParseFloat(fields[19], 64)
	if err != nil {
		return 0
	}
	up, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return 0
	}
	uptime, err := strconv.ParseFloat(strings.Fields(string(up))[0], 64)
	if err != nil {
		return 0
	}
	const hz = 100 // USER_HZ on Linux
	return time.Duration((uptime - ticks/hz) * float64(time.Second))
}

// residentKB is the resident set size of this process, in KiB (Linux).
func residentKB() int {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			n, _ := strconv.Atoi(strings.Fields(l)[1])
			return n
		}
	}
	return 0
}

// tourScan writes an A5 page "scanned" at 200 dpi: a JPEG with the JFIF
// density a scanner writes (Go's encoder writes none).
func tourScan(path string) error {
	img := image.NewGray(image.Rect(0, 0, 1169, 1654))
	for i := range img.Pix {
		img.Pix[i] = 250
	}
	for y := 200; y < 1400; y += 60 { // lines of "text"
		for x := 150; x < 1000; x++ {
			for k := range 12 {
				img.SetGray(x, y+k, color.Gray{Y: 40})
			}
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 60}); err != nil {
		return err
	}
	j := b.Bytes()
	const dpi = 200
	app0 := []byte{0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 2, 1, 0, dpi, 0, dpi, 0, 0}
	out := append(append(append([]byte{}, j[:2]...), app0...), j[2:]...)
	return os.WriteFile(path, out, 0o644)
}

// tourPrinters are the printers of the tour's PC.
func tourPrinters(context.Context) ([]forms.Printer, error) {
	return []forms.Printer{{Name: "Canon LBP2900 (Quầy một cửa)"}, {Name: "HP LaserJet Pro M404dn", Default: true}, {Name: "Microsoft Print to PDF"}}, nil
}

// sampleOfficer acts in the sample data: a counter officer.
var sampleOfficer = app.Actor{Username: "lan.nt", Role: app.RoleOfficer}
