package app

// The holiday calendar editor: a year's days off, substitute days off and
// swapped working days, added, corrected and removed one at a time by the
// commune's administrator, and the whole table exported in the format
// ImportHolidays reads.
//
// Where it is kept: the settings key KeyHolidays holds the commune's own
// table, merged over the embedded seed year by year (LoadCalendar). Editing
// one day writes that day's whole year into the stored table, so a day of
// the seed can be removed too, and years the commune never edited keep
// following the seed of the next release.
//
// What it changes: the due dates of dossiers received from then on. A
// dossier stores its due date (due_at) when it is received; editing the
// calendar never recomputes it. Only a later step that computes a new time
// limit (a supplement completed restarts the clock) uses the calendar of
// that moment.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"motcua"
)

// The years the editor accepts.
const (
	HolidayMinYear = 2000
	HolidayMaxYear = 2099
)

// Error codes of the holiday editor, besides motcua.ErrRequired,
// ErrDuplicate and ErrNotFound.
const (
	ErrBadDate         = "ERR_BAD_DATE"            // not a date
	ErrDateRange       = "ERR_DATE_RANGE"          // outside HolidayMinYear–HolidayMaxYear
	ErrBadKind         = "ERR_BAD_KIND"            // not holiday, substitute or working
	ErrWorkdayWeekday  = "ERR_WORKDAY_NOT_WEEKEND" // làm bù on Monday–Friday
	ErrSubstituteWkend = "ERR_SUBSTITUTE_ON_WEEKEND"
)

// CalendarEditor is who changes the holiday table: the name the audit log
// records and the permission check. The window adapts the signed-in user
// (the administrator's "calendar" permission, app/accounts); the command
// line, like `catalog import`, acts for whoever administers the PC's data
// folder (Operator).
type CalendarEditor interface {
	EditorName() string
	// MayEditCalendar returns nil, or the coded error telling who may.
	MayEditCalendar() error
}

// Operator is the command line's editor: the operating-system user, who
// already holds the database file.
type Operator string

// EditorName implements CalendarEditor.
func (o Operator) EditorName() string { return string(o) }

// MayEditCalendar implements CalendarEditor: the command line is trusted.
func (Operator) MayEditCalendar() error { return nil }

// dayKinds maps every accepted spelling of a kind to motcua's.
var dayKinds = map[string]string{
	motcua.DayOffHoliday: motcua.DayOffHoliday, "off": motcua.DayOffHoliday, "nghỉ lễ": motcua.DayOffHoliday, "nghi le": motcua.DayOffHoliday,
	motcua.DayOffSubstitute: motcua.DayOffSubstitute, "compensatory": motcua.DayOffSubstitute, "nghỉ bù": motcua.DayOffSubstitute, "nghi bu": motcua.DayOffSubstitute,
	motcua.DayOffWorking: motcua.DayOffWorking, "workday": motcua.DayOffWorking, "làm bù": motcua.DayOffWorking, "lam bu": motcua.DayOffWorking,
}

// ParseDayKind reads a kind as the command line and the window write it:
// off / compensatory / workday, the stored holiday / substitute / working,
// or the Vietnamese nghỉ lễ / nghỉ bù / làm bù.
func ParseDayKind(s string) (string, error) {
	if k, ok := dayKinds[norm.NFC.String(strings.ToLower(strings.TrimSpace(s)))]; ok {
		return k, nil
	}
	return "", motcua.Invalid(ErrBadKind, "kind", "Loại ngày «%s» không hợp lệ: chọn nghỉ lễ (off), nghỉ bù (compensatory) hoặc làm bù (workday)",
		"day kind %q is invalid: off, compensatory or workday", s)
}

// ParseHolidayDate reads YYYY-MM-DD or DD/MM/YYYY (D/M/YYYY too) and returns
// it as YYYY-MM-DD, checking that the year is one the editor keeps.
func ParseHolidayDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	var t time.Time
	var err error
	if strings.Contains(s, "/") {
		t, err = time.Parse("2/1/2006", s)
	} else {
		t, err = time.Parse("2006-01-02", s)
	}
	if err != nil {
		return "", motcua.Invalid(ErrBadDate, "date", "Ngày «%s» không hợp lệ: cần dạng NN/TT/NNNN (24/11/2026) hoặc 2026-11-24",
			"date %q is invalid: use DD/MM/YYYY (24/11/2026) or 2026-11-24", s)
	}
	if y := t.Year(); y < HolidayMinYear || y > HolidayMaxYear {
		return "", motcua.Invalid(ErrDateRange, "date", "Ngày «%s» ngoài khoảng năm %d–%d mà lịch ngày nghỉ quản lý",
			"date %q is outside the years %d–%d the holiday calendar keeps", s, HolidayMinYear, HolidayMaxYear)
	}
	return t.Format("2006-01-02"), nil
}

func checkYear(year int) error {
	if year < HolidayMinYear || year > HolidayMaxYear {
		return motcua.Invalid(ErrDateRange, "year", "Năm %d ngoài khoảng %d–%d", "year %d is outside %d–%d", year, HolidayMinYear, HolidayMaxYear)
	}
	return nil
}

// CheckDayOff normalises one entry typed by an officer (date to
// YYYY-MM-DD, kind to motcua's, names and source trimmed and NFC) and
// reports its first problem as a coded error naming the field: date, kind,
// name or source.
func CheckDayOff(d *motcua.DayOff) error {
	date, err := ParseHolidayDate(d.Date)
	if err != nil {
		return err
	}
	d.Date = date
	kind, err := ParseDayKind(d.Kind)
	if err != nil {
		return err
	}
	d.Kind = kind
	t, _ := time.Parse("2006-01-02", date)
	weekend := t.Weekday() == time.Saturday || t.Weekday() == time.Sunday
	switch {
	case kind == motcua.DayOffWorking && !weekend:
		return &motcua.Error{Kind: motcua.KindInvalid, Code: ErrWorkdayWeekday, Field: "kind",
			Msg:   fmt.Sprintf("Ngày làm bù phải là thứ Bảy hoặc Chủ nhật; %s là %s", viDate(t), viWeekday(t)),
			MsgEN: fmt.Sprintf("a make-up working day must be a Saturday or Sunday; %s is a %s", viDate(t), t.Weekday())}
	case kind == motcua.DayOffSubstitute && weekend:
		return &motcua.Error{Kind: motcua.KindInvalid, Code: ErrSubstituteWkend, Field: "kind",
			Msg:   fmt.Sprintf("Ngày nghỉ bù phải là ngày trong tuần (thứ Hai – thứ Sáu); %s là %s", viDate(t), viWeekday(t)),
			MsgEN: fmt.Sprintf("a substitute day off must be Monday–Friday; %s is a %s", viDate(t), t.Weekday())}
	}
	d.Name = motcua.Clean(d.Name)
	d.NameEN = strings.TrimSpace(d.NameEN)
	d.Source = motcua.Clean(d.Source)
	switch {
	case d.Name == "":
		return motcua.Invalid(motcua.ErrRequired, "name", "Chưa nhập tên ngày (ví dụ: Tết Nguyên đán, Nghỉ bù Quốc khánh)", "the day's name is missing")
	case len([]rune(d.Name)) > 120:
		return motcua.Invalid(motcua.ErrBadValue, "name", "Tên ngày dài quá 120 ký tự", "the day's name is longer than 120 characters")
	case strings.IndexFunc(d.Name, unicode.IsControl) >= 0:
		return motcua.Invalid(motcua.ErrBadValue, "name", "Tên ngày có ký tự điều khiển", "the day's name holds control characters")
	case len([]rune(d.Source)) > 300:
		return motcua.Invalid(motcua.ErrBadValue, "source", "Căn cứ dài quá 300 ký tự", "the source is longer than 300 characters")
	}
	return nil
}

// viDate is 24/11/2026.
func viDate(t time.Time) string { return t.Format("02/01/2006") }

func viWeekday(t time.Time) string {
	return [...]string{"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"}[t.Weekday()]
}

// storedHolidays is the commune's own table from the settings, or nil.
func storedHolidays(ctx context.Context, st SettingsStore) (*motcua.HolidayTable, error) {
	raw, ok, err := st.Setting(ctx, KeyHolidays)
	if err != nil || !ok {
		return nil, err
	}
	t, err := motcua.LoadHolidayTable(strings.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("bảng ngày nghỉ: %w", err)
	}
	return t, nil
}

// HolidayYear returns the year's days as the calendar in use counts them,
// sorted by date: the commune's table, else the embedded seed, else the
// rules (SeedYear). Errors: KindInvalid ErrDateRange (field year).
func (s *Service) HolidayYear(year int) ([]motcua.DayOff, error) {
	if err := checkYear(year); err != nil {
		return nil, err
	}
	days := s.Calendar.DaysOff(year)
	if days == nil {
		days = []motcua.DayOff{}
	}
	return days, nil
}

// AddHoliday adds one day. Errors (KindInvalid unless said): the editor's
// refusal; CheckDayOff's; KindConflict motcua.ErrDuplicate (field date)
// when the year already lists that date.
func (s *Service) AddHoliday(ctx context.Context, ed CalendarEditor, d motcua.DayOff) (motcua.DayOff, error) {
	if err := ed.MayEditCalendar(); err != nil {
		return d, err
	}
	if err := CheckDayOff(&d); err != nil {
		return d, err
	}
	return d, s.changeYear(ctx, ed, d.Date, func(days []motcua.DayOff) ([]motcua.DayOff, AuditEntry, error) {
		if i := indexOfDay(days, d.Date); i >= 0 {
			return nil, AuditEntry{}, duplicateDay(days[i])
		}
		return append(days, d), AuditEntry{Action: "calendar.day.add", Subject: d.Date, Detail: dayDetail(d)}, nil
	})
}

// EditHoliday replaces the day listed on date with d (its date may change,
// within the same or another year). A changed Vietnamese name drops the
// English one, which would no longer match. Errors: as AddHoliday, and
// KindNotFound motcua.ErrNotFound (field date) when date is not listed.
func (s *Service) EditHoliday(ctx context.Context, ed CalendarEditor, date string, d motcua.DayOff) (motcua.DayOff, error) {
	if err := ed.MayEditCalendar(); err != nil {
		return d, err
	}
	old, err := ParseHolidayDate(date)
	if err != nil {
		return d, err
	}
	if err := CheckDayOff(&d); err != nil {
		return d, err
	}
	if d.Date[:4] != old[:4] { // another year: remove here, add there
		prev, err := s.findDay(old)
		if err != nil {
			return d, err
		}
		if err := s.checkFree(d.Date); err != nil {
			return d, err
		}
		if prev.Name == d.Name && d.NameEN == "" {
			d.NameEN = prev.NameEN
		}
		if _, err := s.AddHoliday(ctx, ed, d); err != nil {
			return d, err
		}
		return d, s.RemoveHoliday(ctx, ed, old)
	}
	return d, s.changeYear(ctx, ed, old, func(days []motcua.DayOff) ([]motcua.DayOff, AuditEntry, error) {
		i := indexOfDay(days, old)
		if i < 0 {
			return nil, AuditEntry{}, notListed(old)
		}
		if j := indexOfDay(days, d.Date); j >= 0 && j != i {
			return nil, AuditEntry{}, duplicateDay(days[j])
		}
		if days[i].Name == d.Name && d.NameEN == "" {
			d.NameEN = days[i].NameEN
		}
		detail := dayDetail(days[i]) + " → " + dayDetail(d)
		days[i] = d
		return days, AuditEntry{Action: "calendar.day.edit", Subject: old, Detail: detail}, nil
	})
}

// RemoveHoliday removes the day listed on date: an ordinary weekday works
// again, a weekend is off again. Errors: the editor's refusal; ParseHolidayDate's;
// KindNotFound motcua.ErrNotFound (field date).
func (s *Service) RemoveHoliday(ctx context.Context, ed CalendarEditor, date string) error {
	if err := ed.MayEditCalendar(); err != nil {
		return err
	}
	day, err := ParseHolidayDate(date)
	if err != nil {
		return err
	}
	return s.changeYear(ctx, ed, day, func(days []motcua.DayOff) ([]motcua.DayOff, AuditEntry, error) {
		i := indexOfDay(days, day)
		if i < 0 {
			return nil, AuditEntry{}, notListed(day)
		}
		detail := dayDetail(days[i])
		return slices.Delete(days, i, i+1), AuditEntry{Action: "calendar.day.remove", Subject: day, Detail: detail}, nil
	})
}

// ExportHolidays returns the table in use — the embedded seed with the
// commune's years over it — as the JSON ImportHolidays reads. Years the
// table does not list follow the rules and are not exported.
func (s *Service) ExportHolidays(ctx context.Context) ([]byte, error) {
	stored, err := storedHolidays(ctx, s.Store)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(motcua.EmbeddedHolidayTable().Merge(stored)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// changeYear applies edit to the freshest copy of date's year (read from the
// store, so that a change made meanwhile by the command line is kept),
// stores that year in the commune's table with the audit entry, and
// reloads the calendar the service computes due dates with.
func (s *Service) changeYear(ctx context.Context, ed CalendarEditor, date string, edit func([]motcua.DayOff) ([]motcua.DayOff, AuditEntry, error)) error {
	year := yearOf(date)
	cur, err := LoadCalendar(ctx, s.Store)
	if err != nil {
		return err
	}
	days, a, err := edit(cur.DaysOff(year))
	if err != nil {
		return err
	}
	slices.SortFunc(days, func(x, y motcua.DayOff) int { return strings.Compare(x.Date, y.Date) })
	stored, err := storedHolidays(ctx, s.Store)
	if err != nil {
		return err
	}
	if stored == nil {
		stored = &motcua.HolidayTable{Version: motcua.EmbeddedHolidayTable().Version}
	}
	if stored.Years == nil {
		stored.Years = map[int][]motcua.DayOff{}
	}
	if days == nil {
		days = []motcua.DayOff{} // an empty year stays listed: no day off, not the rules
	}
	stored.Years[year] = days
	stored.Updated = s.now().Format("2006-01-02")
	if _, err := motcua.NewCalendar(cur.Hours(), motcua.EmbeddedHolidayTable().Merge(stored)); err != nil {
		e := motcua.Errorf(motcua.KindInternal, "ERR_BAD_HOLIDAYS", "holidays", "Lịch ngày nghỉ sau khi sửa không hợp lệ, chưa lưu",
			"the edited holiday table is invalid; nothing was saved")
		e.Err = err
		return e
	}
	raw, err := json.Marshal(stored)
	if err != nil {
		return err
	}
	a.At, a.Actor = s.now(), ed.EditorName()
	if err := s.Store.SetSetting(ctx, KeyHolidays, string(raw), a); err != nil {
		return err
	}
	cal, err := LoadCalendar(ctx, s.Store)
	if err != nil {
		return err
	}
	s.Calendar = cal
	return nil
}

func (s *Service) findDay(date string) (motcua.DayOff, error) {
	days, err := s.HolidayYear(yearOf(date))
	if err != nil {
		return motcua.DayOff{}, err
	}
	if i := indexOfDay(days, date); i >= 0 {
		return days[i], nil
	}
	return motcua.DayOff{}, notListed(date)
}

func (s *Service) checkFree(date string) error {
	days, err := s.HolidayYear(yearOf(date))
	if err != nil {
		return err
	}
	if i := indexOfDay(days, date); i >= 0 {
		return duplicateDay(days[i])
	}
	return nil
}

func yearOf(date string) int {
	y := 0
	fmt.Sscanf(date[:4], "%d", &y)
	return y
}

func indexOfDay(days []motcua.DayOff, date string) int {
	return slices.IndexFunc(days, func(d motcua.DayOff) bool { return d.Date == date })
}

func duplicateDay(d motcua.DayOff) error {
	t, _ := time.Parse("2006-01-02", d.Date)
	return motcua.Errorf(motcua.KindConflict, motcua.ErrDuplicate, "date", "Ngày %s đã có trong lịch (%s); sửa ngày đó thay vì thêm",
		"%s is already in the calendar (%s); edit it instead", viDate(t), d.Name)
}

func notListed(date string) error {
	t, _ := time.Parse("2006-01-02", date)
	return motcua.Errorf(motcua.KindNotFound, motcua.ErrNotFound, "date", "Ngày %s không có trong lịch ngày nghỉ", "%s is not in the holiday calendar", viDate(t))
}

// dayDetail is the audit log's description of a day.
func dayDetail(d motcua.DayOff) string {
	s := d.Kind + " · " + d.Name
	if !d.Confirmed {
		s += " · chưa xác nhận"
	}
	if d.Source != "" {
		s += " · " + d.Source
	}
	return s
}
