package spikeglx_test

import (
	"bytes"
	"errors"
	"math"
	"testing"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/header/spikeglx"
	"github.com/ndmap/ndmap/internal/reftest"
)

// FuzzRead checks that Read and Channels never panic, that their errors
// are format errors, and that what they accept is consistent: one channel
// per column, each with a positive finite factor, and an array that fits
// the size it was described for.
func FuzzRead(f *testing.F) {
	for _, b := range reftest.Files(f, testdata, "*.meta") {
		f.Add(b)
	}
	for _, tt := range readTests {
		f.Add([]byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := spikeglx.Read(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if !errors.Is(err, header.ErrFormat) {
				t.Fatalf("Read error %v is not a format error", err)
			}
			return
		}
		if m.SavedChans <= 0 {
			t.Fatalf("Read accepted nSavedChans %d", m.SavedChans)
		}
		chans, err := m.Channels()
		if err != nil {
			if !errors.Is(err, header.ErrFormat) {
				t.Fatalf("Channels error %v is not a format error", err)
			}
		} else {
			if len(chans) != m.SavedChans {
				t.Fatalf("%d channels for nSavedChans=%d", len(chans), m.SavedChans)
			}
			for _, c := range chans {
				if !(c.Volts > 0) || math.IsInf(c.Volts, 0) || c.Kind == 0 {
					t.Fatalf("channel %+v", c)
				}
			}
		}
		for _, size := range []int64{0, 1, 1 << 10, max(m.FileSize, 0)} {
			h, err := m.Describe(nil, size)
			if err != nil {
				if !errors.Is(err, header.ErrFormat) {
					t.Fatalf("Describe(%d) error %v is not a format error", size, err)
				}
				continue
			}
			if h.DataSize() < 0 || h.DataSize() > size || h.Shape[1] != m.SavedChans {
				t.Fatalf("Describe(%d) = %+v", size, h)
			}
		}
	})
}
