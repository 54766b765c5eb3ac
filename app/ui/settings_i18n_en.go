package ui

// English for the Settings tabs, the holiday calendar editor and the
// printer chooser, kept apart from i18n_en.go so that several people can
// add strings at once.
var englishSettings = map[string]string{
	"Giao diện":              "Display",
	"Trạm & cơ quan":         "Station & agency",
	"Giờ làm việc & ngày lễ": "Hours & holidays",
	"Máy in":                 "Printer",
	"Máy quét":               "Scanner",
	"In ngay phiếu của mỗi quyết định (giấy tiếp nhận, phiếu bổ sung, từ chối) ra máy in đã chọn ở mục Máy in": "Print each decision's form (receipt, supplement, refusal) at once on the printer chosen under Printer",

	// Holiday calendar.
	"Nghỉ lễ, Tết":                      "Public holiday, Tết",
	"Nghỉ bù, nghỉ hoán đổi":            "Substitute / swapped day off",
	"Làm bù (thứ Bảy, Chủ nhật đi làm)": "Make-up working day (Saturday, Sunday)",
	"chưa xác nhận":                     "unconfirmed",
	"Ví dụ: Nghỉ bù Quốc khánh":         "e.g. Nghỉ bù Quốc khánh",
	"Ví dụ: Công văn 12729/VPCP-KGVX":   "e.g. Công văn 12729/VPCP-KGVX",
	"Đã có văn bản chính thức (bỏ chọn: ngày dự kiến, chưa xác nhận)": "Officially decided (untick: expected, unconfirmed)",
	"Thêm ngày":         "Add day",
	"Lưu sửa đổi":       "Save changes",
	"Xóa ngày":          "Remove day",
	"Ngày mới (Ctrl+N)": "New day (Ctrl+N)",
	"Nhập từ tệp…":      "Import from file…",
	"Xuất ra tệp…":      "Export to file…",
	"Ngày (NN/TT/NNNN)": "Date (DD/MM/YYYY)",
	"Loại ngày":         "Kind of day",
	"Tên ngày":          "Name (Vietnamese)",
	"Căn cứ (văn bản, không bắt buộc)":   "Source (decision, optional)",
	"Hạn giải quyết mẫu":                 "Sample due date",
	"Nhận ngày":                          "Received on",
	"lúc 09:00, thời hạn":                "at 09:00, time limit",
	"Ctrl+Enter: lưu · Ctrl+N: ngày mới": "Ctrl+Enter: save · Ctrl+N: new day",
	"ngày nghỉ":                          "days off",
	"ngày làm bù":                        "make-up working days",
	"Nhập ngày dạng NN/TT/NNNN và số ngày làm việc (0–365).": "Enter a date as DD/MM/YYYY and a number of working days (0–365).",
	"Hạn trả:": "Due:",
	"Chọn một ngày trong danh sách để sửa":                                  "Choose a day in the list to edit",
	"Chọn một ngày trong danh sách để xóa":                                  "Choose a day in the list to remove",
	"Bấm lần nữa để xóa":                                                    "Press again to remove",
	"Bấm «Bấm lần nữa để xóa» (hoặc Enter) để xóa; chọn ngày khác để thôi.": "Press 'Press again to remove' (or Enter) to remove it; choose another day to keep it.",
	"Đã thêm ngày": "Added",
	"Đã lưu ngày":  "Saved",
	"Đã xóa ngày":  "Removed",
	"Hạn trả của hồ sơ mới được tính theo lịch này; hồ sơ đã nhận giữ nguyên hạn.": "New dossiers' due dates follow this calendar; dossiers already received keep theirs.",
	"hạn trả của hồ sơ mới được tính theo lịch này, hồ sơ đã nhận giữ nguyên hạn.": "new dossiers' due dates follow this calendar, dossiers already received keep theirs.",
	"Đã xuất lịch ngày nghỉ ra tệp:": "Holiday table exported to:",

	// Printer.
	"Máy in phiếu":              "Forms printer",
	"Mặc định của hệ thống":     "System default",
	"Làm mới":                   "Refresh",
	"Dùng máy in này":           "Use this printer",
	"In thử":                    "Test page",
	"Đang tìm máy in…":          "Looking for printers…",
	"(mặc định)":                "(default)",
	"(không tìm thấy trên máy)": "(not found on this PC)",
	"Không tìm thấy máy in nào được cài trên máy này.": "No printer is installed on this PC.",
	"máy in trên máy này.":                             "printers on this PC.",
	"Đang dùng:":                                       "In use:",
	"máy in mặc định của hệ thống":                     "the system's default printer",
	"Từ giờ các phiếu của máy này in ra:":              "From now on this station's forms print on:",
	"Đã gửi trang in thử tới":                          "Test page sent to",
	"Giấy tiếp nhận và các phiếu của máy này được in ra máy in đã chọn; «Mặc định của hệ thống» là máy in mặc định của Windows (hoặc CUPS). «In thử» in một trang A5 có tên cơ quan để kiểm tra máy in đang chọn trong ô trên.": "This station's receipts and forms print on the chosen printer; 'System default' is Windows' (or CUPS') default printer. 'Test page' prints an A5 page with the agency's name on the printer selected above.",
	"Trên Windows, cài SumatraPDF (có trong PATH) để in thẳng không cần mở trình xem PDF.": "On Windows, install SumatraPDF (on the PATH) to print without opening a PDF viewer.",
}

func init() {
	for vi, en := range englishSettings {
		english[vi] = en
	}
}
