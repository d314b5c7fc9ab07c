package array

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"time"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/internal/osfile"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// Appender appends rows along the first axis of an existing .npy file,
// without rewriting it: each append writes the new rows after the data,
// then rewrites the header in place, keeping its length, with the new
// shape.
//
// # Crash safety
//
// A process killed at any moment leaves a file that NumPy and this package
// read, holding every row whose append returned (with group commits, every
// row up to the last commit): the rows are written
// before the header that counts them, and the header is rewritten by
// writing only the bytes that change — the digits of the first axis and,
// when it gains a digit, what follows them up to the closing brace — in one
// write. Linux copies a write into the file a page at a time and stops a
// killed process only between pages, so a write within one page is applied
// whole. The bytes that change lie within one page in every header of up
// to a page (4096 bytes; NumPy writes longer ones only for records of a
// couple of hundred fields or more), and in a longer one unless its shape
// lies near a page boundary. There the header is rewritten as it is with
// its number replaced, the digits it gains taken from the nearest spaces
// before or after it on its page (Python's literals need no spaces between
// their tokens), so that the change stays within the number's page; and
// where the number's own digits lie on both sides of the boundary, the two
// pages are written in the order that keeps a header cut between them
// counting between the old and the new number of rows when such an order
// exists. When none does — a number across the boundary that carries over
// it (1999 to 2000 with the boundary after "19") — a process killed
// between the two writes leaves a header that counts fewer rows than it
// had, never more, and that still loads. A test cuts the rewrite after
// every byte, a page at a time as the system would, over headers with the
// shape at every offset around a page boundary. The file may hold bytes
// after the data — rows of an append that did not return, or not counted
// yet — which readers ignore and the next append overwrites.
//
// What survives a machine that stops depends on the setting:
//
//   - By default each append syncs its rows to the device (fdatasync where
//     the system has it) before it rewrites the header: the file on the
//     device never counts rows that are not there, and holds every batch
//     whose append returned except, possibly, the last, whose header may
//     not have reached the device. One sync per append.
//   - [Appender.SetGroupCommit] syncs every n appends or every so often:
//     appends in between only write their rows, and a commit syncs them,
//     rewrites the header and syncs it. The file holds every row up to the
//     last commit, on the device as after a killed process, and never counts
//     rows that are not there; rows appended since the last commit are lost
//     by a crash of either kind. SetGroupCommit(1, 0) makes every append a
//     commit: two syncs per append, and every batch whose append returned
//     survives.
//   - [Appender.SetSync](false) never syncs until Close: a killed process
//     still leaves every returned batch, but after a machine stops the header
//     may count rows that never reached the device.
//
// The file must be in C order (or 1-d), at least 1-d, with rows of at least
// one byte. An Appender is not safe for use by several goroutines at once,
// and two Appenders must not append to one file at the same time.
type Appender struct {
	f       *os.File
	path    string
	hdr     header.Header // Shape[0] is the number of rows written
	counted int           // the number of rows the file's header counts
	head    []byte        // the header as it is in the file
	rowSize int64
	sync    bool
	every   int           // group commit: commit every so many appends, or 0
	period  time.Duration // group commit: commit when this long has passed, or 0
	waiting int           // appends since the last commit
	last    time.Time     // of the last commit
	err     error         // sticky: the header may not match the data
	// writeAt writes to the file: f.WriteAt, but for tests of a write cut
	// short.
	writeAt func(p []byte, off int64) (int, error)
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
	head := make([]byte, h.DataOffset)
	if _, err := f.ReadAt(head, 0); err != nil {
		return nil, pathError("open", path, err)
	}
	a := &Appender{f: f, path: path, hdr: *h, counted: h.Shape[0], head: head, rowSize: rowSize, sync: true, last: time.Now()}
	a.writeAt = f.WriteAt
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
// rewrites the header: on by default. Turned off, appends are faster and a
// killed process still leaves every row whose append returned, but a
// machine that stops may leave a header that counts rows that never reached
// the device. See [Appender] for what each setting guarantees.
func (a *Appender) SetSync(sync bool) { a.sync = sync }

// SetGroupCommit makes appends commit in groups: an append only writes its
// rows, and every batches-th append, or the first append once every has
// passed since the last commit, commits them all: it syncs the rows,
// rewrites the header to count them and syncs it, and returns once they are
// on the device. [Appender.Commit] commits at any time, and Close commits
// what is left. Zero turns a condition off; SetGroupCommit(0, 0) goes back
// to the default of a header rewritten, and the rows synced, at every
// append. Time is checked at each append: an Appender left idle does not
// commit by itself.
//
// Rows appended since the last commit are not counted by the file's header
// until the next one, so a crash of either kind — a killed process or a
// machine that stops — loses them, and keeps everything committed before.
//
// SetGroupCommit panics if batches or every is negative.
func (a *Appender) SetGroupCommit(batches int, every time.Duration) {
	if batches < 0 || every < 0 {
		panic(fmt.Sprintf("array: SetGroupCommit(%d, %v) with a negative argument", batches, every))
	}
	a.every, a.period = batches, every
}

// Commit syncs the rows appended so far, rewrites the header to count them
// and syncs it: once it returns, every row appended is on the device and
// counted. It is how a program using [Appender.SetGroupCommit] makes a
// group durable at a moment of its choosing.
func (a *Appender) Commit() error {
	if a.err != nil {
		return a.err
	}
	if a.f == nil {
		return &fs.PathError{Op: "commit", Path: a.path, Err: os.ErrClosed}
	}
	return a.commit(true)
}

// commit makes the header count every row written, syncing the rows
// before the header when sync is set, and the header after it when group
// commit is on.
func (a *Appender) commit(sync bool) error {
	n := a.hdr.Shape[0]
	if n != a.counted {
		if sync {
			if err := mmap.SyncData(a.f); err != nil {
				return pathError("append", a.path, err)
			}
		}
		if err := a.rewriteHeader(n); err != nil {
			a.err = pathError("append", a.path, err)
			return a.err
		}
	}
	if a.grouped() {
		if err := mmap.SyncData(a.f); err != nil {
			return pathError("append", a.path, err)
		}
		a.waiting, a.last = 0, time.Now()
	}
	return nil
}

// grouped reports whether appends commit in groups.
func (a *Appender) grouped() bool { return a.every > 0 || a.period > 0 }

// Header returns the file's header, with the current length of the first
// axis.
func (a *Appender) Header() header.Header {
	h := a.hdr
	h.Shape = append([]int{}, h.Shape...)
	return h
}

// Len returns the current length of the first axis: every row appended,
// committed or not.
func (a *Appender) Len() int { return a.hdr.Shape[0] }

// AppendBytes appends rows given as their bytes, in the file's dtype and
// byte order: len(b) must be a whole number of rows. It returns once the
// rows are written and, unless appends commit in groups
// ([Appender.SetGroupCommit]), the header counts them.
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
// It returns once the rows are written and, unless appends commit in
// groups ([Appender.SetGroupCommit]), the header counts them.
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
			swapBytes(buf[:n], int(acc.swap))
			if err := write(buf[:n]); err != nil {
				return err
			}
			src = src[n:]
		}
		return nil
	})
}

// appendRows appends rows rows whose bytes fill writes in order, then
// commits them as the Appender's setting says.
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
	// Fail before writing rows when the header cannot count them.
	if _, err := a.headerBytes(n); err != nil {
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
	a.hdr.Shape = shape
	if a.grouped() {
		a.waiting++
		if (a.every == 0 || a.waiting < a.every) && (a.period == 0 || time.Since(a.last) < a.period) {
			return nil
		}
	}
	return a.commit(a.sync || a.grouped())
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

// Close commits the rows not yet counted by the header, syncs the file and
// closes it. Closing twice does nothing.
func (a *Appender) Close() error {
	if a.f == nil {
		return nil
	}
	var err error
	if a.err == nil {
		err = a.commit(true)
	}
	if serr := a.f.Sync(); err == nil {
		err = serr
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	a.f = nil
	if err != nil {
		return err
	}
	return a.err
}
