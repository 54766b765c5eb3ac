package ui

import (
	"regexp"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/text/unicode/norm"
)

// Typing is the shared state of the built-in Vietnamese input method.
type Typing struct{ Mode TypingMode }

// Entry is the text field of every screen: a widget.Entry that
//   - applies the built-in Telex/VNI mode when Vietnamese is on (names,
//     addresses, reasons — never codes, numbers or passwords), by sending
//     itself backspaces and Unicode characters exactly as Unikey would;
//   - passes the window's keys (F2…, Ctrl+Enter, Esc) to the router;
//   - hands Up/Down/Esc to OnKey first (pickers move their selection);
//   - notices a scanner's line typed into it (OnScan) so a scan never lands
//     in a name field by mistake.
type Entry struct {
	widget.Entry
	keys   *Keys
	typing *Typing
	// Vietnamese turns the built-in input method on for this field.
	Vietnamese bool
	// OnKey sees special keys first; it returns true when it used the key.
	OnKey func(*fyne.KeyEvent) bool
	// OnScan, when set, receives a scanner line (a chip-ID or Một Cửa QR)
	// submitted in this field; the field keeps what was typed before it.
	OnScan func(line string)
}

func newEntry(keys *Keys, typing *Typing) *Entry {
	e := &Entry{keys: keys, typing: typing}
	e.ExtendBaseWidget(e)
	e.Wrapping = fyne.TextWrapOff
	e.Scroll = 0
	return e
}

// newVNEntry is an Entry for Vietnamese text.
func newVNEntry(keys *Keys, typing *Typing) *Entry {
	e := newEntry(keys, typing)
	e.Vietnamese = true
	return e
}

func newPasswordEntry(keys *Keys) *Entry {
	e := newEntry(keys, nil)
	e.Password = true
	return e
}

func (e *Entry) touch() {
	if e.keys != nil && e.keys.activity != nil {
		e.keys.activity()
	}
}

func (e *Entry) mode() TypingMode {
	if e.typing == nil || !e.Vietnamese || e.Password {
		return TypingOff
	}
	return e.typing.Mode
}

// TypedRune inserts r, composing Vietnamese letters in Telex/VNI mode.
func (e *Entry) TypedRune(r rune) {
	e.touch()
	mode := e.mode()
	if mode == TypingOff || e.Disabled() || e.SelectedText() != "" {
		e.Entry.TypedRune(r)
		return
	}
	text := []rune(e.Text)
	cur := min(e.CursorTextOffset(), len(text))
	start := wordBefore(text, cur)
	old := text[start:cur]
	word := []rune(norm.NFC.String(string(old)))
	nw, ok := Compose(mode, word, r)
	if !ok {
		e.Entry.TypedRune(r)
		if w, ok := Retone(append(word, r)); ok {
			e.replaceBefore(len(old)+1, append(old, r), w)
		}
		return
	}
	e.replaceBefore(len(old), old, nw)
}

// replaceBefore turns the n runes before the cursor (old) into nw with
// backspaces and typed runes, keeping the common prefix.
func (e *Entry) replaceBefore(n int, old, nw []rune) {
	p := 0
	for p < len(old) && p < len(nw) && old[p] == nw[p] {
		p++
	}
	for range n - p {
		e.Entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	}
	for _, c := range nw[p:] {
		e.Entry.TypedRune(c)
	}
}

// TypedKey gives special keys to OnKey and the window's keys to the router.
func (e *Entry) TypedKey(ev *fyne.KeyEvent) {
	e.touch()
	if e.OnKey != nil && e.OnKey(ev) {
		return
	}
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if !e.MultiLine && e.OnScan != nil {
			if before, line, ok := splitScan(e.Text); ok {
				e.SetText(before)
				e.OnScan(line)
				return
			}
		}
	case fyne.KeyF1, fyne.KeyF2, fyne.KeyF3, fyne.KeyF4, fyne.KeyF5, fyne.KeyF6, fyne.KeyF7, fyne.KeyF8,
		fyne.KeyF9, fyne.KeyF10, fyne.KeyF11, fyne.KeyF12, fyne.KeyEscape:
		if e.keys.Key(ev) {
			return
		}
	}
	e.Entry.TypedKey(ev)
}

// TypedShortcut runs the window's shortcuts; the rest (copy, paste, undo…)
// are the field's.
func (e *Entry) TypedShortcut(s fyne.Shortcut) {
	e.touch()
	if e.keys.Shortcut(s) {
		return
	}
	e.Entry.TypedShortcut(s)
}

// scanRE finds a scanner line at the end of what a field holds: a chip-ID
// QR (12 digits, a bar, …) or a Một Cửa QR (MC1|… or its URL form).
var scanRE = regexp.MustCompile(`([0-9]{12}\|.*\|.*|(?:https?://[^\s#]*#)?MC1\|.*)$`)

// splitScan splits text into what was typed and a scanner line after it.
func splitScan(text string) (before, line string, ok bool) {
	loc := scanRE.FindStringIndex(text)
	if loc == nil {
		return text, "", false
	}
	return strings.TrimRight(text[:loc[0]], " "), text[loc[0]:], true
}
