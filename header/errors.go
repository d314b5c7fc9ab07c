package header

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/ndmap/ndmap/layout"
)

// Errors returned by this package, compared with [errors.Is].
var (
	// ErrFormat is the error every [*FormatError] unwraps to: the input is
	// not a well-formed .npy file, .npz archive or described raw file.
	ErrFormat = errors.New("header: malformed input")
	// ErrVersion is returned by [Encode] and [Write] when the header cannot
	// be written in the version asked for.
	ErrVersion = errors.New("header: version cannot hold this header")
	// ErrNoRoom is wrapped by the error of [EncodeSize] when the header
	// needs more bytes than it is given.
	ErrNoRoom = errors.New("header: header does not fit in the bytes given")
	// ErrTooLong is wrapped by the [*FormatError] for a .npy header
	// longer than the cap [NPY.MaxHeaderLen] sets.
	ErrTooLong = errors.New("header: header longer than the limit")
	// ErrChecksum is wrapped by the [*FormatError] for an .npz member
	// whose bytes do not have the CRC-32 the archive's directory gives.
	ErrChecksum = errors.New("header: checksum mismatch")
	// ErrDescription is wrapped by the errors of [Raw.Validate] and
	// [Record.Validate]: the description itself is wrong, whatever the file.
	ErrDescription = errors.New("header: invalid description")
)

// FormatError reports malformed input and where in the file it was found.
type FormatError struct {
	Format string // the format subpackage that found it ("mrc", "fits"), or "" for this package
	Path   string // the file, when the error came through a function given its path
	Offset int64  // byte offset in the file (for .npz members: in the archive when known)
	Msg    string // what was wrong
	Err    error  // the underlying cause, or nil; Msg already says what it found
}

// Error returns "header: <Path>: <Msg> at byte <Offset>", without the path
// when it is not known, and with the Format's name in place of "header"
// when a format subpackage found the problem.
func (e *FormatError) Error() string {
	prefix := "header: "
	if e.Format != "" {
		prefix = e.Format + ": "
	}
	return prefix + inPath(e.Path) + e.Msg + " at byte " + strconv.FormatInt(e.Offset, 10)
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

func inPath(path string) string {
	if path == "" {
		return ""
	}
	return path + ": "
}

// causeError is an error of this package with a cause from elsewhere: a
// failed read, or a dtype the layout package refuses. Its message names
// what failed, where, and the cause, with one "header: " prefix however
// the cause is worded.
type causeError struct {
	path string // the file, when known
	what string // what failed: "reading the header", "member \"a.npy\": cannot map dtype '|O'"
	off  int64  // byte offset, or -1
	err  error
}

func (e *causeError) Error() string {
	s := "header: " + inPath(e.path) + e.what
	if e.off >= 0 {
		s += " at byte " + strconv.FormatInt(e.off, 10)
	}
	return s + ": " + reason(e.err)
}

func (e *causeError) Unwrap() error { return e.err }

// readErr reports a failed read of the input.
func readErr(what string, err error) error {
	switch err.(type) {
	case *FormatError, *causeError:
		// A reader that reports its own failures this package's way,
		// such as the inflating reader of an .npz member.
		return err
	}
	return &causeError{what: what, off: -1, err: err}
}

// reason says what err found, without the prefix of the package that made
// it when it is one this module or the standard library words that way.
func reason(err error) string {
	var de *layout.DescrError
	var ce flate.CorruptInputError
	switch {
	case errors.As(err, &de):
		return de.Msg
	case errors.As(err, &ce):
		return "corrupt deflated data at byte " + strconv.FormatInt(int64(ce), 10) + " of the member"
	case errors.Is(err, zip.ErrFormat):
		return "not a valid zip file"
	case errors.Is(err, zip.ErrChecksum):
		return "checksum mismatch"
	case errors.Is(err, zip.ErrAlgorithm):
		return "unsupported compression method"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "unexpected end of data"
	}
	return err.Error()
}

// inFile returns err, from reading the file at path, with the path in its
// message where it belongs to the file: a *FormatError, or an error with a
// cause. Other errors, which are about the description or already name the
// file (a *fs.PathError), are returned as they are.
func inFile(path string, err error) error {
	switch e := err.(type) {
	case *FormatError:
		if e.Path == "" {
			c := *e
			c.Path = path
			return &c
		}
		return e
	case *causeError:
		if e.path == "" {
			c := *e
			c.path = path
			return &c
		}
		return e
	}
	return err
}

// inMember returns err, from reading the member name of an archive, with
// the member named in its message and its offset moved by off.
func inMember(name string, off int64, err error) error {
	where := fmt.Sprintf("member %q: ", name)
	switch e := err.(type) {
	case *FormatError:
		c := *e
		c.Msg, c.Offset = where+e.Msg, e.Offset+off
		return &c
	case *causeError:
		c := *e
		c.what = where + e.what
		if c.off >= 0 {
			c.off += off
		}
		return &c
	}
	return &causeError{what: where + "reading", off: -1, err: err}
}

// descriptionError reports a [Raw] or [Record] that describes no file.
type descriptionError string

func (e descriptionError) Error() string { return "header: " + string(e) }
func (e descriptionError) Unwrap() error { return ErrDescription }

func descriptionErr(format string, args ...any) error {
	return descriptionError(fmt.Sprintf(format, args...))
}
