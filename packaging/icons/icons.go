// Package icons embeds the application icon, so that a program built with
// plain `go build` (no `fyne package` metadata) still gives its window the
// icon: docks and task switchers show it instead of a generic one.
package icons

import _ "embed"

// PNG is motcua.png, the 1024×1024 source of every packaged icon size.
//
//go:embed motcua.png
var PNG []byte
