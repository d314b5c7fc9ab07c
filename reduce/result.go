package reduce

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/layout"
)

// Errors of the reductions, for errors.Is.
var (
	// ErrEmpty is returned by Min, Max, NaNMin and NaNMax when a cell of
	// the result has no values to compare, as NumPy raises "zero-size
	// array to reduction operation minimum which has no identity".
	ErrEmpty = errors.New("reduce: reduction of no values has no identity")
	// ErrType is returned when a reduction has no meaning for the
	// element type (Describe of complex numbers), and by Values and As
	// when the Go type asked for does not match the result's dtype.
	ErrType = errors.New("reduce: type mismatch")
)

// Result is the outcome of a reduction: an array in memory of the dtype
// NumPy gives the same reduction (see the package doc), whose shape is the
// view's less the reduced axes — empty, for one value, when every axis is
// reduced. Its values are in C order, in native byte order.
type Result struct {
	dtype layout.DType
	shape []int
	vals  any // []bool, []int8 ... []uint64, []layout.Float16, []float32, []float64, []complex64, []complex128
}

// newResult returns a result of dtype dt and the given shape, all zero.
func newResult(dt layout.DType, shape []int) Result {
	n := 1
	for _, d := range shape {
		n *= d
	}
	r := Result{dtype: dt, shape: shape}
	switch {
	case dt.Kind == layout.Bool:
		r.vals = make([]bool, n)
	case dt.Kind == layout.Int && dt.Size == 1:
		r.vals = make([]int8, n)
	case dt.Kind == layout.Int && dt.Size == 2:
		r.vals = make([]int16, n)
	case dt.Kind == layout.Int && dt.Size == 4:
		r.vals = make([]int32, n)
	case dt.Kind == layout.Int:
		r.vals = make([]int64, n)
	case dt.Kind == layout.Uint && dt.Size == 1:
		r.vals = make([]uint8, n)
	case dt.Kind == layout.Uint && dt.Size == 2:
		r.vals = make([]uint16, n)
	case dt.Kind == layout.Uint && dt.Size == 4:
		r.vals = make([]uint32, n)
	case dt.Kind == layout.Uint:
		r.vals = make([]uint64, n)
	case dt.Kind == layout.Float && dt.Size == 2:
		r.vals = make([]layout.Float16, n)
	case dt.Kind == layout.Float && dt.Size == 4:
		r.vals = make([]float32, n)
	case dt.Kind == layout.Float:
		r.vals = make([]float64, n)
	case dt.Kind == layout.Complex && dt.Size == 8:
		r.vals = make([]complex64, n)
	default:
		r.vals = make([]complex128, n)
	}
	return r
}

// DType returns the dtype of the values, in native byte order.
func (r Result) DType() layout.DType { return r.dtype }

// Shape returns a copy of the shape of the result.
func (r Result) Shape() []int { return append([]int{}, r.shape...) }

// Size returns the number of values.
func (r Result) Size() int {
	n := 1
	for _, d := range r.shape {
		n *= d
	}
	return n
}

// Float64s returns the values converted to float64, in a new slice:
// exactly for every dtype but 64-bit integers beyond 2⁵³.
//
// Float64s panics if the result is complex; use Complex128s.
func (r Result) Float64s() []float64 {
	out := make([]float64, r.Size())
	for i := range out {
		out[i] = r.float(i)
	}
	return out
}

// Float64 returns the one value of a result, converted to float64.
//
// Float64 panics if the result does not hold exactly one value, or is
// complex.
func (r Result) Float64() float64 {
	if n := r.Size(); n != 1 {
		panic(fmt.Sprintf("reduce: Float64 of a result of %d values", n))
	}
	return r.float(0)
}

// Complex128s returns the values converted to complex128, in a new slice.
func (r Result) Complex128s() []complex128 {
	out := make([]complex128, r.Size())
	for i := range out {
		switch v := r.vals.(type) {
		case []complex64:
			out[i] = complex128(v[i])
		case []complex128:
			out[i] = v[i]
		default:
			out[i] = complex(r.float(i), 0)
		}
	}
	return out
}

// float returns value i as a float64.
func (r Result) float(i int) float64 {
	switch v := r.vals.(type) {
	case []bool:
		if v[i] {
			return 1
		}
		return 0
	case []int8:
		return float64(v[i])
	case []int16:
		return float64(v[i])
	case []int32:
		return float64(v[i])
	case []int64:
		return float64(v[i])
	case []uint8:
		return float64(v[i])
	case []uint16:
		return float64(v[i])
	case []uint32:
		return float64(v[i])
	case []uint64:
		return float64(v[i])
	case []layout.Float16:
		return v[i].Float64()
	case []float32:
		return float64(v[i])
	case []float64:
		return v[i]
	}
	panic(fmt.Sprintf("reduce: float64 of a %s result", r.dtype.String()))
}

// String formats the values as fmt formats a Go slice (a single value for
// a result of no axes), floats as float64s.
func (r Result) String() string {
	var vals any = r.vals
	switch v := r.vals.(type) {
	case []layout.Float16:
		f := make([]float32, len(v))
		for i, h := range v {
			f[i] = h.Float32()
		}
		vals = f
	}
	s := fmt.Sprint(vals)
	if len(r.shape) == 0 {
		s = strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
	}
	return s
}

// Values returns the values of r as a []E, which is r's own storage (not a
// copy). E must match the result's dtype in kind and size, as it must for
// array.As: int64 or int for an int64 result, float32 for float32, and so
// on; otherwise Values returns an error wrapping [ErrType].
func Values[E array.Element](r Result) ([]E, error) {
	if err := matchType[E](r); err != nil {
		return nil, err
	}
	switch v := r.vals.(type) {
	case []bool:
		return cast[E](v), nil
	case []int8:
		return cast[E](v), nil
	case []int16:
		return cast[E](v), nil
	case []int32:
		return cast[E](v), nil
	case []int64:
		return cast[E](v), nil
	case []uint8:
		return cast[E](v), nil
	case []uint16:
		return cast[E](v), nil
	case []uint32:
		return cast[E](v), nil
	case []uint64:
		return cast[E](v), nil
	case []layout.Float16:
		return cast[E](v), nil
	case []float32:
		return cast[E](v), nil
	case []float64:
		return cast[E](v), nil
	case []complex64:
		return cast[E](v), nil
	case []complex128:
		return cast[E](v), nil
	}
	panic("reduce: internal error: result values of unknown type")
}

// As returns r as a view of its shape, over r's own storage, for code
// that takes views. E must match the result's dtype as for [Values].
func As[E array.Element](r Result) (array.View[E], error) {
	vals, err := Values[E](r)
	if err != nil {
		return array.View[E]{}, err
	}
	return array.FromSlice(vals, r.shape...), nil
}

// matchType checks that E holds values of r's dtype.
func matchType[E array.Element](r Result) error {
	dt, err := layout.For[E]()
	if err != nil || dt.Kind != r.dtype.Kind || dt.Size != r.dtype.Size {
		return fmt.Errorf("%w: result is %s, not %T", ErrType, r.dtype.String(), *new(E))
	}
	return nil
}

// set stores x, a float64 computed for a floating-point or complex result,
// as value i, rounding once to the result's precision.
func (r Result) setFloat(i int, x float64) {
	switch v := r.vals.(type) {
	case []layout.Float16:
		v[i] = layout.Float16FromFloat64(x)
	case []float32:
		v[i] = float32(x)
	case []float64:
		v[i] = x
	case []complex64:
		v[i] = complex(float32(x), 0)
	case []complex128:
		v[i] = complex(x, 0)
	default:
		panic("reduce: internal error: float stored in a " + r.dtype.String() + " result")
	}
}

// setComplex stores x as value i of a complex result.
func (r Result) setComplex(i int, x complex128) {
	switch v := r.vals.(type) {
	case []complex64:
		v[i] = complex64(x)
	case []complex128:
		v[i] = x
	default:
		panic("reduce: internal error: complex stored in a " + r.dtype.String() + " result")
	}
}

// setInt stores the low 64 bits of an integer sum as value i of an int64
// or uint64 result, wrapping around as NumPy's sum does.
func (r Result) setInt(i int, lo uint64) {
	switch v := r.vals.(type) {
	case []int64:
		v[i] = int64(lo)
	case []uint64:
		v[i] = lo
	default:
		panic("reduce: internal error: integer stored in a " + r.dtype.String() + " result")
	}
}

// setSame stores x, a value of the elements (as the kernels saw them), as
// value i of a result of the elements' own dtype.
func setSame[E number](r Result, i int, x E) {
	switch v := r.vals.(type) {
	case []bool:
		v[i] = x != 0
	case []int8:
		v[i] = int8(x)
	case []int16:
		v[i] = int16(x)
	case []int32:
		v[i] = int32(x)
	case []int64:
		v[i] = int64(x)
	case []uint8:
		v[i] = uint8(x)
	case []uint16:
		v[i] = uint16(x)
	case []uint32:
		v[i] = uint32(x)
	case []uint64:
		v[i] = uint64(x)
	case []layout.Float16:
		v[i] = layout.Float16FromFloat32(float32(x)) // exact: x came from a float16
	case []float32:
		v[i] = float32(x)
	case []float64:
		v[i] = float64(x)
	default:
		panic("reduce: internal error: real value stored in a " + r.dtype.String() + " result")
	}
}
