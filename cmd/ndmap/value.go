package main

import (
	"math"

	"github.com/ndmap/ndmap/layout"
)

// The helpers below read one scalar of a dtype from its bytes. The bytes
// come from array.Items, so their length is the dtype's size.

// natOrNil is NumPy's NaT, the smallest int64.
const nat = math.MinInt64

func readInt(dt layout.DType, b []byte) int64 {
	o := dt.Order.Binary()
	switch dt.Size {
	case 1:
		return int64(int8(b[0]))
	case 2:
		return int64(int16(o.Uint16(b)))
	case 4:
		return int64(int32(o.Uint32(b)))
	}
	return int64(o.Uint64(b))
}

func readUint(dt layout.DType, b []byte) uint64 {
	o := dt.Order.Binary()
	switch dt.Size {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(o.Uint16(b))
	case 4:
		return uint64(o.Uint32(b))
	}
	return o.Uint64(b)
}

// readFloat reads a float16, float32 or float64 as a float64, exactly.
func readFloat(dt layout.DType, b []byte) float64 {
	o := dt.Order.Binary()
	switch dt.Size {
	case 2:
		return layout.Float16(o.Uint16(b)).Float64()
	case 4:
		return float64(math.Float32frombits(o.Uint32(b)))
	}
	return math.Float64frombits(o.Uint64(b))
}

// readComplex reads a complex64 or complex128 as its two parts.
func readComplex(dt layout.DType, b []byte) (re, im float64) {
	half := layout.DType{Kind: layout.Float, Order: dt.Order, Size: dt.Size / 2}
	return readFloat(half, b[:half.Size]), readFloat(half, b[half.Size:])
}

// floatBits is the precision a float dtype's values are printed at: the
// shortest text that reads back as the same value of that size.
func floatBits(dt layout.DType) int { return dt.Size * 8 }

// fieldBytes returns the bytes of field f inside the record bytes b.
func fieldBytes(f layout.Field, b []byte) []byte {
	return b[f.Offset : f.Offset+f.Size()]
}

// count returns the product of a shape.
func count(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
