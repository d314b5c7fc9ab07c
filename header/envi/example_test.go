package envi_test

import (
	"fmt"
	"log"

	"github.com/ndmap/ndmap/header/envi"
	"github.com/ndmap/ndmap/layout"
)

func ExampleReadFile() {
	h, err := envi.ReadFile("../../testdata/envi/bsq_f4.hdr")
	if err != nil {
		log.Fatal(err)
	}
	a := h.Array()
	wl, err := h.Wavelengths()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(h.Interleave, a.DType, a.Shape, "data at byte", a.DataOffset)
	fmt.Println(h.BandNames(), wl)
	// Output:
	// bsq float32 [3 4 5] data at byte 0
	// [blue green red] [450.5 550 650.25]
}

func ExampleNew() {
	dt := layout.Uint16
	dt.Order = layout.LittleEndian
	h, err := envi.New(dt, []int{100, 640, 3}, envi.BIP) // lines, samples, bands
	if err != nil {
		log.Fatal(err)
	}
	h.SetList("band names", "red", "green", "blue")
	text, err := h.Encode()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(text))
	// Output:
	// ENVI
	// samples = 640
	// lines = 100
	// bands = 3
	// header offset = 0
	// file type = ENVI Standard
	// data type = 12
	// interleave = bip
	// byte order = 0
	// band names = { red , green , blue }
}
