package storage_test

import (
	"database/sql"
	"errors"
	"testing"

	"motcua"
	"motcua/storage"
)

// TestAuditCutShowsAgainstBackup: deleting the newest audit entries and
// lowering sqlite_sequence passes the chain check alone, but not the check
// against the anchor the last signed backup recorded.
func TestAuditCutShowsAgainstBackup(t *testing.T) {
	st := newStation(t, agency, 0)
	st.accept(t, 4, day)
	if a, err := st.b.AuditAnchor(ctx); err != nil || a != nil {
		t.Fatalf("anchor before any backup: %+v %v", a, err)
	}
	info, err := st.b.Backup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.b.AuditAnchor(ctx)
	if err != nil || a == nil || a.Source != info.ID || a.Seq == 0 || len(a.Hash) != 64 {
		t.Fatalf("anchor %+v %v", a, err)
	}
	if err := st.s.CheckAuditAnchor(ctx, *a); err != nil {
		t.Fatalf("intact log against its anchor: %v", err)
	}
	st.accept(t, 2, day) // entries after the backup are fine
	if err := st.s.CheckAuditAnchor(ctx, *a); err != nil {
		t.Fatalf("a longer log against the anchor: %v", err)
	}

	// The cut: the last three entries (two after the backup, one before).
	st.close()
	db, err := sql.Open("sqlite", st.db)
	if err != nil {
		t.Fatal(err)
	}
	var top int64
	db.QueryRow(`SELECT max(seq) FROM audit`).Scan(&top)
	for _, q := range []string{`DELETE FROM audit WHERE seq > ?`, `UPDATE sqlite_sequence SET seq = ? WHERE name = 'audit'`} {
		if _, err := db.Exec(q, top-3); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	st.reopen(t)
	if _, err := st.s.VerifyAudit(ctx); err != nil {
		t.Fatalf("the chain alone should not see this cut (that is the point): %v", err)
	}
	err = st.s.CheckAuditAnchor(ctx, *a)
	e := wantCoded(t, err, motcua.KindInternal, storage.ErrAuditBroken)
	var br *storage.AuditBreak
	if !errors.As(err, &br) || br.Reason != "cut" || br.Seq != a.Seq {
		t.Fatalf("break %+v", br)
	}
	if e.MsgEN == "" || e.Msg == "" {
		t.Fatal("no message")
	}

	// A forged backup cannot move the anchor back to before the cut.
	t.Run("ForgedBackupAnchorsNothing", func(t *testing.T) {
		f := forge(t, st, info)
		f.manifest["db"].(map[string]any)["audit_seq"] = 1
		f.write("unsigned", nil)
		a, err := f.b.AuditAnchor(ctx)
		if err != nil || a != nil {
			t.Fatalf("anchor from a forged backup: %+v %v", a, err)
		}
	})
}
