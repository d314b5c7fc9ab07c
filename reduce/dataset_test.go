package reduce

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/dataset"
	"github.com/ndmap/ndmap/layout"
)

// dsShape is the shape of the datasets the tests reduce: shards of uneven
// lengths along axis 0, and Zarr chunks of zarrChunks, trimmed at every
// edge.
var (
	dsShape      = []int{33, 5, 6}
	shardLengths = []int{3, 7, 1, 12, 10}
	zarrChunks   = []int{4, 3, 4}
	// Chunks left out of the store, which read as the fill value, 0.
	missingChunks = []string{"1.0.0", "3.1.1", "8.1.1"}
)

// testDatasets returns a shard set and a Zarr store of the values gen
// gives each C-order position, and a view in memory of the same values
// as each holds: the Zarr store's missing chunks read as zeros.
func testDatasets[T array.Element](t *testing.T, gen func(i int) T) (sets []dataset.Dataset[T], views []array.View[T]) {
	t.Helper()
	n := product(dsShape)
	data := make([]T, n)
	for i := range data {
		data[i] = gen(i)
	}
	dir := t.TempDir()
	row := n / dsShape[0]
	var paths []string
	start := 0
	for k, l := range shardLengths {
		p := filepath.Join(dir, fmt.Sprintf("x_%d.npy", k))
		part := data[start*row : (start+l)*row]
		if err := array.Save(p, memView(part, append([]int{l}, dsShape[1:]...)...)); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
		start += l
	}
	s, err := dataset.OpenShardFiles[T](paths)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })

	store := filepath.Join(dir, "x.zarr")
	if err := dataset.WriteZarr(store, memView(data, dsShape...), dataset.ZarrOptions{Chunks: zarrChunks}); err != nil {
		t.Fatal(err)
	}
	filled := append([]T(nil), data...)
	for _, key := range missingChunks {
		if err := os.Remove(filepath.Join(store, key)); err != nil {
			t.Fatal(err)
		}
		var idx [3]int
		fmt.Sscanf(key, "%d.%d.%d", &idx[0], &idx[1], &idx[2])
		var zero T
		for i := range filled {
			p := [3]int{i / row, i / dsShape[2] % dsShape[1], i % dsShape[2]}
			if p[0]/zarrChunks[0] == idx[0] && p[1]/zarrChunks[1] == idx[1] && p[2]/zarrChunks[2] == idx[2] {
				filled[i] = zero
			}
		}
	}
	z, err := dataset.OpenZarr[T](store)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { z.Close() })
	return []dataset.Dataset[T]{s, z}, []array.View[T]{memView(data, dsShape...), memView(filled, dsShape...)}
}

// blockOps pairs each reduction of a view with the same over a dataset.
// Under the race detector it keeps one reduction per kind of accumulator
// merged across chunks: sums, moments and extrema.
func blockOps[T array.Element]() []struct {
	name   string
	view   func(context.Context, array.View[T], ...Option) (Result, error)
	blocks func(Blocks[T], context.Context, ...Option) (Result, error)
} {
	ops := []struct {
		name   string
		view   func(context.Context, array.View[T], ...Option) (Result, error)
		blocks func(Blocks[T], context.Context, ...Option) (Result, error)
	}{
		{"Sum", Sum[T], Blocks[T].Sum},
		{"Mean", Mean[T], Blocks[T].Mean},
		{"NaNSum", NaNSum[T], Blocks[T].NaNSum},
		{"NaNMean", NaNMean[T], Blocks[T].NaNMean},
		{"CountNaN", CountNaN[T], Blocks[T].CountNaN},
		{"Var", Var[T], Blocks[T].Var},
		{"Std", Std[T], Blocks[T].Std},
		{"NaNVar", NaNVar[T], Blocks[T].NaNVar},
		{"NaNStd", NaNStd[T], Blocks[T].NaNStd},
		{"Min", Min[T], Blocks[T].Min},
		{"Max", Max[T], Blocks[T].Max},
		{"NaNMin", NaNMin[T], Blocks[T].NaNMin},
		{"NaNMax", NaNMax[T], Blocks[T].NaNMax},
	}
	if raceDetector {
		return []struct {
			name   string
			view   func(context.Context, array.View[T], ...Option) (Result, error)
			blocks func(Blocks[T], context.Context, ...Option) (Result, error)
		}{ops[0], ops[7], ops[12]}
	}
	return ops
}

// blockAxes are the axes the dataset tests reduce over.
var blockAxes = []struct {
	name string
	opts []Option
}{
	{"all", nil},
	{"0", []Option{Axis(0)}},
	{"1", []Option{Axis(1)}},
	{"-1", []Option{Axis(-1)}},
	{"0,2", []Option{Axis(0, 2)}},
	{"1,2", []Option{Axis(1, 2)}},
	{"none", []Option{Axis()}},
	{"ddof", []Option{DDof(1), Axis(0)}},
}

// blockChunks are the chunk sizes the dataset tests try: chunks of one
// row of a block, of a few rows, and of whole blocks; and blockWorkers the
// numbers of workers, which must change no bit of a result.
var (
	blockChunks  = [][]Option{{ChunkBytes(1)}, {ChunkBytes(100)}, nil}
	blockWorkers = []int{1, 2, 8}
)

// blockOptions returns the options of the dataset tests' runs: with each
// of blockChunks, each of blockWorkers. Under the race detector only the
// smallest chunks run with one worker and many, and whole blocks with
// many.
func blockOptions(base []Option) (runs [][]Option, firstOfChunking []bool) {
	chunks, workers := blockChunks, blockWorkers
	if raceDetector {
		chunks, workers = chunks[:1], []int{1, 8}
		defer func() {
			runs = append(runs, append(append([]Option{}, base...), Workers(8)))
			firstOfChunking = append(firstOfChunking, true)
		}()
	}
	for _, c := range chunks {
		for i, w := range workers {
			opts := append(append(append([]Option{}, base...), c...), Workers(w))
			runs = append(runs, opts)
			firstOfChunking = append(firstOfChunking, i == 0)
		}
	}
	return runs, firstOfChunking
}

// Every reduction of a shard set and of a Zarr store (edge chunks,
// missing chunks) equals the reduction of one view of the same values,
// for every axis, dtype and number of workers; and the number of workers
// changes no bit.
func TestBlocksMatchView(t *testing.T) {
	t.Run("float64", func(t *testing.T) {
		testBlocksMatch(t, func(i int) float64 {
			if i%23 == 5 {
				return math.NaN()
			}
			return float64(i%17) - 8 + 0.25
		})
	})
	t.Run("float32", func(t *testing.T) {
		testBlocksMatch(t, func(i int) float32 { return float32(i%13) * 1.5 })
	})
	t.Run("float16", func(t *testing.T) {
		testBlocksMatch(t, func(i int) layout.Float16 { return layout.Float16FromFloat32(float32(i%9) - 4) })
	})
	t.Run("int16", func(t *testing.T) {
		testBlocksMatch(t, func(i int) int16 { return int16(i*37%2001 - 1000) })
	})
	t.Run("uint8", func(t *testing.T) {
		testBlocksMatch(t, func(i int) uint8 { return uint8(i * 7) })
	})
	t.Run("int64", func(t *testing.T) {
		testBlocksMatch(t, func(i int) int64 { return int64(i)*1e12 - 5e14 })
	})
	t.Run("complex128", func(t *testing.T) {
		testBlocksMatch(t, func(i int) complex128 { return complex(float64(i%7), -float64(i%5)) })
	})
}

func testBlocksMatch[T array.Element](t *testing.T, gen func(i int) T) {
	ctx := context.Background()
	sets, views := testDatasets(t, gen)
	for d, ds := range sets {
		name := [...]string{"shards", "zarr"}[d]
		for _, ax := range blockAxes {
			for _, op := range blockOps[T]() {
				want, werr := op.view(ctx, views[d], ax.opts...)
				var first Result
				runs, firsts := blockOptions(ax.opts)
				for w, opts := range runs {
					got, err := op.blocks(Over(ds), ctx, opts...)
					label := fmt.Sprintf("%s %s axis %s, run %d", name, op.name, ax.name, w)
					if (err != nil) != (werr != nil) || err != nil && !errors.Is(err, ErrEmpty) {
						t.Fatalf("%s: error %v, view's %v", label, err, werr)
					}
					if err != nil {
						continue
					}
					checkClose(t, label, got, want)
					if firsts[w] {
						first = got
					} else if !sameBits(got, first) {
						t.Errorf("%s: %v, with one worker %v", label, got, first)
					}
				}
			}
			if elemDType[T]().Kind == layout.Complex {
				continue
			}
			want, err := Describe(ctx, views[d], ax.opts...)
			if err != nil {
				t.Fatal(err)
			}
			runs, _ := blockOptions(ax.opts)
			for w, opts := range runs {
				got, err := Over(ds).Describe(ctx, opts...)
				if err != nil {
					t.Fatal(err)
				}
				approx := cmp.Comparer(func(a, b float64) bool { return closeFloat(a, b, 1e-12) })
				if diff := cmp.Diff(want, got, approx); diff != "" {
					t.Errorf("%s Describe axis %s, options %d (-view +dataset):\n%s", name, ax.name, w, diff)
				}
			}
		}
	}
}

// closeFloat reports whether a and b are equal, both NaN, or within rel
// of each other.
func closeFloat(a, b, rel float64) bool {
	return a == b || a != a && b != b || math.Abs(a-b) <= rel*max(math.Abs(a), math.Abs(b))
}

// checkClose checks that got has want's dtype and shape, and its values to
// within the last bits of floating-point sums in other orders.
func checkClose(t *testing.T, label string, got, want Result) {
	t.Helper()
	if got.DType().String() != want.DType().String() || !cmp.Equal(got.Shape(), want.Shape()) {
		t.Fatalf("%s: %s %v, want %s %v", label, got.DType(), got.Shape(), want.DType(), want.Shape())
	}
	rel := 1e-13
	if want.DType().Size <= 4 || want.DType().Kind == layout.Complex && want.DType().Size == 8 {
		rel = 1e-6
	}
	if want.DType().Kind == layout.Complex {
		g, w := got.Complex128s(), want.Complex128s()
		for i := range w {
			if !closeFloat(real(g[i]), real(w[i]), rel) || !closeFloat(imag(g[i]), imag(w[i]), rel) {
				t.Errorf("%s: [%d] = %v, want %v", label, i, g[i], w[i])
			}
		}
		return
	}
	exact := want.DType().Kind != layout.Float
	g, w := got.Float64s(), want.Float64s()
	for i := range w {
		if exact && g[i] != w[i] || !closeFloat(g[i], w[i], rel) {
			t.Errorf("%s: [%d] = %v, want %v", label, i, g[i], w[i])
		}
	}
}

// sameBits reports whether a and b hold the same bits.
func sameBits(a, b Result) bool {
	return a.String() == b.String() && cmp.Equal(a.Shape(), b.Shape()) && fmt.Sprint(bitsOf(a)) == fmt.Sprint(bitsOf(b))
}

func bitsOf(r Result) []uint64 {
	var out []uint64
	if r.DType().Kind == layout.Complex {
		for _, z := range r.Complex128s() {
			out = append(out, math.Float64bits(real(z)), math.Float64bits(imag(z)))
		}
		return out
	}
	for _, x := range r.Float64s() {
		out = append(out, math.Float64bits(x))
	}
	return out
}

// MapBlocks hands every element of a dataset to fn exactly once, in chunks
// whose Lo, Hi and Origin say where they are, and merges them in order.
func TestMapBlocks(t *testing.T) {
	ctx := context.Background()
	sets, views := testDatasets(t, func(i int) int32 { return int32(i) })
	for d, ds := range sets {
		runs, _ := blockOptions(nil)
		for _, wo := range runs {
			seen := make([]int, product(dsShape))
			var order []int
			var elems []int64
			err := MapBlocks(ctx, ds, func(ctx context.Context, c Chunk[int32]) (int, error) {
				return c.View.Size(), nil
			}, func(c Chunk[int32], n int) error {
				order = append(order, c.Index)
				if c.Lo != c.Origin[0] || c.Hi != c.Lo+c.View.Len() || n != c.View.Size() {
					t.Errorf("chunk %d: Lo %d, Hi %d, Origin %v, shape %v", c.Index, c.Lo, c.Hi, c.Origin, c.View.Shape())
				}
				sh := c.View.Shape()
				var sels []array.Sel
				for k, o := range c.Origin {
					sels = append(sels, array.Range(o, o+sh[k]))
				}
				want := views[d].Slice(sels...)
				for i := range sh[0] {
					for j := range sh[1] {
						for k := range sh[2] {
							if g, w := c.View.At(i, j, k), want.At(i, j, k); g != w {
								t.Fatalf("chunk %d at %v: %d, want %d", c.Index, []int{i, j, k}, g, w)
							}
							seen[(c.Origin[0]+i)*30+(c.Origin[1]+j)*6+c.Origin[2]+k]++
						}
					}
				}
				return nil
			}, append(wo, Progress(func(done int64) { elems = append(elems, done) }))...)
			if err != nil {
				t.Fatal(err)
			}
			for i, n := range seen {
				if n != 1 {
					t.Fatalf("element %d seen %d times", i, n)
				}
			}
			for i, k := range order {
				if k != i {
					t.Fatalf("merged in order %v", order)
				}
			}
			if last := elems[len(elems)-1]; last != int64(len(seen)) {
				t.Errorf("progress ends at %d of %d", last, len(seen))
			}
		}
	}
}

// An error reading a block, from fn or from merge stops the pass and is
// returned.
func TestMapBlocksErrors(t *testing.T) {
	ctx := context.Background()
	sets, _ := testDatasets(t, func(i int) int32 { return int32(i) })
	stop := errors.New("stop")
	for _, ds := range sets {
		err := MapBlocks(ctx, ds, func(ctx context.Context, c Chunk[int32]) (int, error) {
			if c.Index == 2 {
				return 0, stop
			}
			return 0, nil
		}, nil, Workers(3))
		if !errors.Is(err, stop) {
			t.Errorf("error from fn: %v", err)
		}
		err = MapBlocks(ctx, ds, func(ctx context.Context, c Chunk[int32]) (int, error) { return c.Index, nil },
			func(c Chunk[int32], i int) error {
				if i == 3 {
					return stop
				}
				return nil
			}, Workers(3))
		if !errors.Is(err, stop) {
			t.Errorf("error from merge: %v", err)
		}
	}
	// A shard removed after the set was opened cannot be read.
	dir := t.TempDir()
	var paths []string
	for k := range 3 {
		p := filepath.Join(dir, fmt.Sprintf("s%d.npy", k))
		if err := array.Save(p, memView([]float64{1, 2, 3, 4}, 2, 2)); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	s, err := dataset.OpenShardFiles[float64](paths)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	os.Remove(paths[1])
	if _, err := Over(s).Sum(ctx); err == nil || !errors.Is(err, os.ErrNotExist) && !errors.Is(err, dataset.ErrMismatch) {
		t.Errorf("sum with a shard missing: %v", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Over(s).Sum(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("sum after cancel: %v", err)
	}
}
