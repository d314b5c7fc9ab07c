package bench

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"runtime"
	"sync"
	"testing"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
	"github.com/ndmap/ndmap/reduce"
)

// Sizes of the files the reduction benchmarks read, warm. Files larger
// than bigBytes are skipped under -short.
var reduceSizes = []struct {
	name  string
	bytes int
}{{"64MiB", 64 << 20}, {"1GiB", 1 << 30}}

// reduceSink keeps results alive.
var reduceSink float64

// openReduceFile writes a warm .npy file of dt and shape whose item i is
// value(i), opens it, and returns the array.
func openReduceFile[T array.Element](b *testing.B, dt layout.DType, shape []int) *array.Array[T] {
	b.Helper()
	path := writeNPY(b, dt, shape, func(dst []byte, i int) {
		switch dt.Kind {
		case layout.Int:
			binary.NativeEndian.PutUint16(dst, uint16(int16(value(i))-510))
		case layout.Float:
			if dt.Size == 4 {
				binary.NativeEndian.PutUint32(dst, math.Float32bits(float32(value(i))))
			} else {
				binary.NativeEndian.PutUint64(dst, math.Float64bits(value(i)))
			}
		}
	})
	a, err := array.Open[T](path, mmap.ReadOnly)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	// Read it once, so that every alternative finds it warm.
	var w reduce.Option = reduce.Workers(runtime.GOMAXPROCS(0))
	if _, err := reduce.Sum(context.Background(), a.View, w); err != nil {
		b.Fatal(err)
	}
	return a
}

// parallelSum is the plain alternative to reduce.Sum: the slice split
// into one part per goroutine, each added with eight accumulators. It
// measures how fast the machine reads memory with every core.
func parallelSum(xs []float64, workers int) float64 {
	part := (len(xs) + workers - 1) / workers
	sums := make([]float64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := xs[min(w*part, len(xs)):min((w+1)*part, len(xs))]
			var s0, s1, s2, s3, s4, s5, s6, s7 float64
			for len(s) >= 8 {
				s0 += s[0]
				s1 += s[1]
				s2 += s[2]
				s3 += s[3]
				s4 += s[4]
				s5 += s[5]
				s6 += s[6]
				s7 += s[7]
				s = s[8:]
			}
			for _, x := range s {
				s0 += x
			}
			sums[w] = ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
		}()
	}
	wg.Wait()
	t := 0.0
	for _, s := range sums {
		t += s
	}
	return t
}

// workerCounts are 1, 2 and GOMAXPROCS, without repeats.
func workerCounts() []int {
	counts := []int{1}
	for _, w := range []int{2, runtime.GOMAXPROCS(0)} {
		if w > counts[len(counts)-1] {
			counts = append(counts, w)
		}
	}
	return counts
}

// BenchmarkReduceSum compares adding up a warm float64 file: a plain
// parallel loop over the mapped slice (the machine's read bandwidth),
// against reduce.Sum with 1, 2 and GOMAXPROCS workers.
func BenchmarkReduceSum(b *testing.B) {
	for _, sz := range reduceSizes {
		b.Run(sz.name, func(b *testing.B) {
			a := openReduceFile[float64](b, layout.Float64, []int{sz.bytes / 8})
			data, err := a.Contiguous()
			if err != nil {
				b.Fatal(err)
			}
			var plainNs float64
			b.Run("plain-parallel", func(b *testing.B) {
				b.SetBytes(int64(sz.bytes))
				b.ReportAllocs()
				for b.Loop() {
					reduceSink = parallelSum(data, runtime.GOMAXPROCS(0))
				}
				plainNs = nsPerOp(b)
			})
			for _, w := range workerCounts() {
				b.Run(fmt.Sprintf("Sum/workers=%d", w), func(b *testing.B) {
					b.SetBytes(int64(sz.bytes))
					b.ReportAllocs()
					for b.Loop() {
						r, err := reduce.Sum(context.Background(), a.View, reduce.Workers(w))
						if err != nil {
							b.Fatal(err)
						}
						reduceSink = r.Float64()
					}
					reportFaster(b, plainNs)
				})
			}
		})
	}
}

// BenchmarkReduceChannels compares the mean and standard deviation of each
// channel of a warm (N, 64) int16 file: a plain loop over the mapped slice
// adding each channel's values and squares, against reduce.Describe (one
// pass, also min and max) and reduce.Mean then reduce.Std.
func BenchmarkReduceChannels(b *testing.B) {
	const channels = 64
	for _, sz := range reduceSizes {
		b.Run(sz.name, func(b *testing.B) {
			rows := sz.bytes / 2 / channels
			a := openReduceFile[int16](b, layout.Int16, []int{rows, channels})
			data, err := a.Contiguous()
			if err != nil {
				b.Fatal(err)
			}
			var plainNs float64
			b.Run("plain", func(b *testing.B) {
				b.SetBytes(int64(sz.bytes))
				b.ReportAllocs()
				for b.Loop() {
					var s, q [channels]int64
					for r := 0; r+channels <= len(data); r += channels {
						row := data[r : r+channels]
						for c, x := range row {
							s[c] += int64(x)
							q[c] += int64(x) * int64(x)
						}
					}
					n := float64(rows)
					mean := float64(s[0]) / n
					reduceSink = mean + math.Sqrt(float64(q[0])/n-mean*mean)
				}
				plainNs = nsPerOp(b)
			})
			for _, w := range workerCounts() {
				b.Run(fmt.Sprintf("Describe/workers=%d", w), func(b *testing.B) {
					b.SetBytes(int64(sz.bytes))
					b.ReportAllocs()
					for b.Loop() {
						s, err := reduce.Describe(context.Background(), a.View, reduce.Axis(0), reduce.Workers(w))
						if err != nil {
							b.Fatal(err)
						}
						reduceSink = s.Mean[0] + math.Sqrt(s.Var[0])
					}
					reportFaster(b, plainNs)
				})
			}
			b.Run("Mean+Std", func(b *testing.B) {
				b.SetBytes(int64(sz.bytes))
				b.ReportAllocs()
				for b.Loop() {
					m, err1 := reduce.Mean(context.Background(), a.View, reduce.Axis(0))
					s, err2 := reduce.Std(context.Background(), a.View, reduce.Axis(0))
					if err1 != nil || err2 != nil {
						b.Fatal(err1, err2)
					}
					reduceSink = m.Float64s()[0] + s.Float64s()[0]
				}
				reportFaster(b, plainNs)
			})
		})
	}
}

// BenchmarkReduceMeanFrame compares the mean frame of a warm (N, 256, 256)
// float32 file: a plain loop adding each frame into a float64 frame,
// against reduce.Mean along axis 0.
func BenchmarkReduceMeanFrame(b *testing.B) {
	for _, sz := range reduceSizes {
		b.Run(sz.name, func(b *testing.B) {
			frames := sz.bytes / frameBytes
			a := openReduceFile[float32](b, layout.Float32, []int{frames, frameSide, frameSide})
			data, err := a.Contiguous()
			if err != nil {
				b.Fatal(err)
			}
			var plainNs float64
			b.Run("plain", func(b *testing.B) {
				b.SetBytes(int64(sz.bytes))
				b.ReportAllocs()
				acc := make([]float64, frameElems)
				for b.Loop() {
					clear(acc)
					for f := range frames {
						frame := data[f*frameElems : (f+1)*frameElems]
						for j, x := range frame {
							acc[j] += float64(x)
						}
					}
					reduceSink = acc[0] / float64(frames)
				}
				plainNs = nsPerOp(b)
			})
			for _, w := range workerCounts() {
				b.Run(fmt.Sprintf("Mean/workers=%d", w), func(b *testing.B) {
					b.SetBytes(int64(sz.bytes))
					b.ReportAllocs()
					for b.Loop() {
						m, err := reduce.Mean(context.Background(), a.View, reduce.Axis(0), reduce.Workers(w))
						if err != nil {
							b.Fatal(err)
						}
						reduceSink = m.Float64s()[0]
					}
					reportFaster(b, plainNs)
				})
			}
		})
	}
}
