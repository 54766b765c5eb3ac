package storage

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"motcua"
	"motcua/app/continuity"
)

// Signed manifests. Age encrypts to the station's public recipient, which
// info.json prints in clear: anyone who can write to the backup drive can
// encrypt a backup of their own making. So the manifest — the list of
// every file with its SHA-256, the database's checksum, the key files — is
// signed with the station's Ed25519 signing key (app.KeyFileName, the key
// that signs the papers' QR codes), and Verify and Restore check the
// signature, every path and every hash before anything of the data folder
// changes.
//
// Which keys are trusted, in order:
//   - this station's own signing key. A replacement PC provisioned again
//     from the province's profile gets the same key (the profile carries it,
//     derived from the province key), so it restores the old PC's backups
//     with nothing more to do;
//   - the keys named in DATA/backup.json "trusted_signers", added with
//     `motcua backup trust KEY` once an administrator has compared the
//     fingerprint the refusal shows with the one noted at set-up (`backup
//     key show` prints it);
//   - the signer line of an exported backup key file given with --identity
//     (`backup key export` writes "# motcua-backup-signer: KEY" into it): the
//     sealed envelope that opens the backup also says whose it is.
//
// Nothing in the backup itself (info.json, the manifest) can make its own
// key trusted.
const signedManifestFormat = "motcua.backup-manifest/1"

// signerLinePrefix marks the signer's public key in an exported identity
// file; age reads the line as a comment.
const signerLinePrefix = "# motcua-backup-signer: "

type signedManifest struct {
	Format   string `json:"format"`
	Signer   []byte `json:"signer"`   // Ed25519 public key
	Manifest []byte `json:"manifest"` // the manifest JSON, signed as is
	Sig      []byte `json:"sig"`
}

func manifestSignedBytes(m []byte) []byte {
	return append([]byte(signedManifestFormat+"\x00"), m...)
}

// SignerFingerprint names a signing key in a form that can be read out over
// the phone: 20 hex digits of its SHA-256 in groups of four (the same form
// as the province key's in the provisioning profile).
func SignerFingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	h := strings.ToUpper(hex.EncodeToString(sum[:10]))
	return h[0:4] + "-" + h[4:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20]
}

// SignerKey is the station's backup signing public key (base64) and its
// fingerprint; an error if the station key cannot be read.
func (b *Backupper) SignerKey() (string, string, error) {
	if b.signerErr != nil {
		return "", "", b.signerErr
	}
	pub := b.signer.Public().(ed25519.PublicKey)
	return base64.StdEncoding.EncodeToString(pub), SignerFingerprint(pub), nil
}

// ParseSignerKey reads a public signing key given as base64 (what `backup
// key show` prints).
func ParseSignerKey(s string) (ed25519.PublicKey, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(raw) != ed25519.PublicKeySize {
		return nil, motcua.Invalid(continuity.ErrBackupUntrusted, "key", "Khoá ký «%s» không hợp lệ (cần khoá công khai Ed25519 dạng base64, như «motcua backup key show» in ra)",
			"signing key %q is invalid (want an Ed25519 public key in base64, as 'motcua backup key show' prints)", s)
	}
	return ed25519.PublicKey(raw), nil
}

// TrustSigner adds key (base64) to the data folder's trusted backup signers
// and returns its fingerprint.
func TrustSigner(dataDir, key string) (string, error) {
	pub, err := ParseSignerKey(key)
	if err != nil {
		return "", err
	}
	cfg, err := LoadBackupConfig(dataDir)
	if err != nil {
		return "", err
	}
	enc := base64.StdEncoding.EncodeToString(pub)
	if !slices.Contains(cfg.TrustedSigners, enc) {
		cfg.TrustedSigners = append(cfg.TrustedSigners, enc)
		if err := SaveBackupConfig(dataDir, cfg); err != nil {
			return "", err
		}
	}
	return SignerFingerprint(pub), nil
}

// SignersInFiles reads the signer lines of exported backup key files.
func SignersInFiles(paths []string) ([]ed25519.PublicKey, error) {
	var out []ed25519.PublicKey
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			return nil, motcua.Invalid(continuity.ErrBackupKey, "identity", "Không đọc được tệp khoá %s: %v", "cannot read key file %s: %v", p, err)
		}
		sc := bufio.NewScanner(bytes.NewReader(raw))
		for sc.Scan() {
			if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), signerLinePrefix); ok {
				pub, err := ParseSignerKey(v)
				if err != nil {
					return nil, err
				}
				out = append(out, pub)
			}
		}
	}
	return out, nil
}

// trusts says whether pub may sign this station's backups.
func (b *Backupper) trusts(pub ed25519.PublicKey) bool {
	if b.signerErr == nil && pub.Equal(b.signer.Public()) {
		return true
	}
	for _, k := range b.TrustedSigners {
		if pub.Equal(k) {
			return true
		}
	}
	for _, s := range b.Config.TrustedSigners {
		if k, err := ParseSignerKey(s); err == nil && pub.Equal(k) {
			return true
		}
	}
	return false
}

// signManifest wraps the manifest JSON in the station's signature.
func (b *Backupper) signManifest(mj []byte) ([]byte, error) {
	if b.signerErr != nil {
		return nil, b.signerErr
	}
	env := signedManifest{Format: signedManifestFormat, Signer: b.signer.Public().(ed25519.PublicKey), Manifest: mj,
		Sig: ed25519.Sign(b.signer, manifestSignedBytes(mj))}
	return json.Marshal(env)
}

// checkSignature opens the signed envelope: the signature must match and
// the signer must be trusted. It returns the manifest JSON.
func (b *Backupper) checkSignature(info continuity.BackupInfo, raw []byte) ([]byte, error) {
	var env signedManifest
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, damaged(info.Dir, err)
	}
	if env.Format != signedManifestFormat || len(env.Sig) == 0 || len(env.Signer) != ed25519.PublicKeySize {
		return nil, motcua.Invalid(continuity.ErrBackupUnsigned, "backup",
			"Bản sao lưu %s không có chữ ký của máy tiếp nhận: có thể bị giả mạo (hoặc tạo bởi phiên bản cũ chưa ký); không dùng. Tạo bản sao lưu mới",
			"backup %s carries no station signature: it may be forged (or made by an older version that did not sign); refused. Make a new backup", info.ID)
	}
	pub := ed25519.PublicKey(env.Signer)
	if !ed25519.Verify(pub, manifestSignedBytes(env.Manifest), env.Sig) {
		return nil, motcua.Invalid(continuity.ErrBackupSignature, "backup",
			"Chữ ký của bản sao lưu %s không khớp nội dung: bản này đã bị sửa; không dùng",
			"the signature of backup %s does not match its content: it was altered; refused", info.ID)
	}
	if !b.trusts(pub) {
		enc := base64.StdEncoding.EncodeToString(pub)
		return nil, motcua.Invalid(continuity.ErrBackupUntrusted, "backup",
			"Bản sao lưu %s được ký bằng khoá %s, không phải khoá của máy này hay khoá đã tin cậy; không dùng. Nếu đây đúng là máy cũ của xã (đối chiếu dấu vân tay với phiếu cài đặt): motcua backup trust %s",
			"backup %s is signed by key %s, neither this station's key nor a trusted one; refused. If it is the commune's old PC (compare the fingerprint with the set-up sheet): motcua backup trust %s",
			info.ID, SignerFingerprint(pub), enc)
	}
	return env.Manifest, nil
}

// checkManifest confines every path of a manifest to its folder and checks
// the shape of every checksum, before anything is read from the pool or
// written to the data folder.
func checkManifest(m *manifest) error {
	if !isSHA256(m.DB.SHA256) || m.DB.Size < 0 {
		return pathErr("db.sha256", m.DB.SHA256)
	}
	seen := map[string]bool{}
	for _, f := range m.Files {
		if err := checkRelPath("files[].path", f.Path); err != nil {
			return err
		}
		if !isSHA256(f.SHA256) || f.Size < 0 {
			return pathErr("files[].sha256", f.SHA256)
		}
		if seen[strings.ToLower(f.Path)] {
			return pathErr("files[].path", f.Path)
		}
		seen[strings.ToLower(f.Path)] = true
	}
	for _, k := range m.Keys {
		if err := checkKeyPath("keys[].path", k.Path); err != nil {
			return err
		}
	}
	return nil
}

// checkKeyPath: a key file is a *.key file of the data folder or a file of
// its keys/ folder, never the database, the configuration or the journal.
func checkKeyPath(field, p string) error {
	if err := checkRelPath(field, p); err != nil {
		return err
	}
	if !strings.HasSuffix(p, ".key") && !strings.HasPrefix(p, keysDir+"/") {
		return pathErr(field, p)
	}
	return nil
}

// checkRelPath accepts a slash-separated path below its folder: not empty,
// not absolute, no "." or ".." step, no backslash, no drive letter or
// stream (":"), no UNC prefix, no control character, no step ending in a
// dot or a space (Windows drops them, so "a." would name "a").
func checkRelPath(field, p string) error {
	if p == "" || len(p) > 512 || strings.ContainsAny(p, "\\:") || strings.HasPrefix(p, "/") || path.Clean(p) != p {
		return pathErr(field, p)
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f {
			return pathErr(field, p)
		}
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.HasSuffix(seg, ".") || strings.HasSuffix(seg, " ") {
			return pathErr(field, p)
		}
	}
	if !filepath.IsLocal(filepath.FromSlash(p)) { // Windows: reserved names (NUL, COM1…)
		return pathErr(field, p)
	}
	return nil
}

func pathErr(field, p string) error {
	return motcua.Invalid(continuity.ErrBackupPath, field,
		"Bản sao lưu có đường dẫn «%s» ra ngoài thư mục của nó hoặc không hợp lệ (đường dẫn tuyệt đối, «..», ổ đĩa, ký tự điều khiển): có thể bị giả mạo; không dùng, dữ liệu hiện tại giữ nguyên",
		"the backup names a path %q outside its folder or invalid (absolute, \"..\", drive, control character): it may be forged; refused, the current data is unchanged", p)
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// noSymlinkOnPath refuses a path below base whose existing steps include a
// symbolic link (a link could lead a write out of the folder) or whose
// last step exists and is not a regular file.
func noSymlinkOnPath(field, base, rel string) error {
	segs := strings.Split(rel, "/")
	cur := base
	for i, s := range segs {
		cur = filepath.Join(cur, s)
		fi, err := os.Lstat(cur)
		if err != nil {
			return nil // the rest does not exist yet
		}
		if fi.Mode()&os.ModeSymlink != 0 || (i == len(segs)-1 && !fi.Mode().IsRegular()) || (i < len(segs)-1 && !fi.IsDir()) {
			return motcua.Invalid(continuity.ErrBackupPath, field,
				"Đường dẫn «%s» trong thư mục dữ liệu là liên kết hoặc không phải tệp thường: không ghi qua nó",
				"the path %q in the data folder is a link or not a regular file: nothing is written through it", rel)
		}
	}
	return nil
}

// UseKeyFiles adds the exported backup key files given on the command line
// (--identity): their age identities open the backups, and their signer
// lines make the old station's signing key trusted for this run.
func (b *Backupper) UseKeyFiles(paths []string) error {
	ids, err := ParseIdentityFiles(paths)
	if err != nil {
		return err
	}
	signers, err := SignersInFiles(paths)
	if err != nil {
		return err
	}
	b.Identities = append(b.Identities, ids...)
	b.TrustedSigners = append(b.TrustedSigners, signers...)
	return nil
}
