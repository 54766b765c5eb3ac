package main

import (
	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"motcua/app/ui"
)

// gui opens the counter window and blocks until it is closed.
func (c *cli) gui(args []string) error {
	svc, err := c.open()
	if err != nil {
		return err
	}
	stopSync := c.startSync(svc)
	defer stopSync()
	a := fyneapp.NewWithID("vn.motcua.counter")
	w := a.NewWindow("Một Cửa — Bộ phận tiếp nhận và trả kết quả")
	w.Resize(fyne.NewSize(1366, 740))
	ui.NewMain(w, svc)
	w.ShowAndRun()
	return nil
}
