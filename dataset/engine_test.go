package dataset

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// requireEngines returns a Python interpreter that can import zarr, dask
// and fsspec: $PYTHON, else python3 in /usr/bin or on the PATH. Without one
// the test is skipped, or fails when CI=true, where they must be present
// (Debian's python3-zarr, python3-dask and python3-fsspec).
func requireEngines(t *testing.T) string {
	t.Helper()
	for _, py := range []string{os.Getenv("PYTHON"), "/usr/bin/python3", "python3"} {
		if py != "" && exec.Command(py, "-c", "import zarr, dask.array, fsspec").Run() == nil {
			return py
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("zarr, dask and fsspec are required when CI=true: install python3-zarr python3-dask python3-fsspec")
	}
	t.Skip("no python3 with zarr, dask and fsspec; set PYTHON to one")
	return ""
}

// engineScript reads a list of jobs as JSON on stdin and prints one result
// per job: what zarr-python reads from a store or a reference file, and the
// sum dask computes over it.
const engineScript = `
import json, sys
import numpy as np
import zarr, fsspec
import dask.array as da

def encode(a):
    out = []
    for x in np.asarray(a).ravel(order="C").tolist():
        if isinstance(x, bool):
            out.append(x)
        elif isinstance(x, float):
            out.append(repr(x))
        elif isinstance(x, complex):
            out.append([repr(x.real), repr(x.imag)])
        else:
            out.append(int(x))
    return out

out = []
for job in json.load(sys.stdin):
    if job["kind"] == "refs":
        store = fsspec.get_mapper("reference://", fo=job["path"])
        z = zarr.open(store, mode="r")
        x = da.from_zarr("reference://", storage_options={"fo": job["path"]})
    else:
        z = zarr.open(job["path"], mode="r")
        x = da.from_zarr(job["path"])
    r = {
        "dtype": z.dtype.str, "shape": list(z.shape), "chunks": list(z.chunks),
        "compressor": z.compressor.codec_id if z.compressor is not None else None,
        "attrs": dict(z.attrs), "values": encode(z[...]),
    }
    if job.get("sum"):
        r["sum"] = repr(float(x.sum().compute(scheduler="threads")))
    if job.get("npy"):
        r["npy_equal"] = bool(np.array_equal(np.load(job["npy"]), z[...], equal_nan=True))
    if job.get("group"):
        g = zarr.open_group(job["group"], mode="r")
        r["group_attrs"] = dict(g.attrs)
        r["members"] = sorted(k for k, _ in g.arrays(recurse=True)) if hasattr(g, "arrays") else []
    out.append(r)
json.dump(out, sys.stdout)
`

type engineJob struct {
	Kind  string `json:"kind"` // "store" or "refs"
	Path  string `json:"path"`
	Sum   bool   `json:"sum,omitempty"`
	NPY   string `json:"npy,omitempty"`
	Group string `json:"group,omitempty"`
}

type engineResult struct {
	DType      string            `json:"dtype"`
	Shape      []int             `json:"shape"`
	Chunks     []int             `json:"chunks"`
	Compressor *string           `json:"compressor"`
	Attrs      map[string]any    `json:"attrs"`
	Values     []json.RawMessage `json:"values"`
	Sum        string            `json:"sum"`
	NPYEqual   bool              `json:"npy_equal"`
	GroupAttrs map[string]any    `json:"group_attrs"`
}

func runEngines(t *testing.T, py string, jobs []engineJob) []engineResult {
	t.Helper()
	in, _ := json.Marshal(jobs)
	cmd := exec.Command(py, "-c", engineScript)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	outb, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	var res []engineResult
	if err := json.Unmarshal(outb, &res); err != nil {
		t.Fatalf("python output: %v\n%s", err, outb)
	}
	return res
}

// values returns the manifest-style values of a result.
func (r engineResult) values(t *testing.T) []any {
	vals := make([]any, len(r.Values))
	for i, raw := range r.Values {
		vals[i] = manifestValue(t, raw)
	}
	return vals
}

func canonicalAll[T array.Element](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = canonical(x)
	}
	return out
}

// sumOf adds the values of v one by one, as the tests' own reference sum.
func sumOf[T array.Element](xs []T) float64 {
	var s float64
	for _, x := range xs {
		switch v := any(x).(type) {
		case float32:
			s += float64(v)
		case float64:
			s += v
		case int16:
			s += float64(v)
		case int32:
			s += float64(v)
		case int64:
			s += float64(v)
		case uint8:
			s += float64(v)
		}
	}
	return s
}

// zarrWriteCase is a store WriteZarr makes, with what zarr must read back.
type zarrWriteCase struct {
	name   string
	write  func(dir string) error
	want   []any // values in C order
	dtype  string
	shape  []int
	chunks []int
	comp   *string
	attrs  map[string]any
	sum    float64
}

func ptr(s string) *string { return &s }

func newWriteCase[T array.Element](name string, v array.View[T], opts ZarrOptions, wantChunks []int) zarrWriteCase {
	vals := slices.Collect(v.Values())
	dt, _ := layout.For[T]()
	c := zarrWriteCase{
		name: name, want: canonicalAll(vals), dtype: dt.TypeString(), shape: v.Shape(), chunks: wantChunks,
		attrs: opts.Attrs, sum: sumOf(vals),
		write: func(dir string) error { return WriteZarr(dir, v, opts) },
	}
	if opts.Compressor != "" {
		c.comp = ptr(opts.Compressor)
	}
	return c
}

// Every store WriteZarr writes loads in zarr-python with its values, dtype,
// chunks and attributes, reads back in ndmap, and dask's sum over it is
// ndmap's.
func TestEnginesReadWrittenStores(t *testing.T) {
	py := requireEngines(t)
	f32 := make([]float32, 7*5)
	for i := range f32 {
		f32[i] = float32(i)*0.25 - 3
	}
	i16 := make([]int16, 4*6*5)
	for i := range i16 {
		i16[i] = int16(i*37%1000 - 500)
	}
	f64 := make([]float64, 1000*3)
	for i := range f64 {
		f64[i] = float64(i % 977)
	}
	c64 := []complex64{1 + 2i, -3, 4i, 0.5 - 0.25i, 7}
	b := []bool{true, false, false, true, true, false, true}
	u8 := make([]uint8, 20*3)
	for i := range u8 {
		u8[i] = uint8(i * 7)
	}
	cases := []zarrWriteCase{
		newWriteCase("f32 edges", array.FromSlice(f32, 7, 5), ZarrOptions{Chunks: []int{3, 2}, Attrs: map[string]any{"units": "mV", "n": 3.0}}, []int{3, 2}),
		newWriteCase("i16 zlib nested", array.FromSlice(i16, 4, 6, 5), ZarrOptions{Chunks: []int{3, 4, 5}, Compressor: "zlib", Level: 6, Separator: "/"}, []int{3, 4, 5}),
		newWriteCase("f64 gzip default chunks", array.FromSlice(f64, 1000, 3), ZarrOptions{Compressor: "gzip"}, []int{1000, 3}),
		newWriteCase("f64 transposed view", array.FromSlice(f64, 1000, 3).T(), ZarrOptions{Chunks: []int{2, 300}, Workers: 3}, []int{2, 300}),
		newWriteCase("c64", array.FromSlice(c64), ZarrOptions{Chunks: []int{2}}, []int{2}),
		newWriteCase("bool", array.FromSlice(b), ZarrOptions{Chunks: []int{3}}, []int{3}),
		newWriteCase("u8 strided", array.FromSlice(u8, 20, 3).Slice(array.All.By(-3), array.Idx(1)), ZarrOptions{Chunks: []int{4}}, []int{4}),
		newWriteCase("0-d", array.FromSlice([]float64{2.5}, []int{}...), ZarrOptions{}, []int{}),
	}
	root := t.TempDir()
	var jobs []engineJob
	for i, c := range cases {
		dir := filepath.Join(root, fmt.Sprintf("s%d.zarr", i))
		if err := c.write(dir); err != nil {
			t.Fatalf("%s: WriteZarr: %v", c.name, err)
		}
		jobs = append(jobs, engineJob{Kind: "store", Path: dir, Sum: c.dtype != "<c8" && c.dtype != "|b1"})
	}
	// A group holding an array in a nested group.
	gdir := filepath.Join(root, "g.zarr")
	if err := CreateGroup(gdir, map[string]any{"title": "run"}); err != nil {
		t.Fatal(err)
	}
	if err := CreateGroup(filepath.Join(gdir, "sub"), nil); err != nil {
		t.Fatal(err)
	}
	if err := WriteZarr(filepath.Join(gdir, "sub", "x"), array.FromSlice(f32, 7, 5), ZarrOptions{Chunks: []int{4, 5}}); err != nil {
		t.Fatal(err)
	}
	jobs = append(jobs, engineJob{Kind: "store", Path: filepath.Join(gdir, "sub", "x"), Group: gdir})

	res := runEngines(t, py, jobs)
	for i, c := range cases {
		r := res[i]
		if r.DType != c.dtype || !slices.Equal(r.Shape, c.shape) || !slices.Equal(r.Chunks, c.chunks) {
			t.Errorf("%s: zarr reads dtype %s shape %v chunks %v, want %s %v %v", c.name, r.DType, r.Shape, r.Chunks, c.dtype, c.shape, c.chunks)
		}
		if (r.Compressor == nil) != (c.comp == nil) || (c.comp != nil && *r.Compressor != *c.comp) {
			t.Errorf("%s: zarr reads compressor %v, want %v", c.name, r.Compressor, c.comp)
		}
		if diff := cmp.Diff(c.attrs, r.Attrs, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: attributes differ (-want +zarr):\n%s", c.name, diff)
		}
		if diff := cmp.Diff(c.want, r.values(t)); diff != "" {
			t.Errorf("%s: values differ (-want +zarr):\n%s", c.name, diff)
		}
		if jobs[i].Sum && r.Sum != fmt.Sprint(c.sum) && !sameFloat(r.Sum, c.sum) {
			t.Errorf("%s: dask sum %s, ndmap %v", c.name, r.Sum, c.sum)
		}
	}
	if g := res[len(cases)]; g.GroupAttrs["title"] != "run" || !slices.Equal(g.Shape, []int{7, 5}) {
		t.Errorf("group: attrs %v shape %v", g.GroupAttrs, g.Shape)
	}

	// ndmap reads back what it wrote.
	z, err := OpenZarr[int16](filepath.Join(root, "s1.zarr"))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	got := make([]int16, len(i16))
	if _, err := z.CopyTo(got); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, i16) {
		t.Errorf("reading back the zlib store: values differ")
	}
}

func sameFloat(s string, want float64) bool {
	var f float64
	if _, err := fmt.Sscan(s, &f); err != nil {
		return false
	}
	return f == want || math.Abs(f-want) <= 1e-9*math.Abs(want)
}

// Reference files to .npy, raw and shard-set files load in zarr and dask
// as the files themselves, and dask's sum over them is ndmap's.
func TestEnginesReadRefs(t *testing.T) {
	py := requireEngines(t)
	dir := t.TempDir()
	type refCase struct {
		name   string
		npy    string // what NumPy loads as the same array, if anything
		refs   func(w *bytes.Buffer) error
		want   []any
		sum    float64
		chunks []int
	}
	var cases []refCase

	// C order, 10 rows: chunks of 4 leave a partial last chunk; the
	// default divides the length.
	f32 := make([]float32, 10*3)
	for i := range f32 {
		f32[i] = float32(i)*1.5 - 7
	}
	cpath := filepath.Join(dir, "c.npy")
	if err := array.Save(cpath, array.FromSlice(f32, 10, 3)); err != nil {
		t.Fatal(err)
	}
	cases = append(cases,
		refCase{"partial last chunk", cpath, func(w *bytes.Buffer) error { return WriteRefs(w, cpath, RefOptions{ChunkRows: 4}) }, canonicalAll(f32), sumOf(f32), []int{4, 3}},
		refCase{"default chunks", cpath, func(w *bytes.Buffer) error {
			return WriteRefs(w, cpath, RefOptions{Attrs: map[string]any{"source": "c.npy"}})
		}, canonicalAll(f32), sumOf(f32), []int{10, 3}},
	)

	// Fortran order: chunked along the last axis.
	dt64, _ := layout.For[int64]()
	fpath := filepath.Join(dir, "f.npy")
	ff, err := array.CreateFile(fpath, header.Header{DType: dt64, Shape: []int{3, 7}, FortranOrder: true})
	if err != nil {
		t.Fatal(err)
	}
	fv, _ := array.As[int64](ff.Items())
	i64 := make([]int64, 21)
	for i := range i64 {
		i64[i] = int64(i*i - 40)
	}
	fv.CopyFrom(i64)
	ff.Close()
	cases = append(cases, refCase{"fortran", fpath, func(w *bytes.Buffer) error { return WriteRefs(w, fpath, RefOptions{ChunkRows: 3}) }, canonicalAll(i64), sumOf(i64), []int{3, 3}})

	// A raw big-endian file with a 16-byte prefix.
	be := make([]byte, 16, 16+2*12)
	i16 := make([]int16, 12)
	for i := range i16 {
		i16[i] = int16(1000 - 177*i)
		be = append(be, byte(uint16(i16[i])>>8), byte(i16[i]))
	}
	rpath := filepath.Join(dir, "r.raw")
	os.WriteFile(rpath, be, 0o644)
	dtbe, _ := layout.ParseTypeString(">i2")
	cases = append(cases, refCase{"raw big-endian", "", func(w *bytes.Buffer) error {
		return WriteRefs(w, rpath, RefOptions{Describer: header.Raw{Offset: 16, DType: dtbe, Shape: []int{-1, 4}}})
	}, canonicalAll(i16), sumOf(i16), []int{3, 4}})

	// A 0-d array.
	spath := filepath.Join(dir, "s.npy")
	array.Save(spath, array.FromSlice([]float64{-2.25}, []int{}...))
	cases = append(cases, refCase{"0-d", spath, func(w *bytes.Buffer) error { return WriteRefs(w, spath, RefOptions{}) }, []any{-2.25}, -2.25, []int{}})

	// A shard set of three files of 4 rows and a last one of 3: chunks
	// of 4 rows, the last file's 3 rows inline.
	sdir := filepath.Join(dir, "shards")
	os.Mkdir(sdir, 0o755)
	_, all := writeShards(t, sdir, []int{4, 4, 4, 3}, 2)
	set, err := OpenSet(sdir)
	if err != nil {
		t.Fatal(err)
	}
	defer set.Close()
	cases = append(cases, refCase{"shard set", "", func(w *bytes.Buffer) error { return WriteSetRefs(w, set, RefOptions{}) }, canonicalAll(all), sumOf(all), []int{4, 2}})

	var jobs []engineJob
	for i, c := range cases {
		var buf bytes.Buffer
		if err := c.refs(&buf); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		p := filepath.Join(dir, fmt.Sprintf("refs%d.json", i))
		os.WriteFile(p, buf.Bytes(), 0o644)
		jobs = append(jobs, engineJob{Kind: "refs", Path: p, Sum: true, NPY: c.npy})
	}
	res := runEngines(t, py, jobs)
	for i, c := range cases {
		r := res[i]
		if diff := cmp.Diff(c.want, r.values(t)); diff != "" {
			t.Errorf("%s: values differ (-want +zarr):\n%s", c.name, diff)
		}
		if !slices.Equal(r.Chunks, c.chunks) {
			t.Errorf("%s: chunks %v, want %v", c.name, r.Chunks, c.chunks)
		}
		if !sameFloat(r.Sum, c.sum) {
			t.Errorf("%s: dask sum %s, ndmap %v", c.name, r.Sum, c.sum)
		}
		if c.npy != "" && !r.NPYEqual {
			t.Errorf("%s: zarr's array differs from np.load's", c.name)
		}
	}
	if a := res[1].Attrs; a["source"] != "c.npy" {
		t.Errorf("attributes through the reference file: %v", a)
	}
}
