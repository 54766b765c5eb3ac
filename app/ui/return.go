package ui

import (
	"context"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/forms"
	"motcua/scanning/qrsign"
)

// Satisfaction levels asked when the result is handed back.
var satisfaction = []string{"Hài lòng", "Bình thường", "Không hài lòng"}

// Return hands a result back: scan the receipt's QR, whose signature is
// checked offline; check who receives it; ask how satisfied they are;
// record and print.
type Return struct {
	*env

	Scan    *Entry
	ScanErr fieldErr

	Verdict     *fyne.Container
	verdictText *canvas.Text
	verdictBg   *canvas.Rectangle
	Info        *widget.Label
	// Result says whether the result is digitised (issue 18); ScanResult
	// digitises it: the scan, or the province's electronic result (PDF).
	Result     *widget.Label
	ScanResult *Button

	Receiver     *Entry
	ReceiverID   *Entry
	Proxy        *widget.Check
	IDChecked    *widget.Check
	Satisfaction *widget.RadioGroup
	Confirm      *Button
	left         fyne.CanvasObject
	Print        *Button
	Errs         map[string]fieldErr
	Done         *widget.Label

	D       *motcua.Dossier
	form    *fyne.Container
	content fyne.CanvasObject
}

func newReturn(e *env) *Return {
	s := &Return{env: e, Errs: map[string]fieldErr{}}
	for _, k := range []string{"receiver", "receiver_id", "id_checked", "satisfaction", "general"} {
		s.Errs[k] = newFieldErr()
	}
	s.ScanErr = newFieldErr()
	s.Scan = newEntry(e.keys, nil)
	s.Scan.SetPlaceHolder(tr("Quét mã QR trên giấy tiếp nhận, hoặc gõ mã hồ sơ rồi Enter"))
	s.Scan.OnSubmitted = s.onScan
	s.Verdict, s.verdictText, s.verdictBg = banner(tr("Chờ quét giấy tiếp nhận của công dân"), colNeutral)
	s.Info = widget.NewLabel("")
	s.Info.Wrapping = fyne.TextWrapWord
	s.Result = widget.NewLabel("")
	s.Result.Wrapping = fyne.TextWrapWord
	s.Result.Hide()
	s.ScanResult = newButton(e.keys, tr("Quét kết quả… (Ctrl+U)"), s.pickResult)
	s.ScanResult.Hide()

	s.Receiver = newVNEntry(e.keys, e.typing)
	s.ReceiverID = newEntry(e.keys, nil)
	s.ReceiverID.SetPlaceHolder(tr("Quét căn cước của người nhận vào ô quét, hoặc gõ số"))
	s.Receiver.OnScan = s.onScan
	s.ReceiverID.OnScan = s.onScan
	s.Proxy = widget.NewCheck(tr("Người nhận thay, có giấy ủy quyền hợp lệ"), nil)
	s.IDChecked = widget.NewCheck(tr("Đã đối chiếu giấy tờ tùy thân của người nhận"), nil)
	labels := make([]string, len(satisfaction))
	for i, l := range satisfaction {
		labels[i] = tr(l)
	}
	s.Satisfaction = widget.NewRadioGroup(labels, nil)
	s.Satisfaction.Horizontal = true
	s.Confirm = newButton(e.keys, tr("Xác nhận đã trả kết quả (Ctrl+Enter)"), s.confirm)
	s.Confirm.Importance = widget.HighImportance
	s.Print = newButton(e.keys, tr("In phiếu kiểm soát (Ctrl+P)"), s.print)
	s.Print.Hide()
	s.Done = widget.NewLabel("")
	s.Done.Wrapping = fyne.TextWrapWord
	s.Done.Importance = widget.SuccessImportance
	s.Done.Hide()

	s.form = container.NewVBox(
		container.NewGridWithColumns(2,
			field(tr("Người nhận kết quả *"), s.Receiver, s.Errs["receiver"]),
			field(tr("Số CCCD người nhận *"), s.ReceiverID, s.Errs["receiver_id"])),
		// Two checks on one row, the satisfaction beside the button: with
		// every message showing, the button stays in view at 1366×697.
		container.NewGridWithColumns(2, s.Proxy, s.IDChecked), s.Errs["id_checked"],
		container.NewBorder(nil, nil, nil, s.Confirm,
			inlineField(tr("Hài lòng? (Ctrl+1/2/3)"), s.Satisfaction, s.Errs["satisfaction"])),
		s.Errs["general"],
	)
	s.form.Hide()
	left := container.NewVBox(
		field(tr("Quét mã (F4)"), s.Scan, s.ScanErr),
		note(tr("Chữ ký trên mã QR được kiểm tra ngay trên máy, không cần mạng.")),
		s.Verdict, s.Info, container.NewBorder(nil, nil, nil, s.ScanResult, s.Result), widget.NewSeparator(), s.form, s.Done, container.NewHBox(s.Print))
	s.left = left
	s.content = container.NewVScroll(container.NewCenter(container.New(&fixedWidth{w: 820}, left)))
	return s
}

// Content is the screen's root object.
func (s *Return) Content() fyne.CanvasObject { return s.content }

func (s *Return) shown() {
	if s.form.Visible() {
		s.focus(s.Receiver)
		return
	}
	s.focus(s.Scan)
}

func (s *Return) bindings() map[string]func() {
	b := map[string]func(){
		sc(ctrl(fyne.KeyReturn)): s.confirm,
		sc(ctrl(fyne.KeyEnter)):  s.confirm,
		sc(ctrl(fyne.KeyP)):      s.print,
		sc(ctrl(fyne.KeyU)):      s.pickResult,
		keyName(fyne.KeyF4):      func() { s.focus(s.Scan) },
		keyName(fyne.KeyEscape):  s.clear,
	}
	for i, k := range []fyne.KeyName{fyne.Key1, fyne.Key2, fyne.Key3} {
		i := i
		b[sc(ctrl(k))] = func() { s.Satisfaction.SetSelected(s.Satisfaction.Options[i]) }
	}
	return b
}

// VerdictText is what the verdict banner says.
func (s *Return) VerdictText() string { return s.verdictText.Text }

// Form is the receiver's part of the screen, shown when a result is ready.
func (s *Return) Form() fyne.CanvasObject { return s.form }

func (s *Return) setVerdict(msg string, c color.Color) {
	s.verdictText.Text = msg
	s.verdictBg.FillColor = c
	s.verdictText.Refresh()
	s.verdictBg.Refresh()
}

// clear gets ready for the next citizen.
func (s *Return) clear() {
	s.D = nil
	s.form.Hide()
	s.Print.Hide()
	s.Done.Hide()
	s.Info.SetText("")
	s.ScanErr.set("")
	s.setVerdict(tr("Chờ quét giấy tiếp nhận của công dân"), colNeutral)
	for _, e := range s.Errs {
		e.set("")
	}
	s.focus(s.Scan)
}

// onScan reads a receipt QR (or a typed code); with a dossier on show, a
// chip-ID QR fills the receiver instead.
func (s *Return) onScan(line string) {
	line = strings.TrimSpace(line)
	s.Scan.SetText("")
	s.ScanErr.set("")
	if line == "" {
		return
	}
	k := classify(line, s.papers.keys)
	switch k.kind {
	case scanCCCD:
		if s.D == nil {
			s.ScanErr.set(tr("Đây là QR căn cước. Hãy quét mã QR trên giấy tiếp nhận trước, rồi quét căn cước của người nhận."))
			return
		}
		a, err := app.ApplicantFromCCCD(line, s.frame.now())
		if err != nil {
			s.ScanErr.set(tr("Mã QR căn cước không hợp lệ:") + " " + errMsg(err))
			return
		}
		s.Receiver.SetText(a.Name)
		s.ReceiverID.SetText(a.IDNumber)
		s.Proxy.SetChecked(a.IDNumber != s.D.Applicant.IDNumber)
		s.IDChecked.SetChecked(true)
		s.focus(s.Confirm)
		return
	case scanOurs:
		switch k.result {
		case qrsign.Valid:
			s.setVerdict(tr("Mã QR hợp lệ: giấy do máy của cơ quan cấp, chưa bị sửa"), colOK)
		case qrsign.UnknownKey:
			s.setVerdict(tr("Không xác minh được chữ ký: khóa của máy đã cấp chưa được nạp"), colToday)
		default:
			s.setVerdict(tr("Mã QR đã bị sửa đổi hoặc hư hỏng: không dùng được giấy này"), colLate)
			s.form.Hide()
			s.D = nil
			s.Info.SetText(tr("Mã hồ sơ ghi trên giấy:") + " " + k.payload.Code + ". " + tr("Không trả kết quả theo giấy này; đề nghị công dân xuất trình giấy tờ khác hoặc liên hệ lãnh đạo."))
			return
		}
		s.load(k.payload.Code)
		if k.result == qrsign.UnknownKey && s.D != nil {
			s.Info.SetText(tr("Đối chiếu kỹ giấy tiếp nhận và căn cước trước khi trả.") + "\n" + s.Info.Text)
		}
	case scanCode:
		s.setVerdict(tr("Mã hồ sơ nhập tay: không có chữ ký để kiểm tra, đối chiếu kỹ giấy tờ"), colInfo)
		s.load(line)
	default:
		s.setVerdict(tr("Đây không phải mã QR do Một Cửa cấp"), colLate)
		s.form.Hide()
		s.D = nil
		s.Info.SetText("")
	}
}

// Load shows the dossier with code for return, as a typed code would.
func (s *Return) Load(code string) {
	s.clear()
	s.setVerdict(tr("Mở từ danh sách hồ sơ: đối chiếu giấy tiếp nhận của công dân"), colInfo)
	s.load(code)
}

func (s *Return) load(code string) {
	d, err := s.svc.Store.Get(context.Background(), code)
	s.Done.Hide()
	s.Print.Hide()
	if err != nil {
		s.D = nil
		s.form.Hide()
		s.Result.Hide()
		s.ScanResult.Hide()
		if motcua.ErrorKind(err) == motcua.KindNotFound {
			s.Info.SetText(tr("Hồ sơ") + " " + code + " " + tr("không có trên máy này (có thể do máy khác tiếp nhận và chưa đồng bộ về)."))
		} else {
			s.Info.SetText(errMsg(err))
		}
		return
	}
	s.D = d
	s.showResult()
	info := d.Code + "\n" + d.Applicant.Name + " · " + tr("CCCD") + " " + d.Applicant.IDNumber + "\n" + d.Procedure.Name +
		"\n" + tr("Trạng thái:") + " " + statusName(d.Status)
	switch d.Status {
	case motcua.StatusDone:
		s.Info.SetText(info + " — " + tr("kết quả đã sẵn sàng để trả"))
		s.Receiver.SetText(d.Applicant.Name)
		s.ReceiverID.SetText("")
		s.Proxy.SetChecked(false)
		s.IDChecked.SetChecked(false)
		s.Satisfaction.SetSelected("")
		s.form.Show()
		s.focus(s.ReceiverID)
	case motcua.StatusReturned:
		s.form.Hide()
		s.Info.SetText(info + "\n" + tr("Kết quả đã được trả lúc") + " " + fmtTime(d.ReturnedAt) + ".")
	default:
		s.form.Hide()
		s.Info.SetText(info + "\n" + tr("Chưa có kết quả để trả. Hẹn trả:") + " " + fmtDue(d.DueAt) + ".")
	}
}

func (s *Return) confirm() {
	if s.D == nil || !s.form.Visible() {
		return
	}
	for _, e := range s.Errs {
		e.set("")
	}
	if err := accounts.Allow(s.user(), accounts.PermReturn); err != nil {
		s.Errs["general"].set(errMsg(err))
		return
	}
	name := motcua.Clean(s.Receiver.Text)
	id := strings.ReplaceAll(strings.TrimSpace(s.ReceiverID.Text), " ", "")
	ok := true
	if name == "" {
		s.Errs["receiver"].set(tr("Chưa nhập họ tên người nhận"))
		ok = false
	}
	if id == "" {
		s.Errs["receiver_id"].set(tr("Chưa nhập số CCCD của người nhận"))
		ok = false
	} else if len(id) != 12 && len(id) != 9 && len(id) != 8 {
		s.Errs["receiver_id"].set(tr("Số giấy tờ phải có 12 chữ số (CCCD), 9 chữ số (CMND) hoặc là số hộ chiếu"))
		ok = false
	}
	if !s.IDChecked.Checked {
		s.Errs["id_checked"].set(tr("Phải đối chiếu giấy tờ tùy thân trước khi trả kết quả"))
		ok = false
	}
	if id != "" && id != s.D.Applicant.IDNumber && !s.Proxy.Checked {
		s.Errs["receiver_id"].set(tr("Số CCCD khác người nộp: nếu là người nhận thay, đánh dấu «có giấy ủy quyền hợp lệ»"))
		ok = false
	}
	if s.Satisfaction.Selected == "" {
		s.Errs["satisfaction"].set(tr("Hỏi công dân và chọn mức độ hài lòng"))
		ok = false
	}
	if !ok {
		return
	}
	level := s.Satisfaction.Selected
	for i, l := range satisfaction {
		if tr(l) == level {
			level = satisfaction[i]
		}
	}
	who := tr("chính chủ")
	if s.Proxy.Checked {
		who = tr("người được ủy quyền")
	}
	noteText := "Người nhận: " + name + ", CCCD " + id + " (" + who + "); đã đối chiếu giấy tờ; mức độ hài lòng: " + level
	// Final: the result leaves the counter. Asked once, with who takes it.
	s.main.confirmFinal(tr("Trả kết quả hồ sơ")+" "+s.D.Code+"?",
		tr("Kết quả được giao cho")+" "+name+" ("+who+", "+tr("CCCD")+" "+id+"). "+
			tr("Hồ sơ chuyển sang «Đã trả kết quả» và không sửa lại được."),
		tr("Đã trả kết quả"), func() { s.record(name, noteText) })
}

// record writes the hand-over, once the officer has confirmed it.
func (s *Return) record(name, noteText string) {
	d, err := s.svc.Return(context.Background(), s.D.Code, s.acting(), noteText)
	if err != nil {
		s.Errs["general"].set(errMsg(err))
		return
	}
	s.D = d
	s.form.Hide()
	s.Done.SetText(tr("Đã trả kết quả hồ sơ") + " " + d.Code + " " + tr("cho") + " " + name + " " + tr("lúc") + " " + fmtTime(d.ReturnedAt) + ". " +
		tr("Quét giấy tiếp nhận tiếp theo khi sẵn sàng."))
	s.Done.Show()
	s.Print.Show()
	s.Info.SetText(d.Code + "\n" + d.Applicant.Name + " · " + d.Procedure.Name + "\n" + tr("Trạng thái:") + " " + statusName(d.Status))
	s.frame.changed()
	s.focus(s.Scan)
}

func (s *Return) print() {
	if s.D == nil || s.D.Status != motcua.StatusReturned {
		return
	}
	p, err := s.papers.Make(context.Background(), s.D, forms.KindControl, s.user(), nil)
	if err == nil {
		err = s.papers.Print(p.Path)
	}
	if err != nil {
		s.Errs["general"].set(errMsg(err))
	}
}

// showResult says whether the dossier's result is digitised, and offers
// the scan while it is not (a procedure may require it before the return).
func (s *Return) showResult() {
	d := s.D
	if d == nil || (d.Status != motcua.StatusDone && d.Status != motcua.StatusReturned) {
		s.Result.Hide()
		s.ScanResult.Hide()
		return
	}
	st, err := s.svc.ResultOf(context.Background(), d)
	switch {
	case err != nil:
		s.Result.SetText(errMsg(err))
	case st.Digitised:
		r := st.Results[len(st.Results)-1]
		valid := tr("không thời hạn")
		if !r.ValidUntil.IsZero() {
			valid = tr("đến") + " " + r.ValidUntil.In(motcua.Location).Format("02/01/2006")
		}
		s.Result.SetText("✔ " + tr("Kết quả đã số hóa:") + " «" + r.Component + "», " + tr("hiệu lực") + " " + valid +
			" · SHA-256 " + r.SHA256[:12] + "…")
		s.Result.Importance = widget.SuccessImportance
	case st.Required:
		s.Result.SetText(tr("Kết quả chưa số hóa: thủ tục này yêu cầu số hóa kết quả trước khi trả. Quét kết quả (Ctrl+U)."))
		s.Result.Importance = widget.DangerImportance
	default:
		s.Result.SetText(tr("Kết quả chưa số hóa (nên quét để lưu và gửi tỉnh)."))
		s.Result.Importance = widget.WarningImportance
	}
	s.Result.Show()
	s.Result.Refresh()
	canScan := s.svc.Scans != nil && s.svc.Scans.Blobs != nil && s.svc.Scans.Signer != nil
	if st.Digitised || !canScan || accounts.Allow(s.user(), accounts.PermReturn) != nil {
		s.ScanResult.Hide()
	} else {
		s.ScanResult.Show()
	}
}

// pickResult asks for the result's scan or the province's PDF.
func (s *Return) pickResult() {
	if s.D == nil || !s.ScanResult.Visible() {
		return
	}
	fd := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			s.Result.SetText(errMsg(err))
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		s.AttachResult([]string{path})
	}, s.win)
	fd.SetFilter(storage.NewExtensionFileFilter(scanExts))
	fd.Resize(fyne.NewSize(900, 600))
	fd.Show()
}

// AttachResult digitises files as the dossier's result, with the
// catalogue's name and validity, and shows the outcome. It runs on the UI
// goroutine: one result is a page or two, stamped in about a second.
func (s *Return) AttachResult(files []string) {
	if s.D == nil {
		return
	}
	officer := s.user().FullName
	if officer == "" {
		officer = s.acting().Username
	}
	_, err := s.svc.AttachResult(context.Background(), app.ResultRequest{Code: s.D.Code, By: s.acting(), Officer: officer, Files: files})
	if err != nil {
		s.Result.SetText(errMsg(err))
		s.Result.Importance = widget.DangerImportance
		s.Result.Show()
		s.Result.Refresh()
		return
	}
	s.showResult()
}
