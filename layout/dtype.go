package layout

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
)

// Kind is the broad class of a [DType].
type Kind uint8

// The kinds of data type NumPy stores in .npy files that this package can describe.
const (
	Invalid   Kind = iota
	Bool           // 'b1': one byte, 0 or 1
	Int            // 'i1', 'i2', 'i4', 'i8': two's-complement signed integer
	Uint           // 'u1', 'u2', 'u4', 'u8': unsigned integer
	Float          // 'f2', 'f4', 'f8': IEEE 754 binary16, binary32, binary64
	Complex        // 'c8', 'c16': two floats, real then imaginary
	Bytes          // 'S<n>': n bytes, trailing NULs not significant
	Unicode        // 'U<n>': n UCS-4 code points, 4n bytes
	Void           // 'V<n>': n opaque bytes
	Datetime       // 'M8[unit]': int64 count of multiples of a unit since 1970-01-01T00:00
	Timedelta      // 'm8[unit]': int64 count of multiples of a unit
	Struct         // a record of named fields
)

// ByteOrder is the byte order of a [DType] as NumPy spells it in a descr.
type ByteOrder byte

// Byte orders. Types whose items are a single byte, or byte strings, have
// no byte order: NotApplicable.
const (
	NotApplicable ByteOrder = '|'
	LittleEndian  ByteOrder = '<'
	BigEndian     ByteOrder = '>'
)

// Binary returns the [binary.ByteOrder] that reads values of this order.
// NotApplicable gives binary.LittleEndian, which reads single bytes correctly.
func (o ByteOrder) Binary() binary.ByteOrder {
	if o == BigEndian {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// DType describes the bytes of one array item, as a NumPy dtype does.
//
// The zero DType is invalid. DTypes are values; Fields shares its backing
// array between copies, and callers must not modify it.
type DType struct {
	Kind  Kind
	Order ByteOrder // NotApplicable for Bool, Int/Uint of size 1, Bytes, Void and Struct
	Size  int       // itemsize in bytes

	// Datetime and Timedelta only: the unit ("Y", "M", "W", "D", "h", "m",
	// "s", "ms", "us", "ns", "ps", "fs", "as"), or "" for the generic unit
	// NumPy writes as 'M8'; and how many units one count is (10 in 'M8[10ms]';
	// 1 when the descr gives none, 0 when Unit is "").
	Unit       string
	Multiplier int

	// Struct only: the fields in the record's order, which for records
	// read from a descr is order of increasing offset. Padding is not
	// listed: it is whatever bytes of Size no field covers. Fields made
	// with [StructOf] may overlap or be out of order, but such records have
	// no descr.
	Fields []Field
}

// Field is one named member of a record [DType].
type Field struct {
	Name   string // may be "" only for a field that is not Void
	Title  string // "" when the field has no title
	Offset int    // byte offset of the field within the record
	Type   DType  // the type of one element
	Shape  []int  // sub-array shape; nil for a scalar field

	// Nesting is nil but for a sub-array of sub-arrays, such as
	// ('c', ('<f8', (5,)), (2,)): two of (5,) float64. NumPy keeps the
	// levels apart in the dtype and its descr; their bytes are those of
	// one sub-array of the combined shape, which Shape holds, (2, 5), so
	// views expose the combined trailing axes. Nesting says how many of
	// Shape's axes each level adds, outermost first ([1, 1] here), so
	// that the descr is written back as it was read.
	Nesting []int
}

// The scalar types in native byte order. The float16 dtype is Half, as
// NumPy also calls it, since [Float16] is the Go type of its values.
var (
	Bool8      = DType{Kind: Bool, Order: NotApplicable, Size: 1}
	Int8       = DType{Kind: Int, Order: NotApplicable, Size: 1}
	Int16      = DType{Kind: Int, Order: NativeOrder, Size: 2}
	Int32      = DType{Kind: Int, Order: NativeOrder, Size: 4}
	Int64      = DType{Kind: Int, Order: NativeOrder, Size: 8}
	Uint8      = DType{Kind: Uint, Order: NotApplicable, Size: 1}
	Uint16     = DType{Kind: Uint, Order: NativeOrder, Size: 2}
	Uint32     = DType{Kind: Uint, Order: NativeOrder, Size: 4}
	Uint64     = DType{Kind: Uint, Order: NativeOrder, Size: 8}
	Half       = DType{Kind: Float, Order: NativeOrder, Size: 2}
	Float32    = DType{Kind: Float, Order: NativeOrder, Size: 4}
	Float64    = DType{Kind: Float, Order: NativeOrder, Size: 8}
	Complex64  = DType{Kind: Complex, Order: NativeOrder, Size: 8}
	Complex128 = DType{Kind: Complex, Order: NativeOrder, Size: 16}
)

// maxItemSize is the largest itemsize NumPy allows (its itemsize is a C int).
const maxItemSize = 1<<31 - 1

// Size returns the bytes the field takes: Type.Size times the product of
// Shape. It is only meaningful for fields of a validated DType, whose sizes
// are known to fit.
func (f Field) Size() int {
	n := f.Type.Size
	for _, d := range f.Shape {
		n *= d
	}
	return n
}

// Equal reports whether d and e describe the same bytes the same way: same
// kinds, sizes, byte orders, units, and for records the same fields (names,
// titles, offsets, types, shapes and their nesting) in the same order. A
// nil and an empty Shape or Nesting are equal.
func (d DType) Equal(e DType) bool {
	if d.Kind != e.Kind || d.Order != e.Order || d.Size != e.Size ||
		d.Unit != e.Unit || d.Multiplier != e.Multiplier || len(d.Fields) != len(e.Fields) {
		return false
	}
	for i := range d.Fields {
		f, g := &d.Fields[i], &e.Fields[i]
		if f.Name != g.Name || f.Title != g.Title || f.Offset != g.Offset ||
			!slices.Equal(f.Shape, g.Shape) || !slices.Equal(f.Nesting, g.Nesting) || !f.Type.Equal(g.Type) {
			return false
		}
	}
	return true
}

// IsNativeOrder reports whether every multi-byte scalar in d, in records
// too, is in the byte order of this machine, so that Go values can be read
// from d's bytes without swapping.
func (d DType) IsNativeOrder() bool {
	if d.Kind == Struct {
		for _, f := range d.Fields {
			if !f.Type.IsNativeOrder() {
				return false
			}
		}
		return true
	}
	return d.Order != NativeOrder.opposite()
}

func (o ByteOrder) opposite() ByteOrder {
	switch o {
	case LittleEndian:
		return BigEndian
	case BigEndian:
		return LittleEndian
	}
	return o
}

// Field looks up a field of a record by name. A dotted path such as
// "meta.a" looks inside nested records (a name that itself contains dots
// is found too); the Offset of the returned Field is then counted from the
// start of the outer record. Fields of records inside sub-arrays are not
// found. Field returns false if d is not a record or has no such field.
func (d DType) Field(path string) (Field, bool) {
	if d.Kind != Struct {
		return Field{}, false
	}
	for _, f := range d.Fields {
		if f.Name == path {
			return f, true
		}
	}
	for _, f := range d.Fields {
		rest, ok := strings.CutPrefix(path, f.Name+".")
		if !ok || f.Type.Kind != Struct || len(f.Shape) != 0 {
			continue
		}
		if g, ok := f.Type.Field(rest); ok {
			g.Offset += f.Offset
			return g, true
		}
	}
	return Field{}, false
}

// StructOf returns a record dtype of the given itemsize with the given
// fields, after checking that every field type is valid, fits inside the
// record, has a non-negative shape (and a Nesting, if any, of two or more
// levels of at least one axis each that add up to the shape), and that
// names and titles are unique.
// Fields may overlap and need not be in order of offset, as NumPy allows,
// but such records have no descr. A field with an empty name must not be
// Void: NumPy would read it back as padding. The fields are copied.
func StructOf(fields []Field, size int) (DType, error) {
	d := DType{Kind: Struct, Order: NotApplicable, Size: size, Fields: make([]Field, len(fields))}
	for i, f := range fields {
		if len(f.Shape) == 0 {
			f.Shape = nil
		} else {
			f.Shape = append([]int(nil), f.Shape...)
		}
		if len(f.Nesting) == 1 && f.Nesting[0] == len(f.Shape) {
			f.Nesting = nil // one level is no nesting
		} else if len(f.Nesting) > 0 {
			f.Nesting = append([]int(nil), f.Nesting...)
		} else {
			f.Nesting = nil
		}
		d.Fields[i] = f
	}
	if err := d.validate(); err != nil {
		return DType{}, err
	}
	return d, nil
}

// validate checks everything about d that parsing checks, so that d has a
// descr (unless its fields overlap or are out of order) and its sizes fit.
func (d DType) validate() error { return d.check("") }

// check is validate for the type of the field at path ("" for the item
// itself), which messages name.
func (d DType) check(path string) error {
	in := ""
	if path != "" {
		in = fmt.Sprintf("field %q: ", path)
	}
	bad := func(format string, args ...any) error {
		return errorf(ErrDescr, "%s%s", in, fmt.Sprintf(format, args...))
	}
	if d.Size < 0 {
		return bad("negative itemsize %d", d.Size)
	}
	if int64(d.Size) > maxItemSize {
		return errorf(ErrOverflow, "%sitemsize %d exceeds %d bytes", in, d.Size, maxItemSize)
	}
	switch d.Kind {
	case Bool, Int, Uint, Float, Complex, Datetime, Timedelta:
		if d.Size != scalarSize(d.Kind, d.Size) {
			return bad("%v has no %d-byte type", d.Kind, d.Size)
		}
	case Unicode:
		if d.Size%4 != 0 {
			return bad("unicode itemsize %d is not a multiple of 4", d.Size)
		}
	case Bytes, Void, Struct:
	default:
		return bad("invalid kind %d", d.Kind)
	}
	switch {
	case d.Kind == Struct || d.Size <= 1 && d.Kind != Unicode || d.Kind == Bytes || d.Kind == Void:
		if d.Order != NotApplicable {
			return bad("%v of %d bytes has no byte order, not %q", d.Kind, d.Size, d.Order)
		}
	case d.Order != LittleEndian && d.Order != BigEndian:
		return bad("invalid byte order %q", d.Order)
	}
	if d.Kind == Datetime || d.Kind == Timedelta {
		if d.Unit == "" && d.Multiplier != 0 || d.Unit != "" && (!validUnit(d.Unit) || d.Multiplier <= 0) {
			return bad("invalid time unit %d %q", d.Multiplier, d.Unit)
		}
	} else if d.Unit != "" || d.Multiplier != 0 {
		return bad("a unit on %v", d.Kind)
	}
	if d.Kind != Struct {
		if d.Fields != nil {
			return bad("fields on %v", d.Kind)
		}
		return nil
	}
	seen := make(map[string]bool, len(d.Fields))
	for _, f := range d.Fields {
		fpath := f.Name
		if path != "" {
			fpath = path + "." + f.Name
		}
		if err := f.Type.check(fpath); err != nil {
			return err
		}
		if f.Name == "" && (f.Type.Kind == Void || len(f.Shape) > 0) {
			return bad("a field with no name must be a scalar and not void: NumPy reads it as padding")
		}
		if seen[f.Name] {
			return bad("field name %q used twice", f.Name)
		}
		seen[f.Name] = true
		if f.Title != "" {
			if seen[f.Title] {
				return bad("field title %q already used as a name or title", f.Title)
			}
			seen[f.Title] = true
		}
		for _, n := range f.Shape {
			if n < 0 {
				return errorf(ErrShape, "%sfield %q: negative dimension %d in sub-array shape %v", in, f.Name, n, f.Shape)
			}
		}
		if f.Nesting != nil {
			sum := 0
			for _, n := range f.Nesting {
				if n < 1 || n > len(f.Shape) {
					sum = -1
					break
				}
				sum += n
			}
			if len(f.Nesting) < 2 || sum != len(f.Shape) {
				return bad("field %q: nesting %v does not split the sub-array shape %v into two or more levels", f.Name, f.Nesting, f.Shape)
			}
		}
		size, ok := fieldSize(f.Type.Size, f.Shape)
		if !ok {
			return errorf(ErrOverflow, "%sfield %q: sub-array %v of %d-byte items exceeds %d bytes", in, f.Name, f.Shape, f.Type.Size, maxItemSize)
		}
		if f.Offset < 0 || f.Offset > d.Size || size > d.Size-f.Offset {
			return bad("field %q at bytes [%d, %d) does not fit in an itemsize of %d", f.Name, f.Offset, f.Offset+size, d.Size)
		}
	}
	return nil
}

// fieldSize returns itemsize times the product of shape, whose entries are
// not negative, and false if that exceeds NumPy's largest itemsize.
func fieldSize(itemsize int, shape []int) (int, bool) {
	n := int64(itemsize)
	for _, s := range shape {
		if s != 0 && n > maxItemSize/int64(s) {
			return 0, false
		}
		n *= int64(s)
	}
	return int(n), true
}

// scalarSize returns size if kind has a type of that many bytes, else -1.
func scalarSize(k Kind, size int) int {
	ok := false
	switch k {
	case Bool:
		ok = size == 1
	case Int, Uint:
		ok = size == 1 || size == 2 || size == 4 || size == 8
	case Float:
		ok = size == 2 || size == 4 || size == 8
	case Complex:
		ok = size == 8 || size == 16
	case Datetime, Timedelta:
		ok = size == 8
	}
	if ok {
		return size
	}
	return -1
}

var units = []string{"Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns", "ps", "fs", "as"}

func validUnit(u string) bool {
	return slices.Contains(units, u)
}
