package storage_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua/app"
	"motcua/storage"
	"motcua/storage/keyfile"
	"motcua/storage/keyfile/keyfiletest"
)

// The keys sealed for the old PC (DPAPI on Windows; a fake machine sealer
// here) do not open on the replacement PC: the installer's exported
// identity opens the backup, the blob key travels inside it in plain (in
// the age-encrypted manifest) and is sealed again for the new machine.
func TestRestoreOnNewPCSealedKeys(t *testing.T) {
	restore := keyfile.Use(keyfiletest.Sealer{PC: "old-pc"})
	st := newStation(t, agency, 0)
	os.Remove(filepath.Join(st.data, "blob.key"))
	blobs, err := storage.OpenBlobs(st.data)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(st.data, storage.BlobKeyFile), storage.IdentityPath(st.data)} {
		if b, _ := os.ReadFile(p); !strings.HasPrefix(string(b), "MOTCUA-SEALED v1 fake-machine\n") {
			t.Fatalf("%s not sealed: %q", p, b)
		}
	}
	d := st.accept(t, 1, day)[0]
	scan := bytes.Repeat([]byte("%PDF-1.7 bản quét "), 5000)
	addr, err := blobs.PutBytes(scan)
	if err != nil {
		t.Fatal(err)
	}
	a := &app.Attachment{Dossier: d, Component: "Tờ khai", FileName: "to-khai.pdf", SHA256: addr.String(),
		Size: int64(len(scan)), Pages: 1, Stamped: true, AddedBy: "canbo"}
	if err := st.s.AddAttachment(ctx, a, auditOf("canbo")); err != nil {
		t.Fatal(err)
	}
	info, err := st.b.Backup(ctx)
	if err != nil {
		t.Fatal(err)
	}
	plainID, err := storage.ExportIdentity(st.data)
	if err != nil || !strings.Contains(string(plainID), "AGE-SECRET-KEY-1") || strings.Contains(string(plainID), "MOTCUA-SEALED") {
		t.Fatalf("export: %q, %v", plainID, err)
	}
	exported := filepath.Join(t.TempDir(), "khoa-sao-luu.txt")
	os.WriteFile(exported, plainID, 0o600)
	restore()

	defer keyfile.Use(keyfiletest.Sealer{PC: "new-pc"})()
	if _, err := storage.ReadIdentities(storage.IdentityPath(st.data)); err == nil {
		t.Fatal("the old PC's sealed identity opened on the new PC")
	}
	newPC := t.TempDir()
	b, err := storage.NewBackupper(newPC, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	b.Config.Dest = st.dest
	if err := b.UseKeyFiles([]string{exported}); err != nil {
		t.Fatal(err)
	}
	if _, err := storage.Restore(ctx, storage.RestoreOptions{Backupper: b, ID: info.ID}); err != nil {
		t.Fatal(err)
	}
	keyOnNewPC, _ := os.ReadFile(filepath.Join(newPC, storage.BlobKeyFile))
	if !strings.HasPrefix(string(keyOnNewPC), "MOTCUA-SEALED v1 fake-machine\n") {
		t.Fatalf("restored blob key not sealed: %q", keyOnNewPC)
	}
	restored, err := storage.OpenBlobs(newPC)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := restored.Get(addr); err != nil || !bytes.Equal(got, scan) {
		t.Fatalf("scan after restore on the new PC: %v", err)
	}
}
