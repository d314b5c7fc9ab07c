package dataset

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ndmap/ndmap/array"
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
// and the descr zarrDType writes for it reads in zarr-python as that dtype.
func TestRecordZarrInterop(t *testing.T) {
	py := requireEngines(t)
	dir := t.TempDir()
	store := filepath.Join(dir, "rec.zarr")
	script := `
import sys, json
import numpy as np, zarr, fsspec
store, other = sys.argv[1:3]
dt = np.dtype([('a', '<i2'), ('b', '>f8'), ('c', '<u4', (2,)), ('inner', [('x', '<i4'), ('y', 'u1')]), ('s', 'S3')])
z = zarr.open(store, mode='w', shape=(5,), chunks=(2,), dtype=dt, compressor=None, fill_value=None)
x = np.zeros(5, dt)
x['a'] = np.arange(5); x['b'] = np.arange(5) * 0.5; x['c'] = np.arange(10).reshape(5, 2)
x['inner']['x'] = -np.arange(5); x['s'] = [b'ab', b'c', b'', b'xyz', b'q']
z[:] = x
out = {"descr": str(z.dtype.descr)}
if other:
    d = zarr.open(other, mode="r").dtype
    out["itemsize"] = d.itemsize
    out["offsets"] = " ".join(str(d.fields[n][1]) for n in ("a", "b", "c"))
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
	r := run(store, "")
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

	// zarr-python reads the dtype zarrDType writes, padding included.
	rec, _ := layout.ParseDescr(`[('a', '<i2'), ('', '|V6'), ('b', '<f8'), ('c', '>u4', (2,)), ('', '|V8')]`)
	v, err := zarrDType(rec)
	if err != nil {
		t.Fatal(err)
	}
	zarray, _ := json.Marshal(map[string]any{"zarr_format": 2, "shape": []int{3}, "chunks": []int{2}, "dtype": v,
		"compressor": nil, "fill_value": nil, "order": "C", "filters": nil})
	other := filepath.Join(dir, "other.zarr")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, ".zarray"), zarray, 0o644); err != nil {
		t.Fatal(err)
	}
	r = run(filepath.Join(dir, "third.zarr"), other)
	if r["itemsize"] != float64(rec.Size) || r["offsets"] != "0 8 16" {
		t.Errorf("zarr-python reads the record dtype %s as %v, want itemsize %d and fields a, b, c at 0 8 16", zarray, r, rec.Size)
	}
}
