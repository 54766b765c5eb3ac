// Package reports is the oversight use case: the deadline board, the
// statistics of a period and the national portal's indicators (DOMAIN.md
// §3.5) computed from the dossiers this station holds, with their exports
// (JSON, XLSX, PDF) and charts. It reads the store through Source; no SQL,
// no Fyne. Every date comes from the injected clock.
package reports

import (
	"context"
	"time"

	"motcua"
)

// Row is what the reports need of one dossier: its columns plus a few
// facts summarised from its history.
type Row struct {
	Code          string
	ProcedureCode string
	ProcedureName string
	Field         string
	Channel       motcua.Channel
	ApplicantName string
	ReceivedAt    time.Time
	DueAt         time.Time // zero: no due date
	Status        motcua.Status
	Extended      bool
	Officer       string // the receiving officer
	Station       int
	ReturnedAt    time.Time // zero: not returned

	DoneAt          time.Time // first move to 9 (Đã xử lý xong); zero if never
	FirstReturnAt   time.Time // first move to 10 (Đã trả kết quả); zero if never
	ClosedAt        time.Time // first move to 3, 7 or 8 (refused, withdrawn, stopped); zero if never
	Supplements     int       // supplement requests (moves into 5)
	SupplementSince time.Time // the latest move into 5
	Attachments     int       // digitised documents (not withdrawn)
	Reused          int       // of them, taken from the citizen's store at intake (no new scan)

	// The dossier's past, for the figures at the end of an earlier period.
	// Nil: the current status and due date are taken as always valid.
	Steps []Step      // the history's moves, in order
	Dues  []DueChange // the due dates in force, in order; the first from receipt
}

// Step is one move of the history: from At on, the status was To.
type Step struct {
	At time.Time
	To motcua.Status
}

// DueChange is a due date in force after Since (zero Due: no due date).
type DueChange struct {
	Since time.Time
	Due   time.Time
}

// StateAt is the due date and whether the dossier waited for the
// citizen's supplement at t, as the steps and due changes strictly before t
// left them (the same rule as "received before t").
func (r *Row) StateAt(t time.Time) (due time.Time, supplement bool) {
	due = r.DueAt
	if len(r.Dues) > 0 {
		due = r.Dues[0].Due
		for _, c := range r.Dues {
			if c.Since.Before(t) {
				due = c.Due
			}
		}
	}
	if r.Steps == nil {
		return due, r.Status == motcua.StatusSupplement
	}
	for _, s := range r.Steps {
		if s.At.Before(t) {
			supplement = s.To == motcua.StatusSupplement
		}
	}
	return due, supplement
}

// lateAt reports whether a dossier pending at cut was late at eval: its due
// date then had passed and it was not waiting for the citizen.
func (r *Row) lateAt(cut, eval time.Time) bool {
	due, supp := r.StateAt(cut)
	return !due.IsZero() && due.Before(eval) && !supp
}

// FinishedAt is when processing ended with a result, by the portal's
// priority (§3.5): Đã xử lý xong, else Đã trả kết quả. Zero if never.
func (r *Row) FinishedAt() time.Time {
	if !r.DoneAt.IsZero() {
		return r.DoneAt
	}
	return r.FirstReturnAt
}

// EndedAt is when the dossier left the agency's hands for any reason: a
// result, a refusal, a withdrawal or a stop. Zero while it is pending.
func (r *Row) EndedAt() time.Time {
	f := r.FinishedAt()
	switch {
	case f.IsZero():
		return r.ClosedAt
	case r.ClosedAt.IsZero() || f.Before(r.ClosedAt):
		return f
	}
	return r.ClosedAt
}

// Source is what the reports read from the local store.
type Source interface {
	// PeriodRows returns at least every dossier received before to that had
	// not ended before from (extra rows are allowed; the caller filters).
	PeriodRows(ctx context.Context, from, to time.Time) ([]Row, error)
	// ActiveRows returns the dossiers in an active status (2, 4, 5, 6).
	ActiveRows(ctx context.Context) ([]Row, error)
}

// Outcome classes of a resolved dossier.
const (
	Early  = "early"   // trước hạn: finished on a day before the due day
	OnTime = "on_time" // đúng hạn: on the due day, by the due time
	Late   = "late"    // quá hạn: after the due time, or more than one supplement request
)

// Outcome classifies a resolved dossier under the portal's rules (§3.5):
// on time when finished by the due time (the time limit restarts when a
// supplement is completed, so the stored due date already leaves out the
// citizen's waiting time); more than one supplement request is late.
func (r *Row) Outcome() string {
	f := r.FinishedAt()
	switch {
	case r.Supplements > 1:
		return Late
	case r.DueAt.IsZero():
		return OnTime
	case f.After(r.DueAt):
		return Late
	case dayOf(f).Before(dayOf(r.DueAt)):
		return Early
	}
	return OnTime
}

func dayOf(t time.Time) time.Time {
	t = t.In(motcua.Location)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, motcua.Location)
}
