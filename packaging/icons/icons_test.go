package icons

import (
	"bytes"
	"image/png"
	"testing"
)

func TestPNG(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(PNG))
	if err != nil {
		t.Fatalf("the embedded icon is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != b.Dy() || b.Dx() < 256 {
		t.Errorf("icon is %v, want a square of at least 256 px", b)
	}
}
