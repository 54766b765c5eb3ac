package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"motcua"
)

// digits returns the digits of s when s also has other characters ("0912 345
// 678" → "0912345678"), so a number is found however it was typed.
func digits(s string) string {
	d := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
	if d == s || d == "" {
		return ""
	}
	return d
}

const (
	sqlUnindex = `DELETE FROM dossier_fts WHERE rowid = ?`
	sqlIndex   = `INSERT INTO dossier_fts (rowid, code, name, id_number, phone, procedure) VALUES (?, ?, ?, ?, ?, ?)`
)

// index writes the search keys of the dossier with rowid id; replace drops
// the previous keys first.
func (w *wtx) index(id int64, d *motcua.Dossier, replace bool) error {
	if replace {
		if _, err := w.exec(sqlUnindex, id); err != nil {
			return fmt.Errorf("unindex dossier: %w", err)
		}
	}
	a := d.Applicant
	if _, err := w.exec(sqlIndex,
		id, motcua.Fold(d.Code), motcua.Fold(a.Name),
		strings.TrimSpace(motcua.Fold(a.IDNumber)+" "+digits(a.IDNumber)),
		strings.TrimSpace(motcua.Fold(a.Phone)+" "+digits(a.Phone)),
		motcua.Fold(d.Procedure.Name+" "+d.Procedure.Code)); err != nil {
		return fmt.Errorf("index dossier: %w", err)
	}
	return nil
}

// maxTokens bounds the work of one query.
const maxTokens = 12

// separator reports whether r ends a token, as for SQLite's unicode61
// tokenizer (combining marks belong to their letter).
func separator(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Mn, r)
}

// matchExpr turns what the officer typed into an FTS5 query: every token
// must match, the last one as a prefix unless the text ends with a
// separator (search as you type). It returns "" when nothing is searchable.
// Both the index and the query are folded with motcua.Fold, so neither the
// tokenizer nor the input method's choice of NFC or NFD matters.
func matchExpr(q string) string {
	toks := strings.FieldsFunc(motcua.Fold(q), separator)
	if len(toks) == 0 {
		return ""
	}
	if len(toks) > maxTokens {
		toks = toks[:maxTokens]
	}
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		// Tokens hold only letters and digits, so quoting is enough to keep
		// FTS5 operators (AND, NEAR, column filters) out of the query.
		b.WriteString(`"` + t + `"`)
	}
	if last, _ := utf8.DecodeLastRuneInString(q); !separator(last) {
		b.WriteByte('*')
	}
	return b.String()
}

// Search is full-text over code, applicant name, ID number, phone and
// procedure, folding case, diacritics and đ→d; the last word matches as a
// prefix. Results are the most recently stored dossiers first, each with its
// history. A complete dossier code is looked up directly.
func (s *Store) Search(ctx context.Context, query string, limit int) ([]*motcua.Dossier, error) {
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, MaxLimit)
	query = nfc(query)
	if c, err := motcua.ParseDossierCode(query); err == nil {
		d, err := s.Get(ctx, c.String())
		if err == nil {
			return []*motcua.Dossier{d}, nil
		}
		if motcua.ErrorKind(err) != motcua.KindNotFound {
			return nil, err
		}
	}
	expr := matchExpr(query)
	if expr == "" {
		return nil, nil
	}
	var ds []*motcua.Dossier
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		ds, err = queryDossiers(ctx, tx, `SELECT `+dossierCols+` FROM dossiers d WHERE d.id IN (
			SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH ? ORDER BY rowid DESC LIMIT ?)
			ORDER BY d.id DESC`, expr, limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", query, err)
	}
	return ds, nil
}
