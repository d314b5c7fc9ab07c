package array

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/header/envi"
	"github.com/ndmap/ndmap/header/fits"
	"github.com/ndmap/ndmap/header/mrc"
	"github.com/ndmap/ndmap/header/nifti"
	"github.com/ndmap/ndmap/header/wav"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// statsOf returns the statistics of vals as an MRC header holds them.
func statsOf(vals []float64) mrc.Stats {
	mn, mx, sum := math.Inf(1), math.Inf(-1), 0.0
	for _, x := range vals {
		mn, mx, sum = min(mn, x), max(mx, x), sum+x
	}
	mean := sum / float64(len(vals))
	var ss float64
	for _, x := range vals {
		ss += (x - mean) * (x - mean)
	}
	return mrc.Stats{Min: float32(mn), Max: float32(mx), Mean: float32(mean), RMS: float32(math.Sqrt(ss / float64(len(vals))))}
}

// ramp returns n values that are exact in every type the tests write.
func ramp(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(i%97) - 40
	}
	return out
}

// fill writes ramp values into every element of a.
func fill[T Real](t *testing.T, a *Array[T]) []T {
	t.Helper()
	vals := make([]T, a.Size())
	for i, x := range ramp(a.Size()) {
		vals[i] = T(x)
	}
	if _, err := a.CopyFrom(vals); err != nil {
		t.Fatal(err)
	}
	return vals
}

// reopen opens the file at path by path alone and returns its format and
// its elements in C order.
func reopen[T Real](t *testing.T, path string) (string, []int, []T) {
	t.Helper()
	a, err := Open[T](path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	out := make([]T, a.Size())
	a.CopyTo(out)
	return a.Format(), a.Shape(), out
}

// Create with Format makes a file of each format that opens by path as that
// format, with the values written; MRC files get their statistics at Close.
func TestCreateFormatOption(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		format, name string
		shape        []int
	}{
		{"mrc", "v.mrc", []int{3, 4, 5}},
		{"nifti", "v.nii", []int{5, 4, 3}},
		{"fits", "v.fits", []int{3, 4, 7}},
		{"envi", "v.img", []int{2, 3, 4}},
		{"npy", "v.npy", []int{2, 3}},
	} {
		path := filepath.Join(dir, c.name)
		a, err := Create[float32](path, c.shape, Format(c.format))
		if err != nil {
			t.Fatalf("%s: %v", c.format, err)
		}
		if a.Format() != c.format {
			t.Errorf("%s: made as %q", c.format, a.Format())
		}
		want := fill(t, a)
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		format, shape, got := reopen[float32](t, path)
		if format != c.format || !cmp.Equal(shape, c.shape) || !cmp.Equal(got, want) {
			t.Errorf("%s: reopened as %q %v %v, want %v %v", c.format, format, shape, got, c.shape, want)
		}
	}
	h, err := mrc.ReadFile(filepath.Join(dir, "v.mrc"))
	if err != nil {
		t.Fatal(err)
	}
	if want := statsOf(ramp(60)); h.Stats != want {
		t.Errorf("MRC statistics %+v, want %+v", h.Stats, want)
	}
	if fi, err := os.Stat(filepath.Join(dir, "v.fits")); err != nil || fi.Size()%fits.BlockSize != 0 {
		t.Errorf("FITS file of %d bytes, not whole blocks (%v)", fi.Size(), err)
	}
	if _, err := envi.ReadFile(filepath.Join(dir, "v.hdr")); err != nil {
		t.Errorf("ENVI header: %v", err)
	}

	// Big-endian data, as FITS stores it, through CreateFile.
	f, err := CreateFile(filepath.Join(dir, "i.fits"), header.Header{DType: layout.Int16, Shape: []int{4}}, Format("fits"))
	if err != nil {
		t.Fatal(err)
	}
	if dt := f.Header().DType; dt.Order != layout.BigEndian {
		t.Errorf("FITS dtype %v", dt)
	}
	f.Close()

	for format, want := range map[string]string{
		"wav":      "sample rate",
		"tiff":     "read, not created",
		"spikeglx": "read, not created",
		"png":      "no format",
	} {
		path := filepath.Join(dir, "x."+format)
		if _, err := Create[int16](path, []int{4, 2}, Format(format)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Format(%q): %v, want an error saying %q", format, err, want)
		}
		if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("Format(%q) left a file: %v", format, err)
		}
	}
	if _, err := Create[float32](filepath.Join(dir, "x.img"), []int{4, 2}, Format("envi")); err == nil || !strings.Contains(err.Error(), "three axes") {
		t.Errorf("2-d ENVI: %v", err)
	}
	if _, err := Create[uint8](filepath.Join(dir, "x.mrc"), []int{4, 2}, Format("mrc")); err == nil || !strings.HasPrefix(err.Error(), "create ") {
		t.Errorf("uint8 MRC: %v", err)
	}
}

// createdFiles makes one file of each format with metadata, filled with
// ramp values, and returns them with what they should read back as.
type createdFile struct {
	format, path string
	dtype        string // as the reference reader reports it
	shape        []int
	values       []float64 // C order of shape
}

func createFiles(t *testing.T, dir string) []createdFile {
	t.Helper()
	var out []createdFile
	add := func(format, path string, f *File, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		u := f.Items()
		vals := ramp(u.Size())
		switch f.Header().DType.Kind {
		case layout.Float:
			v, _ := As[float32](u)
			CopyFrom32(t, v, vals)
		default:
			v, _ := As[int16](u)
			buf := make([]int16, len(vals))
			for i, x := range vals {
				buf[i] = int16(x)
			}
			if _, err := v.CopyFrom(buf); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		out = append(out, createdFile{format, path, f.Header().DType.TypeString(), f.Header().Shape, vals})
	}

	m, _ := mrc.New(layout.Float32, []int{4, 5, 6})
	m.SetVoxelSize(1.5, 2, 2.5)
	m.Labels = []string{"made by ndmap"}
	p := filepath.Join(dir, "stack.mrcs")
	f, err := CreateFormatFile(p, m)
	add("mrc", p, f, err)

	n, _ := nifti.New(layout.Int16, []int{4, 3, 2})
	n.PixDim[1], n.PixDim[2], n.PixDim[3] = 2, 2.5, 3
	n.Scale = header.Scale{Slope: 0.5, Inter: 10}
	p = filepath.Join(dir, "scan.nii")
	f, err = CreateFormatFile(p, n)
	add("nifti", p, f, err)

	pair, _ := nifti.New(layout.Float32, []int{3, 2})
	pair.Pair, pair.Array.DataOffset = true, 0
	p = filepath.Join(dir, "pair.img")
	f, err = CreateFormatFile(p, pair)
	add("nifti", p, f, err)

	be := layout.Int16
	be.Order = layout.BigEndian
	h, _ := fits.New(be, []int{3, 5})
	h.Scale = header.Scale{Slope: 2, Inter: 100}
	h.Cards = []fits.Card{{Key: "CTYPE1", Value: "RA---TAN", Quoted: true}, {Key: "CRVAL1", Value: "150.25"}}
	p = filepath.Join(dir, "image.fits")
	f, err = CreateFormatFile(p, h)
	add("fits", p, f, err)

	e, _ := envi.New(layout.Float32, []int{3, 2, 4}, envi.BIL)
	e.SetList("band names", "red", "green", "blue")
	p = filepath.Join(dir, "cube.dat")
	f, err = CreateFormatFile(p, e)
	add("envi", p, f, err)

	w, _ := wav.New(layout.Int16, 2, 25, 8000)
	p = filepath.Join(dir, "sound.wav")
	f, err = CreateFormatFile(p, w)
	add("wav", p, f, err)

	w3, _ := wav.New(layout.Float32, 3, 7, 44100)
	p = filepath.Join(dir, "odd.wav")
	a, err := CreateFormat[float32](p, w3)
	if err != nil {
		t.Fatal(err)
	}
	add("wav", p, a.File, nil)
	return out
}

// CopyFrom32 writes vals into v as float32s.
func CopyFrom32(t *testing.T, v View[float32], vals []float64) {
	t.Helper()
	buf := make([]float32, len(vals))
	for i, x := range vals {
		buf[i] = float32(x)
	}
	if _, err := v.CopyFrom(buf); err != nil {
		t.Fatal(err)
	}
}

// Files made from a format's header carry its metadata and open by path.
func TestCreateFormat(t *testing.T) {
	dir := t.TempDir()
	for _, c := range createFiles(t, dir) {
		f, err := OpenFile(c.path, mmap.ReadOnly)
		if err != nil {
			t.Fatal(err)
		}
		if f.Format() != c.format || !cmp.Equal(f.Header().Shape, c.shape) || !cmp.Equal(storedCOrder(t, f), c.values) {
			t.Errorf("%s: reopened as %q %v", c.path, f.Format(), f.Header().Shape)
		}
		f.Close()
	}
	m, err := mrc.ReadFile(filepath.Join(dir, "stack.mrcs"))
	if err != nil {
		t.Fatal(err)
	}
	if m.VoxelSize() != [3]float64{1.5, 2, 2.5} || m.Stats != statsOf(ramp(120)) || !cmp.Equal(m.Labels, []string{"made by ndmap"}) {
		t.Errorf("MRC header: voxel %v, stats %+v, labels %q", m.VoxelSize(), m.Stats, m.Labels)
	}
	n, data, err := nifti.ReadFile(filepath.Join(dir, "pair.img"))
	if err != nil || !n.Pair || data != filepath.Join(dir, "pair.img") {
		t.Errorf("NIfTI pair: %v, %v", n, err)
	}
	w, err := wav.ReadFile(filepath.Join(dir, "odd.wav"))
	if err != nil || w.SampleRate != 44100 {
		t.Fatal(w, err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "odd.wav")); fi.Size() != w.Array.DataOffset+w.Array.DataSize() {
		t.Errorf("odd.wav is %d bytes", fi.Size())
	}

	// Headers that cannot make a file, and a T that is not the header's.
	m2, _ := mrc.New(layout.Float32, []int{2, 2})
	if _, err := CreateFormat[int16](filepath.Join(dir, "x.mrc"), m2); !errors.Is(err, ErrType) {
		t.Errorf("CreateFormat[int16] of float32: %v", err)
	}
	e, _ := envi.New(layout.Uint8, []int{1, 2, 2}, envi.BSQ)
	if _, err := CreateFormatFile(filepath.Join(dir, "x.hdr"), e); err == nil {
		t.Error("an ENVI data file named .hdr was made")
	}
	pair, _ := nifti.New(layout.Uint8, []int{2})
	pair.Pair, pair.Array.DataOffset = true, 0
	if _, err := CreateFormatFile(filepath.Join(dir, "x.nii"), pair); err == nil || !strings.Contains(err.Error(), ".img") {
		t.Errorf("a NIfTI pair as .nii: %v", err)
	}
	for _, name := range []string{"x.mrc", "x.hdr", "x.nii"} {
		if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left behind", name)
		}
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("CreateFormatFile with a header.Header did not panic")
			}
		}()
		CreateFormatFile(filepath.Join(dir, "y"), badHeader{})
	}()
}

type badHeader struct{}

func (badHeader) Encode() ([]byte, error) { return nil, nil }

// storedCOrder returns the elements of f as float64s in C order of its
// shape.
func storedCOrder(t *testing.T, f *File) []float64 {
	t.Helper()
	u := f.Items()
	switch f.Header().DType.Kind {
	case layout.Float:
		v, _ := As[float32](u)
		out := make([]float64, v.Size())
		CopyScaled(out, v, header.Scale{Slope: 1})
		return out
	default:
		v, _ := As[int16](u)
		out := make([]float64, v.Size())
		CopyScaled(out, v, header.Scale{Slope: 1})
		return out
	}
}

// SkipStats leaves an MRC file's statistics unknown, as mrc.New makes them.
func TestCreateSkipStats(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.mrc")
	a, err := Create[int16](path, []int{2, 3}, Format("mrc"), SkipStats())
	if err != nil {
		t.Fatal(err)
	}
	fill(t, a)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	h, err := mrc.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if h.Stats != mrc.UnknownStats() {
		t.Errorf("stats %+v, want unknown", h.Stats)
	}
}

// readCreated prints what the reference readers read from each argument
// format:path: the dtype, shape and values (stored, in C order), and the
// metadata the test set.
const readCreated = `
import io, json, sys, os, warnings
import numpy as np
warnings.simplefilter("error")
out = []
for arg in sys.argv[1:]:
    fmt, path = arg.split(":", 1)
    r = {}
    if fmt == "mrc":
        import mrcfile
        r["valid"] = mrcfile.validate(path, print_file=io.StringIO())
        with mrcfile.open(path) as m:
            d = m.data.copy()
            r["meta"] = [float(x) for x in m.voxel_size.item()] + [float(m.header.dmin), float(m.header.dmax), float(m.header.dmean)]
    elif fmt == "nifti":
        import nibabel
        img = nibabel.load(path)
        d = np.asanyarray(img.dataobj.get_unscaled())
        r["meta"] = [float(x) for x in img.header.get_zooms()] + [float(img.dataobj.slope), float(img.dataobj.inter)]
        r["scaled"] = [float(x) for x in img.get_fdata().ravel()]
    elif fmt == "fits":
        from astropy.io import fits
        with fits.open(path) as hl:
            hl.verify("exception")
            h = hl[0].header
            r["meta"] = [h["CTYPE1"], str(h["CRVAL1"])]
            r["scaled"] = [float(x) for x in hl[0].data.ravel()]
        with fits.open(path, do_not_scale_image_data=True) as hl:
            d = hl[0].data.copy()
    elif fmt == "envi":
        import spectral.io.envi as envi
        img = envi.open(os.path.splitext(path)[0] + ".hdr", path)
        d = np.array(img.open_memmap(interleave="source"))
        r["meta"] = img.metadata["band names"] + [img.metadata["interleave"]]
    elif fmt == "wav":
        from scipy.io import wavfile
        rate, d = wavfile.read(path)
        r["meta"] = [str(rate)]
    r.update(dtype=d.dtype.str, shape=list(d.shape), values=[float(x) for x in d.ravel()])
    out.append(r)
json.dump(out, sys.stdout)
`

// Files made from a format's header open in the format's reference reader
// with the values written and the metadata set.
func TestCreateFormatReaders(t *testing.T) {
	py := requireReaders(t, "numpy", "mrcfile", "nibabel", "astropy", "spectral", "scipy")
	dir := t.TempDir()
	files := createFiles(t, dir)
	var args []string
	for _, c := range files {
		args = append(args, c.format+":"+c.path)
	}
	var got []struct {
		Valid  *bool     `json:"valid"`
		DType  string    `json:"dtype"`
		Shape  []int     `json:"shape"`
		Values []float64 `json:"values"`
		Scaled []float64 `json:"scaled"`
		Meta   []any     `json:"meta"`
	}
	runPython(t, py, readCreated, &got, args...)
	wantMeta := map[string][]any{
		"stack.mrcs": {1.5, 2.0, 2.5, -40.0, 56.0, float64(statsOf(ramp(120)).Mean)},
		"scan.nii":   {2.0, 2.5, 3.0, 0.5, 10.0},
		"pair.img":   {1.0, 1.0, 1.0, 0.0},
		"image.fits": {"RA---TAN", "150.25"},
		"cube.dat":   {"red", "green", "blue", "bil"},
		"sound.wav":  {"8000"},
		"odd.wav":    {"44100"},
	}
	for i, c := range files {
		g := got[i]
		name := filepath.Base(c.path)
		if g.DType != c.dtype || !cmp.Equal(g.Shape, c.shape) || !cmp.Equal(g.Values, c.values) {
			t.Errorf("%s: reader has %s %v %v, want %s %v %v", name, g.DType, g.Shape, g.Values, c.dtype, c.shape, c.values)
		}
		if !cmp.Equal(g.Meta, wantMeta[name]) {
			t.Errorf("%s: metadata %v, want %v", name, g.Meta, wantMeta[name])
		}
		if g.Valid != nil && !*g.Valid {
			t.Errorf("%s: mrcfile.validate fails", name)
		}
		if g.Scaled != nil {
			// The reader's scaled values are the stored ones through the
			// scale the header was given.
			s := map[string]header.Scale{"scan.nii": {Slope: 0.5, Inter: 10}, "image.fits": {Slope: 2, Inter: 100}}[name]
			if s.Slope == 0 {
				s.Slope = 1
			}
			f, err := OpenFile(c.path, mmap.ReadOnly)
			if err != nil {
				t.Fatal(err)
			}
			want := make([]float64, f.Items().Size())
			if f.Header().DType.Kind == layout.Float {
				CopyScaled(want, mustAs[float32](t, f.Items()), s)
			} else {
				CopyScaled(want, mustAs[int16](t, f.Items()), s)
			}
			f.Close()
			if !cmp.Equal(g.Scaled, want) {
				t.Errorf("%s: reader's scaled values %v, CopyScaled's %v", name, g.Scaled, want)
			}
		}
	}
}

// A WAV file whose samples pass 4 GiB is made as RF64, which soundfile
// reads. The file is sparse: only its ends are written.
func TestCreateWAVRF64(t *testing.T) {
	if testing.Short() {
		t.Skip("makes a sparse file of 4 GiB")
	}
	if strconv.IntSize == 32 || runtime.GOOS == "windows" {
		t.Skip("needs a 64-bit address space and sparse files")
	}
	const frames = 1<<30 + 3 // of two int16 samples: 4 GiB and 12 bytes
	w, err := wav.New(layout.Int16, 2, frames, 48000)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "long.wav")
	a, err := CreateFormat[int16](path, w)
	if err != nil {
		t.Fatal(err)
	}
	last := []int16{1, -2, 3, -4, 5, -6}
	if _, err := a.Slice(From(frames - 3)).CopyFrom(last); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	h, err := wav.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if h.Container != "RF64" || h.Frames != frames {
		t.Errorf("container %s, %d frames", h.Container, h.Frames)
	}
	b, err := Open[int16](path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]int16, 6)
	b.Slice(From(frames - 3)).CopyTo(got)
	b.Close()
	if !cmp.Equal(got, last) {
		t.Errorf("last frames %v, want %v", got, last)
	}

	py := requireReaders(t, "numpy", "soundfile")
	var sf []struct {
		Frames   int64     `json:"frames"`
		Rate     int       `json:"rate"`
		Channels int       `json:"channels"`
		Last     []float64 `json:"last"`
	}
	runPython(t, py, `
import json, sys
import soundfile
info = soundfile.info(sys.argv[1])
d, rate = soundfile.read(sys.argv[1], start=info.frames - 3, dtype="int16")
json.dump([{"frames": info.frames, "rate": rate, "channels": info.channels, "last": [float(x) for x in d.ravel()]}], sys.stdout)
`, &sf, path)
	if s := sf[0]; s.Frames != frames || s.Rate != 48000 || s.Channels != 2 || !cmp.Equal(s.Last, []float64{1, -2, 3, -4, 5, -6}) {
		t.Errorf("soundfile reads %+v", s)
	}
}
