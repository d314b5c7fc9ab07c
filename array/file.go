package array

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"sync/atomic"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// Errors returned by this package, compared with errors.Is.
var (
	// ErrClosed is the cause of the panic when a view of a closed file is read.
	ErrClosed = errors.New("array: file is closed")
	// ErrReadOnly is returned by writes to a view of a file opened ReadOnly.
	ErrReadOnly = errors.New("array: read-only")
	// ErrType is returned when a file's dtype does not hold the Go type asked for.
	ErrType = errors.New("array: dtype does not match the Go type")
	// ErrLayout is returned when the bytes of a view do not allow what was
	// asked in place (a []T over the mapping, a reshape without copying).
	ErrLayout = errors.New("array: layout does not allow it")
)

// DefaultMaxInflated is how many bytes a deflated .npz member may inflate to
// unless [MaxInflated] says otherwise: 1 GiB.
const DefaultMaxInflated = 1 << 30

// An Option adjusts how a file is opened.
type Option func(*options)

type options struct {
	maxHeaderLen int
	maxInflated  int64
}

// MaxHeaderLen raises (or lowers) the longest .npy header text that is read,
// [header.DefaultMaxHeaderLen] by default. NumPy writes longer headers for
// records of thousands of fields.
func MaxHeaderLen(n int) Option { return func(o *options) { o.maxHeaderLen = n } }

// MaxInflated sets how many bytes a deflated .npz member may inflate to,
// [DefaultMaxInflated] by default.
func MaxInflated(n int64) Option { return func(o *options) { o.maxInflated = n } }

func makeOptions(opts []Option) options {
	o := options{maxInflated: DefaultMaxInflated}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// File is an open array file: a .npy file, a raw file, or a member of a .npz
// archive, mapped into memory (or, for a deflated member, inflated into it).
// Its views come from [File.Items] or, typed, from [Typed] and [Open].
//
// Close unmaps the file. Views of it keep the mapping alive while they are
// reachable, so forgetting Close leaks nothing for long; but after Close,
// reading or writing through a view panics.
type File struct {
	path     string
	member   string // .npz member name, or ""
	hdr      header.Header
	m        *mmap.Map // nil when the data is in memory
	os       *os.File  // kept open for mappings made from it, or nil
	data     []byte    // the array's bytes: part of m.Bytes(), or memory
	dataOff  int64     // offset of data[0] in m.Bytes()
	writable bool
	sync     bool // Close flushes the mapping and syncs the file: files this package created
	closed   atomic.Bool
}

// memoryFile stands behind views of Go memory: never closed, always writable.
var memoryFile = &File{path: "memory", writable: true}

// OpenFile opens the .npy file at path, mapping it in the given mode, and
// reads its header. Any dtype is accepted; see [Typed] and [Field] for typed
// views.
func OpenFile(path string, mode mmap.Mode, opts ...Option) (*File, error) {
	o := makeOptions(opts)
	return OpenRaw(path, mode, header.NPY{MaxHeaderLen: o.maxHeaderLen})
}

// OpenRaw opens the file at path, mapping it in the given mode, and finds its
// array data with d: a [header.Raw] for data at a fixed offset (like
// np.memmap), a [header.Record] for data whose shape a record at the start of
// the file gives, or a [header.NPY].
func OpenRaw(path string, mode mmap.Mode, d header.Describer) (*File, error) {
	m, err := mmap.Open(path, mode)
	if err != nil {
		return nil, fmt.Errorf("array: %w", err)
	}
	hdr, err := d.Describe(m, int64(m.Len()))
	if err != nil {
		m.Close()
		return nil, fmt.Errorf("array: %s: %w", path, err)
	}
	f := &File{path: path, hdr: *hdr, m: m, dataOff: hdr.DataOffset, writable: mode != mmap.ReadOnly}
	f.data = m.Bytes()[hdr.DataOffset : hdr.DataOffset+hdr.DataSize()]
	return f, nil
}

// OpenMember opens the member of the .npz archive at path whose name is
// member (with or without ".npy"). A stored member (np.savez) is mapped in
// place; its data is usually not aligned, so typed reads take the slower
// exact path. A deflated member (np.savez_compressed) is inflated into
// memory, up to [DefaultMaxInflated] bytes unless [MaxInflated] says
// otherwise.
//
// The mode may be ReadOnly or CopyOnWrite: writing into an archive in place
// would leave its checksums wrong, so ReadWrite is refused.
func OpenMember(path, member string, mode mmap.Mode, opts ...Option) (*File, error) {
	o := makeOptions(opts)
	if mode == mmap.ReadWrite {
		return nil, fmt.Errorf("array: %s: member %q: ReadWrite would leave the archive's checksums wrong; use CopyOnWrite", path, member)
	}
	osf, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("array: %w", err)
	}
	f, err := openMember(osf, path, member, mode, o)
	if err != nil {
		osf.Close()
		return nil, err
	}
	return f, nil
}

func openMember(osf *os.File, path, member string, mode mmap.Mode, o options) (*File, error) {
	st, err := osf.Stat()
	if err != nil {
		return nil, fmt.Errorf("array: %w", err)
	}
	arch, err := header.NPY{MaxHeaderLen: o.maxHeaderLen}.ReadArchive(osf, st.Size())
	if err != nil {
		return nil, fmt.Errorf("array: %s: %w", path, err)
	}
	mem, ok := arch.Lookup(member)
	if !ok {
		return nil, fmt.Errorf("array: %s: no member %q", path, member)
	}
	if mem.Header == nil {
		return nil, fmt.Errorf("array: %s: member %q is not a .npy array", path, mem.Name)
	}
	hdr := *mem.Header
	f := &File{path: path, member: mem.Name, hdr: hdr, writable: mode != mmap.ReadOnly}
	switch mem.Method {
	case zip.Store: // the array's bytes lie in the archive as they are
		f.hdr.DataOffset = mem.DataOffset
		m, err := mmap.MapRegion(osf, mode, mem.DataOffset, hdr.DataSize())
		if err != nil {
			return nil, fmt.Errorf("array: %s: member %q: %w", path, mem.Name, err)
		}
		f.m, f.os, f.data = m, osf, m.Bytes()
		return f, nil
	default:
		if mem.UncompressedSize > o.maxInflated {
			return nil, fmt.Errorf("array: %s: member %q inflates to %d bytes, over the limit of %d (see MaxInflated)", path, mem.Name, mem.UncompressedSize, o.maxInflated)
		}
		end := hdr.DataOffset + hdr.DataSize()
		if end > mem.UncompressedSize {
			return nil, fmt.Errorf("array: %s: member %q: data needs %d bytes, member has %d", path, mem.Name, end, mem.UncompressedSize)
		}
		rc, err := mem.Open()
		if err != nil {
			return nil, fmt.Errorf("array: %s: member %q: %w", path, mem.Name, err)
		}
		buf := make([]byte, end)
		_, err = io.ReadFull(rc, buf)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("array: %s: member %q: %w", path, mem.Name, err)
		}
		// The header read from the central directory's view of the member
		// must describe these bytes too.
		h2, err := header.NPY{MaxHeaderLen: o.maxHeaderLen}.Describe(bytes.NewReader(buf), int64(len(buf)))
		if err != nil || h2.DataOffset != hdr.DataOffset {
			return nil, fmt.Errorf("array: %s: member %q: header changed while inflating", path, mem.Name)
		}
		f.data = buf[hdr.DataOffset:end]
		osf.Close()
		return f, nil
	}
}

// Path returns the path the file was opened with.
func (f *File) Path() string { return f.path }

// Header returns what the file's header says: dtype, shape, order, version
// and where the data starts.
func (f *File) Header() header.Header { return f.hdr }

// DType returns the dtype of the file's items.
func (f *File) DType() layout.DType { return f.hdr.DType }

// Items returns the view of all of the file's items, of any dtype, in their
// logical shape (Fortran-order files show their true shape, with strides
// that walk the data column-major).
func (f *File) Items() Items {
	return Items{g: f.geom(), f: f, dt: f.hdr.DType}
}

// geom returns the geometry of the whole array.
func (f *File) geom() geom {
	size := f.hdr.DType.Size
	shape := append([]int(nil), f.hdr.Shape...)
	var strides []int
	if f.hdr.FortranOrder {
		strides = layout.FortranStrides(shape, size)
	} else {
		strides = layout.CStrides(shape, size)
	}
	return newGeom(f.data, 0, 0, shape, strides, size)
}

// Flush writes changes made through views of a file opened ReadWrite back to
// the file and waits until they are on the device. For other files it does
// nothing.
func (f *File) Flush() error {
	if f.closed.Load() {
		return f.closedErr()
	}
	if f.m == nil || f.m.Mode() != mmap.ReadWrite {
		return nil
	}
	if err := f.m.FlushRange(f.dataOff, int64(len(f.data))); err != nil {
		return fmt.Errorf("array: %s: %w", f.path, err)
	}
	return nil
}

// Advise tells the operating system how the whole array will be read; see
// [mmap.Advice].
func (f *File) Advise(a mmap.Advice) error {
	return f.advise(a, f.geom())
}

func (f *File) advise(a mmap.Advice, g geom) error {
	if f.closed.Load() {
		return f.closedErr()
	}
	if f.m == nil || len(g.data) == 0 {
		return nil
	}
	if err := f.m.Advise(a, f.dataOff+int64(g.origin), int64(len(g.data))); err != nil {
		return fmt.Errorf("array: %s: %w", f.path, err)
	}
	return nil
}

// Guard runs fn and turns a fault on the file's pages — the file shrank
// under the mapping, or its device failed — into an error wrapping
// [mmap.ErrFault] instead of a crash. Views read inside fn are protected.
func (f *File) Guard(fn func() error) error {
	if f.m == nil {
		return fn()
	}
	return f.m.Guard(func([]byte) error { return fn() })
}

// Close unmaps the file. Views of it must not be used afterwards: reading
// through one panics. Closing twice is harmless. A file made by [Create],
// [CreateFile], [CreateRaw] or [CreateWithHeader] is first flushed: Close
// returns once its data is on the device.
func (f *File) Close() error {
	if f == memoryFile || f.closed.Swap(true) {
		return nil
	}
	var err error
	if f.sync {
		err = f.m.Flush()
		if serr := f.os.Sync(); err == nil {
			err = serr
		}
	}
	if f.m != nil {
		if cerr := f.m.Close(); err == nil {
			err = cerr
		}
	}
	if f.os != nil {
		if cerr := f.os.Close(); err == nil {
			err = cerr
		}
	}
	f.data = nil
	if err != nil {
		return fmt.Errorf("array: %s: %w", f.path, err)
	}
	return nil
}

// name is how error messages refer to the file.
func (f *File) name() string {
	if f.member != "" {
		return f.path + ":" + f.member
	}
	return f.path
}

// check panics if the file is closed.
func (f *File) check() {
	if f.closed.Load() {
		panic(f.closedErr())
	}
}

func (f *File) closedErr() error { return fmt.Errorf("%w: %s", ErrClosed, f.name()) }

func (f *File) readOnly() error {
	return fmt.Errorf("%w: %s was opened ReadOnly", ErrReadOnly, f.name())
}

// Array is a typed view of a whole file, with the file's methods: Open
// returns one, and Close releases it.
type Array[T Element] struct {
	View[T]
	*File
}

// Open opens the .npy file at path as an array of T, mapping it in the given
// mode. T must match the file's dtype in kind and size; byte order may
// differ. Records, strings and datetimes open with [OpenFile].
func Open[T Element](path string, mode mmap.Mode, opts ...Option) (*Array[T], error) {
	f, err := OpenFile(path, mode, opts...)
	if err != nil {
		return nil, err
	}
	return typedOrClose[T](f)
}

// OpenWithHeader opens the file at path as an array of T whose data d
// finds: for example a raw file whose first bytes are a record giving the
// number of rows and columns ([header.Record]).
func OpenWithHeader[T Element](path string, mode mmap.Mode, d header.Describer) (*Array[T], error) {
	f, err := OpenRaw(path, mode, d)
	if err != nil {
		return nil, err
	}
	return typedOrClose[T](f)
}

func typedOrClose[T Element](f *File) (*Array[T], error) {
	a, err := Typed[T](f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return a, nil
}

// Typed returns f as an array of T. Closing the result closes f.
func Typed[T Element](f *File) (*Array[T], error) {
	v, err := As[T](f.Items())
	if err != nil {
		return nil, err
	}
	return &Array[T]{View: v, File: f}, nil
}

// As returns the items of u as values of T. T must match the dtype in kind
// and size; byte order may differ.
func As[T Element](u Items) (View[T], error) {
	if err := matchType[T](u.f.name(), u.dt); err != nil {
		return View[T]{}, err
	}
	return View[T]{g: u.g, f: u.f, acc: newAccess[T](u.dt, u.g)}, nil
}

// matchType returns nil if items of dtype dt can be read as T, and
// otherwise an error naming the file, the dtype and T.
func matchType[T Element](name string, dt layout.DType) error {
	t := reflect.TypeFor[T]()
	if err := layout.Match(dt, t); err != nil {
		return &typeError{
			msg:   fmt.Sprintf("array: %s: %s cannot be read as %v: %v", name, dt.TypeString(), t, err),
			cause: err,
		}
	}
	return nil
}

// typeError says why a dtype does not hold a Go type; it matches both
// [ErrType] and layout's reason.
type typeError struct {
	msg   string
	cause error
}

func (e *typeError) Error() string   { return e.msg }
func (e *typeError) Unwrap() []error { return []error{ErrType, e.cause} }
