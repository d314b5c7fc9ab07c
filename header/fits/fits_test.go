package fits

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/internal/reftest"
	"github.com/ndmap/ndmap/layout"
)

// manifest is what astropy reads from the fixtures (testdata/fits/gen.py).
type hduEntry struct {
	Index       int               `json:"index"`
	Name        string            `json:"name"`
	Ver         int               `json:"ver"`
	Type        string            `json:"type"`
	Offset      int64             `json:"offset"`
	DType       string            `json:"dtype"`
	Shape       []int             `json:"shape"`
	BScale      string            `json:"bscale"`
	BZero       string            `json:"bzero"`
	ScaledDType string            `json:"scaled_dtype"`
	Values      []json.RawMessage `json:"values"`
	Scaled      []json.RawMessage `json:"scaled"`
	WCS         map[string]string `json:"wcs"`
}

type manifest struct {
	Good []struct {
		File string     `json:"file"`
		HDUs []hduEntry `json:"hdus"`
	} `json:"good"`
	Bad []struct {
		File  string `json:"file"`
		Error string `json:"error"`
	} `json:"bad"`
}

func fixture(name string) string { return filepath.Join(reftest.Dir("fits"), name) }

func loadManifest(t testing.TB) manifest {
	t.Helper()
	var m manifest
	reftest.LoadJSON(t, fixture("manifest.json"), &m)
	return m
}

var xtension = map[string]string{"PrimaryHDU": "", "ImageHDU": "IMAGE", "BinTableHDU": "BINTABLE"}

// scaledEqual compares scaled values with astropy's, which it computes in
// float32 for BITPIX 8 and 16.
func scaledEqual(got []float64, want []float64, dtype string) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		g := got[i]
		if dtype == "<f4" || dtype == ">f4" {
			g = float64(float32(g))
		}
		if g != want[i] && math.Abs(g-want[i]) > 1e-6*math.Abs(want[i]) {
			return false
		}
	}
	return true
}

// Every fixture astropy wrote reads with astropy's HDUs, and for each image
// its offset, dtype, shape, scaling, values and WCS cards.
func TestReadFixtures(t *testing.T) {
	for _, e := range loadManifest(t).Good {
		t.Run(e.File, func(t *testing.T) {
			f, err := ReadFile(fixture(e.File))
			if err != nil {
				t.Fatal(err)
			}
			if len(f.HDUs) != len(e.HDUs) {
				t.Fatalf("%d HDUs, want %d", len(f.HDUs), len(e.HDUs))
			}
			for i, w := range e.HDUs {
				h := f.HDUs[i]
				if h.Index != i || h.ExtName != w.Name || h.ExtVer != w.Ver || h.XTension != xtension[w.Type] {
					t.Errorf("HDU %d: %d %q %d %q, want %q %d %q", i, h.Index, h.ExtName, h.ExtVer, h.XTension, w.Name, w.Ver, xtension[w.Type])
				}
				if h.Image != (w.DType != "") {
					t.Errorf("HDU %d: Image = %v", i, h.Image)
				}
				if !h.Image {
					continue
				}
				if h.Array.DType.TypeString() != w.DType || !cmp.Equal(h.Array.Shape, w.Shape) || h.Array.DataOffset != w.Offset {
					t.Errorf("HDU %d: %s %v at %d, want %s %v at %d", i, h.Array.DType.TypeString(), h.Array.Shape, h.Array.DataOffset, w.DType, w.Shape, w.Offset)
				}
				if want := (header.Scale{Slope: reftest.ParseFloat(t, w.BScale), Inter: reftest.ParseFloat(t, w.BZero)}); h.Scale != want {
					t.Errorf("HDU %d: Scale %+v, want %+v", i, h.Scale, want)
				}
				unsigned := strings.Contains(w.ScaledDType, "u") && w.DType != "|u1" || w.ScaledDType == "|i1"
				if h.Unsigned != unsigned {
					t.Errorf("HDU %d: Unsigned = %v, astropy gives %s", i, h.Unsigned, w.ScaledDType)
				}
				raw := reftest.FileValues(t, fixture(e.File), Describer{HDU: i})
				if want := reftest.Floats(t, w.Values); !cmp.Equal(raw, want) {
					t.Errorf("HDU %d: values %v, want %v", i, raw, want)
				}
				sc := make([]float64, len(raw))
				for j, x := range raw {
					sc[j] = h.Scale.Apply(x)
				}
				if want := reftest.Floats(t, w.Scaled); !scaledEqual(sc, want, w.ScaledDType) {
					t.Errorf("HDU %d: scaled values %v, want %v", i, sc, want)
				}
				for k, v := range w.WCS {
					c, ok := h.Get(k)
					if got, _ := h.Float(k); !ok || (c.Quoted && c.Value != v) || (!c.Quoted && got != reftest.ParseFloat(t, v)) {
						t.Errorf("HDU %d: %s = %+v, want %s", i, k, c, v)
					}
				}
			}
		})
	}
}

// Every bad fixture is refused: malformed ones by Read with a FormatError,
// random groups by the Describer with one that wraps ErrUnsupported.
func TestReadBad(t *testing.T) {
	for _, e := range loadManifest(t).Bad {
		t.Run(e.File, func(t *testing.T) {
			b, err := os.ReadFile(fixture(e.File))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Describer{}.Describe(bytes.NewReader(b), int64(len(b)))
			if e.Error == "unsupported" {
				if !errors.Is(err, layout.ErrUnsupported) {
					t.Errorf("Describe = %v, want ErrUnsupported", err)
				}
				return
			}
			var fe *header.FormatError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), "fits: ") {
				t.Errorf("Describe = %v, want a *header.FormatError naming fits", err)
			}
		})
	}
}

var chooseTests = []struct {
	file string
	d    Describer
	want int // HDU index, or -1 for an error
}{
	{"extensions.fits", Describer{}, 1},
	{"extensions.fits", Describer{HDU: 3}, 3},
	{"extensions.fits", Describer{ExtName: "err"}, 3},
	{"extensions.fits", Describer{ExtName: "ERR", ExtVer: 2}, 3},
	{"extensions.fits", Describer{ExtName: "ERR", ExtVer: 1}, -1},
	{"extensions.fits", Describer{HDU: 2}, -1},
	{"extensions.fits", Describer{HDU: 4}, -1},
	{"empty_primary_table.fits", Describer{}, -1},
	{"float32_3d.fits", Describer{}, 0},
}

// Describers choose HDUs as astropy's getdata does.
func TestChoose(t *testing.T) {
	for _, tt := range chooseTests {
		f, err := ReadFile(fixture(tt.file))
		if err != nil {
			t.Fatal(err)
		}
		h, err := tt.d.Choose(f)
		switch {
		case tt.want < 0 && err == nil:
			t.Errorf("%s %+v: chose HDU %d, want an error", tt.file, tt.d, h.Index)
		case tt.want >= 0 && (err != nil || h.Index != tt.want):
			t.Errorf("%s %+v: %v, want HDU %d", tt.file, tt.d, err, tt.want)
		}
	}
}

func TestCards(t *testing.T) {
	f, err := ReadFile(fixture("int16_wcs.fits"))
	if err != nil {
		t.Fatal(err)
	}
	h := f.HDUs[0]
	if s, ok := h.String("OBJECT"); !ok || s != "it's a test" {
		t.Errorf("OBJECT = %q, %v", s, ok)
	}
	if v, ok := h.Float("EXPTIME"); !ok || v != 30.5 {
		t.Errorf("EXPTIME = %v, %v", v, ok)
	}
	if v, ok := h.Bool("SIMPLE"); !ok || !v {
		t.Errorf("SIMPLE = %v, %v", v, ok)
	}
	var keys []string
	for _, c := range h.WCS() {
		keys = append(keys, c.Key)
	}
	want := []string{"CTYPE1", "CTYPE2", "CRVAL1", "CRVAL2", "CDELT1", "CDELT2", "CRPIX1", "CRPIX2", "CUNIT1", "PC1_1", "RADESYS", "EQUINOX"}
	if !cmp.Equal(keys, want) {
		t.Errorf("WCS() keys = %v, want %v", keys, want)
	}
	if c, _ := h.Get("COMMENT"); c.Comment != "ndmap test fixture" {
		t.Errorf("COMMENT = %+v", c)
	}
}

var errorTests = []struct {
	card int
	text string
	want string
}{
	{1, "BITPIX  =                   12", "fits: BITPIX is 12, not 8, 16, 32, 64, -32 or -64 at byte 80"},
	{2, "NAXIS   =                 1000", "fits: NAXIS is 1000, not 0 to 999 at byte 160"},
	{3, "NAXIS1  = 'four'", "fits: NAXIS1 is \"four\", not an integer at byte 240"},
	{3, "NAXIS1  =               100000", "fits: data of shape [2 3 100000] needs 2400000 bytes, but the file has 2880 after the header at byte 2880"},
	{0, "SIMPLE  =                    T \x01", "fits: card holds byte 0x01, which is not printable ASCII at byte 31"},
}

// Errors name the card and its byte offset.
func TestReadErrors(t *testing.T) {
	orig, err := os.ReadFile(fixture("float32_3d.fits"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range errorTests {
		b := bytes.Clone(orig)
		copy(b[tt.card*CardSize:], []byte(tt.text+strings.Repeat(" ", CardSize-len(tt.text))))
		_, err := Read(bytes.NewReader(b), int64(len(b)))
		if err == nil || err.Error() != tt.want {
			t.Errorf("Read with card %q = %v,\nwant %s", tt.text, err, tt.want)
		}
	}
}

func TestSniff(t *testing.T) {
	b, _ := os.ReadFile(fixture("uint8.fits"))
	if f, err := header.Sniff("x.dat", b[:header.SniffLen]); err != nil || f.Name != "fits" {
		t.Errorf("Sniff = %q, %v, want fits", f.Name, err)
	}
}
