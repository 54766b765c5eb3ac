package ui

import (
	"testing"

	"fyne.io/fyne/v2"
)

// The dossier screen's shortcuts: one key per action, none the driver
// turns into an editing shortcut (Ctrl+A/C/V/X/Y/Z never reach the
// window), none a global key, and each one routed by the canvas.
func TestActionKeys(t *testing.T) {
	reserved := map[fyne.KeyName]bool{fyne.KeyA: true, fyne.KeyC: true, fyne.KeyV: true, fyne.KeyX: true, fyne.KeyY: true, fyne.KeyZ: true}
	routed := map[string]bool{}
	for _, s := range allShortcuts {
		routed[sc(s)] = true
	}
	global := map[string]bool{sc(ctrl(fyne.KeyL)): true, sc(alt(fyne.KeyZ)): true, sc(signOutKey): true}
	seen := map[fyne.KeyName]string{}
	for id, k := range actionKeys {
		if prev, ok := seen[k]; ok {
			t.Errorf("Ctrl+%s is both %s and %s", k, prev, id)
		}
		seen[k] = id
		if reserved[k] {
			t.Errorf("%s: Ctrl+%s is the driver's editing shortcut", id, k)
		}
		if !routed[sc(ctrl(k))] {
			t.Errorf("%s: Ctrl+%s is not in allShortcuts", id, k)
		}
		if global[sc(ctrl(k))] {
			t.Errorf("%s: Ctrl+%s is a global key", id, k)
		}
	}
	if !routed[sc(signOutKey)] {
		t.Error("sign-out key not routed")
	}
}
