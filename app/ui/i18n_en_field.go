package ui

// English for field mode (issue 13), kept apart so that several people
// can add strings at once.
var englishField = map[string]string{
	"Hồ sơ chuẩn bị trước":                            "Prepared dossier",
	"tổ công nghệ số, máy":                            "community team, station",
	"sẽ được đính kèm sau khi tiếp nhận.":             "will be attached once it is received.",
	"Đối chiếu bản chính rồi tiếp nhận (Ctrl+Enter).": "Check it against the originals, then receive it (Ctrl+Enter).",
	"đã đính kèm":                                     "attached",
	"Ghi gói bàn giao cho xã":                         "Write the hand-over bundle for the commune",
	"Chưa quét căn cước.":                             "No chip-ID card scanned yet.",
	"Chưa có hồ sơ nào.":                              "No dossier yet.",
	"Ảnh, bản quét giấy tờ":                           "Photos and scans of the papers",
	"Nơi lưu phiếu đồng ý hoặc bản ghi":               "Where the signed form or the recording is kept",
	"Tệp gói trên USB, ví dụ E:\\ban-giao.mcb":        "Bundle file on the USB stick, e.g. E:\\handover.mcb",
	"Hồ sơ đã chuẩn bị":                               "Prepared dossiers",
	"Lưu hồ sơ chuẩn bị, lập phiếu hẹn (Ctrl+Enter)":  "Save the prepared dossier, make the slip (Ctrl+Enter)",
	"F9 Hiện trường":                                  "F9 Field",
	"Ghi chú của tổ":                                  "The team's notes",
	"Nộp tại quầy trước":                              "Bring to the counter before",
	"Đã ghi gói:":                                     "Bundle written:",
	"Người dân đồng ý cho tổ xử lý dữ liệu cá nhân":   "The villager consents to the team handling their personal data",
	"chưa bàn giao":                                   "not handed over",
	"Chuẩn bị hồ sơ cùng người dân":                   "Prepare a dossier with the villager",
	"Thư mục ảnh chụp hoặc bản quét (mỗi tệp cho một giấy tờ đã đánh dấu, theo thứ tự)": "Folder of photos or scans (one file per ticked paper, in order)",
	"Phiếu hẹn": "Slip",
	"Quét mã QR trên căn cước của người dân…": "Scan the QR on the villager's chip-ID card…",
	"đã bàn giao": "handed over",
	"Phiếu đồng ý có chữ ký của người dân": "Consent form signed by the villager",
	"Xác nhận đồng ý được ghi lại":         "Consent confirmation recorded",
}

func init() {
	for vi, en := range englishField {
		english[vi] = en
	}
}
