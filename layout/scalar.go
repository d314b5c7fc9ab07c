package layout

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file decodes one item from its bytes, for code that walks items of
// a dtype known only at run time: printers, record readers, converters.
// Typed views read Go values without it.

// checkItem panics unless d is of one of the kinds and b holds an item of d.
func (d DType) checkItem(method string, b []byte, kinds ...Kind) {
	ok := false
	for _, k := range kinds {
		ok = ok || d.Kind == k
	}
	if !ok || len(b) < d.Size {
		panic(fmt.Sprintf("layout: DType.%s of %d bytes of a %s item", method, len(b), d))
	}
}

// bits returns the first d.Size bytes of b, of size 1, 2, 4 or 8, as an
// unsigned integer in d's byte order.
func (d DType) bits(b []byte) uint64 {
	o := d.Order.Binary()
	switch d.Size {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(o.Uint16(b))
	case 4:
		return uint64(o.Uint32(b))
	}
	return o.Uint64(b)
}

// Int returns the item held by b, of a signed integer, datetime64 or
// timedelta64 dtype d, as an int64. Datetimes and timedeltas are their
// counts of d's unit; NumPy's NaT is math.MinInt64.
//
// Int panics if d is of another kind or b is shorter than d.Size.
func (d DType) Int(b []byte) int64 {
	d.checkItem("Int", b, Int, Datetime, Timedelta)
	shift := 64 - 8*uint(d.Size)
	return int64(d.bits(b)<<shift) >> shift // sign-extend
}

// Uint returns the item held by b, of an unsigned integer or bool dtype d,
// as a uint64.
//
// Uint panics if d is of another kind or b is shorter than d.Size.
func (d DType) Uint(b []byte) uint64 {
	d.checkItem("Uint", b, Uint, Bool)
	return d.bits(b)
}

// Float returns the item held by b, of a float16, float32 or float64 dtype
// d, as a float64, exactly.
//
// Float panics if d is of another kind or b is shorter than d.Size.
func (d DType) Float(b []byte) float64 {
	d.checkItem("Float", b, Float)
	u := d.bits(b)
	switch d.Size {
	case 2:
		return Float16(u).Float64()
	case 4:
		return float64(math.Float32frombits(uint32(u)))
	}
	return math.Float64frombits(u)
}

// Complex returns the item held by b, of a complex64 or complex128 dtype d,
// as a complex128, exactly.
//
// Complex panics if d is of another kind or b is shorter than d.Size.
func (d DType) Complex(b []byte) complex128 {
	d.checkItem("Complex", b, Complex)
	part := DType{Kind: Float, Order: d.Order, Size: d.Size / 2}
	return complex(part.Float(b), part.Float(b[part.Size:]))
}

// Text returns the item held by b, of a byte string (S) or unicode (U)
// dtype d, as a Go string, with NumPy's trailing NULs removed: the bytes of
// an S item as they are, the UCS-4 code points of a U item encoded as
// UTF-8, with invalid ones (surrogates, values past U+10FFFF) replaced by
// U+FFFD.
//
// Text panics if d is of another kind or b is shorter than d.Size.
func (d DType) Text(b []byte) string {
	d.checkItem("Text", b, Bytes, Unicode)
	b = b[:d.Size]
	if d.Kind == Bytes {
		n := len(b)
		for n > 0 && b[n-1] == 0 {
			n--
		}
		return string(b[:n])
	}
	o := d.Order.Binary()
	n := len(b) / 4
	for n > 0 && o.Uint32(b[4*(n-1):]) == 0 {
		n--
	}
	var s strings.Builder
	s.Grow(n)
	for i := range n {
		r := rune(o.Uint32(b[4*i:]))
		if !utf8.ValidRune(r) {
			r = utf8.RuneError
		}
		s.WriteRune(r)
	}
	return s.String()
}

// FormatShape returns a shape as Python writes the tuple: "()", "(3,)",
// "(2, 3)". Messages, listings and .npy headers all show shapes this way.
func FormatShape(shape []int) string {
	b := make([]byte, 0, 2+4*len(shape))
	b = append(b, '(')
	for i, d := range shape {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = strconv.AppendInt(b, int64(d), 10)
	}
	if len(shape) == 1 {
		b = append(b, ',')
	}
	return string(append(b, ')'))
}
