package tiff

import (
	"encoding/binary"
	"errors"
	"io"
	"math"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// ErrUnsupported is wrapped by the [*header.FormatError] of a well-formed
// TIFF whose image data cannot be mapped as one array: compressed, tiled,
// packed below whole bytes, pages that are not contiguous or not alike,
// or a kind of file (OME-TIFF, LSM, ...) whose shape comes from metadata
// this package does not read. The error's message says which.
var ErrUnsupported = errors.New("tiff: image data cannot be mapped")

// MaxPages is the most IFDs (pages) [Read] follows. A stack of a million
// frames stays well within it.
const MaxPages = 1 << 24

// Series is the first image series of a TIFF file, as tifffile presents
// it and tifffile.memmap maps it: an array of Shape and DType whose bytes
// lie contiguously from DataOffset, in C order.
type Series struct {
	// Kind is how tifffile found the series: "shaped" (tifffile's JSON
	// shape description), "imagej" (an ImageJ hyperstack's images=,
	// slices=, frames=, channels=), "uniform" or "generic" (plain pages
	// alike, stacked).
	Kind string

	// Axes names each dimension of Shape with tifffile's letters: T time,
	// Z depth, C channel, Y and X the image, S samples of a pixel, I and Q
	// other or unknown. It is as long as Shape.
	Axes string

	Shape      []int
	DType      layout.DType // with the file's byte order
	DataOffset int64

	BigTIFF bool
	Pages   int // IFDs in the file, of this series and any other

	// Description is the ImageDescription of the first page ("" if none),
	// which for shaped files is tifffile's JSON and for ImageJ files its
	// key=value lines. Descriptions over a mebibyte are cut short.
	Description string

	// ImageJ holds the key=value lines of an ImageJ description (spacing,
	// unit, finterval, ...): nil for other kinds.
	ImageJ map[string]string

	// Resolution is the first page's pixels per Unit along X and Y, from
	// XResolution, YResolution and ResolutionUnit (1 none, 2 inch, 3
	// centimetre); zero where the tags are absent.
	Resolution Resolution
}

// Resolution is a page's pixel density.
type Resolution struct {
	X, Y float64
	Unit int
}

// Header returns the array the series describes: its dtype, shape and
// data offset, in C order.
func (s *Series) Header() *header.Header {
	return &header.Header{DType: s.DType, Shape: append([]int(nil), s.Shape...), DataOffset: s.DataOffset}
}

// Describer is the [header.Describer] of TIFF files: it reads the file's
// first series with [Read].
type Describer struct{}

// Describe reads the TIFF in r and returns its first series' array.
func (Describer) Describe(r io.ReaderAt, size int64) (*header.Header, error) {
	s, err := Read(r, size)
	if err != nil {
		return nil, err
	}
	return s.Header(), nil
}

// ReadFile reads the TIFF file called name; see [Read].
func ReadFile(name string) (*Series, error) {
	s, err := header.ReadFileWith(name, Read)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Read reads the TIFF (classic or BigTIFF, either byte order) of the given
// size in r and returns its first series if its image data can be mapped,
// as tifffile.memmap(name) would map it.
//
// Malformed files give a [*header.FormatError] naming the byte offset of
// the fault; well-formed files whose data cannot be mapped give one that
// wraps [ErrUnsupported] and says why.
func Read(r io.ReaderAt, size int64) (*Series, error) {
	f := &file{r: r, size: size, budget: math.MaxInt64}
	if size < 1<<60 {
		f.budget = 4*size + 1<<20
	}
	first, err := f.readHeader()
	if err != nil {
		return nil, err
	}
	pages, err := f.readPages(first)
	if err != nil {
		return nil, err
	}
	s, err := f.findSeries(pages)
	if err != nil {
		return nil, err
	}
	off, err := f.check(s, pages)
	if err != nil {
		return nil, err
	}
	p0 := s.pages[0]
	out := &Series{Kind: s.kind, Axes: s.axes, Shape: s.shape, DType: p0.dtype, DataOffset: off, BigTIFF: f.big, Pages: len(pages)}
	if p0.hasDesc {
		out.Description = p0.description.head
	}
	if d, ok := imagejDescription(p0); ok && s.kind == "imagej" {
		if full, ok := d.full(); ok {
			out.ImageJ = imagejMetadata(full)
		}
	}
	if out.Resolution, err = f.resolution(p0); err != nil {
		return nil, err
	}
	return out, nil
}

// readHeader reads the 8-byte (classic) or 16-byte (BigTIFF) file header
// and returns the offset of the first IFD.
func (f *file) readHeader() (int64, error) {
	var h [16]byte
	n, err := f.r.ReadAt(h[:min(16, max(f.size, 0))], 0)
	if n < 8 {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return 0, &header.FormatError{Offset: int64(n), Format: "tiff", Msg: "file too short for a TIFF header", Err: err}
	}
	switch string(h[:2]) {
	case "II":
		f.bo = binary.LittleEndian
	case "MM":
		f.bo = binary.BigEndian
	default:
		return 0, f.errAt(0, "byte order mark %q is neither II nor MM: not a TIFF file", h[:2])
	}
	switch v := f.bo.Uint16(h[2:]); v {
	case 42:
		off := int64(f.bo.Uint32(h[4:]))
		return f.firstIFD(off, 4)
	case 43:
		if n < 16 {
			return 0, f.errAt(int64(n), "file too short for a BigTIFF header")
		}
		if bs, z := f.bo.Uint16(h[4:]), f.bo.Uint16(h[6:]); bs != 8 || z != 0 {
			return 0, f.errAt(4, "BigTIFF offset size %d and reserved %d are not 8 and 0", bs, z)
		}
		f.big = true
		off := f.bo.Uint64(h[8:])
		if off > math.MaxInt64 {
			return 0, f.errAt(8, "first IFD offset %d is too large", off)
		}
		return f.firstIFD(int64(off), 8)
	default:
		return 0, f.errAt(2, "version %d is neither 42 (TIFF) nor 43 (BigTIFF)", v)
	}
}

func (f *file) firstIFD(off, at int64) (int64, error) {
	if off < 8 || off >= f.size {
		return 0, f.errAt(at, "first IFD offset %d is outside the %d-byte file", off, f.size)
	}
	return off, nil
}

// readPages follows the IFD chain from off and decodes every page. As
// tifffile does, it stops at a next-IFD offset outside the file; a chain
// that comes back on itself is an error, found in time proportional to
// its length (Brent's cycle detection).
func (f *file) readPages(off int64) ([]*page, error) {
	var pages []*page
	tortoise, power, lam := off, 1, 0
	for off != 0 {
		if len(pages) >= MaxPages {
			return nil, f.errAt(off, "more than %d IFDs", MaxPages)
		}
		d, err := f.readIFD(off)
		if err != nil {
			return nil, err
		}
		p, err := f.readPage(d, len(pages))
		if err != nil {
			return nil, err
		}
		if p.index >= 2 {
			p.ifd = nil // a million pages' tags would take a gigabyte
		}
		pages = append(pages, p)
		next := d.next
		if next < 8 || next >= f.size {
			break // tifffile: an invalid offset ends the chain
		}
		if next == tortoise {
			return nil, f.errAt(off, "the IFD chain loops back to the IFD at %d", next)
		}
		if lam++; lam == power {
			tortoise, power, lam = next, power*2, 0
		}
		off = next
	}
	return pages, nil
}

// resolution reads the page's XResolution, YResolution and ResolutionUnit.
func (f *file) resolution(p *page) (Resolution, error) {
	var r Resolution
	for _, t := range []struct {
		tag uint16
		dst *float64
	}{{tagXResolution, &r.X}, {tagYResolution, &r.Y}} {
		e, ok := p.ifd.find(t.tag, 0)
		if !ok || e.typ != 5 || e.count < 1 {
			continue
		}
		e.count = 1
		b, err := f.data(e)
		if err != nil {
			return r, err
		}
		if den := f.bo.Uint32(b[4:]); den != 0 {
			*t.dst = float64(f.bo.Uint32(b)) / float64(den)
		}
	}
	u, err := f.uint(p.ifd, tagResolutionUnit, 0)
	if err != nil {
		return r, err
	}
	r.Unit = int(min(u, math.MaxInt32))
	return r, nil
}
