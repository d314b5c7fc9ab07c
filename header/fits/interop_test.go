package fits

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/internal/reftest"
	"github.com/ndmap/ndmap/layout"
)

// astropyRead opens each file with astropy (verifying it strictly) and
// reports, for each image HDU with data, the data offset, the stored dtype,
// shape and bytes, the scaled values, and the cards OBJECT and EXPTIME.
const astropyRead = `
import json, sys, warnings
import numpy as np
from astropy.io import fits
warnings.simplefilter("error")
out = []
for p in sys.argv[1:]:
    hdus = []
    with fits.open(p, do_not_scale_image_data=True) as raw, fits.open(p) as sc:
        raw.verify("exception")
        for r, s in zip(raw, sc):
            if not r.is_image or r.data is None:
                hdus.append(None)
                continue
            hdus.append({"offset": r.fileinfo()["datLoc"], "dtype": r.data.dtype.str, "shape": list(r.data.shape),
                         "data": r.data.tobytes().hex(), "scaled": [float(x) for x in s.data.ravel()],
                         "object": r.header.get("OBJECT", ""), "exptime": float(r.header.get("EXPTIME", 0))})
    out.append(hdus)
json.dump(out, sys.stdout)
`

type astropyHDU struct {
	Offset  int64     `json:"offset"`
	DType   string    `json:"dtype"`
	Shape   []int     `json:"shape"`
	Data    string    `json:"data"`
	Scaled  []float64 `json:"scaled"`
	Object  string    `json:"object"`
	ExpTime float64   `json:"exptime"`
}

func runAstropy(t *testing.T, paths []string) [][]*astropyHDU {
	t.Helper()
	var res [][]*astropyHDU
	reftest.PythonJSON(t, "astropy", astropyRead, &res, paths...)
	return res
}

// check compares every image HDU this package reads from path with what
// astropy read.
func check(t *testing.T, path string, res []*astropyHDU) {
	t.Helper()
	f, err := ReadFile(path)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.HDUs) != len(res) {
		t.Errorf("%s: %d HDUs, astropy %d", path, len(f.HDUs), len(res))
		return
	}
	for i, r := range res {
		h := f.HDUs[i]
		if r == nil {
			if h.Image && h.Array.Count() > 0 {
				t.Errorf("%s: HDU %d is an image, astropy has no data", path, i)
			}
			continue
		}
		a := h.Array
		data := hex.EncodeToString(b[a.DataOffset : a.DataOffset+a.DataSize()])
		if a.DType.TypeString() != r.DType || !cmp.Equal(a.Shape, r.Shape) || a.DataOffset != r.Offset || data != r.Data {
			t.Errorf("%s: HDU %d: %s %v at %d, astropy %s %v at %d (or the data differ)", path, i, a.DType.TypeString(), a.Shape, a.DataOffset, r.DType, r.Shape, r.Offset)
		}
		raw := reftest.FileValues(t, path, Describer{HDU: i})
		sc := make([]float64, len(raw))
		for j, x := range raw {
			sc[j] = h.Scale.Apply(x)
		}
		if !scaledEqual(sc, r.Scaled, "") && !scaledEqual(sc, r.Scaled, "<f4") {
			t.Errorf("%s: HDU %d: scaled %v, astropy %v", path, i, sc, r.Scaled)
		}
	}
}

// For every fixture, astropy and this package agree on each image HDU's
// offset, dtype, shape, bytes and scaled values.
func TestAstropyReadsFixtures(t *testing.T) {
	var paths []string
	for _, e := range loadManifest(t).Good {
		paths = append(paths, fixture(e.File))
	}
	for i, r := range runAstropy(t, paths) {
		check(t, paths[i], r)
	}
}

var writeTests = []struct {
	dt    layout.DType
	shape []int
	scale header.Scale
}{
	{layout.Uint8, []int{3, 4}, header.Scale{Slope: 1}},
	{layout.DType{Kind: layout.Int, Order: layout.BigEndian, Size: 2}, []int{2, 3, 5}, header.Scale{Slope: 1, Inter: 32768}},
	{layout.DType{Kind: layout.Int, Order: layout.BigEndian, Size: 4}, []int{7}, header.Scale{Slope: 0.25, Inter: -3}},
	{layout.DType{Kind: layout.Int, Order: layout.BigEndian, Size: 8}, []int{2, 2}, header.Scale{Slope: 1}},
	{layout.DType{Kind: layout.Float, Order: layout.BigEndian, Size: 4}, []int{2, 1, 2, 3}, header.Scale{Slope: 1}},
	{layout.DType{Kind: layout.Float, Order: layout.BigEndian, Size: 8}, []int{1000}, header.Scale{Slope: 1}},
	{layout.DType{Kind: layout.Float, Order: layout.BigEndian, Size: 4}, []int{0, 3}, header.Scale{Slope: 1}},
}

// writeFiles writes a FITS file for each writeTests row with New, Encode,
// the data and Padding.
func writeFiles(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	for i, tt := range writeTests {
		h, err := New(tt.dt, tt.shape)
		if err != nil {
			t.Fatal(err)
		}
		h.Scale = tt.scale
		h.Cards = []Card{
			{Key: "OBJECT", Value: "it's written", Quoted: true, Comment: "by a test"},
			{Key: "EXPTIME", Value: "12.5"},
			{Key: "CTYPE1", Value: "RA---TAN", Quoted: true},
			{Key: "HISTORY", Comment: "made by a test"},
		}
		hb, err := h.Encode()
		if err != nil {
			t.Fatal(err)
		}
		n := h.Array.DataSize()
		data := make([]byte, n)
		for j := range data {
			data[j] = byte(j*31 + 7)
		}
		if tt.dt.Kind == layout.Float {
			for j := 0; j < len(data); j += tt.dt.Size {
				data[j] = 0x3f // big-endian: keep exponents small
			}
		}
		name := filepath.Join(dir, "w"+strconv.Itoa(i)+".fits")
		if err := os.WriteFile(name, append(append(hb, data...), Padding(n)...), 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	return names
}

// Files written with New, Encode and Padding pass astropy's strict
// verification, and astropy reads the same data, scaled values and cards.
func TestAstropyReadsWritten(t *testing.T) {
	paths := writeFiles(t, t.TempDir())
	res := runAstropy(t, paths)
	for i, r := range res {
		check(t, paths[i], r)
		if r[0] != nil && (r[0].Object != "it's written" || r[0].ExpTime != 12.5) {
			t.Errorf("%s: astropy reads OBJECT %q, EXPTIME %v", paths[i], r[0].Object, r[0].ExpTime)
		}
	}
}
