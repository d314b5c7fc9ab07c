package header

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// Archive is the listing of an .npz file: a zip archive of .npy members.
type Archive struct {
	Members []*Member // in the order of the zip's central directory

	file *os.File // opened by OpenArchive, closed by Close; nil otherwise
}

// Member is one file in an .npz archive. It carries what it needs to read
// its bytes: see [Member.Open].
type Member struct {
	Name             string // as stored, e.g. "a.npy"
	Method           uint16 // zip.Store or zip.Deflate
	CompressedSize   int64
	UncompressedSize int64
	Offset           int64 // absolute offset of the member's (compressed) bytes in the archive

	// DataOffset is, for a stored .npy member, the absolute offset in the
	// archive of the array's first data byte, where the data can be mapped
	// in place (it is usually not aligned). It is 0 for deflated members,
	// whose data must be inflated first, and for members that are not
	// arrays.
	DataOffset int64

	// Header is the member's .npy header, or nil when the member's name
	// does not end in ".npy" (a raw byte member). Its DataOffset counts
	// from the start of the uncompressed member, as it does in a .npy
	// file, whether the member is stored or deflated.
	Header *Header

	file *zip.File
}

// ReadArchive lists the members of the .npz archive r of the given size and
// reads the header of every .npy member. It is NPY{}.ReadArchive.
func ReadArchive(r io.ReaderAt, size int64) (*Archive, error) {
	return NPY{}.ReadArchive(r, size)
}

// OpenArchive opens the .npz archive at path and lists it as [ReadArchive]
// does. The file stays open for [Member.Open] until [Archive.Close]. It is
// NPY{}.OpenArchive.
func OpenArchive(path string) (*Archive, error) {
	return NPY{}.OpenArchive(path)
}

// OpenArchive opens the .npz archive at path and lists it as
// [NPY.ReadArchive] does, with the limits of p. The file stays open for
// [Member.Open] until [Archive.Close]. Errors name the file.
func (p NPY) OpenArchive(path string) (*Archive, error) {
	f, size, err := openFile(path)
	if err != nil {
		return nil, err
	}
	a, err := p.ReadArchive(f, size)
	if err != nil {
		f.Close()
		return nil, inFile(path, err)
	}
	a.file = f
	return a, nil
}

// Close closes the file [OpenArchive] opened; members cannot be opened
// after it. For an archive listed by [ReadArchive] it does nothing: the
// caller owns the reader. Closing twice does nothing.
func (a *Archive) Close() error {
	if a.file == nil {
		return nil
	}
	err := a.file.Close()
	a.file = nil
	if err != nil {
		return fmt.Errorf("header: %w", err)
	}
	return nil
}

// ReadArchive lists the members of the .npz archive r of the given size,
// stored or deflated, zip64 or not, with or without data descriptors, and
// reads the header of every member whose name ends in ".npy" with the
// limits of p. Deflated members are inflated only as far as their header.
// r must stay readable for as long as members are opened.
//
// Malformed archives and members give a [*FormatError].
func (p NPY) ReadArchive(r io.ReaderAt, size int64) (*Archive, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrAlgorithm) {
			return nil, &FormatError{Offset: 0, Msg: "not a valid .npz (zip) archive: " + reason(err), Err: err}
		}
		return nil, readErr("reading the zip directory", err)
	}
	a := &Archive{Members: make([]*Member, 0, len(zr.File))}
	for _, f := range zr.File {
		m, err := p.member(r, size, f)
		if err != nil {
			return nil, err
		}
		a.Members = append(a.Members, m)
	}
	return a, nil
}

func (p NPY) member(r io.ReaderAt, size int64, f *zip.File) (*Member, error) {
	off, err := f.DataOffset()
	if err != nil {
		return nil, &FormatError{Msg: fmt.Sprintf("member %q: bad local header: %s", f.Name, reason(err)), Err: err}
	}
	m := &Member{
		Name:             f.Name,
		Method:           f.Method,
		CompressedSize:   int64(f.CompressedSize64),
		UncompressedSize: int64(f.UncompressedSize64),
		Offset:           off,
		file:             f,
	}
	if m.CompressedSize < 0 || m.UncompressedSize < 0 || m.CompressedSize > size-off {
		return nil, formatErr(off, "member %q: %d bytes run past the end of the %d-byte archive", f.Name, f.CompressedSize64, size)
	}
	if f.Flags&1 != 0 {
		return nil, formatErr(off, "member %q is encrypted", f.Name)
	}
	switch m.Method {
	case zip.Store:
		if m.CompressedSize != m.UncompressedSize {
			return nil, formatErr(off, "stored member %q is %d bytes compressed but %d uncompressed", f.Name, m.CompressedSize, m.UncompressedSize)
		}
	case zip.Deflate:
	default:
		return nil, formatErr(off, "member %q uses compression method %d (want %d, stored, or %d, deflated)", f.Name, m.Method, zip.Store, zip.Deflate)
	}
	if !strings.HasSuffix(m.Name, ".npy") {
		return m, nil
	}

	if m.Method == zip.Store {
		h, err := p.Describe(io.NewSectionReader(r, off, m.CompressedSize), m.CompressedSize)
		if err != nil {
			return nil, inMember(m.Name, off, err)
		}
		m.Header, m.DataOffset = h, off+h.DataOffset
		return m, nil
	}
	// Inflate only as far as the header reader asks, which its length cap
	// bounds. A failure of the compressed stream is the error, whatever
	// the header reader made of the bytes it got.
	rc, err := f.Open()
	if err != nil {
		return nil, &FormatError{Offset: off, Msg: fmt.Sprintf("member %q: %s", m.Name, reason(err)), Err: err}
	}
	defer rc.Close()
	var streamErr error
	s := &forward{r: rc, wrap: func(err error) error {
		streamErr = memberReadErr(m, err)
		return streamErr
	}}
	h, err := p.Describe(s, m.UncompressedSize)
	switch {
	case streamErr != nil:
		return nil, streamErr
	case err != nil:
		return nil, inMember(m.Name+" (inflated)", 0, err)
	}
	m.Header = h
	return m, nil
}

// Lookup returns the member named key, or key+".npy", as np.load's NpzFile
// finds "a" and "a.npy" alike.
func (a *Archive) Lookup(key string) (*Member, bool) {
	for _, m := range a.Members {
		if m.Name == key {
			return m, true
		}
	}
	for _, m := range a.Members {
		if m.Name == key+".npy" {
			return m, true
		}
	}
	return nil, false
}

// Open returns a reader of the member's uncompressed bytes, inflating a
// deflated member, from the archive it was listed from, which must still
// be open. Reading to the end verifies the member's size and CRC-32, as
// [zip.File.Open] does; a mismatch, or corrupt deflated data, is a
// [*FormatError] wrapping archive/zip's or compress/flate's error.
func (m *Member) Open() (io.ReadCloser, error) {
	rc, err := m.file.Open()
	if err != nil {
		return nil, memberReadErr(m, err)
	}
	return &memberReader{rc: rc, m: m}, nil
}

// memberReader turns the errors of a member's bytes into this package's.
type memberReader struct {
	rc io.ReadCloser
	m  *Member
}

func (r *memberReader) Read(p []byte) (int, error) {
	n, err := r.rc.Read(p)
	if err != nil && err != io.EOF {
		err = memberReadErr(r.m, err)
	}
	return n, err
}

func (r *memberReader) Close() error { return r.rc.Close() }

// memberReadErr reports a failure reading the bytes of member m: a
// *FormatError for what the archive got wrong, else the I/O error.
func memberReadErr(m *Member, err error) error {
	var ce flate.CorruptInputError
	if errors.As(err, &ce) || errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrFormat) ||
		errors.Is(err, zip.ErrAlgorithm) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &FormatError{Offset: m.Offset, Msg: fmt.Sprintf("member %q: %s", m.Name, reason(err)), Err: err}
	}
	return &causeError{what: fmt.Sprintf("member %q: reading", m.Name), off: -1, err: err}
}
