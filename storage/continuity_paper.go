package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"motcua"
	"motcua/app"
	"motcua/app/continuity"
)

// ReservePaper reserves count sequence numbers for paper receipts from the
// top of the station's partition (the highest free ones), in one
// transaction with the audit entry. Reservations stay contiguous from the
// top, so online issuance meets one only when every lower number of the
// day is used. A station may reserve at most half its daily capacity.
//
// Errors: KindConflict continuity.ErrPaperExhausted.
func (s *Store) ReservePaper(ctx context.Context, agency string, st motcua.Station, count int, a app.AuditEntry) (*continuity.PaperBlock, error) {
	if err := st.Validate(); err != nil {
		return nil, err
	}
	b := &continuity.PaperBlock{Agency: agency, Station: st, CreatedBy: nfc(a.Actor), Used: map[int]string{}}
	err := s.write(ctx, func(w *wtx) error {
		reserved := map[int]bool{}
		rows, err := w.tx.QueryContext(ctx, `SELECT seq FROM paper_codes WHERE agency = ?`, agency)
		if err != nil {
			return err
		}
		for rows.Next() {
			var seq int
			if err := rows.Scan(&seq); err != nil {
				rows.Close()
				return err
			}
			reserved[seq] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		mine := 0
		for seq := range reserved {
			if st.Owns(seq) {
				mine++
			}
		}
		limit := st.Capacity() / 2
		if mine+count > limit {
			return motcua.Errorf(motcua.KindConflict, continuity.ErrPaperExhausted, "count",
				"Máy %s đã dành %d số cho biên nhận giấy; tối đa %d (một nửa số hồ sơ/ngày của máy), không dành thêm %d số được",
				"station %s has reserved %d numbers for paper receipts; at most %d (half its daily capacity), cannot add %d",
				st, mine, limit, count)
		}
		for i := st.Capacity() - 1; i >= 0 && len(b.Seqs) < count; i-- {
			seq, err := st.Seq(i)
			if err != nil {
				return err
			}
			if !reserved[seq] {
				b.Seqs = append(b.Seqs, seq)
			}
		}
		// The block is dated by the service's clock (the audit entry's
		// time) when it gives one: back-entry compares receipt times with it.
		created := w.now
		if !a.At.IsZero() {
			created = a.At
		}
		res, err := w.tx.ExecContext(ctx, `INSERT INTO paper_blocks (agency, station_k, station_n, count, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)`,
			agency, st.K, st.N, len(b.Seqs), ms(created), b.CreatedBy)
		if err != nil {
			return fmt.Errorf("insert paper block: %w", err)
		}
		if b.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		for _, seq := range b.Seqs {
			if _, err := w.tx.ExecContext(ctx, `INSERT INTO paper_codes (agency, seq, station_k, station_n, block_id) VALUES (?, ?, ?, ?, ?)`,
				agency, seq, st.K, st.N, b.ID); err != nil {
				return fmt.Errorf("reserve number %d: %w", seq, err)
			}
		}
		b.CreatedAt = instant(created)
		a.Subject = fmt.Sprintf("paper#%d", b.ID)
		a.Detail = fmt.Sprintf("máy %s; số %d–%d", st, b.Seqs[len(b.Seqs)-1], b.Seqs[0])
		return w.audit(a)
	})
	if err != nil {
		return nil, fmt.Errorf("reserve paper receipts: %w", err)
	}
	slices.Sort(b.Seqs)
	return b, nil
}

// PaperBlocks lists the agency's blocks, newest first, with the numbers
// already entered.
func (s *Store) PaperBlocks(ctx context.Context, agency string) ([]*continuity.PaperBlock, error) {
	var out []*continuity.PaperBlock
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, station_k, station_n, created_at, created_by FROM paper_blocks
			WHERE agency = ? ORDER BY id DESC`, agency)
		if err != nil {
			return err
		}
		byID := map[int64]*continuity.PaperBlock{}
		for rows.Next() {
			b := &continuity.PaperBlock{Agency: agency, Used: map[int]string{}}
			var created int64
			if err := rows.Scan(&b.ID, &b.Station.K, &b.Station.N, &created, &b.CreatedBy); err != nil {
				rows.Close()
				return err
			}
			b.CreatedAt = fromMS(created)
			out = append(out, b)
			byID[b.ID] = b
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, `SELECT block_id, seq, coalesce(dossier_code, '') FROM paper_codes WHERE agency = ? ORDER BY seq`, agency)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var seq int
			var code string
			if err := rows.Scan(&id, &seq, &code); err != nil {
				return err
			}
			if b := byID[id]; b != nil {
				b.Seqs = append(b.Seqs, seq)
				if code != "" {
					b.Used[seq] = code
				}
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("paper blocks: %w", err)
	}
	return out, nil
}

func paperCode(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, agency string, seq int) (*continuity.PaperCode, error) {
	pc := &continuity.PaperCode{Agency: agency, Seq: seq}
	var code sql.NullString
	var entered sql.NullInt64
	var blockAt int64
	err := q.QueryRowContext(ctx, `SELECT p.station_k, p.station_n, p.block_id, b.created_at, p.dossier_code, p.entered_at, p.entered_by
		FROM paper_codes p JOIN paper_blocks b ON b.id = p.block_id WHERE p.agency = ? AND p.seq = ?`, agency, seq).
		Scan(&pc.Station.K, &pc.Station.N, &pc.BlockID, &blockAt, &code, &entered, &pc.EnteredBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, motcua.Errorf(motcua.KindNotFound, motcua.ErrNotFound, "code", "Số %0*d không được dành cho biên nhận giấy",
			"number %0*d is not reserved for paper receipts", motcua.SeqDigits, seq)
	}
	if err != nil {
		return nil, err
	}
	pc.BlockAt, pc.DossierCode, pc.EnteredAt = fromMS(blockAt), code.String, fromNullMS(entered)
	return pc, nil
}

// PaperCode returns one reserved number. Errors: KindNotFound.
func (s *Store) PaperCode(ctx context.Context, agency string, seq int) (*continuity.PaperCode, error) {
	return paperCode(ctx, s.r, agency, seq)
}

// BackEnter stores a dossier received on a paper receipt: it claims the
// reserved number for d.Code and inserts the dossier (row, history, search
// keys, outbox message, audit entry) in one transaction. On error nothing
// is written and *d is unchanged.
//
// Errors: KindInvalid continuity.ErrPaperNotOurs (not reserved, or another
// station's); KindConflict continuity.ErrPaperUsed, motcua.ErrDuplicate.
func (s *Store) BackEnter(ctx context.Context, d *motcua.Dossier, st motcua.Station, a app.AuditEntry) error {
	n, err := normalise(d)
	if err != nil {
		return err
	}
	code, err := motcua.ParseDossierCode(n.Code)
	if err != nil {
		return err
	}
	err = s.write(ctx, func(w *wtx) error {
		pc, err := paperCode(ctx, w.tx, code.Agency, code.Seq)
		if err != nil {
			if motcua.ErrorKind(err) == motcua.KindNotFound {
				return motcua.Invalid(continuity.ErrPaperNotOurs, "code", "Số %0*d không phải số dành cho biên nhận giấy",
					"number %0*d is not reserved for paper receipts", motcua.SeqDigits, code.Seq)
			}
			return err
		}
		if pc.Station != st {
			return motcua.Invalid(continuity.ErrPaperNotOurs, "code", "Số %0*d dành cho máy %s, không phải máy %s",
				"number %0*d is reserved for station %s, not %s", motcua.SeqDigits, code.Seq, pc.Station, st)
		}
		if pc.DossierCode != "" {
			return continuity.PaperUsedError(pc)
		}
		used, err := w.exists(n.Code)
		if err != nil {
			return err
		}
		if used {
			return motcua.Errorf(motcua.KindConflict, motcua.ErrDuplicate, "code",
				"Mã hồ sơ %s đã có trong cơ sở dữ liệu; không ghi đè", "dossier code %s is already stored; not overwritten", n.Code)
		}
		if _, err := w.tx.ExecContext(ctx, `UPDATE paper_codes SET dossier_code = ?, entered_at = ?, entered_by = ? WHERE agency = ? AND seq = ?`,
			n.Code, ms(w.now), nfc(a.Actor), code.Agency, code.Seq); err != nil {
			return fmt.Errorf("claim paper number: %w", err)
		}
		return w.insert(&n, withDefaults(a, "paper.backentry", n.Code))
	})
	if err != nil {
		return fmt.Errorf("back-entry %s: %w", n.Code, err)
	}
	*d = n
	return nil
}

// IsPaperReserved reports whether err is the database refusing to issue a
// number reserved for paper receipts (the 0003 trigger).
func IsPaperReserved(err error) bool {
	return err != nil && strings.Contains(err.Error(), continuity.ErrPaperReserved)
}

func paperReservedErr(err error) error {
	e := motcua.Errorf(motcua.KindConflict, continuity.ErrPaperReserved, "code",
		"Máy đã dùng hết số thứ tự trong ngày dành cho tiếp nhận trên máy (các số còn lại dành cho biên nhận giấy); hồ sơ chưa được lưu",
		"this station has used every online number of the day (the rest are reserved for paper receipts); the dossier was not saved")
	e.Err = err
	return e
}
