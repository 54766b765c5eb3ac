package ui

import (
	"strings"

	"motcua"
	"motcua/app"
	"motcua/scanning/qrsign"
)

// What a scanned (or typed) line is.
const (
	scanUnknown = iota
	scanCCCD    // a chip-ID card's QR
	scanOurs    // a QR printed by Một Cửa (valid or not: see result)
	scanCode    // a dossier code typed by hand
)

type scanned struct {
	kind    int
	payload qrsign.Payload
	result  qrsign.Result
}

// classify tells what line is. Our QR codes are checked against the
// keyring, offline; without keys every one of them is an unknown key.
func classify(line string, keys *app.Keys) scanned {
	line = strings.TrimSpace(line)
	var ring *qrsign.Keyring
	if keys != nil {
		ring = keys.Ring
	}
	p, r := qrsign.Verify(line, ring)
	if r != qrsign.NotOurs {
		return scanned{kind: scanOurs, payload: p, result: r}
	}
	if _, err := motcua.ParseDossierCode(line); err == nil {
		return scanned{kind: scanCode}
	}
	if strings.Count(line, "|") >= 5 {
		return scanned{kind: scanCCCD}
	}
	return scanned{kind: scanUnknown}
}

// qrMessage is the verdict on one of our QR codes, said plainly.
func qrMessage(r qrsign.Result) string {
	switch r {
	case qrsign.Valid:
		return tr("Mã QR hợp lệ: do máy của cơ quan cấp và chưa bị sửa đổi")
	case qrsign.Tampered:
		return tr("Mã QR đã bị sửa đổi hoặc hư hỏng: chữ ký không khớp, không dùng được giấy tờ này")
	case qrsign.UnknownKey:
		return tr("Mã QR được ký bằng khóa không thuộc các máy của cơ quan (máy khác, hoặc khóa chưa được nạp)")
	}
	return tr("Đây không phải mã QR do hệ thống Một Cửa cấp")
}
