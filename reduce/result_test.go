package reduce

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/layout"
)

// NumPy's result dtypes, as numpy 2 gives them (and 1.x on 64-bit Linux).
var resultDTypeTests = []struct {
	in                       layout.DType
	sum, mean, vr, ext, nans layout.DType
}{
	{layout.Bool8, layout.Int64, layout.Float64, layout.Float64, layout.Bool8, layout.Int64},
	{layout.Int8, layout.Int64, layout.Float64, layout.Float64, layout.Int8, layout.Int64},
	{withOrder(layout.Int16, layout.BigEndian), layout.Int64, layout.Float64, layout.Float64, layout.Int16, layout.Int64},
	{layout.Int32, layout.Int64, layout.Float64, layout.Float64, layout.Int32, layout.Int64},
	{layout.Int64, layout.Int64, layout.Float64, layout.Float64, layout.Int64, layout.Int64},
	{layout.Uint8, layout.Uint64, layout.Float64, layout.Float64, layout.Uint8, layout.Int64},
	{layout.Uint16, layout.Uint64, layout.Float64, layout.Float64, layout.Uint16, layout.Int64},
	{layout.Uint32, layout.Uint64, layout.Float64, layout.Float64, layout.Uint32, layout.Int64},
	{layout.Uint64, layout.Uint64, layout.Float64, layout.Float64, layout.Uint64, layout.Int64},
	{layout.Half, layout.Half, layout.Half, layout.Half, layout.Half, layout.Int64},
	{withOrder(layout.Float32, layout.BigEndian), layout.Float32, layout.Float32, layout.Float32, layout.Float32, layout.Int64},
	{layout.Float64, layout.Float64, layout.Float64, layout.Float64, layout.Float64, layout.Int64},
	{layout.Complex64, layout.Complex64, layout.Complex64, layout.Float32, layout.Complex64, layout.Int64},
	{layout.Complex128, layout.Complex128, layout.Complex128, layout.Float64, layout.Complex128, layout.Int64},
}

func TestResultDType(t *testing.T) {
	for _, tc := range resultDTypeTests {
		for _, c := range []struct {
			ops  []op
			want layout.DType
		}{
			{[]op{opSum, opNaNSum}, tc.sum},
			{[]op{opMean, opNaNMean}, tc.mean},
			{[]op{opVar, opStd, opNaNVar, opNaNStd}, tc.vr},
			{[]op{opMin, opMax, opNaNMin, opNaNMax}, tc.ext},
			{[]op{opCountNaN}, tc.nans},
		} {
			for _, o := range c.ops {
				if got := resultDType(o, tc.in); !got.Equal(c.want) {
					t.Errorf("resultDType(%s, %v) = %v, want %v", o, tc.in, got, c.want)
				}
			}
		}
	}
}

func TestResultAccess(t *testing.T) {
	ctx := context.Background()
	v := memView([]int16{1, 2, 3, 4, 5, 6}, 2, 3)
	s, err := Sum(ctx, v, Axis(0))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := Values[int64](s); err != nil || !cmp.Equal(got, []int64{5, 7, 9}) {
		t.Errorf("Values[int64] = %v, %v", got, err)
	}
	if got, err := Values[int](s); strconv.IntSize == 64 && (err != nil || len(got) != 3) {
		t.Errorf("Values[int] = %v, %v", got, err)
	}
	if _, err := Values[float64](s); !errors.Is(err, ErrType) {
		t.Errorf("Values[float64] of int64: %v, want ErrType", err)
	}
	if got := s.Float64s(); !cmp.Equal(got, []float64{5, 7, 9}) {
		t.Errorf("Float64s = %v", got)
	}
	if s.String() != "[5 7 9]" || s.Size() != 3 || !cmp.Equal(s.Shape(), []int{3}) {
		t.Errorf("String %q, Size %d, Shape %v", s, s.Size(), s.Shape())
	}
	w, err := As[int64](s)
	if err != nil || !cmp.Equal(w.Shape(), []int{3}) || w.At(2) != 9 {
		t.Errorf("As = %v, %v", w.Shape(), err)
	}

	total, err := Mean(ctx, v)
	if err != nil || total.Float64() != 3.5 || total.String() != "3.5" || len(total.Shape()) != 0 {
		t.Errorf("Mean = %v (%v), %v", total, total.Shape(), err)
	}
	z, err := As[float64](total)
	if err != nil || z.NDim() != 0 || z.At() != 3.5 {
		t.Errorf("As of a 0-d result: %v, %v", z.Shape(), err)
	}

	h, err := Mean(ctx, memView([]layout.Float16{layout.Float16FromFloat32(1.5), layout.Float16FromFloat32(2.5)}))
	if err != nil || h.String() != "2" || !h.DType().Equal(layout.Half) {
		t.Errorf("Mean of float16 = %v %v, %v", h, h.DType(), err)
	}

	c, err := Sum(ctx, memView([]complex64{1 + 2i, 3 - 1i}))
	if err != nil || c.Complex128s()[0] != 4+1i {
		t.Errorf("complex Sum = %v, %v", c, err)
	}
	for name, fn := range map[string]func(){
		"Float64 of 3 values": func() { s.Float64() },
		"Float64s of complex": func() { c.Float64s() },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			fn()
		}()
	}
}

// Describe of complex values is an error; of no values, NaNs and zero
// counts.
func TestDescribeEdges(t *testing.T) {
	ctx := context.Background()
	if _, err := Describe(ctx, memView([]complex128{1})); !errors.Is(err, ErrType) {
		t.Errorf("Describe of complex: %v, want ErrType", err)
	}
	s, err := Describe(ctx, memView([]float32{}, 0, 2), Axis(0))
	if err != nil || len(s.Count) != 2 || s.Count[0] != 0 || s.Mean[1] == s.Mean[1] {
		t.Errorf("Describe of nothing: %+v, %v", s, err)
	}
}

// Sums of 64-bit integers wrap as NumPy's do, and their mean is exact.
func TestIntegerWrap(t *testing.T) {
	ctx := context.Background()
	big := []int64{1 << 62, 1 << 62, 1 << 62, 1 << 62, -3}
	s, _ := Sum(ctx, memView(big))
	if got, _ := Values[int64](s); got[0] != -3 {
		t.Errorf("wrapped sum %d, want -3", got[0])
	}
	m, _ := Mean(ctx, memView(big))
	if got := m.Float64(); got != float64(1<<64-3)/5 {
		t.Errorf("mean %v, want %v", got, float64(1<<64-3)/5)
	}
	u := []uint64{1<<64 - 1, 1<<64 - 1, 2}
	su, _ := Sum(ctx, memView(u))
	mu, _ := Mean(ctx, memView(u))
	if got, _ := Values[uint64](su); got[0] != 0 || mu.Float64() != float64(1<<65)/3 {
		t.Errorf("uint64 sum %d mean %v", got[0], mu.Float64())
	}
	// The variance of values huge beside their spread.
	var vals []int16
	for i := range 1000 {
		vals = append(vals, int16(32000+i%2))
	}
	vr, _ := Var(ctx, memView(vals))
	if vr.Float64() != 0.25 {
		t.Errorf("variance %v, want 0.25", vr.Float64())
	}
	f := make([]float64, 1000)
	for i := range f {
		f[i] = 1e9 + float64(i%2)
	}
	vf, _ := Var(ctx, memView(f), ChunkBytes(800))
	if vf.Float64() != 0.25 {
		t.Errorf("float variance %v, want 0.25", vf.Float64())
	}
}
