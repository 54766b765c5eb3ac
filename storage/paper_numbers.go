package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"motcua"
	"motcua/app"
)

const (
	sqlPaperNumberGet = `SELECT number FROM paper_numbers WHERE dossier_code = ? AND series = ?`
	sqlPaperSeqTake   = `INSERT INTO paper_seq (series, year, station_k, station_n, next_index) VALUES (?, ?, ?, ?, 1)
		ON CONFLICT (series, year, station_k, station_n) DO UPDATE SET next_index = next_index + 1
		RETURNING next_index - 1`
	sqlPaperNumberUsed = `SELECT 1 FROM paper_numbers WHERE series = ? AND year = ? AND number = ?`
	sqlPaperNumberPut  = `INSERT INTO paper_numbers (dossier_code, series, year, number, issued_at) VALUES (?, ?, ?, ?, ?)`
)

// PaperNumber returns the document number of dossier code's paper of the
// series (TNHS, HDHS, TCHS, …): the number it was given when first printed,
// or, the first time, the next number of this station's partition of the
// series' year (station K of N takes K, K+N, K+2N, …, like dossier codes, so
// the counters of one office never print the same number). A new number is
// recorded with the audit entry a in the same transaction.
func (s *Store) PaperNumber(ctx context.Context, code, series string, year int, st motcua.Station, a app.AuditEntry) (int, error) {
	if series == "" || len(series) > 16 {
		return 0, motcua.Invalid(motcua.ErrBadValue, "series", "Ký hiệu sổ văn bản «%s» không hợp lệ (1–16 ký tự)",
			"paper series %q is invalid (1–16 characters)", series)
	}
	if err := st.Validate(); err != nil {
		return 0, err
	}
	var n int
	err := s.write(ctx, func(w *wtx) error {
		switch err := w.queryRow(sqlPaperNumberGet, code, series).Scan(&n); {
		case err == nil:
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if ok, err := w.exists(code); err != nil {
			return err
		} else if !ok {
			return motcua.Errorf(motcua.KindNotFound, motcua.ErrNotFound, "code", "Không có hồ sơ %s", "no dossier %s", code)
		}
		for {
			var i int
			if err := w.queryRow(sqlPaperSeqTake, series, year, st.K, st.N).Scan(&i); err != nil {
				return fmt.Errorf("advance paper sequence: %w", err)
			}
			n = st.K + i*st.N
			var one int
			switch err := w.queryRow(sqlPaperNumberUsed, series, year, n).Scan(&one); {
			case errors.Is(err, sql.ErrNoRows):
				if _, err := w.exec(sqlPaperNumberPut, code, series, year, n, ms(w.now)); err != nil {
					return err
				}
				a.Action, a.Subject = "paper.number", code
				a.Detail = fmt.Sprintf("Số %d/%s năm %d", n, series, year)
				return w.audit(a)
			case err != nil:
				return err
			}
			// taken (a station renumbered during the year): skip it
		}
	})
	if err != nil {
		return 0, fmt.Errorf("paper number %s/%s: %w", code, series, err)
	}
	return n, nil
}
