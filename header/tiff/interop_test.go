package tiff_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/header/tiff"
	"github.com/ndmap/ndmap/internal/reftest"
)

// tifffileMemmap maps each file with tifffile.memmap and reports what it
// maps, or its error.
const tifffileMemmap = `
import hashlib, json, logging, sys
import numpy as np
import tifffile
logging.disable(logging.WARNING)
out = []
for name in sys.argv[1:]:
    try:
        with tifffile.TiffFile(name) as tif:
            s = tif.series[0]
            kind, axes = s.kind, s.axes
        m = tifffile.memmap(name, mode='r')
        out.append({'kind': kind, 'axes': axes, 'descr': m.dtype.str, 'shape': list(m.shape), 'offset': int(m.offset),
                    'sha256': hashlib.sha256(np.ascontiguousarray(m).tobytes()).hexdigest()})
    except Exception as e:
        out.append({'error': type(e).__name__ + ': ' + str(e)})
json.dump(out, sys.stdout)
`

type memmapResult struct {
	Kind   string `json:"kind"`
	Axes   string `json:"axes"`
	Descr  string `json:"descr"`
	Shape  []int  `json:"shape"`
	Offset int64  `json:"offset"`
	SHA256 string `json:"sha256"`
	Error  string `json:"error"`
}

func runTifffile(t *testing.T, files []string) []memmapResult {
	t.Helper()
	var res []memmapResult
	reftest.PythonJSON(t, "tifffile", tifffileMemmap, &res, files...)
	return res
}

// compare checks what this package reads from a file against what
// tifffile.memmap maps from it.
func compare(t *testing.T, name string, file []byte, r memmapResult) {
	t.Helper()
	s, err := tiff.Read(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Errorf("%s: ndmap refuses it (%v); tifffile maps %s %v", name, err, r.Descr, r.Shape)
		return
	}
	descr, _ := s.DType.Descr()
	h := s.Header()
	data := file[h.DataOffset : h.DataOffset+h.DataSize()]
	got := memmapResult{Kind: s.Kind, Axes: s.Axes, Descr: strings.Trim(descr, "'"), Shape: s.Shape, Offset: s.DataOffset, SHA256: reftest.SHA256(data)}
	if diff := cmp.Diff(r, got); diff != "" {
		t.Errorf("%s (-tifffile +ndmap):\n%s", name, diff)
	}
}

// tifffile, run now, maps the fixtures as this package reads them, and
// refuses the ones this package refuses (but OME-TIFF and a file cut
// short inside its unread IFDs, which tifffile maps).
func TestTifffileFixtures(t *testing.T) {
	m := readManifest(t)
	var names []string
	for _, e := range m.Good {
		names = append(names, filepath.Join(testdata, e.File))
	}
	for i, r := range runTifffile(t, names) {
		b, err := os.ReadFile(names[i])
		if err != nil {
			t.Fatal(err)
		}
		if r.Error != "" {
			t.Errorf("%s: tifffile: %s", names[i], r.Error)
			continue
		}
		compare(t, filepath.Base(names[i]), b, r)
	}
}

// Files built here, laid out in ways tifffile does not write, read as
// tifffile.memmap maps them, and are refused where it refuses them; where
// this package is stricter, the case says so.
func TestTifffileCrafted(t *testing.T) {
	dir := t.TempDir()
	cases := craftedCases()
	var names []string
	for i, c := range cases {
		name := filepath.Join(dir, fmt.Sprintf("case%02d.tif", i))
		if err := os.WriteFile(name, c.file, 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	for i, r := range runTifffile(t, names) {
		c := cases[i]
		switch {
		case c.err == "" && r.Error != "":
			t.Errorf("%s: tifffile refuses it: %s", c.name, r.Error)
		case c.err == "":
			compare(t, c.name, c.file, r)
		case r.Error == "" && !c.stricter:
			t.Errorf("%s: tifffile maps it (%s %v), ndmap refuses it (%s)", c.name, r.Descr, r.Shape, c.err)
		case r.Error != "" && c.stricter:
			t.Errorf("%s: marked stricter than tifffile, but tifffile refuses it too: %s", c.name, r.Error)
		}
	}
}
