package nifti_test

import (
	"fmt"
	"log"

	"github.com/ndmap/ndmap/header/nifti"
)

func ExampleReadFile() {
	h, data, err := nifti.ReadFile("../../testdata/nifti/int16_scaled.nii")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(data)
	fmt.Println(h.Array.DType.TypeString(), h.Array.Shape, "fortran:", h.Array.FortranOrder, "offset:", h.Array.DataOffset)
	fmt.Println("zooms:", h.Zooms(), "stored 4 means", h.Scale.Apply(4))
	// Output:
	// ../../testdata/nifti/int16_scaled.nii
	// <i2 [3 2 2 2] fortran: true offset: 352
	// zooms: [2 2.5 3 1] stored 4 means 0
}
