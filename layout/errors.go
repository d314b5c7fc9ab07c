package layout

import (
	"errors"
	"fmt"
	"reflect"
)

// Errors returned by this package, compared with [errors.Is].
var (
	// ErrDescr is wrapped by every error about a descr or type string
	// that is malformed or describes an invalid type.
	ErrDescr = errors.New("layout: invalid dtype")
	// ErrUnsupported is wrapped by errors about types NumPy has but this
	// package refuses: objects ('O'), platform long doubles ('g', 'f16',
	// 'c32'), sizes that depend on the platform ('l', 'int'), and Go types
	// with no fixed-size dtype (strings, pointers, slices, maps, ...).
	ErrUnsupported = errors.New("layout: unsupported dtype")
	// ErrOverflow is wrapped by errors about sizes that do not fit.
	ErrOverflow = errors.New("layout: size overflows")
	// ErrShape is wrapped by errors about shapes with negative entries.
	ErrShape = errors.New("layout: invalid shape")
	// ErrMismatch is wrapped by errors saying a Go type cannot read or
	// overlay a dtype's items.
	ErrMismatch = errors.New("layout: Go type does not match dtype")
)

// DescrError reports a descr or type string that cannot be parsed or that
// describes a type this package refuses.
type DescrError struct {
	Descr string // the text parsed
	Pos   int    // byte offset in Descr of the problem
	Msg   string // what was wrong

	unsupported bool
	overflow    bool
}

// Error returns the message, which quotes at most 60 bytes of the descr.
func (e *DescrError) Error() string {
	d := e.Descr
	if len(d) > 60 {
		d = d[:57] + "..."
	}
	return fmt.Sprintf("layout: %s at byte %d of descr %q", e.Msg, e.Pos, d)
}

// Unwrap returns ErrUnsupported for a type that is known but refused,
// ErrOverflow for sizes that do not fit, and ErrDescr otherwise.
func (e *DescrError) Unwrap() error {
	switch {
	case e.unsupported:
		return ErrUnsupported
	case e.overflow:
		return ErrOverflow
	}
	return ErrDescr
}

// MismatchError reports why a Go type cannot read, or overlay, the items
// of a dtype.
type MismatchError struct {
	Type  reflect.Type // the Go type
	Field string       // dotted path of the field that differs; "" for the item as a whole
	Msg   string       // the reason, naming the field and the type
}

// Error returns "layout: " followed by Msg.
func (e *MismatchError) Error() string { return "layout: " + e.Msg }

// Unwrap returns ErrMismatch.
func (e *MismatchError) Unwrap() error { return ErrMismatch }

// detailError is an error of this package that wraps one of its sentinels
// (ErrDescr, ErrUnsupported, ErrOverflow, ErrShape): the sentinel's text,
// then the detail. Code that adds context puts it in the detail, so that
// the message keeps one "layout: " prefix.
type detailError struct {
	kind   error
	detail string
}

func (e *detailError) Error() string { return e.kind.Error() + ": " + e.detail }
func (e *detailError) Unwrap() error { return e.kind }

// errorf returns a *detailError wrapping kind.
func errorf(kind error, format string, args ...any) error {
	return &detailError{kind: kind, detail: fmt.Sprintf(format, args...)}
}

// within puts ctx before the detail of an error of this package.
func within(ctx string, err error) error {
	var de *detailError
	if errors.As(err, &de) {
		return &detailError{kind: de.kind, detail: ctx + ": " + de.detail}
	}
	return err
}
