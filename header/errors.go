package header

import (
	"errors"
	"fmt"
)

// ErrFormat is the error every [*FormatError] unwraps to: the input is not a
// well-formed .npy file, .npz archive or described raw file.
var ErrFormat = errors.New("header: malformed input")

// ErrVersion is returned by [Encode] and [Write] when the header cannot be
// written in the version asked for.
var ErrVersion = errors.New("header: version cannot hold this header")

// FormatError reports malformed input and where in the file it was found.
type FormatError struct {
	Offset int64  // byte offset in the file (for .npz members: in the archive when known)
	Msg    string // what was wrong
	Err    error  // the underlying cause, or nil
}

// Error returns "header: <Msg> at byte <Offset>".
func (e *FormatError) Error() string {
	s := fmt.Sprintf("header: %s at byte %d", e.Msg, e.Offset)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns [ErrFormat], and the underlying cause when there is one, so
// that both errors.Is(err, ErrFormat) and errors.As on the cause work.
func (e *FormatError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrFormat, e.Err}
	}
	return []error{ErrFormat}
}

func formatErr(off int64, format string, args ...any) *FormatError {
	return &FormatError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}
