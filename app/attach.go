package app

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"motcua"
	"motcua/scanning/pdfdoc"
	"motcua/scanning/qrsign"
	"motcua/storage/blob"
)

// Attachment is one digitised document of a dossier: the stamped PDF of one
// component, kept in the blob store under its SHA-256.
type Attachment struct {
	ID             int64     `json:"id"`
	Dossier        string    `json:"dossier"`
	ComponentIndex int       `json:"component_index"` // 0-based index into Dossier.Components
	Component      string    `json:"component"`       // its name, as at the time of attaching
	FileName       string    `json:"file_name"`
	SHA256         string    `json:"sha256"` // hex; the blob address
	Size           int64     `json:"size"`
	Pages          int       `json:"pages"`
	Stamped        bool      `json:"stamped"` // carries the Decree 137/2024 conversion mark
	AddedAt        time.Time `json:"added_at"`
	AddedBy        string    `json:"added_by"`
	Deleted        bool      `json:"deleted,omitempty"`
	// Kind is KindInput (a document received) or KindResult (the result
	// handed back); DocType, IssuedAt and ValidUntil (zero: no limit)
	// describe the paper for the citizen's store.
	Kind       string    `json:"kind"`
	DocType    string    `json:"doc_type,omitempty"`
	IssuedAt   time.Time `json:"issued_at,omitzero"`
	ValidUntil time.Time `json:"valid_until,omitzero"`
	// ReusedFrom is the citizen's store document this attachment reuses
	// (no new scan); 0 when it was digitised for this dossier.
	ReusedFrom int64 `json:"reused_from,omitempty"`
}

// Kinds of attachment.
const (
	KindInput  = "input"
	KindResult = "result"
)

// AttachmentStore records digitised documents.
type AttachmentStore interface {
	// AddAttachment stores a (ID, AddedAt set on success) with the audit
	// entry and an outbox message re-sending the dossier, in one
	// transaction. Errors: KindNotFound when the dossier does not exist.
	AddAttachment(ctx context.Context, a *Attachment, audit AuditEntry) error
	// ListAttachments returns a dossier's attachments in the order added.
	ListAttachments(ctx context.Context, code string) ([]Attachment, error)
}

// BlobStore keeps file content by its SHA-256 (storage/blob.Store),
// encrypted at rest; Get gives the plaintext back, checked.
type BlobStore interface {
	PutBytes(b []byte) (blob.Address, error)
	Get(a blob.Address) ([]byte, error)
}

// QRSigner signs QR payloads with the station key (*Keys).
type QRSigner interface {
	Sign(p qrsign.Payload) (string, error)
}

// Scans is what digitisation needs besides the dossier store. Service.Scans
// is nil until the data directory's blob store and station key are open.
type Scans struct {
	Attachments AttachmentStore
	Blobs       BlobStore
	Signer      QRSigner
	Citizens    CitizenStore  // the citizens' document store; nil: not kept
	Limits      pdfdoc.Limits // zero value: pdfdoc.DefaultLimits
	System      string        // system field of the QR; default "MotCua"
}

// Error codes of Attach besides pdfdoc's.
const (
	ErrFileRead     = "ERR_FILE_READ"
	ErrNoComponent  = "ERR_NO_COMPONENT"
	ErrNoDigitising = "ERR_NO_DIGITISING"
)

// Attach digitises files as the document of component componentIndex
// (0-based) of dossier code: every file is checked (type, size, resolution,
// encryption; the error names the file), images are merged into one PDF
// (PDFs are kept page for page), every page is stamped with the conversion
// mark (agency name from the settings, actor as the officer's full name,
// the time now, a QR signed with the station key), and the result is stored
// in the blob store and recorded with the dossier. On any error the dossier
// and its other documents are unchanged.
func (s *Service) Attach(ctx context.Context, code string, componentIndex int, files []string, actor string) (*Attachment, error) {
	d, name, docType, err := s.attachTarget(ctx, code, componentIndex)
	if err != nil {
		return nil, err
	}
	inputs, err := readInputs(files)
	if err != nil {
		return nil, err
	}
	return s.digitise(ctx, d, componentIndex, name, inputs, actor, func(a *Attachment) { a.DocType = docType })
}

// AttachData is Attach for files already in memory (a pre-dossier's
// documents carried over at the counter): same checks, same mark.
func (s *Service) AttachData(ctx context.Context, code string, componentIndex int, inputs []pdfdoc.Input, actor string) (*Attachment, error) {
	d, name, docType, err := s.attachTarget(ctx, code, componentIndex)
	if err != nil {
		return nil, err
	}
	return s.digitise(ctx, d, componentIndex, name, inputs, actor, func(a *Attachment) { a.DocType = docType })
}

// attachTarget finds the dossier and its component componentIndex, with
// the kind of paper the catalogue gives it (for the citizen's store).
func (s *Service) attachTarget(ctx context.Context, code string, componentIndex int) (d *motcua.Dossier, name, docType string, err error) {
	d, err = s.Store.Get(ctx, code)
	if err != nil {
		return nil, "", "", err
	}
	if componentIndex < 0 || componentIndex >= len(d.Components) {
		return nil, "", "", motcua.Invalid(ErrNoComponent, "component",
			"Hồ sơ %s không có thành phần số %d (có %d thành phần)",
			"dossier %s has no component %d (it has %d)", d.Code, componentIndex+1, len(d.Components))
	}
	name = d.Components[componentIndex].Name
	if p, ok := s.Catalog.Find(d.Procedure.Code); ok {
		for _, c := range p.Components {
			if c.Name == name {
				docType = c.DocType
			}
		}
	}
	return d, name, docType, nil
}

// readInputs reads the files to digitise; the error names the file.
func readInputs(files []string) ([]pdfdoc.Input, error) {
	inputs := make([]pdfdoc.Input, len(files))
	for i, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			vi := "Không đọc được tệp «%s»: %v"
			if errors.Is(err, fs.ErrNotExist) {
				vi = "Không tìm thấy tệp «%s» (%v)"
			}
			return nil, motcua.Invalid(ErrFileRead, "file", vi, "cannot read file %q: %v", f, err)
		}
		inputs[i] = pdfdoc.Input{Name: filepath.Base(f), Data: b}
	}
	return inputs, nil
}

// digitise is the work of Attach, AttachData and AttachResult for a
// document named compName of dossier d; tweak (if set) fills the
// attachment's kind and validity before it is stored.
func (s *Service) digitise(ctx context.Context, d *motcua.Dossier, componentIndex int, compName string, inputs []pdfdoc.Input,
	actor string, tweak func(*Attachment)) (*Attachment, error) {
	sc := s.Scans
	if sc == nil || sc.Attachments == nil || sc.Blobs == nil || sc.Signer == nil {
		return nil, motcua.Errorf(motcua.KindInternal, ErrNoDigitising, "attachments",
			"Chức năng số hóa chưa sẵn sàng (chưa mở kho tệp hoặc khóa ký của máy)",
			"digitisation is not set up (blob store or station key not open)")
	}
	actor = motcua.Clean(actor)
	if actor == "" {
		return nil, motcua.Invalid(motcua.ErrRequired, "officer", "Chưa có họ tên người thực hiện chuyển đổi",
			"the converting officer's full name is missing")
	}
	if len(inputs) == 0 {
		return nil, motcua.Invalid(pdfdoc.ErrNothingToMerge, "file", "Chưa có tệp nào để số hóa", "no file to digitise")
	}
	id, err := s.Identity(ctx)
	if err != nil {
		return nil, err
	}
	lim := sc.Limits
	if lim.MaxFileSize == 0 && len(lim.Allowed) == 0 {
		lim = pdfdoc.DefaultLimits()
	}
	system := sc.System
	if system == "" {
		system = "MotCua"
	}
	m := pdfdoc.Mark{Agency: id.AgencyName, Officer: actor, At: s.now(), Dossier: d.Code, Component: compName}
	if m.QR, err = sc.Signer.Sign(m.Payload(d.Procedure.Code, d.Applicant.IDNumber, system)); err != nil {
		return nil, fmt.Errorf("ký mã QR của dấu chuyển đổi: %w", err)
	}
	doc, err := pdfdoc.Digitise(inputs, m, lim)
	if err != nil {
		return nil, err
	}
	addr, err := sc.Blobs.PutBytes(doc.PDF)
	if err != nil {
		return nil, motcua.Errorf(motcua.KindInternal, "ERR_BLOB", "file", "Không lưu được tệp số hóa: %v", "cannot store the digitised file: %v", err)
	}
	if addr != blob.Address(doc.SHA256) {
		return nil, motcua.Errorf(motcua.KindInternal, "ERR_BLOB", "file", "Kho tệp trả về địa chỉ sai", "the blob store returned a wrong address")
	}
	a := &Attachment{
		Dossier:        d.Code,
		ComponentIndex: componentIndex,
		Component:      compName,
		FileName:       attachmentName(d.Code, componentIndex, inputs),
		SHA256:         hex.EncodeToString(doc.SHA256[:]),
		Size:           int64(len(doc.PDF)),
		Pages:          doc.Pages,
		Stamped:        true,
		AddedAt:        m.At,
		AddedBy:        actor,
		Kind:           KindInput,
	}
	if tweak != nil {
		tweak(a)
	}
	names := make([]string, len(inputs))
	for i, in := range inputs {
		names[i] = in.Name
	}
	audit := AuditEntry{At: m.At, Actor: actor, Action: "dossier.attach", Subject: d.Code,
		Detail: fmt.Sprintf("thành phần %d «%s»: %s; %d trang; sha256 %s", componentIndex+1, compName,
			strings.Join(names, ", "), doc.Pages, a.SHA256)}
	if a.Kind == KindResult {
		audit.Action = "dossier.result"
		audit.Detail = fmt.Sprintf("kết quả «%s»: %s; %d trang; cấp %s; hiệu lực %s; sha256 %s", compName,
			strings.Join(names, ", "), doc.Pages, a.IssuedAt.Format("02/01/2006"), validityText(a.ValidUntil), a.SHA256)
	}
	if err := sc.Attachments.AddAttachment(ctx, a, audit); err != nil {
		return nil, err
	}
	return a, nil
}

// validityText is a validity for the papers and the log.
func validityText(until time.Time) string {
	if until.IsZero() {
		return "không thời hạn"
	}
	return "đến " + until.In(motcua.Location).Format("02/01/2006")
}

// Attachments lists a dossier's digitised documents.
func (s *Service) Attachments(ctx context.Context, code string) ([]Attachment, error) {
	if s.Scans == nil || s.Scans.Attachments == nil {
		return nil, motcua.Errorf(motcua.KindInternal, ErrNoDigitising, "attachments",
			"Chức năng số hóa chưa sẵn sàng", "digitisation is not set up")
	}
	if _, err := s.Store.Get(ctx, code); err != nil {
		return nil, err
	}
	return s.Scans.Attachments.ListAttachments(ctx, code)
}

// attachmentName is the stored file's name: a single PDF keeps its name,
// anything merged is named after the dossier and component.
func attachmentName(code string, idx int, in []pdfdoc.Input) string {
	if len(in) == 1 && strings.EqualFold(filepath.Ext(in[0].Name), ".pdf") {
		return in[0].Name
	}
	return fmt.Sprintf("%s_TP%02d.pdf", code, idx+1)
}

// AttachmentPDF is the stored PDF of attachment id of dossier code, in
// plaintext: what the window previews. Errors: KindNotFound when the
// dossier has no such attachment or its file is missing from the store.
func (s *Service) AttachmentPDF(ctx context.Context, code string, id int64) ([]byte, error) {
	as, err := s.Attachments(ctx, code)
	if err != nil {
		return nil, err
	}
	if s.Scans.Blobs == nil {
		return nil, motcua.Errorf(motcua.KindInternal, ErrNoDigitising, "attachments",
			"Chức năng số hóa chưa sẵn sàng", "digitisation is not set up")
	}
	for _, a := range as {
		if a.ID != id {
			continue
		}
		addr, err := blob.ParseAddress(a.SHA256)
		if err != nil {
			return nil, fmt.Errorf("tài liệu %d của hồ sơ %s: %w", id, code, err)
		}
		b, err := s.Scans.Blobs.Get(addr)
		if errors.Is(err, blob.ErrNotFound) {
			return nil, motcua.Errorf(motcua.KindNotFound, "ERR_BLOB", "file",
				"Không còn tệp của tài liệu «%s» trong kho", "the file of document %q is not in the store", a.FileName)
		}
		if err != nil {
			return nil, motcua.Errorf(motcua.KindInternal, "ERR_BLOB", "file",
				"Không đọc được tệp của tài liệu «%s»: %v", "cannot read the file of document %q: %v", a.FileName, err)
		}
		return b, nil
	}
	return nil, motcua.Errorf(motcua.KindNotFound, motcua.ErrNotFound, "attachment",
		"Hồ sơ %s không có tài liệu số %d", "dossier %s has no document %d", code, id)
}

// CheckScan checks one file against the digitisation rules (type, size,
// resolution, pages, encryption) before it is collected for a dossier
// that does not exist yet: the error names the file and the rule.
func (s *Service) CheckScan(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		vi := "Không đọc được tệp «%s»: %v"
		if errors.Is(err, fs.ErrNotExist) {
			vi = "Không tìm thấy tệp «%s» (%v)"
		}
		return motcua.Invalid(ErrFileRead, "file", vi, "cannot read file %q: %v", filepath.Base(path), err)
	}
	_, err = pdfdoc.Check(filepath.Base(path), b, s.scanLimits())
	return err
}

func (s *Service) scanLimits() pdfdoc.Limits {
	var lim pdfdoc.Limits
	if s.Scans != nil {
		lim = s.Scans.Limits
	}
	if lim.MaxFileSize == 0 && len(lim.Allowed) == 0 {
		lim = pdfdoc.DefaultLimits()
	}
	return lim
}

// KeyScanInbox is the settings key of the station's scan-inbox folder:
// where the office scanner's "scan to folder" writes.
const KeyScanInbox = "scan.inbox_dir"

// ScanInboxDir is the station's scan-inbox folder, "" when none is set.
func (s *Service) ScanInboxDir(ctx context.Context) (string, error) {
	v, _, err := s.Store.Setting(ctx, KeyScanInbox)
	return v, err
}

// SetScanInboxDir sets the scan-inbox folder ("" turns it off). The folder
// must exist: it is the scanner's, shared on the network or local, and a
// mistyped path must not silently create a folder no scanner writes to.
// A station setting (PermStation), audited under by.
func (s *Service) SetScanInboxDir(ctx context.Context, dir string, by Actor) error {
	if err := by.Allow(PermStation); err != nil {
		return err
	}
	dir = strings.TrimSpace(dir)
	if dir != "" {
		if !filepath.IsAbs(dir) {
			return motcua.Invalid(motcua.ErrBadValue, "scan_inbox",
				"Thư mục hộp thư máy quét phải là đường dẫn đầy đủ (ví dụ D:\\MayQuet), không phải «%s»",
				"the scan inbox must be a full path (e.g. D:\\Scans), not %q", dir)
		}
		fi, err := os.Stat(dir)
		if err != nil || !fi.IsDir() {
			return motcua.Invalid(motcua.ErrBadValue, "scan_inbox",
				"Không có thư mục «%s» trên máy này (tạo thư mục, đặt máy quét lưu vào đó, rồi chọn lại)",
				"there is no folder %q on this PC (create it, set the scanner to save there, then choose it again)", dir)
		}
		dir = filepath.Clean(dir)
	}
	a := AuditEntry{At: s.now(), Actor: by.Username, Action: "scan.inbox", Detail: "thư mục hộp thư máy quét: " + dir}
	if dir == "" {
		a.Detail = "tắt hộp thư máy quét"
	}
	return s.Store.SetSetting(ctx, KeyScanInbox, dir, a)
}

// ScanLimits are the digitisation rules in force (Scans.Limits, or the
// defaults): field mode checks a pre-dossier's documents by them.
func (s *Service) ScanLimits() pdfdoc.Limits { return s.scanLimits() }
