package forms_test

import (
	"crypto/ed25519"
	"testing"
	"time"

	"motcua"
	"motcua/app/forms"
	"motcua/scanning/qrsign"
)

var vn = motcua.Location

// sampleDossier is a birth registration received at a commune counter,
// processed, extended once and returned, with diacritics everywhere.
func sampleDossier() *motcua.Dossier {
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, vn) }
	return &motcua.Dossier{
		Code:      "000.00.06.H56-261124-0007",
		Procedure: motcua.ProcedureRef{Code: "1.001193", Name: "Đăng ký khai sinh kết hợp nhận cha, mẹ, con", Field: "Hộ tịch"},
		Channel:   motcua.ChannelDirect,
		Applicant: motcua.Applicant{
			Name: "Nguyễn Thị Ánh Tuyết", IDNumber: "038190012345", DOB: "1990-03-15", Gender: "Nữ",
			Address: "Thôn Đông Hưng, xã Quảng Phú, tỉnh Thanh Hóa", Phone: "0912345678", Email: "anhtuyet.nguyen@example.vn",
			SubjectType: motcua.SubjectCitizen,
		},
		Summary: "Đăng ký khai sinh cho cháu Lê Quốc Hưng",
		Components: []motcua.Component{
			{Name: "Tờ khai đăng ký khai sinh kết hợp nhận cha, mẹ, con (theo mẫu)", Original: 1},
			{Name: "Giấy chứng sinh do cơ sở y tế cấp", Original: 1},
			{Name: "Chứng cứ chứng minh quan hệ cha, mẹ, con (văn bản kết luận giám định ADN)", Original: 1, Certified: 1},
			{Name: "Giấy tờ tùy thân của người đi đăng ký (CCCD)", Copy: 1},
			{Name: "Văn bản ủy quyền có chứng thực", Missing: true},
			{Name: "văn bản ủy quyền có chứng thực", Missing: true},
			{Name: "Giấy xác nhận tình trạng hôn nhân của người mẹ", Missing: true},
		},
		Fee:        0,
		ReceivedAt: at(24, 8, 35),
		DueAt:      at(27, 16, 30),
		Status:     motcua.StatusReturned,
		Officer:    "Lê Văn Đức",
		Station:    1,
		Extended:   true,
		ReturnedAt: at(28, 9, 10),
		History: []motcua.HistoryEntry{
			{At: at(24, 8, 35), Actor: "Lê Văn Đức", Action: "accept", From: 1, To: 2},
			{At: at(24, 10, 5), Actor: "Lê Văn Đức", Action: "advance", From: 2, To: 4},
			{At: at(26, 15, 0), Actor: "Phạm Thị Hằng", Action: "extend", From: 4, To: 4, Reason: "Phải xác minh thông tin nơi cư trú của người mẹ tại xã khác",
				Note: "Hẹn lại: 2026-11-26T16:30:00+07:00 → 2026-11-27T16:30:00+07:00"},
			{At: at(27, 11, 20), Actor: "Phạm Thị Hằng", Action: "advance", From: 4, To: 9},
			{At: at(28, 9, 10), Actor: "Lê Văn Đức", Action: "return", From: 9, To: 10},
		},
	}
}

type station struct {
	pub  ed25519.PublicKey
	priv ed25519.PrivateKey
	ring *qrsign.Keyring
}

// newStation has a fixed key, so that the forms (and the review images in
// testdata) come out the same on every run.
func newStation(t testing.TB) station {
	t.Helper()
	priv := ed25519.NewKeyFromSeed([]byte("motcua-test-station-1-of-2-seed!"))
	pub := priv.Public().(ed25519.PublicKey)
	ring := &qrsign.Keyring{}
	if _, err := ring.Add(pub, "1/2", "Quầy 1"); err != nil {
		t.Fatal(err)
	}
	return station{pub, priv, ring}
}

// input fills a form the way the counter app does, with a signed QR.
func (s station) input(t testing.TB, f *forms.Form, d *motcua.Dossier) forms.Input {
	t.Helper()
	now := time.Date(2026, 11, 26, 15, 5, 0, 0, vn)
	qr, err := qrsign.Sign(forms.QRPayload(f, d, "MOTCUA", now), s.priv)
	if err != nil {
		t.Fatal(err)
	}
	return forms.Input{
		Dossier: d, AgencyName: "UBND xã Quảng Phú", Place: "Quảng Phú", Officer: "Lê Văn Đức",
		Reason:         map[forms.Kind]string{forms.KindSupplement: "Hồ sơ thiếu giấy tờ theo quy định tại Điều 15 Luật Hộ tịch", forms.KindRefusal: "Thủ tục không thuộc thẩm quyền giải quyết của Ủy ban nhân dân cấp xã", forms.KindStop: "Người yêu cầu đề nghị dừng giải quyết để bổ sung chứng cứ mới"}[f.Kind],
		ItemReasons:    map[string]string{"Văn bản ủy quyền có chứng thực": "Bản chính hoặc bản sao có chứng thực; ghi rõ phạm vi ủy quyền"},
		ProcessingDays: 3, QRText: qr, Now: now, Book: "01/2026", Entry: "0357",
		FeeMethod: "Miễn lệ phí đăng ký khai sinh đúng hạn", Contact: "công chức Tư pháp – Hộ tịch Phạm Thị Hằng, điện thoại 0237 3861 234",
		Signer: "Trịnh Văn Thắng", SignerTitle: "CHỦ TỊCH", HandlingUnit: "Công chức Tư pháp – Hộ tịch",
	}
}

// manyDossiers is a month of varied dossiers for the ledger.
func manyDossiers() []*motcua.Dossier {
	names := []string{"Nguyễn Thị Ánh Tuyết", "Trần Văn Bình", "Lê Hoàng Yến", "Phạm Quốc Việt", "Đỗ Thị Hương Giang", "Hoàng Đức Mạnh", "Vũ Thị Ngọc Ánh", "Bùi Xuân Trường"}
	procs := []motcua.ProcedureRef{
		{Code: "1.001193", Name: "Đăng ký khai sinh", Field: "Hộ tịch"},
		{Code: "1.000656", Name: "Đăng ký kết hôn", Field: "Hộ tịch"},
		{Code: "2.000908", Name: "Chứng thực bản sao từ bản chính giấy tờ, văn bản", Field: "Chứng thực"},
		{Code: "1.004227", Name: "Đăng ký khai tử", Field: "Hộ tịch"},
	}
	var out []*motcua.Dossier
	for i := range 30 {
		d := sampleDossier()
		rec := time.Date(2026, 11, 2+i/2, 8+i%8, 5*i%60, 0, 0, vn)
		d.Code = motcua.DossierCode{Agency: "000.00.06.H56", Day: rec, Seq: 1 + i%2*2}.String()
		d.Applicant.Name = names[i%len(names)]
		d.Procedure = procs[i%len(procs)]
		d.ReceivedAt, d.DueAt = rec, rec.AddDate(0, 0, 3)
		d.Extended, d.ReturnedAt = false, time.Time{}
		d.Applicant.Address = []string{"Thôn Đông Hưng, xã Quảng Phú", "Thôn Trung, xã Quảng Phú", "Số 12 đường Lê Lợi, xã Quảng Phú"}[i%3]
		d.History = []motcua.HistoryEntry{
			{At: rec, Actor: "Lê Văn Đức", Action: "accept", From: 1, To: 2},
			{At: rec.Add(2 * time.Hour), Actor: "Lê Văn Đức", Action: "advance", From: 2, To: 4},
		}
		d.Status = []motcua.Status{motcua.StatusReturned, motcua.StatusProcessing, motcua.StatusDone}[i%3]
		if d.Status != motcua.StatusProcessing {
			d.History = append(d.History, motcua.HistoryEntry{At: rec.AddDate(0, 0, 2), Actor: "Phạm Thị Hằng", Action: "advance", From: 4, To: 9})
		}
		if d.Status == motcua.StatusReturned {
			d.ReturnedAt = rec.AddDate(0, 0, 3)
			d.History = append(d.History, motcua.HistoryEntry{At: d.ReturnedAt, Actor: "Lê Văn Đức", Action: "return", From: 9, To: 10})
		}
		out = append(out, d)
	}
	return out
}
