package corpus

import (
	"fmt"
	"math/rand/v2"
	"time"

	"motcua"
	"motcua/scanning/qrsign"
)

// Payload kinds, in the order single-code pages cycle through them.
var kinds = []string{"mc1", "cccd", "mc1-url", "url", "mc1-result"}

var (
	procedures = []string{"1.001193", "2.000815", "1.001612", "2.000908", "1.004227", "1.003583"}
	surnames   = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"}
	middles    = []string{"Thị", "Văn", "Đức", "Ngọc", "Minh", "Quốc", "Thị Ánh", "Hữu", "Thanh"}
	givens     = []string{"Tuyết", "Bình", "Hưng", "Hằng", "Đức", "Thắng", "Lộc", "Phượng", "Dũng", "Yến", "Khải", "Nguyệt"}
	places     = []string{
		"Thôn Đông Hưng, xã Quảng Phú, tỉnh Thanh Hóa",
		"Số 12 ngõ 34 phố Hàng Bạc, phường Hoàn Kiếm, TP. Hà Nội",
		"Ấp Mỹ Phước, xã Tân Hòa, tỉnh Đồng Tháp",
		"Tổ dân phố 5, phường Trường Thi, tỉnh Nghệ An",
		"Khối phố Phước Trạch, phường Hội An, TP. Đà Nẵng",
	}
	results = []string{"Giấy khai sinh bản chính", "Trích lục kết hôn", "Giấy xác nhận tình trạng hôn nhân", "Bản sao chứng thực từ bản chính"}
)

// payload makes the text of one QR code of the given kind.
func (g *Generator) payload(kind string, r *rand.Rand) (string, error) {
	day := 1 + r.IntN(28)
	issued := time.Date(2026, time.Month(1+r.IntN(12)), day, 7+r.IntN(10), r.IntN(60), 0, 0, motcua.Location)
	p := qrsign.Payload{
		Doc:       qrsign.DocReceipt,
		Code:      fmt.Sprintf("000.00.%02d.H56-%s-%04d", 1+r.IntN(30), issued.Format("060102"), 1+r.IntN(400)),
		Procedure: procedures[r.IntN(len(procedures))],
		Applicant: fmt.Sprintf("0%02d%d%02d%06d", 1+r.IntN(96), r.IntN(4), r.IntN(100), r.IntN(1000000)),
		System:    "MotCua",
		Issued:    issued,
		Due:       issued.AddDate(0, 0, 3+r.IntN(10)),
	}
	switch kind {
	case "mc1":
		return qrsign.Sign(p, g.priv)
	case "mc1-url":
		return qrsign.SignURL(p, g.priv, "https://dichvucong.thanhhoa.gov.vn/tra-cuu?mahs={code}")
	case "mc1-result":
		p.Doc = results[r.IntN(len(results))]
		p.Due = time.Time{}
		p.Validity = "Có giá trị sử dụng trên toàn quốc"
		return qrsign.Sign(p, g.priv)
	case "cccd":
		name := surnames[r.IntN(len(surnames))] + " " + middles[r.IntN(len(middles))] + " " + givens[r.IntN(len(givens))]
		gender := []string{"Nam", "Nữ"}[r.IntN(2)]
		old := ""
		if r.IntN(2) == 0 {
			old = fmt.Sprintf("%09d", r.IntN(1000000000))
		}
		return fmt.Sprintf("%s|%s|%s|%02d%02d%d|%s|%s|%02d%02d%d", p.Applicant, old, name,
			1+r.IntN(28), 1+r.IntN(12), 1950+r.IntN(55), gender, places[r.IntN(len(places))],
			1+r.IntN(28), 1+r.IntN(12), 2021+r.IntN(5)), nil
	default:
		return fmt.Sprintf("https://dichvucong.gov.vn/p/home/dvc-tra-cuu-ho-so.html?mahs=%s", p.Code), nil
	}
}
