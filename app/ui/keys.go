package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// Keys routes the window's keyboard commands. Fyne hands a key to the
// focused widget and never to the window, so the F-keys would die in
// whatever field has the focus: every focusable widget of this package
// (Entry, Button) passes the keys it does not use to the router, and the
// canvas passes the rest when nothing is focused.
//
// Global keys (F2 intake, F3 dossiers, …) are always on; screen keys
// (Ctrl+Enter accept, Esc back) belong to the screen on show.
type Keys struct {
	global, screen map[string]func()
	activity       func()
	// suspended: the lock screen is up, the frame's keys must not reach
	// what it hides.
	suspended bool
	// modal: a question is up (Ask); only its keys run.
	modal map[string]func()
	// explain says why a disabled button cannot be pressed (Button.Why).
	explain func(why string)
}

func newKeys(activity func()) *Keys {
	return &Keys{global: map[string]func(){}, screen: map[string]func(){}, activity: activity}
}

// keyName names a plain key ("F2") or a shortcut ("CustomDesktop:Control+Return").
func keyName(k fyne.KeyName) string { return "key:" + string(k) }

func ctrl(k fyne.KeyName) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierControl}
}

func alt(k fyne.KeyName) *desktop.CustomShortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierAlt}
}

// Global binds a key or shortcut for the whole window.
func (k *Keys) Global(name string, fn func()) { k.global[name] = fn }

// SetScreen replaces the screen's bindings.
func (k *Keys) SetScreen(m map[string]func()) {
	if m == nil {
		m = map[string]func(){}
	}
	k.screen = m
}

func (k *Keys) run(name string) bool {
	if k.modal != nil {
		fn, ok := k.modal[name]
		if ok {
			fn()
		}
		return ok
	}
	if k.suspended {
		return false
	}
	fn, ok := k.screen[name]
	if !ok {
		fn, ok = k.global[name]
	}
	if !ok {
		return false
	}
	if k.activity != nil {
		k.activity()
	}
	fn()
	return true
}

// Key runs the binding of a plain key, if any.
func (k *Keys) Key(ev *fyne.KeyEvent) bool {
	if k == nil {
		return false
	}
	return k.run(keyName(ev.Name))
}

// Shortcut runs the binding of a shortcut, if any.
func (k *Keys) Shortcut(s fyne.Shortcut) bool {
	if k == nil {
		return false
	}
	return k.run(s.ShortcutName())
}

// install makes the canvas pass unfocused keys and shortcuts to k.
func (k *Keys) install(c fyne.Canvas) {
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) { k.Key(ev) })
	// Shortcuts the canvas sees when no Shortcutable widget is focused.
	for _, s := range allShortcuts {
		c.AddShortcut(s, func(sc fyne.Shortcut) { k.Shortcut(sc) })
	}
}

// allShortcuts are every shortcut the screens use.
var allShortcuts = []fyne.Shortcut{
	ctrl(fyne.KeyReturn), ctrl(fyne.KeyEnter), ctrl(fyne.KeyB), ctrl(fyne.KeyR), ctrl(fyne.KeyP), ctrl(fyne.KeyO),
	ctrl(fyne.KeyL), ctrl(fyne.KeyF), ctrl(fyne.KeyS), ctrl(fyne.KeyN), ctrl(fyne.KeyE), ctrl(fyne.KeyK), ctrl(fyne.KeyU),
	ctrl(fyne.KeyT), ctrl(fyne.KeyH), ctrl(fyne.KeyQ), ctrl(fyne.KeyD), ctrl(fyne.KeyM), ctrl(fyne.KeyG), ctrl(fyne.KeyW), ctrl(fyne.KeyI),
	signOutKey,
	ctrl(fyne.Key1), ctrl(fyne.Key2), ctrl(fyne.Key3), ctrl(fyne.Key4), ctrl(fyne.Key5), ctrl(fyne.Key6), ctrl(fyne.Key7), ctrl(fyne.Key8),
	alt(fyne.KeyZ),
}

// signOutKey is "Đăng xuất", Ctrl+Shift+L: next to Ctrl+L (lock), out of
// reach of a slip.
var signOutKey = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierControl | fyne.KeyModifierShift}

func sc(s fyne.Shortcut) string { return s.ShortcutName() }

// Button is a widget.Button that also presses on Enter and passes the
// window's keys on.
type Button struct {
	widget.Button
	keys *Keys
	// Why says why the button is disabled; pressing it then explains
	// (see disableWhy) instead of doing nothing.
	Why string
}

// disableWhy disables the button; a click on it, or its shortcut (see
// pressOrExplain), says why.
func (b *Button) disableWhy(why string) {
	b.Why = why
	b.Disable()
}

// Tapped presses the button, or says why it is disabled.
func (b *Button) Tapped(ev *fyne.PointEvent) {
	if b.Disabled() {
		b.explainWhy()
		return
	}
	b.Button.Tapped(ev)
}

func (b *Button) explainWhy() {
	if b.Why != "" && b.keys != nil && b.keys.explain != nil {
		b.keys.explain(b.Why)
	}
}

// pressOrExplain is what a button's shortcut does: press it when enabled,
// else say why not.
func (b *Button) pressOrExplain() {
	if b.Disabled() {
		b.explainWhy()
		return
	}
	b.OnTapped()
}

func newButton(keys *Keys, label string, tapped func()) *Button {
	b := &Button{keys: keys}
	b.Text = label
	b.OnTapped = func() {
		if keys != nil && keys.activity != nil {
			keys.activity()
		}
		if tapped != nil {
			tapped()
		}
	}
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey presses the button on Enter or Space; other keys go to the window.
func (b *Button) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter, fyne.KeySpace:
		b.Tapped(nil)
	default:
		b.keys.Key(ev)
	}
}

// TypedShortcut passes the window's shortcuts on.
func (b *Button) TypedShortcut(s fyne.Shortcut) { b.keys.Shortcut(s) }

// TickBox is a widget.Check of a checklist that the keyboard runs: Up and
// Down move between the rows, a digit ticks row N (and goes there), Space
// ticks the row in focus; the window's keys pass on.
type TickBox struct {
	widget.Check
	keys *Keys
	// onKey and onRune handle the checklist's keys first; true: used.
	onKey  func(*fyne.KeyEvent) bool
	onRune func(rune) bool
}

func newTickBox(keys *Keys, label string, changed func(bool)) *TickBox {
	b := &TickBox{keys: keys}
	b.Text = label
	b.OnChanged = changed
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey moves through the checklist, or passes the key on.
func (b *TickBox) TypedKey(ev *fyne.KeyEvent) {
	if b.onKey != nil && b.onKey(ev) {
		return
	}
	b.keys.Key(ev)
}

// TypedRune ticks by number, or as a check does (Space).
func (b *TickBox) TypedRune(r rune) {
	if b.onRune != nil && b.onRune(r) {
		return
	}
	b.Check.TypedRune(r)
}

// TypedShortcut passes the window's shortcuts on.
func (b *TickBox) TypedShortcut(s fyne.Shortcut) { b.keys.Shortcut(s) }
