package assets

import "embed"

// Forms holds the built-in legal profiles of the counter forms,
// forms/<profile>.json (format: forms/README.md). A province replaces one by
// giving the app its own file; these are the defaults.
//
//go:embed forms/*.json forms/README.md
var Forms embed.FS
