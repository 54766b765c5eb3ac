// Package assets holds the data embedded in the binary: fonts with
// Vietnamese coverage, form templates, seeds and other files the app ships.
package assets

import _ "embed"

// Noto Serif 2.004 (SIL Open Font License 1.1, see fonts/OFL.txt): a serif
// face close to the Times look of official documents, covering every
// Vietnamese precomposed letter. Regular, bold and italic only — the forms
// need no bold italic, and each face adds about 600 kB to the binary.
var (
	//go:embed fonts/NotoSerif-Regular.ttf
	NotoSerifRegular []byte
	//go:embed fonts/NotoSerif-Bold.ttf
	NotoSerifBold []byte
	//go:embed fonts/NotoSerif-Italic.ttf
	NotoSerifItalic []byte
	//go:embed fonts/OFL.txt
	FontLicence string
)
