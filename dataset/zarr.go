package dataset

import (
	"compress/gzip"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sync"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// Zarr is a Zarr v2 array in a directory store, as zarr-python 2 writes
// one, read as elements of T. It is a [Dataset] whose blocks are the
// chunks, trimmed at the array's edges.
//
// Chunks stored without a compressor are mapped and read in place. Chunks
// compressed with zlib or gzip are inflated when first read and kept, up to
// [CacheBytes] of them. A chunk that is missing reads as the fill value.
//
// The methods of a Zarr may be called from several goroutines at once,
// Close included.
type Zarr[T array.Element] struct {
	dir   string
	meta  *ZarrMeta
	attrs map[string]any
	grid  []int // chunks along each axis
	fill  T
	cache *cache[zchunk[T]]

	fillOnce sync.Once
	fillBuf  []T
}

// zchunk is a chunk in the cache: its whole view, before trimming.
type zchunk[T array.Element] struct {
	view array.View[T]
}

// OpenZarr opens the Zarr v2 array in the folder dir as elements of T. T
// must match the array's dtype as it does for [array.Open]. An array whose
// compressor is not null, zlib or gzip, or that has filters, gives a
// [*CodecError] naming the codec.
func OpenZarr[T array.Element](dir string, opts ...Option) (*Zarr[T], error) {
	o := makeOptions(opts)
	m, err := ReadZarrMeta(dir)
	if err != nil {
		return nil, err
	}
	if err := m.checkCodecs(dir); err != nil {
		return nil, err
	}
	if err := matchType[T](dir, m.DType); err != nil {
		return nil, err
	}
	fill, err := fillValue[T](dir, m)
	if err != nil {
		return nil, err
	}
	attrs, err := ReadAttrs(dir)
	if err != nil {
		return nil, err
	}
	z := &Zarr[T]{
		dir: dir, meta: m, attrs: attrs, grid: m.gridShape(), fill: fill,
		cache: newCache[zchunk[T]](o),
	}
	// An array dropped without Close gives back its share of the budget:
	// the budget holds its cache, which holds nothing of the array.
	runtime.AddCleanup(z, (*cache[zchunk[T]]).closeDropped, z.cache)
	return z, nil
}

// Meta returns what the array's .zarray says.
func (z *Zarr[T]) Meta() ZarrMeta { return *z.meta }

// Attrs returns the array's user attributes, from its .zattrs.
func (z *Zarr[T]) Attrs() map[string]any { return z.attrs }

// DType returns the dtype of the stored elements.
func (z *Zarr[T]) DType() layout.DType { return z.meta.DType }

// Shape returns the array's shape.
func (z *Zarr[T]) Shape() []int { return append([]int(nil), z.meta.Shape...) }

// Chunks returns the shape of a chunk.
func (z *Zarr[T]) Chunks() []int { return append([]int(nil), z.meta.Chunks...) }

// NumBlocks returns the number of chunks.
func (z *Zarr[T]) NumBlocks() int {
	n := 1
	for _, g := range z.grid {
		n *= g
	}
	return n
}

// Block returns chunk k, the chunks being numbered in C order of their
// indices, trimmed to the array's edges. It must be released after use.
//
// Block panics if k is out of range.
func (z *Zarr[T]) Block(k int) (Block[T], error) {
	if k < 0 || k >= z.NumBlocks() {
		panic(fmt.Sprintf("dataset: chunk %d out of range for %d chunks", k, z.NumBlocks()))
	}
	idx := make([]int, len(z.grid))
	for ax := len(z.grid) - 1; ax >= 0; ax-- {
		idx[ax] = k % z.grid[ax]
		k /= z.grid[ax]
	}
	return z.Chunk(idx...)
}

// Chunk returns the chunk at the given chunk indices, trimmed to the
// array's edges. It must be released after use.
//
// Chunk panics if the number of indices is not the number of axes or an
// index is out of range.
func (z *Zarr[T]) Chunk(idx ...int) (Block[T], error) {
	if len(idx) != len(z.grid) {
		panic(fmt.Sprintf("dataset: %d chunk indices for a %d-d array", len(idx), len(z.grid)))
	}
	k := 0
	for ax, i := range idx {
		if i < 0 || i >= z.grid[ax] {
			panic(fmt.Sprintf("dataset: chunk index %d out of range for axis %d of %d chunks", i, ax, z.grid[ax]))
		}
		k = k*z.grid[ax] + i
	}
	e, err := z.chunk(k, idx)
	if err != nil {
		return Block[T]{}, err
	}
	origin := make([]int, len(idx))
	edge := make([]array.Sel, len(idx))
	for ax, i := range idx {
		c := z.meta.Chunks[ax]
		origin[ax] = i * c
		edge[ax] = array.To(min(c, z.meta.Shape[ax]-origin[ax]))
	}
	return Block[T]{View: e.val.view.Slice(edge...), Origin: origin, rel: e}, nil
}

// chunk returns chunk k, at indices idx, from the cache, loading it if need
// be.
func (z *Zarr[T]) chunk(k int, idx []int) (*entry[zchunk[T]], error) {
	maps := 0
	if z.meta.Compressor.ID == "" {
		maps = 1
	}
	// Every chunk is opened, mapped or inflated, only while it is loaded.
	e, err := z.cache.get(k, maps, true, func() (loaded[zchunk[T]], error) { return z.load(idx) })
	if errors.Is(err, ErrClosed) {
		err = fmt.Errorf("%w: %s", ErrClosed, z.dir)
	}
	return e, err
}

// load reads the chunk at idx: mapped, inflated, or the fill value when it
// is missing.
func (z *Zarr[T]) load(idx []int) (loaded[zchunk[T]], error) {
	m := z.meta
	key := m.ChunkKey(idx...)
	path := filepath.Join(z.dir, filepath.FromSlash(key))
	if m.Compressor.ID == "" {
		f, err := openMapped(path, header.Raw{DType: m.DType, Shape: m.Chunks, FortranOrder: m.FortranOrder})
		if errors.Is(err, os.ErrNotExist) {
			return z.fillChunk(path)
		}
		if err != nil {
			if errors.Is(err, header.ErrFormat) {
				err = fmt.Errorf("%w: chunk %s: %w", ErrFormat, key, err)
			}
			return loaded[zchunk[T]]{}, fmt.Errorf("dataset: %w", err)
		}
		v, err := typedView[T](f)
		if err != nil {
			f.Close()
			return loaded[zchunk[T]]{}, fmt.Errorf("dataset: %w", err)
		}
		h := f.Header()
		return loaded[zchunk[T]]{val: zchunk[T]{view: v}, maps: 1, mapBytes: h.DataOffset + h.DataSize(), close: f.Close}, nil
	}
	data, err := z.inflate(path, key)
	if errors.Is(err, os.ErrNotExist) {
		return z.fillChunk(path)
	}
	if err != nil {
		return loaded[zchunk[T]]{}, err
	}
	n := int64(len(data)) * int64(itemSize[T]())
	return loaded[zchunk[T]]{val: zchunk[T]{view: memView(data, m.Chunks, m.FortranOrder)}, bytes: n}, nil
}

// fillChunk returns a chunk of the fill value, for a missing chunk. Its
// memory is shared by every missing chunk, so it costs the cache nothing.
func (z *Zarr[T]) fillChunk(path string) (loaded[zchunk[T]], error) {
	n, err := z.chunkLen(path)
	if err != nil {
		return loaded[zchunk[T]]{}, err
	}
	z.fillOnce.Do(func() {
		z.fillBuf = make([]T, n)
		for i := range z.fillBuf {
			z.fillBuf[i] = z.fill
		}
	})
	return loaded[zchunk[T]]{val: zchunk[T]{view: memView(z.fillBuf, z.meta.Chunks, z.meta.FortranOrder)}, bytes: missingCost}, nil
}

// missingCost is what the cache counts for remembering that a chunk is
// missing, so that a sparse array's missing chunks do not pile up in it.
const missingCost = 256

// chunkLen returns the number of elements of a chunk, refusing chunks too
// big to hold in memory.
func (z *Zarr[T]) chunkLen(path string) (int, error) {
	size, _ := layout.ByteSize(z.meta.Chunks, z.meta.DType.Size) // checked when the metadata was read
	if size > MaxChunkBytes || size > math.MaxInt {
		return 0, fmt.Errorf("dataset: %s: a chunk of %d bytes is over the %d bytes held in memory", path, size, MaxChunkBytes)
	}
	return int(size) / z.meta.DType.Size, nil
}

// inflate reads and inflates the chunk file at path into elements of T. The
// chunk must inflate to exactly one chunk's bytes.
func (z *Zarr[T]) inflate(path, key string) ([]T, error) {
	n, err := z.chunkLen(path)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	var r io.ReadCloser
	switch z.meta.Compressor.ID {
	case "zlib":
		r, err = zlib.NewReader(f)
	case "gzip":
		r, err = gzip.NewReader(f)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: chunk %s: %v", ErrFormat, z.dir, key, err)
	}
	defer r.Close()
	size := n * z.meta.DType.Size
	buf := make([]byte, size+1)
	// Reading one byte more than a chunk meets the end of the stream, and
	// with it the check of the stream's checksum.
	got, err := io.ReadFull(r, buf)
	switch {
	case got == size && err == io.ErrUnexpectedEOF:
	case err == nil:
		return nil, fmt.Errorf("%w: %s: chunk %s inflates to more than %d bytes", ErrFormat, z.dir, key, size)
	case err == io.ErrUnexpectedEOF || err == io.EOF:
		return nil, fmt.Errorf("%w: %s: chunk %s inflates to %d bytes, want %d", ErrFormat, z.dir, key, got, size)
	default:
		return nil, fmt.Errorf("%w: %s: chunk %s: %v", ErrFormat, z.dir, key, err)
	}
	data := make([]T, n)
	decode(data, buf[:size], z.meta.DType.Order.Binary())
	return data, nil
}

// decode fills dst with the elements whose bytes, in the given byte order,
// are b (len(dst) times T's size).
func decode[T array.Element](dst []T, b []byte, order binary.ByteOrder) {
	switch d := any(dst).(type) {
	case []int:
		for i := range d {
			if len(b) == 8*len(d) {
				d[i] = int(int64(order.Uint64(b[8*i:])))
			} else {
				d[i] = int(int32(order.Uint32(b[4*i:])))
			}
		}
		return
	case []uint:
		for i := range d {
			if len(b) == 8*len(d) {
				d[i] = uint(order.Uint64(b[8*i:]))
			} else {
				d[i] = uint(order.Uint32(b[4*i:]))
			}
		}
		return
	}
	if _, err := binary.Decode(b, order, dst); err == nil {
		return
	}
	// Types binary does not know (named kinds of int and uint): one by one.
	v := reflect.ValueOf(dst)
	size := len(b) / len(dst)
	for i := range dst {
		var u uint64
		switch size {
		case 4:
			u = uint64(order.Uint32(b[4*i:]))
		case 8:
			u = order.Uint64(b[8*i:])
		}
		if e := v.Index(i); e.CanInt() {
			if size == 4 {
				e.SetInt(int64(int32(u)))
			} else {
				e.SetInt(int64(u))
			}
		} else {
			e.SetUint(u)
		}
	}
}

// blocksAlong and blockAt make the chunk grid the grid of the array.
func (z *Zarr[T]) blocksAlong(k int) int { return z.grid[k] }

func (z *Zarr[T]) blockAt(k, i int) (b, lo, hi int) {
	c := z.meta.Chunks[k]
	b = i / c
	return b, b * c, min((b+1)*c, z.meta.Shape[k])
}

func (z *Zarr[T]) gatherer() gatherer[T] { return gatherer[T]{g: z, block: z.Block} }

// CopyTo copies the elements selected by one Sel per leading axis (the rest
// whole, as [array.View.Slice] takes them) into dst in C order, reading each
// chunk the selection touches, and returns how many it copied.
//
// CopyTo panics if dst is shorter than the selection, or under the
// conditions of [array.View.Slice].
func (z *Zarr[T]) CopyTo(dst []T, sels ...array.Sel) (int, error) {
	return z.gatherer().copyTo(dst, resolveSels(z.meta.Shape, sels))
}

// Values returns an iterator over the selected elements (as CopyTo takes
// them) in C order. An error reading a chunk is yielded once, with a zero
// value, and ends the iteration.
//
// Values panics under the conditions of [array.View.Slice].
func (z *Zarr[T]) Values(sels ...array.Sel) iter.Seq2[T, error] {
	return z.gatherer().values(resolveSels(z.meta.Shape, sels), itemSize[T]())
}

// Close closes the chunk files the array holds mapped and drops the
// inflated ones. Blocks not yet released stay valid until they are.
// Closing twice is harmless.
func (z *Zarr[T]) Close() error { return z.cache.closeCache() }
