//go:build !unix && !windows

package mmap

import (
	"errors"
	"fmt"
	"os"
	"runtime"
)

// granularity is the alignment the offset of a mapping needs.
const granularity = 1 << 16

// pageSize is the size of a memory page.
var pageSize = os.Getpagesize()

// errNoMmap is returned by every function that would need the system to map
// memory.
var errNoMmap = fmt.Errorf("memory-mapped files on %s: %w", runtime.GOOS, errors.ErrUnsupported)

func mmap(*os.File, Mode, int64, int) ([]byte, error) { return nil, errNoMmap }

func unmap([]byte) error { return errNoMmap }

func flush(*os.File, []byte) error { return errNoMmap }

func advise([]byte, Advice) error { return errNoMmap }

func remap(_ *os.File, _ Mode, old []byte, _ int64, _ int, _ int64) ([]byte, error) {
	return old, errNoMmap
}
