package fits_test

import (
	"fmt"
	"log"

	"github.com/ndmap/ndmap/header/fits"
)

func ExampleDescriber_Choose() {
	f, err := fits.ReadFile("../../testdata/fits/extensions.fits")
	if err != nil {
		log.Fatal(err)
	}
	for _, h := range f.HDUs {
		fmt.Println(h.Index, h.ExtName, h.XTension, h.Image)
	}
	h, err := fits.Describer{ExtName: "err"}.Choose(f)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(h.Index, h.Array.DType.TypeString(), h.Array.Shape)
	// Output:
	// 0 PRIMARY  false
	// 1 SCI IMAGE true
	// 2 CAT BINTABLE false
	// 3 ERR IMAGE true
	// 3 >i4 [2 4]
}
