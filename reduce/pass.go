package reduce

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/mmap"
)

// Chunk is one piece of a pass: the positions Lo up to Hi of the axis the
// view is split along, and every position of the other axes.
type Chunk[T array.Element] struct {
	// View is the chunk as an ordinary view of the same elements.
	View array.View[T]
	// Index numbers the chunks of a pass from 0, in the order of the axis.
	Index int
	// Lo and Hi are the chunk's first position and one past its last
	// along the split axis — in a pass over a dataset, axis 0 of the
	// whole dataset.
	Lo, Hi int
	// Origin is, in a pass over a dataset ([MapBlocks]), the index in the
	// whole dataset of the chunk's element at all-zero indices; nil in a
	// pass over a view.
	Origin []int
	// Worker numbers the goroutine running the chunk, from 0 to the
	// number of workers less one: an index for per-worker scratch space.
	// No two chunks with the same Worker run at once.
	Worker int
}

// Pass calls fn on each chunk of v, on a pool of workers (see [Workers]),
// and returns when every chunk is done. The view is split along axis 0, or
// the axis given by [Along], into chunks of whole positions of that axis
// of about [ChunkBytes] each. A 0-d view is one chunk.
//
// The first error fn returns stops the pass: no chunk starts after it, the
// context passed to the running calls of fn is cancelled, and Pass returns
// that error once they have returned. Cancelling ctx stops the pass the
// same way and Pass returns the context's error. A panic in fn stops the
// pass and is raised again in the goroutine that called Pass.
//
// The view is advised to be read in order for the length of the pass
// (see [ReadAhead]); with [Prefetch] each worker also asks for the chunk it
// will likely take next to be read before it needs it, and with
// [DropPages] it lets the pages of a finished chunk go, so that a pass over
// a file larger than memory reads at the speed of the disk with a bounded
// resident set.
//
// Pass panics if the axis of [Along] is out of range.
func Pass[T array.Element](ctx context.Context, v array.View[T], fn func(ctx context.Context, c Chunk[T]) error, opts ...Option) error {
	return Map(ctx, v, func(ctx context.Context, c Chunk[T]) (struct{}, error) {
		return struct{}{}, fn(ctx, c)
	}, nil, opts...)
}

// Map is [Pass] with results: fn computes a result for each chunk, in
// parallel, and merge receives the results one at a time in chunk order —
// never concurrently, and never out of order, whatever the number of
// workers — so that what merge builds does not depend on scheduling. An
// error from merge stops the pass as one from fn does. A nil merge
// discards the results.
//
// At most a few chunks per worker run ahead of the oldest one not yet
// merged, so memory held by unmerged results stays bounded.
func Map[T array.Element, R any](ctx context.Context, v array.View[T], fn func(ctx context.Context, c Chunk[T]) (R, error), merge func(c Chunk[T], r R) error, opts ...Option) error {
	cfg := newConfig(opts)
	sp := newSplit(v, cfg.along, cfg.chunkBytes)
	if cfg.readAhead && sp.n > 1 {
		defer readAhead(v)()
	}
	drop := newDropper(cfg.drop, sp)
	return schedule(ctx, &cfg, sp.n, hooksFor(sp, v), func(ctx context.Context, i, worker int) (R, error) {
		c := chunkOf(sp, v, i)
		c.Worker = worker
		return fn(ctx, c)
	}, func(i int, r R) (int64, error) {
		c := chunkOf(sp, v, i)
		dropMerged(drop, sp, v, i)
		if merge != nil {
			if err := merge(c, r); err != nil {
				return 0, err
			}
		}
		return int64(c.View.Size()), nil
	})
}

// advise passes advice on; it is a hint, and its errors change nothing.
func advise[T array.Element](v array.View[T], a mmap.Advice) { _ = v.Advise(a) }

// readAhead advises the operating system that v will be read in order, so
// that it reads far ahead of the page faults, and returns the function that
// takes the advice back once the pass is over.
func readAhead[T array.Element](v array.View[T]) func() {
	advise(v, mmap.Sequential)
	return func() { advise(v, mmap.Normal) }
}

// hooks are how the scheduler reaches the chunks' memory.
type hooks struct {
	chunkBytes int64            // bytes of elements of a full chunk
	prefetch   func(i int)      // advise WillNeed for chunk i
	touch      func(i int) bool // fault chunk i's pages in; false if it cannot
}

// hooksFor returns the hooks of the chunks of v split as sp.
func hooksFor[T array.Element](sp split, v array.View[T]) hooks {
	return hooks{
		chunkBytes: sp.bytes,
		prefetch:   func(i int) { advise(chunkOf(sp, v, i).View, mmap.WillNeed) },
		touch:      func(i int) bool { return touchPages(chunkOf(sp, v, i).View) },
	}
}

// touchPages reads one byte of every page of v, so that its page faults,
// and the kernel's read-ahead on them, happen here and in order. It
// returns false, reading nothing, when v does not lie in one piece.
func touchPages[T array.Element](v array.View[T]) bool {
	xs, err := v.Contiguous()
	if err != nil {
		return false
	}
	b := bytesOf(xs)
	var sum byte
	for k := 0; k < len(b); k += pageStep {
		sum += b[k]
	}
	// The sum is of no use but must be computed.
	runtime.KeepAlive(sum)
	return true
}

// pageStep is the distance between the bytes touchPages reads: the
// smallest page size of the systems Go runs on.
const pageStep = 4096

// warmRate is the rate, in bytes per second, above which a worker takes
// the chunks it reads to be in memory already and stops asking for the
// next ones to be read ahead: advice costs time even when there is
// nothing to read (a lookup per page), and no disk is this fast per
// worker for long.
const warmRate = 4e9

// split is how a view is cut into chunks along one axis.
type split struct {
	axis  int   // -1 for a 0-d view, which is one chunk
	dim   int   // length of the axis
	rows  int   // positions per chunk
	n     int   // chunks
	bytes int64 // bytes of elements in a full chunk
}

// newSplit cuts v along axis into chunks of about chunkBytes.
func newSplit[T array.Element](v array.View[T], axis, chunkBytes int) split {
	nd := v.NDim()
	if nd == 0 {
		return split{axis: -1, n: 1}
	}
	given := axis
	if axis < 0 {
		axis += nd
	}
	if axis < 0 || axis >= nd {
		panic(fmt.Sprintf("reduce: axis %d out of range for a %d-d view", given, nd))
	}
	dim := v.Shape()[axis]
	if dim == 0 {
		return split{axis: axis}
	}
	rowBytes := v.Size() / dim * itemSize[T]()
	rows := dim
	if rowBytes > 0 {
		rows = max(1, min(dim, chunkBytes/rowBytes))
	}
	return split{axis: axis, dim: dim, rows: rows, n: (dim + rows - 1) / rows, bytes: int64(rows) * int64(rowBytes)}
}

// chunkOf returns chunk i of v.
func chunkOf[T array.Element](sp split, v array.View[T], i int) Chunk[T] {
	if sp.axis < 0 {
		return Chunk[T]{View: v, Hi: 1}
	}
	lo, hi := i*sp.rows, min((i+1)*sp.rows, sp.dim)
	return Chunk[T]{View: chunksOf(sp, v, i, i+1), Index: i, Lo: lo, Hi: hi}
}

// chunksOf returns the view of chunks i to j-1 of v together.
func chunksOf[T array.Element](sp split, v array.View[T], i, j int) array.View[T] {
	if sp.axis < 0 {
		return v
	}
	var buf [8]array.Sel
	sels := buf[:0]
	for range sp.axis {
		sels = append(sels, array.All)
	}
	sels = append(sels, array.Range(i*sp.rows, min(j*sp.rows, sp.dim)))
	return v.Slice(sels...)
}

// dropBytes is how many bytes of finished chunks DropPages lets go at a
// time: each madvise call interrupts the other workers' processors to
// flush their address translations, so fewer, larger calls cost less.
const dropBytes = 32 << 20

// dropper lets the pages of merged chunks go, in batches. Its methods are
// called from merging, one at a time.
type dropper struct {
	on     bool
	batch  int // chunks per batch
	from   int // first chunk not yet dropped
	merged int // chunks merged
}

func newDropper(on bool, sp split) *dropper {
	return &dropper{on: on, batch: max(1, int(dropBytes/max(sp.bytes, 1)))}
}

// merged notes that chunk i was merged and drops a batch when one is full
// or the pass is over.
func dropMerged[T array.Element](d *dropper, sp split, v array.View[T], i int) {
	if !d.on {
		return
	}
	d.merged = i + 1
	if d.merged-d.from >= d.batch || d.merged == sp.n {
		advise(chunksOf(sp, v, d.from, d.merged), mmap.DontNeed)
		d.from = d.merged
	}
}

// scheduler hands out chunk numbers in order to a pool of workers and
// merges their results in the same order. Chunk i is handed out only once
// chunk i-window has been merged, which bounds the results waiting and
// lets them live in a ring.
type scheduler[R any] struct {
	n, workers, window int
	chunkBytes         int64
	cfg                *config
	prefetch           func(i int)
	touch              func(i int) bool
	work               func(ctx context.Context, i, worker int) (R, error)
	merge              func(i int, r R) (int64, error)

	mu       sync.Mutex
	cond     sync.Cond // a slot freed, or the pass stopped
	next     int       // the next chunk to hand out
	merged   int       // chunks merged so far
	merging  bool      // a worker is merging
	touching bool      // the toucher runs: workers wait for it
	touched  int       // chunks whose pages the toucher has read
	ready    []R       // results waiting, by chunk number modulo window
	has      []bool
	elems    int64 // elements of the merged chunks
	err      error // the first error; the pass stops when it is set
	panic    *panicValue
}

// panicValue carries a panic of a worker back to the caller.
type panicValue struct{ v any }

func (p *panicValue) Error() string { return fmt.Sprintf("reduce: panic in a worker: %v", p.v) }

// schedule runs work on chunks 0 to n-1 and merge on their results in
// order, as Map describes; merge returns how many elements the chunk held,
// for progress.
func schedule[R any](ctx context.Context, cfg *config, n int, h hooks,
	work func(ctx context.Context, i, worker int) (R, error), merge func(i int, r R) (int64, error)) error {
	if err := ctx.Err(); err != nil || n == 0 {
		return err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	workers := min(cfg.workers, n)
	s := &scheduler[R]{n: n, workers: workers, window: 2 * workers, chunkBytes: h.chunkBytes, cfg: cfg, work: work, merge: merge}
	if cfg.prefetch {
		s.prefetch = h.prefetch
	}
	if cfg.readAhead && workers > 1 && h.touch != nil {
		// Workers reading chunks side by side would fault at as many
		// places in the file at once, and the kernel's read-ahead, which
		// follows one stream, would read little at each. One goroutine
		// faults the pages in, in order, ahead of them instead.
		s.touch, s.touching = h.touch, true
	}
	s.cond.L = &s.mu
	s.ready = make([]R, s.window)
	s.has = make([]bool, s.window)
	// Wake workers waiting for a slot when the caller gives up.
	stop := context.AfterFunc(ctx, func() {
		s.mu.Lock()
		s.cond.Broadcast()
		s.mu.Unlock()
	})
	defer stop()

	var wg sync.WaitGroup
	if s.touching {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					s.fail(&panicValue{p}, cancel)
				}
			}()
			s.touchAll(ctx, cancel)
		}()
	}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					s.fail(&panicValue{p}, cancel)
				}
			}()
			s.run(ctx, w, cancel)
		}()
	}
	wg.Wait()
	if s.panic != nil {
		panic(s.panic.v)
	}
	return s.err
}

// run is one worker's loop.
func (s *scheduler[R]) run(ctx context.Context, w int, cancel context.CancelCauseFunc) {
	warm := false
	for {
		i, ok := s.take(ctx)
		if !ok {
			return
		}
		if s.prefetch != nil && !warm {
			// The chunk this worker will most likely take next is one
			// round of workers ahead; the first round has had no one
			// to ask for it.
			if i < s.workers {
				s.prefetch(i)
			}
			if i+s.workers < s.n {
				s.prefetch(i + s.workers)
			}
		}
		start := time.Now()
		var r R
		err := s.guarded(func() error {
			var err error
			r, err = s.work(ctx, i, w)
			return err
		})
		if err != nil {
			s.fail(err, cancel)
			return
		}
		warm = float64(s.chunkBytes) > warmRate*time.Since(start).Seconds()
		s.put(i, r, cancel)
	}
}

func (s *scheduler[R]) guarded(fn func() error) error {
	if s.cfg.guard != nil {
		return s.cfg.guard(fn)
	}
	return fn()
}

// take returns the next chunk to work on, once the toucher (if it runs)
// has read its pages, or false when the pass is over or stopped.
func (s *scheduler[R]) take(ctx context.Context) (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.err == nil && ctx.Err() == nil && s.next < s.n && s.next >= s.merged+s.window {
		s.cond.Wait()
	}
	if s.err == nil && ctx.Err() != nil {
		s.err = context.Cause(ctx)
		s.cond.Broadcast()
	}
	if s.err != nil || s.next >= s.n {
		return 0, false
	}
	i := s.next
	s.next++
	for s.err == nil && ctx.Err() == nil && s.touching && s.touched <= i {
		s.cond.Wait()
	}
	return i, s.err == nil && ctx.Err() == nil
}

// touchAll reads the pages of the chunks in order, keeping within the
// window of chunks the workers may take, until the pass ends or a chunk
// comes so fast that the file is plainly in memory already.
func (s *scheduler[R]) touchAll(ctx context.Context, cancel context.CancelCauseFunc) {
	defer func() {
		s.mu.Lock()
		s.touching = false
		s.cond.Broadcast()
		s.mu.Unlock()
	}()
	for i := range s.n {
		s.mu.Lock()
		for s.err == nil && ctx.Err() == nil && i >= s.merged+s.window {
			s.cond.Wait()
		}
		stop := s.err != nil || ctx.Err() != nil
		s.mu.Unlock()
		if stop {
			return
		}
		start := time.Now()
		ok := true
		if err := s.guarded(func() error {
			ok = s.touch(i)
			return nil
		}); err != nil {
			s.fail(err, cancel)
			return
		}
		if !ok {
			return
		}
		s.mu.Lock()
		s.touched = i + 1
		s.cond.Broadcast()
		s.mu.Unlock()
		if float64(s.chunkBytes) > warmRate*time.Since(start).Seconds() {
			return
		}
	}
}

// put stores the result of chunk i and, unless another worker is doing
// it, merges every result that is next in order.
func (s *scheduler[R]) put(i int, r R, cancel context.CancelCauseFunc) {
	s.mu.Lock()
	s.ready[i%s.window], s.has[i%s.window] = r, true
	if s.merging {
		s.mu.Unlock()
		return
	}
	s.merging = true
	for s.err == nil && s.has[s.merged%s.window] {
		k := s.merged % s.window
		r := s.ready[k]
		var zero R
		s.ready[k], s.has[k] = zero, false
		idx := s.merged
		s.mu.Unlock()
		var n int64
		err := s.guarded(func() error {
			var err error
			n, err = s.merge(idx, r)
			return err
		})
		s.mu.Lock()
		if err != nil {
			s.merging = false
			s.mu.Unlock()
			s.fail(err, cancel)
			return
		}
		s.merged++
		s.elems += n
		if s.cfg.progress != nil {
			// Only the merging worker gets here, one at a time, in
			// chunk order.
			s.cfg.progress(s.elems)
		}
		s.cond.Broadcast()
	}
	s.merging = false
	s.mu.Unlock()
}

// fail records the first error (or panic) and stops the pass.
func (s *scheduler[R]) fail(err error, cancel context.CancelCauseFunc) {
	s.mu.Lock()
	if p, ok := err.(*panicValue); ok && s.panic == nil {
		s.panic = p
	}
	if s.err == nil {
		s.err = err
	}
	s.cond.Broadcast()
	s.mu.Unlock()
	cancel(err)
}
