package main

import (
	"context"
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"motcua"
	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/syncing"
	"motcua/app/ui"
	"motcua/scanning/pdfrender"
	"motcua/storage"
)

// gui opens the counter window and blocks until it is closed.
func (c *cli) gui(args []string) error {
	if err := c.startupCheck(); err != nil {
		return err
	}
	svc, err := c.open()
	if err != nil {
		return err
	}
	opt, err := c.uiOptions(context.Background(), svc)
	if err != nil {
		return err
	}
	c.wireScans(svc, opt.Keys)
	stopSync := c.startSync(svc)
	defer stopSync()
	stopContinuity, cs, bs := c.startContinuity(svc)
	defer stopContinuity()
	if cs != nil {
		opt.Incident = incidentLine(cs)
		opt.Continuity = cs
	}
	opt.Backups = bs
	// A drill's simulated outage pauses the real engine; with no province
	// configured there is nothing to pause and drills run as tabletop
	// exercises (the continuity screen says so).
	if r, ok := svc.Sync.(*syncing.Runner); ok && r.Configured() {
		opt.Outage = r.DrillOutage()
		opt.ProvinceCheck = r.ProvinceCheck()
	}
	opt.Inbox = c.startInbox(svc, opt.Keys)
	defer opt.Inbox.Stop()
	a := fyneapp.NewWithID("vn.motcua.counter")
	w := a.NewWindow("Một Cửa — Bộ phận tiếp nhận và trả kết quả")
	w.Resize(fyne.NewSize(1366, 740))
	m := ui.NewMain(w, svc, opt)
	defer m.Close()
	w.ShowAndRun()
	return nil
}

// uiOptions wires the window's services: the accounts, the station's
// signing key (created at the first start), where the forms are written.
func (c *cli) uiOptions(ctx context.Context, svc *app.Service) (ui.Options, error) {
	station := ""
	if id, err := svc.Identity(ctx); err == nil {
		station = id.Station.String()
	}
	keys, err := app.LoadKeys(ctx, c.data, c.store, station, "system")
	if err != nil {
		return ui.Options{}, err
	}
	return ui.Options{
		Accounts:  c.accounts(),
		Keys:      keys,
		PapersDir: filepath.Join(c.data, "papers"),
		Thumbs:    pdfrender.Isolated(),
	}, nil
}

// wireScans gives the window digitisation: the data directory's blob
// store and the window's station key. Wired on a new station too, so that
// the first session after set-up digitises without a restart (the key is
// the one the window signs its forms with). A blob store that cannot be
// opened leaves it off: the window says so where it is used.
func (c *cli) wireScans(svc *app.Service, keys *app.Keys) {
	if svc.Scans != nil {
		return
	}
	blobs, err := storage.OpenBlobs(c.data)
	if err != nil {
		fmt.Fprintln(c.errOut, "chức năng số hóa không mở được:", motcua.ErrorMessage(err))
		return
	}
	ctx := context.Background()
	svc.Scans = &app.Scans{Attachments: c.store, Blobs: blobs, Signer: keys, Limits: scanLimits(ctx, c.store)}
}

// accounts is the account service on the station's store and the
// program's clock.
func (c *cli) accounts() *accounts.Service {
	acc := accounts.New(c.store)
	acc.Clock = c.clock
	return acc
}
