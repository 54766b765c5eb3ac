package storage_test

import (
	"testing"
	"time"

	"motcua/app"
	"motcua/storage"
)

// auditedStore is a store with five audit entries: three accepts and two
// free entries.
func auditedStore(t *testing.T) *storage.Store {
	t.Helper()
	s := MustOpen(t)
	for i := range 3 {
		mustAccept(t, s, newDossier(day.Add(time.Duration(i)*time.Minute)))
	}
	for _, action := range []string{"session.login", "receipt.print"} {
		if err := s.Audit(ctx, app.AuditEntry{Actor: "canbo.lan", Action: action, Detail: "Máy 1"}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.VerifyAudit(ctx); err != nil || n != 5 {
		t.Fatalf("VerifyAudit = %d, %v; want 5, nil", n, err)
	}
	return s
}

func TestVerifyAudit(t *testing.T) {
	tests := []struct {
		name    string
		tamper  []string
		seq     int64
		reason  string
		thenAdd bool // append an honest entry after the tampering
	}{
		{"Modified", []string{`UPDATE audit SET detail = 'không có gì' WHERE seq = 3`}, 3, "modified", false},
		{"ModifiedActor", []string{`UPDATE audit SET actor = 'admin' WHERE seq = 1`}, 1, "modified", false},
		{"Deleted", []string{`DELETE FROM audit WHERE seq = 2`}, 2, "missing", false},
		{"DeletedTail", []string{`DELETE FROM audit WHERE seq = 5`}, 5, "missing", false},
		{"DeletedTailThenAppended", []string{`DELETE FROM audit WHERE seq = 5`}, 5, "missing", true},
		{"Reordered", []string{
			`UPDATE audit SET seq = 100 WHERE seq = 2`,
			`UPDATE audit SET seq = 2 WHERE seq = 3`,
			`UPDATE audit SET seq = 3 WHERE seq = 100`,
		}, 2, "unlinked", false},
		{"Inserted", []string{
			`UPDATE audit SET seq = seq + 100 WHERE seq >= 4`,
			`UPDATE audit SET seq = seq - 99 WHERE seq >= 100`,
			`INSERT INTO audit (seq, at, actor, action, subject, detail, prev_hash, hash)
				SELECT 4, at, actor, action, subject, 'chèn thêm', hash, hash FROM audit WHERE seq = 3`,
		}, 4, "modified", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := auditedStore(t)
			db := rawDB(t, s.Path())
			for _, q := range tt.tamper {
				if _, err := db.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if tt.thenAdd {
				if err := s.Audit(ctx, app.AuditEntry{Actor: "canbo.lan", Action: "session.logout"}); err != nil {
					t.Fatal(err)
				}
			}
			n, err := s.VerifyAudit(ctx)
			b := auditBreak(t, err)
			if b.Seq != tt.seq || b.Reason != tt.reason {
				t.Fatalf("break at %d (%s), want %d (%s)", b.Seq, b.Reason, tt.seq, tt.reason)
			}
			if n != int(tt.seq)-1 {
				t.Fatalf("%d entries verified, want %d", n, tt.seq-1)
			}
		})
	}
}
