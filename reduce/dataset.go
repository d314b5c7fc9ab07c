package reduce

import (
	"context"
	"sort"
	"sync"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/dataset"
	"github.com/ndmap/ndmap/mmap"
)

// MapBlocks is [Map] over a dataset: the files of a shard set, the chunks
// of a Zarr array. Each block is cut along its axis 0 into chunks of about
// [ChunkBytes] (a block smaller than that is one chunk), fn computes a
// result for each chunk on a pool of [Workers], and merge receives the
// results one at a time in the order of the blocks, and of the chunks
// within a block, whatever the number of workers. A nil merge discards the
// results: MapBlocks is then a plain pass.
//
// A chunk's Lo and Hi are positions of axis 0 of the whole dataset, and its
// Origin the index in the dataset of its first element. A block is read
// once, when a worker first needs one of its chunks, and released once the
// last of them is merged: the chunk views handed to fn and to merge are
// valid until merge returns, not after. Blocks are read in place where
// the dataset maps them (uncompressed files and chunks), so [ReadAhead]
// advises each such block to be read in order while it is in use and
// [DropPages] lets its pages go when it is released; [Along] and
// [Prefetch] do not apply.
//
// Errors, cancellation and panics stop the pass as they stop [Map]; an
// error reading a block is returned as the dataset gives it. Every block
// read is released before MapBlocks returns.
func MapBlocks[T array.Element, R any](ctx context.Context, d dataset.Dataset[T], fn func(ctx context.Context, c Chunk[T]) (R, error), merge func(c Chunk[T], r R) error, opts ...Option) error {
	cfg := newConfig(opts)
	return mapBlocks(ctx, d, &cfg, cfg.chunkBytes, fn, merge)
}

// blockTasks is how a pass over a dataset cuts its blocks into chunks: the
// chunks of block k are numbered first[k] to first[k+1]-1 in the pass, and
// hold rows[k] positions of the block's axis 0 each (the last may hold
// fewer). A rows[k] of 0 makes the whole block one chunk: a block whose
// shape the dataset does not tell before it is read, or a 0-d one.
type blockTasks struct {
	first []int
	rows  []int
}

// newBlockTasks cuts the blocks of d into chunks of about chunkBytes.
// Shard sets and Zarr arrays tell the shapes of their blocks without
// reading them; the blocks of any other dataset are one chunk each.
func newBlockTasks[T array.Element](d dataset.Dataset[T], chunkBytes int) blockTasks {
	n := d.NumBlocks()
	t := blockTasks{first: make([]int, n+1), rows: make([]int, n)}
	shape := d.Shape()
	size := itemSize[T]()
	// rowsOf sets the chunks of block k, of len0 positions of axis 0 of
	// rowElems elements each.
	rowsOf := func(k, len0, rowElems int) int {
		switch {
		case len0 == 0:
			return 0
		case rowElems == 0:
			t.rows[k] = len0
			return 1
		}
		r := max(1, min(len0, chunkBytes/(rowElems*size)))
		t.rows[k] = r
		return (len0 + r - 1) / r
	}
	count := func(k int) int { return 1 }
	switch d := d.(type) {
	case *dataset.Shards[T]:
		row := product(shape[1:])
		count = func(k int) int {
			lo, hi := d.ShardRange(k)
			return rowsOf(k, hi-lo, row)
		}
	case *dataset.Zarr[T]:
		chunks := d.Chunks()
		if len(shape) == 0 {
			break
		}
		grid := make([]int, len(shape))
		for ax := range shape {
			grid[ax] = (shape[ax] + chunks[ax] - 1) / max(chunks[ax], 1)
		}
		count = func(k int) int {
			// The block's shape: the chunk's, trimmed at the edges.
			row, len0 := 1, 0
			rest := k
			for ax := len(grid) - 1; ax >= 0; ax-- {
				i := rest % grid[ax]
				rest /= grid[ax]
				n := min(chunks[ax], shape[ax]-i*chunks[ax])
				if ax == 0 {
					len0 = n
				} else {
					row *= n
				}
			}
			return rowsOf(k, len0, row)
		}
	}
	for k := range n {
		t.first[k+1] = t.first[k] + count(k)
	}
	return t
}

// product returns the product of dims, 1 for none.
func product(dims []int) int {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return n
}

// n returns the number of chunks.
func (t blockTasks) n() int { return t.first[len(t.first)-1] }

// block returns the block that chunk i is in.
func (t blockTasks) block(i int) int {
	return sort.Search(len(t.rows), func(k int) bool { return t.first[k+1] > i })
}

// openBlocks holds the blocks of a pass that are read and not yet
// released, each read by the first worker that needs it.
type openBlocks[T array.Element] struct {
	d     dataset.Dataset[T]
	cfg   *config
	tasks blockTasks

	mu   sync.Mutex
	open map[int]*openBlock[T]
}

type openBlock[T array.Element] struct {
	once    sync.Once
	b       dataset.Block[T]
	err     error
	ok      bool // b was read and must be released
	advised bool // b was advised Sequential
}

// get returns block k, reading it if no worker has.
func (o *openBlocks[T]) get(k int) (dataset.Block[T], error) {
	o.mu.Lock()
	ob := o.open[k]
	if ob == nil {
		ob = new(openBlock[T])
		o.open[k] = ob
	}
	o.mu.Unlock()
	ob.once.Do(func() {
		ob.b, ob.err = o.d.Block(k)
		ob.ok = ob.err == nil
		if ob.ok && o.cfg.readAhead && o.tasks.first[k+1]-o.tasks.first[k] > 1 {
			advise(ob.b.View, mmap.Sequential)
			ob.advised = true
		}
	})
	return ob.b, ob.err
}

// release releases block k, which its workers are done with.
func (o *openBlocks[T]) release(k int) {
	o.mu.Lock()
	ob := o.open[k]
	delete(o.open, k)
	o.mu.Unlock()
	if ob != nil && ob.ok {
		switch {
		case o.cfg.drop:
			advise(ob.b.View, mmap.DontNeed)
		case ob.advised:
			advise(ob.b.View, mmap.Normal)
		}
		ob.b.Release()
	}
}

// releaseAll releases the blocks a stopped pass left read.
func (o *openBlocks[T]) releaseAll() {
	o.mu.Lock()
	ks := make([]int, 0, len(o.open))
	for k := range o.open {
		ks = append(ks, k)
	}
	o.mu.Unlock()
	for _, k := range ks {
		o.release(k)
	}
}

// chunk returns chunk i of the pass, reading its block if need be.
func (o *openBlocks[T]) chunk(i int) (Chunk[T], error) {
	k := o.tasks.block(i)
	b, err := o.get(k)
	if err != nil {
		return Chunk[T]{}, err
	}
	origin := append([]int(nil), b.Origin...)
	c := Chunk[T]{View: b.View, Index: i, Origin: origin}
	if b.NDim() == 0 {
		c.Hi = 1
		return c, nil
	}
	c.Lo, c.Hi = origin[0], origin[0]+b.Len()
	if r := o.tasks.rows[k]; r > 0 {
		lo := (i - o.tasks.first[k]) * r
		hi := min(lo+r, b.Len())
		c.View = b.Slice(array.Range(lo, hi))
		c.Lo, c.Hi = origin[0]+lo, origin[0]+hi
		origin[0] += lo
	}
	return c, nil
}

// mapBlocks is MapBlocks with chunks of about chunkBytes.
func mapBlocks[T array.Element, R any](ctx context.Context, d dataset.Dataset[T], cfg *config, chunkBytes int, fn func(ctx context.Context, c Chunk[T]) (R, error), merge func(c Chunk[T], r R) error) error {
	t := newBlockTasks(d, chunkBytes)
	o := &openBlocks[T]{d: d, cfg: cfg, tasks: t, open: map[int]*openBlock[T]{}}
	defer o.releaseAll()
	h := hooks{chunkBytes: int64(chunkBytes)}
	return schedule(ctx, cfg, t.n(), h, func(ctx context.Context, i, worker int) (R, error) {
		c, err := o.chunk(i)
		if err != nil {
			var zero R
			return zero, err
		}
		c.Worker = worker
		return fn(ctx, c)
	}, func(i int, r R) (int64, error) {
		// The block is still held: it is released below, once its
		// last chunk is merged.
		c, err := o.chunk(i)
		if err != nil {
			return 0, err
		}
		if merge != nil {
			if err := merge(c, r); err != nil {
				return 0, err
			}
		}
		if k := t.block(i); i == t.first[k+1]-1 {
			o.release(k)
		}
		return int64(c.View.Size()), nil
	})
}

// datasetPlan plans a reduction of d over the axes cfg names.
//
// It panics if an axis is out of range or named twice.
func datasetPlan[T array.Element](d dataset.Dataset[T], cfg *config) *plan[T] {
	shape := d.Shape()
	red := reducedAxes(shape, cfg, "dataset")
	p := outPlan[T](shape, red)
	p.ds, p.dsRed = d, red
	return p
}

// runBlocks reduces the dataset of p, chunk by chunk, into an accumulator
// made by newAcc: each chunk into one of its own cells, merged in order
// into the cells of the whole result it covers.
func runBlocks[T array.Element, E any](ctx context.Context, p *plan[T], cfg *config, src source[T, E], newAcc func() acc[E]) (acc[E], error) {
	total := newAcc()
	total.reset(p.cells)
	if p.empty {
		return total, ctx.Err()
	}
	chunkBytes := cfg.chunkBytes
	if len(p.dsRed) > 0 && p.dsRed[0] {
		// Chunks along a reduced axis each make a partial result of the
		// cells they cover: as for a view, make them hold at least 128
		// values per cell.
		chunkBytes = max(chunkBytes, min(maxChunkBytes, 128*p.cells*itemSize[T]()))
	}
	shape := p.ds.Shape()
	workers := make([]*worker[T, E], cfg.workers)
	pool := accPool[E]{make: newAcc}
	type partial struct {
		a  acc[E]
		to []int
	}
	err := mapBlocks(ctx, p.ds, cfg, chunkBytes, func(ctx context.Context, c Chunk[T]) (partial, error) {
		cp := newPlan(c.View, cfg)
		if cp.empty {
			return partial{}, ctx.Err()
		}
		wk := workers[c.Worker]
		if wk == nil {
			wk = new(worker[T, E])
			workers[c.Worker] = wk
		}
		a := pool.get(cp.cells)
		wl := newWalker(cp.work.Shape(), cp.red, 0)
		src.blocks(cp.work, wk, func(off int, xs []E) { walk(wl, off, xs, a, &wk.sc) })
		return partial{a, cellMap(shape, c.View.Shape(), c.Origin, p.dsRed)}, ctx.Err()
	}, func(_ Chunk[T], r partial) error {
		if r.a != nil {
			total.merge(r.a, r.to)
			pool.put(r.a)
		}
		return nil
	})
	return total, err
}

// cellMap returns where the cells of a part of an array go in the cells of
// the whole: the part of shape part at origin, of an array of shape shape,
// each reduced over the axes red marks. It returns nil when they are the
// same cells, the part spanning every kept axis.
func cellMap(shape, part, origin []int, red []bool) []int {
	var dims, offs, whole []int
	same := true
	for k, r := range red {
		if r {
			continue
		}
		dims = append(dims, part[k])
		offs = append(offs, origin[k])
		whole = append(whole, shape[k])
		same = same && part[k] == shape[k]
	}
	if same {
		return nil
	}
	to := make([]int, product(dims))
	idx := make([]int, len(dims))
	for j := range to {
		cell := 0
		for a := range dims {
			cell = cell*whole[a] + offs[a] + idx[a]
		}
		to[j] = cell
		for a := len(idx) - 1; a >= 0; a-- {
			if idx[a]++; idx[a] < dims[a] {
				break
			}
			idx[a] = 0
		}
	}
	return to
}

// Blocks runs the reductions of this package over a [dataset.Dataset]: the
// same reductions, with the same options, results and dtypes, as over one
// view holding the same values. Make one with [Over].
//
// The dataset's blocks are read as [MapBlocks] reads them, each cut into
// chunks along its axis 0, and the partial results of the chunks are merged
// in the order of the blocks: the same call gives the same bits however
// many [Workers] there are. The order of the additions follows the blocks
// of the dataset and [ChunkBytes], so floating-point sums, means and
// variances may differ from those of one view of the same values in their
// last bits; integer results, minima, maxima and counts are equal.
type Blocks[T array.Element] struct {
	d dataset.Dataset[T]
}

// Over returns the reductions of d, as in
//
//	m, err := reduce.Over(shards).Mean(ctx, reduce.Axis(0))
func Over[T array.Element](d dataset.Dataset[T]) Blocks[T] { return Blocks[T]{d: d} }

func (b Blocks[T]) reduce(ctx context.Context, o op, opts []Option) (Result, error) {
	cfg := newConfig(opts)
	return reducePlan(ctx, datasetPlan(b.d, &cfg), &cfg, o)
}

// Sum is [Sum] of the dataset.
func (b Blocks[T]) Sum(ctx context.Context, opts ...Option) (Result, error) {
	return b.reduce(ctx, opSum, opts)
}

// Mean is [Mean] of the dataset.
func (b Blocks[T]) Mean(ctx context.Context, opts ...Option) (Result, error) {
	return b.reduce(ctx, opMean, opts)
}

// NaNSum is [NaNSum] of the dataset.
func (b Blocks[T]) NaNSum(ctx context.Context, opts ...Option) (Result, error) {
	return b.reduce(ctx, opNaNSum, opts)
}

// NaNMean is [NaNMean] of the dataset.
func (b Blocks[T]) NaNMean(ctx context.Context, opts ...Option) (Result, error) {
	return b.reduce(ctx, opNaNMean, opts)
}

// CountNaN is [CountNaN] of the dataset.
func (b Blocks[T]) CountNaN(ctx context.Context, opts ...Option) (Result, error) {
	return b.reduce(ctx, opCountNaN, opts)
}

// Var is [Var] of the dataset.
func (b Blocks[T]) Var(ctx context.Context, opts ...Option) (Result, error) {
	return b.reduce(ctx, opVar, opts)
}

// Std is [Std] of the dataset.
func (b Blocks[T]) Std(ctx context.Context, opts ...Option) (Result, error) {
	return b.reduce(ctx, opStd, opts)
}

// NaNVar is [NaNVar] of the dataset.
func (b Blocks[T]) NaNVar(ctx context.Context, opts ...Option) (Result, error) {
	return b.reduce(ctx, opNaNVar, opts)
}

// NaNStd is [NaNStd] of the dataset.
func (b Blocks[T]) NaNStd(ctx context.Context, opts ...Option) (Result, error) {
	return b.reduce(ctx, opNaNStd, opts)
}

// Min is [Min] of the dataset.
func (b Blocks[T]) Min(ctx context.Context, opts ...Option) (Result, error) {
	return b.reduce(ctx, opMin, opts)
}

// Max is [Max] of the dataset.
func (b Blocks[T]) Max(ctx context.Context, opts ...Option) (Result, error) {
	return b.reduce(ctx, opMax, opts)
}

// NaNMin is [NaNMin] of the dataset.
func (b Blocks[T]) NaNMin(ctx context.Context, opts ...Option) (Result, error) {
	return b.reduce(ctx, opNaNMin, opts)
}

// NaNMax is [NaNMax] of the dataset.
func (b Blocks[T]) NaNMax(ctx context.Context, opts ...Option) (Result, error) {
	return b.reduce(ctx, opNaNMax, opts)
}

// Describe is [Describe] of the dataset.
func (b Blocks[T]) Describe(ctx context.Context, opts ...Option) (Summary, error) {
	cfg := newConfig(opts)
	return describePlan(ctx, datasetPlan(b.d, &cfg), cfg)
}
