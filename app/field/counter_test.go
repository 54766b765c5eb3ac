package field_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app/field"
)

func TestSlipAtCounter(t *testing.T) {
	ctx := context.Background()
	f, c := pair(t)
	p := f.prepare(1)
	t.Run("ErrNotArrived", func(t *testing.T) {
		_, err := c.fs.Lookup(ctx, p.SlipQR)
		e := wantCode(t, err, field.ErrSlipNotArrived)
		if !strings.Contains(e.Msg, "nhập tay") || !strings.Contains(e.Msg, p.Ref) {
			t.Fatalf("message %q", e.Msg)
		}
	})
	path := filepath.Join(t.TempDir(), "b.mcb")
	f.export(path)
	if _, err := c.fs.Import(ctx, officer, path); err != nil {
		t.Fatal(err)
	}
	t.Run("ErrForeign", func(t *testing.T) {
		other := newStation(t, c.clock, "000.00.07.H56", 3, "field")
		op := other.prepare(9)
		_, err := c.fs.Lookup(ctx, op.SlipQR)
		if e := wantCode(t, err, field.ErrSlipForeign); !strings.Contains(e.Msg, "000.00.07.H56") {
			t.Fatalf("message %q", e.Msg)
		}
	})
	t.Run("ErrTampered", func(t *testing.T) {
		// Another station of the commune forging a slip for p's ref.
		forger := newStation(t, c.clock, agency, 2, "field")
		fake := p.PreDossier
		qr, err := forger.fs.SlipQR(fake)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.fs.Lookup(ctx, qr)
		wantCode(t, err, field.ErrSlipTampered)
		bad := strings.Replace(p.SlipQR, "|"+birth+"|", "|1.000656|", 1)
		_, err = c.fs.Lookup(ctx, bad)
		wantCode(t, err, field.ErrSlipTampered)
	})
	t.Run("TypedRef", func(t *testing.T) {
		r, err := c.fs.Lookup(ctx, " "+strings.ToLower(p.Ref)+"\n")
		if err != nil || r.Ref != p.Ref {
			t.Fatalf("%+v %v", r, err)
		}
	})
	t.Run("ReceiveOnce", func(t *testing.T) {
		r, err := c.fs.Lookup(ctx, p.SlipQR)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.fs.Receive(ctx, r.Ref, r.Request(officer), "Nguyễn Thị Lan")
		if err != nil {
			t.Fatal(err)
		}
		d := got.Dossier
		if !strings.HasPrefix(d.Code, agency+"-261123-") || d.Status != motcua.StatusReceived || d.Applicant.IDNumber != "001190123456" {
			t.Fatalf("dossier %+v", d)
		}
		if len(got.Attachments) != 2 || got.Attachments[1].Component != d.Components[1].Name || !got.Attachments[0].Stamped {
			t.Fatalf("attachments %+v", got.Attachments)
		}
		if note := d.History[0].Note; !strings.Contains(note, p.Ref) || !strings.Contains(note, "Phiếu đồng ý in sẵn") || !strings.Contains(note, team.Username) {
			t.Fatalf("consent not on the dossier's history: %q", note)
		}
		stored, err := c.st.Get(ctx, d.Code)
		if err != nil || stored.History[0].Note != d.History[0].Note {
			t.Fatalf("stored %+v (%v)", stored, err)
		}
		_, err = c.fs.Receive(ctx, r.Ref, r.Request(officer), "Nguyễn Thị Lan")
		wantCode(t, err, field.ErrAlreadyAccepted)
		_, err = c.fs.Lookup(ctx, p.SlipQR)
		if e := wantCode(t, err, field.ErrAlreadyAccepted); !strings.Contains(e.Msg, d.Code) {
			t.Fatalf("message %q does not give the code", e.Msg)
		}
		after, err := c.fs.Store.Prepared(ctx, r.Ref)
		if err != nil || after.Sealed || after.AcceptedCode != d.Code || after.Consent.Method != field.ConsentPaper || after.Consent.By != team.Username {
			t.Fatalf("after acceptance %+v (%v)", after, err)
		}
		if _, err := c.fs.Store.PreparedDocument(ctx, r.Ref, 0); err == nil {
			t.Fatal("the pre-dossier's documents were kept after they were carried over")
		}
		if n, _ := c.st.Count(ctx, appFilter()); n != 1 {
			t.Fatalf("%d dossiers, want 1", n)
		}
	})
	t.Run("ErrExpired", func(t *testing.T) {
		q := f.prepare(5)
		path := filepath.Join(t.TempDir(), "c.mcb")
		f.export(path)
		if _, err := c.fs.Import(ctx, officer, path); err != nil {
			t.Fatal(err)
		}
		c.clock.Advance(time.Duration(field.DefaultPurgeDays)*24*time.Hour + time.Hour)
		_, err := c.fs.Lookup(ctx, q.SlipQR)
		if e := wantCode(t, err, field.ErrSlipExpired); !strings.Contains(e.Msg, "nhập tay") {
			t.Fatalf("message %q", e.Msg)
		}
		gone, err := c.fs.Purge(ctx)
		if err != nil || len(gone) != 1 || gone[0] != q.Ref {
			t.Fatalf("counter purge %v (%v)", gone, err)
		}
		// The accepted one keeps its record of consent and code.
		if r, err := c.fs.Store.Prepared(ctx, p.Ref); err != nil || r.AcceptedCode == "" {
			t.Fatalf("accepted record %+v (%v)", r, err)
		}
		if log := c.audit("field.purge"); len(log) != 1 || log[0][1] != q.Ref {
			t.Fatalf("audit %v", log)
		}
	})
}
