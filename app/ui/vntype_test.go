package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"golang.org/x/text/unicode/norm"

	"motcua/app/accounts"
	"motcua/app/ui"
)

// typeWord runs a key sequence through Compose as the field does: each key
// either rewrites the word before the cursor or is inserted as typed.
func typeWord(mode ui.TypingMode, keys string) string {
	var out []rune
	for _, k := range keys {
		start := len(out)
		for start > 0 && out[start-1] != ' ' {
			start--
		}
		if w, ok := ui.Compose(mode, out[start:], k); ok {
			out = append(out[:start], w...)
			continue
		}
		out = append(out, k)
		if w, ok := ui.Retone(out[start:]); ok {
			out = append(out[:start], w...)
		}
	}
	return string(out)
}

func TestCompose(t *testing.T) {
	for _, c := range []struct {
		mode      ui.TypingMode
		keys, out string
	}{
		{ui.TypingTelex, "Nguyeenx Thij Anhs", "Nguyễn Thị Ánh"},
		{ui.TypingTelex, "Traanf Vawn Bifnh", "Trần Văn Bình"},
		{ui.TypingTelex, "DDoox Thij Huwowng Giang", "Đỗ Thị Hương Giang"},
		{ui.TypingTelex, "nguwowif", "người"},
		{ui.TypingTelex, "Hoaf Thuys", "Hòa Thúy"},
		{ui.TypingTelex, "hoafn", "hoàn"}, // the tone moves when a final consonant follows
		{ui.TypingTelex, "quas gias gif", "quá giá gì"},
		{ui.TypingTelex, "Quangr Phus", "Quảng Phú"},
		{ui.TypingTelex, "khuyeets", "khuyết"},
		{ui.TypingTelex, "tw", "tư"},
		{ui.TypingTelex, "ddaay laf ddaau", "đây là đâu"},
		{ui.TypingTelex, "ass", "as"},    // a second mark key undoes
		{ui.TypingTelex, "aaa", "aa"},    // and leaves the letter
		{ui.TypingTelex, "ddd", "dd"},    // also for đ
		{ui.TypingTelex, "asf", "à"},     // another tone replaces
		{ui.TypingTelex, "asz", "a"},     // z clears the tone
		{ui.TypingTelex, "Bobf", "Bobf"}, // not a Vietnamese syllable: left alone
		{ui.TypingTelex, "Anna", "Anna"},
		{ui.TypingTelex, "0912345678", "0912345678"},
		{ui.TypingVNI, "Nguye6n4 Thi5 Anh1", "Nguyễn Thị Ánh"},
		{ui.TypingVNI, "D9o64 Thi5 Hu7o7ng Giang", "Đỗ Thị Hương Giang"},
		{ui.TypingVNI, "Tra6n2 Va8n Bi2nh", "Trần Văn Bình"},
		{ui.TypingVNI, "a11", "a1"},
		{ui.TypingOff, "Nguyeenx", "Nguyeenx"},
	} {
		got := typeWord(c.mode, c.keys)
		if got != c.out {
			t.Errorf("%s %q = %q, want %q", c.mode, c.keys, got, c.out)
		}
		if !norm.NFC.IsNormalString(got) {
			t.Errorf("%q is not NFC", got)
		}
	}
}

// TestTypingInFields types into the real name field, with the built-in
// Telex mode and as Unikey does it (backspaces, then Unicode letters,
// precomposed or with combining marks).
func TestTypingInFields(t *testing.T) {
	s := newStation(t, true)
	s.user("lan.nt", "Nguyễn Thị Lan", accounts.RoleOfficer, "matkhau-lan")
	m := s.signIn("lan.nt", "matkhau-lan")
	in := m.Frame.Intake

	t.Run("Telex", func(t *testing.T) {
		m.Frame.Settings.Typing.SetSelected("Telex")
		m.Frame.Settings.SavePrefs.OnTapped()
		in.Name.SetText("")
		s.win.Canvas().Focus(in.Name)
		typeKeys(in.Name, "Nguyeenx Thij Anhs")
		if in.Name.Text != "Nguyễn Thị Ánh" {
			t.Fatalf("Telex: %q", in.Name.Text)
		}
		// Codes and numbers are never composed.
		in.IDNumber.SetText("")
		typeKeys(in.IDNumber, "001190123456")
		in.Phone.SetText("")
		typeKeys(in.Phone, "0912aas")
		if in.Phone.Text != "0912aas" {
			t.Fatalf("the phone field composed letters: %q", in.Phone.Text)
		}
		// Editing in the middle: the cursor moves back, a tone lands on the word before it.
		in.Address.SetText("")
		typeKeys(in.Address, "Thoon 2")
		in.Address.CursorColumn = 4
		typeKeys(in.Address, "f")
		if in.Address.Text != "Thồn 2" {
			t.Fatalf("mid-text: %q", in.Address.Text)
		}
	})
	t.Run("VNI", func(t *testing.T) {
		m.Frame.Settings.Typing.SetSelected("VNI")
		m.Frame.Settings.SavePrefs.OnTapped()
		in.Name.SetText("")
		typeKeys(in.Name, "Nguye6n4 Thi5 Anh1")
		if in.Name.Text != "Nguyễn Thị Ánh" {
			t.Fatalf("VNI: %q", in.Name.Text)
		}
	})
	t.Run("Unikey", func(t *testing.T) {
		m.Frame.Settings.Typing.SetSelected(m.Frame.Settings.Typing.Options[0])
		m.Frame.Settings.SavePrefs.OnTapped()
		// Unikey in Unicode mode: "Nguye" "e"→ ⌫ "ê", "n", "x" → ⌫⌫ "ễn".
		in.Name.SetText("")
		typeKeys(in.Name, "Nguye\bên\b\bễn Thi\bị A\bÁnh")
		if in.Name.Text != "Nguyễn Thị Ánh" {
			t.Fatalf("Unikey precomposed: %q", in.Name.Text)
		}
		// Unikey in "Unicode tổ hợp" sends combining marks: stored as NFC.
		in.Name.SetText("")
		typeKeys(in.Name, "Nguye\u0302\u0303n Thi\u0323 A\u0301nh")
		if got := norm.NFC.String(in.Name.Text); got != "Nguyễn Thị Ánh" {
			t.Fatalf("Unikey combining: %q", got)
		}
	})
	t.Run("AltZ", func(t *testing.T) {
		s.win.Canvas().Focus(in.Name)
		shortcut(s.win, fyne.KeyModifierAlt, fyne.KeyZ)
		if !strings.Contains(m.Frame.Status.Typing.Text, "Telex") {
			t.Fatalf("Alt+Z from the system input method: %q", m.Frame.Status.Typing.Text)
		}
	})
}
