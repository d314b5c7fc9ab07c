package mrc

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/internal/reftest"
	"github.com/ndmap/ndmap/layout"
)

// mrcfileRead opens each file with mrcfile (strictly, as mrcfile.open does by
// default) and reports what it reads, or the error it raises.
const mrcfileRead = `
import io, json, sys, warnings
import numpy as np
import mrcfile
out = []
for p in sys.argv[1:]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            m = mrcfile.open(p)
    except Exception as e:
        out.append({"error": repr(e)})
        continue
    with m, warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        h = m.header
        # mrcfile divides CELLA by a zero MX to NaN; ndmap says 0.
        vs = [float(x) if x == x else 0.0 for x in m.voxel_size.item()]
        out.append({"dtype": m.data.dtype.str, "shape": list(m.data.shape), "data": m.data.tobytes().hex(),
                    "voxel_size": vs, "stats": [float(x) for x in (h.dmin, h.dmax, h.dmean, h.rms)],
                    "valid": mrcfile.validate(p, print_file=io.StringIO())})
json.dump(out, sys.stdout)
`

type mrcfileResult struct {
	Error     string    `json:"error"`
	DType     string    `json:"dtype"`
	Shape     []int     `json:"shape"`
	Data      string    `json:"data"`
	VoxelSize []float64 `json:"voxel_size"`
	Stats     []float64 `json:"stats"`
	Valid     bool      `json:"valid"`
}

func runMrcfile(t *testing.T, paths []string) []mrcfileResult {
	t.Helper()
	var res []mrcfileResult
	reftest.PythonJSON(t, "mrcfile", mrcfileRead, &res, paths...)
	return res
}

// dataHex returns the bytes of the data h describes in the file at path.
func dataHex(t *testing.T, path string, h *Header) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[h.Array.DataOffset : h.Array.DataOffset+h.Array.DataSize()])
}

// For every fixture, mrcfile and this package agree on the dtype, the
// shape and the data bytes; the files this package refuses, mrcfile
// refuses too.
func TestMrcfileReadsFixtures(t *testing.T) {
	m := loadManifest(t)
	var paths []string
	for _, e := range m.Good {
		paths = append(paths, fixture(e.File))
	}
	for _, e := range m.Bad {
		paths = append(paths, fixture(e.File))
	}
	res := runMrcfile(t, paths)
	for i, p := range paths {
		r := res[i]
		h, err := ReadFile(p)
		if err != nil {
			if r.Error == "" {
				t.Errorf("%s: ReadFile: %v, but mrcfile reads it", p, err)
			}
			continue
		}
		if r.Error != "" {
			t.Errorf("%s: mrcfile: %s, but ReadFile reads it", p, r.Error)
			continue
		}
		if h.Array.DType.TypeString() != r.DType || !cmp.Equal(h.Array.Shape, r.Shape) || dataHex(t, p, h) != r.Data {
			t.Errorf("%s: read %s %v, mrcfile %s %v (or the data differs)", p, h.Array.DType.TypeString(), h.Array.Shape, r.DType, r.Shape)
		}
	}
}

// Files written with New, Encode and UpdateStats open in mrcfile, pass its
// validator, and hold the same dtype, shape, data, voxel size and
// statistics.
func TestMrcfileReadsWritten(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	var headers []*Header
	for i, tt := range newTests {
		h, err := New(tt.dt, tt.shape)
		if err != nil {
			t.Fatal(err)
		}
		if tt.stack {
			h.SpaceGroup, h.Grid[2] = ImageStack, 1
		}
		h.SetVoxelSize(0.5, 0.75, 1.25)
		n, _ := layout.Count(tt.shape)
		data := make([]byte, int(n)*tt.dt.Size)
		for j := range data {
			data[j] = byte(j*13 + 5)
		}
		if tt.dt.Kind == layout.Float && tt.dt.Size == 2 {
			for j := 1; j < len(data); j += 2 {
				data[j] &= 0x3f // finite halves only
			}
		}
		if tt.dt.Kind == layout.Float || tt.dt.Kind == layout.Complex {
			// Keep float32 exponents small so that sums stay finite.
			for j := 0; j < len(data); j += 4 {
				e := j + 3
				if tt.dt.Order == layout.BigEndian {
					e = j
				}
				if tt.dt.Size >= 4 {
					data[e] = 0x3f
				}
			}
		}
		path := filepath.Join(dir, "w"+strconv.Itoa(i)+".mrc")
		writeFile(t, path, h, data)
		paths = append(paths, path)
		headers = append(headers, h)
	}
	res := runMrcfile(t, paths)
	for i, r := range res {
		h := headers[i]
		if r.Error != "" {
			t.Errorf("%s: mrcfile: %s", paths[i], r.Error)
			continue
		}
		if !r.Valid {
			t.Errorf("%s: mrcfile.validate finds the file invalid", paths[i])
		}
		if h.Array.DType.TypeString() != r.DType || !cmp.Equal(h.Array.Shape, r.Shape) || dataHex(t, paths[i], h) != r.Data {
			t.Errorf("%s: wrote %s %v, mrcfile reads %s %v (or the data differs)", paths[i], h.Array.DType.TypeString(), h.Array.Shape, r.DType, r.Shape)
		}
		vs := h.VoxelSize()
		if !cmp.Equal(vs[:], r.VoxelSize) {
			t.Errorf("%s: voxel size %v, mrcfile %v", paths[i], vs, r.VoxelSize)
		}
		st := []float64{float64(h.Stats.Min), float64(h.Stats.Max), float64(h.Stats.Mean), float64(h.Stats.RMS)}
		if !cmp.Equal(st, r.Stats) {
			t.Errorf("%s: stats %v, mrcfile reads %v", paths[i], st, r.Stats)
		}
	}
}
