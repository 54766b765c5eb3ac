package field

import (
	"context"
	"fmt"
	"strings"

	"motcua"
	"motcua/app"
	"motcua/scanning/pdfdoc"
	"motcua/scanning/qrsign"
)

// IsSlip reports whether a scanned line is a field slip (its QR, or a
// reference typed from it), to route the intake's scan field.
func IsSlip(line string) bool {
	line = strings.TrimSpace(line)
	if _, ok := RefAgency(line); ok {
		return true
	}
	p, res := qrsign.Verify(line, nil)
	return res != qrsign.NotOurs && p.Doc == qrsign.DocPrepared
}

// Lookup finds, at the counter, the pre-dossier a slip names: its QR text
// as the scanner types it, or the reference typed by hand when the QR is
// damaged. The slip is verified against the key that came with the
// pre-dossier in the field bundle. Errors, each a sentence for the
// officer: ErrSlipForeign (another commune), ErrSlipExpired,
// ErrSlipNotArrived (the bundle has not been imported: import it, or
// type the dossier in), ErrSlipTampered, ErrAlreadyAccepted (with the
// dossier code), ErrFieldStation.
func (s *Service) Lookup(ctx context.Context, line string) (*Record, error) {
	if err := s.App.RequireCounter(ctx); err != nil {
		return nil, err
	}
	id, err := s.App.Identity(ctx)
	if err != nil {
		return nil, err
	}
	line = strings.TrimSpace(line)
	now := s.now()
	var (
		ref    string
		p      qrsign.Payload
		signed bool
	)
	if _, ok := RefAgency(line); ok {
		ref = strings.ToUpper(line)
	} else {
		var res qrsign.Result
		p, res = qrsign.Verify(line, nil)
		if res == qrsign.NotOurs || (res != qrsign.Tampered && p.Doc != qrsign.DocPrepared) {
			return nil, motcua.Invalid(ErrSlipTampered, "slip", "Đây không phải mã QR của phiếu hẹn hồ sơ chuẩn bị trước",
				"this is not the QR of a prepared-dossier slip")
		}
		if res == qrsign.Tampered {
			return nil, tampered()
		}
		ref, signed = p.Code, true
	}
	agency, ok := RefAgency(ref)
	if !ok {
		return nil, tampered()
	}
	if agency != id.AgencyID {
		return nil, motcua.Invalid(ErrSlipForeign, "slip",
			"Phiếu hẹn %s là của đơn vị %s, không phải của %s (%s): hồ sơ này được chuẩn bị để nộp ở nơi khác; hướng dẫn người dân nộp đúng nơi, hoặc tiếp nhận như hồ sơ mới (nhập tay)",
			"slip %s is for agency %s, not %s (%s): this dossier was prepared for another office; direct the villager there, or receive it as a new dossier (typed in)",
			ref, agency, id.AgencyID, id.AgencyName)
	}
	if signed && !p.Due.IsZero() && now.After(p.Due) {
		return nil, motcua.Invalid(ErrSlipExpired, "slip",
			"Phiếu hẹn %s đã hết hạn lúc %s: hồ sơ chuẩn bị đã bị xóa theo quy định; tiếp nhận như hồ sơ mới (nhập tay)",
			"slip %s expired at %s: the prepared dossier has been purged as the rules require; receive it as a new dossier (typed in)",
			ref, motcua.FormatTime(p.Due))
	}
	r, err := s.Store.Prepared(ctx, ref)
	if err != nil || r.Origin != OriginImported {
		if e, ok := motcua.AsError(err); err == nil || (ok && e.Kind == motcua.KindNotFound) {
			return nil, motcua.Errorf(motcua.KindNotFound, ErrSlipNotArrived, "slip",
				"Hồ sơ chuẩn bị %s chưa về máy này: chưa nhập gói USB của tổ công nghệ số có hồ sơ này. Nhập gói (Đồng bộ › Nhập gói hiện trường), hoặc nhập tay hồ sơ ngay bây giờ",
				"prepared dossier %s has not reached this station: the community team's bundle holding it was not imported. Import the bundle, or type the dossier in now",
				ref)
		}
		return nil, err
	}
	if r.AcceptedCode != "" {
		return nil, motcua.Errorf(motcua.KindConflict, ErrAlreadyAccepted, "slip",
			"Hồ sơ chuẩn bị %s đã được tiếp nhận lúc %s, mã hồ sơ %s: mở hồ sơ đó, không tiếp nhận lần hai",
			"prepared dossier %s was accepted at %s as dossier %s: open that dossier, it cannot be accepted twice",
			ref, motcua.FormatTime(r.AcceptedAt), r.AcceptedCode)
	}
	if signed {
		ring := &qrsign.Keyring{}
		if _, err := ring.Add(r.SlipKey, r.Station, ""); err != nil || !verified(line, ring) {
			return nil, tampered()
		}
	}
	if now.After(r.ExpiresAt) {
		return nil, motcua.Invalid(ErrSlipExpired, "slip",
			"Phiếu hẹn %s đã hết hạn lúc %s: tiếp nhận như hồ sơ mới (nhập tay)",
			"slip %s expired at %s: receive it as a new dossier (typed in)", ref, motcua.FormatTime(r.ExpiresAt))
	}
	return r, nil
}

func verified(line string, ring *qrsign.Keyring) bool {
	_, res := qrsign.Verify(line, ring)
	return res == qrsign.Valid
}

func tampered() error {
	return motcua.Invalid(ErrSlipTampered, "slip",
		"Mã QR của phiếu hẹn đã bị sửa hoặc hư hỏng, hoặc không do máy của tổ đã gửi hồ sơ ký: không dùng được; nhập mã tham chiếu in dưới mã QR, hoặc nhập tay hồ sơ",
		"the slip's QR was altered or damaged, or not signed by the team station that sent the dossier: type the reference printed under the QR, or type the dossier in")
}

// Request is the intake request a pre-dossier fills: applicant, procedure
// and the checklist as ticked in the field. The counter form shows it,
// the officer checks it against the originals and may change it.
func (r *Record) Request(by app.Actor) app.IntakeRequest {
	comps := append([]motcua.Component(nil), r.Components...)
	return app.IntakeRequest{ProcedureCode: r.Procedure.Code, Applicant: r.Applicant, Channel: motcua.ChannelDirect,
		Components: comps, By: by, Decision: app.DecideAccept}
}

// ConsentNote is the line the dossier's history keeps about the
// pre-dossier and the villager's consent.
func (r *Record) ConsentNote() string {
	return fmt.Sprintf("Hồ sơ chuẩn bị tại cơ sở %s (tổ công nghệ số, máy %s); đồng ý xử lý dữ liệu cá nhân: %s, lúc %s, người ghi nhận %s",
		r.Ref, r.Station, r.Consent.MethodName(), motcua.FormatTime(r.Consent.At), r.Consent.By)
}

// Received is the outcome of Receive.
type Received struct {
	Dossier     *motcua.Dossier
	Attachments []app.Attachment
}

// Receive decides, at the counter, the dossier a slip brought: req is
// the intake form (Request, as the officer checked it), officer the full
// name the conversion mark carries. The dossier is stored with its code
// and the pre-dossier marked accepted in one transaction, so a pre-dossier
// is received once; then its documents are digitised onto the dossier's
// components (stamped and signed like any scan) and the pre-dossier's
// content is dropped. If carrying a document over fails, the dossier
// stays received and CarryOver finishes the job. Errors: those of
// app.Service.BuildIntake; ErrAlreadyAccepted; KindNotFound.
func (s *Service) Receive(ctx context.Context, ref string, req app.IntakeRequest, officer string) (*Received, error) {
	r, err := s.Store.Prepared(ctx, ref)
	if err != nil {
		return nil, err
	}
	if r.AcceptedCode != "" || !r.Sealed || r.Origin != OriginImported {
		if r.AcceptedCode != "" {
			return nil, motcua.Errorf(motcua.KindConflict, ErrAlreadyAccepted, "slip",
				"Hồ sơ chuẩn bị %s đã được tiếp nhận, mã hồ sơ %s: không tiếp nhận lần hai",
				"prepared dossier %s was already accepted as dossier %s", ref, r.AcceptedCode)
		}
		return nil, notFound(ref)
	}
	d, id, a, err := s.App.BuildIntake(ctx, req)
	if err != nil {
		return nil, err
	}
	note := r.ConsentNote()
	d.History[len(d.History)-1].Note = note
	a.Detail += "; " + note
	if err := s.Store.AcceptPrepared(ctx, ref, d, id.AgencyID, id.Station, a); err != nil {
		return nil, err
	}
	out := &Received{Dossier: d}
	if d.Status == motcua.StatusRefused {
		// A refused dossier keeps no scans (as at the counter): the
		// pre-dossier's documents are dropped with it.
		return out, s.Store.DropContent(ctx, ref, app.AuditEntry{At: s.now(), Actor: "system", Action: "field.drop", Subject: ref,
			Detail: "hồ sơ " + d.Code + " bị từ chối; nội dung hồ sơ chuẩn bị đã xóa"})
	}
	atts, err := s.CarryOver(ctx, ref, officer)
	out.Attachments = atts
	if err != nil {
		return out, motcua.Errorf(motcua.KindInternal, "ERR_FIELD_CARRY", "documents",
			"Đã tiếp nhận hồ sơ %s nhưng chưa chuyển xong tài liệu của hồ sơ chuẩn bị %s: %v. Quét lại phiếu hẹn để chuyển tiếp",
			"dossier %s was received but the documents of prepared dossier %s were not all carried over: %v. Scan the slip again to finish",
			d.Code, ref, err)
	}
	return out, nil
}

// CarryOver digitises the documents of an accepted pre-dossier onto its
// dossier, those not carried yet, then drops the pre-dossier's content.
// It returns the attachments made.
func (s *Service) CarryOver(ctx context.Context, ref, officer string) ([]app.Attachment, error) {
	r, err := s.Store.Prepared(ctx, ref)
	if err != nil {
		return nil, err
	}
	if r.AcceptedCode == "" {
		return nil, motcua.Invalid(motcua.ErrBadValue, "ref", "Hồ sơ chuẩn bị %s chưa được tiếp nhận", "prepared dossier %s is not accepted yet", ref)
	}
	if !r.Sealed {
		return nil, nil
	}
	done, err := s.Store.CarriedDocuments(ctx, ref)
	if err != nil {
		return nil, err
	}
	d, err := s.App.Store.Get(ctx, r.AcceptedCode)
	if err != nil {
		return nil, err
	}
	var out []app.Attachment
	for i, doc := range r.Documents {
		if done[i] != 0 {
			continue
		}
		data, err := s.Store.PreparedDocument(ctx, ref, i)
		if err != nil {
			return out, err
		}
		comp := componentFor(d, doc)
		att, err := s.App.AttachData(ctx, d.Code, comp, []pdfdoc.Input{{Name: doc.Name, Data: data}}, officer)
		if err != nil {
			return out, err
		}
		out = append(out, *att)
		if err := s.Store.CarriedOver(ctx, ref, i, att.ID); err != nil {
			return out, err
		}
	}
	err = s.Store.DropContent(ctx, ref, app.AuditEntry{At: s.now(), Actor: "system", Action: "field.carried", Subject: ref,
		Detail: fmt.Sprintf("hồ sơ %s: %d tài liệu đã chuyển; nội dung hồ sơ chuẩn bị đã xóa", d.Code, len(r.Documents))})
	return out, err
}

// componentFor is the dossier's component a document goes to: the one of
// the same name (the officer may have changed the checklist), else the
// same position in the procedure's checklist.
func componentFor(d *motcua.Dossier, doc Document) int {
	for i, c := range d.Components {
		if motcua.Fold(c.Name) == motcua.Fold(doc.Component) {
			return i
		}
	}
	if doc.ComponentIndex >= 0 && doc.ComponentIndex < len(d.Components) {
		return doc.ComponentIndex
	}
	return 0
}
