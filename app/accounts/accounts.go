// Package accounts is who may use the counter: officers, leaders and
// administrators, their argon2id password hashes, sign-in with a lockout
// after repeated failures, and what each role may do. Every change is
// written with an audit entry naming the actor.
package accounts

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/unicode/norm"

	"motcua"
	"motcua/app"
)

// Role and Perm are the service layer's (app/authz.go): the policy is
// one, the service checks it; these names stay for the callers of this
// package.
type (
	Role = app.Role
	Perm = app.Perm
)

const (
	RoleOfficer = app.RoleOfficer
	RoleLeader  = app.RoleLeader
	RoleAdmin   = app.RoleAdmin

	PermIntake   = app.PermIntake
	PermAdvance  = app.PermAdvance
	PermReturn   = app.PermReturn
	PermRefuse   = app.PermRefuse
	PermExtend   = app.PermExtend
	PermStop     = app.PermStop
	PermCalendar = app.PermCalendar
	PermCatalog  = app.PermCatalog
	PermStation  = app.PermStation
	PermUsers    = app.PermUsers
	PermSync     = app.PermSync
)

// Roles lists the roles, least powerful first.
func Roles() []Role { return app.Roles() }

// Prefs are a user's own display preferences and recent procedures.
type Prefs struct {
	Lang      string   `json:"lang,omitempty"`       // "vi" (default) or "en"
	TextScale float32  `json:"text_scale,omitempty"` // 1 = normal
	Typing    string   `json:"typing,omitempty"`     // "" (system input method), "telex", "vni"
	Recent    []string `json:"recent,omitempty"`     // procedure codes, most recent first
	AutoPrint bool     `json:"auto_print,omitempty"` // print each decision's form at once
}

// MaxRecent is how many recent procedures are remembered.
const MaxRecent = 8

// User is one account. PasswordHash is never shown.
type User struct {
	Username     string
	FullName     string
	Role         Role
	PasswordHash string
	MustChange   bool // set by an administrator's reset: the user picks a new one
	Disabled     bool
	Failed       int       // consecutive failed sign-ins
	LockedUntil  time.Time // zero when not locked
	LastLogin    time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
	Prefs        Prefs
	// FirstSignIn is set by SignIn (not stored) when the account had never
	// signed in before: a new account, not a reset one.
	FirstSignIn bool
}

// Can reports whether the user holds permission p.
func (u *User) Can(p Perm) bool { return u != nil && !u.Disabled && u.Role.Can(p) }

// Actor is the user as the service layer's operations take it; a nil or
// disabled user is nobody (every operation refuses).
func (u *User) Actor() app.Actor {
	if u == nil || u.Disabled {
		return app.Actor{}
	}
	return app.Actor{Username: u.Username, Role: u.Role}
}

// Store keeps the accounts. Writes append the audit entry in the same
// transaction.
type Store interface {
	// CreateUser stores a new user. Errors: KindConflict ErrDuplicate.
	CreateUser(ctx context.Context, u *User, a app.AuditEntry) error
	// GetUser returns the user. Errors: KindNotFound ErrNotFound.
	GetUser(ctx context.Context, username string) (*User, error)
	// UpdateUser saves everything but the username and the creation time.
	// A zero AuditEntry.Action writes no audit entry (failed-attempt
	// counters, preferences). Errors: KindNotFound.
	UpdateUser(ctx context.Context, u *User, a app.AuditEntry) error
	ListUsers(ctx context.Context) ([]*User, error)
	Audit(ctx context.Context, a app.AuditEntry) error
	// The settings keep the command-line sessions (session.go).
	app.SettingsStore
}

// Service carries out the account use cases.
type Service struct {
	Store  Store
	Clock  app.Clock
	Params Params
	// MaxFailures consecutive wrong passwords lock the account for
	// LockFor; each further failure extends the lock.
	MaxFailures int
	LockFor     time.Duration
}

// New returns the service with the default hashing cost and lockout.
func New(st Store) *Service {
	return &Service{Store: st, Clock: app.SystemClock{}, Params: DefaultParams, MaxFailures: 5, LockFor: time.Minute}
}

// Stable error codes of this package.
const (
	ErrBadCredentials = "ERR_BAD_CREDENTIALS"
	ErrLocked         = "ERR_ACCOUNT_LOCKED"
	ErrDisabled       = "ERR_ACCOUNT_DISABLED"
	ErrForbidden      = app.ErrForbidden
	ErrWeakPassword   = "ERR_WEAK_PASSWORD"
	ErrLastAdmin      = "ERR_LAST_ADMIN"
)

var usernameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,31}$`)

// NormUsername folds a typed username: trimmed, lower case.
func NormUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func validUsername(u string) error {
	if u == "" {
		return motcua.Invalid(motcua.ErrRequired, "username", "Chưa nhập tên đăng nhập", "the username is missing")
	}
	if !usernameRE.MatchString(u) {
		return motcua.Invalid(motcua.ErrBadValue, "username",
			"Tên đăng nhập «%s» không hợp lệ: 3–32 ký tự, chữ thường không dấu, số, dấu chấm, gạch ngang hoặc gạch dưới (ví dụ: lan.nt)",
			"username %q is invalid: 3–32 characters, lower-case letters without diacritics, digits, '.', '-' or '_' (e.g. lan.nt)", u)
	}
	return nil
}

// MinPassword is the shortest password accepted.
const MinPassword = 8

// CheckPassword reports why a new password is not acceptable.
func CheckPassword(username, password, field string) error {
	p := norm.NFC.String(password)
	switch {
	case strings.TrimSpace(p) == "":
		return motcua.Invalid(motcua.ErrRequired, field, "Chưa nhập mật khẩu", "the password is missing")
	case len([]rune(p)) < MinPassword:
		return motcua.Invalid(ErrWeakPassword, field, "Mật khẩu phải có ít nhất %d ký tự", "the password must have at least %d characters", MinPassword)
	case strings.EqualFold(strings.TrimSpace(p), username):
		return motcua.Invalid(ErrWeakPassword, field, "Mật khẩu không được trùng tên đăng nhập", "the password must differ from the username")
	}
	return nil
}

func (s *Service) now() time.Time { return s.Clock.Now().In(motcua.Location) }

// NewUser is what an administrator fills in.
type NewUser struct {
	Username string
	FullName string
	Role     Role
	Password string
}

func (s *Service) validate(nu *NewUser) error { return ValidateNewUser(nu) }

// ValidateNewUser normalises nu and reports every problem at once (joined
// coded errors, each naming its field), so a form can show them all.
func ValidateNewUser(nu *NewUser) error {
	nu.Username = NormUsername(nu.Username)
	nu.FullName = motcua.Clean(nu.FullName)
	var errs []error
	if err := validUsername(nu.Username); err != nil {
		errs = append(errs, err)
	}
	if nu.FullName == "" {
		errs = append(errs, motcua.Invalid(motcua.ErrRequired, "full_name", "Chưa nhập họ tên cán bộ", "the full name is missing"))
	}
	if !nu.Role.Valid() {
		errs = append(errs, motcua.Invalid(motcua.ErrBadValue, "role", "Vai trò «%s» không hợp lệ: officer, leader hoặc admin",
			"role %q is invalid: officer, leader or admin", nu.Role))
	}
	if err := CheckPassword(nu.Username, nu.Password, "password"); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (s *Service) create(ctx context.Context, actor string, nu NewUser, mustChange bool) (*User, error) {
	if err := s.validate(&nu); err != nil {
		return nil, err
	}
	h, err := Hash(nu.Password, s.Params)
	if err != nil {
		return nil, err
	}
	now := s.now()
	u := &User{Username: nu.Username, FullName: nu.FullName, Role: nu.Role, PasswordHash: h, MustChange: mustChange,
		CreatedAt: now, UpdatedAt: now}
	a := app.AuditEntry{At: now, Actor: actor, Action: "user.create", Subject: u.Username, Detail: string(u.Role)}
	if err := s.Store.CreateUser(ctx, u, a); err != nil {
		return nil, err
	}
	return u, nil
}

// HasUsers reports whether any account exists (the first run creates the
// administrator).
func (s *Service) HasUsers(ctx context.Context) (bool, error) {
	us, err := s.Store.ListUsers(ctx)
	return len(us) > 0, err
}

// CreateFirstAdmin creates the first administrator; it is refused once any
// account exists. Errors: KindInvalid for a bad field, KindConflict when
// accounts already exist.
func (s *Service) CreateFirstAdmin(ctx context.Context, username, fullName, password string) (*User, error) {
	has, err := s.HasUsers(ctx)
	if err != nil {
		return nil, err
	}
	if has {
		return nil, motcua.Errorf(motcua.KindConflict, ErrForbidden, "username",
			"Máy đã có tài khoản: đăng nhập bằng tài khoản quản trị để thêm người dùng",
			"accounts already exist: sign in as an administrator to add users")
	}
	return s.create(ctx, NormUsername(username), NewUser{Username: username, FullName: fullName, Role: RoleAdmin, Password: password}, false)
}

func forbidden(actor *User, p Perm) error {
	if actor.Can(p) {
		return nil
	}
	role := Role("")
	if actor != nil {
		role = actor.Role
	}
	return motcua.Errorf(motcua.KindInvalid, ErrForbidden, "role",
		"Tài khoản %s (%s) không có quyền này; cần tài khoản có quyền «%s»",
		"account %s (%s) may not do this; it needs the %q permission", actorName(actor), role.Name(), PermName(p))
}

func actorName(u *User) string {
	if u == nil {
		return "(chưa đăng nhập)"
	}
	return u.Username
}

// PermName is the Vietnamese name of a permission.
func PermName(p Perm) string { return app.PermName(p) }

// Allow returns nil when actor holds p, else the coded error to show.
func Allow(actor *User, p Perm) error { return forbidden(actor, p) }

// Create adds an account. The actor must be an administrator. The new user
// picks their own password at first sign-in.
func (s *Service) Create(ctx context.Context, actor *User, nu NewUser) (*User, error) {
	if err := forbidden(actor, PermUsers); err != nil {
		return nil, err
	}
	return s.create(ctx, actor.Username, nu, true)
}

// List returns every account, by username.
func (s *Service) List(ctx context.Context) ([]*User, error) {
	us, err := s.Store.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(us, func(a, b *User) int { return strings.Compare(a.Username, b.Username) })
	return us, nil
}

func badCredentials() error {
	return motcua.Invalid(ErrBadCredentials, "password", "Sai tên đăng nhập hoặc mật khẩu", "wrong username or password")
}

// SignIn checks the password and returns the user. Unknown users and wrong
// passwords give the same message; after MaxFailures wrong passwords in a
// row the account is locked for LockFor. Errors: KindInvalid
// ErrBadCredentials, ErrLocked, ErrDisabled.
func (s *Service) SignIn(ctx context.Context, username, password string) (*User, error) {
	username = NormUsername(username)
	if username == "" {
		return nil, motcua.Invalid(motcua.ErrRequired, "username", "Chưa nhập tên đăng nhập", "the username is missing")
	}
	if password == "" {
		return nil, motcua.Invalid(motcua.ErrRequired, "password", "Chưa nhập mật khẩu", "the password is missing")
	}
	u, err := s.Store.GetUser(ctx, username)
	if motcua.ErrorKind(err) == motcua.KindNotFound {
		// Spend the same time as a real check, so a guesser cannot tell
		// which usernames exist.
		_, _, _ = Check(dummyHash(s.Params), password, s.Params)
		_ = s.Store.Audit(ctx, app.AuditEntry{At: s.now(), Actor: username, Action: "auth.fail", Subject: username, Detail: "unknown user"})
		return nil, badCredentials()
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if u.Disabled {
		return nil, motcua.Invalid(ErrDisabled, "username", "Tài khoản %s đã bị khóa bởi quản trị; liên hệ quản trị hệ thống",
			"account %s is disabled; ask the administrator", u.Username)
	}
	if now.Before(u.LockedUntil) {
		return nil, lockedErr(u.LockedUntil.Sub(now))
	}
	ok, stale, err := Check(u.PasswordHash, password, s.Params)
	if err != nil {
		return nil, err
	}
	if !ok {
		u.Failed++
		if s.MaxFailures > 0 && u.Failed >= s.MaxFailures {
			u.LockedUntil = now.Add(s.LockFor)
		}
		u.UpdatedAt = now
		a := app.AuditEntry{At: now, Actor: u.Username, Action: "auth.fail", Subject: u.Username}
		if err := s.Store.UpdateUser(ctx, u, a); err != nil {
			return nil, err
		}
		if !u.LockedUntil.IsZero() && now.Before(u.LockedUntil) {
			return nil, lockedErr(s.LockFor)
		}
		return nil, badCredentials()
	}
	if stale {
		if h, err := Hash(password, s.Params); err == nil {
			u.PasswordHash = h
		}
	}
	u.FirstSignIn = u.LastLogin.IsZero()
	u.Failed, u.LockedUntil, u.LastLogin, u.UpdatedAt = 0, time.Time{}, now, now
	if err := s.Store.UpdateUser(ctx, u, app.AuditEntry{At: now, Actor: u.Username, Action: "auth.signin", Subject: u.Username}); err != nil {
		return nil, err
	}
	return u, nil
}

func lockedErr(wait time.Duration) error {
	secs := int(wait.Round(time.Second).Seconds())
	return motcua.Invalid(ErrLocked, "password", "Nhập sai mật khẩu nhiều lần: thử lại sau %d giây",
		"too many wrong passwords: try again in %d seconds", secs)
}

var dummy struct {
	sync.Mutex
	p Params
	h string
}

func dummyHash(p Params) string {
	dummy.Lock()
	defer dummy.Unlock()
	if dummy.h == "" || dummy.p != p {
		dummy.h, _ = Hash("motcua-no-such-user", p)
		dummy.p = p
	}
	return dummy.h
}

// ChangePassword lets a signed-in user replace their own password.
func (s *Service) ChangePassword(ctx context.Context, username, old, nw string) (*User, error) {
	u, err := s.Store.GetUser(ctx, NormUsername(username))
	if err != nil {
		return nil, err
	}
	ok, _, err := Check(u.PasswordHash, old, s.Params)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, motcua.Invalid(ErrBadCredentials, "old_password", "Mật khẩu hiện tại không đúng", "the current password is wrong")
	}
	if err := CheckPassword(u.Username, nw, "new_password"); err != nil {
		return nil, err
	}
	if nw == old {
		return nil, motcua.Invalid(ErrWeakPassword, "new_password", "Mật khẩu mới phải khác mật khẩu cũ", "the new password must differ from the old one")
	}
	if u.PasswordHash, err = Hash(nw, s.Params); err != nil {
		return nil, err
	}
	now := s.now()
	u.MustChange, u.UpdatedAt = false, now
	return u, s.Store.UpdateUser(ctx, u, app.AuditEntry{At: now, Actor: u.Username, Action: "user.passwd", Subject: u.Username})
}

// ResetPassword sets a temporary password that the user must change at
// the next sign-in, and unlocks the account.
func (s *Service) ResetPassword(ctx context.Context, actor *User, username, temp string) error {
	if err := forbidden(actor, PermUsers); err != nil {
		return err
	}
	u, err := s.Store.GetUser(ctx, NormUsername(username))
	if err != nil {
		return err
	}
	if err := CheckPassword(u.Username, temp, "password"); err != nil {
		return err
	}
	if u.PasswordHash, err = Hash(temp, s.Params); err != nil {
		return err
	}
	now := s.now()
	u.MustChange, u.Failed, u.LockedUntil, u.UpdatedAt = true, 0, time.Time{}, now
	return s.Store.UpdateUser(ctx, u, app.AuditEntry{At: now, Actor: actor.Username, Action: "user.reset", Subject: u.Username})
}

// Update changes a user's full name, role and whether the account is
// disabled. The last active administrator can neither be demoted nor
// disabled, and nobody disables their own account.
func (s *Service) Update(ctx context.Context, actor *User, username, fullName string, role Role, disabled bool) (*User, error) {
	if err := forbidden(actor, PermUsers); err != nil {
		return nil, err
	}
	u, err := s.Store.GetUser(ctx, NormUsername(username))
	if err != nil {
		return nil, err
	}
	fullName = motcua.Clean(fullName)
	if fullName == "" {
		return nil, motcua.Invalid(motcua.ErrRequired, "full_name", "Chưa nhập họ tên cán bộ", "the full name is missing")
	}
	if !role.Valid() {
		return nil, motcua.Invalid(motcua.ErrBadValue, "role", "Vai trò «%s» không hợp lệ", "role %q is invalid", role)
	}
	if disabled && u.Username == actor.Username {
		return nil, motcua.Invalid(ErrLastAdmin, "disabled", "Không tự khóa tài khoản của chính mình", "you cannot disable your own account")
	}
	if u.Role == RoleAdmin && !u.Disabled && (role != RoleAdmin || disabled) {
		us, err := s.Store.ListUsers(ctx)
		if err != nil {
			return nil, err
		}
		admins := 0
		for _, o := range us {
			if o.Role == RoleAdmin && !o.Disabled {
				admins++
			}
		}
		if admins <= 1 {
			return nil, motcua.Invalid(ErrLastAdmin, "role", "%s là quản trị duy nhất: tạo quản trị khác trước",
				"%s is the only administrator: create another one first", u.Username)
		}
	}
	detail, _ := json.Marshal(map[string]any{"full_name": fullName, "role": role, "disabled": disabled})
	now := s.now()
	u.FullName, u.Role, u.Disabled, u.UpdatedAt = fullName, role, disabled, now
	if !disabled {
		u.Failed, u.LockedUntil = 0, time.Time{}
	}
	return u, s.Store.UpdateUser(ctx, u, app.AuditEntry{At: now, Actor: actor.Username, Action: "user.update", Subject: u.Username, Detail: string(detail)})
}

// SavePrefs stores the user's display preferences (no audit entry: they
// change nothing anybody else sees).
func (s *Service) SavePrefs(ctx context.Context, username string, p Prefs) error {
	u, err := s.Store.GetUser(ctx, NormUsername(username))
	if err != nil {
		return err
	}
	u.Prefs = p
	return s.Store.UpdateUser(ctx, u, app.AuditEntry{})
}

// UseProcedure puts a procedure first in the user's recent list.
func (s *Service) UseProcedure(ctx context.Context, username, code string) ([]string, error) {
	u, err := s.Store.GetUser(ctx, NormUsername(username))
	if err != nil {
		return nil, err
	}
	r := []string{code}
	for _, c := range u.Prefs.Recent {
		if c != code && len(r) < MaxRecent {
			r = append(r, c)
		}
	}
	u.Prefs.Recent = r
	return r, s.Store.UpdateUser(ctx, u, app.AuditEntry{})
}

// ChangePasswordAfterReset sets the new password of a user who has just
// signed in with the temporary password an administrator gave them.
func (s *Service) ChangePasswordAfterReset(ctx context.Context, u *User, nw string) (*User, error) {
	if u == nil || !u.MustChange {
		return nil, motcua.Invalid(ErrForbidden, "new_password", "Tài khoản không ở trạng thái phải đổi mật khẩu", "the account is not waiting for a new password")
	}
	cur, err := s.Store.GetUser(ctx, u.Username)
	if err != nil {
		return nil, err
	}
	if err := CheckPassword(cur.Username, nw, "new_password"); err != nil {
		return nil, err
	}
	if same, _, _ := Check(cur.PasswordHash, nw, s.Params); same {
		return nil, motcua.Invalid(ErrWeakPassword, "new_password", "Mật khẩu mới phải khác mật khẩu tạm", "the new password must differ from the temporary one")
	}
	if cur.PasswordHash, err = Hash(nw, s.Params); err != nil {
		return nil, err
	}
	now := s.now()
	cur.MustChange, cur.UpdatedAt = false, now
	return cur, s.Store.UpdateUser(ctx, cur, app.AuditEntry{At: now, Actor: cur.Username, Action: "user.passwd", Subject: cur.Username})
}

// Provision creates an account from the command line, which runs with the
// authority of whoever can write the data directory (the installer, the
// support technician): no signed-in administrator is needed. The user
// chooses their own password at the first sign-in.
func (s *Service) Provision(ctx context.Context, actor string, nu NewUser) (*User, error) {
	return s.create(ctx, actor, nu, true)
}

// ProvisionReset sets a temporary password from the command line (a
// forgotten administrator password) and unlocks the account.
func (s *Service) ProvisionReset(ctx context.Context, actor, username, temp string) error {
	u, err := s.Store.GetUser(ctx, NormUsername(username))
	if err != nil {
		return err
	}
	if err := CheckPassword(u.Username, temp, "password"); err != nil {
		return err
	}
	if u.PasswordHash, err = Hash(temp, s.Params); err != nil {
		return err
	}
	now := s.now()
	u.MustChange, u.Failed, u.LockedUntil, u.Disabled, u.UpdatedAt = true, 0, time.Time{}, false, now
	return s.Store.UpdateUser(ctx, u, app.AuditEntry{At: now, Actor: actor, Action: "user.reset", Subject: u.Username})
}

// ErrBadHash is the code of a password hash that is not an argon2id PHC
// string this package can check.
const ErrBadHash = "ERR_BAD_PASSWORD_HASH"

// CheckHash reports whether hash is an argon2id PHC string
// ($argon2id$v=19$m=…,t=…,p=…$salt$key) that SignIn can check.
func CheckHash(hash, field string) error {
	if _, _, _, err := parseHash(hash); err != nil {
		return motcua.Invalid(ErrBadHash, field,
			"Mã băm mật khẩu không hợp lệ: phải là chuỗi argon2id dạng $argon2id$v=19$m=…,t=…,p=…$…$… (quy tắc: mã băm argon2id)",
			"the password hash is invalid: it must be an argon2id string $argon2id$v=19$m=…,t=…,p=…$…$… (rule: argon2id hash)")
	}
	return nil
}

// CheckFirstAdmin checks an administrator given as a username, a full name
// and a password hash (a station profile's), field naming where it comes
// from ("profile.admin").
func CheckFirstAdmin(username, fullName, hash, field string) error {
	if err := CheckAdminName(username, fullName, field); err != nil {
		return err
	}
	return CheckHash(hash, field+".password_hash")
}

// CheckAdminName checks the username (already lower case) and the full
// name of an administrator given in a file; field prefixes the fields.
func CheckAdminName(username, fullName, field string) error {
	u := NormUsername(username)
	if u != username {
		return motcua.Invalid(motcua.ErrBadValue, field+".username",
			"Tên đăng nhập «%s» phải viết thường, không có khoảng trắng", "username %q must be lower case without spaces", username)
	}
	if err := validUsername(u); err != nil {
		if e, ok := motcua.AsError(err); ok {
			e.Field = field + ".username"
		}
		return err
	}
	if motcua.Clean(fullName) == "" {
		return motcua.Invalid(motcua.ErrRequired, field+".full_name", "Chưa có họ tên của quản trị", "the administrator's full name is missing")
	}
	return nil
}

// ProvisionFirstAdmin creates the first administrator from a password hash
// set by the province (a station profile): the person at the PC signs in
// with the password or one-time set-up code the province gave them and
// must choose their own at once. It creates nothing when the PC already has
// accounts (a profile applied again, or renewed, never resets a password
// the administrator has chosen) and then reports created = false.
func (s *Service) ProvisionFirstAdmin(ctx context.Context, actor, username, fullName, hash string) (u *User, created bool, err error) {
	if err := CheckFirstAdmin(username, fullName, hash, "admin"); err != nil {
		return nil, false, err
	}
	has, err := s.HasUsers(ctx)
	if err != nil || has {
		return nil, false, err
	}
	now := s.now()
	u = &User{Username: username, FullName: motcua.Clean(fullName), Role: RoleAdmin, PasswordHash: hash, MustChange: true,
		CreatedAt: now, UpdatedAt: now}
	a := app.AuditEntry{At: now, Actor: actor, Action: "user.create", Subject: u.Username, Detail: string(u.Role) + " (hồ sơ cấu hình)"}
	if err := s.Store.CreateUser(ctx, u, a); err != nil {
		return nil, false, err
	}
	return u, true, nil
}

// setupAlphabet has no 0/O, 1/I/L: a set-up code is read off paper.
const setupAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// NewSetupCode returns a random one-time set-up code, XXXX-XXXX-XXXX from
// 31 unambiguous letters and digits (about 59 bits): the first password of
// an administrator created by a station profile, handed over on paper and
// changed at the first sign-in.
func NewSetupCode() (string, error) {
	var b [12]byte
	out := make([]byte, 0, 14)
	for i := 0; i < len(b); {
		if _, err := rand.Read(b[i : i+1]); err != nil {
			return "", err
		}
		if int(b[i]) >= 256/len(setupAlphabet)*len(setupAlphabet) { // no modulo bias
			continue
		}
		if i > 0 && i%4 == 0 {
			out = append(out, '-')
		}
		out = append(out, setupAlphabet[int(b[i])%len(setupAlphabet)])
		i++
	}
	return string(out), nil
}
