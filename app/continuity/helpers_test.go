package continuity_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/app/continuity"
	"motcua/assets"
	"motcua/storage"
)

var ctx = context.Background()

const agency = "000.00.06.H56"

// fakeClock is a settable clock.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// env is a station on a real SQLite file with a fake clock.
type env struct {
	dir   string
	store *storage.Store
	app   *app.Service
	svc   *continuity.Service
	clock *fakeClock
}

// t0 is a Tuesday morning, a working day.
var t0 = time.Date(2026, 11, 24, 8, 0, 0, 0, motcua.Location)

func newEnv(tb testing.TB) *env {
	tb.Helper()
	return newEnvAt(tb, tb.TempDir(), motcua.Station{K: 1, N: 2})
}

func newEnvAt(tb testing.TB, dir string, st motcua.Station) *env {
	tb.Helper()
	clock := &fakeClock{t: t0}
	s, err := storage.Open(filepath.Join(dir, "motcua.db"), storage.WithClock(clock))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	cat, err := motcua.LoadCatalog(bytes.NewReader(assets.CatalogJSON))
	if err != nil {
		tb.Fatal(err)
	}
	cal, err := app.LoadCalendar(ctx, s)
	if err != nil {
		tb.Fatal(err)
	}
	a := app.New(s, cal, cat)
	a.Clock = clock
	if _, err := a.Identity(ctx); err != nil {
		if err := a.Init(ctx, app.Station{AgencyID: agency, AgencyName: "UBND xã Quảng Phú", Station: st}, "installer"); err != nil {
			tb.Fatal(err)
		}
	}
	svc, err := continuity.New(ctx, a, s)
	if err != nil {
		tb.Fatal(err)
	}
	return &env{dir: dir, store: s, app: a, svc: svc, clock: clock}
}

// intake accepts a dossier at the clock's time.
func (e *env) intake(tb testing.TB, i int) *motcua.Dossier {
	tb.Helper()
	d, err := e.app.Intake(ctx, app.IntakeRequest{ProcedureCode: "1.001022", By: canbo1,
		Applicant: motcua.Applicant{Name: fmt.Sprintf("Nguyễn Văn Số%d", i), IDNumber: fmt.Sprintf("0381850%05d", i)}})
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// ackAll marks every undelivered message acknowledged, as a delivery would.
func (e *env) ackAll(tb testing.TB) {
	tb.Helper()
	ms, err := e.store.OutboxUndelivered(ctx, 0, 100000)
	if err != nil {
		tb.Fatal(err)
	}
	var ops []storage.OutboxMarkOp
	for _, m := range ms {
		ops = append(ops, storage.OutboxMarkOp{ID: m.ID, State: storage.StateAcked})
	}
	if err := e.store.OutboxMarkMany(ctx, ops); err != nil {
		tb.Fatal(err)
	}
}

func codeOf(err error) string {
	var e *motcua.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := codeOf(err); got != code {
		tb.Fatalf("error code %q, want %q (err: %v)", got, code, err)
	}
}

var stationOne = motcua.Station{K: 1, N: 2}

var filterAll = app.ListFilter{}

func appReq(name, id string) app.IntakeRequest {
	return app.IntakeRequest{ProcedureCode: "1.001022", By: canbo1, Applicant: motcua.Applicant{Name: name, IDNumber: id}}
}

// canbo1 is the counter officer the tests act as.
var canbo1 = app.Actor{Username: "canbo1", Role: app.RoleOfficer}
