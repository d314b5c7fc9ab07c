package array

// This is the one file of the package that uses unsafe. Every helper checks
// length and alignment before it turns bytes into a *T or a []T.

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

// loadRowUnaligned reads len(dst) elements of T starting at data[off:],
// stride bytes apart, at any alignment, swapping as loadUnaligned does. The
// switch on the size is made once per row, not once per element. Keep in
// step with View.loadRow and the row loop of View.Values.
func loadRowUnaligned[T any](dst []T, data []byte, off, stride, swap int) {
	var zero T
	switch size := int(unsafe.Sizeof(zero)); {
	case size == 2:
		for i := range dst {
			u := binary.NativeEndian.Uint16(data[off : off+2])
			if swap != 0 {
				u = bits.ReverseBytes16(u)
			}
			*(*uint16)(unsafe.Pointer(&dst[i])) = u
			off += stride
		}
	case size == 4:
		for i := range dst {
			u := binary.NativeEndian.Uint32(data[off : off+4])
			if swap != 0 {
				u = bits.ReverseBytes32(u)
			}
			*(*uint32)(unsafe.Pointer(&dst[i])) = u
			off += stride
		}
	case size == 8 && swap != 4:
		for i := range dst {
			u := binary.NativeEndian.Uint64(data[off : off+8])
			if swap != 0 {
				u = bits.ReverseBytes64(u)
			}
			*(*uint64)(unsafe.Pointer(&dst[i])) = u
			off += stride
		}
	default:
		for i := range dst {
			dst[i] = loadUnaligned[T](data[off:off+size], swap)
			off += stride
		}
	}
}
