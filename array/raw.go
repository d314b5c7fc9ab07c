package array

import (
	"fmt"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// withType returns d with T's dtype where d is a [header.Raw] or
// [header.Record] that leaves its DType zero, in the byte order its Order
// gives when that is set.
func withType[T Element](d header.Describer) header.Describer {
	fill := func(x layout.DType) layout.DType {
		if x.Kind != layout.Invalid {
			return x
		}
		dt := mustDType[T]()
		if x.Order != 0 && dt.Order != layout.NotApplicable {
			dt.Order = x.Order
		}
		return dt
	}
	switch r := deref(d).(type) {
	case header.Raw:
		r.DType = fill(r.DType)
		return r
	case header.Record:
		r.DType = fill(r.DType)
		return r
	}
	return d
}

// deref returns the Raw or Record a pointer in d points to, so that both
// forms are checked alike.
func deref(d header.Describer) header.Describer {
	switch r := d.(type) {
	case *header.Raw:
		if r != nil {
			return *r
		}
	case *header.Record:
		if r != nil {
			return *r
		}
	}
	return d
}

// mustDType returns T's dtype, which every Element has.
func mustDType[T Element]() layout.DType {
	dt, err := layout.For[T]()
	if err != nil {
		panic("array: " + err.Error())
	}
	return dt
}

// checkDescription returns an error naming the field of a raw description
// that cannot be right, where Describe would panic, and the error for data
// that is not a whole number of rows, which Describe would call items. A
// size below zero skips the checks against the file's size (a file about
// to be created).
func checkDescription(path string, d header.Describer, size int64) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("array: %s: "+format, append([]any{path}, args...)...)
	}
	switch r := deref(d).(type) {
	case header.Raw:
		if r.DType.Kind == layout.Invalid {
			return bad("header.Raw.DType is not set")
		}
		if r.Offset < 0 {
			return bad("header.Raw.Offset is %d; it must not be negative", r.Offset)
		}
		free := -1
		for i, n := range r.Shape {
			switch {
			case n == -1 && free >= 0:
				return bad("header.Raw.Shape %v has more than one -1", r.Shape)
			case n == -1:
				free = i
			case n < -1:
				return bad("header.Raw.Shape %v has a negative dimension", r.Shape)
			}
		}
		if r.Shape == nil {
			free = 0
		}
		if free < 0 {
			return nil
		}
		rest := append(append([]int{}, r.Shape[:free]...), r.Shape[min(free+1, len(r.Shape)):]...)
		block, err := layout.ByteSize(rest, r.DType.Size)
		if err != nil {
			return &detailError{msg: fmt.Sprintf("array: %s: header.Raw.Shape %v of %s is too large", path, r.Shape, r.DType), errs: []error{err}}
		}
		if block == 0 {
			return bad("header.Raw.Shape %v has -1, but the other dimensions and the %d-byte dtype hold no bytes to divide by", r.Shape, r.DType.Size)
		}
		if size < 0 || r.Offset > size {
			return nil // Describe says the offset is past the end
		}
		if have := size - r.Offset; have%block != 0 {
			unit := "rows"
			if free > 0 {
				unit = fmt.Sprintf("slices along axis %d", free)
			}
			return bad("the %d bytes after offset %d are not a whole number of %d-byte %s (header.Raw.Shape %v of %s)", have, r.Offset, block, unit, r.Shape, r.DType)
		}
	case header.Record:
		if r.DType.Kind == layout.Invalid {
			return bad("header.Record.DType is not set")
		}
		if r.Header.Kind != layout.Struct {
			return bad("header.Record.Header is %s, not a record dtype", r.Header)
		}
		if r.DataOffset < 0 {
			return bad("header.Record.DataOffset is %d; it must not be negative", r.DataOffset)
		}
		for i, name := range r.Shape {
			fd, ok := r.Header.Field(name)
			switch {
			case !ok:
				return bad("header.Record.Shape[%d]: no field %q in %s", i, name, r.Header)
			case fd.Type.Kind != layout.Int && fd.Type.Kind != layout.Uint && fd.Type.Kind != layout.Float:
				return bad("header.Record.Shape[%d]: field %q is %s, not a number", i, name, fd.Type)
			case len(fd.Shape) > 0 || fd.Type.Size > 8:
				return bad("header.Record.Shape[%d]: field %q is not a scalar of at most 8 bytes", i, name)
			}
		}
	}
	return nil
}
