package ui

import (
	"io"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua"
	"motcua/app/continuity"
)

// ContPaper is the paper fallback: reserve a block of this station's
// numbers and print it as blank receipts (for the day the PC fails), see
// how many of each block were used, and enter a paper receipt once the PC
// works again — with its real receipt time, from which the due date is
// computed.
type ContPaper struct {
	c *Continuity

	Count    *Entry
	Reserve  *Button
	Reprint  *Button
	Blocks   *widget.List
	blocks   []*continuity.PaperBlock
	picked   int
	BlockMsg fieldErr
	BlockOK  *widget.Label

	// Back-entry.
	Code      *Entry
	Date      *Entry
	Time      *Entry
	ProcQuery *Entry
	ProcList  *widget.List
	ProcInfo  *widget.Label
	Name      *Entry
	IDNumber  *Entry
	Officer   *Entry
	Enter     *Button
	// Errs are the messages next to the fields ("code", "at", "procedure",
	// "name", "id_number", "dob"); General the rest.
	Errs    map[string]fieldErr
	General fieldErr
	// Result says the dossier entered and its due date.
	Result *widget.Label
	Last   *motcua.Dossier
	Show   *Button

	procs    []motcua.Procedure
	selected *motcua.Procedure
	content  fyne.CanvasObject
}

func newContPaper(c *Continuity) *ContPaper {
	s := &ContPaper{c: c, picked: -1, Errs: map[string]fieldErr{}, BlockMsg: newFieldErr(), BlockOK: doneLabel(), General: newFieldErr()}
	k, u := c.keys, c.user()
	for _, f := range []string{"code", "at", "procedure", "name", "id_number", "dob", "count"} {
		s.Errs[f] = newFieldErr()
	}
	s.Count = newEntry(k, nil)
	s.Count.SetText("20")
	s.Count.OnSubmitted = func(string) { s.reserve() }
	s.Reserve = newButton(k, tr("Giữ số và in biên nhận"), s.reserve)
	s.Reserve.Importance = widget.HighImportance
	s.Reprint = newButton(k, tr("In lại tập đã chọn"), s.reprint)
	s.Reprint.Disable()
	if !canLead(u) {
		disableWhy(leaderWhy(), s.Reserve, s.Count)
	}
	s.Blocks = widget.NewList(func() int { return len(s.blocks) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		o.(*widget.Label).SetText(blockLine(s.blocks[i]))
	})
	s.Blocks.OnSelected = func(i widget.ListItemID) {
		s.picked = i
		s.Reprint.Enable()
	}

	s.Code = newEntry(k, nil)
	s.Date = newEntry(k, nil)
	s.Date.SetPlaceHolder(tr("NN/TT/NNNN"))
	s.Time = newEntry(k, nil)
	s.Time.SetPlaceHolder(tr("GG:PP"))
	s.ProcQuery = newEntry(k, nil)
	s.ProcQuery.SetPlaceHolder(tr("Gõ để tìm, không cần dấu"))
	s.ProcQuery.OnChanged = s.filter
	s.ProcQuery.OnKey = s.procKey
	s.ProcQuery.OnSubmitted = func(string) {
		if s.selected == nil && len(s.procs) > 0 {
			s.ProcList.Select(0)
		}
		s.c.focus(s.Name)
	}
	s.ProcList = widget.NewList(func() int { return len(s.procs) }, func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(s.procs[i].Name) })
	s.ProcList.OnSelected = func(i widget.ListItemID) {
		if i < len(s.procs) {
			p := s.procs[i]
			s.selected = &p
			s.ProcInfo.SetText(p.Code + " · " + p.Name)
			s.Errs["procedure"].set("")
		}
	}
	s.ProcInfo = note(tr("Chưa chọn thủ tục."))
	s.ProcInfo.Truncation = fyne.TextTruncateEllipsis
	s.ProcInfo.Wrapping = fyne.TextWrapOff
	s.Name = newVNEntry(k, c.typing)
	s.IDNumber = newEntry(k, nil)
	s.Officer = newVNEntry(k, c.typing)
	s.Officer.SetPlaceHolder(tr("Người ký trên biên nhận (để trống: bạn)"))
	s.Enter = newButton(k, tr("Nhập biên nhận giấy (Ctrl+Enter)"), s.enter)
	s.Enter.Importance = widget.HighImportance
	s.Result = wrapLabel("")
	s.Result.Importance = widget.SuccessImportance
	s.Result.TextStyle.Bold = true
	s.Result.Hide()
	s.Show = newButton(k, tr("Mở hồ sơ"), func() {
		if s.Last != nil {
			_ = c.frame.OpenDossier(s.Last.Code)
		}
	})
	s.Show.Hide()
	s.filter("")

	e := s.Errs
	left := container.NewBorder(container.NewVBox(heading(tr("Tập biên nhận giấy dự phòng")),
		note(tr("Giữ trước các số cao nhất của máy này và in thành biên nhận trắng (2 liên mỗi tờ) để dùng khi máy tính hỏng hoặc mất điện.")),
		leaderOnly(u, tr("Chỉ lãnh đạo hoặc quản trị được giữ số và in tập biên nhận mới.")),
		container.NewBorder(nil, nil, bold(tr("Số biên nhận")), s.Reserve, s.Count), e["count"],
		s.BlockMsg, s.BlockOK, widget.NewSeparator(),
		container.NewBorder(nil, nil, bold(tr("Các tập đã in")), s.Reprint)), nil, nil, nil, s.Blocks)

	procBox := container.NewBorder(container.NewVBox(bold(tr("Thủ tục hành chính *")), s.ProcQuery, e["procedure"]),
		s.ProcInfo, nil, nil, s.ProcList)
	// Two rows of fields, so that the procedure list keeps its room on a
	// 768-pixel screen; each error sits right under its row.
	formTop := container.NewVBox(heading(tr("Nhập biên nhận giấy vào máy")),
		container.New(&columns{weights: []float32{0.52, 0.26, 0.22}},
			field(tr("Mã hồ sơ ghi trên biên nhận *"), s.Code, e["code"]),
			field(tr("Ngày tiếp nhận *"), s.Date, newFieldErr()), field(tr("Giờ tiếp nhận *"), s.Time, e["at"])))
	formBottom := container.NewVBox(
		container.New(&columns{weights: []float32{0.36, 0.28, 0.36}},
			field(tr("Họ và tên người nộp *"), s.Name, e["name"]), field(tr("Số định danh / CCCD *"), s.IDNumber, e["id_number"]),
			field(tr("Cán bộ tiếp nhận"), s.Officer, newFieldErr())),
		e["dob"], s.General, container.NewHBox(s.Enter, s.Show), s.Result)
	right := container.NewBorder(formTop, formBottom, nil, nil, procBox)
	s.content = container.New(&columns{weights: []float32{0.40, 0.60}}, container.NewPadded(left), container.NewPadded(right))
	return s
}

func blockLine(b *continuity.PaperBlock) string {
	r := ""
	if n := len(b.Seqs); n > 0 {
		r = strconv.Itoa(b.Seqs[0]) + "–" + strconv.Itoa(b.Seqs[n-1])
	}
	return tr("Tập") + " " + itoa(int(b.ID)) + " · " + tr("số") + " " + r + " · " + tr("đã dùng") + " " + itoa(len(b.Used)) + "/" + itoa(len(b.Seqs)) +
		" · " + fmtTime(b.CreatedAt) + " · " + b.CreatedBy
}

func (s *ContPaper) reload() {
	if id, err := s.c.svc.Identity(bgctx()); err == nil && s.Code.PlaceHolder == "" {
		s.Code.SetPlaceHolder(id.AgencyID + "-" + s.c.now().Format("060102") + "-9999")
	}
	blocks, err := s.c.cs.PaperBlocks(bgctx())
	if err != nil {
		s.BlockMsg.set(errMsg(err))
		return
	}
	s.blocks = blocks
	s.picked = -1
	s.Reprint.Disable()
	s.Blocks.UnselectAll()
	s.Blocks.Refresh()
}

func (s *ContPaper) filter(q string) {
	if strings.TrimSpace(q) == "" {
		s.procs = s.c.svc.Catalog.Procedures
	} else {
		s.procs = s.c.svc.Catalog.Search(q)
	}
	s.selected = nil
	s.ProcList.UnselectAll()
	s.ProcList.Refresh()
	s.ProcInfo.SetText(tr("Chưa chọn thủ tục."))
}

func (s *ContPaper) procKey(ev *fyne.KeyEvent) bool {
	i := -1
	if s.selected != nil {
		for j, p := range s.procs {
			if p.Code == s.selected.Code {
				i = j
			}
		}
	}
	switch ev.Name {
	case fyne.KeyDown:
		if i+1 < len(s.procs) {
			s.ProcList.Select(i + 1)
			s.ProcList.ScrollTo(i + 1)
		}
		return true
	case fyne.KeyUp:
		if i > 0 {
			s.ProcList.Select(i - 1)
			s.ProcList.ScrollTo(i - 1)
		}
		return true
	}
	return false
}

// Choose selects a procedure by its code (the list does it by keyboard).
func (s *ContPaper) Choose(code string) {
	for i, p := range s.procs {
		if p.Code == code {
			s.ProcList.Select(i)
			return
		}
	}
}

func (s *ContPaper) reserve() {
	s.BlockMsg.set("")
	s.Errs["count"].set("")
	s.BlockOK.Hide()
	if !canLead(s.c.user()) {
		s.BlockMsg.set(tr("Chỉ lãnh đạo hoặc quản trị được giữ số và in tập biên nhận mới."))
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(s.Count.Text))
	if err != nil {
		s.Errs["count"].set(tr("Số biên nhận là một số, ví dụ 20"))
		return
	}
	b, err := s.c.cs.ReservePaper(bgctx(), n, s.c.acting())
	if err != nil {
		if errField(err) == "count" {
			s.Errs["count"].set(errMsg(err))
		} else {
			s.BlockMsg.set(errMsg(err))
		}
		return
	}
	s.reload()
	s.print(b)
}

func (s *ContPaper) reprint() {
	if s.picked < 0 || s.picked >= len(s.blocks) {
		return
	}
	s.BlockMsg.set("")
	s.print(s.blocks[s.picked])
}

func (s *ContPaper) print(b *continuity.PaperBlock) {
	s.c.saveAndOpen("bien-nhan-giay-tap-"+itoa(int(b.ID))+".pdf", func(w io.Writer) error {
		return s.c.cs.PaperReceiptsPDF(bgctx(), w, b)
	}, s.BlockMsg, s.BlockOK)
}

func (s *ContPaper) clearErrs() {
	for _, e := range s.Errs {
		e.set("")
	}
	s.General.set("")
	s.Result.Hide()
	s.Show.Hide()
}

// enter records the paper receipt; errors go next to the field they name.
func (s *ContPaper) enter() {
	s.clearErrs()
	at, ok := parseLocal(s.Date.Text + " " + s.Time.Text)
	if !ok {
		s.Errs["at"].set(tr("Ngày cần dạng NN/TT/NNNN và giờ dạng GG:PP, như ghi trên biên nhận"))
		return
	}
	req := continuity.BackEntry{Code: s.Code.Text, At: at, Officer: s.Officer.Text, By: s.c.acting(),
		Applicant: motcua.Applicant{Name: s.Name.Text, IDNumber: s.IDNumber.Text}}
	if s.selected != nil {
		req.ProcedureCode = s.selected.Code
	}
	d, err := s.c.cs.BackEnter(bgctx(), req)
	if err != nil {
		if f, ok := s.Errs[errField(err)]; ok {
			f.set(errMsg(err))
		} else {
			s.General.set(errMsg(err))
		}
		return
	}
	s.Last = d
	say(s.Result, tr("Đã nhập hồ sơ")+" "+d.Code+" · "+tr("tiếp nhận")+" "+fmtTime(d.ReceivedAt)+" · "+tr("hẹn trả:")+" "+fmtDue(d.DueAt))
	s.Show.Show()
	for _, e := range []*Entry{s.Code, s.Time, s.Name, s.IDNumber} {
		e.SetText("")
	}
	s.reload()
	s.c.frame.changed()
	s.c.focus(s.Code)
}
