package bench

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/dataset"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// Geometry of the shard-set benchmarks: one (128, 128) float32 frame per
// shard, and the same frames in one .npy file.
const (
	shardSide  = 128
	shardElems = shardSide * shardSide
	shardBytes = shardElems * 4
)

// writeFrameShards writes n .npy files of one (1, 128, 128) float32 frame
// each into dir, named f_<k>.npy, and one .npy file of all n frames; it
// returns the path of the latter. Frame k holds value(k*shardElems + j).
func writeFrameShards(b *testing.B, dir string, n int) string {
	b.Helper()
	frame := make([]byte, shardBytes)
	fill := func(k int) {
		for j := range shardElems {
			binary.NativeEndian.PutUint32(frame[4*j:], math.Float32bits(float32(value(k*shardElems+j))))
		}
	}
	hdr, err := header.Encode(header.Header{DType: layout.Float32, Shape: []int{1, shardSide, shardSide}})
	if err != nil {
		b.Fatal(err)
	}
	for k := range n {
		fill(k)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f_%d.npy", k)), append(append([]byte(nil), hdr...), frame...), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return writeNPY(b, layout.Float32, []int{n, shardSide, shardSide}, func(dst []byte, i int) {
		binary.NativeEndian.PutUint32(dst, math.Float32bits(float32(value(i))))
	})
}

// randomOrder is a fixed pseudo-random order of n positions.
func randomOrder(n int) []int {
	order := make([]int, 4096)
	x := uint32(54321)
	for i := range order {
		x = x*1664525 + 1013904223
		order[i] = int(x>>4) % n
	}
	return order
}

// BenchmarkShardFrame compares copying out a random warm frame of a folder
// of one-frame shards, through dataset.Shards (Frame + CopyTo, and CopyTo
// of the selection), against the same frame of one .npy file holding them
// all (array.View.Index + CopyTo). With the default options every shard
// stays mapped once read, without a descriptor, and a frame costs a lookup
// more than in one file; with MaxMapped(128) most frames are in a shard
// that is not mapped, and the cost is that of opening and mapping a file.
// The folder of 2,000 shards (250 MiB in all) is skipped under -short.
func BenchmarkShardFrame(b *testing.B) {
	const n = 2000
	if testing.Short() {
		b.Skip("writes 2,000 shards and a 125 MiB file")
	}
	dir := b.TempDir()
	npy := writeFrameShards(b, dir, n)
	a, err := array.Open[float32](npy, mmap.ReadOnly)
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	// With the default bound every shard stays mapped once read; with a
	// bound of 128 most frames are in a shard that is not mapped.
	s, err := dataset.OpenShards[float32](filepath.Join(dir, "f_*.npy"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	few, err := dataset.OpenShards[float32](dir, dataset.MaxMapped(128))
	if err != nil {
		b.Fatal(err)
	}
	defer few.Close()
	if s.Len() != n || few.Len() != n {
		b.Fatalf("%d and %d frames in the sets, want %d", s.Len(), few.Len(), n)
	}
	order := randomOrder(n)
	dst := make([]float32, shardElems)
	check := func(b *testing.B, k int) {
		if want := float32(value(k*shardElems + 77)); dst[77] != want {
			b.Fatalf("frame %d: element 77 is %v, want %v", k, dst[77], want)
		}
	}
	// Read everything once, untimed, so that every row is warm.
	for k := range n {
		a.Index(k).CopyTo(dst)
		s.CopyTo(dst, array.Idx(k))
	}
	var npyNs float64
	b.Run("npy", func(b *testing.B) {
		b.SetBytes(shardBytes)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			k := order[i%len(order)]
			a.Index(k).CopyTo(dst)
			i++
		}
		check(b, order[(i-1)%len(order)])
		npyNs = nsPerOp(b)
	})
	for _, c := range []struct {
		name string
		s    *dataset.Shards[float32]
		copy bool
	}{
		{"Frame/default", s, false},
		{"CopyTo/default", s, true},
		{"Frame/MaxMapped=128", few, false},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(shardBytes)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				k := order[i%len(order)]
				if c.copy {
					if _, err := c.s.CopyTo(dst, array.Idx(k)); err != nil {
						b.Fatal(err)
					}
				} else {
					f, err := c.s.Frame(k)
					if err != nil {
						b.Fatal(err)
					}
					f.CopyTo(dst)
					f.Release()
				}
				i++
			}
			check(b, order[(i-1)%len(order)])
			reportFaster(b, npyNs)
		})
	}
}

// BenchmarkZarrChunk compares copying out a random warm chunk of an
// uncompressed Zarr store of (1, 256, 256) float32 chunks, mapped by
// dataset.Zarr, against the same frame of a .npy file, and against the
// chunk of a zlib store, inflated on each read (a cache of 0 bytes).
func BenchmarkZarrChunk(b *testing.B) {
	a, _ := openFrames(b)
	dir := b.TempDir()
	raw, zl := filepath.Join(dir, "raw.zarr"), filepath.Join(dir, "zlib.zarr")
	chunks := []int{1, frameSide, frameSide}
	if err := dataset.WriteZarr(raw, a.View, dataset.ZarrOptions{Chunks: chunks}); err != nil {
		b.Fatal(err)
	}
	if err := dataset.WriteZarr(zl, a.View, dataset.ZarrOptions{Chunks: chunks, Compressor: "zlib"}); err != nil {
		b.Fatal(err)
	}
	order := frameOrder()
	dst := make([]float32, frameElems)
	var npyNs float64
	b.Run("npy", func(b *testing.B) {
		b.SetBytes(frameBytes)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			a.Index(order[i%len(order)]).CopyTo(dst)
			i++
		}
		npyNs = nsPerOp(b)
	})
	for _, c := range []struct {
		name, dir string
		opts      []dataset.Option
	}{
		{"null", raw, nil},
		{"zlib", zl, []dataset.Option{dataset.CacheBytes(0)}},
	} {
		z, err := dataset.OpenZarr[float32](c.dir, c.opts...)
		if err != nil {
			b.Fatal(err)
		}
		for k := range numFrames { // warm
			z.CopyTo(dst, array.Idx(k))
		}
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(frameBytes)
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				blk, err := z.Chunk(order[i%len(order)], 0, 0)
				if err != nil {
					b.Fatal(err)
				}
				blk.CopyTo(dst)
				blk.Release()
				i++
			}
			reportFaster(b, npyNs)
		})
		z.Close()
	}
}
