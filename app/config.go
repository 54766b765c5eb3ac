package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"motcua"
)

// LoadCalendar builds the working calendar from the holiday table and office
// hours stored in the settings, or from the embedded seed.
func LoadCalendar(ctx context.Context, st SettingsStore) (*motcua.Calendar, error) {
	hours := motcua.DefaultOfficeHours()
	if v, ok, err := st.Setting(ctx, KeyHours); err != nil {
		return nil, err
	} else if ok {
		if err := json.Unmarshal([]byte(v), &hours); err != nil {
			return nil, fmt.Errorf("giờ làm việc đã lưu: %w", err)
		}
	}
	raw, ok, err := st.Setting(ctx, KeyHolidays)
	if err != nil {
		return nil, err
	}
	var table *motcua.HolidayTable
	if ok {
		var imported *motcua.HolidayTable
		if imported, err = motcua.LoadHolidayTable(bytes.NewReader([]byte(raw))); err == nil {
			table = motcua.EmbeddedHolidayTable().Merge(imported)
		}
	} else {
		table = motcua.EmbeddedHolidayTable()
	}
	if err != nil {
		return nil, fmt.Errorf("bảng ngày nghỉ: %w", err)
	}
	return motcua.NewCalendar(hours, table)
}

// RefreshCalendar reloads the calendar when the office hours or the holiday
// table stored in the settings are not those it was last loaded from here:
// another process (`motcua holiday add` while the window is open) changed
// them. It reports whether it reloaded. The window calls it on its
// periodic tick, on the UI goroutine where the calendar is used.
func (s *Service) RefreshCalendar(ctx context.Context) (bool, error) {
	hours, _, err := s.Store.Setting(ctx, KeyHours)
	if err != nil {
		return false, err
	}
	table, _, err := s.Store.Setting(ctx, KeyHolidays)
	if err != nil {
		return false, err
	}
	src := hours + "\x00" + table
	if src == s.calSrc {
		return false, nil
	}
	cal, err := LoadCalendar(ctx, s.Store)
	if err != nil {
		return false, err
	}
	s.Calendar, s.calSrc = cal, src
	return true, nil
}

// ImportCatalog validates a province's catalogue JSON and, only when it is
// valid, replaces the catalogue in use.
//
// An administrator's setting (PermCatalog); audited under by. Errors:
// ErrForbidden; KindInvalid ERR_BAD_CATALOG.
func (s *Service) ImportCatalog(ctx context.Context, raw []byte, by Actor) (*motcua.Catalog, error) {
	if err := by.Allow(PermCatalog); err != nil {
		return nil, err
	}
	cat, err := motcua.LoadCatalog(bytes.NewReader(raw))
	if err != nil {
		return nil, &motcua.Error{Kind: motcua.KindInvalid, Code: "ERR_BAD_CATALOG", Field: "catalog",
			Msg: "Tệp danh mục thủ tục không hợp lệ, danh mục đang dùng được giữ nguyên", MsgEN: "invalid catalogue file; the current catalogue is kept", Err: err}
	}
	norm, err := json.Marshal(cat)
	if err != nil {
		return nil, err
	}
	a := AuditEntry{At: s.now(), Actor: by.Username, Action: "catalog.import", Subject: cat.Version,
		Detail: fmt.Sprintf("%d thủ tục", len(cat.Procedures))}
	if err := s.Store.SetSetting(ctx, KeyCatalog, string(norm), a); err != nil {
		return nil, err
	}
	s.Catalog = cat
	return cat, nil
}

// ImportHolidays validates a holiday table JSON and, only when it is valid,
// replaces the calendar's table.
//
// A calendar setting (PermCalendar); audited under by. Errors:
// ErrForbidden; KindInvalid ERR_BAD_HOLIDAYS.
func (s *Service) ImportHolidays(ctx context.Context, raw []byte, by Actor) error {
	if err := by.Allow(PermCalendar); err != nil {
		return err
	}
	table, err := motcua.LoadHolidayTable(bytes.NewReader(raw))
	if err != nil {
		return &motcua.Error{Kind: motcua.KindInvalid, Code: "ERR_BAD_HOLIDAYS", Field: "holidays",
			Msg: "Tệp lịch ngày nghỉ không hợp lệ, lịch đang dùng được giữ nguyên", MsgEN: "invalid holiday table; the current calendar is kept", Err: err}
	}
	cal, err := motcua.NewCalendar(s.Calendar.Hours(), motcua.EmbeddedHolidayTable().Merge(table))
	if err != nil {
		return err
	}
	norm, err := json.Marshal(table)
	if err != nil {
		return err
	}
	a := AuditEntry{At: s.now(), Actor: by.Username, Action: "calendar.import", Subject: table.Version}
	if err := s.Store.SetSetting(ctx, KeyHolidays, string(norm), a); err != nil {
		return err
	}
	s.Calendar = cal
	return nil
}

// KeyPrinter is the settings key of the printer this station prints its
// forms on; absent or empty: the system's default printer.
const KeyPrinter = "print.printer"

// Printer returns the chosen printer's name, "" for the system default.
func (s *Service) Printer(ctx context.Context) (string, error) {
	v, _, err := s.Store.Setting(ctx, KeyPrinter)
	return v, err
}

// SetPrinter chooses the printer the station's forms go to ("" = the
// system default). The name is kept as the system spells it (spaces,
// quotes and Vietnamese letters included); it must be one line of at most
// 200 characters. Any signed-in account may (the window lets the officer
// at the counter choose the printer next to it), audited under by.
// Errors: ErrForbidden (no account); KindInvalid motcua.ErrBadValue (field
// printer).
func (s *Service) SetPrinter(ctx context.Context, name string, by Actor) error {
	if err := by.SignedIn("chọn máy in"); err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	if len([]rune(name)) > 200 || strings.IndexFunc(name, unicode.IsControl) >= 0 || !utf8.ValidString(name) {
		return motcua.Invalid(motcua.ErrBadValue, "printer", "Tên máy in «%s» không hợp lệ (một dòng, tối đa 200 ký tự)",
			"printer name %q is invalid (one line, at most 200 characters)", name)
	}
	detail := name
	if name == "" {
		detail = "mặc định của hệ thống"
	}
	a := AuditEntry{At: s.now(), Actor: by.Username, Action: "print.printer", Subject: detail}
	return s.Store.SetSetting(ctx, KeyPrinter, name, a)
}
