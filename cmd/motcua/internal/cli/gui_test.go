package cli

import (
	"bytes"
	"io"
	"testing"
)

// TestGUIWiresScans: the window gets digitisation (blob store and station
// key) on a station that is set up; on a new one it starts without it and
// says nothing (set-up comes first).
func TestGUIWiresScans(t *testing.T) {
	c := &cli{data: initStation(t), out: io.Discard, errOut: io.Discard}
	defer c.close()
	svc, err := c.open()
	if err != nil {
		t.Fatal(err)
	}
	c.wireScans(svc)
	if svc.Scans == nil || svc.Scans.Blobs == nil || svc.Scans.Signer == nil || svc.Scans.Attachments == nil {
		t.Fatalf("scans not wired: %+v", svc.Scans)
	}

	var errb bytes.Buffer
	fresh := &cli{data: t.TempDir(), out: io.Discard, errOut: &errb}
	defer fresh.close()
	svc, err = fresh.open()
	if err != nil {
		t.Fatal(err)
	}
	fresh.wireScans(svc)
	if svc.Scans != nil || errb.Len() != 0 {
		t.Fatalf("new station: scans %+v, stderr %q", svc.Scans, errb.String())
	}
}
