package envi_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/header/envi"
	"github.com/ndmap/ndmap/internal/arraytest"
	"github.com/ndmap/ndmap/internal/reftest"
	"github.com/ndmap/ndmap/layout"
)

// spectralRead opens each header with spectral and reports what it reads.
const spectralRead = `
import hashlib, json, sys, warnings
import numpy as np
import spectral.io.envi as envi
warnings.simplefilter('ignore')
out = []
for hdr in sys.argv[1:]:
    h = envi.read_envi_header(hdr)
    img = envi.open(hdr)
    if isinstance(img, envi.SpectralLibrary):
        a = img.spectra
    else:
        a = img.open_memmap(interleave='source')
    out.append({'descr': a.dtype.str, 'shape': list(a.shape),
                'sha256': hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest(),
                'band_names': h.get('band names'), 'wavelength': [float(w) for w in h.get('wavelength', [])],
                'description': h.get('description')})
json.dump(out, sys.stdout)
`

type spectralResult struct {
	Descr       string    `json:"descr"`
	Shape       []int     `json:"shape"`
	SHA256      string    `json:"sha256"`
	BandNames   []string  `json:"band_names"`
	Wavelength  []float64 `json:"wavelength"`
	Description *string   `json:"description"`
}

func runSpectral(t *testing.T, hdrs []string) []spectralResult {
	t.Helper()
	var res []spectralResult
	reftest.PythonJSON(t, "spectral", spectralRead, &res, hdrs...)
	return res
}

// spectral, run now, reads every fixture as this package does.
func TestSpectralReadsFixtures(t *testing.T) {
	m := readManifest(t)
	var hdrs []string
	for _, e := range m.Good {
		hdrs = append(hdrs, filepath.Join(testdata, e.Header))
	}
	res := runSpectral(t, hdrs)
	for i, e := range m.Good {
		h, err := envi.ReadFile(hdrs[i])
		if err != nil {
			t.Fatal(err)
		}
		d, err := envi.DataFile(hdrs[i])
		if err != nil || filepath.Base(d) != e.Data {
			t.Errorf("DataFile(%s) = %s, %v; spectral opens %s", e.Header, d, err, e.Data)
		}
		got, data := arraytest.OpenData(t, filepath.Join(testdata, e.Data), h)
		descr, _ := got.DType.Descr()
		r := res[i]
		if strings.Trim(descr, "'") != r.Descr || !cmp.Equal(got.Shape, r.Shape) || reftest.SHA256(data) != r.SHA256 {
			t.Errorf("%s: ndmap reads %s %v sha256 %s; spectral %s %v %s", e.Data, descr, got.Shape, reftest.SHA256(data), r.Descr, r.Shape, r.SHA256)
		}
	}
}

// Headers Encode writes, beside data written in the header's layout, open
// in spectral with the same dtype, shape, values and metadata.
func TestSpectralReadsEncoded(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Python for Windows programs, and its file names hold a |, which Windows refuses")
	}
	dir := t.TempDir()
	type file struct {
		hdr, desc string
		h         *envi.Header
		data      []byte
	}
	var files []file
	i := 0
	for _, dt := range []layout.DType{layout.Uint8, le(layout.Int16), be(layout.Uint16), le(layout.Int32), be(layout.Uint32),
		le(layout.Float32), be(layout.Float64), le(layout.Int64), be(layout.Uint64), be(layout.Complex64), le(layout.Complex128)} {
		for _, il := range []envi.Interleave{envi.BSQ, envi.BIL, envi.BIP} {
			shape := []int{2 + i%3, 3, 4 + i%2}
			h, err := envi.New(dt, shape, il)
			if err != nil {
				t.Fatal(err)
			}
			if i%4 == 1 {
				h.HeaderOffset = int64(8 * i)
			}
			desc := ""
			if i%5 == 0 {
				desc = "written by ndmap\nfor spectral"
				h.Description = desc
			}
			nb := h.Bands
			names, wl := make([]string, nb), make([]float64, nb)
			for b := range nb {
				names[b] = "band " + string(rune('A'+b))
				wl[b] = 400 + 12.5*float64(b)
			}
			h.SetList("band names", names...)
			h.SetFloats("wavelength", wl...)
			h.Set("wavelength units", "nm")
			enc, err := h.Encode()
			if err != nil {
				t.Fatal(err)
			}
			n := h.Array().DataSize()
			data := make([]byte, n)
			for k := range data {
				data[k] = byte(k*37 + i)
			}
			name := filepath.Join(dir, "f"+string(rune('a'+i)))
			if err := os.WriteFile(name+".hdr", enc, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name+".img", append(make([]byte, h.HeaderOffset), data...), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, file{name + ".hdr", desc, h, data})
			i++
		}
	}
	var hdrs []string
	for _, f := range files {
		hdrs = append(hdrs, f.hdr)
	}
	res := runSpectral(t, hdrs)
	for i, f := range files {
		r := res[i]
		descr, _ := f.h.DType.Descr()
		wl, _ := f.h.Wavelengths()
		desc := ""
		if r.Description != nil {
			desc = *r.Description
		}
		if strings.Trim(descr, "'") != r.Descr || !cmp.Equal(f.h.Shape(), r.Shape) || reftest.SHA256(f.data) != r.SHA256 ||
			!cmp.Equal(f.h.BandNames(), r.BandNames) || !cmp.Equal(wl, r.Wavelength) || desc != f.desc {
			t.Errorf("%s: wrote %s %v sha256 %s names %q wavelength %v description %q; spectral reads %s %v %s %q %v %q",
				filepath.Base(f.hdr), descr, f.h.Shape(), reftest.SHA256(f.data), f.h.BandNames(), wl, f.desc, r.Descr, r.Shape, r.SHA256, r.BandNames, r.Wavelength, desc)
		}
	}
}
