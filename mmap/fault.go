package mmap

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
)

// A FaultError reports a memory fault while touching a map, which happens
// when the file was shrunk after it was mapped. Offset is the first byte
// lost to the map: when the file is now shorter than the map, the start of
// the first page past its end, whatever byte the faulting code touched
// (a copy of many pages may touch its last page first); otherwise (a
// device error) the byte that faulted. Every byte from the page holding
// Offset on may be lost.
type FaultError struct {
	Offset int64  // offset, from the start of the map, of the first byte lost
	Path   string // the name of the mapped file
}

// Error returns a message that names the file and the offset.
func (e *FaultError) Error() string {
	return "mmap: " + e.Path + ": memory fault at byte " + strconv.FormatInt(e.Offset, 10) +
		" of the map (was the file shrunk?)"
}

// Unwrap returns [ErrFault].
func (e *FaultError) Unwrap() error { return ErrFault }

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
	n, err := st.copyGuarded(p, src, off)
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
	n, err := st.copyGuarded(dst, p, off)
	if err == nil && n < len(p) {
		err = fmt.Errorf("mmap: WriteAt of %d bytes at %d past the end of a map of %d bytes: %w",
			len(p), off, st.n, io.ErrShortWrite)
	}
	return n, err
}

// copyGuarded copies src to dst one page of the map at a time, so that after
// a fault the count of bytes copied is exact up to the faulting page. off is
// the offset in the region of the mapped side: src when reading, dst when
// writing.
func (st *state) copyGuarded(dst, src []byte, off int64) (n int, err error) {
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
// in the map pass through unchanged. The protection covers the goroutine
// that calls Guard only, not goroutines fn starts.
//
// fn must not keep b after it returns. The mapping stays in place while fn
// runs: fn may call any method of m, and Close (from fn or from another
// goroutine) only marks the map closed, leaving the unmapping to the end of
// the last Guard in progress; Guard then returns fn's error or, if there is
// none, the error of that unmapping. Resize during fn fails with [ErrBusy].
func (m *Map) Guard(fn func(b []byte) error) (err error) {
	m.mu.RLock()
	st := m.st
	if st == nil {
		m.mu.RUnlock()
		return ErrClosed
	}
	st.pin()
	m.mu.RUnlock()
	defer func() {
		if uerr := st.unpin(); err == nil {
			err = uerr
		}
	}()
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
	off := int64(addr - start)
	if size, ok := st.size(); ok {
		// The first page of the file past its end, from the map's start.
		page := int64(pageSize)
		lost := max(0, (size+page-1)/page*page-st.off)
		if lost < off {
			off = lost
		}
	}
	return &FaultError{Offset: off, Path: st.name}
}

// size returns the mapped file's size now, if it can be found: from its
// descriptor, or, for a map without one, by its name, provided the name
// still leads to the file that was mapped.
func (st *state) size() (int64, bool) {
	if st.f != nil {
		fi, err := st.f.Stat()
		if err != nil {
			return 0, false
		}
		return fi.Size(), true
	}
	if st.id == nil {
		return 0, false
	}
	fi, err := os.Stat(st.name)
	if err != nil || !os.SameFile(fi, st.id) {
		return 0, false
	}
	return fi.Size(), true
}
