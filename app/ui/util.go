package ui

import (
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"

	"motcua"
)

func itoa(n int) string { return strconv.Itoa(n) }

func timeDate(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, motcua.Location)
}

// fmtTime renders a time as officers read it: 14:05 24/11/2026.
func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(motcua.Location).Format("15:04 02/01/2006")
}

// errText is a red message shown under a field.
func errText() *canvas.Text {
	t := canvas.NewText("", theme.Color(theme.ColorNameError))
	t.TextSize = theme.TextSize() * 0.9
	return t
}

func setErr(t *canvas.Text, msg string) {
	t.Text = msg
	t.Color = theme.Color(theme.ColorNameError)
	t.Refresh()
}

func strconvF(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

var desktopShortcutCtrlEnter = desktop.CustomShortcut{KeyName: fyne.KeyReturn, Modifier: fyne.KeyModifierControl}
