package continuity

import (
	"context"
	"time"

	"motcua"
	"motcua/app"
)

// Stable error codes of the continuity plan.
const (
	ErrBadScenario     = "ERR_BAD_SCENARIO"
	ErrBadSeverity     = "ERR_BAD_SEVERITY"
	ErrIncidentClosed  = "ERR_INCIDENT_CLOSED"  // the incident is closed: no more changes
	ErrUnknownStep     = "ERR_UNKNOWN_STEP"     // no such step in the scenario's runbook
	ErrBadRunbook      = "ERR_BAD_RUNBOOK"      // an imported runbook or contact list is invalid
	ErrDrillState      = "ERR_DRILL_STATE"      // the drill is not in a state that allows this
	ErrPaperNotOurs    = "ERR_PAPER_NOT_OURS"   // the number is not one of this station's paper numbers
	ErrPaperUsed       = "ERR_PAPER_USED"       // the paper receipt was already entered
	ErrPaperDate       = "ERR_PAPER_DATE"       // the date in the code does not match the receipt time
	ErrPaperExhausted  = "ERR_PAPER_EXHAUSTED"  // no free numbers left to reserve
	ErrPaperReserved   = "ERR_PAPER_RESERVED"   // a reserved number was about to be issued online
	ErrBackupForeign   = "ERR_BACKUP_FOREIGN"   // the backup belongs to another commune or station
	ErrBackupDamaged   = "ERR_BACKUP_DAMAGED"   // the backup is corrupt, truncated or fails its checks
	ErrBackupKey       = "ERR_BACKUP_KEY"       // no key at hand opens the backup
	ErrBackupNotFound  = "ERR_BACKUP_NOT_FOUND" // no backup with that name at the destination
	ErrBackupDest      = "ERR_BACKUP_DEST"      // the destination is missing, not writable or the data folder itself
	ErrBackupUnsigned  = "ERR_BACKUP_UNSIGNED"  // the manifest carries no station signature (forged, or made before signing)
	ErrBackupSignature = "ERR_BACKUP_SIGNATURE" // the manifest's signature does not match its content (altered)
	ErrBackupUntrusted = "ERR_BACKUP_UNTRUSTED" // signed by a key this station does not trust (backup trust KEY)
	ErrBackupPath      = "ERR_BACKUP_PATH"      // a path in the manifest leaves its folder (absolute, "..", drive, symlink)
	ErrDatabaseInUse   = "ERR_DATABASE_IN_USE"  // the database is open in another process (the window)
	ErrDatabaseDamaged = "ERR_DATABASE_DAMAGED" // the startup check found the database damaged
	ErrDiskFull        = "ERR_DISK_FULL"        // the disk is (almost) full: nothing was written
	ErrDiskIO          = "ERR_DISK_IO"          // a write to the disk failed: nothing was written
)

// IncidentStore keeps the incident register. Every write is one
// transaction with its audit entry.
type IncidentStore interface {
	// CreateIncident stores inc (with its first log entries) and sets inc.ID.
	// Errors: KindConflict motcua.ErrDuplicate when inc is automatic and
	// another automatic incident is already open.
	CreateIncident(ctx context.Context, inc *Incident, a app.AuditEntry) error
	// AppendIncidentLog adds entries to an open incident's timeline.
	// Errors: KindNotFound; KindConflict ErrIncidentClosed.
	AppendIncidentLog(ctx context.Context, id int64, entries []LogEntry, a app.AuditEntry) error
	// CloseIncident ends an open incident: end time, who closed it, the
	// closing summary, the reconciliation and the last timeline entries.
	// Errors: KindNotFound; KindConflict ErrIncidentClosed when already closed.
	CloseIncident(ctx context.Context, id int64, c Closing, a app.AuditEntry) error
	// Incident returns one incident with its timeline. Errors: KindNotFound.
	Incident(ctx context.Context, id int64) (*Incident, error)
	// Incidents lists incidents, newest first, with their timelines.
	Incidents(ctx context.Context, f IncidentFilter) ([]*Incident, error)
	// ReceivedBetween lists the dossiers received in [from, to) with the
	// delivery state of their outbox messages, oldest first.
	ReceivedBetween(ctx context.Context, from, to time.Time) ([]DossierDelivery, error)
	// OutboxStats counts the outbox messages per state.
	OutboxStats(ctx context.Context) (map[string]int, error)
}

// Closing is what CloseIncident records.
type Closing struct {
	EndedAt        time.Time
	ClosedBy       string
	Summary        string
	Reconciliation *Reconciliation
	Log            []LogEntry // appended in the same transaction
}

// DossierDelivery is a dossier with the state of its delivery to the
// province, for reconciliation.
type DossierDelivery struct {
	Code        string
	ReceivedAt  time.Time
	DueAt       time.Time
	Status      motcua.Status
	Procedure   string
	Applicant   string
	Station     int
	Paper       bool      // entered later from a paper receipt
	Messages    int       // outbox messages of the dossier
	Acked       int       // of which acknowledged by the province
	Pending     int       // waiting (pending or sending)
	Quarantined int       // rejected by the province: need correction
	LastAckedAt time.Time // zero if none
	LastError   string
}

// Store is everything the continuity services need from persistence;
// storage.Store implements it.
type Store interface {
	IncidentStore
	DrillStore
	PaperStore
	AuditReader
	app.SettingsStore
	Audit(ctx context.Context, a app.AuditEntry) error
}
