// Package reduce runs parallel passes over array views — in memory, or
// mapped from files far larger than memory — and over datasets of many
// files, and computes NumPy's reductions with them: sum, mean, minimum,
// maximum, variance and standard deviation, their NaN-skipping forms and
// the count of NaNs, over a whole array or along any axes.
//
// # Passes
//
// [Pass] splits a view along one axis (axis 0 unless [Along] says
// otherwise) into chunks of whole positions of that axis, about
// [ChunkBytes] each, and calls a function on every chunk from a pool of
// [Workers] goroutines. Each chunk is an ordinary [array.View], so the
// function may slice it, copy it out or read it in place. [Map] adds
// results: they are handed to a merge function one at a time, in chunk
// order, so that what is built from them does not depend on how many
// workers there were or how they were scheduled.
//
//	err := reduce.Pass(ctx, frames, func(ctx context.Context, c reduce.Chunk[float32]) error {
//		for i := range c.View.Len() {
//			f := c.View.Index(i)
//			... frame c.Lo+i
//		}
//		return nil
//	}, reduce.Workers(8))
//
// The first error stops a pass and is returned, as is the context's error
// when ctx is cancelled; a panic in a worker is raised again in the caller.
//
// # Datasets
//
// A [dataset.Dataset] — a shard set, a folder of .npy files along axis 0,
// or a Zarr store — is an array in blocks, each read when it is needed.
// [MapBlocks] is [Map] over its blocks: each block is cut along its axis 0
// into chunks of about [ChunkBytes], whose Lo, Hi and Origin are positions
// in the whole dataset; a block is read by the first worker that needs it
// and released once its last chunk is merged, and the results are merged
// in the order of the blocks. [Over] runs every reduction below over a
// dataset, with the same options and results as over one view:
//
//	s, err := dataset.OpenShards[float32]("segments/")
//	...
//	mean, err := reduce.Over(s).Mean(ctx, reduce.Axis(0)) // the mean frame
//
// Each chunk is reduced into cells of its own and merged, in order, into
// the cells of the result it covers: along axis 0 every chunk adds to the
// same cells; along other axes the chunks of a shard set fill rows of
// their own, and those of a Zarr store cut along them add to the cells
// they share.
//
// # Files larger than memory
//
// A pass advises the operating system to read the view in order
// (mmap.Sequential; see [ReadAhead]) for as long as it runs, so that the
// kernel reads far ahead of the page faults in large requests; a cold
// pass so reads at the speed of the disk. [Prefetch] adds explicit
// advice (mmap.WillNeed) for the chunk each worker will take next, for
// systems whose kernel reads ahead little. With [DropPages] each finished
// chunk is let go (mmap.DontNeed), so the pages of the file do not pile up
// in the process: its resident memory stays at a few chunks per worker
// however large the file. The kernel keeps or drops them from its page
// cache as it sees fit. Run a pass over a file that may shrink under the
// mapping with [Guard] set to the file's Guard method, so that every
// worker turns a fault into an error.
//
// # Reductions
//
// [Sum], [Mean], [Var], [Std], [Min], [Max], [NaNSum], [NaNMean], [NaNVar],
// [NaNStd], [NaNMin], [NaNMax] and [CountNaN] reduce over every axis, or
// over the axes of [Axis] — Axis(0) of a (N, C) recording gives one value
// per channel, Axis(0) of (N, H, W) frames the mean frame — and return a
// [Result]: an array in memory of the dtype NumPy gives, shaped as NumPy
// shapes it. [Describe] computes count, NaNs, minimum, maximum, mean and
// variance in one pass, all as float64. They take views of every element
// type but strings and records: bool, the integers, float16 (as
// [layout.Float16]), float32, float64, complex64 and complex128, in either
// byte order, of any strides. Integers and bools have no NaN: their NaN
// forms are the plain ones.
//
// The result dtypes are NumPy's (version 2, or 1 on 64-bit Linux and
// macOS, whose default integer is 64 bits):
//
//	            bool, int8-int64   uint8-uint64   float16/32/64   complex64   complex128
//	Sum         int64              uint64         same            complex64   complex128
//	Mean        float64            float64        same            complex64   complex128
//	Var, Std    float64            float64        same            float32     float64
//	Min, Max    same               same           same            same        same
//	CountNaN    int64              int64          int64           int64       int64
//
// The NaN forms have the dtypes of the plain ones. Values follow NumPy
// too: a NaN makes a sum, mean, variance, minimum or maximum NaN (the NaN
// forms leave NaNs out, and give NaN, or 0 for the sum, where all are
// NaN); an infinity makes the variance NaN; the variance of N values with
// N <= ddof ([DDof]) is infinite or NaN; the minimum or maximum of no
// values is an error wrapping [ErrEmpty]. Integer sums wrap around in 64
// bits, as NumPy's do. Complex numbers are ordered by real part, then
// imaginary part.
//
// # Accuracy
//
// Floating-point values of any precision are added in float64, pairwise
// (eight-wide blocks of 128 values whose sums are added in a binary tree,
// as NumPy's pairwise summation does), and the partial sums of blocks and
// chunks are added with compensation; the result is rounded once to its
// dtype. One exception buys speed: where float32 rows are added into a row
// of sums (the mean frame), pairs of rows are added in float32 first, which
// may move the result by one unit in its last place. So a float32 sum is the exact sum correctly rounded, or one unit
// in the last place from it, where NumPy's float32 sum is often several
// off; and a sum along an axis is as accurate as along a row, where
// NumPy's adds one row at a time. Integers are added exactly, and their
// mean is the exact sum divided once. Variances of float16 and float32
// values are computed in float64 and rounded once, where NumPy takes the
// deviations in the values' own precision.
//
// Variances never come from a running sum of squares, which loses every
// digit when the mean is large beside the spread: each block of values
// that fits in the processor's cache is read twice, for its mean and for
// the squared deviations from it, and the blocks are merged with Chan,
// Golub and LeVeque's formula. For integers of up to 16 bits the sums of
// values and squares of a block are exact instead, and its squared
// deviations come from them with one rounding.
//
// The order of the additions depends on [ChunkBytes] and on the layout
// of the view (or the blocks of the dataset), not on the number of
// workers: the same call gives the same bits however many there are.
//
// # Speed
//
// A chunk whose elements lie one after another in native byte order is
// read in place, from the mapping; any other (strided, byte-swapped,
// float16, bool) is gathered a few thousand elements at a time into a
// buffer of each worker by View.CopyTo, and read there. The kernels keep
// several accumulators in registers, add runs of a row into one value
// ("inner" reductions: the mean of each row) or rows into a row of values
// ("outer" reductions: the mean of each column, the mean frame) a tile of
// columns at a time so that the accumulators stay in the cache, and read
// float16 through a conversion loop with no function call per value.
//
// # Concurrency
//
// The functions of this package may be called from many goroutines at
// once, on the same views or datasets, or others. A view's file, or a
// dataset, must stay open until a pass over it returns. Results and
// Summaries are plain values, not shared with the package once returned.
package reduce
