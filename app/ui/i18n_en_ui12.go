package ui

// English for the questions over the window (confirmations of final
// actions, why an action is disabled) and the first-morning fixes of
// issue 12, kept apart from i18n_en.go so that several people can add
// strings at once.
var englishMorning = map[string]string{
	"chỗ sai trong tệp": "problems in the file",
	"Gửi tệp lại cho nơi soạn danh mục (Sở/Văn phòng UBND tỉnh) kèm «Chi tiết kỹ thuật…».": "Send the file back to whoever prepared the catalogue (the provincial office) with its 'Technical detail…'.",
	"Hài lòng? (Ctrl+1/2/3)": "Satisfied? (Ctrl+1/2/3)",
	"Máy không vào được mạng. Kiểm tra cáp mạng hoặc Wi-Fi; hồ sơ vẫn được lưu và sẽ tự gửi khi có mạng.":                                                                 "This PC has no network. Check the cable or Wi-Fi; dossiers are saved and go out by themselves once the network is back.",
	"Đường truyền tới máy chủ tỉnh bị ngắt. Máy tự gửi lại sau; nếu kéo dài, báo cán bộ CNTT.":                                                                            "The connection to the provincial server broke off. The PC sends again by itself; if it lasts, tell the IT officer.",
	"Máy chủ của tỉnh từ chối kết nối (có thể đang bảo trì). Máy tự gửi lại sau; nếu kéo dài, báo cán bộ CNTT của tỉnh.":                                                  "The provincial server refused the connection (it may be under maintenance). The PC sends again by itself; if it lasts, tell the province's IT staff.",
	"Chưa cấu hình máy chủ tỉnh: hồ sơ vẫn được tiếp nhận và xếp hàng. Nhờ quản trị cấu hình kết nối tới tỉnh (lệnh ở «Chi tiết kỹ thuật…»).":                             "No provincial server configured: dossiers are still received and queued. Ask an administrator to set up the connection (the command is under 'Technical detail…').",
	"Không tìm được địa chỉ máy chủ của tỉnh: máy chưa có mạng, hoặc địa chỉ cấu hình bị sai. Kiểm tra cáp mạng/Wi-Fi; nếu mạng vẫn tốt, báo quản trị kiểm tra cấu hình.": "The provincial server's address cannot be found: the PC has no network, or the configured address is wrong. Check the cable/Wi-Fi; if the network is fine, ask an administrator to check the configuration.",
	"Không xác minh được chứng chỉ bảo mật của máy chủ tỉnh, nên chưa gửi (để bảo vệ dữ liệu). Kiểm tra ngày giờ của máy; nếu đúng, báo cán bộ CNTT.":                     "The provincial server's security certificate could not be verified, so nothing was sent (to protect the data). Check the PC's date and time; if they are right, tell the IT officer.",
	"Máy chủ của tỉnh không trả lời kịp (mạng chậm hoặc máy chủ bận). Máy tự gửi lại sau; nếu kéo dài quá một giờ, báo cán bộ CNTT kiểm tra đường mạng.":                  "The provincial server did not answer in time (slow network or busy server). The PC sends again by itself; if it lasts over an hour, ask the IT officer to check the network.",
	"đang gửi in…":       "sending to the printer…",
	"Chi tiết kỹ thuật…": "Technical detail…",
	"Chi tiết kỹ thuật (cho quản trị, hỗ trợ kỹ thuật)":                                      "Technical detail (for administrators and support staff)",
	"Hồ sơ chuyển sang «Đã trả kết quả» và không sửa lại được.":                              "The dossier becomes 'Result returned' and cannot be changed afterwards.",
	"Đang đính kèm bản quét trước: chờ xong rồi thêm.":                                       "The previous scans are still being attached: wait until that is done.",
	"Tệp này không nhận được (xem lý do ở dòng của nó): quét lại hoặc chọn tệp khác.":        "This file cannot be taken (its row says why): scan again or choose another file.",
	"Chọn một bản quét trong hộp thư trước (phím mũi tên), rồi lấy vào giấy tờ.":             "First choose a scan in the inbox (arrow keys), then take it into a document.",
	"sẽ bị từ chối ngay, không hoàn tác được, và phiếu từ chối (Mẫu 03) được lập với lý do:": "will be refused at once, which cannot be undone, and the refusal form (Mẫu 03) is made with the reason:",
	"sẽ bị dừng xử lý ngay, không hoàn tác được; thông báo dừng xử lý được lập và in.":       "will be stopped at once, which cannot be undone; the notice of stopping is made and printed.",
	"(Enter)": "(Enter)",
	"Chỉ lãnh đạo hoặc quản trị được làm việc này. Nhờ lãnh đạo đăng nhập trên máy này (Ctrl+L, «Đăng nhập tài khoản khác») để thực hiện.": "Only a leader or an administrator may do this. Ask a leader to sign in on this PC (Ctrl+L, 'Sign in with another account') to do it.",
	"Kết quả được giao cho": "The result is handed to",
	"Nhờ cán bộ có quyền này làm, hoặc đề nghị quản trị cấp quyền cho tài khoản của bạn.": "Ask an officer who has this permission, or ask an administrator to give it to your account.",
	"Đã trả kết quả":                             "Result handed over",
	"Từ chối hồ sơ":                              "Refuse the dossier",
	"Không thực hiện được":                       "Not available",
	"Muốn làm lại, công dân phải nộp hồ sơ mới.": "To try again, the citizen files a new dossier.",
	"sẽ bị từ chối ngay, không hoàn tác được; phiếu từ chối (Mẫu 03) được lập và in.": "will be refused at once, which cannot be undone; the refusal form (Mẫu 03) is made and printed.",
	"Hồ sơ của":                "The dossier of",
	"Hủy (Esc)":                "Cancel (Esc)",
	"Từ chối tiếp nhận hồ sơ?": "Refuse to receive the dossier?",
	"sẽ được ghi là công dân đã rút, không hoàn tác được; hồ sơ không được xử lý tiếp.": "will be recorded as withdrawn by the citizen, which cannot be undone; it is not processed further.",
	"Chọn một tin bị giữ lại (màu đỏ) trong danh sách để gửi lại.":                      "Choose a held-back message (in red) in the list to send it again.",
	"Trả kết quả hồ sơ": "Hand over the result of",
	"Máy này chưa được kết nối với hệ thống của tỉnh nên chưa gửi được. Hồ sơ vẫn được lưu và xếp hàng; nhờ quản trị cấu hình kết nối.":                                               "This PC is not yet connected to the provincial system, so nothing can be sent. Dossiers are still saved and queued; ask an administrator to set up the connection.",
	"Chào mừng! Đây là lần đăng nhập đầu tiên của tài khoản này: chọn mật khẩu riêng của bạn (ít nhất 8 ký tự) thay cho mật khẩu tạm đã được giao (quản trị cấp, hoặc mã tỉnh giao).": "Welcome! This is the first sign-in of this account: choose your own password (at least 8 characters) in place of the temporary one you were given (by an administrator, or the province's set-up code).",
	"Quản trị đã đặt lại mật khẩu của bạn: chọn mật khẩu riêng (ít nhất 8 ký tự).":                                                                                                    "An administrator has reset your password: choose your own (at least 8 characters).",
	"Bạn đã khóa máy (Ctrl+L). Dữ liệu đang nhập vẫn được giữ nguyên.":                                                                                                                "You locked the PC (Ctrl+L). What you were typing is kept.",
	"Mất kết nối mạng": "Network connection lost",
	"Hệ thống một cửa điện tử của tỉnh ngừng hoạt động": "The province's one-stop system is down",
	"Mất điện":                       "Power cut",
	"Hỏng máy tính hoặc ổ đĩa":       "Computer or disk failure",
	"Mã độc hoặc xâm nhập trái phép": "Malware or intrusion",
	"Cơ sở dữ liệu bị hỏng":          "Database damaged",
	"Hỏng máy in":                    "Printer failure",
	"Thiên tai (bão, lũ, sạt lở…)":   "Natural disaster (storm, flood, landslide…)",
	"Sự cố khác":                     "Other incident",
	"Thấp":                           "Low",
	"Trung bình":                     "Medium",
	"Cao":                            "High",
	"Nghiêm trọng":                   "Critical",
	"Không rõ":                       "Unknown",
	"Tự động (theo dõi kết nối)":     "Automatic (connection watch)",
	"Cán bộ khai báo":                "Declared by an officer",
	"dự kiến":                        "planned for",
	"đang diễn ra từ":                "running since",
	"đã huỷ":                         "cancelled",
	"đạt":                            "passed",
	"chưa đạt":                       "not passed",
	"kết quả:":                       "result:",
	"Tạm dừng đồng bộ":               "Sync paused",
	"Đang vẽ trang":                  "Drawing page",
	"Quét QR căn cước hoặc giấy tiếp nhận": "Scan an ID card's or a receipt's QR",
	"Gõ để tìm, không cần dấu":             "Type to search, no diacritics",
	"Cách nhau bởi dấu ;":                  "Separated by ;",
	"Đăng xuất (Ctrl+Shift+L)":             "Sign out (Ctrl+Shift+L)",
}

func init() {
	for vi, en := range englishMorning {
		english[vi] = en
	}
}

// englishOne is the English of a counted noun when the count is one
// ("1 scan waiting", not "1 scans waiting"); see num.
var englishOne = map[string]string{
	"chỗ sai trong tệp":          "problem in the file",
	"hồ sơ":                      "dossier",
	"tệp":                        "file",
	"tệp đính kèm":               "attachment",
	"bước":                       "step",
	"hồ sơ trong lúc diễn tập":   "dossier during the drill",
	"tin chờ gửi":                "message waiting",
	"tin bị trả lại":             "message rejected",
	"photo":                      "copy",
	"trang":                      "page",
	"tài liệu":                   "document",
	"ngày":                       "day",
	"bản quét đang chờ (Ctrl+E)": "scan waiting (Ctrl+E)",
	"tệp không nhận: xem lý do trong hộp thư (Ctrl+E).": "file refused: see why in the inbox (Ctrl+E).",
	"thủ tục":              "procedure",
	"ngày nghỉ":            "day off",
	"ngày làm bù":          "make-up working day",
	"máy in trên máy này.": "printer on this PC.",
}

// num is "n noun" in the window's language: Vietnamese nouns do not
// change with the count, English ones do.
func num(n int, vi string) string {
	if n == 1 && lang() == "en" {
		if one, ok := englishOne[vi]; ok {
			return "1 " + one
		}
	}
	return itoa(n) + " " + tr(vi)
}
