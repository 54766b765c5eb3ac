//go:build !unix

package continuity_test

import "errors"

// limitFileSize: no RLIMIT_FSIZE here; the disk-full test needs a Unix.
func limitFileSize(uint64) error {
	return errors.New("no file size limit on this system")
}
