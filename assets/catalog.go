// Package assets holds the data embedded in the binary: the procedure
// catalogue seed and, later, fonts, holiday calendars, form templates and
// runbooks. It has no logic; the domain package parses what it holds.
package assets

import _ "embed"

// CatalogJSON is the seed procedure catalogue (motcua.LoadCatalog reads it).
// It is dated, editable configuration: each entry says in "confirmed" and
// "source" how far its code and data were checked.
//
//go:embed catalog/procedures.json
var CatalogJSON []byte
