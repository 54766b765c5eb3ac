package syncing_test

import (
	"context"
	"strings"
	"testing"

	"motcua"
	"motcua/app"
	"motcua/app/syncing"
	"motcua/storage/keyfile"
	"motcua/storage/keyfile/keyfiletest"
)

// The province password and the USB-bundle private keys are sealed for
// the machine in the settings (a fake sealer stands for DPAPI); a legacy
// plain password is sealed at the next save; on another PC (a restored
// database) the password is a coded error until it is entered again.
func TestSecretsSealed(t *testing.T) {
	ctx := context.Background()
	s := station(t, motcua.Station{K: 1, N: 1})
	str := func(v string) *string { return &v }
	// A legacy plain value, as an older build wrote it.
	if _, err := syncing.SaveConfig(ctx, s, syncing.Change{URL: str("https://tinh.example/lt"), User: str("xa"), Password: str("cũ-plain")}, app.OperatorActor("test")); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := s.Setting(ctx, syncing.KeyPassword); v != "cũ-plain" {
		t.Fatalf("without a sealer the password is kept as it is: %q", v)
	}

	restore := keyfile.Use(keyfiletest.Sealer{PC: "pc1"})
	if c, err := syncing.LoadConfig(ctx, s); err != nil || c.Password != "cũ-plain" {
		t.Fatalf("legacy password: %q, %v", c.Password, err)
	}
	if _, err := syncing.SaveConfig(ctx, s, syncing.Change{User: str("xa2")}, app.OperatorActor("test")); err != nil {
		t.Fatal(err)
	}
	v, _, _ := s.Setting(ctx, syncing.KeyPassword)
	if !strings.HasPrefix(v, keyfile.ValuePrefix) || strings.Contains(v, "cũ") {
		t.Fatalf("password not sealed at the next save: %q", v)
	}
	if c, err := syncing.LoadConfig(ctx, s); err != nil || c.Password != "cũ-plain" || c.User != "xa2" {
		t.Fatalf("sealed password: %+v, %v", c, err)
	}
	keys, err := syncing.StationKeys(ctx, s, "test")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{syncing.KeySignKey, syncing.KeyBoxKey} {
		if v, _, _ := s.Setting(ctx, k); !strings.HasPrefix(v, keyfile.ValuePrefix) {
			t.Fatalf("%s not sealed: %q", k, v)
		}
	}
	if again, ok, err := syncing.StoredKeys(ctx, s); err != nil || !ok || again != keys {
		t.Fatalf("stored keys: %+v %v %v", again, ok, err)
	}
	restore()

	defer keyfile.Use(keyfiletest.Sealer{PC: "pc2"})()
	_, err = syncing.LoadConfig(ctx, s)
	if e, ok := motcua.AsError(err); !ok || e.Code != keyfile.ErrSealed {
		t.Fatalf("password sealed on another PC: %v", err)
	}
	if _, err := syncing.SaveConfig(ctx, s, syncing.Change{User: str("xa3")}, app.OperatorActor("test")); err == nil {
		t.Fatal("saved without the password that does not open")
	}
	if _, err := syncing.StationKeys(ctx, s, "test"); err == nil {
		t.Fatal("bundle keys sealed on another PC were replaced silently")
	}
	// The bundle keys are renewed explicitly: new keys, sealed for this PC.
	renewed, err := syncing.RenewKeys(ctx, s, app.OperatorActor("test"))
	if err != nil {
		t.Fatal(err)
	}
	if renewed.Sign == keys.Sign || renewed.Box == keys.Box {
		t.Fatalf("renewed keys are the old ones: %+v", renewed)
	}
	if now, err := syncing.StationKeys(ctx, s, "test"); err != nil || now != renewed {
		t.Fatalf("after renewal: %+v, %v", now, err)
	}
	if c, err := syncing.SaveConfig(ctx, s, syncing.Change{Password: str("mới")}, app.OperatorActor("test")); err != nil || c.Password != "mới" {
		t.Fatalf("entering the password again: %+v, %v", c, err)
	}
	if c, err := syncing.LoadConfig(ctx, s); err != nil || c.Password != "mới" {
		t.Fatalf("after entering again: %v", err)
	}
}
