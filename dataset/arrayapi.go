package dataset

// Every call this package makes to array's constructors is in this file, so
// that a change of their names touches one place.

import (
	"io"
	"slices"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/mmap"
)

// openMapped maps the file at path read-only and finds its array with d.
func openMapped(path string, d header.Describer) (*array.File, error) {
	return array.OpenRawFile(path, mmap.ReadOnly, d)
}

// typedView returns the items of f as a view of T.
func typedView[T array.Element](f *array.File) (array.View[T], error) {
	return array.As[T](f.Items())
}

// memView returns a view of data with the given shape, laid out in
// Fortran order when fortran is set.
func memView[T array.Element](data []T, shape []int, fortran bool) array.View[T] {
	if !fortran {
		return array.FromSlice(data, shape...)
	}
	rev := slices.Clone(shape)
	slices.Reverse(rev)
	return array.FromSlice(data, rev...).T()
}

// writeRaw writes the elements of v to w in C order and native byte order:
// they are gathered into memory first, which converts them from the byte
// order of v's file.
func writeRaw[T array.Element](w io.Writer, v array.View[T]) (int64, error) {
	buf := make([]T, v.Size())
	v.CopyTo(buf)
	return array.WriteRaw(w, array.FromSlice(buf, len(buf)))
}

// writeRawItems writes the bytes of the items of u to w in C order.
func writeRawItems(w io.Writer, u array.Items) (int64, error) {
	return array.WriteRaw(w, u)
}
