package array_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// A frame of a 3-d array: a view of the mapped bytes, no copy.
func ExampleOpen_frame() {
	a, err := array.Open[float32]("../testdata/npy/frames.npy", mmap.ReadOnly)
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()

	frame := a.Index(3) // frames[3], shape (4, 3)
	fmt.Println(a.Shape(), frame.Shape())
	fmt.Println(frame.At(1, 2))
	row, err := frame.Index(1).Contiguous() // []float32 over the mapping
	fmt.Println(row, err)
	// Output:
	// [5 4 3] [4 3]
	// 17.5
	// [16.5 17 17.5] <nil>
}

// One channel of a (samples, channels) array, read through a strided view.
func ExampleView_Slice_channel() {
	a, err := array.Open[float64]("../testdata/npy/channels.npy", mmap.ReadOnly)
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()

	ch := a.Slice(array.All, array.Idx(6)) // a[:, 6]
	sum := 0.0
	for x := range ch.Values() {
		sum += x
	}
	fmt.Println(ch.Shape(), ch.Strides(), sum)

	tail := a.Slice(array.From(-3), array.Idx(-1)) // a[-3:, -1]
	buf := make([]float64, tail.Size())
	tail.CopyTo(buf)
	fmt.Println(buf)
	// Output:
	// [10] [64] 12.5
	// [3.875 4.875 -Inf]
}

// A raw file that starts with a header record (rows int32, cols int32)
// followed by rows×cols float64 values.
func ExampleOpenWithHeader() {
	hdr, err := layout.StructOf([]layout.Field{
		{Name: "rows", Offset: 0, Type: layout.Int32},
		{Name: "cols", Offset: 4, Type: layout.Int32},
	}, 8)
	if err != nil {
		log.Fatal(err)
	}
	grid, err := array.OpenWithHeader[float64]("../testdata/raw/grid.bin", mmap.ReadOnly,
		header.Record{Header: hdr, Shape: []string{"rows", "cols"}, DType: layout.Float64})
	if err != nil {
		log.Fatal(err)
	}
	defer grid.Close()
	fmt.Println(grid.Shape(), grid.Header().DataOffset, grid.At(2, 3))
	// Output:
	// [3 4] 8 9.75
}

// A structured file (name S12, time int64, value float32), read through
// field views and updated in place.
func ExampleField() {
	path := filepath.Join(os.TempDir(), "ndmap-example-db.npy")
	data, err := os.ReadFile("../testdata/npy/db.npy")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		log.Fatal(err)
	}
	defer os.Remove(path)

	db, err := array.OpenFile(path, mmap.ReadWrite)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	fmt.Println(db.DType())

	names, err := db.Items().Field("name")
	if err != nil {
		log.Fatal(err)
	}
	times, err := array.Field[int64](db.Items(), "time")
	if err != nil {
		log.Fatal(err)
	}
	values, err := array.Field[float32](db.Items(), "value")
	if err != nil {
		log.Fatal(err)
	}
	for i := range db.Items().Len() {
		fmt.Println(names.Text(i), times.At(i), values.At(i))
	}
	if err := values.Set(99.5, 1); err != nil {
		log.Fatal(err)
	}
	if err := db.Flush(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(values.At(1))
	// Output:
	// {name: S12, time: int64, value: float32}
	// alpha 1600000000 1.5
	// beta 1600000060 -0.25
	// gamma 1600000120 NaN
	// delta-epsilo 1600000180 1e+10
	// 99.5
}

// A member of an archive written by np.savez: mapped in place.
func ExampleOpenMember() {
	f, err := array.OpenMember("../testdata/npz/savez.npz", "x", mmap.ReadOnly)
	if err != nil {
		log.Fatal(err)
	}
	x, err := array.Typed[float32](f)
	if err != nil {
		log.Fatal(err)
	}
	defer x.Close()
	fmt.Println(x.Shape(), x.At(1, 2), x.Header().DataOffset)
	_, err = x.Contiguous()
	fmt.Println(err)
	// Output:
	// [3 4] 2 183
	// array: layout does not allow it: elements are not aligned for float32
}
