package header

import (
	"fmt"
	"io"

	"github.com/ndmap/ndmap/layout"
)

// Version is an .npy format version: 1.0, 2.0 or 3.0. The zero Version
// stands for "none" (raw files) or, given to [Encode], for "NumPy's choice".
type Version struct {
	Major, Minor byte
}

// The .npy format versions NumPy writes and this package reads.
var (
	V1 = Version{1, 0} // header length in 2 bytes, latin1 text
	V2 = Version{2, 0} // header length in 4 bytes, latin1 text
	V3 = Version{3, 0} // header length in 4 bytes, UTF-8 text
)

// String returns the version as "major.minor".
func (v Version) String() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// IsZero reports whether v is the zero Version.
func (v Version) IsZero() bool { return v == Version{} }

// Header says what an array in a file is and where its data starts.
type Header struct {
	Version      Version      // zero for raw files
	DType        layout.DType // the type of one item
	Shape        []int        // nil or empty for a 0-d array of one item
	FortranOrder bool         // items are stored column-major
	DataOffset   int64        // absolute offset of the first data byte in the file
}

// Count returns the number of items the shape holds: the product of Shape,
// 1 for a 0-d array. It returns -1 if the product overflows int64 or a
// dimension is negative, which never happens for a Header this package
// returned.
func (h *Header) Count() int64 {
	n, err := layout.Count(h.Shape)
	if err != nil {
		return -1
	}
	return n
}

// DataSize returns the number of data bytes the header describes: Count
// times the item size. It returns -1 on overflow, which never happens for a
// Header this package returned.
func (h *Header) DataSize() int64 {
	n, err := layout.ByteSize(h.Shape, h.DType.Size)
	if err != nil {
		return -1
	}
	return n
}

// A Describer finds the array in a file of the given size: its type, shape,
// order and where its data starts. [NPY], [Raw] and [Record] are Describers.
type Describer interface {
	Describe(r io.ReaderAt, size int64) (*Header, error)
}

// readFull reads exactly len(p) bytes at off, turning a short read into
// io.ErrUnexpectedEOF.
func readFull(r io.ReaderAt, p []byte, off int64) error {
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// shapeString formats a shape as Python does a tuple: (), (3,), (2, 3).
func shapeString(shape []int) string {
	b := []byte{'('}
	for i, d := range shape {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = fmt.Appendf(b, "%d", d)
	}
	if len(shape) == 1 {
		b = append(b, ',')
	}
	return string(append(b, ')'))
}
