package continuity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"motcua"
	"motcua/app"
)

// BackupConfig is kept in a file next to the database (storage reads it),
// not in the database: it must be readable when the database is damaged.
type BackupConfig struct {
	// Dest is the second location: a second disk or a USB drive. Backups go
	// to Dest/motcua-backups.
	Dest string `json:"dest"`
	// Recipients are recovery keys (age public keys, "age1…") every backup
	// is also encrypted to — e.g. one held by the province's IT support —
	// so a backup can be restored when this PC and its key are lost.
	Recipients []string `json:"recipients,omitempty"`
	// Hour is the preferred hour of the daily backup (0–23); -1: any time
	// the interval has passed. Default 12 (lunch break).
	Hour int `json:"hour"`
	// IntervalHours between backups; default 24.
	IntervalHours int       `json:"interval_hours,omitempty"`
	Keep          Retention `json:"keep"`
	// AttachmentsDir holds the digitised documents (the blob store);
	// relative to the data folder; default "blobs". Missing is fine.
	AttachmentsDir string `json:"attachments_dir,omitempty"`
	// Agency and Station record whose backups these are (set by the first
	// backup): restore recognises them when the database is unreadable.
	Agency  string `json:"agency,omitempty"`
	Station string `json:"station,omitempty"`
	// KeyFiles (relative to the data folder) travel inside every backup,
	// encrypted: without the blob key the attachments cannot be read.
	// Default: every *.key file of the data folder.
	KeyFiles []string `json:"key_files,omitempty"`
	// TrustedSigners are the Ed25519 public keys (base64) whose backups
	// this station restores besides its own station key: the old PC's key
	// on a replacement PC, added with `motcua backup trust KEY` once its
	// fingerprint is confirmed.
	TrustedSigners []string `json:"trusted_signers,omitempty"`
}

// Retention is how many backups to keep: the newest of each of the last
// Daily days, Weekly weeks and Monthly months that have one.
type Retention struct {
	Daily   int `json:"daily"`
	Weekly  int `json:"weekly"`
	Monthly int `json:"monthly"`
}

// DefaultRetention is 7 daily, 4 weekly, 12 monthly.
var DefaultRetention = Retention{Daily: 7, Weekly: 4, Monthly: 12}

// BackupInfo describes one backup at the destination.
type BackupInfo struct {
	ID         string    `json:"id"`
	Dir        string    `json:"dir"`
	Format     string    `json:"format"`
	Agency     string    `json:"agency"`
	AgencyName string    `json:"agency_name"`
	Station    string    `json:"station"`
	Created    time.Time `json:"created"`
	Schema     int       `json:"schema"`
	AppVersion string    `json:"app_version,omitempty"`
	DBBytes    int64     `json:"db_bytes"`             // the database snapshot
	DBStored   int64     `json:"db_stored"`            // compressed and encrypted
	Dossiers   int       `json:"dossiers"`             // in the snapshot
	Files      int       `json:"files"`                // attachment files referenced
	FileBytes  int64     `json:"file_bytes"`           // their size
	NewFiles   int       `json:"new_files"`            // of which this backup added to the pool
	NewBytes   int64     `json:"new_bytes"`            // their size
	Recipients []string  `json:"recipients"`           // age public keys it is encrypted to
	Signer     string    `json:"signer,omitempty"`     // fingerprint of the station key that signed it
	SignerKey  string    `json:"signer_key,omitempty"` // that public key, base64
	Seconds    float64   `json:"seconds"`              // time to make it
	Verified   time.Time `json:"verified,omitzero"`
	VerifyOK   bool      `json:"verify_ok"`
	VerifyNote string    `json:"verify_note,omitempty"`
}

// VerifyReport is the outcome of restoring a backup into a temporary place
// and checking it.
type VerifyReport struct {
	ID           string    `json:"id"`
	OK           bool      `json:"ok"`
	Checked      time.Time `json:"checked"`
	Integrity    string    `json:"integrity"` // "ok" or the first problems
	AuditEntries int       `json:"audit_entries"`
	Dossiers     int       `json:"dossiers"`
	Files        int       `json:"files"`
	FilesChecked int       `json:"files_checked"`
	Problems     []string  `json:"problems"`
	Seconds      float64   `json:"seconds"`
}

// RestoreReport says what a restore did and what was lost since the backup.
type RestoreReport struct {
	Backup     BackupInfo `json:"backup"`
	RestoredAt time.Time  `json:"restored_at"`
	// AsideDir keeps the files that were replaced (the damaged database,
	// its -wal/-shm, differing attachments): never deleted.
	AsideDir string `json:"aside_dir"`
	// What the replaced database held that the backup does not, as far as
	// it could still be read.
	ReplacedReadable bool          `json:"replaced_readable"`
	ReplacedNote     string        `json:"replaced_note,omitempty"`
	Lost             []LostDossier `json:"lost"`
	// Changed are dossiers in both whose content differs (a SHA-256 of the
	// dossier row and its history): changed after the backup, or replaced.
	// Their state in the replaced database is lost too.
	Changed         []LostDossier  `json:"changed"`
	LostDelivered   int            `json:"lost_delivered"`   // the province has them: pull them back / re-enter from its copy
	LostUndelivered int            `json:"lost_undelivered"` // only on paper now: re-enter from the receipt copy or scans
	Dossiers        int            `json:"dossiers"`         // in the restored database
	Files           RestoredFiles  `json:"files"`
	Guidance        []string       `json:"guidance"`
	Verify          *VerifyReport  `json:"verify,omitempty"`
	Extra           map[string]any `json:"extra,omitempty"`
}

// RestoredFiles counts attachment files handled by a restore.
type RestoredFiles struct {
	Restored int `json:"restored"` // copied back from the backup
	Kept     int `json:"kept"`     // already present and identical
	Aside    int `json:"aside"`    // present but different: moved aside, replaced
	Newer    int `json:"newer"`    // present, not in the backup: left in place
}

// LostDossier is a dossier of the replaced database missing from the backup.
type LostDossier struct {
	Code       string    `json:"code"`
	ReceivedAt time.Time `json:"received_at"`
	Procedure  string    `json:"procedure"`
	Applicant  string    `json:"applicant"` // masked
	Delivered  bool      `json:"delivered"` // acknowledged by the province
}

// Health is the startup check of the database.
type Health struct {
	OK             bool      `json:"ok"`
	DBPath         string    `json:"db_path"`
	Exists         bool      `json:"exists"`
	RestorePending bool      `json:"restore_pending"` // a restore was interrupted: resume it
	Problems       []string  `json:"problems"`
	Message        string    `json:"message"` // one Vietnamese sentence for the officer
	Checked        time.Time `json:"checked"`
	Seconds        float64   `json:"seconds"`
}

// Backups is the backup engine (storage implements it).
type Backups interface {
	// Backup makes one backup: a consistent snapshot of the running
	// database and the attachment files, encrypted, at the destination.
	Backup(ctx context.Context) (*BackupInfo, error)
	// List returns this station's complete backups, newest first.
	List(ctx context.Context) ([]BackupInfo, error)
	// Verify restores a backup into a temporary place and checks it; full
	// checks every attachment, else only those the backup added.
	Verify(ctx context.Context, id string, full bool) (*VerifyReport, error)
	// Prune deletes the backups the retention does not keep, and the
	// attachment copies no backup references any more.
	Prune(ctx context.Context, keep Retention) ([]string, error)
}

// DiskSpace reports the free and total bytes of the file system holding path.
type DiskSpace func(path string) (free, total uint64, err error)

// BackupService runs the scheduled backups and watches disk space. It
// publishes EventBackup and EventDisk on the continuity service's bus.
type BackupService struct {
	Svc     *Service // for events and the audit log; may be nil
	Engine  Backups
	Config  BackupConfig
	Clock   app.Clock
	Disk    DiskSpace
	DataDir string // watched for free space
	// Poll is how often the loop looks at the clock and the disks; default 1 min.
	Poll time.Duration

	mu      sync.Mutex
	last    time.Time // last successful backup
	lastErr error
	tried   time.Time // last scheduled attempt
	running bool
	cancel  context.CancelFunc
	done    chan struct{}
}

// Disk space thresholds: warn early, and refuse intake before SQLite would
// meet a full disk in the middle of a write.
const (
	DiskWarnBytes     = 2 << 30   // below 2 GiB free (or 10 %): warning
	DiskCriticalBytes = 300 << 20 // below 300 MiB free: intake refused
)

// DiskStatus is the free space of one location.
type DiskStatus struct {
	Path  string `json:"path"`
	Free  uint64 `json:"free"`
	Total uint64 `json:"total"`
	Level Level  `json:"level"`
	Text  string `json:"text"`
}

// CheckDisk grades the free space at path.
func CheckDisk(disk DiskSpace, path, what string) DiskStatus {
	st := DiskStatus{Path: path}
	free, total, err := disk(path)
	if err != nil {
		st.Level, st.Text = LevelWarning, fmt.Sprintf("Không đọc được dung lượng trống của %s (%s): %v", what, path, err)
		return st
	}
	st.Free, st.Total = free, total
	switch {
	case free < DiskCriticalBytes:
		st.Level = LevelCritical
		st.Text = fmt.Sprintf("Ổ đĩa chứa %s gần đầy: chỉ còn %s trống. Giải phóng dung lượng ngay; tiếp nhận sẽ bị từ chối để không ghi dở hồ sơ.", what, HumanBytes(free))
	case free < DiskWarnBytes || (total > 0 && free < total/10):
		st.Level = LevelWarning
		st.Text = fmt.Sprintf("Ổ đĩa chứa %s sắp đầy: còn %s trống trên %s. Hãy dọn dẹp hoặc báo công chức CNTT.", what, HumanBytes(free), HumanBytes(total))
	default:
		st.Text = fmt.Sprintf("%s: còn %s trống trên %s", what, HumanBytes(free), HumanBytes(total))
	}
	return st
}

// GuardIntake refuses an intake when the data disk is critically full, so
// that a dossier is never half-written: call it before Service.Intake.
// Errors: KindInternal ErrDiskFull.
func GuardIntake(disk DiskSpace, dataDir string) error {
	st := CheckDisk(disk, dataDir, "dữ liệu")
	if st.Level == LevelCritical {
		return motcua.Errorf(motcua.KindInternal, ErrDiskFull, "disk", "%s Hồ sơ chưa được lưu, chưa cấp mã.",
			"the data disk is almost full (%[1]s); the dossier was not saved and got no code", st.Text)
	}
	return nil
}

// DiskFullError is the officer's message when a write failed because the
// disk is full: the transaction was rolled back, nothing was written.
func DiskFullError(err error) error {
	e := motcua.Errorf(motcua.KindInternal, ErrDiskFull, "disk",
		"Ổ đĩa đầy: hồ sơ CHƯA được lưu và chưa được cấp mã (không có gì bị ghi dở). Giải phóng dung lượng ổ đĩa rồi tiếp nhận lại.",
		"the disk is full: the dossier was NOT saved and got no code (nothing was half-written); free some space and try again")
	e.Err = err
	return e
}

// DiskIOError is the officer's message when a write failed at the disk
// (full, failing, or over a size limit): rolled back, nothing written.
func DiskIOError(err error) error {
	e := motcua.Errorf(motcua.KindInternal, ErrDiskIO, "disk",
		"Không ghi được xuống ổ đĩa (ổ đầy, hỏng hoặc bị giới hạn dung lượng): hồ sơ CHƯA được lưu và chưa được cấp mã. Báo công chức CNTT; chạy «motcua check».",
		"the write to the disk failed (full, failing or over a size limit): the dossier was NOT saved and got no code; call IT support and run 'motcua check'")
	e.Err = err
	return e
}

// HumanBytes renders n as "1,5 GB".
func HumanBytes(n uint64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	s := fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "KMGTPE"[exp])
	return strings.Replace(s, ".", ",", 1)
}

func (b *BackupService) now() time.Time {
	return motcua.OrSystem(b.Clock).Now().In(motcua.Location)
}

func (b *BackupService) publish(e Event) {
	if b.Svc != nil {
		b.Svc.publish(e)
	}
}

// Last is the time of the last successful backup and the last error.
func (b *BackupService) Last() (time.Time, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.last, b.lastErr
}

// Due reports whether a scheduled backup should run at now, given the last
// successful one.
func (b *BackupService) Due(now, last time.Time) bool {
	interval := time.Duration(max(b.Config.IntervalHours, 0)) * time.Hour
	if interval == 0 {
		interval = 24 * time.Hour
	}
	if last.IsZero() {
		return true
	}
	if now.Sub(last) < interval-30*time.Minute {
		return false
	}
	if b.Config.Hour < 0 || b.Config.Hour > 23 {
		return true
	}
	// Daily at the preferred hour; overdue by more than a day runs at once.
	return now.Hour() >= b.Config.Hour || now.Sub(last) > interval+24*time.Hour
}

// RunNow makes a backup, verifies it (the new attachments fully, the
// database always), applies the retention, and publishes the outcome.
func (b *BackupService) RunNow(ctx context.Context, who app.Actor) (*BackupInfo, *VerifyReport, error) {
	if err := who.SignedIn("sao lưu ngay"); err != nil {
		return nil, nil, err
	}
	by := who.Username
	b.mu.Lock()
	if b.running {
		b.mu.Unlock()
		return nil, nil, motcua.Errorf(motcua.KindConflict, ErrBackupDest, "backup", "Đang sao lưu; chờ lần sao lưu này xong", "a backup is running")
	}
	b.running = true
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		b.running = false
		b.mu.Unlock()
	}()
	info, rep, err := b.run(ctx)
	// The outcome is published and audited before Last reports it: whoever
	// sees the new time finds the audit entry too.
	if err != nil {
		b.publish(Event{Kind: EventBackup, Level: LevelCritical, Message: "Sao lưu KHÔNG thành công: " + motcua.ErrorMessage(err)})
		b.audit(ctx, by, "backup.failed", "", motcua.ErrorMessage(err))
	} else {
		b.publish(Event{Kind: EventBackup, Level: LevelInfo, Message: fmt.Sprintf("Đã sao lưu và kiểm tra bản %s (%d hồ sơ, %d tệp đính kèm)", info.ID, info.Dossiers, info.Files)})
		b.audit(ctx, by, "backup.done", info.ID, fmt.Sprintf("%d hồ sơ; %d tệp; %.1f s", info.Dossiers, info.Files, info.Seconds))
	}
	b.mu.Lock()
	b.lastErr = err
	if err == nil {
		b.last = info.Created
	}
	b.mu.Unlock()
	if err != nil {
		return info, rep, err
	}
	return info, rep, nil
}

// Verify checks an existing backup again ("Kiểm tra lại bản sao lưu"):
// it restores the backup into a temporary place and checks it (every
// attachment when full), records the outcome next to the backup, and
// publishes it. A backup that fails its check is not an error: rep.OK is
// false and rep.Problems say why.
//
// Errors: KindConflict ErrBackupDest while a backup is running; the
// engine's errors (ErrBackupNotFound, ErrBackupKey, ErrBackupDamaged when
// the manifest itself cannot be read).
func (b *BackupService) Verify(ctx context.Context, id string, full bool, by string) (*VerifyReport, error) {
	b.mu.Lock()
	if b.running {
		b.mu.Unlock()
		return nil, motcua.Errorf(motcua.KindConflict, ErrBackupDest, "backup", "Đang sao lưu; chờ lần sao lưu này xong rồi kiểm tra", "a backup is running")
	}
	b.running = true
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		b.running = false
		b.mu.Unlock()
	}()
	rep, err := b.Engine.Verify(ctx, id, full)
	switch {
	case err != nil:
		b.publish(Event{Kind: EventBackup, Level: LevelCritical, Message: "Không kiểm tra được bản sao lưu " + id + ": " + motcua.ErrorMessage(err)})
		b.audit(ctx, by, "backup.verify_failed", id, motcua.ErrorMessage(err))
	case rep.OK:
		b.publish(Event{Kind: EventBackup, Level: LevelInfo, Message: fmt.Sprintf("Đã kiểm tra lại bản sao lưu %s: đạt", id)})
		b.audit(ctx, by, "backup.verified", id, fmt.Sprintf("%d hồ sơ; %d/%d tệp; %.1f s", rep.Dossiers, rep.FilesChecked, rep.Files, rep.Seconds))
	default:
		b.publish(Event{Kind: EventBackup, Level: LevelCritical, Message: "Bản sao lưu " + id + " KHÔNG đạt khi kiểm tra lại: " + strings.Join(rep.Problems, "; ")})
		b.audit(ctx, by, "backup.verify_failed", id, strings.Join(rep.Problems, "; "))
	}
	return rep, err
}

func (b *BackupService) run(ctx context.Context) (*BackupInfo, *VerifyReport, error) {
	info, err := b.Engine.Backup(ctx)
	if err != nil {
		return nil, nil, err
	}
	rep, err := b.Engine.Verify(ctx, info.ID, false)
	if err != nil {
		return info, nil, err
	}
	if !rep.OK {
		return info, rep, motcua.Errorf(motcua.KindInternal, ErrBackupDamaged, "backup",
			"Bản sao lưu %s vừa tạo không qua được kiểm tra: %s", "the new backup %s failed its check: %s", info.ID, strings.Join(rep.Problems, "; "))
	}
	keep := b.Config.Keep
	if keep == (Retention{}) {
		keep = DefaultRetention
	}
	if _, err := b.Engine.Prune(ctx, keep); err != nil {
		return info, rep, fmt.Errorf("xoá bản sao lưu cũ: %w", err)
	}
	return info, rep, nil
}

func (b *BackupService) audit(ctx context.Context, by, action, subject, detail string) {
	if b.Svc == nil {
		return
	}
	// The audit entry is best effort: a failed backup must not hide behind
	// a failed audit write (the disk may be the problem).
	_ = b.Svc.Store.Audit(ctx, app.AuditEntry{At: b.now(), Actor: actor(by), Action: action, Subject: subject, Detail: detail})
}

// CheckDisks grades the data folder and the backup destination and
// publishes a disk event when one is low.
func (b *BackupService) CheckDisks() []DiskStatus {
	if b.Disk == nil {
		return nil
	}
	var out []DiskStatus
	if b.DataDir != "" {
		out = append(out, CheckDisk(b.Disk, b.DataDir, "dữ liệu"))
	}
	if b.Config.Dest != "" {
		out = append(out, CheckDisk(b.Disk, b.Config.Dest, "bản sao lưu"))
	}
	for _, st := range out {
		if st.Level > LevelInfo {
			b.publish(Event{Kind: EventDisk, Level: st.Level, Message: st.Text})
		}
	}
	return out
}

// Start runs the schedule until ctx ends or Stop: it checks the disks and,
// when a backup is due, makes one.
func (b *BackupService) Start(ctx context.Context) {
	ctx, b.cancel = context.WithCancel(ctx)
	b.done = make(chan struct{})
	poll := b.Poll
	if poll <= 0 {
		poll = time.Minute
	}
	go func() {
		defer close(b.done)
		if list, err := b.Engine.List(ctx); err == nil && len(list) > 0 {
			b.mu.Lock()
			b.last = list[0].Created
			b.mu.Unlock()
		}
		t := time.NewTicker(poll)
		defer t.Stop()
		for {
			b.CheckDisks()
			last, lastErr := b.Last()
			// After a failure, try again an hour later rather than every poll.
			retry := lastErr == nil || b.now().Sub(b.lastTry()) > time.Hour
			if retry && b.Due(b.now(), last) {
				b.setTry(b.now())
				_, _, _ = b.RunNow(ctx, app.OperatorActor("system"))
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

func (b *BackupService) lastTry() time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.tried
}

func (b *BackupService) setTry(t time.Time) {
	b.mu.Lock()
	b.tried = t
	b.mu.Unlock()
}

// Stop ends the schedule and waits for a backup in progress.
func (b *BackupService) Stop() {
	if b.cancel != nil {
		b.cancel()
		<-b.done
	}
}

// IsKeyError reports whether err says no key at hand opens a backup.
func IsKeyError(err error) bool {
	var e *motcua.Error
	return errors.As(err, &e) && e.Code == ErrBackupKey
}

// Retain says which backups a retention keeps: the newest backup of each of
// the Daily most recent days that have one, of each of the Weekly most
// recent ISO weeks and of each of the Monthly most recent months — a
// grandfather-father-son rotation. The newest backup is always kept.
func Retain(backups []BackupInfo, keep Retention) map[string]bool {
	sorted := append([]BackupInfo(nil), backups...)
	sortNewestFirst(sorted)
	out := map[string]bool{}
	if len(sorted) > 0 {
		out[sorted[0].ID] = true
	}
	pick := func(n int, key func(time.Time) string) {
		seen := map[string]bool{}
		for _, b := range sorted {
			k := key(b.Created.In(motcua.Location))
			if seen[k] {
				continue
			}
			if len(seen) == n {
				return
			}
			seen[k] = true
			out[b.ID] = true
		}
	}
	pick(keep.Daily, func(t time.Time) string { return t.Format("2006-01-02") })
	pick(keep.Weekly, func(t time.Time) string { y, w := t.ISOWeek(); return fmt.Sprintf("%d-W%02d", y, w) })
	pick(keep.Monthly, func(t time.Time) string { return t.Format("2006-01") })
	return out
}

func sortNewestFirst(bs []BackupInfo) {
	for i := 1; i < len(bs); i++ {
		for j := i; j > 0 && bs[j].Created.After(bs[j-1].Created); j-- {
			bs[j], bs[j-1] = bs[j-1], bs[j]
		}
	}
}
