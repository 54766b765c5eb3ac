package ui

// English for the Reports screen (F8), kept apart from i18n_en.go.
var englishReports = map[string]string{
	"F8 Báo cáo": "F8 Reports",
	"%s: số liệu tính đến %s, hồ sơ của %s (tính trong %s).": "%s: figures as of %s, dossiers of %s (computed in %s).",
	"Biểu đồ":                          "Charts",
	"Bảng theo dõi hạn":                "Deadline board",
	"Chưa có báo cáo: bấm Tính trước.": "No report yet: press Compute first.",
	"Chỉ số Cổng Dịch vụ công quốc gia (tính từ dữ liệu tại máy)": "National portal indicators (from this station's data)",
	"Chức năng báo cáo chưa được bật trên máy này.":               "Reports are not enabled on this station.",
	"Công thức: ": "Formula: ",
	"Hôm nay: %d hồ sơ đến hạn, %d hồ sơ quá hạn, %d hồ sơ đến hạn trong 2 ngày làm việc tới.": "Today: %d dossiers due, %d late, %d due within the next 2 working days.",
	"Kỳ báo cáo":      "Period",
	"Mức độ hài lòng": "Satisfaction",
	"Thống kê":        "Statistics",
	"Trong kỳ không có hồ sơ nào: không có báo cáo để xuất.": "The period has no dossiers: there is no report to export.",
	"In bảng hạn (PDF)": "Print the board (PDF)",
	"Tính (Ctrl+Enter)": "Compute (Ctrl+Enter)",
	"Tính đến %s: %d hồ sơ đang giải quyết (%s).": "As of %s: %d dossiers in progress (%s).",
	"Xem bảng hạn (F8)":                           "See the board (F8)",
	"Xuất Excel (XLSX)":                           "Export Excel (XLSX)",
	"Xuất PDF":                                    "Export PDF",
	"hẹn":                                         "due",
	"không có dữ liệu":                            "no data",
	"Đang tính báo cáo… (vẫn làm việc khác được)": "Computing the report… (you can keep working)",
	"Đang xuất ": "Exporting ",
	"Đã xuất: ":  "Exported: ",
	"Từ ngày":    "From",
	"đến ngày":   "to",
	"… và %d hồ sơ khác (xem bản PDF / XLSX)": "… and %d more (see the PDF / XLSX)",
	// period choices
	"Tháng này":   "This month",
	"Tháng trước": "Last month",
	"Quý này":     "This quarter",
	"Quý trước":   "Last quarter",
	"6 tháng này": "This half-year",
	"Năm nay":     "This year",
	"Năm trước":   "Last year",
	"Tùy chọn":    "Custom",
	// board groups
	"Quá hạn":         "Late",
	"Đến hạn hôm nay": "Due today",
	"Đến hạn trong 2 ngày làm việc tới": "Due within the next 2 working days",
	"Chờ công dân bổ sung":              "Waiting for the citizen's supplement",
	"Đã gia hạn":                        "Extended",
}

func init() {
	for vi, en := range englishReports {
		if _, dup := english[vi]; !dup {
			english[vi] = en
		}
	}
}
