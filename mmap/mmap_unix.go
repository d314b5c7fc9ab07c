//go:build unix

package mmap

import (
	"os"

	"golang.org/x/sys/unix"
)

// granularity is the alignment the offset of a mapping needs.
var granularity = int64(os.Getpagesize())

// pageSize is the size of a memory page.
var pageSize = os.Getpagesize()

// mmap maps n > 0 bytes of f from off, a multiple of granularity.
func mmap(f *os.File, mode Mode, off int64, n int) ([]byte, error) {
	prot, flags := unix.PROT_READ, unix.MAP_SHARED
	switch mode {
	case ReadWrite:
		prot |= unix.PROT_WRITE
	case CopyOnWrite:
		prot |= unix.PROT_WRITE
		flags = unix.MAP_PRIVATE
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	var mem []byte
	var merr error
	if err := rc.Control(func(fd uintptr) {
		mem, merr = unix.Mmap(int(fd), off, n, prot, flags)
	}); err != nil {
		return nil, err
	}
	if merr != nil {
		return nil, os.NewSyscallError("mmap", merr)
	}
	return mem, nil
}

// unmap removes a mapping made by mmap or remap.
func unmap(mem []byte) error {
	return os.NewSyscallError("munmap", unix.Munmap(mem))
}

// flush writes the changed pages of b, which starts at a page boundary, to
// the file and waits for them.
func flush(_ *os.File, b []byte) error {
	return os.NewSyscallError("msync", unix.Msync(b, unix.MS_SYNC))
}

// advise passes a to madvise for b, which starts at a page boundary.
func advise(b []byte, a Advice) error {
	var adv int
	switch a {
	case Normal:
		adv = unix.MADV_NORMAL
	case Sequential:
		adv = unix.MADV_SEQUENTIAL
	case Random:
		adv = unix.MADV_RANDOM
	case WillNeed:
		adv = unix.MADV_WILLNEED
	case DontNeed:
		adv = unix.MADV_DONTNEED
	}
	return os.NewSyscallError("madvise", unix.Madvise(b, adv))
}

// control runs fn on f's descriptor and returns its error as a
// *os.SyscallError named name.
func control(f *os.File, name string, fn func(fd int) error) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = fn(int(fd)) }); err != nil {
		return err
	}
	return os.NewSyscallError(name, ferr)
}
