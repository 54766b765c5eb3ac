package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"motcua"
	"motcua/app"
)

const sqlSettingPut = `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
	ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`

// Setting returns the value stored under key and whether there is one.
func (s *Store) Setting(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := s.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("read setting %s: %w", key, err)
	}
	return v, true, nil
}

// SetSetting stores value under key and appends the audit entry, in one
// transaction. Errors: KindInvalid motcua.ErrRequired for an empty key.
func (s *Store) SetSetting(ctx context.Context, key, value string, a app.AuditEntry) error {
	if key == "" {
		return motcua.Invalid(motcua.ErrRequired, "key", "Chưa có tên thiết lập", "the setting has no name")
	}
	value = nfc(value)
	err := s.write(ctx, func(w *wtx) error {
		if _, err := w.exec(sqlSettingPut, key, value, ms(w.now)); err != nil {
			return err
		}
		return w.audit(withDefaults(a, "setting.set", key))
	})
	if err != nil {
		return fmt.Errorf("set setting %s: %w", key, err)
	}
	return nil
}
