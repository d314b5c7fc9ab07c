package nifti

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// Header sizes and the smallest data offset of a single .nii file: the
// header and the four bytes that say whether extensions follow.
const (
	Size1       = 348
	Size2       = 540
	MinOffset1  = Size1 + 4
	MinOffset2  = Size2 + 4
	maxExtCount = 1 << 16
)

// Header is a NIfTI-1 or NIfTI-2 header: what the data is, where it lies
// and how its voxels map to space and time.
type Header struct {
	// Array is where the data starts (in the .nii file itself, or in the
	// .img file of a pair), its dtype in the header's byte order, and its
	// shape dim[1..dim[0]] in Fortran order, as nibabel presents it.
	Array header.Header

	Version   int              // 1 or 2
	Pair      bool             // the data is in a separate .img file (magic "ni1" or "ni2")
	ByteOrder layout.ByteOrder // from sizeof_hdr: 348 or 540 in this order
	Datatype  int              // the datatype code (16 float32, 4 int16, ...)
	Bitpix    int              // bits per voxel, as the header says; not trusted

	// Scale maps stored values to real ones: scl_slope and scl_inter,
	// or the identity when scl_slope is 0 or not finite, as nibabel
	// decides. The array keeps the stored values.
	Scale header.Scale

	// PixDim is pixdim: PixDim[0] is qfac (the sign of the qform's third
	// axis) and PixDim[1:] the voxel size along each axis, in the units
	// of XYZTUnits.
	PixDim    [8]float64
	XYZTUnits int // spatial units in bits 0-2 (2 mm), time units in bits 3-5 (8 s)
	DimInfo   int // frequency, phase and slice dimensions, two bits each

	IntentCode int
	IntentP    [3]float64
	IntentName string

	CalMin, CalMax       float64
	SliceStart, SliceEnd int64
	SliceCode            int
	SliceDuration, TOff  float64
	QFormCode, SFormCode int
	Quatern, QOffset     [3]float64 // quatern_b, c, d and qoffset_x, y, z
	SRow                 [3][4]float64
	Descrip, AuxFile     string
	Extensions           []Extension // the extensions between the header and the data of a .nii file
}

// Extension is a header extension: ecode says what it holds (4 AFNI, 6
// comment, 32 CIFTI, ...), and its content is Size bytes at Offset, after
// the 8 bytes of esize and ecode.
type Extension struct {
	Code   int
	Offset int64
	Size   int64
}

// Zooms returns the voxel size along each axis of the array: pixdim[1]
// to pixdim[dim[0]], as nibabel's get_zooms does.
func (h *Header) Zooms() []float64 {
	z := make([]float64, len(h.Array.Shape))
	copy(z, h.PixDim[1:])
	return z
}

// Describer is the [header.Describer] of NIfTI data. The zero Describer
// reads a single .nii file's own header. For a pair, Pair holds the header
// read from the .hdr file and Describe checks the .img file it is given.
type Describer struct {
	Pair *Header
}

// Describe returns where the data is in the file r of the given size.
func (d Describer) Describe(r io.ReaderAt, size int64) (*header.Header, error) {
	h := d.Pair
	if h == nil {
		var err error
		if h, err = Read(r, size); err != nil {
			return nil, err
		}
		if h.Pair {
			return nil, fail(magicOffset(h.Version), "header says its data is in a separate .img file (magic ni%d)", h.Version)
		}
		return &h.Array, nil
	}
	if err := checkData(h, size); err != nil {
		return nil, err
	}
	a := h.Array
	return &a, nil
}

// ReadFile reads the NIfTI header of name: a .nii file, or either file of
// a .hdr/.img pair, whose header is then read from the .hdr file and whose
// data is checked against the .img file's size. It returns the header and
// the name of the file that holds the data.
func ReadFile(name string) (h *Header, dataFile string, err error) {
	hdrName, imgName, pair := pairNames(name)
	if !pair {
		f, size, err := open(name)
		if err != nil {
			return nil, "", err
		}
		defer f.Close()
		h, err := Read(f, size)
		if err == nil && h.Pair {
			err = fmt.Errorf("nifti: %s has the magic of a .hdr/.img pair but is not named .hdr or .img", name)
		}
		return h, name, err
	}
	f, size, err := open(hdrName)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	if h, err = Read(f, size); err != nil {
		return nil, "", err
	}
	if !h.Pair {
		return nil, "", fmt.Errorf("nifti: %s is a single-file header (magic n+%d), not one of a pair", hdrName, h.Version)
	}
	fi, err := os.Stat(imgName)
	if err != nil {
		return nil, "", fmt.Errorf("nifti: %w", err)
	}
	if err := checkData(h, fi.Size()); err != nil {
		return nil, "", err
	}
	return h, imgName, nil
}

// pairNames returns the .hdr and .img names of the pair name belongs to,
// keeping the case of the extension, and whether name is one of a pair.
func pairNames(name string) (hdr, img string, ok bool) {
	ext := filepath.Ext(name)
	base := name[:len(name)-len(ext)]
	upper := ext != "" && ext == strings.ToUpper(ext)
	h, i := ".hdr", ".img"
	if upper {
		h, i = ".HDR", ".IMG"
	}
	switch strings.ToLower(ext) {
	case ".hdr", ".img":
		return base + h, base + i, true
	}
	return "", "", false
}

func open(name string) (*os.File, int64, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, fmt.Errorf("nifti: %w", err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("nifti: %w", err)
	}
	return f, fi.Size(), nil
}

// fail returns a FormatError at byte off whose message starts with the
// package name.
func fail(off int64, format string, args ...any) *header.FormatError {
	return &header.FormatError{Offset: off, Format: "nifti", Msg: fmt.Sprintf(format, args...)}
}

func magicOffset(version int) int64 {
	if version == 2 {
		return 4
	}
	return 344
}

// Read reads and checks the NIfTI-1 or NIfTI-2 header at the start of r,
// a file of the given size. For a single .nii file it also checks that the
// file holds the data the header describes; for the .hdr of a pair (Pair
// set) the data is in another file, which [Describer] or [ReadFile] checks.
//
// Malformed input gives a [*header.FormatError] naming the field and its
// offset. Datatypes with no mappable dtype (binary, float128, complex256)
// give a FormatError that also wraps layout.ErrUnsupported.
func Read(r io.ReaderAt, size int64) (*Header, error) {
	if size < 4 {
		return nil, fail(0, "file is %d bytes, too short for sizeof_hdr", size)
	}
	var pre [4]byte
	if err := readFull(r, pre[:], 0); err != nil {
		return nil, err
	}
	var version int
	var order layout.ByteOrder
	for _, o := range []layout.ByteOrder{layout.LittleEndian, layout.BigEndian} {
		switch o.Binary().Uint32(pre[:]) {
		case Size1:
			version, order = 1, o
		case Size2:
			version, order = 2, o
		}
	}
	if version == 0 {
		return nil, fail(0, "sizeof_hdr is % x, neither 348 (NIfTI-1) nor 540 (NIfTI-2) in either byte order", pre)
	}
	hs := int64(Size1)
	if version == 2 {
		hs = Size2
	}
	if size < hs {
		return nil, fail(size, "file is %d bytes, shorter than the %d-byte NIfTI-%d header", size, hs, version)
	}
	b := make([]byte, hs)
	if err := readFull(r, b, 0); err != nil {
		return nil, err
	}
	d := decoder{b: b, o: order.Binary()}
	h := &Header{Version: version, ByteOrder: order}
	var err error
	if version == 1 {
		err = d.parse1(h)
	} else {
		err = d.parse2(h)
	}
	if err != nil {
		return nil, err
	}
	if !h.Pair {
		if err := readExtensions(r, size, h, hs); err != nil {
			return nil, err
		}
		if err := checkData(h, size); err != nil {
			return nil, err
		}
	}
	return h, nil
}

func readFull(r io.ReaderAt, p []byte, off int64) error {
	if n, err := r.ReadAt(p, off); n < len(p) {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("nifti: reading the header: %w", err)
	}
	return nil
}

// checkData checks that a data file of the given size holds the data h
// describes.
func checkData(h *Header, size int64) error {
	a := &h.Array
	n := a.DataSize()
	if a.DataOffset > size || n > size-a.DataOffset {
		return fail(fieldsOf(h.Version).voxOffset, "data of shape %v needs %d bytes from vox_offset %d, but the %sfile has %d bytes",
			a.Shape, n, a.DataOffset, map[bool]string{true: "image ", false: ""}[h.Pair], size)
	}
	return nil
}

func fieldsOf(version int) fields {
	if version == 2 {
		return fields2
	}
	return fields1
}

// readExtensions lists the extensions between a .nii header and its data.
// They do not affect the array, so a malformed one ends the list rather
// than failing the read.
func readExtensions(r io.ReaderAt, size int64, h *Header, hs int64) error {
	var flag [4]byte
	if h.Array.DataOffset < hs+4 || readFull(r, flag[:], hs) != nil || flag[0] == 0 {
		return nil
	}
	o := h.ByteOrder.Binary()
	off := hs + 4
	for len(h.Extensions) < maxExtCount && off+8 <= h.Array.DataOffset {
		var e [8]byte
		if readFull(r, e[:], off) != nil {
			return nil
		}
		esize := int64(int32(o.Uint32(e[:])))
		if esize < 8 || esize > h.Array.DataOffset-off {
			return nil
		}
		h.Extensions = append(h.Extensions, Extension{Code: int(int32(o.Uint32(e[4:]))), Offset: off + 8, Size: esize - 8})
		off += esize
	}
	return nil
}

// decoder reads the fields of a header in its byte order.
type decoder struct {
	b []byte
	o binary.ByteOrder
}

func (d decoder) i16(off int) int     { return int(int16(d.o.Uint16(d.b[off:]))) }
func (d decoder) i32(off int) int     { return int(int32(d.o.Uint32(d.b[off:]))) }
func (d decoder) i64(off int) int64   { return int64(d.o.Uint64(d.b[off:])) }
func (d decoder) f32(off int) float64 { return float64(math.Float32frombits(d.o.Uint32(d.b[off:]))) }
func (d decoder) f64(off int) float64 { return math.Float64frombits(d.o.Uint64(d.b[off:])) }
func (d decoder) str(off, n int) string {
	s := d.b[off : off+n]
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return string(s)
}

// parse1 decodes a NIfTI-1 header.
func (d decoder) parse1(h *Header) error {
	switch m := d.b[344:348]; string(m) {
	case "n+1\x00":
	case "ni1\x00":
		h.Pair = true
	default:
		return fail(344, "magic is %q, not \"n+1\" or \"ni1\": an Analyze 7.5 header, or not NIfTI-1", m)
	}
	h.DimInfo = int(d.b[39])
	var dim [8]int64
	for i := range dim {
		dim[i] = int64(d.i16(40 + 2*i))
	}
	for i := range 3 {
		h.IntentP[i] = d.f32(56 + 4*i)
	}
	h.IntentCode = d.i16(68)
	h.Datatype = d.i16(70)
	h.Bitpix = d.i16(72)
	h.SliceStart = int64(d.i16(74))
	for i := range h.PixDim {
		h.PixDim[i] = d.f32(76 + 4*i)
	}
	vox := d.f32(108)
	slope, inter := d.f32(112), d.f32(116)
	h.SliceEnd = int64(d.i16(120))
	h.SliceCode = int(d.b[122])
	h.XYZTUnits = int(d.b[123])
	h.CalMax, h.CalMin = d.f32(124), d.f32(128)
	h.SliceDuration, h.TOff = d.f32(132), d.f32(136)
	h.Descrip = d.str(148, 80)
	h.AuxFile = d.str(228, 24)
	h.QFormCode, h.SFormCode = d.i16(252), d.i16(254)
	for i := range 3 {
		h.Quatern[i] = d.f32(256 + 4*i)
		h.QOffset[i] = d.f32(268 + 4*i)
		for j := range 4 {
			h.SRow[i][j] = d.f32(280 + 16*i + 4*j)
		}
	}
	h.IntentName = d.str(328, 16)

	if vox != math.Trunc(vox) || vox < 0 || vox > 1<<53 {
		return fail(108, "vox_offset %g is not a whole, non-negative number of bytes", vox)
	}
	return finish(h, dim, int64(vox), slope, inter, fields1)
}

// parse2 decodes a NIfTI-2 header.
func (d decoder) parse2(h *Header) error {
	switch m := d.b[4:12]; string(m) {
	case "n+2\x00\r\n\x1a\n":
	case "ni2\x00\r\n\x1a\n":
		h.Pair = true
	default:
		return fail(4, "magic is %q, not \"n+2\" or \"ni2\" followed by \\0\\r\\n\\032\\n", m)
	}
	h.Datatype = d.i16(12)
	h.Bitpix = d.i16(14)
	var dim [8]int64
	for i := range dim {
		dim[i] = d.i64(16 + 8*i)
	}
	for i := range 3 {
		h.IntentP[i] = d.f64(80 + 8*i)
	}
	for i := range h.PixDim {
		h.PixDim[i] = d.f64(104 + 8*i)
	}
	vox := d.i64(168)
	slope, inter := d.f64(176), d.f64(184)
	h.CalMax, h.CalMin = d.f64(192), d.f64(200)
	h.SliceDuration, h.TOff = d.f64(208), d.f64(216)
	h.SliceStart, h.SliceEnd = d.i64(224), d.i64(232)
	h.Descrip = d.str(240, 80)
	h.AuxFile = d.str(320, 24)
	h.QFormCode, h.SFormCode = d.i32(344), d.i32(348)
	for i := range 3 {
		h.Quatern[i] = d.f64(352 + 8*i)
		h.QOffset[i] = d.f64(376 + 8*i)
		for j := range 4 {
			h.SRow[i][j] = d.f64(400 + 32*i + 8*j)
		}
	}
	h.SliceCode = d.i32(496)
	h.XYZTUnits = d.i32(500)
	h.IntentCode = d.i32(504)
	h.IntentName = d.str(508, 16)
	h.DimInfo = int(d.b[524])
	if vox < 0 {
		return fail(168, "vox_offset is negative: %d", vox)
	}
	return finish(h, dim, vox, slope, inter, fields2)
}

// fields are the offsets of the fields that errors name, which differ
// between the versions.
type fields struct {
	dim, dimSize, datatype, voxOffset, sclInter int64
	minOffset                                   int64
}

var (
	fields1 = fields{dim: 40, dimSize: 2, datatype: 70, voxOffset: 108, sclInter: 116, minOffset: MinOffset1}
	fields2 = fields{dim: 16, dimSize: 8, datatype: 12, voxOffset: 168, sclInter: 184, minOffset: MinOffset2}
)

// finish checks what the two versions share and sets h.Array and h.Scale.
func finish(h *Header, dim [8]int64, vox int64, slope, inter float64, f fields) error {
	if dim[0] < 0 || dim[0] > 7 {
		return fail(f.dim, "dim[0] is %d, not 0 to 7", dim[0])
	}
	var shape []int
	if dim[0] == 0 {
		shape = []int{0} // as nibabel reads it
	}
	for i := 1; i <= int(dim[0]); i++ {
		if dim[i] < 0 || dim[i] > math.MaxInt {
			return fail(f.dim+f.dimSize*int64(i), "dim[%d] is %d", i, dim[i])
		}
		shape = append(shape, int(dim[i]))
	}
	dt, err := dtype(h.Datatype, h.ByteOrder)
	if err != nil {
		err.Offset = f.datatype
		return err
	}
	if _, err := layout.ByteSize(shape, dt.Size); err != nil {
		return fail(f.dim, "dim %v of %d-byte voxels overflows", shape, dt.Size)
	}
	if !h.Pair && vox < f.minOffset {
		// nibabel would read the header itself as data; refuse instead.
		return fail(f.voxOffset, "vox_offset %d of a single file lies inside its header", vox)
	}
	h.Scale = header.Scale{Slope: 1}
	if slope != 0 && !math.IsInf(slope, 0) && !math.IsNaN(slope) {
		if math.IsInf(inter, 0) || math.IsNaN(inter) {
			return fail(f.sclInter, "scl_slope %g is valid but scl_inter is %g", slope, inter)
		}
		h.Scale = header.Scale{Slope: slope, Inter: inter}
	}
	h.Array = header.Header{DType: dt, Shape: shape, FortranOrder: true, DataOffset: vox}
	return nil
}

// dtype returns the dtype of a datatype code in byte order o.
func dtype(code int, o layout.ByteOrder) (layout.DType, *header.FormatError) {
	var dt layout.DType
	switch code {
	case 2:
		return layout.Uint8, nil
	case 256:
		return layout.Int8, nil
	case 128, 2304:
		names := []string{"R", "G", "B", "A"}[:3+code/2304]
		fields := make([]layout.Field, len(names))
		for i, n := range names {
			fields[i] = layout.Field{Name: n, Offset: i, Type: layout.Uint8}
		}
		dt, err := layout.StructOf(fields, len(names))
		if err != nil {
			panic(err) // a fixed, valid record
		}
		return dt, nil
	case 4:
		dt = layout.Int16
	case 8:
		dt = layout.Int32
	case 1024:
		dt = layout.Int64
	case 512:
		dt = layout.Uint16
	case 768:
		dt = layout.Uint32
	case 1280:
		dt = layout.Uint64
	case 16:
		dt = layout.Float32
	case 64:
		dt = layout.Float64
	case 32:
		dt = layout.Complex64
	case 1792:
		dt = layout.Complex128
	case 1, 1536, 2048:
		what := map[int]string{1: "binary (1 bit per voxel)", 1536: "float128", 2048: "complex256"}[code]
		return dt, &header.FormatError{Format: "nifti", Msg: fmt.Sprintf("datatype %d (%s) has no dtype that can be mapped", code, what), Err: layout.ErrUnsupported}
	default:
		return dt, fail(0, "datatype %d is not a NIfTI datatype", code)
	}
	dt.Order = o
	return dt, nil
}

func init() {
	header.RegisterFormat(header.Format{
		Name:       "nifti",
		Extensions: []string{".nii"},
		Match:      match,
		Describer:  describer,
	})
}

// describer returns the Describer for the file called name: the .img of a
// pair carries the header read from its .hdr.
func describer(name string) (header.Describer, error) {
	hdrName, _, pair := pairNames(name)
	if !pair {
		return Describer{}, nil
	}
	if strings.EqualFold(filepath.Ext(name), ".hdr") {
		return nil, fmt.Errorf("nifti: %s is the header of a .hdr/.img pair: open the .img file", name)
	}
	f, size, err := open(hdrName)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h, err := Read(f, size)
	if err != nil {
		return nil, err
	}
	if !h.Pair {
		return nil, fmt.Errorf("nifti: %s is a single-file header (magic n+%d), not one of a pair", hdrName, h.Version)
	}
	return Describer{Pair: h}, nil
}

// match reports whether head starts a NIfTI file, or name is the .img (or
// .hdr) of a NIfTI pair.
func match(name string, head []byte) bool {
	if isNIfTI(head) {
		return true
	}
	hdrName, _, pair := pairNames(name)
	if !pair || !strings.EqualFold(filepath.Ext(name), ".img") {
		return false
	}
	f, err := os.Open(hdrName)
	if err != nil {
		return false
	}
	defer f.Close()
	b := make([]byte, Size1)
	n, _ := io.ReadFull(f, b)
	return isNIfTI(b[:n])
}

// isNIfTI reports whether head starts with a NIfTI-1 or NIfTI-2 header,
// single or of a pair: sizeof_hdr in either byte order, and the magic.
func isNIfTI(head []byte) bool {
	if len(head) < 12 {
		return false
	}
	le, be := binary.LittleEndian.Uint32(head), binary.BigEndian.Uint32(head)
	switch {
	case le == Size1 || be == Size1:
		return len(head) >= Size1 && (string(head[344:348]) == "n+1\x00" || string(head[344:348]) == "ni1\x00")
	case le == Size2 || be == Size2:
		return string(head[4:12]) == "n+2\x00\r\n\x1a\n" || string(head[4:12]) == "ni2\x00\r\n\x1a\n"
	}
	return false
}
