package continuity_test

import (
	"bytes"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"motcua"
	"motcua/app"
	"motcua/app/continuity"
	"motcua/storage"
)

func TestPaperFallback(t *testing.T) {
	dir := t.TempDir()
	e := newEnvAt(t, dir, motcua.Station{K: 1, N: 2})
	b1, err := e.svc.ReservePaper(ctx, 5, app.Actor{Username: "canbo1", Role: app.RoleLeader})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{9991, 9993, 9995, 9997, 9999}; !slices.Equal(b1.Seqs, want) {
		t.Fatalf("block 1 %v, want %v", b1.Seqs, want)
	}
	b2, err := e.svc.ReservePaper(ctx, 3, app.Actor{Username: "canbo1", Role: app.RoleLeader})
	if err != nil || !slices.Equal(b2.Seqs, []int{9985, 9987, 9989}) {
		t.Fatalf("block 2 %v %v", b2, err)
	}
	var pdf bytes.Buffer
	if err := e.svc.PaperReceiptsPDF(ctx, &pdf, b2); err != nil {
		t.Fatal(err)
	}
	testout(t, "paper-receipts.pdf", pdf.Bytes())
	mustContain(t, pdfText(t, pdf.Bytes()), "TẬP BIÊN NHẬN GIẤY DỰ PHÒNG", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "-9985", "-9989",
		"Liên 2: lưu tại Bộ phận Một cửa", "000.00.06.H56-")

	// Station 2/2 (the other counter PC): its reserve is its own partition.
	e2 := newEnvAt(t, t.TempDir(), motcua.Station{K: 2, N: 2})
	if b, err := e2.svc.ReservePaper(ctx, 2, app.Actor{Username: "canbo2", Role: app.RoleLeader}); err != nil || !slices.Equal(b.Seqs, []int{9996, 9998}) {
		t.Fatalf("station 2 block %v %v", b, err)
	}

	// The PC was down all morning; the receipt was filled in by hand at 09:40.
	e.clock.Set(t0.Add(6 * time.Hour)) // 14:00
	at := t0.Add(100 * time.Minute)    // 09:40
	entry := continuity.BackEntry{Code: "000.00.06.H56-261124-9999", At: at, ProcedureCode: "1.001022", By: app.Actor{Username: "canbo1", Role: app.RoleOfficer}, Officer: "canbo2",
		Applicant: motcua.Applicant{Name: "Lê Thị Hoa", IDNumber: "038190004321", Phone: "0912345678"}}
	d, err := e.svc.BackEnter(ctx, entry)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := e.app.Procedure("1.001022")
	if !d.ReceivedAt.Equal(at) || !d.DueAt.Equal(e.app.DueFor(p, motcua.ChannelDirect, at)) || d.Officer != "canbo2" || d.Status != motcua.StatusReceived {
		t.Fatalf("entered %+v", d)
	}
	stored, err := e.store.Get(ctx, d.Code)
	if err != nil || stored.History[0].Note == "" {
		t.Fatalf("stored %+v %v", stored, err)
	}
	rec, _ := e.svc.Reconcile(ctx, t0, e.clock.Now())
	if rec.Received != 1 || rec.Paper != 1 || !rec.Lines[0].Paper {
		t.Fatalf("reconciliation %+v", rec)
	}
	// Only the seq, the date taken from the receipt time.
	if d, err := e.svc.BackEnter(ctx, continuity.BackEntry{Seq: 9997, At: at.Add(10 * time.Minute), ProcedureCode: "1.001022", By: app.Actor{Username: "canbo1", Role: app.RoleOfficer},
		Applicant: motcua.Applicant{Name: "Phạm Văn Nam", IDNumber: "038190004322"}}); err != nil || d.Code != "000.00.06.H56-261124-9997" {
		t.Fatalf("by seq: %v %v", d, err)
	}

	bad := []struct {
		name, code string
		at         time.Time
		want       string
	}{
		{"ErrPaperUsed", "000.00.06.H56-261124-9999", at, continuity.ErrPaperUsed},
		{"ErrPaperUsedOtherDay", "000.00.06.H56-261123-9999", at.Add(-24 * time.Hour), continuity.ErrPaperUsed},
		{"ErrPaperNotOursOnlineNumber", "000.00.06.H56-261124-0001", at, continuity.ErrPaperNotOurs},
		{"ErrPaperNotOursOtherStation", "000.00.06.H56-261124-9998", at, continuity.ErrPaperNotOurs},
		{"ErrPaperNotOursOtherAgency", "000.00.07.H56-261124-9995", at, continuity.ErrPaperNotOurs},
		{"ErrPaperDateMismatch", "000.00.06.H56-261123-9995", at, continuity.ErrPaperDate},
		{"ErrPaperDateBeforePrinting", "000.00.06.H56-261120-9995", at.Add(-4 * 24 * time.Hour), continuity.ErrPaperDate},
		{"ErrBadDossierCode", "000.00.06.H56-2611-9995", at, motcua.ErrBadDossierCode},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			r := entry
			r.Code, r.At = c.code, c.at
			n0, _ := e.store.Count(ctx, app.ListFilter{})
			_, err := e.svc.BackEnter(ctx, r)
			wantCode(t, err, c.want)
			if n, _ := e.store.Count(ctx, app.ListFilter{}); n != n0 {
				t.Fatalf("a refused back-entry wrote a dossier (%d → %d)", n0, n)
			}
		})
	}

	t.Run("OnlineNeverIssuesReserved", func(t *testing.T) {
		// Bring today's sequence of station 1/2 to just below the reserve:
		// index 4991 is seq 9983, the last free number; then 9985 is reserved.
		db, err := sql.Open("sqlite", filepath.Join(dir, "motcua.db")+"?_busy_timeout=10000")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if _, err := db.Exec(`INSERT INTO code_seq (agency, day, station_k, station_n, next_index) VALUES (?, '261124', 1, 2, 4991)
			ON CONFLICT DO UPDATE SET next_index = excluded.next_index`, agency); err != nil {
			t.Fatal(err)
		}
		if d := e.intake(t, 1); d.Code != "000.00.06.H56-261124-9983" {
			t.Fatalf("issued %s", d.Code)
		}
		n0, _ := e.store.Count(ctx, app.ListFilter{})
		_, err = e.app.Intake(ctx, app.IntakeRequest{ProcedureCode: "1.001022", By: canbo1, Applicant: motcua.Applicant{Name: "Ngô Văn B", IDNumber: "038190009999"}})
		if err == nil || !storage.IsPaperReserved(err) {
			t.Fatalf("issued a reserved number online, or failed otherwise: %v", err)
		}
		if n, _ := e.store.Count(ctx, app.ListFilter{}); n != n0 {
			t.Fatal("the refused intake wrote something")
		}
		// Any other path that inserts a reserved code is refused too.
		imp := *d
		imp.Code = "000.00.06.H56-261124-9995"
		if err := e.store.Insert(ctx, &imp, app.AuditEntry{Actor: "usb"}); !storage.IsPaperReserved(err) {
			t.Fatalf("Insert of a reserved code: %v", err)
		}
	})

	t.Run("ErrPaperExhausted", func(t *testing.T) {
		_, err := e.svc.ReservePaper(ctx, continuity.MaxPaperBlock, app.Actor{Username: "canbo1", Role: app.RoleLeader})
		for err == nil {
			_, err = e.svc.ReservePaper(ctx, continuity.MaxPaperBlock, app.Actor{Username: "canbo1", Role: app.RoleLeader})
		}
		wantCode(t, err, continuity.ErrPaperExhausted)
	})

	blocks, err := e.svc.PaperBlocks(ctx)
	if err != nil || len(blocks) < 2 || blocks[len(blocks)-1].Used[9999] != "000.00.06.H56-261124-9999" {
		t.Fatalf("blocks %+v %v", blocks, err)
	}
	if err := e.store.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}
