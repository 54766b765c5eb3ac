// Package assets holds the data files built into the app.
package assets

import "embed"

// HolidaysFS holds the holiday tables, holidays/*.json, in the format read by
// motcua.LoadHolidayTable: a template for a province that keeps its own, and
// the source of the domain's built-in table (which embeds the same files).
//
//go:embed holidays/*.json
var HolidaysFS embed.FS
