package storage

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"motcua"
	"motcua/app"
)

// TestUpgradeFromVersion1 builds a database as the first release wrote it
// (only migration 0001), with a dossier in it, and opens it with this build:
// a copy is taken to backups/before-migration first, every migration is
// applied, and the dossier and the audit chain survive.
func TestUpgradeFromVersion1(t *testing.T) {
	ms := migrations()
	if len(ms) < 2 {
		t.Fatalf("this build has %d migrations; the upgrade path needs at least 2", len(ms))
	}
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "motcua.db")

	// The first release knew only migration 0001 (no test here runs in
	// parallel, so swapping the list is safe).
	all := migrations
	migrations = func() []migration { return ms[:1] }
	s, err := Open(path)
	migrations = all
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, motcua.Location)
	d := &motcua.Dossier{Procedure: motcua.ProcedureRef{Code: "2.000815", Name: "Chứng thực bản sao"}, Channel: 1,
		Applicant: motcua.Applicant{Name: "Nguyễn Thị Ánh Tuyết", IDNumber: "001190123456"}, ReceivedAt: at, DueAt: at.Add(time.Hour), Status: motcua.StatusNew}
	if err := d.Move(motcua.StatusReceived, "accept", "cb", "", at); err != nil {
		t.Fatal(err)
	}
	// Written as version 1 wrote it: today's Accept also marks the dossier
	// for the office LAN, in a table version 1 does not have.
	err = s.write(ctx, func(w *wtx) error {
		n, err := normalise(d)
		if err != nil {
			return err
		}
		if n.Code, err = w.nextCode("000.00.06.H56", n.ReceivedAt, motcua.Station{K: 1, N: 1}); err != nil {
			return err
		}
		cols, err := w.columns(&n)
		if err != nil {
			return err
		}
		res, err := w.exec(dossierInsert, append([]any{n.Code}, cols...)...)
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if err := w.history(&n, 0); err != nil {
			return err
		}
		if err := w.index(id, &n, false); err != nil {
			return err
		}
		*d = n
		return w.audit(app.AuditEntry{At: at, Actor: "cb", Action: "dossier.accept", Subject: n.Code})
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	up, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer up.Close()
	var v int
	up.r.QueryRow("PRAGMA user_version").Scan(&v)
	if v != len(ms) {
		t.Fatalf("user_version %d after upgrade, want %d", v, len(ms))
	}
	got, err := up.Get(ctx, d.Code)
	if err != nil || got.Applicant.Name != "Nguyễn Thị Ánh Tuyết" || len(got.History) != 1 {
		t.Fatalf("dossier after upgrade: %+v %v", got, err)
	}
	if _, err := up.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	backups, _ := filepath.Glob(filepath.Join(dir, BackupDirName, "before-migration", "motcua-v1-*.db"))
	if len(backups) != 1 {
		t.Fatalf("backups before migration: %v", backups)
	}
	// The copy is a version-1 database holding the dossier.
	b, err := sql.Open("sqlite", backups[0]+"?_query_only=1")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var bv, n int
	b.QueryRow("PRAGMA user_version").Scan(&bv)
	b.QueryRow("SELECT count(*) FROM dossiers").Scan(&n)
	if bv != 1 || n != 1 {
		t.Fatalf("backup: user_version %d, %d dossiers", bv, n)
	}
	// Opening again takes no second copy.
	up.Close()
	again, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	again.Close()
	if backups, _ = filepath.Glob(filepath.Join(dir, BackupDirName, "before-migration", "*.db")); len(backups) != 1 {
		t.Fatalf("a second open took another copy: %v", backups)
	}
}
