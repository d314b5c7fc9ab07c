package reduce

import (
	"context"
	"fmt"
	"math"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/layout"
)

// op is a reduction.
type op int

const (
	opSum op = iota
	opMean
	opNaNSum
	opNaNMean
	opCountNaN
	opVar
	opStd
	opNaNVar
	opNaNStd
	opMin
	opMax
	opNaNMin
	opNaNMax
)

var opNames = [...]string{"sum", "mean", "nansum", "nanmean", "count of NaNs", "var", "std", "nanvar", "nanstd", "min", "max", "nanmin", "nanmax"}

func (o op) String() string { return opNames[o] }

// skipsNaN reports whether the reduction leaves NaNs out (and counts them).
func (o op) skipsNaN() bool {
	switch o {
	case opNaNSum, opNaNMean, opCountNaN, opNaNVar, opNaNStd, opNaNMin, opNaNMax:
		return true
	}
	return false
}

// Sum returns the sum of the elements of v, over every axis or over those
// of [Axis]. Integers are added exactly and the result wraps around in 64
// bits, as NumPy's does; floating-point values are added in float64,
// pairwise (see the package doc). A NaN makes the sum NaN.
func Sum[T array.Element](ctx context.Context, v array.View[T], opts ...Option) (Result, error) {
	return reduceOp(ctx, v, opSum, opts)
}

// Mean returns the arithmetic mean: [Sum] divided by the number of values,
// NaN where there are none.
func Mean[T array.Element](ctx context.Context, v array.View[T], opts ...Option) (Result, error) {
	return reduceOp(ctx, v, opMean, opts)
}

// NaNSum returns the sum of the values that are not NaN, as NumPy's nansum:
// 0 where every value is NaN. For integers and bools it is [Sum].
func NaNSum[T array.Element](ctx context.Context, v array.View[T], opts ...Option) (Result, error) {
	return reduceOp(ctx, v, opNaNSum, opts)
}

// NaNMean returns the mean of the values that are not NaN, as NumPy's
// nanmean: NaN where every value is NaN.
func NaNMean[T array.Element](ctx context.Context, v array.View[T], opts ...Option) (Result, error) {
	return reduceOp(ctx, v, opNaNMean, opts)
}

// CountNaN returns how many elements are NaN, as int64s: NumPy's
// np.isnan(a).sum(axis). A complex number is NaN when either part is.
// Integers and bools are never NaN.
func CountNaN[T array.Element](ctx context.Context, v array.View[T], opts ...Option) (Result, error) {
	return reduceOp(ctx, v, opCountNaN, opts)
}

// Var returns the variance: the sum of the squared deviations from the
// mean divided by N - ddof ([DDof], default 0), where N is the number of
// values; for complex numbers, the squared moduli of the deviations, a
// real number. Where N <= ddof the result is infinite, or NaN, as NumPy's
// is. A NaN or an infinity makes the variance NaN. It is computed in
// float64 from block means merged stably, not from a sum of squares.
func Var[T array.Element](ctx context.Context, v array.View[T], opts ...Option) (Result, error) {
	return reduceOp(ctx, v, opVar, opts)
}

// Std returns the standard deviation: the square root of [Var].
func Std[T array.Element](ctx context.Context, v array.View[T], opts ...Option) (Result, error) {
	return reduceOp(ctx, v, opStd, opts)
}

// NaNVar returns the variance of the values that are not NaN, as NumPy's
// nanvar, with N their number.
func NaNVar[T array.Element](ctx context.Context, v array.View[T], opts ...Option) (Result, error) {
	return reduceOp(ctx, v, opNaNVar, opts)
}

// NaNStd returns the standard deviation of the values that are not NaN,
// the square root of [NaNVar].
func NaNStd[T array.Element](ctx context.Context, v array.View[T], opts ...Option) (Result, error) {
	return reduceOp(ctx, v, opNaNStd, opts)
}

// Min returns the least value, of the elements' own dtype: NaN where a
// value is NaN. Complex numbers are ordered by real part, then imaginary
// part, as NumPy orders them. Where there are no values it returns an
// error wrapping [ErrEmpty].
func Min[T array.Element](ctx context.Context, v array.View[T], opts ...Option) (Result, error) {
	return reduceOp(ctx, v, opMin, opts)
}

// Max returns the greatest value, as [Min] returns the least.
func Max[T array.Element](ctx context.Context, v array.View[T], opts ...Option) (Result, error) {
	return reduceOp(ctx, v, opMax, opts)
}

// NaNMin returns the least value that is not NaN, as NumPy's nanmin: NaN
// where every value is NaN.
func NaNMin[T array.Element](ctx context.Context, v array.View[T], opts ...Option) (Result, error) {
	return reduceOp(ctx, v, opNaNMin, opts)
}

// NaNMax returns the greatest value that is not NaN, as NumPy's nanmax.
func NaNMax[T array.Element](ctx context.Context, v array.View[T], opts ...Option) (Result, error) {
	return reduceOp(ctx, v, opNaNMax, opts)
}

// elemDType returns the dtype of T's values in native byte order: what the
// kernels read once CopyTo or Contiguous has had its say on byte order.
func elemDType[T array.Element]() layout.DType {
	dt, err := layout.For[T]()
	if err != nil {
		panic("reduce: " + err.Error())
	}
	return dt
}

// resultDType returns the dtype NumPy gives reduction o of values of dt
// (NumPy 2 on any platform, NumPy 1 on 64-bit Linux and macOS, where the
// default integer is 64 bits).
func resultDType(o op, dt layout.DType) layout.DType {
	dt.Order = layout.NativeOrder
	if dt.Size == 1 {
		dt.Order = layout.NotApplicable
	}
	switch o {
	case opCountNaN:
		return layout.Int64
	case opMin, opMax, opNaNMin, opNaNMax:
		return dt
	case opSum, opNaNSum:
		switch dt.Kind {
		case layout.Bool, layout.Int:
			return layout.Int64
		case layout.Uint:
			return layout.Uint64
		}
		return dt
	case opMean, opNaNMean:
		switch dt.Kind {
		case layout.Bool, layout.Int, layout.Uint:
			return layout.Float64
		}
		return dt
	}
	// The variance and the standard deviation.
	switch dt.Kind {
	case layout.Bool, layout.Int, layout.Uint:
		return layout.Float64
	case layout.Complex:
		if dt.Size == 8 {
			return layout.Float32
		}
		return layout.Float64
	}
	return dt
}

// half converts float16 elements to float32 for the kernels.
func half[T array.Element](dst []float32, src []T) { f16to32(dst, cast[layout.Float16](src)) }

// reduceOp runs reduction o of v.
func reduceOp[T array.Element](ctx context.Context, v array.View[T], o op, opts []Option) (Result, error) {
	cfg := newConfig(opts)
	return reducePlan(ctx, newPlan(v, &cfg), &cfg, o)
}

// reducePlan runs reduction o as p plans it.
func reducePlan[T array.Element](ctx context.Context, p *plan[T], cfg *config, o op) (Result, error) {
	dt := elemDType[T]()
	res := newResult(resultDType(o, dt), p.out)
	var err error
	switch o {
	case opSum, opMean, opNaNSum, opNaNMean, opCountNaN:
		err = sums(ctx, p, cfg, o, dt, res)
	case opVar, opStd, opNaNVar, opNaNStd:
		err = variances(ctx, p, cfg, o, dt, res)
	default:
		err = extrema(ctx, p, cfg, o, dt, res)
	}
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

func sums[T array.Element](ctx context.Context, p *plan[T], cfg *config, o op, dt layout.DType, res Result) error {
	skip := o.skipsNaN()
	switch k, n := dt.Kind, dt.Size; {
	case k == layout.Float && n == 2:
		return fsums(ctx, p, cfg, o, source[T, float32]{conv: half[T]}, skip, res)
	case k == layout.Float && n == 4:
		return fsums(ctx, p, cfg, o, source[T, float32]{}, skip, res)
	case k == layout.Float:
		return fsums(ctx, p, cfg, o, source[T, float64]{}, skip, res)
	case k == layout.Complex && n == 8:
		return csums(ctx, p, cfg, o, source[T, complex64]{}, skip, res)
	case k == layout.Complex:
		return csums(ctx, p, cfg, o, source[T, complex128]{}, skip, res)
	case o == opCountNaN:
		return ctx.Err() // integers are never NaN: all zeros
	case k == layout.Bool:
		return isums(ctx, p, cfg, o, source[T, uint8]{}, res)
	case k == layout.Int && n == 1:
		return isums(ctx, p, cfg, o, source[T, int8]{}, res)
	case k == layout.Int && n == 2:
		return isums(ctx, p, cfg, o, source[T, int16]{}, res)
	case k == layout.Int && n == 4:
		return isums(ctx, p, cfg, o, source[T, int32]{}, res)
	case k == layout.Int:
		return isums(ctx, p, cfg, o, source[T, int64]{}, res)
	case n == 1:
		return isums(ctx, p, cfg, o, source[T, uint8]{}, res)
	case n == 2:
		return isums(ctx, p, cfg, o, source[T, uint16]{}, res)
	case n == 4:
		return isums(ctx, p, cfg, o, source[T, uint32]{}, res)
	}
	return isums(ctx, p, cfg, o, source[T, uint64]{}, res)
}

func fsums[T array.Element, E float](ctx context.Context, p *plan[T], cfg *config, o op, src source[T, E], skip bool, res Result) error {
	a, err := run(ctx, p, cfg, src, func() acc[E] { return &fsum[E]{skip: skip} })
	if err != nil {
		return err
	}
	f := a.(*fsum[E])
	for j := range p.cells {
		switch o {
		case opSum, opNaNSum:
			res.setFloat(j, f.sum(j))
		case opMean:
			res.setFloat(j, f.sum(j)/float64(p.count))
		case opNaNMean:
			res.setFloat(j, f.sum(j)/float64(int64(p.count)-f.nan[j]))
		case opCountNaN:
			res.setInt(j, uint64(f.nan[j]))
		}
	}
	return nil
}

func csums[T array.Element, E complexNum](ctx context.Context, p *plan[T], cfg *config, o op, src source[T, E], skip bool, res Result) error {
	a, err := run(ctx, p, cfg, src, func() acc[E] { return &csum[E]{skip: skip} })
	if err != nil {
		return err
	}
	f := a.(*csum[E])
	for j := range p.cells {
		switch o {
		case opSum, opNaNSum:
			res.setComplex(j, f.s[j])
		case opMean:
			res.setComplex(j, divReal(f.s[j], float64(p.count)))
		case opNaNMean:
			res.setComplex(j, divReal(f.s[j], float64(int64(p.count)-f.nan[j])))
		case opCountNaN:
			res.setInt(j, uint64(f.nan[j]))
		}
	}
	return nil
}

func isums[T array.Element, E integer](ctx context.Context, p *plan[T], cfg *config, o op, src source[T, E], res Result) error {
	a, err := run(ctx, p, cfg, src, func() acc[E] { return &isum[E]{} })
	if err != nil {
		return err
	}
	f := a.(*isum[E])
	for j := range p.cells {
		if o == opMean || o == opNaNMean {
			res.setFloat(j, f.value(j)/float64(p.count))
		} else {
			res.setInt(j, f.lo[j])
		}
	}
	return nil
}

// momer is an accumulator built on moments.
type momer interface{ mom() *moments }

func (a *moments) mom() *moments { return a }

func variances[T array.Element](ctx context.Context, p *plan[T], cfg *config, o op, dt layout.DType, res Result) error {
	skip := o.skipsNaN()
	switch k, n := dt.Kind, dt.Size; {
	case k == layout.Float && n == 2:
		return rvars(ctx, p, cfg, o, source[T, float32]{conv: half[T]}, newRvar[float32](skip), res)
	case k == layout.Float && n == 4:
		return rvars(ctx, p, cfg, o, source[T, float32]{}, newRvar[float32](skip), res)
	case k == layout.Float:
		return rvars(ctx, p, cfg, o, source[T, float64]{}, newRvar[float64](skip), res)
	case k == layout.Complex && n == 8:
		return cvars(ctx, p, cfg, o, source[T, complex64]{}, skip, res)
	case k == layout.Complex:
		return cvars(ctx, p, cfg, o, source[T, complex128]{}, skip, res)
	case k == layout.Bool:
		return rvars(ctx, p, cfg, o, source[T, uint8]{}, newSvar[uint8](), res)
	case k == layout.Int && n == 1:
		return rvars(ctx, p, cfg, o, source[T, int8]{}, newSvar[int8](), res)
	case k == layout.Int && n == 2:
		return rvars(ctx, p, cfg, o, source[T, int16]{}, newSvar[int16](), res)
	case k == layout.Int && n == 4:
		return rvars(ctx, p, cfg, o, source[T, int32]{}, newRvar[int32](false), res)
	case k == layout.Int:
		return rvars(ctx, p, cfg, o, source[T, int64]{}, newRvar[int64](false), res)
	case n == 1:
		return rvars(ctx, p, cfg, o, source[T, uint8]{}, newSvar[uint8](), res)
	case n == 2:
		return rvars(ctx, p, cfg, o, source[T, uint16]{}, newSvar[uint16](), res)
	case n == 4:
		return rvars(ctx, p, cfg, o, source[T, uint32]{}, newRvar[uint32](false), res)
	}
	return rvars(ctx, p, cfg, o, source[T, uint64]{}, newRvar[uint64](false), res)
}

func newRvar[E number](skip bool) func() acc[E] {
	return func() acc[E] { return &rvar[E]{moments{skip: skip}} }
}

func newSvar[E tinyInt]() func() acc[E] {
	return func() acc[E] { return &svar[E]{} }
}

func rvars[T array.Element, E number](ctx context.Context, p *plan[T], cfg *config, o op, src source[T, E], newAcc func() acc[E], res Result) error {
	a, err := run(ctx, p, cfg, src, newAcc)
	if err != nil {
		return err
	}
	m := a.(momer).mom()
	for j := range p.cells {
		v := m.variance(j, cfg.ddof)
		if o == opStd || o == opNaNStd {
			v = math.Sqrt(v)
		}
		res.setFloat(j, v)
	}
	return nil
}

func cvars[T array.Element, E complexNum](ctx context.Context, p *plan[T], cfg *config, o op, src source[T, E], skip bool, res Result) error {
	a, err := run(ctx, p, cfg, src, func() acc[E] { return &cvar[E]{skip: skip} })
	if err != nil {
		return err
	}
	m := a.(*cvar[E])
	for j := range p.cells {
		v := m.variance(j, cfg.ddof)
		if o == opStd || o == opNaNStd {
			v = math.Sqrt(v)
		}
		res.setFloat(j, v)
	}
	return nil
}

func extrema[T array.Element](ctx context.Context, p *plan[T], cfg *config, o op, dt layout.DType, res Result) error {
	switch k, n := dt.Kind, dt.Size; {
	case k == layout.Float && n == 2:
		return mms(ctx, p, cfg, o, source[T, float32]{conv: half[T]}, res)
	case k == layout.Float && n == 4:
		return mms(ctx, p, cfg, o, source[T, float32]{}, res)
	case k == layout.Float:
		return mms(ctx, p, cfg, o, source[T, float64]{}, res)
	case k == layout.Complex && n == 8:
		return cmms(ctx, p, cfg, o, source[T, complex64]{}, res)
	case k == layout.Complex:
		return cmms(ctx, p, cfg, o, source[T, complex128]{}, res)
	case k == layout.Bool:
		return mms(ctx, p, cfg, o, source[T, uint8]{}, res)
	case k == layout.Int && n == 1:
		return mms(ctx, p, cfg, o, source[T, int8]{}, res)
	case k == layout.Int && n == 2:
		return mms(ctx, p, cfg, o, source[T, int16]{}, res)
	case k == layout.Int && n == 4:
		return mms(ctx, p, cfg, o, source[T, int32]{}, res)
	case k == layout.Int:
		return mms(ctx, p, cfg, o, source[T, int64]{}, res)
	case n == 1:
		return mms(ctx, p, cfg, o, source[T, uint8]{}, res)
	case n == 2:
		return mms(ctx, p, cfg, o, source[T, uint16]{}, res)
	case n == 4:
		return mms(ctx, p, cfg, o, source[T, uint32]{}, res)
	}
	return mms(ctx, p, cfg, o, source[T, uint64]{}, res)
}

// emptyErr is the error of a minimum or maximum of no values.
func emptyErr(o op) error { return fmt.Errorf("%w: %s of no values", ErrEmpty, o) }

func mms[T array.Element, E number](ctx context.Context, p *plan[T], cfg *config, o op, src source[T, E], res Result) error {
	a, err := run(ctx, p, cfg, src, func() acc[E] { return &mm[E]{} })
	if err != nil {
		return err
	}
	f := a.(*mm[E])
	for j := range p.cells {
		if f.n[j] == 0 {
			return emptyErr(o)
		}
		x := f.hi[j]
		if o == opMin || o == opNaNMin {
			x = f.lo[j]
		}
		if f.nan[j] == f.n[j] || f.nan[j] > 0 && !o.skipsNaN() {
			res.setFloat(j, math.NaN())
			continue
		}
		setSame(res, j, x)
	}
	return nil
}

func cmms[T array.Element, E complexNum](ctx context.Context, p *plan[T], cfg *config, o op, src source[T, E], res Result) error {
	a, err := run(ctx, p, cfg, src, func() acc[E] { return &cmm[E]{} })
	if err != nil {
		return err
	}
	f := a.(*cmm[E])
	for j := range p.cells {
		if f.n[j] == 0 {
			return emptyErr(o)
		}
		x := f.hi[j]
		if o == opMin || o == opNaNMin {
			x = f.lo[j]
		}
		switch {
		case f.nan[j] > 0 && !o.skipsNaN():
			// NumPy's minimum and maximum pass the first NaN on.
			x = f.first[j]
		case f.nan[j] == f.n[j]:
			x = complex(math.NaN(), 0) // as NumPy's nanmin gives
		}
		res.setComplex(j, x)
	}
	return nil
}

// Summary holds the statistics [Describe] computes, one value per cell of
// the result, in C order over Shape.
type Summary struct {
	// Shape is the view's shape less the reduced axes.
	Shape []int
	// Count is the number of values that are not NaN, and NaN the number
	// of NaNs.
	Count, NaN []int64
	// Min, Max, Mean and Var are NumPy's nanmin, nanmax, nanmean and
	// nanvar (with [DDof]): NaN where there is no value that is not NaN.
	// Min and Max of 64-bit integers beyond 2⁵³ are rounded to float64.
	Min, Max, Mean, Var []float64
}

// Describe computes, in one pass, the count of values, the count of NaNs,
// and the least, greatest, mean and variance of the values that are not
// NaN, over every axis or over those of [Axis]. For complex numbers it
// returns an error wrapping [ErrType]: they have no order.
func Describe[T array.Element](ctx context.Context, v array.View[T], opts ...Option) (Summary, error) {
	cfg := newConfig(opts)
	return describePlan(ctx, newPlan(v, &cfg), cfg)
}

// describePlan runs Describe as p plans it.
func describePlan[T array.Element](ctx context.Context, p *plan[T], cfg config) (Summary, error) {
	dt := elemDType[T]()
	switch k, n := dt.Kind, dt.Size; {
	case k == layout.Complex:
		return Summary{}, fmt.Errorf("%w: Describe of %s values: complex numbers have no order", ErrType, dt)
	case k == layout.Float && n == 2:
		return describe(ctx, p, cfg, source[T, float32]{conv: half[T]}, newRvar[float32](true))
	case k == layout.Float && n == 4:
		return describe(ctx, p, cfg, source[T, float32]{}, newRvar[float32](true))
	case k == layout.Float:
		return describe(ctx, p, cfg, source[T, float64]{}, newRvar[float64](true))
	case k == layout.Bool:
		return describe(ctx, p, cfg, source[T, uint8]{}, newSvar[uint8]())
	case k == layout.Int && n == 1:
		return describe(ctx, p, cfg, source[T, int8]{}, newSvar[int8]())
	case k == layout.Int && n == 2:
		return describe(ctx, p, cfg, source[T, int16]{}, newSvar[int16]())
	case k == layout.Int && n == 4:
		return describe(ctx, p, cfg, source[T, int32]{}, newRvar[int32](false))
	case k == layout.Int:
		return describe(ctx, p, cfg, source[T, int64]{}, newRvar[int64](false))
	case n == 1:
		return describe(ctx, p, cfg, source[T, uint8]{}, newSvar[uint8]())
	case n == 2:
		return describe(ctx, p, cfg, source[T, uint16]{}, newSvar[uint16]())
	case n == 4:
		return describe(ctx, p, cfg, source[T, uint32]{}, newRvar[uint32](false))
	}
	return describe(ctx, p, cfg, source[T, uint64]{}, newRvar[uint64](false))
}

func describe[T array.Element, E number](ctx context.Context, p *plan[T], cfg config, src source[T, E], newVar func() acc[E]) (Summary, error) {
	a, err := run(ctx, p, &cfg, src, func() acc[E] {
		v := newVar()
		return &desc[E]{v: v, mom: v.(momer).mom(), size: itemSize[E]()}
	})
	if err != nil {
		return Summary{}, err
	}
	d := a.(*desc[E])
	n := p.cells
	s := Summary{
		Shape: append([]int{}, p.out...),
		Count: make([]int64, n), NaN: make([]int64, n),
		Min: make([]float64, n), Max: make([]float64, n),
		Mean: make([]float64, n), Var: make([]float64, n),
	}
	for j := range n {
		count := d.ext.n[j] - d.ext.nan[j]
		s.Count[j], s.NaN[j] = count, d.ext.nan[j]
		if count == 0 {
			s.Min[j], s.Max[j], s.Mean[j], s.Var[j] = math.NaN(), math.NaN(), math.NaN(), math.NaN()
			continue
		}
		s.Min[j], s.Max[j] = float64(d.ext.lo[j]), float64(d.ext.hi[j])
		s.Mean[j] = d.mom.sumOf(j) / float64(count)
		s.Var[j] = d.mom.variance(j, cfg.ddof)
	}
	return s, nil
}
