package app

import (
	"context"
	"strings"

	"motcua"
)

// KeyCounterPhone is the settings key of the counter's telephone, printed
// where a form tells the applicant whom to call (Mẫu 02, 03: "liên hệ …").
const KeyCounterPhone = "counter.phone"

// CounterPhone returns the counter's phone as stored ("" when not set).
func (s *Service) CounterPhone(ctx context.Context) (string, error) {
	v, _, err := s.Store.Setting(ctx, KeyCounterPhone)
	return v, err
}

// SetCounterPhone sets the counter's phone ("" clears it); a station
// setting (PermStation), audited. The number is kept as written (spaces and
// dots group the digits: "0237 3852 123"), with 8 to 15 digits, an optional
// leading +. Errors: ErrForbidden; KindInvalid ErrBadValue (field phone).
func (s *Service) SetCounterPhone(ctx context.Context, by Actor, phone string) error {
	if err := by.Allow(PermStation); err != nil {
		return err
	}
	phone = strings.Join(strings.Fields(phone), " ")
	if phone != "" {
		digits := 0
		ok := true
		for i, r := range phone {
			switch {
			case r >= '0' && r <= '9':
				digits++
			case r == ' ' || r == '.':
			case r == '+' && i == 0:
			default:
				ok = false
			}
		}
		if !ok || digits < 8 || digits > 15 {
			return motcua.Invalid(motcua.ErrBadValue, "phone", "Số điện thoại «%s» không hợp lệ: 8–15 chữ số, có thể nhóm bằng dấu cách hoặc dấu chấm",
				"phone number %q is invalid: 8–15 digits, optionally grouped by spaces or dots", phone)
		}
	}
	return s.Store.SetSetting(ctx, KeyCounterPhone, phone,
		AuditEntry{At: s.now(), Actor: by.Username, Action: "counter.phone", Subject: phone})
}

// CounterContact is the "liên hệ …" of a form: the counter and its phone
// ("" when no phone is set, so the form keeps its dotted blank).
func CounterContact(unit, phone string) string {
	if strings.TrimSpace(phone) == "" {
		return ""
	}
	if unit = strings.TrimSpace(unit); unit == "" {
		unit = "Bộ phận Một cửa"
	}
	return unit + ", điện thoại " + phone
}
