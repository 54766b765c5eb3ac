package storage_test

import (
	"encoding/json"
	"reflect"
	"strconv"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"motcua"
	"motcua/app"
	"motcua/storage"
)

func TestAccept(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		s := MustOpen(t)
		d := newDossier(day.Add(123456789 * time.Nanosecond))
		mustAccept(t, s, d)
		if want := agency + "-261124-0001"; d.Code != want {
			t.Fatalf("code = %s, want %s", d.Code, want)
		}
		if d.Station != 1 {
			t.Errorf("station = %d, want 1", d.Station)
		}
		if got := d.ReceivedAt; !got.Equal(day.Add(123 * time.Millisecond)) {
			t.Errorf("received_at = %v, want truncated to the millisecond", got)
		}
		got, err := s.Get(ctx, d.Code)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, d) {
			t.Fatalf("Get round trip differs:\n got %+v\nwant %+v", got, d)
		}
		second := mustAccept(t, s, newDossier(day.Add(time.Hour)))
		if want := agency + "-261124-0002"; second.Code != want {
			t.Fatalf("second code = %s, want %s", second.Code, want)
		}
		next := mustAccept(t, s, newDossier(day.Add(24*time.Hour)))
		if want := agency + "-261125-0001"; next.Code != want {
			t.Fatalf("next day's code = %s, want %s (the sequence restarts each day)", next.Code, want)
		}
	})
	t.Run("NFC", func(t *testing.T) {
		s := MustOpen(t)
		d := newDossier(day)
		d.Applicant.Name = norm.NFD.String("Nguyễn Thị Ánh Tuyết")
		d.History[0].Reason = norm.NFD.String("Đủ hồ sơ")
		mustAccept(t, s, d)
		got, err := s.Get(ctx, d.Code)
		if err != nil {
			t.Fatal(err)
		}
		if got.Applicant.Name != "Nguyễn Thị Ánh Tuyết" || !norm.NFC.IsNormalString(got.History[0].Reason) {
			t.Fatalf("stored text is not NFC: %q, %q", got.Applicant.Name, got.History[0].Reason)
		}
	})
	t.Run("ErrSequenceExhausted", func(t *testing.T) {
		s := MustOpen(t)
		// Station 2/2 owns 2, 4, … 9998: 4999 numbers a day.
		st := motcua.Station{K: 2, N: 2}
		db := rawDB(t, s.Path())
		if _, err := db.Exec(`INSERT INTO code_seq VALUES (?, '261124', 2, 2, 4998)`, agency); err != nil {
			t.Fatal(err)
		}
		d := newDossier(day)
		if err := s.Accept(ctx, d, agency, st, auditOf("a")); err != nil {
			t.Fatalf("last number: %v", err)
		}
		if want := agency + "-261124-9998"; d.Code != want {
			t.Fatalf("code = %s, want %s", d.Code, want)
		}
		err := s.Accept(ctx, newDossier(day), agency, st, auditOf("a"))
		wantCoded(t, err, motcua.KindConflict, motcua.ErrSequenceExhausted)
	})
	t.Run("SkipsReservedCode", func(t *testing.T) {
		s := MustOpen(t)
		reserved := newDossier(day)
		reserved.Code = agency + "-261124-0001"
		if err := s.Insert(ctx, reserved, auditOf("a")); err != nil {
			t.Fatal(err)
		}
		d := mustAccept(t, s, newDossier(day))
		if want := agency + "-261124-0002"; d.Code != want {
			t.Fatalf("code = %s, want %s", d.Code, want)
		}
	})
	t.Run("RollsBackEverything", func(t *testing.T) {
		s := MustOpen(t)
		db := rawDB(t, s.Path())
		// The last statement of the transaction fails, as a full disk would.
		if _, err := db.Exec(`CREATE TRIGGER fail_audit BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'disk full'); END`); err != nil {
			t.Fatal(err)
		}
		d := newDossier(day)
		before := *d
		if err := s.Accept(ctx, d, agency, motcua.Station{K: 1, N: 1}, auditOf("a")); err == nil {
			t.Fatal("Accept succeeded although the audit insert failed")
		}
		if !reflect.DeepEqual(*d, before) {
			t.Fatal("a failed Accept changed the dossier")
		}
		assertCounts(t, s, 0, 0, 0)
		for _, table := range []string{"history", "code_seq", "dossier_fts"} {
			if n := queryInt(t, db, `SELECT count(*) FROM `+table); n != 0 {
				t.Fatalf("%d rows left in %s", n, table)
			}
		}
		if _, err := db.Exec(`DROP TRIGGER fail_audit`); err != nil {
			t.Fatal(err)
		}
		if mustAccept(t, s, d); d.Code != agency+"-261124-0001" {
			t.Fatalf("code = %s: the failed Accept used up a number", d.Code)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		s := MustOpen(t)
		d := newDossier(day)
		d.History = nil
		before := *d
		err := s.Accept(ctx, d, agency, motcua.Station{K: 1, N: 1}, auditOf("a"))
		wantCoded(t, err, motcua.KindInvalid, motcua.ErrRequired)
		if !reflect.DeepEqual(*d, before) {
			t.Fatal("a failed Accept changed the dossier")
		}
		err = s.Accept(ctx, newDossier(day), "H56", motcua.Station{K: 1, N: 1}, auditOf("a"))
		wantCoded(t, err, motcua.KindInvalid, motcua.ErrBadAgencyID)
		err = s.Accept(ctx, newDossier(day), agency, motcua.Station{K: 3, N: 2}, auditOf("a"))
		wantCoded(t, err, motcua.KindInvalid, motcua.ErrBadStation)
		assertCounts(t, s, 0, 0, 0)
	})
}

// assertCounts checks the number of dossiers, outbox messages and audit entries.
func assertCounts(t *testing.T, s *storage.Store, dossiers, outbox, audit int) {
	t.Helper()
	db := rawDB(t, s.Path())
	got := [3]int{
		queryInt(t, db, `SELECT count(*) FROM dossiers`),
		queryInt(t, db, `SELECT count(*) FROM outbox`),
		queryInt(t, db, `SELECT count(*) FROM audit`),
	}
	if want := [3]int{dossiers, outbox, audit}; got != want {
		t.Fatalf("dossiers, outbox, audit = %v, want %v", got, want)
	}
}

func TestInsert(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		s := MustOpen(t)
		d := newDossier(day)
		d.Code = agency + "-261124-0500"
		if err := s.Insert(ctx, d, auditOf("a")); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, d.Code)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, d) {
			t.Fatalf("Get round trip differs:\n got %+v\nwant %+v", got, d)
		}
	})
	t.Run("ErrDuplicate", func(t *testing.T) {
		s := MustOpen(t)
		d := mustAccept(t, s, newDossier(day))
		assertCounts(t, s, 1, 1, 1)
		dup := newDossier(day)
		dup.Code = d.Code
		dup.Applicant.Name = "Trần Văn Khác"
		err := s.Insert(ctx, dup, auditOf("a"))
		e := wantCoded(t, err, motcua.KindConflict, motcua.ErrDuplicate)
		if e.Field != "code" {
			t.Errorf("field = %q, want code", e.Field)
		}
		assertCounts(t, s, 1, 1, 1)
		got, err := s.Get(ctx, d.Code)
		if err != nil {
			t.Fatal(err)
		}
		if got.Applicant.Name != d.Applicant.Name {
			t.Fatal("a duplicate Insert overwrote the stored dossier")
		}
	})
	t.Run("ErrBadDossierCode", func(t *testing.T) {
		s := MustOpen(t)
		d := newDossier(day)
		d.Code = "HS-1"
		wantCoded(t, s.Insert(ctx, d, auditOf("a")), motcua.KindInvalid, motcua.ErrBadDossierCode)
	})
}

func TestUpdate(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		s := MustOpen(t)
		d := mustAccept(t, s, newDossier(day))
		prevStatus, prevHistory := d.Status, len(d.History)
		if err := d.Move(motcua.StatusProcessing, "advance", "canbo.lan", "", day.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := d.Extend(day.Add(72*time.Hour), "canbo.lan", "Chờ xác minh", day.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.Update(ctx, d, prevStatus, prevHistory, auditOf("canbo.lan")); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, d.Code)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, d) {
			t.Fatalf("Get after Update differs:\n got %+v\nwant %+v", got, d)
		}
		if len(got.History) != 3 || !got.Extended || got.Status != motcua.StatusProcessing {
			t.Fatalf("history %d, extended %v, status %v", len(got.History), got.Extended, got.Status)
		}
		assertCounts(t, s, 1, 2, 2)
	})
	t.Run("ErrStale", func(t *testing.T) {
		s := MustOpen(t)
		d := mustAccept(t, s, newDossier(day))
		// Two officers open the same dossier.
		a, _ := s.Get(ctx, d.Code)
		b, _ := s.Get(ctx, d.Code)
		if err := a.Move(motcua.StatusProcessing, "advance", "lan", "", day.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.Update(ctx, a, motcua.StatusReceived, 1, auditOf("lan")); err != nil {
			t.Fatal(err)
		}
		if err := b.Move(motcua.StatusWithdrawn, "withdraw", "hung", "", day.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		err := s.Update(ctx, b, motcua.StatusReceived, 1, auditOf("hung"))
		wantCoded(t, err, motcua.KindConflict, storage.ErrStale)
		assertCounts(t, s, 1, 2, 2)
		got, _ := s.Get(ctx, d.Code)
		if got.Status != motcua.StatusProcessing || len(got.History) != 2 {
			t.Fatalf("stale update was written: %v, %d history entries", got.Status, len(got.History))
		}
		// Same status, different history length: still stale.
		c, _ := s.Get(ctx, d.Code)
		if err := c.Extend(day.Add(72*time.Hour), "lan", "Chờ xác minh", day.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		err = s.Update(ctx, c, motcua.StatusProcessing, 1, auditOf("lan"))
		wantCoded(t, err, motcua.KindConflict, storage.ErrStale)
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		s := MustOpen(t)
		d := newDossier(day)
		d.Code = agency + "-261124-0009"
		d.History = append(d.History, d.History[0])
		wantCoded(t, s.Update(ctx, d, motcua.StatusReceived, 1, auditOf("a")), motcua.KindNotFound, motcua.ErrNotFound)
		_, err := s.Get(ctx, d.Code)
		wantCoded(t, err, motcua.KindNotFound, motcua.ErrNotFound)
	})
	t.Run("ErrNoHistory", func(t *testing.T) {
		s := MustOpen(t)
		d := mustAccept(t, s, newDossier(day))
		d.Summary = "sửa không ghi lịch sử"
		wantCoded(t, s.Update(ctx, d, d.Status, len(d.History), auditOf("a")), motcua.KindInvalid, motcua.ErrRequired)
		assertCounts(t, s, 1, 1, 1)
	})
}

func TestOutbox(t *testing.T) {
	s := MustOpen(t)
	d := mustAccept(t, s, newDossier(day))
	prev := len(d.History)
	if err := d.Move(motcua.StatusProcessing, "advance", "lan", "", day.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, d, motcua.StatusReceived, prev, auditOf("lan")); err != nil {
		t.Fatal(err)
	}
	ms, err := s.OutboxPending(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 {
		t.Fatalf("%d pending messages, want one per write (2)", len(ms))
	}
	for i, m := range ms {
		if want := d.Code + ":" + strconv.Itoa(i+1); m.IdempotencyKey != want || m.Kind != storage.OutboxKindUpsert || m.State != storage.StatePending {
			t.Fatalf("message %d = %s %s %s, want %s %s pending", i, m.IdempotencyKey, m.Kind, m.State, want, storage.OutboxKindUpsert)
		}
		var p motcua.Dossier
		if err := json.Unmarshal(m.Payload, &p); err != nil {
			t.Fatal(err)
		}
		if p.Code != d.Code || len(p.History) != i+1 {
			t.Fatalf("payload %d: code %s with %d history entries", i, p.Code, len(p.History))
		}
	}
	first, second := ms[0].ID, ms[1].ID
	steps := []struct {
		id    int64
		state string
	}{{first, storage.StateSending}, {first, storage.StateAcked}, {second, storage.StateSending}}
	for _, st := range steps {
		if err := s.OutboxMark(ctx, st.id, st.state, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.OutboxRetry(ctx, second, motcua.SystemClock{}.Now().Add(time.Hour), "503 Service Unavailable"); err != nil {
		t.Fatal(err)
	}
	if ms, _ := s.OutboxPending(ctx, 10); len(ms) != 0 {
		t.Fatalf("%d messages pending, want none before the retry time", len(ms))
	}
	stats, err := s.OutboxStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"pending": 1, "sending": 0, "acked": 1, "quarantined": 0}; !reflect.DeepEqual(stats, want) {
		t.Fatalf("stats = %v, want %v", stats, want)
	}
	wantCoded(t, s.OutboxMark(ctx, first, storage.StatePending, ""), motcua.KindConflict, storage.ErrBadState)
	wantCoded(t, s.OutboxMark(ctx, first, "lost", ""), motcua.KindInvalid, storage.ErrBadState)
	wantCoded(t, s.OutboxMark(ctx, 999, storage.StateAcked, ""), motcua.KindNotFound, motcua.ErrNotFound)
	db := rawDB(t, s.Path())
	if n := queryInt(t, db, `SELECT attempts FROM outbox WHERE id = ? AND last_error = '503 Service Unavailable'`, second); n != 1 {
		t.Fatalf("attempts = %d, want 1", n)
	}
}

func TestListCount(t *testing.T) {
	s := MustOpen(t)
	var codes []string
	for i := range 30 {
		d := newDossier(day.Add(time.Duration(i) * time.Hour))
		mustAccept(t, s, d)
		if i%3 == 0 {
			if err := d.Move(motcua.StatusProcessing, "advance", "lan", "", d.ReceivedAt.Add(time.Minute)); err != nil {
				t.Fatal(err)
			}
			if err := s.Update(ctx, d, motcua.StatusReceived, 1, auditOf("lan")); err != nil {
				t.Fatal(err)
			}
		}
		if i%5 == 0 {
			prev := d.Status
			if err := d.Move(motcua.StatusWithdrawn, "withdraw", "lan", "", d.ReceivedAt.Add(2*time.Minute)); err != nil {
				t.Fatal(err)
			}
			if err := s.Update(ctx, d, prev, len(d.History)-1, auditOf("lan")); err != nil {
				t.Fatal(err)
			}
		}
		codes = append(codes, d.Code)
	}
	tests := []struct {
		name string
		f    app.ListFilter
		want int
	}{
		{"All", app.ListFilter{}, 30},
		{"Status", app.ListFilter{Statuses: []motcua.Status{motcua.StatusProcessing}}, 8},
		{"TwoStatuses", app.ListFilter{Statuses: []motcua.Status{motcua.StatusProcessing, motcua.StatusWithdrawn}}, 14},
		{"Range", app.ListFilter{ReceivedFrom: day.Add(10 * time.Hour), ReceivedTo: day.Add(20 * time.Hour)}, 10},
		{"Late", app.ListFilter{DueBefore: day.Add(34 * time.Hour), ActiveOnly: true}, 8},
		{"DueWindow", app.ListFilter{DueFrom: day.Add(30 * time.Hour), DueBefore: day.Add(40 * time.Hour), ActiveOnly: true}, 8},
		{"DueFrom", app.ListFilter{DueFrom: day.Add(50 * time.Hour), ActiveOnly: true}, 4},
		{"DueWindowTwoStatuses", app.ListFilter{Statuses: []motcua.Status{motcua.StatusReceived, motcua.StatusProcessing}, DueFrom: day.Add(30 * time.Hour), DueBefore: day.Add(40 * time.Hour)}, 8},
		{"ActiveAmongStatuses", app.ListFilter{Statuses: []motcua.Status{motcua.StatusProcessing, motcua.StatusWithdrawn}, ActiveOnly: true}, 8},
		{"ActiveExcludesStatus", app.ListFilter{Statuses: []motcua.Status{motcua.StatusWithdrawn}, ActiveOnly: true}, 0},
		{"StatusesInRange", app.ListFilter{Statuses: []motcua.Status{motcua.StatusReceived, motcua.StatusProcessing}, ReceivedFrom: day.Add(10 * time.Hour)}, 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := s.Count(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			ds, err := s.List(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if n != tt.want || len(ds) != tt.want {
				t.Fatalf("Count = %d, List = %d, want %d", n, len(ds), tt.want)
			}
			for i := 1; i < len(ds); i++ {
				if ds[i].ReceivedAt.After(ds[i-1].ReceivedAt) {
					t.Fatal("List is not newest first")
				}
			}
			for _, d := range ds {
				if len(d.History) == 0 {
					t.Fatalf("%s listed without its history", d.Code)
				}
			}
		})
	}
	t.Run("Pages", func(t *testing.T) {
		var got []string
		for off := 0; ; off += 7 {
			ds, err := s.List(ctx, app.ListFilter{Offset: off, Limit: 7})
			if err != nil {
				t.Fatal(err)
			}
			if len(ds) == 0 {
				break
			}
			for _, d := range ds {
				got = append(got, d.Code)
			}
		}
		if len(got) != len(codes) {
			t.Fatalf("%d codes over the pages, want %d", len(got), len(codes))
		}
		for i, c := range got {
			if want := codes[len(codes)-1-i]; c != want {
				t.Fatalf("page order: %d = %s, want %s", i, c, want)
			}
		}
	})
}

func TestSettings(t *testing.T) {
	s := MustOpen(t)
	if _, ok, err := s.Setting(ctx, "agency"); err != nil || ok {
		t.Fatalf("missing setting: ok %v, err %v", ok, err)
	}
	for _, v := range []string{"000.00.06.H56", "000.00.07.H56"} {
		if err := s.SetSetting(ctx, "agency", v, auditOf("admin")); err != nil {
			t.Fatal(err)
		}
	}
	v, ok, err := s.Setting(ctx, "agency")
	if err != nil || !ok || v != "000.00.07.H56" {
		t.Fatalf("Setting = %q, %v, %v", v, ok, err)
	}
	if n, err := s.VerifyAudit(ctx); err != nil || n != 2 {
		t.Fatalf("VerifyAudit = %d, %v; want 2 entries", n, err)
	}
	wantCoded(t, s.SetSetting(ctx, "", "x", auditOf("admin")), motcua.KindInvalid, motcua.ErrRequired)
}
