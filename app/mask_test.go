package app_test

import (
	"testing"

	"motcua/app"
)

func TestMaskID(t *testing.T) {
	for in, want := range map[string]string{"001190123456": "*********456", "B1234567": "*****567", "12": "**", "": ""} {
		if got := app.MaskID(in); got != want {
			t.Errorf("MaskID(%q) = %q, want %q", in, got, want)
		}
	}
}
