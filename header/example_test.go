package header_test

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/ndmap/ndmap/header"
	"github.com/ndmap/ndmap/layout"
)

func ExampleRead() {
	f, err := os.Open("../testdata/npy/struct.npy")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		log.Fatal(err)
	}
	h, err := header.Read(f, fi.Size())
	if err != nil {
		log.Fatal(err)
	}
	descr, _ := h.DType.Descr()
	fmt.Println("version:", h.Version)
	fmt.Println("descr:", descr)
	fmt.Println("shape:", h.Shape, "fortran:", h.FortranOrder)
	fmt.Println("data:", h.DataSize(), "bytes at", h.DataOffset)
	// Output:
	// version: 1.0
	// descr: [('x', '<i4'), ('y', '>f8')]
	// shape: [3] fortran: false
	// data: 36 bytes at 128
}

func ExampleReadArchive() {
	b, err := os.ReadFile("../testdata/npz/savez.npz")
	if err != nil {
		log.Fatal(err)
	}
	a, err := header.ReadArchive(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range a.Members {
		d, _ := m.Header.DType.Descr()
		fmt.Printf("%-9s %s %v data at %d\n", m.Name, d, m.Header.Shape, m.DataOffset)
	}
	x, _ := a.Lookup("x")
	fmt.Println("x is", x.Name)
	// Output:
	// x.npy     '<f4' [3 4] data at 183
	// y.npy     '|b1' [3] data at 414
	// arr_0.npy '<i2' [7] data at 604
	// arr_1.npy '<f8' [2 2] data at 805
	// x is x.npy
}

// An archive whose members cannot all be read lists them all; those it
// cannot read say why, and the others read as usual. Verify reads a member
// to its end to check its CRC-32.
func ExampleMember_Err() {
	a, err := header.OpenArchive("../testdata/npz/partial_compressed.npz")
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	for _, m := range a.Members {
		switch {
		case errors.Is(m.Err, layout.ErrUnsupported):
			fmt.Println(m.Name, "refused: its dtype cannot be mapped")
		case errors.Is(m.Err, header.ErrTooLong):
			fmt.Println(m.Name, "refused: its header is longer than the limit")
		case m.Err != nil:
			fmt.Println(m.Name, "damaged:", m.Err)
		default:
			fmt.Println(m.Name, m.Header.DType.TypeString(), m.Header.Shape, "checksum:", m.Verify() == nil)
		}
	}
	// Output:
	// ok.npy <i4 [5] checksum: true
	// obj.npy refused: its dtype cannot be mapped
	// longdouble.npy refused: its dtype cannot be mapped
	// wide.npy refused: its header is longer than the limit
	// after.npy >f8 [1 2] checksum: true
}

// An archive of two arrays, stored with their data 64-byte aligned so that
// each can be mapped and read in place with typed access.
func ExampleNPZWriter() {
	var buf bytes.Buffer
	z := header.NewNPZWriter(&buf, header.NPZOptions{Align: 64})

	w, err := z.Create("x", header.Header{DType: layout.Uint8, Shape: []int{2, 3}})
	if err != nil {
		log.Fatal(err)
	}
	w.Write([]byte{1, 2, 3, 4, 5, 6}) // the items in C order
	w, err = z.Create("y", header.Header{DType: layout.Int16, Shape: []int{2}})
	if err != nil {
		log.Fatal(err)
	}
	w.Write([]byte{7, 0, 8, 0}) // little-endian int16: 7, 8
	if err := z.Close(); err != nil {
		log.Fatal(err)
	}

	a, err := header.ReadArchive(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range a.Members {
		fmt.Println(m.Name, m.Header.DType, m.Header.Shape, "aligned:", m.DataOffset%64 == 0)
	}
	// Output:
	// x.npy uint8 [2 3] aligned: true
	// y.npy int16 [2] aligned: true
}
