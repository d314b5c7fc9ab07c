package main

import "testing"

var cpuRatioTests = []struct {
	name     string
	num, den []float64
	want     string
}{
	{"both measured", []float64{30e6, 10e6, 20e6}, []float64{20e6, 10e6, 40e6}, "; by CPU time of the timing thread x: 1.00 (20 ms against 20 ms)"},
	{"even rounds", []float64{10e6, 30e6}, []float64{10e6, 10e6}, "; by CPU time of the timing thread x: 2.00 (20 ms against 10 ms)"},
	{"a round not measured", []float64{10e6, -1}, []float64{10e6, 10e6}, ""},
	{"none measured", nil, []float64{10e6}, ""},
}

func TestCPURatio(t *testing.T) {
	for _, tt := range cpuRatioTests {
		got := cpuRatio("x", &row{cpu: tt.num}, &row{cpu: tt.den})
		if got != tt.want {
			t.Errorf("cpuRatio(%s) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
