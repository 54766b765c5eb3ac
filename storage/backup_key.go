package storage

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"filippo.io/age"

	"motcua"
	"motcua/app"
	"motcua/app/continuity"
	"motcua/storage/keyfile"
)

// Backup keys and configuration live in files next to the database, not in
// it: they must be at hand when the database is damaged.
//
//	DATA/backup.json                  continuity.BackupConfig
//	DATA/keys/backup-identity.txt     the station's age identity (secret)
//
// The identity file is sealed by storage/keyfile: on Windows with DPAPI
// for the machine (a copy on another PC does not open), elsewhere plain
// with mode 0600. `motcua backup key export FILE` writes it out in plain
// age format (ExportIdentity) for the installer's sealed envelope.
//
// Every backup is encrypted to the station's own public key and to the
// recovery recipients of the configuration (e.g. a key the province's IT
// support keeps offline). Restoring on a new PC needs one of the matching
// secret keys: the station's (export it with `motcua backup key export` and
// keep it apart from the PC — a sealed envelope in the safe) or a recovery
// key. The standard `age` tool decrypts every file of a backup too.
const (
	backupConfigFile = "backup.json"
	identityFile     = "backup-identity.txt"
	keysDir          = "keys"
)

// BackupConfigPath is the configuration file of a data folder.
func BackupConfigPath(dataDir string) string { return filepath.Join(dataDir, backupConfigFile) }

// LoadBackupConfig reads DATA/backup.json; a missing file gives the
// defaults (no destination).
func LoadBackupConfig(dataDir string) (continuity.BackupConfig, error) {
	cfg := continuity.BackupConfig{Hour: 12, Keep: continuity.DefaultRetention}
	b, err := os.ReadFile(BackupConfigPath(dataDir))
	if errors.Is(err, fs.ErrNotExist) {
		return cfg, nil
	}
	if err != nil {
		return cfg, fmt.Errorf("read backup config: %w", err)
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return cfg, motcua.Invalid(continuity.ErrBackupDest, "backup", "Tệp cấu hình sao lưu %s hỏng: %v",
			"the backup configuration %s is damaged: %v", BackupConfigPath(dataDir), err)
	}
	if cfg.Keep == (continuity.Retention{}) {
		cfg.Keep = continuity.DefaultRetention
	}
	return cfg, nil
}

// SaveBackupConfig validates and writes DATA/backup.json atomically.
func SaveBackupConfig(dataDir string, cfg continuity.BackupConfig) error {
	for _, r := range cfg.Recipients {
		if _, err := age.ParseX25519Recipient(strings.TrimSpace(r)); err != nil {
			return motcua.Invalid(continuity.ErrBackupKey, "recipient", "Khoá dự phòng «%s» không hợp lệ (cần dạng age1…)",
				"recovery key %q is invalid (want age1…)", r)
		}
	}
	for _, k := range cfg.KeyFiles {
		if err := checkKeyPath("key_files", filepath.ToSlash(k)); err != nil {
			return err
		}
	}
	for _, k := range cfg.TrustedSigners {
		if _, err := ParseSignerKey(k); err != nil {
			return err
		}
	}
	if cfg.Dest != "" {
		if err := checkDest(dataDir, cfg.Dest); err != nil {
			return err
		}
	}
	b, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		return err
	}
	return writeAtomic(BackupConfigPath(dataDir), append(b, '\n'), 0o600)
}

// checkDest refuses a destination inside the data folder (or the data
// folder inside it): a backup on the same folder is no backup.
func checkDest(dataDir, dest string) error {
	d, err1 := filepath.Abs(dest)
	data, err2 := filepath.Abs(dataDir)
	if err1 != nil || err2 != nil {
		return motcua.Invalid(continuity.ErrBackupDest, "dest", "Đường dẫn sao lưu «%s» không hợp lệ", "invalid backup path %q", dest)
	}
	inside := func(a, b string) bool {
		rel, err := filepath.Rel(b, a)
		return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
	}
	if inside(d, data) || inside(data, d) {
		return motcua.Invalid(continuity.ErrBackupDest, "dest", "Nơi sao lưu %s trùng với thư mục dữ liệu %s; chọn ổ đĩa thứ hai hoặc ổ USB",
			"the backup destination %s overlaps the data folder %s; choose a second disk or a USB drive", d, data)
	}
	return nil
}

// IdentityPath is the station's backup secret key file.
func IdentityPath(dataDir string) string { return filepath.Join(dataDir, keysDir, identityFile) }

// LoadOrCreateIdentity returns the station's backup identity, creating it
// (sealed for this machine) on first use. An identity file that does not
// open is an error, never replaced.
func LoadOrCreateIdentity(dataDir string) (*age.X25519Identity, error) {
	p := IdentityPath(dataDir)
	if id, err := loadIdentity(p); err == nil {
		return id, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return nil, fmt.Errorf("create key folder: %w", err)
	}
	body := fmt.Sprintf("# Khoá sao lưu của máy tiếp nhận Một Cửa — GIỮ BÍ MẬT; bản sao cất ngoài máy.\n# public key: %s\n%s\n", id.Recipient(), id)
	err = keyfile.CreateKeyFile(p, []byte(body))
	if errors.Is(err, fs.ErrExist) { // another process made it first
		return loadIdentity(p)
	}
	if err != nil {
		return nil, fmt.Errorf("write backup key: %w", err)
	}
	return id, nil
}

// ExportIdentity is the station's identity file in plain age format, for
// `backup key export` (the standard age tool reads it).
func ExportIdentity(dataDir string) ([]byte, error) {
	p := IdentityPath(dataDir)
	if _, err := loadIdentity(p); err != nil {
		return nil, err
	}
	raw, err := keyfile.ReadKeyFile(p)
	if err != nil {
		return nil, err
	}
	// The signer line tells a replacement PC which signing key made this
	// station's backups (SignersInFiles): the envelope that opens them says
	// whose they are.
	if priv, err := app.LoadStationKey(dataDir); err == nil {
		pub := priv.Public().(ed25519.PublicKey)
		raw = fmt.Appendf(raw, "# motcua backup signing key, fingerprint %s\n%s%s\n", SignerFingerprint(pub), signerLinePrefix,
			base64.StdEncoding.EncodeToString(pub))
	}
	return raw, nil
}

func loadIdentity(p string) (*age.X25519Identity, error) {
	b, err := keyfile.ReadKeyFile(p)
	if err != nil {
		return nil, err
	}
	ids, err := age.ParseIdentities(bytes.NewReader(b))
	if err != nil || len(ids) == 0 {
		return nil, motcua.Invalid(continuity.ErrBackupKey, "key", "Tệp khoá sao lưu %s hỏng", "the backup key file %s is damaged", p)
	}
	id, ok := ids[0].(*age.X25519Identity)
	if !ok {
		return nil, motcua.Invalid(continuity.ErrBackupKey, "key", "Tệp khoá sao lưu %s không phải khoá X25519", "%s is not an X25519 key", p)
	}
	return id, nil
}

// ReadIdentities reads age identities from a file (the station's exported
// key, a recovery key, or an identity file sealed on this machine).
func ReadIdentities(p string) ([]age.Identity, error) {
	raw, err := os.ReadFile(p)
	if err != nil {
		return nil, motcua.Invalid(continuity.ErrBackupKey, "identity", "Không đọc được tệp khoá %s: %v", "cannot read key file %s: %v", p, err)
	}
	b, err := keyfile.Unseal(raw)
	if err != nil {
		return nil, motcua.Invalid(continuity.ErrBackupKey, "identity", "Tệp khoá %s được bảo vệ cho một máy khác hoặc bị hỏng; dùng tệp đã xuất bằng «backup key export»",
			"key file %s is sealed for another machine or damaged; use the file 'backup key export' wrote", p)
	}
	ids, err := age.ParseIdentities(bytes.NewReader(b))
	if err != nil {
		return nil, motcua.Invalid(continuity.ErrBackupKey, "identity", "Tệp %s không chứa khoá age hợp lệ", "%s holds no valid age key", p)
	}
	return ids, nil
}

// writeAtomic writes b to p through a synced temporary file and a rename.
func writeAtomic(p string, b []byte, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(mode); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), p); err != nil {
		return err
	}
	return syncDir(filepath.Dir(p))
}

// syncDir makes a rename in dir durable (a no-op where directories cannot
// be opened for sync, as on Windows).
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer d.Close()
	_ = d.Sync()
	return nil
}
