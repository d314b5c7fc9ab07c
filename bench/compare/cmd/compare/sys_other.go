//go:build !linux

package main

import (
	"errors"
	"fmt"
	"os"
)

// canEvict reports whether evict works on this system.
const canEvict = false

// evict is not available: dropping one file's pages from the page cache is
// done with posix_fadvise, which only Linux honours this way.
func evict(path string) error {
	return fmt.Errorf("evicting %s: %w", path, errors.ErrUnsupported)
}

// maxRSS is not measured on this system.
func maxRSS(ps *os.ProcessState) int64 { return -1 }
