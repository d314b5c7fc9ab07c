package layout

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
)

var float16Type = reflect.TypeFor[Float16]()

// TypeOf returns the dtype of values of the Go type t, in native byte
// order: bool as b1; int8 to int64, uint8 to uint64, and int and uint by
// their size on this platform; float32, float64, Float16 as f2; complex64
// and complex128; [N]byte (any array of a uint8 kind) as S<N>; and
// structs as records (see the package doc for tags, padding and array
// fields). Other arrays have no dtype of their own, only as struct
// fields. Named types count by their kind. Strings, pointers, slices,
// maps, channels, functions, interfaces and uintptr give an error
// wrapping ErrUnsupported that says why.
func TypeOf(t reflect.Type) (DType, error) {
	if t == nil {
		return DType{}, errorf(ErrUnsupported, "nil reflect.Type")
	}
	d, shape, err := fieldType(t)
	if err != nil {
		return DType{}, err
	}
	if len(shape) > 0 {
		return DType{}, errorf(ErrUnsupported, "Go type %v is an array: a dtype describes one element; use the element type and a shape, or a [N]byte for bytes", t)
	}
	return d, nil
}

// For returns the dtype of values of type T, as TypeOf does.
func For[T any]() (DType, error) {
	return TypeOf(reflect.TypeFor[T]())
}

// fieldType returns the dtype and sub-array shape of t as a record field.
func fieldType(t reflect.Type) (DType, []int, error) {
	var shape []int
	for t.Kind() == reflect.Array {
		shape = append(shape, t.Len())
		t = t.Elem()
	}
	if len(shape) > 0 && t.Kind() == reflect.Uint8 {
		n := shape[len(shape)-1]
		if int64(n) > maxItemSize {
			return DType{}, nil, errorf(ErrOverflow, "[%d]byte is larger than %d bytes", n, maxItemSize)
		}
		shape = shape[:len(shape)-1]
		if len(shape) == 0 {
			shape = nil
		}
		return DType{Kind: Bytes, Order: NotApplicable, Size: n}, shape, nil
	}
	d, err := scalarType(t)
	if err != nil {
		return DType{}, nil, err
	}
	if _, ok := fieldSize(d.Size, shape); !ok {
		return DType{}, nil, errorf(ErrOverflow, "Go type %v: array of %v of %d-byte items exceeds %d bytes", t, shape, d.Size, maxItemSize)
	}
	return d, shape, nil
}

// scalarType returns the dtype of a Go type that is not an array.
func scalarType(t reflect.Type) (DType, error) {
	if t == float16Type {
		return Half, nil
	}
	size := int(t.Size())
	switch t.Kind() {
	case reflect.Bool:
		return Bool8, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return scalar(Int, size), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return scalar(Uint, size), nil
	case reflect.Float32, reflect.Float64:
		return scalar(Float, size), nil
	case reflect.Complex64, reflect.Complex128:
		return scalar(Complex, size), nil
	case reflect.Struct:
		return structType(t)
	case reflect.String:
		return DType{}, errorf(ErrUnsupported, "Go type %v: strings have no fixed size; use [N]byte for NumPy's S<N>", t)
	case reflect.Uintptr:
		return DType{}, errorf(ErrUnsupported, "Go type %v: uintptr holds addresses, which mean nothing in a file; use uint64", t)
	}
	return DType{}, errorf(ErrUnsupported, "Go type %v: a %v refers to memory elsewhere and cannot be stored in a file", t, t.Kind())
}

func scalar(k Kind, size int) DType {
	o := NativeOrder
	if size == 1 {
		o = NotApplicable
	}
	return DType{Kind: k, Order: o, Size: size}
}

// structType returns the record dtype of a Go struct.
func structType(t reflect.Type) (DType, error) {
	if t.Size() > maxItemSize {
		return DType{}, errorf(ErrOverflow, "Go type %v is %d bytes, more than NumPy's %d", t, t.Size(), maxItemSize)
	}
	d := DType{Kind: Struct, Order: NotApplicable, Size: int(t.Size())}
	seen := make(map[string]string)
	for i := range t.NumField() {
		sf := t.Field(i)
		name, ok := npyName(sf)
		if !ok {
			continue
		}
		if prev, ok := seen[name]; ok {
			return DType{}, errorf(ErrDescr, "Go type %v: fields %s and %s both have the name %q", t, prev, sf.Name, name)
		}
		seen[name] = sf.Name
		ft, shape, err := fieldType(sf.Type)
		if err != nil {
			return DType{}, within(fmt.Sprintf("field %s of %v", sf.Name, t), err)
		}
		d.Fields = append(d.Fields, Field{Name: name, Offset: int(sf.Offset), Type: ft, Shape: shape})
	}
	if len(d.Fields) == 0 {
		return DType{}, errorf(ErrUnsupported, "Go type %v has no exported fields", t)
	}
	return d, nil
}

// packHint is added to messages about offsets and sizes of records.
const packHint = "NumPy packs records unless align=True; read fields one by one with field views instead"

// Match reports whether items of d can be read as values of the Go type t,
// swapping bytes if need be: it returns nil if they can, and otherwise a
// *MismatchError that says exactly why not. Scalars must have the same
// kind and size (a datetime64 or timedelta64 matches int64, Float16 a
// float16). S<n> and V<n> match [n]byte, U<n> matches [n]rune. For a
// record and a Go struct, every Go field (named as TypeOf names it) must
// be a field of d at the same offset with a matching type and shape, and
// the itemsizes must be equal; d may have fields the struct skips. Field
// order does not matter. t may be an array type, [N]T, to match a
// sub-array; the byte order of d does not matter.
func Match(d DType, t reflect.Type) error {
	return match(d, t, false)
}

// Overlay reports whether values of the Go type t can be laid over the
// bytes of d's items in place, as by a cast of the mapped memory: Match
// holds and every multi-byte scalar of d that t reads is in this machine's
// byte order. It returns nil or a *MismatchError.
func Overlay(d DType, t reflect.Type) error {
	return match(d, t, true)
}

func match(d DType, t reflect.Type, inPlace bool) error {
	if t == nil {
		return &MismatchError{Msg: "nil reflect.Type"}
	}
	m := matcher{top: t, inPlace: inPlace}
	return m.match(d, nil, t, "")
}

type matcher struct {
	top     reflect.Type
	inPlace bool
}

func (m *matcher) errorf(path, format string, args ...any) error {
	return &MismatchError{Type: m.top, Field: path, Msg: fmt.Sprintf(format, args...)}
}

// differ returns the message for a field, or the whole item when path is
// "", whose type differs.
func (m *matcher) differ(path string, d DType, dshape []int, t reflect.Type) error {
	if path == "" {
		return m.errorf(path, "items are %s in the file, not %v", fileString(d, dshape), t)
	}
	return m.errorf(path, "field %q is %s in the file but %v in %v", path, fileString(d, dshape), t, m.top)
}

// fileString describes a dtype with its sub-array shape.
func fileString(d DType, shape []int) string {
	if len(shape) == 0 {
		return d.String()
	}
	return strings.ReplaceAll(FormatShape(shape), " ", "") + d.String()
}

func (m *matcher) match(d DType, dshape []int, t reflect.Type, path string) error {
	g, gshape, err := fieldType(t)
	if err != nil {
		msg := "no dtype for Go type " + t.String()
		var de *detailError
		if errors.As(err, &de) {
			msg = de.detail
		}
		return &MismatchError{Type: m.top, Field: path, Msg: msg}
	}
	if d.Kind == Struct || g.Kind == Struct {
		if d.Kind != Struct || g.Kind != Struct || !slices.Equal(dshape, gshape) {
			return m.differ(path, d, dshape, t)
		}
		return m.matchStruct(d, g, t, path)
	}
	dk, dsize, dfull := elem(d, dshape)
	gk, gsize, gfull := elem(g, gshape)
	if dk != gk || dsize != gsize || !slices.Equal(dfull, gfull) {
		return m.differ(path, d, dshape, t)
	}
	if m.inPlace && d.Order == NativeOrder.opposite() {
		part := "items are"
		if path != "" {
			part = fmt.Sprintf("field %q is", path)
		}
		return m.errorf(path, "%s %s in the file, not in this machine's byte order, so %v cannot overlay them in place", part, fileString(d, dshape), m.top)
	}
	return nil
}

// elem reduces a dtype and shape to the kind and size of its smallest
// element and the full shape in such elements, so that S5 and [5]byte,
// U3 and [3]rune, or M8 and int64 compare equal.
func elem(d DType, shape []int) (Kind, int, []int) {
	full := slices.Clone(shape)
	switch d.Kind {
	case Bytes, Void:
		return Uint, 1, append(full, d.Size)
	case Unicode:
		return Int, 4, append(full, d.Size/4)
	case Datetime, Timedelta:
		return Int, 8, full
	}
	return d.Kind, d.Size, full
}

func (m *matcher) matchStruct(d, g DType, t reflect.Type, path string) error {
	for t.Kind() == reflect.Array {
		t = t.Elem()
	}
	for _, gf := range g.Fields {
		p := gf.Name
		if path != "" {
			p = path + "." + gf.Name
		}
		df, ok := d.fieldByName(gf.Name)
		if !ok {
			names := make([]string, 0, len(d.Fields))
			for _, f := range d.Fields {
				names = append(names, f.Name)
			}
			list := strings.Join(names, ", ")
			if len(list) > 200 {
				list = list[:197] + "..."
			}
			return m.errorf(p, "field %q of %v is not in the file, whose fields are: %s", p, m.top, list)
		}
		if df.Offset != gf.Offset {
			return m.errorf(p, "field %q is at byte %d in the file but %d in %v; %s", p, df.Offset, gf.Offset, m.top, packHint)
		}
		sf := fieldByNpyName(t, gf.Name)
		if err := m.match(df.Type, df.Shape, sf, p); err != nil {
			return err
		}
	}
	if d.Size != g.Size {
		in := fmt.Sprint(m.top)
		if path != "" {
			in = fmt.Sprintf("%v (field %q)", t, path)
		}
		return m.errorf(path, "records are %d bytes in the file but %v is %d; %s", d.Size, in, g.Size, packHint)
	}
	return nil
}

func (d DType) fieldByName(name string) (Field, bool) {
	for _, f := range d.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// npyName returns the record field name of a struct field, and false for
// fields TypeOf skips: unexported ones and those tagged `npy:"-"`.
func npyName(sf reflect.StructField) (string, bool) {
	if !sf.IsExported() {
		return "", false
	}
	tag, _, _ := strings.Cut(sf.Tag.Get("npy"), ",")
	switch tag {
	case "-":
		return "", false
	case "":
		return sf.Name, true
	}
	return tag, true
}

// fieldByNpyName returns the type of the field of struct t that TypeOf
// names name; t must have one.
func fieldByNpyName(t reflect.Type, name string) reflect.Type {
	for i := range t.NumField() {
		if n, ok := npyName(t.Field(i)); ok && n == name {
			return t.Field(i).Type
		}
	}
	panic("layout: internal error: no field " + name + " in " + t.String())
}
