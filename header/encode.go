package header

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/ndmap/ndmap/layout"
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
// hold a header longer than 65535 bytes. A dtype that has no descr gives
// the layout package's error.
func Encode(h Header) ([]byte, error) {
	return encode(h, true, numpyLength)
}

// numpyLength is the length NumPy gives a header whose unpadded length is
// least: the next multiple of 64, a whole 64 more when least is one already,
// as NumPy's padding of 64 - least%64 spaces comes out.
func numpyLength(least int) int { return least + align - least%align }

// EncodeSize returns the .npy header for h, as [Encode] does, but exactly
// size bytes long, the padding spaces before the final newline making up
// the difference: the header of a file whose data offset is size, which
// can be rewritten in place when the shape changes. The spare spaces Encode
// leaves for a growing axis are not kept: here they are padding like any
// other. A zero h.Version chooses as Encode does, for a header of size
// bytes; a file's header keeps its version when h.Version is the file's.
//
// EncodeSize returns an error wrapping [ErrNoRoom] if the header needs more
// than size bytes, and the errors of Encode.
func EncodeSize(h Header, size int) ([]byte, error) {
	return encode(h, false, func(int) int { return size })
}

// encodeAligned returns the header Encode gives for h, padded further so
// that, written at offset off in a file, it ends at a multiple of to.
func encodeAligned(h Header, off int64, to int) ([]byte, error) {
	return encode(h, true, func(least int) int {
		n := numpyLength(least)
		return n + int((int64(to)-(off+int64(n))%int64(to))%int64(to))
	})
}

// lenSize returns the bytes the header length takes in version v.
func lenSize(v Version) int {
	if v == V1 {
		return 2
	}
	return 4
}

// encode returns the header for h whose length total gives, from the least
// length (magic to newline, no padding) the header can have in the version
// being tried. grow leaves NumPy's spare spaces after the dict.
func encode(h Header, grow bool, total func(least int) int) ([]byte, error) {
	descr, err := h.DType.Descr()
	if err != nil {
		return nil, err
	}
	for _, d := range h.Shape {
		if d < 0 {
			return nil, fmt.Errorf("header: cannot encode negative dimension %d in shape %s", d, layout.FormatShape(h.Shape))
		}
	}
	order := "False"
	if h.FortranOrder {
		order = "True"
	}
	text := "{'descr': " + descr + ", 'fortran_order': " + order + ", 'shape': " + layout.FormatShape(h.Shape) + ", }"
	if grow && len(h.Shape) > 0 {
		n := h.Shape[0]
		if h.FortranOrder {
			n = h.Shape[len(h.Shape)-1]
		}
		text += strings.Repeat(" ", max(0, growthDigits-len(strconv.Itoa(n))))
	}

	latin1 := isLatin1(text)
	body := []byte(text)
	if latin1 {
		body = body[:0]
		for _, r := range text {
			body = append(body, byte(r))
		}
	}
	sizes := func(v Version) (least, n int) {
		least = 8 + lenSize(v) + len(body) + 1
		return least, total(least)
	}
	fits := func(v Version, n int) bool {
		limit := int64(math.MaxUint32)
		if v == V1 {
			limit = math.MaxUint16
		}
		return int64(n)-8-int64(lenSize(v)) <= limit
	}
	v := h.Version
	if v.IsZero() {
		switch _, n := sizes(V1); {
		case latin1 && fits(V1, n):
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
	least, n := sizes(v)
	if n < least {
		return nil, fmt.Errorf("%w: the header for shape %s needs %d bytes, not %d", ErrNoRoom, layout.FormatShape(h.Shape), least, n)
	}
	if !fits(v, n) {
		return nil, fmt.Errorf("%w: header of %d bytes is too long for version %s", ErrVersion, n, v)
	}
	return appendPreamble(make([]byte, 0, n), v, body, n), nil
}

// appendPreamble appends to dst the .npy header of version v around text,
// the header dict in the version's encoding: the magic string, the
// version, the length of what follows in little-endian order, the text,
// spaces, and a newline, total bytes in all. The caller has checked that
// total leaves room for the text and that the length fits the version.
func appendPreamble(dst []byte, v Version, text []byte, total int) []byte {
	hlen := total - 8 - lenSize(v)
	dst = append(dst, magic...)
	dst = append(dst, v.Major, v.Minor)
	if v == V1 {
		dst = binary.LittleEndian.AppendUint16(dst, uint16(hlen))
	} else {
		dst = binary.LittleEndian.AppendUint32(dst, uint32(hlen))
	}
	dst = append(dst, text...)
	for range hlen - len(text) - 1 {
		dst = append(dst, ' ')
	}
	return append(dst, '\n')
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
