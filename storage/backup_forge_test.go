package storage_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"filippo.io/age"

	"motcua"
	"motcua/app"
	"motcua/app/continuity"
	"motcua/storage"
)

// forgery is a copy of a genuine backup an attacker with write access to
// the backup drive works on: the recipients are in clear in info.json, so
// they can encrypt whatever they like to the station.
type forgery struct {
	t        *testing.T
	st       *station
	b        *storage.Backupper // a Backupper of the victim station pointed at the copy
	info     continuity.BackupInfo
	dir      string // the copied backup's folder
	envelope map[string]any
	manifest map[string]any
}

func forge(t *testing.T, st *station, info *continuity.BackupInfo) *forgery {
	t.Helper()
	dest := t.TempDir()
	if err := os.CopyFS(filepath.Join(dest, "motcua-backups"), os.DirFS(filepath.Join(st.dest, "motcua-backups"))); err != nil {
		t.Fatal(err)
	}
	b := *st.b
	b.Config.Dest = dest
	f := &forgery{t: t, st: st, b: &b, info: *info, dir: filepath.Join(dest, "motcua-backups", info.ID)}
	// The test reads the genuine manifest with the station's key to start
	// from something realistic; the attacker would write one from scratch.
	ids, err := storage.ReadIdentities(storage.IdentityPath(st.data))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(f.dir, "manifest.age"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := age.Decrypt(bytes.NewReader(raw), ids...)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(r)
	if err := json.Unmarshal(plain, &f.envelope); err != nil {
		t.Fatal(err)
	}
	var inner []byte
	json.Unmarshal(mustJSON(t, f.envelope["manifest"]), &inner)
	if err := json.Unmarshal(inner, &f.manifest); err != nil {
		t.Fatal(err)
	}
	return f
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// encrypt writes data to name in the backup, encrypted to the station's
// public recipient as info.json prints it.
func (f *forgery) encrypt(name string, data []byte) {
	f.t.Helper()
	rcp, err := age.ParseX25519Recipient(f.info.Recipients[0])
	if err != nil {
		f.t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, rcp)
	if err != nil {
		f.t.Fatal(err)
	}
	w.Write(data)
	w.Close()
	if err := os.MkdirAll(filepath.Dir(filepath.Join(f.dir, name)), 0o750); err != nil {
		f.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(f.dir, name), buf.Bytes(), 0o640); err != nil {
		f.t.Fatal(err)
	}
}

// write puts the manifest back: unsigned (the old format), signed with
// key, or with the genuine signature kept over a changed manifest.
func (f *forgery) write(how string, key ed25519.PrivateKey) {
	f.t.Helper()
	mj := mustJSON(f.t, f.manifest)
	switch how {
	case "unsigned":
		f.encrypt("manifest.age", mj)
		return
	case "signed":
		msg := append([]byte("motcua.backup-manifest/1\x00"), mj...)
		f.envelope["signer"] = []byte(key.Public().(ed25519.PublicKey))
		f.envelope["sig"] = ed25519.Sign(key, msg)
	case "keep-signature":
	}
	f.envelope["manifest"] = mj
	f.encrypt("manifest.age", mustJSON(f.t, f.envelope))
}

func (f *forgery) pool() string {
	es, _ := os.ReadDir(filepath.Dir(f.dir))
	for _, e := range es {
		if strings.HasPrefix(e.Name(), "pool-") {
			return filepath.Join(filepath.Dir(f.dir), e.Name())
		}
	}
	f.t.Fatal("no pool")
	return ""
}

// tree is every file below dir with a hash of its content.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.Type()&fs.ModeSymlink != 0 {
			l, _ := os.Readlink(p)
			out[rel] = "link:" + l
			return nil
		}
		if d.IsDir() {
			if rel == "backup-tmp" {
				return filepath.SkipDir // Verify's scratch folder, emptied after each use
			}
			return nil
		}
		b, _ := os.ReadFile(p)
		s := sha256.Sum256(b)
		out[rel] = hex.EncodeToString(s[:])
		return nil
	})
	return out
}

func sameTree(t *testing.T, before, after map[string]string) {
	t.Helper()
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed or vanished", k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			t.Errorf("%s appeared", k)
		}
	}
}

// TestForgedBackupsRefused plays the audit's attacks: each crafted backup
// is refused by verify and by restore with its code, nothing is written
// outside the data folder and the data folder is untouched.
func TestForgedBackupsRefused(t *testing.T) {
	st := newStation(t, agency, 2)
	st.accept(t, 5, day)
	info, err := st.b.Backup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.Signer == "" || info.SignerKey == "" {
		t.Fatalf("backup info names no signer: %+v", info)
	}
	st.close()
	stationKey, err := app.LoadStationKey(st.data)
	if err != nil {
		t.Fatal(err)
	}
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	outside := filepath.Dir(st.data) // the folder holding the data folder
	escape := "evil-" + hex.EncodeToString(stationKey.Public().(ed25519.PublicKey)[:4])

	attempt := func(t *testing.T, f *forgery, code string) {
		t.Helper()
		before := tree(t, st.data)
		_, err := f.b.Verify(ctx, f.info.ID, true)
		wantCoded(t, err, motcua.KindInvalid, code)
		_, err = storage.Restore(ctx, storage.RestoreOptions{Backupper: f.b, ID: f.info.ID})
		wantCoded(t, err, motcua.KindInvalid, code)
		sameTree(t, before, tree(t, st.data))
		for _, p := range []string{filepath.Join(outside, escape), filepath.Join(filepath.Dir(outside), escape), "/tmp/" + escape} {
			if _, err := os.Lstat(p); err == nil {
				t.Errorf("%s written outside the data folder", p)
			}
		}
	}
	files := func(f *forgery) []any { return f.manifest["files"].([]any) }

	t.Run("Genuine", func(t *testing.T) {
		f := forge(t, st, info)
		if rep, err := f.b.Verify(ctx, info.ID, true); err != nil || !rep.OK {
			t.Fatalf("the untouched copy does not verify: %+v %v", rep, err)
		}
	})
	t.Run("ErrBackupUnsigned", func(t *testing.T) {
		f := forge(t, st, info)
		files(f)[0].(map[string]any)["path"] = "../../" + escape
		f.write("unsigned", nil)
		attempt(t, f, continuity.ErrBackupUnsigned)
	})
	t.Run("ErrBackupUntrustedOtherKey", func(t *testing.T) {
		f := forge(t, st, info)
		f.manifest["keys"] = []any{map[string]any{"path": "blob.key", "data": []byte("attacker's blob key")}}
		f.write("signed", otherKey)
		attempt(t, f, continuity.ErrBackupUntrusted)
	})
	t.Run("ErrBackupSignatureAlteredManifest", func(t *testing.T) {
		// The genuine signature kept, one file's size changed: what an
		// attacker who could read the manifest would try.
		f := forge(t, st, info)
		files(f)[0].(map[string]any)["size"] = 1
		f.write("keep-signature", nil)
		attempt(t, f, continuity.ErrBackupSignature)
	})
	t.Run("ErrBackupDamagedAlteredAttachment", func(t *testing.T) {
		// The manifest is genuine and signed; a pool copy is replaced by the
		// attacker's content, encrypted to the station.
		f := forge(t, st, info)
		first := files(f)[0].(map[string]any)
		sum := first["sha256"].(string)
		os.Remove(filepath.Join(st.data, "blobs", filepath.FromSlash(first["path"].(string)))) // so restore needs the copy
		rel, _ := filepath.Rel(f.dir, filepath.Join(f.pool(), sum[:2], sum+".age"))
		f.encrypt(rel, []byte("%PDF-1.7 a forged scan"))
		before := tree(t, st.data)
		rep, err := f.b.Verify(ctx, info.ID, true)
		if err != nil || rep.OK || !strings.Contains(strings.Join(rep.Problems, " "), "nội dung khác bản gốc") {
			t.Fatalf("a replaced attachment verified: %+v %v", rep, err)
		}
		_, err = storage.Restore(ctx, storage.RestoreOptions{Backupper: f.b, ID: info.ID})
		wantCoded(t, err, motcua.KindInvalid, continuity.ErrBackupDamaged)
		sameTree(t, before, tree(t, st.data))
	})
	t.Run("ErrBackupDamagedAlteredDatabase", func(t *testing.T) {
		f := forge(t, st, info)
		f.encrypt("db.sqlite.gz.age", []byte("not the station's database"))
		before := tree(t, st.data)
		rep, err := f.b.Verify(ctx, info.ID, false)
		if err != nil || rep.OK {
			t.Fatalf("a replaced database verified: %+v %v", rep, err)
		}
		_, err = storage.Restore(ctx, storage.RestoreOptions{Backupper: f.b, ID: info.ID})
		wantCoded(t, err, motcua.KindInvalid, continuity.ErrBackupDamaged)
		sameTree(t, before, tree(t, st.data))
	})

	// The path rules hold even for a manifest the station's key signed (a
	// bug, or a stolen key): defence in depth.
	for name, p := range map[string]string{
		"DotDot":         "../../" + escape,
		"DotDotInside":   "ab/../../../" + escape,
		"Absolute":       "/tmp/" + escape,
		"DriveLetter":    "C:/Windows/" + escape,
		"DriveRelative":  "C:" + escape,
		"UNC":            `\\server\share\` + escape,
		"Backslash":      `..\..\` + escape,
		"Stream":         "ab/file:" + escape,
		"TrailingDot":    "ab/..." + escape + ".",
		"Empty":          "",
		"NUL":            "ab/x\x00" + escape,
		"ReservedDevice": "ab/NUL",
	} {
		if name == "ReservedDevice" && runtime.GOOS != "windows" {
			// filepath.IsLocal refuses device names on Windows only; elsewhere
			// "NUL" is an ordinary file name.
			continue
		}
		t.Run("ErrBackupPathFiles"+name, func(t *testing.T) {
			f := forge(t, st, info)
			files(f)[0].(map[string]any)["path"] = p
			f.write("signed", stationKey)
			attempt(t, f, continuity.ErrBackupPath)
		})
	}
	for name, p := range map[string]string{
		"DotDot":   "../" + escape + ".key",
		"Absolute": "/tmp/" + escape + ".key",
		"Database": "motcua.db",
		"Config":   "backup.json",
		"Drive":    `C:\` + escape + ".key",
	} {
		t.Run("ErrBackupPathKeys"+name, func(t *testing.T) {
			f := forge(t, st, info)
			f.manifest["keys"] = []any{map[string]any{"path": p, "data": []byte("x")}}
			f.write("signed", stationKey)
			attempt(t, f, continuity.ErrBackupPath)
		})
	}
	t.Run("ErrBackupPathHash", func(t *testing.T) {
		// The pool path is built from the hash: it must be a hash.
		f := forge(t, st, info)
		files(f)[0].(map[string]any)["sha256"] = "../../../../" + escape
		f.write("signed", stationKey)
		attempt(t, f, continuity.ErrBackupPath)
	})
	t.Run("ErrBackupPathSymlinkOut", func(t *testing.T) {
		// A genuine backup, but the attachment folder holds a link to
		// outside where a restored file would go: nothing goes through it.
		f := forge(t, st, info)
		first := files(f)[0].(map[string]any)["path"].(string)
		dir := filepath.Dir(filepath.Join(st.data, "blobs", filepath.FromSlash(first)))
		target := filepath.Join(outside, escape)
		os.MkdirAll(target, 0o700)
		moved := dir + ".real"
		if err := os.Rename(dir, moved); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, dir); err != nil {
			t.Fatal(err)
		}
		defer func() {
			os.Remove(dir)
			os.Rename(moved, dir)
		}()
		before := tree(t, st.data)
		_, err := storage.Restore(ctx, storage.RestoreOptions{Backupper: f.b, ID: info.ID})
		wantCoded(t, err, motcua.KindInvalid, continuity.ErrBackupPath)
		sameTree(t, before, tree(t, st.data))
		if es, _ := os.ReadDir(target); len(es) != 0 {
			t.Fatalf("restore wrote through the link: %v", es)
		}
		os.Remove(target)
	})
}

// TestRestoreReportsChangedDossier: a dossier that differs between the
// current database and the backup (changed after it, or replaced) is in
// the report, which no longer says that nothing was lost.
func TestRestoreReportsChangedDossier(t *testing.T) {
	st := newStation(t, agency, 0)
	codes := st.accept(t, 3, day)
	info, err := st.b.Backup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Same codes, one dossier's applicant replaced in the current file.
	st.close()
	db, err := sql.Open("sqlite", st.db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE dossiers SET applicant_name = 'Người Khác' WHERE code = ?`, codes[1]); err != nil {
		t.Fatal(err)
	}
	db.Close()
	rep, err := storage.Restore(ctx, storage.RestoreOptions{Backupper: st.b, ID: info.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Lost) != 0 || len(rep.Changed) != 1 || rep.Changed[0].Code != codes[1] {
		t.Fatalf("lost %+v, changed %+v", rep.Lost, rep.Changed)
	}
	for _, g := range rep.Guidance {
		if strings.Contains(g, "Không mất hồ sơ nào") {
			t.Fatalf("guidance says nothing was lost: %q", rep.Guidance)
		}
	}
	if !strings.Contains(strings.Join(rep.Guidance, " "), "1 hồ sơ có nội dung khác bản sao lưu") {
		t.Fatalf("guidance %q", rep.Guidance)
	}
	// Restoring the same backup again: identical, nothing reported.
	rep, err = storage.Restore(ctx, storage.RestoreOptions{Backupper: st.b, ID: info.ID})
	if err != nil || len(rep.Changed) != 0 || len(rep.Lost) != 0 {
		t.Fatalf("second restore: %+v %v", rep, err)
	}
}
