package mrc

import (
	"bytes"
	"slices"
	"testing"

	"github.com/ndmap/ndmap/internal/reftest"
)

// FuzzRead checks that no input makes Read panic, that what it accepts
// lies within the file, and that a header it reads encodes to bytes that
// read back as the same array.
func FuzzRead(f *testing.F) {
	for _, b := range reftest.Files(f, reftest.Dir("mrc"), "*.mrc*") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		size := int64(len(b))
		h, err := Read(bytes.NewReader(b), size)
		if err != nil {
			return
		}
		a := h.Array
		if n := a.DataSize(); n < 0 || a.DataOffset < HeaderSize || a.DataOffset+n > size {
			t.Fatalf("Read accepted data of %d bytes at %d in a %d-byte file", n, a.DataOffset, size)
		}
		enc, err := h.Encode()
		if err != nil {
			return // labels that are not printable ASCII, say
		}
		g, err := Read(bytes.NewReader(append(enc, b[HeaderSize:]...)), size)
		if err != nil {
			t.Fatalf("re-encoded header does not read: %v", err)
		}
		if !g.Array.DType.Equal(a.DType) || !slices.Equal(g.Array.Shape, a.Shape) || g.Array.DataOffset != a.DataOffset {
			t.Fatalf("re-encoded header reads as %+v, want %+v", g.Array, a)
		}
	})
}
