package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

// array is what a round trip must keep: the header's facts and the data
// bytes.
type arrayData struct {
	h    header.Header
	data []byte
}

var bigHeaders = header.NPY{MaxHeaderLen: 1 << 20}

func readNPY(t *testing.T, path string) arrayData {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := bigHeaders.Describe(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return arrayData{*h, b[h.DataOffset : h.DataOffset+h.DataSize()]}
}

func readNPZ(t *testing.T, path string) map[string]arrayData {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	arch, err := bigHeaders.ReadArchive(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := map[string]arrayData{}
	for _, m := range arch.Members {
		if m.Header == nil {
			continue
		}
		rc, err := m.Open()
		if err != nil {
			t.Fatal(err)
		}
		member, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("%s:%s: %v", path, m.Name, err)
		}
		out[strings.TrimSuffix(m.Name, ".npy")] = readNPYBytes(t, member)
	}
	return out
}

func readNPYBytes(t *testing.T, b []byte) arrayData {
	h, err := bigHeaders.Describe(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	return arrayData{*h, b[h.DataOffset : h.DataOffset+h.DataSize()]}
}

func sameArray(t *testing.T, label string, got, want arrayData) {
	t.Helper()
	g, w := got.h, want.h
	if !g.DType.Equal(w.DType) || layout.FormatShape(g.Shape) != layout.FormatShape(w.Shape) || g.FortranOrder != w.FortranOrder {
		t.Errorf("%s: %s %v fortran=%v, want %s %v fortran=%v", label, g.DType, g.Shape, g.FortranOrder, w.DType, w.Shape, w.FortranOrder)
	}
	if !bytes.Equal(got.data, want.data) {
		t.Errorf("%s: data bytes differ", label)
	}
}

// .npy → .npz → folder of .npy gives back every fixture's dtype, shape,
// order and data bytes.
func TestConvertNPYRoundTrip(t *testing.T) {
	files, _ := filepath.Glob(td("npy/*.npy"))
	dir := t.TempDir()
	for _, f := range files {
		key := strings.TrimSuffix(filepath.Base(f), ".npy")
		t.Run(key, func(t *testing.T) {
			npz := filepath.Join(dir, key+".npz")
			ok(t, "convert", "--max-header-len", "100000", f, npz)
			back := filepath.Join(dir, key) + "/"
			ok(t, "convert", "--max-header-len", "100000", npz, back)
			want := readNPY(t, f)
			sameArray(t, "npz member", readNPZ(t, npz)[key], want)
			sameArray(t, "back", readNPY(t, filepath.Join(back, key+".npy")), want)
			// And straight back to one .npy through archive.npz:member.
			one := filepath.Join(dir, key+"-one.npy")
			ok(t, "convert", "--max-header-len", "100000", npz+":"+key, one)
			sameArray(t, "member", readNPY(t, one), want)
		})
	}
}

// .npz → folder → .npz (stored and deflated) keeps every member.
func TestConvertNPZRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"savez", "savez_compressed", "descriptors", "empty"} {
		t.Run(name, func(t *testing.T) {
			in := td("npz/" + name + ".npz")
			folder := filepath.Join(dir, name) + "/"
			ok(t, "convert", in, folder)
			want := readNPZ(t, in)
			for key, w := range want {
				sameArray(t, key, readNPY(t, filepath.Join(folder, key+".npy")), w)
			}
			entries, _ := os.ReadDir(folder)
			if len(entries) != len(want) {
				t.Errorf("%d files in the folder, want %d", len(entries), len(want))
			}
			for _, flags := range [][]string{nil, {"--compress"}} {
				out := filepath.Join(dir, name+strings.Join(flags, "")+".npz")
				args := append(append([]string{"convert"}, flags...), in, out)
				ok(t, args...)
				got := readNPZ(t, out)
				if len(got) != len(want) {
					t.Errorf("%q: %d members, want %d", args, len(got), len(want))
				}
				for key, w := range want {
					sameArray(t, key, got[key], w)
				}
			}
		})
	}
}

// Raw files described by flags become .npy files with the same data.
func TestConvertRaw(t *testing.T) {
	m := readManifest(t)
	dir := t.TempDir()
	for _, e := range m.Raw {
		t.Run(e.File, func(t *testing.T) {
			out := filepath.Join(dir, filepath.Base(e.File)+".npy")
			args := append([]string{"convert"}, rawArgs(t, e.Kind, e.Descr, e.Header, e.Request, e.Offset)...)
			ok(t, append(args, td(e.File), out)...)
			got := readNPY(t, out)
			raw, err := os.ReadFile(td(e.File))
			if err != nil {
				t.Fatal(err)
			}
			want := raw[e.Offset : e.Offset+got.h.DataSize()]
			if !bytes.Equal(got.data, want) || layout.FormatShape(got.h.Shape) != layout.FormatShape(e.Shape) {
				t.Errorf("shape %v, data equal %v; want shape %v", got.h.Shape, bytes.Equal(got.data, want), e.Shape)
			}
			// The values read back as the manifest says.
			compareJSON(t, []string{out}, e.Descr, e.Shape, e.Values)
		})
	}
	// The raw frames are the frames NumPy saved: the whole file is identical.
	out := filepath.Join(dir, "frames.npy")
	ok(t, "convert", "--dtype", "<f4", "--shape", "-1,4,3", td("raw/frames.f32"), out)
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(td("npy/frames.npy"))
	if !bytes.Equal(a, b) {
		t.Errorf("convert of raw/frames.f32 differs from npy/frames.npy")
	}
}

// NumPy reads what convert writes.
func TestConvertAgainstNumPy(t *testing.T) {
	haveNumPy(t)
	dir := t.TempDir()
	npz := filepath.Join(dir, "c.npz")
	ok(t, "convert", "--compress", td("npy/struct_nested.npy"), npz)
	grid := filepath.Join(dir, "grid.npy")
	ok(t, "convert", "--header-record", "rows:>i4,cols:>i4", "--dtype", "<f8", td("raw/grid_be.bin"), grid)
	got := python(t, `import numpy as np, sys
a = np.load(sys.argv[1])['struct_nested']; b = np.load(sys.argv[3])
print(np.array_equal(a, np.load(sys.argv[2])), b.shape, b.dtype.str, float(b[0, 0]), bool(np.isnan(b[2, 1])))`,
		npz, td("npy/struct_nested.npy"), grid)
	if want := "True (3, 4) <f8 -4.0 True\n"; got != want {
		t.Errorf("NumPy read back: %q, want %q", got, want)
	}
}

// A failed conversion leaves nothing behind.
func TestConvertFailureLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "x.npy")
	r := ndmap(t, "convert", "--dtype", "<f8", "--shape", "100", td("raw/frames.f32"), out)
	checkInputError(t, r, nil, "frames.f32")
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("files left: %v", entries)
	}
}
