package qrbench_test

import (
	"bytes"
	"context"
	"testing"

	"motcua/scanning/corpus"
	"motcua/scanning/qrbench"
	"motcua/scanning/qrdecode"
)

// TestAgainstZbar reads three pages of every class with our decoder and
// with zbarimg in the same run. Ours must read every page of the easy
// classes, read at least as many pages as zbar overall, and take at most
// 1.5 times zbar's median time. zbarimg is part of the proof: without it the
// test fails.
func TestAgainstZbar(t *testing.T) {
	zbar, err := qrbench.Zbar()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	samples, err := corpus.New(2026).WriteDir(dir, 3*len(corpus.Classes))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := qrbench.Run(context.Background(), dir, samples, qrbench.Config{Decoder: qrdecode.New(qrdecode.Options{}), Zbar: zbar})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	rep.Print(&b)
	t.Log("\n" + b.String())
	for _, r := range rep.Rows {
		if r.Sample.Class.Easy() && !r.Ours.OK() {
			t.Errorf("%s (easy class): read %d of %d codes", r.Sample.Name, r.Ours.Found, r.Ours.Codes)
		}
		if r.Ours.Extra > 0 {
			t.Errorf("%s: %d texts that are not on the page", r.Sample.Name, r.Ours.Extra)
		}
	}
	ours, theirs := rep.Summarise(nil)
	if ours.Rate() < theirs.Rate() {
		t.Errorf("decode rate %.1f %% < zbar's %.1f %%", 100*ours.Rate(), 100*theirs.Rate())
	}
	if float64(ours.Median) > 1.5*float64(theirs.Median) {
		t.Errorf("median time %s > 1.5 × zbar's %s", ours.Median, theirs.Median)
	}
}
