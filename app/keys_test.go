package app_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/scanning/qrsign"
	"motcua/storage"
)

func TestStationKeyFirstRunAndReuse(t *testing.T) {
	dir := t.TempDir()
	st, err := storage.Open(filepath.Join(dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	k1, err := app.LoadKeys(ctx, dir, st, "", "system")
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, app.KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		t.Errorf("key file mode %v: readable by others", fi.Mode())
	}
	k2, err := app.LoadKeys(ctx, dir, st, "1/2", "system")
	if err != nil {
		t.Fatal(err)
	}
	if k1.ID != k2.ID || len(k2.Ring.Keys) != 1 || k2.Ring.Keys[0].Station != "1/2" {
		t.Fatalf("second start: %s vs %s, ring %+v", k1.ID, k2.ID, k2.Ring.Keys)
	}
	p := qrsign.Payload{Doc: qrsign.DocReceipt, Code: "000.00.06.H56-261123-0001", Procedure: "1.001193",
		Applicant: "001190123456", System: "MOTCUA", Issued: time.Date(2026, 11, 23, 9, 0, 0, 0, motcua.Location)}
	text, err := k2.Sign(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, r := k2.Verify(text); r != qrsign.Valid {
		t.Fatalf("verify = %v", r)
	}

	// Another station's keyring file is imported; a damaged file changes nothing.
	other := t.TempDir()
	st2, err := storage.Open(filepath.Join(other, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	k3, err := app.LoadKeys(ctx, other, st2, "2/2", "system")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := k3.ExportKeyring()
	if _, err := k2.ImportKeyring(ctx, st, []byte(`{"keys":[{"id":"x"}]}`), "admin"); err == nil {
		t.Fatal("a damaged keyring was imported")
	}
	if n, err := k2.ImportKeyring(ctx, st, raw, "admin"); err != nil || n != 1 {
		t.Fatalf("import: %d %v", n, err)
	}
	text3, _ := k3.Sign(p)
	if _, r := k2.Verify(text3); r != qrsign.Valid {
		t.Fatalf("after import, station 2's receipt: %v", r)
	}
	ring, _ := app.LoadKeyring(ctx, st)
	if len(ring.Keys) != 2 {
		t.Fatalf("stored ring: %+v", ring.Keys)
	}

	// A lost key file: a new key, the old one still verifies.
	os.Remove(filepath.Join(dir, app.KeyFileName))
	k4, err := app.LoadKeys(ctx, dir, st, "1/2", "system")
	if err != nil {
		t.Fatal(err)
	}
	if k4.ID == k2.ID {
		t.Fatal("no new key after the key file was lost")
	}
	if _, r := k4.Verify(text); r != qrsign.Valid {
		t.Fatalf("old receipt after a new key: %v", r)
	}
}
