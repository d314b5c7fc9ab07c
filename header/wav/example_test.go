package wav_test

import (
	"fmt"
	"log"

	"github.com/ndmap/ndmap/header/wav"
	"github.com/ndmap/ndmap/layout"
)

func ExampleHeader_Encode() {
	// An hour of 32-channel float32 at 48 kHz is past 4 GiB: RF64.
	h, err := wav.New(layout.DType{Kind: layout.Float, Order: layout.LittleEndian, Size: 4}, 32, 3600*48000, 48000)
	if err != nil {
		log.Fatal(err)
	}
	b, err := h.Encode()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(h.Container, len(b), h.Array.DataOffset, h.Array.Shape)
	// Output:
	// RF64 112 112 [172800000 32]
}
