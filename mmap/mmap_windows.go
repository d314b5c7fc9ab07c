package mmap

import (
	"os"
	"unsafe"

	"golang.org/x/sys/windows"
)

// granularity is the alignment the offset of a view needs: Windows's
// allocation granularity, 64 KiB on every version so far.
const granularity = 64 << 10

// pageSize is the size of a memory page.
var pageSize = os.Getpagesize()

// mmap maps n > 0 bytes of f from off, a multiple of granularity.
func mmap(f *os.File, mode Mode, off int64, n int) ([]byte, error) {
	var prot, access uint32
	switch mode {
	case ReadOnly:
		prot, access = windows.PAGE_READONLY, windows.FILE_MAP_READ
	case ReadWrite:
		prot, access = windows.PAGE_READWRITE, windows.FILE_MAP_WRITE
	case CopyOnWrite:
		// A copy-on-write view needs only read access to the file.
		prot, access = windows.PAGE_WRITECOPY, windows.FILE_MAP_COPY
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, err
	}
	var addr uintptr
	var merr error
	if err := rc.Control(func(fd uintptr) {
		// The mapping object spans the file up to the end of the view; a
		// maximum size of zero would mean the whole file, which fails for
		// a file that is still being grown by Resize.
		end := uint64(off) + uint64(n)
		h, err := windows.CreateFileMapping(windows.Handle(fd), nil, prot,
			uint32(end>>32), uint32(end), nil)
		if err != nil {
			merr = os.NewSyscallError("CreateFileMapping", err)
			return
		}
		addr, err = windows.MapViewOfFile(h, access, uint32(uint64(off)>>32), uint32(off), uintptr(n))
		if err != nil {
			merr = os.NewSyscallError("MapViewOfFile", err)
		}
		// The view keeps the mapping object alive; the handle is no longer
		// needed, on success or failure.
		windows.CloseHandle(h)
	}); err != nil {
		return nil, err
	}
	if merr != nil {
		return nil, merr
	}
	// MapViewOfFile gives the view's address as a uintptr. The view lies
	// outside the Go heap and stays where it is until UnmapViewOfFile, so
	// making a slice of it is sound; the bits of addr are read as a
	// pointer, rather than converted with unsafe.Pointer(addr), because vet
	// cannot know that and would flag the conversion.
	return unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&addr))), n), nil
}

// addrOf returns the address of b[0], as the calls that take a view's
// address want it; b is not empty and lies in a view, outside the Go heap,
// so the address stays valid while the view is mapped.
func addrOf(b []byte) uintptr {
	return uintptr(unsafe.Pointer(unsafe.SliceData(b)))
}

// unmap removes a view made by mmap.
func unmap(mem []byte) error {
	return os.NewSyscallError("UnmapViewOfFile", windows.UnmapViewOfFile(addrOf(mem)))
}

// flush writes the changed pages of b to the file and waits until the file
// is on disk: FlushViewOfFile only starts the writes.
func flush(f *os.File, b []byte) error {
	if err := windows.FlushViewOfFile(addrOf(b), uintptr(len(b))); err != nil {
		return os.NewSyscallError("FlushViewOfFile", err)
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) {
		ferr = windows.FlushFileBuffers(windows.Handle(fd))
	}); err != nil {
		return err
	}
	return os.NewSyscallError("FlushFileBuffers", ferr)
}

// procPrefetchVirtualMemory is found on first use; it is missing before
// Windows 8, where WillNeed does nothing.
var procPrefetchVirtualMemory = windows.NewLazySystemDLL("kernel32.dll").NewProc("PrefetchVirtualMemory")

// memoryRangeEntry is WIN32_MEMORY_RANGE_ENTRY.
type memoryRangeEntry struct {
	VirtualAddress uintptr
	NumberOfBytes  uintptr
}

// advise asks Windows to read b in for WillNeed; Windows has nothing like
// the other kinds of advice.
func advise(b []byte, a Advice) error {
	if a != WillNeed || procPrefetchVirtualMemory.Find() != nil {
		return nil
	}
	entry := memoryRangeEntry{VirtualAddress: addrOf(b), NumberOfBytes: uintptr(len(b))}
	// The pseudo-handle of the current process needs no closing.
	process := windows.CurrentProcess()
	// Call takes its arguments as uintptrs; converting the pointer in the
	// call's own argument list keeps entry alive and in place until the
	// call returns, as unsafe.Pointer's rules for syscalls allow.
	r, _, err := procPrefetchVirtualMemory.Call(uintptr(process), 1, uintptr(unsafe.Pointer(&entry)), 0)
	if r == 0 {
		return os.NewSyscallError("PrefetchVirtualMemory", err)
	}
	return nil
}

// remap makes the view old, of f from off, n > 0 bytes long and the file
// size bytes long. It returns the view left in place: the new one, or on
// error the old one, or nil if none is left.
func remap(f *os.File, mode Mode, old []byte, off int64, n int, size int64) ([]byte, error) {
	return remapByUnmapping(f, mode, old, off, n, size)
}

// preallocate sets the file's allocation size, which reserves its clusters
// without writing them, then its end, which the allocation size leaves as
// it is.
func preallocate(f *os.File, size int64) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) {
		// FILE_ALLOCATION_INFO is one LARGE_INTEGER.
		info := size
		ferr = windows.SetFileInformationByHandle(windows.Handle(fd), windows.FileAllocationInfo,
			(*byte)(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info)))
	}); err != nil {
		return err
	}
	if ferr != nil {
		return os.NewSyscallError("SetFileInformationByHandle", ferr)
	}
	return extend(f, size)
}

// datasync is FlushFileBuffers, which os.File.Sync calls: Windows has no
// lighter kind.
func datasync(f *os.File) error { return f.Sync() }
