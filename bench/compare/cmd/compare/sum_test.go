package main

import (
	"math"
	"testing"
)

func TestPairwiseSum(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 9, 127, 128, 129, 256, 383, 1000, 128*37 + 5} {
		s := make([]float64, n)
		var want float64
		for i := range s {
			s[i] = float64(i % 1021)
			want += s[i]
		}
		if got := pairwiseSum(s); got != want {
			t.Errorf("pairwiseSum of %d small integers = %v, want %v", n, got, want)
		}
	}
	// Ten million 0.1s: one accumulator drifts by about 1e-4, pairwise
	// blocks stay within a few units in the last place.
	s := make([]float64, 10_000_000)
	for i := range s {
		s[i] = 0.1
	}
	if got := pairwiseSum(s); math.Abs(got-1e6) > 1e-8 {
		t.Errorf("pairwiseSum of 1e7 × 0.1 = %.12f, want 1e6 within 1e-8", got)
	}
}
