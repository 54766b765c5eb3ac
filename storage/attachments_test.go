package storage_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"path/filepath"
	"testing"

	"motcua"
	"motcua/app"
	"motcua/storage"
)

// TestAttachments: a document is recorded with its audit entry and an
// outbox message in one transaction; the sync view opens it from the blob
// store; an unknown dossier writes nothing.
func TestAttachments(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "motcua.db")
	s := MustOpenPath(t, path)
	d := mustAccept(t, s, newDossier(day))
	blobs, err := storage.OpenBlobs(dir)
	if err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.7 not really\n")
	addr, err := blobs.PutBytes(pdf)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pdf)
	sha := hex.EncodeToString(sum[:])
	if addr.String() != sha {
		t.Fatalf("address %s, want %s", addr, sha)
	}
	db := rawDB(t, path)
	counts := func() [3]int {
		return [3]int{queryInt(t, db, `SELECT count(*) FROM attachments`), queryInt(t, db, `SELECT count(*) FROM outbox`),
			queryInt(t, db, `SELECT count(*) FROM audit`)}
	}
	before := counts()

	a := &app.Attachment{Dossier: d.Code, ComponentIndex: 1, Component: "Giấy chứng sinh", FileName: "gcs.pdf",
		SHA256: sha, Size: int64(len(pdf)), Pages: 1, Stamped: true, AddedBy: "Nguyễn Văn An"}
	if err := s.AddAttachment(ctx, a, app.AuditEntry{Actor: "Nguyễn Văn An", Action: "dossier.attach", Subject: d.Code}); err != nil {
		t.Fatal(err)
	}
	if a.ID == 0 || a.AddedAt.IsZero() {
		t.Fatalf("not filled: %+v", a)
	}
	if got, want := counts(), [3]int{before[0] + 1, before[1] + 1, before[2] + 1}; got != want {
		t.Fatalf("rows %v, want %v", got, want)
	}
	if n := queryInt(t, db, `SELECT count(*) FROM outbox WHERE kind = ? AND dossier_code = ?`, storage.OutboxKindAttach, d.Code); n != 1 {
		t.Fatalf("%d attach messages", n)
	}

	// The same content attached again (another component) is one file for
	// the province.
	b := *a
	b.ID, b.ComponentIndex = 0, 0
	if err := s.AddAttachment(ctx, &b, app.AuditEntry{Actor: "x"}); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListAttachments(ctx, d.Code)
	if err != nil || len(list) != 2 || list[0].ID != a.ID || list[0].SHA256 != sha || !list[0].Stamped || list[0].AddedBy != "Nguyễn Văn An" {
		t.Fatalf("list: %+v %v", list, err)
	}
	files, err := storage.AttachmentFiles{Store: s, Blobs: blobs}.Attachments(ctx, d.Code)
	if err != nil || len(files) != 1 || files[0].ID != sha || files[0].Size != int64(len(pdf)) {
		t.Fatalf("sync view: %+v %v", files, err)
	}
	rc, err := files[0].Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, pdf) {
		t.Fatal("opened content differs")
	}

	before = counts()
	err = s.AddAttachment(ctx, &app.Attachment{Dossier: "000.00.06.H56-261124-9999", FileName: "x.pdf", SHA256: sha},
		app.AuditEntry{Actor: "x"})
	wantCoded(t, err, motcua.KindNotFound, motcua.ErrNotFound)
	if counts() != before {
		t.Fatal("a refused attachment wrote rows")
	}
	// A second open of the same data directory reads the same key.
	again, err := storage.OpenBlobs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := again.Get(addr); err != nil || !bytes.Equal(b, pdf) {
		t.Fatalf("reopen: %v", err)
	}
}
