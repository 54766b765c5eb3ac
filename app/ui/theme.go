package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// counterTheme is Fyne's light theme with the text scaled to the officer's
// choice and a sober blue as the primary colour. It is always light: a
// counter in daylight, a cheap screen.
type counterTheme struct{ scale float32 }

var _ fyne.Theme = (*counterTheme)(nil)

func newTheme(scale float32) *counterTheme {
	if scale < 0.8 || scale > 1.6 {
		scale = 1
	}
	return &counterTheme{scale: scale}
}

func (t *counterTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	switch n {
	case theme.ColorNamePrimary:
		return colInfo
	case theme.ColorNameFocus:
		return color.NRGBA{0x1F, 0x5F, 0xAD, 0x38}
	case theme.ColorNameInputBorder:
		// Unticked boxes and field borders visible on a cheap screen.
		return color.NRGBA{0x8C, 0x93, 0x9D, 0xFF}
	case theme.ColorNameDisabled:
		// Secondary text (notes, disabled buttons) must stay readable on a
		// washed-out laptop screen.
		return color.NRGBA{0x8C, 0x93, 0x9D, 0xFF}
	case theme.ColorNameSelection:
		return color.NRGBA{0x1F, 0x5F, 0xAD, 0x40}
	case theme.ColorNameHeaderBackground:
		return color.NRGBA{0xE8, 0xEE, 0xF5, 0xFF}
	case theme.ColorNameSuccess:
		return colOK
	case theme.ColorNameWarning:
		return colToday
	case theme.ColorNameError:
		return colLate
	}
	return theme.DefaultTheme().Color(n, theme.VariantLight)
}

func (t *counterTheme) Font(s fyne.TextStyle) fyne.Resource { return theme.DefaultTheme().Font(s) }

func (t *counterTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

func (t *counterTheme) Size(n fyne.ThemeSizeName) float32 {
	s := theme.DefaultTheme().Size(n)
	switch n {
	case theme.SizeNameText, theme.SizeNameHeadingText, theme.SizeNameSubHeadingText, theme.SizeNameCaptionText,
		theme.SizeNameInlineIcon:
		return s * t.scale
	}
	return s
}
