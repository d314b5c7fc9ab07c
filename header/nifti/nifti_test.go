package nifti

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/internal/reftest"
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

func fixture(name string) string { return filepath.Join(reftest.Dir("nifti"), name) }

func loadManifest(t testing.TB) manifest {
	t.Helper()
	var m manifest
	reftest.LoadJSON(t, fixture("manifest.json"), &m)
	return m
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
			if want := reftest.ParseFloats(t, e.Zooms); !cmp.Equal(h.Zooms(), want) {
				t.Errorf("Zooms() = %v, want %v", h.Zooms(), want)
			}
			if want := (header.Scale{Slope: reftest.ParseFloat(t, e.Slope), Inter: reftest.ParseFloat(t, e.Inter)}); h.Scale != want {
				t.Errorf("Scale = %+v, want %+v", h.Scale, want)
			}
			var srow []float64
			for _, r := range h.SRow {
				srow = append(srow, r[:]...)
			}
			if want := reftest.ParseFloats(t, e.SRow); !cmp.Equal(srow, want) || h.SFormCode != e.SFormCode || h.XYZTUnits != e.XYZTUnits || h.Descrip != e.Descrip {
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
			if got, want := reftest.FileValues(t, fixture(e.File), d), reftest.Floats(t, e.Values); !cmp.Equal(got, want) {
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
