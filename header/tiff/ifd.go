package tiff

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/ndmap/ndmap/header"
)

// maxTags is the most entries an IFD may have, as tifffile allows.
const maxTags = 4096

// maxValues bounds the values of one tag, such as the strip offsets of a
// page: a strip per row of an image 16 million rows high.
const maxValues = 1 << 24

// Descriptions longer than maxDescription are kept only in part: their
// start and end are enough to tell the file's kind, and the kinds whose
// shape a description gives (tifffile's JSON, ImageJ's key=value lines)
// write short ones.
const (
	maxDescription = 1 << 20
	descriptionEnd = 1 << 10
)

// Tags this package reads.
const (
	tagNewSubfileType       = 254
	tagSubfileType          = 255
	tagImageWidth           = 256
	tagImageLength          = 257
	tagBitsPerSample        = 258
	tagCompression          = 259
	tagPhotometric          = 262
	tagFillOrder            = 266
	tagImageDescription     = 270
	tagStripOffsets         = 273
	tagSamplesPerPixel      = 277
	tagRowsPerStrip         = 278
	tagStripByteCounts      = 279
	tagXResolution          = 282
	tagYResolution          = 283
	tagPlanarConfig         = 284
	tagResolutionUnit       = 296
	tagSoftware             = 305
	tagPredictor            = 317
	tagTileWidth            = 322
	tagTileLength           = 323
	tagTileOffsets          = 324
	tagTileByteCounts       = 325
	tagSubIFDs              = 330
	tagExtraSamples         = 338
	tagSampleFormat         = 339
	tagJPEGInterchange      = 513
	tagYCbCrSubSampling     = 530
	tagImageDepth           = 32997
	tagTileDepth            = 32998
	tagMDFileTag            = 33445
	tagSISTag1              = 33471
	tagSISTag2              = 33560
	tagUIC1                 = 33628
	tagFluoViewStamp        = 34362
	tagLSMInfo              = 34412
	tagNIHImageHeader       = 43314
	tagMicroManager         = 51123
	tagNDPIMarker           = 65420
	tagModel                = 271
	tagXMP                  = 700
	tagIJMetadataByteCounts = 50838
)

// typeSize returns the byte size of a TIFF field type, or 0 for an
// unknown type.
func typeSize(typ uint16) int64 {
	switch typ {
	case 1, 2, 6, 7:
		return 1
	case 3, 8:
		return 2
	case 4, 9, 11, 13:
		return 4
	case 5, 10, 12, 16, 17, 18:
		return 8
	}
	return 0
}

// file reads the structure of one TIFF file.
type file struct {
	r       io.ReaderAt
	size    int64
	bo      binary.ByteOrder
	big     bool  // BigTIFF: 8-byte offsets and counts
	budget  int64 // bytes of IFDs and tag arrays still allowed to be read
	scratch []byte
}

// entry is one IFD entry: a tag whose count values of type typ lie in the
// entry itself (inline) or at the offset it holds.
type entry struct {
	tag, typ uint16
	count    uint64
	field    []byte // the 4 or 8 bytes of the value field
	at       int64  // where the entry's value field is
}

// ifd is one image file directory.
type ifd struct {
	offset  int64
	entries []entry
	next    int64
}

func (f *file) errAt(off int64, format string, args ...any) error {
	return &header.FormatError{Offset: off, Format: "tiff", Msg: fmt.Sprintf(format, args...)}
}

// read reads n bytes at off, counted against the budget so that a file
// whose IFDs and tag arrays overlap or loop cannot make the reader do
// more work than a few passes over the file.
func (f *file) read(off, n int64, what string) ([]byte, error) {
	if off < 0 || n < 0 || off > f.size || n > f.size-off {
		return nil, f.errAt(off, "%s of %d bytes at %d is past the end of the %d-byte file", what, n, off, f.size)
	}
	if n > f.budget {
		return nil, f.errAt(off, "%s: the file's IFDs and tag arrays add up to more than its size; they overlap or loop", what)
	}
	f.budget -= n
	if int64(cap(f.scratch)) < n {
		f.scratch = make([]byte, n)
	}
	b := f.scratch[:n]
	if m, err := f.r.ReadAt(b, off); m < len(b) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, &header.FormatError{Offset: off, Format: "tiff", Msg: "reading " + what, Err: err}
	}
	return b, nil
}

func (f *file) offset(b []byte) uint64 {
	if f.big {
		return f.bo.Uint64(b)
	}
	return uint64(f.bo.Uint32(b))
}

// readIFD reads the IFD at off: its entries and the offset of the next.
func (f *file) readIFD(off int64) (*ifd, error) {
	cntSize, entSize, offSize := int64(2), int64(12), int64(4)
	if f.big {
		cntSize, entSize, offSize = 8, 20, 8
	}
	b, err := f.read(off, cntSize, "IFD entry count")
	if err != nil {
		return nil, err
	}
	var n uint64
	if f.big {
		n = f.bo.Uint64(b)
	} else {
		n = uint64(f.bo.Uint16(b))
	}
	if n > maxTags {
		return nil, f.errAt(off, "IFD has %d entries, more than %d", n, maxTags)
	}
	b, err = f.read(off+cntSize, int64(n)*entSize+offSize, "IFD")
	if err != nil {
		return nil, err
	}
	d := &ifd{offset: off, entries: make([]entry, n)}
	b = append([]byte(nil), b...) // the entries' value fields point into it
	for i := range d.entries {
		e := b[int64(i)*entSize:]
		var count uint64
		var field []byte
		if f.big {
			count, field = f.bo.Uint64(e[4:]), e[12:20]
		} else {
			count, field = uint64(f.bo.Uint32(e[4:])), e[8:12]
		}
		d.entries[i] = entry{tag: f.bo.Uint16(e), typ: f.bo.Uint16(e[2:]), count: count,
			field: field, at: off + cntSize + int64(i)*entSize + entSize - offSize}
	}
	next := f.offset(b[int64(n)*entSize:])
	if next > math.MaxInt64 {
		return nil, f.errAt(off+cntSize+int64(n)*entSize, "next IFD offset %d is too large", next)
	}
	d.next = int64(next)
	return d, nil
}

// find returns the k-th entry (from 0) of the given tag.
func (d *ifd) find(tag uint16, k int) (entry, bool) {
	for _, e := range d.entries {
		if e.tag == tag {
			if k == 0 {
				return e, true
			}
			k--
		}
	}
	return entry{}, false
}

func (d *ifd) has(tag uint16) bool {
	_, ok := d.find(tag, 0)
	return ok
}

// data returns the bytes of an entry's values: the value field itself
// when they fit in it, else the bytes at the offset it holds.
func (f *file) data(e entry) ([]byte, error) {
	size := typeSize(e.typ)
	if size == 0 {
		return nil, f.errAt(e.at-4, "tag %d has unknown type %d", e.tag, e.typ)
	}
	if e.count > uint64(f.size) || e.count > maxValues {
		return nil, f.errAt(e.at, "tag %d has %d values, more than the file has bytes or the limit of %d", e.tag, e.count, maxValues)
	}
	n := int64(e.count) * size
	if n <= int64(len(e.field)) {
		return e.field[:n], nil
	}
	off := f.offset(e.field)
	if off > uint64(f.size) {
		return nil, f.errAt(e.at, "tag %d values at %d are past the end of the %d-byte file", e.tag, off, f.size)
	}
	b, err := f.read(int64(off), n, fmt.Sprintf("tag %d values", e.tag))
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), b...), nil
}

// uints returns an entry's values as unsigned integers. Signed types are
// accepted when no value is negative.
func (f *file) uints(e entry) ([]uint64, error) {
	b, err := f.data(e)
	if err != nil {
		return nil, err
	}
	size := typeSize(e.typ)
	v := make([]uint64, e.count)
	for i := range v {
		x := b[int64(i)*size:]
		switch e.typ {
		case 1, 7:
			v[i] = uint64(x[0])
		case 6:
			v[i] = uint64(int64(int8(x[0])))
		case 3:
			v[i] = uint64(f.bo.Uint16(x))
		case 8:
			v[i] = uint64(int64(int16(f.bo.Uint16(x))))
		case 4, 13:
			v[i] = uint64(f.bo.Uint32(x))
		case 9:
			v[i] = uint64(int64(int32(f.bo.Uint32(x))))
		case 16, 17, 18:
			v[i] = f.bo.Uint64(x)
		default:
			return nil, f.errAt(e.at, "tag %d has type %d, not an integer type", e.tag, e.typ)
		}
		if (e.typ == 6 || e.typ == 8 || e.typ == 9 || e.typ == 17) && int64(v[i]) < 0 {
			return nil, f.errAt(e.at, "tag %d value %d is negative", e.tag, int64(v[i]))
		}
	}
	return v, nil
}

// uint returns the first value of a tag, or def when the IFD lacks it.
func (f *file) uint(d *ifd, tag uint16, def uint64) (uint64, error) {
	e, ok := d.find(tag, 0)
	if !ok {
		return def, nil
	}
	if e.count == 0 {
		return def, nil
	}
	v, err := f.uints(e)
	if err != nil {
		return 0, err
	}
	return v[0], nil
}

// text is an ASCII tag's value as tifffile decodes it: trailing NULs and
// surrounding white space removed. Values over maxDescription bytes keep
// only their start and end.
type text struct {
	head, tail string // the whole value is head when long is false
	long       bool
}

func (t text) full() (string, bool) { return t.head, !t.long }

func (t text) hasPrefix(p string) bool {
	return len(t.head) >= len(p) && t.head[:len(p)] == p
}

func (t text) end(n int) string {
	s := t.head
	if t.long {
		s = t.tail
	}
	return s[max(0, len(s)-n):]
}

func (t text) empty() bool { return t.head == "" && !t.long }

// ascii reads the k-th tag of an ASCII tag; ok is false when there is none
// or it is not of ASCII type, as tifffile ignores such descriptions.
func (f *file) ascii(d *ifd, tag uint16, k int) (text, bool, error) {
	e, ok := d.find(tag, k)
	if !ok || e.typ != 2 {
		return text{}, false, nil
	}
	if e.count <= maxDescription {
		b, err := f.data(e)
		if err != nil {
			return text{}, false, err
		}
		return text{head: trimText(b)}, true, nil
	}
	off := f.offset(e.field)
	if off > uint64(f.size) || e.count > uint64(f.size)-off {
		return text{}, false, f.errAt(e.at, "tag %d text of %d bytes at %d is past the end of the file", tag, e.count, off)
	}
	head, err := f.read(int64(off), 64<<10, "long text")
	if err != nil {
		return text{}, false, err
	}
	t := text{head: trimLeft(string(head)), long: true}
	tail, err := f.read(int64(off)+int64(e.count)-descriptionEnd, descriptionEnd, "long text")
	if err != nil {
		return text{}, false, err
	}
	t.tail = trimRight(string(tail))
	return t, true, nil
}

func trimText(b []byte) string { return trimLeft(trimRight(string(b))) }

func trimRight(s string) string {
	for len(s) > 0 && s[len(s)-1] == 0 {
		s = s[:len(s)-1]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

func trimLeft(s string) string {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	return s
}

// isSpace reports the ASCII white space Python's str.strip removes.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0x1c || c == 0x1d || c == 0x1e || c == 0x1f
}
