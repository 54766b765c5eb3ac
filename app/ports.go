// Package app holds the use cases of the counter — intake, supplement
// request, refusal, hand-off, result, extension, return — combining the
// domain with the ports declared here. No SQL, no HTTP, no Fyne.
package app

import (
	"context"
	"time"

	"motcua"
)

// AuditEntry is one action for the append-only, hash-chained audit log.
type AuditEntry struct {
	At      time.Time
	Actor   string // officer username, or "system"
	Action  string // e.g. "dossier.accept", "dossier.refuse", "catalog.import"
	Subject string // e.g. the dossier code
	Detail  string // free text / JSON
}

// ListFilter selects dossiers for the list views. Zero values mean "any".
type ListFilter struct {
	Statuses     []motcua.Status
	ReceivedFrom time.Time // inclusive
	ReceivedTo   time.Time // exclusive
	DueBefore    time.Time // due_at < DueBefore (only active statuses when set with ActiveOnly)
	DueFrom      time.Time // due_at >= DueFrom (inclusive): with DueBefore, "due today"
	ActiveOnly   bool
	Offset       int
	Limit        int // 0 = store default (100)
}

// DossierStore is what the use cases need from persistence. Every write is
// one transaction that also appends the audit entry and an outbox message
// for the sync engine, so a dossier and its delivery can never diverge.
type DossierStore interface {
	// Accept allocates the next code of (agency, receipt day of d.ReceivedAt,
	// station partition), sets d.Code, and stores the dossier, its history,
	// an outbox message and the audit entry in one transaction.
	// Errors: KindConflict ErrSequenceExhausted.
	Accept(ctx context.Context, d *motcua.Dossier, agency string, st motcua.Station, a AuditEntry) error
	// Insert stores a dossier that already has its code (paper back-entry
	// with a reserved code, USB import). Errors: KindConflict ErrDuplicate.
	Insert(ctx context.Context, d *motcua.Dossier, a AuditEntry) error
	// Update saves d (status, due date, history, …) if its stored status is
	// still prevStatus and its stored history has exactly prevHistory entries
	// (optimistic check against concurrent stations/processes), appending the
	// new history rows, an outbox message and the audit entry in one transaction.
	// Errors: KindNotFound, KindConflict when the stored dossier changed meanwhile.
	Update(ctx context.Context, d *motcua.Dossier, prevStatus motcua.Status, prevHistory int, a AuditEntry) error
	// Get returns the dossier with its history. Errors: KindNotFound ErrNotFound.
	Get(ctx context.Context, code string) (*motcua.Dossier, error)
	List(ctx context.Context, f ListFilter) ([]*motcua.Dossier, error)
	Count(ctx context.Context, f ListFilter) (int, error)
	// Search is full-text over code, applicant name, ID number, phone and
	// procedure, folding case, diacritics and đ→d.
	Search(ctx context.Context, query string, limit int) ([]*motcua.Dossier, error)
	Audit(ctx context.Context, a AuditEntry) error
}

// SettingsStore keeps small configuration values (agency, station, office
// hours, imported catalogue and holiday table) in the database.
type SettingsStore interface {
	Setting(ctx context.Context, key string) (string, bool, error)
	SetSetting(ctx context.Context, key, value string, a AuditEntry) error
}

// Clock tells the time: the program's one clock (motcua.Clock).
type Clock = motcua.Clock

// SystemClock is the computer's clock, in Vietnam time.
type SystemClock = motcua.SystemClock

// StoreAs finds an optional capability T of st (a PaperNumberStore, an
// outbox counter…), looking through wrappers that add behaviour to a store
// and say what they wrap with Unwrap() Store (the sync engine's wake-up
// wrapper): a wrapper embedding the Store interface hides every method the
// interface does not name.
func StoreAs[T any](st Store) (T, bool) {
	for st != nil {
		if t, ok := st.(T); ok {
			return t, true
		}
		u, ok := st.(interface{ Unwrap() Store })
		if !ok {
			break
		}
		st = u.Unwrap()
	}
	var zero T
	return zero, false
}
