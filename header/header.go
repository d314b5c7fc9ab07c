package header

import (
	"fmt"
	"io"
	"os"

	"github.com/ndmap/ndmap/internal/osfile"
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
	DataOffset   int64        // offset of the first data byte: in the file, or for an .npz member in the uncompressed member
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

// DescribeFile opens the file at path, finds its array with d and closes
// it, as [NPY.Describe] and the other Describers do given the open file
// and its size. Errors name the file: a [*FormatError] has Path set, and
// errors opening it wrap the [*fs.PathError], as do those for a path that
// names a directory.
func DescribeFile(path string, d Describer) (*Header, error) {
	f, size, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h, err := d.Describe(f, size)
	if err != nil {
		return nil, inFile(path, err)
	}
	return h, nil
}

// ReadFileWith opens the file at path, calls read with it and its size, and
// closes it: the path-based form of a format's Read(r, size), as
// [DescribeFile] is of a Describer. Errors name the file as DescribeFile's
// do.
func ReadFileWith[H any](path string, read func(r io.ReaderAt, size int64) (H, error)) (H, error) {
	var zero H
	f, size, err := openFile(path)
	if err != nil {
		return zero, err
	}
	defer f.Close()
	h, err := read(f, size)
	if err != nil {
		return zero, inFile(path, err)
	}
	return h, nil
}

// openFile opens the file at path for reading and returns its size. What
// is not a regular file or a block device (a named pipe, which would block,
// a directory, a character device) is refused before it is read.
func openFile(path string) (*os.File, int64, error) {
	f, err := osfile.Open(path, os.O_RDONLY)
	if err != nil {
		return nil, 0, fmt.Errorf("header: %w", err)
	}
	size, err := osfile.Size(f)
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("header: %w", err)
	}
	return f, size, nil
}
