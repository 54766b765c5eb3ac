package pdfrender

import (
	"os"
	"strconv"
	"syscall"
)

// limitMemory caps the worker's address space as its parent asked, so a
// PDF that makes MuPDF allocate without end fails in the child (MuPDF
// reports the failed allocation as an error) instead of starving the PC.
func limitMemory() {
	n, err := strconv.ParseUint(os.Getenv("MOTCUA_PDFRENDER_MEMORY"), 10, 64)
	if err != nil || n == 0 {
		return
	}
	syscall.Setrlimit(syscall.RLIMIT_AS, &syscall.Rlimit{Cur: n, Max: n})
}
