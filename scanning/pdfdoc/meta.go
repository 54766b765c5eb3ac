package pdfdoc

import (
	"bytes"
	"encoding/binary"
	"errors"
)

// meta is what an image file says about itself beyond its pixels.
type meta struct {
	dpi   float64 // horizontal resolution; 0 when not recorded
	pages int     // TIFF directories; 1 otherwise
}

var errTruncated = errors.New("truncated header")

// readMeta reads the scan resolution (JFIF or Exif for JPEG, pHYs for PNG,
// XResolution for TIFF) and the TIFF page count. Scanners record the
// resolution; an image without it is judged by its pixel size instead.
func readMeta(k Kind, b []byte) (meta, error) {
	switch k {
	case JPEG:
		return jpegMeta(b)
	case PNG:
		return pngMeta(b)
	case TIFF:
		return tiffMeta(b, true)
	}
	return meta{pages: 1}, nil
}

func jpegMeta(b []byte) (meta, error) {
	m := meta{pages: 1}
	var exif float64
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xff {
			return m, errors.New("bad JPEG marker")
		}
		marker := b[i+1]
		if marker == 0xff { // fill byte
			i++
			continue
		}
		if marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7) {
			i += 2
			continue
		}
		if marker == 0xda || marker == 0xd9 { // image data follows: no more headers
			break
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return m, errTruncated
		}
		seg := b[i+4 : i+2+n]
		switch {
		case marker == 0xe0 && bytes.HasPrefix(seg, []byte("JFIF\x00")) && len(seg) >= 12:
			units, x := seg[7], float64(binary.BigEndian.Uint16(seg[8:]))
			switch units {
			case 1:
				m.dpi = x
			case 2:
				m.dpi = x * 2.54
			}
		case marker == 0xe1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")):
			if t, err := tiffMeta(seg[6:], false); err == nil {
				exif = t.dpi
			}
		}
		i += 2 + n
	}
	if m.dpi == 0 {
		m.dpi = exif
	}
	return m, nil
}

func pngMeta(b []byte) (meta, error) {
	m := meta{pages: 1}
	for i := 8; i+8 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		if n < 0 || i+12+n > len(b) {
			return m, errTruncated
		}
		if typ == "pHYs" && n >= 9 && b[i+8+8] == 1 { // unit: metre
			m.dpi = float64(binary.BigEndian.Uint32(b[i+8:])) * 0.0254
		}
		if typ == "IDAT" || typ == "IEND" {
			break
		}
		i += 12 + n
	}
	return m, nil
}

// tiffMeta reads IFD0's resolution and, if countPages, follows the chain
// of directories (an Exif block has one that links to thumbnails).
func tiffMeta(b []byte, countPages bool) (meta, error) {
	m := meta{pages: 1}
	if len(b) < 8 {
		return m, errTruncated
	}
	var bo binary.ByteOrder = binary.LittleEndian
	if b[0] == 'M' {
		bo = binary.BigEndian
	}
	ifd := int(bo.Uint32(b[4:]))
	var xres float64
	unit := uint16(2) // inch, the TIFF default
	seen := map[int]bool{}
	for n := 0; ifd != 0; n++ {
		if seen[ifd] || ifd+2 > len(b) || n > 10000 {
			return m, errors.New("bad TIFF directory chain")
		}
		seen[ifd] = true
		count := int(bo.Uint16(b[ifd:]))
		end := ifd + 2 + 12*count
		if end+4 > len(b) {
			return m, errTruncated
		}
		if n == 0 {
			for e := ifd + 2; e < end; e += 12 {
				tag, typ := bo.Uint16(b[e:]), bo.Uint16(b[e+2:])
				switch {
				case tag == 282 && typ == 5: // XResolution, RATIONAL
					off := int(bo.Uint32(b[e+8:]))
					if off+8 <= len(b) {
						if den := bo.Uint32(b[off+4:]); den != 0 {
							xres = float64(bo.Uint32(b[off:])) / float64(den)
						}
					}
				case tag == 296 && typ == 3: // ResolutionUnit, SHORT
					unit = bo.Uint16(b[e+8:])
				}
			}
		}
		m.pages = n + 1
		if !countPages {
			break
		}
		ifd = int(bo.Uint32(b[end:]))
	}
	switch unit {
	case 2:
		m.dpi = xres
	case 3:
		m.dpi = xres * 2.54
	}
	return m, nil
}
