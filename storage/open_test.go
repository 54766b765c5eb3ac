package storage_test

import (
	"bytes"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
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
			{true, "wal_autocheckpoint", "4000"},
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
		sqlFile := func(q string) func(string) error {
			return func(path string) error {
				db, err := sql.Open("sqlite", path)
				if err != nil {
					return err
				}
				defer db.Close()
				_, err = db.Exec(q)
				return err
			}
		}
		for name, setup := range map[string]func(path string) error{
			"OtherApplicationID": sqlFile(`PRAGMA application_id = 1179602244`),
			"UnmarkedWithTables": sqlFile(`CREATE TABLE notes (body TEXT)`),
			"NotSQLite": func(path string) error {
				return os.WriteFile(path, bytes.Repeat([]byte("Một Cửa "), 1000), 0o600)
			},
		} {
			t.Run(name, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "other.db")
				if err := setup(path); err != nil {
					t.Fatal(err)
				}
				before, _ := os.ReadFile(path)
				_, err := storage.Open(path)
				wantCoded(t, err, motcua.KindInvalid, storage.ErrNotOurs)
				if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
					t.Fatal("opening another application's file changed it")
				}
			})
		}
	})
	t.Run("ErrDataDir", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "not-a-dir")
		if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		cases := map[string]struct{ path, rule string }{
			"Uncreatable": {filepath.Join(file, "data", "motcua.db"), "không tạo được"},
		}
		switch {
		case os.Geteuid() != 0:
			ro := filepath.Join(t.TempDir(), "ro")
			if err := os.Mkdir(ro, 0o500); err != nil {
				t.Fatal(err)
			}
			cases["NotWritable"] = struct{ path, rule string }{filepath.Join(ro, "motcua.db"), "không ghi được"}
		case runtime.GOOS == "linux":
			// Root writes anywhere, except into sysfs.
			cases["NotWritable"] = struct{ path, rule string }{"/sys/kernel/motcua.db", "không ghi được"}
		}
		for name, c := range cases {
			t.Run(name, func(t *testing.T) {
				_, err := storage.Open(c.path)
				e := wantCoded(t, err, motcua.KindInvalid, storage.ErrDataDir)
				if e.Field != "data" || !strings.HasPrefix(e.Msg, "Thư mục dữ liệu ") || !strings.Contains(e.Msg, c.rule) {
					t.Fatalf("field %q, message %q; want data, «Thư mục dữ liệu … %s»", e.Field, e.Msg, c.rule)
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

// TestDatabaseClosedToOthers: the database file and its WAL are not
// readable by other users of the PC (SQLite creates them 0644 under the
// usual umask), on a new database and on one an older build left 0644;
// the group's bits (the officers' group an installer may set) are kept.
func TestDatabaseClosedToOthers(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no permission bits: the data folder's ACL protects it")
	}
	path := filepath.Join(t.TempDir(), "motcua.db")
	s := MustOpenPath(t, path)
	mustAccept(t, s, newDossier(day))
	for _, p := range []string{path, path + "-wal"} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm()&0o007 != 0 {
			t.Fatalf("%s: %v %v, want no permission for others", p, fi.Mode().Perm(), err)
		}
	}
	s.Close()
	if err := os.Chmod(path, 0o664); err != nil { // as an older build left it, with a group
		t.Fatal(err)
	}
	s = MustOpenPath(t, path)
	defer s.Close()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o660 {
		t.Fatalf("reopened: mode %v, want 0660", fi.Mode().Perm())
	}
}
