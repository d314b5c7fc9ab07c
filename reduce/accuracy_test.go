package reduce

import (
	"context"
	"math"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// The sum of 10⁸ float32 values is the exact sum correctly rounded to
// float32, or within one unit in the last place of it, and never further
// from it than NumPy's pairwise sum in float32.
func TestSumFloat32Accuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("sums 10⁸ values (400 MB)")
	}
	const n = 100_000_000
	data := make([]float32, n)
	r := rand.New(rand.NewPCG(1, 2))
	// Each value is a 24-bit integer times 2^-s, so that 2^24 times it is
	// an integer and the exact sum is a sum of integers, in 128 bits.
	var lo uint64
	var hi int64
	for i := range data {
		k := int64(r.Uint32()>>8) - 1<<23
		s := r.IntN(25)
		data[i] = float32(math.Ldexp(float64(k), -s))
		fixed := k << (24 - s)
		var c uint64
		lo, c = bits.Add64(lo, uint64(fixed), 0)
		hi += fixed>>63 + int64(c)
	}
	exact := new(big.Int).Lsh(big.NewInt(hi), 64)
	exact.Add(exact, new(big.Int).SetUint64(lo))
	want, _ := new(big.Float).SetPrec(200).Quo(new(big.Float).SetInt(exact), big.NewFloat(1<<24)).Float32()

	for _, w := range []int{1, 3} {
		res, err := Sum(context.Background(), memView(data), Workers(w))
		if err != nil {
			t.Fatal(err)
		}
		got := res.Float64()
		ulp := float64(math.Nextafter32(want, float32(math.Inf(1))) - want)
		if math.Abs(got-float64(want)) > ulp {
			t.Errorf("workers %d: sum %v, exact %v: %g ulp away", w, got, want, math.Abs(got-float64(want))/ulp)
		}
		np := numpyPairwise(data)
		if math.Abs(got-float64(want)) > math.Abs(float64(np)-float64(want)) {
			t.Errorf("workers %d: sum %v is further from the exact %v than NumPy's pairwise %v", w, got, want, np)
		}
		t.Logf("workers %d: exact sum rounded to float32 %v; ours %g ulp from it, NumPy's pairwise %g ulp",
			w, want, math.Abs(got-float64(want))/ulp, math.Abs(float64(np)-float64(want))/ulp)
	}
}

// numpyPairwise is NumPy's pairwise summation of a contiguous float32
// array (pairwise_sum in its loops_utils.h): eight accumulators over
// blocks of up to 128, halves added recursively, all in float32.
func numpyPairwise(a []float32) float32 {
	n := len(a)
	switch {
	case n < 8:
		var res float32
		for _, x := range a {
			res += x
		}
		return res
	case n <= 128:
		var r [8]float32
		copy(r[:], a[:8])
		i := 8
		for ; i < n-n%8; i += 8 {
			for k := range r {
				r[k] += a[i+k]
			}
		}
		res := (r[0] + r[1] + (r[2] + r[3])) + (r[4] + r[5] + (r[6] + r[7]))
		for ; i < n; i++ {
			res += a[i]
		}
		return res
	}
	n2 := n / 2
	n2 -= n2 % 8
	return numpyPairwise(a[:n2]) + numpyPairwise(a[n2:])
}
