package continuity_test

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"motcua/app"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"motcua"
	"motcua/app/continuity"
	"motcua/storage"
)

// childEnv switches the test binary into a child process that works until
// it is killed with SIGKILL: the parent checks what it left behind.
const childEnv = "MOTCUA_CONTINUITY_CHILD"

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		if err := runChild(mode, os.Getenv("MOTCUA_DATA")); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runChild(mode, dir string) error {
	switch mode {
	case "fill":
		return fillChild(dir)
	case "backup":
		b, err := storage.NewBackupper(dir, "test", nil)
		if err != nil {
			return err
		}
		for {
			if _, err := b.Backup(ctx); err != nil {
				return err
			}
		}
	case "restore":
		b, err := storage.NewBackupper(dir, "test", nil)
		if err != nil {
			return err
		}
		for {
			if _, err := storage.Restore(ctx, storage.RestoreOptions{Backupper: b, ID: os.Getenv("MOTCUA_BACKUP_ID")}); err != nil {
				return err
			}
		}
	case "backentry":
		e := newEnvAt(&testing.T{}, dir, stationOne)
		e.clock.Set(motcua.SystemClock{}.Now())
		out := bufio.NewWriter(os.Stdout)
		for seq := 9999; ; seq -= 2 {
			d, err := e.svc.BackEnter(ctx, continuity.BackEntry{Seq: seq, At: motcua.SystemClock{}.Now().Add(-time.Hour), ProcedureCode: "1.001022", By: app.Actor{Username: "canbo1", Role: app.RoleOfficer},
				Applicant: motcua.Applicant{Name: "Đỗ Thị Mai", IDNumber: fmt.Sprintf("0381900%05d", seq)}})
			if err != nil {
				switch codeOf(err) {
				case continuity.ErrPaperUsed:
					continue // entered before the last kill
				case continuity.ErrPaperNotOurs:
					return nil // the block is used up
				}
				return err
			}
			fmt.Fprintln(out, d.Code)
			out.Flush()
		}
	}
	return fmt.Errorf("unknown child mode %q", mode)
}

// killAfter starts the child and kills it with SIGKILL after a random
// delay; it returns what the child printed.
func killAfter(t *testing.T, mode, dir string, max time.Duration, env ...string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run", "^$")
	cmd.Env = append(os.Environ(), append(env, childEnv+"="+mode, "MOTCUA_DATA="+dir)...)
	var out strings.Builder
	cmd.Stdout = &out
	var errb strings.Builder
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Duration(rand.Int64N(int64(max))))
	cmd.Process.Signal(syscall.SIGKILL)
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
		t.Fatalf("child %s failed before the kill: %s", mode, errb.String())
	}
	return out.String()
}

func killRounds() int {
	if n, err := strconv.Atoi(os.Getenv("MOTCUA_KILL_ROUNDS")); err == nil {
		return n
	}
	return 8
}

// SIGKILL during backups: the database is untouched, every backup listed is
// complete and verifies, and the next backup succeeds.
func TestKillDuringBackup(t *testing.T) {
	e := newEnv(t)
	for i := range 30 {
		e.intake(t, i)
	}
	writeBlobs(t, e.dir, 20)
	dest := t.TempDir()
	if err := storage.SaveBackupConfig(e.dir, continuity.BackupConfig{Dest: dest, Hour: -1}); err != nil {
		t.Fatal(err)
	}
	for range killRounds() {
		killAfter(t, "backup", e.dir, 120*time.Millisecond)
	}
	if err := e.store.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	b, err := storage.NewBackupper(e.dir, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Backup(ctx); err != nil {
		t.Fatalf("backup after the kills: %v", err)
	}
	list, err := b.List(ctx)
	if err != nil || len(list) == 0 {
		t.Fatalf("list %v %v", list, err)
	}
	for _, info := range list {
		if rep, err := b.Verify(ctx, info.ID, true); err != nil || !rep.OK {
			t.Fatalf("backup %s listed but does not verify: %+v %v", info.ID, rep, err)
		}
	}
	partial, _ := filepath.Glob(filepath.Join(dest, "motcua-backups", "*.partial"))
	t.Logf("%d complete backups verified; %d interrupted .partial folders ignored", len(list), len(partial))
}

func writeBlobs(t *testing.T, dir string, n int) {
	for i := range n {
		p := filepath.Join(dir, "blobs", fmt.Sprintf("%02x", i), fmt.Sprintf("%064x", i))
		os.MkdirAll(filepath.Dir(p), 0o700)
		os.WriteFile(p, []byte(strings.Repeat(fmt.Sprint(i), 20000)), 0o600)
	}
}

// SIGKILL during restores: the next restore finishes the job; the data
// folder always ends with the backup's database, the replaced file kept.
func TestKillDuringRestore(t *testing.T) {
	e := newEnv(t)
	for i := range 20 {
		e.intake(t, i)
	}
	writeBlobs(t, e.dir, 10)
	dest := t.TempDir()
	storage.SaveBackupConfig(e.dir, continuity.BackupConfig{Dest: dest, Hour: -1})
	b, err := storage.NewBackupper(e.dir, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	info, err := b.Backup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		e.intake(t, 100+i)
	}
	e.store.Close()
	for range killRounds() {
		killAfter(t, "restore", e.dir, 150*time.Millisecond, "MOTCUA_BACKUP_ID="+info.ID)
	}
	rep, err := storage.Restore(ctx, storage.RestoreOptions{Backupper: b, ID: info.ID})
	if err != nil {
		t.Fatalf("restore after the kills: %v", err)
	}
	if h := storage.CheckDatabase(ctx, e.dir, b.DBPath, true, time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)); !h.OK {
		t.Fatalf("database after the kills: %+v", h)
	}
	s, err := storage.Open(b.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	n, _ := s.Count(ctx, filterAll)
	if n != 20 {
		t.Fatalf("%d dossiers after restore, want the backup's 20", n)
	}
	asides, _ := os.ReadDir(filepath.Join(e.dir, "damaged"))
	t.Logf("restore finished after %d kills; %d replaced databases kept aside; files %+v", killRounds(), len(asides), rep.Files)
}

// SIGKILL during back-entry: every claimed paper number has its dossier and
// every entered dossier its claim; entering again continues where it stopped.
func TestKillDuringBackEntry(t *testing.T) {
	e := newEnv(t)
	if _, err := e.svc.ReservePaper(ctx, 500, app.Actor{Username: "canbo1", Role: app.RoleLeader}); err != nil {
		t.Fatal(err)
	}
	e.store.Close()
	entered := map[string]bool{}
	for range killRounds() {
		for _, c := range strings.Fields(killAfter(t, "backentry", e.dir, 150*time.Millisecond)) {
			entered[c] = true
		}
	}
	s, err := storage.Open(filepath.Join(e.dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	blocks, err := s.PaperBlocks(ctx, agency)
	if err != nil {
		t.Fatal(err)
	}
	claimed := blocks[0].Used
	for code := range entered {
		if _, err := s.Get(ctx, code); err != nil {
			t.Fatalf("printed as entered but missing: %s", code)
		}
	}
	for seq, code := range claimed {
		if _, err := s.Get(ctx, code); err != nil {
			t.Fatalf("paper number %d claimed for %s, which is not stored", seq, code)
		}
	}
	n, _ := s.Count(ctx, filterAll)
	if n != len(claimed) {
		t.Fatalf("%d dossiers, %d claimed paper numbers", n, len(claimed))
	}
	t.Logf("%d back-entries survived %d kills, all consistent", n, killRounds())
}
