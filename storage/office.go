package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"motcua"
	"motcua/app"
)

// The office LAN (sync/office) replicates dossiers between the stations of
// one office. This file is its side of the store: which dossiers this station
// still has to publish, the applied position in each peer's stream, applying
// a peer's dossier in one transaction, and the conflicts found on the way.

const sqlOfficePending = `INSERT INTO office_pending (dossier_code, rev) VALUES (?, 1)
	ON CONFLICT (dossier_code) DO UPDATE SET rev = rev + 1`

// officePending marks the dossier as written here since its last publication
// on the office LAN.
func (w *wtx) officePending(code string) error {
	if _, err := w.exec(sqlOfficePending, code); err != nil {
		return fmt.Errorf("mark %s for the office: %w", code, err)
	}
	return nil
}

// OfficeItem is a dossier to publish on the station's own stream.
type OfficeItem struct {
	Dossier *motcua.Dossier
	// Rev is the write counter read with it; OfficePublished removes the
	// mark only if no write came after.
	Rev int64
	// Owned: this station delivers the dossier to the province (it accepted
	// it); false for a replica of another station's dossier changed here.
	Owned bool
}

// OfficePending returns up to limit dossiers written here and not yet
// published, oldest mark first.
func (s *Store) OfficePending(ctx context.Context, limit int) ([]OfficeItem, error) {
	var items []OfficeItem
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT p.dossier_code, p.rev, d.replica FROM office_pending p
			JOIN dossiers d ON d.code = p.dossier_code ORDER BY p.rowid LIMIT ?`, limit)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		type mark struct {
			code    string
			rev     int64
			replica bool
		}
		var marks []mark
		for rows.Next() {
			var m mark
			if err := rows.Scan(&m.code, &m.rev, &m.replica); err != nil {
				rows.Close()
				return err
			}
			marks = append(marks, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, m := range marks {
			ds, err := queryDossiers(ctx, tx, `SELECT `+dossierCols+` FROM dossiers d WHERE d.code = ?`, m.code)
			if err != nil {
				return err
			}
			if len(ds) == 1 {
				items = append(items, OfficeItem{Dossier: ds[0], Rev: m.rev, Owned: !m.replica})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("office: pending dossiers: %w", err)
	}
	return items, nil
}

// OfficePublished removes the mark of code if it is still at rev.
func (s *Store) OfficePublished(ctx context.Context, code string, rev int64) error {
	err := s.write(ctx, func(w *wtx) error {
		_, err := w.exec(`DELETE FROM office_pending WHERE dossier_code = ? AND rev = ?`, code, rev)
		return err
	})
	if err != nil {
		return fmt.Errorf("office: mark %s published: %w", code, err)
	}
	return nil
}

// OfficeCursor is the last message of origin's stream applied here (0: none).
func (s *Store) OfficeCursor(ctx context.Context, origin int) (uint64, error) {
	var seq uint64
	err := s.r.QueryRowContext(ctx, `SELECT seq FROM office_cursor WHERE origin = ?`, origin).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("office: cursor of station %d: %w", origin, err)
	}
	return seq, nil
}

// OfficeConflict is a change of this office that did not stand: another
// station's change of the same dossier came first in its owner's order.
type OfficeConflict struct {
	ID         int64     `json:"id,omitempty"`
	Code       string    `json:"code"`
	DetectedAt time.Time `json:"detected_at"`
	// Station is where the losing change was undone or refused: the
	// owner refusing a peer's change, or a peer following the owner.
	Station int                   `json:"station"`
	Lost    []motcua.HistoryEntry `json:"lost"`
	// Owner is the station whose order decided (it delivers the dossier).
	Owner int                   `json:"owner"`
	Won   []motcua.HistoryEntry `json:"won"`
}

// OfficeChange is what the office LAN decided for one message of a peer.
type OfficeChange struct {
	// Dossier is the new state; nil leaves the stored dossier as it is.
	Dossier *motcua.Dossier
	// Keep is how many entries of the stored history stay; the rest are
	// replaced by Dossier.History[Keep:]. Ignored for a new dossier.
	Keep int
	// Deliver queues the outbox message: the owner took a peer's change,
	// which the province must hear of.
	Deliver bool
	// Publish marks the dossier for this station's own stream (the owner's
	// decision, which the other stations follow).
	Publish bool
	// Conflict, if any, is recorded for the officers.
	Conflict *OfficeConflict
	Audit    app.AuditEntry
}

// OfficeApply applies message seq of origin's stream: fn sees the stored
// dossier code (nil if absent) and whether it is a replica, and returns the
// change. The change, the conflict, the audit entry and the new cursor are
// one transaction; a message at or below the cursor is skipped (false).
// A new dossier is stored as a replica: its owner delivers it.
func (s *Store) OfficeApply(ctx context.Context, origin int, seq uint64, code string,
	fn func(stored *motcua.Dossier, replica bool) (OfficeChange, error)) (bool, error) {
	applied := false
	err := s.write(ctx, func(w *wtx) error {
		var cur uint64
		err := w.queryRow(`SELECT seq FROM office_cursor WHERE origin = ?`, origin).Scan(&cur)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if seq <= cur {
			return nil
		}
		applied = true
		if err := w.officeApply(code, fn); err != nil {
			return err
		}
		_, err = w.exec(`INSERT INTO office_cursor (origin, seq) VALUES (?, ?)
			ON CONFLICT (origin) DO UPDATE SET seq = excluded.seq`, origin, seq)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("office: apply message %d of station %d (%s): %w", seq, origin, code, err)
	}
	return applied, nil
}

func (w *wtx) officeApply(code string, fn func(*motcua.Dossier, bool) (OfficeChange, error)) error {
	ds, err := queryDossiers(w.ctx, w.tx, `SELECT `+dossierCols+` FROM dossiers d WHERE d.code = ?`, code)
	if err != nil {
		return err
	}
	var stored *motcua.Dossier
	var id int64
	replica := true
	if len(ds) == 1 {
		stored = ds[0]
		if err := w.queryRow(sqlStored, code).Scan(&id, new(int), new(int)); err != nil {
			return err
		}
		if err := w.queryRow(sqlReplica, id).Scan(&replica); err != nil {
			return err
		}
	}
	ch, err := fn(stored, replica)
	if err != nil {
		return err
	}
	if ch.Conflict != nil {
		if err := w.officeConflict(ch.Conflict); err != nil {
			return err
		}
	}
	if ch.Dossier != nil {
		n, err := normalise(ch.Dossier)
		if err != nil {
			return err
		}
		if n.Code != code {
			return fmt.Errorf("the change names dossier %s", n.Code)
		}
		if stored == nil {
			if err := w.insertReplica(&n); err != nil {
				return err
			}
		} else {
			if ch.Keep < 0 || ch.Keep > len(stored.History) || ch.Keep > len(n.History) {
				return fmt.Errorf("keep %d of %d history entries", ch.Keep, len(stored.History))
			}
			cols, err := w.columns(&n)
			if err != nil {
				return err
			}
			if err := w.track(code); err != nil {
				return err
			}
			if _, err := w.exec(dossierUpdate, append(cols, id)...); err != nil {
				return fmt.Errorf("update dossier row: %w", err)
			}
			if _, err := w.exec(`DELETE FROM history WHERE dossier_code = ? AND idx >= ?`, code, ch.Keep); err != nil {
				return err
			}
			if err := w.history(&n, ch.Keep); err != nil {
				return err
			}
			if err := w.index(id, &n, true); err != nil {
				return err
			}
		}
		if ch.Deliver {
			if err := w.outbox(&n); err != nil {
				return err
			}
		}
		if ch.Publish {
			if err := w.officePending(code); err != nil {
				return err
			}
		}
	}
	if ch.Audit.Action == "" {
		return nil
	}
	return w.audit(withDefaults(ch.Audit, "office.apply", code))
}

// insertReplica stores another station's dossier: no outbox message, no
// publication (it is already in its owner's stream).
func (w *wtx) insertReplica(d *motcua.Dossier) error {
	w.trackNew(d)
	cols, err := w.columns(d)
	if err != nil {
		return err
	}
	res, err := w.exec(dossierInsert, append([]any{d.Code}, cols...)...)
	if err != nil {
		return fmt.Errorf("insert dossier row: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	if _, err := w.exec(`UPDATE dossiers SET replica = 1 WHERE id = ?`, id); err != nil {
		return err
	}
	if err := w.history(d, 0); err != nil {
		return err
	}
	return w.index(id, d, false)
}

func (w *wtx) officeConflict(c *OfficeConflict) error {
	lost, err := json.Marshal(c.Lost)
	if err != nil {
		return err
	}
	won, err := json.Marshal(c.Won)
	if err != nil {
		return err
	}
	_, err = w.exec(`INSERT INTO office_conflicts (dossier_code, detected_at, station, lost, owner, won)
		VALUES (?, ?, ?, ?, ?, ?)`, c.Code, ms(w.now), c.Station, string(lost), c.Owner, string(won))
	if err != nil {
		return fmt.Errorf("record conflict on %s: %w", c.Code, err)
	}
	return nil
}

// OfficeConflicts lists the recorded conflicts, of one dossier or (code "")
// of every dossier, oldest first.
func (s *Store) OfficeConflicts(ctx context.Context, code string) ([]OfficeConflict, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, dossier_code, detected_at, station, lost, owner, won
		FROM office_conflicts WHERE ? = '' OR dossier_code = ? ORDER BY id`, code, code)
	if err != nil {
		return nil, fmt.Errorf("office: conflicts: %w", err)
	}
	defer rows.Close()
	var out []OfficeConflict
	for rows.Next() {
		var c OfficeConflict
		var at int64
		var lost, won string
		if err := rows.Scan(&c.ID, &c.Code, &at, &c.Station, &lost, &c.Owner, &won); err != nil {
			return nil, err
		}
		c.DetectedAt = fromMS(at)
		if err := errors.Join(json.Unmarshal([]byte(lost), &c.Lost), json.Unmarshal([]byte(won), &c.Won)); err != nil {
			return nil, fmt.Errorf("office: conflict %d: %w", c.ID, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// OfficeReplica reports whether the stored dossier code is a replica of
// another station's (its owner delivers it to the province).
func (s *Store) OfficeReplica(ctx context.Context, code string) (bool, error) {
	var replica bool
	err := s.r.QueryRowContext(ctx, `SELECT replica FROM dossiers WHERE code = ?`, code).Scan(&replica)
	if errors.Is(err, sql.ErrNoRows) {
		return false, notFound(code)
	}
	return replica, err
}

// OfficeCodes returns the code of every stored dossier, in code order.
func (s *Store) OfficeCodes(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT code FROM dossiers ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		codes = append(codes, c)
	}
	return codes, rows.Err()
}

// OfficeOwnedCount is how many stored dossiers this station owns (accepted
// here, delivered from here), as opposed to replicas of its peers'.
func (s *Store) OfficeOwnedCount(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM dossiers WHERE replica = 0`).Scan(&n); err != nil {
		return 0, fmt.Errorf("office: count owned dossiers: %w", err)
	}
	return n, nil
}
