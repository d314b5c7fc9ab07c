package array_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// WriteValues fills a created file in order through the file: views see
// the values at once, may be written between the blocks, and the file
// loads with all of them; values are written in the file's byte order.
func TestWriteValues(t *testing.T) {
	for _, dt := range []layout.DType{layout.Float64, mustParse(t, "'>f8'")} {
		path := filepath.Join(t.TempDir(), "w.npy")
		f, err := array.CreateFile(path, header.Header{DType: dt, Shape: []int{100, 30}})
		if err != nil {
			t.Fatal(err)
		}
		a, err := array.As[float64](f.Items())
		if err != nil {
			t.Fatal(err)
		}
		arr := &array.Array[float64]{View: a, File: f}
		want := make([]float64, 3000)
		for i := range want {
			want[i] = float64(i) + 0.5
		}
		for i := 0; i < len(want); i += 700 {
			if err := array.WriteValues(arr, i, want[i:min(i+700, len(want))]); err != nil {
				t.Fatal(err)
			}
			if got := arr.At(i/30, i%30); got != want[i] {
				t.Errorf("%v: the view reads %v at element %d just written, want %v", dt, got, i, want[i])
			}
		}
		arr.Set(-1, 99, 29) // a view writes too
		want[2999] = -1
		if err := arr.Close(); err != nil {
			t.Fatal(err)
		}
		got, _, err := array.Load[float64](path)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%v: Load after WriteValues = %v, %v", dt, got[:5], err)
		}
	}
}

// File.WriteAt writes bytes of the data; io.NewOffsetWriter fills it in
// order; it refuses what it cannot write and ranges outside the data.
func TestFileWriteAt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "b.npy")
	f, err := array.CreateFile(path, header.Header{DType: layout.Uint8, Shape: []int{10}})
	if err != nil {
		t.Fatal(err)
	}
	w := io.NewOffsetWriter(f, 0)
	io.WriteString(w, "abc")
	io.WriteString(w, "defghij")
	if _, err := f.WriteAt([]byte("xy"), 9); !errors.Is(err, mmap.ErrRange) {
		t.Errorf("WriteAt past the data = %v, want ErrRange", err)
	}
	if _, err := f.WriteAt([]byte("x"), -1); !errors.Is(err, mmap.ErrRange) {
		t.Errorf("WriteAt(-1) = %v, want ErrRange", err)
	}
	v, _ := array.As[uint8](f.Items())
	if got := string(slices.Collect(v.Values())); got != "abcdefghij" {
		t.Errorf("the view reads %q", got)
	}
	f.Close()
	if _, err := f.WriteAt([]byte("x"), 0); !errors.Is(err, array.ErrClosed) {
		t.Errorf("WriteAt after Close = %v, want ErrClosed", err)
	}
	for _, mode := range []mmap.Mode{mmap.ReadOnly, mmap.CopyOnWrite} {
		g, err := array.OpenFile(path, mode)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := g.WriteAt([]byte("x"), 0); !errors.Is(err, array.ErrReadOnly) {
			t.Errorf("%v: WriteAt = %v, want ErrReadOnly", mode, err)
		}
		g.Close()
	}
	if b, _, _ := array.Load[uint8](path); string(b) != "abcdefghij" {
		t.Errorf("the file holds %q", b)
	}
	a, err := array.Open[uint8](path, mmap.ReadWrite)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	defer func() {
		if recover() == nil {
			t.Error("WriteValues past the end did not panic")
		}
	}()
	array.WriteValues(a, 8, []uint8{1, 2, 3})
}

// A view copied out of a file that shrank under it fails with the offset
// of the first byte lost, not of the page the copy happened to touch first.
func TestCopyToFaultOffset(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows does not let a mapped file shrink")
	}
	path := filepath.Join(t.TempDir(), "s.npy")
	a, err := array.Create[int64](path, []int{1 << 16})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	keep := int64(128 + 8*1000)
	if err := os.Truncate(path, keep); err != nil {
		t.Fatal(err)
	}
	page := int64(os.Getpagesize())
	buf := make([]int64, a.Size())
	err = a.Guard(func() error { a.CopyTo(buf); return nil })
	var fe *mmap.FaultError
	if want := (keep + page - 1) / page * page; !errors.As(err, &fe) || fe.Offset != want {
		t.Errorf("CopyTo from a file shrunk to %d bytes = %v, want a fault at byte %d", keep, err, want)
	}
}
