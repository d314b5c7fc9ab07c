package mmap

import (
	"os"

	"golang.org/x/sys/unix"
)

// preallocate reserves blocks past the file's physical end with
// F_PREALLOCATE (contiguous if it can, else anywhere), then sets the size,
// which F_PREALLOCATE leaves as it is. The length counts from the physical
// end, so an existing file may get up to its own size more than it needs;
// the extra blocks go when the file is truncated.
func preallocate(f *os.File, size int64) error {
	err := control(f, "fcntl F_PREALLOCATE", func(fd int) error {
		st := unix.Fstore_t{Flags: unix.F_ALLOCATECONTIG | unix.F_ALLOCATEALL, Posmode: unix.F_PEOFPOSMODE, Length: size}
		err := unix.FcntlFstore(uintptr(fd), unix.F_PREALLOCATE, &st)
		if err != nil && err != unix.ENOTSUP {
			st.Flags = unix.F_ALLOCATEALL
			err = unix.FcntlFstore(uintptr(fd), unix.F_PREALLOCATE, &st)
		}
		return err
	})
	if err != nil {
		return err
	}
	return extend(f, size)
}

// datasync is fsync with F_FULLFSYNC, which os.File.Sync uses on macOS.
func datasync(f *os.File) error { return f.Sync() }
