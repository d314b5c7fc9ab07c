package array

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/header/fits"
	"github.com/ndmap/ndmap/header/nifti"
	"github.com/ndmap/ndmap/header/spikeglx"
	"github.com/ndmap/ndmap/mmap"
)

// scaledOf opens the file at path as T and reads it through CopyScaled
// with s, as F.
func scaledOf[F Float, T Real](t *testing.T, path string, s header.Scale) []F {
	t.Helper()
	a, err := Open[T](path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	out := make([]F, a.Size())
	if n := CopyScaled(out, a.View, s); n != a.Size() {
		t.Fatalf("CopyScaled copied %d of %d", n, a.Size())
	}
	return out
}

// FITS data read as scaled floats is astropy's scaled data: float64 where
// astropy computes in float64, and where it computes in float32 (BITPIX 8
// and 16 with BSCALE) the same float32 values.
func TestCopyScaledFITS(t *testing.T) {
	var m struct {
		Good []struct {
			File string `json:"file"`
			HDUs []struct {
				DType       string            `json:"dtype"`
				ScaledDType string            `json:"scaled_dtype"`
				Scaled      []json.RawMessage `json:"scaled"`
			} `json:"hdus"`
		} `json:"good"`
	}
	readFormatManifest(t, "fits", &m)
	checked := 0
	for _, e := range m.Good {
		h := e.HDUs[0]
		if h.DType == "" {
			continue
		}
		path := fixture("fits/" + e.File)
		ff, err := fits.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		s := ff.HDUs[0].Scale
		want := manifestFloats(t, h.Scaled)
		var got []float64
		switch h.DType {
		case "|u1":
			got = widen(scaledOf[float64, uint8](t, path, s))
		case ">i2":
			got = widen(scaledOf[float64, int16](t, path, s))
			if h.ScaledDType == "<f4" {
				got = widen(scaledOf[float32, int16](t, path, s))
			}
		case ">i4":
			got = widen(scaledOf[float64, int32](t, path, s))
		case ">i8":
			got = widen(scaledOf[float64, int64](t, path, s))
		case ">f4":
			got = widen(scaledOf[float32, float32](t, path, s))
		case ">f8":
			got = widen(scaledOf[float64, float64](t, path, s))
		default:
			t.Fatalf("%s: dtype %s", e.File, h.DType)
		}
		if !cmp.Equal(got, want) {
			t.Errorf("%s scaled by %+v: %v, want astropy's %v (%s)", e.File, s, got, want, h.ScaledDType)
		}
		checked++
	}
	if checked < 8 {
		t.Errorf("checked %d FITS files", checked)
	}
}

func widen[F Float](x []F) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

// NIfTI voxels read as scaled floats are slope*x + inter in float64, in
// nibabel's axes (C order of the Fortran-ordered view), big-endian data
// included.
func TestCopyScaledNIfTI(t *testing.T) {
	for _, name := range []string{"int16_scaled.nii", "int16_big_endian_scaled.nii"} {
		path := fixture("nifti/" + name)
		h, _, err := nifti.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if h.Scale.Identity() {
			t.Fatalf("%s: no scaling", name)
		}
		a, err := Open[int16](path, mmap.ReadOnly)
		if err != nil {
			t.Fatal(err)
		}
		got := make([]float64, a.Size())
		CopyScaled(got, a.View, h.Scale)
		stored := make([]int16, a.Size())
		a.CopyTo(stored)
		for i, x := range stored {
			if want := float64(x)*h.Scale.Slope + h.Scale.Inter; got[i] != want {
				t.Errorf("%s[%d] = %v, want %v", name, i, got[i], want)
			}
		}
		a.Close()
	}
}

// SpikeGLX channels read as volts: one column with its own scale, and
// every column at once with CopyScaledColumns, strided as they are in the
// file.
func TestCopyScaledSpikeGLX(t *testing.T) {
	bin := fixture("spikeglx/run_g0/run_g0_imec0/run_g0_t0.imec0.ap.bin")
	meta, err := spikeglx.ReadFile(filepath.Join(filepath.Dir(bin), "run_g0_t0.imec0.ap.meta"))
	if err != nil {
		t.Fatal(err)
	}
	volts, err := meta.VoltsPerCount()
	if err != nil {
		t.Fatal(err)
	}
	a, err := Open[int16](bin, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	rows, cols := a.Shape()[0], a.Shape()[1]
	scales := make([]header.Scale, cols)
	for j, v := range volts {
		scales[j] = header.Scale{Slope: v}
	}
	all := make([]float64, a.Size())
	CopyScaledColumns(all, a.View, scales)
	col := make([]float32, rows)
	for j := range cols {
		CopyScaled(col, a.Slice(All, Idx(j)), scales[j])
		for i := range rows {
			want := float64(a.At(i, j)) * volts[j]
			if all[i*cols+j] != want || col[i] != float32(want) {
				t.Fatalf("[%d, %d]: %v and %v, want %v", i, j, all[i*cols+j], col[i], want)
			}
		}
	}
	// A block of rows, backwards: the columns keep their scales.
	back := a.Slice(Range(3, 9).By(-1))
	got := make([]float64, back.Size())
	CopyScaledColumns(got, back, scales)
	for k, x := range got {
		i, j := 8-k/cols, k%cols
		if want := float64(a.At(i, j)) * volts[j]; x != want {
			t.Fatalf("backwards [%d, %d] = %v, want %v", i, j, x, want)
		}
	}
}

// The scaled copies allocate nothing, and panic on misuse.
func TestCopyScaledMisuse(t *testing.T) {
	a, err := Open[int16](fixture("nifti/int16_big_endian_scaled.nii"), mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	dst := make([]float64, a.Size())
	scales := []header.Scale{{Slope: 1}, {Slope: 2}}
	if n := testing.AllocsPerRun(10, func() {
		CopyScaled(dst, a.View, header.Scale{Slope: 2, Inter: 1})
		CopyScaledColumns(dst, a.View, scales)
	}); n != 0 {
		t.Errorf("%v allocations", n)
	}
	for name, fn := range map[string]func(){
		"short dst":   func() { CopyScaled(dst[:3], a.View, header.Scale{Slope: 1}) },
		"scales":      func() { CopyScaledColumns(dst, a.View, scales[:1]) },
		"0-d columns": func() { CopyScaledColumns(dst, a.Index(0).Index(0).Index(0), nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", name)
				}
			}()
			fn()
		}()
	}
}

// requireReaders returns /usr/bin/python3 if it can import every module,
// and otherwise skips the test, or fails it under CI=true, where the
// reference readers are installed.
func requireReaders(t *testing.T, modules ...string) string {
	t.Helper()
	const py = "/usr/bin/python3"
	for _, m := range modules {
		if exec.Command(py, "-c", "import "+m).Run() != nil {
			if ciUnix() {
				t.Fatalf("%s is required when CI=true: %s cannot import it", m, py)
			}
			t.Skipf("no %s for %s", m, py)
		}
	}
	return py
}

// ciUnix reports whether the tests run in CI on a system with Python: CI
// runs them under Wine too, where there is none.
func ciUnix() bool { return os.Getenv("CI") == "true" && runtime.GOOS != "windows" }

// runPython runs script with args and decodes the JSON it prints into v.
func runPython(t *testing.T, py, script string, v any, args ...string) {
	t.Helper()
	cmd := exec.Command(py, append([]string{"-c", script}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("python: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("python: %v", err)
	}
	if err := json.Unmarshal(out, v); err != nil {
		t.Fatalf("python output: %v\n%s", err, out)
	}
}

// scaledByReaders prints, for each argument format:path, the scaled values
// its reference reader gives, in C order, as float64.
const scaledByReaders = `
import json, sys, os
import numpy as np
out = []
for arg in sys.argv[1:]:
    fmt, path = arg.split(":", 1)
    if fmt == "nifti":
        import nibabel
        v = nibabel.load(path).get_fdata()
    elif fmt == "fits":
        from astropy.io import fits
        v = fits.getdata(path)
    elif fmt == "spikeglx":
        from neo.rawio import SpikeGLXRawIO
        r = SpikeGLXRawIO(dirname=os.path.dirname(path), load_sync_channel=False)
        r.parse_header()
        for si, s in enumerate(r.header["signal_streams"]):
            if os.path.samefile(r.signals_info_dict[0, s["id"]]["bin_file"], path):
                raw = r.get_analogsignal_chunk(0, 0, None, None, si, None)
                v = r.rescale_signal_raw_to_float(raw, dtype="float64", stream_index=si)
                if r.header["signal_channels"][r.header["signal_channels"]["stream_id"] == s["id"]]["units"][0] == "uV":
                    v = v * 1e-6
    out.append({"dtype": v.dtype.str, "shape": list(v.shape), "values": [float(x) for x in np.ravel(v)]})
json.dump(out, sys.stdout)
`

// Scaled values equal those the reference readers give: nibabel's
// get_fdata, astropy's getdata and neo's rescaled signals (which leave
// out the sync word).
func TestCopyScaledReaders(t *testing.T) {
	py := requireReaders(t, "numpy", "nibabel", "astropy", "neo")
	cases := []struct {
		format, file string
	}{
		{"nifti", "nifti/int16_scaled.nii"},
		{"nifti", "nifti/int16_big_endian_scaled.nii"},
		{"nifti", "nifti/float32.nii"},
		{"fits", "fits/scaled_int32.fits"},
		{"fits", "fits/uint16.fits"},
		{"fits", "fits/uint32.fits"},
		{"spikeglx", "spikeglx/run_g0/run_g0_imec0/run_g0_t0.imec0.ap.bin"},
		{"spikeglx", "spikeglx/run_g0/run_g0_imec1/run_g0_t0.imec1.ap.bin"},
		{"spikeglx", "spikeglx/run_g0/run_g0_t0.nidq.bin"},
	}
	var args []string
	for _, c := range cases {
		args = append(args, c.format+":"+fixture(c.file))
	}
	var want []struct {
		DType  string    `json:"dtype"`
		Shape  []int     `json:"shape"`
		Values []float64 `json:"values"`
	}
	runPython(t, py, scaledByReaders, &want, args...)
	for i, c := range cases {
		path := fixture(c.file)
		var got []float64
		var shape []int
		switch c.format {
		case "nifti":
			h, _, err := nifti.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, shape = scaledFile(t, path, []header.Scale{h.Scale}, 0)
		case "fits":
			ff, err := fits.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, shape = scaledFile(t, path, []header.Scale{ff.HDUs[0].Scale}, 0)
		case "spikeglx":
			meta, err := spikeglx.ReadFile(path[:len(path)-len(".bin")] + ".meta")
			if err != nil {
				t.Fatal(err)
			}
			volts, err := meta.VoltsPerCount()
			if err != nil {
				t.Fatal(err)
			}
			scales := make([]header.Scale, len(volts))
			for j, v := range volts {
				scales[j] = header.Scale{Slope: v}
			}
			got, shape = scaledFile(t, path, scales, 1) // neo leaves out the sync word
		}
		w := want[i]
		if !cmp.Equal(shape, w.Shape) {
			t.Errorf("%s: shape %v, want %v", c.file, shape, w.Shape)
		}
		tol := 0.0
		if c.format == "spikeglx" {
			tol = 1e-15 // neo's gains are in microvolts, scaled to volts here
		}
		if !cmp.Equal(got, w.Values, cmp.Comparer(func(a, b float64) bool {
			return a == b || math.Abs(a-b) <= tol*math.Max(math.Abs(a), math.Abs(b))
		})) {
			t.Errorf("%s: %v, want %v", c.file, got, w.Values)
		}
	}
}

// scaledFile reads the file at path as scaled float64s with one scale or
// one per column, leaving out the last drop columns.
func scaledFile(t *testing.T, path string, s []header.Scale, drop int) ([]float64, []int) {
	t.Helper()
	f, err := OpenFile(path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []float64
	var shape []int
	read := func(v interface {
		Shape() []int
		Size() int
	}, copyTo func([]float64)) {
		shape = v.Shape()
		out = make([]float64, v.Size())
		copyTo(out)
	}
	u := f.Items()
	switch dt := f.Header().DType; dt.TypeString() {
	case "<i2", ">i2":
		v, _ := As[int16](u)
		if drop > 0 {
			v = v.Slice(All, To(v.Shape()[1]-drop))
			s = s[:len(s)-drop]
		}
		read(v, func(dst []float64) { copyScaledAny(dst, v, s) })
	case ">i4", "<i4":
		v, _ := As[int32](u)
		read(v, func(dst []float64) { copyScaledAny(dst, v, s) })
	case "<f4", ">f4":
		v, _ := As[float32](u)
		read(v, func(dst []float64) { copyScaledAny(dst, v, s) })
	default:
		t.Fatalf("%s: dtype %s", path, dt)
	}
	return out, shape
}

func copyScaledAny[T Real](dst []float64, v View[T], s []header.Scale) {
	if len(s) == 1 {
		CopyScaled(dst, v, s[0])
		return
	}
	CopyScaledColumns(dst, v, s)
}
