package province

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"motcua"
)

// Service names of the dossier-sync envelope (DOMAIN.md §3.1).
const (
	ServiceSync     = "DongBoHoSoMC"        // create or update dossiers
	ServiceProgress = "CapNhatTienDoHoSoMC" // processing steps
	ServiceLookup   = "TraCuuHoSo"          // look one dossier up
	// ServiceChanges is the cursor-based change feed for status pull-back.
	// It is not part of the national envelope: the reference server offers
	// it, another province's adapter maps it to whatever that system has.
	ServiceChanges = "LayDanhSachThayDoi"
)

// Error codes carried in error_code. "00" is the only success; the others
// are the reference server's, and the client classifies them (see Class).
const (
	CodeOK            = "00"
	CodeBadLogin      = "01" // wrong username or password
	CodeSession       = "02" // session missing, unknown or expired: log in again
	CodeInvalid       = "03" // a field failed validation: fix the data
	CodeNotFound      = "04" // no such dossier
	CodeExists        = "05" // created before under another message: send as an update
	CodeAttachment    = "06" // a referenced attachment is missing or incomplete: upload again
	CodeAgency        = "07" // the agency is not served by this system
	CodeBadRequest    = "98" // malformed envelope, unknown service
	CodeInternal      = "99" // server failure: try again later
	DateLayout        = "20060102150405"
	MaxStepNameRunes  = 50 // NguoiXuLy is at most 50 characters in Thanh Hóa
	ProgressChunkSize = 10 // Thanh Hóa sends steps in chunks of ten
)

// Bool is the "True"/"False" string the envelope uses for isUpdating.
type Bool string

const (
	True  Bool = "True"
	False Bool = "False"
)

// Envelope is the body of every integration call.
type Envelope struct {
	Session    string `json:"session"`
	Agency     string `json:"madonvi"`
	Service    string `json:"service"`
	IsUpdating Bool   `json:"isUpdating,omitempty"`
	Data       any    `json:"data,omitempty"`   // []HoSo or []QuaTrinhXuLy
	Code       string `json:"mahoso,omitempty"` // TraCuuHoSo
	Cursor     string `json:"cursor,omitempty"` // LayDanhSachThayDoi
	Limit      int    `json:"limit,omitempty"`  // LayDanhSachThayDoi
}

// RawEnvelope is the envelope as decoded by a server: data stays raw until
// the service is known.
type RawEnvelope struct {
	Session    string          `json:"session"`
	Agency     string          `json:"madonvi"`
	Service    string          `json:"service"`
	IsUpdating Bool            `json:"isUpdating,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	Code       string          `json:"mahoso,omitempty"`
	Cursor     string          `json:"cursor,omitempty"`
	Limit      int             `json:"limit,omitempty"`
}

// Response is the reply to every call: error_code "00" on success, a
// message otherwise. Services fill the fields that concern them.
type Response struct {
	ErrorCode string       `json:"error_code"`
	Message   string       `json:"message,omitempty"`
	Results   []ItemResult `json:"ketqua,omitempty"` // DongBoHoSoMC: one per item, in order
	Dossier   *HoSo        `json:"result,omitempty"` // TraCuuHoSo
	Changes   []Change     `json:"thaydoi,omitempty"`
	Cursor    string       `json:"cursor,omitempty"`
	More      bool         `json:"more,omitempty"`
}

// ItemResult is the outcome of one dossier of a DongBoHoSoMC batch.
type ItemResult struct {
	Code      string `json:"MaHoSo"`
	Key       string `json:"MaGoiTin,omitempty"`
	ErrorCode string `json:"error_code"`
	Message   string `json:"message,omitempty"`
	Duplicate bool   `json:"trung_lap,omitempty"` // already received: acknowledged without storing again
}

// AuthRequest and AuthResponse are the login exchange.
type AuthRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type AuthResponse struct {
	Session   string `json:"session"`
	ExpiresAt string `json:"expires_at,omitempty"` // yyyyMMddHHmmss
	ErrorCode string `json:"error_code"`
	Message   string `json:"message,omitempty"`
}

// Health is the reply of the probe endpoint (GET /health?nonce=…): a
// captive portal or proxy cannot echo the nonce.
type Health struct {
	Service   string `json:"service"`
	Nonce     string `json:"nonce"`
	ErrorCode string `json:"error_code"`
	Time      string `json:"time"`
}

// HealthService is the service name the reference server puts in Health.
const HealthService = "motcua-province"

// HoSo is one dossier as the provincial and national systems exchange it
// (DOMAIN.md §3.2). Codes and dates are strings, as on the wire.
type HoSo struct {
	MaHoSo                      string         `json:"MaHoSo"`
	MaTTHC                      string         `json:"MaTTHC"`
	TenTTHC                     string         `json:"TenTTHC"`
	MaLinhVuc                   string         `json:"MaLinhVuc"`
	TenLinhVuc                  string         `json:"TenLinhVuc"`
	KenhThucHien                string         `json:"KenhThucHien"`
	SoGiayToChuHoSo             string         `json:"SoGiayToChuHoSo,omitempty"`
	ChuHoSo                     string         `json:"ChuHoSo"`
	LoaiDoiTuong                string         `json:"LoaiDoiTuong"`
	MaDoiTuong                  string         `json:"MaDoiTuong"`
	ThongTinLienHe              string         `json:"ThongTinLienHe,omitempty"`
	ThongTinKhac                string         `json:"ThongTinKhac,omitempty"`
	Email                       string         `json:"Email"`
	Fax                         string         `json:"Fax"`
	SoDienThoai                 string         `json:"SoDienThoai"`
	TrichYeuHoSo                string         `json:"TrichYeuHoSo"`
	NgayTiepNhan                string         `json:"NgayTiepNhan"`
	NgayHenTra                  string         `json:"NgayHenTra"`
	TrangThaiHoSo               string         `json:"TrangThaiHoSo"`
	NgayTra                     string         `json:"NgayTra"`
	ThongTinTra                 string         `json:"ThongTinTra"`
	HinhThuc                    string         `json:"HinhThuc"`
	NgayKetThucXuLy             string         `json:"NgayKetThucXuLy"`
	DonViXuLy                   string         `json:"DonViXuLy"`
	GhiChu                      string         `json:"GhiChu"`
	NgayNopHoSo                 string         `json:"NgayNopHoSo,omitempty"`
	NgayTuChoi                  string         `json:"NgayTuChoi,omitempty"`
	HoSoCoThanhPhanSoHoa        string         `json:"HoSoCoThanhPhanSoHoa,omitempty"`
	TaiKhoanDuocXacThucVoiVNeID string         `json:"TaiKhoanDuocXacThucVoiVNeID,omitempty"`
	DuocThanhToanTrucTuyen      string         `json:"DuocThanhToanTrucTuyen,omitempty"`
	TaiLieuNop                  []TaiLieuNop   `json:"TaiLieuNop"`
	DanhSachLePhi               []LePhi        `json:"DanhSachLePhi"`
	DanhSachTepDinhKemKhac      []TepDinhKem   `json:"DanhSachTepDinhKemKhac"`
	DanhSachHoSoBoSung          []HoSoBoSung   `json:"DanhSachHoSoBoSung"`
	DanhSachGiayToKetQua        []GiayToKetQua `json:"DanhSachGiayToKetQua"`
	DinhDanhCHS                 []DinhDanh     `json:"DinhDanhCHS,omitempty"`
	QuaTrinhXuLy                []QuaTrinhXuLy `json:"QuaTrinhXuLy,omitempty"` // TraCuuHoSo replies only

	// Motcua extensions, ignored by systems that do not know them:
	// MaGoiTin is the idempotency key of the outbox message (a re-sent
	// message is acknowledged and not stored again); PhienBan is the
	// dossier's local version (its history length), so a stale snapshot
	// never overwrites a newer one.
	MaGoiTin string `json:"MaGoiTin,omitempty"`
	PhienBan int    `json:"PhienBan,omitempty"`
}

// TaiLieuNop is one submitted file; DuongDanTaiTepTin is the URL where the
// province can fetch it (the tus upload URL).
type TaiLieuNop struct {
	TepDinhKemId      string `json:"TepDinhKemId"`
	TenTepDinhKem     string `json:"TenTepDinhKem"`
	IsDeleted         string `json:"IsDeleted"`
	MaThanhPhanHoSo   string `json:"MaThanhPhanHoSo"`
	DuongDanTaiTepTin string `json:"DuongDanTaiTepTin"`
	DuocSoHoa         string `json:"DuocSoHoa,omitempty"`
	DuocTaiSuDung     string `json:"DuocTaiSuDung,omitempty"`
	DuocLayTuKhoDMQG  string `json:"DuocLayTuKhoDMQG,omitempty"`
	MaKetQuaThayThe   string `json:"MaKetQuaThayThe,omitempty"`
	// SHA256 (hex) lets the receiver confirm the file it holds is the one
	// the counter scanned. Motcua extension.
	SHA256 string `json:"SHA256,omitempty"`
}

// LePhi is one fee.
type LePhi struct {
	TenPhiLePhi  string `json:"TenPhiLePhi"`
	MaPhiLePhi   string `json:"MaPhiLePhi"`
	HinhThucThu  string `json:"HinhThucThu"`
	Gia          string `json:"Gia"`
	LoaiPhiLePhi string `json:"LoaiPhiLePhi"`
}

// TepDinhKem is one paper document received (DanhSachTepDinhKemKhac).
type TepDinhKem struct {
	TenGiayTo  string `json:"TenGiayTo"`
	SoLuong    string `json:"SoLuong"`
	LoaiGiayTo string `json:"LoaiGiayTo"`
}

// HoSoBoSung is one supplement request.
type HoSoBoSung struct {
	HoSoBoSungId         string   `json:"HoSoBoSungId"`
	NguoiYeuCauBoSung    string   `json:"NguoiYeuCauBoSung"`
	NoiDungBoSung        string   `json:"NoiDungBoSung"`
	NgayBoSung           string   `json:"NgayBoSung"`
	NguoiTiepNhanBoSung  string   `json:"NguoiTiepNhanBoSung"`
	ThongTinTiepNhan     string   `json:"ThongTinTiepNhan"`
	NgayTiepNhanBoSung   string   `json:"NgayTiepNhanBoSung"`
	TrangThaiBoSung      string   `json:"TrangThaiBoSung"`
	DanhSachGiayToBoSung []string `json:"DanhSachGiayToBoSung"`
	DanhSachLePhiBoSung  []LePhi  `json:"DanhSachLePhiBoSung"`
	NgayHenTraTruoc      string   `json:"NgayHenTraTruoc"`
	NgayHenTraMoi        string   `json:"NgayHenTraMoi"`
}

// GiayToKetQua is one result document.
type GiayToKetQua struct {
	TenGiayTo            string `json:"TenGiayTo"`
	MaThanhPhanHoSo      string `json:"MaThanhPhanHoSo"`
	GiayToId             string `json:"GiayToId"`
	DuongDanTepTinKetQua string `json:"DuongDanTepTinKetQua"`
	MaGiayToKetQua       string `json:"MaGiayToKetQua"`
	// SHA256 (hex) of the result file. Motcua extension, as in TaiLieuNop.
	SHA256 string `json:"SHA256,omitempty"`
}

// DinhDanh identifies the applicant: LoaiDinhDanh "1" = 12-digit personal
// identifier, "2" = 9-digit old ID card.
type DinhDanh struct {
	LoaiDinhDanh string `json:"LoaiDinhDanh"`
	SoDinhDanh   string `json:"SoDinhDanh"`
}

// QuaTrinhXuLy is one processing step (CapNhatTienDoHoSoMC).
type QuaTrinhXuLy struct {
	MaHoSo                 string `json:"MaHoSo"`
	NguoiXuLy              string `json:"NguoiXuLy"`
	ChucDanh               string `json:"ChucDanh"`
	ThoiDiemXuLy           string `json:"ThoiDiemXuLy"`
	PhongBanXuLy           string `json:"PhongBanXuLy"`
	NoiDungXuLy            string `json:"NoiDungXuLy"`
	TrangThai              string `json:"TrangThai"`
	NgayBatDau             string `json:"NgayBatDau"`
	NgayKetThucTheoQuyDinh string `json:"NgayKetThucTheoQuyDinh"`
}

// Change kinds of the feed.
const (
	ChangeStatus     = "trang_thai" // TrangThaiHoSo changed upstream
	ChangeExtension  = "gia_han"    // NgayHenTra moved (Mẫu 04)
	ChangeResult     = "ket_qua"    // the result is ready at the counter
	ChangeSupplement = "bo_sung"    // the processing unit asks for documents
)

// Change is one entry of the change feed: something the province did to a
// dossier the commune sent.
type Change struct {
	Seq       int64          `json:"seq"`
	Code      string         `json:"MaHoSo"`
	Kind      string         `json:"loai"`
	Status    string         `json:"TrangThaiHoSo"`
	Due       string         `json:"NgayHenTra,omitempty"`
	Reason    string         `json:"NoiDung,omitempty"`
	Actor     string         `json:"NguoiXuLy,omitempty"`
	At        string         `json:"ThoiDiem"`
	Results   []GiayToKetQua `json:"DanhSachGiayToKetQua,omitempty"`
	Documents []string       `json:"DanhSachGiayToBoSung,omitempty"`
}

// FormatDate renders t as yyyyMMddHHmmss in Vietnam time; the zero time is "".
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(motcua.Location).Format(DateLayout)
}

// ParseDate reads a yyyyMMddHHmmss time in Vietnam time.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if len(s) != len(DateLayout) {
		return time.Time{}, fmt.Errorf("«%s» không đúng định dạng yyyyMMddHHmmss (14 chữ số, ví dụ 20261124083000)", s)
	}
	t, err := time.ParseInLocation(DateLayout, s, motcua.Location)
	if err != nil {
		return time.Time{}, fmt.Errorf("«%s» không phải thời điểm hợp lệ dạng yyyyMMddHHmmss (ví dụ 20261124083000)", s)
	}
	return t, nil
}
