//go:build unix

package continuity_test

import "syscall"

// limitFileSize caps the size of any file this process writes (RLIMIT_FSIZE).
func limitFileSize(n uint64) error {
	return syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n})
}
