package syncing_test

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"motcua"
	"motcua/app"
	"motcua/app/syncing"
	"motcua/sync/bundle"
	"motcua/sync/province/provincetest"
	"motcua/sync/refserver"
)

// TestBundle: a field laptop (station 1/2) with no network writes its
// queue to a USB stick twice — once for the province, once for the
// commune office PC (station 2/2) — and every dossier reaches the
// province exactly once, whichever way arrives first.
func TestBundle(t *testing.T) {
	laptop := station(t, motcua.Station{K: 1, N: 2})
	office := station(t, motcua.Station{K: 2, N: 2})
	provKey, err := bundle.NewRecipientKey()
	if err != nil {
		t.Fatal(err)
	}
	pub := hex.EncodeToString(provKey.PublicKey().Bytes())
	if _, err := syncing.SaveConfig(ctx, laptop, syncing.Change{BundleKey: &pub}, app.OperatorActor("test")); err != nil {
		t.Fatal(err)
	}
	var codes []string
	for i := range 3 {
		d := provincetest.Dossier(agency, 2*i+1)
		d.Station = 1
		if err := laptop.Insert(ctx, d, app.AuditEntry{Actor: "todcs"}); err != nil {
			t.Fatal(err)
		}
		codes = append(codes, d.Code)
	}
	// A later change of the first dossier travels as its newest state.
	d, _ := laptop.Get(ctx, codes[0])
	if err := d.Move(motcua.StatusProcessing, "advance", "todcs", "", d.ReceivedAt.Add(3600e9)); err != nil {
		t.Fatal(err)
	}
	if err := laptop.Update(ctx, d, motcua.StatusReceived, 1, app.AuditEntry{Actor: "todcs"}); err != nil {
		t.Fatal(err)
	}
	lr, err := syncing.New(ctx, laptop, laptop.Queue(), fast())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()

	// For the province.
	forProvince := filepath.Join(dir, "cho-tinh.mcb")
	if n, err := lr.ExportBundle(ctx, forProvince); err != nil || n != 4 {
		t.Fatalf("ExportBundle = %d, %v", n, err)
	}
	keys, err := syncing.StationKeys(ctx, laptop, "test")
	if err != nil {
		t.Fatal(err)
	}
	p := startPeer(t, dir, freeAddr(t))
	trust, _ := refserver.ParseSigners([]string{agency + "=" + keys.Sign})
	f, _ := os.Open(forProvince)
	b, err := p.ReadBundle(f, bundle.ReadOptions{Key: provKey, Trust: trust})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	rep, err := p.ImportBundle(ctx, b)
	b.Remove()
	if err != nil || rep.Accepted != 4 || len(rep.Rejected) != 0 {
		t.Fatalf("province import: %+v, %v", rep, err)
	}

	// For the office PC, which trusts the laptop and has a network link.
	officeKeys, err := syncing.StationKeys(ctx, office, "test")
	if err != nil {
		t.Fatal(err)
	}
	forOffice := filepath.Join(dir, "cho-van-phong.mcb")
	if _, err := lr.ExportBundleTo(ctx, forOffice, officeKeys.Box); err != nil {
		t.Fatal(err)
	}
	or, err := syncing.New(ctx, office, office.Queue(), fast())
	if err != nil {
		t.Fatal(err)
	}
	t.Run("ErrUntrusted", func(t *testing.T) {
		_, err := or.ImportBundle(ctx, forOffice)
		if e, ok := motcua.AsError(err); !ok || e.Code != "ERR_BAD_BUNDLE" {
			t.Fatalf("untrusted station: %v", err)
		}
	})
	if err := syncing.Trust(ctx, office, "1/2", keys.Sign, app.OperatorActor("test")); err != nil {
		t.Fatal(err)
	}
	t.Run("ErrTampered", func(t *testing.T) {
		raw, _ := os.ReadFile(forOffice)
		raw[len(raw)/2] ^= 1
		bad := filepath.Join(dir, "sua.mcb")
		os.WriteFile(bad, raw, 0o600)
		_, err := or.ImportBundle(ctx, bad)
		if e, ok := motcua.AsError(err); !ok || e.Code != "ERR_BAD_BUNDLE" {
			t.Fatalf("tampered bundle: %v", err)
		}
	})
	t.Run("ErrNotForUs", func(t *testing.T) {
		if _, err := or.ImportBundle(ctx, forProvince); err == nil {
			t.Fatal("the office opened a bundle written for the province")
		}
	})
	if n, err := or.ImportBundle(ctx, forOffice); err != nil || n != 3 {
		t.Fatalf("ImportBundle = %d, %v", n, err)
	}
	if n, err := or.ImportBundle(ctx, forOffice); err != nil || n != 0 {
		t.Fatalf("second ImportBundle = %d, %v", n, err)
	}
	got, err := office.Get(ctx, codes[0])
	if err != nil || got.Status != motcua.StatusProcessing || got.Station != 1 {
		t.Fatalf("imported dossier: %+v, %v", got, err)
	}
	if st := or.Status(); st.Pending != 3 {
		t.Fatalf("office queue after import: %+v", st)
	}

	// The office delivers: the province had everything from the stick
	// already, so it acknowledges re-sends and stores nothing twice.
	configure(t, office, "http://"+p.addr())
	or, err = syncing.New(ctx, office, office.Queue(), fast())
	if err != nil {
		t.Fatal(err)
	}
	orep, err := or.SyncOnce(ctx)
	if err != nil || orep.Dossiers != 3 || orep.Duplicates != 3 {
		t.Fatalf("office sync: %+v, %v", orep, err)
	}
	ds, _ := p.Dossiers(ctx, "", 0)
	if len(ds) != 3 {
		t.Fatalf("province holds %d dossiers", len(ds))
	}
	// Writes count distinct snapshots: two for the dossier that changed.
	for _, d := range ds {
		want := 1
		if d.Code == codes[0] {
			want = 2
		}
		if d.Writes != want || d.Version != want {
			t.Errorf("%s written %d times, version %d", d.Code, d.Writes, d.Version)
		}
	}
}
