package reduce

import (
	"context"
	"math"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// The sum of 10⁸ float32 values (10⁶ under the race detector) is the
// exact sum correctly rounded to float32, or within one unit in the last
// place of it, and never further from it than NumPy's pairwise sum in
// float32.
func TestSumFloat32Accuracy(t *testing.T) {
	if testing.Short() {
		t.Skip("sums 10⁸ values (400 MB)")
	}
	n := 100_000_000
	if raceDetector {
		// The same code paths, with a thousand chunks rather than
		// a hundred thousand.
		n = 1_000_000
	}
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

// The mean frame of float32 frames is within one unit in the last place
// of the exact mean, however many frames, where adding them one at a time
// in float32 (as NumPy's mean along axis 0 does) drifts further with
// every frame.
func TestMeanFrameAccuracy(t *testing.T) {
	frames, side := 1000, 256
	if testing.Short() || raceDetector {
		frames = 104
	}
	r := rand.New(rand.NewPCG(3, 4))
	data := make([]float32, frames*side*side)
	for i := range data {
		data[i] = float32(r.Float64() * 1000)
	}
	cells := side * side
	naive := make([]float32, cells)
	for f := range frames {
		for j := range cells {
			naive[j] += data[f*side*side+j]
		}
	}
	for _, w := range []int{1, 2} {
		res, err := Mean(context.Background(), memView(data, frames, side, side), Axis(0), Workers(w))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := Values[float32](res)
		worst, worstNaive := 0.0, 0.0
		for j := 0; j < cells; j += 97 {
			s := new(big.Float).SetPrec(200)
			for f := range frames {
				s.Add(s, big.NewFloat(float64(data[f*side*side+j])))
			}
			s.Quo(s, big.NewFloat(float64(frames)))
			want, _ := s.Float32()
			ulp := float64(math.Nextafter32(want, float32(math.Inf(1))) - want)
			worst = max(worst, math.Abs(float64(got[j])-float64(want))/ulp)
			worstNaive = max(worstNaive, math.Abs(float64(naive[j]/float32(frames))-float64(want))/ulp)
		}
		if worst > 1 {
			t.Errorf("workers %d: mean frame up to %g ulp from the exact mean", w, worst)
		}
		t.Logf("workers %d: %d frames: mean frame at most %g ulp from exact; adding in float32, %g ulp", w, frames, worst, worstNaive)
	}
}
