package header

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"
)

// Spare spaces NumPy 1.24 and later leave after the dict so that the
// growing axis can take up to 21 digits without moving the data.
const growthDigits = 21

// The data offset is a multiple of this in every header NumPy writes.
const align = 64

// Encode returns the .npy header for h, from the magic string to the final
// newline, byte for byte as NumPy 1.24 and later write it: keys in sorted
// order, Python reprs, spare spaces after the dict, padding to a data
// offset that is a multiple of 64. h.DataOffset is ignored; the data
// offset of the result is its length.
//
// A zero h.Version chooses as NumPy does: 1.0 when the text is latin1 and
// its length fits in 16 bits, else 2.0 when it is latin1, else 3.0. A
// version given explicitly is used or refused with an error wrapping
// [ErrVersion]: 1.0 and 2.0 cannot hold names outside latin1, 1.0 cannot
// hold a header longer than 65535 bytes.
func Encode(h Header) ([]byte, error) {
	descr, err := h.DType.Descr()
	if err != nil {
		return nil, fmt.Errorf("header: cannot encode the dtype: %w", err)
	}
	for _, d := range h.Shape {
		if d < 0 {
			return nil, fmt.Errorf("header: cannot encode negative dimension %d in shape %s", d, shapeString(h.Shape))
		}
	}
	order := "False"
	if h.FortranOrder {
		order = "True"
	}
	text := "{'descr': " + descr + ", 'fortran_order': " + order + ", 'shape': " + shapeString(h.Shape) + ", }"
	if len(h.Shape) > 0 {
		grow := h.Shape[0]
		if h.FortranOrder {
			grow = h.Shape[len(h.Shape)-1]
		}
		text += spaces(growthDigits - len(strconv.Itoa(grow)))
	}

	latin1 := isLatin1(text)
	v := h.Version
	if v.IsZero() {
		switch {
		case latin1 && fits(utf8.RuneCountInString(text), 2):
			v = V1
		case latin1:
			v = V2
		default:
			v = V3
		}
	}
	switch v {
	case V1, V2:
		if !latin1 {
			return nil, fmt.Errorf("%w: version %s headers are latin1, and %s is not; use version 3.0", ErrVersion, v, descr)
		}
	case V3:
	default:
		return nil, fmt.Errorf("%w: no .npy version %s (want 1.0, 2.0 or 3.0)", ErrVersion, v)
	}
	lenSize := 4
	if v == V1 {
		lenSize = 2
	}
	var body []byte
	if latin1 {
		body = make([]byte, 0, len(text))
		for _, r := range text {
			body = append(body, byte(r))
		}
	} else {
		body = []byte(text)
	}
	if !fits(len(body), lenSize) {
		return nil, fmt.Errorf("%w: header of %d bytes is too long for version %s", ErrVersion, len(body), v)
	}
	hlen := len(body) + 1 // the final newline
	pad := align - (8+lenSize+hlen)%align
	total := hlen + pad

	out := make([]byte, 0, 8+lenSize+total)
	out = append(out, magic...)
	out = append(out, v.Major, v.Minor)
	out = append(out, byte(total), byte(total>>8))
	if lenSize == 4 {
		out = append(out, byte(total>>16), byte(total>>24))
	}
	out = append(out, body...)
	out = append(out, spaces(pad)...)
	return append(out, '\n'), nil
}

// fits reports whether a header of n text bytes, once padded, has a length
// that fits in lenSize bytes.
func fits(n, lenSize int) bool {
	limit := int64(math.MaxUint16)
	if lenSize == 4 {
		limit = math.MaxUint32
	}
	hlen := int64(n) + 1
	total := hlen + align - (8+int64(lenSize)+hlen)%align
	return total <= limit
}

// Write writes the header Encode returns for h to w, and returns the number
// of bytes written: the data offset of what follows.
func Write(w io.Writer, h Header) (int64, error) {
	b, err := Encode(h)
	if err != nil {
		return 0, err
	}
	n, err := w.Write(b)
	return int64(n), err
}

func isLatin1(s string) bool {
	for _, r := range s {
		if r > 0xff {
			return false
		}
	}
	return true
}

func spaces(n int) string {
	if n <= 0 {
		return ""
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}
