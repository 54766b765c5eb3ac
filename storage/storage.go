// Package storage keeps the counter's data in one local SQLite file
// (modernc.org/sqlite, no cgo): dossiers with their history, the
// station-partitioned daily code sequence, the transactional outbox the sync
// engine drains, the hash-chained audit log, settings, and a full-text index
// that folds Vietnamese diacritics. Every dossier write is one transaction.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"motcua"
	"motcua/app"
)

// ApplicationID marks a Một Cửa database in the SQLite header ('MCUA').
const ApplicationID = 0x4D435541

// Stable error codes of this package, next to the domain's.
const (
	ErrDataDir      = "ERR_DATA_DIR"       // the data directory cannot be created or written
	ErrNotOurs      = "ERR_NOT_MOTCUA_DB"  // the file is another application's database
	ErrSchemaTooNew = "ERR_SCHEMA_TOO_NEW" // the file was written by a newer build
	ErrStale        = "ERR_STALE"          // the dossier changed since it was read
	ErrAuditBroken  = "ERR_AUDIT_BROKEN"   // the audit chain does not verify
	ErrIntegrity    = "ERR_INTEGRITY"      // the database is damaged or inconsistent
	ErrBadState     = "ERR_BAD_OUTBOX_STATE"
)

var (
	_ app.DossierStore  = (*Store)(nil)
	_ app.SettingsStore = (*Store)(nil)
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// pragmas are applied by the driver to every new connection. synchronous=FULL
// fsyncs the WAL at each commit: a printed receipt must survive a power cut.
// wal_autocheckpoint: an intake writes about 20 pages to the WAL, so SQLite's
// default of 1,000 pages checkpoints every ~50 intakes; at 4,000 pages (a WAL
// file of about 16 MB, reused after each checkpoint) a page rewritten by many
// intakes (the last leaf of each index) is copied to the database once per 200.
const pragmas = "_busy_timeout=10000&_foreign_keys=1&_journal_mode=WAL&_synchronous=FULL&_pragma=wal_autocheckpoint(4000)"

// Store is the SQLite implementation of app.DossierStore and
// app.SettingsStore. It is safe for concurrent use, also by several
// processes on the same file.
type Store struct {
	path string
	// w has a single connection and begins IMMEDIATE transactions: writers
	// of this process queue in database/sql, writers of other processes wait
	// on the SQLite lock (busy_timeout).
	w *sql.DB
	// r is a pool of query_only connections; WAL lets them read while w writes.
	r   *sql.DB
	now func() time.Time
	// wc is w's only connection, held by the store from Open to Close; wmu
	// lets one write transaction at a time use it.
	wc  *sql.Conn
	wmu sync.Mutex
	// stmts are hotSQL prepared on wc at Open, and statements prepared on
	// first use (wtx.prepared); used under wmu.
	stmts map[string]*sql.Stmt
}

// Option configures Open.
type Option func(*Store)

// WithClock dates the store's writes (audit entries, migration backups) by
// the program's clock.
func WithClock(c motcua.Clock) Option { return func(s *Store) { s.now = motcua.OrSystem(c).Now } }

// Open opens (creating if needed) the database at path and brings its
// schema up to date.
//
// Errors: KindInvalid ErrDataDir when the directory cannot be created or
// written; KindInvalid ErrNotOurs for another application's SQLite file;
// KindConflict ErrSchemaTooNew when the file comes from a newer build (the
// file is then left untouched).
func Open(path string, opts ...Option) (*Store, error) {
	abs, err := checkDataDir(path)
	if err != nil {
		return nil, err
	}
	if err := probe(abs); err != nil {
		return nil, err
	}
	s := &Store{path: abs, now: motcua.SystemClock{}.Now}
	for _, o := range opts {
		o(s)
	}
	if s.w, err = sql.Open("sqlite", abs+"?"+pragmas+"&_txlock=immediate"); err != nil {
		return nil, fmt.Errorf("open %s: %w", abs, err)
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	if err := s.migrate(context.Background()); err != nil {
		s.w.Close()
		return nil, err
	}
	if err := s.prepare(context.Background()); err != nil {
		s.closeWrite()
		return nil, err
	}
	if err := closeToOthers(abs); err != nil {
		s.closeWrite()
		return nil, err
	}
	if s.r, err = sql.Open("sqlite", abs+"?"+pragmas+"&_query_only=1"); err != nil {
		s.closeWrite()
		return nil, fmt.Errorf("open %s: %w", abs, err)
	}
	s.r.SetMaxOpenConns(4)
	s.r.SetMaxIdleConns(4)
	return s, nil
}

// closeToOthers takes every permission of "others" off the database file
// and its WAL and shared-memory files (SQLite creates them with the
// process's umask, 0644 as a rule): the dossiers, the province password
// on systems with no machine key store, the audit log are for the account
// running the program and, where the installer made one, the officers'
// group (kept as it is). Windows has no such bits; the data folder's ACL
// is what protects it there.
func closeToOthers(db string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	for _, p := range []string{db, db + "-wal", db + "-shm"} {
		fi, err := os.Stat(p)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return err
		}
		if m := fi.Mode().Perm(); m&0o007 != 0 {
			if err := os.Chmod(p, m&^0o007); err != nil {
				return fmt.Errorf("open %s: make it unreadable to other users: %w", p, err)
			}
		}
	}
	return nil
}

// Close runs the query planner's housekeeping and closes the database.
func (s *Store) Close() error {
	// Bounded work that keeps the planner's statistics fresh; skipped if
	// another process holds the write lock for long.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	s.wmu.Lock()
	if s.wc != nil {
		_, _ = s.wc.ExecContext(ctx, "PRAGMA analysis_limit=400; PRAGMA optimize")
	}
	s.wmu.Unlock()
	return errors.Join(s.r.Close(), s.closeWrite())
}

// closeWrite closes the prepared statements, the write connection and its
// pool. Writes after it fail.
func (s *Store) closeWrite() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	for _, st := range s.stmts {
		st.Close()
	}
	var err error
	if s.wc != nil {
		err = s.wc.Close()
		s.wc = nil
	}
	return errors.Join(err, s.w.Close())
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

func dataErr(dir, vi, en string, err error) error {
	e := motcua.Invalid(ErrDataDir, "data", vi, en, dir, err)
	e.Err = err
	return e
}

// checkDataDir makes sure the database's directory exists and is writable:
// SQLite needs to create the -wal and -shm files next to the database.
func checkDataDir(p string) (string, error) {
	if strings.TrimSpace(p) == "" {
		return "", motcua.Invalid(ErrDataDir, "data", "Chưa chỉ định tệp dữ liệu", "no data file was given")
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", dataErr(p, "Đường dẫn dữ liệu %s không hợp lệ: %v", "data path %s is invalid: %v", err)
	}
	dir := filepath.Dir(abs)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", dataErr(dir, "Thư mục dữ liệu %s không tạo được: %v", "the data directory %s cannot be created: %v", err)
	}
	f, err := os.CreateTemp(dir, ".motcua-probe-*")
	if err != nil {
		return "", dataErr(dir, "Thư mục dữ liệu %s không ghi được: %v", "the data directory %s is not writable: %v", err)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	if fi, err := os.Stat(abs); err == nil && fi.IsDir() {
		return "", dataErr(abs, "Tệp dữ liệu %s là một thư mục: %v", "the data file %s is a directory: %v", errors.New("is a directory"))
	}
	return abs, nil
}

// probe looks at an existing file before any connection that could change
// it (journal_mode=WAL rewrites the header) is opened.
func probe(abs string) error {
	if _, err := os.Stat(abs); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	db, err := sql.Open("sqlite", abs+"?_busy_timeout=10000&_query_only=1")
	if err != nil {
		return fmt.Errorf("open %s: %w", abs, err)
	}
	defer db.Close()
	ctx := context.Background()
	var appID, version, objects int64
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return notOurs(abs, err)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return notOurs(abs, err)
	}
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&objects); err != nil {
		return notOurs(abs, err)
	}
	switch {
	case appID == 0 && objects == 0: // new or empty file
	case appID != ApplicationID:
		return notOurs(abs, fmt.Errorf("application_id %#x", appID))
	case version > int64(len(migrations())):
		return tooNew(abs, version)
	}
	return nil
}

func notOurs(p string, err error) error {
	e := motcua.Invalid(ErrNotOurs, "data", "Tệp %s không phải cơ sở dữ liệu Một Cửa, không mở", "%s is not a Một Cửa database; not opened", p)
	e.Err = err
	return e
}

func tooNew(p string, version int64) error {
	return motcua.Errorf(motcua.KindConflict, ErrSchemaTooNew, "data",
		"Cơ sở dữ liệu %s có cấu trúc phiên bản %d, mới hơn phiên bản %d mà chương trình này biết; hãy cập nhật phần mềm (tệp không bị thay đổi)",
		"database %s has schema version %d, newer than version %d this build knows; update the software (the file was not changed)",
		p, version, len(migrations()))
}

type migration struct {
	version int
	name    string
	sql     string
}

// migrations lists the embedded files 0001_x.sql, 0002_y.sql, … in order.
// A gap or a malformed name is a build mistake and panics.
var migrations = sync.OnceValue(func() []migration {
	entries, err := migrationFS.ReadDir("migrations")
	if err != nil {
		panic(err)
	}
	var ms []migration
	for i, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v != i+1 {
			panic(fmt.Sprintf("storage: migration %s out of sequence (want %04d_…)", e.Name(), i+1))
		}
		b, err := migrationFS.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			panic(err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	return ms
})

// migrate applies the missing migrations in one transaction and records the
// version in user_version. The version is read again inside the write
// transaction: another station may have migrated the shared file meanwhile.
func (s *Store) migrate(ctx context.Context) error {
	if err := s.backupBeforeMigration(ctx); err != nil {
		return err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", s.path, err)
	}
	defer tx.Rollback()
	var version, appID int64
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("migrate: read user_version: %w", err)
	}
	if err := tx.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return fmt.Errorf("migrate: read application_id: %w", err)
	}
	ms := migrations()
	switch {
	case appID != 0 && appID != ApplicationID:
		return notOurs(s.path, fmt.Errorf("application_id %#x", appID))
	case version > int64(len(ms)):
		return tooNew(s.path, version)
	case version == int64(len(ms)):
		return nil
	}
	for _, m := range ms[version:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	if version < reportsMigration && len(ms) >= reportsMigration {
		if err := rebuildReports(ctx, tx); err != nil {
			return fmt.Errorf("migration %s: fill the report tallies: %w", ms[reportsMigration-1].name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d; PRAGMA user_version = %d", ApplicationID, len(ms))); err != nil {
		return fmt.Errorf("migrate: set version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: commit: %w", err)
	}
	return nil
}

// BackupDirName is where copies taken before a schema migration go,
// beside the database file.
const BackupDirName = "backups"

// backupBeforeMigration copies a database made by an earlier release
// (0 < user_version < the migrations this build knows) to
// backups/before-migration/ with VACUUM INTO — a consistent copy even while
// another station's process has it open — before any migration runs. A
// failed copy stops the upgrade: the database is left as it was.
func (s *Store) backupBeforeMigration(ctx context.Context) error {
	var version int64
	if err := s.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("migrate: read user_version: %w", err)
	}
	if version == 0 || version >= int64(len(migrations())) {
		return nil
	}
	dir := filepath.Join(filepath.Dir(s.path), BackupDirName, "before-migration")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("migrate: backup folder: %w", err)
	}
	dst := filepath.Join(dir, fmt.Sprintf("motcua-v%d-%s.db", version, s.now().UTC().Format("20060102T150405Z")))
	if _, err := s.w.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		return fmt.Errorf("migrate: backup to %s before upgrading the schema from version %d: %w", dst, version, err)
	}
	return nil
}

// SchemaVersion is the number of migrations this build knows.
func SchemaVersion() int { return len(migrations()) }
