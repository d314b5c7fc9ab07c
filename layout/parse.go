package layout

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/ndmap/ndmap/internal/pylit"
)

// ParseDescr parses the Python literal a .npy header gives as its 'descr':
// a quoted type string such as '<f8' (any spelling [ParseTypeString]
// accepts) or a list of fields such as [('x', '<i4'), ('y', '>f8', (2,))].
// It follows NumPy's reading of a descr: entries (”, '|Vn') are padding;
// each field starts where the previous entry ended and the itemsize is
// the sum of the entries. Errors are of type *DescrError.
func ParseDescr(literal string) (DType, error) {
	v, err := pylit.Parse(literal)
	if err != nil {
		de := &DescrError{Descr: literal, Msg: "not a Python literal"}
		var se *pylit.SyntaxError
		if errors.As(err, &se) {
			de.Pos, de.Msg = se.Pos, se.Msg
		}
		return DType{}, de
	}
	p := descrParser{src: literal}
	switch v.Kind {
	case pylit.String:
		return p.typeString(v)
	case pylit.List:
		return p.record(v)
	}
	return DType{}, p.errorf(v.Pos, "descr is a %v, want a type string or a list of fields", v.Kind)
}

// ParseTypeString parses a dtype string as NumPy's dtype() accepts it,
// without quotes: "<f8", "f8", "=f8", "d", "float64", "S12", "M8[ns]".
// See the package doc for the spellings accepted. Errors are of type
// *DescrError.
func ParseTypeString(s string) (DType, error) {
	d, err := parseTypeString(s)
	if err != nil {
		return DType{}, err
	}
	return d, nil
}

type descrParser struct{ src string }

func (p *descrParser) errorf(pos int, format string, args ...any) *DescrError {
	return &DescrError{Descr: p.src, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *descrParser) typeString(v pylit.Value) (DType, error) {
	d, err := parseTypeString(v.Str)
	if err != nil {
		// Point into the literal: after the opening quote when the
		// string has no escapes, else at the literal.
		at := v.Pos
		if len(v.Text) == len(v.Str)+2 {
			at += 1 + err.Pos
		}
		err.Descr, err.Pos = p.src, at
		return DType{}, err
	}
	return d, nil
}

// record parses a list of (name, format[, shape]) tuples. As in NumPy's
// reader, a field may be written as a list too, and a title of None is no
// title.
func (p *descrParser) record(v pylit.Value) (DType, error) {
	d := DType{Kind: Struct, Order: NotApplicable}
	seen := make(map[string]bool, len(v.Items))
	offset := 0
	for _, item := range v.Items {
		if item.Kind != pylit.Tuple && item.Kind != pylit.List || len(item.Items) != 2 && len(item.Items) != 3 {
			return DType{}, p.errorf(item.Pos, "field is not a tuple (name, format) or (name, format, shape)")
		}
		var f Field
		switch n := item.Items[0]; {
		case n.Kind == pylit.String:
			f.Name = n.Str
		case n.Kind == pylit.Tuple && len(n.Items) == 2 && n.Items[0].Kind == pylit.None && n.Items[1].Kind == pylit.String:
			f.Name = n.Items[1].Str
		case n.Kind == pylit.Tuple && len(n.Items) == 2 && n.Items[0].Kind == pylit.String && n.Items[1].Kind == pylit.String:
			f.Title, f.Name = n.Items[0].Str, n.Items[1].Str
			if f.Title == "" {
				return DType{}, p.errorf(n.Pos, "empty field title")
			}
		default:
			return DType{}, p.errorf(n.Pos, "field name is not a string or a (title, name) pair of strings")
		}
		typ, levels, err := p.format(item.Items[1])
		if err != nil {
			return DType{}, err
		}
		if len(item.Items) == 3 {
			outer, err := p.shape(item.Items[2])
			if err != nil {
				return DType{}, err
			}
			if len(outer) > 0 {
				levels = append([][]int{outer}, levels...)
			}
		}
		var shape []int
		for _, l := range levels {
			shape = append(shape, l...)
		}
		size, ok := fieldSize(typ.Size, shape)
		if !ok {
			return DType{}, &DescrError{Descr: p.src, Pos: item.Pos, Msg: fmt.Sprintf("sub-array %v of %d-byte items exceeds %d bytes", shape, typ.Size, maxItemSize), overflow: true}
		}
		if len(shape) > 0 {
			f.Shape = shape
		}
		if len(levels) > 1 {
			for _, l := range levels {
				f.Nesting = append(f.Nesting, len(l))
			}
		}
		f.Type = typ
		f.Offset = offset
		if offset > maxItemSize-size {
			return DType{}, &DescrError{Descr: p.src, Pos: item.Pos, Msg: fmt.Sprintf("record itemsize exceeds %d bytes", maxItemSize), overflow: true}
		}
		offset += size
		// NumPy's reader drops unnamed entries whose type is void or a
		// sub-array (a sub-array's type is void too): they are padding.
		if f.Title == "" && f.Name == "" && (typ.Kind == Void || len(shape) > 0) {
			continue
		}
		if seen[f.Name] {
			return DType{}, p.errorf(item.Pos, "field name %q used twice", f.Name)
		}
		seen[f.Name] = true
		if f.Title != "" {
			if seen[f.Title] {
				return DType{}, p.errorf(item.Pos, "field title %q already used as a name or title", f.Title)
			}
			seen[f.Title] = true
		}
		if f.Name == "" && (typ.Kind == Void || len(shape) > 0) {
			return DType{}, p.errorf(item.Pos, "titled field with no name would be read back as padding")
		}
		d.Fields = append(d.Fields, f)
	}
	d.Size = offset
	return d, nil
}

// format parses the format of a field: a type string, a nested list of
// fields, or a (format, shape) sub-array pair. It returns the type of one
// element and the shapes of the sub-array levels, outermost first: none
// for a scalar, two for a sub-array of sub-arrays such as
// (('<f8', (5,)), (2,)), whose levels are [2] and [5]. A level whose shape
// is () or 1 is no level, as NumPy makes (format, ()) the format itself.
func (p *descrParser) format(v pylit.Value) (DType, [][]int, error) {
	switch v.Kind {
	case pylit.String:
		d, err := p.typeString(v)
		return d, nil, err
	case pylit.List:
		d, err := p.record(v)
		return d, nil, err
	case pylit.Tuple:
		if len(v.Items) == 2 {
			d, inner, err := p.format(v.Items[0])
			if err != nil {
				return DType{}, nil, err
			}
			outer, err := p.shape(v.Items[1])
			if err != nil {
				return DType{}, nil, err
			}
			if len(outer) == 0 {
				return d, inner, nil
			}
			return d, append([][]int{outer}, inner...), nil
		}
	}
	return DType{}, nil, p.errorf(v.Pos, "field format is a %v, want a type string, a list of fields or a (format, shape) pair", v.Kind)
}

// shape parses a sub-array shape: an int or a tuple (or list) of ints.
// As in NumPy 1.24, the int 1 means a scalar.
func (p *descrParser) shape(v pylit.Value) ([]int, error) {
	dim := func(v pylit.Value) (int, error) {
		n, ok := v.Int64()
		if v.Kind != pylit.Int {
			return 0, p.errorf(v.Pos, "shape entry is a %v, want an int", v.Kind)
		}
		if !ok || n > maxItemSize {
			return 0, &DescrError{Descr: p.src, Pos: v.Pos, Msg: fmt.Sprintf("shape entry %s is too large", v.Text), overflow: true}
		}
		if n < 0 {
			return 0, p.errorf(v.Pos, "negative shape entry %d", n)
		}
		return int(n), nil
	}
	switch v.Kind {
	case pylit.Int:
		n, err := dim(v)
		if err != nil || n == 1 {
			return nil, err
		}
		return []int{n}, nil
	case pylit.Tuple, pylit.List:
		shape := make([]int, 0, len(v.Items))
		for _, it := range v.Items {
			n, err := dim(it)
			if err != nil {
				return nil, err
			}
			shape = append(shape, n)
		}
		return shape, nil
	}
	return nil, p.errorf(v.Pos, "shape is a %v, want an int or a tuple of ints", v.Kind)
}

// typeNames are the NumPy names ParseTypeString accepts, with their codes.
var typeNames = map[string]string{
	"bool": "b1", "bool_": "b1", "bool8": "b1",
	"int8": "i1", "int16": "i2", "int32": "i4", "int64": "i8",
	"uint8": "u1", "uint16": "u2", "uint32": "u4", "uint64": "u8",
	"byte": "i1", "ubyte": "u1", "short": "i2", "ushort": "u2",
	"intc": "i4", "uintc": "u4", "longlong": "i8", "ulonglong": "u8",
	"float16": "f2", "float32": "f4", "float64": "f8",
	"half": "f2", "single": "f4", "double": "f8", "float": "f8",
	"complex64": "c8", "complex128": "c16", "csingle": "c8", "cdouble": "c16", "complex": "c16",
	"float_": "f8", "complex_": "c16",
	"bytes": "S", "bytes_": "S", "string_": "S", "bytes0": "S", "str": "U", "str_": "U", "str0": "U",
	"unicode": "U", "unicode_": "U", "void": "V", "void0": "V",
	"datetime64": "M8", "timedelta64": "m8",
}

// charCodes are NumPy's one-letter codes of fixed size.
var charCodes = map[byte]string{
	'?': "b1", 'b': "i1", 'B': "u1", 'h': "i2", 'H': "u2", 'i': "i4", 'I': "u4",
	'q': "i8", 'Q': "u8", 'e': "f2", 'f': "f4", 'd': "f8", 'F': "c8", 'D': "c16",
	'c': "S1", 'S': "S", 'a': "S", 'U': "U", 'V': "V", 'M': "M8", 'm': "m8",
}

// unsupportedNames are spellings NumPy accepts that this package refuses,
// with the reason.
var unsupportedNames = map[string]string{
	"O":           "Python objects ('O') are pickled, not stored as bytes",
	"object":      "Python objects ('O') are pickled, not stored as bytes",
	"object_":     "Python objects ('O') are pickled, not stored as bytes",
	"object0":     "Python objects ('O') are pickled, not stored as bytes",
	"g":           "long double ('g') has a platform-dependent layout",
	"G":           "complex long double ('G') has a platform-dependent layout",
	"longdouble":  "long double has a platform-dependent layout",
	"clongdouble": "complex long double has a platform-dependent layout",
	"float128":    "long double ('f16') has a platform-dependent layout",
	"float96":     "long double ('f12') has a platform-dependent layout",
	"complex256":  "complex long double ('c32') has a platform-dependent layout",
	"complex192":  "complex long double ('c24') has a platform-dependent layout",
	"l":           "C long ('l') has a platform-dependent size; give the size, as in 'i8'",
	"L":           "C unsigned long ('L') has a platform-dependent size; give the size, as in 'u8'",
	"p":           "intp ('p') has a platform-dependent size; give the size, as in 'i8'",
	"P":           "uintp ('P') has a platform-dependent size; give the size, as in 'u8'",
	"int":         "int has a platform-dependent size; give the size, as in 'i8'",
	"uint":        "uint has a platform-dependent size; give the size, as in 'u8'",
	"int_":        "int_ has a platform-dependent size; give the size, as in 'i8'",
	"uint0":       "uint0 has a platform-dependent size; give the size, as in 'u8'",
	"int0":        "int0 has a platform-dependent size; give the size, as in 'i8'",
	"intp":        "intp has a platform-dependent size; give the size, as in 'i8'",
	"uintp":       "uintp has a platform-dependent size; give the size, as in 'u8'",
	"long":        "long has a platform-dependent size; give the size, as in 'i8'",
	"ulong":       "ulong has a platform-dependent size; give the size, as in 'u8'",
}

// Kinds of parse failure, for the DescrError's Unwrap.
type errKind int

const (
	errDescr errKind = iota
	errUnsupported
	errOverflow
)

// parseTypeString returns the dtype of s, or an error whose Pos is a byte
// offset in s.
func parseTypeString(s string) (d DType, err *DescrError) {
	fail := func(at int, k errKind, format string, args ...any) (DType, *DescrError) {
		return DType{}, &DescrError{Descr: s, Pos: at, Msg: fmt.Sprintf(format, args...),
			unsupported: k == errUnsupported, overflow: k == errOverflow}
	}
	order := byte('=')
	rest := s
	if rest != "" && strings.IndexByte("<>=|", rest[0]) >= 0 {
		order, rest = rest[0], rest[1:]
	}
	start := len(s) - len(rest)
	// Split off a datetime unit "[...]".
	meta := ""
	if i := strings.IndexByte(rest, '['); i >= 0 {
		meta, rest = rest[i:], rest[:i]
	}
	if why, ok := unsupportedNames[rest]; ok {
		return fail(start, errUnsupported, "%s", why)
	}
	code := rest
	if c, ok := typeNames[rest]; ok {
		code = c
		// NumPy takes a byte order before a type code, and before a
		// name only for datetime64 and timedelta64.
		if start > 0 && c != "M8" && c != "m8" {
			return fail(0, errDescr, "byte order %q before the type name %q: NumPy takes one only before a type code such as %q", s[:1], rest, s[:1]+c)
		}
	} else if len(rest) == 1 {
		if c, ok := charCodes[rest[0]]; ok {
			code = c
		}
		if meta != "" && (rest == "M" || rest == "m") {
			// NumPy reads 'M' as the generic datetime64, but refuses
			// 'M[us]': a unit needs the itemsize.
			return fail(start+1, errDescr, "%q has a unit but no itemsize: NumPy reads %q", rest+meta, rest+"8"+meta)
		}
	}
	if code == "" {
		return fail(start, errDescr, "empty type")
	}
	letter, digits := code[0], code[1:]
	size := -1
	if digits != "" {
		for i := 0; i < len(digits); i++ {
			if digits[i] < '0' || digits[i] > '9' {
				return fail(start, errDescr, "unknown type %q", rest)
			}
		}
		n, err := strconv.ParseInt(digits, 10, 64)
		if err != nil || n > maxItemSize {
			return fail(start+1, errOverflow, "size %s exceeds %d bytes", digits, maxItemSize)
		}
		size = int(n)
	}
	switch letter {
	case 'b':
		d.Kind = Bool
	case 'i':
		d.Kind = Int
	case 'u':
		d.Kind = Uint
	case 'f':
		d.Kind = Float
	case 'c':
		d.Kind = Complex
	case 'S', 'a':
		d.Kind = Bytes
	case 'U':
		d.Kind = Unicode
	case 'V':
		d.Kind = Void
	case 'M':
		d.Kind = Datetime
	case 'm':
		d.Kind = Timedelta
	case 'O':
		return fail(start, errUnsupported, "Python objects ('O') are pickled, not stored as bytes")
	default:
		return fail(start, errDescr, "unknown type %q", rest)
	}
	switch d.Kind {
	case Bytes, Void:
		if size < 0 {
			size = 0
		}
		d.Size = size
	case Unicode:
		if size < 0 {
			size = 0
		}
		if size > maxItemSize/4 {
			return fail(start+1, errOverflow, "%d characters of 4 bytes exceed %d bytes", size, maxItemSize)
		}
		d.Size = 4 * size
	default:
		if size < 0 {
			return fail(start, errDescr, "unknown type %q", rest)
		}
		if scalarSize(d.Kind, size) < 0 {
			if d.Kind == Float && (size == 12 || size == 16) || d.Kind == Complex && (size == 24 || size == 32) {
				return fail(start, errUnsupported, "long double (%q) has a platform-dependent layout", rest)
			}
			return fail(start, errDescr, "unknown type %q: %v has no %d-byte type", rest, d.Kind, size)
		}
		d.Size = size
	}
	if meta != "" {
		if d.Kind != Datetime && d.Kind != Timedelta {
			return fail(start+len(rest), errDescr, "unexpected %q after %q", meta, rest)
		}
		unit, mult, ok := parseUnit(meta)
		if !ok {
			return fail(start+len(rest), errDescr, "invalid datetime unit %q: want [unit] or [Nunit] with N > 0 and unit one of %s", meta, strings.Join(units, " "))
		}
		d.Unit, d.Multiplier = unit, mult
	}
	switch {
	case d.Kind == Bytes || d.Kind == Void || d.Size <= 1 && d.Kind != Unicode:
		d.Order = NotApplicable
	case order == '<':
		d.Order = LittleEndian
	case order == '>':
		d.Order = BigEndian
	default:
		d.Order = NativeOrder
	}
	return d, nil
}

// parseUnit parses "[10ms]".
func parseUnit(meta string) (unit string, mult int, ok bool) {
	in, ok := strings.CutPrefix(meta, "[")
	if !ok {
		return "", 0, false
	}
	in, ok = strings.CutSuffix(in, "]")
	if !ok {
		return "", 0, false
	}
	i := 0
	for i < len(in) && '0' <= in[i] && in[i] <= '9' {
		i++
	}
	mult = 1
	if i > 0 {
		n, err := strconv.ParseInt(in[:i], 10, 64)
		if err != nil || n <= 0 || n > math.MaxInt32 {
			return "", 0, false
		}
		mult = int(n)
	}
	unit = in[i:]
	if unit == "generic" && i == 0 {
		return "", 0, true // NumPy's spelled-out generic unit: 'M8[generic]' is 'M8'
	}
	if unit == "μs" {
		unit = "us"
	}
	if !validUnit(unit) {
		return "", 0, false
	}
	return unit, mult, true
}
