package ui_test

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"motcua/app/ui"
)

// At 1366×697, in both languages, every placeholder of the intake form
// fits inside its field. A lower bound only: the test driver measures text
// narrower than the GL window draws it (the old 46-character scan hint
// passed here and was cut on screen), so the screenshot tour is the proof
// at full scale; this catches a hint grown past its field.
func TestIntakePlaceholdersFit(t *testing.T) {
	for _, lang := range []string{"vi", "en"} {
		t.Run(lang, func(t *testing.T) {
			s, m := officer(t)
			if lang == "en" {
				key(s.win, fyne.KeyF6)
				m.Frame.Settings.Lang.SetSelected("English")
				test.Tap(m.Frame.Settings.SavePrefs)
				key(s.win, fyne.KeyF2)
			}
			s.win.Resize(fyne.NewSize(1366, 697))
			in := m.Frame.Intake
			for _, e := range []*ui.Entry{in.Scan, in.ProcQuery, in.DOB, in.Reason, in.Extra} {
				ph := e.PlaceHolder
				need := fyne.MeasureText(ph, theme.TextSize(), fyne.TextStyle{Italic: true}).Width + 2*theme.InnerPadding()
				if have := e.Size().Width; need > have {
					t.Errorf("placeholder %q needs %.0f px, the field has %.0f", ph, need, have)
				}
			}
		})
	}
}
