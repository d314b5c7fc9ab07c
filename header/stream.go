package header

import (
	"bytes"
	"errors"
	"io"
	"math"
)

// ReadStream reads a .npy header from the start of r, a stream read forward
// only, and returns it with a reader of what follows the header: the
// array's data, then whatever else r holds. It reads no more of r than the
// header needs, within the [NPY.MaxHeaderLen] cap. The data's size cannot
// be checked against a stream's: a reader of the data must expect it to end
// early.
func (p NPY) ReadStream(r io.Reader) (*Header, io.Reader, error) {
	s := &forward{r: r}
	h, err := p.Describe(s, math.MaxInt64)
	if err != nil {
		var fe *FormatError
		if !errors.As(err, &fe) && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)) {
			// A file's size tells a short header from a failed read; a
			// stream's end is the only sign.
			return nil, nil, &FormatError{Offset: int64(len(s.buf)), Msg: "stream ends inside the .npy header", Err: err}
		}
		return nil, nil, err
	}
	rest := r
	if h.DataOffset < int64(len(s.buf)) {
		rest = io.MultiReader(bytes.NewReader(s.buf[h.DataOffset:]), r)
	}
	return h, rest, nil
}

// ReadStream reads a .npy header from a stream with the default cap on its
// length; see [NPY.ReadStream].
func ReadStream(r io.Reader) (*Header, io.Reader, error) {
	return NPY{}.ReadStream(r)
}

// forward serves ReadAt calls from a stream read forward only, keeping all
// it has read: enough for a header reader, which asks for a few bytes at a
// time and caps the header length before it asks for more. A read error
// other than the end of the stream is returned through wrap, when set.
type forward struct {
	r    io.Reader
	buf  []byte
	err  error // the stream ended or failed: read no more of it
	wrap func(error) error
}

func (s *forward) ReadAt(p []byte, off int64) (int, error) {
	if end := off + int64(len(p)); end > int64(len(s.buf)) && s.err == nil {
		grow := make([]byte, end-int64(len(s.buf)))
		n, err := io.ReadFull(s.r, grow)
		s.buf = append(s.buf, grow[:n]...)
		if err != nil {
			s.err = err
			if err != io.EOF && err != io.ErrUnexpectedEOF {
				if s.wrap != nil {
					err = s.wrap(err)
				}
				return 0, err
			}
		}
	}
	if off >= int64(len(s.buf)) {
		return 0, io.EOF
	}
	n := copy(p, s.buf[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
