package dataset

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/layout"
)

// DefaultChunkBytes is the size [DefaultChunks] aims at for a chunk: 16 MiB,
// big enough that a chunk's bookkeeping (a file, a task in Dask) costs
// little next to reading it, small enough that a few per core fit in memory.
const DefaultChunkBytes = 16 << 20

// DefaultChunks returns the chunk shape [WriteZarr] uses when none is given
// for an array of the given shape and item size: whole trailing axes, and as
// many positions of the first axis as make about [DefaultChunkBytes]. When
// one position of the first axis is bigger than that, the chunk is one
// position long there and the next axis is cut the same way, and so on. An
// axis of length zero gets chunks of 1.
func DefaultChunks(shape []int, itemsize int) []int {
	chunks := make([]int, len(shape))
	for k, n := range shape {
		chunks[k] = max(n, 1)
	}
	budget := max(1, DefaultChunkBytes/max(itemsize, 1)) // elements
	for k := range shape {
		inner := 1
		for _, n := range shape[k+1:] {
			inner *= max(n, 1)
			if inner > budget {
				break
			}
		}
		if inner <= budget {
			chunks[k] = min(max(1, budget/inner), max(shape[k], 1))
			break
		}
		chunks[k] = 1
	}
	return chunks
}

// ZarrOptions says how [WriteZarr] lays out a store. The zero value writes
// uncompressed chunks of [DefaultChunks], keys joined with ".".
type ZarrOptions struct {
	// Chunks is the chunk shape, one length per axis; nil means
	// DefaultChunks.
	Chunks []int
	// Compressor is "" for uncompressed chunks (mapped in place when read
	// back), "zlib" or "gzip".
	Compressor string
	// Level is the zlib or gzip level, 1 (fastest) to 9 (smallest); 0 means
	// 1, numcodecs' default.
	Level int
	// Separator joins chunk indices in chunk keys: "." (the default) or
	// "/" for nested folders.
	Separator string
	// Attrs, if not nil, are written to .zattrs.
	Attrs map[string]any
	// Workers is how many chunks are written at once; 0 means twice
	// GOMAXPROCS, at least 4, since each chunk waits for the device to
	// sync it as much as it uses a processor.
	Workers int
}

// WriteZarr writes the elements of v as a new Zarr v2 array in the folder
// dir, which is created if need be, as zarr-python 2 writes one: a .zarray
// with T's dtype in native byte order, C order, fill value zero and no
// filters; a .zattrs if opts.Attrs is set; and every chunk, full-sized at
// the edges (the part past the edge is zero). Chunks are written by several
// goroutines at once, each under a temporary name in its folder that is
// renamed once the chunk is complete and on the device, so a chunk file is
// whole or absent. .zarray is written last: a folder without it is no
// array, so a write that fails halfway leaves nothing zarr opens.
//
// A folder that already holds a .zarray or .zgroup gives an error wrapping
// [fs.ErrExist].
//
// WriteZarr panics if opts.Chunks does not have one length of at least 1
// per axis of v, or if opts.Compressor, opts.Level or opts.Separator is not
// one of the values listed.
func WriteZarr[T array.Element](dir string, v array.View[T], opts ZarrOptions) error {
	dt, err := layout.For[T]()
	if err != nil {
		panic("dataset: " + err.Error())
	}
	shape := append([]int{}, v.Shape()...) // [] in JSON for a 0-d view, not null
	chunks := opts.Chunks
	if chunks == nil {
		chunks = DefaultChunks(shape, dt.Size)
	}
	if len(chunks) != len(shape) {
		panic(fmt.Sprintf("dataset: WriteZarr chunks %v for a %d-d view", chunks, len(shape)))
	}
	for _, c := range chunks {
		if c < 1 {
			panic(fmt.Sprintf("dataset: WriteZarr chunks %v: a length below 1", chunks))
		}
	}
	level := opts.Level
	if level == 0 {
		level = 1
	}
	if level < 1 || level > 9 {
		panic(fmt.Sprintf("dataset: WriteZarr level %d is not 1 to 9", opts.Level))
	}
	var compressor any
	switch opts.Compressor {
	case "":
	case "zlib", "gzip":
		compressor = map[string]any{"id": opts.Compressor, "level": level}
	default:
		panic(fmt.Sprintf("dataset: WriteZarr compressor %q is not \"\", \"zlib\" or \"gzip\"", opts.Compressor))
	}
	sep := opts.Separator
	switch sep {
	case "":
		sep = "."
	case ".", "/":
	default:
		panic(fmt.Sprintf("dataset: WriteZarr separator %q is not \".\" or \"/\"", opts.Separator))
	}
	if _, err := layout.ByteSize(chunks, dt.Size); err != nil {
		return fmt.Errorf("dataset: %s: chunks %v: %w", dir, chunks, err)
	}
	dtype, err := zarrDType(dt)
	if err != nil {
		return err
	}
	if err := createFolder(dir); err != nil {
		return err
	}
	m := &ZarrMeta{Shape: shape, Chunks: chunks, DType: dt, Separator: sep}
	if err := writeChunks(dir, v, m, opts.Compressor, level, opts.Workers); err != nil {
		return err
	}
	if opts.Attrs != nil {
		if err := writeJSON(filepath.Join(dir, ".zattrs"), opts.Attrs); err != nil {
			return err
		}
	}
	return writeJSON(filepath.Join(dir, ".zarray"), map[string]any{
		"zarr_format":         2,
		"shape":               shape,
		"chunks":              chunks,
		"dtype":               dtype,
		"compressor":          compressor,
		"fill_value":          zeroFill(dt),
		"order":               "C",
		"filters":             nil,
		"dimension_separator": sep,
	})
}

// zeroFill returns the fill value zero as .zarray gives it for dt, or nil
// (null: no fill value) for dtypes whose zero zarr spells otherwise.
func zeroFill(dt layout.DType) any {
	switch dt.Kind {
	case layout.Bool:
		return false
	case layout.Int, layout.Uint:
		return 0
	case layout.Float:
		return 0.0
	case layout.Complex:
		return []float64{0, 0}
	}
	return nil
}

// CreateGroup makes the folder dir a Zarr v2 group, creating it if need be:
// it writes .zgroup and, if attrs is not nil, .zattrs. Arrays written with
// [WriteZarr] into its subfolders are its members.
//
// A folder that already holds a .zarray or .zgroup gives an error wrapping
// [fs.ErrExist].
func CreateGroup(dir string, attrs map[string]any) error {
	if err := createFolder(dir); err != nil {
		return err
	}
	if attrs != nil {
		if err := writeJSON(filepath.Join(dir, ".zattrs"), attrs); err != nil {
			return err
		}
	}
	return writeJSON(filepath.Join(dir, ".zgroup"), map[string]any{"zarr_format": 2})
}

// createFolder makes dir, refusing one that is already an array or group.
func createFolder(dir string) error {
	for _, name := range []string{".zarray", ".zgroup"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return fmt.Errorf("dataset: %s: %w: already a Zarr array or group", dir, fs.ErrExist)
		}
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return fmt.Errorf("dataset: %w", err)
	}
	return nil
}

// writeJSON writes v as indented JSON to path, atomically.
func writeJSON(path string, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "<f4", not "\u003cf4"
	enc.SetIndent("", "    ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("dataset: %s: %w", path, err)
	}
	return writeAtomic(path, func(w io.Writer) error {
		_, err := w.Write(b.Bytes())
		return err
	})
}

// writeAtomic writes a file at path through fill: into a temporary file in
// the same folder, synced and renamed to path once complete. On failure
// nothing is left at path or under the temporary name.
func writeAtomic(path string, fill func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("dataset: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			err = fmt.Errorf("dataset: %s: %w", path, err)
		}
	}()
	bw := bufio.NewWriterSize(f, 256<<10)
	if err := fill(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// writeChunks writes every chunk of v as m lays them out, workers at a
// time, stopping at the first error.
func writeChunks[T array.Element](dir string, v array.View[T], m *ZarrMeta, compressor string, level, workers int) error {
	grid := m.gridShape()
	total := 1
	for _, g := range grid {
		total *= g
	}
	if workers <= 0 {
		workers = max(4, 2*runtime.GOMAXPROCS(0))
	}
	chunkLen := 1
	for _, c := range m.Chunks {
		chunkLen *= c
	}
	var (
		next   atomic.Int64
		failed atomic.Bool
		mu     sync.Mutex
		first  error
		wg     sync.WaitGroup
	)
	for range min(workers, total) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf, part []T // for edge chunks only
			idx := make([]int, len(grid))
			region := make([]array.Sel, len(grid))
			edge := make([]array.Sel, len(grid))
			for !failed.Load() {
				k := int(next.Add(1) - 1)
				if k >= total {
					return
				}
				full := true
				for ax, r := len(grid)-1, k; ax >= 0; ax-- {
					idx[ax] = r % grid[ax]
					r /= grid[ax]
					lo := idx[ax] * m.Chunks[ax]
					n := min(m.Chunks[ax], m.Shape[ax]-lo)
					region[ax] = array.Range(lo, lo+n)
					edge[ax] = array.To(n)
					full = full && n == m.Chunks[ax]
				}
				src := v.Slice(region...)
				if !full {
					// Past the array's edge a chunk holds the fill value.
					if buf == nil {
						buf = make([]T, chunkLen)
					}
					clear(buf)
					if cap(part) < src.Size() {
						part = make([]T, src.Size())
					}
					part = part[:src.Size()]
					src.CopyTo(part)
					if _, err := memView(buf, m.Chunks, false).Slice(edge...).CopyFrom(part); err != nil {
						panic("dataset: a view of memory is not writable: " + err.Error())
					}
					src = memView(buf, m.Chunks, false)
				}
				path := filepath.Join(dir, filepath.FromSlash(m.ChunkKey(idx...)))
				err := os.MkdirAll(filepath.Dir(path), 0o777)
				if err == nil {
					err = writeAtomic(path, func(w io.Writer) error { return encodeChunk(w, src, compressor, level) })
				}
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					failed.Store(true)
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// encodeChunk writes the elements of v to w in C order and native byte
// order, compressed as asked.
func encodeChunk[T array.Element](w io.Writer, v array.View[T], compressor string, level int) error {
	var zw io.WriteCloser
	var err error
	switch compressor {
	case "zlib":
		zw, err = zlib.NewWriterLevel(w, level)
	case "gzip":
		zw, err = gzip.NewWriterLevel(w, level)
	}
	if err != nil {
		return err
	}
	if zw != nil {
		w = zw
	}
	if _, err := writeRaw(w, v); err != nil {
		return err
	}
	if zw != nil {
		return zw.Close()
	}
	return nil
}
