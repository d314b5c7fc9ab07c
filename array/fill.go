package array

import (
	"fmt"
	"io"

	"github.com/ndmap/ndmap/mmap"
)

// WriteAt writes p to the file's array data at byte offset off, counted
// from the start of the data, and implements io.WriterAt: the bytes are
// items in the file's dtype and byte order, in the order they lie in the
// file. io.NewOffsetWriter(f, 0) is an io.Writer that fills the data from
// the start.
//
// WriteAt writes through the file, not the mapping, as a plain write
// does. A page of a new file written through the mapping for the first
// time costs the program a fault and the system a fresh zeroed page before
// the data is copied in; a write through the file copies the data into the
// system's cache directly, so filling a new file in order this way runs at
// the speed of plain writes, in about half the time a fill through a view
// takes (bench/RESULTS.md). The mapping and the file share the system's cache,
// so views see what WriteAt wrote at once, and may be written too: WriteAt
// is the way to fill a file in order, views the way to write it anywhere.
// Close syncs both.
//
// WriteAt returns an error wrapping [ErrReadOnly] for a file not opened
// ReadWrite (a CopyOnWrite mapping keeps its writes private, which a write
// through the file would not), one wrapping [mmap.ErrRange] if [off,
// off+len(p)) does not lie within the data, and one wrapping [ErrClosed]
// after Close.
func (f *File) WriteAt(p []byte, off int64) (int, error) {
	if f.closed.Load() {
		return 0, f.closedErr()
	}
	if f.m == nil || f.os == nil || f.m.Mode() != mmap.ReadWrite {
		return 0, fmt.Errorf("%w: %s: WriteAt needs a file opened ReadWrite", ErrReadOnly, f.name())
	}
	if off < 0 || off > int64(len(f.data)) || int64(len(p)) > int64(len(f.data))-off {
		return 0, fmt.Errorf("array: %s: WriteAt(%d bytes, %d) on %d bytes of data: %w", f.name(), len(p), off, len(f.data), mmap.ErrRange)
	}
	n, err := f.os.f.WriteAt(p, f.dataOff+f.m.Offset()+off)
	if err != nil {
		err = pathError("write", f.path, err)
	}
	return n, err
}

// WriteValues writes data as the elements of a from position i on,
// counting in the order the elements lie in the file (C order, or
// Fortran order for a Fortran-order file), in the file's byte order,
// through the file as [File.WriteAt] does. Filling a new file in order,
// a block at a time, with WriteValues runs at the speed of plain writes;
// see the package doc's "Writing".
//
// WriteValues panics if i is negative or i+len(data) is more than
// a.Size().
func WriteValues[T Element](a *Array[T], i int, data []T) error {
	if i < 0 || len(data) > int(a.hdr.Count())-i {
		panic(fmt.Sprintf("array: WriteValues of %d elements at %d into an array of %d", len(data), i, a.hdr.Count()))
	}
	size, _ := sizeAlign[T]()
	off := int64(i) * int64(size)
	acc := newAccess[T](a.hdr.DType, geom{})
	src := sliceBytes(data)
	if acc.swap == 0 {
		_, err := a.File.WriteAt(src, off)
		return err
	}
	// Swap into pieces of bounded size.
	buf := make([]byte, min(len(src), chunkBytes))
	for len(src) > 0 {
		n := copy(buf, src)
		swapBytes(buf[:n], int(acc.swap))
		if _, err := a.File.WriteAt(buf[:n], off); err != nil {
			return err
		}
		src, off = src[n:], off+int64(n)
	}
	return nil
}

var _ io.WriterAt = (*File)(nil)
