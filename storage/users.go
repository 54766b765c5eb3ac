package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
)

var _ accounts.Store = (*Store)(nil)

const userCols = `username, full_name, role, password_hash, must_change, disabled, failed,
	locked_until, last_login, created_at, updated_at, prefs`

func userNotFound(name string) error {
	return motcua.Errorf(motcua.KindNotFound, motcua.ErrNotFound, "username",
		"Không có tài khoản %s", "no account %s", name)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CreateUser stores a new account and its audit entry in one transaction.
// Errors: KindConflict motcua.ErrDuplicate when the username is taken.
func (s *Store) CreateUser(ctx context.Context, u *accounts.User, a app.AuditEntry) error {
	prefs, err := json.Marshal(u.Prefs)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(w *wtx) error {
		var n int
		if err := w.queryRow(`SELECT count(*) FROM users WHERE username = ?`, u.Username).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return motcua.Errorf(motcua.KindConflict, motcua.ErrDuplicate, "username",
				"Tên đăng nhập %s đã có", "username %s is taken", u.Username)
		}
		if _, err := w.exec(`INSERT INTO users (`+userCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			u.Username, nfc(u.FullName), string(u.Role), u.PasswordHash, b2i(u.MustChange), b2i(u.Disabled), u.Failed,
			nullMS(u.LockedUntil), nullMS(u.LastLogin), ms(u.CreatedAt), ms(u.UpdatedAt), string(prefs)); err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		return w.audit(withDefaults(a, "user.create", u.Username))
	})
	if err != nil {
		return fmt.Errorf("create user %s: %w", u.Username, err)
	}
	return nil
}

func scanUser(sc interface{ Scan(...any) error }) (*accounts.User, error) {
	var (
		u                accounts.User
		role, prefs      string
		must, disabled   int
		locked, last     sql.NullInt64
		created, updated int64
	)
	if err := sc.Scan(&u.Username, &u.FullName, &role, &u.PasswordHash, &must, &disabled, &u.Failed,
		&locked, &last, &created, &updated, &prefs); err != nil {
		return nil, err
	}
	u.Role, u.MustChange, u.Disabled = accounts.Role(role), must == 1, disabled == 1
	u.LockedUntil, u.LastLogin = fromNullMS(locked), fromNullMS(last)
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
	if err := json.Unmarshal([]byte(prefs), &u.Prefs); err != nil {
		return nil, fmt.Errorf("user %s: prefs: %w", u.Username, err)
	}
	return &u, nil
}

// GetUser returns one account. Errors: KindNotFound motcua.ErrNotFound.
func (s *Store) GetUser(ctx context.Context, username string) (*accounts.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE username = ?`, username))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, userNotFound(username)
	}
	if err != nil {
		return nil, fmt.Errorf("get user %s: %w", username, err)
	}
	return u, nil
}

// UpdateUser saves an account (all but username and creation time) and,
// when a.Action is set, its audit entry, in one transaction.
// Errors: KindNotFound motcua.ErrNotFound.
func (s *Store) UpdateUser(ctx context.Context, u *accounts.User, a app.AuditEntry) error {
	prefs, err := json.Marshal(u.Prefs)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(w *wtx) error {
		res, err := w.exec(`UPDATE users SET full_name = ?, role = ?, password_hash = ?, must_change = ?, disabled = ?,
			failed = ?, locked_until = ?, last_login = ?, updated_at = ?, prefs = ? WHERE username = ?`,
			nfc(u.FullName), string(u.Role), u.PasswordHash, b2i(u.MustChange), b2i(u.Disabled), u.Failed,
			nullMS(u.LockedUntil), nullMS(u.LastLogin), ms(u.UpdatedAt), string(prefs), u.Username)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return userNotFound(u.Username)
		}
		if a.Action == "" {
			return nil
		}
		return w.audit(withDefaults(a, "user.update", u.Username))
	})
	if err != nil {
		return fmt.Errorf("update user %s: %w", u.Username, err)
	}
	return nil
}

// ListUsers returns every account, by username.
func (s *Store) ListUsers(ctx context.Context) ([]*accounts.User, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var us []*accounts.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		us = append(us, u)
	}
	return us, rows.Err()
}
