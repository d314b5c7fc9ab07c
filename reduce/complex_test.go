package reduce

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"slices"
	"testing"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/layout"
)

func TestReduceComplex(t *testing.T) {
	re, im := floats(10000, 0.03, 8), floats(10000, 0.03, 9)
	c128 := make([]complex128, len(re))
	c64 := make([]complex64, len(re))
	for i := range re {
		c128[i] = complex(re[i], im[i])
		c64[i] = complex64(c128[i])
	}
	t.Run("complex128", func(t *testing.T) {
		complexCheck(t, layout.Complex128, c128, func(x complex128) complex128 { return x }, 1e-13)
	})
	t.Run("complex64", func(t *testing.T) {
		complexCheck(t, layout.Complex64, c64, func(x complex64) complex128 { return complex128(x) }, 1e-6)
	})
}

func complexCheck[T array.Element](t *testing.T, dt layout.DType, data []T, conv func(T) complex128, tol float64) {
	ctx := context.Background()
	for _, tc := range reduceCases {
		n := 1
		for _, d := range tc.shape {
			n *= d
		}
		vals := make([]complex128, n)
		for i, x := range data[:n] {
			vals[i] = conv(x)
		}
		_, cells := cellsOf(vals, tc.shape, tc.axes)
		// The exact statistics of each cell, without and with NaNs
		// skipped, once for every layout.
		var wants [2][]cstats
		for _, xs := range cells {
			wants[0] = append(wants[0], complexStats(xs, false))
			wants[1] = append(wants[1], complexStats(xs, true))
		}
		for _, lay := range layouts {
			v := makeView(t, dt, data[:n], tc.shape, lay)
			var opts []Option
			if tc.axes != nil {
				opts = append(opts, Axis(tc.axes...))
			}
			opts = append(opts, Workers(2), ChunkBytes(testChunkBytes(64, n*dt.Size)))
			name := fmt.Sprintf("%v/axes%v/%s", tc.shape, tc.axes, lay)
			for k, skip := range []bool{false, true} {
				sum, mean, vr, lo, hi := Sum[T], Mean[T], Var[T], Min[T], Max[T]
				if skip {
					sum, mean, vr, lo, hi = NaNSum[T], NaNMean[T], NaNVar[T], NaNMin[T], NaNMax[T]
				}
				rs, err1 := sum(ctx, v, opts...)
				rm, err2 := mean(ctx, v, opts...)
				rv, err3 := vr(ctx, v, opts...)
				rlo, err4 := lo(ctx, v, opts...)
				rhi, err5 := hi(ctx, v, opts...)
				rn, err6 := CountNaN(ctx, v, opts...)
				if err := errors.Join(err1, err2, err3, err6); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if rv.DType().Kind != layout.Float || rv.DType().Size != dt.Size/2 {
					t.Errorf("%s: variance dtype %v", name, rv.DType())
				}
				// Each result converted once, not once per cell.
				sums, means, vars, nans := rs.Complex128s(), rm.Complex128s(), rv.Float64s(), rn.Float64s()
				var los, his []complex128
				if err4 == nil && err5 == nil {
					los, his = rlo.Complex128s(), rhi.Complex128s()
				}
				for j, xs := range cells {
					w := wants[k][j]
					scale := 0.0
					for _, x := range xs {
						if !cmplx.IsNaN(x) {
							scale += cmplx.Abs(x)
						}
					}
					if !nearC(sums[j], w.sum, tol, scale) ||
						!nearC(means[j], w.mean, tol, scale/max(1, float64(w.n))) ||
						!near(vars[j], w.v, max(tol, 1e-12), w.v) ||
						nans[j] != float64(w.nan) {
						t.Errorf("%s skip=%v cell %d: sum %v mean %v var %v nan %v; want %v %v %v %v", name, skip, j,
							sums[j], means[j], vars[j], nans[j], w.sum, w.mean, w.v, w.nan)
						break
					}
					if len(xs) == 0 {
						if !errors.Is(err4, ErrEmpty) || !errors.Is(err5, ErrEmpty) {
							t.Errorf("%s: min/max of nothing: %v, %v", name, err4, err5)
						}
						break
					}
					if err4 != nil || err5 != nil {
						t.Fatalf("%s: %v %v", name, err4, err5)
					}
					if !sameC(los[j], w.min) || !sameC(his[j], w.max) {
						t.Errorf("%s skip=%v cell %d: min %v max %v; want %v %v", name, skip, j, los[j], his[j], w.min, w.max)
						break
					}
				}
			}
		}
	}
}

type cstats struct {
	sum, mean, min, max complex128
	v                   float64
	n, nan              int
}

func complexStats(xs []complex128, skip bool) cstats {
	var s cstats
	var vals []complex128
	for _, x := range xs {
		if cmplx.IsNaN(x) {
			s.nan++
			if skip {
				continue
			}
		}
		vals = append(vals, x)
	}
	s.n = len(vals)
	var re, im []float64
	for _, x := range vals {
		re, im = append(re, real(x)), append(im, imag(x))
	}
	s.sum = complex(exactSum(re), exactSum(im))
	s.mean = s.sum / complex(float64(s.n), 0)
	var sq []float64
	for _, x := range vals {
		d := x - s.mean
		sq = append(sq, real(d)*real(d), imag(d)*imag(d))
	}
	s.v = exactSum(sq) / float64(s.n)
	if s.n == 0 {
		s.v = math.NaN()
	}
	s.min, s.max = cmplx.NaN(), cmplx.NaN()
	if len(vals) > 0 && (skip || s.nan == 0) {
		less := func(a, b complex128) int {
			switch {
			case real(a) < real(b) || real(a) == real(b) && imag(a) < imag(b):
				return -1
			case a == b:
				return 0
			}
			return 1
		}
		s.min, s.max = slices.MinFunc(vals, less), slices.MaxFunc(vals, less)
	}
	return s
}

func nearC(got, want complex128, tol, scale float64) bool {
	if cmplx.IsNaN(want) {
		return cmplx.IsNaN(got)
	}
	return near(real(got), real(want), tol, scale) && near(imag(got), imag(want), tol, scale)
}

func sameC(got, want complex128) bool {
	if cmplx.IsNaN(want) {
		return cmplx.IsNaN(got)
	}
	return got == want
}
