package header

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"unicode/utf8"

	"github.com/ndmap/ndmap/internal/pylit"
	"github.com/ndmap/ndmap/layout"
)

const magic = "\x93NUMPY"

// DefaultMaxHeaderLen is the longest header text, in characters, that
// [NPY] reads unless told otherwise: NumPy's own default limit.
const DefaultMaxHeaderLen = 10000

// NPY is the [Describer] of .npy files.
type NPY struct {
	// MaxHeaderLen is the longest header text, in characters, that will be
	// read; longer headers are an error before anything is allocated for
	// them. Zero means DefaultMaxHeaderLen. NumPy writes valid headers
	// longer than the default for records of thousands of fields.
	MaxHeaderLen int
}

// Read reads the .npy header of a file of the given size. It is
// NPY{}.Describe.
func Read(r io.ReaderAt, size int64) (*Header, error) {
	return NPY{}.Describe(r, size)
}

// Describe reads and checks the .npy header of a file of the given size:
// magic, version, header length, and the header dict with exactly the keys
// descr, fortran_order and shape. It checks that the file holds the bytes
// the shape needs; bytes after them are allowed, as NumPy allows them.
//
// Malformed input gives a [*FormatError]; a dtype that cannot be mapped,
// such as an object array, gives an error wrapping layout.ErrUnsupported.
func (p NPY) Describe(r io.ReaderAt, size int64) (*Header, error) {
	maxLen := p.MaxHeaderLen
	if maxLen <= 0 {
		maxLen = DefaultMaxHeaderLen
	}

	var pre [12]byte
	n := int(min(size, int64(len(pre))))
	if n < 0 {
		n = 0
	}
	if err := readFull(r, pre[:n], 0); err != nil {
		return nil, readErr("reading the magic string", err)
	}
	for i := 0; i < min(n, len(magic)); i++ {
		if pre[i] != magic[i] {
			return nil, formatErr(int64(i), "not a .npy file: bad magic number %q", pre[:min(n, len(magic))])
		}
	}
	if n < 8 {
		return nil, formatErr(int64(n), "truncated magic string: the file is %d bytes", size)
	}
	v := Version{pre[6], pre[7]}
	var lenSize int
	switch v {
	case V1:
		lenSize = 2
	case V2, V3:
		lenSize = 4
	default:
		return nil, formatErr(6, "unsupported .npy version %s (want 1.0, 2.0 or 3.0)", v)
	}
	start := 8 + lenSize
	if n < start {
		return nil, formatErr(8, "truncated header length: the file is %d bytes", size)
	}
	var hlen int64
	if lenSize == 2 {
		hlen = int64(pre[8]) | int64(pre[9])<<8
	} else {
		hlen = int64(pre[8]) | int64(pre[9])<<8 | int64(pre[10])<<16 | int64(pre[11])<<24
	}

	// Cap what is allocated before reading: a latin1 character is one byte,
	// a UTF-8 one at most four.
	limit := int64(maxLen)
	if v == V3 && limit <= math.MaxInt64/4 {
		limit *= 4
	}
	if hlen > limit {
		return nil, &FormatError{Offset: 8, Msg: fmt.Sprintf("header is %d bytes, more than the limit of %d characters; raise NPY.MaxHeaderLen to read it", hlen, maxLen), Err: ErrTooLong}
	}
	if hlen > size-int64(start) {
		return nil, formatErr(int64(start), "truncated header: %d bytes promised, %d in the file", hlen, size-int64(start))
	}
	buf := make([]byte, hlen)
	if err := readFull(r, buf, int64(start)); err != nil {
		return nil, readErr("reading the header", err)
	}

	var text string
	latin1 := v != V3
	if latin1 {
		// Python 2 wrote long integers with an L suffix, which NumPy
		// drops from the headers of these versions, and only these,
		// before it parses them.
		text = pylit.FilterLong(pylit.Latin1(buf))
	} else {
		if !utf8.Valid(buf) {
			i := 0
			for i < len(buf) {
				r, w := utf8.DecodeRune(buf[i:])
				if r == utf8.RuneError && w <= 1 {
					break
				}
				i += w
			}
			return nil, formatErr(int64(start+i), "version 3.0 header is not valid UTF-8")
		}
		text = string(buf)
		if c := utf8.RuneCountInString(text); c > maxLen {
			return nil, &FormatError{Offset: 8, Msg: fmt.Sprintf("header is %d characters, more than the limit of %d; raise NPY.MaxHeaderLen to read it", c, maxLen), Err: ErrTooLong}
		}
	}

	t := headerText{text: text, start: int64(start), latin1: latin1}
	h, err := t.parse()
	if err != nil {
		return nil, err
	}
	h.Version = v
	h.DataOffset = int64(start) + hlen
	need, err := layout.ByteSize(h.Shape, h.DType.Size)
	if err != nil {
		return nil, formatErr(t.off(t.shapePos), "shape %s of %d-byte items is more bytes than a file can hold", layout.FormatShape(h.Shape), h.DType.Size)
	}
	if have := size - h.DataOffset; have < need {
		return nil, formatErr(h.DataOffset, "data is %d bytes, but shape %s of %d-byte items needs %d", have, layout.FormatShape(h.Shape), h.DType.Size, need)
	}
	return h, nil
}

// headerText is the decoded header dict and how to map positions in it back
// to file offsets.
type headerText struct {
	text     string
	start    int64 // file offset of the text's first byte
	latin1   bool  // the file holds the text as latin1, one byte per character
	shapePos int
}

// off returns the file offset of byte i of the decoded text.
func (t *headerText) off(i int) int64 {
	i = min(max(i, 0), len(t.text))
	if t.latin1 {
		return t.start + int64(utf8.RuneCountInString(t.text[:i]))
	}
	return t.start + int64(i)
}

var headerKeys = []string{"descr", "fortran_order", "shape"}

func (t *headerText) parse() (*Header, error) {
	d, err := pylit.Parse(t.text)
	if err != nil {
		fe := &FormatError{Offset: t.start, Msg: "header is not a Python literal", Err: err}
		var se *pylit.SyntaxError
		if errors.As(err, &se) {
			fe.Offset, fe.Msg = t.off(se.Pos), fe.Msg+": "+se.Msg
		}
		return nil, fe
	}
	if d.Kind != pylit.Dict {
		return nil, formatErr(t.off(d.Pos), "header is a %s, not a dict", d.Kind)
	}
	// Later duplicates win, as they do in a Python dict.
	vals := map[string]pylit.Value{}
	for i := 0; i+1 < len(d.Items); i += 2 {
		k, val := d.Items[i], d.Items[i+1]
		if k.Kind != pylit.String || !slices.Contains(headerKeys, k.Str) {
			return nil, formatErr(t.off(k.Pos), "unexpected key %s in header (want descr, fortran_order and shape)", k.Text)
		}
		vals[k.Str] = val
	}
	for _, k := range headerKeys {
		if _, ok := vals[k]; !ok {
			return nil, formatErr(t.off(d.Pos), "header has no '%s' key", k)
		}
	}

	h := new(Header)
	dv := vals["descr"]
	h.DType, err = layout.ParseDescr(dv.Text)
	if err != nil {
		pos, msg := dv.Pos, "bad descr"
		var de *layout.DescrError
		if errors.As(err, &de) {
			pos, msg = pos+de.Pos, msg+": "+de.Msg
		}
		if errors.Is(err, layout.ErrUnsupported) {
			return nil, &causeError{what: "cannot map dtype " + dv.Text, off: t.off(pos), err: err}
		}
		return nil, &FormatError{Offset: t.off(pos), Msg: msg, Err: err}
	}

	fv := vals["fortran_order"]
	if fv.Kind != pylit.Bool {
		return nil, formatErr(t.off(fv.Pos), "fortran_order is %s, not True or False", fv.Text)
	}
	h.FortranOrder = fv.Bool

	sv := vals["shape"]
	t.shapePos = sv.Pos
	if sv.Kind != pylit.Tuple {
		return nil, formatErr(t.off(sv.Pos), "shape is a %s, not a tuple", sv.Kind)
	}
	h.Shape = make([]int, len(sv.Items))
	for i, e := range sv.Items {
		if e.Kind != pylit.Int {
			return nil, formatErr(t.off(e.Pos), "shape has %s, not an integer", e.Text)
		}
		n, ok := e.Int64()
		switch {
		case ok && n < 0:
			return nil, formatErr(t.off(e.Pos), "shape has negative dimension %d", n)
		case !ok || n > math.MaxInt:
			return nil, formatErr(t.off(e.Pos), "shape dimension %s is too large for this platform", e.Text)
		}
		h.Shape[i] = int(n)
	}
	if _, err := layout.Count(h.Shape); err != nil {
		return nil, formatErr(t.off(sv.Pos), "shape %s has more items than int64 can count", layout.FormatShape(h.Shape))
	}
	return h, nil
}
