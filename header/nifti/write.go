package nifti

import (
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// New returns the NIfTI-1 header of a single .nii file holding an array of
// dtype dt and the given shape (1 to 7 axes of at most 32767 voxels), in
// Fortran order from byte [MinOffset1]: voxel sizes of 1, no scaling, no
// qform or sform, and dt's byte order (little-endian for one-byte types).
// Set Pair and Array.DataOffset (usually 0) for the header of a .hdr/.img
// pair, and the other fields as needed, before [Header.Encode].
//
// dtypes with no NIfTI datatype give an error; the RGB24 and RGBA32
// datatypes are the records of uint8 fields R, G, B (and A) that Read
// returns for them.
func New(dt layout.DType, shape []int) (*Header, error) {
	code, ok := datatype(dt)
	if !ok {
		return nil, fmt.Errorf("nifti: dtype %v has no NIfTI datatype", dt)
	}
	if len(shape) < 1 || len(shape) > 7 {
		return nil, fmt.Errorf("nifti: shape %v does not have 1 to 7 axes", shape)
	}
	for _, d := range shape {
		if d < 0 || d > math.MaxInt16 {
			return nil, fmt.Errorf("nifti: shape %v has a dimension outside 0 to %d, which NIfTI-1 cannot hold", shape, math.MaxInt16)
		}
	}
	order := dt.Order
	if order == layout.NotApplicable {
		order = layout.LittleEndian
	}
	h := &Header{
		Version:   1,
		ByteOrder: order,
		Datatype:  code,
		Bitpix:    8 * dt.Size,
		Scale:     header.Scale{Slope: 1},
		PixDim:    [8]float64{1, 1, 1, 1, 1, 1, 1, 1},
		Array:     header.Header{DType: dt, Shape: slices.Clone(shape), FortranOrder: true, DataOffset: MinOffset1},
	}
	return h, nil
}

// datatype returns the datatype code of dt.
func datatype(dt layout.DType) (int, bool) {
	for _, code := range []int{2, 4, 8, 16, 32, 64, 128, 256, 512, 768, 1024, 1280, 1792, 2304} {
		want, _ := dtype(code, dt.Order)
		if want.Kind == layout.Struct {
			if dt.Equal(want) {
				return code, true
			}
			continue
		}
		if want.Kind == dt.Kind && want.Size == dt.Size {
			return code, true
		}
	}
	return 0, false
}

// Encode returns the NIfTI-1 header bytes of h in h's byte order: 352 bytes
// (the header and an extension flag saying no extensions follow) for a
// .nii file, whose data starts at Array.DataOffset, at least 352; or the
// 348 bytes of a pair's .hdr file. NIfTI-2 headers are not written.
//
// Fields that do not describe Array, or do not fit NIfTI-1's fields (a
// dimension above 32767, a data offset that float32 cannot hold exactly,
// texts longer than their fields), give an error.
func (h *Header) Encode() ([]byte, error) {
	if h.Version != 1 {
		return nil, fmt.Errorf("nifti: cannot write a NIfTI-%d header, only NIfTI-1", h.Version)
	}
	var o binary.ByteOrder
	switch h.ByteOrder {
	case layout.LittleEndian:
		o = binary.LittleEndian
	case layout.BigEndian:
		o = binary.BigEndian
	default:
		return nil, fmt.Errorf("nifti: byte order %q is neither little- nor big-endian", h.ByteOrder)
	}
	a := &h.Array
	if !a.FortranOrder {
		return nil, fmt.Errorf("nifti: the array must be in Fortran order")
	}
	if len(a.Shape) < 1 || len(a.Shape) > 7 {
		return nil, fmt.Errorf("nifti: shape %v does not have 1 to 7 axes", a.Shape)
	}
	off := a.DataOffset
	if off < 0 || off > 1<<24 || !h.Pair && off < MinOffset1 {
		return nil, fmt.Errorf("nifti: data offset %d is outside %d to %d", off, map[bool]int{true: 0, false: MinOffset1}[h.Pair], 1<<24)
	}
	b := make([]byte, MinOffset1)
	var bad error
	i16 := func(at int, v int64, name string) {
		if v < math.MinInt16 || v > math.MaxInt16 {
			bad = fmt.Errorf("nifti: %s %d does not fit in 16 bits", name, v)
		}
		o.PutUint16(b[at:], uint16(int16(v)))
	}
	u8 := func(at int, v int, name string) {
		if v < 0 || v > math.MaxUint8 {
			bad = fmt.Errorf("nifti: %s %d does not fit in a byte", name, v)
		}
		b[at] = byte(v)
	}
	f32 := func(at int, v float64) { o.PutUint32(b[at:], math.Float32bits(float32(v))) }
	str := func(at, n int, s, name string) {
		if len(s) > n {
			bad = fmt.Errorf("nifti: %s %q is longer than %d bytes", name, s, n)
			return
		}
		copy(b[at:at+n], s)
	}

	o.PutUint32(b[0:], Size1)
	u8(39, h.DimInfo, "dim_info")
	i16(40, int64(len(a.Shape)), "dim[0]")
	for i := 1; i < 8; i++ {
		d := 1 // unused dimensions are 1, as nibabel writes them
		if i <= len(a.Shape) {
			d = a.Shape[i-1]
		}
		i16(40+2*i, int64(d), fmt.Sprintf("dim[%d]", i))
	}
	for i := range 3 {
		f32(56+4*i, h.IntentP[i])
	}
	i16(68, int64(h.IntentCode), "intent_code")
	i16(70, int64(h.Datatype), "datatype")
	i16(72, int64(h.Bitpix), "bitpix")
	i16(74, h.SliceStart, "slice_start")
	for i, p := range h.PixDim {
		f32(76+4*i, p)
	}
	f32(108, float64(off))
	f32(112, h.Scale.Slope)
	f32(116, h.Scale.Inter)
	i16(120, h.SliceEnd, "slice_end")
	u8(122, h.SliceCode, "slice_code")
	u8(123, h.XYZTUnits, "xyzt_units")
	f32(124, h.CalMax)
	f32(128, h.CalMin)
	f32(132, h.SliceDuration)
	f32(136, h.TOff)
	str(148, 80, h.Descrip, "descrip")
	str(228, 24, h.AuxFile, "aux_file")
	i16(252, int64(h.QFormCode), "qform_code")
	i16(254, int64(h.SFormCode), "sform_code")
	for i := range 3 {
		f32(256+4*i, h.Quatern[i])
		f32(268+4*i, h.QOffset[i])
		for j := range 4 {
			f32(280+16*i+4*j, h.SRow[i][j])
		}
	}
	str(328, 16, h.IntentName, "intent_name")
	if h.Pair {
		copy(b[344:], "ni1\x00")
	} else {
		copy(b[344:], "n+1\x00")
	}
	if bad != nil {
		return nil, bad
	}

	// What parses back must be the array h promises.
	d := decoder{b: b, o: o}
	var got Header
	got.Version, got.ByteOrder = 1, h.ByteOrder
	if err := d.parse1(&got); err != nil {
		return nil, fmt.Errorf("nifti: header fields do not describe an array: %w", err)
	}
	if !got.Array.DType.Equal(a.DType) || !slices.Equal(got.Array.Shape, a.Shape) || got.Array.DataOffset != off {
		return nil, fmt.Errorf("nifti: header fields describe %v of shape %v, not the Array's %v of shape %v",
			got.Array.DType, got.Array.Shape, a.DType, a.Shape)
	}
	if h.Pair {
		return b[:Size1], nil
	}
	return b, nil
}
