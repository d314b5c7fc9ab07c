package array

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/header/fits"
	"github.com/ndmap/ndmap/header/wav"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// formatFixture is one fixture of a format, with what its reference reader
// reports about it (testdata/<format>/manifest.json).
type formatFixture struct {
	format string
	path   string
	descr  string // "" where the reader's dtype has no descr to compare (NIfTI RGB)
	shape  []int
	offset int64 // -1 when the manifest does not say
	values []float64
	sha256 string // of the data bytes, where the manifest gives it instead of values
	err    error  // the error it must give instead, where it is refused
}

// errRefused stands for any error in formatFixture.err.
var errRefused = errors.New("refused")

// readFormatManifest decodes testdata/<format>/manifest.json into v.
func readFormatManifest(t *testing.T, format string, v any) {
	t.Helper()
	b, err := os.ReadFile(fixture(filepath.Join(format, "manifest.json")))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s manifest: %v", format, err)
	}
}

// manifestFloats flattens the values of a manifest into float64s: numbers,
// numbers written as strings (floats, kept exact), and pairs of them
// (complex items).
func manifestFloats(t *testing.T, raw []json.RawMessage) []float64 {
	t.Helper()
	var out []float64
	for _, r := range raw {
		var pair []json.RawMessage
		if json.Unmarshal(r, &pair) == nil {
			out = append(out, manifestFloats(t, pair)...)
			continue
		}
		var s string
		if json.Unmarshal(r, &s) == nil {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, x)
			continue
		}
		var x float64
		if err := json.Unmarshal(r, &x); err != nil {
			t.Fatal(err)
		}
		out = append(out, x)
	}
	return out
}

// formatFixtures returns every good fixture of the seven formats.
func formatFixtures(t *testing.T) []formatFixture {
	t.Helper()
	var fs []formatFixture

	var mrcM struct {
		Good []struct {
			File   string            `json:"file"`
			DType  string            `json:"dtype"`
			Shape  []int             `json:"shape"`
			Offset int64             `json:"offset"`
			Values []json.RawMessage `json:"values"`
		} `json:"good"`
	}
	readFormatManifest(t, "mrc", &mrcM)
	for _, e := range mrcM.Good {
		fs = append(fs, formatFixture{"mrc", fixture("mrc/" + e.File), e.DType, e.Shape, e.Offset, manifestFloats(t, e.Values), "", nil})
	}

	var niftiM struct {
		Good []struct {
			File   string            `json:"file"`
			DType  string            `json:"dtype"`
			Shape  []int             `json:"shape"`
			Offset int64             `json:"offset"`
			Values []json.RawMessage `json:"values"` // in Fortran order: as stored
		} `json:"good"`
	}
	readFormatManifest(t, "nifti", &niftiM)
	for _, e := range niftiM.Good {
		descr, off := e.DType, e.Offset
		if !strings.ContainsAny(descr[:1], "<>|") {
			descr = "" // rgb, rgba
		}
		if strings.HasSuffix(e.File, ".img") {
			off = -1 // the manifest gives the .hdr's vox_offset
		}
		fs = append(fs, formatFixture{"nifti", fixture("nifti/" + e.File), descr, e.Shape, off, manifestFloats(t, e.Values), "", nil})
	}

	var fitsM struct {
		Good []struct {
			File string `json:"file"`
			HDUs []struct {
				DType  string            `json:"dtype"`
				Shape  []int             `json:"shape"`
				Offset int64             `json:"offset"`
				Values []json.RawMessage `json:"values"`
			} `json:"hdus"`
		} `json:"good"`
	}
	readFormatManifest(t, "fits", &fitsM)
	for _, e := range fitsM.Good {
		// Opened by path, a FITS file is its first image, as
		// astropy.io.fits.getdata reads it: the primary HDU, or when that
		// is empty the HDU after it.
		ff := formatFixture{format: "fits", path: fixture("fits/" + e.File)}
		switch {
		case e.HDUs[0].DType != "":
			h := e.HDUs[0]
			ff.descr, ff.shape, ff.offset, ff.values = h.DType, h.Shape, h.Offset, manifestFloats(t, h.Values)
		case len(e.HDUs) > 1 && e.HDUs[1].DType != "":
			h := e.HDUs[1]
			ff.descr, ff.shape, ff.offset, ff.values = h.DType, h.Shape, h.Offset, manifestFloats(t, h.Values)
		default:
			ff.err = errRefused // no image: a table after an empty primary HDU
		}
		fs = append(fs, ff)
	}

	var wavM struct {
		Good []struct {
			File   string            `json:"file"`
			DType  string            `json:"dtype"`
			Shape  []int             `json:"shape"`
			Offset int64             `json:"offset"`
			Values []json.RawMessage `json:"values"`
		} `json:"good"`
	}
	readFormatManifest(t, "wav", &wavM)
	for _, e := range wavM.Good {
		ff := formatFixture{"wav", fixture("wav/" + e.File), e.DType, e.Shape, e.Offset, manifestFloats(t, e.Values), "", nil}
		if _, err := wav.ReadFile(ff.path); errors.Is(err, layout.ErrUnsupported) {
			ff.err = layout.ErrUnsupported // 24-bit samples, which scipy widens
		}
		fs = append(fs, ff)
	}

	var tiffM struct {
		Good []struct {
			File   string `json:"file"`
			Descr  string `json:"descr"`
			Shape  []int  `json:"shape"`
			Offset int64  `json:"offset"`
			SHA256 string `json:"sha256"`
		} `json:"good"`
	}
	readFormatManifest(t, "tiff", &tiffM)
	for _, e := range tiffM.Good {
		fs = append(fs, formatFixture{"tiff", fixture("tiff/" + e.File), e.Descr, e.Shape, e.Offset, nil, e.SHA256, nil})
	}

	var enviM struct {
		Good []struct {
			Data   string `json:"data"`
			Descr  string `json:"descr"`
			Shape  []int  `json:"shape"`
			Offset int64  `json:"offset"`
			SHA256 string `json:"sha256"`
		} `json:"good"`
	}
	readFormatManifest(t, "envi", &enviM)
	for _, e := range enviM.Good {
		fs = append(fs, formatFixture{"envi", fixture("envi/" + e.Data), e.Descr, e.Shape, e.Offset, nil, e.SHA256, nil})
	}

	var glxM struct {
		Streams []struct {
			Bin    string `json:"bin"`
			Descr  string `json:"descr"`
			Shape  []int  `json:"shape"`
			SHA256 string `json:"sha256"`
		} `json:"streams"`
	}
	readFormatManifest(t, "spikeglx", &glxM)
	for _, e := range glxM.Streams {
		fs = append(fs, formatFixture{"spikeglx", fixture("spikeglx/" + e.Bin), e.Descr, e.Shape, 0, nil, e.SHA256, nil})
	}
	return fs
}

// storedFloats decodes the data bytes of f, in the order they are stored,
// as the format tests' manifests list them: complex items as two values and
// records as their bytes.
func storedFloats(t *testing.T, f *File) []float64 {
	t.Helper()
	dt := f.Header().DType
	var out []float64
	for i := 0; i+dt.Size <= len(f.data); i += dt.Size {
		item := f.data[i : i+dt.Size]
		switch dt.Kind {
		case layout.Int:
			out = append(out, float64(dt.Int(item)))
		case layout.Uint:
			out = append(out, float64(dt.Uint(item)))
		case layout.Float:
			out = append(out, dt.Float(item))
		case layout.Complex:
			c := dt.Complex(item)
			out = append(out, real(c), imag(c))
		case layout.Struct:
			for _, b := range item {
				out = append(out, float64(b))
			}
		default:
			t.Fatalf("storedFloats: dtype %v", dt)
		}
	}
	return out
}

// Every fixture of every format opens by path alone, in its format, with
// the dtype, shape, offset and values its reference reader reports.
func TestOpenFormatFixtures(t *testing.T) {
	for _, ff := range formatFixtures(t) {
		t.Run(ff.format+"/"+filepath.Base(ff.path), func(t *testing.T) {
			f, err := OpenFile(ff.path, mmap.ReadOnly)
			if ff.err != nil {
				if err == nil || ff.err != errRefused && !errors.Is(err, ff.err) || !strings.Contains(err.Error(), filepath.Base(ff.path)) {
					t.Errorf("OpenFile = %v, want an error wrapping %v naming the file", err, ff.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("OpenFile: %v", err)
			}
			defer f.Close()
			h := f.Header()
			if f.Format() != ff.format {
				t.Errorf("Format() = %q, want %q", f.Format(), ff.format)
			}
			if ff.descr != "" && h.DType.TypeString() != ff.descr {
				t.Errorf("dtype %s, want %s", h.DType.TypeString(), ff.descr)
			}
			if !cmp.Equal(h.Shape, ff.shape) {
				t.Errorf("shape %v, want %v", h.Shape, ff.shape)
			}
			if ff.offset >= 0 && h.DataOffset != ff.offset {
				t.Errorf("data offset %d, want %d", h.DataOffset, ff.offset)
			}
			if ff.sha256 != "" {
				if sum := sha256.Sum256(f.data); hex.EncodeToString(sum[:]) != ff.sha256 {
					t.Errorf("sha256 of the data %x, want %s", sum, ff.sha256)
				}
			} else if got := storedFloats(t, f); !cmp.Equal(got, ff.values) {
				t.Errorf("values %v, want %v", got, ff.values)
			}
		})
	}
}

// The typed constructors sniff too, and Load reads any format.
func TestOpenFormatTyped(t *testing.T) {
	a, err := Open[int16](fixture("spikeglx/run_g0/run_g0_t0.nidq.bin"), mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.Format() != "spikeglx" || !cmp.Equal(a.Shape(), []int{50, 6}) {
		t.Errorf("nidq: format %q shape %v", a.Format(), a.Shape())
	}
	v, shape, err := Load[float32](fixture("mrc/float32_big_endian.mrc"))
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(shape, []int{2, 3, 4}) || v[0] != -11.5 || v[23] != 11.5 {
		t.Errorf("Load of an MRC file: %v %v", shape, v)
	}
	if _, err := Open[float32](fixture("nifti/int16_scaled.nii"), mmap.ReadOnly); !errors.Is(err, ErrType) {
		t.Errorf("Open[float32] of int16 NIfTI data: %v, want ErrType", err)
	}
	// A NIfTI file is in Fortran order, with nibabel's axes.
	n, err := Open[int16](fixture("nifti/pair.img"), mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if !n.Header().FortranOrder || n.At(1, 0, 0) != 7 || n.At(0, 1, 0) != -1 {
		t.Errorf("pair.img: fortran %v, [1,0,0] = %d, [0,1,0] = %d", n.Header().FortranOrder, n.At(1, 0, 0), n.At(0, 1, 0))
	}
}

// The bad fixtures of every format are refused with an error naming the
// file, as they are by the format's package.
func TestOpenFormatBad(t *testing.T) {
	var paths []string
	for _, format := range []string{"mrc", "nifti", "fits", "wav", "tiff"} {
		var m struct {
			Bad []struct {
				File string `json:"file"`
			} `json:"bad"`
		}
		readFormatManifest(t, format, &m)
		for _, b := range m.Bad {
			paths = append(paths, fixture(format+"/"+b.File))
		}
	}
	var envi struct {
		Bad []struct {
			Data string `json:"data"`
		} `json:"bad"`
	}
	readFormatManifest(t, "envi", &envi)
	for _, b := range envi.Bad {
		paths = append(paths, fixture("envi/bad/"+b.Data))
	}
	var glx struct {
		Bad []struct {
			Bin string `json:"bin"`
		} `json:"bad"`
	}
	readFormatManifest(t, "spikeglx", &glx)
	for _, b := range glx.Bad {
		paths = append(paths, fixture("spikeglx/"+b.Bin))
	}
	for _, p := range paths {
		f, err := OpenFile(p, mmap.ReadOnly)
		if err == nil {
			// A bad ENVI header whose data file is not there leaves
			// nothing to open.
			f.Close()
			t.Errorf("%s opened", p)
			continue
		}
		var pe *fs.PathError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), filepath.Base(p)) {
			t.Errorf("%s: %v does not name the file", p, err)
		}
	}
}

// Format names the format where the file's bytes and name do not; the
// errors of a file of no known format, of an unknown format's name and of
// a sidecar header opened in place of its data say what to do.
func TestFormatOption(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(fixture("mrc/int16_image.mrc"))
	if err != nil {
		t.Fatal(err)
	}
	// An MRC file under a name no format claims is recognised by its
	// content, and opens as what Format names.
	anon := filepath.Join(dir, "image.dat")
	if err := os.WriteFile(anon, b, 0o666); err != nil {
		t.Fatal(err)
	}
	f, err := OpenFile(anon, mmap.ReadOnly) // claimed by its content
	if err != nil || f.Format() != "mrc" {
		t.Fatalf("OpenFile by content: %v, %v", f, err)
	}
	f.Close()
	f, err = OpenFile(anon, mmap.ReadOnly, Format("mrc"))
	if err != nil || f.Format() != "mrc" || !cmp.Equal(f.Header().Shape, []int{4, 5}) {
		t.Fatalf("OpenFile with Format(mrc): %v, %v", f, err)
	}
	f.Close()
	if _, err := OpenFile(anon, mmap.ReadOnly, Format("fits")); !errors.Is(err, header.ErrFormat) || !strings.HasPrefix(err.Error(), "open "+anon+": fits:") {
		t.Errorf("an MRC file read as FITS: %v", err)
	}
	if _, err := OpenFile(anon, mmap.ReadOnly, Format("npy")); !errors.Is(err, header.ErrFormat) {
		t.Errorf("an MRC file read as .npy: %v", err)
	}
	if _, err := OpenFile(anon, mmap.ReadOnly, Format("png")); !errors.Is(err, header.ErrUnknownFormat) || !strings.Contains(err.Error(), "mrc, nifti") {
		t.Errorf("Format(png): %v", err)
	}

	raw := filepath.Join(dir, "data.bin")
	if err := os.WriteFile(raw, make([]byte, 64), 0o666); err != nil {
		t.Fatal(err)
	}
	_, err = OpenFile(raw, mmap.ReadOnly)
	if !errors.Is(err, header.ErrUnknownFormat) || !errors.Is(err, header.ErrFormat) || !strings.Contains(err.Error(), "OpenRaw") ||
		!strings.Contains(err.Error(), "data.bin") || strings.Count(err.Error(), "data.bin") != 1 {
		t.Errorf("a file of no format: %v", err)
	}

	for _, sidecar := range []string{"envi/bsq_f4.hdr", "nifti/pair.hdr", "spikeglx/run_g0/run_g0_t0.nidq.meta"} {
		_, err := OpenFile(fixture(sidecar), mmap.ReadOnly)
		if err == nil || !strings.Contains(err.Error(), "open") {
			t.Errorf("%s opened in place of its data: %v", sidecar, err)
		}
	}

	// A format's own Describer, with its choices, goes to OpenRaw.
	e, err := OpenRaw[int32](fixture("fits/extensions.fits"), mmap.ReadOnly, fits.Describer{HDU: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if e.Format() != "" || !cmp.Equal(e.Shape(), []int{2, 4}) {
		t.Errorf("extensions.fits HDU 3: format %q shape %v", e.Format(), e.Shape())
	}
}

// Sniffing leaves opening a .npy file as it was: no more allocations than
// one for the sniffer, whose first look is at the magic.
func BenchmarkOpenNPY(b *testing.B) {
	path := fixture("npy/frames.npy")
	for _, bc := range []struct {
		name string
		opts []Option
	}{{"sniffed", nil}, {"named", []Option{Format("npy")}}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f, err := OpenFile(path, mmap.ReadOnly, bc.opts...)
				if err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
		})
	}
}
