package storage

import (
	"context"
	"errors"
	"fmt"

	"motcua"
	"motcua/app"
)

// pullCursorKey is the setting that keeps the province's change-feed cursor.
const pullCursorKey = "sync.pull.cursor"

// Cursor returns the change-feed cursor saved by the last ApplyPage, "" at
// first.
func (s *Store) Cursor(ctx context.Context) (string, error) {
	v, _, err := s.Setting(ctx, pullCursorKey)
	return v, err
}

// ApplyPage applies one page of the province's change feed in one
// transaction: for each code in order it loads the dossier (nil when it is
// not stored here) and calls fn, which changes the dossier in place; when
// fn reports a change, the dossier row and the history entries fn appended
// are saved, with an audit entry. Then cursor is saved. If anything fails,
// nothing is saved.
//
// No outbox message is queued: the change came from the province. The
// idempotency keys of later local writes stay unique because the history
// only grows.
func (s *Store) ApplyPage(ctx context.Context, cursor string, codes []string,
	fn func(code string, d *motcua.Dossier) (changed bool, err error)) error {
	err := s.write(ctx, func(w *wtx) error {
		for _, code := range codes {
			if err := w.pull(code, fn); err != nil {
				return fmt.Errorf("%s: %w", code, err)
			}
		}
		_, err := w.exec(sqlSettingPut, pullCursorKey, nfc(cursor), ms(w.now))
		return err
	})
	if err != nil {
		return fmt.Errorf("apply pulled page: %w", err)
	}
	return nil
}

func (w *wtx) pull(code string, fn func(string, *motcua.Dossier) (bool, error)) error {
	ds, err := queryDossiers(w.ctx, w.tx, `SELECT `+dossierCols+` FROM dossiers d WHERE d.code = ?`, code)
	if err != nil {
		return err
	}
	if len(ds) == 0 {
		_, err := fn(code, nil)
		return err
	}
	d := ds[0]
	prevStatus, prevHistory := d.Status, len(d.History)
	changed, err := fn(code, d)
	if err != nil || !changed {
		return err
	}
	n, err := normalise(d)
	if err != nil {
		return err
	}
	if n.Code != code || len(n.History) < prevHistory {
		return errors.New("the change rewrote the dossier's code or history")
	}
	var id int64
	if err := w.queryRow(sqlStored, code).Scan(&id, new(int), new(int)); err != nil {
		return err
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
	if err := w.history(&n, prevHistory); err != nil {
		return err
	}
	if err := w.index(id, &n, true); err != nil {
		return err
	}
	if err := w.officePending(code); err != nil {
		return err
	}
	return w.audit(withDefaults(auditPull(prevStatus, &n, prevHistory), "dossier.pull", code))
}

// auditPull describes a change pulled from the province.
func auditPull(prev motcua.Status, d *motcua.Dossier, prevHistory int) app.AuditEntry {
	actor := "system"
	if len(d.History) > prevHistory && d.History[len(d.History)-1].Actor != "" {
		actor = d.History[len(d.History)-1].Actor
	}
	return app.AuditEntry{Actor: actor, Detail: fmt.Sprintf("%s → %s; %d bước lịch sử mới từ tỉnh",
		prev.Name(), d.Status.Name(), len(d.History)-prevHistory)}
}
