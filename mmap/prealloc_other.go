//go:build !linux && !darwin && !windows

package mmap

import (
	"errors"
	"fmt"
	"os"
	"runtime"
)

func preallocate(*os.File, int64) error {
	return fmt.Errorf("reserving space without writing it on %s: %w", runtime.GOOS, errors.ErrUnsupported)
}

func datasync(f *os.File) error { return f.Sync() }
