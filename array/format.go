package array

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ndmap/ndmap/layout"
)

// edgeItems is how many positions String shows at each end of an axis
// longer than twice that, as NumPy's repr does when it summarises.
const edgeItems = 3

// String returns a summary of the view in the manner of NumPy's repr: a few
// elements at each end of every long axis with "..." between them, the
// dtype and the shape, as in "array([0, 1, 2, ..., 97, 98, 99],
// dtype=int64, shape=(100,))". It reads the elements; for a closed file it
// shows none.
func (v View[T]) String() string { return summary(v.items()) }

// String returns a summary of the items in the manner of NumPy's repr; see
// [View.String]. Strings are quoted and records shown as tuples of their
// fields.
func (u Items) String() string { return summary(u) }

func summary(u Items) string {
	var b strings.Builder
	b.WriteString("array(")
	switch {
	case u.f == nil:
		b.WriteString("<nil>")
	case u.f.closed.Load():
		b.WriteString("<closed>")
	default:
		err := u.f.Guard(func() error {
			writeSummary(&b, u)
			return nil
		})
		if err != nil {
			fmt.Fprintf(&b, "<%v>", err)
		}
	}
	b.WriteString(", dtype=")
	b.WriteString(u.dt.String())
	b.WriteString(", shape=(")
	for k, n := range u.g.shape {
		if k > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(n))
	}
	if len(u.g.shape) == 1 {
		b.WriteByte(',')
	}
	b.WriteString("))")
	return b.String()
}

// writeSummary writes the items of u, nested in brackets by axis.
func writeSummary(b *strings.Builder, u Items) {
	if len(u.g.shape) == 0 {
		b.WriteString(itemText(u))
		return
	}
	b.WriteByte('[')
	n := u.g.shape[0]
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		if n > 2*edgeItems && i == edgeItems {
			b.WriteString("...")
			i = n - edgeItems - 1
			continue
		}
		writeSummary(b, u.Index(i))
	}
	b.WriteByte(']')
}

// itemText formats the one item of the 0-d view u, read through the typed
// view its dtype has.
func itemText(u Items) string {
	dt := u.dt
	switch dt.Kind {
	case layout.Bool:
		return strconv.FormatBool(itemAt[bool](u))
	case layout.Int, layout.Datetime, layout.Timedelta:
		switch dt.Size {
		case 1:
			return strconv.FormatInt(int64(itemAt[int8](u)), 10)
		case 2:
			return strconv.FormatInt(int64(itemAt[int16](u)), 10)
		case 4:
			return strconv.FormatInt(int64(itemAt[int32](u)), 10)
		case 8:
			return strconv.FormatInt(itemAt[int64](u), 10)
		}
	case layout.Uint:
		switch dt.Size {
		case 1:
			return strconv.FormatUint(uint64(itemAt[uint8](u)), 10)
		case 2:
			return strconv.FormatUint(uint64(itemAt[uint16](u)), 10)
		case 4:
			return strconv.FormatUint(uint64(itemAt[uint32](u)), 10)
		case 8:
			return strconv.FormatUint(itemAt[uint64](u), 10)
		}
	case layout.Float:
		switch dt.Size {
		case 2:
			return strconv.FormatFloat(float64(itemAt[layout.Float16](u).Float32()), 'g', -1, 32)
		case 4:
			return strconv.FormatFloat(float64(itemAt[float32](u)), 'g', -1, 32)
		case 8:
			return strconv.FormatFloat(itemAt[float64](u), 'g', -1, 64)
		}
	case layout.Complex:
		switch dt.Size {
		case 8:
			return strconv.FormatComplex(complex128(itemAt[complex64](u)), 'g', -1, 64)
		case 16:
			return strconv.FormatComplex(itemAt[complex128](u), 'g', -1, 128)
		}
	case layout.Bytes, layout.Unicode:
		return strconv.Quote(u.Text())
	case layout.Struct:
		parts := make([]string, len(dt.Fields))
		for i, fd := range dt.Fields {
			fu, err := u.Field(fd.Name)
			if err != nil {
				parts[i] = "?"
				continue
			}
			var b strings.Builder
			writeSummary(&b, fu)
			parts[i] = b.String()
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
	return strconv.Quote(string(u.Bytes()))
}

// itemAt reads the one item of the 0-d view u as T, which the caller has
// chosen to match its dtype.
func itemAt[T Element](u Items) T {
	v, err := As[T](u)
	if err != nil {
		var zero T
		return zero
	}
	return v.At()
}
