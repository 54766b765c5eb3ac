package ui

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua"
	"motcua/app"
	fieldmode "motcua/app/field"
)

// FieldScreen (F9) is a community team's field station: prepare a dossier
// with a villager (chip-ID scan, procedure, checklist, photos from the
// phone or scanner folder, notes, consent), show the slip's QR, list the
// prepared dossiers with their age, and write the hand-over bundle.
type FieldScreen struct {
	*env

	Scan      *Entry
	Applicant *widget.Label
	Phone     *Entry
	Procedure *widget.Select
	Checks    []*widget.Check
	Folder    *Entry // the phone's or scanner's folder of photos
	Notes     *Entry
	Consent   *widget.RadioGroup
	ConsentAt *Entry // where the signed form or the recording is kept
	Prepare   *Button
	Err       *widget.Label

	SlipRef *widget.Label
	SlipQR  *canvas.Image
	// Last is the dossier just prepared (nil before the first).
	Last *fieldmode.Prepared

	List     *widget.Label
	USB      *Entry
	Export   *Button
	ExportOK *widget.Label

	cccd    string
	procs   []motcua.Procedure
	checks  *fyne.Container
	content fyne.CanvasObject
}

var consentChoices = []string{"Phiếu đồng ý có chữ ký của người dân", "Xác nhận đồng ý được ghi lại"}

func newFieldScreen(e *env) *FieldScreen {
	s := &FieldScreen{env: e}
	s.Scan = newEntry(e.keys, nil)
	s.Scan.SetPlaceHolder(tr("Quét mã QR trên căn cước của người dân…"))
	s.Scan.OnSubmitted = s.onScan
	s.Applicant = widget.NewLabel(tr("Chưa quét căn cước."))
	s.Phone = newEntry(e.keys, nil)
	s.procs = append(s.procs, e.svc.Catalog.Procedures...)
	names := make([]string, len(s.procs))
	for i, p := range s.procs {
		names[i] = p.Code + " — " + p.Name
	}
	s.Procedure = widget.NewSelect(names, func(string) { s.chose() })
	s.checks = container.NewVBox()
	s.Folder = newEntry(e.keys, nil)
	s.Folder.SetPlaceHolder(tr("Thư mục ảnh chụp hoặc bản quét (mỗi tệp cho một giấy tờ đã đánh dấu, theo thứ tự)"))
	s.Notes = newVNEntry(e.keys, e.typing)
	s.Consent = widget.NewRadioGroup([]string{tr(consentChoices[0]), tr(consentChoices[1])}, nil)
	s.ConsentAt = newVNEntry(e.keys, e.typing)
	s.ConsentAt.SetPlaceHolder(tr("Nơi lưu phiếu đồng ý hoặc bản ghi"))
	s.Prepare = newButton(e.keys, tr("Lưu hồ sơ chuẩn bị, lập phiếu hẹn (Ctrl+Enter)"), s.prepare)
	s.Prepare.Importance = widget.HighImportance
	s.Err = widget.NewLabel("")
	s.Err.Wrapping = fyne.TextWrapWord
	s.Err.Importance = widget.DangerImportance
	s.SlipRef = widget.NewLabel("")
	s.SlipRef.Wrapping = fyne.TextWrapWord
	s.SlipQR = &canvas.Image{FillMode: canvas.ImageFillContain}
	s.SlipQR.SetMinSize(fyne.NewSize(180, 180))
	s.List = widget.NewLabel("")
	s.USB = newEntry(e.keys, nil)
	s.USB.SetPlaceHolder(tr("Tệp gói trên USB, ví dụ E:\\ban-giao.mcb"))
	s.Export = newButton(e.keys, tr("Ghi gói bàn giao cho xã"), s.export)
	s.ExportOK = widget.NewLabel("")
	s.ExportOK.Wrapping = fyne.TextWrapWord

	form := container.NewVBox(
		widget.NewLabelWithStyle(tr("Chuẩn bị hồ sơ cùng người dân"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.Scan, s.Applicant,
		widget.NewLabel(tr("Số điện thoại")), s.Phone,
		widget.NewLabel(tr("Thủ tục")), s.Procedure, s.checks,
		widget.NewLabel(tr("Ảnh, bản quét giấy tờ")), s.Folder,
		widget.NewLabel(tr("Ghi chú của tổ")), s.Notes,
		widget.NewLabelWithStyle(tr("Người dân đồng ý cho tổ xử lý dữ liệu cá nhân"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.Consent, s.ConsentAt, s.Prepare, s.Err)
	slip := container.NewVBox(widget.NewLabelWithStyle(tr("Phiếu hẹn"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.SlipQR, s.SlipRef)
	list := container.NewVBox(widget.NewLabelWithStyle(tr("Hồ sơ đã chuẩn bị"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		s.List, widget.NewSeparator(), s.USB, s.Export, s.ExportOK)
	s.content = container.New(&columns{weights: []float32{0.45, 0.22, 0.33}},
		container.NewVScroll(form), slip, container.NewVScroll(list))
	return s
}

// Content implements screen.
func (s *FieldScreen) Content() fyne.CanvasObject { return s.content }

func (s *FieldScreen) shown() {
	s.refreshList()
	s.focus(s.Scan)
}

func (s *FieldScreen) bindings() map[string]func() {
	return map[string]func(){sc(ctrl(fyne.KeyReturn)): s.prepare}
}

func (s *FieldScreen) onScan(line string) {
	s.Scan.SetText("")
	a, err := app.ApplicantFromCCCD(strings.TrimSpace(line), s.now())
	if err != nil {
		s.Err.SetText(tr("Mã QR căn cước không hợp lệ:") + " " + errMsg(err))
		return
	}
	s.cccd = strings.TrimSpace(line)
	s.Err.SetText("")
	s.Applicant.SetText(a.Name + " · " + app.MaskID(a.IDNumber) + " · " + a.Address)
	s.focus(s.Phone)
}

func (s *FieldScreen) chose() {
	s.Checks = nil
	s.checks.Objects = nil
	if i := s.Procedure.SelectedIndex(); i >= 0 {
		for _, c := range s.procs[i].Components {
			ch := widget.NewCheck(c.Name, nil)
			ch.SetChecked(!c.Optional)
			s.Checks = append(s.Checks, ch)
			s.checks.Add(ch)
		}
	}
	s.checks.Refresh()
}

// documents are the folder's photos and scans, in name order, each for
// the next ticked item of the checklist.
func (s *FieldScreen) documents(ticked []int) ([]fieldmode.DocumentInput, error) {
	dir := strings.TrimSpace(s.Folder.Text)
	if dir == "" {
		return nil, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, motcua.Invalid(fieldmode.ErrNoDocument, "document", "Không đọc được thư mục «%s»: %v", "cannot read folder %q: %v", dir, err)
	}
	var names []string
	for _, e := range entries {
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".pdf":
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var out []fieldmode.DocumentInput
	for i, n := range names {
		if i >= len(ticked) {
			break
		}
		out = append(out, fieldmode.DocumentInput{ComponentIndex: ticked[i], Path: filepath.Join(dir, n)})
	}
	return out, nil
}

func (s *FieldScreen) prepare() {
	s.Err.SetText("")
	req := fieldmode.PrepareRequest{By: s.acting(), CCCD: s.cccd, Applicant: motcua.Applicant{Phone: s.Phone.Text},
		Notes: s.Notes.Text, Ticked: []int{}}
	if i := s.Procedure.SelectedIndex(); i >= 0 {
		req.ProcedureCode = s.procs[i].Code
	}
	for i, c := range s.Checks {
		if c.Checked {
			req.Ticked = append(req.Ticked, i)
		}
	}
	switch s.Consent.Selected {
	case tr(consentChoices[0]):
		req.Consent.Method = fieldmode.ConsentPaper
	case tr(consentChoices[1]):
		req.Consent.Method = fieldmode.ConsentRecorded
	}
	req.Consent.Note = s.ConsentAt.Text
	docs, err := s.documents(req.Ticked)
	if err == nil {
		req.Documents = docs
		s.Last, err = s.field.Prepare(context.Background(), req)
	}
	if err != nil {
		s.Err.SetText(errMsg(err))
		return
	}
	p := s.Last
	if png, err := QRImage(p.SlipQR, 360); err == nil {
		s.SlipQR.Resource = fyne.NewStaticResource("slip.png", png)
		s.SlipQR.Refresh()
	}
	s.SlipRef.SetText(p.Ref + "\n" + p.Applicant.Name + "\n" + p.Procedure.Name + "\n" +
		tr("Nộp tại quầy trước") + " " + p.ExpiresAt.Format("02/01/2006") + " · " + num(len(p.Documents), "tài liệu"))
	s.cccd = ""
	s.Applicant.SetText(tr("Chưa quét căn cước."))
	for _, e := range []*Entry{s.Phone, s.Notes, s.ConsentAt} {
		e.SetText("")
	}
	s.Consent.SetSelected("")
	s.refreshList()
	s.focus(s.Scan)
}

func (s *FieldScreen) refreshList() {
	recs, err := s.field.List(context.Background())
	if err != nil {
		s.List.SetText(errMsg(err))
		return
	}
	if len(recs) == 0 {
		s.List.SetText(tr("Chưa có hồ sơ nào."))
		return
	}
	var b strings.Builder
	for _, r := range recs {
		days := int(s.now().Sub(r.CreatedAt).Hours() / 24)
		state := tr("chưa bàn giao")
		if !r.ExportedAt.IsZero() {
			state = tr("đã bàn giao")
		}
		b.WriteString(r.Ref + " · " + r.Applicant.Name + " · " + r.Procedure.Code + " · " + num(days, "ngày") + " · " + state + "\n")
	}
	s.List.SetText(strings.TrimSpace(b.String()))
}

func (s *FieldScreen) export() {
	s.ExportOK.SetText("")
	r, err := s.field.Export(context.Background(), s.acting(), strings.TrimSpace(s.USB.Text), false)
	if err != nil {
		s.ExportOK.SetText(errMsg(err))
		return
	}
	s.ExportOK.SetText(tr("Đã ghi gói:") + " " + num(len(r.Refs), "hồ sơ") + ", " + num(r.Documents, "tài liệu") + ".")
	s.refreshList()
}
