package assets

import "embed"

// Runbooks holds the continuity plan's default data, in Vietnamese:
// runbooks/scenario-<key>.json (one runbook per incident scenario: ordered
// steps with the responsible role), roles.json, contacts.json (a template the
// commune fills in) and plan.json (the plan's structure). A province replaces
// runbooks with `motcua runbook import FILE`; the commune edits contacts.
//
//go:embed runbooks/*.json
var Runbooks embed.FS
