package ui

// English for the digitised result on the return screen (issue 18), kept
// apart from i18n_en.go so that several people can add strings at once.
var englishResults = map[string]string{
	"Quét kết quả… (Ctrl+U)": "Scan the result… (Ctrl+U)",
	"Kết quả đã số hóa:":     "Result digitised:",
	"hiệu lực":               "valid",
	"không thời hạn":         "with no time limit",
	"đến":                    "until",
	"Kết quả chưa số hóa: thủ tục này yêu cầu số hóa kết quả trước khi trả. Quét kết quả (Ctrl+U).": "The result is not digitised: this procedure requires it before the return. Scan the result (Ctrl+U).",
	"Kết quả chưa số hóa (nên quét để lưu và gửi tỉnh).":                                            "The result is not digitised (scan it to keep it and send it to the province).",
}

func init() {
	for vi, en := range englishResults {
		if _, ok := english[vi]; !ok {
			english[vi] = en
		}
	}
}
