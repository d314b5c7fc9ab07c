package array

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"reflect"
	"sync/atomic"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/internal/osfile"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// Errors returned by this package, compared with errors.Is.
var (
	// ErrClosed is the cause of the panic when a view of a closed file is
	// read, and of the errors of a closed [Archive].
	ErrClosed = errors.New("array: file is closed")
	// ErrReadOnly is returned by writes to a view of a file opened ReadOnly.
	ErrReadOnly = errors.New("array: read-only")
	// ErrType is returned when a file's dtype does not hold the Go type asked for.
	ErrType = errors.New("array: dtype does not match the Go type")
	// ErrLayout is returned when the bytes of a view do not allow what was
	// asked in place (a []T over the mapping, a reshape without copying).
	ErrLayout = errors.New("array: layout does not allow it")
	// ErrHeaderFull is returned when appending would need a longer .npy
	// header than the file has: the new shape does not fit in the header's
	// spare spaces. NumPy 1.24 and later leave room for a first axis of 21
	// digits, so this happens only with files from older writers whose
	// padding happens to be short. The file is left unchanged; save it whole
	// again (with [Save]) to append to it.
	ErrHeaderFull = errors.New("array: no room in the .npy header for the new shape")
)

// An Option adjusts how a file is read or written. Every constructor takes
// the same options, and each ignores those that do not concern it.
type Option func(*options)

type options struct {
	maxHeaderLen int
	maxInflated  int64
	compress     bool
	verify       bool
	format       string // Format: the registered format to open or create, or ""
	skipStats    bool   // SkipStats
	preallocate  bool
}

// MaxHeaderLen raises (or lowers) the longest .npy header text that is read,
// [header.DefaultMaxHeaderLen] by default. NumPy writes longer headers for
// records of thousands of fields.
func MaxHeaderLen(n int) Option { return func(o *options) { o.maxHeaderLen = n } }

// MaxInflated sets how many bytes a deflated .npz member may inflate to when
// it is opened: 1 GiB by default.
func MaxInflated(n int64) Option { return func(o *options) { o.maxInflated = n } }

// VerifyChecksum makes [OpenMember] and [OpenMemberFile] read a stored .npz
// member once, through its mapping, and check its CRC-32 against the
// archive's before returning it, as np.load checks it; a mismatch is an
// error wrapping [header.ErrChecksum]. Without it a stored member is mapped
// and nothing of it is read until it is used, so its checksum is not
// checked. The check runs at the speed of the processor's CRC-32
// instructions (several GB/s on amd64 and arm64) once the pages are in
// memory. Deflated members, and members loaded with [LoadMember], are
// always checked, since all their bytes are read anyway.
func VerifyChecksum() Option { return func(o *options) { o.verify = true } }

// Compress makes [SaveArchive] deflate every member, as np.savez_compressed
// does. Without it members are stored, as np.savez stores them, and can be
// mapped in place.
func Compress() Option { return func(o *options) { o.compress = true } }

// Preallocate makes the Create functions, and [SaveFunc] given a size,
// reserve the file's space on the device before anything is written
// ([mmap.Preallocate]), so that a device too full for the file is an error
// from Create rather than a fault (SIGBUS) that kills the program when a
// page written through a view cannot be stored. Reserving writes nothing
// and takes a moment whatever the size, but takes the whole size from the
// device at once, where a sparse file takes only the pages written; a
// system or file system that cannot reserve space without writing it gives
// an error wrapping errors.ErrUnsupported.
func Preallocate() Option { return func(o *options) { o.preallocate = true } }

func makeOptions(opts []Option) options {
	if len(opts) == 0 {
		return options{maxInflated: 1 << 30}
	}
	// The options escape to the heap (they go to opaque functions), so they
	// are made here, and only when there are options to apply.
	o := &options{maxInflated: 1 << 30}
	for _, opt := range opts {
		opt(o)
	}
	return *o
}

// File is an open array file of any dtype: a .npy file, a raw file, or a
// member of an .npz archive, mapped into memory (or, for a deflated member,
// inflated into it). Its view is [File.Items]; typed views come from it with
// [As] and [Field].
//
// Close unmaps the file. Views of it keep the mapping alive while they are
// reachable, so forgetting Close leaks nothing for long; but after Close,
// reading or writing through a view panics.
type File struct {
	path     string
	member   string // .npz member name, or ""
	hdr      header.Header
	m        *mmap.Map   // nil when the data is in memory
	os       *sharedFile // the open file m was mapped from, or nil
	own      sharedFile  // where os points when the file is this File's alone: one allocation fewer
	data     []byte      // the array's bytes: part of m.Bytes(), or memory
	dataOff  int64       // offset of data[0] in m.Bytes()
	writable bool
	sync     bool // Close flushes the mapping and syncs the file: files this package created
	closed   atomic.Bool
	// unmapped is set by Close once the data is gone. It is read without
	// synchronisation by At1, At2 and At3, which an atomic load would make
	// too big to inline; Close must not run while other goroutines use
	// views anyway, and code in Guard, which may, is done before it is set.
	unmapped bool
	format   string       // the registered format the file was opened or made as, or ""
	finish   func() error // for a file made in a format that needs it, run by Close before the flush
}

// memoryFile stands behind views of Go memory: never closed, always writable.
var memoryFile = &File{path: "memory", writable: true}

// sharedFile is an open file that several mappings need: an archive and the
// members mapped from it. The last to release it closes it.
type sharedFile struct {
	f    *os.File
	refs atomic.Int64
}

func newShared(f *os.File) *sharedFile {
	s := &sharedFile{f: f}
	s.refs.Store(1)
	return s
}

// acquire takes a reference, unless the file has already been closed.
func (s *sharedFile) acquire() bool {
	for {
		n := s.refs.Load()
		if n <= 0 {
			return false
		}
		if s.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// release drops a reference and closes the file with the last one.
func (s *sharedFile) release() error {
	if s.refs.Add(-1) == 0 {
		return s.f.Close()
	}
	return nil
}

// openOS opens path with the access mode needs. Its errors are
// *fs.PathErrors, as those of os.OpenFile: a path that names anything but a
// regular file or a block device (a named pipe, which would block, a
// directory, a character device) is refused before it is read.
func openOS(path string, mode mmap.Mode) (*os.File, error) {
	switch mode {
	case mmap.ReadOnly, mmap.CopyOnWrite:
		// A private mapping is writable even over a file opened for reading.
		return osfile.Open(path, os.O_RDONLY)
	case mmap.ReadWrite:
		return osfile.Open(path, os.O_RDWR)
	}
	panic(fmt.Sprintf("array: unknown mmap.Mode %d", mode))
}

// pathError wraps err, from the system or another package of this module,
// with the file it concerns, as the os package does: "open x.npy: header:
// bad magic number at byte 0". The message keeps the one package prefix the
// cause has.
func pathError(op, path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return err
	}
	return &fs.PathError{Op: op, Path: path, Err: err}
}

// OpenFile opens the array file at path, of any dtype, mapping it in the
// given mode: a .npy file, or a file of another registered format, chosen as
// [Open] chooses it; see [Open] for an array of a Go type.
func OpenFile(path string, mode mmap.Mode, opts ...Option) (*File, error) {
	return openFormat(path, mode, makeOptions(opts))
}

// OpenRawFile opens the file at path, of any dtype, mapping it in the given
// mode, and finds its array data with d: a [header.Raw] for data at a fixed
// offset (as np.memmap does), a [header.Record] for data whose shape a record
// at the start of the file gives, or any other [header.Describer]. A
// description that cannot be right (a negative offset, a shape with two -1,
// a field that is not there) is an error naming the field; see [OpenRaw].
func OpenRawFile(path string, mode mmap.Mode, d header.Describer, opts ...Option) (*File, error) {
	return openDescribed(path, mode, d)
}

func openDescribed(path string, mode mmap.Mode, d header.Describer) (f *File, err error) {
	osf, err := openOS(path, mode)
	if err != nil {
		return nil, err
	}
	// Deferred, so that a Describer that panics leaves no file open
	// either: a program that recovers may go on opening files, and on
	// Windows an open file cannot be removed.
	defer func() {
		if f == nil {
			osf.Close()
		}
	}()
	return mapDescribed(osf, path, mode, d)
}

func mapDescribed(osf *os.File, path string, mode mmap.Mode, d header.Describer) (*File, error) {
	size, err := osfile.Size(osf)
	if err != nil {
		return nil, err
	}
	if err := checkDescription(path, d, size); err != nil {
		return nil, err
	}
	// The header is read with pread, not through the mapping: touching the
	// mapping would make the kernel build page tables for it (a new page
	// middle directory and page table for a mapping of a gigabyte or more)
	// and munmap tear them down again, with a TLB flush on every CPU the
	// process ran on. That made an open of a large file two or three times
	// slower than one of a small file, and as variable as the other CPUs'
	// load. Untouched, the mapping costs the same at every size.
	hdr, err := d.Describe(osf, size)
	if err != nil {
		if isNPY(d) && errors.Is(err, header.ErrFormat) && isZipFile(osf) {
			err = archiveHint(path, osf, size, err)
		} else {
			err = pathError("open", path, err)
		}
		return nil, err
	}
	m, err := mmap.MapRegion(osf, mode, 0, size)
	if err != nil {
		return nil, err
	}
	f := &File{path: path, hdr: *hdr, m: m, dataOff: hdr.DataOffset, writable: mode != mmap.ReadOnly}
	f.data = m.Bytes()[hdr.DataOffset : hdr.DataOffset+hdr.DataSize()]
	if mode != mmap.ReadWrite {
		// Only writes need the descriptor (fill writes through it, Close
		// syncs it); a read-only mapping holds none, so that many files
		// can stay mapped under a low limit of open files.
		if err := osf.Close(); err != nil {
			m.Close()
			return nil, err
		}
		return f, nil
	}
	f.own = sharedFile{f: osf}
	f.own.refs.Store(1)
	f.os = &f.own
	return f, nil
}

// isZipFile reports whether the file starts as a zip archive does.
func isZipFile(osf *os.File) bool {
	var b [4]byte
	n, _ := osf.ReadAt(b[:], 0)
	return isZip(b[:n])
}

// isZip reports whether b starts as a zip archive does: with a member's
// local header, or with the end record of an empty archive.
func isZip(b []byte) bool {
	return len(b) >= 4 && b[0] == 'P' && b[1] == 'K' && (b[2] == 3 && b[3] == 4 || b[2] == 5 && b[3] == 6)
}

// archiveHint is the error for an .npz archive opened where a .npy file was
// expected: it says how to open the archive's arrays, and names them.
func archiveHint(path string, r io.ReaderAt, size int64, cause error) error {
	msg := fmt.Sprintf("array: %s is an .npz archive, not a .npy file: open it with OpenArchive and its arrays with OpenMember", path)
	if z, err := header.ReadArchive(r, size); err == nil {
		keys := make([]string, len(z.Members))
		for i, m := range z.Members {
			keys[i] = memberKey(m.Name)
		}
		msg += " (keys: " + listKeys(keys) + ")"
	}
	return &detailError{msg: msg, errs: []error{cause}}
}

// Header returns what the file's header says: dtype, shape, order, version
// and where the data starts.
func (f *File) Header() header.Header { return f.hdr }

// Items returns the view of all of the file's items, of any dtype, in their
// logical shape (Fortran-order files show their true shape, with strides
// that walk the data column-major).
func (f *File) Items() Items {
	return Items{g: f.geom(), f: f, dt: f.hdr.DType}
}

// geom returns the geometry of the whole array.
func (f *File) geom() geom {
	size := f.hdr.DType.Size
	n := len(f.hdr.Shape)
	// Shape and strides share one allocation; the three-index slices keep
	// an append to either from reaching the other.
	both := make([]int, 2*n)
	shape, strides := both[:n:n], both[n:]
	copy(shape, f.hdr.Shape)
	fillStrides(strides, shape, size, f.hdr.FortranOrder)
	return newGeom(f.data, 0, 0, shape, strides, size)
}

// fillStrides sets strides, in bytes, for items of the given size laid out
// in C order, or Fortran order when fortran is set, as layout.CStrides and
// layout.FortranStrides give them (and panicking as they do), without
// allocating.
func fillStrides(strides, shape []int, size int, fortran bool) {
	step := size
	for i := range shape {
		k := len(shape) - 1 - i
		if fortran {
			k = i
		}
		strides[k] = step
		if d := max(shape[k], 1); i < len(shape)-1 && step > math.MaxInt/d {
			panic(layout.StrideError{Shape: shape, Itemsize: size})
		}
		step *= max(shape[k], 1)
	}
}

// flush writes the pages g spans back to a file opened ReadWrite and waits
// until they are on the device.
func (f *File) flush(g geom) error {
	if f.closed.Load() {
		return f.closedErr()
	}
	if f.m == nil || f.m.Mode() != mmap.ReadWrite || len(g.data) == 0 {
		return nil
	}
	return f.m.FlushRange(f.dataOff+int64(g.origin), int64(len(g.data)))
}

func (f *File) advise(a mmap.Advice, g geom) error {
	if f.closed.Load() {
		return f.closedErr()
	}
	if f.m == nil || len(g.data) == 0 {
		return nil
	}
	return f.m.Advise(a, f.dataOff+int64(g.origin), int64(len(g.data)))
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
// through one panics. Closing twice is harmless. A file made by one of the
// Create functions is first flushed: Close returns once its data is on the
// device.
//
// Close must not run while another goroutine reads or writes through a view
// of the file, except inside [File.Guard], which Close waits for. A view
// checks that its file is open before each access, but the check and the
// access are not atomic: a goroutine caught between them touches memory
// that is no longer mapped, which is a segmentation fault (SIGSEGV on Unix)
// that ends the program — not a panic, nor an error.
func (f *File) Close() error {
	if f == memoryFile || f.closed.Swap(true) {
		return nil
	}
	var err error
	if f.finish != nil {
		err = f.finish()
	}
	if f.sync {
		if ferr := f.m.Flush(); err == nil {
			err = ferr
		}
		if serr := f.os.f.Sync(); err == nil {
			err = serr
		}
	}
	if f.m != nil {
		if cerr := f.m.Close(); err == nil {
			err = cerr
		}
	}
	if f.os != nil {
		if cerr := f.os.release(); err == nil {
			err = cerr
		}
	}
	f.data = nil
	f.unmapped = true
	return err
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
// returns one, and Close releases it. Its view methods (Advise and Flush
// among them) act on the whole array.
type Array[T Element] struct {
	View[T]
	*File
}

// Open opens the array file at path as an array of T, mapping it in the
// given mode. T must match the file's dtype in kind and size; byte order may
// differ. Records, strings and datetimes open with [OpenFile].
//
// A file that starts as a .npy file does is read as one. Any other is read
// in the registered format that claims it by its first bytes, or else by
// its name — MRC, NIfTI, FITS, TIFF, ENVI, SpikeGLX or WAV (see Formats in
// the package doc) — unless the [Format] option names the format.
func Open[T Element](path string, mode mmap.Mode, opts ...Option) (*Array[T], error) {
	return typedOrClose[T](OpenFile(path, mode, opts...))
}

// OpenRaw opens the file at path as an array of T, mapping it in the given
// mode, as np.memmap does: d says where the data starts and its shape, as
// for [OpenRawFile]. A [header.Raw] or [header.Record] whose DType is left
// zero takes T's dtype, in the byte order its Order gives (native when
// that is zero too).
func OpenRaw[T Element](path string, mode mmap.Mode, d header.Describer, opts ...Option) (*Array[T], error) {
	return typedOrClose[T](OpenRawFile(path, mode, withType[T](d), opts...))
}

// typedOrClose returns f as an array of T, closing f if it is not one.
func typedOrClose[T Element](f *File, err error) (*Array[T], error) {
	if err != nil {
		return nil, err
	}
	if err := matchType[T](f.name(), f.hdr.DType); err != nil {
		f.Close()
		return nil, err
	}
	// As would copy the dtype to the heap; the file's own never changes.
	g := f.geom()
	return &Array[T]{View: newView[T](g, f, &f.hdr.DType), File: f}, nil
}

// As returns the items of u as values of T. T must match the dtype in kind
// and size; byte order may differ.
func As[T Element](u Items) (View[T], error) {
	if err := matchType[T](u.f.name(), u.dt); err != nil {
		return View[T]{}, err
	}
	dt := u.dt
	return newView[T](u.g, u.f, &dt), nil
}

// matchType returns nil if items of dtype dt can be read as T, and
// otherwise an error naming the file, the dtype and T.
func matchType[T Element](name string, dt layout.DType) error {
	t := reflect.TypeFor[T]()
	err := layout.Match(dt, t)
	if err == nil {
		return nil
	}
	return &detailError{
		msg:  fmt.Sprintf("array: %s: %s cannot be read as %v: %s", name, dt.TypeString(), t, reason(err)),
		errs: []error{ErrType, err},
	}
}

// reason returns what a layout error says, without its package prefix, for
// a message of this package that wraps it.
func reason(err error) string {
	var me *layout.MismatchError
	if errors.As(err, &me) {
		return me.Msg
	}
	return err.Error()
}

// detailError is an error of this package with a message of its own that
// also matches, with errors.Is and errors.As, the errors it names in errs
// without repeating their text.
type detailError struct {
	msg  string
	errs []error
}

func (e *detailError) Error() string   { return e.msg }
func (e *detailError) Unwrap() []error { return e.errs }
