package app

import (
	"context"
	"slices"

	"motcua"
)

// Authorisation lives here, in the service layer, so that the window and
// the command line obey one policy: every dossier operation takes the
// acting account (Actor: username and role, as app/accounts signed it in)
// and refuses with ErrForbidden naming the role needed. The window greys
// out what the role may not do, but that is a courtesy: the service is
// the check.

// Role decides what an account may do (app/accounts stores it).
type Role string

const (
	RoleOfficer Role = "officer" // cán bộ một cửa: receives, hands off, returns
	RoleLeader  Role = "leader"  // lãnh đạo: also refuses, extends, stops
	RoleAdmin   Role = "admin"   // quản trị: everything, incl. settings and users
)

// Roles lists the roles, least powerful first.
func Roles() []Role { return []Role{RoleOfficer, RoleLeader, RoleAdmin} }

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool { return slices.Contains(Roles(), r) }

// rank orders the roles: officer 1, leader 2, admin 3; 0 for none.
func (r Role) rank() int { return slices.Index(Roles(), r) + 1 }

// Name is the Vietnamese name of the role.
func (r Role) Name() string {
	switch r {
	case RoleOfficer:
		return "Cán bộ một cửa"
	case RoleLeader:
		return "Lãnh đạo"
	case RoleAdmin:
		return "Quản trị hệ thống"
	}
	return string(r)
}

// NameEN is the English name of the role.
func (r Role) NameEN() string {
	switch r {
	case RoleOfficer:
		return "Counter officer"
	case RoleLeader:
		return "Leader"
	case RoleAdmin:
		return "Administrator"
	}
	return string(r)
}

// Perm is one thing a role may be allowed to do.
type Perm string

const (
	PermIntake   Perm = "intake"   // receive, request supplement
	PermAdvance  Perm = "advance"  // hand-off, result, supplement done, withdrawal
	PermReturn   Perm = "return"   // hand the result back
	PermRefuse   Perm = "refuse"   // refuse a dossier already received (Mẫu 03)
	PermExtend   Perm = "extend"   // extend with an apology (Mẫu 04)
	PermStop     Perm = "stop"     // stop processing (Mẫu 05)
	PermCalendar Perm = "calendar" // office hours and holidays
	PermCatalog  Perm = "catalog"  // import the procedure catalogue
	PermStation  Perm = "station"  // agency, station, keys, the role settings
	PermUsers    Perm = "users"    // create, reset, disable users
	PermSync     Perm = "sync"     // USB bundle export/import, retry quarantined messages
	// PermContinuity: lead the continuity plan — close an incident (it
	// signs off the reconciliation), schedule, start, finish and cancel
	// drills, reserve paper receipt numbers, edit the plan, the runbooks
	// and the contact list. Declaring an incident, recording what was done
	// and ticking steps are any officer's (they are at the counter when the
	// power goes); entering a paper receipt is intake (PermIntake).
	PermContinuity Perm = "continuity"
)

var grants = map[Role][]Perm{
	RoleOfficer: {PermIntake, PermAdvance, PermReturn},
	RoleLeader:  {PermIntake, PermAdvance, PermReturn, PermRefuse, PermExtend, PermStop, PermSync, PermContinuity},
	RoleAdmin: {PermIntake, PermAdvance, PermReturn, PermRefuse, PermExtend, PermStop, PermSync, PermContinuity,
		PermCalendar, PermCatalog, PermStation, PermUsers},
}

// Can reports whether role r holds permission p.
func (r Role) Can(p Perm) bool { return slices.Contains(grants[r], p) }

// PermName is the Vietnamese name of a permission.
func PermName(p Perm) string {
	return map[Perm]string{
		PermIntake: "tiếp nhận hồ sơ", PermAdvance: "chuyển xử lý, cập nhật kết quả", PermReturn: "trả kết quả",
		PermRefuse: "từ chối hồ sơ", PermExtend: "gia hạn, xin lỗi", PermStop: "dừng xử lý",
		PermCalendar: "sửa lịch làm việc", PermCatalog: "nhập danh mục thủ tục", PermStation: "cấu hình cơ quan, máy",
		PermUsers: "quản lý người dùng", PermSync: "đồng bộ thủ công",
		PermContinuity: "điều hành phương án hoạt động liên tục (kết thúc sự cố, diễn tập, biên nhận giấy, danh bạ)",
	}[p]
}

// ErrForbidden: the acting account's role may not do this (or no account
// is signed in). The message names the role needed.
const ErrForbidden = "ERR_FORBIDDEN"

// Actor is the account an operation is done as: the signed-in user of the
// window, or the account of a command-line session (accounts.Service
// ResolveSession). Its username is what history and audit record.
type Actor struct {
	Username string
	Role     Role
}

// Can reports whether the actor holds permission p.
func (a Actor) Can(p Perm) bool { return a.Username != "" && a.Role.Can(p) }

// EditorName implements CalendarEditor.
func (a Actor) EditorName() string { return a.Username }

// MayEditCalendar implements CalendarEditor with the policy's calendar
// permission, so a signed-in account edits the holidays through the same
// check as every other operation.
func (a Actor) MayEditCalendar() error { return a.Allow(PermCalendar) }

var _ CalendarEditor = Actor{}

// Allow returns nil when a holds p, else the coded error naming the least
// role that does.
func (a Actor) Allow(p Perm) error {
	if a.Can(p) {
		return nil
	}
	need := RoleAdmin
	for _, r := range Roles() {
		if r.Can(p) {
			need = r
			break
		}
	}
	return forbidden(a, PermName(p), need)
}

// SignedIn returns nil when a is a signed-in account of any role (what
// an officer may do: back up now, declare an incident), else the coded
// error saying that what needs an account.
func (a Actor) SignedIn(what string) error {
	if a.Username != "" && a.Role.Valid() {
		return nil
	}
	return forbidden(a, what, RoleOfficer)
}

// SetStationSetting stores one of the station's settings that has no
// method of its own (the digitisation limits): PermStation, audited under
// by with the action and detail given. Errors: ErrForbidden.
func (s *Service) SetStationSetting(ctx context.Context, by Actor, key, value, action, detail string) error {
	if err := by.Allow(PermStation); err != nil {
		return err
	}
	return s.Store.SetSetting(ctx, key, value, AuditEntry{At: s.now(), Actor: by.Username, Action: action, Detail: detail})
}

func forbidden(a Actor, what string, need Role) error {
	if a.Username == "" || !a.Role.Valid() {
		return motcua.Errorf(motcua.KindInvalid, ErrForbidden, "actor",
			"Chưa đăng nhập: việc «%s» cần tài khoản vai trò %s", "not signed in: %q needs an account with the %s role",
			what, need.Name())
	}
	return motcua.Errorf(motcua.KindInvalid, ErrForbidden, "role",
		"Tài khoản %s (%s) không được «%s»: cần vai trò %s trở lên",
		"account %s (%s) may not %q: it needs the %s role or above", a.Username, a.Role.Name(), what, need.Name())
}

// KeyRefuseAtReceiptRole is the setting naming the least role that may
// refuse a dossier at the counter, at receipt. The rule (NĐ 61/2018 art. 17
// cl. 1, as amended by NĐ 107/2021): the officer receiving the dossier
// refuses one that is not eligible, with the reasons in writing (Mẫu 03) —
// so the default is the counter officer. A commune that wants a leader to
// decide sets "leader".
const KeyRefuseAtReceiptRole = "policy.refuse_at_receipt_role"

// RefuseAtReceiptRole is the least role that may refuse at receipt.
func (s *Service) RefuseAtReceiptRole(ctx context.Context) (Role, error) {
	v, ok, err := s.Store.Setting(ctx, KeyRefuseAtReceiptRole)
	if err != nil {
		return "", err
	}
	if !ok || !Role(v).Valid() {
		return RoleOfficer, nil
	}
	return Role(v), nil
}

// SetRefuseAtReceiptRole changes that role; an administrator's setting
// (PermStation), audited. Errors: ErrForbidden; KindInvalid ErrBadValue
// (field role) for an unknown role.
func (s *Service) SetRefuseAtReceiptRole(ctx context.Context, by Actor, r Role) error {
	if err := by.Allow(PermStation); err != nil {
		return err
	}
	if !r.Valid() {
		return motcua.Invalid(motcua.ErrBadValue, "role", "Vai trò «%s» không hợp lệ: officer, leader hoặc admin",
			"role %q is invalid: officer, leader or admin", r)
	}
	return s.Store.SetSetting(ctx, KeyRefuseAtReceiptRole, string(r),
		AuditEntry{At: s.now(), Actor: by.Username, Action: "policy.set", Subject: KeyRefuseAtReceiptRole, Detail: string(r)})
}

// MayRefuseAtReceipt returns nil when by may refuse a dossier at receipt,
// else the coded error naming the role the setting asks for.
func (s *Service) MayRefuseAtReceipt(ctx context.Context, by Actor) error {
	need, err := s.RefuseAtReceiptRole(ctx)
	if err != nil {
		return err
	}
	if by.Username != "" && by.Role.Valid() && by.Role.rank() >= need.rank() {
		return nil
	}
	return forbidden(by, "từ chối hồ sơ khi tiếp nhận", need)
}

// mayDecide checks the permission an intake decision needs.
func (s *Service) mayDecide(ctx context.Context, by Actor, dec Decision) error {
	if err := by.Allow(PermIntake); err != nil {
		return err
	}
	if dec == DecideRefuse {
		return s.MayRefuseAtReceipt(ctx, by)
	}
	return nil
}

// advancePerm is the permission a move to status to needs.
func advancePerm(from, to motcua.Status) Perm {
	switch {
	case to == motcua.StatusStopped:
		return PermStop
	case to == motcua.StatusRefused:
		return PermRefuse
	case from == motcua.StatusSupplement && to == motcua.StatusReceived:
		return PermIntake
	case to == motcua.StatusReturned:
		return PermReturn
	}
	return PermAdvance
}

// OperatorActor is the command line's actor until it signs in: the holder
// of the data folder, who can already read and write the database file, so
// it is trusted as an administrator — the same trust as Operator for the
// calendar. Its name is the --officer flag or the system user. The
// command line is to act through accounts.Service.ResolveSession instead;
// the installers' bootstrap commands (init, user add, provision apply)
// keep this.
func OperatorActor(name string) Actor { return Actor{Username: name, Role: RoleAdmin} }
