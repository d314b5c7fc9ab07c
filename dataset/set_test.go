package dataset

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// shardValue is the value at flat position p of the whole set in the tests.
func shardValue(p int) float32 { return float32(p)*0.5 - 3 }

// writeShards writes one .npy file per length into dir, named x_<k>.npy,
// holding rows of trailing shape trail; it returns the paths in order and
// all the values in C order.
func writeShards(t testing.TB, dir string, lens []int, trail ...int) ([]string, []float32) {
	t.Helper()
	row := 1
	for _, d := range trail {
		row *= d
	}
	var paths []string
	var all []float32
	for k, n := range lens {
		data := make([]float32, n*row)
		for i := range data {
			data[i] = shardValue(len(all) + i)
		}
		all = append(all, data...)
		p := filepath.Join(dir, fmt.Sprintf("x_%d.npy", k))
		if err := array.Save(p, array.FromSlice(data, append([]int{n}, trail...)...)); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths, all
}

var setSelTests = []struct {
	name string
	sels []array.Sel
}{
	{"all", nil},
	{"row", []array.Sel{array.Idx(4)}},
	{"last row", []array.Sel{array.Idx(-1)}},
	{"across shards", []array.Sel{array.Range(2, 9)}},
	{"step", []array.Sel{array.All.By(3)}},
	{"reverse", []array.Sel{array.All.By(-1)}},
	{"reverse step", []array.Sel{array.Range(10, 1).By(-4)}},
	{"column", []array.Sel{array.All, array.Idx(2)}},
	{"inner", []array.Sel{array.Range(1, 12), array.Range(1, 3), array.All.By(-2)}},
	{"empty", []array.Sel{array.Range(5, 5)}},
	{"beyond", []array.Sel{array.From(100)}},
}

func TestSetSelections(t *testing.T) {
	dir := t.TempDir()
	lens := []int{3, 0, 1, 5, 2, 4} // 15 rows, one empty shard
	_, all := writeShards(t, dir, lens, 3, 4)
	s, err := OpenShards[float32](dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, want := s.Shape(), []int{15, 3, 4}; !slices.Equal(got, want) {
		t.Fatalf("Shape() = %v, want %v", got, want)
	}
	if s.NumShards() != len(lens) {
		t.Fatalf("NumShards() = %d, want %d", s.NumShards(), len(lens))
	}
	ref := array.FromSlice(all, 15, 3, 4)
	for _, tt := range setSelTests {
		t.Run(tt.name, func(t *testing.T) {
			want := ref.Slice(tt.sels...)
			wantVals := make([]float32, want.Size())
			want.CopyTo(wantVals)
			if got := SelShape(s.Shape(), tt.sels...); !slices.Equal(got, want.Shape()) {
				t.Errorf("SelShape = %v, want %v", got, want.Shape())
			}
			got := make([]float32, len(wantVals)+2)
			n, err := s.CopyTo(got, tt.sels...)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantVals, got[:n]); diff != "" {
				t.Errorf("CopyTo(%v) differs (-want +got):\n%s", tt.sels, diff)
			}
			var vals []float32
			for x, err := range s.Values(tt.sels...) {
				if err != nil {
					t.Fatal(err)
				}
				vals = append(vals, x)
			}
			if diff := cmp.Diff(wantVals, vals, cmp.Comparer(func(a, b []float32) bool { return slices.Equal(a, b) })); diff != "" && len(wantVals) > 0 {
				t.Errorf("Values(%v) differs (-want +got):\n%s", tt.sels, diff)
			}
		})
	}
}

func TestSetFramesAndBlocks(t *testing.T) {
	dir := t.TempDir()
	lens := []int{2, 3, 1}
	paths, all := writeShards(t, dir, lens, 2)
	s, err := OpenShardFiles[float32](paths)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range s.Len() {
		b, err := s.Frame(i)
		if err != nil {
			t.Fatal(err)
		}
		got := slices.Collect(b.Values())
		if want := all[2*i : 2*i+2]; !slices.Equal(got, want) {
			t.Errorf("Frame(%d) = %v, want %v", i, got, want)
		}
		if want := []int{i, 0}; !slices.Equal(b.Origin, want) {
			t.Errorf("Frame(%d).Origin = %v, want %v", i, b.Origin, want)
		}
		if _, err := b.Contiguous(); err != nil {
			t.Errorf("Frame(%d) is not in place: %v", i, err)
		}
		b.Release()
		k, j := s.Locate(i)
		start, end := s.ShardRange(k)
		if start+j != i || i >= end {
			t.Errorf("Locate(%d) = %d, %d; shard range [%d, %d)", i, k, j, start, end)
		}
	}
	for k := range s.NumBlocks() {
		b, err := s.Block(k)
		if err != nil {
			t.Fatal(err)
		}
		start, end := s.ShardRange(k)
		if got, want := slices.Collect(b.Values()), all[2*start:2*end]; !slices.Equal(got, want) {
			t.Errorf("Block(%d) = %v, want %v", k, got, want)
		}
		if b.Origin[0] != start {
			t.Errorf("Block(%d).Origin = %v, want [%d 0]", k, b.Origin, start)
		}
		b.Release()
	}
}

func TestShardFiles(t *testing.T) {
	dir := t.TempDir()
	writeShards(t, dir, []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 2) // x_0 .. x_11
	os.WriteFile(filepath.Join(dir, "README.txt"), []byte("not data"), 0o644)
	os.WriteFile(filepath.Join(dir, ".hidden.npy"), []byte("not data"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub.npy"), 0o755)
	want := []string{}
	for k := range 12 {
		want = append(want, filepath.Join(dir, fmt.Sprintf("x_%d.npy", k)))
	}
	for _, name := range []string{dir, filepath.Join(dir, "*.npy"), filepath.Join(dir, "x_*")} {
		got, err := ShardFiles(name)
		if err != nil {
			t.Fatalf("ShardFiles(%q): %v", name, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ShardFiles(%q) differs (-want +got):\n%s", name, diff)
		}
	}
	if got, err := ShardFiles(want[3]); err != nil || !slices.Equal(got, want[3:4]) {
		t.Errorf("ShardFiles(one file) = %v, %v", got, err)
	}
	if _, err := ShardFiles(filepath.Join(dir, "*.none")); !errors.Is(err, ErrNoFiles) {
		t.Errorf("ShardFiles(no match) = %v, want ErrNoFiles", err)
	}
	if _, err := ShardFiles(t.TempDir()); !errors.Is(err, ErrNoFiles) {
		t.Errorf("ShardFiles(empty folder) = %v, want ErrNoFiles", err)
	}
	if _, err := ShardFiles(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ShardFiles(missing) = %v, want ErrNotExist", err)
	}
}

func TestSetErrors(t *testing.T) {
	dir := t.TempDir()
	paths, _ := writeShards(t, dir, []int{2, 2}, 3)
	other := filepath.Join(dir, "other.npy")
	if err := array.Save(other, array.FromSlice([]float32{1, 2, 3, 4}, 2, 2)); err != nil {
		t.Fatal(err)
	}
	f64 := filepath.Join(dir, "f64.npy")
	if err := array.Save(f64, array.FromSlice([]float64{1, 2, 3}, 1, 3)); err != nil {
		t.Fatal(err)
	}
	scalar := filepath.Join(dir, "scalar.npy")
	if err := array.Save(scalar, array.FromSlice([]float32{1}, []int{}...)); err != nil {
		t.Fatal(err)
	}
	junk := filepath.Join(dir, "junk.npy")
	os.WriteFile(junk, []byte("\x93NUMPY\x01\x00garbage"), 0o644)
	tests := []struct {
		name  string
		paths []string
		err   error
	}{
		{"trailing shape", []string{paths[0], other}, ErrMismatch},
		{"dtype", []string{paths[0], f64}, ErrMismatch},
		{"0-d", []string{scalar}, nil},
		{"bad header", []string{paths[0], junk}, header.ErrFormat},
		{"missing", []string{paths[0], filepath.Join(dir, "none.npy")}, os.ErrNotExist},
		{"none", nil, ErrNoFiles},
	}
	for _, tt := range tests {
		s, err := OpenSetFiles(tt.paths)
		if err == nil {
			s.Close()
			t.Errorf("%s: OpenSetFiles succeeded", tt.name)
			continue
		}
		if tt.err != nil && !errors.Is(err, tt.err) {
			t.Errorf("%s: OpenSetFiles: %v, want %v", tt.name, err, tt.err)
		}
	}
	if _, err := OpenShardFiles[int32](paths); !errors.Is(err, array.ErrType) {
		t.Errorf("OpenShardFiles[int32] of float32 files: %v, want ErrType", err)
	}
}

func TestSetAppend(t *testing.T) {
	dir := t.TempDir()
	paths, all := writeShards(t, dir, []int{2, 3, 4}, 2)
	s, err := OpenShardFiles[float32](paths[:2])
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Len() != 5 {
		t.Fatalf("Len() = %d, want 5", s.Len())
	}
	if err := s.Append(paths[2]); err != nil {
		t.Fatal(err)
	}
	if s.Len() != 9 || s.NumShards() != 3 {
		t.Fatalf("after Append: Len() = %d, NumShards() = %d, want 9, 3", s.Len(), s.NumShards())
	}
	got := make([]float32, len(all))
	if _, err := s.CopyTo(got); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, all) {
		t.Errorf("after Append: values %v, want %v", got, all)
	}
	bad := filepath.Join(dir, "bad.npy")
	array.Save(bad, array.FromSlice([]float32{1, 2, 3}, 1, 3))
	if err := s.Append(bad); !errors.Is(err, ErrMismatch) {
		t.Errorf("Append of a wrong shape: %v, want ErrMismatch", err)
	}
	if s.Len() != 9 {
		t.Errorf("a failed Append changed Len() to %d", s.Len())
	}
}

func TestSetChangedFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows removes no mapped file, and the frame read last stays mapped until it is collected")
	}
	dir := t.TempDir()
	paths, _ := writeShards(t, dir, []int{2, 3}, 2)
	s, err := OpenShardFiles[float32](paths)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	array.Save(paths[1], array.FromSlice([]float32{1, 2}, 1, 2))
	if _, err := s.Frame(3); !errors.Is(err, ErrMismatch) {
		t.Errorf("Frame in a shard that changed: %v, want ErrMismatch", err)
	}
	if _, err := s.Frame(0); err != nil {
		t.Errorf("Frame in a shard that did not change: %v", err)
	}
}

func TestSetMaxMapped(t *testing.T) {
	dir := t.TempDir()
	lens := make([]int, 40)
	for i := range lens {
		lens[i] = 1 + i%3
	}
	_, all := writeShards(t, dir, lens, 4)
	s, err := OpenShards[float32](dir, MaxMapped(3))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if mapped, _ := s.mapped(); mapped != 0 {
		t.Errorf("after OpenShards, %d files are mapped, want 0", mapped)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range 3 * s.Len() {
				i := (r*7 + g*13) % s.Len()
				b, err := s.Frame(i)
				if err != nil {
					t.Error(err)
					return
				}
				if got := slices.Collect(b.Values()); !slices.Equal(got, all[4*i:4*i+4]) {
					t.Errorf("Frame(%d) = %v, want %v", i, got, all[4*i:4*i+4])
				}
				if mapped, _ := s.mapped(); mapped > 3+4 {
					t.Errorf("%d files mapped with MaxMapped(3) and 4 readers", mapped)
				}
				b.Release()
			}
		}()
	}
	wg.Wait()
	if mapped, maps := s.mapped(); mapped > 3 || maps <= len(lens) {
		t.Errorf("%d files mapped after the readers released them, %d mappings made; want at most 3, and files mapped again after eviction", mapped, maps)
	}
}

func TestSetCloseWithBlockHeld(t *testing.T) {
	dir := t.TempDir()
	paths, all := writeShards(t, dir, []int{2, 2}, 2)
	s, err := OpenShardFiles[float32](paths)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Frame(3)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := slices.Collect(b.Values()); !slices.Equal(got, all[6:8]) {
		t.Errorf("a held frame after Close = %v, want %v", got, all[6:8])
	}
	b.Release()
	if _, err := s.Frame(0); !errors.Is(err, ErrClosed) {
		t.Errorf("Frame after Close: %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Errorf("a second Release did not panic")
			}
		}()
		b.Release()
	}()
}

func TestSetRawAndFortran(t *testing.T) {
	dir := t.TempDir()
	// Raw float32 files of rows of 3, lengths from their sizes.
	var paths []string
	var all []float32
	for k, n := range []int{2, 1, 3} {
		data := make([]float32, 3*n)
		for i := range data {
			data[i] = shardValue(len(all) + i)
		}
		all = append(all, data...)
		p := filepath.Join(dir, fmt.Sprintf("raw_%d.f32", k))
		var raw bytes.Buffer
		if _, err := array.WriteRaw(&raw, array.FromSlice(data)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, raw.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	dt, _ := layout.For[float32]()
	s, err := OpenShards[float32](filepath.Join(dir, "raw_*.f32"), Describer(header.Raw{DType: dt, Shape: []int{-1, 3}}))
	if err != nil {
		t.Fatal(err)
	}
	got := make([]float32, len(all))
	if _, err := s.CopyTo(got); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, all) || !slices.Equal(s.Shape(), []int{6, 3}) {
		t.Errorf("raw shards: shape %v values %v, want [6 3] %v", s.Shape(), got, all)
	}
	s.Close()

	// Fortran-ordered .npy shards.
	fdir := t.TempDir()
	var fpaths []string
	for k := range 2 {
		p := filepath.Join(fdir, fmt.Sprintf("f_%d.npy", k))
		f, err := array.CreateFile(p, header.Header{DType: dt, Shape: []int{2, 3}, FortranOrder: true})
		if err != nil {
			t.Fatal(err)
		}
		v, _ := array.As[float32](f.Items())
		v.CopyFrom(all[6*k : 6*k+6])
		f.Close()
		fpaths = append(fpaths, p)
	}
	fs, err := OpenShardFiles[float32](fpaths)
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	got = make([]float32, 6)
	if _, err := fs.CopyTo(got, array.All, array.Idx(1)); err != nil {
		t.Fatal(err)
	}
	want := []float32{all[1], all[4], all[7], all[10]}
	if !slices.Equal(got[:4], want) {
		t.Errorf("column of Fortran shards = %v, want %v", got[:4], want)
	}
}

func TestSetWriteNPY(t *testing.T) {
	dir := t.TempDir()
	paths, all := writeShards(t, dir, []int{2, 0, 3}, 2, 2)
	s, err := OpenSetFiles(paths)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var buf bytes.Buffer
	n, err := s.WriteNPY(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		t.Errorf("WriteNPY returned %d, wrote %d bytes", n, buf.Len())
	}
	out := filepath.Join(dir, "whole.npy")
	os.WriteFile(out, buf.Bytes(), 0o644)
	a, err := array.Open[float32](out, mmap.ReadOnly)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if got := slices.Collect(a.Values()); !slices.Equal(got, all) || !slices.Equal(a.Shape(), []int{5, 2, 2}) {
		t.Errorf("WriteNPY: shape %v values %v, want [5 2 2] %v", a.Shape(), got, all)
	}
}

func TestSetSlices(t *testing.T) {
	dir := t.TempDir()
	_, all := writeShards(t, dir, []int{3, 0, 2, 4}, 2)
	s, err := OpenSet(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ref := array.FromSlice(all, 9, 2)
	for _, sel := range []array.Sel{array.All, array.Range(2, 7), array.All.By(-2), array.Idx(5), array.Range(8, 0).By(-3), array.From(9)} {
		want := slices.Collect(ref.Slice(sel).Values())
		var got []float32
		next := 0
		for p, err := range s.Slices(sel) {
			if err != nil {
				t.Fatal(err)
			}
			if p.Offset != next {
				t.Errorf("Slices(%v): part at offset %d, want %d", sel, p.Offset, next)
			}
			next += p.Len
			v, err := array.As[float32](p.Items())
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, slices.Collect(v.Values())...)
			if _, isIdx := sel.Position(); isIdx && v.NDim() != 1 {
				t.Errorf("Slices(%v): a single row keeps its axis: shape %v", sel, v.Shape())
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("Slices(%v) = %v, want %v", sel, got, want)
		}
	}
}
