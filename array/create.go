package array

import (
	"fmt"
	"io"
	"math"
	"os"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// Create creates a .npy file at path for an array of T of the given shape
// in C order, as NumPy's open_memmap does with mode 'w+', and returns it
// mapped ReadWrite: every element reads as zero until it is written through
// the array's views. The file is sparse where the file system allows, so
// creating a file far bigger than RAM is quick, and only the pages written
// take space; with the [Preallocate] option its space is reserved instead,
// so that a full device is an error from Create rather than a fault when a
// page is written.
//
// The file is made apart from path, with its header written and its full
// size set, and takes path's name only then, replacing any file there, as
// [Save] replaces one (keeping its mode, writing through a symbolic link):
// a Create that fails or is killed leaves the old file, or nothing, at
// path — on Linux nothing else either, as the file is made unnamed — and
// from the moment Create returns, the file at path is a .npy file NumPy
// loads, of the full shape. Writes then go to the file in place: a process
// that is killed loses nothing it wrote (its pages are in the system's page
// cache), while a machine that stops may lose writes made since the last
// [View.Flush], which then read as zeros or as older values. Close flushes
// and returns once the data is on the device.
//
// Create panics if a dimension is negative.
func Create[T Element](path string, shape []int, opts ...Option) (*Array[T], error) {
	return typedOrClose[T](CreateFile(path, header.Header{DType: mustDType[T](), Shape: shape}, opts...))
}

// CreateFile creates a .npy file at path for the array h describes — any
// dtype, records, strings and datetimes included, in C or Fortran
// (h.FortranOrder) order — and returns it mapped ReadWrite, as [Create]
// does. Its header is byte for byte the one NumPy's open_memmap writes for
// the same dtype, shape and order; version 2.0 or 3.0 is chosen, as NumPy
// chooses it, for headers that need it, unless h.Version asks for one.
// h.DataOffset is ignored.
//
// With the [Format] option, Create and CreateFile make a file of that format
// instead, as [CreateFormatFile] does, with the metadata that format's New
// function gives and the format's own order (h.FortranOrder is ignored).
//
// CreateFile panics if a dimension is negative.
func CreateFile(path string, h header.Header, opts ...Option) (*File, error) {
	if o := makeOptions(opts); o.format != "" && o.format != "npy" {
		return createDefault(path, h, o)
	}
	checkShape("CreateFile", h.Shape)
	h.Shape = append([]int{}, h.Shape...)
	if _, err := layout.ByteSize(h.Shape, h.DType.Size); err != nil {
		return nil, &detailError{msg: fmt.Sprintf("array: %s: shape %v of %s is too large", path, h.Shape, h.DType), errs: []error{err}}
	}
	b, err := header.Encode(h)
	if err != nil {
		return nil, pathError("create", path, err)
	}
	h.Version = header.Version{Major: b[6], Minor: b[7]}
	h.DataOffset = int64(len(b))
	return createMapped(path, b, h, makeOptions(opts))
}

// CreateRaw creates a raw file at path for an array of T of the given
// shape, as [CreateRawFile] does, and returns it mapped ReadWrite. A
// description whose DType is left zero takes T's, as for [OpenRaw], and
// otherwise T must match it. [OpenRaw] with the same d reads the file back.
//
// CreateRaw panics if a dimension is negative.
func CreateRaw[T Element](path string, d header.Describer, shape []int, opts ...Option) (*Array[T], error) {
	return typedOrClose[T](CreateRawFile(path, withType[T](d), shape, opts...))
}

// CreateRawFile creates a headerless file at path for an array of the given
// shape and returns it mapped ReadWrite; see [Create] for what a crash
// leaves. d is a [header.Raw] or a [header.Record]:
//
//   - a Raw gives the data's offset (zero bytes come before it, as
//     np.memmap with mode 'w+' writes them), dtype and order; its Shape, if
//     not nil, must agree with shape, where a -1 in it matches any length;
//   - a Record gives the record the file starts with, whose fields named in
//     its Shape are set to the dimensions of shape (in the record's byte
//     order; its other bytes are zero), then the data's dtype, order and
//     offset (right after the record when DataOffset is zero).
//
// A description that cannot be right is an error naming the field, as is a
// dimension that does not fit in its field (a float field must hold it
// exactly).
//
// CreateRawFile panics if d is neither a Raw nor a Record or a dimension is
// negative.
func CreateRawFile(path string, d header.Describer, shape []int, opts ...Option) (*File, error) {
	checkShape("CreateRawFile", shape)
	if err := checkDescription(path, d, -1); err != nil {
		return nil, err
	}
	switch d := deref(d).(type) {
	case header.Raw:
		if d.Shape != nil && !shapeMatches(d.Shape, shape) {
			return nil, fmt.Errorf("array: %s: header.Raw.Shape %v does not agree with shape %v", path, d.Shape, shape)
		}
		h := header.Header{DType: d.DType, Shape: append([]int{}, shape...), FortranOrder: d.FortranOrder, DataOffset: d.Offset}
		if _, err := layout.ByteSize(h.Shape, d.DType.Size); err != nil {
			return nil, &detailError{msg: fmt.Sprintf("array: %s: shape %v of %s is too large", path, h.Shape, h.DType), errs: []error{err}}
		}
		return createMapped(path, make([]byte, d.Offset), h, makeOptions(opts))
	case header.Record:
		return createRecord(path, d, shape, makeOptions(opts))
	}
	panic(fmt.Sprintf("array: CreateRawFile with a %T, not a header.Raw or header.Record", d))
}

// shapeMatches reports whether shape is what the description's shape
// allows, a -1 matching any length.
func shapeMatches(desc, shape []int) bool {
	if len(desc) != len(shape) {
		return false
	}
	for i, n := range desc {
		if n != -1 && n != shape[i] {
			return false
		}
	}
	return true
}

// createRecord makes the file of a header.Record description.
func createRecord(path string, rec header.Record, shape []int, o options) (*File, error) {
	if len(shape) != len(rec.Shape) {
		return nil, fmt.Errorf("array: %s: %d dimensions for the %d fields of header.Record.Shape", path, len(shape), len(rec.Shape))
	}
	off := rec.DataOffset
	if off == 0 {
		off = int64(rec.Header.Size)
	}
	if off < int64(rec.Header.Size) {
		return nil, fmt.Errorf("array: %s: header.Record.DataOffset %d would overlap the %d-byte header record", path, off, rec.Header.Size)
	}
	prefix := make([]byte, off)
	for i, name := range rec.Shape {
		fd, _ := rec.Header.Field(name) // checkDescription found it
		if err := putDim(prefix[fd.Offset:fd.Offset+fd.Type.Size], fd, shape[i]); err != nil {
			return nil, fmt.Errorf("array: %s: %w", path, err)
		}
	}
	h := header.Header{DType: rec.DType, Shape: append([]int{}, shape...), FortranOrder: rec.FortranOrder, DataOffset: off}
	size, err := layout.ByteSize(h.Shape, rec.DType.Size)
	if err != nil {
		return nil, &detailError{msg: fmt.Sprintf("array: %s: shape %v of %s is too large", path, h.Shape, h.DType), errs: []error{err}}
	}
	// Read the file to be made as a reader will, so that what is made is
	// what rec describes.
	got, err := rec.Describe(zeroTail{prefix, off + size}, off+size)
	if err != nil || got.DataOffset != off || !shapeMatches(got.Shape, shape) {
		return nil, fmt.Errorf("array: %s: the header record does not read back as shape %v (%v)", path, shape, err)
	}
	return createMapped(path, prefix, h, o)
}

// putDim stores the dimension n in the field fd's bytes b.
func putDim(b []byte, fd layout.Field, n int) error {
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
			return fmt.Errorf("shape field %q is %s: dimensions are written to integer, float32 and float64 fields", fd.Name, fd.Type)
		}
		if x >= 1<<63 || int64(x) != int64(n) {
			return fmt.Errorf("dimension %d is not exact in field %q of type %s", n, fd.Name, fd.Type)
		}
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
// and returns it as a File that Close flushes.
//
// The file is made apart from path (see newfile.go): the prefix written,
// the size set (or the space reserved), both synced so that the name never
// comes to the device before them, and only then does it take path's
// name, replacing what was there. A kill or a failure before that leaves
// the old file, or nothing, at path; after it, a .npy file of the full
// shape.
func createMapped(path string, prefix []byte, h header.Header, o options) (*File, error) {
	size := h.DataSize()
	if total := uint64(len(prefix)) + uint64(size); size < 0 || total > math.MaxInt {
		return nil, &detailError{msg: fmt.Sprintf("array: %s: a file of %d bytes is too large for the address space", path, total), errs: []error{mmap.ErrTooLarge}}
	}
	total := int64(len(prefix)) + size
	t, err := resolveTarget(path)
	if err != nil {
		return nil, err
	}
	n, err := createNew(t)
	if err != nil {
		return nil, err
	}
	// The errors of os name the file, and those of mmap too.
	fail := func(err error) (*File, error) {
		n.abort()
		return nil, err
	}
	if _, err := n.WriteAt(prefix, 0); err != nil {
		return fail(n.named(err))
	}
	if o.preallocate {
		err = mmap.Preallocate(n.File, total)
	} else {
		err = n.Truncate(total)
	}
	if err != nil {
		return fail(pathError("create", path, n.named(err)))
	}
	if err := mmap.SyncData(n.File); err != nil {
		return fail(pathError("create", path, err))
	}
	if err := n.commit(); err != nil {
		return fail(err)
	}
	m, err := mmap.MapRegion(n.File, mmap.ReadWrite, 0, total)
	if err != nil {
		n.Close()
		os.Remove(t.real)
		return nil, err
	}
	f := &File{path: path, hdr: h, m: m, os: newShared(n.File), dataOff: h.DataOffset, writable: true, sync: true}
	f.data = m.Bytes()[h.DataOffset:total]
	return f, nil
}

// zeroTail reads as b followed by zeros, up to size bytes: a file about to
// be made, whose data is all zeros.
type zeroTail struct {
	b    []byte
	size int64
}

func (z zeroTail) ReadAt(p []byte, off int64) (int, error) {
	if off >= z.size {
		return 0, io.EOF
	}
	n := len(p)
	if int64(n) > z.size-off {
		n = int(z.size - off)
	}
	for i := range p[:n] {
		p[i] = 0
	}
	if off < int64(len(z.b)) {
		copy(p[:n], z.b[off:])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
