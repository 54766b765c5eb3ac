package main

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/png"
	"os"
	"testing"
)

// TestCommittedIcon: packaging/icons/motcua.png (read by FyneApp.toml) is
// what this program draws; regenerate it with
// `go run ./packaging/icon out/icons && cp out/icons/motcua-512.png packaging/icons/motcua.png`.
func TestCommittedIcon(t *testing.T) {
	f, err := os.Open("../icons/motcua.png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	want := Draw(512)
	if got.Bounds() != want.Bounds() {
		t.Fatalf("size %v, want %v", got.Bounds(), want.Bounds())
	}
	for y := 0; y < 512; y += 7 {
		for x := 0; x < 512; x += 7 {
			r1, g1, b1, a1 := got.At(x, y).RGBA()
			r2, g2, b2, a2 := want.At(x, y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				t.Fatalf("pixel %d,%d differs: the committed icon is stale", x, y)
			}
		}
	}
}

func TestICO(t *testing.T) {
	ico, err := ICO(ICOSizes)
	if err != nil {
		t.Fatal(err)
	}
	var hdr [3]uint16
	if err := binary.Read(bytes.NewReader(ico), binary.LittleEndian, &hdr); err != nil || hdr[1] != 1 || int(hdr[2]) != len(ICOSizes) {
		t.Fatalf("header %v %v", hdr, err)
	}
	// The 256 px entry is a PNG that decodes to 256×256.
	last := ico[6+16*(len(ICOSizes)-1):]
	size := binary.LittleEndian.Uint32(last[8:])
	off := binary.LittleEndian.Uint32(last[12:])
	img, _, err := image.Decode(bytes.NewReader(ico[off : off+size]))
	if err != nil || img.Bounds().Dx() != 256 {
		t.Fatalf("256 px entry: %v", err)
	}
}
