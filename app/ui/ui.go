// Package ui is the Fyne window of the counter. One struct per screen, each
// taking its services and the window; background work reaches widgets only
// through fyne.Do. It never imports storage/ or sync/.
package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua"
	"motcua/app"
)

// Main is the counter window: the first-run setup when the station is not
// initialised, then the intake form and the dossier list.
type Main struct {
	win    fyne.Window
	svc    *app.Service
	Intake *Intake
	List   *DossierList
	Setup  *Setup
	tabs   *container.AppTabs
	status *widget.Label
}

// NewMain builds the window's content for svc.
func NewMain(win fyne.Window, svc *app.Service) *Main {
	m := &Main{win: win, svc: svc, status: widget.NewLabel("")}
	if _, err := svc.Identity(context.Background()); err != nil {
		m.Setup = NewSetup(win, svc, m.showCounter)
		win.SetContent(m.Setup.Content())
		return m
	}
	m.showCounter()
	return m
}

func (m *Main) showCounter() {
	m.List = NewDossierList(m.win, m.svc)
	m.Intake = NewIntake(m.win, m.svc, func(d *motcua.Dossier) {
		m.List.Refresh()
		m.refreshStatus()
	})
	m.tabs = container.NewAppTabs(
		container.NewTabItem("Tiếp nhận hồ sơ (F2)", m.Intake.Content()),
		container.NewTabItem("Danh sách hồ sơ (F3)", m.List.Content()),
	)
	m.tabs.OnSelected = func(t *container.TabItem) {
		if t.Content == m.List.Content() {
			m.List.Refresh()
		}
	}
	m.refreshStatus()
	m.win.SetContent(container.NewBorder(nil, m.status, nil, nil, m.tabs))
	m.win.Canvas().SetOnTypedKey(m.onKey)
	m.win.Canvas().Focus(m.Intake.Scan)
}

func (m *Main) onKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyF2:
		m.tabs.SelectIndex(0)
		m.win.Canvas().Focus(m.Intake.Scan)
	case fyne.KeyF3:
		m.tabs.SelectIndex(1)
		m.win.Canvas().Focus(m.List.SearchBox)
	}
}

// refreshStatus fills the status bar: agency, station, connectivity and
// today's count.
func (m *Main) refreshStatus() {
	ctx := context.Background()
	id, err := m.svc.Identity(ctx)
	if err != nil {
		m.status.SetText(motcua.ErrorMessage(err))
		return
	}
	now := m.svc.Clock.Now()
	y, mo, d := now.Date()
	start := timeDate(y, mo, d)
	n, _ := m.svc.Store.Count(ctx, app.ListFilter{ReceivedFrom: start, ReceivedTo: start.AddDate(0, 0, 1)})
	m.status.SetText(id.AgencyName + " · " + id.AgencyID + " · máy " + id.Station.String() +
		" · Ngoại tuyến: chưa cấu hình máy chủ tỉnh, hồ sơ được lưu và xếp hàng chờ gửi · Hôm nay: " + itoa(n) + " hồ sơ")
}
