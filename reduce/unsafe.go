package reduce

// This is the one file of the package that uses unsafe: it lets the kernels,
// written for the fixed-size Go types, run on views of any Go type with the
// same memory layout (int as int64, a named float32 type as float32).

import (
	"fmt"
	"unsafe"
)

// itemSize returns the size of a T in bytes.
func itemSize[T any]() int {
	var zero T
	return int(unsafe.Sizeof(zero))
}

// cast returns the memory of s as a []E. The caller has checked that T and
// E are numbers of the same kind and size, which have the same layout.
func cast[E, T any](s []T) []E {
	if itemSize[T]() != itemSize[E]() {
		panic(fmt.Sprintf("reduce: internal error: cast between %T and %T", *new(T), *new(E)))
	}
	return unsafe.Slice((*E)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

// bytesOf returns the memory of s as bytes.
func bytesOf[T any](s []T) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*itemSize[T]())
}
