package layout

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ndmap/ndmap/internal/pylit"
)

var kindNames = [...]string{
	Invalid: "invalid", Bool: "bool", Int: "int", Uint: "uint", Float: "float",
	Complex: "complex", Bytes: "bytes", Unicode: "str", Void: "void",
	Datetime: "datetime64", Timedelta: "timedelta64", Struct: "struct",
}

// String returns the kind's lower-case name: "int", "float", "struct".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// TypeString returns NumPy's dtype.str for d: "<f8", "|b1", "|S12", "<U3",
// "<M8[10ms]", "<M8" for the generic datetime, and "|V<itemsize>" for a
// record. An invalid d gives a string starting "|invalid".
func (d DType) TypeString() string {
	if d.validate() != nil && d.Kind != Struct {
		return "|invalid"
	}
	var code byte
	size := d.Size
	switch d.Kind {
	case Bool:
		code = 'b'
	case Int:
		code = 'i'
	case Uint:
		code = 'u'
	case Float:
		code = 'f'
	case Complex:
		code = 'c'
	case Bytes:
		code = 'S'
	case Unicode:
		code, size = 'U', d.Size/4
	case Void, Struct:
		code = 'V'
	case Datetime:
		code = 'M'
	case Timedelta:
		code = 'm'
	}
	s := string(rune(d.Order)) + string(rune(code)) + strconv.Itoa(size)
	if d.Unit != "" {
		s += "[" + unitString(d.Multiplier, d.Unit) + "]"
	}
	return s
}

func unitString(mult int, unit string) string {
	if mult == 1 {
		return unit
	}
	return strconv.Itoa(mult) + unit
}

// Descr returns the Python literal NumPy writes as the 'descr' of d in a
// .npy header, byte for byte: the quoted type string for a scalar type,
// and for a record the list NumPy's dtype.descr gives, with padding
// entries (”, '|Vn') for gaps between fields and at the end, titles as
// (('title', 'name'), format), sub-arrays as (name, format, shape),
// sub-arrays of sub-arrays as (name, (format, inner shape), shape) and
// nested records as lists. Descr fails for an invalid d and for records
// whose fields overlap or are out of order, which NumPy cannot write
// either.
func (d DType) Descr() (string, error) {
	if err := d.validate(); err != nil {
		return "", err
	}
	var b strings.Builder
	if err := d.appendDescr(&b); err != nil {
		return "", err
	}
	return b.String(), nil
}

func (d DType) appendDescr(b *strings.Builder) error {
	if d.Kind != Struct {
		b.WriteByte('\'')
		b.WriteString(d.TypeString())
		b.WriteByte('\'')
		return nil
	}
	b.WriteByte('[')
	offset := 0
	// b may hold an outer list: separate entries of this one only.
	start := b.Len()
	sep := func() {
		if b.Len() > start {
			b.WriteString(", ")
		}
	}
	for _, f := range d.Fields {
		if f.Offset < offset {
			return errorf(ErrDescr, "field %q at byte %d overlaps or comes before the previous field, which ends at byte %d: NumPy cannot write such a record as a descr", f.Name, f.Offset, offset)
		}
		if f.Offset > offset {
			sep()
			fmt.Fprintf(b, "('', '|V%d')", f.Offset-offset)
		}
		sep()
		b.WriteByte('(')
		if f.Title != "" {
			b.WriteString("(" + pylit.Quote(f.Title) + ", " + pylit.Quote(f.Name) + ")")
		} else {
			b.WriteString(pylit.Quote(f.Name))
		}
		b.WriteString(", ")
		levels := f.levels()
		// A sub-array of sub-arrays nests as NumPy writes it: the
		// outermost shape last, each inner level a (format, shape) pair.
		for range max(len(levels)-1, 0) {
			b.WriteByte('(')
		}
		if err := f.Type.appendDescr(b); err != nil {
			return err
		}
		for i := len(levels) - 1; i >= 0; i-- {
			b.WriteString(", ")
			b.WriteString(FormatShape(levels[i]))
			if i > 0 {
				b.WriteByte(')')
			}
		}
		b.WriteByte(')')
		offset = f.Offset + f.Size()
	}
	if d.Size > offset {
		sep()
		fmt.Fprintf(b, "('', '|V%d')", d.Size-offset)
	}
	b.WriteByte(']')
	return nil
}

// String returns a readable name for d, for messages and listings:
// "bool", "int8", "uint16", "float64", "complex128", "S12" (bytes), "U3"
// (str of 3 characters), "V16" (void), "datetime64[ns]",
// "timedelta64[10s]", "datetime64" (generic unit). Multi-byte types whose
// byte order is not this machine's are prefixed with it: ">float64",
// ">U3". A record is "{name: S12, time: int64, pos: (2,3)float32}" with
// sub-array shapes before the type as NumPy writes them (each level of a
// sub-array of sub-arrays in turn: "c: (2,)(5,)float64"); when the record
// is not packed (a field does not start where the previous one ended, or
// bytes are left at the end) each such field is written "name@offset" and
// the itemsize follows: "{a: uint8, b@8: float64; 16 bytes}". Titles are
// not shown.
func (d DType) String() string {
	var b strings.Builder
	d.appendString(&b)
	return b.String()
}

func (d DType) appendString(b *strings.Builder) {
	if d.Order == NativeOrder.opposite() {
		b.WriteByte(byte(d.Order))
	}
	switch d.Kind {
	case Bool:
		b.WriteString("bool")
	case Int, Uint, Float, Complex:
		b.WriteString(d.Kind.String())
		b.WriteString(strconv.Itoa(8 * d.Size))
	case Bytes:
		b.WriteString("S" + strconv.Itoa(d.Size))
	case Unicode:
		b.WriteString("U" + strconv.Itoa(d.Size/4))
	case Void:
		b.WriteString("V" + strconv.Itoa(d.Size))
	case Datetime, Timedelta:
		b.WriteString(d.Kind.String())
		if d.Unit != "" {
			b.WriteString("[" + unitString(d.Multiplier, d.Unit) + "]")
		}
	case Struct:
		b.WriteByte('{')
		offset := 0
		for i, f := range d.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f.Name)
			if f.Offset != offset {
				b.WriteString("@" + strconv.Itoa(f.Offset))
			}
			b.WriteString(": ")
			for _, l := range f.levels() {
				b.WriteString(strings.ReplaceAll(FormatShape(l), " ", ""))
			}
			f.Type.appendString(b)
			offset = f.Offset + f.Size()
		}
		if offset != d.Size {
			b.WriteString("; " + strconv.Itoa(d.Size) + " bytes")
		}
		b.WriteByte('}')
	default:
		b.WriteString("invalid")
	}
}

// levels returns the shapes of the field's sub-array levels, outermost
// first: none for a scalar field, Shape alone without nesting.
func (f Field) levels() [][]int {
	if len(f.Shape) == 0 {
		return nil
	}
	levels := make([][]int, 0, len(f.Nesting))
	at := 0
	for _, n := range f.Nesting {
		if n < 1 || n > len(f.Shape)-at {
			break
		}
		levels = append(levels, f.Shape[at:at+n])
		at += n
	}
	if at != len(f.Shape) {
		// No nesting, or one that does not fit (a Field not yet
		// validated, shown in a message): one level.
		return [][]int{f.Shape}
	}
	return levels
}
