package tiff_test

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/header/tiff"
	"github.com/ndmap/ndmap/internal/arraytest"
	"github.com/ndmap/ndmap/internal/reftest"
)

var testdata = reftest.Dir("tiff")

// The fixtures and what tifffile reads from them are written by
// testdata/tiff/gen.py.
type manifest struct {
	Good []struct {
		File   string            `json:"file"`
		Kind   string            `json:"kind"`
		Axes   string            `json:"axes"`
		Descr  string            `json:"descr"`
		Shape  []int             `json:"shape"`
		Offset int64             `json:"offset"`
		SHA256 string            `json:"sha256"`
		First  []json.RawMessage `json:"first"`
	} `json:"good"`
	Bad []struct {
		File  string `json:"file"`
		Error string `json:"error"`
	} `json:"bad"`
}

// readManifest loads the manifest gen.py wrote beside the fixtures.
func readManifest(t *testing.T) manifest {
	t.Helper()
	var m manifest
	reftest.LoadJSON(t, filepath.Join(testdata, "manifest.json"), &m)
	return m
}

// describe sniffs the file at path through the format registry.
func describe(t *testing.T, path string) header.Describer {
	t.Helper()
	d, err := reftest.Describe(path, "tiff")
	if err != nil {
		t.Fatalf("describe(%s): %v", path, err)
	}
	return d
}

// Every fixture tifffile.memmap maps reads with its kind, axes, dtype,
// shape, offset and values.
func TestFixtures(t *testing.T) {
	for _, e := range readManifest(t).Good {
		t.Run(e.File, func(t *testing.T) {
			path := filepath.Join(testdata, e.File)
			s, err := tiff.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			descr, _ := s.DType.Descr()
			descr = strings.Trim(descr, "'")
			if s.Kind != e.Kind || s.Axes != e.Axes || descr != e.Descr || !cmp.Equal(s.Shape, e.Shape) || s.DataOffset != e.Offset {
				t.Errorf("Read = %s %s %s %v at %d; tifffile %s %s %s %v at %d", s.Kind, s.Axes, descr, s.Shape, s.DataOffset, e.Kind, e.Axes, e.Descr, e.Shape, e.Offset)
			}
			h, data := arraytest.OpenData(t, path, describe(t, path))
			if !cmp.Equal(&h, s.Header()) {
				t.Errorf("Describe = %+v, Series.Header() = %+v", h, s.Header())
			}
			if got := reftest.SHA256(data); got != e.SHA256 {
				t.Errorf("data sha256 %s, tifffile's %s", got, e.SHA256)
			}
			if g, w := reftest.Numbers(h.DType, data, len(e.First)), reftest.JSONNumbers(t, e.First); !cmp.Equal(g, w) {
				t.Errorf("first values %v, tifffile's %v", g, w)
			}
		})
	}
}

// Every file tifffile cannot map, or that is malformed, is refused with
// the reason.
func TestBadFixtures(t *testing.T) {
	for _, e := range readManifest(t).Bad {
		t.Run(e.File, func(t *testing.T) {
			_, err := tiff.ReadFile(filepath.Join(testdata, e.File))
			if err == nil || !strings.Contains(err.Error(), e.Error) || !errors.Is(err, header.ErrFormat) {
				t.Fatalf("ReadFile: %v, want a format error mentioning %q", err, e.Error)
			}
			t.Log(err)
		})
	}
}

// The metadata a user needs beside the array: ImageJ's key=value lines,
// the resolution tags, the description.
func TestMetadata(t *testing.T) {
	s, err := tiff.ReadFile(filepath.Join(testdata, "imagej_zyx_f4.tif"))
	if err != nil {
		t.Fatal(err)
	}
	if s.ImageJ["spacing"] != "2.5" || s.ImageJ["unit"] != "um" || s.ImageJ["slices"] != "5" {
		t.Errorf("ImageJ = %v", s.ImageJ)
	}
	if s.Resolution.X != 4 || s.Resolution.Y != 2 {
		t.Errorf("Resolution = %+v, want 4 and 2 pixels per unit", s.Resolution)
	}
	if !strings.HasPrefix(s.Description, "ImageJ=") || s.Pages != 5 || s.BigTIFF {
		t.Errorf("Description %q, %d pages, BigTIFF %v", s.Description, s.Pages, s.BigTIFF)
	}
	s, err = tiff.ReadFile(filepath.Join(testdata, "shaped_u1_bigtiff.tif"))
	if err != nil {
		t.Fatal(err)
	}
	if s.ImageJ != nil || s.Description != `{"shape": [4, 6, 7]}` || !s.BigTIFF {
		t.Errorf("ImageJ %v, Description %q, BigTIFF %v", s.ImageJ, s.Description, s.BigTIFF)
	}
}
