package array_test

import (
	"errors"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
	"github.com/ndmap/ndmap/mmap"
)

// A frame of a 3-d array: a view of the mapped bytes, no copy, as
// np.load(path, mmap_mode='r')[3] gives.
func ExampleOpen() {
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
func ExampleView_Slice() {
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

// np.save of any view, here a transpose, written in C order, and np.load
// of it.
//
//	a = np.arange(6.0).reshape(2, 3)
//	np.save("m.npy", a.T)
//	b = np.load("m.npy")
//	print(b.ravel(), b.shape)
func ExampleSave() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "m.npy")

	a := array.FromSlice([]float64{0, 1, 2, 3, 4, 5}, 2, 3)
	if err := array.Save(path, a.T()); err != nil {
		log.Fatal(err)
	}

	data, shape, err := array.Load[float64](path)
	fmt.Println(data, shape, err)
	// Output:
	// [0 3 1 4 2 5] [3 2] <nil>
}

// np.load of a whole .npy file into memory.
//
//	a = np.load("f8_1d.npy")
//	print(a.shape, a)
func ExampleLoad() {
	data, shape, err := array.Load[float64]("../testdata/npy/f8_1d.npy")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(shape, data)
	// Output:
	// [8] [0 1.5 -2.25 NaN +Inf -Inf 0.1 1e+300]
}

// np.savez of several arrays, and np.load of one of them by key.
//
//	x = np.array([1, 2, 3], dtype=np.float32)
//	y = np.array([[4, 5], [6, 7]], dtype=np.int16)
//	np.savez("run.npz", x=x, y=y)
//	z = np.load("run.npz")
//	print(z.files, z["y"])
func ExampleSaveArchive() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "run.npz")

	x := array.FromSlice([]float32{1, 2, 3})
	y := array.FromSlice([]int16{4, 5, 6, 7}, 2, 2)
	if err := array.SaveArchive(path, map[string]array.Data{"x": x, "y": y}); err != nil {
		log.Fatal(err)
	}
	z, err := array.OpenArchive(path, mmap.ReadOnly)
	if err != nil {
		log.Fatal(err)
	}
	defer z.Close()
	data, shape, err := array.LoadMember[int16](z, "y")
	fmt.Println(z.Keys(), data, shape, err)
	// Output:
	// [x y] [4 5 6 7] [2 2] <nil>
}

// np.savez_compressed: the same, with the members deflated.
//
//	x = np.array([1.5, 2.5, 3.5])
//	np.savez_compressed("run.npz", x=x)
//	z = np.load("run.npz")
//	print(z.files, z["x"])
func ExampleSaveArchive_compressed() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "run.npz")

	x := array.FromSlice([]float64{1.5, 2.5, 3.5})
	if err := array.SaveArchive(path, map[string]array.Data{"x": x}, array.Compress()); err != nil {
		log.Fatal(err)
	}
	z, err := array.OpenArchive(path, mmap.ReadOnly)
	if err != nil {
		log.Fatal(err)
	}
	defer z.Close()
	data, shape, err := array.LoadMember[float64](z, "x")
	fmt.Println(z.Keys(), data, shape, err)
	// Output:
	// [x] [1.5 2.5 3.5] [3] <nil>
}

// np.memmap of a raw file: the dtype comes from the Go type and the first
// axis from the file's size.
//
//	a = np.memmap("frames.f32", dtype="<f4", mode="r").reshape(-1, 4, 3)
//	print(a.shape, a[3, 1, 2])
func ExampleOpenRaw() {
	a, err := array.OpenRaw[float32]("../testdata/raw/frames.f32", mmap.ReadOnly, header.Raw{Shape: []int{-1, 4, 3}})
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	fmt.Println(a.Shape(), a.At(3, 1, 2))
	// Output:
	// [5 4 3] 17.5
}

// A raw file that starts with a record (rows int32, cols int32), followed
// by rows×cols float64 values.
//
//	rows, cols = np.fromfile("grid.bin", dtype="<i4", count=2)
//	grid = np.memmap("grid.bin", dtype="<f8", mode="r", offset=8, shape=(rows, cols))
//	print(grid.shape, grid[2, 3])
func ExampleOpenRaw_record() {
	rec, err := layout.ParseDescr("[('rows', '<i4'), ('cols', '<i4')]")
	if err != nil {
		log.Fatal(err)
	}
	grid, err := array.OpenRaw[float64]("../testdata/raw/grid.bin", mmap.ReadOnly, header.Record{Header: rec, Shape: []string{"rows", "cols"}})
	if err != nil {
		log.Fatal(err)
	}
	defer grid.Close()
	fmt.Println(grid.Shape(), grid.At(2, 3))
	// Output:
	// [3 4] 9.75
}

// Records written by NumPy's tofile, mapped copy-on-write: a field is
// changed in memory, and the file is left as it was.
//
//	db = np.dtype([("name", "S12"), ("time", "<i8"), ("value", "<f4")])
//	m = np.memmap("db.dat", dtype=db, mode="c")
//	m["value"][1] = 99.5
//	print(m["value"])
func ExampleOpenRawFile() {
	db, err := layout.ParseDescr("[('name', '|S12'), ('time', '<i8'), ('value', '<f4')]")
	if err != nil {
		log.Fatal(err)
	}
	f, err := array.OpenRawFile("../testdata/raw/db.dat", mmap.CopyOnWrite, header.Raw{DType: db})
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	values, err := array.Field[float32](f.Items(), "value")
	if err != nil {
		log.Fatal(err)
	}
	err = values.Set(99.5, 1)
	fmt.Println(values, err)
	// Output:
	// array([1.5, 99.5, NaN], dtype=float32, shape=(3,)) <nil>
}

// A structured file (name S12, time int64, value float32), read through
// field views and updated in place.
func ExampleField() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "db.npy")
	data, err := os.ReadFile("../testdata/npy/db.npy")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		log.Fatal(err)
	}

	db, err := array.OpenFile(path, mmap.ReadWrite)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	fmt.Println(db.Header().DType)

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
	if err := values.Flush(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(db.Items().Index(1))
	// Output:
	// {name: S12, time: int64, value: float32}
	// alpha 1600000000 1.5
	// beta 1600000060 -0.25
	// gamma 1600000120 NaN
	// delta-epsilo 1600000180 1e+10
	// array(("beta", 1600000060, 99.5), dtype={name: S12, time: int64, value: float32}, shape=())
}

// An archive's keys, and what opening it as a .npy file or asking for a
// key it does not hold says.
func ExampleOpenArchive() {
	z, err := array.OpenArchive("../testdata/npz/savez.npz", mmap.ReadOnly)
	if err != nil {
		log.Fatal(err)
	}
	defer z.Close()
	fmt.Println(z.Keys())

	x, err := array.OpenMember[float32](z, "x") // mapped in place
	if err != nil {
		log.Fatal(err)
	}
	defer x.Close()
	fmt.Println(x.Index(1))

	_, err = array.OpenMember[float32](z, "nope")
	fmt.Println(errors.Is(err, fs.ErrNotExist), err)
	_, err = array.Open[float32]("../testdata/npz/savez.npz", mmap.ReadOnly)
	fmt.Println(err)
	// Output:
	// [x y arr_0 arr_1]
	// array([1.3333334, 1.6666666, 2, 2.3333333], dtype=float32, shape=(4,))
	// true array: ../testdata/npz/savez.npz: no key "nope"; the archive holds x, y, arr_0, arr_1
	// array: ../testdata/npz/savez.npz is an .npz archive, not a .npy file: open it with OpenArchive and its arrays with OpenMember (keys: x, y, arr_0, arr_1)
}

// A new .npy file, as open_memmap(path, mode="w+") makes one: sparse, filled
// through views, flushed by Close; NumPy reads it as any other.
//
//	a = open_memmap("frames.npy", mode="w+", dtype=np.float32, shape=(4, 2, 3))
//	for i in range(4): a[i] = i / 2
//	a[3, 1, 2] = 9
//	a.flush()
func ExampleCreate() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "frames.npy")

	a, err := array.Create[float32](path, []int{4, 2, 3})
	if err != nil {
		log.Fatal(err)
	}
	for i := range a.Len() {
		a.Index(i).Fill(float32(i) / 2)
	}
	a.Set(9, 3, 1, 2)
	if err := a.Close(); err != nil { // flushes
		log.Fatal(err)
	}

	data, shape, err := array.Load[float32](path)
	fmt.Println(shape, data[6:12], data[23], err)
	// Output:
	// [4 2 3] [0.5 0.5 0.5 0.5 0.5 0.5] 9 <nil>
}

// A file bigger than memory is written in bounded memory: each block of
// rows is filled, flushed to the file, and its pages dropped from the
// process's memory before the next. Peak memory is about one block,
// whatever the size of the file.
func ExampleView_Flush() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	const rows, cols, block = 1000, 256, 100 // rows of a file far bigger than RAM, in blocks of 100
	a, err := array.Create[float32](filepath.Join(dir, "big.npy"), []int{rows, cols})
	if err != nil {
		log.Fatal(err)
	}
	buf := make([]float32, block*cols)
	for i := 0; i < rows; i += block {
		part := a.Slice(array.Range(i, min(i+block, rows)))
		for k := range buf {
			buf[k] = float32(i + k/cols) // row i + k/cols
		}
		if _, err := part.CopyFrom(buf); err != nil {
			log.Fatal(err)
		}
		if err := part.Flush(); err != nil { // write the block to the file
			log.Fatal(err)
		}
		part.Advise(mmap.DontNeed) // and let its pages go
	}
	fmt.Println(a.At(999, 255), a.Close())
	// Output:
	// 999 <nil>
}

// Rows are appended to a file without rewriting it; the header's shape
// grows in place.
func ExampleAppender() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "log.npy")

	if err := array.Save(path, array.FromSlice([]int64{}, 0, 2)); err != nil { // no rows yet
		log.Fatal(err)
	}
	a, err := array.OpenAppender(path)
	if err != nil {
		log.Fatal(err)
	}
	for i := range int64(3) {
		if err := array.Append(a, []int64{i, i * i}); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(a.Len())
	if err := a.Close(); err != nil {
		log.Fatal(err)
	}

	data, shape, err := array.Load[int64](path)
	fmt.Println(shape, data, err)
	// Output:
	// 3
	// [3 2] [0 0 1 1 2 4] <nil>
}

// A strided 2-d view handed to code that takes a slice, a row stride and a
// column stride, as gonum's blas64.General does: here a plain loop over the
// block a[1:3, 1:4] of a (4, 5) array, without a copy.
func ExampleView_Strided() {
	m := make([]float64, 20)
	for i := range m {
		m[i] = float64(i)
	}
	block := array.FromSlice(m, 4, 5).Slice(array.Range(1, 3), array.Range(1, 4))
	data, off, strides, err := block.Strided()
	if err != nil {
		log.Fatal(err)
	}
	rows, cols := block.Shape()[0], block.Shape()[1]
	// blas64.General{Rows: rows, Cols: cols, Stride: strides[0], Data: data[off:]}
	sum := 0.0
	for i := range rows {
		for j := range cols {
			sum += data[off+i*strides[0]+j*strides[1]]
		}
	}
	fmt.Println(strides, sum, &data[off] == &m[6])
	// Output:
	// [5 1] 57 true
}
