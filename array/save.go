package array

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"math"
	"path/filepath"
	"slices"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// chunkBytes bounds the memory Read, Write and their kin use at a time.
const chunkBytes = 1 << 20

// Data is what the saving functions write: a [View] of any element type
// (an [Array] too) or [Items]. Its items are written with their dtype as it
// is — byte order, records, strings — as np.save keeps an array's dtype.
type Data interface {
	items() Items
}

func (v View[T]) items() Items {
	u := Items{g: v.g, f: v.f}
	if v.dt != nil { // nil in the zero View only
		u.dt = *v.dt
	}
	return u
}
func (u Items) items() Items { return u }

// Save writes d to a .npy file at path, as np.save does: the header, byte
// for byte the one NumPy writes for d's dtype and shape, then the items in C
// order, whatever d's strides. A []T in memory saves as
// Save(path, FromSlice(data, shape...)).
//
// The file is written apart from path and takes its name only once it is
// complete and on the device, so a Save that fails or is killed never
// leaves a partial file at path, and an existing file there is replaced
// only by a complete one. On Linux it is written unnamed, so that a killed
// Save leaves nothing at all; elsewhere a kill may leave a file named
// "."+base+".tmp" and random letters beside path. As np.save writes in
// place, the file keeps the mode of the one it replaces, a symbolic link at
// path stays a link to the file that is replaced, and a new file gets 0666
// less the umask. A path that names something other than a regular file —
// a directory, a named pipe, a device — is refused.
//
// Views of a file are read inside [File.Guard], so a file that shrank under
// its mapping gives an error, not a crash.
func Save(path string, d Data) error {
	return saveFile(path, -1, options{}, func(w io.Writer) error {
		_, err := Write(w, d)
		return err
	})
}

// SaveRaw writes the items of d in C order, with no header, to the file at
// path, as NumPy's tofile does; it replaces path only once the file is
// complete, as [Save] does.
func SaveRaw(path string, d Data) error {
	return saveFile(path, -1, options{}, func(w io.Writer) error {
		_, err := writeItems(w, d.items())
		return err
	})
}

// SaveArchive writes an .npz archive at path holding each of members under
// its key, in the order of the keys, as np.savez does; with [Compress] the
// members are deflated, as np.savez_compressed does. The archive replaces
// path only once it is complete, as [Save] does. Stored members are written
// with their data aligned to 64 bytes in the archive, where [OpenMember]
// reads them in place at full speed; NumPy reads them as any other.
func SaveArchive(path string, members map[string]Data, opts ...Option) error {
	o := makeOptions(opts)
	keys := slices.Sorted(maps.Keys(members))
	return saveFile(path, -1, o, func(w io.Writer) error {
		z := header.NewNPZWriter(w, header.NPZOptions{Compress: o.compress, Align: 64})
		for _, key := range keys {
			u := members[key].items()
			mw, err := z.Create(key, header.Header{DType: u.dt, Shape: u.Shape()})
			if err != nil {
				return pathError("write", path, err)
			}
			if _, err := writeItems(mw, u); err != nil {
				return err
			}
		}
		if err := z.Close(); err != nil {
			return pathError("write", path, err)
		}
		return nil
	})
}

// SaveFunc writes a file of any content at path through write, as [Save]
// writes a .npy file: apart from path, which it replaces only once write
// has returned nil and the file is on the device, keeping the mode of the
// file replaced and writing through a symbolic link. write gets a buffered
// writer; the errors of its writes name path. size is the number of bytes
// write will write, or -1 if it is not known; with [Preallocate] and a size,
// the space is reserved before write runs, so that a full device is found
// at once. SaveFunc returns write's error as it is.
func SaveFunc(path string, size int64, write func(w io.Writer) error, opts ...Option) error {
	return saveFile(path, size, makeOptions(opts), write)
}

// Write writes d to w as a .npy file, as [Save] does, and returns the number
// of bytes written.
func Write(w io.Writer, d Data) (int64, error) {
	u := d.items()
	n, err := header.Write(w, header.Header{DType: u.dt, Shape: u.Shape()})
	if err != nil {
		return n, err
	}
	m, err := writeItems(w, u)
	return n + m, err
}

// WriteRaw writes the items of d to w in C order with no header, as
// NumPy's tofile does, and returns the number of bytes written.
func WriteRaw(w io.Writer, d Data) (int64, error) {
	return writeItems(w, d.items())
}

// writeItems writes the bytes of the items of u to w in C order, with no
// header, in pieces of bounded size, and returns the number of bytes
// written.
func writeItems(w io.Writer, u Items) (int64, error) {
	var n int64
	var werr error // the writer's own error, returned as it is
	write := func(b []byte) error {
		k, err := w.Write(b)
		n += int64(k)
		if err != nil {
			werr = err
		}
		return err
	}
	err := u.f.Guard(func() error {
		u.f.check()
		if u.g.isC() {
			return write(u.g.data)
		}
		size := max(u.dt.Size, 1)
		buf := make([]byte, max(1, min(u.Size(), chunkBytes/size))*size)
		return gather(u, buf, write)
	})
	switch {
	case werr != nil:
		// Guard may have wrapped it: the writer's error is the one to see,
		// not a read of the items that went well.
		return n, werr
	case err != nil:
		err = pathError("read", u.f.name(), err)
	}
	return n, err
}

// gather calls fn with the bytes of the items of u in C order, in pieces
// that fit in buf, which is a whole number of items long.
func gather(u Items, buf []byte, fn func([]byte) error) error {
	n := u.Size()
	size := u.dt.Size
	switch {
	case n == 0 || size == 0:
		return nil
	case n*size <= len(buf):
		return fn(buf[:u.CopyTo(buf)])
	}
	rows := u.Len()
	per := n / rows
	if per*size > len(buf) {
		for i := range rows {
			if err := gather(u.Index(i), buf, fn); err != nil {
				return err
			}
		}
		return nil
	}
	step := len(buf) / (per * size)
	for i := 0; i < rows; i += step {
		s := u.Slice(Range(i, min(i+step, rows)))
		if err := fn(buf[:s.CopyTo(buf)]); err != nil {
			return err
		}
	}
	return nil
}

// Load reads the whole .npy file at path into memory, as np.load does, and
// returns its elements in C order (a Fortran-order file is reordered) with
// its shape. T must match the file's dtype as for [Open]; elements in the
// other byte order are swapped.
func Load[T Element](path string, opts ...Option) ([]T, []int, error) {
	a, err := Open[T](path, mmap.ReadOnly, opts...)
	if err != nil {
		return nil, nil, err
	}
	return readAll(a)
}

// readAll copies the elements of a into memory and closes it.
func readAll[T Element](a *Array[T]) ([]T, []int, error) {
	defer a.Close()
	out := make([]T, a.Size())
	if err := a.Guard(func() error { a.CopyTo(out); return nil }); err != nil {
		return nil, nil, pathError("read", a.name(), err)
	}
	return out, a.Shape(), nil
}

// Read reads a .npy file from r, as np.load does from a stream, and returns
// its elements in C order (a Fortran-order array is reordered, which needs
// a second copy) with its shape. T must match the file's dtype as for
// [Open]. Read stops after the array's data; r may hold more.
//
// The data is read in pieces of bounded size, and memory grows only as the
// data arrives, never beyond what the header promises: a header that claims
// terabytes on a short stream costs little before the stream ends, which is
// an error wrapping io.ErrUnexpectedEOF. The header text is capped as for
// [Open] ([MaxHeaderLen]).
func Read[T Element](r io.Reader, opts ...Option) ([]T, []int, error) {
	o := makeOptions(opts)
	h, rest, err := header.NPY{MaxHeaderLen: o.maxHeaderLen}.ReadStream(r)
	if err != nil {
		return nil, nil, err
	}
	if err := matchType[T]("stream", h.DType); err != nil {
		return nil, nil, err
	}
	count := h.Count()
	if count > math.MaxInt || h.DataSize() > math.MaxInt {
		return nil, nil, &detailError{msg: fmt.Sprintf("array: %d items of %d bytes are too many for the address space", count, h.DType.Size), errs: []error{mmap.ErrTooLarge}}
	}
	n := int(count)

	size, _ := sizeAlign[T]()
	chunk := max(1, chunkBytes/size)
	buf := make([]byte, min(n, chunk)*size)
	out := make([]T, 0, min(n, chunk))
	for len(out) < n {
		k := min(n-len(out), chunk)
		if _, err := io.ReadFull(rest, buf[:k*size]); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, nil, fmt.Errorf("array: data ends after %d of %d items: %w", len(out), n, err)
		}
		if cap(out)-len(out) < k {
			grown := make([]T, len(out), min(n, max(2*cap(out), len(out)+k)))
			copy(grown, out)
			out = grown
		}
		v := bytesView[T](buf[:k*size], h.DType, []int{k}, nil)
		v.CopyTo(out[len(out) : len(out)+k])
		out = out[:len(out)+k]
	}
	if h.FortranOrder && len(h.Shape) > 1 {
		dt, _ := layout.For[T]()
		v := bytesView[T](sliceBytes(out), dt, h.Shape, layout.FortranStrides(h.Shape, size))
		c := make([]T, n)
		v.CopyTo(c)
		out = c
	}
	return out, append([]int{}, h.Shape...), nil
}

// bytesView returns a view of items of dtype dt in b, seen as T, with the
// given shape and strides (C order when strides is nil).
func bytesView[T Element](b []byte, dt layout.DType, shape, strides []int) View[T] {
	if strides == nil {
		strides = layout.CStrides(shape, dt.Size)
	}
	g := newGeom(b, 0, 0, shape, strides, dt.Size)
	return newView[T](g, memoryFile, &dt)
}

// saveFile writes a file through write, which writes size bytes (or an
// unknown number when size is negative), apart from path, syncs it and
// gives it path's name, as the package doc's "Writing" section says. On any
// failure path is left as it was and nothing else is left.
func saveFile(path string, size int64, o options, write func(io.Writer) error) (err error) {
	t, err := resolveTarget(path)
	if err != nil {
		return err
	}
	n, err := createNew(t)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			n.abort()
		}
	}()
	if o.preallocate && size > 0 {
		if err := mmap.Preallocate(n.File, size); err != nil {
			return pathError("create", path, err)
		}
	}
	cw := &countWriter{w: n}
	bw := bufio.NewWriterSize(cw, chunkBytes)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if o.preallocate && size > cw.n {
		// Less was written than was reserved.
		if err := n.Truncate(cw.n); err != nil {
			return n.named(err)
		}
	}
	if err := n.Sync(); err != nil {
		return n.named(err)
	}
	if err := n.commit(); err != nil {
		return err
	}
	if err := n.Close(); err != nil {
		return n.named(err)
	}
	syncDir(filepath.Dir(t.real))
	return nil
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	k, err := c.w.Write(p)
	c.n += int64(k)
	return k, err
}
