package array

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// chunkBytes bounds the memory Read, Write and their kin use at a time.
const chunkBytes = 1 << 20

// Save writes data, of the given shape in C order, to a .npy file at path,
// as np.save does; with no shape it is one axis of len(data), and an empty
// non-nil shape saves a 0-d array of data[0]. The header is byte for byte
// the one NumPy writes; the dtype is T's, in native byte order.
//
// The file is written under a temporary name in the same directory and
// renamed to path once it is complete and on the device, so a failed Save
// never leaves a partial file at path, and an existing file there is
// replaced only by a complete one.
//
// Save panics if the shape does not hold exactly len(data) elements.
func Save[T Element](path string, data []T, shape ...int) error {
	v := FromSlice(data, shape...)
	return saveFile(path, func(w io.Writer) error {
		_, err := Write(w, v)
		return err
	})
}

// SaveItems writes the items of u to a .npy file at path as [Save] does, in
// C order, keeping their dtype exactly: records, strings, byte order.
func SaveItems(path string, u Items) error {
	return saveFile(path, func(w io.Writer) error {
		_, err := WriteItems(w, u)
		return err
	})
}

// SaveRaw writes the bytes of the items of u in C order, with no header, to
// the file at path, as NumPy's tofile does; it replaces path only once the
// file is complete, as [Save] does.
func SaveRaw(path string, u Items) error {
	return saveFile(path, func(w io.Writer) error {
		_, err := WriteRawItems(w, u)
		return err
	})
}

// Write writes the elements of v to w as a .npy file: the header for T's
// dtype in native byte order and v's shape, then the elements in C order,
// whatever v's strides and byte order. It returns the number of bytes
// written. Views of a file are read inside [File.Guard], so a file that
// shrank under its mapping gives an error, not a crash.
func Write[T Element](w io.Writer, v View[T]) (int64, error) {
	dt, err := layout.For[T]()
	if err != nil {
		return 0, fmt.Errorf("array: %w", err)
	}
	n, err := header.Write(w, header.Header{DType: dt, Shape: v.Shape()})
	if err != nil {
		return n, fmt.Errorf("array: %w", err)
	}
	m, err := WriteRaw(w, v)
	return n + m, err
}

// WriteItems writes the items of u to w as a .npy file: the header for u's
// dtype and shape, then the items' bytes in C order. The dtype is kept as it
// is — records, strings, byte order — so NumPy reads back exactly the
// items u holds. It returns the number of bytes written.
func WriteItems(w io.Writer, u Items) (int64, error) {
	n, err := header.Write(w, header.Header{DType: u.dt, Shape: u.Shape()})
	if err != nil {
		return n, fmt.Errorf("array: %w", err)
	}
	m, err := WriteRawItems(w, u)
	return n + m, err
}

// WriteRaw writes the elements of v to w in C order and native byte order,
// with no header, as NumPy's tofile does for an array of T. It returns the
// number of bytes written.
func WriteRaw[T Element](w io.Writer, v View[T]) (int64, error) {
	var n int64
	err := v.f.Guard(func() error {
		if s, err := v.Contiguous(); err == nil {
			k, err := w.Write(sliceBytes(s))
			n += int64(k)
			return err
		}
		size, _ := sizeAlign[T]()
		buf := make([]T, max(1, min(v.Size(), chunkBytes/size)))
		return gather(v, buf, func(s []T) error {
			k, err := w.Write(sliceBytes(s))
			n += int64(k)
			return err
		})
	})
	if err != nil {
		return n, fmt.Errorf("array: writing %s: %w", v.f.name(), err)
	}
	return n, nil
}

// WriteRawItems writes the bytes of the items of u to w in C order, with no
// header, as NumPy's tofile does. It returns the number of bytes written.
func WriteRawItems(w io.Writer, u Items) (int64, error) {
	var n int64
	err := u.f.Guard(func() error {
		u.f.check()
		if u.g.isC() {
			k, err := w.Write(u.g.data)
			n += int64(k)
			return err
		}
		size := max(u.dt.Size, 1)
		buf := make([]byte, max(1, min(u.Size(), chunkBytes/size))*size)
		return gatherItems(u, buf, func(b []byte) error {
			k, err := w.Write(b)
			n += int64(k)
			return err
		})
	})
	if err != nil {
		return n, fmt.Errorf("array: writing %s: %w", u.f.name(), err)
	}
	return n, nil
}

// gather calls fn with the elements of v in C order, in pieces that fit in
// buf.
func gather[T Element](v View[T], buf []T, fn func([]T) error) error {
	n := v.Size()
	switch {
	case n == 0:
		return nil
	case n <= len(buf):
		return fn(buf[:v.CopyTo(buf)])
	}
	rows := v.Len()
	per := n / rows
	if per > len(buf) {
		for i := range rows {
			if err := gather(v.Index(i), buf, fn); err != nil {
				return err
			}
		}
		return nil
	}
	step := len(buf) / per
	for i := 0; i < rows; i += step {
		s := v.Slice(Range(i, min(i+step, rows)))
		if err := fn(buf[:s.CopyTo(buf)]); err != nil {
			return err
		}
	}
	return nil
}

// gatherItems is gather for items, with buf a whole number of items long.
func gatherItems(u Items, buf []byte, fn func([]byte) error) error {
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
			if err := gatherItems(u.Index(i), buf, fn); err != nil {
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
	defer a.File.Close()
	out := make([]T, a.Size())
	if err := a.File.Guard(func() error { a.CopyTo(out); return nil }); err != nil {
		return nil, nil, fmt.Errorf("array: reading %s: %w", path, err)
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
		return nil, nil, fmt.Errorf("array: %w", err)
	}
	if err := matchType[T]("stream", h.DType); err != nil {
		return nil, nil, err
	}
	count := h.Count()
	if count > math.MaxInt || h.DataSize() > math.MaxInt {
		return nil, nil, fmt.Errorf("array: %d items of %d bytes: %w", count, h.DType.Size, mmap.ErrTooLarge)
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
	return View[T]{g: g, f: memoryFile, acc: newAccess[T](dt, g)}
}

// saveFile writes a file through write under a temporary name in path's
// directory, syncs it and renames it to path. On any failure the temporary
// file is removed and path is left as it was.
func saveFile(path string, write func(io.Writer) error) (err error) {
	tmp, err := createTemp(path)
	if err != nil {
		return fmt.Errorf("array: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	bw := bufio.NewWriterSize(tmp, chunkBytes)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("array: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("array: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("array: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("array: %w", err)
	}
	syncDir(filepath.Dir(path))
	return nil
}

// createTemp creates a new file beside path, with the permissions a new
// file gets from os.Create (0666 less the umask), which os.CreateTemp's
// 0600 would not give.
func createTemp(path string) (*os.File, error) {
	dir, base := filepath.Split(path)
	for range 100 {
		var r [6]byte
		rand.Read(r[:])
		name := filepath.Join(dir, "."+base+".tmp"+hex.EncodeToString(r[:]))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, os.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("cannot create a temporary file beside %s", path)
}

// syncDir makes a rename in dir durable where the system allows it; it is
// best effort, as Windows cannot sync a directory.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
