package cli

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"motcua"
	"motcua/app"
)

// TestGUIWiresScans: the window gets digitisation (blob store and station
// key) on a station that is set up, and on a new one too: the first
// session after set-up attaches scans without a restart.
func TestGUIWiresScans(t *testing.T) {
	c := &cli{data: initStation(t), out: io.Discard, errOut: io.Discard}
	defer c.close()
	svc, err := c.open()
	if err != nil {
		t.Fatal(err)
	}
	opt, err := c.uiOptions(context.Background(), svc)
	if err != nil {
		t.Fatal(err)
	}
	c.wireScans(svc, opt.Keys)
	if svc.Scans == nil || svc.Scans.Blobs == nil || svc.Scans.Signer == nil || svc.Scans.Attachments == nil {
		t.Fatalf("scans not wired: %+v", svc.Scans)
	}

	var errb bytes.Buffer
	fresh := &cli{data: t.TempDir(), out: io.Discard, errOut: &errb}
	defer fresh.close()
	svc, err = fresh.open()
	if err != nil {
		t.Fatal(err)
	}
	svc.Clock = motcua.NewFixedClock(time.Date(2026, 11, 23, 9, 0, 0, 0, motcua.Location))
	opt, err = fresh.uiOptions(context.Background(), svc)
	if err != nil {
		t.Fatal(err)
	}
	fresh.wireScans(svc, opt.Keys)
	if svc.Scans == nil || errb.Len() != 0 {
		t.Fatalf("new station: scans %+v, stderr %q", svc.Scans, errb.String())
	}
	// Set-up in the window, then the first dossier and its scan, in the
	// same session.
	ctx := context.Background()
	if err := svc.Init(ctx, app.Station{AgencyID: "000.00.06.H56", AgencyName: "UBND xã Quảng Phú", Station: motcua.Station{K: 1, N: 1}}, "admin"); err != nil {
		t.Fatal(err)
	}
	d, err := svc.Intake(ctx, app.IntakeRequest{ProcedureCode: "2.000815", By: app.Actor{Username: "admin", Role: app.RoleAdmin},
		Applicant: motcua.Applicant{Name: "Nguyễn Thị Ánh Tuyết", IDNumber: "001190123456"}})
	if err != nil {
		t.Fatal(err)
	}
	scan := filepath.Join(t.TempDir(), "to-khai.jpg")
	scanJPEG(t, scan, 200)
	if _, err := svc.Attach(ctx, d.Code, 0, []string{scan}, "admin"); err != nil {
		t.Fatalf("digitisation in the first session after set-up: %v", err)
	}
}
