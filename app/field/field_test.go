package field_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/app/field"
	"motcua/scanning/qrsign"
)

func TestFieldStationIssuesNoCode(t *testing.T) {
	f, c := pair(t)
	ctx := context.Background()
	t.Run("ErrFieldStation", func(t *testing.T) {
		_, err := f.svc.Intake(ctx, app.IntakeRequest{ProcedureCode: birth, CCCD: cccdLine, By: team})
		wantCode(t, err, app.ErrFieldStation)
		n, err := f.st.Count(ctx, app.ListFilter{})
		if err != nil || n != 0 {
			t.Fatalf("the field station holds %d dossiers (%v)", n, err)
		}
	})
	t.Run("CounterWithDossiersStaysCounter", func(t *testing.T) {
		if _, err := c.svc.Intake(ctx, app.IntakeRequest{ProcedureCode: birth, CCCD: cccdLine, By: officer}); err != nil {
			t.Fatal(err)
		}
		wantCode(t, c.svc.SetStationRole(ctx, admin, app.StationField), app.ErrFieldStation)
		wantCode(t, c.svc.SetStationRole(ctx, officer, app.StationCounter), app.ErrForbidden)
	})
	t.Run("ErrNotField", func(t *testing.T) {
		_, err := c.fs.Prepare(ctx, field.PrepareRequest{By: officer, CCCD: cccdLine, ProcedureCode: birth,
			Consent: field.Consent{Method: field.ConsentRecorded}})
		wantCode(t, err, field.ErrNotField)
	})
}

func TestPrepare(t *testing.T) {
	f, _ := pair(t)
	ctx := context.Background()
	t.Run("ErrConsent", func(t *testing.T) {
		_, err := f.fs.Prepare(ctx, field.PrepareRequest{By: team, CCCD: cccdLine, ProcedureCode: birth})
		e := wantCode(t, err, field.ErrConsent)
		if !strings.Contains(e.Msg, "đồng ý") {
			t.Fatalf("message %q", e.Msg)
		}
	})
	t.Run("ErrBadDocument", func(t *testing.T) {
		_, err := f.fs.Prepare(ctx, field.PrepareRequest{By: team, CCCD: cccdLine, ProcedureCode: birth,
			Consent:   field.Consent{Method: field.ConsentRecorded},
			Documents: []field.DocumentInput{{ComponentIndex: 0, Name: "thu.docx", Data: []byte("PK\x03\x04 not a scan")}}})
		if e, ok := motcua.AsError(err); !ok || e.Kind != motcua.KindInvalid || !strings.Contains(e.Msg, "thu.docx") {
			t.Fatalf("want a refusal naming the file, got %v", err)
		}
	})
	if recs, _ := f.fs.List(ctx); len(recs) != 0 {
		t.Fatalf("refused preparations left %d records", len(recs))
	}
	p := f.prepare(1)
	t.Run("Record", func(t *testing.T) {
		if !strings.HasPrefix(p.Ref, agency+"-CB-") || len(p.Ref) != len(agency)+12 {
			t.Fatalf("ref %q", p.Ref)
		}
		if p.Applicant.Name != "Nguyễn Thị Ánh Tuyết" || p.Applicant.Phone != "0912345678" || len(p.Components) != 3 || len(p.Documents) != 2 {
			t.Fatalf("pre-dossier %+v", p.PreDossier)
		}
		if p.Consent.Method != field.ConsentPaper || p.Consent.By != team.Username || !p.Consent.At.Equal(monday) {
			t.Fatalf("consent %+v", p.Consent)
		}
		if want := monday.AddDate(0, 0, field.DefaultPurgeDays); !p.ExpiresAt.Equal(want) {
			t.Fatalf("expires %v, want %v", p.ExpiresAt, want)
		}
		recs, err := f.fs.List(ctx)
		if err != nil || len(recs) != 1 || recs[0].Applicant.IDNumber != "001190123456" || recs[0].Documents[1].Component == "" {
			t.Fatalf("list %+v (%v)", recs, err)
		}
		if got := f.audit("field.prepare"); len(got) != 1 || got[0][1] != p.Ref || strings.Contains(got[0][2], "001190123456") {
			t.Fatalf("audit %v", got)
		}
	})
	t.Run("SlipQR", func(t *testing.T) {
		ring := &qrsign.Keyring{}
		ring.Add(f.keys.Priv.Public().(ed25519.PublicKey), "3/3", "")
		pl, res := qrsign.Verify(p.SlipQR, ring)
		if res != qrsign.Valid || pl.Doc != qrsign.DocPrepared || pl.Code != p.Ref || pl.Procedure != birth ||
			!pl.Due.Equal(p.ExpiresAt.Truncate(time.Minute)) || pl.Applicant != "" {
			t.Fatalf("slip payload %+v (%v)", pl, res)
		}
		if !field.IsSlip(p.SlipQR) || !field.IsSlip(strings.ToLower(p.Ref)) || field.IsSlip(cccdLine) {
			t.Fatal("IsSlip does not tell slips from other scans")
		}
	})
	t.Run("EncryptedAtRest", func(t *testing.T) {
		// Checkpoint-independent: look in the database and its WAL.
		var disk []byte
		for _, n := range []string{"motcua.db", "motcua.db-wal"} {
			b, _ := os.ReadFile(filepath.Join(f.dir, n))
			disk = append(disk, b...)
		}
		if !bytes.Contains(disk, []byte(p.Ref)) {
			t.Fatal("the test reads the wrong files: the reference is not there")
		}
		doc := scanImage(t, 1)
		for what, b := range map[string][]byte{
			"name": []byte("Ánh Tuyết"), "ID number": []byte("001190123456"), "phone": []byte("0912345678"),
			"notes": []byte("nhờ con gái"), "document": doc[len(doc)/2 : len(doc)/2+64],
		} {
			if bytes.Contains(disk, b) {
				t.Errorf("the %s is stored in clear", what)
			}
		}
	})
}

func TestPurge(t *testing.T) {
	f, _ := pair(t)
	ctx := context.Background()
	if err := f.fs.SetPurgeDays(ctx, admin, 7); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.fs.SetPurgeDays(ctx, admin, 0), motcua.ErrBadValue)
	old := f.prepare(1)
	f.export(filepath.Join(t.TempDir(), "a.mcb"))
	f.clock.Advance(5 * 24 * time.Hour)
	young := f.prepare(2)
	f.clock.Advance(3 * 24 * time.Hour) // old is 8 days old, young 3
	gone, err := f.fs.Purge(ctx)
	if err != nil || len(gone) != 1 || gone[0] != old.Ref {
		t.Fatalf("purged %v (%v), want [%s]", gone, err, old.Ref)
	}
	recs, _ := f.fs.List(ctx)
	if len(recs) != 1 || recs[0].Ref != young.Ref {
		t.Fatalf("left %v", recs)
	}
	log := f.audit("field.purge")
	if len(log) != 1 || log[0][1] != old.Ref || !strings.Contains(log[0][2], "2 tài liệu") || !strings.Contains(log[0][2], "7 ngày") {
		t.Fatalf("purge audit %v", log)
	}
	if _, err := f.fs.Slip(ctx, old.Ref); err == nil {
		t.Fatal("a purged pre-dossier still has a slip")
	}
}
