package reduce

import (
	"context"
	"testing"
)

// The kernels on data in memory, beside a plain loop; bench/ compares
// whole passes over files with NumPy.

func BenchmarkSumFloat64(b *testing.B) {
	data := make([]float64, 32<<20) // 256 MiB
	for i := range data {
		data[i] = float64(i % 1021)
	}
	v := memView(data)
	b.Run("plain", func(b *testing.B) {
		b.SetBytes(int64(len(data) * 8))
		b.ReportAllocs()
		for b.Loop() {
			sinkF = plainParallelSum(data, 2)
		}
	})
	for _, w := range []int{1, 2} {
		b.Run("reduce/workers="+string(rune('0'+w)), func(b *testing.B) {
			b.SetBytes(int64(len(data) * 8))
			b.ReportAllocs()
			for b.Loop() {
				r, _ := Sum(context.Background(), v, Workers(w))
				sinkF = r.Float64()
			}
		})
	}
}

func BenchmarkChannelsInt16(b *testing.B) {
	const rows, ch = 1 << 20, 64 // 128 MiB
	data := make([]int16, rows*ch)
	for i := range data {
		data[i] = int16(i*7919%4001 - 2000)
	}
	v := memView(data, rows, ch)
	for _, w := range []int{1, 2} {
		b.Run("mean+std/workers="+string(rune('0'+w)), func(b *testing.B) {
			b.SetBytes(int64(len(data) * 2))
			b.ReportAllocs()
			for b.Loop() {
				r, _ := Describe(context.Background(), v, Axis(0), Workers(w))
				sinkF = r.Mean[0]
			}
		})
		b.Run("std/workers="+string(rune('0'+w)), func(b *testing.B) {
			b.SetBytes(int64(len(data) * 2))
			b.ReportAllocs()
			for b.Loop() {
				r, _ := Std(context.Background(), v, Axis(0), Workers(w))
				sinkF = r.Float64s()[0]
			}
		})
	}
}

func BenchmarkMeanFrame(b *testing.B) {
	const frames, side = 512, 256 // 128 MiB
	data := make([]float32, frames*side*side)
	for i := range data {
		data[i] = float32(i % 4093)
	}
	v := memView(data, frames, side, side)
	for _, w := range []int{1, 2} {
		b.Run("workers="+string(rune('0'+w)), func(b *testing.B) {
			b.SetBytes(int64(len(data) * 4))
			b.ReportAllocs()
			for b.Loop() {
				r, _ := Mean(context.Background(), v, Axis(0), Workers(w))
				sinkF = r.Float64s()[0]
			}
		})
	}
}

var sinkF float64

// plainParallelSum splits xs among w goroutines, each adding its part with
// eight accumulators: the plain baseline.
func plainParallelSum(xs []float64, w int) float64 {
	res := make([]float64, w)
	done := make(chan struct{})
	n := len(xs) / w
	for i := range w {
		go func() {
			part := xs[i*n:]
			if i < w-1 {
				part = part[:n]
			}
			var s0, s1, s2, s3, s4, s5, s6, s7 float64
			for len(part) >= 8 {
				s0 += part[0]
				s1 += part[1]
				s2 += part[2]
				s3 += part[3]
				s4 += part[4]
				s5 += part[5]
				s6 += part[6]
				s7 += part[7]
				part = part[8:]
			}
			for _, x := range part {
				s0 += x
			}
			res[i] = s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7
			done <- struct{}{}
		}()
	}
	t := 0.0
	for range w {
		<-done
	}
	for _, r := range res {
		t += r
	}
	return t
}
