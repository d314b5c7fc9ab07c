package bench

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// Frame geometry of the (N, 256, 256) float32 files.
const (
	frameSide  = 256
	frameElems = frameSide * frameSide
	frameBytes = frameElems * 4
	numFrames  = 64 // a 16 MiB file: small enough to run under -short
)

// Column geometry of the (rows, 64) float64 files.
const (
	columnWidth = 64
	column      = 7
)

// bigBytes is the file size above which a benchmark is skipped under -short.
const bigBytes = 64 << 20

// Sinks keep the compiler from discarding the results of benchmarked code.
var (
	viewSink  array.View[float32]
	sliceSink []float32
)

// writeNPY writes a C-ordered .npy file of the given dtype and shape into a
// temporary directory of b, with the bytes of item i (in C order) given by
// put, and returns its path. Files larger than bigBytes are skipped under
// -short.
func writeNPY(b *testing.B, dt layout.DType, shape []int, put func(dst []byte, i int)) string {
	b.Helper()
	size, err := layout.ByteSize(shape, dt.Size)
	if err != nil {
		b.Fatal(err)
	}
	if size > bigBytes && testing.Short() {
		b.Skipf("writes a %d MiB file", size>>20)
	}
	path := filepath.Join(b.TempDir(), "data.npy")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.Remove(path) })
	w := bufio.NewWriterSize(f, bufSize)
	if _, err := header.Write(w, header.Header{DType: dt, Shape: shape}); err != nil {
		b.Fatal(err)
	}
	item := make([]byte, dt.Size)
	for i := range int(size / int64(dt.Size)) {
		put(item, i)
		w.Write(item)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// value is the element written at position i of every benchmark file: small
// integers, so that sums in any order are exact.
func value(i int) float64 { return float64(i % 1021) }

// openFrames opens a (numFrames, 256, 256) float32 file, warm, and returns
// the array and its whole data as a []float32 for the plain alternatives.
func openFrames(b *testing.B) (*array.Array[float32], []float32) {
	b.Helper()
	path := writeNPY(b, layout.Float32, []int{numFrames, frameSide, frameSide}, func(dst []byte, i int) {
		binary.NativeEndian.PutUint32(dst, math.Float32bits(float32(value(i))))
	})
	a, err := array.Open[float32](path, mmap.ReadOnly)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	data, err := a.Contiguous()
	if err != nil {
		b.Fatal(err)
	}
	return a, data
}

// frameOrder is a fixed pseudo-random order of frame numbers, the same for
// every alternative.
func frameOrder() []int {
	order := make([]int, 1024)
	x := uint32(12345)
	for i := range order {
		x = x*1664525 + 1013904223
		order[i] = int(x>>8) % numFrames
	}
	return order
}

// BenchmarkFrameView compares making a zero-copy view of one frame of a
// (N, 256, 256) float32 file: slicing the frame's elements out of a []float32
// against (array.View).Index, which must not allocate.
func BenchmarkFrameView(b *testing.B) {
	a, data := openFrames(b)
	order := frameOrder()
	var sliceNs float64
	b.Run("slice", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			f := order[i%len(order)] * frameElems
			sliceSink = data[f : f+frameElems]
			i++
		}
		sliceNs = nsPerOp(b)
	})
	b.Run("Index", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			viewSink = a.Index(order[i%len(order)])
			i++
		}
		reportFaster(b, sliceNs)
	})
}

// BenchmarkFrameAt compares summing one warm frame element by element:
// indexing a []float32 in two nested loops, against (array.View).At(i, j),
// (array.View).At2(i, j) and ranging over (array.View).Values.
func BenchmarkFrameAt(b *testing.B) {
	a, data := openFrames(b)
	frame := a.Index(3)
	s := data[3*frameElems : 4*frameElems]
	var want float64
	for _, x := range s {
		want += float64(x)
	}
	check := func(b *testing.B, got float64) {
		if got != want {
			b.Fatalf("sum = %v, want %v", got, want)
		}
	}
	var sliceNs float64
	b.Run("slice", func(b *testing.B) {
		b.SetBytes(frameBytes)
		b.ReportAllocs()
		for b.Loop() {
			var sum float64
			for i := range frameSide {
				row := s[i*frameSide : (i+1)*frameSide]
				for j := range frameSide {
					sum += float64(row[j])
				}
			}
			check(b, sum)
		}
		sliceNs = nsPerOp(b)
	})
	b.Run("At", func(b *testing.B) {
		b.SetBytes(frameBytes)
		b.ReportAllocs()
		for b.Loop() {
			var sum float64
			for i := range frameSide {
				for j := range frameSide {
					sum += float64(frame.At(i, j))
				}
			}
			check(b, sum)
		}
		reportFaster(b, sliceNs)
	})
	b.Run("At2", func(b *testing.B) {
		b.SetBytes(frameBytes)
		b.ReportAllocs()
		for b.Loop() {
			var sum float64
			for i := range frameSide {
				for j := range frameSide {
					sum += float64(frame.At2(i, j))
				}
			}
			check(b, sum)
		}
		reportFaster(b, sliceNs)
	})
	b.Run("Values", func(b *testing.B) {
		b.SetBytes(frameBytes)
		b.ReportAllocs()
		for b.Loop() {
			var sum float64
			for x := range frame.Values() {
				sum += float64(x)
			}
			check(b, sum)
		}
		reportFaster(b, sliceNs)
	})
}

// BenchmarkFrameCopyTo compares copying one warm frame out of the file into
// a []float32: the built-in copy from a []float32, against
// (array.View).CopyTo of a frame view made by Index.
func BenchmarkFrameCopyTo(b *testing.B) {
	a, data := openFrames(b)
	order := frameOrder()
	dst := make([]float32, frameElems)
	var copyNs float64
	b.Run("copy", func(b *testing.B) {
		b.SetBytes(frameBytes)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			f := order[i%len(order)] * frameElems
			copy(dst, data[f:f+frameElems])
			i++
		}
		copyNs = nsPerOp(b)
	})
	b.Run("CopyTo", func(b *testing.B) {
		b.SetBytes(frameBytes)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			a.Index(order[i%len(order)]).CopyTo(dst)
			i++
		}
		reportFaster(b, copyNs)
	})
}

// BenchmarkColumn compares gathering column 7 of a warm (rows, 64) float64
// file: a strided loop over a []float64, against the view
// Slice(All, Idx(7)) copied out with CopyTo or ranged over with Values. The
// large size is skipped under -short.
func BenchmarkColumn(b *testing.B) {
	for _, rows := range []int{1 << 14, 1 << 21} {
		b.Run(fmt.Sprintf("rows=%d", rows), func(b *testing.B) {
			benchColumn(b, rows)
		})
	}
}

func benchColumn(b *testing.B, rows int) {
	path := writeNPY(b, layout.Float64, []int{rows, columnWidth}, func(dst []byte, i int) {
		binary.NativeEndian.PutUint64(dst, math.Float64bits(value(i)))
	})
	a, err := array.Open[float64](path, mmap.ReadOnly)
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	data, err := a.Contiguous()
	if err != nil {
		b.Fatal(err)
	}
	dst := make([]float64, rows)
	want := make([]float64, rows)
	for r := range want {
		want[r] = value(r*columnWidth + column)
	}
	check := func(b *testing.B) {
		if dst[0] != want[0] || dst[rows-1] != want[rows-1] {
			b.Fatalf("column ends = %v, %v, want %v, %v", dst[0], dst[rows-1], want[0], want[rows-1])
		}
		clear(dst)
	}
	var loopNs float64
	b.Run("loop", func(b *testing.B) {
		b.SetBytes(int64(rows) * 8)
		b.ReportAllocs()
		for b.Loop() {
			for r := range dst {
				dst[r] = data[r*columnWidth+column]
			}
			check(b)
		}
		loopNs = nsPerOp(b)
	})
	b.Run("CopyTo", func(b *testing.B) {
		b.SetBytes(int64(rows) * 8)
		b.ReportAllocs()
		for b.Loop() {
			a.Slice(array.All, array.Idx(column)).CopyTo(dst)
			check(b)
		}
		reportFaster(b, loopNs)
	})
	b.Run("Values", func(b *testing.B) {
		b.SetBytes(int64(rows) * 8)
		b.ReportAllocs()
		for b.Loop() {
			r := 0
			for x := range a.Slice(array.All, array.Idx(column)).Values() {
				dst[r] = x
				r++
			}
			check(b)
		}
		reportFaster(b, loopNs)
	})
}
