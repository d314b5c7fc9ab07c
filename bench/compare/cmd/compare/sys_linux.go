package main

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// canEvict reports whether evict works on this system.
const canEvict = true

// evict drops the file's clean pages from the page cache. Pages that some
// process still maps are kept, so every mapping of the file must be closed
// first.
func evict(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		return fmt.Errorf("fadvise %s: %w", path, err)
	}
	return nil
}

// maxRSS returns the peak resident set size of a finished child process,
// in bytes.
func maxRSS(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return -1
	}
	return int64(ru.Maxrss) * 1024 // kilobytes on Linux
}
