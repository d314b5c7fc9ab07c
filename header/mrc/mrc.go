package mrc

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// HeaderSize is the size of the fixed MRC header; an extended header of
// NSYMBT bytes, then the data, follow it.
const HeaderSize = 1024

// Space groups that decide the shape of the data, as the MRC2014 paper
// defines them.
const (
	ImageStack  = 0   // ISPG 0: a stack of 2-d images, or a single image
	Volume      = 1   // ISPG 1 (P1): a 3-d volume, the usual value for maps
	VolumeStack = 401 // ISPG 401 to 630: a stack of volumes of MZ sections each
)

// Byte offsets of the header fields this package reads or writes.
const (
	offNX      = 0
	offMode    = 12
	offStart   = 16
	offGrid    = 28
	offCell    = 40
	offAngles  = 52
	offAxes    = 64
	offMin     = 76
	offMax     = 80
	offMean    = 84
	offISPG    = 88
	offNSYMBT  = 92
	offExtType = 104
	offVersion = 108
	offOrigin  = 196
	offMap     = 208
	offMachst  = 212
	offRMS     = 216
	offNLabl   = 220
	offLabels  = 224
	labelLen   = 80
	maxLabels  = 10
)

// Header is an MRC file's header: the fields of the MRC2014 format that
// say what the data is and where it lies in space.
type Header struct {
	// Array is where the data starts, its dtype (in the file's byte
	// order), and its shape as mrcfile presents it: (NY, NX) for a single
	// image (ISPG 0, NZ 1), (NZ/MZ, MZ, NY, NX) for a volume stack (ISPG
	// 401 to 630), and (NZ, NY, NX) otherwise; always C order.
	Array header.Header

	Mode       int        // MODE: 0 int8, 1 int16, 2 float32, 4 complex64, 6 uint16, 12 float16
	Size       [3]int     // NX, NY, NZ: columns, rows, sections
	Start      [3]int     // NXSTART, NYSTART, NZSTART: location of the first column, row and section
	Grid       [3]int     // MX, MY, MZ: sampling along the cell's X, Y and Z
	Cell       [3]float32 // CELLA: cell dimensions in ångströms
	Angles     [3]float32 // CELLB: cell angles in degrees
	Axes       [3]int     // MAPC, MAPR, MAPS: the axis (1 X, 2 Y, 3 Z) of columns, rows and sections
	Stats      Stats      // DMIN, DMAX, DMEAN, RMS
	SpaceGroup int        // ISPG: see ImageStack, Volume and VolumeStack
	ExtSize    int64      // NSYMBT: bytes of extended header after the fixed header
	ExtType    string     // EXTTYP: the extended header's kind ("FEI1", "CCP4", "MRCO", ...), trailing spaces and NULs dropped
	Version    int        // NVERSION: 20140 or 20141 for MRC2014 files
	Origin     [3]float32 // ORIGIN: in ångströms
	Labels     []string   // the NLABL text labels, trailing spaces and NULs dropped

	// ByteOrder is the order of the header and data from the machine
	// stamp (MACHST): 0x44 0x44 (or 0x44 0x41) little-endian, 0x11 0x11
	// big-endian. A file with any other stamp is read in the byte order in
	// which its MODE is one of the known modes, and StampGuessed is set.
	ByteOrder    layout.ByteOrder
	StampGuessed bool
}

// Stats are the header's statistics of the data, stored as float32. A
// header whose statistics are unknown has Max < Min, Mean < min(Min, Max)
// and RMS < 0; [UnknownStats] returns such values.
type Stats struct {
	Min, Max, Mean float32
	RMS            float32 // the standard deviation from the mean, as mrcfile and the MRC2014 paper define it
}

// UnknownStats returns the statistics that say "not computed", the values
// mrcfile writes: Min 0, Max -1, Mean -2, RMS -1.
func UnknownStats() Stats { return Stats{Min: 0, Max: -1, Mean: -2, RMS: -1} }

// VoxelSize returns the size of a voxel along X, Y and Z in ångströms:
// CELLA divided by MX, MY and MZ, and 0 along an axis whose grid size is 0.
func (h *Header) VoxelSize() [3]float64 {
	var v [3]float64
	for i := range v {
		if h.Grid[i] != 0 {
			// mrcfile divides in float32; so do we, to report its value.
			v[i] = float64(h.Cell[i] / float32(h.Grid[i]))
		}
	}
	return v
}

// Describer is the [header.Describer] of MRC files.
type Describer struct{}

// Describe reads the MRC header of a file of the given size and returns
// where its data is and what it is. It is Read's Array.
func (Describer) Describe(r io.ReaderAt, size int64) (*header.Header, error) {
	h, err := Read(r, size)
	if err != nil {
		return nil, err
	}
	return &h.Array, nil
}

// ReadFile reads the header of the MRC file called name.
func ReadFile(name string) (*Header, error) {
	return header.ReadFileWith(name, Read)
}

// Read reads and checks the header of an MRC file of the given size: the
// map ID, the machine stamp, the mode, the dimensions and the extended
// header's size, and that the file holds the data they describe.
//
// Malformed input gives a [*header.FormatError] naming the field and its
// offset. Modes 3 (complex int16) and 101 (4-bit packed) have no NumPy
// dtype to map; they give a FormatError that also wraps
// layout.ErrUnsupported.
func Read(r io.ReaderAt, size int64) (*Header, error) {
	if size < HeaderSize {
		return nil, fail(size, "file is %d bytes, shorter than the %d-byte header", size, HeaderSize)
	}
	buf := make([]byte, HeaderSize)
	if n, err := r.ReadAt(buf, 0); n < len(buf) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("mrc: reading the header: %w", err)
	}
	return parse(buf, size)
}

// fail returns a FormatError at byte off whose message starts with the
// package name.
func fail(off int64, format string, args ...any) *header.FormatError {
	return &header.FormatError{Offset: off, Format: "mrc", Msg: fmt.Sprintf(format, args...)}
}

// parse decodes the fixed header b of a file of the given size.
func parse(b []byte, size int64) (*Header, error) {
	if !bytes.Equal(b[offMap:offMap+3], []byte("MAP")) {
		return nil, fail(offMap, "map ID is %q, not \"MAP \": not an MRC2014 file", b[offMap:offMap+4])
	}
	h := &Header{}
	switch st := b[offMachst : offMachst+2]; {
	case st[0] == 0x44 && (st[1] == 0x44 || st[1] == 0x41):
		h.ByteOrder = layout.LittleEndian
	case st[0] == 0x11 && st[1] == 0x11:
		h.ByteOrder = layout.BigEndian
	default:
		// Files in the wild carry zero or foreign stamps; the mode field
		// tells the byte order apart, since a known mode read in the wrong
		// order is a number in the millions.
		le := knownMode(int32(binary.LittleEndian.Uint32(b[offMode:])))
		be := knownMode(int32(binary.BigEndian.Uint32(b[offMode:])))
		switch {
		case le && !be:
			h.ByteOrder = layout.LittleEndian
		case be && !le:
			h.ByteOrder = layout.BigEndian
		default:
			return nil, fail(offMachst, "machine stamp % x gives no byte order, and MODE does not tell", b[offMachst:offMachst+4])
		}
		h.StampGuessed = true
	}
	o := h.ByteOrder.Binary()
	i32 := func(off int) int { return int(int32(o.Uint32(b[off:]))) }
	f32 := func(off int) float32 { return math.Float32frombits(o.Uint32(b[off:])) }
	for i := range 3 {
		h.Size[i] = i32(offNX + 4*i)
		h.Start[i] = i32(offStart + 4*i)
		h.Grid[i] = i32(offGrid + 4*i)
		h.Cell[i] = f32(offCell + 4*i)
		h.Angles[i] = f32(offAngles + 4*i)
		h.Axes[i] = i32(offAxes + 4*i)
		h.Origin[i] = f32(offOrigin + 4*i)
	}
	h.Mode = i32(offMode)
	h.Stats = Stats{Min: f32(offMin), Max: f32(offMax), Mean: f32(offMean), RMS: f32(offRMS)}
	h.SpaceGroup = i32(offISPG)
	h.ExtSize = int64(i32(offNSYMBT))
	h.ExtType = text(b[offExtType : offExtType+4])
	h.Version = i32(offVersion)
	// An NLABL out of range costs nothing but labels, so it is clamped
	// rather than refused.
	for i := range min(max(i32(offNLabl), 0), maxLabels) {
		off := offLabels + i*labelLen
		h.Labels = append(h.Labels, text(b[off:off+labelLen]))
	}

	dt, err := modeDType(h.Mode, h.ByteOrder)
	if err != nil {
		return nil, err
	}
	for i, name := range [3]string{"NX", "NY", "NZ"} {
		if h.Size[i] < 0 {
			return nil, fail(int64(offNX+4*i), "%s is negative: %d", name, h.Size[i])
		}
	}
	if h.ExtSize < 0 {
		return nil, fail(offNSYMBT, "NSYMBT is negative: %d", h.ExtSize)
	}
	nx, ny, nz := h.Size[0], h.Size[1], h.Size[2]
	var shape []int
	switch {
	case h.SpaceGroup >= 401 && h.SpaceGroup <= 630:
		mz := h.Grid[2]
		if mz <= 0 || nz%mz != 0 {
			return nil, fail(offGrid+8, "MZ is %d, which does not divide NZ %d into volumes of a volume stack (ISPG %d)", mz, nz, h.SpaceGroup)
		}
		shape = []int{nz / mz, mz, ny, nx}
	case h.SpaceGroup == ImageStack && nz == 1:
		shape = []int{ny, nx}
	default:
		shape = []int{nz, ny, nx}
	}
	need, err := layout.ByteSize(shape, dt.Size)
	if err != nil {
		return nil, fail(offNX, "NX, NY and NZ (%d, %d, %d) of %d-byte items overflow", nx, ny, nz, dt.Size)
	}
	off := HeaderSize + h.ExtSize
	if off > size {
		return nil, fail(offNSYMBT, "extended header of NSYMBT %d bytes runs past the end of the %d-byte file", h.ExtSize, size)
	}
	if need > size-off {
		return nil, fail(off, "data of shape %v needs %d bytes, but the file has %d after the headers", shape, need, size-off)
	}
	h.Array = header.Header{DType: dt, Shape: shape, DataOffset: off}
	return h, nil
}

// text returns the bytes of a fixed-width text field up to its first NUL,
// without trailing spaces.
func text(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(bytes.TrimRight(b, " "))
}

func knownMode(m int32) bool {
	switch m {
	case 0, 1, 2, 3, 4, 6, 12, 101:
		return true
	}
	return false
}

// modeDType returns the dtype of MODE m in byte order o.
func modeDType(m int, o layout.ByteOrder) (layout.DType, error) {
	var dt layout.DType
	switch m {
	case 0:
		return layout.Int8, nil
	case 1:
		dt = layout.Int16
	case 2:
		dt = layout.Float32
	case 4:
		dt = layout.Complex64
	case 6:
		dt = layout.Uint16
	case 12:
		dt = layout.Half
	case 3:
		return dt, &header.FormatError{Offset: offMode, Format: "mrc", Msg: "MODE 3 (complex int16) has no NumPy dtype and is not supported", Err: layout.ErrUnsupported}
	case 101:
		return dt, &header.FormatError{Offset: offMode, Format: "mrc", Msg: "MODE 101 (4-bit integers, two to a byte) cannot be mapped as items and is not supported", Err: layout.ErrUnsupported}
	default:
		return dt, fail(offMode, "MODE %d is not an MRC2014 mode", m)
	}
	dt.Order = o
	return dt, nil
}

// mode returns the MODE of dtype dt.
func mode(dt layout.DType) (int, bool) {
	switch {
	case dt.Kind == layout.Int && dt.Size == 1:
		return 0, true
	case dt.Kind == layout.Int && dt.Size == 2:
		return 1, true
	case dt.Kind == layout.Float && dt.Size == 4:
		return 2, true
	case dt.Kind == layout.Complex && dt.Size == 8:
		return 4, true
	case dt.Kind == layout.Uint && dt.Size == 2:
		return 6, true
	case dt.Kind == layout.Float && dt.Size == 2:
		return 12, true
	}
	return 0, false
}

func init() {
	header.RegisterFormat(header.Format{
		Name:       "mrc",
		Extensions: []string{".mrc", ".mrcs", ".map", ".st", ".ali", ".rec"},
		Match:      match,
		Describer:  func(string) (header.Describer, error) { return Describer{}, nil },
	})
}

// match reports whether head is the start of an MRC2014 file: "MAP" at
// byte 208 and a known MODE in the byte order of the machine stamp.
func match(_ string, head []byte) bool {
	if bytes.HasPrefix(head, []byte("\x93NUMPY")) {
		return false
	}
	if len(head) < offMachst+4 || !bytes.Equal(head[offMap:offMap+3], []byte("MAP")) {
		return false
	}
	le := knownMode(int32(binary.LittleEndian.Uint32(head[offMode:])))
	be := knownMode(int32(binary.BigEndian.Uint32(head[offMode:])))
	return le || be
}
