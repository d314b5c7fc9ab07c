package header

import (
	"archive/zip"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ndmap/ndmap/layout"
)

// seedAll adds every file under testdata to the fuzz corpus.
func seedAll(f *testing.F) {
	err := filepath.WalkDir(testdata, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f.Add(b)
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
}

var fuzzHeaders = NPY{MaxHeaderLen: 1 << 17}

// roundTrip checks that h encodes, and that the encoding, followed by data,
// parses to the same header.
func roundTrip(t *testing.T, h *Header) {
	t.Helper()
	enc, err := Encode(Header{DType: h.DType, Shape: h.Shape, FortranOrder: h.FortranOrder})
	if err != nil {
		t.Fatalf("Encode(%+v) of a header we read: %v", h, err)
	}
	n := h.DataSize()
	if n < 0 || n > 1<<24 {
		t.Fatalf("DataSize() = %d for a header we read", n)
	}
	b := append(enc, make([]byte, n)...)
	h2, err := fuzzHeaders.Describe(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("re-reading %q: %v", enc, err)
	}
	if !h2.DType.Equal(h.DType) || !cmp.Equal(h2.Shape, h.Shape, emptyShape) || h2.FortranOrder != h.FortranOrder {
		t.Fatalf("round trip changed the header:\n%+v\n%+v", h, h2)
	}
	if h2.DataOffset != int64(len(enc)) {
		t.Fatalf("re-read data offset %d, encoded %d bytes", h2.DataOffset, len(enc))
	}
}

func FuzzRead(f *testing.F) {
	seedAll(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := fuzzHeaders.Describe(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		if h.DataOffset < 10 || h.DataSize() > int64(len(b))-h.DataOffset {
			t.Fatalf("header %+v does not fit the %d-byte input", h, len(b))
		}
		if _, err := h.DType.Descr(); err != nil {
			t.Fatalf("Descr of a dtype we read: %v", err)
		}
		roundTrip(t, h)
	})
}

func FuzzReadArchive(f *testing.F) {
	seedAll(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := fuzzHeaders.ReadArchive(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		for _, m := range a.Members {
			// Whatever the member, reading it ends in its bytes or an error.
			if err := m.Verify(); err != nil && !strings.HasPrefix(err.Error(), "header: ") {
				t.Fatalf("member %q: Verify = %v, want a header: error", m.Name, err)
			}
			if m.Err != nil {
				if m.Header != nil || m.DataOffset != 0 {
					t.Fatalf("member %q has Err %v and a header", m.Name, m.Err)
				}
				continue
			}
			if m.Offset < 0 || m.Offset+m.CompressedSize > int64(len(b)) {
				t.Fatalf("member %q at %d+%d outside the %d-byte archive", m.Name, m.Offset, m.CompressedSize, len(b))
			}
			if m.Header == nil {
				continue
			}
			if m.Header.DataOffset+m.Header.DataSize() > m.UncompressedSize {
				t.Fatalf("member %q data runs past the member", m.Name)
			}
			if m.Method == zip.Store && m.DataOffset != m.Offset+m.Header.DataOffset {
				t.Fatalf("member %q data at %d, want %d", m.Name, m.DataOffset, m.Offset+m.Header.DataOffset)
			}
			if m.Header.DType.Kind == layout.Invalid {
				t.Fatalf("member %q has an invalid dtype", m.Name)
			}
			roundTrip(t, m.Header)
		}
	})
}
