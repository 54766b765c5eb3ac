package storage

import (
	"os"

	"golang.org/x/sys/unix"
)

// shmInUse reports whether a process holds the lock every SQLite
// connection keeps on byte 128 (the "DMS" byte) of a WAL database's -shm
// file while it is open. Open file description locks see the POSIX locks
// SQLite takes, even those of this process.
func shmInUse(shm string) bool {
	f, err := os.Open(shm)
	if err != nil {
		return false
	}
	defer f.Close()
	lk := unix.Flock_t{Type: unix.F_WRLCK, Whence: 0, Start: 128, Len: 1}
	if err := unix.FcntlFlock(f.Fd(), unix.F_OFD_GETLK, &lk); err != nil {
		return false
	}
	return lk.Type != unix.F_UNLCK
}
