package reduce

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/ndmap/ndmap/array"
)

// Every element of the view is in exactly one chunk, chunks are whole
// positions of the split axis in order, and merge sees them in order.
func TestMapChunks(t *testing.T) {
	data := make([]int32, 6*10*4)
	for i := range data {
		data[i] = int32(i)
	}
	v := memView(data, 6, 10, 4)
	tests := []struct {
		along, workers, chunkBytes int
		wantChunks                 int
	}{
		{0, 1, 1 << 20, 1},
		{0, 3, 160, 6}, // one row of 40 int32 each
		{0, 2, 330, 3}, // two rows each
		{1, 2, 48, 10}, // rows of 24 values along axis 1
		{-1, 4, 96, 4}, // axis 2, rows of 60 values
		{2, 3, 10000, 1},
		{1, 8, 100, 10},
	}
	for _, tc := range tests {
		name := fmt.Sprintf("along=%d,workers=%d,chunk=%d", tc.along, tc.workers, tc.chunkBytes)
		seen := make([]int32, len(data))
		var next int
		var running, peak atomic.Int32
		err := Map(context.Background(), v, func(ctx context.Context, c Chunk[int32]) ([]int32, error) {
			if n := running.Add(1); n > peak.Load() {
				peak.Store(n)
			}
			defer running.Add(-1)
			if c.Worker < 0 || c.Worker >= tc.workers {
				t.Errorf("%s: worker %d", name, c.Worker)
			}
			buf := make([]int32, c.View.Size())
			c.View.CopyTo(buf)
			return buf, nil
		}, func(c Chunk[int32], vals []int32) error {
			if c.Index != next {
				t.Errorf("%s: merged chunk %d, want %d", name, c.Index, next)
			}
			next++
			for _, x := range vals {
				seen[x]++
			}
			return nil
		}, Along(tc.along), Workers(tc.workers), ChunkBytes(tc.chunkBytes))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if next != tc.wantChunks {
			t.Errorf("%s: %d chunks, want %d", name, next, tc.wantChunks)
		}
		for i, n := range seen {
			if n != 1 {
				t.Errorf("%s: element %d seen %d times", name, i, n)
				break
			}
		}
		if int(peak.Load()) > tc.workers {
			t.Errorf("%s: %d chunks at once with %d workers", name, peak.Load(), tc.workers)
		}
	}
}

// Chunks along axis 1 cover positions Lo to Hi of it.
func TestPassChunkBounds(t *testing.T) {
	v := memView(make([]float64, 5*7), 5, 7)
	var got [][2]int
	err := Map(context.Background(), v, func(ctx context.Context, c Chunk[float64]) ([]int, error) {
		return c.View.Shape(), nil
	}, func(c Chunk[float64], shape []int) error {
		if !slices.Equal(shape, []int{5, c.Hi - c.Lo}) {
			t.Errorf("chunk %d: shape %v for [%d, %d)", c.Index, shape, c.Lo, c.Hi)
		}
		got = append(got, [2]int{c.Lo, c.Hi})
		return nil
	}, Along(1), ChunkBytes(5*8*3), Workers(2))
	want := [][2]int{{0, 3}, {3, 6}, {6, 7}}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("chunks %v, %v; want %v", got, err, want)
	}
}

// A 0-d view is one chunk; an empty one none.
func TestPassDegenerate(t *testing.T) {
	one := memView([]float64{3})
	zeroD, err := one.Reshape()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		v    array.View[float64]
		want int
	}{{zeroD, 1}, {memView([]float64{}, 0, 3), 0}, {memView([]float64{}, 3, 0), 1}} {
		var n atomic.Int32
		err := Pass(context.Background(), tc.v, func(ctx context.Context, c Chunk[float64]) error {
			n.Add(1)
			return nil
		})
		if err != nil || int(n.Load()) != tc.want {
			t.Errorf("Pass over shape %v: %d chunks, %v; want %d", tc.v.Shape(), n.Load(), err, tc.want)
		}
	}
}

// The first error stops the pass: later chunks do not start, and it is
// returned.
func TestPassError(t *testing.T) {
	v := memView(make([]float64, 1000), 1000)
	boom := errors.New("boom")
	for _, workers := range []int{1, 2, 5} {
		var started atomic.Int32
		err := Pass(context.Background(), v, func(ctx context.Context, c Chunk[float64]) error {
			started.Add(1)
			if c.Index == 3 {
				return boom
			}
			if c.Index > 3 {
				<-ctx.Done() // cancelled by the error
			}
			return nil
		}, Workers(workers), ChunkBytes(8))
		if !errors.Is(err, boom) {
			t.Errorf("workers %d: %v, want boom", workers, err)
		}
		if n := started.Load(); n > int32(4+2*workers) {
			t.Errorf("workers %d: %d chunks started after an error at chunk 3", workers, n)
		}
	}
}

// An error from merge stops the pass too.
func TestMapMergeError(t *testing.T) {
	v := memView(make([]float64, 100), 100)
	boom := errors.New("boom")
	var merged int
	err := Map(context.Background(), v, func(ctx context.Context, c Chunk[float64]) (int, error) {
		return c.Index, nil
	}, func(c Chunk[float64], i int) error {
		merged++
		if i == 5 {
			return boom
		}
		return nil
	}, ChunkBytes(8), Workers(3))
	if !errors.Is(err, boom) || merged != 6 {
		t.Errorf("Map = %v after %d merges, want boom after 6", err, merged)
	}
}

// Cancelling the context stops the pass with the context's error, also
// while workers wait for a slot.
func TestPassCancel(t *testing.T) {
	v := memView(make([]float64, 1000), 1000)
	ctx, cancel := context.WithCancel(context.Background())
	block := make(chan struct{})
	err := Map(ctx, v, func(ctx context.Context, c Chunk[float64]) (int, error) {
		switch {
		case c.Index == 0:
			<-block // holds up merging; the others fill the window
		case c.Index == 5:
			cancel()
			close(block)
		}
		return 0, nil
	}, func(Chunk[float64], int) error { return nil }, ChunkBytes(8), Workers(3))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Map = %v, want context.Canceled", err)
	}
	if err := Pass(ctx, v, func(context.Context, Chunk[float64]) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Pass with a cancelled context = %v", err)
	}
	if _, err := Sum(ctx, v); !errors.Is(err, context.Canceled) {
		t.Errorf("Sum with a cancelled context = %v", err)
	}
}

// A panic in a worker is raised again in the caller.
func TestPassPanic(t *testing.T) {
	v := memView(make([]float64, 100), 100)
	defer func() {
		if r := recover(); r != "kaboom" {
			t.Errorf("recovered %v, want kaboom", r)
		}
	}()
	Pass(context.Background(), v, func(ctx context.Context, c Chunk[float64]) error {
		if c.Index == 7 {
			panic("kaboom")
		}
		return nil
	}, ChunkBytes(8), Workers(2))
	t.Error("Pass returned after a panic")
}

// Progress counts elements in order; Guard wraps every chunk.
func TestPassProgressGuard(t *testing.T) {
	v := memView(make([]float64, 100), 10, 10)
	var last int64
	var guarded atomic.Int32
	err := Pass(context.Background(), v, func(context.Context, Chunk[float64]) error { return nil },
		ChunkBytes(80), Workers(3),
		Progress(func(done int64) {
			if done <= last {
				t.Errorf("progress %d after %d", done, last)
			}
			last = done
		}),
		Guard(func(fn func() error) error {
			guarded.Add(1)
			return fn()
		}))
	if err != nil || last != 100 || guarded.Load() < 10 {
		t.Errorf("err %v, last progress %d, %d guarded calls", err, last, guarded.Load())
	}
}

// Options that are caller bugs panic.
func TestOptionPanics(t *testing.T) {
	for name, fn := range map[string]func(){
		"Workers(0)":    func() { Workers(0) },
		"ChunkBytes(0)": func() { ChunkBytes(0) },
		"DDof(-1)":      func() { DDof(-1) },
		"Along(2)": func() {
			Pass(context.Background(), memView(make([]float64, 4), 2, 2), func(context.Context, Chunk[float64]) error { return nil }, Along(2))
		},
		"Axis(2)":   func() { Sum(context.Background(), memView(make([]float64, 4), 2, 2), Axis(2)) },
		"Axis(0,0)": func() { Sum(context.Background(), memView(make([]float64, 4), 2, 2), Axis(0, -2)) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			fn()
		}()
	}
}
