package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"motcua"
)

// IntegrityCheck runs SQLite's integrity_check (pages, indexes and the
// full-text index) and foreign_key_check, then the invariants of a dossier
// write: every dossier has a history numbered 0…n-1 and at least one outbox
// message. Errors: KindInternal ErrIntegrity listing the first problems.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	var problems []string
	err := s.read(ctx, func(tx *sql.Tx) error {
		checks := []struct{ name, q string }{
			{"integrity_check", `PRAGMA integrity_check(20)`},
			{"foreign_key_check", `SELECT "table" || ' rowid ' || coalesce(rowid, '?') || ' → ' || parent FROM pragma_foreign_key_check LIMIT 20`},
			{"dossier without history", `SELECT code FROM dossiers d WHERE NOT EXISTS (SELECT 1 FROM history h WHERE h.dossier_code = d.code) LIMIT 20`},
			{"dossier without outbox message", `SELECT code FROM dossiers d WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.dossier_code = d.code) LIMIT 20`},
			{"history not numbered 0…n-1", `SELECT dossier_code FROM history GROUP BY dossier_code HAVING count(*) != max(idx) + 1 LIMIT 20`},
		}
		for _, c := range checks {
			rows, err := tx.QueryContext(ctx, c.q)
			if err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
			for rows.Next() {
				var v string
				if err := rows.Scan(&v); err != nil {
					rows.Close()
					return fmt.Errorf("%s: %w", c.name, err)
				}
				if c.name == "integrity_check" && v == "ok" {
					continue
				}
				problems = append(problems, c.name+": "+v)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if err := rows.Err(); err != nil {
				return fmt.Errorf("%s: %w", c.name, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if len(problems) > 0 {
		e := motcua.Errorf(motcua.KindInternal, ErrIntegrity, "data",
			"Cơ sở dữ liệu %s bị hỏng hoặc không nhất quán (%d lỗi); hãy khôi phục từ bản sao lưu",
			"database %s is damaged or inconsistent (%d problems); restore it from a backup", s.path, len(problems))
		e.Err = fmt.Errorf("%s", strings.Join(problems, "; "))
		return e
	}
	return nil
}
