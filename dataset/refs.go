package dataset

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// RefOptions says how [WriteRefs] and [WriteSetRefs] describe the data.
type RefOptions struct {
	// URL maps a file's path to the URL the references give for it; nil
	// gives the file's absolute path (a file:// URL on Windows), for
	// readers on the same machine or the same shared file system.
	URL func(path string) string
	// ChunkRows is the number of positions of the chunked axis per chunk;
	// 0 chooses as [WriteRefs] says.
	ChunkRows int
	// Describer reads the file's header; nil sniffs the format with
	// [header.Sniff]. [WriteSetRefs] uses the set's own.
	Describer header.Describer
	// Attrs, if not nil, become the array's .zattrs.
	Attrs map[string]any
}

// WriteRefs writes to w a reference file describing the array in the file
// at path (a .npy file, a raw file given a Describer, or any format whose
// data is one run of bytes) as a Zarr v2 array of uncompressed chunks whose
// bytes are byte ranges of the file itself: the JSON form, version 1, that
// fsspec's reference file system reads (the kerchunk convention). zarr,
// dask.array.from_zarr and xarray then read the file in place:
//
//	import dask.array as da
//	x = da.from_zarr("reference://", storage_options={"fo": "refs.json"})
//	x.sum().compute()
//
// The array is chunked along its first axis (its last for a Fortran-order
// file, where the positions of the last axis are the runs of bytes), other
// axes whole. By default a chunk holds about [DefaultChunkBytes], with the
// number of positions chosen to divide the axis's length if a divisor
// between half that and that exists.
//
// Zarr v2 needs every chunk to be full-sized, the last one too, and a range
// of the file cannot be: when the length is not a whole number of chunks,
// the last chunk's bytes are copied into the reference file itself
// (base64, padded with zeros to a full chunk, which zarr ignores past the
// array's edge). That is the only data copied, less than one chunk; the
// default chunk length avoids it whenever the divisor exists.
//
// Files of records (structured dtypes) are described with the record dtype
// as zarr-python 2 writes it, NumPy's descr as a JSON list; padding between
// fields is an entry of an empty name, which zarr reads as a void field
// named f1, f2, .... Records whose fields overlap or are out of order have
// no descr and are refused with an error wrapping [errors.ErrUnsupported].
func WriteRefs(w io.Writer, path string, opts RefOptions) error {
	h, _, err := readHeader(path, opts.Describer)
	if err != nil {
		return err
	}
	shape := h.Shape
	fortran := h.FortranOrder && len(shape) > 1
	axis := 0
	if fortran {
		axis = len(shape) - 1
	}
	pieces := []refPiece{{path: path, off: h.DataOffset}}
	if len(shape) > 0 {
		pieces[0].rows = shape[axis]
	}
	return writeRefs(w, refArray{shape: shape, dtype: h.DType, fortran: fortran, axis: axis}, pieces, opts)
}

// WriteSetRefs writes to w a reference file describing the shard set s as
// one Zarr v2 array, as [WriteRefs] does for one file, chunked along the
// first axis. Every chunk lies in one file, so the number of positions per
// chunk divides the length of every shard but the last: by default the
// greatest such number that keeps a chunk within [DefaultChunkBytes] —
// shards of equal lengths give chunks of whole shards or equal parts of
// them. The last shard's remainder, if any, is copied into the reference
// file as WriteRefs copies a partial chunk. Shards in Fortran order with
// more than one axis are refused: their rows are not runs of bytes.
//
// WriteSetRefs panics if opts.ChunkRows is set and does not divide the
// length of every shard but the last.
func WriteSetRefs(w io.Writer, s *Set, opts RefOptions) error {
	t := s.tab.Load()
	var pieces []refPiece
	for k, p := range t.paths {
		h := t.hdrs[k]
		if h.FortranOrder && len(h.Shape) > 1 {
			return fmt.Errorf("dataset: %s is in Fortran order: its rows are not runs of bytes", p)
		}
		if h.Shape[0] > 0 {
			pieces = append(pieces, refPiece{path: p, off: h.DataOffset, rows: h.Shape[0]})
		}
	}
	shape := append([]int{t.length()}, t.trail...)
	if opts.ChunkRows == 0 && len(pieces) > 1 {
		g := 0
		for _, p := range pieces[:len(pieces)-1] {
			g = gcd(g, p.rows)
		}
		opts.ChunkRows = divisorUpTo(g, chunkTarget(rowBytes(shape, 0, t.dtype.Size)))
	}
	if opts.ChunkRows > 0 {
		for _, p := range pieces[:max(0, len(pieces)-1)] {
			if p.rows%opts.ChunkRows != 0 {
				panic(fmt.Sprintf("dataset: WriteSetRefs ChunkRows %d does not divide the %d rows of %s", opts.ChunkRows, p.rows, p.path))
			}
		}
	}
	return writeRefs(w, refArray{shape: shape, dtype: t.dtype}, pieces, opts)
}

// refArray is the array a reference file describes.
type refArray struct {
	shape   []int
	dtype   layout.DType
	fortran bool
	axis    int // the chunked axis: 0, or the last for Fortran order
}

// refPiece is a run of positions of the chunked axis stored one after
// another in one file, from byte off.
type refPiece struct {
	path string
	off  int64
	rows int
}

// rowBytes returns the bytes of one position of axis of an array of shape.
func rowBytes(shape []int, axis, itemsize int) int {
	n := itemsize
	for k, d := range shape {
		if k != axis {
			n *= d
		}
	}
	return n
}

// chunkTarget returns the positions per chunk that make about
// DefaultChunkBytes.
func chunkTarget(row int) int { return max(1, DefaultChunkBytes/max(row, 1)) }

// divisorUpTo returns the greatest divisor of n not above limit (n > 0).
func divisorUpTo(n, limit int) int {
	for d := min(n, limit); d > 1; d-- {
		if n%d == 0 {
			return d
		}
	}
	return 1
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// defaultRows chooses the positions per chunk for one run of n positions:
// all of them if they fit in a chunk, else a divisor of n near the target,
// else the target itself, leaving a partial last chunk.
func defaultRows(n, row int) int {
	target := chunkTarget(row)
	if n <= target {
		return max(n, 1)
	}
	if d := divisorUpTo(n, target); d >= max(1, target/2) {
		return d
	}
	return target
}

func fileURL(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", fmt.Errorf("dataset: %w", err)
	}
	if filepath.VolumeName(abs) != "" {
		return "file:///" + filepath.ToSlash(abs), nil
	}
	return abs, nil
}

// writeRefs writes the reference file of a, whose chunked axis is stored in
// pieces, in order.
func writeRefs(w io.Writer, a refArray, pieces []refPiece, opts RefOptions) error {
	dtype, err := zarrDType(a.dtype)
	if err != nil {
		return fmt.Errorf("dataset: %s: %w", pieces[0].path, err)
	}
	nd := len(a.shape)
	row := rowBytes(a.shape, a.axis, a.dtype.Size)
	rows := opts.ChunkRows
	if nd > 0 && rows == 0 {
		rows = defaultRows(a.shape[a.axis], row)
	}
	if rows < 0 {
		panic(fmt.Sprintf("dataset: RefOptions.ChunkRows %d is negative", opts.ChunkRows))
	}
	a.shape = append([]int{}, a.shape...) // [] in JSON for a 0-d array, not null
	chunks := append([]int{}, a.shape...)
	if nd > 0 {
		for k := range chunks {
			chunks[k] = max(chunks[k], 1)
		}
		chunks[a.axis] = rows
	}
	order := "C"
	if a.fortran {
		order = "F"
	}
	zarray, err := marshal(map[string]any{
		"zarr_format": 2,
		"shape":       a.shape,
		"chunks":      chunks,
		"dtype":       dtype,
		"compressor":  nil,
		"fill_value":  zeroFill(a.dtype),
		"order":       order,
		"filters":     nil,
	})
	if err != nil {
		return fmt.Errorf("dataset: %w", err)
	}
	url := opts.URL
	if url == nil {
		url = func(p string) string {
			u, err := fileURL(p)
			if err != nil {
				return p
			}
			return u
		}
	}

	bw := bufio.NewWriter(w)
	bw.WriteString("{\"version\": 1, \"refs\": {\n")
	writeKey(bw, ".zarray", string(zarray), false)
	if opts.Attrs != nil {
		attrs, err := marshal(opts.Attrs)
		if err != nil {
			return fmt.Errorf("dataset: attributes: %w", err)
		}
		writeKey(bw, ".zattrs", string(attrs), true)
	}
	key := make([]string, max(nd, 1))
	for k := range key {
		key[k] = "0"
	}
	chunkBytes := int64(rows) * int64(row)
	if nd == 0 {
		chunkBytes = int64(a.dtype.Size)
	}
	c := 0 // chunk index along the chunked axis
	for _, p := range pieces {
		u := url(p.path)
		full := 1
		if nd > 0 {
			full = p.rows / rows
		}
		for i := range full {
			key[a.axis] = strconv.Itoa(c)
			c++
			ref, _ := marshal([]any{u, p.off + int64(i)*chunkBytes, chunkBytes})
			bw.WriteString(",\n")
			writeJSONString(bw, strings.Join(key, "."))
			bw.WriteString(": ")
			bw.Write(ref)
		}
		if nd == 0 || p.rows%rows == 0 {
			continue
		}
		// A partial chunk: its bytes, padded to a full chunk, inline.
		tail := make([]byte, chunkBytes)
		if err := readAt(p.path, tail[:int64(p.rows%rows)*int64(row)], p.off+int64(full)*chunkBytes); err != nil {
			return err
		}
		key[a.axis] = strconv.Itoa(c)
		c++
		writeKey(bw, strings.Join(key, "."), "base64:"+base64.StdEncoding.EncodeToString(tail), true)
	}
	bw.WriteString("\n}}\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("dataset: %w", err)
	}
	return nil
}

// writeKey writes "key": "value" to the refs object.
func writeKey(w *bufio.Writer, key, value string, comma bool) {
	if comma {
		w.WriteString(",\n")
	}
	writeJSONString(w, key)
	w.WriteString(": ")
	writeJSONString(w, value)
}

func writeJSONString(w *bufio.Writer, s string) {
	b, _ := marshal(s)
	w.Write(b)
}

// marshal is json.Marshal without the escaping of <, > and & meant for
// HTML, which would turn "<f4" into "\u003cf4".
func marshal(v any) ([]byte, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return []byte(strings.TrimSuffix(b.String(), "\n")), nil
}

// readAt reads len(p) bytes of the file at path from off.
func readAt(path string, p []byte, off int64) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	if _, err := f.ReadAt(p, off); err != nil {
		return fmt.Errorf("dataset: %s: %w", path, err)
	}
	return nil
}
