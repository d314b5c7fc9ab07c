//go:build unix && !linux

package mmap

import "os"

// remap makes the mapping old, of f from off, n > 0 bytes long and the file
// size bytes long. It returns the mapping left in place: the new one, or on
// error the old one, or nil if none is left.
func remap(f *os.File, mode Mode, old []byte, off int64, n int, size int64) ([]byte, error) {
	return remapByUnmapping(f, mode, old, off, n, size)
}
