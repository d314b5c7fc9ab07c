package array

import (
	"fmt"
	"iter"

	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// Element is the set of Go types a typed [View] can hold. [layout.Float16]
// holds NumPy's float16; datetime64 and timedelta64 items are read as int64
// counts.
type Element interface {
	~bool | ~int8 | ~int16 | ~int32 | ~int64 | ~int |
		~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uint |
		~float32 | ~float64 | ~complex64 | ~complex128
}

// View is a typed, strided view of array elements: in a mapped file, in an
// inflated .npz member or in Go memory. It is a small value, copied freely;
// copies and the views taken from it share the same elements.
//
// Reading and writing go straight to the mapped bytes. When the elements are
// in native byte order and aligned for T, a read is a plain load; otherwise
// (a big-endian file on a little-endian machine, a member of a .npz archive at
// an odd offset, a field of a packed record) the bytes are copied and
// swapped, slower but exact. A bool is true for any nonzero byte, so no byte
// in a file becomes an invalid Go bool.
//
// Index, Slice, T, Permute and Reshape give views of part of the same data
// without copying. Index allocates nothing.
//
// A view keeps the file it came from mapped while it is reachable. After the
// file is closed, a method that reads or writes elements panics with a
// message naming the file.
//
// Methods that take indices panic if an index is out of range or the number
// of indices differs from the number of axes; indices are zero-based and
// never negative (use [Idx] in [View.Slice] to count from the end).
type View[T Element] struct {
	g   geom
	f   *File
	dt  *layout.DType // of the items, as the file has it
	acc access
	// at is the element whose indices are all zero, when the elements can
	// be read in place (acc.fast) and there is at least one; nil
	// otherwise. At1 and At2 load through it, so that they are small
	// enough for the compiler to inline.
	at *T
}

// newView returns the view of the items g addresses, of dtype dt, seen as T.
func newView[T Element](g geom, f *File, dt *layout.DType) View[T] {
	v := View[T]{g: g, f: f, dt: dt, acc: newAccess[T](*dt, g)}
	v.at = v.elemZero()
	return v
}

// withGeom returns v with geometry g, a part of v's or the same elements
// seen another way, so that the in-place pointer follows.
func (v View[T]) withGeom(g geom) View[T] {
	v.g = g
	v.at = v.elemZero()
	return v
}

// elemZero returns the address of the element whose indices are all zero,
// or nil if the view has no element or its elements cannot be read in place.
func (v *View[T]) elemZero() *T {
	if !v.acc.fast || len(v.g.data) == 0 {
		return nil
	}
	return elemPtr[T](v.g.data, v.g.base)
}

// access says how to turn bytes into values of a view's element type.
type access struct {
	// swap is the size of the scalars to byte-swap (0: none), half of T
	// for complex. A small type, so that the whole of access takes one
	// word of a View, which Index copies for every frame.
	swap   int8
	fast   bool // native order and aligned: load and store T in place
	isBool bool // normalise bytes to 0 or 1
}

// newAccess works out the access for elements of dtype dt seen as T through g.
func newAccess[T Element](dt layout.DType, g geom) access {
	size, align := sizeAlign[T]()
	var acc access
	acc.isBool = dt.Kind == layout.Bool
	if dt.Order != layout.NotApplicable && dt.Order != layout.NativeOrder && size > 1 {
		acc.swap = int8(size)
		if dt.Kind == layout.Complex {
			acc.swap = int8(size / 2)
		}
	}
	acc.fast = acc.swap == 0 && !acc.isBool && g.aligned(align)
	return acc
}

// aligned reports whether every element g addresses is aligned to align bytes.
func (g geom) aligned(align int) bool {
	if align <= 1 || len(g.data) == 0 {
		return true
	}
	if !isAligned(g.data, g.base, align) {
		return false
	}
	for k, n := range g.shape {
		if n > 1 && g.strides[k]%align != 0 {
			return false
		}
	}
	return true
}

// load reads the element at byte off of the view's data.
func (v *View[T]) load(off int) T {
	if v.acc.fast {
		return loadNative[T](v.g.data, off)
	}
	return v.loadSlow(off)
}

func (v *View[T]) loadSlow(off int) T {
	size, _ := sizeAlign[T]()
	x := loadUnaligned[T](v.g.data[off:off+size], int(v.acc.swap))
	if v.acc.isBool {
		// NumPy reads any nonzero byte as True; a Go bool must be 0 or 1.
		b := bytesOf(&x)
		if b[0] > 1 {
			b[0] = 1
		}
	}
	return x
}

// store writes x at byte off of the view's data.
func (v *View[T]) store(off int, x T) {
	if v.acc.fast {
		storeNative(v.g.data, off, x)
		return
	}
	size, _ := sizeAlign[T]()
	storeUnaligned(v.g.data[off:off+size], x, int(v.acc.swap))
}

// swapBytes reverses each run of n bytes of b in place.
func swapBytes(b []byte, n int) {
	for i := 0; i+n <= len(b); i += n {
		s := b[i : i+n]
		for j, k := 0, n-1; j < k; j, k = j+1, k-1 {
			s[j], s[k] = s[k], s[j]
		}
	}
}

// Shape returns a copy of the view's shape.
func (v View[T]) Shape() []int { return append([]int(nil), v.g.shape...) }

// Strides returns a copy of the view's strides, in bytes.
func (v View[T]) Strides() []int { return append([]int(nil), v.g.strides...) }

// NDim returns the number of axes; 0 for a single element.
func (v View[T]) NDim() int { return len(v.g.shape) }

// Len returns the length of the first axis, or 1 for a 0-d view.
func (v View[T]) Len() int {
	if len(v.g.shape) == 0 {
		return 1
	}
	return v.g.shape[0]
}

// Size returns the number of elements.
func (v View[T]) Size() int { return v.g.len() }

// At returns the element at the given indices, one per axis (none for a 0-d
// view).
//
// At panics if the number of indices is not the number of axes, if an index
// is out of range, or if the file has been closed.
func (v View[T]) At(idx ...int) T {
	off := v.g.offset(idx)
	v.f.check()
	if v.acc.fast {
		return loadNative[T](v.g.data, off)
	}
	return v.loadSlow(off)
}

// Set stores x at the given indices. It returns an error wrapping
// [ErrReadOnly] if the view cannot be written.
//
// Set panics under the same conditions as At.
func (v View[T]) Set(x T, idx ...int) error {
	v.f.check()
	off := v.g.offset(idx)
	if !v.f.writable {
		return v.f.readOnly()
	}
	v.store(off, x)
	return nil
}

// Index returns the view of position i of the first axis, with that axis
// dropped: Index(7) of a (N, 256, 256) view is frame 7, of shape (256, 256).
// It copies nothing and allocates nothing.
//
// Index panics if the view is 0-d or i is out of range.
func (v View[T]) Index(i int) View[T] {
	g := v.g.index(i)
	if v.at != nil {
		// Cheaper than elemZero, and Index is on the path of every frame:
		// the view has elements, so the one it gives has too.
		v.at = addBytes(v.at, i*v.g.strides[0])
	}
	v.g = g
	return v
}

// Slice returns the view selected by one [Sel] per leading axis, as NumPy's
// basic indexing does: v.Slice(All, Idx(7)) is a[:, 7], v.Slice(All.By(2))
// is a[::2]. Axes without a Sel are kept whole.
//
// Slice panics if there are more Sels than axes or an [Idx] is out of range.
func (v View[T]) Slice(sels ...Sel) View[T] {
	return v.withGeom(v.g.slice(sels))
}

// T returns the view with its axes in reverse order, like NumPy's a.T.
func (v View[T]) T() View[T] {
	return v.withGeom(v.g.transpose())
}

// Permute returns the view whose axis k is axis axes[k] of v, like NumPy's
// a.transpose(axes).
//
// Permute panics if axes is not a permutation of the view's axes.
func (v View[T]) Permute(axes ...int) View[T] {
	return v.withGeom(v.g.permute(axes))
}

// Reshape returns a view of the same elements, taken in C order, with a new
// shape, when that can be done without moving them (always for a C-ordered
// view). Otherwise it returns an error wrapping [ErrLayout]; copy the
// elements out with CopyTo and view the copy instead.
//
// Reshape panics if the new shape holds a different number of elements.
func (v View[T]) Reshape(shape ...int) (View[T], error) {
	g, ok := v.g.reshape(shape)
	if !ok {
		return View[T]{}, fmt.Errorf("%w: shape %v with strides %v cannot be viewed as shape %v", ErrLayout, v.g.shape, v.g.strides, shape)
	}
	return v.withGeom(g), nil
}

// Contiguous returns the elements as a []T over the mapping itself, in C
// order, when they are one after another with no gaps, in native byte order
// and aligned for T, and are not bools. Otherwise it returns nil and an error
// wrapping [ErrLayout] that gives the reason; [View.CopyTo] then gathers them.
//
// The slice aliases the file's pages. It does not keep the file mapped: it is
// valid while the view or its file is reachable and not closed. For a file
// opened ReadOnly the pages are mapped without write permission, and a write
// through the slice stops the program with a fault the type system cannot
// prevent; open the file CopyOnWrite to get a slice that may be written.
func (v View[T]) Contiguous() ([]T, error) {
	v.f.check()
	switch {
	case !v.g.isC():
		return nil, fmt.Errorf("%w: strides %v for shape %v are not C-contiguous", ErrLayout, v.g.strides, v.g.shape)
	case v.acc.isBool:
		return nil, fmt.Errorf("%w: bool bytes in a file may be other than 0 and 1", ErrLayout)
	case v.acc.swap != 0:
		return nil, fmt.Errorf("%w: elements are not in native byte order", ErrLayout)
	case !v.acc.fast:
		return nil, fmt.Errorf("%w: elements are not aligned for %T", ErrLayout, *new(T))
	}
	s, err := castSlice[T](v.g.data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrLayout, err)
	}
	return s, nil
}

// Strided returns the elements the view addresses as a []T over the mapping
// itself, whatever the strides, for numeric code that takes a slice and
// steps (gonum's blas64.General and mat.RawMatrix, BLAS and LAPACK
// wrappers): the element at indices (i, j, ...) is
// data[offset + i*strides[0] + j*strides[1] + ...]. Strides are in elements
// and may be negative or zero; data spans exactly the elements the view can
// reach and those between them. It works when the elements are in native
// byte order, aligned for T and a whole number of elements apart, and are
// not bools; otherwise it returns an error wrapping [ErrLayout] that gives
// the reason, and [View.CopyTo] gathers them instead.
//
// The slice aliases the file's pages, as the one from [View.Contiguous]
// does, with the same limits on its lifetime and on writing through it.
func (v View[T]) Strided() (data []T, offset int, strides []int, err error) {
	v.f.check()
	size, _ := sizeAlign[T]()
	switch {
	case v.acc.isBool:
		return nil, 0, nil, fmt.Errorf("%w: bool bytes in a file may be other than 0 and 1", ErrLayout)
	case v.acc.swap != 0:
		return nil, 0, nil, fmt.Errorf("%w: elements are not in native byte order", ErrLayout)
	case !v.acc.fast:
		return nil, 0, nil, fmt.Errorf("%w: elements are not aligned for %T", ErrLayout, *new(T))
	}
	strides = make([]int, len(v.g.shape))
	step := 1
	for k := len(v.g.shape) - 1; k >= 0; k-- {
		n, s := v.g.shape[k], v.g.strides[k]
		switch {
		case n <= 1:
			// Never stepped along: give the C-order step, which any
			// consumer accepts.
			strides[k] = step
		case s%size != 0:
			return nil, 0, nil, fmt.Errorf("%w: stride %d of axis %d is not a whole number of %d-byte elements", ErrLayout, s, k, size)
		default:
			strides[k] = s / size
		}
		step *= max(n, 1)
	}
	data, err = castSlice[T](v.g.data)
	if err != nil {
		return nil, 0, nil, fmt.Errorf("%w: %v", ErrLayout, err)
	}
	return data, v.g.base / size, strides, nil
}

// CopyTo copies the elements into dst in C order and returns how many it
// copied (Size()). It allocates nothing, whatever the strides and byte order.
//
// CopyTo panics if dst is shorter than Size() or the file has been closed.
func (v View[T]) CopyTo(dst []T) int {
	v.f.check()
	n := v.g.len()
	if len(dst) < n {
		panic(fmt.Sprintf("array: CopyTo destination holds %d elements, view has %d", len(dst), n))
	}
	var w rowWalk
	i := 0
	for ok := v.g.startRows(&w); ok; ok = w.next() {
		v.loadRow(dst[i:i+w.n], w.off, w.stride)
		i += w.n
	}
	return n
}

// loadRow reads len(dst) elements starting at byte off, stride bytes apart.
// Keep in step with the row loop of View.Values, with loadRowUnaligned and,
// for writing, with View.storeRow.
func (v *View[T]) loadRow(dst []T, off, stride int) {
	size, _ := sizeAlign[T]()
	if v.acc.fast && len(dst) > 0 {
		if stride == size {
			copy(sliceBytes(dst), v.g.data[off:off+len(dst)*size])
			return
		}
		if stride%size == 0 {
			// Native and aligned, a whole number of elements apart.
			gatherNative(dst, v.g.data, off, stride)
			return
		}
	}
	if !v.acc.fast && !v.acc.isBool && len(dst) > 0 {
		loadRowUnaligned(dst, v.g.data, off, stride, int(v.acc.swap))
		return
	}
	for i := range dst {
		dst[i] = v.load(off)
		off += stride
	}
}

// span returns the n elements from byte off, stride bytes apart, and those
// between them, as a []T over the view's data.
func (v *View[T]) span(off, n, stride int) ([]T, bool) {
	size, _ := sizeAlign[T]()
	lo, hi := off, off+(n-1)*stride
	if stride < 0 {
		lo, hi = hi, lo
	}
	s, err := castSlice[T](v.g.data[lo : hi+size])
	return s, err == nil
}

// CopyFrom copies src, in C order, into the view's elements and returns how
// many it copied. It returns an error wrapping [ErrReadOnly] if the view
// cannot be written.
//
// CopyFrom panics if src is shorter than Size() or the file has been closed.
func (v View[T]) CopyFrom(src []T) (int, error) {
	v.f.check()
	n := v.g.len()
	if len(src) < n {
		panic(fmt.Sprintf("array: CopyFrom source holds %d elements, view has %d", len(src), n))
	}
	if !v.f.writable {
		return 0, v.f.readOnly()
	}
	var w rowWalk
	i := 0
	for ok := v.g.startRows(&w); ok; ok = w.next() {
		v.storeRow(src[i:i+w.n], w.off, w.stride)
		i += w.n
	}
	return n, nil
}

// storeRow writes src to len(src) elements starting at byte off, stride
// bytes apart. Keep in step with View.loadRow, which it mirrors.
func (v *View[T]) storeRow(src []T, off, stride int) {
	size, _ := sizeAlign[T]()
	if v.acc.fast && stride == size {
		copy(v.g.data[off:off+len(src)*size], sliceBytes(src))
		return
	}
	for _, x := range src {
		v.store(off, x)
		off += stride
	}
}

// Fill stores x in every element of the view. It returns an error wrapping
// [ErrReadOnly] if the view cannot be written.
func (v View[T]) Fill(x T) error {
	v.f.check()
	if !v.f.writable {
		return v.f.readOnly()
	}
	var w rowWalk
	for ok := v.g.startRows(&w); ok; ok = w.next() {
		off := w.off
		for range w.n {
			v.store(off, x)
			off += w.stride
		}
	}
	return nil
}

// Values returns an iterator over the elements in C order.
func (v View[T]) Values() iter.Seq[T] {
	// The row loop below keeps in step with View.loadRow and loadRowUnaligned.
	return func(yield func(T) bool) {
		v.f.check()
		size, _ := sizeAlign[T]()
		var w rowWalk
		for ok := v.g.startRows(&w); ok; ok = w.next() {
			if v.acc.fast && w.stride == size {
				// One after another: range over them as a []T.
				row, _ := castSlice[T](v.g.data[w.off : w.off+w.n*size])
				for _, x := range row {
					if !yield(x) {
						return
					}
				}
				continue
			}
			if v.acc.fast && w.stride%size == 0 {
				// A row of native, aligned elements a whole number of
				// elements apart: read it through a []T.
				if row, ok := v.span(w.off, w.n, w.stride); ok {
					step, j := w.stride/size, 0
					if step < 0 {
						j = len(row) - 1
					}
					for range w.n {
						if !yield(row[j]) {
							return
						}
						j += step
					}
					continue
				}
			}
			off := w.off
			for range w.n {
				if !yield(v.load(off)) {
					return
				}
				off += w.stride
			}
		}
	}
}

// Advise tells the operating system how the pages the view spans will be
// used: for example [mmap.WillNeed] before reading a frame, so that its pages
// are read ahead in one go, or [mmap.DontNeed] after writing and flushing
// one, so that its pages leave the process's memory. It does nothing for
// views of memory.
func (v View[T]) Advise(a mmap.Advice) error {
	return v.f.advise(a, v.g)
}

// Flush writes the changes made through the view to the file, if it was
// opened ReadWrite, and waits until they are on the device. Only the pages
// the view spans are written, so a program filling a large file part by
// part can flush each part as it finishes. It does nothing for other files
// and for views of memory, and returns an error wrapping [ErrClosed] after
// the file is closed.
func (v View[T]) Flush() error {
	return v.f.flush(v.g)
}

// FromSlice returns a view of data with the given shape, in C order; with no
// shape it is one axis of len(data). The view reads and writes data itself.
//
// FromSlice panics if the shape does not hold exactly len(data) elements.
func FromSlice[T Element](data []T, shape ...int) View[T] {
	if shape == nil {
		shape = []int{len(data)}
	}
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("array: FromSlice negative dimension in %v", shape))
		}
		n *= d
	}
	if n != len(data) {
		panic(fmt.Sprintf("array: FromSlice shape %v holds %d elements, data has %d", shape, n, len(data)))
	}
	size, _ := sizeAlign[T]()
	shape = append([]int(nil), shape...)
	g := newGeom(sliceBytes(data), 0, 0, shape, layout.CStrides(shape, size), size)
	dt := mustDType[T]()
	return newView[T](g, memoryFile, &dt)
}

// atPanic is what At1, At2 and At3 panic with: a copy of the view and the
// indices, from which Error works out the reason only when the panic is
// printed or inspected.
type atPanic[T Element] struct {
	v   View[T]
	n   int // number of indices given
	idx [3]int
}

func (p atPanic[T]) Error() string {
	g := &p.v.g
	if p.n != len(g.shape) {
		return fmt.Sprintf("array: %d indices for a %d-d view", p.n, len(g.shape))
	}
	for k, i := range p.idx[:p.n] {
		if uint(i) >= uint(g.shape[k]) {
			return fmt.Sprintf("array: index %d out of range for axis %d of length %d", i, k, g.shape[k])
		}
	}
	if err := p.Unwrap(); err == ErrClosed {
		return p.v.f.closedErr().Error()
	}
	var why string
	switch {
	case p.v.acc.isBool:
		why = "bools (a byte in a file may be other than 0 and 1)"
	case p.v.acc.swap != 0:
		why = "not in native byte order"
	default:
		why = fmt.Sprintf("not aligned for %T", *new(T))
	}
	return fmt.Sprintf("%v: At%d reads elements in place, and these are %s; use At", ErrLayout, p.n, why)
}

// Unwrap returns [ErrClosed] or [ErrLayout] when that is why the view could
// not be read, and nil for a bad index.
func (p atPanic[T]) Unwrap() error {
	g := &p.v.g
	if p.n != len(g.shape) {
		return nil
	}
	for k, i := range p.idx[:p.n] {
		if uint(i) >= uint(g.shape[k]) {
			return nil
		}
	}
	// Not the file's state, which may have changed since the panic (a
	// deferred Close runs before the panic is printed): the view's own
	// pointer, which is nil exactly when its elements cannot be read in
	// place, so that with it set the file must have been closed.
	if p.v.at == nil {
		return ErrLayout
	}
	return ErrClosed
}
