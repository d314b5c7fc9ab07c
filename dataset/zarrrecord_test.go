package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

var recordTests = []struct {
	descr string // NumPy's descr of the record
	json  string // the dtype of a .zarray, as zarr-python 2 writes it
}{
	{`[('a', '<i4'), ('b', '<f8')]`, `[["a","<i4"],["b","<f8"]]`},
	{`[('a', '<i2'), ('', '|V6'), ('b', '>f8'), ('c', '<u4', (2, 3))]`, `[["a","<i2"],["","|V6"],["b",">f8"],["c","<u4",[2,3]]]`},
	{`[('t', '<M8[ns]'), ('inner', [('x', '<i4'), ('y', '|u1')]), ('s', '|S3'), ('u', '<U2')]`, `[["t","<M8[ns]"],["inner",[["x","<i4"],["y","|u1"]]],["s","|S3"],["u","<U2"]]`},
	{`[(('the time', 't'), '<f4'), ('v', '<c8', (1,))]`, `[[["the time","t"],"<f4"],["v","<c8",[1]]]`},
	{`[('q\'uote"\u00e9', '<i8')]`, `[["q'uote\"é","<i8"]]`},
}

// Record dtypes read from .zarray as NumPy's descr says, and are written
// back as they were read.
func TestRecordDType(t *testing.T) {
	for _, tt := range recordTests {
		want, err := layout.ParseDescr(tt.descr)
		if err != nil {
			t.Fatalf("ParseDescr(%s): %v", tt.descr, err)
		}
		got, err := parseRecordDType(".zarray", json.RawMessage(tt.json))
		if err != nil || !got.Equal(want) {
			t.Errorf("parseRecordDType(%s) = %v, %v; want %v", tt.json, got, err, want)
			continue
		}
		v, err := zarrDType(want)
		if err != nil {
			t.Errorf("zarrDType(%v): %v", want, err)
			continue
		}
		b, _ := json.Marshal(v)
		if back, err := parseRecordDType(".zarray", b); err != nil || !back.Equal(want) {
			t.Errorf("zarrDType(%v) = %s, which reads back as %v, %v", want, b, back, err)
		}
	}
}

// A record store written by zarr-python reads with the dtype NumPy gives it,
// and records described by WriteRefs read in zarr-python as NumPy reads the
// file itself.
func TestRecordZarrInterop(t *testing.T) {
	py := requireEngines(t)
	dir := t.TempDir()
	store := filepath.Join(dir, "rec.zarr")
	script := `
import sys, json
import numpy as np, zarr, fsspec
store, refs, npy = sys.argv[1:4]
dt = np.dtype([('a', '<i2'), ('b', '>f8'), ('c', '<u4', (2,)), ('inner', [('x', '<i4'), ('y', 'u1')]), ('s', 'S3')])
z = zarr.open(store, mode='w', shape=(5,), chunks=(2,), dtype=dt, compressor=None, fill_value=None)
x = np.zeros(5, dt)
x['a'] = np.arange(5); x['b'] = np.arange(5) * 0.5; x['c'] = np.arange(10).reshape(5, 2)
x['inner']['x'] = -np.arange(5); x['s'] = [b'ab', b'c', b'', b'xyz', b'q']
z[:] = x
out = {"descr": str(z.dtype.descr)}
if refs:
    r = zarr.open(fsspec.get_mapper("reference://", fo=refs), mode="r")
    a = np.load(npy)
    out["bytes_equal"] = r[...].tobytes() == a.tobytes()
    out["fields_equal"] = all(np.array_equal(r[n], a[n]) for n in a.dtype.names if n)
    out["itemsize"] = [int(r.dtype.itemsize), int(a.dtype.itemsize)]
json.dump(out, sys.stdout)
`
	run := func(args ...string) map[string]any {
		cmd := exec.Command(py, append([]string{"-c", script}, args...)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("python: %v\n%s", err, stderr.String())
		}
		var r map[string]any
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatalf("python output %s: %v", out, err)
		}
		return r
	}
	r := run(store, "", "")
	m, err := ReadZarrMeta(store)
	if err != nil {
		t.Fatal(err)
	}
	want, err := layout.ParseDescr(r["descr"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if !m.DType.Equal(want) {
		t.Errorf("ReadZarrMeta of zarr-python's record store: dtype %v, want %v", m.DType, want)
	}
	if _, err := OpenZarr[float64](store); !errors.Is(err, array.ErrType) {
		t.Errorf("OpenZarr[float64] of records = %v, want an error wrapping array.ErrType", err)
	}

	// A file of padded records, in place through a reference file.
	rec, _ := layout.ParseDescr(`[('a', '<i2'), ('', '|V6'), ('b', '<f8'), ('c', '>u4', (2,)), ('', '|V8')]`)
	npy := filepath.Join(dir, "rec.npy")
	hdr, err := header.Encode(header.Header{DType: rec, Shape: []int{7}})
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 7*rec.Size)
	for i := range data {
		data[i] = byte(i*7 + 1)
	}
	if err := os.WriteFile(npy, append(hdr, data...), 0o644); err != nil {
		t.Fatal(err)
	}
	refs := filepath.Join(dir, "rec.json")
	var buf bytes.Buffer
	if err := WriteRefs(&buf, npy, RefOptions{ChunkRows: 3}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(refs, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	r = run(filepath.Join(dir, "other.zarr"), refs, npy)
	if r["bytes_equal"] != true || r["fields_equal"] != true {
		t.Errorf("zarr-python through WriteRefs' reference file: %v (dtype %s)", r, strings.TrimSpace(buf.String()[:min(200, buf.Len())]))
	}
}
