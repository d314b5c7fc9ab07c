package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// convertFormatCases convert .npy fixtures to each format convert writes.
// shape is the shape the format's reader gives when it is not IN's.
var convertFormatCases = []struct {
	fixture string
	out     string // OUT's name
	args    []string
	format  string // array.Format of OUT, and the reference reader to check it
	shape   []int
}{
	{"frames.npy", "frames.mrc", nil, "mrc", nil},
	{"f4_fortran_2x3x4.npy", "f.mrcs", nil, "mrc", nil},
	{"frames.npy", "frames.nii", nil, "nifti", nil},
	{"f4_fortran_2x3x4.npy", "f.nii", nil, "nifti", nil},
	{"i4_be_2x3.npy", "i.nii", nil, "nifti", nil},
	{"channels.npy", "channels.img", nil, "nifti", nil},
	{"frames.npy", "frames.fits", nil, "fits", nil},
	{"i4_be_2x3.npy", "i.fit", nil, "fits", nil},
	{"open_memmap_fortran.npy", "o.fits", nil, "fits", nil},
	{"frames.npy", "frames.dat", []string{"--to", "envi"}, "envi", nil},
	{"f4_fortran_2x3x4.npy", "f", []string{"--to", "envi"}, "envi", nil},
	{"i4_be_2x3.npy", "i.img", []string{"--to", "envi"}, "envi", []int{1, 2, 3}},
	{"channels.npy", "channels.wav", []string{"--rate", "8000"}, "wav", nil},
	{"f8_1d.npy", "mono.wav", []string{"--rate", "44100"}, "wav", nil},
	{"i4_be_2x3.npy", "i.wav", []string{"--rate", "10"}, "wav", nil},
}

// itemsOf opens path as the format (or sniffed, if format is "") and
// returns its dtype, shape and items in C order.
func itemsOf(t *testing.T, path, format string) (layout.DType, []int, []byte) {
	t.Helper()
	var opts []array.Option
	if format != "" {
		opts = append(opts, array.Format(format))
	}
	f, err := array.OpenFile(path, mmap.ReadOnly, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	u := f.Items()
	b := make([]byte, u.Size()*u.DType().Size)
	u.CopyTo(b)
	return u.DType(), u.Shape(), b
}

// bigEndian returns dt and the items b as FITS holds them.
func bigEndian(dt layout.DType, b []byte) (layout.DType, []byte) {
	if dt.Order != layout.LittleEndian {
		return dt, b
	}
	dt.Order = layout.BigEndian
	b = bytes.Clone(b)
	for i := 0; i < len(b); i += dt.Size {
		item := b[i : i+dt.Size]
		for j, k := 0, len(item)-1; j < k; j, k = j+1, k-1 {
			item[j], item[k] = item[k], item[j]
		}
	}
	return dt, b
}

func TestConvertFormats(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range convertFormatCases {
		t.Run(tt.out, func(t *testing.T) {
			src := filepath.Join("..", "..", "testdata", "npy", tt.fixture)
			out := filepath.Join(dir, tt.out)
			ok(t, append(append([]string{"convert"}, tt.args...), src, out)...)
			wantDT, wantShape, want := itemsOf(t, src, "")
			if tt.format == "fits" {
				wantDT, want = bigEndian(wantDT, want)
			}
			if tt.shape != nil {
				wantShape = tt.shape
			}
			dt, shape, got := itemsOf(t, out, tt.format)
			if !cmp.Equal(dt, wantDT) || !cmp.Equal(shape, wantShape) || !bytes.Equal(got, want) {
				t.Errorf("%s: %s %v %x, want %s %v %x", tt.out, dt, shape, got, wantDT, wantShape, want)
			}
			// And back: the .npy file holds the same items.
			back := out + ".npy"
			ok(t, "convert", "--format", tt.format, out, back)
			dt, shape, got = itemsOf(t, back, "")
			if !cmp.Equal(dt, wantDT) || !cmp.Equal(shape, wantShape) || !bytes.Equal(got, want) {
				t.Errorf("%s back to .npy: %s %v %x, want %s %v %x", tt.out, dt, shape, got, wantDT, wantShape, want)
			}
		})
	}
}

// TestConvertFormatRoundTrip converts a C-order .npy file to MRC and back,
// which gives the very bytes of the first file's data.
func TestConvertFormatRoundTrip(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join("..", "..", "testdata", "npy", "frames.npy")
	ok(t, "convert", src, filepath.Join(dir, "x.mrc"))
	ok(t, "convert", filepath.Join(dir, "x.mrc"), filepath.Join(dir, "x.npy"))
	read := func(path string) (*header.Header, []byte) {
		h, err := header.DescribeFile(path, header.NPY{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return h, b[h.DataOffset:]
	}
	wh, want := read(src)
	gh, got := read(filepath.Join(dir, "x.npy"))
	if !cmp.Equal(gh.DType, wh.DType) || !cmp.Equal(gh.Shape, wh.Shape) || gh.FortranOrder != wh.FortranOrder || !bytes.Equal(got, want) {
		t.Errorf("npy -> mrc -> npy gave %s %v fortran=%v, %d bytes; want %s %v fortran=%v, %d bytes (equal: %v)",
			gh.DType, gh.Shape, gh.FortranOrder, len(got), wh.DType, wh.Shape, wh.FortranOrder, len(want), bytes.Equal(got, want))
	}
}

func TestConvertFormatRefused(t *testing.T) {
	dir := t.TempDir()
	// An int64 array, which MRC has no mode for.
	i8 := filepath.Join(dir, "i8.npy")
	var buf bytes.Buffer
	if _, err := header.Write(&buf, header.Header{DType: layout.Int64, Shape: []int{2, 2}}); err != nil {
		t.Fatal(err)
	}
	buf.Write(make([]byte, 32))
	if err := os.WriteFile(i8, buf.Bytes(), 0o666); err != nil {
		t.Fatal(err)
	}
	npy := func(name string) string { return filepath.Join("..", "..", "testdata", "npy", name) }
	tests := []struct {
		args []string
		code int
		want []string // in the message
	}{
		{[]string{i8, "a.mrc"}, exitInput, []string{"MRC", "int64"}},
		{[]string{npy("i4_be_2x3.npy"), "a.mrc"}, exitInput, []string{"MRC", ">int32"}},
		{[]string{npy("c8_be.npy"), "a.fits"}, exitInput, []string{"FITS", ">complex64"}},
		{[]string{npy("b1.npy"), "a.wav", "--rate", "8"}, exitInput, []string{"WAV", "bool"}},
		{[]string{npy("frames.npy"), "a.wav"}, exitUsage, []string{"--rate"}},
		{[]string{npy("frames.npy"), "a.wav", "--rate", "8"}, exitInput, []string{"WAV", "(frames,)"}},
		{[]string{npy("f8_1d.npy"), "a.dat", "--to", "envi"}, exitInput, []string{"ENVI", "(bands, lines, samples)"}},
		{[]string{npy("frames.npy"), "a.hdr", "--to", "envi"}, exitUsage, []string{"named as its header"}},
		{[]string{npy("frames.npy"), "a.xyz", "--to", "tiff"}, exitUsage, []string{"--to \"tiff\""}},
	}
	for _, tt := range tests {
		args := append([]string(nil), tt.args...)
		args[1] = filepath.Join(dir, args[1])
		r := ndmap(t, append([]string{"convert"}, args...)...)
		msg := strings.SplitN(r.stderr, "\n", 2)[0]
		if r.code != tt.code {
			t.Errorf("convert %v: exit %d, want %d: %s", tt.args, r.code, tt.code, r.stderr)
		}
		for _, w := range tt.want {
			if !strings.Contains(msg, w) {
				t.Errorf("convert %v: %q does not say %q", tt.args, msg, w)
			}
		}
		if _, err := os.Stat(args[1]); err == nil {
			t.Errorf("convert %v left %s", tt.args, args[1])
		}
	}
}

// TestConvertFormatsReference opens each file convert made in the format's
// reference reader — mrcfile, nibabel, astropy, scipy.io.wavfile — and
// compares dtype, shape and values with NumPy's of IN.
func TestConvertFormatsReference(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import numpy, mrcfile, nibabel, astropy, scipy").Run(); err != nil {
		if os.Getenv("CI") == "true" && runtime.GOOS != "windows" {
			t.Fatalf("CI=true but /usr/bin/python3 cannot import mrcfile, nibabel, astropy and scipy: %v", err)
		}
		t.Skip("no /usr/bin/python3 with mrcfile, nibabel, astropy and scipy")
	}
	const check = `
import sys, numpy as np
args = sys.argv[1:]
for fmt, out, src in zip(args[0::3], args[1::3], args[2::3]):
    want = np.load(src)
    if fmt == "mrc":
        import mrcfile
        with mrcfile.open(out, permissive=False) as m:
            got = m.data.copy()
            h = m.header
            if want.size and not np.isnan(want).any():
                assert np.float32(h.dmin) == np.float32(want.min()), (out, h.dmin, want.min())
                assert np.float32(h.dmax) == np.float32(want.max()), (out, h.dmax, want.max())
    elif fmt == "nifti":
        import nibabel
        got = np.asarray(nibabel.load(out).dataobj)
    elif fmt == "fits":
        from astropy.io import fits
        got = fits.getdata(out)
    elif fmt == "wav":
        from scipy.io import wavfile
        got = wavfile.read(out)[1]
    print(got.dtype.str[1:], got.shape == want.shape, np.array_equal(got, want, equal_nan=True))
`
	// One Python process reads every file: its imports take seconds.
	dir := t.TempDir()
	var args []string
	var want strings.Builder
	var outs []string
	for _, tt := range convertFormatCases {
		if tt.format == "envi" {
			continue // spectral is not among the readers installed
		}
		src := filepath.Join("..", "..", "testdata", "npy", tt.fixture)
		out := filepath.Join(dir, tt.out)
		ok(t, append(append([]string{"convert"}, tt.args...), src, out)...)
		dt, _, _ := itemsOf(t, src, "")
		descr, err := dt.Descr()
		if err != nil {
			t.Fatal(err)
		}
		want.WriteString(strings.Trim(descr, "'")[1:] + " True True\n")
		args = append(args, tt.format, out, src)
		outs = append(outs, tt.out)
	}
	got := strings.SplitAfter(python(t, check, args...), "\n")
	for i, w := range strings.SplitAfter(want.String(), "\n") {
		if i >= len(got) || got[i] != w {
			g := ""
			if i < len(got) {
				g = got[i]
			}
			t.Errorf("%s read by the reference reader: %q, want %q", outs[min(i, len(outs)-1)], g, w)
		}
	}
}
