package continuity_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"motcua"
	"motcua/app"
	"motcua/app/continuity"
	"motcua/storage"
)

func TestDiskLevels(t *testing.T) {
	disk := func(free, total uint64) continuity.DiskSpace {
		return func(string) (uint64, uint64, error) { return free, total, nil }
	}
	cases := []struct {
		name        string
		free, total uint64
		want        continuity.Level
	}{
		{"Plenty", 50 << 30, 250 << 30, continuity.LevelInfo},
		{"WarnUnder2GiB", 1 << 30, 250 << 30, continuity.LevelWarning},
		{"WarnUnder10Percent", 5 << 30, 64 << 30, continuity.LevelWarning},
		{"Critical", 100 << 20, 250 << 30, continuity.LevelCritical},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := continuity.CheckDisk(disk(c.free, c.total), "/data", "dữ liệu"); got.Level != c.want {
				t.Fatalf("level %d, want %d (%s)", got.Level, c.want, got.Text)
			}
		})
	}
	if err := continuity.GuardIntake(disk(100<<20, 1<<40), "/data"); codeOf(err) != continuity.ErrDiskFull {
		t.Fatalf("GuardIntake on a critical disk: %v", err)
	}
	if err := continuity.GuardIntake(disk(10<<30, 1<<40), "/data"); err != nil {
		t.Fatal(err)
	}
	if free, total, err := storage.DiskUsage(t.TempDir()); err != nil || free == 0 || total < free {
		t.Fatalf("DiskUsage %d/%d %v", free, total, err)
	}
}

// A full disk during intake fails cleanly: the intake is refused with the
// disk-full message, nothing of it is written (no code used, no outbox, no
// audit entry), and the database stays consistent. The disk is a real
// 3 MiB tmpfs when the test runs as root; otherwise a child process with a
// file size limit (RLIMIT_FSIZE) plays the full disk.
func TestDiskFullDuringIntake(t *testing.T) {
	t.Run("tmpfs", func(t *testing.T) {
		dir := t.TempDir()
		if os.Geteuid() != 0 || exec.Command("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", dir).Run() != nil {
			t.Skip("needs root to mount a small tmpfs")
		}
		defer exec.Command("umount", "-l", dir).Run()
		e := newEnvAt(t, dir, stationOne)
		n, err := fillUntilFull(t, e)
		checkFull(t, e, n, err)
		// Room again: intake works, the sequence continues without a gap.
		os.Remove(filepath.Join(dir, "filler"))
		d := e.intake(t, 9999)
		t.Logf("tmpfs: %d intakes, then %q; after freeing space %s", n, motcua.ErrorMessage(storage.ExplainWriteError(err)), d.Code)
	})
	t.Run("rlimit", func(t *testing.T) {
		dir := t.TempDir()
		e := newEnvAt(t, dir, stationOne)
		for i := range 20 {
			e.intake(t, i)
		}
		e.store.Close()
		cmd := exec.Command(os.Args[0], "-test.run", "^$")
		cmd.Env = append(os.Environ(), childEnv+"=fill", "MOTCUA_DATA="+dir)
		out, err := cmd.Output()
		if err != nil {
			if ee, ok := err.(*exec.ExitError); ok {
				t.Fatalf("child: %v %s %s", err, out, ee.Stderr)
			}
			t.Fatalf("child: %v %s", err, out)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		last := lines[len(lines)-1]
		if !strings.HasPrefix(last, "FULL ") || !strings.Contains(last, "CHƯA được lưu") {
			t.Fatalf("child did not meet a full disk: %s", last)
		}
		n, _ := strconv.Atoi(strings.Fields(last)[1])
		e2 := newEnvAt(t, dir, stationOne)
		if c, _ := e2.store.Count(ctx, app.ListFilter{}); c != 20+n {
			t.Fatalf("%d dossiers stored, %d intakes succeeded", c, 20+n)
		}
		if err := e2.store.IntegrityCheck(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := e2.store.VerifyAudit(ctx); err != nil {
			t.Fatal(err)
		}
		t.Logf("file size limit: %d more intakes, then: %s", n, strings.TrimPrefix(last, "FULL "+strconv.Itoa(n)+" "))
	})
}

// fillUntilFull fills the disk with a file, leaving a little room, then
// accepts dossiers until a write fails.
func fillUntilFull(t *testing.T, e *env) (int, error) {
	t.Helper()
	free, _, _ := storage.DiskUsage(e.dir)
	if free > 400<<10 {
		if err := os.WriteFile(filepath.Join(e.dir, "filler"), make([]byte, free-400<<10), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 100000; i++ {
		if _, err := e.app.Intake(ctx, app.IntakeRequest{ProcedureCode: "1.001022", By: canbo1,
			Applicant: motcua.Applicant{Name: fmt.Sprintf("Nguyễn Văn Số%d", i), IDNumber: fmt.Sprintf("0381850%05d", i)},
			Summary:   strings.Repeat("Nội dung hồ sơ dài để lấp đầy trang. ", 20)}); err != nil {
			return i, err
		}
	}
	t.Fatal("the disk never filled up")
	return 0, nil
}

func checkFull(t *testing.T, e *env, n int, err error) {
	t.Helper()
	if !storage.IsDiskFull(err) {
		t.Fatalf("intake failed with %v, want a full disk", err)
	}
	if codeOf(storage.ExplainWriteError(err)) != continuity.ErrDiskFull {
		t.Fatalf("not explained as a full disk: %v", storage.ExplainWriteError(err))
	}
	if c, _ := e.store.Count(ctx, app.ListFilter{}); c != n {
		t.Fatalf("%d dossiers stored after %d successful intakes: the failed one left something", c, n)
	}
	st, _ := e.store.OutboxStats(ctx)
	if st["pending"] != n {
		t.Fatalf("%d outbox messages for %d dossiers", st["pending"], n)
	}
	if err := e.store.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

// fillChild runs in a child process: it limits the size of any file it
// writes to a little more than the database has now, then accepts dossiers
// until a write fails, printing how many succeeded and the failure.
func fillChild(dir string) error {
	var size int64
	for _, ext := range []string{"", "-wal"} {
		if fi, err := os.Stat(filepath.Join(dir, "motcua.db"+ext)); err == nil {
			size = max(size, fi.Size())
		}
	}
	e := newEnvAt(&testing.T{}, dir, stationOne)
	lim := uint64(size + 256<<10)
	if err := limitFileSize(lim); err != nil {
		return err
	}
	for i := 0; ; i++ {
		_, err := e.app.Intake(ctx, app.IntakeRequest{ProcedureCode: "1.001022", By: canbo1,
			Applicant: motcua.Applicant{Name: fmt.Sprintf("Trần Thị Số%d", i), IDNumber: fmt.Sprintf("0381860%05d", i)},
			Summary:   strings.Repeat("Nội dung hồ sơ dài để lấp đầy trang. ", 20)})
		if err != nil {
			if !storage.IsDiskFull(err) && !storage.IsDiskIO(err) && !errors.Is(err, syscall.EFBIG) {
				return fmt.Errorf("after %d intakes: %w", i, err)
			}
			fmt.Printf("FULL %d %s\n", i, motcua.ErrorMessage(storage.ExplainWriteError(err)))
			return nil
		}
	}
}
