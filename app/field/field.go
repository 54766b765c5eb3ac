// Package field is field mode: a community digital team (Tổ công nghệ số
// cộng đồng) prepares dossiers with villagers on a laptop, offline, and
// hands them to the commune counter in one signed, encrypted bundle; at the
// counter the villager's slip QR pulls the prepared dossier into intake.
//
// A field station is provisioned like a counter station with role "field"
// (app.KeyStationRole): its app.Service refuses intake, so it never issues
// a dossier code. What it prepares is a pre-dossier (PreDossier): the
// applicant, the procedure, the checklist, the documents, notes and the
// villager's consent to the handling of their personal data (Law 91/2025
// on personal data protection). Its personal content and documents are
// sealed at rest (storage.Field, AES-256-GCM under the data directory's
// field key); only the reference, the dates and the consent's form, time
// and team member are in clear, for the list and the purge.
//
// The flow:
//
//	field:   Prepare → Slip (signed QR, qrsign kind CB) → Export (bundle for the counter)
//	counter: Import (all or nothing) → Lookup(slip QR) → Accept (intake + documents, once)
//	both:    Purge (not handed over / not brought in time; logged in the audit)
package field

import (
	"context"
	"time"

	"motcua"
	"motcua/app"
)

// Error codes of field mode.
const (
	ErrNotField        = "ERR_NOT_FIELD_STATION"   // a field-only action on a counter
	ErrNotCounter      = "ERR_NOT_COUNTER"         // a counter-only action on a field station
	ErrConsent         = "ERR_CONSENT"             // no valid consent record
	ErrNoDocument      = "ERR_FIELD_DOCUMENT"      // a document that cannot be read or is refused
	ErrSlipForeign     = "ERR_SLIP_FOREIGN"        // slip of another commune
	ErrSlipExpired     = "ERR_SLIP_EXPIRED"        // slip past its date
	ErrSlipNotArrived  = "ERR_SLIP_NOT_ARRIVED"    // slip whose pre-dossier was never imported
	ErrSlipTampered    = "ERR_SLIP_TAMPERED"       // slip QR altered or not signed by the station that sent it
	ErrAlreadyAccepted = "ERR_PREDOSSIER_ACCEPTED" // a pre-dossier accepted before
	ErrBundle          = "ERR_FIELD_BUNDLE"        // a bundle refused (tampered, truncated, foreign)
	ErrReplay          = "ERR_FIELD_BUNDLE_REPLAY" // a bundle imported before
	ErrRevoked         = "ERR_FIELD_REVOKED"       // a bundle from a revoked field station
	ErrNoCounterKey    = "ERR_FIELD_NO_COUNTER_KEY"
	ErrNothingToExport = "ERR_FIELD_NOTHING"
)

// Consent methods.
const (
	ConsentPaper    = "paper"    // printed consent form signed by the villager
	ConsentRecorded = "recorded" // confirmation recorded (audio/video or witnessed statement)
)

// Consent is the villager's consent to the team handling their personal
// data: how it was given, when, and which team member took it.
type Consent struct {
	Method string    `json:"method"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`             // the team member (account name)
	Note   string    `json:"note,omitempty"` // e.g. where the signed form or the recording is kept
}

// MethodName is the consent method in Vietnamese.
func (c Consent) MethodName() string {
	switch c.Method {
	case ConsentPaper:
		return "Phiếu đồng ý in sẵn, người dân ký"
	case ConsentRecorded:
		return "Xác nhận đồng ý được ghi lại"
	}
	return c.Method
}

// Document is a photo or scan of one paper of the villager.
type Document struct {
	Name           string `json:"name"`            // file name as imported (a label only)
	ComponentIndex int    `json:"component_index"` // in the procedure's checklist
	Component      string `json:"component"`       // that item's name
	SHA256         string `json:"sha256"`
	Size           int64  `json:"size"`
}

// PreDossier is a dossier prepared in the field. Ref names it everywhere:
// on the slip, in the bundle, at the counter.
type PreDossier struct {
	Ref        string              `json:"ref"`
	Agency     string              `json:"agency"`  // the commune the villager goes to
	Station    string              `json:"station"` // the field station, "K/N"
	Applicant  motcua.Applicant    `json:"applicant"`
	Procedure  motcua.ProcedureRef `json:"procedure"`
	Components []motcua.Component  `json:"components"` // the checklist as ticked
	Documents  []Document          `json:"documents"`
	Notes      string              `json:"notes,omitempty"`
	Consent    Consent             `json:"consent"`
	CreatedAt  time.Time           `json:"created_at"`
	CreatedBy  string              `json:"created_by"`
	ExpiresAt  time.Time           `json:"expires_at"` // the slip's date; purged after it
	SlipKey    []byte              `json:"slip_key"`   // Ed25519 public key the slip is signed with
}

// Record is a pre-dossier as the store keeps it, with its state.
type Record struct {
	PreDossier
	Origin       string    // OriginLocal (prepared here) or OriginImported (counter)
	ExportedAt   time.Time // field: last put in a bundle
	BundleID     string    // counter: the bundle it came in
	AcceptedAt   time.Time // counter: accepted
	AcceptedCode string
	AcceptedBy   string
	// Sealed is false once the content was dropped (accepted and carried
	// over): only the reference, dates and consent remain.
	Sealed bool
}

// Origins of a record.
const (
	OriginLocal    = "local"
	OriginImported = "imported"
)

// Summary is a pre-dossier in a list: no personal content beyond what the
// team needs to find it (name, procedure), decrypted on demand.
type Summary struct {
	Ref        string
	Name       string // applicant's name
	Procedure  string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	ExportedAt time.Time
	AcceptedAt time.Time
	Code       string
	Documents  int
}

// BundleRecord is a bundle imported at the counter (replay protection).
type BundleRecord struct {
	ID         string
	Station    string
	Signer     string
	Created    time.Time
	ImportedAt time.Time
	Items      int
}

// Store keeps pre-dossiers, their documents sealed at rest.
type Store interface {
	// SavePrepared stores a new local pre-dossier with its documents'
	// bytes (docs[i] for p.Documents[i]) and the audit entry, in one
	// transaction. Errors: KindConflict motcua.ErrDuplicate for a known ref.
	SavePrepared(ctx context.Context, p *PreDossier, docs [][]byte, a app.AuditEntry) error
	// Prepared returns a record. Errors: KindNotFound motcua.ErrNotFound.
	Prepared(ctx context.Context, ref string) (*Record, error)
	// PreparedDocument returns the bytes of document idx of ref.
	PreparedDocument(ctx context.Context, ref string, idx int) ([]byte, error)
	// ListPrepared lists records of origin, newest first.
	ListPrepared(ctx context.Context, origin string) ([]Record, error)
	// MarkExported sets the export time of refs with the audit entry.
	MarkExported(ctx context.Context, refs []string, at time.Time, a app.AuditEntry) error
	// ImportBundle stores the pre-dossiers of one bundle at the counter,
	// all or none, and records the bundle; pre-dossiers already known are
	// left as they are (returned in known). Errors: KindConflict ErrReplay
	// when the bundle was imported before.
	ImportBundle(ctx context.Context, b BundleRecord, ps []PreDossier, docs [][][]byte, a app.AuditEntry) (added int, known []string, err error)
	// AcceptPrepared issues the dossier's code and stores it exactly as
	// DossierStore.Accept does, marking ref accepted in the same
	// transaction. Errors: KindConflict ErrAlreadyAccepted; KindNotFound.
	AcceptPrepared(ctx context.Context, ref string, d *motcua.Dossier, agency string, st motcua.Station, a app.AuditEntry) error
	// CarriedOver records that document idx of ref is now attachment
	// attachmentID of its dossier.
	CarriedOver(ctx context.Context, ref string, idx int, attachmentID int64) error
	// CarriedDocuments returns, per document index, the attachment it
	// became (0: not yet).
	CarriedDocuments(ctx context.Context, ref string) (map[int]int64, error)
	// DropContent deletes the sealed content and documents of an accepted
	// ref, keeping its reference, dates, consent and code.
	DropContent(ctx context.Context, ref string, a app.AuditEntry) error
	// Purge deletes every record of origin not accepted that was created
	// before createdBefore or expired before expiredBefore, with its
	// documents, and appends one audit entry per record; it returns the
	// refs purged.
	Purge(ctx context.Context, origin string, createdBefore, expiredBefore time.Time, a app.AuditEntry) ([]string, error)
}
