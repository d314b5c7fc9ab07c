package dataset

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/layout"
)

// zarrEntry is one array of testdata/zarr/manifest.json, which
// testdata/zarr/gen.py writes with zarr-python.
type zarrEntry struct {
	Path       string            `json:"path"`
	DType      string            `json:"dtype"`
	Shape      []int             `json:"shape"`
	Chunks     []int             `json:"chunks"`
	Order      string            `json:"order"`
	Compressor *string           `json:"compressor"`
	Separator  string            `json:"separator"`
	Attrs      map[string]any    `json:"attrs"`
	Values     []json.RawMessage `json:"values"`
	Error      string            `json:"error"`
}

func zarrFixtures(t testing.TB) []zarrEntry {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "zarr", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Arrays []zarrEntry `json:"arrays"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m.Arrays
}

func (e zarrEntry) dir() string {
	return filepath.Join("..", "testdata", "zarr", filepath.FromSlash(e.Path))
}

// manifestValue decodes one value of the manifest: float64 for numbers and
// float strings, complex128 for pairs, bool for bools.
func manifestValue(t testing.TB, raw json.RawMessage) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	switch x := v.(type) {
	case string:
		f, err := strconv.ParseFloat(x, 64)
		if err != nil {
			t.Fatal(err)
		}
		return f
	case []any:
		re, _ := strconv.ParseFloat(x[0].(string), 64)
		im, _ := strconv.ParseFloat(x[1].(string), 64)
		return complex(re, im)
	}
	return v
}

// canonical turns an element into what manifestValue gives for it.
func canonical[T array.Element](x T) any {
	switch v := any(x).(type) {
	case bool:
		return v
	case complex64:
		return complex128(v)
	case complex128:
		return v
	case float32:
		return float64(v)
	case float64:
		return v
	case int8:
		return float64(v)
	case int16:
		return float64(v)
	case int32:
		return float64(v)
	case int64:
		return float64(v)
	case uint8:
		return float64(v)
	case uint16:
		return float64(v)
	case uint32:
		return float64(v)
	case uint64:
		return float64(v)
	}
	panic("canonical: unexpected type")
}

// checkZarr opens the fixture as T and compares everything with the manifest.
func checkZarr[T array.Element](t *testing.T, e zarrEntry) {
	z, err := OpenZarr[T](e.dir(), MaxMapped(2), CacheBytes(64))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	if !slices.Equal(z.Shape(), e.Shape) || !slices.Equal(z.Chunks(), e.Chunks) {
		t.Errorf("shape %v chunks %v, want %v %v", z.Shape(), z.Chunks(), e.Shape, e.Chunks)
	}
	if got := z.DType().TypeString(); got != e.DType {
		t.Errorf("dtype %s, want %s", got, e.DType)
	}
	if got := z.Meta(); got.FortranOrder != (e.Order == "F") || got.Separator != e.Separator {
		t.Errorf("order F %v, separator %q; want %s, %q", got.FortranOrder, got.Separator, e.Order, e.Separator)
	}
	if diff := cmp.Diff(e.Attrs, z.Attrs(), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("attrs differ (-want +got):\n%s", diff)
	}
	want := make([]any, len(e.Values))
	for i, raw := range e.Values {
		want[i] = manifestValue(t, raw)
	}
	size := 1
	for _, d := range e.Shape {
		size *= d
	}
	buf := make([]T, size)
	if _, err := z.CopyTo(buf); err != nil {
		t.Fatal(err)
	}
	got := make([]any, size)
	for i, x := range buf {
		got[i] = canonical(x)
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateNaNs()); diff != "" {
		t.Errorf("CopyTo values differ (-want +got):\n%s", diff)
	}
	// Every block holds the values at its origin, trimmed at the edges.
	ref := array.FromSlice(buf, e.Shape...)
	for k := range z.NumBlocks() {
		b, err := z.Block(k)
		if err != nil {
			t.Fatal(err)
		}
		sels := make([]array.Sel, len(b.Origin))
		for ax, o := range b.Origin {
			sels[ax] = array.Range(o, o+b.Shape()[ax])
		}
		wantBlock := slices.Collect(ref.Slice(sels...).Values())
		gotBlock := slices.Collect(b.Values())
		if diff := cmp.Diff(wantBlock, gotBlock, cmpopts.EquateNaNs()); diff != "" {
			t.Errorf("block %d at %v differs (-want +got):\n%s", k, b.Origin, diff)
		}
		b.Release()
	}
	// Values, and a selection that crosses chunks backwards.
	var vals []T
	for x, err := range z.Values() {
		if err != nil {
			t.Fatal(err)
		}
		vals = append(vals, x)
	}
	if diff := cmp.Diff(buf, vals, cmpopts.EquateNaNs()); diff != "" {
		t.Errorf("Values differ from CopyTo (-CopyTo +Values):\n%s", diff)
	}
	if len(e.Shape) > 0 && size > 0 {
		sels := []array.Sel{array.All.By(-2)}
		if len(e.Shape) > 1 {
			sels = append(sels, array.Range(1, e.Shape[1]).By(2))
		}
		wantSel := slices.Collect(ref.Slice(sels...).Values())
		gotSel := make([]T, len(wantSel))
		if _, err := z.CopyTo(gotSel, sels...); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(wantSel, gotSel, cmpopts.EquateNaNs()); diff != "" {
			t.Errorf("CopyTo(%v) differs (-want +got):\n%s", sels, diff)
		}
	}
}

// Every array zarr-python wrote reads back with its values, or is refused
// naming the codec.
func TestZarrFixtures(t *testing.T) {
	for _, e := range zarrFixtures(t) {
		t.Run(e.Path, func(t *testing.T) {
			if e.Error != "" {
				_, err := OpenZarr[float32](e.dir())
				var ce *CodecError
				if !errors.As(err, &ce) || ce.Codec != e.Error || !errors.Is(err, ErrCodec) {
					t.Errorf("OpenZarr: %v, want a CodecError naming %q", err, e.Error)
				}
				return
			}
			switch e.DType {
			case "<f4":
				checkZarr[float32](t, e)
			case "<f8", ">f8":
				checkZarr[float64](t, e)
			case "<i2":
				checkZarr[int16](t, e)
			case "<i4", ">i4":
				checkZarr[int32](t, e)
			case "<i8":
				checkZarr[int64](t, e)
			case "<u2":
				checkZarr[uint16](t, e)
			case "<u4":
				checkZarr[uint32](t, e)
			case "|b1":
				checkZarr[bool](t, e)
			case "<c8":
				checkZarr[complex64](t, e)
			default:
				t.Fatalf("no Go type for %s in the test", e.DType)
			}
		})
	}
}

func TestZarrUncompressedInPlace(t *testing.T) {
	z, err := OpenZarr[float32](filepath.Join("..", "testdata", "zarr", "stores", "null_c.zarr"))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	b, err := z.Chunk(0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Release()
	if _, err := b.Contiguous(); err != nil {
		t.Errorf("a full uncompressed chunk is not a slice of its mapping: %v", err)
	}
	if err := b.Fill(0); !errors.Is(err, array.ErrReadOnly) {
		t.Errorf("Fill of a mapped chunk = %v, want ErrReadOnly", err)
	}
}

func TestZarrGroup(t *testing.T) {
	dir := filepath.Join("..", "testdata", "zarr", "stores", "group.zarr")
	g, err := OpenGroup(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g.Arrays, []string{"x"}) || !slices.Equal(g.Groups, []string{"sub"}) || g.Attrs["title"] != "run 7" {
		t.Errorf("OpenGroup = %+v", g)
	}
	sub, err := OpenGroup(filepath.Join(dir, "sub"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sub.Arrays, []string{"y"}) || len(sub.Groups) != 0 || sub.Attrs["level"] != 2.0 {
		t.Errorf("OpenGroup(sub) = %+v", sub)
	}
	if _, err := OpenGroup(filepath.Join(dir, "x")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OpenGroup of an array: %v, want ErrNotExist", err)
	}
}

var zarrayTests = []struct {
	name string
	json string
	err  error
}{
	{"ok", `{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":"<f4","compressor":null,"fill_value":0,"order":"C","filters":null}`, nil},
	{"format 3", `{"zarr_format":3,"shape":[4],"chunks":[2],"dtype":"<f4","order":"C"}`, ErrFormat},
	{"not json", `{"zarr_format":2,`, ErrFormat},
	{"rank", `{"zarr_format":2,"shape":[4,4],"chunks":[2],"dtype":"<f4","order":"C"}`, ErrFormat},
	{"zero chunk", `{"zarr_format":2,"shape":[4],"chunks":[0],"dtype":"<f4","order":"C"}`, ErrFormat},
	{"negative shape", `{"zarr_format":2,"shape":[-1],"chunks":[1],"dtype":"<f4","order":"C"}`, ErrFormat},
	{"order", `{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":"<f4","order":"K"}`, ErrFormat},
	{"separator", `{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":"<f4","order":"C","dimension_separator":"-"}`, ErrFormat},
	{"huge chunk", `{"zarr_format":2,"shape":[4],"chunks":[4611686018427387904],"dtype":"<f8","order":"C"}`, ErrFormat},
	{"too many chunks", `{"zarr_format":2,"shape":[4611686018427387904,4611686018427387904],"chunks":[1,1],"dtype":"|u1","order":"C"}`, ErrFormat},
	{"object", `{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":"|O","order":"C"}`, errors.ErrUnsupported},
	{"record", `{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":[["a","<i4"]],"order":"C"}`, nil},
	{"record of objects", `{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":[["a","|O"]],"order":"C"}`, errors.ErrUnsupported},
	{"record not of fields", `{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":[1],"order":"C"}`, ErrFormat},
	{"record empty", `{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":[],"order":"C"}`, ErrFormat},
	{"record bad shape", `{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":[["a","<i4",[1.5]]],"order":"C"}`, ErrFormat},
	{"record bad name", `{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":[[3,"<i4"]],"order":"C"}`, ErrFormat},
	{"dtype number", `{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":4,"order":"C"}`, ErrFormat},
	{"codec without id", `{"zarr_format":2,"shape":[4],"chunks":[2],"dtype":"<f4","order":"C","compressor":{"level":1}}`, ErrFormat},
}

func TestParseZarray(t *testing.T) {
	for _, tt := range zarrayTests {
		_, err := parseZarray(".zarray", []byte(tt.json))
		if (err == nil) != (tt.err == nil) || (tt.err != nil && !errors.Is(err, tt.err)) {
			t.Errorf("%s: parseZarray = %v, want %v", tt.name, err, tt.err)
		}
	}
}

var fillTests = []struct {
	raw  string
	want any
}{
	{`null`, float64(0)},
	{`"NaN"`, nil}, // checked apart: NaN
	{`"Infinity"`, float64(1) / zero},
	{`-2.5`, float64(-2.5)},
	{`7`, int16(7)},
	{`-7.0`, int16(-7)},
	{`true`, true},
	{`1`, true},
	{`[1.5, -2]`, complex64(complex(1.5, -2))},
	{`65504`, layout.Float16FromFloat64(65504)},
}

var zero float64

func TestFillValue(t *testing.T) {
	for _, tt := range fillTests {
		m := &ZarrMeta{FillValue: json.RawMessage(tt.raw)}
		var got any
		var err error
		switch tt.want.(type) {
		case float64, nil:
			got, err = fillValue[float64]("x", m)
		case int16:
			got, err = fillValue[int16]("x", m)
		case bool:
			got, err = fillValue[bool]("x", m)
		case complex64:
			got, err = fillValue[complex64]("x", m)
		case layout.Float16:
			got, err = fillValue[layout.Float16]("x", m)
		}
		if err != nil {
			t.Errorf("fillValue(%s): %v", tt.raw, err)
			continue
		}
		if tt.want == nil {
			if f := got.(float64); f == f {
				t.Errorf("fillValue(%s) = %v, want NaN", tt.raw, got)
			}
			continue
		}
		if got != tt.want {
			t.Errorf("fillValue(%s) = %v, want %v", tt.raw, got, tt.want)
		}
	}
	for _, raw := range []string{`"x"`, `300`, `1.5`, `[1]`} {
		if _, err := fillValue[int8]("x", &ZarrMeta{FillValue: json.RawMessage(raw), DType: layout.DType{Kind: layout.Int, Size: 1, Order: layout.NotApplicable}}); !errors.Is(err, ErrFormat) {
			t.Errorf("fillValue[int8](%s): %v, want ErrFormat", raw, err)
		}
	}
}

func TestZarrBadChunks(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join("..", "testdata", "zarr", "stores", "zlib.zarr")
	meta, _ := os.ReadFile(filepath.Join(src, ".zarray"))
	os.WriteFile(filepath.Join(dir, ".zarray"), meta, 0o644)
	good, _ := os.ReadFile(filepath.Join(src, "0.0"))
	os.WriteFile(filepath.Join(dir, "0.0"), good[:len(good)/2], 0o644) // truncated stream
	os.WriteFile(filepath.Join(dir, "1.0"), []byte("not zlib at all"), 0o644)
	z, err := OpenZarr[int32](dir)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	for _, k := range []int{0, 1} {
		if _, err := z.Chunk(k, 0); !errors.Is(err, ErrFormat) {
			t.Errorf("chunk %d: %v, want ErrFormat", k, err)
		}
	}
	b, err := z.Chunk(2, 0) // missing: fill value
	if err != nil {
		t.Fatal(err)
	}
	b.Release()

	// An uncompressed chunk too short for its shape.
	dir2 := t.TempDir()
	src2 := filepath.Join("..", "testdata", "zarr", "stores", "null_c.zarr")
	meta2, _ := os.ReadFile(filepath.Join(src2, ".zarray"))
	os.WriteFile(filepath.Join(dir2, ".zarray"), meta2, 0o644)
	os.WriteFile(filepath.Join(dir2, "0.0"), []byte{1, 2, 3}, 0o644)
	z2, err := OpenZarr[float32](dir2)
	if err != nil {
		t.Fatal(err)
	}
	defer z2.Close()
	if _, err := z2.Chunk(0, 0); !errors.Is(err, ErrFormat) {
		t.Errorf("short uncompressed chunk: %v, want ErrFormat", err)
	}
	if _, err := OpenZarr[int64](src2); !errors.Is(err, array.ErrType) {
		t.Errorf("OpenZarr[int64] of float32: %v, want ErrType", err)
	}
}
