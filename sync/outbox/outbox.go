// Package outbox delivers the local outbox to the province: messages in
// order per dossier, in batches, attachments uploaded (resumably) before
// the dossier that references them, capped exponential backoff with jitter,
// an immediate retry when connectivity returns, and a quarantine for
// messages the province rejects as invalid — which holds back later
// messages of the same dossier but no other dossier.
//
// Every message carries a full snapshot of its dossier, so the undelivered
// messages of one dossier go as one item — the newest snapshot, whose
// history holds every step — and are acknowledged together. The province
// never sees an older state after a newer one, and an officer who corrects
// a rejected dossier and retries the quarantined message sends the
// corrected state.
//
// Nothing is dropped: a message leaves the queue only when the province
// acknowledged it, or when an officer must fix it (quarantined, with the
// province's reason). Every send is idempotent (the message ID is the
// idempotency key), so a crash at any moment only causes a re-send that
// the province acknowledges without storing twice.
package outbox

import (
	"context"
	"io"
	"time"
)

// State is a message's delivery state.
type State string

const (
	StatePending      State = "pending"     // waiting to be sent (again)
	StateSending      State = "sending"     // handed to the province; on restart it is sent again
	StateAcknowledged State = "acked"       // the province confirmed it (the storage layer's spelling)
	StateQuarantined  State = "quarantined" // rejected as invalid: an officer must fix and retry it
)

// Message is one outbox row, as the store keeps it.
type Message struct {
	ID      int64  // increasing: the delivery order
	Dossier string // dossier code: its messages are delivered in ID order
	Kind    string // what happened locally ("accept", "update", ...); informative
	Payload []byte // JSON of motcua.Dossier: the dossier's state after the change
	// Key is the store's idempotency key for the message, if it keeps
	// one; otherwise the worker derives one (MessageKey).
	Key       string
	State     State
	Attempts  int
	LastError string // the province's last message, or the last failure
	CreatedAt time.Time
}

// Mark is one state change the worker records.
type Mark struct {
	ID    int64
	State State
	// Note is the province's message (acknowledgement note or rejection
	// reason) or the failure, for the officer; empty clears it.
	Note string
}

// Store is what the worker needs from the local database. The storage
// layer implements it on its transactional outbox table.
type Store interface {
	// Pending returns up to limit messages with ID > after that are not
	// acknowledged — pending, sending (interrupted by a crash or power
	// cut) and quarantined ones — in ascending ID order. Quarantined
	// messages must be included: they hold back later messages of their
	// dossier.
	Pending(ctx context.Context, after int64, limit int) ([]Message, error)
	// Mark records state changes, all in one transaction. A mark to
	// StateSending counts an attempt.
	Mark(ctx context.Context, marks []Mark) error
}

// Attachment is a file of a dossier, uploaded before the dossier is sent.
type Attachment struct {
	ID        string // TepDinhKemId; stable (e.g. the content hash)
	Name      string
	Component string // MaThanhPhanHoSo
	Size      int64
	SHA256    string // hex
	Deleted   bool
	Result    bool // the dossier's result (DanhSachGiayToKetQua), not a document received
	Reused    bool // reused from the citizen's store, not scanned for this dossier
	Open      func(ctx context.Context) (io.ReadCloser, error)
}

// Attachments lists a dossier's files (the blob store implements it).
type Attachments interface {
	Attachments(ctx context.Context, dossier string) ([]Attachment, error)
}

// Summary is the outcome of one Step, also published to OnStep.
type Summary struct {
	Dossiers     int       // dossiers handed to the province
	Sent         int       // messages they carried
	Acknowledged int       // messages confirmed
	Duplicates   int       // dossiers the province had already (a re-send)
	Quarantined  int       // messages rejected as invalid in this step
	Retrying     int       // failed in this step; will be retried
	Blocked      int       // dossiers held back by a quarantined message
	Uploaded     int       // attachments confirmed by the province
	Err          error     // the step's failure (network, server, login), if any
	NextTry      time.Time // when a failed step will be retried
	At           time.Time
}

// Idle reports whether the step found nothing to send.
func (s Summary) Idle() bool { return s.Sent == 0 && s.Err == nil }
