package reduce

import (
	"fmt"
	"runtime"
)

// Option configures a pass or a reduction. Options that do not apply to a
// function are ignored by it: [Axis] and [DDof] only mean something to the
// reductions, [Along] only to [Pass] and [Map].
type Option func(*config)

type config struct {
	workers    int
	chunkBytes int
	along      int
	readAhead  bool
	prefetch   bool
	drop       bool
	progress   func(done int64)
	guard      func(func() error) error

	axes    []int // the axes to reduce over, as given
	axesSet bool  // false: reduce over every axis
	ddof    int
}

// DefaultChunkBytes is the size of a chunk when [ChunkBytes] is not given:
// large enough that advising the kernel and dispatching a chunk cost little
// beside reading it, small enough that a few chunks per worker fit in the
// processor's caches and that memory stays bounded.
const DefaultChunkBytes = 4 << 20

func newConfig(opts []Option) config {
	c := config{workers: runtime.GOMAXPROCS(0), chunkBytes: DefaultChunkBytes, readAhead: true}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// Workers sets how many goroutines work on chunks at once; the default is
// runtime.GOMAXPROCS(0). The result of a reduction does not depend on it.
//
// Workers panics if n is less than 1.
func Workers(n int) Option {
	if n < 1 {
		panic(fmt.Sprintf("reduce: Workers(%d): need at least one", n))
	}
	return func(c *config) { c.workers = n }
}

// ChunkBytes sets how many bytes of elements a chunk holds, rounded down to
// whole rows of the axis the view is split along, and at least one row. The
// default is [DefaultChunkBytes]. A reduction's result does not depend on
// it beyond the last bits of floating-point sums.
//
// ChunkBytes panics if n is less than 1.
func ChunkBytes(n int) Option {
	if n < 1 {
		panic(fmt.Sprintf("reduce: ChunkBytes(%d): need at least one byte", n))
	}
	return func(c *config) { c.chunkBytes = n }
}

// Along sets the axis that [Pass] and [Map] split the view along; the
// default is axis 0. A negative axis counts from the end. Each chunk holds
// a range of positions of that axis and every position of the others.
func Along(axis int) Option { return func(c *config) { c.along = axis } }

// ReadAhead says whether a pass advises the operating system that the
// view will be read in order (mmap.Sequential) for as long as the pass
// runs, and Normal after it; it is on by default. The kernel then reads
// ahead of the page faults in large requests, keeping the disk busy, and
// a cold pass over a file laid out in the order of the split runs as fast
// as plain sequential reads. The advice costs nothing when the file is in
// memory.
func ReadAhead(on bool) Option { return func(c *config) { c.readAhead = on } }

// Prefetch says whether each worker, as it starts a chunk, asks for the
// chunk it will most likely take next to be read now (mmap.WillNeed); it
// is off by default. It helps where the kernel reads ahead little (a
// small read_ahead_kb on Linux) or cannot guess the order, and stops by
// itself once chunks arrive faster than a disk could deliver them, since
// the advice costs a lookup per page even when there is nothing to read.
// Where the kernel reads ahead well, as with [ReadAhead], explicit advice
// competes with its read-ahead and can make a cold pass slower: measure
// before turning it on.
func Prefetch(on bool) Option { return func(c *config) { c.prefetch = on } }

// DropPages says whether finished chunks are let go (mmap.DontNeed), in
// batches of a few tens of megabytes as they are merged: their pages
// leave the process, so its resident memory stays bounded however large
// the file; the kernel may keep them in its page cache. It is off by
// default, because a later pass over a file that fits in memory then maps
// its pages again, which costs time. Turn it on for a single pass over a
// file larger than memory. It has no effect on views of Go memory or of
// files mapped CopyOnWrite.
func DropPages(on bool) Option { return func(c *config) { c.drop = on } }

// Progress sets a function called after each chunk, in chunk order and
// never concurrently, with the number of elements finished so far.
func Progress(fn func(done int64)) Option { return func(c *config) { c.progress = fn } }

// Guard sets a function each worker runs its chunks inside, such as
// array.File.Guard, which turns a fault on a truncated file into an error.
// The protection such guards give is per goroutine, so a guard around the
// call to a pass does not cover its workers; this option does.
func Guard(g func(fn func() error) error) Option { return func(c *config) { c.guard = g } }

// Axis sets the axes a reduction reduces over, like NumPy's axis argument:
// Axis(0) gives the mean of each column of a (N, C) array, Axis(0) on
// (N, H, W) the mean frame, Axis(1, 2) the mean of each frame. Negative
// axes count from the end. Without this option a reduction reduces over
// every axis, as NumPy's axis=None does; Axis() with no axes reduces over
// none, so that each element is its own result, as axis=() does.
//
// A reduction panics if an axis is out of range or given twice.
func Axis(axes ...int) Option {
	axes = append([]int(nil), axes...)
	return func(c *config) { c.axes, c.axesSet = axes, true }
}

// DDof sets the delta degrees of freedom of [Var], [Std], [NaNVar] and
// [NaNStd]: the sum of squared deviations is divided by N - ddof, where N
// is the number of values. The default is 0, as in NumPy; 1 gives the
// unbiased estimate of the variance.
//
// DDof panics if ddof is negative.
func DDof(ddof int) Option {
	if ddof < 0 {
		panic(fmt.Sprintf("reduce: DDof(%d) is negative", ddof))
	}
	return func(c *config) { c.ddof = ddof }
}
