package header

import (
	"fmt"
	"io"
	"math"

	"github.com/ndmap/ndmap/layout"
)

// Raw is the [Describer] of a file that holds array data with no header of
// its own, as np.memmap and tofile see one: data of DType starting at Offset.
type Raw struct {
	Offset       int64        // where the data starts
	DType        layout.DType // the type of one item
	FortranOrder bool

	// Shape is the array's shape. One entry may be -1: the file's size then
	// decides it, and must hold a whole number of the items the other
	// dimensions give. A nil Shape is 1-d over the rest of the file, like
	// np.memmap with shape=None. Use an empty non-nil Shape for a 0-d array.
	Shape []int
}

// Describe checks that a file of the given size holds the data r describes
// and returns its header, with a zero Version. Bytes after the data are
// allowed. A file too short for the shape, or whose size is not a whole
// number of items when a dimension is -1, gives a [*FormatError].
//
// Describe panics if Offset is negative, if Shape holds a dimension below
// -1 or more than one -1, or if a dimension is -1 and DType's size is 0.
func (r Raw) Describe(_ io.ReaderAt, size int64) (*Header, error) {
	if r.Offset < 0 {
		panic(fmt.Sprintf("header: Raw.Offset %d is negative", r.Offset))
	}
	shape := r.Shape
	if shape == nil {
		shape = []int{-1}
	}
	shape = append([]int{}, shape...)
	free := -1
	for i, d := range shape {
		switch {
		case d == -1 && free >= 0:
			panic(fmt.Sprintf("header: Raw.Shape %v has more than one -1", r.Shape))
		case d == -1:
			free = i
		case d < -1:
			panic(fmt.Sprintf("header: Raw.Shape %v has a negative dimension", r.Shape))
		}
	}
	if r.Offset > size {
		return nil, formatErr(size, "data offset %d is past the end of the %d-byte file", r.Offset, size)
	}
	have := size - r.Offset
	if free >= 0 {
		rest := append(append([]int{}, shape[:free]...), shape[free+1:]...)
		block, err := layout.ByteSize(rest, r.DType.Size)
		if err != nil {
			return nil, fmt.Errorf("header: shape %s: %w", shapeString(r.Shape), err)
		}
		if block == 0 {
			panic(fmt.Sprintf("header: Raw.Shape %v has -1 with zero-sized items", r.Shape))
		}
		if have%block != 0 {
			return nil, formatErr(r.Offset, "%d bytes of data are not a whole number of %d-byte items", have, block)
		}
		n := have / block
		if n > math.MaxInt {
			return nil, formatErr(r.Offset, "%d items are too many for this platform", n)
		}
		shape[free] = int(n)
	}
	need, err := layout.ByteSize(shape, r.DType.Size)
	if err != nil {
		return nil, fmt.Errorf("header: shape %s: %w", shapeString(shape), err)
	}
	if have < need {
		return nil, formatErr(r.Offset, "data is %d bytes, but shape %s of %d-byte items needs %d", have, shapeString(shape), r.DType.Size, need)
	}
	return &Header{DType: r.DType, Shape: shape, FortranOrder: r.FortranOrder, DataOffset: r.Offset}, nil
}

// Record is the [Describer] of a raw file that starts with a small header
// record of its own, whose named integer fields give the array's shape: for
// example a record (rows int32, cols int32) followed by float64 data of
// shape (rows, cols). The record's byte order is honoured.
type Record struct {
	Header       layout.DType // the record at the start of the file; a Struct
	Shape        []string     // the names (or "outer.inner" paths) of the fields giving each axis
	DType        layout.DType // the type of one array item
	DataOffset   int64        // where the data starts; 0 means right after the record, at Header.Size
	FortranOrder bool
}

// Describe reads the record at the start of the file and returns the header
// of the data that follows. Field values that are negative, not whole
// numbers or too large for int, and a file too short for the record or the
// data, give a [*FormatError].
//
// Describe panics if Header is not a Struct, if a name in Shape is not a
// scalar integer or float field of it, or if DataOffset is negative.
func (rec Record) Describe(r io.ReaderAt, size int64) (*Header, error) {
	if rec.Header.Kind != layout.Struct {
		panic("header: Record.Header is not a struct dtype")
	}
	if rec.DataOffset < 0 {
		panic(fmt.Sprintf("header: Record.DataOffset %d is negative", rec.DataOffset))
	}
	fields := make([]layout.Field, len(rec.Shape))
	for i, name := range rec.Shape {
		f, ok := rec.Header.Field(name)
		if !ok {
			panic(fmt.Sprintf("header: Record.Header has no field %q", name))
		}
		switch f.Type.Kind {
		case layout.Int, layout.Uint, layout.Float:
		default:
			panic(fmt.Sprintf("header: Record.Header field %q is not a number", name))
		}
		if len(f.Shape) > 0 || f.Type.Size > 8 {
			panic(fmt.Sprintf("header: Record.Header field %q is not a scalar of at most 8 bytes", name))
		}
		fields[i] = f
	}
	hs := int64(rec.Header.Size)
	if size < hs {
		return nil, formatErr(size, "file is %d bytes, too short for its %d-byte header record", size, hs)
	}
	buf := make([]byte, hs)
	if err := readFull(r, buf, 0); err != nil {
		return nil, fmt.Errorf("header: reading the header record: %w", err)
	}
	shape := make([]int, len(fields))
	for i, f := range fields {
		n, err := fieldInt(buf[f.Offset:f.Offset+f.Type.Size], f.Type)
		if err != "" {
			return nil, formatErr(int64(f.Offset), "header field %q %s", rec.Shape[i], err)
		}
		shape[i] = n
	}
	off := rec.DataOffset
	if off == 0 {
		off = hs
	}
	return Raw{Offset: off, DType: rec.DType, Shape: shape, FortranOrder: rec.FortranOrder}.Describe(r, size)
}

// fieldInt decodes b as a scalar of type t and returns it as a dimension,
// or what is wrong with it.
func fieldInt(b []byte, t layout.DType) (int, string) {
	o := t.Order.Binary()
	var u uint64
	switch len(b) {
	case 1:
		u = uint64(b[0])
	case 2:
		u = uint64(o.Uint16(b))
	case 4:
		u = uint64(o.Uint32(b))
	case 8:
		u = o.Uint64(b)
	default:
		return 0, fmt.Sprintf("has unsupported size %d", len(b))
	}
	switch t.Kind {
	case layout.Int:
		bits := uint(8 * len(b))
		s := int64(u<<(64-bits)) >> (64 - bits) // sign-extend
		if s < 0 {
			return 0, fmt.Sprintf("is negative: %d", s)
		}
		u = uint64(s)
	case layout.Float:
		var f float64
		switch len(b) {
		case 2:
			f = halfToFloat(uint16(u))
		case 4:
			f = float64(math.Float32frombits(uint32(u)))
		case 8:
			f = math.Float64frombits(u)
		}
		if f < 0 {
			return 0, fmt.Sprintf("is negative: %g", f)
		}
		if f != math.Trunc(f) || f >= 1<<63 {
			return 0, fmt.Sprintf("is not a whole number of items: %g", f)
		}
		u = uint64(f)
	}
	if u > math.MaxInt {
		return 0, fmt.Sprintf("is %d, too large for this platform", u)
	}
	return int(u), ""
}

// halfToFloat converts an IEEE 754 binary16 value to float64, exactly.
func halfToFloat(h uint16) float64 {
	exp := int(h>>10) & 0x1f
	frac := float64(h & 0x3ff)
	var f float64
	switch exp {
	case 0:
		f = math.Ldexp(frac, -24)
	case 0x1f:
		if frac != 0 {
			return math.NaN()
		}
		f = math.Inf(1)
	default:
		f = math.Ldexp(frac+1024, exp-25)
	}
	if h&0x8000 != 0 {
		f = -f
	}
	return f
}
