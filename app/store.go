package app

import (
	"context"
	"time"
)

// StoreDoc is one document of a citizen's store (Kho quản lý dữ liệu điện
// tử của tổ chức, cá nhân): a paper this office received or issued, kept
// with the citizen's consent for reuse in later dossiers.
type StoreDoc struct {
	ID            int64     `json:"id"`
	IDNumber      string    `json:"id_number"`
	Origin        string    `json:"origin"` // "received" or "issued"
	DocType       string    `json:"doc_type,omitempty"`
	Name          string    `json:"name"`
	IssuedAt      time.Time `json:"issued_at"`
	ValidUntil    time.Time `json:"valid_until,omitzero"` // zero: no limit
	SourceDossier string    `json:"source_dossier"`
	AttachmentID  int64     `json:"attachment_id"`
	SHA256        string    `json:"sha256"`
	FileName      string    `json:"file_name"`
	Size          int64     `json:"size"`
	Pages         int       `json:"pages"`
	AddedAt       time.Time `json:"added_at"`
}

// CitizenStore keeps the citizens' stores (storage.Store).
type CitizenStore interface {
	// CitizenDocs lists a citizen's documents, oldest first.
	CitizenDocs(ctx context.Context, idNumber string) ([]StoreDoc, error)
	// WithdrawConsent removes all of a citizen's documents from the store,
	// with the audit entries, and returns them; dossiers keep theirs.
	WithdrawConsent(ctx context.Context, idNumber string, a AuditEntry) ([]StoreDoc, error)
	// ExpireCitizenDocs removes the documents added before cutoff, with an
	// audit entry each, and returns them.
	ExpireCitizenDocs(ctx context.Context, cutoff time.Time, a AuditEntry) ([]StoreDoc, error)
}
