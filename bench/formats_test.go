package bench

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/header/mrc"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// Geometry of the 2 GiB files of the format benchmarks: an MRC stack of
// (2048, 512, 512) float32 images, and a SpikeGLX recording of 385 int16
// channels (a Neuropixels 1.0 probe's 384 and its sync word).
const (
	stackFrames = 2048
	stackSide   = 512
	glxChannels = 385
	glxSamples  = (2 << 30) / (glxChannels * 2)
	formatMark  = 4096 // every formatMark-th frame or sample holds a marker
)

// sparseArray makes a file of dtype dt and shape with create, sparse but for
// a marker written by mark, and returns its path. It is skipped under
// -short, and removed after the benchmark.
func sparseArray[T array.Element](b *testing.B, name string, create func(path string) (*array.Array[T], error), mark func(a *array.Array[T])) string {
	b.Helper()
	if testing.Short() {
		b.Skip("makes files of 2 GiB")
	}
	path := filepath.Join(b.TempDir(), name)
	a, err := create(path)
	if err != nil {
		b.Fatal(err)
	}
	mark(a)
	if err := a.Close(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.Remove(path) })
	return path
}

// openWarm opens the file at path and reads all of it once through read,
// so that its pages are in the page cache before the timed rounds.
func openWarm[T array.Element](b *testing.B, path string, read func(a *array.Array[T])) *array.Array[T] {
	b.Helper()
	a, err := array.Open[T](path, mmap.ReadOnly)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { a.Close() })
	read(a)
	return a
}

// interleave times read(i, 0) and read(i, 1) one after the other in each
// round i — the .npy file and the other format's, which first changing
// from round to round — and reports the time of each and how many times
// faster the second ran. On a shared machine the two then see the same
// load, so the ratio is steadier than that of two sub-benchmarks run one
// after the other.
func interleave(b *testing.B, bytes int64, read func(i, f int)) {
	b.SetBytes(2 * bytes)
	var ns [2]time.Duration
	i := 0
	for b.Loop() {
		for k := range ns {
			f := (i + k) % 2
			t := time.Now()
			read(i, f)
			ns[f] += time.Since(t)
		}
		i++
	}
	b.ReportMetric(float64(ns[0].Nanoseconds())/float64(b.N), "npy-ns/op")
	b.ReportMetric(float64(ns[1].Nanoseconds())/float64(b.N), "format-ns/op")
	b.ReportMetric(float64(ns[0])/float64(ns[1]), "x-faster")
}

// BenchmarkFormatFrame compares copying out a random frame of a 2 GiB MRC
// stack with the same frame of the same array in a .npy file, both warm:
// an MRC file is mapped as a .npy file is, so the two run at one speed. It
// also times the statistics an MRC file made by the array package gets at
// Close, one pass over the data. Skipped under -short.
func BenchmarkFormatFrame(b *testing.B) {
	shape := []int{stackFrames, stackSide, stackSide}
	mark := func(a *array.Array[float32]) {
		for i := 0; i < stackFrames; i += formatMark / 16 {
			a.Index(i).Set(float32(i), 0, 0)
		}
	}
	npy := sparseArray(b, "stack.npy", func(p string) (*array.Array[float32], error) {
		return array.Create[float32](p, shape)
	}, mark)
	mrcPath := sparseArray(b, "stack.mrcs", func(p string) (*array.Array[float32], error) {
		return array.Create[float32](p, shape, array.Format("mrc"), array.SkipStats())
	}, mark)
	frame := make([]float32, stackSide*stackSide)
	warm := func(a *array.Array[float32]) {
		for i := range stackFrames {
			a.Index(i).CopyTo(frame)
		}
	}
	files := []struct {
		name string
		a    *array.Array[float32]
	}{
		{"npy", openWarm(b, npy, warm)},
		{"mrc", openWarm(b, mrcPath, warm)},
	}
	order := make([]int, 1024)
	x := uint32(12345)
	for i := range order {
		x = x*1664525 + 1013904223
		order[i] = int(x>>8) % stackFrames
	}
	var npyNs float64
	for _, f := range files {
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(frame)) * 4)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				k := order[i%len(order)]
				f.a.Index(k).CopyTo(frame)
				if want := float32(k); k%(formatMark/16) == 0 && frame[0] != want {
					b.Fatalf("frame %d starts with %v", k, frame[0])
				}
				i++
			}
			if f.name == "npy" {
				npyNs = nsPerOp(b)
			} else {
				reportFaster(b, npyNs)
			}
		})
	}
	b.Run("interleaved", func(b *testing.B) {
		interleave(b, int64(len(frame))*4, func(i int, f int) {
			files[f].a.Index(order[i%len(order)]).CopyTo(frame)
		})
	})
	b.Run("mrc-stats", func(b *testing.B) {
		h, err := mrc.ReadFile(mrcPath)
		if err != nil {
			b.Fatal(err)
		}
		m, err := mmap.Open(mrcPath, mmap.ReadOnly)
		if err != nil {
			b.Fatal(err)
		}
		defer m.Close()
		b.SetBytes(h.Array.DataSize())
		for b.Loop() {
			if _, err := h.ComputeStats(m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFormatChannel compares copying out one channel, every sample, of
// a 2 GiB SpikeGLX recording with the same column of the same array in a
// .npy file, both warm, and reading it in volts with CopyScaled. Skipped
// under -short.
func BenchmarkFormatChannel(b *testing.B) {
	shape := []int{glxSamples, glxChannels}
	mark := func(a *array.Array[int16]) {
		for r := 0; r < glxSamples; r += formatMark {
			for c := range glxChannels {
				a.Set(int16(c+1), r, c)
			}
		}
	}
	npy := sparseArray(b, "rec.npy", func(p string) (*array.Array[int16], error) {
		return array.Create[int16](p, shape)
	}, mark)
	bin := sparseArray(b, "rec_g0_t0.imec0.ap.bin", func(p string) (*array.Array[int16], error) {
		meta := fmt.Sprintf("nSavedChans=%d\nimSampRate=30000\nfileSizeBytes=%d\ntypeThis=imec\n", glxChannels, int64(glxSamples)*glxChannels*2)
		if err := os.WriteFile(p[:len(p)-len(".bin")]+".meta", []byte(meta), 0o666); err != nil {
			return nil, err
		}
		return array.CreateRaw[int16](p, header.Raw{DType: layout.DType{Kind: layout.Int, Order: layout.LittleEndian, Size: 2}}, shape)
	}, mark)
	col := make([]int16, glxSamples)
	warm := func(a *array.Array[int16]) { a.Slice(array.All, array.Idx(0)).CopyTo(col) }
	files := []struct {
		name string
		a    *array.Array[int16]
	}{
		{"npy", openWarm(b, npy, warm)},
		{"spikeglx", openWarm(b, bin, warm)},
	}
	if got := files[1].a.Format(); got != "spikeglx" {
		b.Fatalf("the .bin opened as %q", got)
	}
	check := func(b *testing.B, c int, at func(r int) float64) {
		for r := 0; r < glxSamples; r += formatMark {
			if at(r) != float64(c+1) {
				b.Fatalf("channel %d, sample %d: %v", c, r, at(r))
			}
		}
	}
	var npyNs float64
	for _, f := range files {
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(glxSamples) * 2)
			b.ReportAllocs()
			c := 0
			for b.Loop() {
				c = (c + 97) % glxChannels
				f.a.Slice(array.All, array.Idx(c)).CopyTo(col)
				check(b, c, func(r int) float64 { return float64(col[r]) })
			}
			if f.name == "npy" {
				npyNs = nsPerOp(b)
			} else {
				reportFaster(b, npyNs)
			}
		})
	}
	b.Run("interleaved", func(b *testing.B) {
		interleave(b, int64(glxSamples)*2, func(i int, f int) {
			files[f].a.Slice(array.All, array.Idx(i*97%glxChannels)).CopyTo(col)
		})
	})
	b.Run("spikeglx-volts", func(b *testing.B) {
		a := files[1].a
		volts := make([]float32, glxSamples)
		const gain = 2.34375e-06 // volts per count of a 1.0 probe's AP band at gain 500
		b.SetBytes(int64(glxSamples) * 2)
		b.ReportAllocs()
		c := 0
		for b.Loop() {
			c = (c + 97) % glxChannels
			array.CopyScaled(volts, a.Slice(array.All, array.Idx(c)), header.Scale{Slope: gain})
			check(b, c, func(r int) float64 { return math.Round(float64(volts[r]) / gain) })
		}
		reportFaster(b, npyNs)
	})
}
