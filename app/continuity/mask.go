package continuity

import (
	"strings"
	"unicode/utf8"

	"motcua"
)

// Masking for lists, reports that leave the commune, and logs (Personal
// Data Protection Law 91/2025/QH15: show no more than the purpose needs).

// MaskName keeps the family name and the initials of the other names:
// "Nguyễn Thị Ánh Tuyết" → "Nguyễn T. Á. T.".
func MaskName(name string) string {
	parts := strings.Fields(motcua.Clean(name))
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	out := []string{parts[0]}
	for _, p := range parts[1:] {
		r, _ := utf8.DecodeRuneInString(p)
		out = append(out, string(r)+".")
	}
	return strings.Join(out, " ")
}

// MaskID keeps the first three characters (the province of birth on a
// CCCD) and the last two: "001190123456" → "001*******56".
func MaskID(id string) string { return maskMiddle(strings.TrimSpace(id), 3, 2) }

// MaskPhone keeps the first three and last two digits: "0912345678" → "091*****78".
func MaskPhone(p string) string { return maskMiddle(strings.TrimSpace(p), 3, 2) }

// MaskAddress keeps only the last part after a comma (commune, province):
// "Thôn 2, xã Quảng Phú, Thanh Hóa" → "…, Thanh Hóa".
func MaskAddress(a string) string {
	a = motcua.Clean(a)
	if a == "" {
		return ""
	}
	i := strings.LastIndex(a, ",")
	if i < 0 {
		return "…"
	}
	return "…," + a[i+1:]
}

func maskMiddle(s string, head, tail int) string {
	r := []rune(s)
	if len(r) <= head+tail {
		return strings.Repeat("*", len(r))
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}
