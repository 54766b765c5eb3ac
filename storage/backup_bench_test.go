package storage_test

import (
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"motcua"
	"motcua/app/continuity"
	"motcua/storage"
)

// BenchmarkBackup measures, in one run on the same disk: a backup (snapshot,
// compression, encryption, attachments into the pool) and its full
// verification, of a store of MOTCUA_BACKUP_BENCH_N dossiers (default
// 100,000) and MOTCUA_BACKUP_BENCH_MB of attachments (default 10,240 = 10 GB,
// 1 MiB files, as scanned PDFs), next to a plain copy of the same bytes
// (database file + attachment files, each synced). The work runs once
// whatever b.N (make bench passes -benchtime 2000x); figures are reported
// as metrics. Also: the startup check (quick_check) and integrity_check
// times on that database, and the second, incremental backup.
func BenchmarkBackup(b *testing.B) {
	benchBackupOnce.Do(func() { benchBackupFigures = runBackupBench(b) })
	if benchBackupFigures == nil {
		b.Skip("backup benchmark failed")
	}
	for k, v := range benchBackupFigures {
		b.ReportMetric(v, k)
	}
}

var (
	benchBackupOnce    sync.Once
	benchBackupFigures map[string]float64
)

func runBackupBench(b *testing.B) map[string]float64 {
	n := envInt("MOTCUA_BACKUP_BENCH_N", 100000)
	mb := envInt("MOTCUA_BACKUP_BENCH_MB", 10240)
	root, err := os.MkdirTemp("", "motcua-backup-bench-")
	if err != nil {
		b.Fatal(err)
	}
	defer os.RemoveAll(root)
	data, dest, plain := filepath.Join(root, "data"), filepath.Join(root, "usb"), filepath.Join(root, "copy")
	for _, d := range []string{data, dest, plain} {
		os.MkdirAll(d, 0o700)
	}
	t0 := time.Now()
	s, err := storage.Open(filepath.Join(data, "motcua.db"))
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for k, v := range map[string]string{"agency_id": agency, "agency_name": "UBND xã Yên Sở", "station": "1/1"} {
		s.SetSetting(ctx, k, v, auditOf("bench"))
	}
	const batch = 2000
	for i := 0; i < n; i += batch {
		var ds []*motcua.Dossier
		for j := i; j < min(i+batch, n); j++ {
			ds = append(ds, genDossier(rng, j, n, 60))
		}
		if err := storage.BulkInsert(ctx, s, ds); err != nil {
			b.Fatal(err)
		}
	}
	s.Close()
	// Attachments: 1 MiB files of random bytes (scans do not compress),
	// each unique, laid out as the blob store lays them out.
	buf := make([]byte, 1<<20)
	for i := range buf {
		buf[i] = byte(rng.Uint32())
	}
	for i := range mb {
		binary.LittleEndian.PutUint64(buf, uint64(i))
		name := fmt.Sprintf("%064x", uint64(i)*0x9E3779B97F4A7C15)
		p := filepath.Join(data, "blobs", name[:2], name)
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, buf, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	dbSize := fileBytes(b, filepath.Join(data, "motcua.db"))
	b.Logf("generated %d dossiers (%.0f MB database) and %d MB of attachments in %s", n, float64(dbSize)/1e6, mb, time.Since(t0).Round(time.Second))

	figures := map[string]float64{}
	start := time.Now()
	h := storage.CheckDatabase(ctx, data, filepath.Join(data, "motcua.db"), false, time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	figures["startup_check_s"] = time.Since(start).Seconds()
	start = time.Now()
	hf := storage.CheckDatabase(ctx, data, filepath.Join(data, "motcua.db"), true, time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	figures["integrity_check_s"] = time.Since(start).Seconds()
	if !h.OK || !hf.OK {
		b.Fatalf("check: %+v %+v", h, hf)
	}

	start = time.Now()
	if err := copyTree(data, plain); err != nil {
		b.Fatal(err)
	}
	figures["plain_copy_s"] = time.Since(start).Seconds()

	if err := storage.SaveBackupConfig(data, continuity.BackupConfig{Dest: dest, Hour: -1}); err != nil {
		b.Fatal(err)
	}
	bk, err := storage.NewBackupper(data, "bench", nil)
	if err != nil {
		b.Fatal(err)
	}
	start = time.Now()
	info, err := bk.Backup(ctx)
	if err != nil {
		b.Fatal(err)
	}
	figures["backup_s"] = time.Since(start).Seconds()
	start = time.Now()
	rep, err := bk.Verify(ctx, info.ID, true)
	if err != nil || !rep.OK {
		b.Fatalf("verify: %+v %v", rep, err)
	}
	figures["verify_full_s"] = time.Since(start).Seconds()
	start = time.Now()
	info2, err := bk.Backup(ctx)
	if err != nil {
		b.Fatal(err)
	}
	figures["backup_incremental_s"] = time.Since(start).Seconds()
	start = time.Now()
	if rep, err := bk.Verify(ctx, info2.ID, false); err != nil || !rep.OK {
		b.Fatalf("verify: %+v %v", rep, err)
	}
	figures["verify_incremental_s"] = time.Since(start).Seconds()
	total := float64(dbSize) + float64(mb)*float64(1<<20)
	figures["backup_MB/s"] = total / 1e6 / figures["backup_s"]
	figures["copy_MB/s"] = total / 1e6 / figures["plain_copy_s"]
	figures["db_stored_MB"] = float64(info.DBStored) / 1e6
	figures["db_MB"] = float64(info.DBBytes) / 1e6
	b.Logf("%d dossiers, %.0f MB database + %d MB attachments: plain copy %.1f s; backup %.1f s (db %.0f → %.0f MB); full verify %.1f s; next day's backup %.1f s, its verify %.1f s; startup check %.2f s, integrity_check %.2f s",
		n, float64(dbSize)/1e6, mb, figures["plain_copy_s"], figures["backup_s"], figures["db_MB"], figures["db_stored_MB"],
		figures["verify_full_s"], figures["backup_incremental_s"], figures["verify_incremental_s"], figures["startup_check_s"], figures["integrity_check_s"])
	return figures
}

// copyTree copies the files under src to dst, syncing each: the peer of a
// backup.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(to)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		if err := out.Sync(); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}
