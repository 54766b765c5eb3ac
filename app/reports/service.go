package reports

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"motcua"
)

// Service computes the board and the period reports.
type Service struct {
	Source   Source
	Calendar *motcua.Calendar // working days (holidays, swapped days)
	Clock    motcua.Clock
	Agency   string // agency name, printed on the exports
	AgencyID string
}

// New returns a report service over src.
func New(src Source, cal *motcua.Calendar, clock motcua.Clock) *Service {
	return &Service{Source: src, Calendar: cal, Clock: motcua.OrSystem(clock)}
}

func (s *Service) now() time.Time { return motcua.OrSystem(s.Clock).Now().In(motcua.Location) }

func (s *Service) cal() *motcua.Calendar {
	if s.Calendar == nil {
		return motcua.DefaultCalendar()
	}
	return s.Calendar
}

// BoardItem is one dossier on the deadline board.
type BoardItem struct {
	Code            string        `json:"code"`
	Procedure       string        `json:"procedure"`
	Applicant       string        `json:"applicant"`
	Officer         string        `json:"officer"`
	Status          motcua.Status `json:"status"`
	ReceivedAt      time.Time     `json:"received_at"`
	DueAt           time.Time     `json:"due_at"`
	Extended        bool          `json:"extended"`
	LateBy          time.Duration `json:"late_by_ns,omitempty"`        // now − due, for a late dossier
	LateWorkingDays int           `json:"late_working_days,omitempty"` // working days after the due day, up to today
	Since           time.Time     `json:"since,omitzero"`              // waiting for supplement since
}

// Board is the deadline board at one instant.
type Board struct {
	AsOf       time.Time   `json:"as_of"`
	Agency     string      `json:"agency,omitempty"`
	Stations   []int       `json:"stations"`
	DueToday   []BoardItem `json:"due_today"`  // due today, not yet late
	DueSoon    []BoardItem `json:"due_soon"`   // due within the next 2 working days after today
	Late       []BoardItem `json:"late"`       // past due, most late first
	Supplement []BoardItem `json:"supplement"` // waiting for the citizen's supplement (the clock stops)
	Extended   []BoardItem `json:"extended"`   // extended once (Mẫu 04), still active
	Active     int         `json:"active"`     // every active dossier
}

// SoonDays is how many working days after today count as "due soon".
const SoonDays = 2

// Board lists the active dossiers by deadline, as of the clock's now.
func (s *Service) Board(ctx context.Context) (*Board, error) {
	rows, err := s.Source.ActiveRows(ctx)
	if err != nil {
		return nil, fmt.Errorf("deadline board: %w", err)
	}
	b := s.board(rows, s.now())
	b.Agency = s.Agency
	return b, nil
}

func (s *Service) board(rows []Row, now time.Time) *Board {
	cal := s.cal()
	today := dayOf(now)
	tomorrow := today.AddDate(0, 0, 1)
	// the end of the SoonDays-th working day after today
	soonEnd := tomorrow
	for n := 0; n < SoonDays; soonEnd = soonEnd.AddDate(0, 0, 1) {
		if cal.IsWorkingDay(soonEnd) {
			n++
		}
	}
	b := &Board{AsOf: now}
	st := map[int]bool{}
	for i := range rows {
		r := &rows[i]
		if !r.Status.Active() {
			continue
		}
		b.Active++
		st[r.Station] = true
		it := BoardItem{Code: r.Code, Procedure: r.ProcedureName, Applicant: r.ApplicantName, Officer: r.Officer,
			Status: r.Status, ReceivedAt: r.ReceivedAt, DueAt: r.DueAt, Extended: r.Extended}
		if r.Extended {
			b.Extended = append(b.Extended, it)
		}
		switch {
		case r.Status == motcua.StatusSupplement:
			it.Since = r.SupplementSince
			b.Supplement = append(b.Supplement, it)
		case r.DueAt.IsZero():
		case now.After(r.DueAt):
			it.LateBy = now.Sub(r.DueAt)
			for d := dayOf(r.DueAt).AddDate(0, 0, 1); !d.After(today); d = d.AddDate(0, 0, 1) {
				if cal.IsWorkingDay(d) {
					it.LateWorkingDays++
				}
			}
			b.Late = append(b.Late, it)
		case r.DueAt.Before(tomorrow):
			b.DueToday = append(b.DueToday, it)
		case r.DueAt.Before(soonEnd):
			b.DueSoon = append(b.DueSoon, it)
		}
	}
	byDue := func(a, b BoardItem) int { return cmp.Or(a.DueAt.Compare(b.DueAt), cmp.Compare(a.Code, b.Code)) }
	for _, l := range [][]BoardItem{b.DueToday, b.DueSoon, b.Late, b.Extended} {
		slices.SortFunc(l, byDue)
	}
	slices.SortFunc(b.Supplement, func(a, b BoardItem) int { return cmp.Or(a.Since.Compare(b.Since), cmp.Compare(a.Code, b.Code)) })
	b.Stations = sortedKeys(st)
	return b
}

func sortedKeys(m map[int]bool) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
