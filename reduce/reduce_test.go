package reduce

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/layout"
)

// shapes and axes every reduction is checked on. nil axes: every axis.
var reduceCases = []struct {
	shape []int
	axes  []int
}{
	{[]int{}, nil},
	{[]int{0}, nil},
	{[]int{1}, nil},
	{[]int{7}, nil},
	{[]int{7}, []int{0}},
	{[]int{7}, []int{}},
	{[]int{300}, nil},
	{[]int{5, 3}, nil},
	{[]int{5, 3}, []int{0}},
	{[]int{5, 3}, []int{1}},
	{[]int{5, 3}, []int{-1}},
	{[]int{5, 3}, []int{}},
	{[]int{4, 0}, []int{0}},
	{[]int{0, 4}, []int{0}},
	{[]int{0, 4}, []int{1}},
	{[]int{1, 9}, []int{0}},
	{[]int{9, 1}, []int{1}},
	{[]int{3, 4, 5}, nil},
	{[]int{3, 4, 5}, []int{0}},
	{[]int{3, 4, 5}, []int{1}},
	{[]int{3, 4, 5}, []int{2}},
	{[]int{3, 4, 5}, []int{0, 2}},
	{[]int{3, 4, 5}, []int{1, 2}},
	{[]int{2, 3, 4, 5}, []int{0, 2}},
	{[]int{2, 3, 4, 5}, []int{1, 3}},
	{[]int{2, 1, 4, 5}, []int{1, 3}},
	{[]int{400, 7}, []int{0}},
	{[]int{400, 7}, []int{1}},
	{[]int{40, 9, 11}, []int{0}},
	{[]int{3, 2000}, []int{0}},
	{[]int{3, 2000}, []int{1}},
	{[]int{2, 5000}, nil},
}

// reduceConfigs returns the options every case of size bytes runs with:
// the defaults (one chunk, mostly), and several workers on chunks of a few
// elements, which makes many chunks and merges. Under the race detector,
// where every chunk's hand-offs cost many times more, only the second
// runs — the first's code paths are those of cases small enough to be one
// chunk of the second — on chunks of at least a 32nd of the case, so that
// the largest cases make dozens of chunks rather than thousands.
func reduceConfigs(bytes int) [][]Option {
	parallel := []Option{Workers(3), ChunkBytes(testChunkBytes(40, bytes))}
	if raceDetector {
		return [][]Option{parallel}
	}
	return [][]Option{nil, parallel}
}

// testChunkBytes returns n, or under the race detector at least a 32nd
// of size (see reduceConfigs).
func testChunkBytes(n, size int) int {
	if raceDetector {
		return max(n, size/32)
	}
	return n
}

// layouts lay the same logical values out in different ways.
var layouts = []string{"memory", "file", "big-endian", "fortran", "strided"}

// makeView returns a view of the C-ordered values data of the given shape,
// laid out as layout says.
func makeView[T array.Element](t *testing.T, dt layout.DType, data []T, shape []int, lay string) array.View[T] {
	switch lay {
	case "memory":
		return memView(data, shape...)
	case "file":
		return fileView(t, dt, data, false, shape...)
	case "big-endian":
		if dt.Size > 1 && dt.Kind != layout.Bool {
			dt.Order = layout.BigEndian
		}
		return fileView(t, dt, data, false, shape...)
	case "fortran":
		return fileView(t, dt, data, true, shape...)
	}
	// Strided: the last axis doubled in memory and walked backwards with
	// a step of two, so that the values sit at odd places, reversed.
	if len(shape) == 0 {
		return memView(data, shape...)
	}
	wide := slices.Clone(shape)
	last := len(shape) - 1
	wide[last] *= 2
	n := shape[last]
	back := make([]T, 0, 2*len(data))
	for i := 0; i < len(data); i += max(n, 1) {
		for j := range n {
			back = append(back, data[i+n-1-j], data[i+n-1-j])
		}
		if n == 0 {
			break
		}
	}
	sels := make([]array.Sel, len(shape))
	for k := range sels {
		sels[k] = array.All
	}
	sels[last] = array.All.By(-2)
	return memView(back, wide...).Slice(sels...)
}

// cellsOf groups the values of a C-ordered array of the given shape by the
// cell of the reduction over axes (nil: all) they go to.
func cellsOf[T any](data []T, shape []int, axes []int) (out []int, cells [][]T) {
	nd := len(shape)
	red := make([]bool, nd)
	if axes == nil {
		for k := range red {
			red[k] = true
		}
	}
	for _, a := range axes {
		red[(a+nd)%nd] = true
	}
	n := 1
	for k, d := range shape {
		if !red[k] {
			out = append(out, d)
			n *= d
		}
	}
	cells = make([][]T, n)
	idx := make([]int, nd)
	for _, x := range data {
		c := 0
		for k, d := range shape {
			if !red[k] {
				c = c*d + idx[k]
			}
		}
		cells[c] = append(cells[c], x)
		for k := nd - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	if out == nil {
		out = []int{}
	}
	return out, cells
}

// exactSum returns the sum of xs, correctly rounded to float64 (NaN if
// one is NaN or infinities of both signs meet, an infinity if one is).
func exactSum(xs []float64) float64 {
	var inf float64
	s := new(big.Float).SetPrec(4000)
	for _, x := range xs {
		switch {
		case x != x:
			return math.NaN()
		case math.IsInf(x, 0):
			if inf != 0 && inf != x {
				return math.NaN()
			}
			inf = x
		default:
			s.Add(s, new(big.Float).SetFloat64(x))
		}
	}
	if inf != 0 {
		return inf
	}
	f, _ := s.Float64()
	return f
}

// refStats is what every reduction of one cell should give.
type refStats struct {
	sum, mean, v0, v1 float64 // v0, v1: variance with ddof 0 and 1
	min, max          float64
	n, nan            int
}

func stats(xs []float64, skip bool) refStats {
	var r refStats
	var vals []float64
	for _, x := range xs {
		if x != x {
			r.nan++
			if skip {
				continue
			}
		}
		vals = append(vals, x)
	}
	r.n = len(vals)
	r.sum = exactSum(vals)
	r.mean = r.sum / float64(r.n)
	var dev []float64
	for _, x := range vals {
		d := x - r.mean
		dev = append(dev, d*d)
	}
	ss := exactSum(dev)
	if r.n == 0 {
		ss = 0
	}
	r.v0 = ss / float64(max(r.n, 0))
	r.v1 = ss / float64(max(r.n-1, 0))
	r.min, r.max = math.NaN(), math.NaN()
	if len(vals) > 0 && (skip || r.nan == 0) {
		r.min, r.max = slices.Min(vals), slices.Max(vals)
	}
	return r
}

// near reports whether got is want within tol relative to scale.
func near(got, want, tol, scale float64) bool {
	switch {
	case got == want:
		return true
	case want != want:
		return got != got
	case math.IsInf(want, 0):
		return got == want
	}
	return math.Abs(got-want) <= tol*max(scale, math.SmallestNonzeroFloat64)
}

// realCheck compares the reductions of a view of T with values conv(data)
// against refStats of each cell.
type realCheck[T array.Element] struct {
	dt      layout.DType
	data    []T
	conv    func(T) float64
	tol     float64 // relative error allowed in sums and means
	abs     float64 // absolute error allowed (float16's subnormal step)
	isFloat bool
}

func (c realCheck[T]) run(t *testing.T) {
	ctx := context.Background()
	for _, tc := range reduceCases {
		n := 1
		for _, d := range tc.shape {
			n *= d
		}
		data := c.data[:n]
		vals := make([]float64, n)
		for i, x := range data {
			vals[i] = c.conv(x)
		}
		out, cells := cellsOf(vals, tc.shape, tc.axes)
		// The exact statistics of each cell, once for every layout.
		refs := make([]refStats, len(cells))
		skips := make([]refStats, len(cells))
		for j, xs := range cells {
			refs[j], skips[j] = stats(xs, false), stats(xs, true)
		}
		for _, lay := range layouts {
			v := makeView(t, c.dt, data, tc.shape, lay)
			for _, cfg := range reduceConfigs(n * c.dt.Size) {
				var opts []Option
				if tc.axes != nil {
					opts = append(opts, Axis(tc.axes...))
				}
				opts = append(opts, cfg...)
				name := fmt.Sprintf("%v/axes%v/%s/%d", tc.shape, tc.axes, lay, len(cfg))
				c.check(t, ctx, name, v, out, cells, refs, skips, opts)
			}
		}
	}
}

func (c realCheck[T]) check(t *testing.T, ctx context.Context, name string, v array.View[T], out []int, cells [][]float64, refs, skips []refStats, opts []Option) {
	t.Helper()
	type fn func(context.Context, array.View[T], ...Option) (Result, error)
	ops := []struct {
		name string
		f    fn
		want func(r, s refStats) float64
		tol  float64
	}{
		{"Sum", Sum[T], func(r, _ refStats) float64 { return r.sum }, c.tol},
		{"NaNSum", NaNSum[T], func(_, s refStats) float64 { return s.sum }, c.tol},
		{"Mean", Mean[T], func(r, _ refStats) float64 { return r.mean }, c.tol},
		{"NaNMean", NaNMean[T], func(_, s refStats) float64 { return s.mean }, c.tol},
		{"Var", Var[T], func(r, _ refStats) float64 { return r.v0 }, max(c.tol, 1e-12)},
		{"NaNVar", NaNVar[T], func(_, s refStats) float64 { return s.v0 }, max(c.tol, 1e-12)},
		{"Std", Std[T], func(r, _ refStats) float64 { return math.Sqrt(r.v0) }, max(c.tol, 1e-12)},
		{"NaNStd", NaNStd[T], func(_, s refStats) float64 { return math.Sqrt(s.v0) }, max(c.tol, 1e-12)},
		{"Min", Min[T], func(r, _ refStats) float64 { return r.min }, 0},
		{"Max", Max[T], func(r, _ refStats) float64 { return r.max }, 0},
		{"NaNMin", NaNMin[T], func(_, s refStats) float64 { return s.min }, 0},
		{"NaNMax", NaNMax[T], func(_, s refStats) float64 { return s.max }, 0},
		{"CountNaN", CountNaN[T], func(r, _ refStats) float64 { return float64(r.nan) }, 0},
	}
	c.checkDescribe(t, ctx, name, v, out, skips, opts)
	for _, o := range ops {
		res, err := o.f(ctx, v, opts...)
		empty := false
		for _, xs := range cells {
			empty = empty || len(xs) == 0
		}
		if (o.name == "Min" || o.name == "Max" || o.name == "NaNMin" || o.name == "NaNMax") && empty {
			if !errors.Is(err, ErrEmpty) {
				t.Errorf("%s %s: error %v, want ErrEmpty", name, o.name, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %s: %v", name, o.name, err)
			continue
		}
		if !slices.Equal(res.Shape(), out) {
			t.Errorf("%s %s: shape %v, want %v", name, o.name, res.Shape(), out)
			continue
		}
		got := res.Float64s()
		for j := range cells {
			want := o.want(refs[j], skips[j])
			scale := math.Abs(want)
			if o.name == "Sum" || o.name == "NaNSum" || o.name == "Mean" || o.name == "NaNMean" {
				for _, x := range cells[j] {
					if x == x && !math.IsInf(x, 0) {
						scale += math.Abs(x) / max(1, float64(len(cells[j])))
					}
				}
			}
			if !near(got[j], want, o.tol, scale) && !(want == want && math.Abs(got[j]-want) <= c.abs) {
				t.Errorf("%s %s: cell %d = %v, want %v", name, o.name, j, got[j], want)
				break
			}
		}
	}
}

func TestReduceFloat64(t *testing.T) {
	realCheck[float64]{dt: layout.Float64, data: floats(10000, 0.05, 1), conv: func(x float64) float64 { return x }, tol: 1e-14}.run(t)
}

func TestReduceFloat32(t *testing.T) {
	f := floats(10000, 0.05, 2)
	data := make([]float32, len(f))
	for i, x := range f {
		data[i] = float32(x)
	}
	realCheck[float32]{dt: layout.Float32, data: data, conv: func(x float32) float64 { return float64(x) }, tol: 1e-7}.run(t)
}

func TestReduceFloat16(t *testing.T) {
	f := floats(10000, 0.05, 3)
	data := make([]layout.Float16, len(f))
	for i, x := range f {
		data[i] = layout.Float16FromFloat64(x / 1000) // sums within float16's range
	}
	realCheck[layout.Float16]{dt: layout.Half, data: data, conv: layout.Float16.Float64, tol: 1e-3, abs: 6e-8}.run(t)
}

func TestReduceInts(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	n := 10000
	t.Run("int8", func(t *testing.T) { intCheck(t, layout.Int8, r, n, func(u uint64) int8 { return int8(u) }) })
	t.Run("uint8", func(t *testing.T) { intCheck(t, layout.Uint8, r, n, func(u uint64) uint8 { return uint8(u) }) })
	t.Run("int16", func(t *testing.T) { intCheck(t, layout.Int16, r, n, func(u uint64) int16 { return int16(u) }) })
	t.Run("uint16", func(t *testing.T) { intCheck(t, layout.Uint16, r, n, func(u uint64) uint16 { return uint16(u) }) })
	t.Run("int32", func(t *testing.T) { intCheck(t, layout.Int32, r, n, func(u uint64) int32 { return int32(u) }) })
	t.Run("uint32", func(t *testing.T) { intCheck(t, layout.Uint32, r, n, func(u uint64) uint32 { return uint32(u) }) })
	t.Run("int64", func(t *testing.T) { intCheck(t, layout.Int64, r, n, func(u uint64) int64 { return int64(u) >> 20 }) })
	t.Run("uint64", func(t *testing.T) { intCheck(t, layout.Uint64, r, n, func(u uint64) uint64 { return u >> 20 }) })
	intDType, _ := layout.For[int]()
	t.Run("int", func(t *testing.T) { intCheck(t, intDType, r, n, func(u uint64) int { return int(int32(u)) }) })
	t.Run("bool", func(t *testing.T) { intCheck(t, layout.Bool8, r, n, func(u uint64) bool { return u&1 == 1 }) })
}

func intCheck[T array.Element](t *testing.T, dt layout.DType, r *rand.Rand, n int, gen func(uint64) T) {
	data := make([]T, n)
	for i := range data {
		data[i] = gen(r.Uint64())
	}
	conv := func(x T) float64 {
		switch v := any(x).(type) {
		case bool:
			if v {
				return 1
			}
			return 0
		}
		return toFloat(x)
	}
	// Sums of these are exact in float64 (below 2⁵³), so the reference's
	// rounding is the only rounding.
	realCheck[T]{dt: dt, data: data, conv: conv, tol: 1e-15}.run(t)
}

// toFloat converts any real element to float64.
func toFloat[T array.Element](x T) float64 {
	switch v := any(x).(type) {
	case int8:
		return float64(v)
	case uint8:
		return float64(v)
	case int16:
		return float64(v)
	case uint16:
		return float64(v)
	case int32:
		return float64(v)
	case uint32:
		return float64(v)
	case int64:
		return float64(v)
	case uint64:
		return float64(v)
	case int:
		return float64(v)
	}
	panic("toFloat")
}

// floats returns n float64s of varied magnitude and sign, a fraction nan
// of them NaN.
func floats(n int, nan float64, seed uint64) []float64 {
	r := rand.New(rand.NewPCG(seed, 7))
	f := make([]float64, n)
	for i := range f {
		switch {
		case r.Float64() < nan:
			f[i] = math.NaN()
		default:
			f[i] = (r.Float64() - 0.3) * math.Pow(10, float64(r.IntN(5)))
		}
	}
	return f
}

// checkDescribe compares Describe with the NaN-skipping statistics.
func (c realCheck[T]) checkDescribe(t *testing.T, ctx context.Context, name string, v array.View[T], out []int, skips []refStats, opts []Option) {
	t.Helper()
	s, err := Describe(ctx, v, append(opts, DDof(1))...)
	if err != nil {
		t.Errorf("%s Describe: %v", name, err)
		return
	}
	if !slices.Equal(s.Shape, out) || len(s.Count) != len(skips) {
		t.Errorf("%s Describe: shape %v, %d cells; want %v, %d", name, s.Shape, len(s.Count), out, len(skips))
		return
	}
	for j, r := range skips {
		if s.Count[j] != int64(r.n) || s.NaN[j] != int64(r.nan) ||
			!near(s.Min[j], r.min, 0, 0) || !near(s.Max[j], r.max, 0, 0) ||
			!near(s.Mean[j], r.mean, max(c.tol, 1e-14), math.Abs(r.mean)+c.abs) ||
			!near(s.Var[j], r.v1, max(c.tol, 1e-12), math.Abs(r.v1)+c.abs) {
			t.Errorf("%s Describe cell %d: count %d nan %d min %v max %v mean %v var %v; want %d %d %v %v %v %v",
				name, j, s.Count[j], s.NaN[j], s.Min[j], s.Max[j], s.Mean[j], s.Var[j], r.n, r.nan, r.min, r.max, r.mean, r.v1)
			return
		}
	}
}
