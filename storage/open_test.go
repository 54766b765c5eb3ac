package storage_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"motcua"
	"motcua/app"
	"motcua/storage"
)

func TestOpen(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "nested", "dir", "motcua.db")
		s := MustOpenPath(t, path)
		mustAccept(t, s, newDossier(day))
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		s = MustOpenPath(t, path) // reopening migrates nothing and keeps the data
		if n, err := s.Count(ctx, app.ListFilter{}); err != nil || n != 1 {
			t.Fatalf("Count after reopen = %d, %v", n, err)
		}
		db := rawDB(t, path)
		pragmas := map[string]any{
			"application_id": storage.ApplicationID,
			"user_version":   storage.SchemaVersion(),
			"journal_mode":   "wal",
		}
		for p, want := range pragmas {
			var got any
			if err := db.QueryRow("PRAGMA " + p).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if g, w := strings.ToLower(fmt.Sprint(got)), strings.ToLower(fmt.Sprint(want)); g != w {
				t.Errorf("PRAGMA %s = %s, want %s", p, g, w)
			}
		}
		for _, c := range []struct {
			write      bool
			name, want string
		}{
			{true, "synchronous", "2"}, {true, "foreign_keys", "1"}, {true, "busy_timeout", "10000"}, {true, "journal_mode", "wal"},
			{false, "synchronous", "2"}, {false, "query_only", "1"}, {false, "busy_timeout", "10000"},
		} {
			if got, err := storage.Pragma(s, c.write, c.name); err != nil || got != c.want {
				t.Errorf("PRAGMA %s (write %v) = %q, %v; want %q", c.name, c.write, got, err, c.want)
			}
		}
		var strict int
		if err := db.QueryRow(`SELECT count(*) FROM pragma_table_list WHERE schema = 'main' AND type = 'table'
			AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'dossier_fts%' AND strict = 0`).Scan(&strict); err != nil {
			t.Fatal(err)
		}
		if strict != 0 {
			t.Errorf("%d tables are not STRICT", strict)
		}
	})
	t.Run("ErrSchemaTooNew", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "motcua.db")
		s := MustOpenPath(t, path)
		mustAccept(t, s, newDossier(day))
		s.Close()
		db := rawDB(t, path)
		if _, err := db.Exec(`PRAGMA user_version = 99`); err != nil {
			t.Fatal(err)
		}
		db.Close()
		before := dirBytes(t, filepath.Dir(path))
		_, err := storage.Open(path)
		wantCoded(t, err, motcua.KindConflict, storage.ErrSchemaTooNew)
		if after := dirBytes(t, filepath.Dir(path)); !bytes.Equal(before[filepath.Base(path)], after[filepath.Base(path)]) || len(before) != len(after) {
			t.Fatal("opening a newer database changed its files")
		}
	})
	t.Run("ErrNotOurs", func(t *testing.T) {
		for name, setup := range map[string]string{
			"OtherApplicationID": `PRAGMA application_id = 1179602244`,
			"UnmarkedWithTables": `CREATE TABLE notes (body TEXT)`,
		} {
			t.Run(name, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "other.db")
				db := rawDB(t, path)
				if _, err := db.Exec(setup); err != nil {
					t.Fatal(err)
				}
				db.Close()
				before, _ := os.ReadFile(path)
				_, err := storage.Open(path)
				wantCoded(t, err, motcua.KindInvalid, storage.ErrNotOurs)
				if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
					t.Fatal("opening another application's database changed it")
				}
			})
		}
	})
	t.Run("ErrDataDir", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "not-a-dir")
		if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		paths := map[string]string{"Uncreatable": filepath.Join(file, "data", "motcua.db")}
		if os.Geteuid() != 0 { // root writes anywhere
			ro := filepath.Join(t.TempDir(), "ro")
			if err := os.Mkdir(ro, 0o500); err != nil {
				t.Fatal(err)
			}
			paths["NotWritable"] = filepath.Join(ro, "motcua.db")
		}
		for name, path := range paths {
			t.Run(name, func(t *testing.T) {
				_, err := storage.Open(path)
				e := wantCoded(t, err, motcua.KindInvalid, storage.ErrDataDir)
				if e.Field != "data" || !strings.HasPrefix(e.Msg, "Thư mục dữ liệu ") {
					t.Fatalf("field %q, message %q", e.Field, e.Msg)
				}
			})
		}
	})
}

// dirBytes reads every file of dir.
func dirBytes(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = b
	}
	return m
}
