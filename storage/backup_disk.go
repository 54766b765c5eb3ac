package storage

import (
	"errors"
	"strings"
	"syscall"

	"motcua/app/continuity"
)

// IsDiskFull reports whether err comes from a full disk or a file size
// limit: SQLite's SQLITE_FULL, or ENOSPC/EFBIG from the system.
func IsDiskFull(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EFBIG) {
		return true
	}
	s := strings.ToLower(err.Error())
	for _, m := range []string{"database or disk is full", "sqlite_full", "no space left on device", "file too large", "there is not enough space on the disk"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// DiskFull wraps a full-disk failure in the officer's message.
func DiskFull(err error) error { return continuity.DiskFullError(err) }

// ExplainWriteError turns a failed write into the message the officer
// needs: a full disk (nothing was written: the transaction rolled back), a
// number reserved for paper receipts; other errors unchanged. The window
// calls it on an intake error.
func ExplainWriteError(err error) error {
	switch {
	case err == nil:
		return nil
	case IsDiskFull(err):
		return DiskFull(err)
	case IsPaperReserved(err):
		return paperReservedErr(err)
	case IsDiskIO(err):
		return continuity.DiskIOError(err)
	}
	return err
}

// IsDiskIO reports a failed write at the disk that SQLite could not
// classify further (SQLITE_IOERR: e.g. a file size limit, a failing disk).
func IsDiskIO(err error) bool {
	return err != nil && strings.Contains(strings.ToLower(err.Error()), "disk i/o error")
}
