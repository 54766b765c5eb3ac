package province

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"motcua"
)

// File is an attachment of a dossier that is already uploaded: it becomes
// one TaiLieuNop row.
type File struct {
	ID        string // TepDinhKemId: stable, e.g. the content hash
	Name      string // TenTepDinhKem
	Component string // MaThanhPhanHoSo
	URL       string // DuongDanTaiTepTin: where the province fetches it
	SHA256    string // hex
	Deleted   bool
	// Result: the dossier's result document, sent in DanhSachGiayToKetQua
	// (Component is the result's name, e.g. "Giấy khai sinh") instead of
	// TaiLieuNop.
	Result bool
	// Reused: taken from the citizen's store, not scanned for this dossier
	// (TaiLieuNop.DuocTaiSuDung = 1).
	Reused bool
}

// Profile holds what the mapping needs beyond the dossier itself: names of
// the receiving unit and an optional field-code lookup.
type Profile struct {
	AgencyName string // DonViXuLy, e.g. "UBND xã Quảng Phú"
	Department string // PhongBanXuLy; default "Bộ phận Một cửa"
	Title      string // ChucDanh of counter officers; default "Cán bộ tiếp nhận"
	// FieldCode returns MaLinhVuc for the procedure's field name, or ""
	// when unknown. Nil means unknown for every field.
	FieldCode func(field string) string
}

// HoSo maps a dossier and its uploaded files to the wire record. It is a
// pure function: the same dossier gives the same record, byte for byte.
func (p Profile) HoSo(d *motcua.Dossier, files []File) HoSo {
	h := HoSo{
		MaHoSo:          d.Code,
		MaTTHC:          d.Procedure.Code,
		TenTTHC:         d.Procedure.Name,
		TenLinhVuc:      d.Procedure.Field,
		KenhThucHien:    strconv.Itoa(int(d.Channel)),
		SoGiayToChuHoSo: d.Applicant.IDNumber,
		ChuHoSo:         d.Applicant.Name,
		LoaiDoiTuong:    strconv.Itoa(int(subject(d.Applicant.SubjectType))),
		MaDoiTuong:      d.Applicant.IDNumber,
		ThongTinLienHe:  d.Applicant.Address,
		Email:           d.Applicant.Email,
		SoDienThoai:     d.Applicant.Phone,
		TrichYeuHoSo:    d.Summary,
		NgayTiepNhan:    FormatDate(d.ReceivedAt),
		NgayNopHoSo:     FormatDate(d.ReceivedAt),
		NgayHenTra:      FormatDate(d.DueAt),
		TrangThaiHoSo:   strconv.Itoa(int(d.Status)),
		NgayTra:         FormatDate(d.ReturnedAt),
		HinhThuc:        "0",
		DonViXuLy:       p.AgencyName,
		PhienBan:        len(d.History),

		TaiLieuNop:             []TaiLieuNop{},
		DanhSachLePhi:          []LePhi{},
		DanhSachTepDinhKemKhac: []TepDinhKem{},
		DanhSachHoSoBoSung:     []HoSoBoSung{},
		DanhSachGiayToKetQua:   []GiayToKetQua{},
	}
	if p.FieldCode != nil {
		h.MaLinhVuc = p.FieldCode(d.Procedure.Field)
	}
	if h.TrichYeuHoSo == "" {
		h.TrichYeuHoSo = d.Procedure.Name
	}
	if d.Channel == motcua.ChannelPostal {
		h.HinhThuc = "1" // the result goes back by post
	}
	if id := d.Applicant.IDNumber; id != "" {
		kind := "1"
		if len(id) == 9 {
			kind = "2"
		}
		h.DinhDanhCHS = []DinhDanh{{LoaiDinhDanh: kind, SoDinhDanh: id}}
	}
	for _, e := range d.History {
		switch e.To {
		case motcua.StatusDone, motcua.StatusRefused, motcua.StatusWithdrawn, motcua.StatusStopped:
			if e.From != e.To {
				h.NgayKetThucXuLy = FormatDate(e.At) // processing ended here
			}
		}
		if e.To == motcua.StatusRefused && e.From != e.To {
			h.NgayTuChoi = FormatDate(e.At)
		}
		if e.Action == "return" || e.To == motcua.StatusReturned {
			h.ThongTinTra = firstNonEmpty(e.Note, e.Reason)
		}
	}
	if r := lastReason(d); r != "" {
		h.GhiChu = r
	}
	if d.Fee > 0 {
		h.DanhSachLePhi = append(h.DanhSachLePhi, LePhi{TenPhiLePhi: "Lệ phí " + d.Procedure.Name,
			HinhThucThu: "1", Gia: strconv.FormatInt(d.Fee, 10), LoaiPhiLePhi: "2"})
	}
	for _, c := range d.Components {
		for _, k := range []struct {
			n    int
			kind string
		}{{c.Original, "1"}, {c.Certified, "2"}, {c.Copy, "3"}} {
			if k.n > 0 {
				h.DanhSachTepDinhKemKhac = append(h.DanhSachTepDinhKemKhac,
					TepDinhKem{TenGiayTo: c.Name, SoLuong: strconv.Itoa(k.n), LoaiGiayTo: k.kind})
			}
		}
	}
	h.DanhSachHoSoBoSung = supplements(d)
	inputs := 0
	for _, f := range files {
		if f.Result {
			if !f.Deleted {
				h.DanhSachGiayToKetQua = append(h.DanhSachGiayToKetQua, GiayToKetQua{TenGiayTo: firstNonEmpty(f.Component, f.Name),
					MaThanhPhanHoSo: f.Component, GiayToId: f.ID, DuongDanTepTinKetQua: f.URL,
					MaGiayToKetQua: fmt.Sprintf("%s-KQ%d", d.Code, len(h.DanhSachGiayToKetQua)+1), SHA256: f.SHA256})
			}
			continue
		}
		inputs++
		del := "0"
		if f.Deleted {
			del = "1"
		}
		t := TaiLieuNop{TepDinhKemId: f.ID, TenTepDinhKem: f.Name, IsDeleted: del,
			MaThanhPhanHoSo: f.Component, DuongDanTaiTepTin: f.URL, DuocSoHoa: "1", SHA256: f.SHA256}
		if f.Reused {
			t.DuocTaiSuDung = "1"
		}
		h.TaiLieuNop = append(h.TaiLieuNop, t)
	}
	if inputs > 0 {
		h.HoSoCoThanhPhanSoHoa = "1"
	}
	return h
}

// subject defaults an unset applicant type to citizen.
func subject(s motcua.SubjectType) motcua.SubjectType {
	if s < motcua.SubjectCitizen || s > motcua.SubjectOrganisation {
		return motcua.SubjectCitizen
	}
	return s
}

func lastReason(d *motcua.Dossier) string {
	for i := len(d.History) - 1; i >= 0; i-- {
		if r := d.History[i].Reason; r != "" {
			return r
		}
	}
	return ""
}

// supplements lists the supplement requests of the history: each move to
// 5, closed by the next move back to 2 (the documents arrived).
func supplements(d *motcua.Dossier) []HoSoBoSung {
	var out []HoSoBoSung
	var missing []string
	for _, c := range d.Components {
		if c.Missing {
			missing = append(missing, c.Name)
		}
	}
	for _, e := range d.History {
		switch {
		case e.To == motcua.StatusSupplement && e.From != e.To:
			out = append(out, HoSoBoSung{
				HoSoBoSungId:         fmt.Sprintf("%s-BS%d", d.Code, len(out)+1),
				NguoiYeuCauBoSung:    e.Actor,
				NoiDungBoSung:        e.Reason,
				NgayBoSung:           FormatDate(e.At),
				TrangThaiBoSung:      "1",
				DanhSachGiayToBoSung: append([]string{}, missing...),
				DanhSachLePhiBoSung:  []LePhi{},
			})
		case e.From == motcua.StatusSupplement && e.To == motcua.StatusReceived && len(out) > 0:
			last := &out[len(out)-1]
			last.TrangThaiBoSung = "2"
			last.NguoiTiepNhanBoSung = e.Actor
			last.NgayTiepNhanBoSung = FormatDate(e.At)
			last.ThongTinTiepNhan = firstNonEmpty(e.Note, e.Reason)
		}
	}
	if out == nil {
		out = []HoSoBoSung{}
	}
	return out
}

// Steps maps the dossier history to processing steps, oldest first. Every
// step is derived from one history entry only, so re-sending the history
// re-sends identical steps (the server de-duplicates them).
func (p Profile) Steps(d *motcua.Dossier) []QuaTrinhXuLy {
	dept := firstNonEmpty(p.Department, "Bộ phận Một cửa")
	title := firstNonEmpty(p.Title, "Cán bộ tiếp nhận")
	out := make([]QuaTrinhXuLy, 0, len(d.History))
	for _, e := range d.History {
		content := actionName(e)
		if e.Reason != "" {
			content += ": " + e.Reason
		}
		if e.Note != "" {
			content += " (" + e.Note + ")"
		}
		out = append(out, QuaTrinhXuLy{
			MaHoSo:                 d.Code,
			NguoiXuLy:              truncateRunes(e.Actor, MaxStepNameRunes),
			ChucDanh:               title,
			ThoiDiemXuLy:           FormatDate(e.At),
			PhongBanXuLy:           dept,
			NoiDungXuLy:            content,
			TrangThai:              strconv.Itoa(int(e.To)),
			NgayBatDau:             FormatDate(e.At),
			NgayKetThucTheoQuyDinh: FormatDate(d.DueAt),
		})
	}
	return out
}

func actionName(e motcua.HistoryEntry) string {
	switch e.Action {
	case "accept":
		return "Tiếp nhận hồ sơ"
	case "refuse":
		return "Từ chối tiếp nhận hồ sơ"
	case "supplement":
		return "Yêu cầu bổ sung, hoàn thiện hồ sơ"
	case "extend":
		return "Xin lỗi và hẹn lại ngày trả kết quả"
	case "return":
		return "Trả kết quả"
	case "sync":
		return "Cập nhật từ hệ thống một cửa tỉnh"
	}
	return "Chuyển trạng thái: " + e.To.Name()
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n]))
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
