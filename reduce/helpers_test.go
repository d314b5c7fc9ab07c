package reduce

// The views the tests reduce are made here, and only here, so that the
// array constructors they call are in one place.

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// memView returns a C-ordered view of data in memory.
func memView[T array.Element](data []T, shape ...int) array.View[T] {
	return array.FromSlice(data, shape...)
}

// fileView writes the C-ordered values of data, of dtype dt (any byte
// order), to a .npy file in t's temporary directory — in Fortran order if
// fortran — and returns the file's view.
func fileView[T array.Element](t testing.TB, dt layout.DType, data []T, fortran bool, shape ...int) array.View[T] {
	t.Helper()
	var buf bytes.Buffer
	if _, err := header.Write(&buf, header.Header{DType: dt, Shape: shape, FortranOrder: fortran}); err != nil {
		t.Fatal(err)
	}
	order := dt.Order.Binary()
	if dt.Order == layout.NotApplicable {
		order = binary.NativeEndian
	}
	for _, i := range storageOrder(shape, fortran) {
		putValue(&buf, order, dt, data[i])
	}
	path := filepath.Join(t.TempDir(), "a.npy")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := array.Open[T](path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a.View
}

// storageOrder returns the C-order positions of the elements in the order
// they are stored: C order, or Fortran order.
func storageOrder(shape []int, fortran bool) []int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	pos := make([]int, 0, n)
	if !fortran || len(shape) < 2 {
		for i := range n {
			pos = append(pos, i)
		}
		return pos
	}
	idx := make([]int, len(shape))
	for range n {
		// C-order position of idx.
		p := 0
		for k, d := range shape {
			p = p*d + idx[k]
		}
		pos = append(pos, p)
		// Next index, first axis fastest.
		for k := range idx {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return pos
}

// putValue appends x as an item of dt.
func putValue[T array.Element](buf *bytes.Buffer, order binary.ByteOrder, dt layout.DType, x T) {
	var b [16]byte
	switch v := any(x).(type) {
	case bool:
		if v {
			b[0] = 1
		}
	case int8:
		b[0] = byte(v)
	case uint8:
		b[0] = v
	case int16:
		order.PutUint16(b[:], uint16(v))
	case uint16:
		order.PutUint16(b[:], v)
	case layout.Float16:
		order.PutUint16(b[:], uint16(v))
	case int32:
		order.PutUint32(b[:], uint32(v))
	case uint32:
		order.PutUint32(b[:], v)
	case float32:
		order.PutUint32(b[:], math.Float32bits(v))
	case int64:
		order.PutUint64(b[:], uint64(v))
	case int:
		if dt.Size == 4 {
			order.PutUint32(b[:], uint32(v))
		} else {
			order.PutUint64(b[:], uint64(v))
		}
	case uint64:
		order.PutUint64(b[:], v)
	case float64:
		order.PutUint64(b[:], math.Float64bits(v))
	case complex64:
		order.PutUint32(b[:], math.Float32bits(real(v)))
		order.PutUint32(b[4:], math.Float32bits(imag(v)))
	case complex128:
		order.PutUint64(b[:], math.Float64bits(real(v)))
		order.PutUint64(b[8:], math.Float64bits(imag(v)))
	default:
		panic("putValue: unsupported type")
	}
	buf.Write(b[:dt.Size])
}

// fileViewAt is fileView writing to path.
func fileViewAt[T array.Element](t testing.TB, path string, dt layout.DType, data []T, shape ...int) array.View[T] {
	t.Helper()
	var buf bytes.Buffer
	if _, err := header.Write(&buf, header.Header{DType: dt, Shape: shape}); err != nil {
		t.Fatal(err)
	}
	order := dt.Order.Binary()
	if dt.Order == layout.NotApplicable {
		order = binary.NativeEndian
	}
	for _, x := range data {
		putValue(&buf, order, dt, x)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := array.Open[T](path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a.View
}
