package ui

import (
	"context"

	"motcua"
	"motcua/app"
	fieldmode "motcua/app/field"
)

// onSlip handles a field slip scanned (or its reference typed) in the
// scan field: the pre-dossier a community team prepared fills the form —
// applicant, procedure, the checklist as ticked in the village — and its
// documents are attached once the dossier is received. Each refusal is
// the service's sentence; a slip whose pre-dossier never arrived puts the
// focus on the applicant's name, to type the dossier in.
func (s *Intake) onSlip(line string) {
	r, err := s.field.Lookup(context.Background(), line)
	if err != nil {
		s.ScanErr.set(errMsg(err))
		if e, ok := motcua.AsError(err); ok && (e.Code == fieldmode.ErrSlipNotArrived || e.Code == fieldmode.ErrSlipExpired ||
			e.Code == fieldmode.ErrSlipForeign) {
			s.focus(s.Name)
		}
		return
	}
	s.fillApplicant(r.Applicant)
	s.Phone.SetText(r.Applicant.Phone)
	if p, ok := s.svc.Catalog.Find(r.Procedure.Code); ok {
		s.choose(p)
		s.showSearch(false)
	}
	ticked := map[string]motcua.Component{}
	for _, c := range r.Components {
		ticked[motcua.Fold(c.Name)] = c
	}
	for _, row := range s.comps {
		_, ok := ticked[motcua.Fold(row.spec.Name)]
		row.Check.SetChecked(ok)
	}
	s.prepared = r
	s.ScanErr.set("")
	s.ScanInfo.SetText(tr("Hồ sơ chuẩn bị trước") + " " + r.Ref + " (" + tr("tổ công nghệ số, máy") + " " + r.Station + "): " +
		num(len(r.Documents), "tài liệu") + " " + tr("sẽ được đính kèm sau khi tiếp nhận.") + " " +
		tr("Đối chiếu bản chính rồi tiếp nhận (Ctrl+Enter)."))
	if len(s.comps) > 0 {
		s.focus(s.comps[0].Check)
	}
}

// Prepared is the pre-dossier the form holds (nil: typed at the counter).
func (s *Intake) Prepared() *fieldmode.Record { return s.prepared }

// receivePrepared records the decision on a prepared dossier: the code,
// the pre-dossier accepted once, its documents carried over. The second
// result is the line for the decision's card ("!" first: a problem).
func (s *Intake) receivePrepared(ctx context.Context, req app.IntakeRequest) (*motcua.Dossier, string, error) {
	r := s.prepared
	res, err := s.field.Receive(ctx, r.Ref, req, s.user().FullName)
	if res == nil {
		return nil, "", err
	}
	if err != nil {
		return res.Dossier, "!" + errMsg(err), nil
	}
	msg := tr("Hồ sơ chuẩn bị trước") + " " + r.Ref + ": " + tr("đã đính kèm") + " " + num(len(res.Attachments), "tài liệu")
	return res.Dossier, msg, nil
}
