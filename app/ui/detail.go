package ui

import (
	"context"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua"
	"motcua/app/accounts"
	"motcua/app/forms"
)

// action is one thing the state machine allows on a dossier.
type action struct {
	id      string
	label   string
	perm    accounts.Perm
	to      motcua.Status // 0: extension
	reason  int           // 0 no reason field, 1 optional, 2 required
	missing bool          // list the missing documents (supplement)
	due     bool          // a new appointment (extension)
	paper   forms.Kind    // the form to print after it, if any
	hint    string        // what the reason field is for
	key     fyne.KeyName  // its shortcut, Ctrl+key (actionKeys)
}

// actionKeys are the dossier screen's shortcuts, Ctrl+key: one letter per
// action, the same as intake's where the action is the same (Ctrl+B
// supplement, Ctrl+R refuse), none the driver keeps for editing (A, C, V,
// X, Y, Z) and none another screen uses for something else.
var actionKeys = map[string]fyne.KeyName{
	"to" + itoa(int(motcua.StatusReturned)):   fyne.KeyT, // Trả kết quả
	"to" + itoa(int(motcua.StatusProcessing)): fyne.KeyH, // cHuyển xử lý (also: financial obligation paid)
	"to" + itoa(int(motcua.StatusDone)):       fyne.KeyQ, // kết Quả
	"to" + itoa(int(motcua.StatusReceived)):   fyne.KeyD, // bổ sung Đủ
	"to" + itoa(int(motcua.StatusSupplement)): fyne.KeyB, // Bổ sung
	"to" + itoa(int(motcua.StatusFinancial)):  fyne.KeyM, // nghĩa vụ tài chính (Money)
	"extend":                                  fyne.KeyG, // Gia hạn
	"to" + itoa(int(motcua.StatusWithdrawn)):  fyne.KeyW, // rút (Withdraw)
	"to" + itoa(int(motcua.StatusRefused)):    fyne.KeyR, // từ chối (Refuse)
	"to" + itoa(int(motcua.StatusStopped)):    fyne.KeyI, // dừng xử lý (Interrupt)
}

// keyLabel is how a Ctrl+key shortcut is written on a button.
func keyLabel(k fyne.KeyName) string { return "Ctrl+" + string(k) }

const (
	reasonNone = iota
	reasonOptional
	reasonRequired
)

// actionsFor lists the actions the state machine allows on d, in the
// order an officer most often needs them.
func actionsFor(d *motcua.Dossier) []action {
	var out []action
	for _, to := range d.Status.NextStatuses() {
		a := action{id: "to" + itoa(int(to)), to: to, perm: accounts.PermAdvance, reason: reasonOptional, hint: tr("Ghi chú (không bắt buộc)")}
		switch to {
		case motcua.StatusProcessing:
			a.label = tr("Chuyển xử lý")
			a.hint = tr("Chuyển cho bộ phận / cán bộ nào (không bắt buộc)")
			if d.Status == motcua.StatusFinancial {
				a.label = tr("Đã nộp nghĩa vụ tài chính")
			}
		case motcua.StatusDone:
			a.label = tr("Đã có kết quả")
		case motcua.StatusReceived:
			a.label, a.perm, a.paper = tr("Đã bổ sung đủ"), accounts.PermIntake, forms.KindReceipt
		case motcua.StatusSupplement:
			a.label, a.perm, a.reason, a.missing, a.paper = tr("Yêu cầu bổ sung"), accounts.PermIntake, reasonRequired, true, forms.KindSupplement
			a.hint = tr("Lý do yêu cầu bổ sung (bắt buộc)")
		case motcua.StatusFinancial:
			a.label = tr("Yêu cầu nghĩa vụ tài chính")
		case motcua.StatusRefused:
			a.label, a.perm, a.reason, a.paper = tr("Từ chối"), accounts.PermRefuse, reasonRequired, forms.KindRefusal
			a.hint = tr("Lý do từ chối (bắt buộc)")
		case motcua.StatusWithdrawn:
			a.label = tr("Công dân rút hồ sơ")
		case motcua.StatusStopped:
			a.label, a.perm, a.reason, a.paper = tr("Dừng xử lý"), accounts.PermStop, reasonRequired, forms.KindStop
			a.hint = tr("Lý do dừng xử lý (bắt buộc)")
		case motcua.StatusReturned:
			a.label, a.perm, a.reason = tr("Trả kết quả…"), accounts.PermReturn, reasonNone
		default:
			continue
		}
		a.key = actionKeys[a.id]
		out = append(out, a)
	}
	if d.Status.Active() && !d.Extended {
		out = append(out, action{id: "extend", label: tr("Gia hạn, xin lỗi"), perm: accounts.PermExtend, reason: reasonRequired,
			due: true, paper: forms.KindApology, hint: tr("Lý do xin lỗi và gia hạn (bắt buộc)"), key: actionKeys["extend"]})
	}
	order := map[motcua.Status]int{motcua.StatusReturned: 0, motcua.StatusProcessing: 1, motcua.StatusDone: 2, motcua.StatusReceived: 3,
		motcua.StatusSupplement: 4, motcua.StatusFinancial: 5, 0: 6, motcua.StatusWithdrawn: 7, motcua.StatusRefused: 8, motcua.StatusStopped: 9}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && order[out[j].to] < order[out[j-1].to]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Detail shows one dossier: its applicant, documents and timeline, the
// papers issued, and only the actions its status allows.
type Detail struct {
	*env
	list *Dossiers

	D        *motcua.Dossier
	Back     *Button
	Code     *widget.Label
	Status   *badge
	Days     *badge
	Info     *widget.Label
	Comps    *widget.Label
	Timeline *fyne.Container
	Papers   *fyne.Container
	Docs     *Docs
	Actions  []*Button
	ActNote  *widget.Label
	actBox   *fyne.Container
	acts     []action

	// The panel of the action being confirmed.
	Panel      *fyne.Container
	PanelTitle *widget.Label
	Reason     *Entry
	Missing    *Entry
	NewDue     *Entry
	Confirm    *Button
	Cancel     *Button
	PanelErr   fieldErr
	Done       *widget.Label
	pending    *action
	asked      bool // the final action pending was confirmed (Ask)

	content fyne.CanvasObject
}

func newDetail(e *env, list *Dossiers) *Detail {
	s := &Detail{env: e, list: list}
	s.Back = newButton(e.keys, tr("← Danh sách (Esc)"), list.closeDetail)
	s.Back.Importance = widget.LowImportance
	s.Code = heading("")
	s.Status = newBadge("", colInfo)
	s.Days = newBadge("", colNeutral)
	s.Info = widget.NewLabel("")
	s.Info.Wrapping = fyne.TextWrapWord
	s.Comps = widget.NewLabel("")
	s.Comps.Wrapping = fyne.TextWrapWord
	s.Timeline = container.NewVBox()
	s.Papers = container.NewVBox()
	s.actBox = container.NewGridWithColumns(3)
	s.ActNote = note("")
	s.PanelTitle = bold("")
	s.Reason = newVNEntry(e.keys, e.typing)
	s.Missing = newVNEntry(e.keys, e.typing)
	s.Missing.SetPlaceHolder(tr("Các giấy tờ cần bổ sung, cách nhau bởi dấu ;"))
	s.NewDue = newEntry(e.keys, nil)
	s.NewDue.SetPlaceHolder(tr("NN/TT/NNNN"))
	s.Confirm = newButton(e.keys, tr("Xác nhận (Ctrl+Enter)"), s.confirm)
	s.Confirm.Importance = widget.HighImportance
	s.Cancel = newButton(e.keys, tr("Thôi"), s.closePanel)
	s.PanelErr = newFieldErr()
	s.Done = widget.NewLabel("")
	s.Done.Wrapping = fyne.TextWrapWord
	s.Done.Importance = widget.SuccessImportance
	s.Done.Hide()
	s.Panel = container.NewVBox()
	s.Panel.Hide()
	s.Docs = newDocs(s)
	e.win.SetOnDropped(e.frame.dropped)

	head := container.NewHBox(s.Back, s.Code, container.NewCenter(s.Status), container.NewCenter(s.Days))
	left := container.NewVBox(bold(tr("Người nộp và thủ tục")), s.Info, widget.NewSeparator(),
		bold(tr("Thành phần hồ sơ")), s.Comps, widget.NewSeparator(),
		bold(tr("Tài liệu số hóa")), s.Docs.Content())
	right := container.NewVBox(bold(tr("Thao tác")), s.actBox, s.ActNote, s.Panel, s.Done, widget.NewSeparator(),
		bold(tr("Phiếu đã lập")), s.Papers, widget.NewSeparator(),
		bold(tr("Quá trình xử lý")), s.Timeline)
	cols := container.New(&columns{weights: []float32{0.45, 0.55}}, container.NewVScroll(left), container.NewVScroll(right))
	s.content = container.NewBorder(container.NewVBox(head, widget.NewSeparator()), nil, nil, nil, cols)
	return s
}

// Content is the view's root object.
func (s *Detail) Content() fyne.CanvasObject { return s.content }

func (s *Detail) shown() {
	if s.Panel.Visible() {
		s.focus(s.Reason)
		return
	}
	if len(s.Actions) > 0 {
		for _, b := range s.Actions {
			if !b.Disabled() {
				s.focus(b)
				return
			}
		}
	}
	s.focus(s.Back)
}

func (s *Detail) bindings() map[string]func() {
	b := map[string]func(){
		sc(ctrl(fyne.KeyReturn)): s.confirm,
		sc(ctrl(fyne.KeyEnter)):  s.confirm,
		keyName(fyne.KeyEscape): func() {
			if s.Panel.Visible() {
				s.closePanel()
				return
			}
			s.list.closeDetail()
		},
	}
	for _, k := range actionKeys {
		k := k
		b[sc(ctrl(k))] = func() { s.press(k) }
	}
	return b
}

// press runs the action whose shortcut is Ctrl+k, or says why it cannot
// run; a key of an action this dossier does not allow does nothing.
func (s *Detail) press(k fyne.KeyName) {
	if s.Panel.Visible() {
		return
	}
	for i, a := range s.acts {
		if a.key == k && i < len(s.Actions) {
			s.Actions[i].pressOrExplain()
			return
		}
	}
}

// show fills the view with d.
func (s *Detail) show(d *motcua.Dossier) {
	s.D = d
	s.pending = nil
	s.Panel.Hide()
	s.Done.Hide()
	s.Code.SetText(d.Code)
	s.Status.set(statusName(d.Status), statusColour(d.Status))
	days, col := daysLeft(s.env, d)
	s.Days.set(days, col)
	if days == "" {
		s.Days.Hide()
	} else {
		s.Days.Show()
	}
	a := d.Applicant
	lines := []string{
		a.Name + " · " + tr("CCCD") + " " + a.IDNumber,
	}
	var more []string
	if t, err := time.Parse("2006-01-02", a.DOB); err == nil {
		more = append(more, tr("Ngày sinh")+" "+t.Format("02/01/2006"))
	}
	if a.Phone != "" {
		more = append(more, tr("Điện thoại")+" "+a.Phone)
	}
	if len(more) > 0 {
		lines = append(lines, strings.Join(more, " · "))
	}
	if a.Address != "" {
		lines = append(lines, a.Address)
	}
	lines = append(lines, "", d.Procedure.Name, d.Procedure.Code+" · "+d.Procedure.Field+" · "+d.Channel.Name(),
		tr("Nhận lúc")+" "+fmtTime(d.ReceivedAt)+" · "+tr("cán bộ")+" "+d.Officer)
	if !d.DueAt.IsZero() {
		due := tr("Hẹn trả") + " " + fmtDue(d.DueAt)
		if d.Extended {
			due += " " + tr("(đã gia hạn)")
		}
		lines = append(lines, due)
	}
	if !d.ReturnedAt.IsZero() {
		lines = append(lines, tr("Đã trả kết quả lúc")+" "+fmtTime(d.ReturnedAt))
	}
	s.Info.SetText(strings.Join(lines, "\n"))
	var comps []string
	for i, c := range d.Components {
		line := itoa(i+1) + ". " + c.Name + " — " + itoa(c.Original) + " " + tr("chính") + ", " + itoa(c.Certified) + " " + tr("chứng thực") + ", " + num(c.Copy, "photo")
		if c.Missing {
			line = itoa(i+1) + ". " + c.Name + " — " + tr("CÒN THIẾU")
		}
		comps = append(comps, line)
	}
	if len(comps) == 0 {
		comps = []string{tr("(không ghi)")}
	}
	s.Comps.SetText(strings.Join(comps, "\n"))

	s.Timeline.Objects = nil
	names := s.main.fullNames()
	for i := len(d.History) - 1; i >= 0; i-- {
		h := d.History[i]
		what := historyAction(h)
		row := widget.NewLabel(fmtTime(h.At) + " · " + displayName(names, h.Actor) + " · " + what)
		row.Wrapping = fyne.TextWrapWord
		if i == len(d.History)-1 {
			row.TextStyle.Bold = true
		}
		s.Timeline.Add(row)
	}
	s.Timeline.Refresh()

	s.acts = actionsFor(d)
	s.Actions = nil
	s.actBox.Objects = nil
	for i := range s.acts {
		a := s.acts[i]
		b := newButton(s.keys, a.label+" ("+keyLabel(a.key)+")", func() { s.start(a) })
		if a.to == motcua.StatusReturned {
			b.Importance = widget.HighImportance
		}
		if !s.user().Can(a.perm) {
			disableWhy(notAllowed(s.user(), a.perm), b)
		}
		s.Actions = append(s.Actions, b)
		s.actBox.Add(b)
	}
	if len(s.acts) == 0 {
		s.actBox.Add(note(tr("Hồ sơ đã kết thúc: không còn thao tác nào.")))
	}
	s.actBox.Refresh()
	s.ActNote.Hide()
	for _, b := range s.Actions {
		if b.Disabled() {
			s.ActNote.SetText(tr("Nút mờ: cần tài khoản lãnh đạo (từ chối, gia hạn, dừng xử lý)."))
			s.ActNote.Show()
		}
	}
	s.fillPapers()
	s.Docs.show()
}

func statusColour(st motcua.Status) color.Color {
	switch st {
	case motcua.StatusRefused, motcua.StatusStopped:
		return colLate
	case motcua.StatusSupplement, motcua.StatusFinancial:
		return colToday
	case motcua.StatusDone:
		return colInfo
	case motcua.StatusReturned, motcua.StatusWithdrawn:
		return colNeutral
	}
	return colOK
}

func historyAction(h motcua.HistoryEntry) string {
	names := map[string]string{
		"accept": tr("Tiếp nhận"), "refuse": tr("Từ chối"), "supplement": tr("Yêu cầu bổ sung"),
		"advance": tr("Chuyển trạng thái"), "extend": tr("Gia hạn"), "return": tr("Trả kết quả"), "sync": tr("Cập nhật từ tỉnh"),
	}
	what := names[h.Action]
	if what == "" {
		what = h.Action
	}
	if h.From != h.To {
		what += ": " + statusName(h.From) + " → " + statusName(h.To)
	}
	if h.Reason != "" {
		what += " · " + tr("lý do:") + " " + h.Reason
	}
	if h.Note != "" {
		what += " · " + h.Note
	}
	return what
}

// papers lists the forms this dossier has called for.
func papersOf(d *motcua.Dossier) []forms.Kind {
	var out []forms.Kind
	has := func(st motcua.Status) bool {
		for _, h := range d.History {
			if h.To == st {
				return true
			}
		}
		return false
	}
	if has(motcua.StatusReceived) {
		out = append(out, forms.KindReceipt)
	}
	if has(motcua.StatusSupplement) {
		out = append(out, forms.KindSupplement)
	}
	if has(motcua.StatusRefused) {
		out = append(out, forms.KindRefusal)
	}
	if d.Extended {
		out = append(out, forms.KindApology)
	}
	if has(motcua.StatusStopped) {
		out = append(out, forms.KindStop)
	}
	if has(motcua.StatusReceived) {
		out = append(out, forms.KindControl)
	}
	return out
}

func (s *Detail) fillPapers() {
	s.Papers.Objects = nil
	for _, k := range papersOf(s.D) {
		k := k
		f, ok := s.papers.profile.ByKind(k)
		if !ok {
			continue
		}
		title := tr("Mẫu") + " " + string(f.ID) + " · " + f.Title
		view := newButton(s.keys, tr("Xem"), func() { s.paper(k, false) })
		view.Importance = widget.LowImportance
		print := newButton(s.keys, tr("In"), func() { s.paper(k, true) })
		print.Importance = widget.LowImportance
		l := widget.NewLabel(title)
		l.Truncation = fyne.TextTruncateEllipsis
		s.Papers.Add(container.NewBorder(nil, nil, nil, container.NewHBox(view, print), l))
	}
	if len(s.Papers.Objects) == 0 {
		s.Papers.Add(note(tr("Chưa có phiếu nào.")))
	}
	s.Papers.Refresh()
}

// ViewPaper opens the i-th paper of the list in the viewer.
func (s *Detail) ViewPaper(i int) {
	if ps := papersOf(s.D); i < len(ps) {
		s.paper(ps[i], false)
	}
}

func (s *Detail) paper(k forms.Kind, print bool) {
	p, err := s.papers.Make(context.Background(), s.D, k, s.user(), nil)
	if err == nil {
		if print {
			err = s.papers.Print(p.Path)
		} else {
			err = s.papers.Open(p.Path)
		}
	}
	if err != nil {
		s.showDone(errMsg(err), false)
	}
}

func (s *Detail) showDone(msg string, ok bool) {
	s.Done.SetText(msg)
	if ok {
		s.Done.Importance = widget.SuccessImportance
	} else {
		s.Done.Importance = widget.DangerImportance
	}
	s.Done.Show()
	s.Done.Refresh()
}

// start opens the panel of action a, or goes to the return screen.
func (s *Detail) start(a action) {
	if a.to == motcua.StatusReturned {
		s.frame.Go(ScreenReturn)
		s.frame.Return.Load(s.D.Code)
		return
	}
	s.pending = &a
	s.Done.Hide()
	s.PanelErr.set("")
	s.Reason.SetText("")
	s.Missing.SetText("")
	s.NewDue.SetText("")
	objs := []fyne.CanvasObject{s.PanelTitle}
	s.PanelTitle.SetText(a.label + " · " + s.D.Code)
	if a.missing {
		var miss []string
		for _, c := range s.D.Components {
			if c.Missing {
				miss = append(miss, c.Name)
			}
		}
		s.Missing.SetText(strings.Join(miss, "; "))
		objs = append(objs, widget.NewLabel(tr("Giấy tờ cần bổ sung (nêu đủ, một lần)")), s.Missing)
	}
	if a.due {
		// Suggest three more working days, at the close of office.
		sug := s.svc.Calendar.EndOfWorkingDay(s.svc.Calendar.AddWorkingDays(s.D.DueAt, 3))
		s.NewDue.SetText(sug.Format("02/01/2006"))
		objs = append(objs, widget.NewLabel(tr("Ngày hẹn mới (trả lúc hết giờ làm việc ngày đó)")), s.NewDue)
	}
	if a.reason != reasonNone {
		s.Reason.SetPlaceHolder(a.hint)
		objs = append(objs, widget.NewLabel(a.hint), s.Reason)
	}
	objs = append(objs, s.PanelErr, container.NewHBox(s.Cancel, spacer(), s.Confirm))
	s.Confirm.SetText(a.label + " " + tr("(Ctrl+Enter)"))
	s.Panel.Objects = objs
	s.Panel.Show()
	s.Panel.Refresh()
	switch {
	case a.missing:
		s.focus(s.Missing)
	case a.due:
		s.focus(s.NewDue)
	case a.reason != reasonNone:
		s.focus(s.Reason)
	default:
		s.focus(s.Confirm)
	}
}

func (s *Detail) closePanel() {
	s.pending = nil
	s.Panel.Hide()
	s.shown()
}

// finalConsequence says what a final action does, or "" when the action
// is not final.
func finalConsequence(to motcua.Status) string {
	switch to {
	case motcua.StatusRefused:
		return tr("sẽ bị từ chối ngay, không hoàn tác được; phiếu từ chối (Mẫu 03) được lập và in.")
	case motcua.StatusStopped:
		return tr("sẽ bị dừng xử lý ngay, không hoàn tác được; thông báo dừng xử lý được lập và in.")
	case motcua.StatusWithdrawn:
		return tr("sẽ được ghi là công dân đã rút, không hoàn tác được; hồ sơ không được xử lý tiếp.")
	}
	return ""
}

// confirm carries out the pending action and prints its paper.
func (s *Detail) confirm() {
	if s.pending == nil || s.D == nil {
		return
	}
	a := *s.pending
	s.PanelErr.set("")
	if err := accounts.Allow(s.user(), a.perm); err != nil {
		s.PanelErr.set(errMsg(err))
		return
	}
	reason := motcua.Clean(s.Reason.Text)
	if a.reason == reasonRequired && reason == "" {
		s.PanelErr.set(tr("Phải ghi rõ lý do"))
		s.focus(s.Reason)
		return
	}
	if final := finalConsequence(a.to); final != "" && !s.asked {
		// Refusal, withdrawal, stop: final at once, so asked once.
		s.main.confirmFinal(a.label+" · "+s.D.Code+"?", tr("Hồ sơ của")+" "+s.D.Applicant.Name+" "+final,
			a.label, func() { s.asked = true; s.confirm(); s.asked = false })
		return
	}
	ctx := context.Background()
	var (
		d   *motcua.Dossier
		err error
	)
	switch {
	case a.due:
		t, perr := time.ParseInLocation("02/01/2006", strings.TrimSpace(s.NewDue.Text), motcua.Location)
		if perr != nil {
			s.PanelErr.set(tr("Ngày hẹn mới không hợp lệ: cần dạng NN/TT/NNNN, ví dụ 05/12/2026"))
			s.focus(s.NewDue)
			return
		}
		if !s.svc.Calendar.IsWorkingDay(t) {
			s.PanelErr.set(tr("Ngày hẹn mới rơi vào ngày nghỉ: chọn một ngày làm việc"))
			s.focus(s.NewDue)
			return
		}
		d, err = s.svc.Extend(ctx, s.D.Code, s.acting(), reason, s.svc.Calendar.EndOfWorkingDay(t))
	case a.missing:
		var miss []string
		for _, m := range strings.Split(s.Missing.Text, ";") {
			if m = motcua.Clean(m); m != "" {
				miss = append(miss, m)
			}
		}
		d, err = s.svc.RequestSupplement(ctx, s.D.Code, s.acting(), reason, miss)
	case a.to == motcua.StatusRefused:
		d, err = s.svc.Refuse(ctx, s.D.Code, s.acting(), reason)
	default:
		d, err = s.svc.Advance(ctx, s.D.Code, s.acting(), a.to, reason)
	}
	if err != nil {
		s.PanelErr.set(errMsg(err))
		return
	}
	s.show(d)
	msg := tr("Đã cập nhật:") + " " + a.label + "."
	ok := true
	if a.paper != "" {
		p, perr := s.papers.Make(ctx, d, a.paper, s.user(), nil)
		if perr != nil {
			msg += " " + tr("Chưa in được phiếu:") + " " + errMsg(perr)
			ok = false
		} else if perr = s.papers.Print(p.Path); perr != nil {
			msg += " " + tr("Đã lập") + " " + p.Title + "; " + tr("chưa in được:") + " " + errMsg(perr)
			ok = false
		} else {
			msg += " " + tr("Đã gửi in") + " " + p.Title + "."
		}
	}
	s.showDone(msg, ok)
	s.frame.changed()
	s.shown()
}
