package wav

import (
	"bytes"
	"slices"
	"testing"

	"github.com/ndmap/ndmap/internal/reftest"
)

// FuzzRead checks that no input makes Read panic, that the samples it
// accepts lie within the file, and that a header it reads re-encodes to
// one that reads back as the same array.
func FuzzRead(f *testing.F) {
	for _, b := range reftest.Files(f, reftest.Dir("wav"), "*.wav") {
		f.Add(b, false)
	}
	f.Fuzz(func(t *testing.T, b []byte, packed bool) {
		size := int64(len(b))
		h, err := Describer{PackedAsBytes: packed}.Read(bytes.NewReader(b), size)
		if err != nil {
			return
		}
		a := h.Array
		if n := a.DataSize(); n < 0 || a.DataOffset < 12 || a.DataOffset+n > size || n > h.Frames*int64(h.BlockAlign) {
			t.Fatalf("Read accepted %d bytes of samples at %d in a %d-byte file", n, a.DataOffset, size)
		}
		if h.Packed {
			return // not written by Encode
		}
		g, err := New(a.DType, h.Channels, h.Frames, max(h.SampleRate, 1))
		if err != nil {
			return // a frame or rate New cannot write, say
		}
		enc, err := g.Encode()
		if err != nil {
			t.Fatalf("Encode of what New made: %v", err)
		}
		r, err := Read(bytes.NewReader(enc), int64(len(enc))+a.DataSize())
		if err != nil || !r.Array.DType.Equal(a.DType) || !slices.Equal(r.Array.Shape, a.Shape) {
			t.Fatalf("re-encoded header reads as %+v, %v; want %+v", r, err, a)
		}
	})
}
