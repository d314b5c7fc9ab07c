package array

import (
	"fmt"
	"math"
	"os"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// Create creates a .npy file at path for an array of T of the given shape
// in C order, as NumPy's open_memmap does with mode 'w+', and returns it
// mapped ReadWrite: every element reads as zero until it is written through
// the array's views. An existing file at path is truncated. The file is
// sparse where the file system allows, so creating a file far bigger than
// RAM is quick, and only the pages written take space.
//
// The header is written first and the file has its full size from the
// start, so at every moment it is a .npy file NumPy loads, of the full
// shape. Writes go to the file in place, not to a temporary file: a process
// that is killed loses nothing it wrote (its pages are in the system's page
// cache), while a machine that stops may lose writes made since the last
// [File.Flush], which then read as zeros or as older values. Close flushes
// and returns once the data is on the device.
//
// Create panics if a dimension is negative.
func Create[T Element](path string, shape ...int) (*Array[T], error) {
	dt, err := layout.For[T]()
	if err != nil {
		panic("array: " + err.Error())
	}
	f, err := CreateFile(path, dt, shape, false)
	if err != nil {
		return nil, err
	}
	return typedOrClose[T](f)
}

// CreateFile creates a .npy file at path for an array of any dtype —
// records, strings, datetimes, other byte orders — of the given shape,
// in Fortran (column-major) order if fortran is set, and returns it mapped
// ReadWrite, as [Create] does. Its header is byte for byte the one NumPy's
// open_memmap writes for the same dtype, shape and order; version 2.0 or
// 3.0 is chosen, as NumPy chooses it, for headers that need it.
//
// CreateFile panics if a dimension is negative.
func CreateFile(path string, dt layout.DType, shape []int, fortran bool) (*File, error) {
	checkShape("CreateFile", shape)
	h := header.Header{DType: dt, Shape: append([]int{}, shape...), FortranOrder: fortran}
	if _, err := layout.ByteSize(h.Shape, dt.Size); err != nil {
		return nil, fmt.Errorf("array: %s: %w", path, err)
	}
	b, err := header.Encode(h)
	if err != nil {
		return nil, fmt.Errorf("array: %s: %w", path, err)
	}
	h.Version = header.Version{Major: b[6], Minor: b[7]}
	h.DataOffset = int64(len(b))
	return createMapped(path, b, h)
}

// CreateRaw creates a headerless file at path as np.memmap does with mode
// 'w+': d.Offset zero bytes, then zeroed data of d.DType and d.Shape (nil
// Shape is not allowed: it is 1-d over the rest of a file that does not
// exist yet). It returns the file mapped ReadWrite; see [Create] for what a
// crash leaves.
//
// CreateRaw panics if d.Offset is negative, d.Shape is nil or has a negative
// dimension.
func CreateRaw(path string, d header.Raw) (*File, error) {
	if d.Offset < 0 {
		panic(fmt.Sprintf("array: CreateRaw with negative offset %d", d.Offset))
	}
	if d.Shape == nil {
		panic("array: CreateRaw needs a shape")
	}
	checkShape("CreateRaw", d.Shape)
	h := header.Header{DType: d.DType, Shape: append([]int{}, d.Shape...), FortranOrder: d.FortranOrder, DataOffset: d.Offset}
	if _, err := layout.ByteSize(h.Shape, d.DType.Size); err != nil {
		return nil, fmt.Errorf("array: %s: %w", path, err)
	}
	return createMapped(path, make([]byte, d.Offset), h)
}

// CreateWithHeader creates a raw file at path that starts with the record
// rec.Header, whose fields named in rec.Shape are set to the dimensions
// of shape (in the record's byte order; its other bytes are zero), followed
// by zeroed data of T in the given shape at rec.DataOffset. It returns the
// file mapped ReadWrite, as [Create] does; [OpenWithHeader] with the same rec
// reads it back. rec.DType may be left zero to mean T's own dtype; otherwise
// T must match it.
//
// It returns an error if a dimension does not fit in its field (a float
// field must hold it exactly).
//
// CreateWithHeader panics if rec is not valid as [header.Record.Describe]
// requires, if len(shape) differs from len(rec.Shape), if a dimension is
// negative, or if rec.DataOffset is nonzero and less than the record's
// size.
func CreateWithHeader[T Element](path string, rec header.Record, shape ...int) (*Array[T], error) {
	if rec.DType.Kind == layout.Invalid {
		dt, err := layout.For[T]()
		if err != nil {
			panic("array: " + err.Error())
		}
		rec.DType = dt
	}
	f, err := CreateRecord(path, rec, shape)
	if err != nil {
		return nil, err
	}
	return typedOrClose[T](f)
}

// CreateRecord is [CreateWithHeader] for items of any dtype, rec.DType,
// returning the untyped [File].
func CreateRecord(path string, rec header.Record, shape []int) (*File, error) {
	if rec.Header.Kind != layout.Struct {
		panic("array: CreateRecord: the header record is not a struct")
	}
	if len(shape) != len(rec.Shape) {
		panic(fmt.Sprintf("array: CreateRecord: %d dimensions for %d shape fields", len(shape), len(rec.Shape)))
	}
	checkShape("CreateRecord", shape)
	off := rec.DataOffset
	if off == 0 {
		off = int64(rec.Header.Size)
	}
	if off < int64(rec.Header.Size) {
		panic(fmt.Sprintf("array: CreateRecord: data at byte %d would overlap the %d-byte header record", off, rec.Header.Size))
	}
	prefix := make([]byte, off)
	for i, name := range rec.Shape {
		fd, ok := rec.Header.Field(name)
		if !ok {
			panic(fmt.Sprintf("array: CreateRecord: no field %q in the header record %s", name, rec.Header))
		}
		if err := putDim(prefix[fd.Offset:fd.Offset+fd.Type.Size], fd, shape[i]); err != nil {
			return nil, fmt.Errorf("array: %s: %w", path, err)
		}
	}
	h := header.Header{DType: rec.DType, Shape: append([]int{}, shape...), FortranOrder: rec.FortranOrder, DataOffset: off}
	size, err := layout.ByteSize(h.Shape, rec.DType.Size)
	if err != nil {
		return nil, fmt.Errorf("array: %s: %w", path, err)
	}
	f, err := createMapped(path, prefix, h)
	if err != nil {
		return nil, err
	}
	// Read the file back as a reader will, so that what was made is what
	// rec describes.
	got, err := rec.Describe(f.m, off+size)
	if err != nil || got.DataOffset != off || fmt.Sprint(got.Shape) != fmt.Sprint(h.Shape) {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("array: %s: the header record does not read back as shape %v: %v", path, shape, err)
	}
	return f, nil
}

// putDim stores the dimension n in the field fd's bytes b.
func putDim(b []byte, fd layout.Field, n int) error {
	if len(fd.Shape) != 0 {
		panic(fmt.Sprintf("array: CreateRecord: shape field %q is a sub-array", fd.Name))
	}
	order := fd.Type.Order.Binary()
	u := uint64(n)
	bits := 8 * fd.Type.Size
	switch fd.Type.Kind {
	case layout.Int:
		if bits < 64 && u >= 1<<(bits-1) {
			return fmt.Errorf("dimension %d does not fit in field %q of type %s", n, fd.Name, fd.Type)
		}
	case layout.Uint:
		if bits < 64 && u >= 1<<bits {
			return fmt.Errorf("dimension %d does not fit in field %q of type %s", n, fd.Name, fd.Type)
		}
	case layout.Float:
		var x float64
		switch fd.Type.Size {
		case 4:
			f := float32(n)
			x, u = float64(f), uint64(math.Float32bits(f))
		case 8:
			x = float64(n)
			u = math.Float64bits(x)
		default:
			panic(fmt.Sprintf("array: CreateRecord: shape field %q is %s, not an integer, float32 or float64", fd.Name, fd.Type))
		}
		if x >= 1<<63 || int64(x) != int64(n) {
			return fmt.Errorf("dimension %d is not exact in field %q of type %s", n, fd.Name, fd.Type)
		}
	default:
		panic(fmt.Sprintf("array: CreateRecord: shape field %q is %s, not an integer or float", fd.Name, fd.Type))
	}
	switch fd.Type.Size {
	case 1:
		b[0] = byte(u)
	case 2:
		order.PutUint16(b, uint16(u))
	case 4:
		order.PutUint32(b, uint32(u))
	case 8:
		order.PutUint64(b, u)
	}
	return nil
}

func checkShape(fn string, shape []int) {
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("array: %s with negative dimension in shape %v", fn, shape))
		}
	}
}

// createMapped creates the file at path holding prefix followed by the
// zeroed data h describes (h.DataOffset is len(prefix)), maps it ReadWrite
// and returns it as a File that Close flushes. On failure nothing is left
// at path.
func createMapped(path string, prefix []byte, h header.Header) (*File, error) {
	size := h.DataSize()
	total := int64(len(prefix)) + size
	if size < 0 || total < size || uint64(total) > math.MaxInt {
		return nil, fmt.Errorf("array: %s: %d-byte file: %w", path, total, mmap.ErrTooLarge)
	}
	osf, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
	if err != nil {
		return nil, fmt.Errorf("array: %w", err)
	}
	fail := func(err error) (*File, error) {
		osf.Close()
		os.Remove(path)
		return nil, fmt.Errorf("array: %s: %w", path, err)
	}
	if err := osf.Truncate(total); err != nil {
		return fail(err)
	}
	if _, err := osf.WriteAt(prefix, 0); err != nil {
		return fail(err)
	}
	m, err := mmap.MapRegion(osf, mmap.ReadWrite, 0, total)
	if err != nil {
		return fail(err)
	}
	f := &File{path: path, hdr: h, m: m, os: osf, dataOff: h.DataOffset, writable: true, sync: true}
	f.data = m.Bytes()[h.DataOffset:total]
	return f, nil
}
