package mmap

import (
	"os"

	"golang.org/x/sys/unix"
)

// preallocate reserves blocks for [0, size) of f with fallocate, whose mode
// 0 also extends the file; file systems that cannot reserve unwritten
// blocks give EOPNOTSUPP, which matches errors.ErrUnsupported.
func preallocate(f *os.File, size int64) error {
	return control(f, "fallocate", func(fd int) error {
		for {
			err := unix.Fallocate(fd, 0, 0, size)
			if err != unix.EINTR {
				return err
			}
		}
	})
}

func datasync(f *os.File) error {
	return control(f, "fdatasync", func(fd int) error {
		for {
			err := unix.Fdatasync(fd)
			if err != unix.EINTR {
				return err
			}
		}
	})
}
