package storage_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/storage"
)

// The retention purge deletes a closed dossier's scans, but not a scan
// another dossier still needs.
func TestBlobPurger(t *testing.T) {
	st := newStation(t, agency, 0)
	os.Remove(filepath.Join(st.data, "blob.key")) // the real blob store makes its own
	blobs, err := storage.OpenBlobs(st.data)
	if err != nil {
		t.Fatal(err)
	}
	codes := st.accept(t, 2, day)
	own, _ := blobs.PutBytes([]byte("quét riêng của hồ sơ 1"))
	shared, _ := blobs.PutBytes([]byte("quét dùng chung"))
	for _, a := range []struct{ code, sum string }{{codes[0], own.String()}, {codes[0], shared.String()}, {codes[1], shared.String()}} {
		if err := st.s.AddAttachment(ctx, &app.Attachment{Dossier: a.code, Component: "Tờ khai", FileName: "x.pdf", SHA256: a.sum,
			Size: 1, Pages: 1, AddedBy: "canbo"}, auditOf("canbo")); err != nil {
			t.Fatal(err)
		}
	}
	// Dossier 1 is returned (closed); dossier 2 is still in progress.
	d, _ := st.s.Get(ctx, codes[0])
	prev, n := d.Status, len(d.History)
	for _, to := range []motcua.Status{motcua.StatusProcessing, motcua.StatusDone, motcua.StatusReturned} {
		d.Move(to, "advance", "canbo", "", day.Add(time.Hour))
	}
	if err := st.s.Update(ctx, d, prev, n, auditOf("canbo")); err != nil {
		t.Fatal(err)
	}
	p := storage.BlobPurger{S: st.s, DataDir: st.data}
	got, err := p.PurgeAttachments(ctx, codes[0], motcua.SystemClock{}.Now().Add(time.Hour))
	if err != nil || got != 1 {
		t.Fatalf("purged %d files, %v; want 1 (the shared scan is still needed)", got, err)
	}
	if ok, _ := blobs.Has(own); ok {
		t.Fatal("the closed dossier's own scan is still there")
	}
	if ok, _ := blobs.Has(shared); !ok {
		t.Fatal("the shared scan was deleted")
	}
	if atts, _ := st.s.ListAttachments(ctx, codes[0]); len(atts) != 2 {
		t.Fatalf("attachment rows %d, want 2 kept", len(atts))
	}
}
