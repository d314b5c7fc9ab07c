package array

import (
	"fmt"
	"iter"
	"reflect"

	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// Items is a view of array items of any dtype — records, byte and unicode
// strings, datetimes, numbers — each seen as its bytes. Typed views come
// from it: [As] for the items themselves, [Field] for one field of records.
// Like [View], it is a small value sharing the file's bytes, and its
// geometry methods (Index, Slice, T, Permute, Reshape) copy nothing.
//
// Methods that take indices panic under the same conditions as [View.At].
type Items struct {
	g  geom
	f  *File
	dt layout.DType
}

// DType returns the dtype of one item.
func (u Items) DType() layout.DType { return u.dt }

// Shape returns a copy of the view's shape.
func (u Items) Shape() []int { return append([]int(nil), u.g.shape...) }

// Strides returns a copy of the view's strides, in bytes.
func (u Items) Strides() []int { return append([]int(nil), u.g.strides...) }

// NDim returns the number of axes.
func (u Items) NDim() int { return len(u.g.shape) }

// Len returns the length of the first axis, or 1 for a 0-d view.
func (u Items) Len() int {
	if len(u.g.shape) == 0 {
		return 1
	}
	return u.g.shape[0]
}

// Size returns the number of items.
func (u Items) Size() int { return u.g.len() }

// Index returns the view of position i of the first axis, with that axis
// dropped; see [View.Index].
func (u Items) Index(i int) Items {
	u.g = u.g.index(i)
	return u
}

// Slice returns the view selected by one [Sel] per leading axis; see [View.Slice].
func (u Items) Slice(sels ...Sel) Items {
	u.g = u.g.slice(sels)
	return u
}

// T returns the view with its axes reversed.
func (u Items) T() Items {
	u.g = u.g.transpose()
	return u
}

// Permute returns the view whose axis k is axis axes[k] of u.
func (u Items) Permute(axes ...int) Items {
	u.g = u.g.permute(axes)
	return u
}

// Reshape returns the items, in C order, with a new shape; see [View.Reshape].
func (u Items) Reshape(shape ...int) (Items, error) {
	g, ok := u.g.reshape(shape)
	if !ok {
		return Items{}, fmt.Errorf("%w: shape %v with strides %v cannot be viewed as shape %v", ErrLayout, u.g.shape, u.g.strides, shape)
	}
	u.g = g
	return u, nil
}

// Bytes returns the bytes of the item at the given indices. The slice
// aliases the file; it must not be written unless the file was opened
// ReadWrite or CopyOnWrite (use SetBytes), and it is valid while the file is
// open.
func (u Items) Bytes(idx ...int) []byte {
	u.f.check()
	off := u.g.offset(idx)
	return u.g.data[off : off+u.dt.Size : off+u.dt.Size]
}

// SetBytes copies b, which must be one item long, into the item at the given
// indices. It returns an error wrapping [ErrReadOnly] if the view cannot be
// written.
//
// SetBytes panics if len(b) is not the item size.
func (u Items) SetBytes(b []byte, idx ...int) error {
	u.f.check()
	off := u.g.offset(idx)
	if len(b) != u.dt.Size {
		panic(fmt.Sprintf("array: SetBytes of %d bytes into a %d-byte item", len(b), u.dt.Size))
	}
	if !u.f.writable {
		return u.f.readOnly()
	}
	copy(u.g.data[off:off+u.dt.Size], b)
	return nil
}

// Text returns the item at the given indices as a Go string, for byte string
// (S) and unicode (U) dtypes, with NumPy's trailing NULs removed, as
// [layout.DType.Text] decodes it: bytes of an S item as they are, code
// points of a U item in UTF-8. A lone surrogate, which a NumPy str can hold
// and UTF-8 cannot, comes back as its three WTF-8 bytes (ED A0 80 to ED BF
// BF), which [Items.SetText] writes back as the same code point; the
// string is then not valid UTF-8, and ranging over it gives U+FFFD for
// each of those bytes.
//
// Text panics if the dtype is not S or U.
func (u Items) Text(idx ...int) string {
	if u.dt.Kind != layout.Bytes && u.dt.Kind != layout.Unicode {
		panic(fmt.Sprintf("array: Text of a %s item, not a string", u.dt))
	}
	return u.dt.Text(u.Bytes(idx...))
}

// SetText stores s in the string item at the given indices: the bytes of s
// for an S item, its code points for a U item (a lone surrogate in WTF-8,
// as [Items.Text] returns it, as that code point), padded with NULs. It
// returns an error if s does not fit, or one wrapping [ErrReadOnly] if the
// view cannot be written.
//
// SetText panics if the dtype is not S or U.
func (u Items) SetText(s string, idx ...int) error {
	if u.dt.Kind != layout.Bytes && u.dt.Kind != layout.Unicode {
		panic(fmt.Sprintf("array: SetText of a %s item, not a string", u.dt))
	}
	b := make([]byte, u.dt.Size)
	if !u.dt.PutText(b, s) {
		what := "bytes"
		if u.dt.Kind == layout.Unicode {
			what = "code points"
		}
		return fmt.Errorf("array: %q has more %s than %s holds", s, what, u.dt.TypeString())
	}
	return u.SetBytes(b, idx...)
}

// Field returns the view of one field of the records, by name; "meta.a"
// names field a of the nested record meta. A sub-array field adds its shape
// as trailing axes. It returns an error if the dtype has no such field.
func (u Items) Field(name string) (Items, error) {
	fd, ok := u.dt.Field(name)
	if !ok {
		return Items{}, fmt.Errorf("array: %s: no field %q in %s", u.f.name(), name, u.dt)
	}
	g := u.g
	g.base += fd.Offset
	g.itemsize = fd.Type.Size
	if len(fd.Shape) > 0 {
		g.shape = append(append([]int(nil), g.shape...), fd.Shape...)
		g.strides = append(append([]int(nil), g.strides...), layout.CStrides(fd.Shape, fd.Type.Size)...)
	}
	// The field's bytes lie inside the records u addresses, so trimming to
	// the field's own span stays within u's data.
	return Items{g: g.trim(), f: u.f, dt: fd.Type}, nil
}

// Values returns an iterator over the items' bytes in C order; the slices
// alias the file as Bytes does.
func (u Items) Values() iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		u.f.check()
		var w rowWalk
		for ok := u.g.startRows(&w); ok; ok = w.next() {
			off := w.off
			for range w.n {
				if !yield(u.g.data[off : off+u.dt.Size : off+u.dt.Size]) {
					return
				}
				off += w.stride
			}
		}
	}
}

// CopyTo copies the items' bytes into dst in C order and returns how many
// bytes it copied.
//
// CopyTo panics if dst is shorter than Size() items.
func (u Items) CopyTo(dst []byte) int {
	u.f.check()
	n := u.g.len() * u.dt.Size
	if len(dst) < n {
		panic(fmt.Sprintf("array: CopyTo destination holds %d bytes, view has %d", len(dst), n))
	}
	var w rowWalk
	i := 0
	for ok := u.g.startRows(&w); ok; ok = w.next() {
		if w.stride == u.dt.Size {
			i += copy(dst[i:], u.g.data[w.off:w.off+w.n*w.stride])
			continue
		}
		off := w.off
		for range w.n {
			i += copy(dst[i:], u.g.data[off:off+u.dt.Size])
			off += w.stride
		}
	}
	return n
}

// Advise tells the operating system how the pages the view spans will be
// used; see [View.Advise].
func (u Items) Advise(a mmap.Advice) error { return u.f.advise(a, u.g) }

// Flush writes the changes made through the view to the file and waits until
// they are on the device; see [View.Flush].
func (u Items) Flush() error { return u.f.flush(u.g) }

// Field returns a typed view of one field of the records in u, by name
// ("meta.a" for a nested field). A sub-array field adds its shape as trailing
// axes. T must match the field's dtype in kind and size; byte order and
// alignment may be anything.
func Field[T Element](u Items, name string) (View[T], error) {
	fu, err := u.Field(name)
	if err != nil {
		return View[T]{}, err
	}
	v, err := As[T](fu)
	if err != nil {
		return View[T]{}, fmt.Errorf("%w (field %q)", err, name)
	}
	return v, nil
}

// Overlay returns the records of u as a []S over the file's bytes, when the
// Go struct S lays its fields out exactly as the file does (offsets, sizes,
// byte order, item size) and the records are contiguous and aligned.
// Otherwise it returns the reason. NumPy packs records unless told to align
// them, so most files need field views ([Field]) instead.
//
// The slice aliases the file as [View.Contiguous] does.
func Overlay[S any](u Items) ([]S, error) {
	u.f.check()
	t := reflect.TypeFor[S]()
	if err := layout.Overlay(u.dt, t); err != nil {
		return nil, &detailError{msg: fmt.Sprintf("array: %s: %v cannot overlay %s: %s", u.f.name(), t, u.dt, reason(err)), errs: []error{err}}
	}
	if !u.g.isC() {
		return nil, fmt.Errorf("%w: %s: strides %v for shape %v are not C-contiguous", ErrLayout, u.f.name(), u.g.strides, u.g.shape)
	}
	s, err := castSlice[S](u.g.data)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrLayout, u.f.name(), err)
	}
	return s, nil
}
