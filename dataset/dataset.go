package dataset

import (
	"errors"
	"fmt"
	"iter"
	"os"
	"path/filepath"
	"reflect"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// Errors returned by this package, compared with errors.Is.
var (
	// ErrClosed is returned by a dataset used after Close.
	ErrClosed = errors.New("dataset: closed")
	// ErrNoFiles is returned when a folder or a pattern names no file.
	ErrNoFiles = errors.New("dataset: no files")
	// ErrMismatch is returned when the files of a shard set differ in
	// dtype or trailing shape, or a file changed since it was scanned.
	ErrMismatch = errors.New("dataset: shards do not match")
	// ErrFormat is returned for Zarr metadata or chunks that are not valid.
	ErrFormat = errors.New("dataset: not a valid Zarr v2 store")
	// ErrCodec is returned for a Zarr array whose compressor or filters this
	// package cannot decode; the error is a [*CodecError] naming the codec.
	ErrCodec = errors.New("dataset: unsupported codec")
)

// CodecError says which codec of a Zarr array is not supported.
type CodecError struct {
	Path  string // the array's folder
	Codec string // the codec's id, as numcodecs names it: "blosc", "zstd", "lz4", ...
	Role  string // "compressor" or "filter"
}

// Error names the array, the codec and what is supported.
func (e *CodecError) Error() string {
	return fmt.Sprintf("dataset: %s: %s %q is not supported (compressors: null, zlib, gzip; no filters)", e.Path, e.Role, e.Codec)
}

// Unwrap returns [ErrCodec].
func (e *CodecError) Unwrap() error { return ErrCodec }

// A Dataset is an array of T whose elements lie in several pieces — the
// files of a shard set, the chunks of a Zarr array — each of which is read
// as an [array.View] when it is needed. [*Shards] and [*Zarr] are Datasets.
//
// The blocks are the pieces, numbered in C order of the grid they make;
// every element is in exactly one block. A parallel pass over a Dataset
// takes its blocks one by one, each from any goroutine.
type Dataset[T array.Element] interface {
	// DType returns the dtype of the elements as the files store them.
	DType() layout.DType
	// Shape returns the shape of the whole array.
	Shape() []int
	// NumBlocks returns the number of blocks.
	NumBlocks() int
	// Block returns block k, which must be released after use.
	Block(k int) (Block[T], error)
	// CopyTo copies the elements selected by one Sel per leading axis
	// (the rest whole), in C order, into dst.
	CopyTo(dst []T, sels ...array.Sel) (int, error)
	// Values returns an iterator over the selected elements in C order.
	Values(sels ...array.Sel) iter.Seq2[T, error]
	// Close releases the files and memory the dataset holds.
	Close() error
}

// Block is one piece of a [Dataset]: a view of its elements and where they
// are in the whole array. The view reads the piece in place — a mapped file
// or chunk, or a chunk inflated into memory — and stays valid until
// Release, even if the dataset is closed meanwhile. Its elements must not
// be written: they may be shared with other blocks (the fill value of
// missing Zarr chunks).
type Block[T array.Element] struct {
	array.View[T]
	// Origin is the index in the dataset of the block's element at all-zero
	// indices.
	Origin []int

	rel releaser
}

type releaser interface{ release() }

// Release lets the dataset close the block's file or drop its memory when it
// needs room. The block's view must not be used afterwards.
//
// Release panics if it is called twice on copies of the same block.
func (b Block[T]) Release() {
	if b.rel != nil {
		b.rel.release()
	}
}

// DefaultCacheBytes is how much memory a Zarr array keeps for inflated
// chunks unless [CacheBytes] says otherwise: 256 MiB.
const DefaultCacheBytes = 256 << 20

// An Option adjusts how a dataset is opened.
type Option func(*options)

type options struct {
	maxMapped  int // 0: the default, shared by the process
	cacheBytes int64
	describer  header.Describer
	budget     *budget // nil: the process's, when maxMapped is 0; set by tests
}

// MaxMapped bounds how many files a dataset keeps mapped at once: the
// files of a shard set, the uncompressed chunks of a Zarr array. A file is
// mapped when a block in it is first needed and stays mapped, without a
// descriptor, until the bound makes room for another: then those not used
// lately are unmapped first — unless a block in them is still held (not
// released).
//
// By default the datasets of a process share one bound: half of the
// system's limit on mappings where it has one (vm.max_map_count on Linux,
// so 32,765 by default), 32,768 elsewhere; on 32-bit systems a dataset
// also maps at most 512 MiB at once. When that budget is full, room is
// taken from the datasets holding more than an equal share of it (see the
// package doc). A dataset given MaxMapped has its own bound, outside that
// budget. Reading a file that is not mapped costs an
// open, a mapping and, later, an unmapping: tens of microseconds, several
// times the copy of a small frame from a mapped file.
//
// MaxMapped panics if n < 1.
func MaxMapped(n int) Option {
	if n < 1 {
		panic(fmt.Sprintf("dataset: MaxMapped(%d) is less than 1", n))
	}
	return func(o *options) { o.maxMapped = n }
}

// CacheBytes bounds the memory a Zarr array keeps for inflated chunks,
// [DefaultCacheBytes] by default. A chunk bigger than n is inflated for each
// use and dropped when released.
//
// CacheBytes panics if n < 0.
func CacheBytes(n int64) Option {
	if n < 0 {
		panic(fmt.Sprintf("dataset: CacheBytes(%d) is negative", n))
	}
	return func(o *options) { o.cacheBytes = n }
}

// Describer sets how each file of a shard set is read: a [header.Raw] for
// headerless files (its Shape with a -1 first, or nil, so that each file's
// size gives its length), a [header.Record], or any other
// [header.Describer]. By default each file's format is sniffed from its
// leading bytes and name with [header.Sniff].
func Describer(d header.Describer) Option { return func(o *options) { o.describer = d } }

func makeOptions(opts []Option) options {
	o := options{cacheBytes: DefaultCacheBytes}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// matchType returns nil if elements of dt can be read as T, and otherwise an
// error wrapping [array.ErrType] that names what, dt and T.
func matchType[T array.Element](what string, dt layout.DType) error {
	t := reflect.TypeFor[T]()
	if err := layout.Match(dt, t); err != nil {
		return &typeError{msg: fmt.Sprintf("dataset: %s: %s cannot be read as %v: %v", what, dt.TypeString(), t, err), cause: err}
	}
	return nil
}

// typeError says why a dtype does not hold a Go type; it matches both
// [array.ErrType] and layout's reason.
type typeError struct {
	msg   string
	cause error
}

func (e *typeError) Error() string   { return e.msg }
func (e *typeError) Unwrap() []error { return []error{array.ErrType, e.cause} }

// itemSize returns the size of T in bytes.
func itemSize[T array.Element]() int { return int(reflect.TypeFor[T]().Size()) }

// Open opens the dataset named name as elements of T: the Zarr v2 array in
// name if it is a folder holding a .zarray ([OpenZarr]), and otherwise the
// shard set of the files name names, a folder of them, a pattern or one
// file ([OpenShards]).
func Open[T array.Element](name string, opts ...Option) (Dataset[T], error) {
	// A nil *Zarr or *Shards would make a non-nil Dataset: return nil.
	if fi, err := os.Stat(filepath.Join(name, ".zarray")); err == nil && !fi.IsDir() {
		z, err := OpenZarr[T](name, opts...)
		if err != nil {
			return nil, err
		}
		return z, nil
	}
	s, err := OpenShards[T](name, opts...)
	if err != nil {
		return nil, err
	}
	return s, nil
}
