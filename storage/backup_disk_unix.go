//go:build !windows

package storage

import "syscall"

// DiskUsage returns the free (for an unprivileged user) and total bytes of
// the file system holding path.
func DiskUsage(path string) (free, total uint64, err error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, 0, err
	}
	return st.Bavail * uint64(st.Bsize), st.Blocks * uint64(st.Bsize), nil
}
