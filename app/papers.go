package app

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"motcua"
)

// PaperNumberStore numbers the statutory papers (storage.Store implements
// it): the number of a dossier's paper of a series, stable across reprints,
// from this station's partition of the series' year.
type PaperNumberStore interface {
	PaperNumber(ctx context.Context, code, series string, year int, st motcua.Station, a AuditEntry) (int, error)
}

// PaperFacts are what the station knows and a printed form would otherwise
// leave dotted for the pen.
type PaperFacts struct {
	Number  string // "12" of "Số: 12/TNHS"; "" for a form without a number line
	Book    string // the ledger book of the dossier's year: "01/2026"
	Entry   string // the dossier's row in that book (Số thứ tự)
	Contact string // "Bộ phận Một cửa, điện thoại 0237 …"; "" without a phone
}

// LedgerBook is the book of the dossier ledger for a year: one book a
// year, its rows running on through the year.
func LedgerBook(year int) string { return fmt.Sprintf("01/%d", year) }

// PaperFacts fills the facts of d's paper of series (the register of its
// number line, "" for none) issued by the counter unit. The first print of
// a numbered paper takes the next number, audited under by; a reprint shows
// the same number.
func (s *Service) PaperFacts(ctx context.Context, by Actor, d *motcua.Dossier, series, unit string) (PaperFacts, error) {
	var f PaperFacts
	year := d.ReceivedAt.In(motcua.Location).Year()
	if series != "" {
		ns, ok := StoreAs[PaperNumberStore](s.Store)
		if !ok {
			return f, fmt.Errorf("paper number: the store cannot number papers")
		}
		id, err := s.Identity(ctx)
		if err != nil {
			return f, err
		}
		n, err := ns.PaperNumber(ctx, d.Code, series, s.now().In(motcua.Location).Year(), id.Station,
			AuditEntry{At: s.now(), Actor: by.Username})
		if err != nil {
			return f, err
		}
		f.Number = strconv.Itoa(n)
	}
	n, err := s.LedgerEntry(ctx, d)
	if err != nil {
		return f, err
	}
	if n > 0 {
		f.Book, f.Entry = LedgerBook(year), strconv.Itoa(n)
	}
	phone, err := s.CounterPhone(ctx)
	if err != nil {
		return f, err
	}
	f.Contact = CounterContact(unit, phone)
	return f, nil
}

// LedgerEntry is d's row in the ledger of its year (the `ledger` command's
// order: by receipt time, ties by code): how many dossiers were received
// from 1 January up to and including d; 0 when d is not stored.
func (s *Service) LedgerEntry(ctx context.Context, d *motcua.Dossier) (int, error) {
	at := d.ReceivedAt.In(motcua.Location).Truncate(time.Millisecond)
	from := time.Date(at.Year(), 1, 1, 0, 0, 0, 0, motcua.Location)
	before, err := s.Store.Count(ctx, ListFilter{ReceivedFrom: from, ReceivedTo: at})
	if err != nil {
		return 0, err
	}
	same, err := s.Store.List(ctx, ListFilter{ReceivedFrom: at, ReceivedTo: at.Add(time.Millisecond), Limit: 1000})
	if err != nil {
		return 0, err
	}
	n, found := before, false
	for _, o := range same {
		if o.Code <= d.Code {
			n++
		}
		found = found || o.Code == d.Code
	}
	if !found {
		return 0, nil
	}
	return n, nil
}
