package reduce_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/dataset"
	"github.com/ndmap/ndmap/mmap"
	"github.com/ndmap/ndmap/reduce"
)

// The mean and standard deviation of every channel of an int16 recording
// of shape (samples, 64): one value per channel, along axis 0.
func ExampleMean_channels() {
	dir, err := os.MkdirTemp("", "reduce-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "recording.npy")

	// A recording whose channel c swings around 100·c by up to 2·c.
	const samples, channels = 10000, 64
	data := make([]int16, samples*channels)
	for i := range samples {
		for c := range channels {
			data[i*channels+c] = int16(100*c + (i%5-2)*c)
		}
	}
	if err := array.Save(path, array.FromSlice(data, samples, channels)); err != nil {
		log.Fatal(err)
	}

	a, err := array.Open[int16](path, mmap.ReadOnly)
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()

	ctx := context.Background()
	mean, err := reduce.Mean(ctx, a.View, reduce.Axis(0))
	if err != nil {
		log.Fatal(err)
	}
	std, err := reduce.Std(ctx, a.View, reduce.Axis(0))
	if err != nil {
		log.Fatal(err)
	}
	m, s := mean.Float64s(), std.Float64s()
	fmt.Println(mean.DType(), mean.Shape())
	for c := range 4 {
		fmt.Printf("channel %d: mean %.1f, std %.4f\n", c, m[c], s[c])
	}
	// Output:
	// float64 [64]
	// channel 0: mean 0.0, std 0.0000
	// channel 1: mean 100.0, std 1.4142
	// channel 2: mean 200.0, std 2.8284
	// channel 3: mean 300.0, std 4.2426
}

// The sum of a float32 array has NumPy's dtype, float32, but is added in
// float64: here it is exact, where adding in float32 loses the small values.
func ExampleSum() {
	data := make([]float32, 1_000_001)
	data[0] = 1 << 24
	for i := 1; i < len(data); i++ {
		data[i] = 1
	}
	s, err := reduce.Sum(context.Background(), array.FromSlice(data))
	if err != nil {
		log.Fatal(err)
	}
	var naive float32
	for _, x := range data {
		naive += x
	}
	fmt.Println(s.DType(), s, naive)
	// Output:
	// float32 1.7777216e+07 1.6777216e+07
}

// A pass over a (frames, 256, 256) view, a chunk of frames at a time, with
// the largest value of each chunk merged in order.
func ExampleMap() {
	frames := make([]float32, 10*256*256)
	for i := range frames {
		frames[i] = float32(i % 1000)
	}
	v := array.FromSlice(frames, 10, 256, 256)
	var peaks []float32
	err := reduce.Map(context.Background(), v, func(ctx context.Context, c reduce.Chunk[float32]) (float32, error) {
		peak := float32(0)
		for x := range c.View.Values() {
			peak = max(peak, x)
		}
		return peak, nil
	}, func(c reduce.Chunk[float32], peak float32) error {
		peaks = append(peaks, peak)
		return nil
	}, reduce.ChunkBytes(4*256*256*4))
	fmt.Println(peaks, err)
	// Output:
	// [999 999 999] <nil>
}

// The mean frame of a folder of shards, each a (frames, 2, 3) .npy file of
// its own length, and the frames each file holds, counted by a pass over
// its blocks.
func ExampleOver() {
	dir, err := os.MkdirTemp("", "reduce-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	for k, frames := range []int{3, 5, 2} {
		data := make([]float32, frames*2*3)
		for i := range data {
			data[i] = float32(10*k + i%6)
		}
		path := filepath.Join(dir, fmt.Sprintf("seg_%d.npy", k))
		if err := array.Save(path, array.FromSlice(data, frames, 2, 3)); err != nil {
			log.Fatal(err)
		}
	}

	s, err := dataset.OpenShards[float32](dir)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	ctx := context.Background()
	mean, err := reduce.Over(s).Mean(ctx, reduce.Axis(0))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(mean.DType(), mean.Shape(), mean.Float64s())

	err = reduce.MapBlocks(ctx, s, func(ctx context.Context, c reduce.Chunk[float32]) (int, error) {
		return c.View.Len(), nil
	}, func(c reduce.Chunk[float32], frames int) error {
		fmt.Printf("frames %d to %d: %d\n", c.Lo, c.Hi, frames)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// float32 [2 3] [9 10 11 12 13 14]
	// frames 0 to 3: 3
	// frames 3 to 8: 5
	// frames 8 to 10: 2
}
