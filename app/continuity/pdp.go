package continuity

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"motcua"
	"motcua/app"
)

// Personal data protection (Law 91/2025/QH15 and its decree; REPORTED, the
// texts were not read — see the README): who viewed whose dossier is
// recorded in the hash-chained audit log; a person's data can be exported;
// attachments of closed dossiers are purged after a configurable retention
// period; lists and reports that leave the commune mask identifiers.

// AuditRecord is one entry of the audit log.
type AuditRecord struct {
	Seq     int64     `json:"seq"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Subject string    `json:"subject"`
	Detail  string    `json:"detail"`
}

// AuditFilter selects audit entries; zero values mean any.
type AuditFilter struct {
	Subjects      []string // exact subjects (dossier codes)
	ActionPrefix  string   // e.g. "pdp."
	Actor         string
	From, To      time.Time
	Limit         int // 0: 1000
	NewestFirst   bool
	SubjectPrefix string
}

// AuditReader reads the audit log.
type AuditReader interface {
	AuditTrail(ctx context.Context, f AuditFilter) ([]AuditRecord, error)
	// ClosedBefore lists dossiers in a final status whose last change is
	// before t (retention candidates), oldest first.
	ClosedBefore(ctx context.Context, t time.Time, limit int) ([]RetentionItem, error)
}

// RetentionItem is a closed dossier past its retention period.
type RetentionItem struct {
	Code     string    `json:"code"`
	Status   int       `json:"status_code"`
	ClosedAt time.Time `json:"closed_at"`
}

// AttachmentPurger deletes a dossier's attachment files (storage implements
// it over the blob store); a file another dossier still needs — not closed
// before closedBefore — is kept. It returns how many files went.
type AttachmentPurger interface {
	PurgeAttachments(ctx context.Context, code string, closedBefore time.Time) (int, error)
}

// Settings keys of the personal data duties.
const KeyRetentionYears = "pdp.retention_years"

// Access purposes recorded with a view.
const (
	AccessView   = "view"   // opened on screen
	AccessPrint  = "print"  // a form printed
	AccessExport = "export" // exported (a person's data request)
)

// RecordAccess appends "who looked at which dossier, why" to the audit
// log. The window calls it when a dossier's detail opens or prints.
func (s *Service) RecordAccess(ctx context.Context, actor, code, purpose string) error {
	if strings.TrimSpace(code) == "" {
		return motcua.Invalid(motcua.ErrRequired, "code", "Thiếu mã hồ sơ", "the dossier code is missing")
	}
	return s.Store.Audit(ctx, app.AuditEntry{At: s.now(), Actor: actor, Action: "pdp." + purpose, Subject: strings.TrimSpace(code)})
}

// AccessLog returns who viewed, printed, exported or changed a dossier.
func (s *Service) AccessLog(ctx context.Context, code string, limit int) ([]AuditRecord, error) {
	return s.Store.AuditTrail(ctx, AuditFilter{Subjects: []string{strings.TrimSpace(code)}, Limit: limit})
}

// PersonExport is everything the counter holds about one person.
type PersonExport struct {
	Format   string                   `json:"format"` // motcua.person-export/1
	Exported time.Time                `json:"exported"`
	By       string                   `json:"by"`
	IDNumber string                   `json:"id_number"`
	Agency   ReportAgency             `json:"agency"`
	Dossiers []app.DossierView        `json:"dossiers"`
	Access   map[string][]AuditRecord `json:"access_log"` // per dossier code
}

// ExportPerson gathers a person's dossiers (by ID number) and the access
// log of each, for a data subject's request; the export itself is logged
// (the ID number masked in the log). A leader's or administrator's
// (app.PermContinuity), logged under who. Errors: ErrForbidden.
func (s *Service) ExportPerson(ctx context.Context, idNumber string, who app.Actor) (*PersonExport, error) {
	if err := who.Allow(app.PermContinuity); err != nil {
		return nil, err
	}
	by := who.Username
	idNumber = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(idNumber), " ", ""))
	if idNumber == "" {
		return nil, motcua.Invalid(motcua.ErrRequired, "id_number", "Chưa nhập số định danh của người yêu cầu", "the ID number is missing")
	}
	ds, err := s.App.Store.Search(ctx, idNumber, 10000)
	if err != nil {
		return nil, err
	}
	out := &PersonExport{Format: "motcua.person-export/1", Exported: s.now(), By: actor(by), IDNumber: idNumber,
		Dossiers: []app.DossierView{}, Access: map[string][]AuditRecord{}}
	if idn, err := s.App.Identity(ctx); err == nil {
		out.Agency = ReportAgency{ID: idn.AgencyID, Name: idn.AgencyName, Station: idn.Station.String()}
	}
	for _, d := range ds {
		if d.Applicant.IDNumber != idNumber {
			continue
		}
		full, err := s.App.Store.Get(ctx, d.Code)
		if err != nil {
			return nil, err
		}
		out.Dossiers = append(out.Dossiers, app.View(full))
		if out.Access[d.Code], err = s.AccessLog(ctx, d.Code, 0); err != nil {
			return nil, err
		}
	}
	a := app.AuditEntry{At: s.now(), Actor: actor(by), Action: "pdp.person_export", Subject: MaskID(idNumber),
		Detail: fmt.Sprintf("%d hồ sơ", len(out.Dossiers))}
	if err := s.Store.Audit(ctx, a); err != nil {
		return nil, err
	}
	return out, nil
}

// RetentionYears is the configured retention of attachments after a
// dossier closes; 0 means not configured (nothing is purged).
func (s *Service) RetentionYears(ctx context.Context) (int, error) {
	v, ok, err := s.Store.Setting(ctx, KeyRetentionYears)
	if err != nil || !ok {
		return 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", KeyRetentionYears, err)
	}
	return n, nil
}

// SetRetentionYears configures the retention (1–100 years; 0 disables):
// a station setting (app.PermStation), audited under who.
func (s *Service) SetRetentionYears(ctx context.Context, years int, who app.Actor) error {
	if err := who.Allow(app.PermStation); err != nil {
		return err
	}
	by := who.Username
	if years < 0 || years > 100 {
		return motcua.Invalid(motcua.ErrBadValue, "years", "Thời hạn lưu giữ phải từ 0 (không xoá) đến 100 năm", "the retention must be 0 (never purge) to 100 years")
	}
	return s.Store.SetSetting(ctx, KeyRetentionYears, strconv.Itoa(years),
		app.AuditEntry{At: s.now(), Actor: actor(by), Action: "pdp.retention", Detail: fmt.Sprintf("%d năm", years)})
}

// PurgeReport says what a retention purge did (or would do).
type PurgeReport struct {
	Years   int             `json:"years"`
	Before  time.Time       `json:"closed_before"`
	DryRun  bool            `json:"dry_run"`
	Items   []RetentionItem `json:"items"`
	Files   int             `json:"files_deleted"`
	Pending string          `json:"note,omitempty"`
}

// PurgeAttachments deletes the attachments of dossiers closed longer ago
// than the retention, recording each purge in the audit log. With no
// purger (no attachment store yet) or dryRun it only lists them. An
// administrator's (app.PermStation), even the dry run (it lists citizens'
// dossiers). Errors: ErrForbidden.
func (s *Service) PurgeAttachments(ctx context.Context, purger AttachmentPurger, dryRun bool, who app.Actor) (*PurgeReport, error) {
	if err := who.Allow(app.PermStation); err != nil {
		return nil, err
	}
	by := who.Username
	years, err := s.RetentionYears(ctx)
	if err != nil {
		return nil, err
	}
	rep := &PurgeReport{Years: years, DryRun: dryRun || purger == nil, Items: []RetentionItem{}}
	if years == 0 {
		rep.Pending = "Chưa đặt thời hạn lưu giữ (motcua pdp retention --years N): không xoá gì"
		return rep, nil
	}
	rep.Before = s.now().AddDate(-years, 0, 0)
	items, err := s.Store.ClosedBefore(ctx, rep.Before, 10000)
	if err != nil {
		return nil, err
	}
	rep.Items = append(rep.Items, items...)
	if purger == nil {
		rep.Pending = "Không có kho tệp đính kèm để xoá: chỉ liệt kê"
	}
	if rep.DryRun {
		return rep, nil
	}
	for _, it := range items {
		n, err := purger.PurgeAttachments(ctx, it.Code, rep.Before)
		if err != nil {
			return rep, err
		}
		rep.Files += n
		if err := s.Store.Audit(ctx, app.AuditEntry{At: s.now(), Actor: actor(by), Action: "pdp.purge", Subject: it.Code,
			Detail: fmt.Sprintf("%d tệp; kết thúc %s; lưu giữ %d năm", n, motcua.FormatTime(it.ClosedAt), years)}); err != nil {
			return rep, err
		}
	}
	return rep, nil
}
