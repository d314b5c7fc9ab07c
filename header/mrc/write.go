package mrc

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// New returns the header of a new MRC file holding an array of dtype dt and
// the given shape, as mrcfile.new makes one for such an array: a single
// image for a 2-d shape (NY, NX), a volume for a 3-d shape (NZ, NY, NX) and
// a volume stack for a 4-d shape (volumes, MZ, NY, NX); cell angles of 90
// degrees, axes X, Y, Z, unknown statistics and a zero voxel size. The
// header and data are in dt's byte order (little-endian for int8).
//
// To make a 3-d shape a stack of images rather than a volume, as
// mrcfile's set_image_stack does, set SpaceGroup to [ImageStack] and
// Grid[2] to 1 before encoding.
//
// dtypes with no MRC mode (uint8 among them: mrcfile widens it to mode 6,
// which a file mapped in place cannot do) and shapes that are not 2-, 3- or
// 4-d or whose dimensions do not fit the header's 32-bit fields give an
// error.
func New(dt layout.DType, shape []int) (*Header, error) {
	m, ok := mode(dt)
	if !ok {
		return nil, fmt.Errorf("mrc: dtype %v has no MRC mode (int8, int16, uint16, float16, float32, complex64)", dt)
	}
	order := dt.Order
	if order == layout.NotApplicable {
		order = layout.LittleEndian
	}
	for _, d := range shape {
		if d < 0 || d > math.MaxInt32 {
			return nil, fmt.Errorf("mrc: shape %v has a dimension outside 0 to %d", shape, math.MaxInt32)
		}
	}
	h := &Header{
		Mode:      m,
		Angles:    [3]float32{90, 90, 90},
		Axes:      [3]int{1, 2, 3},
		Stats:     UnknownStats(),
		Version:   20141,
		ByteOrder: order,
	}
	switch len(shape) {
	case 2:
		h.SpaceGroup = ImageStack
		h.Size = [3]int{shape[1], shape[0], 1}
	case 3:
		h.SpaceGroup = Volume
		h.Size = [3]int{shape[2], shape[1], shape[0]}
	case 4:
		h.SpaceGroup = VolumeStack
		nz := int64(shape[0]) * int64(shape[1])
		if nz > math.MaxInt32 {
			return nil, fmt.Errorf("mrc: shape %v has %d sections, more than NZ can hold", shape, nz)
		}
		h.Size = [3]int{shape[3], shape[2], int(nz)}
	default:
		return nil, fmt.Errorf("mrc: shape %v is not 2-, 3- or 4-d", shape)
	}
	h.Grid = h.Size
	if len(shape) == 4 {
		h.Grid[2] = shape[1]
	}
	dt.Order = order
	if dt.Size == 1 {
		dt.Order = layout.NotApplicable
	}
	h.Array = header.Header{DType: dt, Shape: slices.Clone(shape), DataOffset: HeaderSize}
	return h, nil
}

// SetVoxelSize sets CELLA so that a voxel is x, y and z ångströms along
// X, Y and Z: the grid sizes MX, MY and MZ times the voxel size, as
// mrcfile's voxel_size setter does.
func (h *Header) SetVoxelSize(x, y, z float64) {
	for i, v := range [3]float64{x, y, z} {
		h.Cell[i] = float32(v * float64(h.Grid[i]))
	}
}

// Encode returns the 1024-byte fixed header of h, in h's byte order, with
// the map ID and machine stamp of MRC2014. The extended header, ExtSize
// bytes, and the data follow it in the file; Array.DataOffset must be
// HeaderSize+ExtSize.
//
// Fields that do not describe Array (a mode for another dtype, sizes for
// another shape), more than ten labels, labels longer than 80 bytes or not
// printable ASCII, and an ExtType longer than 4 bytes give an error.
func (h *Header) Encode() ([]byte, error) {
	b := make([]byte, HeaderSize)
	var o binary.ByteOrder
	switch h.ByteOrder {
	case layout.LittleEndian:
		o = binary.LittleEndian
		copy(b[offMachst:], []byte{0x44, 0x44, 0, 0})
	case layout.BigEndian:
		o = binary.BigEndian
		copy(b[offMachst:], []byte{0x11, 0x11, 0, 0})
	default:
		return nil, fmt.Errorf("mrc: byte order %q is neither little- nor big-endian", h.ByteOrder)
	}
	var bad error
	i32 := func(off int, v int64, name string) {
		if v < math.MinInt32 || v > math.MaxInt32 {
			bad = fmt.Errorf("mrc: %s %d does not fit in 32 bits", name, v)
		}
		o.PutUint32(b[off:], uint32(int32(v)))
	}
	f32 := func(off int, v float32) { o.PutUint32(b[off:], math.Float32bits(v)) }
	for i := range 3 {
		i32(offNX+4*i, int64(h.Size[i]), "NX, NY or NZ")
		i32(offStart+4*i, int64(h.Start[i]), "NXSTART, NYSTART or NZSTART")
		i32(offGrid+4*i, int64(h.Grid[i]), "MX, MY or MZ")
		f32(offCell+4*i, h.Cell[i])
		f32(offAngles+4*i, h.Angles[i])
		i32(offAxes+4*i, int64(h.Axes[i]), "MAPC, MAPR or MAPS")
		f32(offOrigin+4*i, h.Origin[i])
	}
	i32(offMode, int64(h.Mode), "MODE")
	i32(offISPG, int64(h.SpaceGroup), "ISPG")
	i32(offNSYMBT, h.ExtSize, "NSYMBT")
	i32(offVersion, int64(h.Version), "NVERSION")
	putStats(b, o, h.Stats)
	if bad != nil {
		return nil, bad
	}
	if len(h.ExtType) > 4 {
		return nil, fmt.Errorf("mrc: EXTTYP %q is longer than 4 bytes", h.ExtType)
	}
	copy(b[offExtType:offExtType+4], h.ExtType)
	copy(b[offMap:], "MAP ")
	if len(h.Labels) > maxLabels {
		return nil, fmt.Errorf("mrc: %d labels, more than the header's %d", len(h.Labels), maxLabels)
	}
	i32(offNLabl, int64(len(h.Labels)), "NLABL")
	for i, l := range h.Labels {
		if len(l) > labelLen {
			return nil, fmt.Errorf("mrc: label %q is longer than %d bytes", l, labelLen)
		}
		for _, c := range []byte(l) {
			if c < ' ' || c > '~' {
				return nil, fmt.Errorf("mrc: label %q is not printable ASCII", l)
			}
		}
		// Labels are padded with spaces, as the MRC2014 paper and mrcfile
		// pad them.
		lb := b[offLabels+i*labelLen : offLabels+(i+1)*labelLen]
		copy(lb, l)
		for j := len(l); j < labelLen; j++ {
			lb[j] = ' '
		}
	}

	// What parses back must be the array h promises.
	got, err := parse(b, math.MaxInt64)
	if err != nil {
		return nil, fmt.Errorf("mrc: header fields do not describe an array: %w", err)
	}
	if !got.Array.DType.Equal(h.Array.DType) || !slices.Equal(got.Array.Shape, h.Array.Shape) ||
		got.Array.DataOffset != h.Array.DataOffset || h.Array.FortranOrder {
		return nil, fmt.Errorf("mrc: header fields describe %v of shape %v at byte %d, not the Array's %v of shape %v at byte %d",
			got.Array.DType, got.Array.Shape, got.Array.DataOffset, h.Array.DType, h.Array.Shape, h.Array.DataOffset)
	}
	return b, nil
}

func putStats(b []byte, o binary.ByteOrder, s Stats) {
	o.PutUint32(b[offMin:], math.Float32bits(s.Min))
	o.PutUint32(b[offMax:], math.Float32bits(s.Max))
	o.PutUint32(b[offMean:], math.Float32bits(s.Mean))
	o.PutUint32(b[offRMS:], math.Float32bits(s.RMS))
}

// WriteStats writes s into the DMIN, DMAX, DMEAN and RMS fields of the
// file w whose header is h, in h's byte order, and sets h.Stats. It is the
// last step of writing an MRC file, once the data is final.
func (h *Header) WriteStats(w io.WriterAt, s Stats) error {
	var b [HeaderSize]byte
	putStats(b[:], h.ByteOrder.Binary(), s)
	for _, f := range [...]int{offMin, offMax, offMean, offRMS} {
		if _, err := w.WriteAt(b[f:f+4], int64(f)); err != nil {
			return fmt.Errorf("mrc: writing statistics: %w", err)
		}
	}
	h.Stats = s
	return nil
}

// UpdateStats computes the statistics of the data of the file f whose
// header is h and writes them into its header, as mrcfile's
// update_header_stats does when a file is closed.
func (h *Header) UpdateStats(f interface {
	io.ReaderAt
	io.WriterAt
}) error {
	s, err := h.ComputeStats(f)
	if err != nil {
		return err
	}
	return h.WriteStats(f, s)
}

// statsChunk is how many items ComputeStats decodes at a time.
const statsChunk = 1 << 16

// ComputeStats reads the data of the file r whose header is h and returns
// its minimum, maximum, mean and standard deviation (RMS), computed in
// float64 and rounded to float32. As in NumPy, a NaN anywhere makes all
// four NaN. Complex data has no order, so only RMS is computed, from the
// distances to the complex mean; the rest are the unknown values, as
// mrcfile leaves them. An empty array gives [UnknownStats].
func (h *Header) ComputeStats(r io.ReaderAt) (Stats, error) {
	dt := h.Array.DType
	n := h.Array.Count()
	if n <= 0 {
		return UnknownStats(), nil
	}
	o := dt.Order.Binary()
	buf := make([]byte, statsChunk*dt.Size)
	vals := make([]float64, 0, 2*statsChunk)
	var re, im moments
	mn, mx := math.Inf(1), math.Inf(-1)
	hasNaN := false
	off := h.Array.DataOffset
	for left := n; left > 0; {
		k := min(left, statsChunk)
		p := buf[:k*int64(dt.Size)]
		if got, err := r.ReadAt(p, off); got < len(p) {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return Stats{}, fmt.Errorf("mrc: reading data for statistics: %w", err)
		}
		off += int64(len(p))
		left -= k
		vals = decode(vals[:0], p, dt, o)
		if dt.Kind == layout.Complex {
			re.addStrided(vals, 0)
			im.addStrided(vals, 1)
			continue
		}
		for _, v := range vals {
			switch {
			case v != v:
				hasNaN = true
			case v < mn:
				mn = v
			}
			if v > mx {
				mx = v
			}
		}
		re.addStrided(vals, -1)
	}
	if dt.Kind == layout.Complex {
		s := UnknownStats()
		s.RMS = float32(math.Sqrt((re.m2 + im.m2) / float64(re.n)))
		return s, nil
	}
	if hasNaN {
		nan := float32(math.NaN())
		return Stats{nan, nan, nan, nan}, nil
	}
	return Stats{
		Min:  float32(mn),
		Max:  float32(mx),
		Mean: float32(re.mean),
		RMS:  float32(math.Sqrt(re.m2 / float64(re.n))),
	}, nil
}

// moments accumulates a count, mean and sum of squared deviations,
// merging one chunk at a time so that large offsets do not cancel
// (Chan, Golub and LeVeque's pairwise update).
type moments struct {
	n        int64
	mean, m2 float64
}

// addStrided adds vals[part], vals[part+2], ... when part is 0 or 1, and
// all of vals when part is -1.
func (m *moments) addStrided(vals []float64, part int) {
	start, step := 0, 1
	if part >= 0 {
		start, step = part, 2
	}
	var sum float64
	var k int64
	for i := start; i < len(vals); i += step {
		sum += vals[i]
		k++
	}
	if k == 0 {
		return
	}
	mean := sum / float64(k)
	var m2 float64
	for i := start; i < len(vals); i += step {
		d := vals[i] - mean
		m2 += d * d
	}
	n := m.n + k
	d := mean - m.mean
	m.m2 += m2 + d*d*float64(m.n)*float64(k)/float64(n)
	m.mean += d * float64(k) / float64(n)
	m.n = n
}

// decode appends the values of the items in p, of dtype dt in byte order
// o, to dst: complex items as two values, real then imaginary.
func decode(dst []float64, p []byte, dt layout.DType, o binary.ByteOrder) []float64 {
	switch {
	case dt.Kind == layout.Int && dt.Size == 1:
		for _, c := range p {
			dst = append(dst, float64(int8(c)))
		}
	case dt.Kind == layout.Int && dt.Size == 2:
		for i := 0; i < len(p); i += 2 {
			dst = append(dst, float64(int16(o.Uint16(p[i:]))))
		}
	case dt.Kind == layout.Uint && dt.Size == 2:
		for i := 0; i < len(p); i += 2 {
			dst = append(dst, float64(o.Uint16(p[i:])))
		}
	case dt.Kind == layout.Float && dt.Size == 2:
		for i := 0; i < len(p); i += 2 {
			dst = append(dst, layout.Float16(o.Uint16(p[i:])).Float64())
		}
	default: // float32 and complex64: float32 parts
		for i := 0; i < len(p); i += 4 {
			dst = append(dst, float64(math.Float32frombits(o.Uint32(p[i:]))))
		}
	}
	return dst
}
