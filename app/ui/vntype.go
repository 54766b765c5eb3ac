package ui

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// TypingMode is the built-in Vietnamese input method of the text fields, for
// counter PCs without Unikey/EVKey. Fyne has no input-method composition, but
// those tools do not need it: they send backspaces and Unicode characters,
// which every field accepts. The built-in mode does the same inside the field.
type TypingMode string

const (
	TypingOff   TypingMode = ""      // the system's input method (Unikey, EVKey) or none
	TypingTelex TypingMode = "telex" // aa â, aw ă, ee ê, oo ô, ow ơ, uw ư, dd đ; s f r x j tones, z clears
	TypingVNI   TypingMode = "vni"   // 6 â ê ô, 7 ơ ư, 8 ă, 9 đ; 1–5 tones, 0 clears
)

// The parts of a Vietnamese letter: its base, a shape mark and a tone mark.
const (
	shapeNone = iota
	shapeCirc // â ê ô
	shapeBreve
	shapeHorn // ơ ư
	shapeStroke
)

const (
	toneNone = iota
	toneAcute
	toneGrave
	toneHook
	toneTilde
	toneDot
)

var shapeMarks = [...]rune{shapeCirc: '\u0302', shapeBreve: '\u0306', shapeHorn: '\u031B'}
var toneMarks = [...]rune{toneAcute: '\u0301', toneGrave: '\u0300', toneHook: '\u0309', toneTilde: '\u0303', toneDot: '\u0323'}

// letter is one character taken apart.
type letter struct {
	base  rune // lower case a–z
	shape int
	tone  int
	upper bool
	other rune // not a Latin letter we know: kept as is
}

func split(r rune) letter {
	switch r {
	case 'đ':
		return letter{base: 'd', shape: shapeStroke}
	case 'Đ':
		return letter{base: 'd', shape: shapeStroke, upper: true}
	}
	var l letter
	for i, c := range norm.NFD.String(string(r)) {
		if i == 0 {
			if c > unicode.MaxASCII || !unicode.IsLetter(c) {
				return letter{other: r}
			}
			l.upper = unicode.IsUpper(c)
			l.base = unicode.ToLower(c)
			continue
		}
		switch c {
		case shapeMarks[shapeCirc]:
			l.shape = shapeCirc
		case shapeMarks[shapeBreve]:
			l.shape = shapeBreve
		case shapeMarks[shapeHorn]:
			l.shape = shapeHorn
		default:
			found := false
			for t := toneAcute; t <= toneDot; t++ {
				if c == toneMarks[t] {
					l.tone, found = t, true
				}
			}
			if !found {
				return letter{other: r}
			}
		}
	}
	return l
}

func (l letter) rune() rune {
	if l.other != 0 {
		return l.other
	}
	b := l.base
	if l.upper {
		b = unicode.ToUpper(b)
	}
	if l.shape == shapeStroke {
		if l.upper {
			return 'Đ'
		}
		return 'đ'
	}
	s := string(b)
	if l.shape != shapeNone {
		s += string(shapeMarks[l.shape])
	}
	if l.tone != toneNone {
		s += string(toneMarks[l.tone])
	}
	r := []rune(norm.NFC.String(s))
	if len(r) != 1 {
		return b
	}
	return r[0]
}

func isVowel(l letter) bool { return l.other == 0 && strings.ContainsRune("aeiouy", l.base) }

// finals are the consonant endings of a Vietnamese syllable.
var finals = map[string]bool{"": true, "c": true, "ch": true, "m": true, "n": true, "ng": true, "nh": true, "p": true, "t": true}

// syllable is a word split around its vowel nucleus: ls[start:end] are the
// vowels that carry the marks, ls[end:] the final consonants.
type syllable struct {
	ls         []letter
	start, end int
}

func parse(word []rune) (syllable, bool) {
	s := syllable{ls: make([]letter, len(word))}
	for i, r := range word {
		s.ls[i] = split(r)
		if s.ls[i].other != 0 {
			return s, false
		}
	}
	// The nucleus is the last run of vowels.
	end := -1
	for i := len(s.ls) - 1; i >= 0; i-- {
		if isVowel(s.ls[i]) {
			end = i + 1
			break
		}
	}
	if end < 0 {
		return s, false
	}
	start := end - 1
	for start > 0 && isVowel(s.ls[start-1]) {
		start--
	}
	// "qu" and "gi" (before another vowel) are consonants.
	if end-start > 1 && start > 0 {
		prev := s.ls[start-1].base
		if (prev == 'q' && s.ls[start].base == 'u') || (prev == 'g' && s.ls[start].base == 'i') {
			start++
		}
	}
	var fin strings.Builder
	for _, l := range s.ls[end:] {
		fin.WriteRune(l.base)
	}
	if !finals[fin.String()] {
		return s, false
	}
	s.start, s.end = start, end
	return s, true
}

// tonePos is the vowel that carries the tone (the traditional placement
// used in names and by Unikey's default: hòa, thúy, người, khuya).
func (s syllable) tonePos() int {
	n := s.end - s.start
	for i := s.end - 1; i >= s.start; i-- {
		if s.ls[i].shape != shapeNone {
			return i
		}
	}
	switch {
	case n == 1:
		return s.start
	case n >= 3:
		return s.start + 1
	case s.end < len(s.ls): // a final consonant: hoàn, toán, thuyết
		return s.start + 1
	}
	return s.start
}

func (s syllable) tone() (int, int) {
	for i := s.start; i < s.end; i++ {
		if s.ls[i].tone != toneNone {
			return i, s.ls[i].tone
		}
	}
	return -1, toneNone
}

// retone moves the tone, if any, to where it belongs after a shape change.
func (s syllable) retone() {
	if i, t := s.tone(); i >= 0 {
		s.ls[i].tone = toneNone
		s.ls[s.tonePos()].tone = t
	}
}

func (s syllable) runes() []rune {
	out := make([]rune, len(s.ls))
	for i, l := range s.ls {
		out[i] = l.rune()
	}
	return out
}

func withCase(r rune, upper bool) rune {
	if upper {
		return unicode.ToUpper(r)
	}
	return r
}

// Compose applies key to word (the letters just before the cursor) in the
// given mode. It returns the new word, or ok=false when the key is plain
// text to be inserted as typed. Typing a mark key twice undoes the mark and
// leaves the key as a letter ("ass" → "as", "ddd" → "dd").
func Compose(mode TypingMode, word []rune, key rune) ([]rune, bool) {
	if mode == TypingOff || len(word) == 0 {
		if mode == TypingTelex && (key == 'w' || key == 'W') && len(word) == 0 {
			return []rune{withCase('ư', key == 'W')}, true
		}
		return nil, false
	}
	k := unicode.ToLower(key)
	tone, clear, shape, shapeOn := -1, false, -1, rune(0)
	switch mode {
	case TypingTelex:
		switch k {
		case 's':
			tone = toneAcute
		case 'f':
			tone = toneGrave
		case 'r':
			tone = toneHook
		case 'x':
			tone = toneTilde
		case 'j':
			tone = toneDot
		case 'z':
			clear = true
		case 'a', 'e', 'o':
			shape, shapeOn = shapeCirc, k
		case 'w':
			shape = shapeHorn
		case 'd':
			shape, shapeOn = shapeStroke, 'd'
		default:
			return nil, false
		}
	case TypingVNI:
		switch k {
		case '1', '2', '3', '4', '5':
			tone = int(k - '0')
		case '0':
			clear = true
		case '6':
			shape = shapeCirc
		case '7':
			shape = shapeHorn
		case '8':
			shape = shapeBreve
		case '9':
			shape, shapeOn = shapeStroke, 'd'
		default:
			return nil, false
		}
	default:
		return nil, false
	}
	if shape == shapeStroke {
		return stroke(word, key)
	}
	s, ok := parse(word)
	if !ok {
		if mode == TypingTelex && k == 'w' && consonants(word) {
			return append(append([]rune(nil), word...), withCase('ư', key == 'W')), true
		}
		return nil, false
	}
	switch {
	case clear:
		if i, _ := s.tone(); i >= 0 {
			s.ls[i].tone = toneNone
			return s.runes(), true
		}
		return nil, false
	case tone >= 0:
		pos := s.tonePos()
		if i, t := s.tone(); i >= 0 && t == tone {
			s.ls[i].tone = toneNone
			return append(s.runes(), key), true
		}
		if i, _ := s.tone(); i >= 0 {
			s.ls[i].tone = toneNone
		}
		s.ls[pos].tone = tone
		return s.runes(), true
	}
	return s.reshape(mode, shape, shapeOn, key)
}

// reshape puts a shape mark on the nucleus: the circumflex on the last
// vowel whose base is on (Telex "aa") or on any a/e/o (VNI 6), the horn on
// o/u (both in "uo": ươ), the breve on a.
func (s syllable) reshape(mode TypingMode, shape int, on, key rune) ([]rune, bool) {
	targets := func(bases string) []int {
		var out []int
		for i := s.end - 1; i >= s.start; i-- {
			if strings.ContainsRune(bases, s.ls[i].base) {
				out = append(out, i)
			}
		}
		return out
	}
	var idx []int
	switch shape {
	case shapeCirc:
		bases := "aeo"
		if on != 0 {
			bases = string(on)
		}
		if t := targets(bases); len(t) > 0 {
			idx = t[:1]
		}
	case shapeBreve:
		if t := targets("a"); len(t) > 0 {
			idx = t[:1]
		}
	case shapeHorn:
		// Telex w: ươ for "uo", else the last of u, o, or a breve on a.
		u, o := targets("u"), targets("o")
		switch {
		case len(u) > 0 && len(o) > 0 && o[0] == u[0]+1:
			idx = []int{u[0], o[0]}
		case len(o) > 0:
			idx = o[:1]
		case len(u) > 0:
			idx = u[:1]
		case mode == TypingTelex:
			if t := targets("a"); len(t) > 0 {
				idx, shape = t[:1], shapeBreve
			}
		}
	}
	if len(idx) == 0 {
		return nil, false
	}
	// The mark is already there: take it off and type the key.
	if s.ls[idx[0]].shape == shape && (len(idx) == 1 || s.ls[idx[1]].shape == shape) {
		for _, i := range idx {
			s.ls[i].shape = shapeNone
		}
		s.retone()
		return append(s.runes(), key), true
	}
	for _, i := range idx {
		s.ls[i].shape = shape
	}
	s.retone()
	return s.runes(), true
}

// stroke turns the first d of the word into đ (Telex dd, VNI 9), or back.
func stroke(word []rune, key rune) ([]rune, bool) {
	first := split(word[0])
	if first.base != 'd' || first.other != 0 {
		return nil, false
	}
	out := append([]rune(nil), word...)
	if first.shape == shapeStroke {
		out[0] = withCase('d', first.upper)
		return append(out, key), true
	}
	// Telex: only "dd" as typed at the start ("dd" then vowels: "ddi" → "đi").
	first.shape = shapeStroke
	out[0] = first.rune()
	return out, true
}

// consonants reports whether word is only Latin consonants ("tw" → "tư").
func consonants(word []rune) bool {
	for _, r := range word {
		l := split(r)
		if l.other != 0 || isVowel(l) {
			return false
		}
	}
	return true
}

// Retone moves the tone of a word to its place after a letter was typed
// ("hòa" + "n" → "hoàn"); ok is false when nothing changes.
func Retone(word []rune) ([]rune, bool) {
	s, ok := parse(word)
	if !ok {
		return nil, false
	}
	i, t := s.tone()
	if i < 0 || i == s.tonePos() {
		return nil, false
	}
	s.ls[i].tone = toneNone
	s.ls[s.tonePos()].tone = t
	return s.runes(), true
}

// wordBefore returns where the letters before the cursor start in text.
func wordBefore(text []rune, cursor int) int {
	i := cursor
	for i > 0 && (unicode.IsLetter(text[i-1]) || unicode.Is(unicode.Mn, text[i-1])) {
		i--
	}
	return i
}
