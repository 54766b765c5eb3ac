package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/storage"
)

// childEnv switches the test binary into a child process (see children_test.go):
// the multi-process tests re-execute os.Args[0] with it set.
const childEnv = "MOTCUA_STORAGE_CHILD"

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		if err := runChild(mode); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	cleanupBench()
	os.Exit(code)
}

const agency = "000.00.06.H56"

var ctx = context.Background()

// MustOpen opens a new store in a fresh temporary directory.
func MustOpen(tb testing.TB) *storage.Store {
	tb.Helper()
	return MustOpenPath(tb, filepath.Join(tb.TempDir(), "motcua.db"))
}

// MustOpenPath opens the store at path and closes it at the end of the test.
func MustOpenPath(tb testing.TB, path string) *storage.Store {
	tb.Helper()
	s, err := storage.Open(path)
	if err != nil {
		tb.Fatalf("Open(%s): %v", path, err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// rawDB opens a plain connection to the store's file, for checks and tampering
// the API does not allow.
func rawDB(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite", path+"?_busy_timeout=10000")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func queryInt(tb testing.TB, db *sql.DB, q string, args ...any) int {
	tb.Helper()
	var n int
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", q, err)
	}
	return n
}

// day is 24 Nov 2026, 08:30 Vietnam time: codes of that day read …-261124-….
var day = time.Date(2026, 11, 24, 8, 30, 0, 0, motcua.Location)

// newDossier is a birth registration received at t, accepted at the counter.
func newDossier(t time.Time) *motcua.Dossier {
	return &motcua.Dossier{
		Procedure: motcua.ProcedureRef{Code: "1.001193", Name: "Đăng ký khai sinh", Field: "Hộ tịch"},
		Channel:   motcua.ChannelDirect,
		Applicant: motcua.Applicant{Name: "Nguyễn Thị Ánh Tuyết", IDNumber: "001190012345", DOB: "1990-05-17",
			Gender: "Nữ", Address: "Thôn Đông, xã Yên Sở", Phone: "0912 345 678", Email: "tuyet@example.vn",
			SubjectType: motcua.SubjectCitizen},
		Summary: "Khai sinh cho con thứ hai",
		Components: []motcua.Component{
			{Name: "Tờ khai đăng ký khai sinh", Original: 1},
			{Name: "Giấy chứng sinh", Original: 1, Copy: 1},
		},
		Fee:        8000,
		ReceivedAt: t,
		DueAt:      t.Add(24 * time.Hour),
		Status:     motcua.StatusReceived,
		Officer:    "canbo.lan",
		History: []motcua.HistoryEntry{{At: t, Actor: "canbo.lan", Action: "accept",
			From: motcua.StatusNew, To: motcua.StatusReceived, Note: "Tiếp nhận tại quầy"}},
	}
}

func auditOf(actor string) app.AuditEntry {
	return app.AuditEntry{Actor: actor, Detail: "test"}
}

// mustAccept accepts d as station 1/1.
func mustAccept(tb testing.TB, s *storage.Store, d *motcua.Dossier) *motcua.Dossier {
	tb.Helper()
	if err := s.Accept(ctx, d, agency, motcua.Station{K: 1, N: 1}, auditOf("canbo.lan")); err != nil {
		tb.Fatalf("Accept: %v", err)
	}
	return d
}

// wantCoded fails unless err carries a coded error of kind and code.
func wantCoded(tb testing.TB, err error, kind motcua.Kind, code string) *motcua.Error {
	tb.Helper()
	e, ok := motcua.AsError(err)
	if !ok {
		tb.Fatalf("err = %v, want a coded %s %s error", err, kind, code)
	}
	if e.Kind != kind || e.Code != code {
		tb.Fatalf("err = %s/%s (%v), want %s/%s", e.Kind, e.Code, err, kind, code)
	}
	return e
}

func auditBreak(tb testing.TB, err error) *storage.AuditBreak {
	tb.Helper()
	wantCoded(tb, err, motcua.KindInternal, storage.ErrAuditBroken)
	var b *storage.AuditBreak
	if !errors.As(err, &b) {
		tb.Fatalf("err = %v, want an *AuditBreak inside", err)
	}
	return b
}
