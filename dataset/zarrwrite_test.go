package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

var defaultChunksTests = []struct {
	shape    []int
	itemsize int
	want     []int
}{
	{[]int{1000, 3}, 8, []int{1000, 3}},
	{[]int{1 << 30}, 4, []int{4 << 20}},
	{[]int{100000, 256, 256}, 4, []int{64, 256, 256}},
	{[]int{10, 8192, 8192}, 4, []int{1, 512, 8192}},
	{[]int{0, 5}, 4, []int{1, 5}},
	{[]int{}, 8, []int{}},
	{[]int{3, 1 << 30}, 1, []int{1, 16 << 20}},
}

func TestDefaultChunks(t *testing.T) {
	for _, tt := range defaultChunksTests {
		if got := DefaultChunks(tt.shape, tt.itemsize); !slices.Equal(got, tt.want) {
			t.Errorf("DefaultChunks(%v, %d) = %v, want %v", tt.shape, tt.itemsize, got, tt.want)
		}
	}
}

// Stores WriteZarr writes read back the same, whatever the view's layout,
// the chunks, compressor and separator.
func TestWriteZarrRoundTrip(t *testing.T) {
	data := make([]int32, 9*7*4)
	for i := range data {
		data[i] = int32(i*131%2000 - 1000)
	}
	base := array.FromSlice(data, 9, 7, 4)
	views := []struct {
		name string
		v    array.View[int32]
	}{
		{"whole", base},
		{"permuted", base.Permute(2, 0, 1)},
		{"sliced", base.Slice(array.Range(1, 8).By(2), array.All.By(-1), array.Idx(3))},
	}
	opts := []ZarrOptions{
		{},
		{Chunks: nil, Compressor: "zlib", Level: 9},
		{Compressor: "gzip", Separator: "/", Workers: 1},
	}
	for _, vc := range views {
		for i, o := range opts {
			o.Chunks = make([]int, vc.v.NDim())
			for k := range o.Chunks {
				o.Chunks[k] = 1 + (k+i)%3
			}
			dir := filepath.Join(t.TempDir(), "a.zarr")
			if err := WriteZarr(dir, vc.v, o); err != nil {
				t.Fatalf("%s %+v: %v", vc.name, o, err)
			}
			z, err := OpenZarr[int32](dir)
			if err != nil {
				t.Fatal(err)
			}
			want := slices.Collect(vc.v.Values())
			got := make([]int32, len(want))
			if _, err := z.CopyTo(got); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) || !slices.Equal(z.Shape(), vc.v.Shape()) || !slices.Equal(z.Chunks(), o.Chunks) {
				t.Errorf("%s %+v: read back shape %v chunks %v values differ: %v", vc.name, o, z.Shape(), z.Chunks(), !slices.Equal(got, want))
			}
			z.Close()
			// No temporary file is left behind.
			filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
				if strings.HasSuffix(p, ".tmp") {
					t.Errorf("temporary file left: %s", p)
				}
				return nil
			})
		}
	}
}

func TestWriteZarrMeta(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "m.zarr")
	if err := WriteZarr(dir, array.FromSlice([]float32{1, 2, 3}), ZarrOptions{Chunks: []int{2}, Attrs: map[string]any{"a": "b"}}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, ".zarray"))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"zarr_format": 2.0, "shape": []any{3.0}, "chunks": []any{2.0}, "dtype": "<f4",
		"compressor": nil, "fill_value": 0.0, "order": "C", "filters": nil, "dimension_separator": ".",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf(".zarray differs (-want +got):\n%s", diff)
	}
	if !bytes.Contains(b, []byte(`"<f4"`)) {
		t.Errorf(".zarray escapes the dtype: %s", b)
	}
	attrs, err := ReadAttrs(dir)
	if err != nil || attrs["a"] != "b" {
		t.Errorf("ReadAttrs = %v, %v", attrs, err)
	}
	// The edge chunk is full-sized, zero past the edge.
	c1, _ := os.ReadFile(filepath.Join(dir, "1"))
	if len(c1) != 8 || !bytes.Equal(c1[4:], make([]byte, 4)) {
		t.Errorf("edge chunk = %x, want 8 bytes ending in zeros", c1)
	}
	if err := WriteZarr(dir, array.FromSlice([]float32{1}), ZarrOptions{}); !errors.Is(err, fs.ErrExist) {
		t.Errorf("WriteZarr over a store: %v, want ErrExist", err)
	}
	if err := CreateGroup(dir, nil); !errors.Is(err, fs.ErrExist) {
		t.Errorf("CreateGroup over a store: %v, want ErrExist", err)
	}
}

func TestWriteZarrPanics(t *testing.T) {
	v := array.FromSlice([]float32{1, 2, 3, 4}, 2, 2)
	for _, o := range []ZarrOptions{
		{Chunks: []int{2}},
		{Chunks: []int{2, 0}},
		{Compressor: "blosc"},
		{Compressor: "zlib", Level: 10},
		{Separator: "-"},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("WriteZarr(%+v) did not panic", o)
				}
			}()
			WriteZarr(filepath.Join(t.TempDir(), "p.zarr"), v, o)
		}()
	}
}

// refsJSON is a reference file as WriteRefs writes it.
type refsJSON struct {
	Version int                        `json:"version"`
	Refs    map[string]json.RawMessage `json:"refs"`
}

func readRefs(t *testing.T, b []byte) (refsJSON, map[string]any) {
	t.Helper()
	var r refsJSON
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	var zs string
	json.Unmarshal(r.Refs[".zarray"], &zs)
	var za map[string]any
	if err := json.Unmarshal([]byte(zs), &za); err != nil {
		t.Fatalf(".zarray: %v", err)
	}
	return r, za
}

func TestWriteRefs(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.npy")
	data := make([]uint16, 12*5)
	if err := array.Save(p, array.FromSlice(data, 12, 5)); err != nil {
		t.Fatal(err)
	}
	h, _, _ := readHeader(p, nil)
	var buf bytes.Buffer
	if err := WriteRefs(&buf, p, RefOptions{ChunkRows: 5, URL: func(string) string { return "s3://bucket/a.npy" }}); err != nil {
		t.Fatal(err)
	}
	r, za := readRefs(t, buf.Bytes())
	if r.Version != 1 || za["dtype"] != "<u2" || za["order"] != "C" {
		t.Errorf("version %d, .zarray %v", r.Version, za)
	}
	off := h.DataOffset
	for k, key := range []string{"0.0", "1.0"} {
		var ref []any
		json.Unmarshal(r.Refs[key], &ref)
		want := []any{"s3://bucket/a.npy", float64(off + int64(k)*50), 50.0}
		if diff := cmp.Diff(want, ref); diff != "" {
			t.Errorf("ref %s differs (-want +got):\n%s", key, diff)
		}
	}
	var tail string
	json.Unmarshal(r.Refs["2.0"], &tail)
	if !strings.HasPrefix(tail, "base64:") || len(r.Refs) != 4 {
		t.Errorf("partial last chunk: %q, %d refs", tail, len(r.Refs))
	}

	// The default divides the length when it can.
	for _, tt := range []struct{ n, row, want int }{
		{12, 8, 12},
		{3 << 20, 16, 1 << 20},
		{(1 << 20) + 1, 16, 1 << 20}, // prime-ish: no divisor near the target, a partial chunk
		{0, 8, 1},
	} {
		if got := defaultRows(tt.n, tt.row); got != tt.want {
			t.Errorf("defaultRows(%d, %d) = %d, want %d", tt.n, tt.row, got, tt.want)
		}
	}

	// Records are described by their descr; overlapping ones have none.
	rec, _ := layout.ParseDescr("[('a', '<i4'), ('', '|V4'), ('b', '<f8', (2,))]")
	rp := filepath.Join(dir, "rec.npy")
	f, err := array.CreateFile(rp, header.Header{DType: rec, Shape: []int{3}})
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	buf.Reset()
	if err := WriteRefs(&buf, rp, RefOptions{}); err != nil {
		t.Errorf("WriteRefs of records: %v", err)
	} else if _, za := readRefs(t, buf.Bytes()); !cmp.Equal(za["dtype"], []any{[]any{"a", "<i4"}, []any{"", "|V4"}, []any{"b", "<f8", []any{2.0}}}) {
		t.Errorf("WriteRefs of records: dtype %v", za["dtype"])
	}
	over, err := layout.StructOf([]layout.Field{{Name: "a", Type: layout.Int64}, {Name: "b", Type: layout.Int32, Offset: 4}}, 8)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zarrDType(over); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("zarrDType of overlapping records: %v, want ErrUnsupported", err)
	}
	if err := WriteRefs(&buf, filepath.Join(dir, "none.npy"), RefOptions{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("WriteRefs of a missing file: %v", err)
	}
}

func TestWriteSetRefs(t *testing.T) {
	dir := t.TempDir()
	writeShards(t, dir, []int{6, 6, 6, 4}, 3)
	s, err := OpenSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var buf bytes.Buffer
	if err := WriteSetRefs(&buf, s, RefOptions{ChunkRows: 3}); err != nil {
		t.Fatal(err)
	}
	r, za := readRefs(t, buf.Bytes())
	if diff := cmp.Diff([]any{22.0, 3.0}, za["shape"]); diff != "" {
		t.Errorf("shape differs: %s", diff)
	}
	// 2 chunks in each of the first three files, one full and one partial
	// chunk in the last.
	if len(r.Refs) != 1+8 {
		t.Errorf("%d refs, want 9", len(r.Refs))
	}
	var ref []any
	json.Unmarshal(r.Refs["6.0"], &ref)
	if len(ref) != 3 || !strings.HasSuffix(ref[0].(string), "x_3.npy") {
		t.Errorf("chunk 6 = %v, want the first chunk of x_3.npy", ref)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Errorf("WriteSetRefs with ChunkRows 4 for shards of 6 did not panic")
			}
		}()
		WriteSetRefs(&buf, s, RefOptions{ChunkRows: 4})
	}()
	buf.Reset()
	if err := WriteSetRefs(&buf, s, RefOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, za := readRefs(t, buf.Bytes()); !slices.Equal(toInts(za["chunks"]), []int{6, 3}) {
		t.Errorf("default chunks for shards of 6 rows: %v, want [6 3]", za["chunks"])
	}
}

func toInts(v any) []int {
	var out []int
	for _, x := range v.([]any) {
		out = append(out, int(x.(float64)))
	}
	return out
}
