package continuity

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"motcua"
	"motcua/app"
)

// Paper fallback for when the PC itself is down (power cut, broken PC):
// the counter keeps receiving on pre-printed receipts whose sequence numbers
// are reserved for this station, and enters each one later with its real
// receipt time.
//
// Why the date is written by hand: a dossier code is {agency}-{yyMMdd}-{NNNN}
// and nobody knows in advance on which day the PC will fail. A block reserves
// sequence numbers, not days: the highest free numbers of the station's own
// partition (station K of N issues K, K+N, …), so they can never collide with
// another station, and online issuance — which climbs from the bottom and
// is refused a reserved number by a database trigger — reaches them only
// after every other number of the day. Each number serves one paper receipt,
// once.

// PaperBlock is a block of reserved numbers printed as blank receipts.
type PaperBlock struct {
	ID        int64          `json:"id"`
	Agency    string         `json:"agency"`
	Station   motcua.Station `json:"station"`
	Seqs      []int          `json:"seqs"` // ascending
	CreatedAt time.Time      `json:"created_at"`
	CreatedBy string         `json:"created_by"`
	Used      map[int]string `json:"used"` // seq → dossier code entered
}

// PaperCode is one reserved number.
type PaperCode struct {
	Agency      string
	Seq         int
	Station     motcua.Station
	BlockID     int64
	BlockAt     time.Time // when its block was reserved (printed)
	DossierCode string    // set once entered
	EnteredAt   time.Time
	EnteredBy   string
}

// PaperStore keeps the reserved numbers.
type PaperStore interface {
	// ReservePaper reserves count numbers from the top of the station's
	// partition. Errors: KindConflict ErrPaperExhausted.
	ReservePaper(ctx context.Context, agency string, st motcua.Station, count int, a app.AuditEntry) (*PaperBlock, error)
	// PaperBlocks lists the agency's blocks, newest first, with their use.
	PaperBlocks(ctx context.Context, agency string) ([]*PaperBlock, error)
	// PaperCode returns one reserved number. Errors: KindNotFound.
	PaperCode(ctx context.Context, agency string, seq int) (*PaperCode, error)
	// BackEnter stores a dossier received on a paper receipt: in one
	// transaction it claims the reserved number for d.Code and inserts the
	// dossier with its history, outbox message and audit entry.
	// Errors: KindInvalid ErrPaperNotOurs; KindConflict ErrPaperUsed or
	// motcua.ErrDuplicate.
	BackEnter(ctx context.Context, d *motcua.Dossier, st motcua.Station, a app.AuditEntry) error
}

// MaxPaperBlock bounds one block; a commune prints a pad of 20–50.
const MaxPaperBlock = 500

// ReservePaper reserves a block of count numbers for this station.
//
// Errors: KindInvalid for a count outside 1…MaxPaperBlock; KindConflict
// ErrPaperExhausted when the station's reserve (half its daily capacity)
// is used up.
func (s *Service) ReservePaper(ctx context.Context, count int, by app.Actor) (*PaperBlock, error) {
	if err := allow(by, app.PermContinuity); err != nil {
		return nil, err
	}
	if count < 1 || count > MaxPaperBlock {
		return nil, motcua.Invalid(motcua.ErrBadValue, "count", "Số biên nhận phải từ 1 đến %d", "the count must be 1 to %d", MaxPaperBlock)
	}
	id, err := s.App.Identity(ctx)
	if err != nil {
		return nil, err
	}
	a := app.AuditEntry{At: s.now(), Actor: actor(by.Username), Action: "paper.reserve",
		Detail: fmt.Sprintf("máy %s; %d số", id.Station, count)}
	return s.Store.ReservePaper(ctx, id.AgencyID, id.Station, count, a)
}

// PaperBlocks lists this agency's blocks.
func (s *Service) PaperBlocks(ctx context.Context) ([]*PaperBlock, error) {
	id, err := s.App.Identity(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.PaperBlocks(ctx, id.AgencyID)
}

// BackEntry is one paper receipt entered after the fact.
type BackEntry struct {
	// Code is the full code as completed by hand on the receipt; or leave it
	// empty and give Seq, and the date is taken from At.
	Code          string
	Seq           int
	At            time.Time // the real receipt time written on the paper
	ProcedureCode string
	CCCD          string // chip-ID QR line, when the officer scans the card now
	Applicant     motcua.Applicant
	DOBText       string
	Channel       motcua.Channel
	Components    []motcua.Component
	Summary       string
	Officer       string    // who received it at the counter (written on the paper)
	By            app.Actor // who enters it now: PermIntake (it is an intake)
}

// BackEnter enters a dossier received on a paper receipt: with its
// reserved code and its real receipt time; the calendar computes the due
// date from that time.
//
// Errors: KindInvalid ErrPaperNotOurs (another agency, another station, a
// number never reserved), ErrPaperDate (the date in the code is not the
// receipt's, or the receipt predates its block), or a bad field;
// KindConflict ErrPaperUsed when the receipt was already entered.
func (s *Service) BackEnter(ctx context.Context, r BackEntry) (*motcua.Dossier, error) {
	if err := allow(r.By, app.PermIntake); err != nil {
		return nil, err
	}
	id, err := s.App.Identity(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if r.At.IsZero() {
		return nil, motcua.Invalid(motcua.ErrRequired, "at", "Chưa nhập thời điểm tiếp nhận ghi trên biên nhận giấy", "the receipt time written on the paper is missing")
	}
	at := r.At.In(motcua.Location).Truncate(time.Second)
	if at.After(now.Add(5 * time.Minute)) {
		return nil, motcua.Invalid(motcua.ErrBadValue, "at", "Thời điểm tiếp nhận %s ở tương lai", "the receipt time %s is in the future", motcua.FormatTime(at))
	}
	var code motcua.DossierCode
	if strings.TrimSpace(r.Code) != "" {
		if code, err = motcua.ParseDossierCode(r.Code); err != nil {
			return nil, err
		}
		if code.Agency != id.AgencyID {
			return nil, motcua.Invalid(ErrPaperNotOurs, "code", "Mã %s thuộc cơ quan %s, không phải %s", "code %s belongs to agency %s, not %s",
				code, code.Agency, id.AgencyID)
		}
		if motcua.DayKey(code.Day) != motcua.DayKey(at) {
			return nil, motcua.Invalid(ErrPaperDate, "code", "Ngày trong mã %s (%s) khác ngày tiếp nhận %s; kiểm tra lại ngày ghi tay trên biên nhận",
				"the date in code %s (%s) is not the receipt date %s; check the date written on the paper", code, code.Day.Format("02/01/2006"), at.Format("02/01/2006"))
		}
	} else {
		if code, err = motcua.NewDossierCode(id.AgencyID, at, r.Seq); err != nil {
			return nil, err
		}
	}
	if !id.Station.Owns(code.Seq) {
		owner := (code.Seq-1)%id.Station.N + 1
		return nil, motcua.Invalid(ErrPaperNotOurs, "code", "Số %0*d thuộc dải số của máy %d/%d, không phải máy này (%s); nhập biên nhận trên đúng máy đã in nó",
			"number %0*d belongs to station %d/%d, not this one (%s); enter it on the station that printed it",
			motcua.SeqDigits, code.Seq, owner, id.Station.N, id.Station)
	}
	pc, err := s.Store.PaperCode(ctx, id.AgencyID, code.Seq)
	if err != nil {
		if motcua.ErrorKind(err) == motcua.KindNotFound {
			return nil, motcua.Invalid(ErrPaperNotOurs, "code", "Số %0*d không phải số dành cho biên nhận giấy của máy này (xem «motcua paper list»)",
				"number %0*d is not one of this station's paper receipt numbers (see 'motcua paper list')", motcua.SeqDigits, code.Seq)
		}
		return nil, err
	}
	if pc.DossierCode != "" {
		return nil, PaperUsedError(pc)
	}
	y, m, day := pc.BlockAt.In(motcua.Location).Date()
	if at.Before(time.Date(y, m, day, 0, 0, 0, 0, motcua.Location)) {
		return nil, motcua.Invalid(ErrPaperDate, "at", "Biên nhận số %0*d được in ngày %s; thời điểm tiếp nhận %s trước ngày in",
			"receipt %0*d was printed on %s; the receipt time %s is before that", motcua.SeqDigits, code.Seq, pc.BlockAt.Format("02/01/2006"), motcua.FormatTime(at))
	}
	p, err := s.App.Procedure(r.ProcedureCode)
	if err != nil {
		return nil, err
	}
	ap := r.Applicant
	if strings.TrimSpace(r.CCCD) != "" {
		card, err := app.ApplicantFromCCCD(r.CCCD, s.now())
		if err != nil {
			return nil, err
		}
		card.Phone, card.Email = ap.Phone, ap.Email
		if ap.Address != "" {
			card.Address = ap.Address
		}
		ap = card
	}
	if err := app.ValidateApplicant(&ap, r.DOBText, s.now()); err != nil {
		return nil, err
	}
	if r.Channel == 0 {
		r.Channel = motcua.ChannelDirect
	}
	officer := motcua.Clean(r.Officer)
	if officer == "" {
		officer = actor(r.By.Username)
	}
	comps := r.Components
	if comps == nil {
		for _, c := range p.Components {
			comps = append(comps, motcua.Component{Name: c.Name, Original: c.Original, Certified: c.Certified, Copy: c.Copy})
		}
	}
	summary := motcua.Clean(r.Summary)
	if summary == "" {
		summary = p.Name
	}
	d := &motcua.Dossier{Code: code.String(), Procedure: motcua.ProcedureRef{Code: p.Code, Name: p.Name, Field: p.Field},
		Channel: r.Channel, Applicant: ap, Summary: summary, Components: comps, Fee: p.Fee, ReceivedAt: at,
		DueAt: s.App.DueFor(p, r.Channel, at), Status: motcua.StatusNew, Officer: officer, Station: id.Station.K}
	if err := d.Move(motcua.StatusReceived, "accept", officer, "", at); err != nil {
		return nil, err
	}
	d.History[0].Note = fmt.Sprintf("Tiếp nhận bằng biên nhận giấy số %0*d (tập %d); nhập vào máy lúc %s bởi %s",
		motcua.SeqDigits, code.Seq, pc.BlockID, motcua.FormatTime(now), actor(r.By.Username))
	a := app.AuditEntry{At: now, Actor: actor(r.By.Username), Action: "paper.backentry", Subject: d.Code,
		Detail: fmt.Sprintf("%s; tiếp nhận %s; %s", p.Code, motcua.FormatTime(at), MaskName(ap.Name))}
	if err := s.Store.BackEnter(ctx, d, id.Station, a); err != nil {
		return nil, err
	}
	return d, nil
}

// PaperUsedError is the error for a paper receipt entered twice.
func PaperUsedError(pc *PaperCode) error {
	return motcua.Errorf(motcua.KindConflict, ErrPaperUsed, "code",
		"Biên nhận giấy số %0*d đã được nhập lúc %s (hồ sơ %s, bởi %s); không nhập lại",
		"paper receipt %0*d was already entered at %s (dossier %s, by %s); not entered again",
		motcua.SeqDigits, pc.Seq, motcua.FormatTime(pc.EnteredAt), pc.DossierCode, pc.EnteredBy)
}

// PaperReceiptsPDF prints a block as blank receipts, two copies per A4
// sheet (liên 1 for the applicant, liên 2 kept for back-entry), after a
// cover sheet to record which numbers were used.
func (s *Service) PaperReceiptsPDF(ctx context.Context, w io.Writer, b *PaperBlock) error {
	idn, err := s.App.Identity(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	d := newDoc(fmt.Sprintf("Biên nhận giấy dự phòng — tập %d", b.ID),
		fmt.Sprintf("Tập biên nhận giấy số %d — máy %s — %s — in lúc %s", b.ID, b.Station, idn.AgencyName, vnTime(now)), false, now)
	d.officialHeader(idn.AgencyName, "Bộ phận Một cửa", placeOf(idn.AgencyName), now)
	d.title("Tập biên nhận giấy dự phòng")
	d.subtitle(fmt.Sprintf("Tập số %d — máy tiếp nhận %s — %d biên nhận, mỗi biên nhận 2 liên", b.ID, b.Station, len(b.Seqs)))
	d.para("Dùng khi máy tính tiếp nhận không sử dụng được (mất điện, hỏng máy). Mỗi số thứ tự dưới đây chỉ dành cho máy này và chỉ dùng một lần; phần mềm không bao giờ cấp các số này khi tiếp nhận trên máy. Khi dùng: ghi ngày tiếp nhận vào ô của mã hồ sơ (6 chữ số: năm, tháng, ngày — ví dụ 261124 là ngày 24/11/2026), ghi đủ các mục, giao liên 1 cho người nộp, giữ liên 2. Khi máy hoạt động lại: nhập từng liên 2 bằng «motcua paper enter» hoặc màn hình Biên nhận giấy, với đúng thời điểm tiếp nhận; ngày hẹn trả được tính theo lịch làm việc từ thời điểm đó.")
	var rows [][]string
	for _, seq := range b.Seqs {
		rows = append(rows, []string{fmt.Sprintf("%0*d", motcua.SeqDigits, seq), "", "", ""})
	}
	d.table([]column{{"Số thứ tự", 14, "C"}, {"Ngày dùng", 18, "L"}, {"Người nộp, thủ tục", 48, "L"}, {"Đã nhập vào máy", 20, "L"}}, rows, 11)
	for _, seq := range b.Seqs {
		d.pdf.AddPage()
		for copyNo := 1; copyNo <= 2; copyNo++ {
			s.drawReceipt(d, idn, b, seq, copyNo)
		}
	}
	return d.output(w)
}

// drawReceipt draws one copy in the top (copy 1) or bottom half of the page.
func (s *Service) drawReceipt(d *doc, idn app.Station, b *PaperBlock, seq, copyNo int) {
	half := (d.ph - d.top - d.bottom) / 2
	y0 := d.top + float64(copyNo-1)*half
	if copyNo == 2 {
		d.pdf.SetDashPattern([]float64{2, 1.5}, 0)
		d.pdf.SetLineWidth(0.2)
		d.pdf.Line(d.left-8, y0-2, d.pw-d.right+8, y0-2)
		d.pdf.SetDashPattern([]float64{}, 0)
	}
	d.pdf.SetXY(d.left, y0)
	d.officialHeader(idn.AgencyName, "Bộ phận Một cửa", placeOf(idn.AgencyName), time.Time{})
	d.font("B", 12)
	d.pdf.CellFormat(d.width(), d.lh(12), "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "", 2, "C", false, 0, "")
	d.font("I", 8.5)
	label := map[int]string{1: "Liên 1: giao người nộp hồ sơ", 2: "Liên 2: lưu tại Bộ phận Một cửa — nhập vào máy khi máy hoạt động lại"}[copyNo]
	d.pdf.CellFormat(d.width(), d.lh(8.5), printable("(Biên nhận giấy dự phòng — "+label+")"), "", 2, "C", false, 0, "")
	d.pdf.Ln(1.5)
	// The code: the agency printed, six boxes for yyMMdd, the number printed.
	y := d.pdf.GetY()
	d.font("", 10.5)
	d.pdf.SetXY(d.left, y+1)
	d.pdf.CellFormat(22, 8, "Mã hồ sơ:", "", 0, "L", false, 0, "")
	d.font("B", 13)
	prefix := idn.AgencyID + "-"
	pw := d.pdf.GetStringWidth(prefix)
	d.pdf.CellFormat(pw+1, 8, prefix, "", 0, "L", false, 0, "")
	x := d.pdf.GetX()
	box := 7.0
	d.pdf.SetLineWidth(0.35)
	for i := range 6 {
		d.pdf.Rect(x+float64(i)*box, y+0.5, box, 8, "D")
	}
	d.font("I", 6.5)
	for i, l := range []string{"năm", "", "tháng", "", "ngày", ""} {
		if l != "" {
			d.pdf.SetXY(x+float64(i)*box, y+8.7)
			d.pdf.CellFormat(2*box, 3, l, "", 0, "C", false, 0, "")
		}
	}
	d.pdf.SetXY(x+6*box+0.5, y+1)
	d.font("B", 13)
	d.pdf.CellFormat(30, 8, fmt.Sprintf("-%0*d", motcua.SeqDigits, seq), "", 0, "L", false, 0, "")
	d.pdf.SetXY(d.left, y+13)
	lines := []string{
		"Thời điểm tiếp nhận: ……… giờ ……… phút, ngày ……… / ……… / 20………",
		"Họ và tên người nộp: …………………………………………………………………………………………………",
		"Số định danh cá nhân / CCCD: ……………………………………  Điện thoại: ……………………………………",
		"Địa chỉ: ………………………………………………………………………………………………………………………",
		"Thủ tục hành chính: ………………………………………………………………………………………………………",
		"Giấy tờ đã nhận: ………………………………………………………………………………………………………………",
		"………………………………………………………………………………………………………………………………………",
		"Ngày hẹn trả kết quả (theo thời hạn của thủ tục): ……… / ……… / 20………",
	}
	d.font("", 10)
	for _, l := range lines {
		d.pdf.SetX(d.left)
		d.pdf.CellFormat(d.width(), 6.6, printable(l), "", 1, "L", false, 0, "")
	}
	d.font("I", 7.5)
	d.pdf.SetX(d.left)
	d.pdf.MultiCell(d.width(), d.lh(7.5), printable(fmt.Sprintf(
		"Số %0*d dành riêng cho máy %s, tập số %d in ngày %s; chỉ dùng một lần. Hồ sơ được nhập vào hệ thống khi máy hoạt động lại; thời hạn giải quyết tính từ thời điểm tiếp nhận ghi trên giấy này. Tra cứu bằng mã hồ sơ sau khi hồ sơ được nhập.",
		motcua.SeqDigits, seq, b.Station, b.ID, b.CreatedAt.Format("02/01/2006"))), "", "L", false)
	sy := d.pdf.GetY() + 1
	w := d.width() / 2
	for i, t := range []string{"NGƯỜI NỘP HỒ SƠ", "CÁN BỘ TIẾP NHẬN"} {
		d.pdf.SetXY(d.left+float64(i)*w, sy)
		d.font("B", 9.5)
		d.pdf.CellFormat(w, d.lh(9.5), t, "", 2, "C", false, 0, "")
		d.font("I", 8)
		d.pdf.CellFormat(w, d.lh(8), "(Ký, ghi rõ họ tên)", "", 2, "C", false, 0, "")
	}
}
