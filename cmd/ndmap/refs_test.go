package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// refsFile is a version-1 reference file as fsspec reads it.
type refsFile struct {
	Version int                        `json:"version"`
	Refs    map[string]json.RawMessage `json:"refs"`
}

// zarray is what the references' .zarray says.
type zarray struct {
	Shape      []int           `json:"shape"`
	Chunks     []int           `json:"chunks"`
	DType      json.RawMessage `json:"dtype"` // a string, or a list of fields for records
	Order      string          `json:"order"`
	Compressor any             `json:"compressor"`
	ZarrFormat int             `json:"zarr_format"`
}

// refsData resolves every chunk of a reference file — a byte range of a
// file, or bytes inlined as base64 — and returns the .zarray and the
// chunks' bytes joined in the order of the chunked axis, cut to the
// array's size: the array's data as the file stores it.
func refsData(t *testing.T, out string) (zarray, []byte) {
	t.Helper()
	var rf refsFile
	if err := json.Unmarshal([]byte(out), &rf); err != nil {
		t.Fatalf("refs: %v\n%s", err, out)
	}
	if rf.Version != 1 {
		t.Errorf("version %d, want 1", rf.Version)
	}
	var meta string
	if err := json.Unmarshal(rf.Refs[".zarray"], &meta); err != nil {
		t.Fatalf(".zarray: %v", err)
	}
	var za zarray
	if err := json.Unmarshal([]byte(meta), &za); err != nil {
		t.Fatalf(".zarray %s: %v", meta, err)
	}
	if za.ZarrFormat != 2 || za.Compressor != nil {
		t.Errorf(".zarray %s: want zarr_format 2, no compressor", meta)
	}
	// Chunks along one axis: every key's other indices are 0.
	var keys []string
	for k := range rf.Refs {
		if !strings.HasPrefix(k, ".") {
			keys = append(keys, k)
		}
	}
	index := func(k string) int {
		n := 0
		for _, p := range strings.Split(k, ".") {
			i, err := strconv.Atoi(p)
			if err != nil {
				t.Fatalf("chunk key %q", k)
			}
			n += i // one index is not 0
		}
		return n
	}
	slices.SortFunc(keys, func(a, b string) int { return index(a) - index(b) })
	var data []byte
	for _, k := range keys {
		var ref []any
		var inline string
		switch {
		case json.Unmarshal(rf.Refs[k], &ref) == nil:
			path := ref[0].(string)
			off, n := int64(ref[1].(float64)), int64(ref[2].(float64))
			// A file:// URL on Windows: file:///C:/x.
			path = filepath.FromSlash(strings.TrimPrefix(path, "file:///"))
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("chunk %s: %v", k, err)
			}
			data = append(data, b[off:off+n]...)
		case json.Unmarshal(rf.Refs[k], &inline) == nil:
			b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(inline, "base64:"))
			if err != nil {
				t.Fatalf("chunk %s: %v", k, err)
			}
			data = append(data, b...)
		default:
			t.Fatalf("chunk %s: %s", k, rf.Refs[k])
		}
	}
	size := count(za.Shape) * mustItemSize(t, za.DType)
	if len(data) < size {
		t.Fatalf("the chunks hold %d bytes, the array %d", len(data), size)
	}
	return za, data[:size]
}

// mustItemSize returns the size of one item of a .zarray dtype: a type
// string, or a list of [name, dtype(, shape)] fields.
func mustItemSize(t *testing.T, dtype json.RawMessage) int {
	t.Helper()
	var descr string
	if json.Unmarshal(dtype, &descr) == nil {
		n, err := strconv.Atoi(strings.TrimLeft(descr, "<>|bBiIuUfFcCmMV"))
		if err != nil {
			t.Fatalf("dtype %q", descr)
		}
		return n
	}
	var fields []json.RawMessage
	if err := json.Unmarshal(dtype, &fields); err != nil {
		t.Fatalf("dtype %s: %v", dtype, err)
	}
	size := 0
	for _, f := range fields {
		var parts []json.RawMessage
		if err := json.Unmarshal(f, &parts); err != nil || len(parts) < 2 {
			t.Fatalf("field %s of dtype %s", f, dtype)
		}
		n := mustItemSize(t, parts[1])
		if len(parts) > 2 {
			var shape []int
			if err := json.Unmarshal(parts[2], &shape); err != nil {
				t.Fatalf("field %s of dtype %s", f, dtype)
			}
			n *= count(shape)
		}
		size += n
	}
	return size
}

// refs describes a .npy file, a stored .npz member, a file of another
// format and a shard set as Zarr arrays whose chunks are the bytes of the
// files themselves.
func TestRefs(t *testing.T) {
	dir := t.TempDir()
	folder, _ := shardSet(t, dir, []int{3, 3, 3, 2}, 4)
	cases := []struct {
		target string
		args   []string
		chunks int // of the chunked axis, 0 for any
	}{
		{td("npy/frames.npy"), nil, 0},
		{td("npy/frames.npy"), []string{"--chunk-rows", "2"}, 2}, // a partial last chunk, inlined
		{td("npy/f4_fortran_2x3x4.npy"), nil, 0},
		{td("npz/savez.npz") + ":x", nil, 0},
		{td("wav/int16_stereo.wav"), []string{"--chunk-rows", "7"}, 7},
		{td("nifti/int16_scaled.nii"), nil, 0},
		{td("fits/extensions.fits") + ":ERR", nil, 0},
		{td("spikeglx/run_g0/run_g0_imec0/run_g0_t0.imec0.ap.bin"), nil, 0},
		{td("raw/frames.f32"), []string{"--dtype", "<f4", "--shape", "-1,4,3"}, 0},
		{folder, nil, 3},
		{folder, []string{"--chunk-rows", "1"}, 1},
		{filepath.Join(folder, "x_[0-2].npy"), nil, 3},
		{td("npy/struct.npy"), nil, 0}, // records: the dtype is a list of fields
	}
	for i, c := range cases {
		t.Run(strconv.Itoa(i)+"/"+filepath.Base(c.target), func(t *testing.T) {
			out := ok(t, append(append([]string{"refs"}, c.args...), c.target)...)
			za, data := refsData(t, out)
			// The raw flags, without refs' own, describe the file to
			// convert and show.
			var rawArgs []string
			for k := 0; k < len(c.args); k++ {
				if c.args[k] == "--chunk-rows" {
					k++
					continue
				}
				rawArgs = append(rawArgs, c.args[k])
			}
			raw := filepath.Join(dir, "data.raw")
			ok(t, append(append([]string{"convert"}, rawArgs...), c.target, raw)...)
			want, err := os.ReadFile(raw)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(data, want) {
				t.Errorf("the chunks' bytes differ from the array's data")
			}
			j := showJSON(t, append(rawArgs, c.target)...)
			var dt string
			if err := json.Unmarshal(za.DType, &dt); err != nil {
				// Records: one [name, type(, shape)] list per field.
				var fields [][]any
				if err := json.Unmarshal(za.DType, &fields); err != nil || len(fields) == 0 {
					t.Errorf(".zarray dtype %s is neither a type string nor a list of fields", za.DType)
				}
				dt = j.DType
			}
			if !sameShape(za.Shape, j.Shape) || strings.Trim(dt, "'") != j.DType {
				t.Errorf(".zarray says %s %v, show %s %v", za.DType, za.Shape, j.DType, j.Shape)
			}
			if c.chunks > 0 && za.Chunks[0] != c.chunks && za.Chunks[len(za.Chunks)-1] != c.chunks {
				t.Errorf("chunks %v, want %d along the chunked axis", za.Chunks, c.chunks)
			}
		})
	}
	for _, args := range [][]string{
		{"refs", "--chunk-rows", "2", folder},   // 2 does not divide 3
		{"refs", td("zarr/stores/null_c.zarr")}, // needs no references
		{"refs", td("npz/savez_compressed.npz") + ":x"},
	} {
		checkInputError(t, ndmap(t, args...), args, filepath.Base(strings.Split(args[len(args)-1], ":")[0]))
	}
}

// requireZarr skips the test unless /usr/bin/python3 can import zarr,
// fsspec and dask; under CI (on Unix) they must be there.
func requireZarr(t *testing.T) {
	t.Helper()
	if err := exec.Command("/usr/bin/python3", "-c", "import numpy, zarr, fsspec, dask.array").Run(); err != nil {
		if os.Getenv("CI") == "true" && runtime.GOOS != "windows" {
			t.Fatalf("CI=true but /usr/bin/python3 cannot import zarr, fsspec and dask: %v", err)
		}
		t.Skip("no /usr/bin/python3 with zarr, fsspec and dask")
	}
}

// zarr-python reads through fsspec's reference file system the values
// ndmap reads, and dask sums them as ndmap's stats do.
func TestRefsWithZarr(t *testing.T) {
	requireZarr(t)
	dir := t.TempDir()
	folder, _ := shardSet(t, dir, []int{3, 3, 3, 2}, 4)
	targets := [][]string{
		{td("npy/frames.npy")},
		{"--chunk-rows", "2", td("npy/frames.npy")},
		{td("npy/f4_fortran_2x3x4.npy")},
		{td("nifti/int16_scaled.nii")},
		{td("fits/int16_wcs.fits")},
		{td("wav/int16_stereo.wav")},
		{folder},
		{"--chunk-rows", "1", folder},
	}
	var jobs []any
	var wants []jsonOutput
	for i, args := range targets {
		refs := filepath.Join(dir, strconv.Itoa(i)+".json")
		if err := os.WriteFile(refs, []byte(ok(t, append([]string{"refs"}, args...)...)), 0o644); err != nil {
			t.Fatal(err)
		}
		jobs = append(jobs, refs)
		wants = append(wants, showJSON(t, args[len(args)-1]))
	}
	code := `import zarr, fsspec, dask.array as da
fs = fsspec.filesystem("reference", fo=x)
z = zarr.open(fs.get_mapper(""), mode="r")
s = da.from_zarr("reference://", storage_options={"fo": x}).sum().compute()
print(json.dumps({"dtype": z.dtype.str, "shape": list(z.shape), "data": z[...].tolist(), "sum": float(s)}))`
	outs := pythonEach(t, code, jobs)
	for i, out := range outs {
		var got struct {
			jsonOutput
			Sum float64 `json:"sum"`
		}
		dec := json.NewDecoder(strings.NewReader(out))
		dec.UseNumber()
		if err := dec.Decode(&got); err != nil {
			t.Fatalf("%q: %v\n%s", targets[i], err, out)
		}
		want := wants[i]
		// Compared as numbers: Python writes 2.0 where ndmap writes 2.
		var g, w any
		json.Unmarshal(mustRaw(got.Data), &g)
		json.Unmarshal(mustRaw(want.Data), &w)
		if got.DType != want.DType || !sameShape(got.Shape, want.Shape) || !cmp.Equal(g, w) {
			t.Errorf("%q: zarr reads %s %v %s\nndmap shows %s %v %s", targets[i], got.DType, got.Shape, g, want.DType, want.Shape, w)
		}
		st := statsOf(t, targets[i][len(targets[i])-1])
		mean, _ := strconv.ParseFloat(strings.TrimSpace(string(mustRaw(st.Mean))), 64)
		if sum := mean * float64(st.Count); got.Sum != sum && (got.Sum-sum)*(got.Sum-sum) > 1e-18*sum*sum {
			t.Errorf("%q: dask's sum %v, ndmap's mean times count %v", targets[i], got.Sum, sum)
		}
	}
}
