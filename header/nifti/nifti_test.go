package nifti

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// manifest is what nibabel reads from the fixtures (testdata/nifti/gen.py).
type manifestEntry struct {
	File       string            `json:"file"`
	Version    int               `json:"version"`
	DType      string            `json:"dtype"`
	Shape      []int             `json:"shape"`
	Offset     int64             `json:"offset"`
	Zooms      []string          `json:"zooms"`
	Slope      string            `json:"slope"`
	Inter      string            `json:"inter"`
	XYZTUnits  int               `json:"xyzt_units"`
	SFormCode  int               `json:"sform_code"`
	SRow       []string          `json:"srow"`
	Descrip    string            `json:"descrip"`
	Extensions []int             `json:"extensions"`
	Values     []json.RawMessage `json:"values"`
}

type manifest struct {
	Good []manifestEntry `json:"good"`
	Bad  []struct {
		File         string `json:"file"`
		Error        string `json:"error"`
		NibabelReads bool   `json:"nibabel_reads"`
	} `json:"bad"`
}

func fixture(name string) string { return filepath.Join("..", "..", "testdata", "nifti", name) }

func loadManifest(t testing.TB) manifest {
	t.Helper()
	b, err := os.ReadFile(fixture("manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// floats decodes manifest numbers: JSON numbers, repr strings, and
// [re, im] pairs as two values.
func floats(t testing.TB, raw []json.RawMessage) []float64 {
	t.Helper()
	var out []float64
	for _, r := range raw {
		var pair []string
		if json.Unmarshal(r, &pair) == nil {
			for _, s := range pair {
				out = append(out, parseFloat(t, s))
			}
			continue
		}
		var s string
		if json.Unmarshal(r, &s) == nil {
			out = append(out, parseFloat(t, s))
			continue
		}
		var f float64
		if err := json.Unmarshal(r, &f); err != nil {
			t.Fatal(err)
		}
		out = append(out, f)
	}
	return out
}

func parseFloat(t testing.TB, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func strFloats(t testing.TB, ss []string) []float64 {
	out := make([]float64, len(ss))
	for i, s := range ss {
		out[i] = parseFloat(t, s)
	}
	return out
}

// values reads the file at path, which d describes, and returns its stored
// values in Fortran order (nibabel's ravel(order="F")), complex items as two
// values and colour records as their bytes. It decodes the bytes itself:
// the array package imports this one, so its tests cannot read through it.
func values(t testing.TB, path string, d header.Describer) []float64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := d.Describe(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return decodeItems(t, h.DType, b[h.DataOffset:h.DataOffset+h.DataSize()])
}

// decodeItems returns the items of dtype dt in data, in the order they are
// stored, complex items as two values and records as their bytes.
func decodeItems(t testing.TB, dt layout.DType, data []byte) []float64 {
	t.Helper()
	var out []float64
	for i := 0; i+dt.Size <= len(data); i += dt.Size {
		item := data[i : i+dt.Size]
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
			for _, c := range item {
				out = append(out, float64(c))
			}
		default:
			t.Fatalf("decodeItems: dtype %v", dt)
		}
	}
	return out
}

func typeString(dt layout.DType) string {
	if dt.Kind == layout.Struct {
		return map[int]string{3: "rgb", 4: "rgba"}[dt.Size]
	}
	return dt.TypeString()
}

// Every fixture nibabel wrote reads with nibabel's dtype, shape, offset,
// zooms, scaling, metadata and values.
func TestReadFixtures(t *testing.T) {
	for _, e := range loadManifest(t).Good {
		t.Run(e.File, func(t *testing.T) {
			h, data, err := ReadFile(fixture(e.File))
			if err != nil {
				t.Fatal(err)
			}
			if data != fixture(e.File) {
				t.Errorf("data file %s, want %s", data, fixture(e.File))
			}
			if got := typeString(h.Array.DType); got != e.DType || h.Version != e.Version {
				t.Errorf("dtype, version = %s, %d, want %s, %d", got, h.Version, e.DType, e.Version)
			}
			if !cmp.Equal(h.Array.Shape, e.Shape) || h.Array.DataOffset != e.Offset || !h.Array.FortranOrder {
				t.Errorf("shape, offset, fortran = %v, %d, %v, want %v, %d, true", h.Array.Shape, h.Array.DataOffset, h.Array.FortranOrder, e.Shape, e.Offset)
			}
			if want := strFloats(t, e.Zooms); !cmp.Equal(h.Zooms(), want) {
				t.Errorf("Zooms() = %v, want %v", h.Zooms(), want)
			}
			if want := (header.Scale{Slope: parseFloat(t, e.Slope), Inter: parseFloat(t, e.Inter)}); h.Scale != want {
				t.Errorf("Scale = %+v, want %+v", h.Scale, want)
			}
			var srow []float64
			for _, r := range h.SRow {
				srow = append(srow, r[:]...)
			}
			if want := strFloats(t, e.SRow); !cmp.Equal(srow, want) || h.SFormCode != e.SFormCode || h.XYZTUnits != e.XYZTUnits || h.Descrip != e.Descrip {
				t.Errorf("srow, sform_code, xyzt_units, descrip = %v, %d, %d, %q, want %v, %d, %d, %q", srow, h.SFormCode, h.XYZTUnits, h.Descrip, want, e.SFormCode, e.XYZTUnits, e.Descrip)
			}
			var codes []int
			for _, x := range h.Extensions {
				codes = append(codes, x.Code)
			}
			if !cmp.Equal(codes, e.Extensions, cmpopts.EquateEmpty()) {
				t.Errorf("extension codes %v, want %v", codes, e.Extensions)
			}
			d, err := describer(fixture(e.File))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := values(t, fixture(e.File), d), floats(t, e.Values); !cmp.Equal(got, want) {
				t.Errorf("values = %v, want %v", got, want)
			}
		})
	}
}

// Every bad fixture is refused with a FormatError; datatypes with no
// mappable dtype say so with layout.ErrUnsupported.
func TestReadBad(t *testing.T) {
	for _, e := range loadManifest(t).Bad {
		t.Run(e.File, func(t *testing.T) {
			_, _, err := ReadFile(fixture(e.File))
			var fe *header.FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("ReadFile = %v, want a *header.FormatError", err)
			}
			if got := errors.Is(err, layout.ErrUnsupported); got != (e.Error == "unsupported") {
				t.Errorf("ReadFile = %v: errors.Is(ErrUnsupported) = %v, want %v", err, got, !got)
			}
			if !strings.Contains(err.Error(), "nifti: ") {
				t.Errorf("error %q does not name the format", err)
			}
		})
	}
}

var errorTests = []struct {
	file  string
	patch func(b []byte)
	want  string
}{
	{"float32.nii", func(b []byte) { b[70], b[71] = 0, 6 }, "nifti: datatype 1536 (float128) has no dtype that can be mapped at byte 70"},
	{"float32.nii", func(b []byte) { b[44], b[45] = 0xfe, 0xff }, "nifti: dim[2] is -2 at byte 44"},
	{"float32.nii", func(b []byte) { b[0] = 0 }, "nifti: sizeof_hdr is 00 01 00 00, neither 348 (NIfTI-1) nor 540 (NIfTI-2) in either byte order at byte 0"},
	{"nifti2.nii", func(b []byte) { b[168] = 0 }, "nifti: vox_offset 512 of a single file lies inside its header at byte 168"},
	{"nifti2.nii", func(b []byte) { b[6] = '1' }, "nifti: magic is \"n+1\\x00\\r\\n\\x1a\\n\", not \"n+2\" or \"ni2\" followed by \\0\\r\\n\\032\\n at byte 4"},
}

// Errors name the field and its byte offset.
func TestReadErrors(t *testing.T) {
	for _, tt := range errorTests {
		b, err := os.ReadFile(fixture(tt.file))
		if err != nil {
			t.Fatal(err)
		}
		tt.patch(b)
		_, err = Read(bytes.NewReader(b), int64(len(b)))
		if err == nil || err.Error() != tt.want {
			t.Errorf("Read(%s patched) = %v,\nwant %s", tt.file, err, tt.want)
		}
	}
}

// A pair's .hdr is not the data: opening it says to open the .img, and the
// .img's describer checks the .img's size.
func TestPair(t *testing.T) {
	if _, err := describer(fixture("pair.hdr")); err == nil || !strings.Contains(err.Error(), "open the .img") {
		t.Errorf("describer(pair.hdr) = %v, want an error saying to open the .img", err)
	}
	d, err := describer(fixture("pair.img"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Describe(bytes.NewReader(nil), 47); !errors.Is(err, header.ErrFormat) {
		t.Errorf("Describe of a 47-byte .img = %v, want a format error", err)
	}
	for _, name := range []string{"pair.img", "float32.nii", "nifti2.nii"} {
		b, _ := os.ReadFile(fixture(name))
		if f, err := header.Sniff(fixture(name), b[:min(len(b), header.SniffLen)]); err != nil || f.Name != "nifti" {
			t.Errorf("Sniff(%s) = %q, %v, want nifti", name, f.Name, err)
		}
	}
	if f, _ := header.Sniff(fixture("gen.py"), []byte("#!/usr/bin/python3")); f.Name == "nifti" {
		t.Errorf("Sniff(gen.py) = nifti")
	}
}
