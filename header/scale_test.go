package header

import (
	"math"
	"testing"
)

var scaleTests = []struct {
	name     string
	s        Scale
	x        float64
	want     float64
	identity bool
}{
	{"identity", Scale{Slope: 1}, 7, 7, true},
	{"zero", Scale{}, 7, 0, false},
	{"unsigned 16-bit FITS", Scale{Slope: 1, Inter: 32768}, -32768, 0, false},
	{"slope and inter", Scale{Slope: 0.5, Inter: -3}, 10, 2, false},
	// Python gives 0.1*3 - 0.3 == 5.551115123125783e-17: the product rounds
	// before the sum, as a fused multiply-add would not.
	{"no fused multiply-add", Scale{Slope: 0.1, Inter: -0.3}, 3, 5.551115123125783e-17, false},
	{"nan", Scale{Slope: 2, Inter: 1}, math.NaN(), math.NaN(), false},
}

func TestScale(t *testing.T) {
	for _, tt := range scaleTests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.s.Apply(tt.x)
			if got != tt.want && !(math.IsNaN(got) && math.IsNaN(tt.want)) {
				t.Errorf("%+v.Apply(%v) = %v, want %v", tt.s, tt.x, got, tt.want)
			}
			if got := tt.s.Identity(); got != tt.identity {
				t.Errorf("%+v.Identity() = %v, want %v", tt.s, got, tt.identity)
			}
		})
	}
}
