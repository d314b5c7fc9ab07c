package nifti

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/internal/reftest"
	"github.com/ndmap/ndmap/layout"
)

// nibabelRead loads each file with nibabel and reports the stored dtype,
// shape, zooms, scaling, and the stored and scaled values in Fortran order,
// or the error it raises.
const nibabelRead = `
import json, sys, warnings
import numpy as np
import nibabel as nib
warnings.simplefilter("ignore")
out = []
for p in sys.argv[1:]:
    try:
        img = nib.load(p)
        raw = np.asanyarray(img.dataobj.get_unscaled())
        dt = img.header.get_data_dtype()
        if dt.names:
            dtype = "rgba" if len(dt.names) == 4 else "rgb"
            stored = [float(x) for x in raw.ravel(order="F").tobytes()]
            scaled = stored
        else:
            dtype = dt.str
            flat = raw.ravel(order="F")
            if np.iscomplexobj(flat):
                flat = np.stack([flat.real, flat.imag], axis=1).ravel()
            stored = [float(x) for x in flat]
            scaled = [float(x) for x in np.asanyarray(img.dataobj).ravel(order="F")] if not np.iscomplexobj(raw) else stored
        out.append({"dtype": dtype, "shape": list(img.shape), "offset": int(img.dataobj.offset),
                    "zooms": [float(z) for z in img.header.get_zooms()],
                    "slope": float(img.dataobj.slope), "inter": float(img.dataobj.inter),
                    "stored": stored, "scaled": scaled})
    except Exception as e:
        out.append({"error": repr(e)})
json.dump(out, sys.stdout)
`

type nibabelResult struct {
	Error  string    `json:"error"`
	DType  string    `json:"dtype"`
	Shape  []int     `json:"shape"`
	Offset int64     `json:"offset"`
	Zooms  []float64 `json:"zooms"`
	Slope  float64   `json:"slope"`
	Inter  float64   `json:"inter"`
	Stored []float64 `json:"stored"`
	Scaled []float64 `json:"scaled"`
}

func runNibabel(t *testing.T, paths []string) []nibabelResult {
	t.Helper()
	var res []nibabelResult
	reftest.PythonJSON(t, "nibabel", nibabelRead, &res, paths...)
	return res
}

// check compares what this package reads from path with what nibabel read.
func check(t *testing.T, path string, r nibabelResult) {
	t.Helper()
	h, data, err := ReadFile(path)
	if err != nil {
		t.Errorf("%s: ReadFile: %v", path, err)
		return
	}
	d, err := describer(data)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	if typeString(h.Array.DType) != r.DType || !cmp.Equal(h.Array.Shape, r.Shape) || h.Array.DataOffset != r.Offset {
		t.Errorf("%s: read %s %v at %d, nibabel %s %v at %d", path, typeString(h.Array.DType), h.Array.Shape, h.Array.DataOffset, r.DType, r.Shape, r.Offset)
	}
	if !cmp.Equal(h.Zooms(), r.Zooms) || h.Scale != (header.Scale{Slope: r.Slope, Inter: r.Inter}) {
		t.Errorf("%s: zooms %v, scale %+v; nibabel %v, %v, %v", path, h.Zooms(), h.Scale, r.Zooms, r.Slope, r.Inter)
	}
	stored := reftest.FileValues(t, data, d)
	if !cmp.Equal(stored, r.Stored, cmpopts.EquateEmpty()) {
		t.Errorf("%s: values %v, nibabel %v", path, stored, r.Stored)
	}
	if h.Array.DType.Kind == layout.Complex || h.Array.DType.Kind == layout.Struct {
		return
	}
	scaled := make([]float64, len(stored))
	for i, x := range stored {
		scaled[i] = h.Scale.Apply(x)
	}
	if !cmp.Equal(scaled, r.Scaled, cmpopts.EquateEmpty(), cmp.Comparer(func(a, b float64) bool { return a == b || math.Abs(a-b) <= 1e-12*math.Abs(b) })) {
		t.Errorf("%s: scaled values %v, nibabel %v", path, scaled, r.Scaled)
	}
}

// For every fixture, nibabel and this package agree on the dtype, shape,
// offset, zooms, scaling and values; the files this package refuses,
// nibabel refuses too, but for two it corrects.
func TestNibabelReadsFixtures(t *testing.T) {
	m := loadManifest(t)
	var paths []string
	for _, e := range m.Good {
		paths = append(paths, fixture(e.File))
	}
	for _, e := range m.Bad {
		paths = append(paths, fixture(e.File))
	}
	res := runNibabel(t, paths)
	for i, e := range m.Good {
		if res[i].Error != "" {
			t.Errorf("%s: nibabel: %s", e.File, res[i].Error)
			continue
		}
		check(t, paths[i], res[i])
	}
	for i, e := range m.Bad {
		if r := res[len(m.Good)+i]; (r.Error == "") != e.NibabelReads {
			t.Errorf("%s: nibabel reads it: %v, want %v (%s)", e.File, r.Error == "", e.NibabelReads, r.Error)
		}
	}
}

var writeTests = []struct {
	dt    layout.DType
	shape []int
	pair  bool
	scale header.Scale
}{
	{layout.Float32, []int{2, 3, 4}, false, header.Scale{Slope: 1}},
	{layout.Int16, []int{3, 2, 2, 2}, false, header.Scale{Slope: 2.5, Inter: -10}},
	{layout.Uint8, []int{5}, false, header.Scale{Slope: 1}},
	{layout.Int8, []int{2, 2}, true, header.Scale{Slope: 0.5, Inter: 3}},
	{layout.DType{Kind: layout.Float, Order: layout.BigEndian, Size: 8}, []int{2, 1, 3}, false, header.Scale{Slope: 1}},
	{layout.DType{Kind: layout.Int, Order: layout.BigEndian, Size: 4}, []int{2, 3}, true, header.Scale{Slope: 1}},
	{layout.Uint64, []int{1, 1, 1, 1, 1, 1, 3}, false, header.Scale{Slope: 1}},
	{layout.Complex128, []int{2, 2}, false, header.Scale{Slope: 1}},
	{layout.Float32, []int{0, 3}, false, header.Scale{Slope: 1}},
}

// writeFiles writes a file (or a pair) for each writeTests row with New and
// Encode and data bytes, and returns the names nibabel should load.
func writeFiles(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	for i, tt := range writeTests {
		h, err := New(tt.dt, tt.shape)
		if err != nil {
			t.Fatal(err)
		}
		h.Scale = tt.scale
		h.PixDim = [8]float64{1, 0.5, 0.75, 2, 1, 1, 1, 1}
		h.XYZTUnits = 2 | 8
		h.Descrip = "written by a test"
		n, _ := layout.Count(tt.shape)
		data := make([]byte, int(n)*tt.dt.Size)
		for j := range data {
			data[j] = byte(j*29 + 1)
		}
		if tt.dt.Kind == layout.Float || tt.dt.Kind == layout.Complex {
			// Keep exponents small so values stay finite and printable.
			for j := 0; j < len(data); j += 8 {
				if tt.dt.Order == layout.BigEndian {
					data[j] = 0x3f
				} else if tt.dt.Size == 4 {
					data[j+3], data[j+7] = 0x3f, 0x3f
				} else {
					data[j+7] = 0x3f
				}
			}
		}
		base := filepath.Join(dir, "w"+strconv.Itoa(i))
		if tt.pair {
			h.Pair, h.Array.DataOffset = true, 0
			b, err := h.Encode()
			if err != nil {
				t.Fatal(err)
			}
			write(t, base+".hdr", b)
			write(t, base+".img", data)
			names = append(names, base+".img")
			continue
		}
		b, err := h.Encode()
		if err != nil {
			t.Fatal(err)
		}
		write(t, base+".nii", append(b, data...))
		names = append(names, base+".nii")
	}
	return names
}

func write(t *testing.T, name string, b []byte) {
	t.Helper()
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Files written with New and Encode read back through this package, and
// nibabel reads the same dtype, shape, zooms, scaling and values.
func TestNibabelReadsWritten(t *testing.T) {
	paths := writeFiles(t, t.TempDir())
	res := runNibabel(t, paths)
	for i, p := range paths {
		if res[i].Error != "" {
			t.Errorf("%s: nibabel: %s", p, res[i].Error)
			continue
		}
		check(t, p, res[i])
	}
}
