package layout

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/ndmap/ndmap/internal/pylit"
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
// UTF-8. A NumPy str can hold a lone surrogate (U+D800 to U+DFFF), which
// UTF-8 cannot encode: Text keeps it as the three bytes WTF-8 gives it (ED
// A0 80 to ED BF BF), so that the string is not valid UTF-8 but the code
// point is not lost, and [DType.PutText] writes it back. Values past
// U+10FFFF, which NumPy cannot turn into a str either, become U+FFFD.
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
	s := make([]byte, 0, n)
	for i := range n {
		r := rune(o.Uint32(b[4*i:]))
		if r > utf8.MaxRune || r < 0 {
			r = utf8.RuneError
		}
		s = pylit.AppendRune(s, r)
	}
	return string(s)
}

// PutText stores s in b, an item of a byte string (S) or unicode (U) dtype
// d, padded with NULs as NumPy pads: the bytes of s for an S item, its code
// points for a U item, the WTF-8 encoding of a lone surrogate that
// [DType.Text] returns read back as that code point. Bytes of s that are
// not UTF-8 (nor such a surrogate) are stored as U+FFFD in a U item. It
// reports whether s fits; if it does not, b is left as it was.
//
// PutText panics if d is of another kind or b is shorter than d.Size.
func (d DType) PutText(b []byte, s string) bool {
	d.checkItem("PutText", b, Bytes, Unicode)
	b = b[:d.Size]
	if d.Kind == Bytes {
		if len(s) > len(b) {
			return false
		}
		clear(b[copy(b, s):])
		return true
	}
	n := 0
	for i := 0; i < len(s); n++ {
		_, w := pylit.DecodeRune(s[i:])
		i += w
	}
	if 4*n > len(b) {
		return false
	}
	o := d.Order.Binary()
	for i, k := 0, 0; i < len(s); k++ {
		r, w := pylit.DecodeRune(s[i:])
		o.PutUint32(b[4*k:], uint32(r))
		i += w
	}
	clear(b[4*n:])
	return true
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
