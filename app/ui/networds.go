package ui

import (
	"errors"
	"strings"
)

// netWords turns a delivery error as the network library wrote it ("dial
// tcp 10.0.0.5:443: i/o timeout") into a sentence an officer can act on;
// a message already written for people (Vietnamese, from the province or
// the sync engine) is kept. The raw text stays available (TechLink).
func netWords(raw string) string {
	low := strings.ToLower(raw)
	switch {
	case raw == "":
		return ""
	case strings.Contains(low, "timeout") || strings.Contains(low, "deadline exceeded"):
		return tr("Máy chủ của tỉnh không trả lời kịp (mạng chậm hoặc máy chủ bận). Máy tự gửi lại sau; nếu kéo dài quá một giờ, báo cán bộ CNTT kiểm tra đường mạng.")
	case strings.Contains(low, "connection refused"):
		return tr("Máy chủ của tỉnh từ chối kết nối (có thể đang bảo trì). Máy tự gửi lại sau; nếu kéo dài, báo cán bộ CNTT của tỉnh.")
	case strings.Contains(low, "no such host") || strings.Contains(low, "server misbehaving"):
		return tr("Không tìm được địa chỉ máy chủ của tỉnh: máy chưa có mạng, hoặc địa chỉ cấu hình bị sai. Kiểm tra cáp mạng/Wi-Fi; nếu mạng vẫn tốt, báo quản trị kiểm tra cấu hình.")
	case strings.Contains(low, "network is unreachable") || strings.Contains(low, "no route to host"):
		return tr("Máy không vào được mạng. Kiểm tra cáp mạng hoặc Wi-Fi; hồ sơ vẫn được lưu và sẽ tự gửi khi có mạng.")
	case strings.Contains(low, "x509") || strings.Contains(low, "certificate") || strings.Contains(low, "tls"):
		return tr("Không xác minh được chứng chỉ bảo mật của máy chủ tỉnh, nên chưa gửi (để bảo vệ dữ liệu). Kiểm tra ngày giờ của máy; nếu đúng, báo cán bộ CNTT.")
	case strings.Contains(low, "dial ") || strings.Contains(low, "read tcp") || strings.Contains(low, "write tcp") ||
		strings.Contains(low, "eof") || strings.Contains(low, "connection reset"):
		return tr("Đường truyền tới máy chủ tỉnh bị ngắt. Máy tự gửi lại sau; nếu kéo dài, báo cán bộ CNTT.")
	}
	return raw
}

// netErr is the raw delivery error for the technical detail, or nil when
// the sentence shown already is the raw text.
func netErr(raw string) error {
	if raw == "" || netWords(raw) == raw {
		return nil
	}
	return errors.New(raw)
}
