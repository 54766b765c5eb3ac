package field

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"motcua"
	"motcua/app"
	"motcua/scanning/pdfdoc"
	"motcua/scanning/qrsign"
)

// Settings keys of field mode.
const (
	// KeyPurgeDays: how many days a pre-dossier waits to be brought to the
	// counter; its slip expires then, and it is purged with its documents
	// (on the field station, and at the counter if never accepted).
	KeyPurgeDays = "field.purge_days"
	// KeyCounterKey (field station): the public box key (hex) of the
	// commune counter the bundles are addressed to — what
	// `motcua bundle keys` prints there as "box".
	KeyCounterKey = "field.counter_key"
	// KeyRevoked (counter): the field stations whose bundles are refused
	// from now on (a lost or stolen laptop), JSON (see Revocation).
	KeyRevoked = "field.revoked"
)

// DefaultPurgeDays is KeyPurgeDays when unset.
const DefaultPurgeDays = 30

// MaxPurgeDays bounds the setting: a pre-dossier is a short-lived copy.
const MaxPurgeDays = 90

// MaxNotes is the length of the team's notes, in characters.
const MaxNotes = app.MaxReason

// System is the system field of the slip's QR.
const System = "MotCua"

// Service is field mode's use cases, on a field station (Prepare, Slip,
// List, Export, Purge) and at the counter (Import, Lookup, Receive,
// Purge). App is the station's app.Service (identity, role, catalogue,
// intake, digitisation); SlipKey signs the slips (the station key).
type Service struct {
	App     *app.Service
	Store   Store
	SlipKey ed25519.PrivateKey
}

func (s *Service) now() time.Time { return motcua.OrSystem(s.App.Clock).Now().In(motcua.Location) }

// RequireField refuses on a counter station.
func (s *Service) RequireField(ctx context.Context) error {
	f, err := s.App.IsField(ctx)
	if err != nil {
		return err
	}
	if !f {
		return motcua.Errorf(motcua.KindInvalid, ErrNotField, "station.role",
			"Máy này là máy quầy: việc chuẩn bị hồ sơ tại cơ sở làm trên máy của tổ công nghệ số (loại máy «field»)",
			"this is a counter station: preparing dossiers in the field is done on a community team's field station (role field)")
	}
	return nil
}

// PurgeDays returns the KeyPurgeDays setting.
func (s *Service) PurgeDays(ctx context.Context) (int, error) {
	v, ok, err := s.App.Store.Setting(ctx, KeyPurgeDays)
	if err != nil || !ok {
		return DefaultPurgeDays, err
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > MaxPurgeDays {
		return DefaultPurgeDays, nil
	}
	return n, nil
}

// SetPurgeDays sets how many days a pre-dossier is kept (1–90): an
// administrator's setting, audited. Errors: ErrForbidden; KindInvalid
// ErrBadValue (field purge_days).
func (s *Service) SetPurgeDays(ctx context.Context, by app.Actor, days int) error {
	if err := by.Allow(app.PermStation); err != nil {
		return err
	}
	if days < 1 || days > MaxPurgeDays {
		return motcua.Invalid(motcua.ErrBadValue, "purge_days",
			"Thời hạn giữ hồ sơ chuẩn bị phải từ 1 đến %d ngày, không phải %d", "the pre-dossier retention must be 1 to %d days, not %d",
			MaxPurgeDays, days)
	}
	return s.App.Store.SetSetting(ctx, KeyPurgeDays, strconv.Itoa(days),
		app.AuditEntry{At: s.now(), Actor: by.Username, Action: "field.purge_days", Detail: strconv.Itoa(days) + " ngày"})
}

// refAlphabet leaves out 0/O and 1/I/L: a ref may be read out or typed.
const refAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

var refRE = regexp.MustCompile(`^(.+)-CB-([` + refAlphabet + `]{8})$`)

// NewRef makes a pre-dossier reference for a commune: "{agency}-CB-XXXXXXXX"
// (about 40 random bits), so that a slip names the commune it is for.
func NewRef(agency string) (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	out := make([]byte, len(b))
	for i, x := range b {
		out[i] = refAlphabet[int(x)%len(refAlphabet)]
	}
	return agency + "-CB-" + string(out), nil
}

// RefAgency returns the agency a reference names, or false for a string
// that is no reference.
func RefAgency(ref string) (string, bool) {
	m := refRE.FindStringSubmatch(strings.ToUpper(strings.TrimSpace(ref)))
	if m == nil {
		return "", false
	}
	return m[1], true
}

// DocumentInput is one photo or scan for a pre-dossier: a file from the
// phone or scanner folder (Path), or bytes at hand (Data with Name).
type DocumentInput struct {
	ComponentIndex int
	Path           string
	Name           string
	Data           []byte
}

// PrepareRequest is what the preparation screen collects.
type PrepareRequest struct {
	By            app.Actor
	CCCD          string // chip-ID QR line; fills the applicant when set
	Applicant     motcua.Applicant
	DOBText       string
	ProcedureCode string
	// Ticked lists the checklist items (0-based) the villager has; nil
	// means all of them.
	Ticked    []int
	Documents []DocumentInput
	Notes     string
	Consent   Consent // Method and Note; At and By are set here
}

// Prepared is a prepared dossier with the text of its slip's QR.
type Prepared struct {
	PreDossier
	SlipQR string
}

// Prepare records a pre-dossier on a field station: applicant (from the
// chip-ID QR or typed), procedure, checklist, documents, notes and the
// villager's consent, sealed at rest, and returns it with its slip's QR.
// Nothing is stored unless everything is valid. Errors: ErrForbidden;
// ErrNotField; KindInvalid naming the field (applicant fields, procedure,
// consent, notes, document and its rule).
func (s *Service) Prepare(ctx context.Context, req PrepareRequest) (*Prepared, error) {
	if err := req.By.Allow(app.PermIntake); err != nil {
		return nil, err
	}
	if err := s.RequireField(ctx); err != nil {
		return nil, err
	}
	id, err := s.App.Identity(ctx)
	if err != nil {
		return nil, err
	}
	if len(s.SlipKey) != ed25519.PrivateKeySize {
		return nil, motcua.Errorf(motcua.KindInternal, "ERR_KEY_FILE", "key", "Chưa mở được khóa ký của máy", "the station signing key is not open")
	}
	now := s.now()
	proc, err := s.App.Procedure(req.ProcedureCode)
	if err != nil {
		return nil, err
	}
	appl := req.Applicant
	if strings.TrimSpace(req.CCCD) != "" {
		card, err := app.ApplicantFromCCCD(req.CCCD, now)
		if err != nil {
			return nil, err
		}
		card.Phone, card.Email = appl.Phone, appl.Email
		if appl.Address != "" {
			card.Address = appl.Address
		}
		appl = card
	}
	if err := app.ValidateApplicant(&appl, req.DOBText, now); err != nil {
		return nil, err
	}
	if err := app.CheckText("notes", req.Notes, MaxNotes); err != nil {
		return nil, err
	}
	consent := req.Consent
	consent.At, consent.By, consent.Note = now, req.By.Username, motcua.Clean(consent.Note)
	if err := checkConsent(consent); err != nil {
		return nil, err
	}
	var comps []motcua.Component
	ticked := map[int]bool{}
	for _, i := range req.Ticked {
		if i < 0 || i >= len(proc.Components) {
			return nil, motcua.Invalid(motcua.ErrBadValue, "components", "Thủ tục %s không có thành phần số %d (có %d)",
				"procedure %s has no component %d (it has %d)", proc.Code, i+1, len(proc.Components))
		}
		ticked[i] = true
	}
	for i, c := range proc.Components {
		if req.Ticked != nil && !ticked[i] {
			continue
		}
		comps = append(comps, motcua.Component{Name: c.Name, Original: c.Original, Certified: c.Certified, Copy: c.Copy})
	}
	docs, contents, err := s.readDocuments(req.Documents, proc.Components)
	if err != nil {
		return nil, err
	}
	days, err := s.PurgeDays(ctx)
	if err != nil {
		return nil, err
	}
	ref, err := NewRef(id.AgencyID)
	if err != nil {
		return nil, err
	}
	p := PreDossier{
		Ref: ref, Agency: id.AgencyID, Station: id.Station.String(), Applicant: appl,
		Procedure:  motcua.ProcedureRef{Code: proc.Code, Name: proc.Name, Field: proc.Field},
		Components: comps, Documents: docs, Notes: motcua.Clean(req.Notes), Consent: consent,
		CreatedAt: now.Truncate(time.Millisecond), CreatedBy: req.By.Username,
		ExpiresAt: now.Truncate(time.Millisecond).AddDate(0, 0, days),
		SlipKey:   append([]byte(nil), s.SlipKey.Public().(ed25519.PublicKey)...),
	}
	a := app.AuditEntry{At: now, Actor: req.By.Username, Action: "field.prepare", Subject: ref,
		Detail: fmt.Sprintf("%s; giấy tờ %s; %d tài liệu; đồng ý: %s", proc.Code, app.MaskID(appl.IDNumber), len(docs), consent.Method)}
	if err := s.Store.SavePrepared(ctx, &p, contents, a); err != nil {
		return nil, err
	}
	qr, err := s.SlipQR(p)
	if err != nil {
		return nil, err
	}
	return &Prepared{PreDossier: p, SlipQR: qr}, nil
}

func checkConsent(c Consent) error {
	if c.Method != ConsentPaper && c.Method != ConsentRecorded {
		return motcua.Invalid(ErrConsent, "consent",
			"Chưa ghi nhận sự đồng ý của người dân cho tổ xử lý dữ liệu cá nhân (Luật Bảo vệ dữ liệu cá nhân): chọn «ký phiếu đồng ý» hoặc «xác nhận được ghi lại»",
			"the villager's consent to the handling of their personal data is not recorded (personal data law): choose a signed consent form or a recorded confirmation")
	}
	if strings.TrimSpace(c.By) == "" {
		return motcua.Invalid(ErrConsent, "consent.by", "Chưa có thành viên tổ ghi nhận sự đồng ý", "no team member recorded the consent")
	}
	return app.CheckText("consent.note", c.Note, app.MaxAddress)
}

func (s *Service) limits() pdfdoc.Limits { return s.App.ScanLimits() }

func (s *Service) readDocuments(in []DocumentInput, checklist []motcua.ComponentSpec) ([]Document, [][]byte, error) {
	ncomp := len(checklist)
	var docs []Document
	var contents [][]byte
	for _, d := range in {
		name, data := d.Name, d.Data
		if d.Path != "" {
			b, err := os.ReadFile(d.Path)
			if err != nil {
				return nil, nil, motcua.Invalid(ErrNoDocument, "document", "Không đọc được tệp «%s»: %v",
					"cannot read file %q: %v", filepath.Base(d.Path), err)
			}
			name, data = filepath.Base(d.Path), b
		}
		if d.ComponentIndex < 0 || d.ComponentIndex >= ncomp {
			return nil, nil, motcua.Invalid(ErrNoDocument, "document", "Tài liệu «%s» gắn với thành phần số %d, thủ tục chỉ có %d",
				"document %q is for component %d, the procedure has %d", name, d.ComponentIndex+1, ncomp)
		}
		if err := app.CheckText("document", name, 255); err != nil {
			return nil, nil, err
		}
		if _, err := pdfdoc.Check(name, data, s.limits()); err != nil {
			return nil, nil, err
		}
		sum := sha256.Sum256(data)
		docs = append(docs, Document{Name: name, ComponentIndex: d.ComponentIndex, Component: checklist[d.ComponentIndex].Name, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))})
		contents = append(contents, data)
	}
	return docs, contents, nil
}

// SlipQR is the text of the slip's signed QR (qrsign kind CB).
func (s *Service) SlipQR(p PreDossier) (string, error) {
	return qrsign.Sign(qrsign.Payload{Doc: qrsign.DocPrepared, Code: p.Ref, Procedure: p.Procedure.Code,
		System: System, Issued: p.CreatedAt, Due: p.ExpiresAt}, s.SlipKey)
}

// Slip returns a local pre-dossier with its slip's QR, to print again.
func (s *Service) Slip(ctx context.Context, ref string) (*Prepared, error) {
	r, err := s.Store.Prepared(ctx, ref)
	if err != nil {
		return nil, err
	}
	if r.Origin != OriginLocal || !r.Sealed {
		return nil, notFound(ref)
	}
	qr, err := s.SlipQR(r.PreDossier)
	if err != nil {
		return nil, err
	}
	return &Prepared{PreDossier: r.PreDossier, SlipQR: qr}, nil
}

func notFound(ref string) error {
	return motcua.Errorf(motcua.KindNotFound, motcua.ErrNotFound, "ref", "Không có hồ sơ chuẩn bị %s", "no pre-dossier %s", ref)
}

// List returns the pre-dossiers of this station: prepared here on a field
// station, imported on a counter; newest first.
func (s *Service) List(ctx context.Context) ([]Record, error) {
	f, err := s.App.IsField(ctx)
	if err != nil {
		return nil, err
	}
	origin := OriginImported
	if f {
		origin = OriginLocal
	}
	return s.Store.ListPrepared(ctx, origin)
}

// Purge deletes the pre-dossiers whose time is up, with their documents,
// one audit entry each: on a field station every one prepared more than
// PurgeDays ago (handed over or not: the counter has its copy), at the
// counter every one not accepted whose slip has expired. It returns the
// references purged.
func (s *Service) Purge(ctx context.Context) ([]string, error) {
	f, err := s.App.IsField(ctx)
	if err != nil {
		return nil, err
	}
	days, err := s.PurgeDays(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	a := app.AuditEntry{At: now, Actor: "system", Action: "field.purge"}
	if f {
		a.Detail = fmt.Sprintf("quá %d ngày kể từ khi chuẩn bị", days)
		return s.Store.Purge(ctx, OriginLocal, now.AddDate(0, 0, -days), now, a)
	}
	a.Detail = "phiếu hẹn hết hạn, người dân chưa đến nộp"
	return s.Store.Purge(ctx, OriginImported, time.Time{}, now, a)
}

// isCode reports whether err is a motcua.Error with code.
func isCode(err error, code string) bool {
	var e *motcua.Error
	return errors.As(err, &e) && e.Code == code
}
