package mmap

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
)

// Mode says how a file is mapped.
type Mode int

// The modes a file can be mapped in.
const (
	// ReadOnly maps the file for reading only.
	ReadOnly Mode = iota
	// ReadWrite maps the file shared: writes reach the file and every other
	// mapping of it, in this process or another.
	ReadWrite
	// CopyOnWrite maps the file private: the map can be written, but the
	// writes are seen by this map alone and never reach the file.
	CopyOnWrite
)

// String returns the mode's name, such as "ReadOnly".
func (m Mode) String() string {
	switch m {
	case ReadOnly:
		return "ReadOnly"
	case ReadWrite:
		return "ReadWrite"
	case CopyOnWrite:
		return "CopyOnWrite"
	}
	return "Mode(" + strconv.Itoa(int(m)) + ")"
}

// Advice tells the operating system how a range of a map will be used, so
// that it can read ahead or drop pages accordingly.
type Advice int

// The kinds of advice [Map.Advise] accepts.
const (
	// Normal undoes earlier advice.
	Normal Advice = iota
	// Sequential says the range will be read in order, once: read ahead
	// aggressively and drop pages soon after they are read.
	Sequential
	// Random says the range will be read in no particular order: do not
	// read ahead.
	Random
	// WillNeed says the range will be needed soon: start reading it now.
	WillNeed
	// DontNeed says the range will not be needed soon: its pages may be
	// dropped from memory. Written pages of a ReadWrite map are kept in the
	// page cache, not lost.
	DontNeed
)

// String returns the advice's name, such as "Sequential".
func (a Advice) String() string {
	switch a {
	case Normal:
		return "Normal"
	case Sequential:
		return "Sequential"
	case Random:
		return "Random"
	case WillNeed:
		return "WillNeed"
	case DontNeed:
		return "DontNeed"
	}
	return "Advice(" + strconv.Itoa(int(a)) + ")"
}

// Errors returned by this package, compared with [errors.Is].
var (
	// ErrClosed is returned by methods of a Map that has been closed.
	ErrClosed = errors.New("mmap: map is closed")
	// ErrFault is wrapped by every [*FaultError].
	ErrFault = errors.New("mmap: memory fault in mapped file")
	// ErrReadOnly is returned when a map's mode does not allow a change:
	// writing to a ReadOnly map, or resizing one that is not ReadWrite.
	ErrReadOnly = errors.New("mmap: map is read-only")
	// ErrRange is wrapped by errors for offsets and lengths that lie
	// outside the file or the map.
	ErrRange = errors.New("mmap: out of range")
	// ErrTooLarge is wrapped by errors for files and regions that do not
	// fit in the address space, such as a 3 GiB file on a 32-bit system.
	ErrTooLarge = errors.New("mmap: too large for the address space")
)

// A FaultError reports a memory fault while touching a map, which happens
// when the file was shrunk after it was mapped. Every byte of the page
// holding Offset is lost to the map.
type FaultError struct {
	Offset int64  // offset, from the start of the map, of the access that faulted
	Path   string // the name of the mapped file
}

// Error returns a message that names the file and the offset.
func (e *FaultError) Error() string {
	return "mmap: " + e.Path + ": memory fault at byte " + strconv.FormatInt(e.Offset, 10) +
		" of the map (was the file shrunk?)"
}

// Unwrap returns [ErrFault].
func (e *FaultError) Unwrap() error { return ErrFault }

// A Map is a file, or a region of one, mapped into memory.
//
// The methods of a Map may be called from several goroutines at once. Close
// and Resize wait for calls in progress to finish; the slices returned by
// Bytes before them are not protected and must not be used after them.
type Map struct {
	mu      sync.RWMutex
	st      *state // nil once closed
	off     int64
	mode    Mode
	cleanup runtime.Cleanup
}

// state is what must be released to undo a mapping. It is apart from Map so
// that the cleanup attached to a Map can hold it without holding the Map.
type state struct {
	mem   []byte  // the whole mapping, from the aligned offset; nil when empty
	base  uintptr // address of mem[0]
	delta int     // requested offset minus aligned offset
	n     int     // length of the region
	f     *os.File
	own   bool // Close closes f
	name  string
}

// region returns the mapped region the caller asked for.
func (st *state) region() []byte {
	if st.n == 0 {
		return []byte{}
	}
	end := st.delta + st.n
	return st.mem[st.delta:end:end]
}

// setMem records a new mapping.
func (st *state) setMem(mem []byte) {
	st.mem = mem
	st.base = 0
	if len(mem) > 0 {
		st.base = reflect.ValueOf(mem).Pointer()
	}
}

// release unmaps the file and, if it is owned, closes it.
func (st *state) release() error {
	var err error
	if st.mem != nil {
		if e := unmap(st.mem); e != nil {
			err = fmt.Errorf("mmap: %s: %w", st.name, e)
		}
		st.setMem(nil)
	}
	if st.own {
		if e := st.f.Close(); e != nil && err == nil {
			err = fmt.Errorf("mmap: %w", e)
		}
	}
	st.f = nil
	return err
}

// openFlag returns the flag to open a file with for mode.
func openFlag(mode Mode) (int, error) {
	switch mode {
	case ReadOnly, CopyOnWrite:
		// A private mapping is writable even over a file opened for reading.
		return os.O_RDONLY, nil
	case ReadWrite:
		return os.O_RDWR, nil
	}
	return 0, fmt.Errorf("mmap: unknown mode %v", mode)
}

// Open maps the whole of the named file in the given mode. The map owns the
// file it opens, and Close closes it. An empty file gives an empty map.
func Open(path string, mode Mode) (*Map, error) {
	flag, err := openFlag(mode)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, flag, 0)
	if err != nil {
		return nil, fmt.Errorf("mmap: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("mmap: %w", err)
	}
	m, err := mapFile(f, true, mode, 0, fi.Size())
	if err != nil {
		f.Close()
		return nil, err
	}
	return m, nil
}

// OpenRegion maps the bytes [off, off+n) of the named file in the given
// mode. The offset need not be aligned to a page. The region must lie within
// the file. The map owns the file it opens, and Close closes it.
func OpenRegion(path string, mode Mode, off, n int64) (*Map, error) {
	flag, err := openFlag(mode)
	if err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, flag, 0)
	if err != nil {
		return nil, fmt.Errorf("mmap: %w", err)
	}
	m, err := MapRegion(f, mode, off, n)
	if err != nil {
		f.Close()
		return nil, err
	}
	m.st.own = true
	return m, nil
}

// MapRegion maps the bytes [off, off+n) of an open file in the given mode.
// The file must have been opened with the access the mode needs (read for
// ReadOnly and CopyOnWrite, read and write for ReadWrite), and the region
// must lie within the file. The offset need not be aligned to a page. The
// caller keeps f: Close does not close it, and f must stay open until the
// map is closed.
func MapRegion(f *os.File, mode Mode, off, n int64) (*Map, error) {
	if _, err := openFlag(mode); err != nil {
		return nil, err
	}
	if off < 0 || n < 0 {
		return nil, fmt.Errorf("mmap: %s: region at %d of %d bytes: %w", f.Name(), off, n, ErrRange)
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("mmap: %w", err)
	}
	if size := fi.Size(); off > size || n > size-off {
		return nil, fmt.Errorf("mmap: %s: region [%d, %d+%d) extends past the end of the file at %d: %w",
			f.Name(), off, off, n, size, ErrRange)
	}
	return mapFile(f, false, mode, off, n)
}

// Create creates the named file, or truncates it if it exists, gives it the
// size in bytes (as a sparse file where the file system allows) and maps it
// ReadWrite. The map owns the file, and Close closes it.
func Create(path string, size int64) (*Map, error) {
	if size < 0 {
		return nil, fmt.Errorf("mmap: %s: negative size %d: %w", path, size, ErrRange)
	}
	if size > math.MaxInt {
		return nil, fmt.Errorf("mmap: %s: %d bytes: %w", path, size, ErrTooLarge)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
	if err != nil {
		return nil, fmt.Errorf("mmap: %w", err)
	}
	if err := f.Truncate(size); err != nil {
		f.Close()
		return nil, fmt.Errorf("mmap: %w", err)
	}
	m, err := mapFile(f, true, ReadWrite, 0, size)
	if err != nil {
		f.Close()
		return nil, err
	}
	return m, nil
}

// mapFile maps [off, off+n) of f, which the caller has checked lies within
// the file. It never closes f.
func mapFile(f *os.File, own bool, mode Mode, off, n int64) (*Map, error) {
	aligned := off &^ (granularity - 1)
	delta := off - aligned
	if n > math.MaxInt-delta {
		return nil, fmt.Errorf("mmap: %s: region of %d bytes: %w", f.Name(), n, ErrTooLarge)
	}
	st := &state{delta: int(delta), n: int(n), f: f, own: own, name: f.Name()}
	if n > 0 {
		mem, err := mmap(f, mode, aligned, int(delta+n))
		if err != nil {
			return nil, fmt.Errorf("mmap: %s: %w", st.name, err)
		}
		st.setMem(mem)
	}
	m := &Map{st: st, off: off, mode: mode}
	m.cleanup = runtime.AddCleanup(m, func(st *state) { st.release() }, st)
	return m, nil
}

// Bytes returns the mapped region, [Offset(), Offset()+Len()) of the file.
// It returns an empty slice for an empty map and nil after Close. The slice
// is invalid after Close and after Resize, and must not be used then.
// Writing to the slice of a ReadOnly map crashes the program.
func (m *Map) Bytes() []byte {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.st == nil {
		return nil
	}
	return m.st.region()
}

// Len returns the length of the mapped region in bytes, or 0 after Close.
func (m *Map) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.st == nil {
		return 0
	}
	return m.st.n
}

// Offset returns the offset in the file at which the mapped region starts.
func (m *Map) Offset() int64 { return m.off }

// Mode returns the mode the file was mapped in.
func (m *Map) Mode() Mode { return m.mode }

// Close unmaps the file and, if the map opened it, closes it. Closing a
// closed map does nothing and returns nil; every other method of a closed
// map returns [ErrClosed], except Bytes and Len, which return nil and 0.
func (m *Map) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.st
	if st == nil {
		return nil
	}
	m.st = nil
	m.cleanup.Stop()
	return st.release()
}

// checkRange reports whether [off, off+n) lies within a region of size.
func checkRange(op string, off, n int64, size int) error {
	if off < 0 || n < 0 || off > int64(size) || n > int64(size)-off {
		return fmt.Errorf("mmap: %s(%d, %d) on a map of %d bytes: %w", op, off, n, size, ErrRange)
	}
	return nil
}

// pageRange returns the bytes of the mapping that hold [off, off+n) of the
// region, widened down to a page boundary as msync and madvise require.
func (st *state) pageRange(off, n int64) []byte {
	start := int64(st.delta) + off
	end := start + n
	start &^= int64(pageSize - 1)
	return st.mem[start:end]
}

// Flush writes the changes made to a ReadWrite map to the file and waits
// until they are on disk. It does nothing for the other modes.
func (m *Map) Flush() error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	st := m.st
	if st == nil {
		return ErrClosed
	}
	if m.mode != ReadWrite || st.n == 0 {
		return nil
	}
	return st.flush(st.pageRange(0, int64(st.n)))
}

// FlushRange is like Flush for the bytes [off, off+n) of the map. The
// offset need not be aligned. It returns an error wrapping [ErrRange] if the
// range does not lie within the map.
func (m *Map) FlushRange(off, n int64) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	st := m.st
	if st == nil {
		return ErrClosed
	}
	if err := checkRange("FlushRange", off, n, st.n); err != nil {
		return err
	}
	if m.mode != ReadWrite || n == 0 {
		return nil
	}
	return st.flush(st.pageRange(off, n))
}

func (st *state) flush(b []byte) error {
	if err := flush(st.f, b); err != nil {
		return fmt.Errorf("mmap: %s: %w", st.name, err)
	}
	return nil
}

// Advise tells the operating system how the bytes [off, off+n) of the map
// will be used. The offset need not be aligned. Advice is a hint: where the
// system has no equivalent (Windows has one for WillNeed only) Advise does
// nothing. On a CopyOnWrite map DontNeed does nothing, because some systems
// would drop the map's private changes with the pages. It returns an error
// wrapping [ErrRange] if the range does not lie within the map.
func (m *Map) Advise(a Advice, off, n int64) error {
	if a < Normal || a > DontNeed {
		return fmt.Errorf("mmap: unknown advice %v", a)
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	st := m.st
	if st == nil {
		return ErrClosed
	}
	if err := checkRange("Advise", off, n, st.n); err != nil {
		return err
	}
	if n == 0 || (a == DontNeed && m.mode == CopyOnWrite) {
		return nil
	}
	if err := advise(st.pageRange(off, n), a); err != nil {
		return fmt.Errorf("mmap: %s: %w", st.name, err)
	}
	return nil
}

// Resize makes a ReadWrite map n bytes long and its file Offset()+n bytes
// long, extending or truncating the file, and maps it again. The bytes the
// old and the new length share are kept; new bytes read as zero.
//
// After Resize, slices returned by Bytes earlier are invalid: the map may
// have moved in memory, and using them may crash the program or read the
// wrong memory. Call Bytes again.
//
// Resize returns an error wrapping [ErrReadOnly] for a ReadOnly or
// CopyOnWrite map, and one wrapping [ErrTooLarge] if the new length does not
// fit in the address space. If it fails while remapping, the map keeps its
// old length where it can (the file may have the new size); where it cannot,
// the map is closed.
func (m *Map) Resize(n int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.st
	if st == nil {
		return ErrClosed
	}
	if m.mode != ReadWrite {
		return fmt.Errorf("mmap: %s: cannot resize a %v map: %w", st.name, m.mode, ErrReadOnly)
	}
	if n < 0 {
		return fmt.Errorf("mmap: %s: Resize(%d): %w", st.name, n, ErrRange)
	}
	if n > math.MaxInt-int64(st.delta) || m.off > math.MaxInt64-n {
		return fmt.Errorf("mmap: %s: Resize(%d): %w", st.name, n, ErrTooLarge)
	}
	if n == int64(st.n) {
		return nil
	}
	size := m.off + n
	newLen := 0
	if n > 0 {
		newLen = st.delta + int(n)
	}
	aligned := m.off - int64(st.delta)

	var mem []byte
	var err error
	switch {
	case st.mem == nil:
		// Nothing mapped yet: size the file, then map it.
		if err = st.f.Truncate(size); err == nil {
			mem, err = mmap(st.f, m.mode, aligned, newLen)
		}
	case newLen == 0:
		// Unmap before truncating: Windows cannot shrink a mapped file.
		if err = unmap(st.mem); err != nil {
			mem = st.mem
		} else {
			err = st.f.Truncate(size)
		}
	default:
		mem, err = remap(st.f, m.mode, st.mem, aligned, newLen, size)
	}
	if err != nil {
		if mem == nil && st.mem != nil {
			// The old mapping is gone and no new one was made.
			st.setMem(nil)
			m.st = nil
			m.cleanup.Stop()
			st.release()
		} else if mem != nil {
			st.setMem(mem)
			st.n = len(mem) - st.delta
		}
		return fmt.Errorf("mmap: %s: Resize(%d): %w", st.name, n, err)
	}
	st.setMem(mem)
	st.n = int(n)
	return nil
}

// remapByUnmapping changes a mapping's length, and the file's size, by
// making a new mapping and removing the old one. It suits systems without
// mremap. Like remap it returns the mapping left in place, nil if none.
func remapByUnmapping(f *os.File, mode Mode, old []byte, off int64, n int, size int64) ([]byte, error) {
	if n > len(old) {
		// Grow the file first, while the old mapping stays valid.
		if err := f.Truncate(size); err != nil {
			return old, err
		}
		mem, err := mmap(f, mode, off, n)
		if err != nil {
			return old, err
		}
		if err := unmap(old); err != nil {
			unmap(mem)
			return old, err
		}
		return mem, nil
	}
	// Windows refuses to shrink a file below a mapped view, so the old
	// mapping goes first.
	if err := unmap(old); err != nil {
		return old, err
	}
	if err := f.Truncate(size); err != nil {
		// Put the old mapping back; the file still has its old size.
		mem, err2 := mmap(f, mode, off, len(old))
		if err2 != nil {
			return nil, err
		}
		return mem, err
	}
	mem, err := mmap(f, mode, off, n)
	if err != nil {
		return nil, err
	}
	return mem, nil
}

// ReadAt copies bytes of the map starting at off into p, with the semantics
// of [io.ReaderAt]: fewer than len(p) bytes come with [io.EOF] at the end of
// the map. A memory fault while copying (the file was shrunk) stops the copy
// at the page that faulted, and ReadAt returns the bytes copied before it
// with a [*FaultError].
func (m *Map) ReadAt(p []byte, off int64) (int, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	st := m.st
	if st == nil {
		return 0, ErrClosed
	}
	if off < 0 {
		return 0, fmt.Errorf("mmap: ReadAt at negative offset %d: %w", off, ErrRange)
	}
	if off >= int64(st.n) {
		if len(p) == 0 {
			return 0, nil
		}
		return 0, io.EOF
	}
	src := st.region()[off:]
	n, err := st.copyGuarded(p, src, off, true)
	if err == nil && n < len(p) {
		err = io.EOF
	}
	return n, err
}

// WriteAt copies p into the map starting at off, with the semantics of
// [io.WriterAt], except that a map does not grow: bytes that would fall past
// its end are not written, and the error wraps [io.ErrShortWrite]. It
// returns [ErrReadOnly] for a ReadOnly map. A memory fault while copying
// stops the copy at the page that faulted, and WriteAt returns the bytes
// copied before it with a [*FaultError].
func (m *Map) WriteAt(p []byte, off int64) (int, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	st := m.st
	if st == nil {
		return 0, ErrClosed
	}
	if m.mode == ReadOnly {
		return 0, ErrReadOnly
	}
	if off < 0 {
		return 0, fmt.Errorf("mmap: WriteAt at negative offset %d: %w", off, ErrRange)
	}
	if len(p) == 0 {
		return 0, nil
	}
	var dst []byte
	if off < int64(st.n) {
		dst = st.region()[off:]
	}
	n, err := st.copyGuarded(dst, p, off, false)
	if err == nil && n < len(p) {
		err = fmt.Errorf("mmap: WriteAt of %d bytes at %d past the end of a map of %d bytes: %w",
			len(p), off, st.n, io.ErrShortWrite)
	}
	return n, err
}

// copyGuarded copies src to dst one page of the map at a time, so that after
// a fault the count of bytes copied is exact up to the faulting page. off is
// the offset in the region of the mapped side, src if reading, else dst.
func (st *state) copyGuarded(dst, src []byte, off int64, reading bool) (n int, err error) {
	total := min(len(dst), len(src))
	err = st.guard(func() error {
		// Chunks end at page boundaries of the file.
		pos := int64(st.delta) + off
		for n < total {
			chunk := pageSize - int(pos%int64(pageSize))
			chunk = min(chunk, total-n)
			copy(dst[n:n+chunk], src[n:n+chunk])
			n += chunk
			pos += int64(chunk)
		}
		return nil
	})
	return n, err
}

// Guard calls fn with the mapped region and returns its error, turning a
// memory fault inside fn (the file was shrunk) into a [*FaultError] whose
// Offset is that of the byte fn touched. Panics that are not memory faults
// in the map pass through unchanged.
//
// fn must not keep b after it returns, and must not call Close or Resize on
// m, which would wait for Guard forever; it should use b rather than other
// methods of m. The protection covers the goroutine that calls Guard only,
// not goroutines fn starts.
func (m *Map) Guard(fn func(b []byte) error) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	st := m.st
	if st == nil {
		return ErrClosed
	}
	b := st.region()
	return st.guard(func() error { return fn(b) })
}

// guard runs fn with faults turned into panics on this goroutine, and turns
// a panic for a fault inside the region into a *FaultError.
func (st *state) guard(fn func() error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			ferr := st.faultError(r)
			if ferr == nil {
				panic(r)
			}
			err = ferr
		}
	}()
	return fn()
}

// faultError returns the *FaultError for a recovered panic value, or nil if
// it is not a memory fault at an address inside the region.
func (st *state) faultError(r any) *FaultError {
	if _, ok := r.(runtime.Error); !ok {
		return nil
	}
	fault, ok := r.(interface{ Addr() uintptr })
	if !ok || st.n == 0 {
		return nil
	}
	addr := fault.Addr()
	start := st.base + uintptr(st.delta)
	if addr < start || addr-start >= uintptr(st.n) {
		return nil
	}
	return &FaultError{Offset: int64(addr - start), Path: st.name}
}
