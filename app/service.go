package app

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"motcua"
	"motcua/scanning/cccd"
)

// Settings keys kept in the SettingsStore.
const (
	KeyAgencyID   = "agency_id"
	KeyAgencyName = "agency_name"
	KeyStation    = "station"
	KeyCatalog    = "catalog_json"
	KeyHolidays   = "holidays_json"
	KeyHours      = "office_hours"
)

// Station is the identity of this counter PC.
type Station struct {
	AgencyID   string
	AgencyName string
	Station    motcua.Station
}

// Store is the persistence the service needs.
type Store interface {
	DossierStore
	SettingsStore
}

// Service carries out the counter's use cases.
type Service struct {
	Store    Store
	Calendar *motcua.Calendar
	Catalog  *motcua.Catalog
	Clock    Clock
	Sync     Syncer // nil until a province is configured and the engine runs
	Scans    *Scans // nil until the blob store and station key are open (attach.go)

	calSrc string // the settings the calendar was last loaded from (RefreshCalendar)
}

// New returns a service with the system clock.
func New(st Store, cal *motcua.Calendar, cat *motcua.Catalog) *Service {
	return &Service{Store: st, Calendar: cal, Catalog: cat, Clock: SystemClock{}}
}

func (s *Service) now() time.Time { return s.Clock.Now().In(motcua.Location) }

// Init records the agency and station identity of this PC. It may be run
// again to correct the name; changing the agency or station of a database
// that already holds dossiers is refused.
func (s *Service) Init(ctx context.Context, id Station, actor string) error {
	return s.InitAs(ctx, id, OperatorActor(actor))
}

// InitAs is Init done by an account: on a station set up already, a
// station setting (PermStation), audited under by. The installer of a new
// station acts as OperatorActor (no account exists yet).
func (s *Service) InitAs(ctx context.Context, id Station, by Actor) error {
	if err := by.Allow(PermStation); err != nil {
		return err
	}
	actor := by.Username
	id.AgencyName = motcua.Clean(id.AgencyName)
	if err := motcua.ValidateAgencyID(id.AgencyID); err != nil {
		return err
	}
	if id.AgencyName == "" {
		return motcua.Invalid(motcua.ErrRequired, "agency_name", "Chưa nhập tên cơ quan (ví dụ: UBND xã Quảng Phú)", "the agency name is missing")
	}
	if err := id.Station.Validate(); err != nil {
		return err
	}
	if cur, err := s.Identity(ctx); err == nil && (cur.AgencyID != id.AgencyID || cur.Station != id.Station) {
		n, err := s.Store.Count(ctx, ListFilter{})
		if err != nil {
			return err
		}
		if n > 0 {
			return motcua.Errorf(motcua.KindConflict, motcua.ErrDuplicate, "agency_id",
				"Máy này đã có %d hồ sơ với mã định danh %s, máy %s; không được đổi cơ quan hoặc số máy",
				"this PC already holds %d dossiers for %s, station %s; the agency and station cannot change", n, cur.AgencyID, cur.Station)
		}
	}
	a := AuditEntry{At: s.now(), Actor: actor, Action: "station.init", Subject: id.AgencyID,
		Detail: fmt.Sprintf("%s; máy %s", id.AgencyName, id.Station)}
	for _, kv := range [][2]string{{KeyAgencyID, id.AgencyID}, {KeyAgencyName, id.AgencyName}, {KeyStation, id.Station.String()}} {
		if err := s.Store.SetSetting(ctx, kv[0], kv[1], a); err != nil {
			return err
		}
	}
	return nil
}

// ErrNotInitialised is returned before `init` has been run.
var ErrNotInitialised = motcua.Invalid("ERR_NOT_INITIALISED", "agency_id",
	"Máy chưa được khởi tạo: chạy «motcua init --agency-id … --agency-name … --station K/N» hoặc mở Cài đặt",
	"this station is not initialised: run 'motcua init --agency-id … --agency-name … --station K/N' or open Settings")

// Identity returns the configured agency and station.
func (s *Service) Identity(ctx context.Context) (Station, error) {
	var id Station
	v, ok, err := s.Store.Setting(ctx, KeyAgencyID)
	if err != nil {
		return id, err
	}
	if !ok {
		return id, ErrNotInitialised
	}
	id.AgencyID = v
	id.AgencyName, _, _ = s.Store.Setting(ctx, KeyAgencyName)
	st, _, _ := s.Store.Setting(ctx, KeyStation)
	if id.Station, err = motcua.ParseStation(st); err != nil {
		return id, err
	}
	return id, nil
}

// Decision is what the officer decides at intake.
type Decision int

const (
	DecideAccept     Decision = iota // Giấy tiếp nhận và hẹn trả (Mẫu 01)
	DecideSupplement                 // Phiếu yêu cầu bổ sung (Mẫu 02)
	DecideRefuse                     // Phiếu từ chối (Mẫu 03)
)

// IntakeRequest is everything the counter form collects.
type IntakeRequest struct {
	ProcedureCode string
	CCCD          string // raw chip-ID QR line; fills the applicant when set
	Applicant     motcua.Applicant
	DOBText       string // DD/MM/YYYY as typed, when Applicant.DOB is empty
	Channel       motcua.Channel
	Components    []motcua.Component // nil: the procedure's checklist
	Summary       string
	At            time.Time // receipt time; zero = now. Past times are back-entries.
	// By is the acting account: intake needs PermIntake, a refusal at
	// receipt the role of the KeyRefuseAtReceiptRole setting (authz.go).
	// The dossier's officer is By.Username.
	By       Actor
	Decision Decision
	Reason   string   // required for supplement and refusal
	Missing  []string // supplement: the missing items, listed once
	// StoreConsent: the applicant agreed (the officer read the question
	// out) that the documents of this dossier are kept in their store for
	// reuse; printed on the receipt. Needs a 12-digit personal ID.
	StoreConsent bool
	// Reuse takes documents of the applicant's store for components of
	// the procedure's checklist instead of new scans (store.go).
	Reuse []Reuse
}

var (
	dobRE      = regexp.MustCompile(`^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$`)
	idNumberRE = regexp.MustCompile(`^([0-9]{12}|[0-9]{9}|[A-Z][0-9]{7})$`)
	phoneRE    = regexp.MustCompile(`^(0[0-9]{9}|\+84[0-9]{9})$`)
	emailRE    = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// Lengths of the free-text fields, in characters.
const (
	MaxAddress = 300
	MaxReason  = 2000 // a reason, a note, the other missing documents
	MaxSummary = 1000
)

// MaxBackEntry is how far in the past a receipt time may be: a paper
// receipt entered late, not a date from another era (1970 gave a code of
// 700101 and the +08:00 zone Vietnam used then).
const MaxBackEntry = 366 * 24 * time.Hour

// CheckText refuses text that is not valid UTF-8, holds control characters
// other than spaces, tabs and line breaks (NUL, escape sequences, which
// would reach terminals and papers), or is longer than max characters.
// Errors: KindInvalid ErrBadValue naming field and rule.
func CheckText(field, s string, max int) error {
	switch {
	case !utf8.ValidString(s):
		return motcua.Invalid(motcua.ErrBadValue, field, "Trường «%s» có ký tự không hợp lệ (không phải văn bản UTF-8)",
			"field %q holds invalid characters (not UTF-8 text)", field)
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && !unicode.IsSpace(r) }) >= 0:
		return motcua.Invalid(motcua.ErrBadValue, field, "Trường «%s» có ký tự điều khiển (NUL, mã thoát…): không được phép",
			"field %q holds control characters (NUL, escape…): not allowed", field)
	case utf8.RuneCountInString(s) > max:
		return motcua.Invalid(motcua.ErrBadValue, field, "Trường «%s» dài quá %d ký tự", "field %q is longer than %d characters", field, max)
	}
	return nil
}

// ValidateApplicant normalises and checks the applicant fields, returning
// the first problem as a coded error naming the field.
func ValidateApplicant(a *motcua.Applicant, dobText string, today time.Time) error {
	for _, f := range []struct {
		field, v string
		max      int
	}{{"name", a.Name, 100}, {"id_number", a.IDNumber, 20}, {"address", a.Address, MaxAddress}, {"phone", a.Phone, 20},
		{"email", a.Email, 254}, {"gender", a.Gender, 10}, {"dob", dobText, 20}} {
		if err := CheckText(f.field, f.v, f.max); err != nil {
			return err
		}
	}
	a.Name = motcua.Clean(a.Name)
	a.IDNumber = strings.ToUpper(strings.ReplaceAll(motcua.Clean(a.IDNumber), " ", ""))
	a.Address = motcua.Clean(a.Address)
	a.Phone = strings.NewReplacer(" ", "", ".", "", "-", "").Replace(motcua.Clean(a.Phone))
	a.Email = motcua.Clean(a.Email)
	a.Gender = motcua.Clean(a.Gender)
	if a.SubjectType == 0 {
		a.SubjectType = motcua.SubjectCitizen
	}
	// Every problem at once, each naming its field: the window shows them
	// all under their fields, the officer corrects them in one go.
	var errs []error
	bad := func(err error) { errs = append(errs, err) }
	if a.Name == "" {
		bad(motcua.Invalid(motcua.ErrRequired, "name", "Chưa nhập họ tên người nộp hồ sơ", "the applicant's full name is missing"))
	} else if len([]rune(a.Name)) > 100 {
		bad(motcua.Invalid(motcua.ErrBadValue, "name", "Họ tên dài quá 100 ký tự", "the name is longer than 100 characters"))
	}
	idOK := false
	if a.IDNumber == "" {
		bad(motcua.Invalid(motcua.ErrRequired, "id_number", "Chưa nhập số định danh cá nhân / CCCD", "the ID number is missing"))
	} else if !idNumberRE.MatchString(a.IDNumber) {
		// Masked like the audit log's: the message reaches stderr and logs.
		bad(motcua.Invalid(motcua.ErrBadValue, "id_number", "Số giấy tờ «%s» không hợp lệ: cần 12 chữ số (CCCD), 9 chữ số (CMND) hoặc hộ chiếu (1 chữ cái + 7 chữ số)",
			"ID number %q is invalid: 12 digits (CCCD), 9 digits (old ID) or a passport (a letter + 7 digits)", MaskID(a.IDNumber)))
	} else {
		idOK = true
	}
	var dob time.Time
	dobShown := a.DOB // the date as the officer gave it, for the messages
	if dobText = strings.TrimSpace(dobText); dobText != "" && a.DOB == "" {
		dobShown = dobText
		if t, err := parseDOB(dobText); err != nil {
			bad(err)
		} else {
			a.DOB = t.Format("2006-01-02")
		}
	} else if a.DOB != "" {
		if t, err := time.ParseInLocation("2006-01-02", a.DOB, motcua.Location); err == nil {
			dobShown = t.Format("02/01/2006")
		}
	}
	if a.DOB != "" {
		t, err := time.ParseInLocation("2006-01-02", a.DOB, motcua.Location)
		switch {
		case err != nil:
			bad(motcua.Invalid(motcua.ErrBadValue, "dob", "Ngày sinh «%s» không hợp lệ: cần dạng NN/TT/NNNN, ví dụ 05/09/1990",
				"date of birth %q is invalid: use DD/MM/YYYY, e.g. 05/09/1990", dobShown))
		case t.Year() < 1900:
			bad(motcua.Invalid(motcua.ErrBadValue, "dob", "Ngày sinh «%s» trước năm 1900: kiểm tra lại năm sinh",
				"date of birth %q is before 1900: check the year", dobShown))
		case t.After(today):
			bad(motcua.Invalid(motcua.ErrBadValue, "dob", "Ngày sinh «%s» ở tương lai (hôm nay là %s): kiểm tra lại năm sinh",
				"date of birth %q is in the future (today is %s): check the year", dobShown, today.In(motcua.Location).Format("02/01/2006")))
		default:
			dob = t
		}
	}
	genderOK := true
	switch strings.ToLower(a.Gender) {
	case "":
	case "nam", "male", "m":
		a.Gender = "Nam"
	case "nữ", "nu", "female", "f":
		a.Gender = "Nữ"
	default:
		genderOK = false
		bad(motcua.Invalid(motcua.ErrBadValue, "gender", "Giới tính «%s» không hợp lệ: chọn Nam hoặc Nữ", "gender %q is invalid: Nam or Nữ", a.Gender))
	}
	// A typed number is held to the same rule as a scanned card: its
	// fourth digit says the century and gender, the next two the year.
	if idOK && genderOK {
		if err := cccd.CheckTyped(a.IDNumber, dob, a.Gender); err != nil {
			var pe *cccd.ParseError
			if errors.As(err, &pe) {
				bad(&motcua.Error{Kind: motcua.KindInvalid, Code: "ERR_ID_" + strings.ToUpper(pe.Rule), Field: "id_number", Msg: pe.Msg, MsgEN: pe.MsgEN, Err: err})
			} else {
				bad(err)
			}
		}
	}
	if a.Phone != "" && !phoneRE.MatchString(a.Phone) {
		bad(motcua.Invalid(motcua.ErrBadValue, "phone", "Số điện thoại «%s» không hợp lệ: cần 10 chữ số bắt đầu bằng 0 (hoặc +84…)",
			"phone %q is invalid: 10 digits starting with 0 (or +84…)", a.Phone))
	}
	if a.Email != "" && !emailRE.MatchString(a.Email) {
		bad(motcua.Invalid(motcua.ErrBadValue, "email", "Địa chỉ email «%s» không hợp lệ", "email %q is invalid", a.Email))
	}
	return errors.Join(errs...)
}

// parseDOB reads a DD/MM/YYYY date of birth, telling a date that does not
// exist (31/02/1990) from one in the wrong form.
func parseDOB(s string) (time.Time, error) {
	f := dobRE.FindStringSubmatch(s)
	if f == nil {
		return time.Time{}, motcua.Invalid(motcua.ErrBadValue, "dob", "Ngày sinh «%s» không hợp lệ: cần dạng NN/TT/NNNN, ví dụ 05/09/1990",
			"date of birth %q is invalid: use DD/MM/YYYY, e.g. 05/09/1990", s)
	}
	d, _ := strconv.Atoi(f[1])
	m, _ := strconv.Atoi(f[2])
	y, _ := strconv.Atoi(f[3])
	if m < 1 || m > 12 {
		return time.Time{}, motcua.Invalid(motcua.ErrBadValue, "dob", "Ngày sinh «%s» không có: tháng %d không tồn tại (tháng từ 1 đến 12)",
			"date of birth %q does not exist: there is no month %d (1 to 12)", s, m)
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, motcua.Location)
	if d < 1 || t.Day() != d {
		last := time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, motcua.Location).Day()
		return time.Time{}, motcua.Invalid(motcua.ErrBadValue, "dob", "Ngày sinh «%s» không có: tháng %d năm %d chỉ có %d ngày",
			"date of birth %q does not exist: month %d of %d has %d days", s, m, y, last)
	}
	return t, nil
}

// ApplicantFromCCCD fills an applicant from a chip-ID QR line.
func ApplicantFromCCCD(line string, today time.Time) (motcua.Applicant, error) {
	c, err := cccd.ParseAt(line, today)
	if err != nil {
		if pe, ok := err.(*cccd.ParseError); ok {
			return motcua.Applicant{}, &motcua.Error{Kind: motcua.KindInvalid, Code: "ERR_CCCD_" + strings.ToUpper(pe.Rule),
				Field: "cccd." + pe.Field, Msg: pe.Msg, MsgEN: pe.MsgEN, Err: err}
		}
		return motcua.Applicant{}, motcua.Invalid(motcua.ErrBadValue, "cccd", "Không đọc được mã QR căn cước: %v", "cannot read the chip-ID QR: %v", err)
	}
	return motcua.Applicant{Name: c.FullName, IDNumber: c.IDNumber, DOB: c.DOB.Format("2006-01-02"),
		Gender: c.Gender, Address: c.Address, SubjectType: motcua.SubjectCitizen}, nil
}

// Procedure looks a procedure up in the catalogue.
func (s *Service) Procedure(code string) (motcua.Procedure, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return motcua.Procedure{}, motcua.Invalid(motcua.ErrRequired, "procedure", "Chưa chọn thủ tục hành chính", "no procedure chosen")
	}
	p, ok := s.Catalog.Find(code)
	if !ok {
		return p, motcua.Invalid(motcua.ErrNotFound, "procedure", "Không có thủ tục mã «%s» trong danh mục (xem «motcua catalog list»)",
			"no procedure with code %q in the catalogue (see 'motcua catalog list')", code)
	}
	return p, nil
}

// DueFor computes the appointment for a procedure received at t: its
// processing time in working days (8 working hours each) counted from the
// next working period; a same-day procedure is due at the end of the
// receipt's working day.
func (s *Service) DueFor(p motcua.Procedure, ch motcua.Channel, t time.Time) time.Time {
	days := p.ProcessingDays
	if ch == motcua.ChannelOnline && p.OnlineDays > 0 {
		days = p.OnlineDays
	}
	if days <= 0 {
		return s.Calendar.EndOfWorkingDay(s.Calendar.NextWorkingStart(t))
	}
	return s.Calendar.AddWorkingHours(t, time.Duration(days*float64(s.Calendar.WorkingHoursPerDay())))
}

// Intake records a dossier presented at the counter with the officer's
// decision, in one transaction, and returns it with its code. Errors: as
// BuildIntake, and the store's.
func (s *Service) Intake(ctx context.Context, req IntakeRequest) (*motcua.Dossier, error) {
	d, id, a, err := s.BuildIntake(ctx, req)
	if err != nil {
		return nil, err
	}
	if err := s.Store.Accept(ctx, d, id.AgencyID, id.Station, a); err != nil {
		return nil, err
	}
	return d, nil
}

// BuildIntake checks an intake request and builds the dossier (no code
// yet), the station it is received at and the audit entry, without storing
// anything: Intake stores it with DossierStore.Accept, field mode with the
// pre-dossier it comes from. Errors: ErrForbidden; ErrFieldStation on a
// field station, which never issues a code; KindInvalid naming the field.
func (s *Service) BuildIntake(ctx context.Context, req IntakeRequest) (*motcua.Dossier, Station, AuditEntry, error) {
	var id Station
	var none AuditEntry
	if err := s.mayDecide(ctx, req.By, req.Decision); err != nil {
		return nil, id, none, err
	}
	if err := s.RequireCounter(ctx); err != nil {
		return nil, id, none, err
	}
	id, err := s.Identity(ctx)
	if err != nil {
		return nil, id, none, err
	}
	p, err := s.Procedure(req.ProcedureCode)
	if err != nil {
		return nil, id, none, err
	}
	app := req.Applicant
	if strings.TrimSpace(req.CCCD) != "" {
		fromCard, err := ApplicantFromCCCD(req.CCCD, s.now())
		if err != nil {
			return nil, id, none, err
		}
		fromCard.Phone, fromCard.Email = app.Phone, app.Email
		if app.Address != "" {
			fromCard.Address = app.Address
		}
		app = fromCard
	}
	if err := ValidateApplicant(&app, req.DOBText, s.now()); err != nil {
		return nil, id, none, err
	}
	if err := checkTexts(req.Reason, req.Summary, req.Missing); err != nil {
		return nil, id, none, err
	}
	if req.Channel == 0 {
		req.Channel = motcua.ChannelDirect
	}
	if !req.Channel.Valid() {
		return nil, id, none, motcua.Invalid(motcua.ErrBadValue, "channel", "Kênh nộp %d không hợp lệ: 1 trực tiếp, 2 trực tuyến, 3 bưu chính",
			"channel %d is invalid: 1 direct, 2 online, 3 postal", int(req.Channel))
	}
	now := s.now()
	at := req.At
	if at.IsZero() {
		at = now
	}
	at = at.In(motcua.Location).Truncate(time.Second)
	if at.Before(now.Add(-MaxBackEntry)) {
		return nil, id, none, motcua.Invalid(motcua.ErrBadValue, "at", "Thời điểm tiếp nhận %s quá xa trong quá khứ (tối đa 366 ngày trước)",
			"the receipt time %s is too far in the past (at most 366 days ago)", motcua.FormatTime(at))
	}
	if at.After(now.Add(5 * time.Minute)) {
		return nil, id, none, motcua.Invalid(motcua.ErrBadValue, "at", "Thời điểm tiếp nhận %s ở tương lai", "the receipt time %s is in the future", motcua.FormatTime(at))
	}
	comps := req.Components
	if comps == nil {
		for _, c := range p.Components {
			comps = append(comps, motcua.Component{Name: c.Name, Original: c.Original, Certified: c.Certified, Copy: c.Copy})
		}
	}
	for i := range comps {
		comps[i].Name = motcua.Clean(comps[i].Name)
		if comps[i].Original < 0 || comps[i].Certified < 0 || comps[i].Copy < 0 {
			return nil, id, none, motcua.Invalid(motcua.ErrBadValue, "components", "Số lượng bản của «%s» không được âm", "counts of %q cannot be negative", comps[i].Name)
		}
	}
	if req.StoreConsent && !isDigits12(app.IDNumber) {
		return nil, id, none, motcua.Invalid(motcua.ErrBadValue, "store_consent",
			"Kho dữ liệu điện tử chỉ lưu theo số định danh cá nhân 12 chữ số; giấy tờ %s không dùng được",
			"the document store keys on the 12-digit personal ID; ID %s cannot be used", MaskID(app.IDNumber))
	}
	if err := s.applyReuse(ctx, p, app.IDNumber, comps, req.Reuse); err != nil {
		return nil, id, none, err
	}
	summary := motcua.Clean(req.Summary)
	if summary == "" {
		summary = p.Name
	}
	d := &motcua.Dossier{
		Procedure:  motcua.ProcedureRef{Code: p.Code, Name: p.Name, Field: p.Field},
		Channel:    req.Channel,
		Applicant:  app,
		Summary:    summary,
		Components: comps,
		Fee:        p.Fee,
		ReceivedAt: at,
		Status:     motcua.StatusNew,
		Officer:    req.By.Username,
		Station:    id.Station.K,

		StoreConsent: req.StoreConsent,
	}
	action := "accept"
	switch req.Decision {
	case DecideAccept:
		d.DueAt = s.DueFor(p, req.Channel, at)
		err = d.Move(motcua.StatusReceived, "accept", req.By.Username, "", at)
	case DecideSupplement:
		action = "supplement"
		if err = markMissing(d, req.Missing); err == nil {
			err = d.Move(motcua.StatusSupplement, action, req.By.Username, req.Reason, at)
		}
	case DecideRefuse:
		action = "refuse"
		err = d.Move(motcua.StatusRefused, action, req.By.Username, req.Reason, at)
	default:
		err = motcua.Invalid(motcua.ErrBadValue, "decision", "Quyết định không hợp lệ", "invalid decision")
	}
	if err != nil {
		return nil, id, none, err
	}
	a := AuditEntry{At: now, Actor: req.By.Username, Action: "dossier." + action,
		Detail: fmt.Sprintf("%s; giấy tờ %s", p.Code, MaskID(app.IDNumber))}
	return d, id, a, nil
}

// markMissing flags the missing components, adding items that are not on
// the checklist; every item is listed once ("bổ sung một lần").
func markMissing(d *motcua.Dossier, missing []string) error {
	seen := map[string]bool{}
	n := 0
	for _, m := range missing {
		m = motcua.Clean(m)
		if m == "" || seen[motcua.Fold(m)] {
			continue
		}
		seen[motcua.Fold(m)] = true
		n++
		found := false
		for i := range d.Components {
			if motcua.Fold(d.Components[i].Name) == motcua.Fold(m) {
				d.Components[i].Missing, found = true, true
			}
		}
		if !found {
			d.Components = append(d.Components, motcua.Component{Name: m, Missing: true})
		}
	}
	if n == 0 {
		return motcua.Invalid(motcua.ErrRequired, "missing", "Phải liệt kê các giấy tờ cần bổ sung (một lần, đầy đủ)",
			"list the missing documents (once, in full)")
	}
	return nil
}

// change loads a dossier, checks that by holds the permission perm gives
// for it, applies fn and saves it with the optimistic check.
func (s *Service) change(ctx context.Context, code string, by Actor, action string, perm func(d *motcua.Dossier) Perm, fn func(d *motcua.Dossier, now time.Time) error) (*motcua.Dossier, error) {
	d, err := s.Store.Get(ctx, strings.TrimSpace(code))
	if err != nil {
		return nil, err
	}
	if err := by.Allow(perm(d)); err != nil {
		return nil, err
	}
	actor := by.Username
	prevStatus, prevLen := d.Status, len(d.History)
	now := s.now()
	if err := fn(d, now); err != nil {
		return nil, err
	}
	a := AuditEntry{At: now, Actor: actor, Action: "dossier." + action, Subject: d.Code}
	if n := len(d.History); n > prevLen {
		h := d.History[n-1]
		a.Detail = fmt.Sprintf("%d→%d %s %s", h.From, h.To, h.Reason, h.Note)
	}
	if err := s.Store.Update(ctx, d, prevStatus, prevLen, a); err != nil {
		return nil, err
	}
	return d, nil
}

// checkTexts applies CheckText to a reason, a summary and missing items.
func checkTexts(reason, summary string, missing []string) error {
	if err := CheckText("reason", reason, MaxReason); err != nil {
		return err
	}
	if err := CheckText("summary", summary, MaxSummary); err != nil {
		return err
	}
	for _, m := range missing {
		if err := CheckText("missing", m, MaxAddress); err != nil {
			return err
		}
	}
	return nil
}

func fixed(p Perm) func(*motcua.Dossier) Perm { return func(*motcua.Dossier) Perm { return p } }

// Refuse refuses the dossier with a reason (Mẫu 03).
func (s *Service) Refuse(ctx context.Context, code string, by Actor, reason string) (*motcua.Dossier, error) {
	if err := checkTexts(reason, "", nil); err != nil {
		return nil, err
	}
	return s.change(ctx, code, by, "refuse", fixed(PermRefuse), func(d *motcua.Dossier, now time.Time) error {
		return d.Move(motcua.StatusRefused, "refuse", by.Username, reason, now)
	})
}

// RequestSupplement asks for the missing items, all at once, with a reason (Mẫu 02).
func (s *Service) RequestSupplement(ctx context.Context, code string, by Actor, reason string, missing []string) (*motcua.Dossier, error) {
	if err := checkTexts(reason, "", missing); err != nil {
		return nil, err
	}
	return s.change(ctx, code, by, "supplement", fixed(PermIntake), func(d *motcua.Dossier, now time.Time) error {
		if err := motcua.CheckTransition(d.Status, motcua.StatusSupplement, motcua.Clean(reason)); err != nil {
			return err
		}
		if err := markMissing(d, missing); err != nil {
			return err
		}
		return d.Move(motcua.StatusSupplement, "supplement", by.Username, reason, now)
	})
}

// Advance moves the dossier to status to. Completing a supplement (5 → 2)
// restarts the time limit from now (NĐ 61 art. 19 cl. 4).
// The permission depends on the move: stop needs PermStop, refusal
// PermRefuse, supplement completed PermIntake, the rest PermAdvance.
func (s *Service) Advance(ctx context.Context, code string, by Actor, to motcua.Status, reason string) (*motcua.Dossier, error) {
	if err := checkTexts(reason, "", nil); err != nil {
		return nil, err
	}
	perm := func(d *motcua.Dossier) Perm { return advancePerm(d.Status, to) }
	return s.change(ctx, code, by, "advance", perm, func(d *motcua.Dossier, now time.Time) error {
		from := d.Status
		if err := d.Move(to, "advance", by.Username, reason, now); err != nil {
			return err
		}
		if from == motcua.StatusSupplement && to == motcua.StatusReceived {
			for i := range d.Components {
				d.Components[i].Missing = false
			}
			if p, ok := s.Catalog.Find(d.Procedure.Code); ok {
				d.DueAt = s.DueFor(p, d.Channel, now)
				d.History[len(d.History)-1].Note = "Hẹn trả mới: " + motcua.FormatTime(d.DueAt)
			}
		}
		return nil
	})
}

// Extend sets a new appointment with an apology (Mẫu 04), once per dossier.
func (s *Service) Extend(ctx context.Context, code string, by Actor, reason string, due time.Time) (*motcua.Dossier, error) {
	if err := checkTexts(reason, "", nil); err != nil {
		return nil, err
	}
	return s.change(ctx, code, by, "extend", fixed(PermExtend), func(d *motcua.Dossier, now time.Time) error {
		return d.Extend(due.In(motcua.Location), by.Username, reason, now)
	})
}

// Return records that the result was handed to the citizen.
func (s *Service) Return(ctx context.Context, code string, by Actor, note string) (*motcua.Dossier, error) {
	if err := CheckText("note", note, MaxReason); err != nil {
		return nil, err
	}
	return s.change(ctx, code, by, "return", fixed(PermReturn), func(d *motcua.Dossier, now time.Time) error {
		if err := d.Move(motcua.StatusReturned, "return", by.Username, "", now); err != nil {
			return err
		}
		if err := s.checkResultDigitised(ctx, d); err != nil {
			return err
		}
		d.History[len(d.History)-1].Note = motcua.Clean(note)
		return nil
	})
}

func isDigits12(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// MaskID hides an ID number for logs and lists: only the last three
// characters stay (Personal Data Protection Law 91/2025: no ID numbers in
// clear in logs).
func MaskID(id string) string {
	r := []rune(id)
	if len(r) <= 3 {
		return strings.Repeat("*", len(r))
	}
	return strings.Repeat("*", len(r)-3) + string(r[len(r)-3:])
}
