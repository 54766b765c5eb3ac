package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"motcua"
	"motcua/app"
)

// Sessions let a command-line process act as a signed-in account: the
// officer signs in once (password prompt: OpenSession), the CLI keeps the
// token (e.g. in a file of the user's own profile, mode 0600, or the
// MOTCUA_SESSION variable) and each later command resolves it
// (ResolveSession) to the app.Actor its service calls take. A session ends
// at its expiry, when closed, or when the account is disabled or its role
// changes; the password change does not end it (it is the same person).
//
// Only a SHA-256 of the token is stored (settings key "session.<hex>"), so
// a copy of the database opens no session.

// Stable error codes of sessions.
const (
	ErrSessionInvalid = "ERR_SESSION_INVALID" // no such session, expired or closed: sign in again
)

// MaxSession is the longest session allowed (a working day).
const MaxSession = 10 * time.Hour

// Session is an open session. Token is shown once, to the process that
// opened it.
type Session struct {
	Token    string
	Username string
	Role     Role
	Expires  time.Time
}

type sessionRecord struct {
	Username string    `json:"username"`
	Role     Role      `json:"role"`
	Opened   time.Time `json:"opened"`
	Expires  time.Time `json:"expires"`
}

const sessionPrefix = "session."

func sessionKey(token string) string {
	h := sha256.Sum256([]byte(token))
	return sessionPrefix + hex.EncodeToString(h[:])
}

// OpenSession signs username in with password (the lockout and audit of
// SignIn apply) and opens a session lasting ttl (at most MaxSession; 0 means
// MaxSession). Errors: SignIn's; KindInvalid ErrBadValue (field ttl) for a
// negative ttl; ErrForbidden for an account that must first choose its
// password (the window does that).
func (s *Service) OpenSession(ctx context.Context, username, password string, ttl time.Duration) (*Session, error) {
	if ttl < 0 {
		return nil, motcua.Invalid(motcua.ErrBadValue, "ttl", "Thời hạn phiên không được âm", "the session length cannot be negative")
	}
	if ttl == 0 || ttl > MaxSession {
		ttl = MaxSession
	}
	u, err := s.SignIn(ctx, username, password)
	if err != nil {
		return nil, err
	}
	if u.MustChange {
		return nil, motcua.Invalid(ErrForbidden, "password", "Tài khoản %s phải đổi mật khẩu tạm trước (đăng nhập trên cửa sổ Một Cửa)",
			"account %s must first replace its temporary password (sign in in the Một Cửa window)", u.Username)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, err
	}
	token := "mcs_" + base64.RawURLEncoding.EncodeToString(raw[:])
	now := s.now()
	rec := sessionRecord{Username: u.Username, Role: u.Role, Opened: now, Expires: now.Add(ttl).Truncate(time.Second)}
	b, _ := json.Marshal(rec)
	a := app.AuditEntry{At: now, Actor: u.Username, Action: "auth.session.open", Subject: u.Username,
		Detail: "hết hạn " + motcua.FormatTime(rec.Expires)}
	if err := s.Store.SetSetting(ctx, sessionKey(token), string(b), a); err != nil {
		return nil, err
	}
	return &Session{Token: token, Username: u.Username, Role: u.Role, Expires: rec.Expires}, nil
}

// ResolveSession returns the actor of an open session. The account is read
// again: disabled, or its role changed since, ends the session. Errors:
// KindInvalid ErrSessionInvalid (field session).
func (s *Service) ResolveSession(ctx context.Context, token string) (app.Actor, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return app.Actor{}, invalidSession()
	}
	v, ok, err := s.Store.Setting(ctx, sessionKey(token))
	if err != nil {
		return app.Actor{}, err
	}
	var rec sessionRecord
	if !ok || v == "" || json.Unmarshal([]byte(v), &rec) != nil {
		return app.Actor{}, invalidSession()
	}
	if !s.now().Before(rec.Expires) {
		return app.Actor{}, motcua.Invalid(ErrSessionInvalid, "session", "Phiên đăng nhập của %s đã hết hạn lúc %s: đăng nhập lại",
			"the session of %s expired at %s: sign in again", rec.Username, motcua.FormatTime(rec.Expires))
	}
	u, err := s.Store.GetUser(ctx, rec.Username)
	if err != nil || u.Disabled || u.Role != rec.Role {
		return app.Actor{}, invalidSession()
	}
	return u.Actor(), nil
}

// CloseSession ends a session (sign-out); closing an unknown one is not
// an error.
func (s *Service) CloseSession(ctx context.Context, token string) error {
	key := sessionKey(strings.TrimSpace(token))
	v, ok, err := s.Store.Setting(ctx, key)
	if err != nil || !ok || v == "" {
		return err
	}
	var rec sessionRecord
	json.Unmarshal([]byte(v), &rec)
	return s.Store.SetSetting(ctx, key, "", app.AuditEntry{At: s.now(), Actor: rec.Username, Action: "auth.session.close", Subject: rec.Username})
}

func invalidSession() error {
	return motcua.Invalid(ErrSessionInvalid, "session", "Phiên đăng nhập không hợp lệ hoặc đã kết thúc: đăng nhập lại",
		"the session is invalid or has ended: sign in again")
}
