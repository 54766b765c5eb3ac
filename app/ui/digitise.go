package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

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
	s.box = container.NewVBox(s.List, s.Unavailable, s.comps, drop, s.Msg)
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
	for _, b := range s.AttachButtons {
		if ok {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	if ok {
		s.DropTo.Enable()
	} else {
		s.DropTo.Disable()
	}
}

// reload lists the dossier's documents again.
func (s *Docs) reload() {
	s.Rows = nil
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
	for _, a := range s.Rows {
		l := widget.NewLabel(docLine(a))
		l.Wrapping = fyne.TextWrapWord
		s.List.Add(l)
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
		itoa(a.Pages) + " " + tr("trang") + " · " + fmtSize(a.Size) + " · SHA-256 " + sha,
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
func (s *Docs) Attach(i int, files []string) {
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
		fyne.DoAndWait(func() {
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
