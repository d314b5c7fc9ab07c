package fits

import (
	"bytes"
	"testing"

	"github.com/ndmap/ndmap/internal/reftest"
)

// FuzzRead checks that no input makes Read panic, that HDUs it accepts lie
// in order within the file with images' data inside it, and that every
// card of a header it reads is found again by its keyword.
func FuzzRead(f *testing.F) {
	for _, b := range reftest.Files(f, reftest.Dir("fits"), "*.fits") {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		size := int64(len(b))
		file, err := Read(bytes.NewReader(b), size)
		if err != nil {
			return
		}
		prev := int64(-1)
		for i, h := range file.HDUs {
			if h.Index != i || h.Offset <= prev || h.Offset%BlockSize != 0 {
				t.Fatalf("HDU %d at offset %d after %d", h.Index, h.Offset, prev)
			}
			prev = h.Offset
			if h.Image {
				a := h.Array
				if a.DataSize() != h.DataSize || a.DataOffset+h.DataSize > size || a.DataOffset <= h.Offset {
					t.Fatalf("HDU %d: %d bytes of data at %d in a %d-byte file", i, h.DataSize, a.DataOffset, size)
				}
			}
			for _, c := range h.Cards {
				if _, ok := h.Get(c.Key); !ok {
					t.Fatalf("HDU %d: card %q is not found by its keyword", i, c.Key)
				}
			}
		}
	})
}
