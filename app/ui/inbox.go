package ui

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"motcua/app"
	"motcua/scanning/inbox"
)

// InboxItem is one scan waiting in the scanner's folder.
type InboxItem struct {
	Path string
	Name string
	At   time.Time // when the scanner wrote it
	Size int64
	// Err is the digitisation rule the file breaks ("" when it may be
	// attached); such a file keeps an error note beside it in the folder.
	Err string
	// Dossier is the code of the dossier whose receipt QR (signed by this
	// commune) is on the scan, "" when none was read.
	Dossier string
}

// ScanInbox watches the station's scan-inbox folder (the office scanner's
// "scan to folder") and keeps the list of scans waiting for an officer to
// say which dossier and document they are. A scan stays in the folder
// until it is attached; then it goes to the processed/ subfolder.
type ScanInbox struct {
	svc *app.Service
	// FindDossier, when set, reads one of our receipt QR codes on a scan
	// and returns its dossier code ("" when none); it runs in the
	// background.
	FindDossier func(ctx context.Context, path string) string
	// StableFor and Poll tune the watcher (tests); zero: its defaults.
	StableFor, Poll time.Duration
	Log             *slog.Logger

	mu    sync.Mutex
	w     *inbox.Watcher
	items []InboxItem
	subs  map[int]func()
	next  int
	err   error
}

// NewScanInbox is an inbox not yet watching; Start gives it a folder.
func NewScanInbox(svc *app.Service) *ScanInbox {
	return &ScanInbox{svc: svc, subs: map[int]func(){}}
}

// Start watches dir, after stopping the folder watched before; "" only
// stops.
func (x *ScanInbox) Start(dir string) error {
	x.Stop()
	if dir == "" {
		return nil
	}
	log := x.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	w, err := inbox.New(inbox.Options{Dir: dir, StableFor: x.StableFor, Poll: x.Poll, Handle: x.handle, Gone: x.gone, Log: log, Clock: x.svc.Clock})
	if err != nil {
		x.mu.Lock()
		x.err = err
		x.mu.Unlock()
		x.notify()
		return err
	}
	x.mu.Lock()
	x.w, x.err = w, nil
	x.mu.Unlock()
	w.Start(context.Background())
	x.notify()
	return nil
}

// Stop ends the watching; the list empties (the files stay in the folder).
func (x *ScanInbox) Stop() {
	if x == nil {
		return
	}
	x.mu.Lock()
	w := x.w
	x.w, x.items = nil, nil
	x.mu.Unlock()
	if w != nil {
		w.Stop()
		x.notify()
	}
}

// Dir is the folder watched, "" when none.
func (x *ScanInbox) Dir() string {
	if x == nil {
		return ""
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.w == nil {
		return ""
	}
	return x.w.Dir()
}

// Err is why the folder set could not be watched, if so.
func (x *ScanInbox) Err() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.err
}

// Items are the scans waiting, oldest first.
func (x *ScanInbox) Items() []InboxItem {
	if x == nil {
		return nil
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	return slices.Clone(x.items)
}

// Done files an attached scan away into processed/ and drops it from the
// list.
func (x *ScanInbox) Done(path string) error {
	x.mu.Lock()
	w := x.w
	x.mu.Unlock()
	if w == nil {
		return errors.New("the scan inbox is not watched")
	}
	if _, err := w.Done(path); err != nil {
		return err
	}
	x.drop(path)
	return nil
}

// Subscribe calls fn, on the watcher's goroutine, whenever the list
// changes; the returned function unsubscribes.
func (x *ScanInbox) Subscribe(fn func()) func() {
	x.mu.Lock()
	defer x.mu.Unlock()
	id := x.next
	x.next++
	x.subs[id] = fn
	return func() {
		x.mu.Lock()
		delete(x.subs, id)
		x.mu.Unlock()
	}
}

func (x *ScanInbox) notify() {
	x.mu.Lock()
	fns := make([]func(), 0, len(x.subs))
	for _, fn := range x.subs {
		fns = append(fns, fn)
	}
	x.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

// handle lists a complete scan and keeps it in the folder (ErrHold) for
// the officer; a file breaking the rules is listed with the rule, and the
// watcher leaves an error note beside it.
func (x *ScanInbox) handle(ctx context.Context, path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	it := InboxItem{Path: path, Name: filepath.Base(path), At: fi.ModTime(), Size: fi.Size()}
	checkErr := x.svc.CheckScan(path)
	if checkErr != nil {
		it.Err = errMsg(checkErr)
	} else if x.FindDossier != nil {
		it.Dossier = x.FindDossier(ctx, path)
	}
	x.mu.Lock()
	x.items = slices.DeleteFunc(x.items, func(o InboxItem) bool { return o.Path == path })
	x.items = append(x.items, it)
	slices.SortStableFunc(x.items, func(a, b InboxItem) int { return a.At.Compare(b.At) })
	x.mu.Unlock()
	x.notify()
	if checkErr != nil {
		return checkErr
	}
	return inbox.ErrHold
}

func (x *ScanInbox) gone(path string) { x.drop(path) }

func (x *ScanInbox) drop(path string) {
	x.mu.Lock()
	n := len(x.items)
	x.items = slices.DeleteFunc(x.items, func(o InboxItem) bool { return o.Path == path })
	changed := len(x.items) != n
	x.mu.Unlock()
	if changed {
		x.notify()
	}
}

// InboxPanel is the "Hộp thư máy quét" list of a screen: the scans
// waiting, each with its first page; ↑ ↓ choose, Enter takes the one
// chosen (attach it, or collect it at intake).
type InboxPanel struct {
	e   *env
	src *ScanInbox
	// Rows are the scans listed.
	Rows []*InboxRow
	// Take takes the chosen scan (Enter); disabled while nothing is chosen.
	Take *Button
	// Info says what the inbox is doing (folder, none set, empty).
	Info *widget.Label
	// Title names the panel and counts the scans waiting.
	Title *widget.Label
	// More shows every scan waiting, or the newest few again, when the
	// panel is compact (Limit > 0).
	More *Button
	// Limit > 0 makes the panel compact: the newest Limit scans first,
	// the rest behind More.
	Limit int
	// OnDigit, when set, takes the scan on 1…9 typed on its row (at
	// intake: collect it for that document of the checklist).
	OnDigit func(n int, it InboxItem)
	// Waiting counts the scans waiting (not taken elsewhere) that the
	// digitisation rules accept; Refused counts the other files listed
	// (a .docx, an empty file), which cannot be taken.
	Waiting   int
	Refused   int
	onRefresh func()
	box       *fyne.Container
	head      *fyne.Container
	list      *fyne.Container
	footer    *fyne.Container
	// Hidden hides scans already taken elsewhere (collected at intake).
	Hidden   func(path string) bool
	onTake   func(InboxItem)
	sel      int
	expanded bool
	unsub    func()
}

func newInboxPanel(e *env, takeLabel string, onTake func(InboxItem)) *InboxPanel {
	p := &InboxPanel{e: e, src: e.main.opt.Inbox, onTake: onTake, sel: -1}
	p.Info = note("")
	p.Info.Wrapping = fyne.TextWrapOff
	p.Info.Truncation = fyne.TextTruncateEllipsis
	p.Title = bold(tr("Hộp thư máy quét"))
	p.list = container.NewVBox()
	p.Take = newButton(e.keys, takeLabel, p.takeSelected)
	p.Take.Importance = widget.LowImportance
	p.More = newButton(e.keys, "", func() { p.expanded = !p.expanded; p.Refresh() })
	p.More.Importance = widget.LowImportance
	p.More.Hide()
	p.footer = container.NewHBox(p.Take)
	p.head = container.NewBorder(nil, nil, p.Title, p.More, p.Info)
	p.box = container.NewVBox(p.head, p.list, p.footer)
	if p.src != nil {
		p.unsub = p.src.Subscribe(func() {
			onUI(func() {
				if p.e.main.Frame != p.e.frame {
					p.unsub() // the officer signed out: this frame is gone
					return
				}
				p.Refresh()
			})
		})
	}
	p.Refresh()
	return p
}

// parts are the panel's title line, list and footer, for a screen that
// lays them out itself (the list alone scrolling).
func (p *InboxPanel) parts() (head, list, foot fyne.CanvasObject) {
	return p.head, p.list, p.footer
}

// setFooter replaces what stands under the list (the Take button).
func (p *InboxPanel) setFooter(o fyne.CanvasObject) {
	p.footer.Objects = []fyne.CanvasObject{o}
	p.footer.Layout = layout.NewStackLayout()
	p.footer.Refresh()
}

// Content is the panel's body.
func (p *InboxPanel) Content() fyne.CanvasObject { return p.box }

// Refresh lists the scans waiting again, keeping the choice.
func (p *InboxPanel) Refresh() {
	var chosen string
	if p.sel >= 0 && p.sel < len(p.Rows) {
		chosen = p.Rows[p.sel].Item.Path
	}
	p.Rows, p.sel = nil, -1
	p.list.Objects = nil
	dir := p.src.Dir()
	switch {
	case p.src == nil || dir == "":
		p.Info.SetText(tr("chưa đặt thư mục (F6 → Máy quét)"))
	default:
		p.Info.SetText(dir)
	}
	var items []InboxItem
	for _, it := range p.src.Items() {
		if p.Hidden == nil || !p.Hidden(it.Path) {
			items = append(items, it)
		}
	}
	p.Waiting, p.Refused = 0, 0
	for _, it := range items {
		if it.Err != "" {
			p.Refused++
		} else {
			p.Waiting++
		}
	}
	if p.Limit > 0 {
		slices.Reverse(items) // the scan just made comes first
		// The count is of scans that can be taken; refused files are
		// listed with their reason but not counted.
		p.Title.SetText(tr("Hộp thư máy quét") + " (" + itoa(p.Waiting) + ")")
	}
	shown := items
	if p.Limit > 0 && !p.expanded && len(items) > p.Limit {
		shown = items[:p.Limit]
		// The chosen scan stays in view.
		for i := p.Limit; i < len(items); i++ {
			if items[i].Path == chosen {
				shown = items[:i+1]
			}
		}
	}
	for _, it := range shown {
		r := newInboxRow(p, it, len(p.Rows))
		if it.Path == chosen {
			p.sel = len(p.Rows)
			r.setSelected(true)
		}
		p.Rows = append(p.Rows, r)
		p.list.Add(r)
	}
	switch {
	case p.Limit == 0 || len(items) <= p.Limit:
		p.expanded = false
		p.More.Hide()
	case len(shown) < len(items):
		p.More.SetText(tr("Xem tất cả") + " (" + itoa(len(items)) + ")")
		p.More.Show()
	default:
		p.More.SetText(tr("Thu gọn"))
		p.More.Show()
	}
	if len(p.Rows) == 0 && dir != "" {
		p.list.Add(note(tr("Không có bản quét nào đang chờ.")))
	}
	p.list.Refresh()
	p.enable()
	if p.onRefresh != nil {
		p.onRefresh()
	}
}

func (p *InboxPanel) enable() {
	if p.sel >= 0 && p.Rows[p.sel].Item.Err == "" {
		p.Take.Enable()
	} else {
		why := tr("Chọn một bản quét trong hộp thư trước (phím mũi tên), rồi lấy vào giấy tờ.")
		if p.sel >= 0 {
			why = tr("Tệp này không nhận được (xem lý do ở dòng của nó): quét lại hoặc chọn tệp khác.")
		}
		disableWhy(why, p.Take)
	}
}

// Select chooses row i and gives it the focus; one past the last row of
// a compact panel shows the rest first.
func (p *InboxPanel) Select(i int) {
	if i == len(p.Rows) && p.More.Visible() && !p.expanded {
		p.expanded = true
		p.Refresh()
	}
	if i < 0 || i >= len(p.Rows) {
		return
	}
	if p.sel >= 0 && p.sel < len(p.Rows) {
		p.Rows[p.sel].setSelected(false)
	}
	p.sel = i
	p.Rows[i].setSelected(true)
	p.enable()
	p.e.focus(p.Rows[i])
}

// Selected is the scan chosen, if any.
func (p *InboxPanel) Selected() (InboxItem, bool) {
	if p.sel < 0 || p.sel >= len(p.Rows) {
		return InboxItem{}, false
	}
	return p.Rows[p.sel].Item, true
}

// SelectPath chooses the scan at path, if listed, and gives it the focus.
func (p *InboxPanel) SelectPath(path string) bool {
	if !p.expanded && p.Limit > 0 {
		p.expanded = true
		p.Refresh()
	}
	for i, r := range p.Rows {
		if r.Item.Path == path {
			p.Select(i)
			return true
		}
	}
	return false
}

func (p *InboxPanel) takeSelected() {
	it, ok := p.Selected()
	if !ok || it.Err != "" {
		return
	}
	p.onTake(it)
}

func (p *InboxPanel) close() {
	if p.unsub != nil {
		p.unsub()
	}
}

// InboxRow is one waiting scan: its first page, name, time and size, and
// the rule it breaks or the dossier its QR names.
type InboxRow struct {
	widget.BaseWidget
	Item  InboxItem
	Thumb *ThumbStrip
	Text  *widget.Label
	p     *InboxPanel
	i     int
	bg    *canvas.Rectangle
	obj   fyne.CanvasObject
}

func newInboxRow(p *InboxPanel, it InboxItem, i int) *InboxRow {
	r := &InboxRow{Item: it, p: p, i: i}
	lines := it.Name + " · " + fmtTime(it.At) + " · " + fmtSize(it.Size)
	if it.Dossier != "" {
		lines += "\n" + tr("Có QR của hồ sơ") + " " + it.Dossier
	}
	r.Text = widget.NewLabel(lines)
	r.Text.Wrapping = fyne.TextWrapWord
	right := fyne.CanvasObject(r.Text)
	if it.Err != "" {
		e := widget.NewLabel(it.Err)
		e.Wrapping = fyne.TextWrapWord
		e.Importance = widget.DangerImportance
		right = container.NewVBox(r.Text, e)
	} else {
		r.Thumb = newThumbStrip(p.e, it.Name, fileSource(it.Path), 56)
	}
	var left fyne.CanvasObject = container.NewVBox()
	if r.Thumb != nil {
		left = r.Thumb
	}
	r.bg = canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
	r.obj = container.NewStack(r.bg, container.NewBorder(nil, nil, left, nil, right))
	r.ExtendBaseWidget(r)
	return r
}

func (r *InboxRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.obj) }

func (r *InboxRow) setSelected(on bool) {
	if on {
		r.bg.FillColor = theme.Color(theme.ColorNameSelection)
	} else {
		r.bg.FillColor = theme.Color(theme.ColorNameBackground)
	}
	r.bg.Refresh()
}

func (r *InboxRow) Tapped(*fyne.PointEvent) {
	r.p.e.main.touch()
	r.p.Select(r.i)
}

func (r *InboxRow) FocusGained() {
	if r.p.sel != r.i {
		r.p.Select(r.i)
	}
	r.bg.StrokeWidth = 2
	r.bg.StrokeColor = theme.Color(theme.ColorNameFocus)
	r.bg.Refresh()
}

func (r *InboxRow) FocusLost() {
	r.bg.StrokeWidth = 0
	r.bg.Refresh()
}

// TypedRune: 1…9 take the scan for that document, where the screen says so.
func (r *InboxRow) TypedRune(c rune) {
	if c < '1' || c > '9' || r.p.OnDigit == nil || r.Item.Err != "" {
		return
	}
	r.p.e.main.touch()
	r.p.OnDigit(int(c-'0'), r.Item)
}

// TypedKey: ↑ ↓ move, Enter or Space takes the scan, the rest goes to the
// window.
func (r *InboxRow) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyDown:
		r.p.Select(r.i + 1)
	case fyne.KeyUp:
		r.p.Select(r.i - 1)
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace:
		r.p.e.main.touch()
		r.p.takeSelected()
	default:
		r.p.e.keys.Key(ev)
	}
}

func (r *InboxRow) TypedShortcut(s fyne.Shortcut) { r.p.e.keys.Shortcut(s) }
