// Package osfile opens the files the module maps and reads, refusing before
// reading anything those that are not files of bytes at rest: a named pipe
// (FIFO) would block the open or the read until some other process writes
// to it, a character device (a terminal, /dev/zero) has no end, and a
// socket or a directory has no bytes to map.
//
// Regular files are accepted, and so are block devices (a disk, a
// partition, a loop device), which hold bytes at fixed offsets as a file
// does and are mapped as np.memmap maps them; their size is found by
// seeking to their end, as the size a stat gives them is zero.
package osfile

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Open opens the file at path with flag (os.O_RDONLY or os.O_RDWR) if it is
// a regular file or a block device. Anything else gives an
// *fs.PathError whose Err is a *KindError, and is not opened; a named
// pipe that takes the name between the check and the open is opened
// without blocking, seen for what it is, and closed.
func Open(path string, flag int) (*os.File, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if err := check(path, st); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, flag|nonblock, 0)
	if err != nil {
		return nil, err
	}
	st, err = f.Stat()
	if err == nil {
		err = check(path, st)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// Check returns the error Open gives for the file st describes, or nil if
// Open would accept it.
func Check(path string, st fs.FileInfo) error { return check(path, st) }

func check(path string, st fs.FileInfo) error {
	m := st.Mode()
	if m.IsRegular() || isBlock(m) {
		return nil
	}
	return &fs.PathError{Op: "open", Path: path, Err: &KindError{Mode: m}}
}

func isBlock(m fs.FileMode) bool {
	return m&fs.ModeDevice != 0 && m&fs.ModeCharDevice == 0
}

// Size returns the size of f in bytes: for a block device, found by
// seeking to its end.
func Size(f *os.File) (int64, error) {
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if !isBlock(st.Mode()) {
		return st.Size(), nil
	}
	n, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return 0, err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return 0, err
	}
	return n, nil
}

// A KindError says that a path names something other than a regular file
// or a block device. It matches fs.ErrInvalid.
type KindError struct {
	Mode fs.FileMode
}

// Error says what the path names: "is a named pipe (FIFO), not a regular file".
func (e *KindError) Error() string {
	return "is " + Kind(e.Mode) + ", not a regular file"
}

// Is reports whether target is fs.ErrInvalid.
func (e *KindError) Is(target error) bool { return target == fs.ErrInvalid }

// Kind names the kind of file of mode m, as in "a named pipe (FIFO)".
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m.IsRegular():
		return "a regular file"
	}
	return fmt.Sprintf("a file of mode %v", m)
}
