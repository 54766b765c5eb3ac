package app_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua"
	"motcua/app"
	"motcua/scanning/qrsign"
	"motcua/storage"
	"motcua/storage/keyfile"
	"motcua/storage/keyfile/keyfiletest"
)

// A station key written plain (by provisioning, or an older build) is
// sealed on first use and signs as before; a sealed key copied to another
// PC is refused by name and left as it is, not replaced by a new key.
func TestStationKeySealed(t *testing.T) {
	dir := t.TempDir()
	st, err := storage.Open(filepath.Join(dir, "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	_, priv, _ := qrsign.GenerateKey()
	path := filepath.Join(dir, app.KeyFileName)
	os.WriteFile(path, []byte(qrsign.EncodePrivateKey(priv)+"\n"), 0o600)

	restore := keyfile.Use(keyfiletest.Sealer{PC: "pc1"})
	k, err := app.LoadKeys(ctx, dir, st, "1/2", "system")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(k.Priv, priv) {
		t.Fatal("the provisioned key was not used")
	}
	sealed, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(sealed), "MOTCUA-SEALED v1 fake-machine\n") {
		t.Fatalf("station key not sealed: %q", sealed)
	}
	if k2, err := app.LoadKeys(ctx, dir, st, "1/2", "system"); err != nil || k2.ID != k.ID {
		t.Fatalf("second start: %v", err)
	}
	restore()

	defer keyfile.Use(keyfiletest.Sealer{PC: "pc2"})()
	_, err = app.LoadKeys(ctx, dir, st, "1/2", "system")
	if e, ok := motcua.AsError(err); !ok || e.Code != keyfile.ErrSealed || !strings.Contains(e.Msg, path) {
		t.Fatalf("key from another PC: %v", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, sealed) {
		t.Fatal("the key file was replaced")
	}
}
