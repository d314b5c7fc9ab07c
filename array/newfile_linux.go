package array

import (
	"io/fs"
	"os"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// procFD tells whether /proc/self/fd is there, through which an unnamed
// file is linked without privileges (linkat's AT_EMPTY_PATH needs them).
var procFD = sync.OnceValue(func() bool {
	_, err := os.Stat("/proc/self/fd")
	return err == nil
})

// openUnnamed creates an unnamed file in dir with O_TMPFILE, which no
// crash can leave behind, and gives it name for its errors. It returns nil
// and no error where the kernel or the file system cannot, so that a named
// file is made instead.
func openUnnamed(dir, name string, perm fs.FileMode) (*os.File, error) {
	if !procFD() {
		return nil, nil
	}
	if dir == "" {
		dir = "."
	}
	var fd int
	var err error
	for {
		fd, err = unix.Open(dir, unix.O_TMPFILE|unix.O_RDWR|unix.O_CLOEXEC, uint32(perm))
		if err != unix.EINTR {
			break
		}
	}
	switch err {
	case nil:
		return os.NewFile(uintptr(fd), name), nil
	case unix.EOPNOTSUPP, unix.EISDIR, unix.EINVAL, unix.ENOENT:
		// Kernels before 3.11 and file systems without O_TMPFILE; a missing
		// directory is reported by the named file's open.
		return nil, nil
	}
	return nil, &fs.PathError{Op: "open", Path: dir, Err: err}
}

// linkUnnamed gives the unnamed file f the name path, which must not exist.
func linkUnnamed(f *os.File, path string) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var lerr error
	if err := rc.Control(func(fd uintptr) {
		lerr = unix.Linkat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(int(fd)), unix.AT_FDCWD, path, unix.AT_SYMLINK_FOLLOW)
	}); err != nil {
		return err
	}
	if lerr != nil {
		return &fs.PathError{Op: "link", Path: path, Err: lerr}
	}
	return nil
}
