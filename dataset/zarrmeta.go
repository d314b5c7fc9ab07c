package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/layout"
)

// maxMetaBytes bounds the size of a .zarray, .zgroup or .zattrs file read.
const maxMetaBytes = 16 << 20

// MaxChunkBytes is the largest chunk kept in memory — an inflated chunk, or
// the fill value of a missing one — : 1 GiB. Uncompressed chunks are mapped
// and may be of any size.
const MaxChunkBytes = 1 << 30

// ZarrMeta is what the .zarray file of a Zarr v2 array says.
type ZarrMeta struct {
	Shape        []int
	Chunks       []int
	DType        layout.DType
	FortranOrder bool // "order": "F": the elements of each chunk are in Fortran order
	// FillValue is the value of elements in chunks that are missing, as
	// .zarray gives it in JSON ("null" when it gives none).
	FillValue  json.RawMessage
	Compressor Codec   // ID is "" for "compressor": null
	Filters    []Codec // nil for "filters": null
	// Separator joins the chunk indices in chunk keys: "." (0.1.2) or "/"
	// (0/1/2, chunks in nested folders).
	Separator string
}

// Codec is a compressor or filter of a Zarr array, as numcodecs names and
// configures it.
type Codec struct {
	ID     string         // "zlib", "gzip", "blosc", "zstd", ...
	Config map[string]any // the codec's JSON object, "id" included
}

// Level returns the codec's "level", or def when it has none.
func (c Codec) Level(def int) int {
	if l, ok := c.Config["level"].(float64); ok && l == math.Trunc(l) {
		return int(l)
	}
	return def
}

type zarrayJSON struct {
	ZarrFormat         int             `json:"zarr_format"`
	Shape              []int           `json:"shape"`
	Chunks             []int           `json:"chunks"`
	DType              json.RawMessage `json:"dtype"`
	Compressor         json.RawMessage `json:"compressor"`
	FillValue          json.RawMessage `json:"fill_value"`
	Order              string          `json:"order"`
	Filters            json.RawMessage `json:"filters"`
	DimensionSeparator string          `json:"dimension_separator"`
}

// readMetaFile reads one of a store's small JSON files.
func readMetaFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxMetaBytes+1))
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	if len(b) > maxMetaBytes {
		return nil, fmt.Errorf("%w: %s is over %d bytes", ErrFormat, path, maxMetaBytes)
	}
	return b, nil
}

// ReadZarrMeta reads and checks the .zarray file of the Zarr v2 array in the
// folder dir. Errors for metadata that is not valid wrap [ErrFormat]; dtypes
// that have no [layout.DType] (objects, alone or in a record) wrap
// [errors.ErrUnsupported]. Record dtypes are read as zarr-python 2 writes
// them, a list of [name, type(, shape)] entries; the elements of a record
// array cannot be read as a Go type with [OpenZarr].
func ReadZarrMeta(dir string) (*ZarrMeta, error) {
	path := filepath.Join(dir, ".zarray")
	b, err := readMetaFile(path)
	if err != nil {
		return nil, err
	}
	return parseZarray(path, b)
}

func parseZarray(path string, b []byte) (*ZarrMeta, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrFormat, path, fmt.Sprintf(format, args...))
	}
	var j zarrayJSON
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&j); err != nil {
		return nil, bad("%v", err)
	}
	if j.ZarrFormat != 2 {
		return nil, bad("zarr_format is %d, want 2", j.ZarrFormat)
	}
	if j.Shape == nil || j.Chunks == nil {
		return nil, bad("shape or chunks missing")
	}
	if len(j.Chunks) != len(j.Shape) {
		return nil, bad("chunks %v do not have the %d axes of shape %v", j.Chunks, len(j.Shape), j.Shape)
	}
	for k := range j.Shape {
		if j.Shape[k] < 0 || j.Chunks[k] < 1 {
			return nil, bad("shape %v or chunks %v has a dimension out of range", j.Shape, j.Chunks)
		}
	}
	m := &ZarrMeta{Shape: j.Shape, Chunks: j.Chunks, FillValue: j.FillValue}
	var dt layout.DType
	var ds string
	var err error
	if err := json.Unmarshal(j.DType, &ds); err == nil {
		if dt, err = layout.ParseTypeString(ds); err != nil {
			return nil, fmt.Errorf("dataset: %s: dtype %q: %w", path, ds, errors.Join(errors.ErrUnsupported, err))
		}
		if dt.Kind == layout.Struct {
			return nil, fmt.Errorf("dataset: %s: dtype %q: %w", path, ds, errors.ErrUnsupported)
		}
	} else if bytes.HasPrefix(bytes.TrimSpace(j.DType), []byte("[")) {
		if dt, err = parseRecordDType(path, j.DType); err != nil {
			return nil, err
		}
	} else {
		return nil, bad("dtype %s is not a string or a list", j.DType)
	}
	if dt.Size == 0 {
		return nil, fmt.Errorf("dataset: %s: dtype %s of zero bytes: %w", path, j.DType, errors.ErrUnsupported)
	}
	m.DType = dt
	if _, err := layout.ByteSize(m.Chunks, dt.Size); err != nil {
		return nil, bad("chunks %v: %v", m.Chunks, err)
	}
	if _, err := layout.Count(m.gridShape()); err != nil {
		return nil, bad("too many chunks: %v", err)
	}
	switch j.Order {
	case "C":
	case "F":
		m.FortranOrder = true
	default:
		return nil, bad("order %q is not \"C\" or \"F\"", j.Order)
	}
	switch j.DimensionSeparator {
	case "", ".":
		m.Separator = "."
	case "/":
		m.Separator = "/"
	default:
		return nil, bad("dimension_separator %q is not \".\" or \"/\"", j.DimensionSeparator)
	}
	if m.Compressor, err = parseCodec(j.Compressor); err != nil {
		return nil, bad("compressor: %v", err)
	}
	if len(j.Filters) > 0 && string(j.Filters) != "null" {
		var fs []json.RawMessage
		if err := json.Unmarshal(j.Filters, &fs); err != nil {
			return nil, bad("filters: %v", err)
		}
		for _, f := range fs {
			c, err := parseCodec(f)
			if err != nil || c.ID == "" {
				return nil, bad("filter %s: %v", f, err)
			}
			m.Filters = append(m.Filters, c)
		}
	}
	if len(m.FillValue) == 0 {
		m.FillValue = json.RawMessage("null")
	}
	return m, nil
}

// parseCodec reads a codec's JSON object; null gives the zero Codec.
func parseCodec(b json.RawMessage) (Codec, error) {
	if len(b) == 0 || string(b) == "null" {
		return Codec{}, nil
	}
	var cfg map[string]any
	if err := json.Unmarshal(b, &cfg); err != nil {
		return Codec{}, err
	}
	id, ok := cfg["id"].(string)
	if !ok || id == "" {
		return Codec{}, errors.New("no codec id")
	}
	return Codec{ID: id, Config: cfg}, nil
}

// gridShape returns the number of chunks along each axis.
func (m *ZarrMeta) gridShape() []int {
	g := make([]int, len(m.Shape))
	for k, n := range m.Shape {
		g[k] = (n + m.Chunks[k] - 1) / m.Chunks[k]
	}
	return g
}

// ChunkKey returns the key of the chunk at the given chunk indices: its
// path, relative to the array's folder, with slashes.
func (m *ZarrMeta) ChunkKey(idx ...int) string {
	if len(idx) == 0 {
		return "0" // a 0-d array's one chunk
	}
	var b strings.Builder
	for k, i := range idx {
		if k > 0 {
			b.WriteString(m.Separator)
		}
		b.WriteString(strconv.Itoa(i))
	}
	return b.String()
}

// checkCodecs returns a *CodecError for the first codec of m this package
// cannot decode.
func (m *ZarrMeta) checkCodecs(dir string) error {
	switch m.Compressor.ID {
	case "", "zlib", "gzip":
	default:
		return &CodecError{Path: dir, Codec: m.Compressor.ID, Role: "compressor"}
	}
	if len(m.Filters) > 0 {
		return &CodecError{Path: dir, Codec: m.Filters[0].ID, Role: "filter"}
	}
	return nil
}

// fillValue returns the fill value of m as a T: zero when it is null.
func fillValue[T array.Element](path string, m *ZarrMeta) (T, error) {
	var x T
	raw := bytes.TrimSpace(m.FillValue)
	if len(raw) == 0 || string(raw) == "null" {
		return x, nil
	}
	bad := func(err error) (T, error) {
		return x, fmt.Errorf("%w: %s: fill_value %s for %s: %v", ErrFormat, path, raw, m.DType.TypeString(), err)
	}
	v := reflect.ValueOf(&x).Elem()
	if _, ok := any(x).(layout.Float16); ok {
		f, err := jsonFloat(raw)
		if err != nil {
			return bad(err)
		}
		return any(layout.Float16FromFloat64(f)).(T), nil
	}
	switch v.Kind() {
	case reflect.Bool:
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			// zarr-python writes 0 and 1 for some boolean fills.
			f, ferr := jsonFloat(raw)
			if ferr != nil {
				return bad(err)
			}
			b = f != 0
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			f, ferr := jsonFloat(raw)
			if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<62 {
				return bad(err)
			}
			n = int64(f)
		}
		if v.OverflowInt(n) {
			return bad(errors.New("out of range"))
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(string(raw), 10, 64)
		if err != nil {
			f, ferr := jsonFloat(raw)
			if ferr != nil || f != math.Trunc(f) || f < 0 || f > 1<<63 {
				return bad(err)
			}
			n = uint64(f)
		}
		if v.OverflowUint(n) {
			return bad(errors.New("out of range"))
		}
		v.SetUint(n)
	case reflect.Float32, reflect.Float64:
		f, err := jsonFloat(raw)
		if err != nil {
			return bad(err)
		}
		v.SetFloat(f)
	case reflect.Complex64, reflect.Complex128:
		var parts []json.RawMessage
		if err := json.Unmarshal(raw, &parts); err != nil || len(parts) != 2 {
			// A bare number is the real part.
			f, ferr := jsonFloat(raw)
			if ferr != nil {
				return bad(errors.New("want [real, imag]"))
			}
			v.SetComplex(complex(f, 0))
			break
		}
		re, err1 := jsonFloat(parts[0])
		im, err2 := jsonFloat(parts[1])
		if err := errors.Join(err1, err2); err != nil {
			return bad(err)
		}
		v.SetComplex(complex(re, im))
	}
	return x, nil
}

// jsonFloat reads a JSON number, or one of the strings zarr writes for the
// floats JSON has no number for.
func jsonFloat(raw []byte) (float64, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		switch s {
		case "NaN":
			return math.NaN(), nil
		case "Infinity":
			return math.Inf(1), nil
		case "-Infinity":
			return math.Inf(-1), nil
		}
		return 0, fmt.Errorf("%q is not a number", s)
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err != nil {
		return 0, err
	}
	return f, nil
}

// ReadAttrs reads the .zattrs file of the Zarr array or group in the folder
// dir: its user attributes. A missing .zattrs gives an empty map.
func ReadAttrs(dir string) (map[string]any, error) {
	path := filepath.Join(dir, ".zattrs")
	b, err := readMetaFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]any{}, nil
	}
	if err != nil {
		return nil, err
	}
	attrs := map[string]any{}
	if err := json.Unmarshal(b, &attrs); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrFormat, path, err)
	}
	return attrs, nil
}

// Group is a Zarr v2 group: a folder with a .zgroup file, holding arrays and
// other groups in subfolders.
type Group struct {
	Path   string
	Attrs  map[string]any
	Arrays []string // names of the member arrays, sorted
	Groups []string // names of the member groups, sorted
}

// OpenGroup reads the Zarr v2 group in the folder dir: its attributes and
// the names of its members. Members are the subfolders holding a .zarray
// (arrays) or a .zgroup (groups); open them by joining their name to dir.
func OpenGroup(dir string) (*Group, error) {
	path := filepath.Join(dir, ".zgroup")
	b, err := readMetaFile(path)
	if err != nil {
		return nil, err
	}
	var zg struct {
		ZarrFormat int `json:"zarr_format"`
	}
	if err := json.Unmarshal(b, &zg); err != nil || zg.ZarrFormat != 2 {
		return nil, fmt.Errorf("%w: %s: not a version 2 group (%v)", ErrFormat, path, err)
	}
	attrs, err := ReadAttrs(dir)
	if err != nil {
		return nil, err
	}
	g := &Group{Path: dir, Attrs: attrs}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("dataset: %w", err)
	}
	for _, e := range ents {
		if !e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		sub := filepath.Join(dir, e.Name())
		if _, err := os.Stat(filepath.Join(sub, ".zarray")); err == nil {
			g.Arrays = append(g.Arrays, e.Name())
		} else if _, err := os.Stat(filepath.Join(sub, ".zgroup")); err == nil {
			g.Groups = append(g.Groups, e.Name())
		}
	}
	sort.Strings(g.Arrays)
	sort.Strings(g.Groups)
	return g, nil
}
