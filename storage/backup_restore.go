package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"filippo.io/age"

	"motcua"
	"motcua/app/continuity"
	"motcua/storage/keyfile"
)

// crashHook, when set (tests only), is called at named points of backup
// and restore so a child process can be killed exactly there.
var crashHook func(point string)

func crash(point string) {
	if crashHook != nil {
		crashHook(point)
	}
}

const (
	journalFile = "restore-journal.json"
	stagingDir  = "restore-staging"
	asideRoot   = "damaged"
)

// journal records a restore in progress, so that an interrupted restore
// (power cut, kill) is finished by the next run instead of leaving the data
// folder without a database.
type journal struct {
	ID      string    `json:"id"`
	Backup  string    `json:"backup_dir"`
	Staged  string    `json:"staged"`
	Aside   string    `json:"aside"`
	Started time.Time `json:"started"`
	Report  string    `json:"report"` // the report so far (what was lost), JSON
}

// RestoreOptions says what to restore where.
type RestoreOptions struct {
	// Backupper locates and opens the backup (its Config.Dest, key,
	// Identities, Agency and Station; Agency "" on a new PC accepts the
	// backup's agency).
	Backupper *Backupper
	ID        string
}

// JournalPath is where an interrupted restore is recorded.
func JournalPath(dataDir string) string { return filepath.Join(dataDir, journalFile) }

// Restore replaces the station's database (and attachment files) by backup
// o.ID. The database must not be open in another process (the window).
//
// Order: the backup is decrypted into a staging folder and checked there
// (checksum, integrity, audit chain, agency) — a bad backup stops here with
// nothing changed; what the current database holds beyond the backup is
// listed (as far as it can still be read); a journal is written; the
// current database and its -wal/-shm are moved aside into DATA/damaged/<time>
// (never deleted, never overwritten); the staged copy is renamed into place;
// missing or differing attachment files are restored (differing ones moved
// aside first); the journal is removed. Killed at any point, the next
// Restore or ResumeRestore finishes the job.
//
// Errors: continuity.ErrBackupNotFound, ErrBackupForeign, ErrBackupKey,
// ErrBackupDamaged (nothing changed); ErrDatabaseInUse.
func Restore(ctx context.Context, o RestoreOptions) (*continuity.RestoreReport, error) {
	b := o.Backupper
	if j, err := readJournal(b.DataDir); err == nil {
		rep, err := resume(ctx, b, j)
		if err != nil || strings.HasPrefix(filepath.Base(j.Backup), strings.TrimSpace(o.ID)) {
			return rep, err
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	info, err := b.find(o.ID)
	if err != nil {
		return nil, err
	}
	if err := checkNotInUse(b.DBPath); err != nil {
		return nil, err
	}
	m, err := b.openManifest(info)
	if err != nil {
		return nil, err
	}
	// Every attachment the restore would write is checked against its hash
	// first (the database is checked as it is staged): a backup that fails
	// stops here, the data folder as it was.
	if err := b.checkPoolFiles(ctx, info, m); err != nil {
		return nil, err
	}
	staging := filepath.Join(b.DataDir, stagingDir)
	os.RemoveAll(staging)
	if err := os.MkdirAll(staging, 0o700); err != nil {
		return nil, err
	}
	staged := filepath.Join(staging, "motcua.db")
	if err := b.restoreDB(info, m, staged); err != nil {
		os.RemoveAll(staging)
		return nil, err
	}
	crash("restore.staged")
	vr := &continuity.VerifyReport{ID: info.ID, Checked: b.now(), Problems: []string{}}
	checkRestored(ctx, staged, info, m, vr)
	vr.OK = len(vr.Problems) == 0
	if !vr.OK {
		os.RemoveAll(staging)
		return nil, motcua.Errorf(motcua.KindInvalid, continuity.ErrBackupDamaged, "backup",
			"Bản sao lưu %s không qua được kiểm tra, không khôi phục (dữ liệu hiện tại giữ nguyên): %s",
			"backup %s fails its checks; not restored (the current data is unchanged): %s", info.ID, strings.Join(vr.Problems, "; "))
	}
	for _, ext := range []string{"-wal", "-shm"} {
		os.Remove(staged + ext)
	}
	rep := &continuity.RestoreReport{Backup: info, Verify: vr, Dossiers: vr.Dossiers, Lost: []continuity.LostDossier{}, Changed: []continuity.LostDossier{}}
	compareLost(ctx, b.DBPath, staged, rep)
	now := b.now()
	aside := filepath.Join(b.DataDir, asideRoot, now.Format("20060102-150405")+"-"+randomSuffix())
	rj, _ := json.Marshal(rep)
	j := journal{ID: info.ID, Backup: info.Dir, Staged: staged, Aside: aside, Started: now, Report: string(rj)}
	jb, _ := json.MarshalIndent(j, "", "  ")
	if err := writeAtomic(JournalPath(b.DataDir), jb, 0o600); err != nil {
		return nil, err
	}
	crash("restore.journal")
	return resume(ctx, b, &j)
}

func readJournal(dataDir string) (*journal, error) {
	raw, err := os.ReadFile(JournalPath(dataDir))
	if err != nil {
		return nil, err
	}
	var j journal
	if err := json.Unmarshal(raw, &j); err != nil {
		return nil, fmt.Errorf("restore journal %s is damaged: %w", JournalPath(dataDir), err)
	}
	return &j, nil
}

// ResumeRestore finishes a restore that was interrupted; it reports false
// when there was none.
func ResumeRestore(ctx context.Context, b *Backupper) (*continuity.RestoreReport, bool, error) {
	j, err := readJournal(b.DataDir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, true, err
	}
	rep, err := resume(ctx, b, j)
	return rep, true, err
}

// resume carries out the journal's steps; each is idempotent.
func resume(ctx context.Context, b *Backupper, j *journal) (*continuity.RestoreReport, error) {
	rep := &continuity.RestoreReport{}
	if err := json.Unmarshal([]byte(j.Report), rep); err != nil {
		return nil, fmt.Errorf("restore journal: %w", err)
	}
	rep.AsideDir = j.Aside
	if err := os.MkdirAll(j.Aside, 0o700); err != nil {
		return nil, err
	}
	if _, err := os.Stat(j.Staged); err == nil {
		// Move the current database aside (whatever of it is still in
		// place), then put the staged copy in its place.
		for _, ext := range []string{"", "-wal", "-shm", "-journal"} {
			src := b.DBPath + ext
			if _, err := os.Stat(src); err == nil {
				if err := os.Rename(src, filepath.Join(j.Aside, filepath.Base(src))); err != nil {
					if runtime.GOOS == "windows" {
						return nil, inUse(b.DBPath) // Windows refuses to rename a file another process holds
					}
					return nil, fmt.Errorf("move %s aside: %w", src, err)
				}
				crash("restore.aside" + ext)
			}
		}
		syncDir(j.Aside)
		if err := os.Rename(j.Staged, b.DBPath); err != nil {
			return nil, fmt.Errorf("put the restored database in place: %w", err)
		}
		syncDir(filepath.Dir(b.DBPath))
		crash("restore.renamed")
	} else if _, err := os.Stat(b.DBPath); err != nil {
		return nil, fmt.Errorf("restore journal: neither the staged copy %s nor the database %s exists", j.Staged, b.DBPath)
	}
	info, err := readInfo(j.Backup)
	if err != nil {
		return nil, err
	}
	m, err := b.openManifest(info)
	if err != nil {
		return nil, err
	}
	if err := b.restoreFiles(ctx, info, m, j.Aside, rep); err != nil {
		return nil, err
	}
	rep.RestoredAt = b.now()
	rep.Guidance = guidance(rep)
	rj, _ := json.MarshalIndent(rep, "", "  ")
	if err := writeAtomic(filepath.Join(j.Aside, "restore-report.json"), rj, 0o600); err != nil {
		return nil, err
	}
	os.RemoveAll(filepath.Join(b.DataDir, stagingDir))
	if err := os.Remove(JournalPath(b.DataDir)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	syncDir(b.DataDir)
	return rep, nil
}

// checkPoolFiles decrypts every pool copy the restore would write (the
// files missing from the attachment folder or differing there) and checks
// its size and SHA-256 against the signed manifest, writing nothing.
func (b *Backupper) checkPoolFiles(ctx context.Context, info continuity.BackupInfo, m *manifest) error {
	dir := b.attachmentsDir()
	pool := poolDir(filepath.Dir(info.Dir), m.Info.Recipients)
	for _, f := range m.Files {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err := noSymlinkOnPath("files[].path", dir, f.Path); err != nil {
			return err
		}
		if sum, err := hashFile(filepath.Join(dir, filepath.FromSlash(f.Path))); err == nil && sum == f.SHA256 {
			continue
		}
		sum, n, err := decryptTo(poolPath(pool, f.SHA256), io.Discard, b.identities(), false)
		if err != nil {
			return err
		}
		if sum != f.SHA256 || n != f.Size {
			return motcua.Errorf(motcua.KindInvalid, continuity.ErrBackupDamaged, "backup",
				"Tệp đính kèm %s trong bản sao lưu %s khác với danh sách đã ký: bản này bị sửa hoặc hỏng; không khôi phục (dữ liệu hiện tại giữ nguyên)",
				"attachment %s of backup %s differs from the signed list: the backup was altered or is damaged; not restored (the current data is unchanged)", f.Path, info.ID)
		}
	}
	for _, k := range m.Keys {
		if err := noSymlinkOnPath("keys[].path", b.DataDir, k.Path); err != nil {
			return err
		}
	}
	return nil
}

// restoreFiles puts back the attachment files and key files of the backup.
// The attachment folder is opened as an os.Root: no write through it can
// leave the folder, whatever links it holds; the manifest's paths were
// checked already (checkManifest).
func (b *Backupper) restoreFiles(ctx context.Context, info continuity.BackupInfo, m *manifest, aside string, rep *continuity.RestoreReport) error {
	rep.Files = continuity.RestoredFiles{}
	dir := b.attachmentsDir()
	pool := poolDir(filepath.Dir(info.Dir), m.Info.Recipients)
	inBackup := map[string]bool{}
	if len(m.Files) > 0 {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		root, err := os.OpenRoot(dir)
		if err != nil {
			return err
		}
		defer root.Close()
		for _, f := range m.Files {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			inBackup[f.Path] = true
			if err := b.restoreFile(root, pool, info, f, aside, rep); err != nil {
				return fmt.Errorf("restore attachment %s: %w", f.Path, err)
			}
		}
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if rel, err := filepath.Rel(dir, p); err == nil && !inBackup[filepath.ToSlash(rel)] && !strings.HasPrefix(rel, "tmp") {
				rep.Files.Newer++
			}
		}
		return nil
	})
	for _, k := range m.Keys {
		if err := noSymlinkOnPath("keys[].path", b.DataDir, k.Path); err != nil {
			return err
		}
		dst := filepath.Join(b.DataDir, filepath.FromSlash(k.Path))
		data, err := keyfile.Unseal(k.Data)
		if err != nil {
			return damaged(info.Dir, fmt.Errorf("key file %s: %w", k.Path, err))
		}
		// Compared in plain, and written sealed for this machine: on a
		// replacement PC the old PC's sealed file (if copied) does not open
		// and is moved aside like any other differing key.
		if raw, err := os.ReadFile(dst); err == nil {
			if cur, err := keyfile.Unseal(raw); err == nil && string(cur) == string(data) {
				continue
			}
			os.MkdirAll(filepath.Join(aside, "keys"), 0o700)
			if err := os.Rename(dst, filepath.Join(aside, "keys", filepath.Base(dst))); err != nil {
				return err
			}
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return err
		}
		if err := keyfile.WriteKeyFile(dst, data); err != nil {
			return err
		}
	}
	return nil
}

// restoreFile restores one attachment inside root: a differing file is
// copied aside, then replaced through a checked temporary file.
func (b *Backupper) restoreFile(root *os.Root, pool string, info continuity.BackupInfo, f manifestFile, aside string, rep *continuity.RestoreReport) error {
	rel := filepath.FromSlash(f.Path)
	if fi, err := root.Lstat(rel); err == nil {
		if !fi.Mode().IsRegular() {
			return noSymlinkOnPath("files[].path", b.attachmentsDir(), f.Path)
		}
		cur, err := root.Open(rel)
		if err != nil {
			return err
		}
		h := sha256.New()
		_, err = io.Copy(h, cur)
		cur.Close()
		if err != nil {
			return err
		}
		if hex.EncodeToString(h.Sum(nil)) == f.SHA256 {
			rep.Files.Kept++
			return nil
		}
		to := filepath.Join(aside, "attachments", rel)
		os.MkdirAll(filepath.Dir(to), 0o700)
		if err := copyFromRoot(root, rel, to); err != nil {
			return fmt.Errorf("move aside: %w", err)
		}
		if err := root.Remove(rel); err != nil {
			return fmt.Errorf("move aside: %w", err)
		}
		rep.Files.Aside++
	}
	if d := filepath.Dir(rel); d != "." {
		if err := root.MkdirAll(d, 0o700); err != nil {
			return err
		}
	}
	tmp := rel + ".restore-" + randomSuffix()
	out, err := root.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	sum, _, err := decryptTo(poolPath(pool, f.SHA256), out, b.identities(), false)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && sum != f.SHA256 {
		err = damaged(info.Dir, fmt.Errorf("attachment %s: checksum mismatch", f.Path))
	}
	if err == nil {
		err = root.Rename(tmp, rel)
	}
	if err != nil {
		root.Remove(tmp)
		return err
	}
	rep.Files.Restored++
	return nil
}

func copyFromRoot(root *os.Root, rel, dst string) error {
	in, err := root.Open(rel)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
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
}

// checkNotInUse refuses to replace a database another process has open.
// It only looks at the locks of the -shm file (every connection to a WAL
// database holds one while open): opening the database itself, even to
// probe a lock, could recover or checkpoint its WAL and so change the
// damaged file that must be kept aside untouched.
func checkNotInUse(p string) error {
	if !shmInUse(p + "-shm") {
		return nil
	}
	return inUse(p)
}

func inUse(p string) error {
	return motcua.Errorf(motcua.KindConflict, continuity.ErrDatabaseInUse, "data",
		"Cơ sở dữ liệu %s đang được mở (cửa sổ Một Cửa hoặc lệnh khác đang chạy); đóng lại rồi khôi phục",
		"the database %s is open (the Một Cửa window or another command is running); close it, then restore", p)
}

// compareLost lists what the current database holds beyond the restored
// copy — read as far as the damaged file allows.
func compareLost(ctx context.Context, current, restored string, rep *continuity.RestoreReport) {
	if _, err := os.Stat(current); err != nil {
		rep.ReplacedNote = "Không có cơ sở dữ liệu cũ (máy mới)"
		return
	}
	have := map[string]string{}
	rdb, err := sql.Open("sqlite", "file:"+restored+"?mode=ro")
	if err == nil {
		defer rdb.Close()
		have, _ = dossierDigests(ctx, rdb)
	}
	// Read the old file from a copy: opening it, even read-only, must not
	// touch the file that is kept aside as evidence.
	tmp, err := os.MkdirTemp(filepath.Dir(restored), "old-")
	if err != nil {
		rep.ReplacedNote = err.Error()
		return
	}
	defer os.RemoveAll(tmp)
	cp := filepath.Join(tmp, "old.db")
	for _, ext := range []string{"", "-wal"} {
		copyFile(current+ext, cp+ext)
	}
	odb, err := sql.Open("sqlite", cp+"?_busy_timeout=1000")
	if err != nil {
		rep.ReplacedNote = "Không đọc được tệp cũ: " + err.Error()
		return
	}
	defer odb.Close()
	// A damaged page stops a scan where it lies: read each table on its
	// own and keep whatever rows come out, so one bad page does not hide
	// what the other tables still tell.
	found := map[string]*continuity.LostDossier{}
	get := func(code string) *continuity.LostDossier {
		l := found[code]
		if l == nil {
			l = &continuity.LostDossier{Code: code}
			found[code] = l
		}
		return l
	}
	var notes []string
	scan := func(what, q string, row func(*sql.Rows) error) {
		rows, err := odb.QueryContext(ctx, q)
		if err != nil {
			notes = append(notes, what+": "+err.Error())
			return
		}
		defer rows.Close()
		for rows.Next() {
			if err := row(rows); err != nil {
				notes = append(notes, what+": "+err.Error())
				return
			}
		}
		if err := rows.Err(); err != nil {
			notes = append(notes, what+": "+err.Error())
		}
	}
	scan("hàng đợi gửi", `SELECT dossier_code, state, payload FROM outbox`, func(r *sql.Rows) error {
		var code, state, payload string
		if err := r.Scan(&code, &state, &payload); err != nil {
			return err
		}
		l := get(code)
		l.Delivered = l.Delivered || state == StateAcked
		var d motcua.Dossier
		if json.Unmarshal([]byte(payload), &d) == nil {
			l.ReceivedAt, l.Procedure, l.Applicant = d.ReceivedAt, d.Procedure.Name, continuity.MaskName(d.Applicant.Name)
		}
		return nil
	})
	scan("hồ sơ", `SELECT code, received_at, procedure_name, applicant_name FROM dossiers`, func(r *sql.Rows) error {
		var code, proc, name string
		var received int64
		if err := r.Scan(&code, &received, &proc, &name); err != nil {
			return err
		}
		l := get(code)
		l.ReceivedAt, l.Procedure, l.Applicant = fromMS(received), proc, continuity.MaskName(name)
		return nil
	})
	scan("lịch sử", `SELECT dossier_code, min(at) FROM history GROUP BY dossier_code`, func(r *sql.Rows) error {
		var code string
		var at int64
		if err := r.Scan(&code, &at); err != nil {
			return err
		}
		if l := get(code); l.ReceivedAt.IsZero() {
			l.ReceivedAt = fromMS(at)
		}
		return nil
	})
	old, err := dossierDigests(ctx, odb)
	if err != nil {
		notes = append(notes, "nội dung hồ sơ: "+err.Error())
	}
	rep.Changed = []continuity.LostDossier{}
	for code, l := range found {
		if sum, ok := have[code]; ok {
			if o, ok := old[code]; ok && o != sum {
				rep.Changed = append(rep.Changed, *l)
			}
			continue
		}
		rep.Lost = append(rep.Lost, *l)
		if l.Delivered {
			rep.LostDelivered++
		} else {
			rep.LostUndelivered++
		}
	}
	sort.Slice(rep.Lost, func(i, j int) bool {
		a, b := rep.Lost[i], rep.Lost[j]
		return a.ReceivedAt.Before(b.ReceivedAt) || a.ReceivedAt.Equal(b.ReceivedAt) && a.Code < b.Code
	})
	sort.Slice(rep.Changed, func(i, j int) bool { return rep.Changed[i].Code < rep.Changed[j].Code })
	rep.ReplacedReadable = len(notes) == 0
	if len(notes) > 0 {
		rep.ReplacedNote = "Đọc dở tệp cũ — " + strings.Join(notes, "; ")
	}
}

// dossierColumns are hashed for each dossier (everything but the row id):
// two copies of a dossier are the same when all of them and its history
// are.
const dossierColumns = `code, procedure_code, procedure_name, procedure_field, channel, applicant_name, applicant_id_number,
	applicant_dob, applicant_gender, applicant_address, applicant_phone, applicant_email, applicant_subject, summary,
	components, fee, received_at, due_at, status, extended, officer, station, returned_at, updated_at`

// dossierDigests returns a SHA-256 of each dossier's row and history, by
// code: what the restore report compares, so a dossier changed or replaced
// is reported, not only one that is missing. Rows read before a damaged
// page are returned with the error.
func dossierDigests(ctx context.Context, db *sql.DB) (map[string]string, error) {
	hs := map[string]hash.Hash{}
	add := func(q string) error {
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			return err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			code := fmt.Sprint(vals[0])
			h := hs[code]
			if h == nil {
				h = sha256.New()
				hs[code] = h
			}
			for _, v := range vals[1:] {
				fmt.Fprintf(h, "%T:%d:%v\x00", v, len(fmt.Sprint(v)), v)
			}
			h.Write([]byte{'\n'})
		}
		return rows.Err()
	}
	err := add(`SELECT ` + dossierColumns + ` FROM dossiers ORDER BY code`)
	if err == nil {
		err = add(`SELECT dossier_code, idx, at, actor, action, from_status, to_status, reason, note FROM history ORDER BY dossier_code, idx`)
	}
	out := make(map[string]string, len(hs))
	for c, h := range hs {
		out[c] = hex.EncodeToString(h.Sum(nil))
	}
	return out, err
}

func guidance(rep *continuity.RestoreReport) []string {
	g := []string{fmt.Sprintf("Đã khôi phục bản sao lưu %s (tạo lúc %s, %d hồ sơ). Tệp dữ liệu cũ được giữ tại %s.",
		rep.Backup.ID, motcua.FormatTime(rep.Backup.Created), rep.Dossiers, rep.AsideDir)}
	switch {
	case !rep.ReplacedReadable:
		g = append(g, fmt.Sprintf("Không đọc được hết tệp cũ (%s): đối chiếu với hệ thống tỉnh và giấy tiếp nhận lưu các hồ sơ tiếp nhận sau %s.",
			rep.ReplacedNote, motcua.FormatTime(rep.Backup.Created)))
	case len(rep.Lost) == 0 && len(rep.Changed) == 0:
		g = append(g, "Không mất hồ sơ nào: mọi hồ sơ của tệp cũ đều có trong bản sao lưu, nội dung như nhau.")
	case len(rep.Changed) > 0:
	case rep.LostUndelivered == 0:
		g = append(g, "Không mất hồ sơ nào chưa gửi: các hồ sơ sau thời điểm sao lưu đều đã có trên hệ thống tỉnh.")
	}
	if rep.LostDelivered > 0 {
		g = append(g, fmt.Sprintf("%d hồ sơ sau thời điểm sao lưu đã được gửi lên tỉnh: hệ thống tỉnh còn giữ, nhập lại theo bản của tỉnh.", rep.LostDelivered))
	}
	if rep.LostUndelivered > 0 {
		g = append(g, fmt.Sprintf("%d hồ sơ sau thời điểm sao lưu CHƯA gửi lên tỉnh: nhập lại từ giấy tiếp nhận lưu hoặc bản quét (danh sách trong báo cáo).", rep.LostUndelivered))
	}
	if len(rep.Changed) > 0 {
		g = append(g, fmt.Sprintf("%d hồ sơ có nội dung khác bản sao lưu (đã thay đổi sau thời điểm sao lưu, hoặc bị thay thế): trạng thái của tệp cũ không còn; đối chiếu với hệ thống tỉnh và hồ sơ giấy (danh sách trong báo cáo).", len(rep.Changed)))
	}
	if rep.Files.Aside > 0 {
		g = append(g, fmt.Sprintf("%d tệp đính kèm khác bản sao lưu đã được chuyển vào %s.", rep.Files.Aside, rep.AsideDir))
	}
	return g
}

// CheckDatabase is the startup check: it looks at the database without
// changing it (read-only, never creating, migrating or checkpointing) and
// says whether it can be used. full runs integrity_check (every index)
// instead of quick_check.
func CheckDatabase(ctx context.Context, dataDir, dbPath string, full bool, now time.Time) *continuity.Health {
	start := motcua.StartStopwatch()
	h := &continuity.Health{DBPath: dbPath, Checked: now.In(motcua.Location), Problems: []string{}}
	defer func() { h.Seconds = start.Elapsed().Seconds() }()
	if _, err := os.Stat(JournalPath(dataDir)); err == nil {
		h.RestorePending = true
		h.Problems = append(h.Problems, "một lần khôi phục bị gián đoạn")
		h.Message = "Lần khôi phục dữ liệu trước bị gián đoạn. Chạy «motcua restore --resume» để hoàn tất trước khi dùng."
		return h
	}
	f, err := os.Open(dbPath)
	if errors.Is(err, fs.ErrNotExist) {
		h.OK, h.Message = true, "Chưa có cơ sở dữ liệu (máy mới)."
		return h
	}
	h.Exists = true
	if err != nil {
		h.Problems = append(h.Problems, err.Error())
		h.Message = "Không đọc được tệp dữ liệu: " + err.Error()
		return h
	}
	head := make([]byte, 100)
	n, _ := f.Read(head)
	f.Close()
	if n < 100 || string(head[:16]) != "SQLite format 3\x00" {
		h.Problems = append(h.Problems, "phần đầu tệp không phải SQLite")
	} else if appID := uint32(head[68])<<24 | uint32(head[69])<<16 | uint32(head[70])<<8 | uint32(head[71]); appID != ApplicationID && appID != 0 {
		h.Problems = append(h.Problems, fmt.Sprintf("application_id %#x: không phải tệp Một Cửa", appID))
	}
	if len(h.Problems) == 0 {
		h.Problems = append(h.Problems, quickCheck(ctx, dbPath, full)...)
	}
	h.OK = len(h.Problems) == 0
	if h.OK {
		h.Message = "Cơ sở dữ liệu bình thường."
	} else {
		h.Message = "Cơ sở dữ liệu bị HỎNG. Không tiếp nhận trên máy này; dùng máy khác hoặc biên nhận giấy. " +
			"Khôi phục: «motcua backup list» rồi «motcua restore TÊN_BẢN» — tệp hỏng được giữ lại trong thư mục damaged, không bị ghi đè."
	}
	return h
}

// quickCheck runs SQLite's check through a read-only connection.
func quickCheck(ctx context.Context, p string, full bool) []string {
	db, err := sql.Open("sqlite", "file:"+p+"?mode=ro&_busy_timeout=10000")
	if err != nil {
		return []string{err.Error()}
	}
	defer db.Close()
	q := `PRAGMA quick_check(20)`
	if full {
		q = `PRAGMA integrity_check(20)`
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return []string{err.Error()}
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return append(out, err.Error())
		}
		if v != "ok" {
			out = append(out, v)
		}
	}
	if err := rows.Err(); err != nil {
		out = append(out, err.Error())
	}
	if len(out) == 0 {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM dossiers`).Scan(&n); err != nil {
			out = append(out, "đọc bảng hồ sơ: "+err.Error())
		}
	}
	return out
}

// ParseIdentityFiles reads the key files given on the command line.
func ParseIdentityFiles(paths []string) ([]age.Identity, error) {
	var out []age.Identity
	for _, p := range paths {
		ids, err := ReadIdentities(p)
		if err != nil {
			return nil, err
		}
		out = append(out, ids...)
	}
	return out, nil
}

// copyFile copies src to dst (streaming); a missing src is not an error.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return nil
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
