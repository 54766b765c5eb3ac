package field_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/app/field"
)

// TestEndToEnd: a field station prepares 20 dossiers offline in a village,
// the team carries one bundle file to the commune, the counter imports it,
// and each villager's slip QR brings their dossier into intake: official
// codes issued, documents carried over, consent recorded.
func TestEndToEnd(t *testing.T) {
	ctx := context.Background()
	f, c := pair(t)
	const n = 20
	slips := map[string]*field.Prepared{}
	for i := range n {
		p := f.prepare(uint64(100 + i))
		slips[p.Ref] = p
		f.clock.Advance(7 * time.Minute)
	}
	if len(slips) != n {
		t.Fatalf("%d distinct references for %d dossiers", len(slips), n)
	}
	if k, _ := f.st.Count(ctx, app.ListFilter{}); k != 0 {
		t.Fatalf("the field station issued %d dossiers", k)
	}
	usb := filepath.Join(t.TempDir(), "to-cong-nghe-so.mcb")
	if res := f.export(usb); len(res.Refs) != n || res.Documents != 2*n {
		t.Fatalf("export %+v", res)
	}
	c.clock.Set(monday.Add(24 * time.Hour)) // the next morning at the counter
	got, err := c.fs.Import(ctx, officer, usb)
	if err != nil || got.Added != n {
		t.Fatalf("import %+v (%v)", got, err)
	}
	codes := map[string]bool{}
	for ref, p := range slips {
		r, err := c.fs.Lookup(ctx, p.SlipQR+"\n")
		if err != nil {
			t.Fatalf("slip %s: %v", ref, err)
		}
		res, err := c.fs.Receive(ctx, r.Ref, r.Request(officer), "Nguyễn Thị Lan")
		if err != nil {
			t.Fatalf("receive %s: %v", ref, err)
		}
		d := res.Dossier
		codes[d.Code] = true
		if !strings.HasPrefix(d.Code, agency+"-261124-") || d.Status != motcua.StatusReceived || d.DueAt.IsZero() {
			t.Fatalf("dossier %+v", d)
		}
		atts, err := c.svc.Attachments(ctx, d.Code)
		if err != nil || len(atts) != 2 {
			t.Fatalf("%s has %d documents (%v)", d.Code, len(atts), err)
		}
		for i, a := range atts {
			if a.Component != p.Documents[i].Component || !a.Stamped || a.Pages != 1 {
				t.Fatalf("document %d of %s: %+v", i, d.Code, a)
			}
			if pdf, err := c.svc.AttachmentPDF(ctx, d.Code, a.ID); err != nil || !strings.HasPrefix(string(pdf), "%PDF") {
				t.Fatalf("document %d of %s does not open: %v", i, d.Code, err)
			}
		}
		if !strings.Contains(d.History[0].Note, "đồng ý xử lý dữ liệu cá nhân") || !strings.Contains(d.History[0].Note, ref) {
			t.Fatalf("consent of %s: %q", d.Code, d.History[0].Note)
		}
		after, _ := c.fs.Store.Prepared(ctx, ref)
		if after.AcceptedCode != d.Code || after.Consent.Method != field.ConsentPaper || !after.Consent.At.Before(monday.Add(3*time.Hour)) {
			t.Fatalf("record of %s: %+v", ref, after)
		}
		if _, err := c.fs.Lookup(ctx, p.SlipQR); err == nil {
			t.Fatalf("slip %s works twice", ref)
		}
	}
	if len(codes) != n {
		t.Fatalf("%d distinct codes for %d dossiers", len(codes), n)
	}
	if k, _ := c.st.Count(ctx, app.ListFilter{}); k != n {
		t.Fatalf("the counter holds %d dossiers, want %d", k, n)
	}
	if log := c.audit("dossier.accept"); len(log) != n {
		t.Fatalf("%d acceptances in the audit, want %d", len(log), n)
	}
	if _, err := c.st.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}
