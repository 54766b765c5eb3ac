package refserver

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"motcua"
	"motcua/sync/province"
	"motcua/sync/tus"
)

// validate checks one HoSo and returns an error code and a message naming
// the field and the rule, in Vietnamese, or CodeOK.
func (s *Server) validate(ctx context.Context, h *province.HoSo, sender string) (string, string) {
	code, err := motcua.ParseDossierCode(h.MaHoSo)
	if err != nil {
		return province.CodeInvalid, "MaHoSo: " + motcua.ErrorMessage(err)
	}
	if !s.agencyServed(code.Agency) {
		return province.CodeAgency, fmt.Sprintf("MaHoSo: mã định danh «%s» không thuộc các đơn vị của hệ thống này", code.Agency)
	}
	if code.Agency != sender {
		return province.CodeAgency, fmt.Sprintf("MaHoSo: hồ sơ của đơn vị «%s» nhưng được gửi bởi «%s»", code.Agency, sender)
	}
	var errs []string
	add := func(f string, args ...any) { errs = append(errs, fmt.Sprintf(f, args...)) }
	required := func(field, v string) {
		if strings.TrimSpace(v) == "" {
			add("%s: bắt buộc", field)
		}
	}
	required("MaTTHC", h.MaTTHC)
	required("TenTTHC", h.TenTTHC)
	required("ChuHoSo", h.ChuHoSo)
	inRange := func(field, v string, lo, hi int, optional bool) int {
		if v == "" && optional {
			return 0
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			add("%s: «%s» không thuộc danh mục (%d–%d)", field, v, lo, hi)
			return 0
		}
		return n
	}
	inRange("KenhThucHien", h.KenhThucHien, 1, 3, false)
	st := motcua.Status(inRange("TrangThaiHoSo", h.TrangThaiHoSo, 1, 10, false))
	inRange("LoaiDoiTuong", h.LoaiDoiTuong, 1, 4, false)
	inRange("HinhThuc", h.HinhThuc, 0, 1, true)
	dates := map[string]string{}
	date := func(field, v string, req bool) {
		if v == "" {
			if req {
				add("%s: bắt buộc (yyyyMMddHHmmss)", field)
			}
			return
		}
		if _, err := province.ParseDate(v); err != nil {
			add("%s: %v", field, err)
			return
		}
		dates[field] = v
	}
	date("NgayTiepNhan", h.NgayTiepNhan, true)
	date("NgayHenTra", h.NgayHenTra, st != motcua.StatusNew && st != motcua.StatusRefused)
	date("NgayTra", h.NgayTra, st == motcua.StatusReturned)
	date("NgayKetThucXuLy", h.NgayKetThucXuLy, false)
	date("NgayNopHoSo", h.NgayNopHoSo, false)
	date("NgayTuChoi", h.NgayTuChoi, false)
	if a, b := dates["NgayTiepNhan"], dates["NgayHenTra"]; a != "" && b != "" && b < a {
		add("NgayHenTra: %s trước NgayTiepNhan %s", b, a)
	}
	if a, b := dates["NgayTiepNhan"], dates["NgayTra"]; a != "" && b != "" && b < a {
		add("NgayTra: %s trước NgayTiepNhan %s", b, a)
	}
	if h.Email != "" && !strings.Contains(h.Email, "@") {
		add("Email: «%s» không phải địa chỉ thư điện tử", h.Email)
	}
	if len(errs) > 0 {
		return province.CodeInvalid, strings.Join(errs, "; ")
	}
	for i, f := range h.TaiLieuNop {
		if f.DuocTaiSuDung != "" && f.DuocTaiSuDung != "0" && f.DuocTaiSuDung != "1" && f.DuocTaiSuDung != "2" {
			return province.CodeInvalid, fmt.Sprintf("TaiLieuNop[%d] «%s»: DuocTaiSuDung: «%s» không thuộc danh mục (0, 1, 2)",
				i, f.TenTepDinhKem, f.DuocTaiSuDung)
		}
		if c, msg := s.checkFile(ctx, f); c != province.CodeOK {
			return c, fmt.Sprintf("TaiLieuNop[%d] «%s»: %s", i, f.TenTepDinhKem, msg)
		}
	}
	for i, r := range h.DanhSachGiayToKetQua {
		if strings.TrimSpace(r.TenGiayTo) == "" {
			return province.CodeInvalid, fmt.Sprintf("DanhSachGiayToKetQua[%d]: TenGiayTo: bắt buộc", i)
		}
		if r.DuongDanTepTinKetQua == "" {
			continue // a paper result named without its file
		}
		f := province.TaiLieuNop{TenTepDinhKem: r.TenGiayTo, DuongDanTaiTepTin: r.DuongDanTepTinKetQua, SHA256: r.SHA256}
		if c, msg := s.checkFile(ctx, f); c != province.CodeOK {
			return c, fmt.Sprintf("DanhSachGiayToKetQua[%d] «%s»: DuongDanTepTinKetQua: %s", i, r.TenGiayTo, msg)
		}
	}
	return province.CodeOK, ""
}

// checkFile confirms an attachment on this server is complete and is the
// file the dossier names. Files elsewhere are taken on trust.
func (s *Server) checkFile(ctx context.Context, f province.TaiLieuNop) (string, string) {
	if strings.TrimSpace(f.TenTepDinhKem) == "" {
		return province.CodeInvalid, "TenTepDinhKem: bắt buộc"
	}
	if f.IsDeleted != "" && f.IsDeleted != "0" && f.IsDeleted != "1" {
		return province.CodeInvalid, fmt.Sprintf("IsDeleted: «%s» phải là 0 hoặc 1", f.IsDeleted)
	}
	if f.IsDeleted == "1" || f.DuongDanTaiTepTin == "" {
		return province.CodeOK, ""
	}
	u, err := url.Parse(f.DuongDanTaiTepTin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return province.CodeInvalid, fmt.Sprintf("DuongDanTaiTepTin: «%s» không phải địa chỉ http(s)", f.DuongDanTaiTepTin)
	}
	id, ok := strings.CutPrefix(u.Path, "/files/")
	if !ok {
		return province.CodeOK, ""
	}
	info, err := s.files.Info(ctx, id)
	switch {
	case errors.Is(err, tus.ErrNotFound):
		return province.CodeAttachment, "tệp chưa được tải lên máy chủ tỉnh"
	case err != nil:
		return province.CodeInternal, err.Error()
	case !info.Done():
		return province.CodeAttachment, fmt.Sprintf("tệp mới nhận %d/%d byte", info.Offset, info.Length)
	case f.SHA256 != "" && !strings.EqualFold(f.SHA256, info.SHA256):
		return province.CodeAttachment, fmt.Sprintf("SHA-256 của tệp đã nhận (%s) khác hồ sơ ghi (%s)", info.SHA256, f.SHA256)
	}
	return province.CodeOK, ""
}

func validateStep(st province.QuaTrinhXuLy) string {
	if _, err := motcua.ParseDossierCode(st.MaHoSo); err != nil {
		return "MaHoSo: " + motcua.ErrorMessage(err)
	}
	if _, err := province.ParseDate(st.ThoiDiemXuLy); err != nil {
		return "ThoiDiemXuLy: " + err.Error()
	}
	if n, err := strconv.Atoi(st.TrangThai); err != nil || !motcua.Status(n).Valid() {
		return fmt.Sprintf("TrangThai: «%s» không thuộc danh mục (1–10)", st.TrangThai)
	}
	if utf8.RuneCountInString(st.NguoiXuLy) > province.MaxStepNameRunes {
		return fmt.Sprintf("NguoiXuLy: dài quá %d ký tự", province.MaxStepNameRunes)
	}
	if strings.TrimSpace(st.NoiDungXuLy) == "" {
		return "NoiDungXuLy: bắt buộc"
	}
	return ""
}
