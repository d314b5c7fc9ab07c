package array

// This is the one file of the package that uses unsafe. Every helper checks
// length and alignment before it turns bytes into a *T or a []T, and At1,
// At2 and At3 load only through a view's pointer to its element zero, made
// by elemPtr, at offsets their index checks keep inside the view's data.

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"unsafe"
)

// sizeAlign returns the size and alignment of T.
func sizeAlign[T any]() (size, align int) {
	var zero T
	return int(unsafe.Sizeof(zero)), int(unsafe.Alignof(zero))
}

// isAligned reports whether b[off] is at an address that is a multiple of align.
func isAligned(b []byte, off, align int) bool {
	return (uintptr(unsafe.Pointer(unsafe.SliceData(b)))+uintptr(off))%uintptr(align) == 0
}

// loadNative reads a T in place from b[off:]. The caller has checked that
// the view's items are in native byte order and aligned for T; the slice
// expression checks the length.
func loadNative[T any](b []byte, off int) T {
	var zero T
	b = b[off : off+int(unsafe.Sizeof(zero))]
	return *(*T)(unsafe.Pointer(unsafe.SliceData(b)))
}

// elemPtr returns the address of the T at b[off:], under the same
// conditions as loadNative.
func elemPtr[T any](b []byte, off int) *T {
	var zero T
	b = b[off : off+int(unsafe.Sizeof(zero))]
	return (*T)(unsafe.Pointer(unsafe.SliceData(b)))
}

// addBytes returns p moved by off bytes. The caller has checked that the
// address is that of an element of the same view.
func addBytes[T any](p *T, off int) *T {
	return (*T)(unsafe.Add(unsafe.Pointer(p), off))
}

// storeNative writes x in place at b[off:], under the same conditions as loadNative.
func storeNative[T any](b []byte, off int, x T) {
	b = b[off : off+int(unsafe.Sizeof(x))]
	*(*T)(unsafe.Pointer(unsafe.SliceData(b))) = x
}

// bytesOf returns the memory of *p as bytes.
func bytesOf[T any](p *T) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(p)), unsafe.Sizeof(*p))
}

// sliceBytes returns the memory of s as bytes.
func sliceBytes[T any](s []T) []byte {
	var zero T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(zero)))
}

// castSlice returns b as a []T after checking that its length is a whole
// number of T and that it is aligned for T.
func castSlice[T any](b []byte) ([]T, error) {
	size, align := sizeAlign[T]()
	if size == 0 || len(b)%size != 0 {
		return nil, fmt.Errorf("%d bytes are not a whole number of %d-byte items", len(b), size)
	}
	if len(b) == 0 {
		return []T{}, nil
	}
	if !isAligned(b, 0, align) {
		return nil, fmt.Errorf("data at address %#x is not aligned to %d bytes", uintptr(unsafe.Pointer(unsafe.SliceData(b))), align)
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/size), nil
}

// loadUnaligned reads a T from b, which is exactly as long as T, at any
// alignment, reversing the bytes of each scalar of swap bytes if swap is
// nonzero (half of T for complex numbers). It compiles to plain loads, and
// byte-swap instructions where the machine has them.
func loadUnaligned[T any](b []byte, swap int) (x T) {
	p := unsafe.Pointer(&x)
	switch len(b) {
	case 1:
		*(*uint8)(p) = b[0]
	case 2:
		u := binary.NativeEndian.Uint16(b)
		if swap != 0 {
			u = bits.ReverseBytes16(u)
		}
		*(*uint16)(p) = u
	case 4:
		u := binary.NativeEndian.Uint32(b)
		if swap != 0 {
			u = bits.ReverseBytes32(u)
		}
		*(*uint32)(p) = u
	case 8:
		if swap == 4 { // complex64: two float32
			(*[2]uint32)(p)[0] = bits.ReverseBytes32(binary.NativeEndian.Uint32(b))
			(*[2]uint32)(p)[1] = bits.ReverseBytes32(binary.NativeEndian.Uint32(b[4:]))
			break
		}
		u := binary.NativeEndian.Uint64(b)
		if swap != 0 {
			u = bits.ReverseBytes64(u)
		}
		*(*uint64)(p) = u
	case 16: // complex128: two float64
		lo, hi := binary.NativeEndian.Uint64(b), binary.NativeEndian.Uint64(b[8:])
		if swap != 0 {
			lo, hi = bits.ReverseBytes64(lo), bits.ReverseBytes64(hi)
		}
		(*[2]uint64)(p)[0], (*[2]uint64)(p)[1] = lo, hi
	default:
		panic(fmt.Sprintf("array: no %d-byte element type", len(b)))
	}
	return x
}

// storeUnaligned writes x into b, which is exactly as long as T, as
// loadUnaligned reads it.
func storeUnaligned[T any](b []byte, x T, swap int) {
	p := unsafe.Pointer(&x)
	switch len(b) {
	case 1:
		b[0] = *(*uint8)(p)
	case 2:
		u := *(*uint16)(p)
		if swap != 0 {
			u = bits.ReverseBytes16(u)
		}
		binary.NativeEndian.PutUint16(b, u)
	case 4:
		u := *(*uint32)(p)
		if swap != 0 {
			u = bits.ReverseBytes32(u)
		}
		binary.NativeEndian.PutUint32(b, u)
	case 8:
		if swap == 4 {
			binary.NativeEndian.PutUint32(b, bits.ReverseBytes32((*[2]uint32)(p)[0]))
			binary.NativeEndian.PutUint32(b[4:], bits.ReverseBytes32((*[2]uint32)(p)[1]))
			break
		}
		u := *(*uint64)(p)
		if swap != 0 {
			u = bits.ReverseBytes64(u)
		}
		binary.NativeEndian.PutUint64(b, u)
	case 16:
		lo, hi := (*[2]uint64)(p)[0], (*[2]uint64)(p)[1]
		if swap != 0 {
			lo, hi = bits.ReverseBytes64(lo), bits.ReverseBytes64(hi)
		}
		binary.NativeEndian.PutUint64(b, lo)
		binary.NativeEndian.PutUint64(b[8:], hi)
	default:
		panic(fmt.Sprintf("array: no %d-byte element type", len(b)))
	}
}

// gatherNative reads len(dst) elements of T starting at data[off:], stride
// bytes apart, where every element is aligned for T and in native byte
// order. The whole row is bounds-checked once; the loop then loads eight
// elements at a time through pointers. For a column, every element is on
// a cache line (and often a page) of its own, and the fewer instructions
// between the loads, the more of them the processor has in flight: this
// loop copies a column of a (2000000, 64) float64 file about 10% faster
// than one with a bounds check on every element, and as fast as NumPy's
// strided copy, whose compiled loop is unrolled the same way. Keep in step
// with View.loadRow and the row loop of View.Values.
func gatherNative[T any](dst []T, data []byte, off, stride int) {
	size, _ := sizeAlign[T]()
	n := len(dst)
	if n == 0 {
		return
	}
	last := off + (n-1)*stride
	_ = data[min(off, last) : max(off, last)+size]
	src := unsafe.Pointer(unsafe.SliceData(data))
	ld := func(o int) T { return *(*T)(unsafe.Add(src, o)) }
	i := 0
	for ; i+8 <= n; i += 8 {
		d := (*[8]T)(dst[i : i+8])
		d[0] = ld(off)
		d[1] = ld(off + stride)
		d[2] = ld(off + 2*stride)
		d[3] = ld(off + 3*stride)
		d[4] = ld(off + 4*stride)
		d[5] = ld(off + 5*stride)
		d[6] = ld(off + 6*stride)
		d[7] = ld(off + 7*stride)
		off += 8 * stride
	}
	for ; i < n; i++ {
		dst[i] = ld(off)
		off += stride
	}
}

// loadRowUnaligned reads len(dst) elements of T starting at data[off:],
// stride bytes apart, at any alignment, swapping as loadUnaligned does. The
// whole row is bounds-checked once, and the loops for 2-, 4- and 8-byte
// scalars then step through it four elements at a time with plain loads
// (one instruction each on machines that allow unaligned loads), as
// NumPy's strided cast loops do. Keep in step with View.loadRow and the
// row loop of View.Values.
func loadRowUnaligned[T any](dst []T, data []byte, off, stride, swap int) {
	size, align := sizeAlign[T]()
	n := len(dst)
	if n == 0 {
		return
	}
	last := off + (n-1)*stride
	_ = data[min(off, last) : max(off, last)+size]
	src := unsafe.Pointer(unsafe.SliceData(data))
	d := unsafe.Pointer(unsafe.SliceData(dst))
	_, align64 := sizeAlign[uint64]()
	switch {
	case size == 2:
		rowUnaligned16(unsafe.Slice((*uint16)(d), n), src, off, stride, swap != 0)
	case size == 4:
		rowUnaligned32(unsafe.Slice((*uint32)(d), n), src, off, stride, swap != 0)
	case size == 8 && align == align64 && swap != 4:
		// complex64 (two float32 swapped apart, aligned to 4) is left to
		// the general loop.
		rowUnaligned64(unsafe.Slice((*uint64)(d), n), src, off, stride, swap != 0)
	default:
		for i := range dst {
			dst[i] = loadUnaligned[T](data[off:off+size], swap)
			off += stride
		}
	}
}

// rowUnaligned16, rowUnaligned32 and rowUnaligned64 are the loops of
// loadRowUnaligned: dst[i] is the scalar at byte off+i*stride of the
// memory at src, byte-swapped if swap is set. The caller has checked that
// every element lies inside the memory; pointers are made only to the
// elements read. Keep the three in step.
func rowUnaligned16(dst []uint16, src unsafe.Pointer, off, stride int, swap bool) {
	ld := func(o int) uint16 { return binary.NativeEndian.Uint16((*[2]byte)(unsafe.Add(src, o))[:]) }
	i := 0
	if swap {
		for ; i+4 <= len(dst); i += 4 {
			d := dst[i : i+4 : i+4]
			d[0] = bits.ReverseBytes16(ld(off))
			d[1] = bits.ReverseBytes16(ld(off + stride))
			d[2] = bits.ReverseBytes16(ld(off + 2*stride))
			d[3] = bits.ReverseBytes16(ld(off + 3*stride))
			off += 4 * stride
		}
	} else {
		for ; i+4 <= len(dst); i += 4 {
			d := dst[i : i+4 : i+4]
			d[0] = ld(off)
			d[1] = ld(off + stride)
			d[2] = ld(off + 2*stride)
			d[3] = ld(off + 3*stride)
			off += 4 * stride
		}
	}
	for ; i < len(dst); i++ {
		u := ld(off)
		if swap {
			u = bits.ReverseBytes16(u)
		}
		dst[i] = u
		off += stride
	}
}

func rowUnaligned32(dst []uint32, src unsafe.Pointer, off, stride int, swap bool) {
	ld := func(o int) uint32 { return binary.NativeEndian.Uint32((*[4]byte)(unsafe.Add(src, o))[:]) }
	i := 0
	if swap {
		for ; i+4 <= len(dst); i += 4 {
			d := dst[i : i+4 : i+4]
			d[0] = bits.ReverseBytes32(ld(off))
			d[1] = bits.ReverseBytes32(ld(off + stride))
			d[2] = bits.ReverseBytes32(ld(off + 2*stride))
			d[3] = bits.ReverseBytes32(ld(off + 3*stride))
			off += 4 * stride
		}
	} else {
		for ; i+4 <= len(dst); i += 4 {
			d := dst[i : i+4 : i+4]
			d[0] = ld(off)
			d[1] = ld(off + stride)
			d[2] = ld(off + 2*stride)
			d[3] = ld(off + 3*stride)
			off += 4 * stride
		}
	}
	for ; i < len(dst); i++ {
		u := ld(off)
		if swap {
			u = bits.ReverseBytes32(u)
		}
		dst[i] = u
		off += stride
	}
}

func rowUnaligned64(dst []uint64, src unsafe.Pointer, off, stride int, swap bool) {
	ld := func(o int) uint64 { return binary.NativeEndian.Uint64((*[8]byte)(unsafe.Add(src, o))[:]) }
	i := 0
	if swap {
		for ; i+4 <= len(dst); i += 4 {
			d := dst[i : i+4 : i+4]
			d[0] = bits.ReverseBytes64(ld(off))
			d[1] = bits.ReverseBytes64(ld(off + stride))
			d[2] = bits.ReverseBytes64(ld(off + 2*stride))
			d[3] = bits.ReverseBytes64(ld(off + 3*stride))
			off += 4 * stride
		}
	} else {
		for ; i+4 <= len(dst); i += 4 {
			d := dst[i : i+4 : i+4]
			d[0] = ld(off)
			d[1] = ld(off + stride)
			d[2] = ld(off + 2*stride)
			d[3] = ld(off + 3*stride)
			off += 4 * stride
		}
	}
	for ; i < len(dst); i++ {
		u := ld(off)
		if swap {
			u = bits.ReverseBytes64(u)
		}
		dst[i] = u
		off += stride
	}
}

// At1 returns the element at index i of a 1-d view whose elements can be
// read in place, as a plain index expression would, for loops that must
// index element by element: the compiler inlines it, and it checks the
// number of axes, the index and that the file is open, as [View.At] does.
// Being a method of *View, it is called on a variable (or through an
// *Array): frame := a.Index(k), then frame.At1(i).
//
// The elements can be read in place when they are in the machine's byte
// order, aligned for T and not bools: when [View.Strided] succeeds. For
// other views (a big-endian file on a little-endian machine, a field of
// packed records, a member at an odd offset of an .npz archive) At1 panics
// with an error wrapping [ErrLayout] that says why; [View.At] reads any
// view, converting on the way.
//
// At1 panics if the view is not 1-d, i is out of range, the file has been
// closed, or the elements cannot be read in place.
func (v *View[T]) At1(i int) T {
	// Keep in step with At2 and At3. Everything here counts against the
	// compiler's inlining budget (80), which a call to a slow path alone
	// (57) would nearly use up: so the checks go straight to a panic,
	// whose value works out the message only if it is printed. The
	// offset is inside v.g.data because the index is in range: a view's
	// data spans exactly the elements its shape and strides reach.
	if len(v.g.shape) != 1 || uint(i) >= uint(v.g.shape[0]) || v.at == nil || v.f.unmapped {
		panic(atPanic[T]{*v, 1, [3]int{i}})
	}
	return *(*T)(unsafe.Add(unsafe.Pointer(v.at), i*v.g.strides[0]))
}

// At2 returns the element at indices (i, j) of a 2-d view whose elements
// can be read in place, as At1 does for one index; the compiler inlines it.
//
// At2 panics if the view is not 2-d, an index is out of range, the file
// has been closed, or the elements cannot be read in place.
func (v *View[T]) At2(i, j int) T {
	// Keep in step with At1.
	if len(v.g.shape) != 2 || uint(i) >= uint(v.g.shape[0]) || uint(j) >= uint(v.g.shape[1]) || v.at == nil || v.f.unmapped {
		panic(atPanic[T]{*v, 2, [3]int{i, j}})
	}
	return *(*T)(unsafe.Add(unsafe.Pointer(v.at), i*v.g.strides[0]+j*v.g.strides[1]))
}

// At3 returns the element at indices (i, j, k) of a 3-d view whose
// elements can be read in place, as At1 does for one index. Three indices
// are more than the compiler's inlining budget allows, so At3 is a call,
// two to five times faster than At all the same.
//
// At3 panics if the view is not 3-d, an index is out of range, the file
// has been closed, or the elements cannot be read in place.
func (v *View[T]) At3(i, j, k int) T {
	// Keep in step with At1.
	if len(v.g.shape) != 3 || uint(i) >= uint(v.g.shape[0]) || uint(j) >= uint(v.g.shape[1]) || uint(k) >= uint(v.g.shape[2]) || v.at == nil || v.f.unmapped {
		panic(atPanic[T]{*v, 3, [3]int{i, j, k}})
	}
	return *(*T)(unsafe.Add(unsafe.Pointer(v.at), i*v.g.strides[0]+j*v.g.strides[1]+k*v.g.strides[2]))
}
