package mmap

import (
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"sync"

	"github.com/ndmap/ndmap/internal/osfile"
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
	// ErrBusy is wrapped by the error of [Map.Resize] called while a
	// [Map.Guard] callback is running: the callback's slice must stay
	// where it is.
	ErrBusy = errors.New("mmap: map is in use by Guard")
)

// A Map is a file, or a region of one, mapped into memory.
//
// The methods of a Map may be called from several goroutines at once; the
// package doc says, method by method, what may run alongside Close and
// Resize. The slices returned by Bytes are not protected by any of this.
type Map struct {
	mu      sync.RWMutex // Close and Resize hold it; other methods read-lock it
	st      *state       // nil once closed
	off     int64
	mode    Mode
	cleanup runtime.Cleanup
}

// state is what must be released to undo a mapping. It is apart from Map so
// that the cleanup attached to a Map can hold it without holding the Map.
type state struct {
	mem   []byte      // the whole mapping, from the aligned offset; nil when empty
	base  uintptr     // address of mem[0]
	delta int         // requested offset minus aligned offset
	off   int64       // requested offset in the file
	n     int         // length of the region
	f     *os.File    // nil for ReadOnly and CopyOnWrite maps, which need no descriptor
	own   bool        // Close closes f
	id    os.FileInfo // the mapped file, as a fault finds it again by name when f is nil
	name  string

	// Guard callbacks run without the Map's lock, so that they may call
	// Close; pins counts them, and a Close that finds pins leaves the
	// release to the last of them.
	pinMu  sync.Mutex
	pins   int
	closed bool
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
		// reflect gives the address without importing unsafe into the
		// portable code. The address is only compared with the addresses
		// of faults, never turned back into a pointer, and the mapping
		// lies outside the Go heap, so the collector need not know of it.
		// The pointer to the first byte, unlike the slice, fits in an
		// interface without being copied to the heap.
		st.base = reflect.ValueOf(&mem[0]).Pointer()
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

// close releases the mapping now, or leaves it to the last Guard callback
// in progress.
func (st *state) close() error {
	st.pinMu.Lock()
	st.closed = true
	busy := st.pins > 0
	st.pinMu.Unlock()
	if busy {
		return nil
	}
	return st.release()
}

// pin keeps the mapping in place until unpin. The caller holds the Map's
// read lock, so that Close cannot come between finding st and pinning it.
func (st *state) pin() {
	st.pinMu.Lock()
	st.pins++
	st.pinMu.Unlock()
}

// unpin undoes pin and, for the last pin of a closed map, releases it.
func (st *state) unpin() error {
	st.pinMu.Lock()
	st.pins--
	last := st.pins == 0 && st.closed
	st.pinMu.Unlock()
	if last {
		return st.release()
	}
	return nil
}

// pinned reports whether a Guard callback is running.
func (st *state) pinned() bool {
	st.pinMu.Lock()
	defer st.pinMu.Unlock()
	return st.pins > 0
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

// Open maps the whole of the named file in the given mode. An empty file
// gives an empty map. A ReadWrite map owns the file it opens, and Close
// closes it; a ReadOnly or CopyOnWrite map closes it before Open returns
// (see "Descriptors" in the package doc).
//
// Open and OpenRegion map regular files and block devices (to their end).
// Anything else — a named pipe, which would block, a directory, a socket, a
// character device — is refused before it is read, with an *fs.PathError
// that matches fs.ErrInvalid.
func Open(path string, mode Mode) (*Map, error) {
	flag, err := openFlag(mode)
	if err != nil {
		return nil, err
	}
	f, err := osfile.Open(path, flag)
	if err != nil {
		return nil, fmt.Errorf("mmap: %w", err)
	}
	fi, size, err := stat(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("mmap: %w", err)
	}
	m, err := mapFile(f, false, mode, 0, size, fi)
	if err != nil {
		f.Close()
		return nil, err
	}
	return m.adopt(f)
}

// OpenRegion maps the bytes [off, off+n) of the named file in the given
// mode. The offset need not be aligned to a page. The region must lie within
// the file. Like [Open], it keeps the file open only for a ReadWrite map.
func OpenRegion(path string, mode Mode, off, n int64) (*Map, error) {
	flag, err := openFlag(mode)
	if err != nil {
		return nil, err
	}
	f, err := osfile.Open(path, flag)
	if err != nil {
		return nil, fmt.Errorf("mmap: %w", err)
	}
	m, err := MapRegion(f, mode, off, n)
	if err != nil {
		f.Close()
		return nil, err
	}
	return m.adopt(f)
}

// adopt gives m the file f that Open or OpenRegion opened for it: a
// ReadWrite map keeps it until Close; the others do not need it, and it is
// closed now.
func (m *Map) adopt(f *os.File) (*Map, error) {
	if m.st.f != nil {
		m.st.own = true
		return m, nil
	}
	if err := f.Close(); err != nil {
		m.Close()
		return nil, fmt.Errorf("mmap: %w", err)
	}
	return m, nil
}

// MapRegion maps the bytes [off, off+n) of an open file in the given mode.
// The file must have been opened with the access the mode needs (read for
// ReadOnly and CopyOnWrite, read and write for ReadWrite), and the region
// must lie within the file. The offset need not be aligned to a page. The
// caller keeps f: Close does not close it. A ReadWrite map uses f until it
// is closed, so f must stay open until then; a ReadOnly or CopyOnWrite map
// never uses f after MapRegion returns, and f may be closed at once.
func MapRegion(f *os.File, mode Mode, off, n int64) (*Map, error) {
	if _, err := openFlag(mode); err != nil {
		return nil, err
	}
	if off < 0 || n < 0 {
		return nil, fmt.Errorf("mmap: %s: region at %d of %d bytes: %w", f.Name(), off, n, ErrRange)
	}
	fi, size, err := stat(f)
	if err != nil {
		return nil, fmt.Errorf("mmap: %w", err)
	}
	if off > size || n > size-off {
		return nil, fmt.Errorf("mmap: %s: region [%d, %d+%d) extends past the end of the file at %d: %w",
			f.Name(), off, off, n, size, ErrRange)
	}
	return mapFile(f, false, mode, off, n, fi)
}

// stat returns what f is and its size: for a block device, found by
// seeking to its end, as a stat gives it none.
func stat(f *os.File) (os.FileInfo, int64, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	if fi.Mode().IsRegular() {
		return fi, fi.Size(), nil
	}
	size, err := osfile.Size(f)
	return fi, size, err
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
	m, err := mapFile(f, true, ReadWrite, 0, size, nil)
	if err != nil {
		f.Close()
		return nil, err
	}
	return m, nil
}

// mapFile maps [off, off+n) of f, which the caller has checked lies within
// the file and which fi describes. It never closes f. Only a ReadWrite map
// keeps f: the others are left without a descriptor, and own is dropped.
func mapFile(f *os.File, own bool, mode Mode, off, n int64, fi os.FileInfo) (*Map, error) {
	aligned := off &^ (granularity - 1)
	delta := off - aligned
	if n > math.MaxInt-delta {
		return nil, fmt.Errorf("mmap: %s: region of %d bytes: %w", f.Name(), n, ErrTooLarge)
	}
	st := &state{delta: int(delta), off: off, n: int(n), f: f, own: own, name: f.Name()}
	if mode != ReadWrite {
		st.f, st.own, st.id = nil, false, fi
	}
	if n > 0 {
		mem, err := mmap(f, mode, aligned, int(delta+n))
		if err != nil {
			return nil, fmt.Errorf("mmap: %s: %w", st.name, err)
		}
		st.setMem(mem)
	}
	m := &Map{st: st, off: off, mode: mode}
	m.cleanup = runtime.AddCleanup(m, func(st *state) { st.close() }, st)
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
//
// Close waits for calls of ReadAt, WriteAt, Flush, FlushRange and Advise
// in progress. It does not wait for [Map.Guard] callbacks, which may call
// Close themselves: while one runs, Close marks the map closed and returns
// nil, and the last callback to return unmaps the file.
func (m *Map) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.st
	if st == nil {
		return nil
	}
	m.st = nil
	m.cleanup.Stop()
	return st.close()
}

// Preallocate reserves space on the device for the first size bytes of f,
// an open file being written, and extends f to size bytes if it is
// shorter: writes within those bytes, through a map or through f, then
// cannot fail for want of space. Without it a file made long by truncation
// is sparse, and a full disk is found only when a page of a map is first
// written back or, on some systems, first touched, where it is a fault
// (SIGBUS on Unix) that ends the program; with it, a full disk is an error
// here, before anything is written.
//
// Preallocation writes nothing: the file system marks the blocks as its
// own but unwritten (fallocate on Linux, F_PREALLOCATE on macOS, the
// allocation size on Windows), which takes a moment however big the file.
// The blocks are taken at once, so a file that would mostly stay sparse
// costs its whole size. Where the system or the file system has no way to
// reserve space without writing it, Preallocate returns an error wrapping
// [errors.ErrUnsupported] and changes nothing; a full device gives an error
// wrapping the system's (syscall.ENOSPC on Unix).
func Preallocate(f *os.File, size int64) error {
	if size < 0 {
		return fmt.Errorf("mmap: %s: Preallocate(%d): %w", f.Name(), size, ErrRange)
	}
	if size == 0 {
		return nil
	}
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("mmap: %w", err)
	}
	if err := preallocate(f, size); err != nil {
		// Some file systems (ext4) keep what they reserved before the
		// device filled up, and the longer size: give both back.
		if now, serr := f.Stat(); serr == nil && now.Size() > st.Size() {
			f.Truncate(st.Size())
		}
		return fmt.Errorf("mmap: %s: reserving %d bytes: %w", f.Name(), size, err)
	}
	return nil
}

// SyncData waits until the data written to f, and what is needed to read
// it back (its size, not its times), is on the device: fdatasync where the
// system has it, which saves a write of the file's metadata that fsync
// makes; fsync elsewhere (on macOS with F_FULLFSYNC, as [os.File.Sync]
// does, since plain fsync there leaves the data in the drive's cache).
func SyncData(f *os.File) error {
	if err := datasync(f); err != nil {
		return fmt.Errorf("mmap: %w", err)
	}
	return nil
}

// extend makes f size bytes long if it is shorter.
func extend(f *os.File, size int64) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.Size() < size {
		return f.Truncate(size)
	}
	return nil
}
