package corpus_test

import (
	"bytes"
	"crypto/sha256"
	"image"
	"slices"
	"testing"

	"motcua/scanning/corpus"
	"motcua/scanning/qrsign"
)

// TestPageIsDeterministic: a page depends only on the seed and its index,
// so a failing file can be regenerated from its name.
func TestPageIsDeterministic(t *testing.T) {
	hash := func(g *corpus.Generator, i int) [32]byte {
		s, img, err := g.Page(i)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := corpus.Encode(&b, s, img); err != nil {
			t.Fatal(err)
		}
		return sha256.Sum256(b.Bytes())
	}
	i := slices.Index(corpus.Classes, corpus.JPEG)
	first, again := hash(corpus.New(5), i), hash(corpus.New(5), i)
	if first != again {
		t.Error("same seed and index gave different files")
	}
	if hash(corpus.New(5), i) == hash(corpus.New(6), i) {
		t.Error("different seeds gave the same file")
	}
}

// TestEveryClass: the classes cycle, every page carries what its class
// promises, and our signed payloads verify against the corpus keyring.
func TestEveryClass(t *testing.T) {
	g := corpus.New(1)
	ring := g.Keyring()
	kinds := map[string]bool{}
	for i, c := range corpus.Classes {
		s, img, err := g.Page(i)
		if err != nil {
			t.Fatal(err)
		}
		if s.Class != c || corpus.ClassOf(i) != c {
			t.Fatalf("page %d: class %s, want %s", i, s.Class, c)
		}
		b := img.Bounds()
		// A4 at the page's resolution, within a pixel.
		if w := 210 / 25.4 * float64(s.DPI); b.Dx() < int(w)-1 || b.Dx() > int(w)+1 {
			t.Errorf("%s: width %d px at %d dpi is not A4", s.Name, b.Dx(), s.DPI)
		}
		if s.DPI < 200 || s.DPI > 300 {
			t.Errorf("%s: %d dpi", s.Name, s.DPI)
		}
		if c == corpus.Multi && len(s.Codes) < 2 || c != corpus.Multi && len(s.Codes) != 1 {
			t.Errorf("%s: %d codes", s.Name, len(s.Codes))
		}
		if _, ok := img.(*image.RGBA); ok != s.Params.Colour {
			t.Errorf("%s: colour %v but image is %T", s.Name, s.Params.Colour, img)
		}
		for _, code := range s.Codes {
			kinds[code.Kind] = true
			if c == corpus.Small && (code.ModulePx < 2 || code.ModulePx > 3) {
				t.Errorf("%s: module %.1f px, want 2–3", s.Name, code.ModulePx)
			}
			_, res := qrsign.Verify(code.Text, ring)
			if mc1 := code.Kind != "cccd" && code.Kind != "url"; mc1 != (res == qrsign.Valid) {
				t.Errorf("%s: %s payload verifies %s", s.Name, code.Kind, res)
			}
		}
	}
	for _, k := range []string{"mc1", "mc1-url", "mc1-result", "cccd", "url"} {
		if !kinds[k] {
			t.Errorf("no %s payload in a full cycle of classes", k)
		}
	}
}

func TestWriteDirManifest(t *testing.T) {
	dir := t.TempDir()
	want, err := corpus.New(2).WriteDir(dir, 3)
	if err != nil {
		t.Fatal(err)
	}
	got, err := corpus.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[2].Name != want[2].Name || got[2].Codes[0].Text != want[2].Codes[0].Text {
		t.Errorf("manifest %+v, want %+v", got, want)
	}
}
