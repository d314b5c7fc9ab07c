package header

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"strings"
	"sync/atomic"
)

// Archive is the listing of an .npz file: a zip archive of .npy members.
type Archive struct {
	// Members are the archive's files in the order of the zip's central
	// directory, each name once: where names repeat, only the last file
	// of each name is listed, in its own place, as np.load reads the last.
	// A member that cannot be read is listed too, with its Err set.
	Members []*Member

	file *os.File // opened by OpenArchive, closed by Close; nil otherwise
	src  *archiveSource
}

// Member is one file in an .npz archive. It carries what it needs to read
// its bytes: see [Member.Open].
type Member struct {
	Name             string // as stored, e.g. "a.npy" or "dir/x.npy"
	Method           uint16 // zip.Store or zip.Deflate (another method sets Err)
	CompressedSize   int64
	UncompressedSize int64
	CRC32            uint32 // the CRC-32 of the uncompressed bytes, as the central directory gives it
	Offset           int64  // absolute offset of the member's (compressed) bytes in the archive; 0 if its local header is unreadable

	// DataOffset is, for a stored .npy member, the absolute offset in the
	// archive of the array's first data byte, where the data can be mapped
	// in place (it is usually not aligned). It is 0 for deflated members,
	// whose data must be inflated first, and for members that are not
	// arrays or cannot be read.
	DataOffset int64

	// Header is the member's .npy header, or nil when the member's name
	// does not end in ".npy" (a raw byte member) or Err is set. Its
	// DataOffset counts from the start of the uncompressed member, as it
	// does in a .npy file, whether the member is stored or deflated.
	Header *Header

	// Err says why the member cannot be read, or is nil. The other
	// members of the archive are unaffected, as they are for np.load,
	// which fails only when such a member is asked for. Err wraps
	// layout.ErrUnsupported for a dtype that cannot be mapped (an object
	// array, a long double), [ErrTooLong] for a header longer than the
	// cap, and errors.ErrUnsupported for a member encrypted or compressed
	// by a method other than store and deflate: these members are
	// refused, not damaged. Any other Err is a [*FormatError]: the member
	// is malformed.
	Err error

	src      *archiveSource
	bytesErr error // Err, when it keeps the member's bytes from being read
}

// archiveSource is the archive the members of a listing read from.
type archiveSource struct {
	r      io.ReaderAt
	path   string      // the archive's path, when OpenArchive opened it
	closed atomic.Bool // by Archive.Close
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
// [Member.Open] until [Archive.Close]. Errors name the file, the
// [Member.Err] of each member too.
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
	for _, m := range a.Members {
		if m.Err != nil {
			e := inFile(path, m.Err)
			if m.bytesErr == m.Err {
				m.bytesErr = e
			}
			m.Err = e
		}
	}
	a.file, a.src.path = f, path
	return a, nil
}

// Close closes the file [OpenArchive] opened; members cannot be opened
// after it. For an archive listed by [ReadArchive] it does nothing: the
// caller owns the reader. Closing twice does nothing.
func (a *Archive) Close() error {
	if a.file == nil {
		return nil
	}
	a.src.closed.Store(true)
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
// An archive whose zip directory cannot be read gives a [*FormatError]. A
// member that cannot be read does not make the archive unreadable: it is
// listed with its [Member.Err] set, and the others can be read.
func (p NPY) ReadArchive(r io.ReaderAt, size int64) (*Archive, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrAlgorithm) {
			return nil, &FormatError{Offset: 0, Msg: "not a valid .npz (zip) archive: " + reason(err), Err: err}
		}
		return nil, readErr("reading the zip directory", err)
	}
	// np.load finds a member through Python's zipfile, whose table of
	// names keeps the last file of each name.
	last := make(map[string]int, len(zr.File))
	for i, f := range zr.File {
		last[f.Name] = i
	}
	a := &Archive{Members: make([]*Member, 0, len(last)), src: &archiveSource{r: r}}
	for i, f := range zr.File {
		if last[f.Name] == i {
			a.Members = append(a.Members, p.member(a.src, size, f))
		}
	}
	return a, nil
}

// member lists the file f of the archive src of the given size, with Err
// set if it cannot be read.
func (p NPY) member(src *archiveSource, size int64, f *zip.File) *Member {
	m := &Member{
		Name:             f.Name,
		Method:           f.Method,
		CompressedSize:   int64(f.CompressedSize64),
		UncompressedSize: int64(f.UncompressedSize64),
		CRC32:            f.CRC32,
		src:              src,
	}
	off, err := f.DataOffset()
	if err != nil {
		m.Err = &FormatError{Msg: fmt.Sprintf("member %q: bad local header: %s", f.Name, reason(err)), Err: err}
		m.bytesErr = m.Err
		return m
	}
	m.Offset = off
	switch {
	case m.CompressedSize < 0 || m.UncompressedSize < 0 || m.CompressedSize > size-off:
		m.Err = formatErr(off, "member %q: %d bytes run past the end of the %d-byte archive", f.Name, f.CompressedSize64, size)
	case f.Flags&1 != 0:
		m.Err = &causeError{what: fmt.Sprintf("member %q", f.Name), off: off, err: errEncrypted}
	case m.Method == zip.Store && m.CompressedSize != m.UncompressedSize:
		m.Err = formatErr(off, "stored member %q is %d bytes compressed but %d uncompressed", f.Name, m.CompressedSize, m.UncompressedSize)
	case m.Method != zip.Store && m.Method != zip.Deflate:
		m.Err = &causeError{what: fmt.Sprintf("member %q", f.Name), off: off, err: methodError(m.Method)}
	}
	m.bytesErr = m.Err
	if m.Err != nil || !strings.HasSuffix(m.Name, ".npy") {
		return m
	}

	if m.Method == zip.Store {
		h, err := p.Describe(io.NewSectionReader(src.r, off, m.CompressedSize), m.CompressedSize)
		if err != nil {
			m.Err = inMember(m.Name, off, err)
			return m
		}
		m.Header, m.DataOffset = h, off+h.DataOffset
		return m
	}
	// Inflate only as far as the header reader asks, which its length cap
	// bounds. A failure of the compressed stream is the error, whatever
	// the header reader made of the bytes it got.
	rc, _ := m.Open()
	defer rc.Close()
	var streamErr error
	s := &forward{r: rc, wrap: func(err error) error {
		streamErr = err
		return err
	}}
	h, err := p.Describe(s, m.UncompressedSize)
	switch {
	case streamErr != nil:
		m.Err = streamErr
	case err != nil:
		m.Err = inMember(m.Name+" (inflated)", 0, err)
	default:
		m.Header = h
	}
	return m
}

// errEncrypted is the cause of the Err of an encrypted member.
var errEncrypted = fmt.Errorf("is encrypted, which this package does not read: %w", errors.ErrUnsupported)

// methodError is the cause of the Err of a member compressed by method.
type methodError uint16

func (e methodError) Error() string {
	return fmt.Sprintf("uses compression method %d; this package reads %d, stored, and %d, deflated", uint16(e), zip.Store, zip.Deflate)
}

func (e methodError) Unwrap() error { return errors.ErrUnsupported }

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
// Python's zipfile does for np.load: a mismatch, or corrupt deflated data,
// is a [*FormatError] (wrapping [ErrChecksum] for a wrong checksum). The
// bytes of a member whose .npy header is refused can be read; Open returns
// the member's Err itself when it is about the bytes (an encrypted member,
// one past the end of the archive).
func (m *Member) Open() (io.ReadCloser, error) {
	if m.bytesErr != nil {
		return nil, m.bytesErr
	}
	if m.src.closed.Load() {
		return nil, fmt.Errorf("header: %smember %q: %w", inPath(m.src.path), m.Name, os.ErrClosed)
	}
	raw := io.NewSectionReader(m.src.r, m.Offset, m.CompressedSize)
	mr := &memberReader{m: m, crc: crc32.NewIEEE()}
	if m.Method == zip.Store {
		mr.src = raw
	} else {
		fr := flate.NewReader(raw)
		// One byte more than promised shows a member that is longer
		// than its directory says.
		mr.src, mr.closer = io.LimitReader(fr, m.UncompressedSize+1), fr
	}
	return mr, nil
}

// Verify reads the member's bytes to the end, inflating them if need be,
// and checks their size and CRC-32 against the archive's directory, as
// reading to the end of [Member.Open] does. A stored member that is mapped
// rather than read can be checked with [Member.VerifyBytes] instead.
func (m *Member) Verify() error {
	rc, err := m.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	buf := make([]byte, 1<<20)
	for {
		_, err := rc.Read(buf)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// VerifyBytes checks b, the member's whole uncompressed bytes (for a stored
// member, its bytes as they lie in the archive, mapped perhaps), against
// the size and CRC-32 the archive's directory gives. It returns a
// [*FormatError] wrapping [ErrChecksum] if they differ. Computing the
// CRC-32 runs at several gigabytes a second where the processor has
// instructions for it, as amd64 and arm64 have.
func (m *Member) VerifyBytes(b []byte) error {
	if int64(len(b)) != m.UncompressedSize {
		return m.inFile(formatErr(m.Offset, "member %q: %d bytes to check, but the member is %d", m.Name, len(b), m.UncompressedSize))
	}
	return m.checkCRC(crc32.ChecksumIEEE(b))
}

func (m *Member) checkCRC(sum uint32) error {
	if sum != m.CRC32 {
		return m.inFile(&FormatError{Offset: m.Offset, Msg: fmt.Sprintf("member %q: checksum mismatch: its bytes have CRC-32 %08x, the archive says %08x", m.Name, sum, m.CRC32), Err: ErrChecksum})
	}
	return nil
}

// inFile returns err with the archive's path in it, when it is known.
func (m *Member) inFile(err error) error {
	if m.src == nil || m.src.path == "" {
		return err
	}
	return inFile(m.src.path, err)
}

// memberReader reads a member's bytes, counting them and computing their
// CRC-32, and turns the failures of the compressed stream into this
// package's errors.
type memberReader struct {
	m      *Member
	src    io.Reader
	closer io.Closer // the inflater, or nil
	crc    hash.Hash32
	n      int64
	err    error // sticky
}

func (r *memberReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	n, err := r.src.Read(p)
	r.crc.Write(p[:n])
	r.n += int64(n)
	switch {
	case r.n > r.m.UncompressedSize:
		err = r.m.inFile(formatErr(r.m.Offset, "member %q inflates to more than the %d bytes the archive says", r.m.Name, r.m.UncompressedSize))
	case err == io.EOF && r.n < r.m.UncompressedSize:
		err = memberReadErr(r.m, io.ErrUnexpectedEOF)
	case err == io.EOF:
		if cerr := r.m.checkCRC(r.crc.Sum32()); cerr != nil {
			err = cerr
		}
	case err != nil:
		err = memberReadErr(r.m, err)
	}
	r.err = err
	return n, err
}

func (r *memberReader) Close() error {
	if r.closer != nil {
		return r.closer.Close()
	}
	return nil
}

// memberReadErr reports a failure reading the bytes of member m: a
// *FormatError for what the archive got wrong, else the I/O error.
func memberReadErr(m *Member, err error) error {
	var ce flate.CorruptInputError
	if errors.As(err, &ce) || errors.Is(err, zip.ErrFormat) || errors.Is(err, io.ErrUnexpectedEOF) {
		return m.inFile(&FormatError{Offset: m.Offset, Msg: fmt.Sprintf("member %q: %s", m.Name, reason(err)), Err: err})
	}
	return m.inFile(&causeError{what: fmt.Sprintf("member %q: reading", m.Name), off: -1, err: err})
}
