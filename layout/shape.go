package layout

import (
	"fmt"
	"math"
)

// Count returns the number of elements of an array of the given shape:
// the product of its entries, 1 for the empty shape of a 0-d array. It
// returns an error wrapping ErrShape for a negative entry, and one
// wrapping ErrOverflow when the product of the non-zero entries exceeds
// the int64 range — even when another entry is zero, so that the strides
// of any shape Count accepts are representable.
func Count(shape []int) (int64, error) {
	return ByteSize(shape, 1)
}

// ByteSize returns the bytes an array of the given shape and itemsize
// takes: Count(shape) times itemsize, with the errors of Count, and an
// error wrapping ErrOverflow when itemsize times the product of the
// non-zero entries exceeds the int64 range. A negative itemsize is an
// error wrapping ErrShape.
func ByteSize(shape []int, itemsize int) (int64, error) {
	if itemsize < 0 {
		return 0, errorf(ErrShape, "negative itemsize %d", itemsize)
	}
	n, err := product(shape, int64(itemsize))
	if err != nil {
		return 0, err
	}
	for _, d := range shape {
		if d == 0 {
			return 0, nil
		}
	}
	return n, nil
}

// product multiplies start by the non-zero entries of shape, checked.
func product(shape []int, start int64) (int64, error) {
	n := start
	for _, d := range shape {
		switch {
		case d < 0:
			return 0, errorf(ErrShape, "negative dimension %d in %v", d, shape)
		case d == 0:
			continue
		case n > math.MaxInt64/int64(d):
			return 0, errorf(ErrOverflow, "shape %v of %d-byte items exceeds %d bytes", shape, start, int64(math.MaxInt64))
		}
		n *= int64(d)
	}
	return n, nil
}

// StrideError is the value CStrides and FortranStrides panic with when
// they are given a shape whose strides do not fit in an int.
type StrideError struct {
	Shape    []int
	Itemsize int
}

// Error describes the shape.
func (e StrideError) Error() string {
	return fmt.Sprintf("layout: strides of shape %v with %d-byte items do not fit in an int", e.Shape, e.Itemsize)
}

// CStrides returns the strides in bytes of a C-contiguous (row-major)
// array: the last axis varies fastest. As in NumPy, an axis of length 0
// counts as length 1, so strides stay meaningful for empty arrays. A 0-d
// shape gives an empty slice.
//
// CStrides panics with a StrideError if shape has a negative entry or
// itemsize is negative, or if a stride does not fit in an int; check the
// shape with ByteSize first (and on 32-bit platforms that the size fits in
// an int).
func CStrides(shape []int, itemsize int) []int {
	checkStrideArgs(shape, itemsize)
	strides := make([]int, len(shape))
	s := itemsize
	for i := len(shape) - 1; i >= 0; i-- {
		strides[i] = s
		if i > 0 {
			s = nextStride(s, shape, i, itemsize)
		}
	}
	return strides
}

// FortranStrides returns the strides in bytes of a Fortran-contiguous
// (column-major) array: the first axis varies fastest. It treats empty
// axes, and panics, as CStrides does.
func FortranStrides(shape []int, itemsize int) []int {
	checkStrideArgs(shape, itemsize)
	strides := make([]int, len(shape))
	s := itemsize
	for i := range shape {
		strides[i] = s
		if i < len(shape)-1 {
			s = nextStride(s, shape, i, itemsize)
		}
	}
	return strides
}

func nextStride(s int, shape []int, i, itemsize int) int {
	d := shape[i]
	if d == 0 {
		return s
	}
	if s > math.MaxInt/d {
		panic(StrideError{Shape: shape, Itemsize: itemsize})
	}
	return s * d
}

func checkStrideArgs(shape []int, itemsize int) {
	bad := itemsize < 0
	for _, d := range shape {
		bad = bad || d < 0
	}
	if bad {
		panic(StrideError{Shape: shape, Itemsize: itemsize})
	}
}
