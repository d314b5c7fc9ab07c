package array_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

var equateEmpty = cmpopts.EquateEmpty()

// requireNumPy skips the test when /usr/bin/python3 cannot import numpy,
// or fails it when CI=true, where NumPy must be present.
func requireNumPy(t *testing.T) string {
	t.Helper()
	const py = "/usr/bin/python3"
	if exec.Command(py, "-c", "import numpy").Run() == nil {
		return py
	}
	// CI runs the tests as Windows programs too, under Wine, which has no
	// Python: NumPy is required of the Unix run alone.
	if os.Getenv("CI") == "true" && runtime.GOOS != "windows" {
		t.Fatal("NumPy is required when CI=true: /usr/bin/python3 cannot import numpy")
	}
	t.Skip("no NumPy for /usr/bin/python3")
	return ""
}

func mustParse(t testing.TB, s string) layout.DType {
	t.Helper()
	dt, err := layout.ParseDescr(s)
	if err != nil {
		t.Fatal(err)
	}
	return dt
}

// fileHeader returns the header bytes of the .npy file at path.
func fileHeader(t *testing.T, path string) ([]byte, *header.Header) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := header.NPY{MaxHeaderLen: 1 << 20}.Describe(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return b[:h.DataOffset], h
}

func TestCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.npy")
	a, err := array.Create[float32](path, []int{3, 4})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		for j := range 4 {
			if err := a.Set(float32(i*10+j), i, j); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := a.Index(2).Fill(-1); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	hb, _ := fileHeader(t, path)
	want, _ := header.Encode(header.Header{DType: layout.Float32, Shape: []int{3, 4}})
	if !bytes.Equal(hb, want) {
		t.Errorf("header\n%q\nwant\n%q", hb, want)
	}
	got, shape, err := array.Load[float32](path)
	if err != nil {
		t.Fatal(err)
	}
	wantData := []float32{0, 1, 2, 3, 10, 11, 12, 13, -1, -1, -1, -1}
	if !cmp.Equal(got, wantData) || !cmp.Equal(shape, []int{3, 4}) {
		t.Errorf("Load = %v %v, want %v [3 4]", got, shape, wantData)
	}
}

var createFileTests = []struct {
	name    string
	descr   string
	shape   []int
	fortran bool
}{
	{"record", "[('x', '<i4'), ('y', '>f8'), ('s', '|S3')]", []int{4}, false},
	{"nested", "[('a', '<u2'), ('m', [('p', '<f4', (2,)), ('q', '|i1')])]", []int{2, 2}, false},
	{"fortran", "'<f8'", []int{2, 3}, true},
	{"bigendian", "'>i8'", []int{5}, false},
	{"zero-d", "'<c16'", []int{}, false},
	{"empty", "'<i2'", []int{0, 3}, false},
	{"datetime", "'<M8[ns]'", []int{3}, false},
	{"unicode", "'<U2'", []int{2}, false},
}

// CreateFile writes NumPy's own header for every kind of dtype, shape and
// order, and the file reads back with what was written through views.
func TestCreateFile(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range createFileTests {
		t.Run(tt.name, func(t *testing.T) {
			dt := mustParse(t, tt.descr)
			path := filepath.Join(dir, tt.name+".npy")
			f, err := array.CreateFile(path, header.Header{DType: dt, Shape: tt.shape, FortranOrder: tt.fortran})
			if err != nil {
				t.Fatal(err)
			}
			u := f.Items()
			var want [][]byte
			i := 0
			for b := range u.Values() {
				item := make([]byte, len(b))
				for k := range item {
					item[k] = byte(i*13 + k + 1)
				}
				copy(b, item)
				want = append(want, item)
				i++
			}
			if err := f.Close(); err != nil {
				t.Fatal(err)
			}
			hb, h := fileHeader(t, path)
			enc, _ := header.Encode(header.Header{DType: dt, Shape: tt.shape, FortranOrder: tt.fortran})
			if !bytes.Equal(hb, enc) {
				t.Errorf("header\n%q\nwant\n%q", hb, enc)
			}
			if !h.DType.Equal(dt) || !cmp.Equal(h.Shape, tt.shape, equateEmpty) || h.FortranOrder != tt.fortran {
				t.Errorf("header reads %v %v %v", h.DType, h.Shape, h.FortranOrder)
			}
			g, err := array.OpenFile(path, mmap.ReadOnly)
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			var got [][]byte
			for b := range g.Items().Values() {
				got = append(got, append([]byte{}, b...))
			}
			if !cmp.Equal(got, want, equateEmpty) {
				t.Errorf("items %x, want %x", got, want)
			}
		})
	}
}

func TestCreatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Create with a negative dimension did not panic")
		}
	}()
	array.Create[int8](filepath.Join(t.TempDir(), "x.npy"), []int{2, -1})
}

func TestCreateTooLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.npy")
	if _, err := array.Create[float64](path, []int{math.MaxInt / 4, 8}); err == nil {
		t.Fatal("an array of more bytes than int64 holds was created")
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed Create left a file: %v", err)
	}
}

// A raw file whose header record gives rows and cols: created from scratch,
// it reads back through header.Record with the same shape and values.
func TestCreateRawRecord(t *testing.T) {
	rec := header.Record{
		Header: mustParse(t, "[('magic', '|S4'), ('rows', '>u4'), ('cols', '<i2'), ('scale', '<f4')]"),
		Shape:  []string{"rows", "cols"},
	}
	path := filepath.Join(t.TempDir(), "grid.bin")
	a, err := array.CreateRaw[float64](path, rec, []int{3, 5})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		for j := range 5 {
			a.Set(float64(i)+float64(j)/10, i, j)
		}
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	wantHead := []byte{0, 0, 0, 0, 0, 0, 0, 3, 5, 0, 0, 0, 0, 0}
	if !bytes.Equal(b[:14], wantHead) || len(b) != 14+15*8 {
		t.Errorf("file starts %v and is %d bytes; want %v and %d", b[:14], len(b), wantHead, 14+15*8)
	}
	rec.DType = layout.Float64
	g, err := array.OpenRaw[float64](path, mmap.ReadOnly, rec)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if g.At(2, 4) != 2.4 || !cmp.Equal(g.Shape(), []int{3, 5}) {
		t.Errorf("read back shape %v, a[2,4] = %v", g.Shape(), g.At(2, 4))
	}

	// A float field holds the dimension too; a small integer one may not.
	rec2 := header.Record{Header: mustParse(t, "[('n', '<f8'), ('m', '|i1')]"), Shape: []string{"n", "m"}, DataOffset: 64}
	f, err := array.CreateRawFile(filepath.Join(t.TempDir(), "f.bin"), header.Record{Header: rec2.Header, Shape: rec2.Shape, DType: layout.Uint8, DataOffset: 64}, []int{7, 100})
	if err != nil {
		t.Fatal(err)
	}
	if h := f.Header(); h.DataOffset != 64 || !cmp.Equal(h.Shape, []int{7, 100}) {
		t.Errorf("header %+v", h)
	}
	f.Close()
	rec2.DType = layout.Uint8
	p := filepath.Join(t.TempDir(), "g.bin")
	if _, err := array.CreateRawFile(p, rec2, []int{7, 200}); err == nil {
		t.Error("200 rows in an int8 field accepted")
	}
	if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed CreateRawFile left a file: %v", err)
	}
}

func TestCreateRaw(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.dat")
	f, err := array.CreateRawFile(path, header.Raw{Offset: 16, DType: layout.Int16, Shape: []int{-1, 3}}, []int{2, 3})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := array.As[int16](f.Items())
	v.CopyFrom([]int16{1, 2, 3, 4, 5, 6})
	f.Close()
	g, err := array.OpenRaw[int16](path, mmap.ReadOnly, header.Raw{Offset: 16})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	got := make([]int16, g.Size())
	g.CopyTo(got)
	if !cmp.Equal(got, []int16{1, 2, 3, 4, 5, 6}) {
		t.Errorf("read back %v", got)
	}
}

func saveLoad[T array.Element](t *testing.T, data []T, shape ...int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.npy")
	if err := array.Save(path, array.FromSlice(data, shape...)); err != nil {
		t.Fatal(err)
	}
	wantShape := shape
	if wantShape == nil {
		wantShape = []int{len(data)}
	}
	dt, _ := layout.For[T]()
	hb, _ := fileHeader(t, path)
	enc, _ := header.Encode(header.Header{DType: dt, Shape: wantShape})
	if !bytes.Equal(hb, enc) {
		t.Errorf("header\n%q\nwant\n%q", hb, enc)
	}
	got, gotShape, err := array.Load[T](path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, data) || !cmp.Equal(gotShape, wantShape, equateEmpty) {
		t.Errorf("Load = %v %v, want %v %v", got, gotShape, data, wantShape)
	}
	b, _ := os.ReadFile(path)
	got, gotShape, err = array.Read[T](bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, data) || !cmp.Equal(gotShape, wantShape, equateEmpty) {
		t.Errorf("Read = %v %v, want %v %v", got, gotShape, data, wantShape)
	}
	var buf bytes.Buffer
	n, err := array.Write(&buf, array.FromSlice(data, shape...))
	if err != nil || n != int64(len(b)) || !bytes.Equal(buf.Bytes(), b) {
		t.Errorf("Write gave %d bytes (%v), differing from Save's %d", n, err, len(b))
	}
}

func TestSaveLoad(t *testing.T) {
	saveLoad(t, []float64{1.5, -2, math.Inf(1)})
	saveLoad(t, []int16{1, 2, 3, 4, 5, 6}, 2, 3)
	saveLoad(t, []bool{true, false, true})
	saveLoad(t, []complex128{1 + 2i, -3i}, 2, 1)
	saveLoad(t, []uint8{42}, []int{}...)
	saveLoad(t, []int32{}, 0, 7)
	saveLoad(t, []layout.Float16{layout.Float16FromFloat32(1.5)})
	big := make([]int64, 300000)
	for i := range big {
		big[i] = int64(i) * 3
	}
	saveLoad(t, big, 1000, 300)
}

// Write and Load reorder strided, reversed, big-endian and Fortran-order
// views into C order, in pieces larger and smaller than the chunk size.
func TestWriteViews(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.npy")
	be := mustParse(t, "'>f8'")
	f, err := array.CreateFile(path, header.Header{DType: be, Shape: []int{700, 400}, FortranOrder: true})
	if err != nil {
		t.Fatal(err)
	}
	v, err := array.As[float64](f.Items())
	if err != nil {
		t.Fatal(err)
	}
	a := &array.Array[float64]{View: v, File: f}
	for i := range 700 {
		for j := range 400 {
			a.Set(float64(i*1000+j), i, j)
		}
	}
	views := map[string]array.View[float64]{
		"whole":     a.View,
		"T":         a.T(),
		"step":      a.Slice(array.All.By(3), array.Range(5, 300).By(-7)),
		"column":    a.Slice(array.All, array.Idx(9)),
		"reversed":  a.Slice(array.All.By(-1)),
		"element":   a.Slice(array.Idx(3), array.Idx(4)),
		"empty":     a.Slice(array.Range(4, 4)),
		"one row":   a.Index(699),
		"3-d":       mustReshape(t, a.T(), 8, 50, 700),
		"zero rows": a.Slice(array.All, array.Range(0, 0)),
	}
	for name, v := range views {
		t.Run(name, func(t *testing.T) {
			want := make([]float64, v.Size())
			v.CopyTo(want)
			var buf bytes.Buffer
			if _, err := array.Write(&buf, v); err != nil {
				t.Fatal(err)
			}
			got, shape, err := array.Read[float64](&buf)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) || !cmp.Equal(shape, v.Shape(), equateEmpty) {
				t.Errorf("read back shape %v (want %v), values differ: %v", shape, v.Shape(), !slices.Equal(got, want))
			}
		})
	}
	a.Close()

	// The Fortran-order big-endian file itself loads in C order.
	got, shape, err := array.Load[float64](path)
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(shape, []int{700, 400}) || got[1*400+2] != 1002 || got[699*400+399] != 699399 {
		t.Errorf("Load: shape %v, [1,2]=%v [699,399]=%v", shape, got[402], got[len(got)-1])
	}
	b, _ := os.ReadFile(path)
	got2, _, err := array.Read[float64](bytes.NewReader(b))
	if err != nil || !slices.Equal(got2, got) {
		t.Errorf("Read of the Fortran file differs from Load: %v", err)
	}
}

// mustItems returns the items of the .npy file at path, read into memory.
func mustItems(t *testing.T, path string) array.Items {
	t.Helper()
	f, err := array.OpenFile(path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f.Items()
}

func mustReshape(t *testing.T, v array.View[float64], shape ...int) array.View[float64] {
	t.Helper()
	buf := make([]float64, v.Size())
	v.CopyTo(buf)
	return array.FromSlice(buf, shape...)
}

// Write keeps records, byte order and strides as they are.
func TestWriteRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.npy")
	dt := mustParse(t, "[('x', '>i4'), ('y', '<f8')]")
	f, err := array.CreateFile(path, header.Header{DType: dt, Shape: []int{6}})
	if err != nil {
		t.Fatal(err)
	}
	x, _ := array.Field[int32](f.Items(), "x")
	x.CopyFrom([]int32{1, 2, 3, 4, 5, 6})
	u := f.Items().Slice(array.All.By(-2))
	var buf bytes.Buffer
	if _, err := array.Write(&buf, u); err != nil {
		t.Fatal(err)
	}
	f.Close()
	out := filepath.Join(t.TempDir(), "o.npy")
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	g, err := array.OpenFile(out, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	gx, _ := array.Field[int32](g.Items(), "x")
	got := make([]int32, gx.Size())
	gx.CopyTo(got)
	if !g.Header().DType.Equal(dt) || !cmp.Equal(got, []int32{6, 4, 2}) {
		t.Errorf("dtype %v, x = %v", g.Header().DType, got)
	}
}

func TestSaveRaw(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "s.npy")
	if err := array.Save(src, array.FromSlice([]uint16{1, 2, 3, 4, 5, 6}, 2, 3)); err != nil {
		t.Fatal(err)
	}
	a, err := array.Open[uint16](src, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	raw := filepath.Join(dir, "t.bin")
	if err := array.SaveRaw(raw, a.Items().T()); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(raw)
	if want := []byte{1, 0, 4, 0, 2, 0, 5, 0, 3, 0, 6, 0}; !bytes.Equal(b, want) {
		t.Errorf("tofile bytes %v, want %v", b, want)
	}
	if err := array.SaveRaw(raw, a.Index(1)); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(raw); !bytes.Equal(b, []byte{4, 0, 5, 0, 6, 0}) {
		t.Errorf("tofile of a row: %v", b)
	}
}

// A Save that fails part way — here, reading a file that shrank under its
// mapping — leaves the target as it was and no temporary file behind.
func TestSaveFailureLeavesTarget(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("a mapped file cannot be truncated on Windows")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "src.npy")
	s, err := array.Create[int64](src, []int{1 << 16})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	target := filepath.Join(dir, "t.npy")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(src, 128); err != nil {
		t.Fatal(err)
	}
	err = array.Save(target, s.Items().Slice(array.All.By(2)))
	if !errors.Is(err, mmap.ErrFault) {
		t.Errorf("Save from a shrunk file: %v, want ErrFault", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "old" {
		t.Errorf("target now holds %q", b)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 2 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want src.npy and t.npy only", names)
	}
}

type limitedReader struct {
	r   io.Reader
	max int
}

func TestReadErrors(t *testing.T) {
	enc := func(h header.Header) []byte {
		b, err := header.Encode(h)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	huge := enc(header.Header{DType: layout.Float64, Shape: []int{math.MaxInt / 16}})
	short := append(enc(header.Header{DType: layout.Float64, Shape: []int{4}}), make([]byte, 20)...)
	tests := []struct {
		name string
		in   []byte
		err  error
	}{
		{"huge promise", append(huge, make([]byte, 4096)...), io.ErrUnexpectedEOF},
		{"short data", short, io.ErrUnexpectedEOF},
		{"no header", []byte("\x93NUMPY\x01\x00"), io.ErrUnexpectedEOF},
		{"bad magic", []byte("\x93NUMPZ\x01\x00\x00\x00{}          "), header.ErrFormat},
		{"empty", nil, io.ErrUnexpectedEOF},
		{"wrong type", enc(header.Header{DType: layout.Int64, Shape: []int{0}}), array.ErrType},
	}
	for _, tt := range tests {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, _, err := array.Read[float64](bytes.NewReader(tt.in))
		runtime.ReadMemStats(&after)
		if !errors.Is(err, tt.err) {
			t.Errorf("%s: Read: %v, want %v", tt.name, err, tt.err)
		}
		if a := after.TotalAlloc - before.TotalAlloc; a > 4<<20 {
			t.Errorf("%s: Read allocated %d bytes", tt.name, a)
		}
	}
	// The header length cap applies as for Open.
	rec := make([]string, 600)
	for i := range rec {
		rec[i] = fmt.Sprintf("('f%03d', '<f8')", i)
	}
	b := enc(header.Header{DType: mustParse(t, "["+strings.Join(rec, ", ")+"]"), Shape: []int{0}})
	if _, _, err := array.Read[float64](bytes.NewReader(b)); !errors.Is(err, header.ErrFormat) {
		t.Errorf("header over the cap: %v, want ErrFormat", err)
	}
	if _, _, err := array.Read[float64](bytes.NewReader(b), array.MaxHeaderLen(1<<20)); !errors.Is(err, array.ErrType) {
		t.Errorf("header under a raised cap: %v, want ErrType (a record is not float64)", err)
	}
}

// SaveArchive aligns stored members' data in the archive, and OpenMember
// gives it as a []T over the mapping.
func TestSaveArchiveAligned(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.npz")
	vals := make([]float64, 1000)
	for i := range vals {
		vals[i] = float64(i) / 4
	}
	err := array.SaveArchive(path, map[string]array.Data{
		"odd": array.FromSlice([]uint8{1, 2, 3}),
		"x":   array.FromSlice(vals, 10, 100).T(),
		"c":   array.FromSlice([]complex128{1i, 2, 3 + 3i}),
	})
	if err != nil {
		t.Fatal(err)
	}
	z, err := array.OpenArchive(path, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	if keys := z.Keys(); !cmp.Equal(keys, []string{"c", "odd", "x"}) {
		t.Errorf("Keys = %v, want them sorted", keys)
	}
	x, err := array.OpenMember[float64](z, "x")
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	s, err := x.Contiguous()
	if err != nil {
		t.Fatalf("Contiguous of an aligned member: %v", err)
	}
	if len(s) != 1000 || s[1] != vals[100] || s[10] != vals[1] || !cmp.Equal(x.Shape(), []int{100, 10}) {
		t.Errorf("member x: shape %v, s[1] = %v, s[10] = %v", x.Shape(), s[1], s[10])
	}
	cv, err := array.OpenMember[complex128](z, "c.npy")
	if err != nil {
		t.Fatal(err)
	}
	// Members stay open after the archive is closed.
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	defer cv.Close()
	if cs, err := cv.Contiguous(); err != nil || !cmp.Equal(cs, []complex128{1i, 2, 3 + 3i}) {
		t.Errorf("member c: %v, %v", cs, err)
	}
	if _, err := array.OpenMember[uint8](z, "odd"); !errors.Is(err, array.ErrClosed) {
		t.Errorf("OpenMember after Close: %v, want ErrClosed", err)
	}
}

// numpyAll loads each file with NumPy (a .npz archive member by member) and
// prints, for each array, its dtype descr, shape, order, header version and
// its items' bytes in C order.
const numpyAll = `
import json, sys
import numpy as np
from numpy.lib import format
def desc(a):
    return {'descr': repr(format.dtype_to_descr(a.dtype)), 'shape': list(a.shape),
            'fortran': bool(a.flags.f_contiguous and not a.flags.c_contiguous and a.ndim > 1),
            'data': np.ascontiguousarray(a).tobytes().hex(),
            'values': a.tolist() if a.dtype.kind in 'biuf' else None}
out = {}
for p in sys.argv[1:]:
    if p.endswith('.npz'):
        with np.load(p, max_header_size=1 << 20) as z:
            out[p] = [dict(desc(z[k]), key=k) for k in z.files]
    else:
        with open(p, 'rb') as f:
            v = format.read_magic(f)
        a = np.load(p, max_header_size=1 << 20)
        out[p] = [dict(desc(a), version='%d.%d' % v)]
json.dump(out, sys.stdout)
`

type numpyArray struct {
	Key     string
	Descr   string
	Shape   []int
	Fortran bool
	Version string
	Data    string
	Values  any
}

// Every kind of file this package writes, NumPy loads with the dtype, shape,
// order and values we wrote.
func TestNumPyLoadsWhatWeWrite(t *testing.T) {
	py := requireNumPy(t)
	dir := t.TempDir()
	want := map[string][]numpyArray{}
	add := func(path string, key string, u array.Items, version string, fortran bool) {
		t.Helper()
		d, err := u.DType().Descr()
		if err != nil {
			t.Fatal(err)
		}
		b := make([]byte, u.Size()*u.DType().Size)
		u.CopyTo(b)
		want[path] = append(want[path], numpyArray{Key: key, Descr: d, Shape: u.Shape(), Fortran: fortran, Version: version, Data: hex.EncodeToString(b)})
	}
	fill := func(f *array.File) {
		i := 0
		for b := range f.Items().Values() {
			for k := range b {
				b[k] = byte(i*29 + k*3 + 1)
			}
			i++
		}
	}
	created := []struct {
		name, descr string
		shape       []int
		fortran     bool
		version     string
	}{
		{"record", "[('x', '<i4'), ('y', '>f8'), ('s', '|S3')]", []int{3}, false, "1.0"},
		{"nested", "[('a', '<u2'), ('m', [('p', '<f4', (2, 3)), ('q', '|i1')]), ('t', '<M8[us]')]", []int{2, 2}, false, "1.0"},
		{"bigendian", "'>i4'", []int{2, 5}, false, "1.0"},
		{"fortran", "'<f4'", []int{3, 2, 4}, true, "1.0"},
		{"zero-d", "'<c16'", []int{}, false, "1.0"},
		{"empty", "'<i2'", []int{0, 3}, false, "1.0"},
		{"unicode", "'>U3'", []int{2}, false, "1.0"},
		{"v3", "[('é', '<i2'), ('名', '|u1')]", []int{4}, false, "3.0"},
	}
	// A record of thousands of fields takes a version 2.0 header.
	var many []string
	for i := range 4000 {
		many = append(many, fmt.Sprintf("('f%04d', '|u1')", i))
	}
	created = append(created, struct {
		name, descr string
		shape       []int
		fortran     bool
		version     string
	}{"v2", "[" + strings.Join(many, ", ") + "]", []int{2}, false, "2.0"})
	var files []*array.File
	for _, c := range created {
		path := filepath.Join(dir, c.name+".npy")
		f, err := array.CreateFile(path, header.Header{DType: mustParse(t, c.descr), Shape: c.shape, FortranOrder: c.fortran})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		fill(f)
		if err := f.Items().Flush(); err != nil {
			t.Fatal(err)
		}
		add(path, "", f.Items(), c.version, c.fortran)
		files = append(files, f)
	}
	// Saved, appended and raw-converted files, and archives of all of them.
	saved := filepath.Join(dir, "saved.npy")
	if err := array.Save(saved, array.FromSlice([]float64{0.5, -1, math.MaxFloat64, 3}, 2, 2)); err != nil {
		t.Fatal(err)
	}
	add(saved, "", mustItems(t, saved), "1.0", false)
	members := map[string]array.Data{"typed": array.FromSlice([]int64{-5, 6, 7})}
	for i, f := range files {
		members[created[i].name] = f.Items()
	}
	for _, compress := range []bool{false, true} {
		path := filepath.Join(dir, fmt.Sprintf("z%v.npz", compress))
		var opts []array.Option
		if compress {
			opts = append(opts, array.Compress())
		}
		if err := array.SaveArchive(path, members, opts...); err != nil {
			t.Fatal(err)
		}
		// Members are in key order, and in C order whatever the source's.
		for _, key := range slices.Sorted(maps.Keys(members)) {
			if key == "typed" {
				want[path] = append(want[path], numpyArray{Key: "typed", Descr: "'<i8'", Shape: []int{3}, Data: "fbffffffffffffff06000000000000000700000000000000"})
				continue
			}
			add(path, key, members[key].(array.Items), "", false)
		}
	}
	for _, f := range files {
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}

	var paths []string
	for p := range want {
		paths = append(paths, p)
	}
	cmd := exec.Command(py, append([]string{"-c", numpyAll}, paths...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("NumPy could not load our files: %v\n%s", err, stderr.Bytes())
	}
	var got map[string][]numpyArray
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if diff := cmp.Diff(want[p], got[p], equateEmpty, cmpopts.IgnoreFields(numpyArray{}, "Values")); diff != "" {
			t.Errorf("%s: NumPy read (-want +got):\n%s", filepath.Base(p), diff)
		}
	}
	// For plain numbers, NumPy's values are ours too.
	if v := got[saved][0].Values; !cmp.Equal(v, []any{[]any{0.5, -1.0}, []any{math.MaxFloat64, 3.0}}) {
		t.Errorf("NumPy's values of saved.npy: %v", v)
	}
}
