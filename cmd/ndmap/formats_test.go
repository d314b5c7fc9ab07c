package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ndmap/ndmap/layout"
)

// The fixtures of each format were written, and their manifests filled
// in, by the format's reference reader (mrcfile, nibabel, astropy,
// scipy, tifffile, spectral, neo): the tests below hold ndmap's output to
// what those readers said.

// readJSON decodes the manifest of one format's fixtures.
func readJSON(t *testing.T, rel string, v any) {
	t.Helper()
	b, err := os.ReadFile(td(rel))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", rel, err)
	}
}

// fixture is one good file of a format: where it is, what the reference
// reader read from it, and (for the manifests that list them all) its
// values flattened in C order.
type fixture struct {
	target string
	descr  string
	shape  []int
	values []json.RawMessage
	sha256 string            // of the data bytes in C order, when listed instead of values
	first  []json.RawMessage // the first values, with sha256
}

type valueManifest struct {
	Good []struct {
		File   string            `json:"file"`
		DType  string            `json:"dtype"`
		Shape  []int             `json:"shape"`
		Values []json.RawMessage `json:"values"`
		Packed int               `json:"packed"`
	} `json:"good"`
}

type hashManifest struct {
	Good []struct {
		File   string            `json:"file"`
		Data   string            `json:"data"`
		Descr  string            `json:"descr"`
		Shape  []int             `json:"shape"`
		SHA256 string            `json:"sha256"`
		First  []json.RawMessage `json:"first"`
	} `json:"good"`
}

type fitsManifest struct {
	Good []struct {
		File string `json:"file"`
		HDUs []struct {
			Index       int               `json:"index"`
			Name        string            `json:"name"`
			DType       string            `json:"dtype"`
			Shape       []int             `json:"shape"`
			Values      []json.RawMessage `json:"values"`
			Scaled      []json.RawMessage `json:"scaled"`
			ScaledDType string            `json:"scaled_dtype"`
			WCS         map[string]string `json:"wcs"`
		} `json:"hdus"`
	} `json:"good"`
}

type spikeglxManifest struct {
	Streams []struct {
		Bin        string    `json:"bin"`
		Descr      string    `json:"descr"`
		Shape      []int     `json:"shape"`
		SHA256     string    `json:"sha256"`
		SampleRate float64   `json:"sample_rate"`
		Names      []string  `json:"names"`
		Volts      []float64 `json:"volts"`
	} `json:"streams"`
	Bad []struct {
		Bin string `json:"bin"`
	} `json:"bad"`
}

// fToC reorders values listed in Fortran order into C order.
func fToC(values []json.RawMessage, shape []int) []json.RawMessage {
	out := make([]json.RawMessage, len(values))
	idx := make([]int, len(shape))
	for c := range values {
		// idx is the C-order multi-index of c; its Fortran-order position
		// is where the value was listed.
		f, stride := 0, 1
		for k := range shape {
			f += idx[k] * stride
			stride *= shape[k]
		}
		out[c] = values[f]
		for k := len(shape) - 1; k >= 0; k-- {
			idx[k]++
			if idx[k] < shape[k] {
				break
			}
			idx[k] = 0
		}
	}
	return out
}

// formatFixtures lists the good fixtures of every format.
func formatFixtures(t *testing.T) []fixture {
	t.Helper()
	var out []fixture
	var mrcM, niftiM, wavM valueManifest
	readJSON(t, "mrc/manifest.json", &mrcM)
	readJSON(t, "nifti/manifest.json", &niftiM)
	readJSON(t, "wav/manifest.json", &wavM)
	for _, g := range mrcM.Good {
		out = append(out, fixture{target: td("mrc/" + g.File), descr: g.DType, shape: g.Shape, values: g.Values})
	}
	for _, g := range niftiM.Good {
		if g.DType == "rgb" {
			continue // records of R, G, B: the manifest lists their bytes
		}
		out = append(out, fixture{target: td("nifti/" + g.File), descr: g.DType, shape: g.Shape, values: fToC(g.Values, g.Shape)})
	}
	for _, g := range wavM.Good {
		if g.Packed != 0 {
			continue // 24-bit samples are refused: see TestFormatRefusals
		}
		out = append(out, fixture{target: td("wav/" + g.File), descr: g.DType, shape: g.Shape, values: g.Values})
	}
	var fitsM fitsManifest
	readJSON(t, "fits/manifest.json", &fitsM)
	for _, g := range fitsM.Good {
		for _, h := range g.HDUs {
			if h.DType == "" {
				continue // no image
			}
			out = append(out, fixture{target: td("fits/"+g.File) + ":" + strconv.Itoa(h.Index), descr: h.DType, shape: h.Shape, values: h.Values})
		}
	}
	for _, f := range []string{"tiff", "envi"} {
		var m hashManifest
		readJSON(t, f+"/manifest.json", &m)
		for _, g := range m.Good {
			file := g.File
			if f == "envi" {
				file = g.Data
			}
			out = append(out, fixture{target: td(f + "/" + file), descr: g.Descr, shape: g.Shape, sha256: g.SHA256, first: g.First})
		}
	}
	var sm spikeglxManifest
	readJSON(t, "spikeglx/manifest.json", &sm)
	for _, s := range sm.Streams {
		out = append(out, fixture{target: td("spikeglx/" + s.Bin), descr: s.Descr, shape: s.Shape, sha256: s.SHA256})
	}
	return out
}

// Every fixture of every format shows the dtype, shape and values its
// reference reader read; converted to .npy and to raw bytes, it keeps
// them.
func TestFormatFixtures(t *testing.T) {
	dir := t.TempDir()
	for _, f := range formatFixtures(t) {
		t.Run(strings.TrimPrefix(f.target, testdata+string(filepath.Separator)), func(t *testing.T) {
			if f.values != nil {
				compareJSON(t, []string{f.target}, "'"+f.descr+"'", f.shape, map[string]json.RawMessage{"": mustJSON(t, f.values)})
			}
			if f.first != nil {
				j := showJSON(t, f.target)
				dt, err := layout.ParseTypeString(f.descr)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string][]any{}
				flatten(j.Data, len(f.shape), dt, got)
				for i, w := range f.first {
					if !sameNumber(got[""][i], w) {
						t.Errorf("value %d: %v, want %s", i, got[""][i], w)
					}
				}
			}
			raw := filepath.Join(dir, "out.raw")
			out := ok(t, "convert", f.target, raw)
			if !strings.Contains(out, "--dtype") {
				t.Errorf("convert to raw printed %q, not the flags to read it", out)
			}
			if f.sha256 != "" {
				b, err := os.ReadFile(raw)
				if err != nil {
					t.Fatal(err)
				}
				if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != f.sha256 {
					t.Errorf("the data bytes' SHA-256 is %x, the reference reader's %s", sum, f.sha256)
				}
			}
			// The .npy written holds the same array, and so does the raw
			// file read back with the flags convert printed.
			npy := filepath.Join(dir, "out.npy")
			ok(t, "convert", f.target, npy)
			want := ok(t, "show", "--json", f.target)
			if got := ok(t, "show", "--json", npy); got != want {
				t.Errorf("show --json of the converted .npy:\n%s\nof the file:\n%s", got, want)
			}
			flags := strings.Fields(strings.ReplaceAll(strings.TrimPrefix(out, raw+": read it with "), "'", ""))
			if got := ok(t, append(append([]string{"show", "--json"}, flags...), raw)...); got != want {
				t.Errorf("show --json of the raw file with %q:\n%s\nof the file:\n%s", flags, got, want)
			}
		})
	}
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sameNumber compares a value of show --json with a number as Python's
// json module wrote it: a JSON number, or [re, im].
func sameNumber(got any, want json.RawMessage) bool {
	var w any
	if json.Unmarshal(want, &w) != nil {
		return false
	}
	if ws, ok := w.([]any); ok {
		gs, ok := got.([]any)
		return ok && len(gs) == 2 && len(ws) == 2 && sameNumber(gs[0], mustRaw(ws[0])) && sameNumber(gs[1], mustRaw(ws[1]))
	}
	g, ok := got.(json.Number)
	if !ok {
		return false
	}
	if string(g) == strings.TrimSpace(string(want)) {
		return true
	}
	gf, err1 := strconv.ParseFloat(string(g), 64)
	wf, err2 := strconv.ParseFloat(strings.TrimSpace(string(want)), 64)
	return err1 == nil && err2 == nil && (gf == wf || float32(gf) == float32(wf))
}

func mustRaw(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// show --scaled gives the values the reference readers give for scaled
// data: astropy's for BSCALE and BZERO (and the unsigned-integer
// convention), nibabel's get_fdata for scl_slope and scl_inter, neo's
// volts for SpikeGLX gains.
func TestScaled(t *testing.T) {
	var fitsM fitsManifest
	readJSON(t, "fits/manifest.json", &fitsM)
	for _, g := range fitsM.Good {
		for _, h := range g.HDUs {
			if h.DType == "" {
				continue
			}
			target := td("fits/"+g.File) + ":" + strconv.Itoa(h.Index)
			t.Run(g.File+":"+h.Name, func(t *testing.T) {
				sdt, err := layout.ParseTypeString(h.ScaledDType)
				if err != nil {
					t.Fatal(err)
				}
				j := showJSON(t, "--scaled", target)
				if j.DType != "<f8" || !sameShape(j.Shape, h.Shape) {
					t.Fatalf("show --scaled: %s %v, want <f8 %v", j.DType, j.Shape, h.Shape)
				}
				got := map[string][]any{}
				flatten(j.Data, len(h.Shape), float64DType, got)
				for i, w := range h.Scaled {
					if !sameScaled(sdt, got[""][i], w) {
						t.Errorf("value %d: %v, astropy %s (%s)", i, got[""][i], w, h.ScaledDType)
					}
				}
			})
		}
	}

	var niftiM struct {
		Good []struct {
			File   string            `json:"file"`
			DType  string            `json:"dtype"`
			Shape  []int             `json:"shape"`
			Slope  string            `json:"slope"`
			Inter  string            `json:"inter"`
			Values []json.RawMessage `json:"values"`
		} `json:"good"`
	}
	readJSON(t, "nifti/manifest.json", &niftiM)
	for _, g := range niftiM.Good {
		if !strings.Contains(g.File, "scaled") {
			continue
		}
		t.Run(g.File, func(t *testing.T) {
			slope, _ := strconv.ParseFloat(g.Slope, 64)
			inter, _ := strconv.ParseFloat(g.Inter, 64)
			j := showJSON(t, "--scaled", td("nifti/"+g.File))
			got := map[string][]any{}
			flatten(j.Data, len(g.Shape), float64DType, got)
			for i, w := range fToC(g.Values, g.Shape) {
				x, _ := strconv.ParseFloat(string(w), 64)
				if want := x*slope + inter; !sameScaled(float64DType, got[""][i], mustRaw(want)) {
					t.Errorf("value %d: %v, nibabel %v", i, got[""][i], want)
				}
			}
		})
	}

	var sm spikeglxManifest
	readJSON(t, "spikeglx/manifest.json", &sm)
	for _, s := range sm.Streams {
		t.Run(filepath.Base(s.Bin), func(t *testing.T) {
			target := td("spikeglx/" + s.Bin)
			stored, scaled := showJSON(t, target), showJSON(t, "--scaled", target)
			rows, srows := stored.Data.([]any), scaled.Data.([]any)
			for i := range rows {
				for c, v := range s.Volts {
					x, _ := strconv.ParseFloat(string(rows[i].([]any)[c].(json.Number)), 64)
					y, _ := strconv.ParseFloat(string(srows[i].([]any)[c].(json.Number)), 64)
					if math.Abs(y-x*v) > 1e-12*math.Abs(x*v) {
						t.Fatalf("[%d, %d]: %v volts, neo's factor %v gives %v", i, c, y, v, x*v)
					}
				}
			}
			// Statistics of the scaled values are those of the values.
			st := statsOf(t, "--scaled", "--axis", "1", target)
			if len(st.Stats) != s.Shape[1] {
				t.Fatalf("stats --scaled --axis 1: %d rows, want %d", len(st.Stats), s.Shape[1])
			}
		})
	}

	// A file whose format stores no scale says so.
	for _, f := range []string{"mrc/int8_volume.mrc", "wav/int16_stereo.wav", "tiff/imagej_yx.tif", "npy/f8_1d.npy"} {
		args := []string{"show", "--scaled", td(f)}
		r := ndmap(t, args...)
		checkInputError(t, r, args, td(f))
		if !strings.Contains(r.stderr, "no scaling") {
			t.Errorf("%q: %s", args, r.stderr)
		}
	}
}

func sameShape(a, b []int) bool {
	return len(a) == len(b) && (len(a) == 0 || strings.EqualFold(layout.FormatShape(a), layout.FormatShape(b)))
}

// sameScaled compares a scaled value with a reference reader's, at the
// precision of the reader's dtype.
func sameScaled(dt layout.DType, got any, want json.RawMessage) bool {
	g, ok := got.(json.Number)
	if !ok {
		return false
	}
	gf, err := strconv.ParseFloat(string(g), 64)
	if err != nil {
		return false
	}
	var w any
	if json.Unmarshal(want, &w) != nil {
		return false
	}
	var wf float64
	switch v := w.(type) {
	case string:
		wf, err = strconv.ParseFloat(v, 64)
	case float64:
		wf = v
	}
	if err != nil {
		return false
	}
	if dt.Kind == layout.Float && dt.Size == 4 {
		return float32(gf) == float32(wf)
	}
	return gf == wf
}

// statsOf runs stats --json and decodes what it prints.
func statsOf(t *testing.T, args ...string) statsAxisOut {
	t.Helper()
	var s statsAxisOut
	out := ok(t, append([]string{"stats", "--json"}, args...)...)
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("stats --json %q: %v\n%s", args, err, out)
	}
	return s
}

// statsAxisOut is what stats --json prints, with or without --axis.
type statsAxisOut struct {
	DType string `json:"dtype"`
	Shape []int  `json:"shape"`
	statsJSON
	Stats []statsJSON `json:"stats"`
}

// info prints, besides the array, the metadata of each format's header
// that says what the numbers mean.
func TestFormatInfo(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"mrc/int8_volume.mrc", []string{"MRC file, mode 0", "voxel size  1.5 x 2 x 2.5 Å", "space group 1 (volume)", `"ndmap test fixture"`, "shape   (3, 4, 5)"}},
		{"mrc/float32_exthdr.mrc", []string{"extended header"}},
		{"nifti/int16_scaled.nii", []string{"NIfTI-1 file", "order   Fortran", "voxel size  2 x 2.5 x 3 x 1", "scl_slope 2.5, scl_inter -10"}},
		{"nifti/pair.img", []string{"NIfTI-1 pair, header in", "pair.hdr"}},
		{"nifti/nifti2.nii", []string{"NIfTI-2 file"}},
		{"fits/int16_wcs.fits", []string{"FITS file, 1 HDU", "CTYPE1   = 'RA---TAN'", "CRVAL1   = 150.25", "CDELT1   = -0.001"}},
		{"fits/scaled_int16.fits", []string{"BSCALE 0.5, BZERO 100"}},
		{"fits/extensions.fits", []string{"HDU 1 (SCI) is read", "2 CAT (BINTABLE, EXTVER 1)", "3 ERR (IMAGE, EXTVER 2)"}},
		{"fits/extensions.fits:ERR", []string{"HDU 3 (ERR) is read", "descr   '>i4'"}},
		{"fits/extensions.fits:3", []string{"HDU 3 (ERR) is read"}},
		{"wav/int16_stereo.wav", []string{"WAV file (RIFF), PCM", "sample rate 8000 Hz", "channels    2", "frames      50, 0.00625 s"}},
		{"wav/rf64_int16.wav", []string{"WAV file (RF64)"}},
		{"wav/extensible_float32.wav", []string{"IEEE float in WAVE_FORMAT_EXTENSIBLE", "channel mask"}},
		{"tiff/imagej_tzcyx.tif", []string{"TIFF file, imagej series", "axes       TZCYX", "channels=2"}},
		{"tiff/shaped_i2_be_bigtiff.tif", []string{"BigTIFF file, shaped series"}},
		{"envi/bil_f8.dat", []string{"ENVI raster, header", "interleave    bil", "bands         4"}},
		{"spikeglx/run_g0/run_g0_imec0/run_g0_t0.imec0.ap.bin", []string{"SpikeGLX imec0.ap stream", "sample rate 30000 Hz", "column 3, AP3: gain 500, 2.34375e-06 V per count", "column 8, SY0: digital word"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path, member, _ := strings.Cut(tt.file, ":")
			target := td(path)
			if member != "" {
				target += ":" + member
			}
			out := ok(t, "info", target)
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("info %s does not say %q:\n%s", tt.file, w, out)
				}
			}
		})
	}
	// The manifests' wavelengths and band names of ENVI images.
	var em struct {
		Good []struct {
			Data      string   `json:"data"`
			BandNames []string `json:"band_names"`
		} `json:"good"`
	}
	readJSON(t, "envi/manifest.json", &em)
	for _, g := range em.Good {
		if len(g.BandNames) == 0 {
			continue
		}
		out := ok(t, "info", td("envi/"+g.Data))
		if !strings.Contains(out, strings.Join(g.BandNames, ", ")) {
			t.Errorf("info %s does not list the bands %q:\n%s", g.Data, g.BandNames, out)
		}
	}
}

// Malformed files of every format, and files whose data cannot be mapped,
// give one line naming the file, for every command.
func TestFormatRefusals(t *testing.T) {
	var files []string
	for _, f := range []string{"mrc", "nifti", "fits", "wav", "tiff"} {
		var m struct {
			Bad []struct {
				File string `json:"file"`
			} `json:"bad"`
		}
		readJSON(t, f+"/manifest.json", &m)
		for _, b := range m.Bad {
			files = append(files, td(f+"/"+b.File))
		}
	}
	var em struct {
		Bad []struct {
			Data string `json:"data"`
		} `json:"bad"`
	}
	readJSON(t, "envi/manifest.json", &em)
	for _, b := range em.Bad {
		if p := td("envi/bad/" + b.Data); exists(p) {
			files = append(files, p)
		}
	}
	var sm spikeglxManifest
	readJSON(t, "spikeglx/manifest.json", &sm)
	for _, b := range sm.Bad {
		files = append(files, td("spikeglx/"+b.Bin))
	}
	files = append(files, td("wav/int24_stereo.wav"), td("nifti/pair.hdr"), td("envi/bil_f8.hdr"))
	out := filepath.Join(t.TempDir(), "out.npy")
	// HDUs of a FITS file that hold no image, or are not there.
	for _, hdu := range []string{"2", "CAT", "9", "NOPE"} {
		f := td("fits/extensions.fits") + ":" + hdu
		for _, args := range [][]string{{"info", f}, {"show", f}, {"stats", "--scaled", f}, {"convert", f, out}, {"refs", f}} {
			checkInputError(t, ndmap(t, args...), args, "extensions.fits")
		}
	}
	for _, f := range files {
		for _, args := range [][]string{
			{"info", f},
			{"show", f},
			{"stats", f},
			{"convert", f, out},
			{"refs", f},
		} {
			t.Run(filepath.Base(f)+"/"+args[0], func(t *testing.T) {
				// The message names the file at fault: the data file, or
				// the header or meta file beside it.
				stem := strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
				checkInputError(t, ndmap(t, args...), args, stem)
			})
		}
	}
	if exists(out) {
		t.Errorf("convert of a bad file left %s", out)
	}
}

// --format names the format of a file rather than letting its first bytes
// and name tell, and a file that is not in that format is refused.
func TestFormatFlag(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(td("mrc/int8_volume.mrc"))
	if err != nil {
		t.Fatal(err)
	}
	anon := filepath.Join(dir, "volume.dat")
	if err := os.WriteFile(anon, b, 0o644); err != nil {
		t.Fatal(err)
	}
	want := ok(t, "show", "--json", td("mrc/int8_volume.mrc"))
	for _, args := range [][]string{{anon}, {"--format", "mrc", anon}} {
		if got := ok(t, append([]string{"show", "--json"}, args...)...); got != want {
			t.Errorf("show %q:\n%s\nwant:\n%s", args, got, want)
		}
	}
	if out := ok(t, "info", "--format", "mrc", anon); !strings.Contains(out, "MRC file") {
		t.Errorf("info --format mrc:\n%s", out)
	}
	for _, args := range [][]string{
		{"show", "--format", "fits", td("npy/f8_1d.npy")},
		{"show", "--format", "npy", anon},
		{"info", "--format", "npz", anon},
		{"stats", "--format", "wav", anon},
	} {
		checkInputError(t, ndmap(t, args...), args, filepath.Base(args[len(args)-1]))
	}
	for _, args := range [][]string{
		{"show", "--format", "jpeg", anon},
		{"show", "--format", "mrc", "--dtype", "<f4", anon},
		{"refs", "--chunk-rows", "-1", anon},
	} {
		if r := ndmap(t, args...); r.code != 2 || !strings.Contains(r.stderr, "usage:") {
			t.Errorf("ndmap %q: exit %d, stderr:\n%s", args, r.code, r.stderr)
		}
	}
}
