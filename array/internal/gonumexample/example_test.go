package gonumexample_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/ndmap/ndmap/array"
	"github.com/ndmap/ndmap/mmap"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// A block of a float64 .npy file becomes a *mat.Dense over the mapped
// pages: gonum reads and writes the file's elements in place.
func Example() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "m.npy")
	data := make([]float64, 4*5)
	for i := range data {
		data[i] = float64(i)
	}
	if err := array.Save(path, array.FromSlice(data, 4, 5)); err != nil {
		log.Fatal(err)
	}

	a, err := array.Open[float64](path, mmap.CopyOnWrite)
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	block := a.Slice(array.Range(1, 3), array.Range(1, 4)) // a[1:3, 1:4]
	elems, off, strides, err := block.Strided()
	if err != nil || strides[1] != 1 {
		log.Fatal("not a gonum matrix: ", err)
	}
	var m mat.Dense
	m.SetRawMatrix(blas64.General{Rows: block.Shape()[0], Cols: block.Shape()[1], Stride: strides[0], Data: elems[off:]})

	fmt.Println(mat.Formatted(&m))
	m.Scale(10, &m) // writes through to the (copy-on-write) mapping
	fmt.Println(a.At(2, 3), mat.Sum(&m))
	// Output:
	// ⎡ 6   7   8⎤
	// ⎣11  12  13⎦
	// 130 570
}
