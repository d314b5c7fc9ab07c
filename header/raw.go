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

// Validate reports whether r describes array data at all, whatever the
// file: it returns an error wrapping [ErrDescription] that names the field
// at fault if Offset is negative, DType is the zero DType, Shape holds a
// dimension below -1 or more than one -1, or a dimension is -1 and items
// of DType take no bytes, so that no file size could decide it.
func (r Raw) Validate() error {
	if r.Offset < 0 {
		return descriptionErr("Raw.Offset %d is negative", r.Offset)
	}
	if r.DType.Kind == layout.Invalid {
		return descriptionErr("Raw.DType is the zero DType")
	}
	free := -1
	for i, d := range r.Shape {
		switch {
		case d == -1 && free >= 0:
			return descriptionErr("Raw.Shape %v has more than one -1", r.Shape)
		case d == -1:
			free = i
		case d < -1:
			return descriptionErr("Raw.Shape %v has a negative dimension", r.Shape)
		}
	}
	if (free >= 0 || r.Shape == nil) && r.DType.Size == 0 {
		return descriptionErr("Raw.Shape %v leaves a dimension to the file's size, but Raw.DType %s has no bytes", r.Shape, r.DType)
	}
	return nil
}

// Describe checks that a file of the given size holds the data r describes
// and returns its header, with a zero Version. Bytes after the data are
// allowed. A file too short for the shape, or whose size is not a whole
// number of rows when a dimension is -1, gives a [*FormatError]; a
// description that [Raw.Validate] refuses gives its error.
func (r Raw) Describe(_ io.ReaderAt, size int64) (*Header, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	shape := r.Shape
	if shape == nil {
		shape = []int{-1}
	}
	shape = append([]int{}, shape...)
	free := -1
	for i, d := range shape {
		if d == -1 {
			free = i
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
			return nil, formatErr(r.Offset, "shape %s is more bytes than a file can hold", layout.FormatShape(r.Shape))
		}
		unit := "items"
		switch {
		case free == 0 && len(shape) > 1:
			unit = "rows"
		case free > 0:
			unit = fmt.Sprintf("steps along axis %d", free)
		}
		if block == 0 {
			return nil, formatErr(r.Offset, "shape %s leaves a dimension to the file's size, but its %s take no bytes", layout.FormatShape(r.Shape), unit)
		}
		if have%block != 0 {
			return nil, formatErr(r.Offset, "%d bytes of data are not a whole number of %d-byte %s", have, block, unit)
		}
		n := have / block
		if n > math.MaxInt {
			return nil, formatErr(r.Offset, "%d %s are too many for this platform", n, unit)
		}
		shape[free] = int(n)
	}
	need, err := layout.ByteSize(shape, r.DType.Size)
	if err != nil {
		return nil, formatErr(r.Offset, "shape %s of %d-byte items is more bytes than a file can hold", layout.FormatShape(shape), r.DType.Size)
	}
	if have < need {
		return nil, formatErr(r.Offset, "data is %d bytes, but shape %s of %d-byte items needs %d", have, layout.FormatShape(shape), r.DType.Size, need)
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

// Validate reports whether rec describes array data at all, whatever the
// file: it returns an error wrapping [ErrDescription] that names the field
// at fault if Header is not a record, a name in Shape is not a field of it
// holding one integer or float of at most 8 bytes, DType is the zero
// DType, or DataOffset is negative.
func (rec Record) Validate() error {
	if rec.Header.Kind != layout.Struct {
		return descriptionErr("Record.Header %s is not a record", rec.Header)
	}
	if rec.DataOffset < 0 {
		return descriptionErr("Record.DataOffset %d is negative", rec.DataOffset)
	}
	if rec.DType.Kind == layout.Invalid {
		return descriptionErr("Record.DType is the zero DType")
	}
	for _, name := range rec.Shape {
		if _, err := rec.field(name); err != nil {
			return err
		}
	}
	return nil
}

// field returns the field of the header record that name in Shape gives.
func (rec Record) field(name string) (layout.Field, error) {
	f, ok := rec.Header.Field(name)
	if !ok {
		return f, descriptionErr("Record.Shape names %q, which is not a field of Record.Header %s", name, rec.Header)
	}
	switch f.Type.Kind {
	case layout.Int, layout.Uint, layout.Float:
	default:
		return f, descriptionErr("Record.Shape names field %q of Record.Header, which is %s, not an integer or float", name, f.Type)
	}
	if len(f.Shape) > 0 || f.Type.Size > 8 {
		return f, descriptionErr("Record.Shape names field %q of Record.Header, which is not one number of at most 8 bytes", name)
	}
	return f, nil
}

// Describe reads the record at the start of the file and returns the header
// of the data that follows. Field values that are negative, not whole
// numbers or too large for int, and a file too short for the record or the
// data, give a [*FormatError]; a description that [Record.Validate]
// refuses gives its error.
func (rec Record) Describe(r io.ReaderAt, size int64) (*Header, error) {
	if err := rec.Validate(); err != nil {
		return nil, err
	}
	hs := int64(rec.Header.Size)
	if size < hs {
		return nil, formatErr(size, "file is %d bytes, too short for its %d-byte header record", size, hs)
	}
	buf := make([]byte, hs)
	if err := readFull(r, buf, 0); err != nil {
		return nil, readErr("reading the header record", err)
	}
	shape := make([]int, len(rec.Shape))
	for i, name := range rec.Shape {
		f, _ := rec.field(name) // Validate found it
		n, err := dimension(buf[f.Offset:f.Offset+f.Type.Size], f.Type)
		if err != nil {
			return nil, formatErr(int64(f.Offset), "header field %q %v", name, err)
		}
		shape[i] = n
	}
	off := rec.DataOffset
	if off == 0 {
		off = hs
	}
	return Raw{Offset: off, DType: rec.DType, Shape: shape, FortranOrder: rec.FortranOrder}.Describe(r, size)
}

// dimension decodes b, an item of the integer or float type t, as a
// dimension: a whole number from 0 to math.MaxInt.
func dimension(b []byte, t layout.DType) (int, error) {
	var u uint64
	switch t.Kind {
	case layout.Int:
		s := t.Int(b)
		if s < 0 {
			return 0, fmt.Errorf("is negative: %d", s)
		}
		u = uint64(s)
	case layout.Uint:
		u = t.Uint(b)
	default:
		f := t.Float(b)
		if f < 0 {
			return 0, fmt.Errorf("is negative: %g", f)
		}
		if f != math.Trunc(f) || f >= 1<<63 {
			return 0, fmt.Errorf("is not a whole number: %g", f)
		}
		u = uint64(f)
	}
	if u > math.MaxInt {
		return 0, fmt.Errorf("is %d, too large for this platform", u)
	}
	return int(u), nil
}
