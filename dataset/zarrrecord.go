package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ndmap/ndmap/internal/pylit"
	"github.com/ndmap/ndmap/layout"
)

// A record dtype in a .zarray is NumPy's descr with lists for tuples, as
// zarr-python 2 writes it: a list of [name, type] or [name, type, shape]
// entries, where name is a string or [title, name], type a type string or,
// for a nested record, another such list, and shape a list of lengths.
// Padding is an entry of an empty name and a void type, ["", "|V4"];
// zarr-python reads it back as a void field it names f1, f2, ..., whose
// bytes are the same. The descr parser of package layout reads the list
// once it is written as the Python literal it mirrors.

// maxRecordDepth bounds how deeply records nest in a .zarray: as deep as a
// Python literal may.
const maxRecordDepth = pylit.MaxDepth / 2

// parseRecordDType reads the record dtype raw, a JSON list. Errors for JSON
// that is not a descr wrap [ErrFormat]; a descr whose types this module
// cannot read gives an error wrapping [errors.ErrUnsupported].
func parseRecordDType(path string, raw json.RawMessage) (layout.DType, error) {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return layout.DType{}, fmt.Errorf("%w: %s: dtype %s: %v", ErrFormat, path, raw, err)
	}
	var b strings.Builder
	if err := appendRecord(&b, v, 0); err != nil {
		return layout.DType{}, fmt.Errorf("%w: %s: record dtype %s: %v", ErrFormat, path, raw, err)
	}
	dt, err := layout.ParseDescr(b.String())
	if err != nil {
		return layout.DType{}, fmt.Errorf("dataset: %s: record dtype %s: %w", path, raw, errors.Join(errors.ErrUnsupported, err))
	}
	return dt, nil
}

// appendRecord writes the record dtype v, decoded from JSON, to b as a
// Python literal.
func appendRecord(b *strings.Builder, v any, depth int) error {
	if depth > maxRecordDepth {
		return errors.New("records nested too deeply")
	}
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return errors.New("not a list of fields")
	}
	b.WriteByte('[')
	for i, f := range list {
		entry, ok := f.([]any)
		if !ok || len(entry) < 2 || len(entry) > 3 {
			return fmt.Errorf("field %d is not [name, type] or [name, type, shape]", i)
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		switch name := entry[0].(type) {
		case string:
			b.WriteString(pylit.Quote(name))
		case []any:
			title, ok1 := pairAt(name, 0)
			n, ok2 := pairAt(name, 1)
			if !ok1 || !ok2 || len(name) != 2 {
				return fmt.Errorf("field %d: name is not a string or [title, name]", i)
			}
			b.WriteString("(" + pylit.Quote(title) + ", " + pylit.Quote(n) + ")")
		default:
			return fmt.Errorf("field %d: name is not a string or [title, name]", i)
		}
		b.WriteString(", ")
		switch t := entry[1].(type) {
		case string:
			b.WriteString(pylit.Quote(t))
		case []any:
			if err := appendRecord(b, t, depth+1); err != nil {
				return err
			}
		default:
			return fmt.Errorf("field %d: type is not a string or a list", i)
		}
		if len(entry) == 3 {
			shape, ok := entry[2].([]any)
			if !ok {
				return fmt.Errorf("field %d: shape is not a list", i)
			}
			b.WriteString(", (")
			for k, d := range shape {
				n, ok := d.(json.Number)
				if !ok || strings.ContainsAny(string(n), ".eE") {
					return fmt.Errorf("field %d: shape %v is not a list of integers", i, shape)
				}
				b.WriteString(string(n) + ",")
				if k < len(shape)-1 {
					b.WriteByte(' ')
				}
			}
			b.WriteByte(')')
		}
		b.WriteByte(')')
	}
	b.WriteByte(']')
	return nil
}

// pairAt returns the string at index i of p, if there is one.
func pairAt(p []any, i int) (string, bool) {
	if i >= len(p) {
		return "", false
	}
	s, ok := p[i].(string)
	return s, ok
}

// zarrDType returns dt as a .zarray gives it: its type string, or for a
// record its descr as a JSON list. Records whose fields overlap or are out
// of order have no descr, and give an error wrapping
// [errors.ErrUnsupported].
func zarrDType(dt layout.DType) (any, error) {
	if dt.Kind != layout.Struct {
		return dt.TypeString(), nil
	}
	d, err := dt.Descr()
	if err != nil {
		return nil, fmt.Errorf("dataset: record dtype %s: %w", dt, errors.Join(errors.ErrUnsupported, err))
	}
	v, err := pylit.Parse(d)
	if err != nil {
		return nil, fmt.Errorf("dataset: descr %s: %w", d, err)
	}
	return literalJSON(v), nil
}

// literalJSON returns the strings, integers, tuples and lists of a descr
// as JSON values, tuples as lists.
func literalJSON(v pylit.Value) any {
	switch v.Kind {
	case pylit.String:
		return v.Str
	case pylit.Int:
		return json.Number(v.Text)
	case pylit.Tuple, pylit.List:
		out := make([]any, len(v.Items))
		for i, it := range v.Items {
			out[i] = literalJSON(it)
		}
		return out
	}
	return nil
}
