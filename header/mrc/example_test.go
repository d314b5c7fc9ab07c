package mrc_test

import (
	"fmt"
	"log"

	"github.com/ndmap/ndmap/header/mrc"
)

func ExampleReadFile() {
	h, err := mrc.ReadFile("../../testdata/mrc/float32_stack.mrcs")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(h.Array.DType.TypeString(), h.Array.Shape, h.Array.DataOffset)
	fmt.Printf("voxel %.2f Å, space group %d\n", h.VoxelSize(), h.SpaceGroup)
	// Output:
	// <f4 [3 4 6] 1024
	// voxel [0.80 0.80 0.80] Å, space group 0
}
