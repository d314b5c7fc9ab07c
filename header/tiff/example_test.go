package tiff_test

import (
	"fmt"
	"log"

	"github.com/ndmap/ndmap/header/tiff"
)

func ExampleReadFile() {
	s, err := tiff.ReadFile("../../testdata/tiff/imagej_tzcyx.tif")
	if err != nil {
		log.Fatal(err)
	}
	h := s.Header()
	fmt.Println(s.Kind, s.Axes, s.Shape, h.DType)
	fmt.Println(h.DataSize(), "bytes from byte", h.DataOffset)
	// Output:
	// imagej TZCYX [2 3 2 8 10] uint16
	// 1920 bytes from byte 352
}
