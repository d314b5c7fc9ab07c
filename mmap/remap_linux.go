package mmap

import (
	"os"

	"golang.org/x/sys/unix"
)

// remap makes the mapping old, of f from off, n > 0 bytes long and the file
// size bytes long. It returns the mapping left in place: the new one, or on
// error the old one, or nil if none is left.
func remap(f *os.File, _ Mode, old []byte, _ int64, n int, size int64) ([]byte, error) {
	if n > len(old) {
		// The file must be long enough before the mapping grows over it.
		if err := f.Truncate(size); err != nil {
			return old, err
		}
		mem, err := unix.Mremap(old, n, unix.MREMAP_MAYMOVE)
		if err != nil {
			return old, os.NewSyscallError("mremap", err)
		}
		return mem, nil
	}
	// Shrink the mapping first so that no page of it lies past the end of
	// the file.
	mem, err := unix.Mremap(old, n, unix.MREMAP_MAYMOVE)
	if err != nil {
		return old, os.NewSyscallError("mremap", err)
	}
	if err := f.Truncate(size); err != nil {
		return mem, err
	}
	return mem, nil
}
