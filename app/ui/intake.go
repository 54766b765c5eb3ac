package ui

import (
	"context"
	fieldmode "motcua/app/field"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"motcua"
	"motcua/app"
	"motcua/app/forms"
	"motcua/scanning/qrsign"
)

// Intake is the counter form: scan the chip-ID QR (or type the fields),
// pick the procedure, tick the documents received, decide. Then the form
// is clear for the next citizen and the receipt waits to be printed.
type Intake struct {
	*env

	// prepared is the pre-dossier a scanned slip brought (field mode),
	// nil for a dossier typed at the counter.
	prepared *fieldmode.Record

	Scan     *Entry
	ScanErr  fieldErr
	ScanInfo *widget.Label

	Name, IDNumber, DOB, Phone, Address *Entry
	Gender                              *widget.RadioGroup

	ProcQuery *Entry
	ProcList  *widget.List
	procRowH  map[widget.ListItemID]float32 // the rows' heights set so far
	ProcInfo  *widget.Label
	Due       *widget.Label
	// Change opens the procedure search again once one is chosen (Ctrl+F).
	Change *Button
	// InboxLine, under the procedure search, counts the scans waiting
	// and shows them (Ctrl+E); InboxRefused, under it, counts the files
	// there that the digitisation rules refuse (hidden when none).
	InboxLine    *Button
	InboxRefused *widget.Label

	AllReceived *Button
	Reason      *Entry
	Extra       *Entry
	Accept      *Button
	Supplement  *Button
	Refuse      *Button
	General     fieldErr

	// Docs are the scans collected for the dossier being received.
	Docs *IntakeDocs

	// The last decision's paper.
	Last      *motcua.Dossier
	LastPaper Paper
	LastTitle *widget.Label
	LastInfo  *widget.Label
	LastQR    *canvas.Image
	// LastAttach says how attaching the collected scans went.
	LastAttach *widget.Label
	Print      *Button
	Open       *Button
	// Tech shows the technical detail of the last paper's failure.
	Tech     *TechLink
	ShowLast *Button
	lastCard *fyne.Container

	printing chan struct{} // closed when the print job in flight ends
	// The applicant's column, and its scroll on a small screen.
	applicant       fyne.CanvasObject
	applicantScroll *container.Scroll
	procs           []motcua.Procedure
	recent          map[string]bool
	selected        *motcua.Procedure
	comps           []*CompRow
	compBox         *fyne.Container
	compHint        *widget.Label
	// The middle column shows either the procedure search (searching) or
	// the procedure chosen above the scanner's inbox.
	procCol               *fyne.Container
	searchView, inboxView fyne.CanvasObject
	searching             bool
	arrowing              bool // the list moves under the arrow keys: no collapse
	counts                *fyne.Container
	errs                  map[string]fieldErr
	content               fyne.CanvasObject
}

// CompRow is one document of the checklist: received or not, how many
// originals, certified copies and plain copies, and its scans.
type CompRow struct {
	spec               motcua.ComponentSpec
	Check              *TickBox
	Orig, Cert, Copies *Entry
	// Attach collects a scan for this document (the one chosen in the
	// inbox, or a file) and says how many it has.
	Attach *Button
	files  *fyne.Container
}

func newIntake(e *env) *Intake {
	s := &Intake{env: e, errs: map[string]fieldErr{}}
	for _, k := range []string{"cccd", "name", "id_number", "dob", "gender", "phone", "address", "procedure", "components", "reason", "missing"} {
		s.errs[k] = newFieldErr()
	}
	s.General = newFieldErr()

	s.Scan = newEntry(e.keys, nil)
	s.Scan.SetPlaceHolder(tr("Quét QR căn cước hoặc giấy tiếp nhận"))
	s.Scan.OnSubmitted = s.onScan
	s.ScanInfo = note(tr("Máy quét gõ một dòng rồi Enter. QR căn cước: điền người nộp. QR giấy tiếp nhận: mở hồ sơ."))
	// A scan's message takes the hint's place, not room of its own.
	s.errs["cccd"] = fieldErr{Label: s.errs["cccd"].Label, alt: s.ScanInfo}
	s.ScanErr = s.errs["cccd"]

	s.Name = newVNEntry(e.keys, e.typing)
	s.IDNumber = newEntry(e.keys, nil)
	s.DOB = newEntry(e.keys, nil)
	s.DOB.SetPlaceHolder(tr("NN/TT/NNNN"))
	s.Phone = newEntry(e.keys, nil)
	s.Address = newVNEntry(e.keys, e.typing)
	for _, f := range []*Entry{s.Name, s.IDNumber, s.DOB, s.Phone, s.Address} {
		f.OnScan = s.onScan
	}
	s.Gender = widget.NewRadioGroup([]string{"Nam", "Nữ"}, nil)
	s.Gender.Horizontal = true

	s.ProcQuery = newEntry(e.keys, nil)
	s.ProcQuery.SetPlaceHolder(tr("Gõ để tìm, không cần dấu"))
	s.ProcQuery.OnChanged = s.filterProcedures
	s.ProcQuery.OnKey = s.procKey
	s.ProcQuery.OnSubmitted = func(string) { s.pickHighlighted() }
	s.ProcList = widget.NewList(
		func() int { return len(s.procs) },
		func() fyne.CanvasObject {
			// A procedure's name is what the officer picks by: wrapped on up
			// to procRowLines lines; a longer one ends in "…" at a word
			// (the whole name shows under the list once highlighted).
			l := widget.NewLabel("thủ tục")
			l.Wrapping = fyne.TextWrapWord
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			p := s.procs[i]
			t := p.Name
			if s.recent[p.Code] {
				t = "★ " + t
			}
			l := o.(*widget.Label)
			s.fitProcRow(i, l, t)
		})
	s.ProcList.OnSelected = func(i widget.ListItemID) {
		e.main.touch()
		s.choose(s.procs[i])
		if !s.arrowing {
			s.showSearch(false) // a click: done searching
		}
	}
	s.ProcInfo = widget.NewLabel(tr("Chưa chọn thủ tục. ★: thủ tục bạn dùng gần đây."))
	s.ProcInfo.Wrapping = fyne.TextWrapWord
	s.Due = bold("")
	s.Due.Wrapping = fyne.TextWrapWord
	s.Change = newButton(e.keys, tr("Đổi thủ tục (Ctrl+F)"), s.searchAgain)
	s.Change.Importance = widget.LowImportance
	s.InboxLine = newButton(e.keys, "", func() { s.showSearch(false); s.focusInbox() })
	s.InboxLine.Importance = widget.LowImportance
	s.InboxLine.Alignment = widget.ButtonAlignLeading
	s.InboxRefused = note("")
	s.InboxRefused.Hide()

	s.AllReceived = newButton(e.keys, tr("Đã nhận đủ (Ctrl+K)"), s.tickAll)
	s.AllReceived.Importance = widget.LowImportance
	s.compBox = container.NewVBox()
	s.compHint = note(tr("Chọn thủ tục để hiện các giấy tờ phải nộp."))
	s.Reason = newVNEntry(e.keys, e.typing)
	s.Reason.SetPlaceHolder(tr("Bắt buộc khi bổ sung, từ chối"))
	s.Extra = newVNEntry(e.keys, e.typing)
	s.Extra.SetPlaceHolder(tr("Cách nhau bởi dấu ;"))

	s.Accept = newButton(e.keys, tr("Tiếp nhận (Ctrl+Enter)"), func() { s.decide(app.DecideAccept) })
	s.Accept.Importance = widget.HighImportance
	s.Supplement = newButton(e.keys, tr("Yêu cầu bổ sung (Ctrl+B)"), func() { s.decide(app.DecideSupplement) })
	s.Supplement.Importance = widget.WarningImportance
	s.Refuse = newButton(e.keys, tr("Từ chối (Ctrl+R)"), func() { s.decide(app.DecideRefuse) })
	s.Refuse.Importance = widget.DangerImportance
	// Who refuses at receipt is a setting (app.KeyRefuseAtReceiptRole;
	// by default the counter officer, NĐ 61/2018 art. 17).
	if err := e.svc.MayRefuseAtReceipt(context.Background(), e.acting()); err != nil {
		s.Refuse.SetText(tr("Từ chối (lãnh đạo)"))
		disableWhy(errMsg(err)+". "+tr("Nhờ cán bộ có quyền này làm, hoặc đề nghị quản trị cấp quyền cho tài khoản của bạn."), s.Refuse)
	}

	s.LastTitle = bold("")
	s.LastInfo = widget.NewLabel("")
	s.LastInfo.Wrapping = fyne.TextWrapWord
	s.LastQR = canvas.NewImageFromResource(nil)
	s.LastQR.FillMode = canvas.ImageFillContain
	s.LastQR.SetMinSize(fyne.NewSize(64, 64))
	s.Print = newButton(e.keys, tr("In (Ctrl+P)"), s.printLast)
	s.Print.Importance = widget.HighImportance
	s.Open = newButton(e.keys, tr("Xem PDF (Ctrl+O)"), s.openLast)
	s.ShowLast = newButton(e.keys, tr("Mở hồ sơ"), func() {
		if s.Last != nil {
			_ = e.frame.OpenDossier(s.Last.Code)
		}
	})
	s.Tech = newTechLink(e.main)
	s.LastAttach = widget.NewLabel("")
	s.LastAttach.Wrapping = fyne.TextWrapWord
	s.LastAttach.Hide()
	// The previous citizen's card stays small: the title and how the scans
	// went on one line, what was decided on the next, the buttons beside.
	s.lastCard = container.NewBorder(nil, nil, s.LastQR,
		container.NewCenter(container.NewHBox(s.Tech, s.Print, s.Open, s.ShowLast)),
		container.NewVBox(container.NewBorder(nil, nil, s.LastTitle, nil, s.LastAttach), s.LastInfo))
	s.lastCard.Hide()

	s.Docs = newIntakeDocs(s)
	s.Docs.Inbox.onRefresh = s.countInbox
	s.watchErrors()
	s.build()
	s.filterProcedures("")
	s.showSearch(true)
	return s
}

func (s *Intake) build() {
	e := s.errs
	applicant := container.NewVBox(
		field(tr("Quét mã (F2)"), s.Scan, e["cccd"]), s.ScanInfo,
		widget.NewSeparator(),
		field(tr("Họ và tên người nộp *"), s.Name, e["name"]),
		container.NewGridWithColumns(2,
			field(tr("Số định danh / CCCD *"), s.IDNumber, e["id_number"]),
			field(tr("Ngày sinh"), s.DOB, e["dob"])),
		container.NewGridWithColumns(2,
			field(tr("Giới tính"), s.Gender, e["gender"]),
			field(tr("Số điện thoại"), s.Phone, e["phone"])),
		field(tr("Địa chỉ"), s.Address, e["address"]),
	)
	// Searching: the results take the column. Chosen: the procedure is a
	// few lines and the scanner's inbox gets the room.
	procTitle := bold(tr("Thủ tục hành chính *"))
	s.searchView = container.NewBorder(
		container.NewVBox(procTitle, s.ProcQuery, e["procedure"]),
		container.NewVBox(widget.NewSeparator(), s.ProcInfo, s.Due, s.InboxLine, s.InboxRefused), nil, nil, s.ProcList)
	head, list, foot := s.Docs.Inbox.parts()
	chosen := container.NewVBox(container.NewBorder(nil, nil, bold(tr("Thủ tục hành chính *")), s.Change),
		s.ProcInfo, s.Due, widget.NewSeparator(), head)
	s.inboxView = container.NewBorder(chosen, foot, nil, nil, container.NewVScroll(list))
	s.procCol = container.NewStack()

	compHead := container.NewBorder(nil, nil, bold(tr("Thành phần hồ sơ")), s.AllReceived,
		note(tr("Đánh dấu giấy tờ đã nhận")))
	// Beside the scan column: where a file dropped on the window goes.
	dropHint := note(tr("Kéo thả tệp vào cửa sổ: vào giấy tờ ở «Lấy vào»"))
	s.counts = container.NewBorder(nil, nil, nil,
		container.NewHBox(colHead(tr("Chính")), colHead(tr("C.thực")), colHead(tr("Photo")), attachHead(tr("Bản quét"))),
		dropHint)
	s.counts.Hide()
	// Only the checklist scrolls: the reason, the other missing documents,
	// every message and the three decisions stay in view. The two fields
	// are labelled beside them, not above, to leave the checklist the room
	// of one more document.
	decision := container.NewVBox(e["components"], s.Docs.Msg,
		container.New(&columns{weights: []float32{0.46, 0.54}},
			inlineField(tr("Lý do"), s.Reason, e["reason"]),
			inlineField(tr("Giấy tờ khác"), s.Extra, e["missing"])),
		s.General,
		container.New(&columns{weights: []float32{0.28, 0.37, 0.35}}, s.Refuse, s.Supplement, s.Accept))
	docs := container.NewBorder(container.NewVBox(compHead, s.counts), decision, nil, nil,
		container.NewVScroll(container.NewVBox(s.compBox, s.compHint)))

	card := func(title string, o fyne.CanvasObject) fyne.CanvasObject {
		return container.NewBorder(container.NewVBox(heading(title), widget.NewSeparator()), nil, nil, nil, o)
	}
	s.applicant, s.applicantScroll = applicant, container.NewVScroll(applicant)
	cols := container.New(&columns{weights: []float32{0.27, 0.27, 0.46}},
		card(tr("Người nộp hồ sơ"), s.applicantScroll),
		card(tr("Thủ tục"), s.procCol),
		card(tr("Giấy tờ và quyết định"), docs))
	s.content = container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), s.lastCard), nil, nil, cols)
}

// showSearch shows the procedure search (on) or the procedure chosen
// above the scanner's inbox (off).
func (s *Intake) showSearch(on bool) {
	s.searching = on
	v := s.inboxView
	if on {
		v = s.searchView
	}
	s.Change.SetText(tr("Đổi thủ tục (Ctrl+F)"))
	if s.selected == nil {
		s.Change.SetText(tr("Chọn thủ tục (Ctrl+F)"))
	}
	s.countInbox()
	s.procCol.Objects = []fyne.CanvasObject{v}
	s.procCol.Refresh()
}

// Searching reports whether the middle column shows the procedure search
// (rather than the procedure chosen and the scanner's inbox).
func (s *Intake) Searching() bool { return s.searching }

// searchAgain opens the procedure search to change the procedure (Ctrl+F).
func (s *Intake) searchAgain() {
	s.showSearch(true)
	s.focus(s.ProcQuery)
}

// focusInbox gives the focus to the scan chosen in the inbox, or the
// newest one (Ctrl+E).
func (s *Intake) focusInbox() {
	p := s.Docs.Inbox
	if len(p.Rows) == 0 {
		return
	}
	i := max(p.sel, 0)
	p.Select(i)
}

// countInbox says on the search view how many scans are waiting.
func (s *Intake) countInbox() {
	if s.InboxLine == nil {
		return
	}
	n, bad := s.Docs.Inbox.Waiting, s.Docs.Inbox.Refused
	switch {
	case s.main.opt.Inbox.Dir() == "":
		s.InboxLine.Hide()
		s.InboxRefused.Hide()
		return
	case n <= 0:
		s.InboxLine.SetText(tr("Hộp thư máy quét: không có bản quét nào đang chờ (Ctrl+E)"))
	default:
		s.InboxLine.SetText(tr("Hộp thư máy quét:") + " " + num(n, "bản quét đang chờ (Ctrl+E)"))
	}
	// Files the digitisation rules refuse (a .docx) are no scans: said
	// apart, on a line of their own (the button's line is full).
	if bad > 0 {
		s.InboxRefused.SetText(num(bad, "tệp không nhận: xem lý do trong hộp thư (Ctrl+E)."))
		s.InboxRefused.Show()
	} else {
		s.InboxRefused.Hide()
	}
	s.InboxLine.Show()
}

func attachHead(s string) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameCaptionText
	return container.New(&fixedWidth{w: attachWidth}, l)
}

const attachWidth = 92

func colHead(s string) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameCaptionText
	return container.New(&fixedWidth{w: countWidth}, l)
}

const countWidth = 54

// procRowLines is the most lines a procedure's name takes in the list: the
// longest names of the catalogue run to six at 1366 px, and three such rows
// would fill the list.
const procRowLines = 3

// fitProcRow shows text in row i of the procedure list, cut at a word with
// "…" past procRowLines lines, and gives the row the height it needs at the
// list's width.
func (s *Intake) fitProcRow(i widget.ListItemID, l *widget.Label, text string) {
	// Scroll bars overlay the rows: a row is the list's width.
	w := s.ProcList.Size().Width - 2*theme.Padding()
	if w <= 0 {
		l.SetText(text)
		return
	}
	clampLines(l, text, w, procRowLines)
	h := l.MinSize().Height
	if s.procRowH == nil {
		s.procRowH = map[widget.ListItemID]float32{}
	}
	if s.procRowH[i] != h {
		s.procRowH[i] = h
		s.ProcList.SetItemHeight(i, h)
	}
}

// clampLines sets the wrapping label l, w wide, to text, or to the longest
// run of its first words followed by " …" that fits in lines lines.
func clampLines(l *widget.Label, text string, w float32, lines int) {
	height := func(t string) float32 {
		l.SetText(t)
		l.Resize(fyne.NewSize(w, l.MinSize().Height))
		return l.MinSize().Height
	}
	most := height(strings.TrimSuffix(strings.Repeat("x\n", lines), "\n"))
	if height(text) <= most {
		return
	}
	words := strings.Fields(text)
	lo, hi := 1, len(words)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if height(strings.Join(words[:mid], " ")+" …") <= most {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	height(strings.Join(words[:lo], " ") + " …")
}

// Content is the screen's root object.
func (s *Intake) Content() fyne.CanvasObject { return s.content }

func (s *Intake) shown() { s.focus(s.Scan) }

func (s *Intake) bindings() map[string]func() {
	return map[string]func(){
		sc(ctrl(fyne.KeyReturn)): func() { s.decide(app.DecideAccept) },
		sc(ctrl(fyne.KeyEnter)):  func() { s.decide(app.DecideAccept) },
		sc(ctrl(fyne.KeyB)):      func() { s.decide(app.DecideSupplement) },
		sc(ctrl(fyne.KeyR)):      s.Refuse.pressOrExplain,
		sc(ctrl(fyne.KeyK)):      s.tickAll,
		sc(ctrl(fyne.KeyP)):      s.printLast,
		sc(ctrl(fyne.KeyO)):      s.openLast,
		sc(ctrl(fyne.KeyF)):      s.searchAgain,
		sc(ctrl(fyne.KeyE)):      func() { s.showSearch(false); s.focusInbox() },
		keyName(fyne.KeyF2):      func() { s.focus(s.Scan) },
		keyName(fyne.KeyEscape): func() {
			if s.searching && s.selected != nil {
				s.showSearch(false)
			}
			s.focus(s.Scan)
		},
	}
}

// recentCodes are the officer's recent procedures, most recent first.
func (s *Intake) recentCodes() []string { return s.user().Prefs.Recent }

func (s *Intake) filterProcedures(q string) {
	s.recent = map[string]bool{}
	for _, c := range s.recentCodes() {
		s.recent[c] = true
	}
	if strings.TrimSpace(q) == "" {
		var first, rest []motcua.Procedure
		for _, c := range s.recentCodes() {
			if p, ok := s.svc.Catalog.Find(c); ok {
				first = append(first, p)
			}
		}
		for _, p := range s.svc.Catalog.Procedures {
			if !s.recent[p.Code] {
				rest = append(rest, p)
			}
		}
		s.procs = append(first, rest...)
	} else {
		// Recent procedures first among equally good matches.
		found := s.svc.Catalog.Search(q)
		var first, rest []motcua.Procedure
		for _, p := range found {
			if s.recent[p.Code] {
				first = append(first, p)
			} else {
				rest = append(rest, p)
			}
		}
		s.procs = append(first, rest...)
	}
	s.ProcList.UnselectAll()
	s.ProcList.Refresh()
	s.ProcList.ScrollToTop()
	if len(s.procs) == 0 && strings.TrimSpace(q) != "" {
		s.errs["procedure"].set(tr("Không có thủ tục nào khớp; thử gõ ít chữ hơn hoặc mã thủ tục"))
	} else {
		s.errs["procedure"].set("")
	}
}

// procKey moves through the procedures with Up/Down from the search field.
func (s *Intake) procKey(ev *fyne.KeyEvent) bool {
	i := s.highlighted()
	switch ev.Name {
	case fyne.KeyDown:
		if i+1 < len(s.procs) {
			s.arrow(i + 1)
		}
		return true
	case fyne.KeyUp:
		if i > 0 {
			s.arrow(i - 1)
		}
		return true
	}
	return false
}

// arrow chooses procedure i from the keyboard: the list stays open.
func (s *Intake) arrow(i int) {
	s.arrowing = true
	defer func() { s.arrowing = false }()
	s.ProcList.Select(i)
	s.ProcList.ScrollTo(i)
}

func (s *Intake) highlighted() int {
	if s.selected == nil {
		return -1
	}
	for i, p := range s.procs {
		if p.Code == s.selected.Code {
			return i
		}
	}
	return -1
}

// pickHighlighted takes the first match when nothing is selected, and goes
// on to the checklist.
func (s *Intake) pickHighlighted() {
	if s.highlighted() < 0 && len(s.procs) > 0 {
		s.arrow(0)
	}
	if s.selected != nil {
		s.showSearch(false)
	}
	if len(s.comps) > 0 {
		s.focus(s.comps[0].Check)
	}
}

func (s *Intake) choose(p motcua.Procedure) {
	if s.selected != nil && s.selected.Code == p.Code {
		return
	}
	s.selected = &p
	s.errs["procedure"].set("")
	days := tr("trả trong ngày")
	if p.ProcessingDays > 0 {
		days = strconv.FormatFloat(p.ProcessingDays, 'f', -1, 64) + " " + tr("ngày làm việc")
	}
	fee := tr("không thu phí")
	if p.Fee > 0 {
		fee = thousands(int(p.Fee)) + " đồng"
	}
	s.ProcInfo.SetText(p.Name + "\n" + p.Code + " · " + p.Field + " · " + days + " · " + fee)
	s.Due.SetText(tr("Nhận ngay, hẹn trả:") + " " + fmtDue(s.svc.DueFor(p, motcua.ChannelDirect, s.now())))
	s.comps = nil
	s.compBox.Objects = nil
	s.compHint.Hide()
	s.counts.Show()
	s.Docs.clear()
	var names []string
	for _, c := range p.Components {
		names = append(names, c.Name)
		r := &CompRow{spec: c}
		name := c.Name
		if c.Optional {
			name += " " + tr("(nếu có)")
		}
		r.Check = newTickBox(s.keys, name, func(bool) { s.ticked() })
		at := len(s.comps)
		r.Check.onKey = func(ev *fyne.KeyEvent) bool { return s.checklistKey(at, ev) }
		r.Check.onRune = func(ch rune) bool { return s.checklistRune(ch) }
		r.Orig, r.Cert, r.Copies = s.count(c.Original), s.count(c.Certified), s.count(c.Copy)
		s.comps = append(s.comps, r)
		label := widget.NewLabel(itoa(len(s.comps)) + ". " + name)
		label.Wrapping = fyne.TextWrapWord
		r.Check.Text = ""
		i := len(s.comps) - 1
		r.Attach = newButton(s.keys, tr("Thêm"), func() { s.Docs.AttachTo(i) })
		r.Attach.Icon = theme.MailAttachmentIcon()
		r.Attach.Importance = widget.LowImportance
		r.files = container.NewVBox()
		r.files.Hide()
		row := container.NewBorder(nil, nil, container.NewVBox(r.Check),
			container.NewVBox(container.NewHBox(narrow(r.Orig), narrow(r.Cert), narrow(r.Copies),
				container.New(&fixedWidth{w: attachWidth}, r.Attach))),
			container.NewVBox(label, r.files))
		s.compBox.Add(row)
	}
	s.compBox.Refresh()
	s.Docs.setChecklist(names)
	s.showSearch(s.searching)
}

// Components are the rows of the checklist of the chosen procedure.
func (s *Intake) Components() []*CompRow { return s.comps }

// ErrorText is the message shown next to a field ("name", "procedure",
// "components", "reason", "missing", …).
func (s *Intake) ErrorText(field string) string { return s.errs[field].Text }

func (s *Intake) count(n int) *Entry {
	e := newEntry(s.keys, nil)
	e.SetText(strconv.Itoa(n))
	return e
}

func narrow(o fyne.CanvasObject) fyne.CanvasObject {
	return container.New(&fixedWidth{w: countWidth}, o)
}

func (s *Intake) tickAll() {
	for _, r := range s.comps {
		if !r.spec.Optional {
			r.Check.SetChecked(true)
		}
	}
	s.errs["components"].set("")
}

// onScan handles the scanner's line: a chip-ID QR fills the applicant;
// one of our QR codes opens its dossier; anything else is said plainly.
func (s *Intake) onScan(line string) {
	s.ScanErr.set("")
	s.General.set("") // a failed print's message does not outlive the next citizen
	line = strings.TrimSpace(line)
	s.Scan.SetText("")
	if line == "" {
		return
	}
	if s.field != nil && fieldmode.IsSlip(line) {
		s.onSlip(line)
		return
	}
	k := classify(line, s.papers.keys)
	switch k.kind {
	case scanOurs:
		if k.result != qrsign.Valid {
			s.ScanErr.set(qrMessage(k.result))
			return
		}
		if err := s.frame.OpenDossier(k.payload.Code); err != nil {
			s.ScanErr.set(errMsg(err))
		}
		return
	case scanCode:
		if err := s.frame.OpenDossier(line); err != nil {
			s.ScanErr.set(errMsg(err))
		}
		return
	case scanCCCD:
		a, err := app.ApplicantFromCCCD(line, s.frame.now())
		if err != nil {
			s.ScanErr.set(tr("Mã QR căn cước không hợp lệ:") + " " + errMsg(err))
			return
		}
		s.fillApplicant(a)
		s.focus(s.ProcQuery)
		return
	}
	s.ScanErr.set(tr("Không nhận ra mã vừa quét: không phải QR căn cước, cũng không phải mã QR do Một Cửa cấp"))
}

func (s *Intake) fillApplicant(a motcua.Applicant) {
	s.Name.SetText(a.Name)
	s.IDNumber.SetText(a.IDNumber)
	s.DOB.SetText("")
	if len(a.DOB) == 10 {
		s.DOB.SetText(a.DOB[8:10] + "/" + a.DOB[5:7] + "/" + a.DOB[0:4])
	}
	s.Gender.SetSelected(a.Gender)
	s.Address.SetText(a.Address)
	for _, k := range []string{"name", "id_number", "dob", "gender", "address"} {
		s.errs[k].set("")
	}
}

func (s *Intake) clearErrors() {
	for _, t := range s.errs {
		t.set("")
	}
	s.General.set("")
}

// request collects the form and reports every problem at once, each under
// its field: the applicant (the service's own rules, checked here first),
// the procedure, the checklist, the reason. The focus goes to the first
// field to correct.
func (s *Intake) request(dec app.Decision) (app.IntakeRequest, bool) {
	req := app.IntakeRequest{
		Applicant: motcua.Applicant{Name: s.Name.Text, IDNumber: s.IDNumber.Text, Gender: s.Gender.Selected,
			Phone: s.Phone.Text, Address: s.Address.Text},
		DOBText:  s.DOB.Text,
		Channel:  motcua.ChannelDirect,
		By:       s.acting(),
		Decision: dec,
		Reason:   s.Reason.Text,
	}
	var first fyne.Focusable
	problem := func(field, msg string, at fyne.Focusable) {
		if e := s.errs[field]; e.Text == "" {
			e.set(msg)
		} else {
			e.set(e.Text + "\n" + msg)
		}
		if first == nil {
			first = at
		}
	}
	check := req.Applicant
	for _, err := range allErrors(app.ValidateApplicant(&check, req.DOBText, s.now())) {
		f := errField(err)
		if _, ok := s.errs[f]; !ok {
			f = "name"
		}
		problem(f, errMsg(err), s.fieldEntry(f))
	}
	if s.selected == nil {
		problem("procedure", tr("Chưa chọn thủ tục hành chính: gõ tên thủ tục rồi Enter"), s.ProcQuery)
	} else {
		req.ProcedureCode = s.selected.Code
	}
	var missing []string
	req.Components = []motcua.Component{}
	for _, r := range s.comps {
		var n [3]int
		for i, e := range []*Entry{r.Orig, r.Cert, r.Copies} {
			v, err := strconv.Atoi(strings.TrimSpace(e.Text))
			if strings.TrimSpace(e.Text) == "" {
				v, err = 0, nil
			}
			if err != nil || v < 0 || v > 99 {
				problem("components", tr("Số bản phải là số từ 0 đến 99:")+" «"+r.spec.Name+"»", e)
			}
			n[i] = v
		}
		if r.Check.Checked {
			req.Components = append(req.Components, motcua.Component{Name: r.spec.Name, Original: n[0], Certified: n[1], Copy: n[2]})
		} else if !r.spec.Optional {
			missing = append(missing, r.spec.Name)
		}
	}
	for _, x := range strings.Split(s.Extra.Text, ";") {
		if x = motcua.Clean(x); x != "" {
			missing = append(missing, x)
		}
	}
	switch dec {
	case app.DecideAccept:
		if len(missing) > 0 && s.selected != nil {
			var at fyne.Focusable = s.Extra
			for _, r := range s.comps {
				if !r.Check.Checked && !r.spec.Optional {
					at = r.Check
					break
				}
			}
			problem("components", tr("Còn thiếu:")+" "+strings.Join(missing, "; ")+". "+
				tr("Đánh dấu đã nhận (Ctrl+K: đủ tất cả) hoặc chọn Yêu cầu bổ sung (Ctrl+B)."), at)
		}
	case app.DecideSupplement:
		if len(missing) == 0 {
			problem("missing", tr("Bỏ đánh dấu giấy tờ còn thiếu hoặc ghi thêm ở đây: phải nêu đủ, một lần"), s.Extra)
		}
		req.Missing = missing
	case app.DecideRefuse:
		if err := s.svc.MayRefuseAtReceipt(context.Background(), s.acting()); err != nil {
			problem("reason", errMsg(err), s.Reason)
		}
	}
	if dec != app.DecideAccept && motcua.Clean(s.Reason.Text) == "" {
		problem("reason", tr("Phải ghi rõ lý do"), s.Reason)
	}
	if first != nil {
		s.focus(first)
		return req, false
	}
	return req, true
}

// fieldEntry is the widget where the officer corrects field f.
func (s *Intake) fieldEntry(f string) fyne.Focusable {
	switch f {
	case "id_number":
		return s.IDNumber
	case "dob":
		return s.DOB
	case "phone":
		return s.Phone
	case "address":
		return s.Address
	case "gender":
		return s.Name // the radio group takes no focus: the form's top
	}
	return s.Name
}

// watchErrors clears a field's message as soon as the officer changes it,
// and the checklist's "still missing" once every required box is ticked.
func (s *Intake) watchErrors() {
	for f, e := range map[string]*Entry{"name": s.Name, "id_number": s.IDNumber, "dob": s.DOB, "phone": s.Phone,
		"address": s.Address, "reason": s.Reason, "missing": s.Extra} {
		f, e := f, e
		prev := e.OnChanged
		e.OnChanged = func(t string) {
			s.errs[f].set("")
			if f == "id_number" || f == "dob" {
				// The ID is checked against the date of birth: either fixes both.
				s.errs["id_number"].set("")
				s.errs["dob"].set("")
			}
			if prev != nil {
				prev(t)
			}
		}
	}
	s.Gender.OnChanged = func(string) { s.errs["gender"].set(""); s.errs["id_number"].set("") }
}

// checklistKey moves between the rows of the checklist with Up and Down
// (one key a row, not five Tabs).
func (s *Intake) checklistKey(row int, ev *fyne.KeyEvent) bool {
	switch ev.Name {
	case fyne.KeyDown:
		if row+1 < len(s.comps) {
			s.focus(s.comps[row+1].Check)
		}
		return true
	case fyne.KeyUp:
		if row > 0 {
			s.focus(s.comps[row-1].Check)
		}
		return true
	}
	return false
}

// checklistRune ticks document N of the checklist (1–9) and goes there.
func (s *Intake) checklistRune(r rune) bool {
	if r < '1' || r > '9' {
		return false
	}
	i := int(r - '1')
	if i >= len(s.comps) {
		return true
	}
	c := s.comps[i].Check
	c.SetChecked(!c.Checked)
	s.focus(c)
	return true
}

// ticked runs when a box of the checklist changes.
func (s *Intake) ticked() {
	s.main.touch()
	for _, r := range s.comps {
		if !r.Check.Checked && !r.spec.Optional {
			return
		}
	}
	s.errs["components"].set("")
}

// decide records the decision, makes its paper and clears the form.
func (s *Intake) decide(dec app.Decision) {
	s.clearErrors()
	req, ok := s.request(dec)
	if !ok {
		return
	}
	if dec == app.DecideRefuse {
		// Final at once: asked once, with what it means.
		s.main.confirmFinal(tr("Từ chối tiếp nhận hồ sơ?"),
			tr("Hồ sơ của")+" "+motcua.Clean(req.Applicant.Name)+" ("+s.selected.Name+") "+
				tr("sẽ bị từ chối ngay, không hoàn tác được, và phiếu từ chối (Mẫu 03) được lập với lý do:")+" «"+motcua.Clean(req.Reason)+"». "+
				tr("Muốn làm lại, công dân phải nộp hồ sơ mới."),
			tr("Từ chối hồ sơ"), func() { s.record(req, dec) })
		return
	}
	s.record(req, dec)
}

// record writes the decision, makes its paper and clears the form.
func (s *Intake) record(req app.IntakeRequest, dec app.Decision) {
	ctx := context.Background()
	// The scans collected go with the dossier once it is recorded.
	files := s.Docs.Files
	specs := make([]motcua.ComponentSpec, len(s.comps))
	for i, r := range s.comps {
		specs[i] = r.spec
	}
	var d *motcua.Dossier
	var err error
	carried := ""
	if s.prepared != nil {
		d, carried, err = s.receivePrepared(ctx, req)
	} else {
		d, err = s.svc.Intake(ctx, req)
	}
	if err != nil {
		s.showError(err)
		return
	}
	if recent, err := s.acc.UseProcedure(ctx, s.actor(), d.Procedure.Code); err == nil {
		s.user().Prefs.Recent = recent
	}
	kind, title := forms.KindReceipt, tr("Đã tiếp nhận hồ sơ")
	switch dec {
	case app.DecideSupplement:
		kind, title = forms.KindSupplement, tr("Đã lập phiếu yêu cầu bổ sung")
	case app.DecideRefuse:
		kind, title = forms.KindRefusal, tr("Đã lập phiếu từ chối")
	}
	s.Last = d
	s.LastTitle.SetText(title + " " + d.Code)
	info := d.Applicant.Name + " · " + d.Procedure.Name
	if dec == app.DecideAccept {
		info += " · " + tr("Hẹn trả kết quả:") + " " + fmtDue(d.DueAt)
	}
	startPrint := func() {}
	paper, perr := s.papers.Make(ctx, d, kind, s.user(), nil)
	s.LastPaper = paper
	s.Tech.set(perr)
	if perr != nil {
		info += "\n" + tr("Chưa in được phiếu:") + " " + errMsg(perr)
		s.LastQR.Resource = nil
	} else {
		if png, err := QRImage(paper.QRText, 256); err == nil {
			s.LastQR.Resource = fyne.NewStaticResource("qr.png", png)
		}
		if s.user().Prefs.AutoPrint {
			// Off the UI goroutine: a slow printer must not freeze the
			// form the next citizen is already being typed into.
			base := info
			info += " · " + tr("đang gửi in…")
			startPrint = func() {
				s.printAsync(paper.Path, func(err error) {
					if s.LastPaper.Path != paper.Path {
						return // a later decision has the card
					}
					if err != nil {
						s.Tech.set(err)
						s.LastInfo.SetText(base + "\n" + tr("Chưa in được phiếu:") + " " + errMsg(err))
						return
					}
					s.LastInfo.SetText(base + " · " + tr("đã gửi in"))
				})
			}
		}
	}
	s.LastQR.Refresh()
	s.LastInfo.SetText(info)
	startPrint() // after the card says it is printing
	s.Print.SetText(tr("In") + " " + shortForm(kind) + " " + tr("(Ctrl+P)"))
	s.LastAttach.Hide()
	switch {
	case carried != "":
		s.sayAttach(!strings.HasPrefix(carried, "!"), strings.TrimPrefix(carried, "!"))
	case len(files) == 0:
	case dec == app.DecideRefuse:
		s.sayAttach(false, tr("Hồ sơ bị từ chối: bản quét không được đính kèm (tệp vẫn ở chỗ cũ)."))
	default:
		s.sayAttach(true, tr("Đang đính kèm")+" "+itoa(len(files))+" "+tr("tệp…"))
		s.Docs.attachTo(d, files, specs, s.sayAttach)
	}
	s.lastCard.Show()
	s.reset()
	s.frame.changed()
}

// sayAttach reports on the decision's card how attaching the scans went.
func (s *Intake) sayAttach(ok bool, msg string) {
	s.LastAttach.SetText(msg)
	s.LastAttach.Importance = widget.SuccessImportance
	if !ok {
		s.LastAttach.Importance = widget.DangerImportance
	}
	s.LastAttach.Show()
	s.LastAttach.Refresh()
}

func shortForm(k forms.Kind) string {
	switch k {
	case forms.KindSupplement:
		return tr("phiếu bổ sung")
	case forms.KindRefusal:
		return tr("phiếu từ chối")
	case forms.KindApology:
		return tr("thư xin lỗi")
	case forms.KindStop:
		return tr("thông báo dừng")
	}
	return tr("giấy tiếp nhận")
}

func (s *Intake) printLast() {
	if s.LastPaper.Path == "" {
		return
	}
	s.Tech.set(nil)
	s.printAsync(s.LastPaper.Path, func(err error) {
		if err != nil {
			s.General.set(errMsg(err))
			s.Tech.set(err)
		}
	})
}

// printAsync prints path off the UI goroutine (lp or the Windows spooler
// can take seconds, or its 30-second time-out on a stuck printer); done
// runs on the UI goroutine with the outcome.
func (s *Intake) printAsync(path string, done func(error)) {
	ch := make(chan struct{})
	s.printing = ch
	go func() {
		defer close(ch)
		err := s.papers.Print(path)
		onUIWait(func() { done(err) })
	}()
}

// Wait waits for the print job in flight, if any (tests, the tour).
func (s *Intake) Wait() {
	if s.printing != nil {
		<-s.printing
	}
}

func (s *Intake) openLast() {
	if s.LastPaper.Path == "" {
		return
	}
	s.Tech.set(nil)
	if err := s.papers.Open(s.LastPaper.Path); err != nil {
		s.General.set(errMsg(err))
		s.Tech.set(err)
	}
}

// showError puts each message next to the field it names.
func (s *Intake) showError(err error) {
	if errs := allErrors(err); len(errs) > 1 {
		for _, e := range errs {
			s.showError(e)
		}
		return
	}
	f := errField(err)
	if strings.HasPrefix(f, "cccd") {
		f = "cccd"
	}
	if t, ok := s.errs[f]; ok {
		t.set(errMsg(err))
		switch f {
		case "name":
			s.focus(s.Name)
		case "id_number":
			s.focus(s.IDNumber)
		case "dob":
			s.focus(s.DOB)
		case "phone":
			s.focus(s.Phone)
		}
		return
	}
	s.General.set(errMsg(err))
}

// reset clears the form for the next citizen.
func (s *Intake) reset() {
	for _, e := range []*Entry{s.Name, s.IDNumber, s.DOB, s.Phone, s.Address, s.Reason, s.Extra} {
		e.SetText("")
	}
	s.Gender.SetSelected("")
	s.prepared = nil
	s.selected = nil
	s.comps = nil
	s.compBox.Objects = nil
	s.compBox.Refresh()
	s.compHint.Show()
	s.counts.Hide()
	s.Docs.clear()
	s.ProcInfo.SetText(tr("Chưa chọn thủ tục. ★: thủ tục bạn dùng gần đây."))
	s.Due.SetText("")
	s.ProcQuery.SetText("")
	s.filterProcedures("")
	s.showSearch(true)
	s.focus(s.Scan)
}

// columns lays its children side by side with the given width weights.
type columns struct{ weights []float32 }

func (c *columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for _, o := range objs {
		m := o.MinSize()
		w += m.Width + 8
		h = max(h, m.Height)
	}
	return fyne.NewSize(w, h)
}

func (c *columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	const gap = 12
	avail := size.Width - gap*float32(len(objs)-1)
	x := float32(0)
	for i, o := range objs {
		w := avail * c.weights[i]
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + gap
	}
}
