package spikeglx_test

import (
	"fmt"
	"log"

	"github.com/ndmap/ndmap/header/spikeglx"
)

func ExampleMeta_Channels() {
	m, err := spikeglx.ReadFile("../../testdata/spikeglx/run_g0/run_g0_imec0/run_g0_t0.imec0.ap.meta")
	if err != nil {
		log.Fatal(err)
	}
	h, err := m.Describe(nil, m.FileSize)
	if err != nil {
		log.Fatal(err)
	}
	chans, err := m.Channels()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(m.Stream, m.SampleRate, "Hz", h.DType, h.Shape)
	for _, c := range chans[:2] {
		fmt.Printf("%s (electrode %d): gain %g, %.4g µV per count\n", c.Name, c.Index, c.Gain, c.Volts*1e6)
	}
	sy := chans[len(chans)-1]
	fmt.Println(sy.Name, sy.Index, sy.Kind.Digital())
	// Output:
	// imec0.ap 30000 Hz int16 [40 9]
	// AP0 (electrode 0): gain 50, 23.44 µV per count
	// AP1 (electrode 1): gain 125, 9.375 µV per count
	// SY0 768 true
}
