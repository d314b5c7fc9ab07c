package array

// This is the one file of the package that uses unsafe. Every helper checks
// length and alignment before it turns bytes into a *T or a []T.

import (
	"fmt"
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
