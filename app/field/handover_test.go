package field_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua"
	"motcua/app/field"
)

func TestHandover(t *testing.T) {
	ctx := context.Background()
	imported := func(t *testing.T, c *station) int {
		t.Helper()
		recs, err := c.fs.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(recs)
	}
	t.Run("OK", func(t *testing.T) {
		f, c := pair(t)
		p1, p2 := f.prepare(1), f.prepare(2)
		path := filepath.Join(t.TempDir(), "ban-giao.mcb")
		res := f.export(path)
		if len(res.Refs) != 2 || res.Documents != 4 {
			t.Fatalf("export %+v", res)
		}
		got, err := c.fs.Import(ctx, officer, path)
		if err != nil || got.Added != 2 || len(got.Known) != 0 || got.Station != "3/3" {
			t.Fatalf("import %+v (%v)", got, err)
		}
		r, err := c.fs.Lookup(ctx, p2.SlipQR)
		if err != nil || r.Ref != p2.Ref || r.Applicant.Name != p2.Applicant.Name || len(r.Documents) != 2 {
			t.Fatalf("lookup %+v (%v)", r, err)
		}
		if _, err := c.fs.Lookup(ctx, p1.SlipQR); err != nil {
			t.Fatal(err)
		}
		// Exported once: the next export has nothing new; with all, the
		// counter keeps what it has.
		_, err = f.fs.Export(ctx, team, filepath.Join(t.TempDir(), "x.mcb"), false)
		wantCode(t, err, field.ErrNothingToExport)
		again := filepath.Join(t.TempDir(), "lai.mcb")
		if _, err := f.fs.Export(ctx, team, again, true); err != nil {
			t.Fatal(err)
		}
		got, err = c.fs.Import(ctx, officer, again)
		if err != nil || got.Added != 0 || len(got.Known) != 2 {
			t.Fatalf("second bundle %+v (%v)", got, err)
		}
		if log := c.audit("field.import"); len(log) != 2 {
			t.Fatalf("import audit %v", log)
		}
	})
	t.Run("ErrReplay", func(t *testing.T) {
		f, c := pair(t)
		f.prepare(1)
		path := filepath.Join(t.TempDir(), "b.mcb")
		f.export(path)
		if _, err := c.fs.Import(ctx, officer, path); err != nil {
			t.Fatal(err)
		}
		_, err := c.fs.Import(ctx, officer, path)
		wantCode(t, err, field.ErrReplay)
	})
	refused := func(t *testing.T, mangle func(b []byte) []byte, code string) {
		f, c := pair(t)
		for i := range 3 {
			f.prepare(uint64(i))
		}
		path := filepath.Join(t.TempDir(), "b.mcb")
		f.export(path)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, mangle(b), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err = c.fs.Import(ctx, officer, path)
		e := wantCode(t, err, code)
		if !strings.Contains(e.Msg, "Không nhập gì") {
			t.Fatalf("the message does not say nothing was imported: %q", e.Msg)
		}
		if n := imported(t, c); n != 0 {
			t.Fatalf("a refused bundle left %d pre-dossiers", n)
		}
	}
	t.Run("ErrTampered", func(t *testing.T) {
		refused(t, func(b []byte) []byte { b[len(b)/2] ^= 1; return b }, field.ErrBundle)
	})
	t.Run("ErrTruncated", func(t *testing.T) {
		refused(t, func(b []byte) []byte { return b[:len(b)*2/3] }, field.ErrBundle)
	})
	t.Run("ErrSignatureCut", func(t *testing.T) {
		refused(t, func(b []byte) []byte { return b[:len(b)-10] }, field.ErrBundle)
	})
	t.Run("ErrForeignCommune", func(t *testing.T) {
		_, c := pair(t)
		other := newStation(t, c.clock, "000.00.07.H56", 3, "field")
		introduce(t, other, c) // even trusted by station number, the agency differs
		other.prepare(1)
		path := filepath.Join(t.TempDir(), "khac.mcb")
		other.export(path)
		_, err := c.fs.Import(ctx, officer, path)
		if e := wantCode(t, err, field.ErrBundle); !strings.Contains(e.Msg, "000.00.07.H56") {
			t.Fatalf("message %q does not name the other agency", e.Msg)
		}
		if n := imported(t, c); n != 0 {
			t.Fatalf("%d imported", n)
		}
	})
	t.Run("ErrOtherCounter", func(t *testing.T) {
		f, c := pair(t)
		second := newStation(t, c.clock, agency, 2, "counter")
		f.prepare(1)
		path := filepath.Join(t.TempDir(), "b.mcb")
		f.export(path) // addressed to c
		_, err := second.fs.Import(ctx, officer, path)
		wantCode(t, err, field.ErrBundle) // second trusts nobody and cannot open it
		introduce(t, f, second)
		_, err = second.fs.Import(ctx, officer, path)
		wantCode(t, err, field.ErrBundle) // trusted now, but the bundle is for c's key
		if _, err := c.fs.Import(ctx, officer, path); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrRevoked", func(t *testing.T) {
		f, c := pair(t)
		f.prepare(1)
		path := filepath.Join(t.TempDir(), "b.mcb")
		f.export(path)
		wantCode(t, c.fs.Revoke(ctx, officer, "3/3", f.sign, "mất máy"), "ERR_FORBIDDEN")
		if err := c.fs.Revoke(ctx, admin, "3/3", f.sign, "Máy tính xách tay bị mất ngày 22/11"); err != nil {
			t.Fatal(err)
		}
		_, err := c.fs.Import(ctx, officer, path)
		if e := wantCode(t, err, field.ErrRevoked); !strings.Contains(e.Msg, "bị mất") {
			t.Fatalf("message %q", e.Msg)
		}
		if n := imported(t, c); n != 0 {
			t.Fatalf("%d imported", n)
		}
	})
	t.Run("StickPulled", func(t *testing.T) {
		f, c := pair(t)
		p := f.prepare(1)
		stick := t.TempDir()
		path := filepath.Join(stick, "b.mcb")
		os.RemoveAll(stick) // the stick is gone
		_, err := f.fs.Export(ctx, team, path, false)
		if e, ok := motcua.AsError(err); !ok || !strings.Contains(e.Msg, "USB") {
			t.Fatalf("want a sentence about the stick, got %v", err)
		}
		recs, _ := f.fs.List(ctx)
		if len(recs) != 1 || !recs[0].ExportedAt.IsZero() || !recs[0].Sealed {
			t.Fatalf("the failed export changed the laptop's pre-dossier: %+v", recs)
		}
		os.MkdirAll(stick, 0o750)
		f.export(path)
		entries, _ := os.ReadDir(stick)
		if len(entries) != 1 {
			t.Fatalf("the stick holds %d files, want the bundle only", len(entries))
		}
		if _, err := c.fs.Import(ctx, officer, path); err != nil {
			t.Fatal(err)
		}
		if _, err := c.fs.Lookup(ctx, p.SlipQR); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrNoCounterKey", func(t *testing.T) {
		f := newStation(t, motcua.NewFixedClock(monday), agency, 3, "field")
		f.prepare(1)
		_, err := f.fs.Export(ctx, team, filepath.Join(t.TempDir(), "b.mcb"), false)
		wantCode(t, err, field.ErrNoCounterKey)
	})
}
