package mmap

import (
	"fmt"
	"math"
	"os"
)

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
//
// Resize waits for calls of ReadAt, WriteAt, Flush, FlushRange and Advise
// in progress. While a [Map.Guard] callback runs, whether Resize is called
// from it or from another goroutine, Resize changes nothing and returns an
// error wrapping [ErrBusy]: the callback's slice must not move.
func (m *Map) Resize(n int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.st
	if st == nil {
		return ErrClosed
	}
	if st.pinned() {
		return fmt.Errorf("mmap: %s: Resize(%d) during Guard: %w", st.name, n, ErrBusy)
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
