package main

import (
	"math"

	"github.com/ndmap/ndmap/layout"
)

// nat is NumPy's NaT, the smallest int64.
const nat = math.MinInt64

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
