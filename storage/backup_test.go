package storage_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/app/continuity"
	"motcua/storage"
	"motcua/storage/blob"
)

// station is a data folder with an initialised database, attachment files
// and a blob key, and a backup destination on "another disk".
type station struct {
	data, dest string
	db         string
	s          *storage.Store
	b          *storage.Backupper
}

func newStation(tb testing.TB, agencyID string, files int) *station {
	tb.Helper()
	st := &station{data: tb.TempDir(), dest: tb.TempDir()}
	st.db = filepath.Join(st.data, "motcua.db")
	s, err := storage.Open(st.db)
	if err != nil {
		tb.Fatal(err)
	}
	st.s = s
	tb.Cleanup(func() { st.close() })
	for k, v := range map[string]string{"agency_id": agencyID, "agency_name": "UBND xã Yên Sở", "station": "1/1"} {
		if err := s.SetSetting(ctx, k, v, auditOf("installer")); err != nil {
			tb.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(st.data, "blob.key"), []byte("c2VjcmV0LWJsb2Ita2V5LWZvci10ZXN0cw==\n"), 0o600)
	for i := range files {
		st.addFile(tb, i, 2000+i*37)
	}
	cfg := continuity.BackupConfig{Dest: st.dest, Hour: -1, Keep: continuity.DefaultRetention}
	if err := storage.SaveBackupConfig(st.data, cfg); err != nil {
		tb.Fatal(err)
	}
	if st.b, err = storage.NewBackupper(st.data, "test", nil); err != nil {
		tb.Fatal(err)
	}
	st.b.Agency, st.b.Station = agencyID, "1/1"
	return st
}

func (st *station) close() {
	if st.s != nil {
		st.s.Close()
		st.s = nil
	}
}

func (st *station) reopen(tb testing.TB) {
	tb.Helper()
	st.close()
	s, err := storage.Open(st.db)
	if err != nil {
		tb.Fatal(err)
	}
	st.s = s
}

// addFile writes an attachment the way the blob store lays them out.
func (st *station) addFile(tb testing.TB, i, size int) string {
	tb.Helper()
	b := make([]byte, size)
	rand.Read(b)
	sum := sha256.Sum256(b)
	name := hex.EncodeToString(sum[:])
	p := filepath.Join(st.data, "blobs", name[:2], name)
	os.MkdirAll(filepath.Dir(p), 0o700)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		tb.Fatal(err)
	}
	return p
}

func (st *station) accept(tb testing.TB, n int, at time.Time) []string {
	tb.Helper()
	var codes []string
	for range n {
		d := newDossier(at)
		if err := st.s.Accept(ctx, d, agency, motcua.Station{K: 1, N: 1}, auditOf("canbo")); err != nil {
			tb.Fatal(err)
		}
		codes = append(codes, d.Code)
	}
	return codes
}

func (st *station) count(tb testing.TB) int {
	tb.Helper()
	n, err := st.s.Count(ctx, app.ListFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// damage overwrites 64 bytes at the start of several pages in the middle
// of the file: b-tree page headers and cell pointers, what a failing disk
// sector or a torn write destroys.
func damage(tb testing.TB, p string) {
	tb.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		tb.Fatal(err)
	}
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	pages := fi.Size() / 4096
	junk := bytes.Repeat([]byte{0xA5}, 64)
	for _, pg := range []int64{pages / 3, pages / 2, 2 * pages / 3} {
		if pg < 2 {
			pg = 2
		}
		if _, err := f.WriteAt(junk, pg*4096); err != nil {
			tb.Fatal(err)
		}
	}
}

func TestBackupRestoreRoundTrip(t *testing.T) {
	st := newStation(t, agency, 12)
	st.accept(t, 200, day)

	// A backup while the counter keeps accepting dossiers.
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Go(func() {
		for !stop.Load() {
			d := newDossier(day)
			st.s.Accept(ctx, d, agency, motcua.Station{K: 1, N: 1}, auditOf("canbo"))
		}
	})
	info, err := st.b.Backup(ctx)
	stop.Store(true)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if info.Dossiers < 200 || info.Files != 12 || info.NewFiles != 12 || info.Agency != agency || info.Station != "1/1" {
		t.Fatalf("backup %+v", info)
	}
	rep, err := st.b.Verify(ctx, info.ID, true)
	if err != nil || !rep.OK || rep.FilesChecked != 12 || rep.Dossiers != info.Dossiers || rep.AuditEntries == 0 {
		t.Fatalf("verify %+v %v", rep, err)
	}
	// Nothing in clear at the destination: no applicant name, no file content.
	filepath.Walk(st.dest, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			b, _ := os.ReadFile(p)
			if bytes.Contains(b, []byte("Nguyễn Thị Ánh Tuyết")) || bytes.Contains(b, []byte("001190012345")) || bytes.Contains(b, []byte("SQLite format 3")) {
				t.Errorf("%s holds personal data in clear", p)
			}
		}
		return nil
	})

	// A second backup copies only the new attachment.
	st.addFile(t, 99, 5000)
	info2, err := st.b.Backup(ctx)
	if err != nil || info2.NewFiles != 1 || info2.Files != 13 {
		t.Fatalf("second backup %+v %v", info2, err)
	}

	// After the backup: 7 more dossiers, 3 of them delivered to the province.
	after := st.accept(t, 7, day.Add(3*time.Hour))
	ms, _ := st.s.OutboxUndelivered(ctx, 0, 100000)
	var ops []storage.OutboxMarkOp
	for _, m := range ms {
		for _, c := range after[:3] {
			if m.DossierCode == c {
				ops = append(ops, storage.OutboxMarkOp{ID: m.ID, State: storage.StateAcked})
			}
		}
	}
	st.s.OutboxMarkMany(ctx, ops)
	before := st.count(t)
	st.close()

	// The disk damages the file: the startup check sees it.
	damage(t, st.db)
	damaged, _ := os.ReadFile(st.db)
	h := storage.CheckDatabase(ctx, st.data, st.db, false, time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	if h.OK || len(h.Problems) == 0 || !strings.Contains(h.Message, "motcua restore") {
		t.Fatalf("startup check missed the damage: %+v", h)
	}
	if now, _ := os.ReadFile(st.db); !bytes.Equal(now, damaged) {
		t.Fatal("the startup check changed the damaged file")
	}
	// One attachment was damaged too.
	blob := filepath.Join(st.data, "blobs")
	var victim string
	filepath.Walk(blob, func(p string, fi os.FileInfo, err error) error {
		if victim == "" && err == nil && !fi.IsDir() {
			victim = p
		}
		return nil
	})
	os.WriteFile(victim, []byte("rác"), 0o600)

	rr, err := storage.Restore(ctx, storage.RestoreOptions{Backupper: st.b, ID: info2.ID})
	if err != nil {
		t.Fatal(err)
	}
	if h := storage.CheckDatabase(ctx, st.data, st.db, true, time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)); !h.OK {
		t.Fatalf("after restore: %+v", h)
	}
	kept, err := os.ReadFile(filepath.Join(rr.AsideDir, "motcua.db"))
	if err != nil || !bytes.Equal(kept, damaged) {
		t.Fatalf("the damaged file was not kept aside intact: %v", err)
	}
	if rr.Files.Aside != 1 || rr.Files.Restored != 1 || rr.Files.Kept != 12 {
		t.Errorf("files %+v", rr.Files)
	}
	st.reopen(t)
	if n := st.count(t); n != info2.Dossiers || n >= before {
		t.Fatalf("restored %d dossiers, backup had %d, damaged file %d", n, info2.Dossiers, before)
	}
	if err := st.s.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	// What was lost since the backup, as far as the damaged file could be read.
	t.Logf("restore: readable=%v note=%q lost=%d (delivered %d)", rr.ReplacedReadable, rr.ReplacedNote, len(rr.Lost), rr.LostDelivered)
	for _, g := range rr.Guidance {
		t.Log(g)
	}
	if _, err := os.Stat(storage.JournalPath(st.data)); err == nil {
		t.Fatal("journal left behind")
	}
}

// With the database intact, the report of what a restore loses is exact.
func TestRestoreReportsLost(t *testing.T) {
	st := newStation(t, agency, 0)
	st.accept(t, 5, day)
	info, err := st.b.Backup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	after := st.accept(t, 4, day.Add(time.Hour))
	ms, _ := st.s.OutboxUndelivered(ctx, 0, 1000)
	for _, m := range ms {
		if m.DossierCode == after[0] {
			st.s.OutboxMark(ctx, m.ID, storage.StateAcked, "")
		}
	}
	t.Run("ErrDatabaseInUse", func(t *testing.T) {
		_, err := storage.Restore(ctx, storage.RestoreOptions{Backupper: st.b, ID: info.ID})
		wantCoded(t, err, motcua.KindConflict, continuity.ErrDatabaseInUse)
	})
	st.close()
	rr, err := storage.Restore(ctx, storage.RestoreOptions{Backupper: st.b, ID: info.ID})
	if err != nil {
		t.Fatal(err)
	}
	if !rr.ReplacedReadable || len(rr.Lost) != 4 || rr.LostDelivered != 1 || rr.LostUndelivered != 3 || rr.Lost[0].Code != after[0] {
		t.Fatalf("lost %+v", rr)
	}
}

func TestBackupBadInput(t *testing.T) {
	st := newStation(t, agency, 3)
	st.accept(t, 20, day)
	info, err := st.b.Backup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.close()
	orig, _ := os.ReadFile(st.db)
	unchanged := func(t *testing.T) {
		t.Helper()
		if now, _ := os.ReadFile(st.db); !bytes.Equal(now, orig) {
			t.Fatal("the database changed")
		}
		if es, _ := os.ReadDir(filepath.Join(st.data, "damaged")); len(es) != 0 {
			t.Fatal("something was moved aside")
		}
	}
	copyBackup := func(t *testing.T) (*storage.Backupper, string) {
		t.Helper()
		dest := t.TempDir()
		if err := os.CopyFS(filepath.Join(dest, "motcua-backups"), os.DirFS(filepath.Join(st.dest, "motcua-backups"))); err != nil {
			t.Fatal(err)
		}
		b := *st.b
		b.Config.Dest = dest
		return &b, filepath.Join(dest, "motcua-backups", info.ID)
	}

	t.Run("ErrBackupForeign", func(t *testing.T) {
		other := newStation(t, "000.00.07.H56", 0)
		oinfo, err := other.b.Backup(ctx)
		if err != nil {
			t.Fatal(err)
		}
		b := *st.b
		b.Config.Dest = other.dest
		_, err = storage.Restore(ctx, storage.RestoreOptions{Backupper: &b, ID: oinfo.ID})
		wantCoded(t, err, motcua.KindInvalid, continuity.ErrBackupForeign)
		unchanged(t)
	})
	t.Run("ErrBackupKey", func(t *testing.T) {
		// The right agency's backup, but this PC's key was replaced (a new
		// PC without the exported key).
		b, _ := copyBackup(t)
		fresh, err := storage.NewBackupper(t.TempDir(), "test", nil)
		if err != nil {
			t.Fatal(err)
		}
		fresh.Config, fresh.DataDir, fresh.DBPath, fresh.Agency, fresh.Station = b.Config, st.data, st.db, agency, "1/1"
		_, err = storage.Restore(ctx, storage.RestoreOptions{Backupper: fresh, ID: info.ID})
		wantCoded(t, err, motcua.KindInvalid, continuity.ErrBackupKey)
		unchanged(t)
		// With the exported station key it opens.
		ids, err := storage.ReadIdentities(storage.IdentityPath(st.data))
		if err != nil {
			t.Fatal(err)
		}
		fresh.Identities = ids
		// The key opens it, but the new PC's station key did not sign it.
		_, err = fresh.Verify(ctx, info.ID, true)
		wantCoded(t, err, motcua.KindInvalid, continuity.ErrBackupUntrusted)
		pub, _, err := st.b.SignerKey()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := storage.TrustSigner(fresh.DataDir, pub); err != nil {
			t.Fatal(err)
		}
		if fresh.Config, err = storage.LoadBackupConfig(fresh.DataDir); err != nil {
			t.Fatal(err)
		}
		fresh.Config.Dest = b.Config.Dest
		if rep, err := fresh.Verify(ctx, info.ID, true); err != nil || !rep.OK {
			t.Fatalf("verify with the exported key: %+v %v", rep, err)
		}
	})
	t.Run("ErrBackupDamagedTruncated", func(t *testing.T) {
		b, dir := copyBackup(t)
		p := filepath.Join(dir, "db.sqlite.gz.age")
		raw, _ := os.ReadFile(p)
		os.WriteFile(p, raw[:len(raw)/2], 0o600)
		rep, err := b.Verify(ctx, info.ID, false)
		if err != nil || rep.OK {
			t.Fatalf("truncated backup verified: %+v %v", rep, err)
		}
		_, err = storage.Restore(ctx, storage.RestoreOptions{Backupper: b, ID: info.ID})
		wantCoded(t, err, motcua.KindInvalid, continuity.ErrBackupDamaged)
		unchanged(t)
	})
	t.Run("ErrBackupDamagedFlippedByte", func(t *testing.T) {
		b, dir := copyBackup(t)
		p := filepath.Join(dir, "db.sqlite.gz.age")
		raw, _ := os.ReadFile(p)
		raw[len(raw)/2] ^= 0x01
		os.WriteFile(p, raw, 0o600)
		_, err := storage.Restore(ctx, storage.RestoreOptions{Backupper: b, ID: info.ID})
		wantCoded(t, err, motcua.KindInvalid, continuity.ErrBackupDamaged)
		unchanged(t)
	})
	t.Run("ErrBackupDamagedAttachment", func(t *testing.T) {
		b, dir := copyBackup(t)
		var pf string
		filepath.Walk(filepath.Dir(dir), func(p string, fi os.FileInfo, err error) error {
			if err == nil && strings.Contains(p, "pool-") && strings.HasSuffix(p, ".age") {
				pf = p
			}
			return nil
		})
		raw, _ := os.ReadFile(pf)
		raw[len(raw)-5] ^= 0xFF
		os.WriteFile(pf, raw, 0o600)
		rep, err := b.Verify(ctx, info.ID, true)
		if err != nil || rep.OK || len(rep.Problems) != 1 {
			t.Fatalf("damaged attachment copy not found: %+v %v", rep, err)
		}
	})
	t.Run("ErrBackupNotFound", func(t *testing.T) {
		_, err := st.b.Verify(ctx, "20990101-000000", false)
		wantCoded(t, err, motcua.KindNotFound, continuity.ErrBackupNotFound)
	})
	t.Run("ErrBackupDest", func(t *testing.T) {
		err := storage.SaveBackupConfig(st.data, continuity.BackupConfig{Dest: filepath.Join(st.data, "bk")})
		wantCoded(t, err, motcua.KindInvalid, continuity.ErrBackupDest)
	})
}

// Rotation keeps 7 daily, 4 weekly and 12 monthly backups; attachment
// copies only dropped backups used go with them.
func TestBackupPrune(t *testing.T) {
	st := newStation(t, agency, 1)
	st.accept(t, 3, day)
	start := time.Date(2026, 1, 1, 12, 0, 0, 0, motcua.Location)
	clock := start
	st.b.Now = func() time.Time { return clock }
	var old string
	for d := 0; d < 120; d += 3 {
		clock = start.AddDate(0, 0, d)
		if d == 0 {
			old = st.addFile(t, 1000, 3000) // only in the first backups
		}
		if d == 9 {
			os.Remove(old)
		}
		if _, err := st.b.Backup(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// Pool files older than the safety window may be collected.
	pool, _ := filepath.Glob(filepath.Join(st.dest, "motcua-backups", "pool-*"))
	longAgo := time.Now().Add(-24 * time.Hour)
	filepath.Walk(pool[0], func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			os.Chtimes(p, longAgo, longAgo)
		}
		return nil
	})
	list, _ := st.b.List(ctx)
	removed, err := st.b.Prune(ctx, continuity.DefaultRetention)
	if err != nil {
		t.Fatal(err)
	}
	left, _ := st.b.List(ctx)
	want := continuity.Retain(list, continuity.DefaultRetention)
	if len(left) != len(want) || len(removed) != len(list)-len(want) {
		t.Fatalf("kept %d, removed %d of %d; retention keeps %d", len(left), len(removed), len(list), len(want))
	}
	var files int
	filepath.Walk(pool[0], func(p string, fi os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".age") {
			files++
		}
		return nil
	})
	if files != 1 {
		t.Fatalf("%d attachment copies left in the pool, want 1 (the dropped file's copy collected)", files)
	}
	for _, b := range left {
		if rep, err := st.b.Verify(ctx, b.ID, true); err != nil || !rep.OK {
			t.Fatalf("kept backup %s does not verify: %+v %v", b.ID, rep, err)
		}
	}
	t.Logf("%d backups over 120 days → %d kept: %v", len(list), len(left), ids(left))
}

func ids(bs []continuity.BackupInfo) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Created.Format("01-02"))
	}
	return out
}

// A restore killed at each of its steps is finished by the next run.
func TestRestoreInterrupted(t *testing.T) {
	points := []string{"restore.staged", "restore.journal", "restore.aside", "restore.aside-wal", "restore.renamed"}
	for _, point := range points {
		t.Run(point, func(t *testing.T) {
			st := newStation(t, agency, 2)
			st.accept(t, 10, day)
			info, err := st.b.Backup(ctx)
			if err != nil {
				t.Fatal(err)
			}
			st.accept(t, 3, day)
			// Leave a -wal next to the database, as a crashed window would.
			st.close()
			os.WriteFile(st.db+"-wal", []byte("wal-of-the-crashed-window"), 0o600)
			orig, _ := os.ReadFile(st.db)
			storage.SetCrashHook(func(p string) {
				if p == point {
					panic(p)
				}
			})
			func() {
				defer func() { recover() }()
				storage.Restore(ctx, storage.RestoreOptions{Backupper: st.b, ID: info.ID})
			}()
			storage.SetCrashHook(nil)
			if _, err := os.Stat(storage.JournalPath(st.data)); err == nil {
				if h := storage.CheckDatabase(ctx, st.data, st.db, false, time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)); !h.RestorePending {
					t.Fatalf("check does not report the interrupted restore: %+v", h)
				}
			}
			if point == "restore.staged" {
				// Before the journal: nothing changed yet.
				if now, _ := os.ReadFile(st.db); !bytes.Equal(now, orig) {
					t.Fatal("database changed before the journal was written")
				}
			}
			if _, err := storage.Restore(ctx, storage.RestoreOptions{Backupper: st.b, ID: info.ID}); err != nil {
				t.Fatal(err)
			}
			st.reopen(t)
			if n := st.count(t); n != 10 {
				t.Fatalf("%d dossiers after the repeated restore, want 10", n)
			}
			var keptDB, keptWAL bool
			filepath.Walk(filepath.Join(st.data, "damaged"), func(p string, fi os.FileInfo, err error) error {
				if err == nil && !fi.IsDir() {
					b, _ := os.ReadFile(p)
					keptDB = keptDB || bytes.Equal(b, orig)
					keptWAL = keptWAL || string(b) == "wal-of-the-crashed-window"
				}
				return nil
			})
			if !keptDB || !keptWAL {
				t.Fatalf("replaced files not kept aside (db %v, wal %v)", keptDB, keptWAL)
			}
		})
	}
}

func TestCheckDatabaseHeader(t *testing.T) {
	st := newStation(t, agency, 0)
	st.close()
	f, _ := os.OpenFile(st.db, os.O_WRONLY, 0)
	f.WriteAt([]byte("garbage garbage!"), 0)
	f.Close()
	if h := storage.CheckDatabase(ctx, st.data, st.db, false, time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)); h.OK || !strings.Contains(fmt.Sprint(h.Problems), "SQLite") {
		t.Fatalf("%+v", h)
	}
	if h := storage.CheckDatabase(ctx, st.data, filepath.Join(st.data, "none.db"), false, time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)); !h.OK || h.Exists {
		t.Fatalf("missing file: %+v", h)
	}
}

// The PC is lost: on a new PC, with the station's exported key, a backup
// brings back the database, the attachment rows and the encrypted scans
// together with the blob key that opens them.
func TestRestoreOnNewPC(t *testing.T) {
	st := newStation(t, agency, 0)
	os.Remove(filepath.Join(st.data, "blob.key")) // the real blob store makes its own
	blobs, err := storage.OpenBlobs(st.data)
	if err != nil {
		t.Fatal(err)
	}
	d := st.accept(t, 1, day)[0]
	scans := map[string][]byte{}
	for i := range 3 {
		b := bytes.Repeat([]byte(fmt.Sprintf("%%PDF-1.7 bản quét %d ", i)), 5000)
		addr, err := blobs.PutBytes(b)
		if err != nil {
			t.Fatal(err)
		}
		scans[addr.String()] = b
		a := &app.Attachment{Dossier: d, ComponentIndex: 0, Component: "Tờ khai", FileName: fmt.Sprintf("to-khai-%d.pdf", i),
			SHA256: addr.String(), Size: int64(len(b)), Pages: 1, Stamped: true, AddedBy: "canbo"}
		if err := st.s.AddAttachment(ctx, a, auditOf("canbo")); err != nil {
			t.Fatal(err)
		}
	}
	info, err := st.b.Backup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	exported := filepath.Join(t.TempDir(), "khoa-sao-luu.txt")
	raw, err := storage.ExportIdentity(st.data)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(exported, raw, 0o600)
	bare := filepath.Join(t.TempDir(), "khoa-khong-co-dong-ky.txt") // an identity file exported before signing
	raw, _ = os.ReadFile(storage.IdentityPath(st.data))
	os.WriteFile(bare, raw, 0o600)

	newPC := t.TempDir()
	b, err := storage.NewBackupper(newPC, "test", nil) // a new station key, which cannot open the backup
	if err != nil {
		t.Fatal(err)
	}
	b.Config.Dest = st.dest
	if _, err := storage.Restore(ctx, storage.RestoreOptions{Backupper: b, ID: info.ID}); !continuity.IsKeyError(err) {
		t.Fatalf("restore without the exported key: %v", err)
	}
	if err := b.UseKeyFiles([]string{bare}); err != nil {
		t.Fatal(err)
	}
	_, err = storage.Restore(ctx, storage.RestoreOptions{Backupper: b, ID: info.ID})
	wantCoded(t, err, motcua.KindInvalid, continuity.ErrBackupUntrusted)
	if _, err := os.Stat(filepath.Join(newPC, "motcua.db")); err == nil {
		t.Fatal("a refused restore wrote the database")
	}
	if err := b.UseKeyFiles([]string{exported}); err != nil {
		t.Fatal(err)
	}
	rep, err := storage.Restore(ctx, storage.RestoreOptions{Backupper: b, ID: info.ID})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Files.Restored != 3 || rep.Dossiers != 1 {
		t.Fatalf("report %+v", rep)
	}
	s, err := storage.Open(filepath.Join(newPC, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	atts, err := s.ListAttachments(ctx, d)
	if err != nil || len(atts) != 3 {
		t.Fatalf("attachments %+v %v", atts, err)
	}
	restored, err := storage.OpenBlobs(newPC)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range atts {
		addr, _ := blobParse(a.SHA256)
		got, err := restored.Get(addr)
		if err != nil || !bytes.Equal(got, scans[a.SHA256]) {
			t.Fatalf("scan %s after restore: %v", a.FileName, err)
		}
	}
}

func blobParse(s string) (blob.Address, error) { return blob.ParseAddress(s) }
