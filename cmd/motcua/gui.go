package main

import (
	"context"
	"path/filepath"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"motcua/app"
	"motcua/app/accounts"
	"motcua/app/ui"
)

// gui opens the counter window and blocks until it is closed.
func (c *cli) gui(args []string) error {
	svc, err := c.open()
	if err != nil {
		return err
	}
	opt, err := c.uiOptions(context.Background(), svc)
	if err != nil {
		return err
	}
	stopSync := c.startSync(svc)
	defer stopSync()
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
		Accounts:  accounts.New(c.store),
		Keys:      keys,
		PapersDir: filepath.Join(c.data, "papers"),
	}, nil
}
