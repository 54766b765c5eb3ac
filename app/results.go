package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"motcua"
	"motcua/scanning/cccd"
)

// Error codes of the digitised results and the citizen's store.
const (
	ErrResultNotReady      = "ERR_RESULT_NOT_READY"      // a result for a dossier not yet processed
	ErrValidityBeforeIssue = "ERR_VALIDITY_BEFORE_ISSUE" // valid until a date before the issue date
	ErrResultNotDigitised  = "ERR_RESULT_NOT_DIGITISED"  // return of a result the procedure wants digitised
	ErrStoreNoConsent      = "ERR_STORE_NO_CONSENT"      // reuse for someone else's document
	ErrStoreDocExpired     = "ERR_STORE_DOC_EXPIRED"     // reuse of a document no longer valid
	ErrStoreNoMatch        = "ERR_STORE_NO_MATCH"        // reuse for a component of another kind
	ErrStoreUnavailable    = "ERR_STORE_UNAVAILABLE"     // the store is not open
)

// KeyStoreRetention is the settings key of the citizen's store retention,
// in months: a document leaves the store that long after it entered it.
// The province sets it; DefaultStoreRetentionMonths applies until then.
const (
	KeyStoreRetention           = "store.retention_months"
	DefaultStoreRetentionMonths = 60
	MaxStoreRetentionMonths     = 1200
)

// ResultRequest is a result document to digitise for a dossier: the scan
// of the paper result, or the electronic result the province sent (a PDF).
type ResultRequest struct {
	Code    string
	By      Actor
	Officer string   // the converting officer's full name on the mark; default By.Username
	Files   []string // scans or the province's PDF
	Name    string   // the result's name; default the catalogue's, else "Kết quả: <procedure>"
	// IssuedAt is the result's issue date; zero = now. Validity: none when
	// ValidUntil and ValidMonths are both zero; until ValidUntil; or for
	// ValidMonths months from the issue date. Nil ValidMonths and zero
	// ValidUntil take the catalogue's validity.
	IssuedAt    time.Time
	ValidUntil  time.Time
	ValidMonths *int
}

// resultReady: a result exists once processing is done (9) or it was
// handed back (10) — digitising at the return desk after the fact.
func resultReady(s motcua.Status) bool {
	return s == motcua.StatusDone || s == motcua.StatusReturned
}

// AttachResult digitises the dossier's result (stamped with the conversion
// mark, hashed, stored encrypted, like incoming documents), marked as the
// result with its validity, and queues the dossier for the province with
// the result file (DanhSachGiayToKetQua). With the applicant's consent it
// enters their store. Errors: ErrResultNotReady for a dossier not yet
// processed, ErrValidityBeforeIssue, the digitisation errors of Attach.
func (s *Service) AttachResult(ctx context.Context, req ResultRequest) (*Attachment, error) {
	if err := req.By.Allow(PermReturn); err != nil {
		return nil, err
	}
	d, err := s.Store.Get(ctx, strings.TrimSpace(req.Code))
	if err != nil {
		return nil, err
	}
	if !resultReady(d.Status) {
		return nil, motcua.Invalid(ErrResultNotReady, "status",
			"Hồ sơ %s chưa giải quyết xong (đang ở trạng thái «%s»): chưa có kết quả để số hóa",
			"dossier %s is not processed yet (status %s): there is no result to digitise", d.Code, d.Status.Name())
	}
	if err := CheckText("name", req.Name, MaxAddress); err != nil {
		return nil, err
	}
	spec := motcua.ResultSpec{Name: "Kết quả: " + d.Procedure.Name}
	if p, ok := s.Catalog.Find(d.Procedure.Code); ok && p.Result != nil {
		spec = *p.Result
	}
	if n := motcua.Clean(req.Name); n != "" {
		spec.Name = n
	}
	now := s.now()
	issued := req.IssuedAt
	if issued.IsZero() {
		issued = now
	}
	issued = issued.In(motcua.Location)
	if issued.After(now.Add(5 * time.Minute)) {
		return nil, motcua.Invalid(motcua.ErrBadValue, "issued_at", "Ngày cấp kết quả %s ở tương lai",
			"the result's issue date %s is in the future", motcua.FormatTime(issued))
	}
	months := spec.ValidMonths
	if req.ValidMonths != nil {
		months = *req.ValidMonths
	}
	if months < 0 || months > motcua.MaxValidMonths {
		return nil, motcua.Invalid(motcua.ErrBadValue, "valid_months", "Thời hạn hiệu lực %d tháng không hợp lệ (0 đến %d)",
			"a validity of %d months is invalid (0 to %d)", months, motcua.MaxValidMonths)
	}
	var until time.Time
	switch {
	case !req.ValidUntil.IsZero() && req.ValidMonths != nil && *req.ValidMonths != 0:
		return nil, motcua.Invalid(motcua.ErrBadValue, "valid_until", "Chỉ ghi một trong hai: hiệu lực đến ngày, hoặc số tháng",
			"give either a validity date or a number of months, not both")
	case !req.ValidUntil.IsZero():
		until = req.ValidUntil.In(motcua.Location)
		if !until.After(issued) {
			return nil, motcua.Invalid(ErrValidityBeforeIssue, "valid_until",
				"Ngày hết hiệu lực %s phải sau ngày cấp %s", "the validity date %s must be after the issue date %s",
				until.Format("02/01/2006"), issued.Format("02/01/2006"))
		}
	case months > 0:
		until = issued.AddDate(0, months, 0)
	}
	inputs, err := readInputs(req.Files)
	if err != nil {
		return nil, err
	}
	a, err := s.digitise(ctx, d, 0, spec.Name, inputs, firstNonEmpty(req.Officer, req.By.Username), func(a *Attachment) {
		a.Kind, a.DocType, a.IssuedAt, a.ValidUntil = KindResult, spec.DocType, issued, until
		if strings.HasSuffix(a.FileName, "_TP01.pdf") {
			a.FileName = d.Code + "_KQ.pdf"
		}
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

// ResultState says whether a dossier's result is digitised and whether its
// procedure requires that before the return: what the return screen shows.
type ResultState struct {
	Required  bool
	Digitised bool
	Results   []Attachment // the result documents, not withdrawn
}

// ResultOf reports the digitisation of the dossier's result.
func (s *Service) ResultOf(ctx context.Context, d *motcua.Dossier) (ResultState, error) {
	var st ResultState
	if p, ok := s.Catalog.Find(d.Procedure.Code); ok && p.Result != nil {
		st.Required = p.Result.DigitiseRequired
	}
	if s.Scans == nil || s.Scans.Attachments == nil {
		return st, nil
	}
	as, err := s.Scans.Attachments.ListAttachments(ctx, d.Code)
	if err != nil {
		return st, err
	}
	for _, a := range as {
		if a.Kind == KindResult && !a.Deleted {
			st.Results = append(st.Results, a)
		}
	}
	st.Digitised = len(st.Results) > 0
	return st, nil
}

// checkResultDigitised refuses the return of an undigitised result of a
// procedure that requires it: the officer scans it first.
func (s *Service) checkResultDigitised(ctx context.Context, d *motcua.Dossier) error {
	st, err := s.ResultOf(ctx, d)
	if err != nil {
		return err
	}
	if st.Required && !st.Digitised {
		return motcua.Invalid(ErrResultNotDigitised, "result",
			"Thủ tục «%s» yêu cầu số hóa kết quả trước khi trả: hãy quét kết quả của hồ sơ %s (hoặc nhận kết quả điện tử của tỉnh) rồi trả",
			"procedure %q requires the result to be digitised before the return: scan the result of dossier %s (or take the province's electronic result) first",
			d.Procedure.Name, d.Code)
	}
	return nil
}

// Reuse asks, at intake, that component Component (0-based) of the new
// dossier take document Doc of the applicant's store instead of a scan.
type Reuse struct {
	Component int   `json:"component"`
	Doc       int64 `json:"doc"`
}

// Suggestion is a store document matching a component of a procedure.
type Suggestion struct {
	Component     int      `json:"component"` // 0-based index in the procedure's checklist
	ComponentName string   `json:"component_name"`
	Doc           StoreDoc `json:"doc"`
	Expired       bool     `json:"expired"` // shown as expired, not offered
}

// StoreQuery identifies the citizen whose store is looked up: a scanned
// chip-ID line, or a typed number checked against the date of birth and
// gender read from the card (either may be empty).
type StoreQuery struct {
	CCCD     string
	IDNumber string
	DOB      time.Time
	Gender   string
}

func (s *Service) citizens() (CitizenStore, error) {
	if s.Scans == nil || s.Scans.Citizens == nil {
		return nil, motcua.Errorf(motcua.KindInternal, ErrStoreUnavailable, "store",
			"Kho dữ liệu điện tử của công dân chưa sẵn sàng", "the citizens' document store is not open")
	}
	return s.Scans.Citizens, nil
}

// citizenID returns the checked 12-digit personal ID of a query.
func (s *Service) citizenID(q StoreQuery) (string, error) {
	if strings.TrimSpace(q.CCCD) != "" {
		a, err := ApplicantFromCCCD(q.CCCD, s.now())
		if err != nil {
			return "", err
		}
		return a.IDNumber, nil
	}
	id := strings.ReplaceAll(strings.TrimSpace(q.IDNumber), " ", "")
	if err := CheckText("id_number", id, 20); err != nil {
		return "", err
	}
	check := cccd.CheckNumber(id)
	if check == nil {
		check = cccd.CheckTyped(id, q.DOB, q.Gender)
	}
	if check != nil {
		var pe *cccd.ParseError
		if errors.As(check, &pe) {
			return "", &motcua.Error{Kind: motcua.KindInvalid, Code: "ERR_ID_" + strings.ToUpper(pe.Rule), Field: "id_number",
				Msg: "Tra cứu kho giấy tờ: " + strings.ReplaceAll(pe.Msg, id, MaskID(id)), MsgEN: "store lookup: " + pe.MsgEN, Err: check}
		}
		return "", check
	}
	return id, nil
}

// Valid reports whether the document is still valid at t.
func (d StoreDoc) Valid(t time.Time) bool { return d.ValidUntil.IsZero() || t.Before(d.ValidUntil) }

// CitizenDocs returns the store of the citizen q identifies, with the
// lookup in the audit log (the number masked).
func (s *Service) CitizenDocs(ctx context.Context, by Actor, q StoreQuery) (string, []StoreDoc, error) {
	if err := by.Allow(PermIntake); err != nil {
		return "", nil, err
	}
	cs, err := s.citizens()
	if err != nil {
		return "", nil, err
	}
	id, err := s.citizenID(q)
	if err != nil {
		return "", nil, err
	}
	docs, err := cs.CitizenDocs(ctx, id)
	if err != nil {
		return "", nil, err
	}
	if err := s.Store.Audit(ctx, AuditEntry{At: s.now(), Actor: by.Username, Action: "store.view", Subject: MaskID(id),
		Detail: strconv.Itoa(len(docs)) + " giấy tờ"}); err != nil {
		return "", nil, err
	}
	return id, docs, nil
}

// Suggestions lists the store documents of the citizen that match a
// component of the procedure: same kind of paper (the catalogue's
// doc_type) or the same name. Expired ones are listed with Expired set.
func (s *Service) Suggestions(ctx context.Context, idNumber, procedureCode string) ([]Suggestion, error) {
	cs, err := s.citizens()
	if err != nil {
		return nil, err
	}
	p, err := s.Procedure(procedureCode)
	if err != nil {
		return nil, err
	}
	id := strings.TrimSpace(idNumber)
	if len(id) != 12 {
		return nil, nil
	}
	docs, err := cs.CitizenDocs(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var out []Suggestion
	for i, c := range p.Components {
		for _, d := range docs {
			if matches(c, d) {
				out = append(out, Suggestion{Component: i, ComponentName: c.Name, Doc: d, Expired: !d.Valid(now)})
			}
		}
	}
	return out, nil
}

func matches(c motcua.ComponentSpec, d StoreDoc) bool {
	if c.DocType != "" && d.DocType != "" {
		return c.DocType == d.DocType
	}
	return motcua.Fold(c.Name) == motcua.Fold(d.Name)
}

// applyReuse checks the reuses of an intake against the applicant's store
// and marks the components (Component.FromStore): the storage links the
// files in the intake's transaction. Nothing is written here.
func (s *Service) applyReuse(ctx context.Context, p motcua.Procedure, idNumber string, comps []motcua.Component, reuse []Reuse) error {
	if len(reuse) == 0 {
		return nil
	}
	cs, err := s.citizens()
	if err != nil {
		return err
	}
	docs, err := cs.CitizenDocs(ctx, idNumber)
	if err != nil {
		return err
	}
	now := s.now()
	for _, r := range reuse {
		if r.Component < 0 || r.Component >= len(comps) {
			return motcua.Invalid(ErrNoComponent, "reuse", "Hồ sơ không có thành phần số %d để dùng lại giấy tờ",
				"the dossier has no component %d to reuse a document for", r.Component+1)
		}
		var doc *StoreDoc
		for i := range docs {
			if docs[i].ID == r.Doc {
				doc = &docs[i]
			}
		}
		if doc == nil {
			return motcua.Invalid(ErrStoreNoConsent, "reuse",
				"Giấy tờ số %d không có trong kho của người nộp %s", "document %d is not in the store of applicant %s",
				r.Doc, MaskID(idNumber))
		}
		if !doc.Valid(now) {
			return motcua.Invalid(ErrStoreDocExpired, "reuse",
				"Giấy tờ «%s» đã hết hiệu lực lúc %s: không dùng lại được, hãy nộp bản mới",
				"document %q expired at %s: it cannot be reused, bring a new one", doc.Name, motcua.FormatTime(doc.ValidUntil))
		}
		spec := motcua.ComponentSpec{Name: comps[r.Component].Name}
		if r.Component < len(p.Components) && p.Components[r.Component].Name == comps[r.Component].Name {
			spec = p.Components[r.Component]
		}
		if !matches(spec, *doc) {
			return motcua.Invalid(ErrStoreNoMatch, "reuse", "Giấy tờ «%s» không phải là «%s»: không dùng thay được",
				"document %q is not a %q: it cannot stand in for it", doc.Name, spec.Name)
		}
		comps[r.Component].FromStore = doc.ID
	}
	return nil
}

// WithdrawConsent removes the citizen's documents from the store (the
// dossiers keep theirs, as the law requires), with audit entries.
func (s *Service) WithdrawConsent(ctx context.Context, by Actor, q StoreQuery) ([]StoreDoc, error) {
	if err := by.Allow(PermIntake); err != nil {
		return nil, err
	}
	cs, err := s.citizens()
	if err != nil {
		return nil, err
	}
	id, err := s.citizenID(q)
	if err != nil {
		return nil, err
	}
	return cs.WithdrawConsent(ctx, id, AuditEntry{At: s.now(), Actor: by.Username, Action: "store.withdraw",
		Subject: MaskID(id), Detail: "công dân rút đồng ý lưu giấy tờ trong kho"})
}

// StoreRetentionMonths is the store's retention setting.
func (s *Service) StoreRetentionMonths(ctx context.Context) (int, error) {
	v, ok, err := s.Store.Setting(ctx, KeyStoreRetention)
	if err != nil || !ok || v == "" {
		return DefaultStoreRetentionMonths, err
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("thiết lập %s «%s» hỏng: %w", KeyStoreRetention, v, err)
	}
	return n, nil
}

// SetStoreRetention sets the retention (months, 1–1200), as the province
// decides. Administrator's permission (station settings).
func (s *Service) SetStoreRetention(ctx context.Context, by Actor, months int) error {
	if err := by.Allow(PermStation); err != nil {
		return err
	}
	if months < 1 || months > MaxStoreRetentionMonths {
		return motcua.Invalid(motcua.ErrBadValue, "retention", "Thời hạn lưu kho %d tháng không hợp lệ (1 đến %d tháng)",
			"a store retention of %d months is invalid (1 to %d)", months, MaxStoreRetentionMonths)
	}
	return s.Store.SetSetting(ctx, KeyStoreRetention, strconv.Itoa(months), AuditEntry{At: s.now(), Actor: by.Username,
		Action: "store.retention", Detail: fmt.Sprintf("thời hạn lưu kho giấy tờ của công dân: %d tháng", months)})
}

// ExpireStore removes the store documents whose retention has ended,
// with an audit entry each, and returns them.
func (s *Service) ExpireStore(ctx context.Context, by Actor) ([]StoreDoc, error) {
	if err := by.Allow(PermStation); err != nil {
		return nil, err
	}
	cs, err := s.citizens()
	if err != nil {
		return nil, err
	}
	months, err := s.StoreRetentionMonths(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	return cs.ExpireCitizenDocs(ctx, now.AddDate(0, -months, 0), AuditEntry{At: now, Actor: by.Username,
		Action: "store.expire", Detail: fmt.Sprintf("thời hạn lưu %d tháng", months)})
}
