package nifti

import (
	"bytes"
	"slices"
	"testing"

	"github.com/ndmap/ndmap/internal/reftest"
)

// FuzzRead checks that no input makes Read panic, that the data of a
// single file it accepts lies within the file, and that a NIfTI-1 header
// it reads encodes to bytes that read back as the same array.
func FuzzRead(f *testing.F) {
	for _, b := range reftest.Files(f, reftest.Dir("nifti"), "*.[nh][id][ir]") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		size := int64(len(b))
		h, err := Read(bytes.NewReader(b), size)
		if err != nil {
			return
		}
		a := h.Array
		n := a.DataSize()
		if n < 0 || !h.Pair && (a.DataOffset < MinOffset1 || a.DataOffset+n > size) {
			t.Fatalf("Read accepted data of %d bytes at %d in a %d-byte file", n, a.DataOffset, size)
		}
		for _, e := range h.Extensions {
			if e.Offset < 0 || e.Size < 0 || e.Offset+e.Size > a.DataOffset {
				t.Fatalf("extension %+v runs past the data offset %d", e, a.DataOffset)
			}
		}
		if h.Version != 1 {
			return
		}
		enc, err := h.Encode()
		if err != nil {
			return // a dimension that New would refuse, say
		}
		if len(b) > len(enc) {
			enc = append(enc, b[len(enc):]...)
		}
		g, err := Read(bytes.NewReader(enc), int64(len(enc)))
		if err != nil {
			t.Fatalf("re-encoded header does not read: %v", err)
		}
		if !g.Array.DType.Equal(a.DType) || !slices.Equal(g.Array.Shape, a.Shape) || g.Array.DataOffset != a.DataOffset {
			t.Fatalf("re-encoded header reads as %+v, want %+v", g.Array, a)
		}
	})
}
