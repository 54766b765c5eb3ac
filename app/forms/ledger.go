package forms

import (
	"errors"
	"fmt"
	"io"
	"time"

	"motcua"
)

// LedgerInput is what the dossier ledger (Sổ theo dõi hồ sơ) is printed with.
type LedgerInput struct {
	AgencyName   string
	Unit         string // overrides the profile's receiving unit name
	Place        string
	From, To     time.Time // the period covered, shown under the title
	Book         string    // quyển số
	FirstEntry   int       // number of the first row: entries run on through the year; 0 = 1
	HandlingUnit string    // cơ quan chủ trì giải quyết, when the dossiers do not say
	Now          time.Time // date of printing; zero = now
}

// RenderLedger prints the ledger form of profile p (kind ST, A4 landscape)
// for the dossiers, in the order given, one row each, header repeated on
// every page. The codes are printed as text in their column; a ledger has
// no QR or barcode of its own, since it covers many dossiers.
func RenderLedger(w io.Writer, p *Profile, dossiers []*motcua.Dossier, in LedgerInput) error {
	f, ok := p.ByKind(KindLedger)
	if !ok {
		return motcua.Errorf(motcua.KindNotFound, motcua.ErrNotFound, "form", "Bộ biểu mẫu «%s» không có sổ theo dõi hồ sơ",
			"profile %s has no ledger form", p.ID)
	}
	now := in.Now
	if now.IsZero() {
		return errors.New("forms: the ledger's print time is not given")
	}
	base := Input{AgencyName: in.AgencyName, Unit: in.Unit, Place: in.Place, HandlingUnit: in.HandlingUnit}
	r := newRenderer(p, f, now)
	head := base
	head.Dossier = &motcua.Dossier{}
	r.vars = values(p, KindLedger, head, now)
	r.pdf.AddPage()
	if err := r.header(""); err != nil {
		return err
	}
	r.titleBlock()
	sub := "Quyển số: " + firstNonEmpty(in.Book, shortDots)
	if !in.From.IsZero() || !in.To.IsZero() {
		sub += fmt.Sprintf(" – Từ ngày %s đến ngày %s", orDots(shortDate(in.From)), orDots(shortDate(in.To)))
	}
	r.flow([]run{{"I", sub}}, r.left, r.width(), r.size+1, "C")
	r.y += 1
	first := max(in.FirstEntry, 1)
	rows := make([]map[string]string, 0, len(dossiers))
	for i, d := range dossiers {
		in := base
		in.Dossier = d
		v := values(p, KindLedger, in, now)
		v["row.no"] = fmt.Sprint(first + i)
		rows = append(rows, v)
	}
	r.table(f.Columns, rows, 0, 0, r.size, false)
	if len(dossiers) == 0 {
		r.flow([]run{{"I", "Không có hồ sơ trong kỳ."}}, r.left, r.width(), r.size, "L")
	}
	return r.output(w)
}

func orDots(s string) string {
	if s == "" {
		return shortDots
	}
	return s
}
