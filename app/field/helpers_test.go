package field_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"motcua"
	"motcua/app"
	"motcua/app/field"
	"motcua/app/syncing"
	"motcua/assets"
	"motcua/storage"
)

// Monday 23/11/2026 09:00 in the village: a working day.
var monday = time.Date(2026, 11, 23, 9, 0, 0, 0, motcua.Location)

const (
	agency   = "000.00.06.H56"
	cccdLine = "001190123456|012345678|Nguyễn Thị Ánh Tuyết|01011990|Nữ|Thôn 2, xã Quảng Phú|15042021"
	birth    = "1.001193" // Thủ tục đăng ký khai sinh: 7 checklist items
)

var (
	team    = app.Actor{Username: "hoa.tcn", Role: app.RoleOfficer}
	officer = app.Actor{Username: "lan.nt", Role: app.RoleOfficer}
	admin   = app.Actor{Username: "admin", Role: app.RoleAdmin}
)

// station is one PC of a test: its store, services and field service.
type station struct {
	t     *testing.T
	dir   string
	clock *motcua.FixedClock
	st    *storage.Store
	svc   *app.Service
	keys  *app.Keys
	fs    *field.Service
	// bundle keys (hex) as `motcua bundle keys` prints them
	sign, box string
}

// newStation makes a station of agency ag, number k of 3, with role.
func newStation(t *testing.T, clock *motcua.FixedClock, ag string, k int, role string) *station {
	t.Helper()
	ctx := context.Background()
	s := &station{t: t, dir: t.TempDir(), clock: clock}
	var err error
	if s.st, err = storage.Open(filepath.Join(s.dir, "motcua.db"), storage.WithClock(clock)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.st.Close() })
	cat, err := motcua.LoadCatalog(bytes.NewReader(assets.CatalogJSON))
	if err != nil {
		t.Fatal(err)
	}
	cal, err := app.LoadCalendar(ctx, s.st)
	if err != nil {
		t.Fatal(err)
	}
	s.svc = app.New(s.st, cal, cat)
	s.svc.Clock = clock
	if err := s.svc.Init(ctx, app.Station{AgencyID: ag, AgencyName: "UBND xã Quảng Phú", Station: motcua.Station{K: k, N: 3}}, "test"); err != nil {
		t.Fatal(err)
	}
	if err := s.svc.SetStationRole(ctx, admin, role); err != nil {
		t.Fatal(err)
	}
	if s.keys, err = app.LoadKeys(ctx, s.dir, s.st, motcua.Station{K: k, N: 3}.String(), "test"); err != nil {
		t.Fatal(err)
	}
	blobs, err := storage.OpenBlobs(s.dir)
	if err != nil {
		t.Fatal(err)
	}
	s.svc.Scans = &app.Scans{Attachments: s.st, Blobs: blobs, Signer: s.keys}
	fst, err := storage.OpenField(s.st, s.dir)
	if err != nil {
		t.Fatal(err)
	}
	s.fs = &field.Service{App: s.svc, Store: fst, SlipKey: s.keys.Priv}
	bk, err := syncing.StationKeys(ctx, s.st, "test")
	if err != nil {
		t.Fatal(err)
	}
	s.sign, s.box = bk.Sign, bk.Box
	return s
}

// pair is a field station (3/3) and the counter (1/3) of one commune,
// introduced to each other as the installer does: the counter trusts the
// field station's signing key, the field station addresses the counter's
// box key.
func pair(t *testing.T) (fieldSt, counter *station) {
	t.Helper()
	clock := motcua.NewFixedClock(monday)
	fieldSt = newStation(t, clock, agency, 3, app.StationField)
	counter = newStation(t, clock, agency, 1, app.StationCounter)
	introduce(t, fieldSt, counter)
	return fieldSt, counter
}

func introduce(t *testing.T, f, c *station) {
	t.Helper()
	ctx := context.Background()
	if err := syncing.Trust(ctx, c.st, "3/3", f.sign, app.OperatorActor("test")); err != nil {
		t.Fatal(err)
	}
	if err := f.fs.SetCounterKey(ctx, admin, c.box); err != nil {
		t.Fatal(err)
	}
}

// scanImage is a PNG of an A5 page at 200 dpi with a patch of noise, so
// its bytes are distinctive (the at-rest test looks for them).
func scanImage(t *testing.T, seed uint64) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 1170, 1660))
	for i := range img.Pix {
		img.Pix[i] = 235
	}
	r := rand.New(rand.NewPCG(seed, 7))
	for y := 100; y < 164; y++ {
		for x := 100; x < 164; x++ {
			img.SetGray(x, y, color.Gray{Y: uint8(r.IntN(256))})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// prepare prepares one dossier for the birth procedure with two documents.
func (s *station) prepare(seed uint64) *field.Prepared {
	s.t.Helper()
	p, err := s.fs.Prepare(context.Background(), field.PrepareRequest{
		By: team, CCCD: cccdLine, Applicant: motcua.Applicant{Phone: "0912345678"}, ProcedureCode: birth,
		Ticked: []int{0, 1, 2},
		Documents: []field.DocumentInput{
			{ComponentIndex: 0, Name: "to-khai.png", Data: scanImage(s.t, seed)},
			{ComponentIndex: 1, Name: "giay-chung-sinh.png", Data: scanImage(s.t, seed+1000)},
		},
		Notes:   "Bà cụ nhờ con gái đi nộp",
		Consent: field.Consent{Method: field.ConsentPaper, Note: "Phiếu đồng ý số 12, lưu tại tổ"},
	})
	if err != nil {
		s.t.Fatal(err)
	}
	return p
}

func (s *station) export(path string) *field.ExportResult {
	s.t.Helper()
	r, err := s.fs.Export(context.Background(), team, path, false)
	if err != nil {
		s.t.Fatal(err)
	}
	return r
}

// wantCode fails unless err is a motcua.Error with code.
func wantCode(t *testing.T, err error, code string) *motcua.Error {
	t.Helper()
	var e *motcua.Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("want error %s, got %v", code, err)
	}
	if e.Msg == "" || e.MsgEN == "" {
		t.Fatalf("error %s lacks its Vietnamese or English sentence: %+v", code, e)
	}
	return e
}

// audit returns the audit log's (action, subject, detail) rows read from
// the database file.
func (s *station) audit(action string) [][3]string {
	s.t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(s.dir, "motcua.db")+"?mode=ro")
	if err != nil {
		s.t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT action, subject, detail FROM audit WHERE action = ? ORDER BY seq`, action)
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	var out [][3]string
	for rows.Next() {
		var r [3]string
		if err := rows.Scan(&r[0], &r[1], &r[2]); err != nil {
			s.t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func appFilter() app.ListFilter { return app.ListFilter{} }
