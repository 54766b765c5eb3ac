package forms

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"motcua"
	"motcua/assets"
)

// SlipInput is what the villager's slip of a prepared dossier (field
// mode) says: who prepared what, what to bring, where to go, until when.
type SlipInput struct {
	AgencyName string // the commune the villager goes to
	Ref        string // the pre-dossier reference (the QR's code)
	Applicant  string // the villager's name
	Procedure  string // the procedure's name
	Bring      []string
	Team       string // team member who prepared it
	Prepared   time.Time
	Expires    time.Time
	QRText     string // the signed slip QR (qrsign kind CB)
}

// RenderSlip writes the slip as a one-page A5 PDF: the signed QR in the
// upper-left corner with the reference under it, the villager's name and
// the procedure, the originals to bring, the counter to go to and the
// date after which the slip no longer works.
func RenderSlip(w io.Writer, in SlipInput) error {
	if in.QRText == "" || in.Ref == "" || in.Expires.IsZero() {
		return errors.New("forms: the slip needs its QR, reference and expiry")
	}
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A5"})
	pdf.AddUTF8FontFromBytes(family, "", assets.NotoSerifRegular)
	pdf.AddUTF8FontFromBytes(family, "B", assets.NotoSerifBold)
	pdf.SetCreationDate(in.Prepared)
	pdf.SetModificationDate(in.Prepared)
	pdf.SetCreator("Một Cửa", true)
	pdf.SetTitle("Phiếu hẹn hồ sơ chuẩn bị trước "+in.Ref, true)
	pdf.SetLang("vi-VN")
	pdf.SetMargins(12, 12, 12)
	pdf.SetAutoPageBreak(true, 12)
	pdf.AddPage()
	r := &renderer{pdf: pdf}
	const qrSize = 30.0
	if err := r.qr(in.QRText, 12, 12, qrSize); err != nil {
		return err
	}
	pdf.SetFont(family, "", 7)
	pdf.SetXY(12, 12+qrSize+1)
	pdf.CellFormat(qrSize+20, 4, in.Ref, "", 0, "L", false, 0, "")
	pdf.SetXY(12+qrSize+6, 12)
	pdf.SetFont(family, "B", 11)
	pdf.MultiCell(0, 5.5, strings.ToUpper(in.AgencyName), "", "C", false)
	pdf.SetX(12 + qrSize + 6)
	pdf.SetFont(family, "", 9)
	pdf.MultiCell(0, 5, "Bộ phận Một cửa — Tổ công nghệ số cộng đồng", "", "C", false)
	pdf.SetXY(12, 12+qrSize+8)
	pdf.SetFont(family, "B", 14)
	pdf.CellFormat(0, 8, "PHIẾU HẸN NỘP HỒ SƠ ĐÃ CHUẨN BỊ", "", 1, "C", false, 0, "")
	pdf.SetFont(family, "", 10.5)
	line := func(label, v string) {
		pdf.SetFont(family, "B", 10.5)
		pdf.CellFormat(38, 6, label, "", 0, "L", false, 0, "")
		pdf.SetFont(family, "", 10.5)
		pdf.MultiCell(0, 6, v, "", "L", false)
	}
	line("Người dân:", in.Applicant)
	line("Thủ tục:", in.Procedure)
	line("Mã tham chiếu:", in.Ref)
	line("Chuẩn bị lúc:", in.Prepared.In(motcua.Location).Format("15:04 ngày 02/01/2006")+" — "+in.Team)
	line("Nộp trước:", in.Expires.In(motcua.Location).Format("15:04 ngày 02/01/2006"))
	pdf.Ln(2)
	pdf.SetFont(family, "B", 10.5)
	pdf.CellFormat(0, 6, "Mang theo bản chính để đối chiếu:", "", 1, "L", false, 0, "")
	pdf.SetFont(family, "", 10)
	for i, b := range in.Bring {
		pdf.MultiCell(0, 5.5, fmt.Sprintf("%d. %s", i+1, b), "", "L", false)
	}
	pdf.Ln(3)
	pdf.SetFont(family, "", 9.5)
	pdf.MultiCell(0, 5, "Đến Bộ phận Một cửa của "+in.AgencyName+" và đưa phiếu này cho cán bộ: "+
		"cán bộ quét mã QR, hồ sơ và các tài liệu đã chụp hiện ra ngay, không phải khai lại. "+
		"Hồ sơ chỉ được tiếp nhận chính thức và cấp mã hồ sơ tại quầy. "+
		"Sau ngày ghi ở «Nộp trước», dữ liệu chuẩn bị được xóa theo quy định bảo vệ dữ liệu cá nhân.", "", "L", false)
	return pdf.Output(w)
}
