package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
)

// scanExts are the files the attach dialog offers (pdfdoc checks the
// content: the extension is only the filter).
var scanExts = []string{".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff"}

// Docs is the "Tài liệu số hóa" section of the dossier detail: the
// dossier's digitised documents, a button per component that opens the
// file dialog, and the component that files dropped on the window go to.
type Docs struct {
	d *Detail

	// List holds one row per document, or a note when there is none.
	List *fyne.Container
	// Rows are the documents shown, in the order added.
	Rows []app.Attachment
	// Thumbs are the documents' first pages, one strip per row.
	Thumbs []*ThumbStrip
	// Inbox lists the scans waiting in the scanner's folder; Enter
	// attaches the chosen one to the component of DropTo.
	Inbox *InboxPanel
	// AttachButtons are the "Đính kèm bản quét…" buttons, one per component.
	AttachButtons []*Button
	comps         *fyne.Container
	// DropTo chooses the component that dropped files are attached to.
	DropTo *widget.Select
	// Msg says what the last attach did (success or the error naming the file).
	Msg *widget.Label
	// Unavailable explains why nothing can be attached, when so.
	Unavailable *widget.Label

	busy bool
	done chan struct{}
	box  *fyne.Container
}

func newDocs(d *Detail) *Docs {
	s := &Docs{d: d}
	s.List = container.NewVBox()
	s.comps = container.NewVBox()
	s.DropTo = widget.NewSelect(nil, nil)
	s.DropTo.PlaceHolder = tr("Chọn thành phần")
	s.Msg = widget.NewLabel("")
	s.Msg.Wrapping = fyne.TextWrapWord
	s.Msg.Hide()
	s.Unavailable = note("")
	s.Unavailable.Hide()
	drop := container.NewBorder(nil, nil, widget.NewLabel(tr("Kéo thả tệp vào cửa sổ để đính kèm vào:")), nil, s.DropTo)
	s.Inbox = newInboxPanel(d.env, tr("Đính kèm bản quét đã chọn vào thành phần trên (Enter)"), s.takeFromInbox)
	s.box = container.NewVBox(s.List, s.Unavailable, s.comps, drop, s.Msg, widget.NewSeparator(), s.Inbox.Content())
	return s
}

// Content is the section's body (its title is the detail's).
func (s *Docs) Content() fyne.CanvasObject { return s.box }

// available reports whether this window can digitise.
func (s *Docs) available() bool {
	return s.d.svc.Scans != nil && s.d.svc.Scans.Blobs != nil && s.d.svc.Scans.Signer != nil
}

// canAttach reports whether the signed-in officer may attach here.
func (s *Docs) canAttach() bool {
	return s.available() && s.d.user().Can(accounts.PermIntake) && !s.busy
}

// show fills the section for the detail's dossier.
func (s *Docs) show() {
	d := s.d.D
	s.Msg.Hide()
	s.comps.Objects = nil
	s.AttachButtons = nil
	var opts []string
	for i, c := range d.Components {
		i := i
		opts = append(opts, itoa(i+1)+". "+c.Name)
		b := newButton(s.d.keys, tr("Đính kèm bản quét…"), func() { s.openDialog(i) })
		b.Importance = widget.LowImportance
		l := widget.NewLabel(itoa(i+1) + ". " + c.Name)
		l.Truncation = fyne.TextTruncateEllipsis
		s.AttachButtons = append(s.AttachButtons, b)
		s.comps.Add(container.NewBorder(nil, nil, nil, b, l))
	}
	s.comps.Refresh()
	s.DropTo.Options = opts
	s.DropTo.ClearSelected()
	if len(opts) > 0 {
		s.DropTo.SetSelectedIndex(0)
	}
	switch {
	case !s.available():
		s.Unavailable.SetText(tr("Chức năng số hóa chưa sẵn sàng trên máy này (chưa mở kho tệp hoặc khóa ký của máy)."))
		s.Unavailable.Show()
	case len(opts) == 0:
		s.Unavailable.SetText(tr("Hồ sơ không ghi thành phần nào: không có chỗ để đính kèm bản quét."))
		s.Unavailable.Show()
	case !s.d.user().Can(accounts.PermIntake):
		s.Unavailable.SetText(tr("Tài khoản này không được đính kèm bản quét."))
		s.Unavailable.Show()
	default:
		s.Unavailable.Hide()
	}
	s.enable()
	s.reload()
}

func (s *Docs) enable() {
	ok := s.canAttach()
	why := tr("Đang đính kèm bản quét trước: chờ xong rồi thêm.")
	switch {
	case !s.available():
		why = tr("Chức năng số hóa chưa sẵn sàng trên máy này (chưa mở kho tệp hoặc khóa ký của máy).")
	case !s.d.user().Can(accounts.PermIntake):
		why = notAllowed(s.d.user(), accounts.PermIntake)
	}
	for _, b := range s.AttachButtons {
		if ok {
			b.Enable()
		} else {
			disableWhy(why, b)
		}
	}
	if ok {
		s.DropTo.Enable()
	} else {
		disableWhy(why, s.DropTo, s.Inbox.Take)
	}
}

// reload lists the dossier's documents again.
func (s *Docs) reload() {
	s.Rows, s.Thumbs = nil, nil
	s.List.Objects = nil
	if s.d.svc.Scans != nil {
		as, err := s.d.svc.Attachments(context.Background(), s.d.D.Code)
		if err != nil {
			s.List.Add(note(errMsg(err)))
		}
		for _, a := range as {
			if !a.Deleted {
				s.Rows = append(s.Rows, a)
			}
		}
	}
	code := s.d.D.Code
	for _, a := range s.Rows {
		l := widget.NewLabel(docLine(a))
		l.Wrapping = fyne.TextWrapWord
		src := thumbSource{hash: a.SHA256, load: func() ([]byte, error) {
			return s.d.svc.AttachmentPDF(context.Background(), code, a.ID)
		}}
		th := newThumbStrip(s.d.env, a.FileName, src, 136)
		s.Thumbs = append(s.Thumbs, th)
		s.List.Add(container.NewVBox(l, th))
	}
	if len(s.List.Objects) == 0 {
		s.List.Add(note(tr("Chưa có tài liệu số hóa nào.")))
	}
	s.List.Refresh()
}

// docLine is one document: component, file, pages, size, SHA-256 (short),
// when and by whom.
func docLine(a app.Attachment) string {
	sha := a.SHA256
	if len(sha) > 12 {
		sha = sha[:12] + "…"
	}
	return strings.Join([]string{
		tr("TP") + " " + itoa(a.ComponentIndex+1) + " «" + a.Component + "»: " + a.FileName,
		num(a.Pages, "trang") + " · " + fmtSize(a.Size) + " · SHA-256 " + sha,
		fmtTime(a.AddedAt) + " · " + a.AddedBy,
	}, "\n")
}

func fmtSize(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%d KB", (n+512)/1024)
	}
	return strings.Replace(fmt.Sprintf("%.1f MB", float64(n)/(1024*1024)), ".", ",", 1)
}

// openDialog asks for a scan of component i.
func (s *Docs) openDialog(i int) {
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			s.say(errMsg(err), false)
			return
		}
		if r == nil {
			return // cancelled
		}
		path := r.URI().Path()
		r.Close()
		s.Attach(i, []string{path})
	}, s.d.win)
	fd.SetFilter(storage.NewExtensionFileFilter(scanExts))
	fd.Resize(fyne.NewSize(900, 600))
	fd.Show()
}

// Dropped attaches files dropped on the window to the chosen component,
// while this dossier's detail is on show.
func (s *Docs) Dropped(_ fyne.Position, uris []fyne.URI) {
	dt := s.d
	if dt.D == nil || dt.frame == nil || dt.frame.current != ScreenDossiers || !dt.content.Visible() {
		return
	}
	var files []string
	for _, u := range uris {
		if u.Scheme() == "file" {
			files = append(files, u.Path())
		}
	}
	if len(files) == 0 {
		return
	}
	i := s.DropTo.SelectedIndex()
	if i < 0 {
		s.say(tr("Chọn thành phần hồ sơ để đính kèm tệp kéo thả vào."), false)
		return
	}
	s.Attach(i, files)
}

// Attach digitises files as the document of component i (0-based) of the
// dossier on show, in the background, then lists the documents again or
// says which file was refused and why. It is what the file dialog and a
// drop call.
func (s *Docs) Attach(i int, files []string) { s.attach(i, files, nil) }

// takeFromInbox attaches the chosen scan of the inbox to the component of
// DropTo; once attached it leaves the inbox for processed/.
func (s *Docs) takeFromInbox(it InboxItem) {
	i := s.DropTo.SelectedIndex()
	if i < 0 {
		s.say(tr("Chọn thành phần hồ sơ để đính kèm bản quét vào."), false)
		return
	}
	if !s.canAttach() {
		return
	}
	s.attach(i, []string{it.Path}, func() error { return s.d.main.opt.Inbox.Done(it.Path) })
}

func (s *Docs) attach(i int, files []string, after func() error) {
	if s.busy || s.d.D == nil {
		return
	}
	if err := accounts.Allow(s.d.user(), accounts.PermIntake); err != nil {
		s.say(errMsg(err), false)
		return
	}
	actor := s.d.user().FullName
	if actor == "" {
		actor = s.d.actor()
	}
	code := s.d.D.Code
	s.busy = true
	done := make(chan struct{})
	s.done = done
	s.enable()
	s.say(tr("Đang số hóa…"), true)
	s.Msg.Importance = widget.MediumImportance
	s.Msg.Refresh()
	go func() {
		defer close(done)
		a, err := s.d.svc.Attach(context.Background(), code, i, files, actor)
		var afterErr error
		if err == nil && after != nil {
			afterErr = after()
		}
		onUIWait(func() {
			s.busy = false
			if s.d.D == nil || s.d.D.Code != code {
				return // another dossier is on show now
			}
			s.enable()
			if err != nil {
				s.say(errMsg(err), false)
				return
			}
			s.reload()
			s.say(tr("Đã số hóa")+" "+tr("TP")+" "+itoa(a.ComponentIndex+1)+": "+a.FileName+", "+itoa(a.Pages)+" "+tr("trang")+".", true)
			if afterErr != nil {
				s.say(s.Msg.Text+" "+tr("Nhưng bản quét chưa chuyển được khỏi hộp thư:")+" "+afterErr.Error(), false)
			}
			s.d.frame.changed()
		})
	}()
}

// Wait blocks until the attach under way, if any, has finished and the
// section shows its result.
func (s *Docs) Wait() {
	if s.done != nil {
		<-s.done
	}
}

func (s *Docs) say(msg string, ok bool) {
	s.Msg.SetText(msg)
	if ok {
		s.Msg.Importance = widget.SuccessImportance
	} else {
		s.Msg.Importance = widget.DangerImportance
	}
	s.Msg.Show()
	s.Msg.Refresh()
}

// dropped sends files dropped on the window to the screen on show: the
// intake's collected scans, or the documents of the dossier open.
func (f *Frame) dropped(pos fyne.Position, uris []fyne.URI) {
	switch f.current {
	case ScreenIntake:
		f.Intake.Docs.Dropped(uris)
	case ScreenDossiers:
		f.Dossiers.Detail.Docs.Dropped(pos, uris)
	}
}

// Collected is a scan gathered at intake for one document of the
// checklist, attached once the dossier exists.
type Collected struct {
	Comp int // index in the procedure's checklist
	Path string
	// FromInbox: the scan leaves the scanner's folder once attached.
	FromInbox bool
	row       fyne.CanvasObject
}

// IntakeDocs gathers the scans of the dossier being received: before the
// dossier exists the officer collects scans per document of the checklist
// (the attach button of its row, a drop on the window, the scanner's
// inbox), each checked against the digitisation rules at once and listed
// under its document; on acceptance they are attached to the new dossier.
type IntakeDocs struct {
	s *Intake
	// To is the document of the checklist that Enter in the inbox and
	// files dropped on the window go to; it moves on to the next document
	// after each scan taken from the inbox.
	To *widget.Select
	// Files are the scans collected, in order.
	Files []*Collected
	// Thumbs are their first pages, one strip per file.
	Thumbs []*ThumbStrip
	// Msg names the file refused and the rule, or what was collected.
	Msg   fieldErr
	Inbox *InboxPanel
	done  chan struct{}
}

func newIntakeDocs(s *Intake) *IntakeDocs {
	d := &IntakeDocs{s: s}
	d.To = widget.NewSelect(nil, func(string) { s.main.touch() })
	d.To.PlaceHolder = tr("Chọn thủ tục trước")
	d.Msg = newFieldErr()
	d.Inbox = newInboxPanel(s.env, tr("Lấy vào (Enter):"), d.take)
	d.Inbox.Limit = 3
	d.Inbox.Hidden = d.has
	d.Inbox.OnDigit = func(n int, it InboxItem) {
		if d.Add(n-1, it.Path, true) {
			d.next(n - 1)
		}
	}
	d.Inbox.setFooter(container.NewVBox(
		container.NewBorder(nil, nil, d.Inbox.Take, nil, d.To),
		note(tr("Phím 1–9 trên bản quét: lấy vào giấy tờ số đó. Bản quét có QR của hồ sơ đã nhận: Enter mở hồ sơ đó."))))
	d.Inbox.Refresh()
	return d
}

// take is Enter on a scan of the inbox: one carrying the receipt QR of a
// dossier already received opens that dossier with the scan chosen, to be
// attached there; any other is collected for the document of To.
func (d *IntakeDocs) take(it InboxItem) {
	if it.Dossier != "" {
		if err := d.s.frame.OpenDossier(it.Dossier); err != nil {
			d.Msg.set(errMsg(err))
			return
		}
		d.s.frame.Dossiers.Detail.Docs.Inbox.SelectPath(it.Path)
		return
	}
	i := d.To.SelectedIndex()
	if d.Add(i, it.Path, true) {
		d.next(i)
	}
}

// next points To at the document after i, for the next page scanned.
func (d *IntakeDocs) next(i int) {
	if i+1 < len(d.To.Options) {
		d.To.SetSelectedIndex(i + 1)
	}
}

// setChecklist offers the documents of the chosen procedure.
func (d *IntakeDocs) setChecklist(names []string) {
	var opts []string
	for i, n := range names {
		opts = append(opts, itoa(i+1)+". "+n)
	}
	d.To.Options = opts
	d.To.ClearSelected()
	if len(opts) > 0 {
		d.To.SetSelectedIndex(0)
		d.To.PlaceHolder = tr("Chọn giấy tờ")
	} else {
		d.To.PlaceHolder = tr("Chọn thủ tục trước")
	}
	d.To.Refresh()
}

func (d *IntakeDocs) has(path string) bool {
	for _, f := range d.Files {
		if f.Path == path {
			return true
		}
	}
	return false
}

// AttachTo is the attach button of document i of the checklist: the scan
// chosen in the inbox goes there, or else the file dialog asks for one.
func (d *IntakeDocs) AttachTo(i int) {
	if i < 0 || i >= len(d.To.Options) {
		return
	}
	d.To.SetSelectedIndex(i)
	if it, ok := d.Inbox.Selected(); ok && it.Err == "" {
		d.Add(i, it.Path, true)
		return
	}
	d.openDialog(i)
}

func (d *IntakeDocs) openDialog(i int) {
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			d.Msg.set(errMsg(err))
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		d.Add(i, path, false)
	}, d.s.win)
	fd.SetFilter(storage.NewExtensionFileFilter(scanExts))
	fd.Resize(fyne.NewSize(900, 600))
	fd.Show()
}

// Dropped collects files dropped on the window for the chosen document.
func (d *IntakeDocs) Dropped(uris []fyne.URI) {
	for _, u := range uris {
		if u.Scheme() == "file" {
			d.Add(d.To.SelectedIndex(), u.Path(), false)
		}
	}
}

// Add collects a scan for document comp of the checklist, after checking
// it against the digitisation rules (the message names the file and the
// rule), lists it under that document and ticks it as received.
func (d *IntakeDocs) Add(comp int, path string, fromInbox bool) bool {
	if comp < 0 || comp >= len(d.s.comps) {
		d.Msg.set(tr("Chọn thủ tục và giấy tờ trước khi thêm bản quét") + " «" + filepath.Base(path) + "».")
		return false
	}
	if d.has(path) {
		d.Msg.set(tr("Tệp đã có trong danh sách:") + " «" + filepath.Base(path) + "».")
		return false
	}
	if err := d.s.svc.CheckScan(path); err != nil {
		d.Msg.set(errMsg(err))
		return false
	}
	d.Msg.set("")
	c := &Collected{Comp: comp, Path: path, FromInbox: fromInbox}
	th := newThumbStrip(d.s.env, filepath.Base(path), fileSource(path), 36)
	rm := newButton(d.s.keys, tr("Bỏ"), func() { d.Remove(c) })
	rm.Importance = widget.LowImportance
	l := widget.NewLabel(filepath.Base(path))
	l.Truncation = fyne.TextTruncateEllipsis
	l.SizeName = theme.SizeNameCaptionText
	c.row = container.NewBorder(nil, nil, th, rm, l)
	d.Files = append(d.Files, c)
	d.Thumbs = append(d.Thumbs, th)
	r := d.s.comps[comp]
	r.files.Add(c.row)
	r.files.Show()
	r.Check.SetChecked(true)
	d.mark(comp)
	d.Inbox.Refresh()
	return true
}

// Collected are the scans collected for document i of the checklist.
func (d *IntakeDocs) Collected(i int) []*Collected {
	var out []*Collected
	for _, f := range d.Files {
		if f.Comp == i {
			out = append(out, f)
		}
	}
	return out
}

// mark says on the attach button of document i how many scans it has.
func (d *IntakeDocs) mark(i int) {
	r := d.s.comps[i]
	if n := len(d.Collected(i)); n > 0 {
		r.Attach.SetText(num(n, "tệp"))
		r.Attach.Importance = widget.SuccessImportance
	} else {
		r.Attach.SetText(tr("Thêm"))
		r.Attach.Importance = widget.LowImportance
	}
	r.Attach.Refresh()
	if len(r.files.Objects) == 0 {
		r.files.Hide()
	}
}

// Remove gives a collected scan back (the row's Bỏ): an inbox scan is listed
// in the inbox again.
func (d *IntakeDocs) Remove(c *Collected) {
	for i, f := range d.Files {
		if f == c {
			d.Files = slices.Delete(d.Files, i, i+1)
			d.Thumbs = slices.Delete(d.Thumbs, i, i+1)
			break
		}
	}
	if c.Comp < len(d.s.comps) {
		d.s.comps[c.Comp].files.Remove(c.row)
		d.mark(c.Comp)
	}
	d.Inbox.Refresh()
}

// clear empties the collection for the next citizen (the checklist rows
// that listed the scans go with the procedure).
func (d *IntakeDocs) clear() {
	d.Files, d.Thumbs = nil, nil
	d.Msg.set("")
	d.setChecklist(nil)
	d.Inbox.Refresh()
}

// attachTo attaches the collected scans to dossier dc in the background,
// one document per component (images merged into one PDF), and reports
// on the decision's card. A failure never touches the dossier already
// recorded: the message names the file and why, and the scan stays where
// it was (an inbox scan stays in the inbox) to be attached from the
// dossier later.
func (d *IntakeDocs) attachTo(dc *motcua.Dossier, files []*Collected, specs []motcua.ComponentSpec, report func(ok bool, msg string)) {
	if len(files) == 0 {
		return
	}
	actor := d.s.user().FullName
	if actor == "" {
		actor = d.s.actor()
	}
	// The collected scans per component of the dossier, in checklist order.
	type group struct {
		idx   int // in dc.Components
		name  string
		files []*Collected
	}
	var groups []*group
	byComp := map[int]*group{}
	var skipped []string
	for _, f := range files {
		g, ok := byComp[f.Comp]
		if !ok {
			idx := -1
			for i, c := range dc.Components {
				if f.Comp < len(specs) && c.Name == specs[f.Comp].Name {
					idx = i
					break
				}
			}
			if idx < 0 {
				skipped = append(skipped, "«"+filepath.Base(f.Path)+"»")
				continue
			}
			g = &group{idx: idx, name: dc.Components[idx].Name}
			byComp[f.Comp] = g
			groups = append(groups, g)
		}
		g.files = append(g.files, f)
	}
	done := make(chan struct{})
	d.done = done
	inb := d.s.main.opt.Inbox
	go func() {
		defer close(done)
		var okN, pages int
		var fails []string
		for _, g := range groups {
			paths := make([]string, len(g.files))
			for i, f := range g.files {
				paths[i] = f.Path
			}
			a, err := d.s.svc.Attach(context.Background(), dc.Code, g.idx, paths, actor)
			if err != nil {
				fails = append(fails, tr("Giấy tờ")+" «"+g.name+"»: "+errMsg(err))
				continue
			}
			okN++
			pages += a.Pages
			for _, f := range g.files {
				if f.FromInbox && inb != nil {
					if err := inb.Done(f.Path); err != nil {
						fails = append(fails, "«"+filepath.Base(f.Path)+"» "+tr("đã đính kèm nhưng chưa chuyển được khỏi hộp thư:")+" "+err.Error())
					}
				}
			}
		}
		var msg string
		if okN > 0 {
			msg = tr("Đã đính kèm") + " " + num(okN, "tài liệu") + " (" + num(pages, "trang") + ")."
		}
		if len(skipped) > 0 {
			fails = append(fails, tr("Không đính kèm (giấy tờ không đánh dấu đã nhận):")+" "+strings.Join(skipped, ", "))
		}
		if len(fails) > 0 {
			msg = strings.TrimSpace(msg + " " + tr("Chưa đính kèm được:") + " " + strings.Join(fails, "; ") + ". " +
				tr("Hồ sơ vẫn đã được lưu; đính kèm lại ở F3 → hồ sơ") + " " + dc.Code + ".")
		}
		onUIWait(func() {
			report(len(fails) == 0, msg)
			d.s.frame.changed()
		})
	}()
}

// Wait blocks until the attachments of the last decision are done.
func (d *IntakeDocs) Wait() {
	if d.done != nil {
		<-d.done
	}
}
