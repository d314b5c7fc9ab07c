package array

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/internal/osfile"
	"github.com/ndmap/ndmap/layout"
)

// Appender appends rows along the first axis of an existing .npy file,
// without rewriting it: each append writes the new rows after the data,
// then rewrites the header in place, keeping its length, with the new
// shape.
//
// A process killed at any moment leaves a file that NumPy and this package
// read, holding every row whose append returned: the rows are written
// before the header that counts them, and the header is updated with a
// single write of its bytes, which the system applies whole. The file may
// then hold bytes after the data — rows of an append that did not return —
// which readers ignore and the next append overwrites. Against a machine
// that stops, the rows are synced to the device before the header is
// rewritten, unless [Appender.SetSync] turns that off.
//
// The file must be in C order (or 1-d), at least 1-d, with rows of at least
// one byte. An Appender is not safe for use by several goroutines at once,
// and two Appenders must not append to one file at the same time.
type Appender struct {
	f       *os.File
	path    string
	hdr     header.Header // Shape[0] is the current length
	rowSize int64
	sync    bool
	err     error // sticky: the header may not match the data
}

// OpenAppender opens the .npy file at path for appending. The header text
// is capped as for [Open] ([MaxHeaderLen]). It returns an error wrapping
// [ErrHeaderFull] if the header has no room for a longer first axis at all.
func OpenAppender(path string, opts ...Option) (*Appender, error) {
	o := makeOptions(opts)
	f, err := osfile.Open(path, os.O_RDWR)
	if err != nil {
		return nil, err
	}
	a, err := newAppender(f, path, o)
	if err != nil {
		f.Close()
		return nil, err
	}
	return a, nil
}

func newAppender(f *os.File, path string, o options) (*Appender, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	h, err := header.NPY{MaxHeaderLen: o.maxHeaderLen}.Describe(f, st.Size())
	if err != nil {
		return nil, pathError("open", path, err)
	}
	switch {
	case len(h.Shape) == 0:
		return nil, fmt.Errorf("array: %s: cannot append to a 0-d array", path)
	case h.FortranOrder && len(h.Shape) > 1:
		return nil, fmt.Errorf("array: %s: cannot append rows to a Fortran-order array: its rows are not contiguous", path)
	}
	rowSize, err := layout.ByteSize(h.Shape[1:], h.DType.Size)
	if err != nil {
		return nil, &detailError{msg: fmt.Sprintf("array: %s: rows of shape %v of %s are too large", path, h.Shape[1:], h.DType), errs: []error{err}}
	}
	if rowSize == 0 {
		return nil, fmt.Errorf("array: %s: rows of shape %v and dtype %s are empty, so appended bytes cannot count them", path, h.Shape[1:], h.DType)
	}
	a := &Appender{f: f, path: path, hdr: *h, rowSize: rowSize, sync: true}
	// The shape must grow by at least one digit: fail now rather than at
	// the first append of many.
	grown := h.Shape[0]
	if grown <= math.MaxInt/10 {
		grown = grown*10 + 9
	}
	if _, err := a.headerBytes(grown); err != nil {
		return nil, err
	}
	return a, nil
}

// SetSync sets whether each append syncs its rows to the device before it
// rewrites the header: on by default. Turned off, appends are faster, a
// killed process still leaves a consistent file, but a machine that stops
// may leave a header that counts rows that never reached the device.
func (a *Appender) SetSync(sync bool) { a.sync = sync }

// Header returns the file's header, with the current length of the first
// axis.
func (a *Appender) Header() header.Header {
	h := a.hdr
	h.Shape = append([]int{}, h.Shape...)
	return h
}

// Len returns the current length of the first axis.
func (a *Appender) Len() int { return a.hdr.Shape[0] }

// AppendBytes appends rows given as their bytes, in the file's dtype and
// byte order: len(b) must be a whole number of rows. It returns once the
// rows are written and the header counts them.
//
// AppendBytes panics if len(b) is not a multiple of the row size.
func (a *Appender) AppendBytes(b []byte) error {
	if int64(len(b))%a.rowSize != 0 {
		panic(fmt.Sprintf("array: AppendBytes of %d bytes, not a whole number of %d-byte rows", len(b), a.rowSize))
	}
	return a.appendRows(int64(len(b))/a.rowSize, func(write func([]byte) error) error { return write(b) })
}

// Append appends rows of T to the file: len(data) must be a whole number of
// rows (the product of the shape after the first axis). T must match the
// file's dtype as for [Open]; values are written in the file's byte order.
// It returns once the rows are written and the header counts them.
//
// Append panics if len(data) is not a multiple of the row length.
func Append[T Element](a *Appender, data []T) error {
	if err := matchType[T](a.path, a.hdr.DType); err != nil {
		return err
	}
	size, _ := sizeAlign[T]()
	per := a.rowSize / int64(size)
	if int64(len(data))%per != 0 {
		panic(fmt.Sprintf("array: Append of %d elements, not a whole number of %d-element rows", len(data), per))
	}
	rows := int64(len(data)) / per
	acc := newAccess[T](a.hdr.DType, geom{})
	if acc.swap == 0 {
		b := sliceBytes(data)
		return a.appendRows(rows, func(write func([]byte) error) error { return write(b) })
	}
	// Swap into pieces of bounded size; all are written before the header.
	src := sliceBytes(data)
	buf := make([]byte, min(len(src), chunkBytes))
	return a.appendRows(rows, func(write func([]byte) error) error {
		for len(src) > 0 {
			n := copy(buf, src)
			swapBytes(buf[:n], acc.swap)
			if err := write(buf[:n]); err != nil {
				return err
			}
			src = src[n:]
		}
		return nil
	})
}

// appendRows appends rows rows whose bytes fill writes in order, syncs them
// if asked, then rewrites the header with one write.
func (a *Appender) appendRows(rows int64, fill func(write func([]byte) error) error) error {
	if a.err != nil {
		return a.err
	}
	if a.f == nil {
		return &fs.PathError{Op: "append", Path: a.path, Err: os.ErrClosed}
	}
	if rows == 0 {
		return nil
	}
	cur := int64(a.hdr.Shape[0])
	if rows > math.MaxInt-cur {
		return fmt.Errorf("array: %s: %d more rows overflow the first axis of %d", a.path, rows, cur)
	}
	n := int(cur + rows)
	shape := append([]int{n}, a.hdr.Shape[1:]...)
	size, err := layout.ByteSize(shape, a.hdr.DType.Size)
	if err != nil || a.hdr.DataOffset > math.MaxInt64-size {
		return fmt.Errorf("array: %s: %d rows are too many bytes for a file", a.path, n)
	}
	hb, err := a.headerBytes(n)
	if err != nil {
		return err
	}
	off := a.hdr.DataOffset + cur*a.rowSize
	err = fill(func(p []byte) error {
		k, err := a.f.WriteAt(p, off)
		off += int64(k)
		return err
	})
	if err != nil {
		// The header still counts the old rows; what was written lies
		// after them and is ignored.
		return pathError("append", a.path, err)
	}
	if a.sync {
		if err := a.f.Sync(); err != nil {
			return err
		}
	}
	// One write of the whole header, after the rows.
	if k, err := a.f.WriteAt(hb, 0); err != nil || k != len(hb) {
		if err == nil {
			err = io.ErrShortWrite
		}
		a.err = pathError("append", a.path, err)
		return a.err
	}
	a.hdr.Shape = shape
	return nil
}

// headerBytes returns the header for a first axis of n, exactly as long as
// the file's, so that it can be rewritten in place.
func (a *Appender) headerBytes(n int) ([]byte, error) {
	h := a.hdr
	h.Shape = append([]int{n}, h.Shape[1:]...)
	b, err := header.EncodeSize(h, int(a.hdr.DataOffset))
	if errors.Is(err, header.ErrNoRoom) {
		return nil, fmt.Errorf("%w: %s: the %d-byte header cannot hold shape %v", ErrHeaderFull, a.path, a.hdr.DataOffset, h.Shape)
	}
	if err != nil {
		return nil, pathError("append", a.path, err)
	}
	return b, nil
}

// Close syncs the file and closes it. Closing twice does nothing.
func (a *Appender) Close() error {
	if a.f == nil {
		return nil
	}
	err := a.f.Sync()
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	a.f = nil
	if err != nil {
		return err
	}
	return a.err
}
