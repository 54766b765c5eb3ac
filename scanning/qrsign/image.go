package qrsign

import (
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// Level is the error-correction level of every QR this package draws: M
// recovers about 15 % damage, enough for a stamp or a fold, and keeps a
// receipt payload at version 10 or less.
const Level = qrcode.Medium

// PNG draws text as a QR code image of size×size pixels, with the standard
// four-module quiet zone.
func PNG(text string, size int) ([]byte, error) {
	q, err := qrcode.New(text, Level)
	if err != nil {
		return nil, fmt.Errorf("qrsign: encode QR: %w", err)
	}
	return q.PNG(size)
}

// Bitmap returns the QR modules of text, row by row (true = dark), without a
// quiet zone, for callers that draw the code as vector shapes (PDF forms).
func Bitmap(text string) ([][]bool, error) {
	q, err := qrcode.New(text, Level)
	if err != nil {
		return nil, fmt.Errorf("qrsign: encode QR: %w", err)
	}
	q.DisableBorder = true
	return q.Bitmap(), nil
}

// Version is the QR version (1–40) text needs at level M.
func Version(text string) (int, error) {
	q, err := qrcode.New(text, Level)
	if err != nil {
		return 0, fmt.Errorf("qrsign: encode QR: %w", err)
	}
	return q.VersionNumber, nil
}
