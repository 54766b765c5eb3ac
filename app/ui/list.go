package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"motcua"
	"motcua/app"
)

// DossierList shows the dossiers, newest first, with a search box.
type DossierList struct {
	win       fyne.Window
	svc       *app.Service
	SearchBox *widget.Entry
	Table     *widget.List
	Info      *widget.Label
	rows      []*motcua.Dossier
	content   fyne.CanvasObject
}

const listPage = 200

// NewDossierList builds the list screen.
func NewDossierList(win fyne.Window, svc *app.Service) *DossierList {
	l := &DossierList{win: win, svc: svc}
	l.SearchBox = widget.NewEntry()
	l.SearchBox.SetPlaceHolder("Tìm theo mã hồ sơ, họ tên, số CCCD, điện thoại, thủ tục (không cần dấu)")
	l.SearchBox.OnChanged = func(string) { l.Refresh() }
	l.Info = widget.NewLabel("")
	l.Table = widget.NewList(
		func() int { return len(l.rows) },
		func() fyne.CanvasObject {
			return container.NewGridWithColumns(5, widget.NewLabel("000.00.00.H00-000000-0000"), widget.NewLabel("Họ tên"),
				widget.NewLabel("Thủ tục"), widget.NewLabel("Trạng thái"), widget.NewLabel("Hẹn trả"))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			d := l.rows[i]
			cells := o.(*fyne.Container).Objects
			texts := []string{d.Code, d.Applicant.Name, d.Procedure.Name, d.Status.Name(), fmtTime(d.DueAt)}
			for k, t := range texts {
				lb := cells[k].(*widget.Label)
				lb.Truncation = fyne.TextTruncateEllipsis
				lb.SetText(t)
			}
			if d.Late(l.svc.Clock.Now()) {
				cells[4].(*widget.Label).Importance = widget.DangerImportance
			} else {
				cells[4].(*widget.Label).Importance = widget.MediumImportance
			}
			cells[4].Refresh()
		})
	header := container.NewGridWithColumns(5, bold("Mã hồ sơ"), bold("Người nộp"), bold("Thủ tục"), bold("Trạng thái"), bold("Hẹn trả"))
	l.content = container.NewBorder(container.NewVBox(l.SearchBox, header), l.Info, nil, nil, l.Table)
	l.Refresh()
	return l
}

func bold(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// Content is the screen's root object.
func (l *DossierList) Content() fyne.CanvasObject { return l.content }

// Rows returns the dossiers shown.
func (l *DossierList) Rows() []*motcua.Dossier { return l.rows }

// Refresh reloads the rows for the current search text.
func (l *DossierList) Refresh() {
	ctx := context.Background()
	q := strings.TrimSpace(l.SearchBox.Text)
	var (
		rows []*motcua.Dossier
		err  error
	)
	if q == "" {
		rows, err = l.svc.Store.List(ctx, app.ListFilter{Limit: listPage})
	} else {
		rows, err = l.svc.Store.Search(ctx, q, listPage)
	}
	if err != nil {
		l.Info.SetText(motcua.ErrorMessage(err))
		return
	}
	l.rows = rows
	l.Table.Refresh()
	total, _ := l.svc.Store.Count(ctx, app.ListFilter{})
	if q == "" {
		l.Info.SetText("Hiển thị " + itoa(len(rows)) + " / " + itoa(total) + " hồ sơ mới nhất")
	} else {
		l.Info.SetText("Tìm thấy " + itoa(len(rows)) + " hồ sơ")
	}
}
