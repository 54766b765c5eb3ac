package storage

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"filippo.io/age"

	"motcua"
	"motcua/app"
	"motcua/app/continuity"
	"motcua/storage/keyfile"
)

// Backups: a consistent snapshot of the running database (VACUUM INTO, a
// read transaction that never blocks the counter) and the attachment files,
// encrypted with age to the station's key and the recovery keys, written to
// a second location. Layout under DEST/motcua-backups:
//
//	<id>/info.json            plaintext summary (no personal data): agency, time, sizes
//	<id>/manifest.age         the file list with SHA-256s, the snapshot's checksum, key files
//	<id>/db.sqlite.gz.age     the database snapshot, gzip then age
//	<id>/refs.txt             the pool entries it uses (content hashes)
//	<id>/verified.json        the last verification's outcome
//	pool-<keys>/ab/<sha256>.age  attachment files, each encrypted once and shared by
//	                          every backup made to the same keys (daily backups of
//	                          10 GB of scans copy only the new scans)
//
// A backup is written as <id>.partial and renamed when complete, so a
// power cut or kill leaves either a whole backup or an ignored .partial.
//
// Why age (filippo.io/age) and not AES-GCM from the standard library, which
// storage/blob uses for the live attachment store: backups are large
// streams (a snapshot of hundreds of MB, scans of any size) that age
// encrypts in authenticated 64 KiB chunks without holding them in memory;
// age encrypts to public keys, so a recovery key held off-site by the
// province can open a backup although its secret never touches this PC;
// and a backup stays readable with the standard age tool if this program
// is not at hand. Its ChaCha20-Poly1305 is as strong as AES-GCM and fast
// without AES-NI, common on the low-end PCs of communes.
const BackupFormat = "motcua.backup/1"

const (
	backupRoot     = "motcua-backups"
	partialSuffix  = ".partial"
	dbEntry        = "db.sqlite.gz.age"
	manifestEntry  = "manifest.age"
	infoEntry      = "info.json"
	refsEntry      = "refs.txt"
	verifiedEntry  = "verified.json"
	cacheFile      = "backup-cache.json"
	tmpDirName     = "backup-tmp"
	staleAfter     = 6 * time.Hour
	defaultBlobDir = "blobs"
)

// Backupper makes, lists, verifies and prunes the backups of one station.
type Backupper struct {
	DataDir string
	DBPath  string // default DataDir/motcua.db
	Config  continuity.BackupConfig
	Version string
	Now     func() time.Time
	// Agency and Station (K/N) select this station's backups in List and
	// Prune; empty selects all.
	Agency, Station string
	// Identities decrypt backups (Verify); the station's own key is always
	// tried.
	Identities []age.Identity
	// TrustedSigners are signing keys trusted for this run besides the
	// station's own and the configuration's (SignersInFiles of the
	// --identity files).
	TrustedSigners []ed25519.PublicKey

	identity  *age.X25519Identity
	signer    ed25519.PrivateKey
	signerErr error // the station key does not open here: backups cannot be made, restores still can
}

var _ continuity.Backups = (*Backupper)(nil)

// NewBackupper reads the data folder's backup configuration and key.
func NewBackupper(dataDir, version string, clock motcua.Clock) (*Backupper, error) {
	cfg, err := LoadBackupConfig(dataDir)
	if err != nil {
		return nil, err
	}
	id, err := LoadOrCreateIdentity(dataDir)
	if err != nil {
		return nil, err
	}
	b := &Backupper{DataDir: dataDir, DBPath: filepath.Join(dataDir, "motcua.db"), Config: cfg, Version: version,
		Now: motcua.OrSystem(clock).Now, identity: id, Agency: cfg.Agency, Station: cfg.Station}
	b.signer, b.signerErr = app.LoadStationKey(dataDir)
	return b, nil
}

// Recipient is the station's public backup key (age1…).
func (b *Backupper) Recipient() string { return b.identity.Recipient().String() }

func (b *Backupper) now() time.Time {
	if b.Now == nil {
		return motcua.SystemClock{}.Now()
	}
	return b.Now().In(motcua.Location)
}

func (b *Backupper) root() (string, error) {
	if strings.TrimSpace(b.Config.Dest) == "" {
		return "", motcua.Invalid(continuity.ErrBackupDest, "dest", "Chưa chọn nơi sao lưu (ổ đĩa thứ hai hoặc ổ USB): motcua backup config --dest THƯ_MỤC",
			"no backup destination is set: motcua backup config --dest FOLDER")
	}
	if err := checkDest(b.DataDir, b.Config.Dest); err != nil {
		return "", err
	}
	if fi, err := os.Stat(b.Config.Dest); err != nil || !fi.IsDir() {
		return "", motcua.Invalid(continuity.ErrBackupDest, "dest", "Không thấy nơi sao lưu %s (ổ USB chưa cắm?)",
			"the backup destination %s is not there (USB drive not plugged in?)", b.Config.Dest)
	}
	return filepath.Join(b.Config.Dest, backupRoot), nil
}

func (b *Backupper) recipients() ([]age.Recipient, []string, error) {
	rs := []age.Recipient{b.identity.Recipient()}
	names := []string{b.identity.Recipient().String()}
	for _, s := range b.Config.Recipients {
		r, err := age.ParseX25519Recipient(strings.TrimSpace(s))
		if err != nil {
			return nil, nil, motcua.Invalid(continuity.ErrBackupKey, "recipient", "Khoá dự phòng «%s» không hợp lệ", "recovery key %q is invalid", s)
		}
		rs = append(rs, r)
		names = append(names, r.String())
	}
	return rs, names, nil
}

// poolDir is shared by every backup encrypted to the same keys.
func poolDir(root string, names []string) string {
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	h := sha256.Sum256([]byte(strings.Join(sorted, "\n")))
	return filepath.Join(root, "pool-"+hex.EncodeToString(h[:6]))
}

func (b *Backupper) identities() []age.Identity {
	return append([]age.Identity{b.identity}, b.Identities...)
}

func (b *Backupper) attachmentsDir() string {
	d := b.Config.AttachmentsDir
	if d == "" {
		d = defaultBlobDir
	}
	if filepath.IsAbs(d) {
		return d
	}
	return filepath.Join(b.DataDir, d)
}

// keyFiles are the data folder's files carried (encrypted) in each backup.
func (b *Backupper) keyFiles() []string {
	if len(b.Config.KeyFiles) > 0 {
		return b.Config.KeyFiles
	}
	matches, _ := filepath.Glob(filepath.Join(b.DataDir, "*.key"))
	var out []string
	for _, m := range matches {
		out = append(out, filepath.Base(m))
	}
	return out
}

// manifest is the encrypted description of a backup.
type manifest struct {
	Info  continuity.BackupInfo `json:"info"`
	DB    manifestDB            `json:"db"`
	Files []manifestFile        `json:"files"`
	Keys  []manifestKey         `json:"keys"`
}

type manifestDB struct {
	Size     int64  `json:"size"`
	SHA256   string `json:"sha256"`
	AuditSeq int64  `json:"audit_seq"`
	// AuditHead is the hash (hex) of entry AuditSeq: with the signature,
	// an anchor of the audit chain outside the database (AuditAnchor).
	AuditHead string `json:"audit_head,omitempty"`
	OutboxID  int64  `json:"outbox_id"`
}

type manifestFile struct {
	Path   string `json:"path"` // relative to the attachment folder, slash-separated
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
	New    bool   `json:"new,omitempty"` // added to the pool by this backup
}

type manifestKey struct {
	Path string `json:"path"` // relative to the data folder
	Data []byte `json:"data"`
}

type verified struct {
	At   time.Time `json:"at"`
	OK   bool      `json:"ok"`
	Note string    `json:"note,omitempty"`
}

func randomSuffix() string {
	var b [4]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Backup makes one backup. The database is snapshotted with VACUUM INTO
// through its own connection: a read transaction, consistent, never
// blocking the counter's writes, and the snapshot is compact.
func (b *Backupper) Backup(ctx context.Context) (*continuity.BackupInfo, error) {
	start := motcua.StartStopwatch()
	root, err := b.root()
	if err != nil {
		return nil, err
	}
	recips, names, err := b.recipients()
	if err != nil {
		return nil, err
	}
	pool := poolDir(root, names)
	for _, d := range []string{root, pool, filepath.Join(pool, "tmp")} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, destErr(b.Config.Dest, err)
		}
	}
	b.cleanStale(root, pool)
	tmp, err := os.MkdirTemp(b.tmpBase(), "snap-")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(tmp)
	snap := filepath.Join(tmp, "motcua.db")
	if err := snapshot(ctx, b.DBPath, snap); err != nil {
		return nil, err
	}
	signerKey, fingerprint, err := b.SignerKey()
	if err != nil {
		return nil, err
	}
	now := b.now()
	m := manifest{Info: continuity.BackupInfo{Format: BackupFormat, Created: now, AppVersion: b.Version, Recipients: names,
		Signer: fingerprint, SignerKey: signerKey}}
	if err := readSnapshot(ctx, snap, &m); err != nil {
		return nil, err
	}
	info := &m.Info
	if b.Config.Agency == "" {
		b.Config.Agency, b.Config.Station = info.Agency, info.Station
		if err := SaveBackupConfig(b.DataDir, b.Config); err != nil {
			return nil, err
		}
	}
	info.ID = fmt.Sprintf("%s_%s_%s", now.Format("20060102-150405"), info.Agency, strings.ReplaceAll(info.Station, "/", "-"))
	// Two backups in one second (or one after an interrupted one) must not
	// share a folder: the name gets a random suffix when taken.
	base := info.ID
	final := filepath.Join(root, info.ID)
	partial := final + partialSuffix
	for i := 0; ; i++ {
		_, errFinal := os.Stat(final)
		err := os.Mkdir(partial, 0o750)
		if err == nil && errFinal != nil {
			break
		}
		if err == nil {
			os.Remove(partial)
		} else if !errors.Is(err, fs.ErrExist) || i > 5 {
			return nil, destErr(b.Config.Dest, err)
		}
		info.ID = base + "-" + randomSuffix()
		final = filepath.Join(root, info.ID)
		partial = final + partialSuffix
	}
	sum, size, stored, err := encryptFile(snap, filepath.Join(partial, dbEntry), recips, true)
	if err != nil {
		return nil, b.writeErr(err)
	}
	m.DB.SHA256, m.DB.Size = sum, size
	info.DBBytes, info.DBStored = size, stored
	if err := b.backupFiles(ctx, pool, recips, &m); err != nil {
		return nil, err
	}
	for _, k := range b.keyFiles() {
		// The key goes in plain (inside the age-encrypted manifest): a copy
		// sealed by DPAPI would not open on the replacement PC.
		data, err := keyfile.ReadKeyFile(filepath.Join(b.DataDir, k))
		if err != nil {
			return nil, fmt.Errorf("backup: key file %s: %w", k, err)
		}
		m.Keys = append(m.Keys, manifestKey{Path: filepath.ToSlash(k), Data: data})
	}
	info.Seconds = start.Elapsed().Seconds()
	mj, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	if mj, err = b.signManifest(mj); err != nil {
		return nil, err
	}
	if err := encryptBytes(mj, filepath.Join(partial, manifestEntry), recips); err != nil {
		return nil, b.writeErr(err)
	}
	ij, _ := json.MarshalIndent(info, "", "  ")
	var refs strings.Builder
	for _, f := range m.Files {
		refs.WriteString(f.SHA256 + "\n")
	}
	for name, data := range map[string][]byte{infoEntry: append(ij, '\n'), refsEntry: []byte(refs.String())} {
		if err := writeAtomic(filepath.Join(partial, name), data, 0o640); err != nil {
			return nil, b.writeErr(err)
		}
	}
	if err := syncDir(partial); err != nil {
		return nil, err
	}
	crash("backup.before-rename")
	if err := os.Rename(partial, final); err != nil {
		return nil, b.writeErr(err)
	}
	syncDir(root)
	info.Dir = final
	return info, nil
}

// tmpBase is where plaintext working copies go: next to the database (the
// same protection as the database itself), never on the backup drive.
func (b *Backupper) tmpBase() string {
	d := filepath.Join(b.DataDir, tmpDirName)
	os.MkdirAll(d, 0o700)
	return d
}

func destErr(dest string, err error) error {
	e := motcua.Invalid(continuity.ErrBackupDest, "dest", "Không ghi được vào nơi sao lưu %s: %v", "cannot write to the backup destination %s: %v", dest, err)
	e.Err = err
	return e
}

func (b *Backupper) writeErr(err error) error {
	if IsDiskFull(err) {
		e := motcua.Errorf(motcua.KindInternal, continuity.ErrDiskFull, "dest", "Nơi sao lưu %s đã đầy; bản sao lưu dở dang bị bỏ qua",
			"the backup destination %s is full; the unfinished backup is ignored", b.Config.Dest)
		e.Err = err
		return e
	}
	return destErr(b.Config.Dest, err)
}

// cleanStale removes what interrupted backups left: .partial folders and
// pool temporaries older than staleAfter (a backup in progress elsewhere is
// younger), and the data folder's plaintext working copies.
func (b *Backupper) cleanStale(root, pool string) {
	cut := motcua.FileSystemNow().Add(-staleAfter)
	if es, err := os.ReadDir(root); err == nil {
		for _, e := range es {
			if strings.HasSuffix(e.Name(), partialSuffix) {
				if fi, err := e.Info(); err == nil && fi.ModTime().Before(cut) {
					os.RemoveAll(filepath.Join(root, e.Name()))
				}
			}
		}
	}
	if es, err := os.ReadDir(filepath.Join(pool, "tmp")); err == nil {
		for _, e := range es {
			if fi, err := e.Info(); err == nil && fi.ModTime().Before(cut) {
				os.Remove(filepath.Join(pool, "tmp", e.Name()))
			}
		}
	}
	if es, err := os.ReadDir(filepath.Join(b.DataDir, tmpDirName)); err == nil {
		for _, e := range es {
			if fi, err := e.Info(); err == nil && fi.ModTime().Before(cut) {
				os.RemoveAll(filepath.Join(b.DataDir, tmpDirName, e.Name()))
			}
		}
	}
}

// snapshot writes a consistent copy of the database at src to dst.
func snapshot(ctx context.Context, src, dst string) error {
	if _, err := os.Stat(src); err != nil {
		return motcua.Errorf(motcua.KindNotFound, motcua.ErrNotFound, "data", "Không có cơ sở dữ liệu %s để sao lưu", "no database %s to back up", src)
	}
	db, err := sql.Open("sqlite", src+"?_busy_timeout=10000")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, dst); err != nil {
		if IsDiskFull(err) {
			return DiskFull(err)
		}
		e := motcua.Errorf(motcua.KindInternal, ErrIntegrity, "data", "Không sao lưu được cơ sở dữ liệu %s (tệp có thể bị hỏng): %v",
			"cannot snapshot the database %s (it may be damaged): %v", src, err)
		e.Err = err
		return e
	}
	return nil
}

// readSnapshot fills the manifest's identity and counts from the snapshot
// (not from the live file: they must describe what was copied).
func readSnapshot(ctx context.Context, p string, m *manifest) error {
	db, err := sql.Open("sqlite", "file:"+p+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	setting := func(k string) string {
		var v string
		db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, k).Scan(&v)
		return v
	}
	info := &m.Info
	info.Agency, info.AgencyName, info.Station = setting("agency_id"), setting("agency_name"), setting("station")
	if info.Agency == "" {
		return motcua.Invalid("ERR_NOT_INITIALISED", "agency_id", "Máy chưa được khởi tạo: chưa có gì để sao lưu", "this station is not initialised: nothing to back up")
	}
	q := func(query string, dst any) error {
		if err := db.QueryRowContext(ctx, query).Scan(dst); err != nil {
			return fmt.Errorf("read snapshot: %w", err)
		}
		return nil
	}
	if err := q(`PRAGMA user_version`, &info.Schema); err != nil {
		return err
	}
	if err := q(`SELECT count(*) FROM dossiers`, &info.Dossiers); err != nil {
		return err
	}
	if err := q(`SELECT coalesce(max(seq), 0) FROM audit`, &m.DB.AuditSeq); err != nil {
		return err
	}
	if m.DB.AuditSeq > 0 {
		var h []byte
		if err := db.QueryRowContext(ctx, `SELECT hash FROM audit WHERE seq = ?`, m.DB.AuditSeq).Scan(&h); err != nil {
			return fmt.Errorf("read snapshot: %w", err)
		}
		m.DB.AuditHead = hex.EncodeToString(h)
	}
	return q(`SELECT coalesce(max(id), 0) FROM outbox`, &m.DB.OutboxID)
}

type cacheEntry struct {
	Size   int64  `json:"size"`
	Mtime  int64  `json:"mtime"`
	SHA256 string `json:"sha256"`
}

// backupFiles adds the attachment files to the pool and the manifest. A
// file already in the pool is not copied again (its time is refreshed, so
// a concurrent prune leaves it alone); hashes of unchanged files come from
// a cache, since the store's files never change once written.
func (b *Backupper) backupFiles(ctx context.Context, pool string, recips []age.Recipient, m *manifest) error {
	dir := b.attachmentsDir()
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	cachePath := filepath.Join(b.DataDir, cacheFile)
	cache := map[string]cacheEntry{}
	if raw, err := os.ReadFile(cachePath); err == nil {
		json.Unmarshal(raw, &cache)
	}
	fresh := map[string]cacheEntry{}
	now := motcua.FileSystemNow()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			if rel == "tmp" {
				return filepath.SkipDir // the blob store's unfinished writes
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		ce, hit := cache[key]
		hit = hit && ce.Size == fi.Size() && ce.Mtime == fi.ModTime().UnixNano()
		var tmp string
		if !hit {
			// Unknown file: hash it while encrypting it (one read, not two);
			// if the pool already has it, the copy is dropped.
			tmp = filepath.Join(pool, "tmp", randomSuffix()+"-"+randomSuffix())
			sum, _, _, err := encryptFile(p, tmp, recips, false)
			if err != nil {
				os.Remove(tmp)
				return b.writeErr(err)
			}
			ce = cacheEntry{Size: fi.Size(), Mtime: fi.ModTime().UnixNano(), SHA256: sum}
		}
		fresh[key] = ce
		f := manifestFile{Path: key, Size: ce.Size, SHA256: ce.SHA256}
		dst := poolPath(pool, ce.SHA256)
		if _, err := os.Stat(dst); err == nil {
			os.Chtimes(dst, now, now)
			if tmp != "" {
				os.Remove(tmp)
			}
		} else {
			if tmp == "" {
				tmp = filepath.Join(pool, "tmp", ce.SHA256+"-"+randomSuffix())
				sum, _, _, err := encryptFile(p, tmp, recips, false)
				if err != nil {
					os.Remove(tmp)
					return b.writeErr(err)
				}
				if sum != ce.SHA256 {
					os.Remove(tmp)
					return fmt.Errorf("backup: %s changed while being copied", p)
				}
			}
			os.MkdirAll(filepath.Dir(dst), 0o750)
			if err := os.Rename(tmp, dst); err != nil {
				return b.writeErr(err)
			}
			f.New = true
			m.Info.NewFiles++
			m.Info.NewBytes += ce.Size
		}
		m.Files = append(m.Files, f)
		m.Info.Files++
		m.Info.FileBytes += ce.Size
		return nil
	})
	if err != nil {
		return fmt.Errorf("backup attachments: %w", err)
	}
	if raw, err := json.Marshal(fresh); err == nil {
		writeAtomic(cachePath, raw, 0o600)
	}
	return nil
}

func poolPath(pool, sum string) string { return filepath.Join(pool, sum[:2], sum+".age") }

func hashFile(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// encryptFile encrypts src (gzip first if asked) to dst, synced; it returns
// the plaintext's SHA-256 and size and the stored size.
func encryptFile(src, dst string, recips []age.Recipient, compress bool) (string, int64, int64, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", 0, 0, err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return "", 0, 0, err
	}
	ok := false
	defer func() {
		if !ok {
			out.Close()
			os.Remove(dst)
		}
	}()
	bw := bufio.NewWriterSize(out, 1<<20)
	enc, err := age.Encrypt(bw, recips...)
	if err != nil {
		return "", 0, 0, err
	}
	var w io.Writer = enc
	var gz *gzip.Writer
	if compress {
		gz, _ = gzip.NewWriterLevel(enc, gzip.BestSpeed)
		w = gz
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), bufio.NewReaderSize(in, 1<<20))
	if err != nil {
		return "", 0, 0, err
	}
	if gz != nil {
		if err := gz.Close(); err != nil {
			return "", 0, 0, err
		}
	}
	if err := enc.Close(); err != nil {
		return "", 0, 0, err
	}
	if err := bw.Flush(); err != nil {
		return "", 0, 0, err
	}
	if err := out.Sync(); err != nil {
		return "", 0, 0, err
	}
	fi, err := out.Stat()
	if err != nil {
		return "", 0, 0, err
	}
	if err := out.Close(); err != nil {
		return "", 0, 0, err
	}
	ok = true
	return hex.EncodeToString(h.Sum(nil)), n, fi.Size(), nil
}

func encryptBytes(b []byte, dst string, recips []age.Recipient) error {
	tmp := dst + ".tmp"
	os.Remove(tmp)
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	enc, err := age.Encrypt(f, recips...)
	if err == nil {
		_, err = enc.Write(b)
	}
	if err == nil {
		err = enc.Close()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, dst)
}

// decryptTo decrypts src into w (gunzip if asked) and returns the
// plaintext's SHA-256 and size. A wrong key is ErrBackupKey; a damaged or
// truncated file is ErrBackupDamaged.
func decryptTo(src string, w io.Writer, ids []age.Identity, gunzip bool) (string, int64, error) {
	f, err := os.Open(src)
	if err != nil {
		return "", 0, damaged(src, err)
	}
	defer f.Close()
	r, err := age.Decrypt(bufio.NewReaderSize(f, 1<<20), ids...)
	if err != nil {
		var nomatch *age.NoIdentityMatchError
		if errors.As(err, &nomatch) {
			e := motcua.Errorf(motcua.KindInvalid, continuity.ErrBackupKey, "identity",
				"Không mở được bản sao lưu bằng khoá đang có: bản này được mã hoá cho khoá khác (máy khác, hoặc khoá đã đổi). Cần khoá sao lưu của máy đã tạo bản này (--identity TỆP)",
				"no key at hand opens this backup: it was encrypted for another key (another station, or a replaced key); give that station's key (--identity FILE)")
			e.Err = err
			return "", 0, e
		}
		return "", 0, damaged(src, err)
	}
	if gunzip {
		gz, err := gzip.NewReader(r)
		if err != nil {
			return "", 0, damaged(src, err)
		}
		r = gz
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), r)
	if err != nil {
		if IsDiskFull(err) {
			return "", 0, DiskFull(err)
		}
		return "", 0, damaged(src, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

func damaged(p string, err error) error {
	e := motcua.Errorf(motcua.KindInvalid, continuity.ErrBackupDamaged, "backup",
		"Bản sao lưu bị hỏng hoặc không đầy đủ (%s): %v", "the backup is damaged or incomplete (%s): %v", filepath.Base(p), err)
	e.Err = err
	return e
}

// readInfo reads a backup's plaintext summary and verification state.
func readInfo(dir string) (continuity.BackupInfo, error) {
	var info continuity.BackupInfo
	raw, err := os.ReadFile(filepath.Join(dir, infoEntry))
	if err != nil {
		return info, damaged(dir, err)
	}
	if err := json.Unmarshal(raw, &info); err != nil || info.Format != BackupFormat {
		return info, damaged(dir, fmt.Errorf("info.json: not a %s backup", BackupFormat))
	}
	info.Dir = dir
	if raw, err := os.ReadFile(filepath.Join(dir, verifiedEntry)); err == nil {
		var v verified
		if json.Unmarshal(raw, &v) == nil {
			info.Verified, info.VerifyOK, info.VerifyNote = v.At, v.OK, v.Note
		}
	}
	return info, nil
}

// List returns this station's complete backups, newest first.
func (b *Backupper) List(ctx context.Context) ([]continuity.BackupInfo, error) {
	root, err := b.root()
	if err != nil {
		return nil, err
	}
	es, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, destErr(b.Config.Dest, err)
	}
	var out []continuity.BackupInfo
	for _, e := range es {
		if !e.IsDir() || strings.HasSuffix(e.Name(), partialSuffix) || strings.HasPrefix(e.Name(), "pool-") {
			continue
		}
		info, err := readInfo(filepath.Join(root, e.Name()))
		if err != nil {
			continue
		}
		if (b.Agency != "" && info.Agency != b.Agency) || (b.Station != "" && info.Station != b.Station) {
			continue
		}
		out = append(out, info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out, nil
}

// find locates a backup by id (or a unique prefix of it), checking that it
// is this station's.
func (b *Backupper) find(id string) (continuity.BackupInfo, error) {
	root, err := b.root()
	if err != nil {
		return continuity.BackupInfo{}, err
	}
	id = strings.TrimSpace(filepath.Base(id))
	dir := filepath.Join(root, id)
	if _, err := os.Stat(dir); err != nil {
		es, _ := os.ReadDir(root)
		var hits []string
		for _, e := range es {
			if e.IsDir() && strings.HasPrefix(e.Name(), id) && !strings.HasSuffix(e.Name(), partialSuffix) {
				hits = append(hits, e.Name())
			}
		}
		if len(hits) != 1 || id == "" {
			return continuity.BackupInfo{}, motcua.Errorf(motcua.KindNotFound, continuity.ErrBackupNotFound, "backup",
				"Không có bản sao lưu «%s» tại %s (xem «motcua backup list»)", "no backup %q at %s (see 'motcua backup list')", id, root)
		}
		dir = filepath.Join(root, hits[0])
	}
	info, err := readInfo(dir)
	if err != nil {
		return info, err
	}
	if err := b.checkOurs(info); err != nil {
		return info, err
	}
	return info, nil
}

func (b *Backupper) checkOurs(info continuity.BackupInfo) error {
	if b.Agency != "" && info.Agency != b.Agency {
		return motcua.Invalid(continuity.ErrBackupForeign, "backup", "Bản sao lưu %s là của cơ quan %s (%s), không phải %s; không dùng",
			"backup %s belongs to agency %s (%s), not %s; refused", info.ID, info.Agency, info.AgencyName, b.Agency)
	}
	if b.Station != "" && info.Station != b.Station {
		return motcua.Invalid(continuity.ErrBackupForeign, "backup", "Bản sao lưu %s là của máy %s, không phải máy này (%s); không dùng",
			"backup %s belongs to station %s, not this one (%s); refused", info.ID, info.Station, b.Station)
	}
	return nil
}

// openManifest decrypts a backup's manifest and checks it: the station's
// signature by a trusted key (backup_trust.go), every path confined to its
// folder, and the identity it names against info.json.
func (b *Backupper) openManifest(info continuity.BackupInfo) (*manifest, error) {
	var buf bytes.Buffer
	if _, _, err := decryptTo(filepath.Join(info.Dir, manifestEntry), &buf, b.identities(), false); err != nil {
		return nil, err
	}
	mj, err := b.checkSignature(info, buf.Bytes())
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(mj, &m); err != nil {
		return nil, damaged(info.Dir, err)
	}
	if err := checkManifest(&m); err != nil {
		return nil, err
	}
	if m.Info.ID != info.ID || m.Info.Agency != info.Agency || m.Info.Station != info.Station {
		return nil, damaged(info.Dir, fmt.Errorf("manifest (%s, %s, %s) does not match info.json (%s, %s, %s)",
			m.Info.ID, m.Info.Agency, m.Info.Station, info.ID, info.Agency, info.Station))
	}
	return &m, nil
}

// restoreDB decrypts the backup's database to dst and checks its checksum.
func (b *Backupper) restoreDB(info continuity.BackupInfo, m *manifest, dst string) error {
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	sum, n, err := decryptTo(filepath.Join(info.Dir, dbEntry), f, b.identities(), true)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if sum != m.DB.SHA256 || n != m.DB.Size {
		return damaged(info.Dir, fmt.Errorf("database checksum %s (%d bytes), manifest says %s (%d bytes)", sum, n, m.DB.SHA256, m.DB.Size))
	}
	return nil
}

// checkRestored opens a restored database (migrating it, if older, like the
// application would) and runs the integrity check, the audit chain and the
// identity check.
func checkRestored(ctx context.Context, p string, info continuity.BackupInfo, m *manifest, rep *continuity.VerifyReport) {
	s, err := Open(p)
	if err != nil {
		rep.Problems = append(rep.Problems, "không mở được cơ sở dữ liệu đã khôi phục: "+motcua.ErrorMessage(err))
		return
	}
	defer s.Close()
	rep.Integrity = "ok"
	if err := s.IntegrityCheck(ctx); err != nil {
		rep.Integrity = err.Error()
		rep.Problems = append(rep.Problems, "kiểm tra toàn vẹn: "+err.Error())
	}
	if n, err := s.VerifyAudit(ctx); err != nil {
		rep.Problems = append(rep.Problems, "nhật ký kiểm tra: "+err.Error())
	} else {
		rep.AuditEntries = n
	}
	if agency, _, _ := s.Setting(ctx, "agency_id"); agency != info.Agency {
		rep.Problems = append(rep.Problems, fmt.Sprintf("cơ quan trong dữ liệu (%s) khác bản sao lưu (%s)", agency, info.Agency))
	}
	s.r.QueryRowContext(ctx, `SELECT count(*) FROM dossiers`).Scan(&rep.Dossiers)
	if rep.Dossiers != info.Dossiers {
		rep.Problems = append(rep.Problems, fmt.Sprintf("%d hồ sơ, bản sao lưu ghi %d", rep.Dossiers, info.Dossiers))
	}
}

// Verify restores backup id into a temporary place and checks it: the
// manifest opens with the station's key, the database matches its checksum,
// opens with this build, passes the integrity check and the audit chain,
// and belongs to this agency; the attachment copies decrypt to their
// checksums (all of them when full, else those this backup added).
func (b *Backupper) Verify(ctx context.Context, id string, full bool) (*continuity.VerifyReport, error) {
	start := motcua.StartStopwatch()
	info, err := b.find(id)
	if err != nil {
		return nil, err
	}
	rep := &continuity.VerifyReport{ID: info.ID, Checked: b.now(), Problems: []string{}}
	m, err := b.openManifest(info)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(b.tmpBase(), "verify-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	p := filepath.Join(tmp, "motcua.db")
	if err := b.restoreDB(info, m, p); err != nil {
		if motcua.ErrorKind(err) != motcua.KindInvalid {
			return nil, err
		}
		rep.Problems = append(rep.Problems, motcua.ErrorMessage(err))
	} else {
		checkRestored(ctx, p, info, m, rep)
	}
	pool := poolDir(filepath.Dir(info.Dir), m.Info.Recipients)
	rep.Files = len(m.Files)
	for _, f := range m.Files {
		if !full && !f.New {
			continue
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		rep.FilesChecked++
		sum, n, err := decryptTo(poolPath(pool, f.SHA256), io.Discard, b.identities(), false)
		switch {
		case err != nil:
			rep.Problems = append(rep.Problems, fmt.Sprintf("tệp đính kèm %s: %s", f.Path, motcua.ErrorMessage(err)))
		case sum != f.SHA256 || n != f.Size:
			rep.Problems = append(rep.Problems, fmt.Sprintf("tệp đính kèm %s: nội dung khác bản gốc", f.Path))
		}
	}
	rep.OK = len(rep.Problems) == 0
	rep.Seconds = start.Elapsed().Seconds()
	note := ""
	if !rep.OK {
		note = strings.Join(rep.Problems, "; ")
	}
	vj, _ := json.Marshal(verified{At: rep.Checked, OK: rep.OK, Note: note})
	writeAtomic(filepath.Join(info.Dir, verifiedEntry), vj, 0o640)
	return rep, nil
}

// Prune deletes this station's backups the retention does not keep, then
// the pool copies no remaining backup references (and that no backup in
// progress has just reused).
func (b *Backupper) Prune(ctx context.Context, keep continuity.Retention) ([]string, error) {
	root, err := b.root()
	if err != nil {
		return nil, err
	}
	list, err := b.List(ctx)
	if err != nil {
		return nil, err
	}
	kept := continuity.Retain(list, keep)
	var removed []string
	for _, info := range list {
		if kept[info.ID] {
			continue
		}
		if err := os.RemoveAll(info.Dir); err != nil {
			return removed, destErr(b.Config.Dest, err)
		}
		removed = append(removed, info.ID)
	}
	return removed, gcPools(root)
}

// gcPools removes pool files referenced by no backup folder (complete or
// in progress) and untouched for staleAfter.
func gcPools(root string) error {
	refs := map[string]bool{}
	es, err := os.ReadDir(root)
	if err != nil {
		return err
	}
	var pools []string
	for _, e := range es {
		if !e.IsDir() {
			continue
		}
		if strings.HasPrefix(e.Name(), "pool-") {
			pools = append(pools, filepath.Join(root, e.Name()))
			continue
		}
		raw, err := os.ReadFile(filepath.Join(root, e.Name(), refsEntry))
		if err != nil {
			continue
		}
		for _, l := range strings.Fields(string(raw)) {
			refs[l] = true
		}
	}
	cut := motcua.FileSystemNow().Add(-staleAfter)
	for _, pool := range pools {
		filepath.WalkDir(pool, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".age") {
				return nil
			}
			sum := strings.TrimSuffix(d.Name(), ".age")
			if refs[sum] {
				return nil
			}
			if fi, err := d.Info(); err == nil && fi.ModTime().Before(cut) {
				os.Remove(p)
			}
			return nil
		})
	}
	return nil
}
