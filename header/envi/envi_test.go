package envi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/header/envi"
	"github.com/ndmap/ndmap/internal/arraytest"
	"github.com/ndmap/ndmap/internal/reftest"
	"github.com/ndmap/ndmap/layout"
)

var testdata = reftest.Dir("envi")

// The fixtures and what spectral reads from them are written by
// testdata/envi/gen.py.
type manifest struct {
	Good []struct {
		Data            string            `json:"data"`
		Header          string            `json:"header"`
		Descr           string            `json:"descr"`
		Shape           []int             `json:"shape"`
		Interleave      string            `json:"interleave"`
		Offset          int64             `json:"offset"`
		SHA256          string            `json:"sha256"`
		First           []json.RawMessage `json:"first"`
		BandNames       []string          `json:"band_names"`
		Wavelength      []float64         `json:"wavelength"`
		FWHM            []float64         `json:"fwhm"`
		WavelengthUnits string            `json:"wavelength_units"`
		Description     string            `json:"description"`
	} `json:"good"`
	Bad []struct {
		Data   string `json:"data"`
		Header string `json:"header"`
		Error  string `json:"error"`
	} `json:"bad"`
}

// readManifest loads the manifest gen.py wrote beside the fixtures.
func readManifest(t *testing.T) manifest {
	t.Helper()
	var m manifest
	reftest.LoadJSON(t, filepath.Join(testdata, "manifest.json"), &m)
	return m
}

// Every fixture spectral wrote reads with spectral's dtype, shape, values
// and band metadata, found by the registry from its data file's name.
func TestFixtures(t *testing.T) {
	for _, e := range readManifest(t).Good {
		t.Run(e.Data, func(t *testing.T) {
			h, err := envi.ReadFile(filepath.Join(testdata, e.Header))
			if err != nil {
				t.Fatal(err)
			}
			a := h.Array()
			descr, _ := a.DType.Descr()
			descr = strings.Trim(descr, "'")
			if descr != e.Descr || !cmp.Equal(a.Shape, e.Shape) || a.DataOffset != e.Offset || h.Interleave.String() != e.Interleave {
				t.Errorf("Array() = %s %v at %d (%v), spectral reads %s %v at %d (%s)", descr, a.Shape, a.DataOffset, h.Interleave, e.Descr, e.Shape, e.Offset, e.Interleave)
			}
			d, err := reftest.Describe(filepath.Join(testdata, e.Data), "envi")
			if err != nil {
				t.Fatal(err)
			}
			got, data := arraytest.OpenData(t, filepath.Join(testdata, e.Data), d)
			if !cmp.Equal(&got, a) {
				t.Errorf("Describe = %+v, Array() = %+v", got, a)
			}
			if s := reftest.SHA256(data); s != e.SHA256 {
				t.Errorf("data sha256 %s, spectral's %s", s, e.SHA256)
			}
			if g, w := reftest.Numbers(got.DType, data, len(e.First)), reftest.JSONNumbers(t, e.First); !cmp.Equal(g, w) {
				t.Errorf("first values %v, spectral's %v", g, w)
			}
			wl, err := h.Wavelengths()
			if err != nil {
				t.Fatal(err)
			}
			fwhm, err := h.Floats("fwhm")
			if err != nil {
				t.Fatal(err)
			}
			units, _ := h.Value("wavelength units")
			if !cmp.Equal(h.BandNames(), e.BandNames, cmpopts.EquateEmpty()) || !cmp.Equal(wl, e.Wavelength, cmpopts.EquateEmpty()) ||
				!cmp.Equal(fwhm, e.FWHM, cmpopts.EquateEmpty()) || units != e.WavelengthUnits || h.Description != e.Description {
				t.Errorf("metadata: names %q wavelength %v fwhm %v units %q description %q; spectral: %q %v %v %q %q",
					h.BandNames(), wl, fwhm, units, h.Description, e.BandNames, e.Wavelength, e.FWHM, e.WavelengthUnits, e.Description)
			}
		})
	}
}

// Every bad fixture is refused with an error saying what is wrong.
func TestBadFixtures(t *testing.T) {
	for _, e := range readManifest(t).Bad {
		t.Run(e.Data, func(t *testing.T) {
			path := filepath.Join(testdata, "bad", e.Data)
			h, err := envi.ReadFile(filepath.Join(testdata, e.Header))
			if err == nil {
				_, err = h.Describe(nil, fileSize(t, path))
			}
			if err == nil || !strings.Contains(err.Error(), e.Error) {
				t.Fatalf("opening %s: error %v, want one mentioning %q", e.Data, err, e.Error)
			}
			if !errors.Is(err, header.ErrFormat) {
				t.Errorf("error %v does not wrap header.ErrFormat", err)
			}
		})
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func le(dt layout.DType) layout.DType { dt.Order = layout.LittleEndian; return dt }
func be(dt layout.DType) layout.DType { dt.Order = layout.BigEndian; return dt }

const std = "samples = 4\nlines = 3\nbands = 2\n"

var readTests = []struct {
	name string
	in   string
	want *envi.Header
	err  string // substring of the error; "" for none
	off  int64  // the error's offset
	uns  bool   // the error wraps ErrUnsupported
}{
	{
		name: "minimal",
		in:   "ENVI\n" + std + "data type = 4\ninterleave = bil\nbyte order = 1\n",
		want: &envi.Header{Samples: 4, Lines: 3, Bands: 2, DType: be(layout.Float32), Interleave: envi.BIL},
	},
	{
		name: "CRLF, comments, case, spaces and a list over lines",
		in: "  ENVI file\r\n; a comment = not a field\r\nSAMPLES= 4\r\n Lines =3 \r\nbands = 2\r\nData Type = 12\r\n" +
			"interleave = BIP\r\nbyte order = 0\r\nheader offset = 16\r\nband names = {\r\n  a,\r\n; skipped\r\n b }\r\nno equals sign\r\n",
		want: &envi.Header{Samples: 4, Lines: 3, Bands: 2, DType: le(layout.Uint16), Interleave: envi.BIP, HeaderOffset: 16,
			Fields: []envi.Field{{Key: "band names", Value: "{\na,\nb }", Offset: 158}}},
	},
	{
		name: "duplicate keys: first place, last value",
		in:   "ENVI\n" + std + "x = 1\ndata type = 1\ny = 2\nx = 3\ninterleave = bsq\n",
		want: &envi.Header{Samples: 4, Lines: 3, Bands: 2, DType: layout.Uint8, Interleave: envi.BSQ,
			Fields: []envi.Field{{Key: "x", Value: "3", Offset: 67}, {Key: "y", Value: "2", Offset: 61}}},
	},
	{
		name: "one band needs no interleave, single bytes no byte order",
		in:   "ENVI\nsamples = 4\nlines = 3\nbands = 1\ndata type = 1\ndescription = plain text\nfile type = ENVI Standard\n",
		want: &envi.Header{Samples: 4, Lines: 3, Bands: 1, DType: layout.Uint8, FileType: "ENVI Standard", Description: "plain text"},
	},
	{
		name: "description in braces",
		in:   "ENVI\n" + std + "description = {\n  two\n  lines }\ndata type = 1\ninterleave = bsq\n",
		want: &envi.Header{Samples: 4, Lines: 3, Bands: 2, DType: layout.Uint8, Description: "two\nlines"},
	},
	{
		name: "zero frame offsets and no compression are fine",
		in:   "ENVI\n" + std + "data type = 1\ninterleave = bsq\nmajor frame offsets = {0, 0}\nfile compression = 0\n",
		want: &envi.Header{Samples: 4, Lines: 3, Bands: 2, DType: layout.Uint8,
			Fields: []envi.Field{{Key: "major frame offsets", Value: "{0, 0}", Offset: 90}, {Key: "file compression", Value: "0", Offset: 116}}},
	},
	{name: "empty", in: "", err: `first line does not start with "ENVI"`},
	{name: "binary", in: "\x5c\x01\x00\x00ENVI", err: "first line"},
	{name: "missing lines", in: "ENVI\nsamples = 4\nbands = 1\ndata type = 1\n", err: "lines is missing", off: 41},
	{name: "negative", in: "ENVI\nsamples = -4\nlines = 3\nbands = 1\ndata type = 1\n", err: "samples -4 is negative", off: 15},
	{name: "not a number", in: "ENVI\nsamples = 4.0\nlines = 3\nbands = 1\ndata type = 1\n", err: `samples "4.0" is not an integer`, off: 15},
	{name: "huge", in: "ENVI\nsamples = 99999999999999999999\nlines = 3\nbands = 1\ndata type = 1\n", err: "not an integer", off: 15},
	{name: "overflow", in: "ENVI\nsamples = 2147483647\nlines = 2147483647\nbands = 2147483647\ndata type = 1\ninterleave = bsq\n", err: "samples, 2147483647 lines", off: 15},
	{name: "data type 8", in: "ENVI\n" + std + "data type = 8\n", err: "data type 8 (structure)", off: 49, uns: true},
	{name: "data type 16", in: "ENVI\n" + std + "data type = 16\n", err: "data type 16 is not an ENVI data type", off: 49},
	{name: "no byte order", in: "ENVI\n" + std + "data type = 2\ninterleave = bsq\n", err: "byte order is missing", off: 68},
	{name: "byte order 2", in: "ENVI\n" + std + "data type = 2\nbyte order = 2\ninterleave = bsq\n", err: `byte order "2" is neither`, off: 64},
	{name: "byte order 2 for bytes", in: "ENVI\n" + std + "data type = 1\nbyte order = big\ninterleave = bsq\n", err: `byte order "big"`, off: 64},
	{name: "no interleave", in: "ENVI\n" + std + "data type = 1\n", err: "interleave is missing", off: 51},
	{name: "bad interleave", in: "ENVI\n" + std + "data type = 1\ninterleave = bis\n", err: `interleave "bis"`, off: 64},
	{name: "negative offset", in: "ENVI\n" + std + "data type = 1\ninterleave = bsq\nheader offset = -1\n", err: "header offset -1 is negative", off: 84},
	{name: "unclosed", in: "ENVI\n" + std + "data type = 1\ninterleave = bsq\nband names = {a,\nb\n", err: "band names: brace not closed", off: 68},
	{name: "compressed", in: "ENVI\n" + std + "data type = 1\ninterleave = bsq\nfile compression = 1\n", err: "compressed", off: 87, uns: true},
	{name: "frame offsets", in: "ENVI\n" + std + "data type = 1\ninterleave = bsq\nminor frame offsets = {0, 12}\n", err: "minor frame offsets", off: 90, uns: true},
	{name: "frame offsets text", in: "ENVI\n" + std + "data type = 1\ninterleave = bsq\nminor frame offsets = x\n", err: `item "x" is not an integer`, off: 90},
	{name: "library of two bands", in: "ENVI\n" + std + "data type = 4\ninterleave = bsq\nbyte order = 0\nfile type = ENVI Spectral Library\n", err: "spectral library with 2 bands", off: 35, uns: true},
}

func TestRead(t *testing.T) {
	for _, tt := range readTests {
		t.Run(tt.name, func(t *testing.T) {
			h, err := envi.Read(strings.NewReader(tt.in), int64(len(tt.in)))
			if tt.err != "" {
				var fe *header.FormatError
				if !errors.As(err, &fe) || !strings.Contains(err.Error(), tt.err) || fe.Offset != tt.off || errors.Is(err, envi.ErrUnsupported) != tt.uns {
					t.Fatalf("Read(%q) = %v, want a FormatError at byte %d mentioning %q (unsupported: %v)", tt.in, err, tt.off, tt.err, tt.uns)
				}
				if fe.Format != "envi" {
					t.Errorf("message %q does not start with the package name", fe.Msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("Read(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, h); diff != "" {
				t.Errorf("Read(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestShape(t *testing.T) {
	h := &envi.Header{Samples: 5, Lines: 4, Bands: 3, DType: layout.Uint8}
	for _, tt := range []struct {
		il   envi.Interleave
		want []int
	}{{envi.BSQ, []int{3, 4, 5}}, {envi.BIL, []int{4, 3, 5}}, {envi.BIP, []int{4, 5, 3}}} {
		h.Interleave = tt.il
		if got := h.Shape(); !cmp.Equal(got, tt.want) {
			t.Errorf("%v: Shape() = %v, want %v", tt.il, got, tt.want)
		}
		g, err := envi.New(h.DType, tt.want, tt.il)
		if err != nil || g.Samples != 5 || g.Lines != 4 || g.Bands != 3 {
			t.Errorf("New(%v, %v) = %+v, %v", tt.want, tt.il, g, err)
		}
	}
	lib := &envi.Header{Samples: 5, Lines: 4, Bands: 1, FileType: "ENVI Spectral Library"}
	if got := lib.Shape(); !cmp.Equal(got, []int{4, 5}) {
		t.Errorf("spectral library Shape() = %v, want [4 5]", got)
	}
}

// What Encode writes reads back as the same header.
func TestEncodeRoundTrip(t *testing.T) {
	h, err := envi.New(be(layout.Complex128), []int{2, 3, 4}, envi.BIL)
	if err != nil {
		t.Fatal(err)
	}
	h.HeaderOffset = 512
	h.Description = "made in a test\n  second line"
	h.SetList("band names", "near infrared", "red", "green")
	h.SetFloats("wavelength", 850, 650.5, 0.1)
	h.Set("Wavelength Units", "nm")
	h.Set("sensor type", "Unknown")
	b, err := h.Encode()
	if err != nil {
		t.Fatal(err)
	}
	g, err := envi.Read(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("reading back\n%s: %v", b, err)
	}
	h.Description = "made in a test\nsecond line"
	if diff := cmp.Diff(h, g, cmpopts.IgnoreFields(envi.Field{}, "Offset")); diff != "" {
		t.Errorf("round trip (-wrote +read):\n%s\n%s", diff, b)
	}
	if got := g.BandNames(); !cmp.Equal(got, []string{"near infrared", "red", "green"}) {
		t.Errorf("BandNames() = %q", got)
	}
	if wl, err := g.Wavelengths(); err != nil || !cmp.Equal(wl, []float64{850, 650.5, 0.1}) {
		t.Errorf("Wavelengths() = %v, %v", wl, err)
	}
}

func TestEncodeRefuses(t *testing.T) {
	ok := func() *envi.Header {
		h, _ := envi.New(layout.Uint8, []int{1, 2, 3}, envi.BSQ)
		return h
	}
	for _, tt := range []struct {
		name string
		edit func(h *envi.Header)
		err  string
	}{
		{"int8", func(h *envi.Header) { h.DType = layout.Int8 }, "no ENVI data type"},
		{"float16", func(h *envi.Header) { h.DType = layout.Half }, "no ENVI data type"},
		{"negative", func(h *envi.Header) { h.Lines = -1 }, "negative"},
		{"interleave", func(h *envi.Header) { h.Interleave = 3 }, "invalid interleave"},
		{"brace in description", func(h *envi.Header) { h.Description = "a}\nb" }, "brace"},
		{"brace ending description", func(h *envi.Header) { h.Description = "a\nb{" }, "brace"},
		{"comment in description", func(h *envi.Header) { h.Description = "a\n;b" }, "comment"},
		{"typed field", func(h *envi.Header) { h.Set("samples", "3") }, "set through the Header struct"},
		{"key with =", func(h *envi.Header) { h.Fields = append(h.Fields, envi.Field{Key: "a=b", Value: "c"}) }, "field key"},
		{"upper-case key", func(h *envi.Header) { h.Fields = append(h.Fields, envi.Field{Key: "A", Value: "c"}) }, "field key"},
		{"twice", func(h *envi.Header) {
			h.Fields = append(h.Fields, envi.Field{Key: "a", Value: "1"}, envi.Field{Key: "a", Value: "2"})
		}, "twice"},
		{"line break", func(h *envi.Header) { h.Set("a", "b\nc") }, "spans lines"},
		{"unclosed", func(h *envi.Header) { h.Set("a", "{b") }, "does not close"},
		{"closes early", func(h *envi.Header) { h.Set("a", "{b}\nc}") }, "before its last line"},
		{"brace ending a line of a list", func(h *envi.Header) { h.SetList("a", "b}\n", "c") }, "before its last line"},
		{"spaces", func(h *envi.Header) { h.Set("a", " b") }, "surrounding spaces"},
		{"library of two bands", func(h *envi.Header) { h.FileType = envi.SpectralLibrary; h.Bands = 2 }, "spectral library"},
	} {
		h := ok()
		tt.edit(h)
		if _, err := h.Encode(); err == nil || !strings.Contains(err.Error(), tt.err) {
			t.Errorf("%s: Encode() error %v, want one mentioning %q", tt.name, err, tt.err)
		}
	}
	if _, err := envi.New(layout.Int8, []int{1, 1, 1}, envi.BSQ); err == nil {
		t.Error("New(int8) gave no error")
	}
}

func TestNewPanics(t *testing.T) {
	for _, shape := range [][]int{{1, 2}, {1, -2, 3}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("New(shape %v) did not panic", shape)
				}
			}()
			envi.New(layout.Uint8, shape, envi.BSQ)
		}()
	}
}

// Files are claimed by their ENVI header and by nothing else.
func TestMatch(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	hdr := "ENVI\nsamples = 2\nlines = 2\nbands = 1\ndata type = 1\n"
	img := write("a.img", "abcd")
	write("a.hdr", hdr)
	appended := write("b.bsq", "abcd")
	write("b.bsq.HDR", hdr)
	nifti := write("c.img", "abcd")
	write("c.hdr", "\x5c\x01\x00\x00 not ENVI")
	npy := write("d.npy", "\x93NUMPY")
	write("d.hdr", hdr)
	f, _ := header.LookupFormat("envi")
	for _, tt := range []struct {
		path string
		want bool
	}{{img, true}, {appended, true}, {nifti, false}, {npy, false}, {filepath.Join(dir, "a.hdr"), true}, {filepath.Join(dir, "none"), false}} {
		head, _ := os.ReadFile(tt.path)
		if got := f.Match(tt.path, head); got != tt.want {
			t.Errorf("Match(%s) = %v, want %v", filepath.Base(tt.path), got, tt.want)
		}
	}
	// Windows file names ignore case, so there the first name tried is found.
	if h, err := envi.HeaderFile(appended); err != nil || h != appended+".HDR" && runtime.GOOS != "windows" {
		t.Errorf("HeaderFile(%s) = %s, %v", appended, h, err)
	}
	if _, err := envi.HeaderFile(nifti); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("HeaderFile(%s) error %v, want one wrapping fs.ErrNotExist", nifti, err)
	}
	_, err := f.Describer(filepath.Join(dir, "a.hdr"))
	if err == nil || !strings.Contains(err.Error(), "open its data file "+img) {
		t.Errorf("Describer of the header itself: %v, want an error naming %s", err, img)
	}
	if d, err := envi.DataFile(filepath.Join(dir, "d.hdr")); err != nil || d != npy[:len(npy)-4] && d != npy {
		// d.hdr's data would be "d" or a known extension; d.npy is neither.
		if !errors.Is(err, os.ErrNotExist) {
			t.Errorf("DataFile(d.hdr) = %s, %v", d, err)
		}
	}
}
