package header

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"strings"
)

// Archive is the listing of an .npz file: a zip archive of .npy members.
type Archive struct {
	Members []*Member // in the order of the zip's central directory
}

// Member is one file in an .npz archive.
type Member struct {
	Name             string // as stored, e.g. "a.npy"
	Method           uint16 // zip.Store or zip.Deflate
	CompressedSize   int64
	UncompressedSize int64
	Offset           int64 // absolute offset of the member's (compressed) bytes in the archive

	// Header is the member's .npy header, or nil when the member's name
	// does not end in ".npy" (a raw byte member). For stored members its
	// DataOffset is absolute in the archive, so the array can be mapped in
	// place (it is usually not aligned); for deflated members it is
	// relative to the start of the uncompressed member.
	Header *Header

	crc uint32
}

// ReadArchive lists the members of the .npz archive r of the given size and
// reads the header of every .npy member. It is NPY{}.ReadArchive.
func ReadArchive(r io.ReaderAt, size int64) (*Archive, error) {
	return NPY{}.ReadArchive(r, size)
}

// ReadArchive lists the members of the .npz archive r of the given size,
// stored or deflated, zip64 or not, with or without data descriptors, and
// reads the header of every member whose name ends in ".npy" with the
// limits of p. Deflated members are inflated only as far as their header.
//
// Malformed archives and members give a [*FormatError].
func (p NPY) ReadArchive(r io.ReaderAt, size int64) (*Archive, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrAlgorithm) {
			return nil, &FormatError{Offset: 0, Msg: "not a valid .npz (zip) archive", Err: err}
		}
		return nil, fmt.Errorf("header: reading the zip directory: %w", err)
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
		return nil, &FormatError{Msg: fmt.Sprintf("member %q: bad local header", f.Name), Err: err}
	}
	m := &Member{
		Name:             f.Name,
		Method:           f.Method,
		CompressedSize:   int64(f.CompressedSize64),
		UncompressedSize: int64(f.UncompressedSize64),
		Offset:           off,
		crc:              f.CRC32,
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
		return nil, formatErr(off, "member %q uses compression method %d (want 0, stored, or 8, deflated)", f.Name, m.Method)
	}
	if !strings.HasSuffix(m.Name, ".npy") {
		return m, nil
	}

	sec := io.NewSectionReader(r, off, m.CompressedSize)
	if m.Method == zip.Store {
		h, err := p.Describe(sec, m.CompressedSize)
		if err != nil {
			return nil, memberErr(m.Name, off, err)
		}
		h.DataOffset += off
		m.Header = h
		return m, nil
	}
	// Inflate only as far as the header reader asks, which its length
	// cap bounds.
	fr := flate.NewReader(sec)
	defer fr.Close()
	s := &forward{r: fr, wrap: func(err error) error {
		return &FormatError{Offset: off, Msg: fmt.Sprintf("member %q: bad compressed data", m.Name), Err: err}
	}}
	h, err := p.Describe(s, m.UncompressedSize)
	if err != nil {
		return nil, memberErr(m.Name+" (inflated)", 0, err)
	}
	m.Header = h
	return m, nil
}

// memberErr names the member in a format error and moves its offset by off.
func memberErr(name string, off int64, err error) error {
	var fe *FormatError
	if errors.As(err, &fe) && !strings.HasPrefix(fe.Msg, "member ") {
		return &FormatError{Offset: fe.Offset + off, Msg: fmt.Sprintf("member %q: %s", name, fe.Msg), Err: fe.Err}
	}
	return fmt.Errorf("header: member %q: %w", name, err)
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

// Open returns the member's uncompressed bytes, read from r, the archive the
// member was listed from. The checksum and size are verified when the
// reader reaches the end, where a mismatch is a [*FormatError].
func (m *Member) Open(r io.ReaderAt) (io.ReadCloser, error) {
	sec := io.NewSectionReader(r, m.Offset, m.CompressedSize)
	var rc io.ReadCloser
	switch m.Method {
	case zip.Store:
		rc = io.NopCloser(sec)
	case zip.Deflate:
		rc = flate.NewReader(sec)
	default:
		return nil, fmt.Errorf("header: member %q: %w", m.Name, zip.ErrAlgorithm)
	}
	return &checked{rc: rc, m: m, h: crc32.NewIEEE()}, nil
}

// checked verifies a member's CRC-32 and size at the end of its bytes.
type checked struct {
	rc io.ReadCloser
	m  *Member
	h  hash.Hash32
	n  int64
}

func (c *checked) Read(p []byte) (int, error) {
	n, err := c.rc.Read(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	if c.n > c.m.UncompressedSize {
		return n, formatErr(c.m.Offset, "member %q is longer than its stated %d bytes", c.m.Name, c.m.UncompressedSize)
	}
	if err == io.EOF {
		if c.n != c.m.UncompressedSize {
			return n, formatErr(c.m.Offset, "member %q is %d bytes, not the stated %d", c.m.Name, c.n, c.m.UncompressedSize)
		}
		if c.h.Sum32() != c.m.crc {
			return n, formatErr(c.m.Offset, "member %q fails its checksum", c.m.Name)
		}
	} else if err != nil && !errors.Is(err, ErrFormat) {
		var ce flate.CorruptInputError
		if errors.As(err, &ce) || err == io.ErrUnexpectedEOF {
			return n, &FormatError{Offset: c.m.Offset, Msg: fmt.Sprintf("member %q: bad compressed data", c.m.Name), Err: err}
		}
	}
	return n, err
}

func (c *checked) Close() error { return c.rc.Close() }
